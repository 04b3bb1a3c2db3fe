// RUN: dl-opt %s -p loop-vectorize --split-input-file | filecheck %s

/// A contiguous load, an invariant scalar (broadcast) and a contiguous store; 100 is not a
/// multiple of 8, so a scalar tail loop runs the last 4 iterations.
// CHECK-LABEL: loop.func @scale
// CHECK:         %[[END:.*]] = arith.constant 96 : index
// CHECK-NEXT:    %[[STEP:.*]] = arith.constant 8 : index
// CHECK-NEXT:    loop.for %[[J:.*]] = %{{.*}} to %[[END]] step %[[STEP]] {
// CHECK-NEXT:      %[[X:.*]] = loop.vload %{{.*}}[%[[J]]] : memref<100xf32>, vector<8xf32>
// CHECK-NEXT:      %[[S:.*]] = vector.broadcast %{{.*}} : f32 to vector<8xf32>
// CHECK-NEXT:      %[[Y:.*]] = arith.mulf %[[X]], %[[S]] : vector<8xf32>
// CHECK-NEXT:      loop.vstore %[[Y]], %{{.*}}[%[[J]]] : memref<100xf32>, vector<8xf32>
// CHECK-NEXT:    }
// CHECK-NEXT:    loop.for %{{.*}} = %[[END]] to %{{.*}} step %{{.*}} {
// CHECK-NEXT:      loop.load
// CHECK-NEXT:      arith.mulf %{{.*}} : f32
// CHECK-NEXT:      loop.store
loop.func @scale(%a: memref<100xf32>, %s: f32, %b: memref<100xf32>) attributes {num_outputs = 1 : i64} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c100 = arith.constant 100 : index
  loop.for %j = %c0 to %c100 step %c1 vectorized<8> {
    %x = loop.load %a[%j] : memref<100xf32>
    %y = arith.mulf %x, %s : f32
    loop.store %y, %b[%j] : memref<100xf32>
  }
  loop.return
}

// -----

/// A reduction into acc[i]: eight partial sums on the stack, folded lane by lane after
/// the loop (this reassociates the sum); 64 is a multiple of 8, so there is no tail.
// CHECK-LABEL: loop.func @row_sum
// CHECK:         %[[P:.*]] = loop.alloc "local" : memref<8xf32>
// CHECK-NEXT:    %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
// CHECK-NEXT:    %[[INIT:.*]] = vector.broadcast %[[ZERO]] : f32 to vector<8xf32>
// CHECK-NEXT:    loop.vstore %[[INIT]], %[[P]][0] : memref<8xf32>, vector<8xf32>
// CHECK-NEXT:    loop.for %[[J:.*]] = %{{.*}} to %{{.*}} step %{{.*}} {
// CHECK-NEXT:      %[[X:.*]] = loop.vload %{{.*}}[%{{.*}}, %[[J]]] : memref<4x64xf32>, vector<8xf32>
// CHECK-NEXT:      %[[OLD:.*]] = loop.vload %[[P]][0] : memref<8xf32>, vector<8xf32>
// CHECK-NEXT:      %[[NEW:.*]] = arith.addf %[[OLD]], %[[X]] : vector<8xf32>
// CHECK-NEXT:      loop.vstore %[[NEW]], %[[P]][0] : memref<8xf32>, vector<8xf32>
// CHECK-NEXT:    }
// CHECK-NEXT:    %[[ACC:.*]] = loop.load %{{.*}}[%{{.*}}] : memref<4xf32>
// CHECK-COUNT-8: arith.addf %{{.*}} : f32
// CHECK:         loop.store %{{.*}}, %{{.*}}[%{{.*}}] : memref<4xf32>
// CHECK-NEXT:    loop.free %[[P]] : memref<8xf32>
// CHECK-NOT:     loop.for
loop.func @row_sum(%a: memref<4x64xf32>, %acc: memref<4xf32>) attributes {num_outputs = 1 : i64} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c64 = arith.constant 64 : index
  loop.for %i = %c0 to %c4 step %c1 {
    loop.for %j = %c0 to %c64 step %c1 vectorized<8> {
      %x = loop.load %a[%i, %j] : memref<4x64xf32>
      %o = loop.load %acc[%i] : memref<4xf32>
      %n = arith.addf %o, %x : f32
      loop.store %n, %acc[%i] : memref<4xf32>
    }
  }
  loop.return
}

// -----

/// A multiply feeding an add becomes one vector.fma; a 16-wide row is one wide vector,
/// straight-line code (LLVM splits it into two registers).
// CHECK-LABEL: loop.func @axpy16
// CHECK-NOT:     loop.for
// CHECK:         %[[X:.*]] = loop.vload %{{.*}}[0] : memref<16xf32>, vector<16xf32>
// CHECK:         %[[Y:.*]] = loop.vload %{{.*}}[0] : memref<16xf32>, vector<16xf32>
// CHECK-NEXT:    %[[S:.*]] = vector.broadcast %{{.*}} : f32 to vector<16xf32>
// CHECK-NEXT:    %[[R:.*]] = vector.fma %[[S]], %[[X]], %[[Y]] : vector<16xf32>
// CHECK-NEXT:    loop.vstore %[[R]], %{{.*}}[0] : memref<16xf32>, vector<16xf32>
// CHECK-NOT:     loop.for
loop.func @axpy16(%x: memref<16xf32>, %s: f32, %y: memref<16xf32>) attributes {num_outputs = 1 : i64} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c16 = arith.constant 16 : index
  loop.for %j = %c0 to %c16 step %c1 vectorized<8> {
    %a = loop.load %x[%j] : memref<16xf32>
    %p = arith.mulf %s, %a : f32
    %b = loop.load %y[%j] : memref<16xf32>
    %r = arith.addf %p, %b : f32
    loop.store %r, %y[%j] : memref<16xf32>
  }
  loop.return
}

// -----

/// Dynamic bounds (the end of a partial tile): the vector part ends at
/// lb + (max(ub - lb, 0) floordiv 8) * 8, the tail runs the rest.
// CHECK-LABEL: loop.func @partial_tile
// CHECK:         %[[UB:.*]] = loop.min
// CHECK-NEXT:    %[[SPAN:.*]] = arith.subi %[[UB]], %[[LB:.*]] : index
// CHECK:         %[[CLAMPED:.*]] = loop.max %[[SPAN]], %{{.*}}
// CHECK:         %[[WHOLE:.*]] = arith.divui %[[CLAMPED]], %{{.*}} : index
// CHECK-NEXT:    %[[SCALED:.*]] = arith.muli %[[WHOLE]], %{{.*}} : index
// CHECK-NEXT:    %[[END:.*]] = arith.addi %[[LB]], %[[SCALED]] : index
// CHECK:         loop.for %{{.*}} = %[[LB]] to %[[END]] step %{{.*}} {
// CHECK:           loop.vload
// CHECK:         loop.for %{{.*}} = %[[END]] to %[[UB]] step %{{.*}} {
// CHECK-NEXT:      loop.load
loop.func @partial_tile(%a: memref<100xf32>, %n: index, %b: memref<100xf32>) attributes {num_outputs = 1 : i64} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c100 = arith.constant 100 : index
  %ub = loop.min %n, %c100
  loop.for %j = %c0 to %ub step %c1 vectorized<8> {
    %x = loop.load %a[%j] : memref<100xf32>
    %y = math.exp %x : f32
    loop.store %y, %b[%j] : memref<100xf32>
  }
  loop.return
}

// -----

/// Loops that stay scalar keep their kind: a strided access (the induction variable in
/// an outer dimension) and a use of the induction variable as a value.
// CHECK-LABEL: loop.func @not_vectorized
// CHECK:         loop.for %{{.*}} = %{{.*}} to %{{.*}} step %{{.*}} vectorized<8> {
// CHECK-NEXT:      loop.load %{{.*}}[%{{.*}}, %{{.*}}] : memref<8x8xf32>
// CHECK:         loop.for %{{.*}} = %{{.*}} to %{{.*}} step %{{.*}} vectorized<8> {
// CHECK-NEXT:      arith.index_cast
loop.func @not_vectorized(%a: memref<8x8xf32>, %b: memref<8xf32>, %c: memref<8xi64>) attributes {num_outputs = 2 : i64} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  loop.for %j = %c0 to %c8 step %c1 vectorized<8> {
    %x = loop.load %a[%j, %c0] : memref<8x8xf32>
    loop.store %x, %b[%j] : memref<8xf32>
  }
  loop.for %k = %c0 to %c8 step %c1 vectorized<8> {
    %v = arith.index_cast %k : index to i64
    loop.store %v, %c[%k] : memref<8xi64>
  }
  loop.return
}

// -----

/// A vector wider than the innermost dimension it runs along (a split by 8 of an axis of 5)
/// could never run a whole iteration: the loop becomes the plain serial loop, no vector op.
// CHECK-LABEL: loop.func @wider_than_the_row
// CHECK:         loop.for %{{.*}} = %{{.*}} to %{{.*}} step %{{.*}} {
// CHECK-NEXT:      loop.load %{{.*}}[%{{.*}}, %{{.*}}] : memref<3x5xf32>
// CHECK-NOT:     vector
// CHECK:         loop.return
loop.func @wider_than_the_row(%a: memref<3x5xf32>, %n: index, %b: memref<3x5xf32>) attributes {num_outputs = 1 : i64} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c5 = arith.constant 5 : index
  %ub = loop.min %n, %c5
  loop.for %j = %c0 to %ub step %c1 vectorized<8> {
    %x = loop.load %a[%c1, %j] : memref<3x5xf32>
    loop.store %x, %b[%c1, %j] : memref<3x5xf32>
  }
  loop.return
}

// -----

/// Compares and selects: a float compare is the `llvm.dlir.fcmp` call (LLVM's vector fcmp
/// after translation), stored as bytes to the i1 buffer; a select on it is llvm.vp.select;
/// a select on a condition invariant in the loop stays arith.select with a scalar i1.
// CHECK-LABEL: loop.func @where
// CHECK-SAME:    %[[F:[^:]*]]: i1
// CHECK:         loop.for %[[J:.*]] = %{{.*}} to %{{.*}} step %{{.*}} {
// CHECK-NEXT:      %[[X:.*]] = loop.vload %{{.*}}[%[[J]]] : memref<64xf32>, vector<8xf32>
// CHECK-NEXT:      %[[Z:.*]] = loop.vload %{{.*}}[%[[J]]] : memref<64xf32>, vector<8xf32>
// CHECK-NEXT:      %[[C:.*]] = llvm.call_intrinsic "llvm.dlir.fcmp.ogt.v8f32"(%[[X]], %[[Z]]) : (vector<8xf32>, vector<8xf32>) -> vector<8xi1>
// CHECK-NEXT:      loop.vstore %[[C]], %{{.*}}[%[[J]]] : memref<64xi1>, vector<8xi1>
// CHECK-NEXT:      %[[S:.*]] = arith.select %[[F]], %[[Z]], %[[X]] : vector<8xf32>
// CHECK-NEXT:      %[[N:.*]] = llvm.mlir.constant(8 : i32) : i32
// CHECK-NEXT:      %[[R:.*]] = llvm.call_intrinsic "llvm.vp.select.v8f32"(%[[C]], %[[X]], %[[S]], %[[N]])
// CHECK-NEXT:      loop.vstore %[[R]], %{{.*}}[%[[J]]] : memref<64xf32>, vector<8xf32>
// CHECK-NEXT:    }
loop.func @where(%a: memref<64xf32>, %b: memref<64xf32>, %f: i1, %m: memref<64xi1>, %y: memref<64xf32>) attributes {num_outputs = 2 : i64} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  loop.for %j = %c0 to %c64 step %c1 vectorized<8> {
    %x = loop.load %a[%j] : memref<64xf32>
    %z = loop.load %b[%j] : memref<64xf32>
    %c = arith.cmpf ogt, %x, %z : f32
    loop.store %c, %m[%j] : memref<64xi1>
    %s = arith.select %f, %z, %x : f32
    %r = arith.select %c, %x, %s : f32
    loop.store %r, %y[%j] : memref<64xf32>
  }
  loop.return
}

// -----

/// An integer compare is llvm.icmp on vectors; 32 lanes of a constant trip count of 32
/// become one wide vector with no loop.
// CHECK-LABEL: loop.func @less
// CHECK:         %[[X:.*]] = loop.vload %{{.*}}[0] : memref<32xi32>, vector<32xi32>
// CHECK-NEXT:    %[[Z:.*]] = loop.vload %{{.*}}[0] : memref<32xi32>, vector<32xi32>
// CHECK-NEXT:    %[[C:.*]] = llvm.icmp "slt" %[[X]], %[[Z]] : vector<32xi32>
// CHECK-NEXT:    loop.vstore %[[C]], %{{.*}}[0] : memref<32xi1>, vector<32xi1>
// CHECK-NOT:     loop.for
loop.func @less(%a: memref<32xi32>, %b: memref<32xi32>, %m: memref<32xi1>) attributes {num_outputs = 1 : i64} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c32 = arith.constant 32 : index
  loop.for %j = %c0 to %c32 step %c1 vectorized<8> {
    %x = loop.load %a[%j] : memref<32xi32>
    %z = loop.load %b[%j] : memref<32xi32>
    %c = arith.cmpi slt, %x, %z : i32
    loop.store %c, %m[%j] : memref<32xi1>
  }
  loop.return
}
