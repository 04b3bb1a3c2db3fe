// RUN: dl-opt %s -p loop-unroll --split-input-file | filecheck %s

/// A full unroll: one copy per iteration, the induction variable folded into the indices.
// CHECK-LABEL: loop.func @full
// CHECK-NOT:     loop.for
// CHECK:         loop.store %{{.*}}, %[[A:.*]][%{{.*}}, 0] : memref<4x8xf32>
// CHECK-NEXT:    loop.store %{{.*}}, %[[A]][%{{.*}}, 2] : memref<4x8xf32>
// CHECK-NEXT:    loop.store %{{.*}}, %[[A]][%{{.*}}, 4] : memref<4x8xf32>
// CHECK-NEXT:    loop.return
loop.func @full(%x: f32, %i: index, %a: memref<4x8xf32>) attributes {num_outputs = 1 : i64} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c3 = arith.constant 3 : index
  loop.for %k = %c0 to %c3 step %c1 unrolled {
    loop.store %x, %a[%i, %k * 2] : memref<4x8xf32>
  }
  loop.return
}

// -----

/// Unrolled by 4 over 13 iterations: a loop of 3 steps of 4 copies (at %k, %k + 1, ...),
/// and a serial tail from 12.
// CHECK-LABEL: loop.func @by_four
// CHECK:         %[[END:.*]] = arith.constant 12 : index
// CHECK-NEXT:    %[[STEP:.*]] = arith.constant 4 : index
// CHECK-NEXT:    loop.for %[[K:.*]] = %{{.*}} to %[[END]] step %[[STEP]] {
// CHECK-NEXT:      loop.load %{{.*}}[%[[K]]] : memref<13xf32>
// CHECK:           loop.store %{{.*}}, %{{.*}}[%[[K]]] : memref<13xf32>
// CHECK-NEXT:      loop.load %{{.*}}[%[[K]] + 1] : memref<13xf32>
// CHECK:           loop.store %{{.*}}, %{{.*}}[%[[K]] + 1] : memref<13xf32>
// CHECK-NEXT:      loop.load %{{.*}}[%[[K]] + 2] : memref<13xf32>
// CHECK:           loop.store %{{.*}}, %{{.*}}[%[[K]] + 3] : memref<13xf32>
// CHECK-NEXT:    }
// CHECK-NEXT:    loop.for %{{.*}} = %[[END]] to %{{.*}} step %{{.*}} {
// CHECK-NEXT:      loop.load
loop.func @by_four(%a: memref<13xf32>, %b: memref<13xf32>) attributes {num_outputs = 1 : i64} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c13 = arith.constant 13 : index
  loop.for %k = %c0 to %c13 step %c1 unrolled<4> {
    %x = loop.load %a[%k] : memref<13xf32>
    %y = arith.addf %x, %x : f32
    loop.store %y, %b[%k] : memref<13xf32>
  }
  loop.return
}

// -----

/// Unroll-and-jam: the copies of the inner k loop are fused into one, so the two rows'
/// accumulators are updated in the same k loop (the loads of %a move before it).
// CHECK-LABEL: loop.func @jam
// CHECK:         loop.for %[[K:.*]] = %{{.*}} to %{{.*}} step %{{.*}} {
// CHECK-NEXT:      %{{.*}} = loop.load %{{.*}}[%[[K]]] : memref<16xf32>
// CHECK-NEXT:      %{{.*}} = loop.load %[[ACC:.*]][0] : memref<2xf32>
// CHECK:           loop.store %{{.*}}, %[[ACC]][0] : memref<2xf32>
// CHECK-NEXT:      %{{.*}} = loop.load %{{.*}}[%[[K]]] : memref<16xf32>
// CHECK-NEXT:      %{{.*}} = loop.load %[[ACC]][1] : memref<2xf32>
// CHECK:           loop.store %{{.*}}, %[[ACC]][1] : memref<2xf32>
// CHECK-NEXT:    }
// CHECK-NEXT:    loop.return
loop.func @jam(%a: memref<2xf32>, %b: memref<16xf32>, %acc: memref<2xf32>) attributes {num_outputs = 1 : i64} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c16 = arith.constant 16 : index
  loop.for %i = %c0 to %c2 step %c1 unrolled {
    %x = loop.load %a[%i] : memref<2xf32>
    loop.for %k = %c0 to %c16 step %c1 {
      %y = loop.load %b[%k] : memref<16xf32>
      %o = loop.load %acc[%i] : memref<2xf32>
      %p = arith.mulf %x, %y : f32
      %n = arith.addf %o, %p : f32
      loop.store %n, %acc[%i] : memref<2xf32>
    }
  }
  loop.return
}

// -----

/// No jam when the copies could touch the same element (every row writes out[k]): the
/// inner loops are only replicated.
// CHECK-LABEL: loop.func @no_jam
// CHECK:         loop.for
// CHECK:           loop.store %{{.*}}, %{{.*}}[%{{.*}}] : memref<16xf32>
// CHECK:         loop.for
// CHECK:           loop.store %{{.*}}, %{{.*}}[%{{.*}}] : memref<16xf32>
// CHECK-NOT:     loop.for
loop.func @no_jam(%a: memref<2x16xf32>, %out: memref<16xf32>) attributes {num_outputs = 1 : i64} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c16 = arith.constant 16 : index
  loop.for %i = %c0 to %c2 step %c1 unrolled {
    loop.for %k = %c0 to %c16 step %c1 {
      %x = loop.load %a[%i, %k] : memref<2x16xf32>
      %o = loop.load %out[%k] : memref<16xf32>
      %n = arith.addf %o, %x : f32
      loop.store %n, %out[%k] : memref<16xf32>
    }
  }
  loop.return
}

// -----

/// A dynamic trip count: the main loop runs whole steps of 2 * step, the tail the rest.
// CHECK-LABEL: loop.func @dynamic
// CHECK:         %[[UB:.*]] = loop.min
// CHECK:         %[[END:.*]] = arith.addi
// CHECK:         loop.for %[[K:.*]] = %{{.*}} to %[[END]] step %{{.*}} {
// CHECK-NEXT:      loop.store %{{.*}}, %{{.*}}[%[[K]]] : memref<64xf32>
// CHECK-NEXT:      loop.store %{{.*}}, %{{.*}}[%[[K]] + 3] : memref<64xf32>
// CHECK-NEXT:    }
// CHECK-NEXT:    loop.for %{{.*}} = %[[END]] to %[[UB]] step %{{.*}} {
loop.func @dynamic(%x: f32, %n: index, %a: memref<64xf32>) attributes {num_outputs = 1 : i64} {
  %c0 = arith.constant 0 : index
  %c3 = arith.constant 3 : index
  %c64 = arith.constant 64 : index
  %ub = loop.min %n, %c64
  loop.for %k = %c0 to %ub step %c3 unrolled<2> {
    loop.store %x, %a[%k] : memref<64xf32>
  }
  loop.return
}
