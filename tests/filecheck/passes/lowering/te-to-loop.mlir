// RUN: dl-opt %s -p te-to-loop --split-input-file | filecheck %s
// RUN: dl-opt %s -p 'te-to-loop{parallel=false}' --split-input-file | filecheck %s --check-prefix=SERIAL
// RUN: dl-opt %S/../../../../examples/matmul_te.mlir -p te-to-loop | filecheck %s --check-prefix=EXAMPLE

/// Default schedule: a loop per axis, the outermost one parallel; reads become loads and
/// the yielded value is stored into the output buffer (the last argument, DPS).
// CHECK-LABEL: loop.func @double
// CHECK-SAME:    (%[[A:.*]]: memref<4x8xf32>, %[[B:.*]]: memref<4x8xf32>) attributes {num_outputs = 1 : i64}
// CHECK:         loop.for %[[I:.*]] = %{{.*}} to %{{.*}} step %{{.*}} parallel {
// CHECK-NEXT:      loop.for %[[J:.*]] = %{{.*}} to %{{.*}} step %{{.*}} {
// CHECK-NEXT:        %[[X:.*]] = loop.load %[[A]][%[[I]], %[[J]]] : memref<4x8xf32>
// CHECK-NEXT:        %[[Y:.*]] = arith.addf %[[X]], %[[X]] : f32
// CHECK-NEXT:        loop.store %[[Y]], %[[B]][%[[I]], %[[J]]] : memref<4x8xf32>
// CHECK:         loop.return
// SERIAL-LABEL: loop.func @double
// SERIAL-NOT:   parallel
// SERIAL-LABEL: loop.func @rowmax
te.kernel @double(%A: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %B = te.compute "B" (%i: 4, %j: 8) {
    %a = te.read %A[%i, %j] : tensor<4x8xf32> -> f32
    %b = arith.addf %a, %a : f32
    te.yield %b : f32
  } : tensor<4x8xf32>
  te.return %B : tensor<4x8xf32>
}

// -----

/// An intermediate stage gets an aligned buffer, freed after its last reader; a max
/// reduction initialises its element outside the reduction loop, then keeps the larger
/// value or a NaN (numpy's maximum).
// CHECK-LABEL: loop.func @rowmax
// CHECK-SAME:    (%[[X:.*]]: memref<3x10xf32>, %[[S:.*]]: memref<3xf32>)
// CHECK:         %[[E:.*]] = loop.alloc "global" align 64 : memref<3x10xf32>
// CHECK:         math.exp
// CHECK:         loop.store %{{.*}}, %[[E]][%{{.*}}, %{{.*}}] : memref<3x10xf32>
// CHECK:         %[[INIT:.*]] = arith.constant 0xff800000 : f32
// CHECK:         loop.for %[[I:.*]] = %{{.*}} parallel {
// CHECK-NEXT:      loop.store %[[INIT]], %[[S]][%[[I]]] : memref<3xf32>
// CHECK-NEXT:      loop.for %[[K:.*]] = %{{.*}} {
// CHECK-NEXT:        %[[V:.*]] = loop.load %[[E]][%[[I]], %[[K]]] : memref<3x10xf32>
// CHECK-NEXT:        %[[OLD:.*]] = loop.load %[[S]][%[[I]]] : memref<3xf32>
// CHECK-NEXT:        %[[GT:.*]] = arith.cmpf ogt, %[[OLD]], %[[V]] : f32
// CHECK-NEXT:        %[[NAN:.*]] = arith.cmpf uno, %[[OLD]], %[[OLD]] : f32
// CHECK-NEXT:        %[[KEEP:.*]] = arith.ori %[[GT]], %[[NAN]] : i1
// CHECK-NEXT:        %[[NEW:.*]] = arith.select %[[KEEP]], %[[OLD]], %[[V]] : f32
// CHECK-NEXT:        loop.store %[[NEW]], %[[S]][%[[I]]] : memref<3xf32>
// CHECK-NEXT:      }
// CHECK-NEXT:    }
// CHECK-NEXT:    loop.free %[[E]] : memref<3x10xf32>
// CHECK-NEXT:    loop.return
te.kernel @rowmax(%X: tensor<3x10xf32>) -> tensor<3xf32> {
  %E = te.compute "E" (%r: 3, %c: 10) {
    %x = te.read %X[%r, %c] : tensor<3x10xf32> -> f32
    %e = math.exp %x : f32
    te.yield %e : f32
  } : tensor<3x10xf32>
  %S = te.compute "S" (%i: 3) reduce (%k: 10) combiner max init 0xFF800000 : f32 {
    %v = te.read %E[%i, %k] : tensor<3x10xf32> -> f32
    te.yield %v : f32
  } : tensor<3xf32>
  te.return %S : tensor<3xf32>
}

// -----

/// Matmul's default order is i, k, j: the j loop walks rows of B and C, and the load of
/// A[i, k] leaves it.
// CHECK-LABEL: loop.func @matmul
// CHECK:         loop.for %[[I:.*]] = {{.*}} parallel {
// CHECK-NEXT:      loop.for %[[J0:.*]] = {{.*}} {
// CHECK-NEXT:        loop.store
// CHECK-NEXT:      }
// CHECK-NEXT:      loop.for %[[K:.*]] = {{.*}} {
// CHECK-NEXT:        %[[A:.*]] = loop.load %{{.*}}[%[[I]], %[[K]]] : memref<5x3xf32>
// CHECK-NEXT:        loop.for %[[J:.*]] = {{.*}} {
// CHECK-NEXT:          %[[B:.*]] = loop.load %{{.*}}[%[[K]], %[[J]]] : memref<3x7xf32>
// CHECK-NEXT:          %[[ACC:.*]] = loop.load %{{.*}}[%[[I]], %[[J]]] : memref<5x7xf32>
// CHECK-NEXT:          %[[SUM:.*]] = math.fma %[[A]], %[[B]], %[[ACC]] : f32
// CHECK-NEXT:          loop.store %[[SUM]], %{{.*}}[%[[I]], %[[J]]] : memref<5x7xf32>
te.kernel @matmul(%A: tensor<5x3xf32>, %B: tensor<3x7xf32>) -> tensor<5x7xf32> {
  %C = te.compute "C" (%i: 5, %j: 7) reduce (%k: 3) combiner add init 0.000000e+00 : f32 {
    %a = te.read %A[%i, %k] : tensor<5x3xf32> -> f32
    %b = te.read %B[%k, %j] : tensor<3x7xf32> -> f32
    %p = arith.mulf %a, %b : f32
    te.yield %p : f32
  } : tensor<5x7xf32>
  te.return %C : tensor<5x7xf32>
}

// -----

/// With a schedule: a split that does not divide (10 by 4) of an unrolled loop is
/// peeled: 2 full tiles, then a tail of 2 rows (te_to_loop/peel.mlir has the cases);
/// kinds come from the annotations; the schedule is gone.
// CHECK-LABEL: loop.func @scheduled
// CHECK:         loop.for %[[IO:.*]] = %c0 to %c2 step %{{.*}} parallel {
// CHECK-NEXT:      loop.for %[[II:.*]] = %{{.*}} to %c4 step %{{.*}} unrolled {
// CHECK-NEXT:        loop.for %[[J:.*]] = %{{.*}} to %{{.*}} step %{{.*}} vectorized<8> {
// CHECK-NEXT:          loop.load %{{.*}}[%[[IO]] * 4 + %[[II]], %[[J]]] : memref<10x8xf32>
// CHECK:         loop.for %[[IO2:.*]] = %c2 to %c3 step %{{.*}} {
// CHECK-NEXT:      loop.for %{{.*}} = %{{.*}} to %c2 step %{{.*}} unrolled {
// CHECK-NOT:   te.schedule
te.kernel @scheduled(%A: tensor<10x8xf32>) -> tensor<10x8xf32> {
  %B = te.compute "B" (%i: 10, %j: 8) {
    %a = te.read %A[%i, %j] : tensor<10x8xf32> -> f32
    %b = arith.addf %a, %a : f32
    te.yield %b : f32
  } : tensor<10x8xf32>
  te.return %B : tensor<10x8xf32>
}
te.schedule @scheduled {
  te.split "B" "i" by 4 -> "io", "ii"
  te.vectorize "B" "j"
  te.unroll "B" "ii"
  te.parallel "B" "io"
}

// -----

/// compute_inline: the stage has no buffer; its body is emitted where it is read.
// CHECK-LABEL: loop.func @inlined
// CHECK-NOT:     loop.alloc
// CHECK:         %[[X:.*]] = loop.load %{{.*}}[%[[I:.*]] + 1] : memref<9xf32>
// CHECK-NEXT:    %[[T:.*]] = arith.mulf %[[X]], %[[X]] : f32
// CHECK-NEXT:    arith.addf %[[T]], %[[T]] : f32
te.kernel @inlined(%A: tensor<9xf32>) -> tensor<8xf32> {
  %T = te.compute "T" (%t: 9) {
    %a = te.read %A[%t] : tensor<9xf32> -> f32
    %s = arith.mulf %a, %a : f32
    te.yield %s : f32
  } : tensor<9xf32>
  %U = te.compute "U" (%u: 8) {
    %c1 = arith.constant 1 : index
    %n = arith.addi %u, %c1 : index
    %x = te.read %T[%n] : tensor<9xf32> -> f32
    %y = arith.addf %x, %x : f32
    te.yield %y : f32
  } : tensor<8xf32>
  te.return %U : tensor<8xf32>
}
te.schedule @inlined {
  te.compute_inline "T"
}


// -----

/// compute_at: B's nest runs inside C's row loop, over the rows C reads there
/// (i .. i + 2: 3 rows), into a buffer of those rows (bounds inference).
// CHECK-LABEL: loop.func @at
// CHECK:         loop.for %[[I:.*]] = %{{.*}} to %{{.*}} step %{{.*}} parallel {
// CHECK-NEXT:      %[[B:.*]] = loop.alloc "global" align 64 : memref<3x10xf32>
// CHECK-NEXT:      loop.for %[[Y:.*]] = %{{.*}} to %{{.*}} step %{{.*}} {
// CHECK-NEXT:        loop.for %[[X:.*]] = %{{.*}} to %{{.*}} step %{{.*}} {
// CHECK-NEXT:          loop.load %{{.*}}[%[[Y]] + %[[I]], %[[X]]] : memref<8x10xf32>
// CHECK:               loop.store %{{.*}}, %[[B]][%[[Y]], %[[X]]] : memref<3x10xf32>
// CHECK:           loop.for %[[J:.*]] = %{{.*}} to %{{.*}} step %{{.*}} {
// CHECK-NEXT:        loop.load %[[B]][0, %[[J]]] : memref<3x10xf32>
// CHECK-NEXT:        loop.load %[[B]][2, %[[J]]] : memref<3x10xf32>
// CHECK:           loop.free %[[B]]
te.kernel @at(%A: tensor<8x10xf32>) -> tensor<6x10xf32> {
  %B = te.compute "B" (%y: 8, %x: 10) {
    %a = te.read %A[%y, %x] : tensor<8x10xf32> -> f32
    %s = arith.mulf %a, %a : f32
    te.yield %s : f32
  } : tensor<8x10xf32>
  %C = te.compute "C" (%i: 6, %j: 10) {
    %c2 = arith.constant 2 : index
    %i2 = arith.addi %i, %c2 : index
    %b0 = te.read %B[%i, %j] : tensor<8x10xf32> -> f32
    %b2 = te.read %B[%i2, %j] : tensor<8x10xf32> -> f32
    %r = arith.addf %b0, %b2 : f32
    te.yield %r : f32
  } : tensor<6x10xf32>
  te.return %C : tensor<6x10xf32>
}
te.schedule @at {
  te.compute_at "B" at "C" "i"
}

// EXAMPLE-LABEL: loop.func @matmul
// EXAMPLE-SAME:    (%[[A:.*]]: memref<1024x1024xf32>, %[[B:.*]]: memref<1024x1024xf32>, %[[C:.*]]: memref<1024x1024xf32>)
// EXAMPLE:         loop.for %[[IO:.*]] = {{.*}} parallel {
// EXAMPLE-NEXT:      loop.for %[[JO:.*]] = {{.*}} {
// EXAMPLE:             loop.for %[[JI0:.*]] = {{.*}} vectorized<64> {
// EXAMPLE-NEXT:          loop.store %{{.*}}, %[[C]][%[[IO]] * 64 + %{{.*}}, %[[JO]] * 64 + %[[JI0]]]
// EXAMPLE:           loop.for %[[KO:.*]] = {{.*}} {
// EXAMPLE-NEXT:        loop.for %[[II:.*]] = {{.*}} {
// EXAMPLE-NEXT:          loop.for %[[KI:.*]] = {{.*}} unrolled {
// EXAMPLE-NEXT:            %{{.*}} = loop.load %[[A]][%[[IO]] * 64 + %[[II]], %[[KO]] * 4 + %[[KI]]]
// EXAMPLE-NEXT:            loop.for %[[JI:.*]] = {{.*}} vectorized<64> {
// EXAMPLE-NEXT:              %{{.*}} = loop.load %[[B]][%[[KO]] * 4 + %[[KI]], %[[JO]] * 64 + %[[JI]]]
