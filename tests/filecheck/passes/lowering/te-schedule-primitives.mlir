// RUN: dl-opt %s -p te-to-loop --split-input-file | filecheck %s

/// cache_write "local" + compute_at: the register tile of a matmul. CL accumulates a 4x8
/// tile in a "local" buffer allocated inside C's tile loops (sized by bounds inference),
/// with the schedule's vectorized and unrolled loops; C copies the tile out.
// CHECK-LABEL: loop.func @tile
// CHECK-SAME:    (%[[A:.*]]: memref<8x4xf32>, %[[B:.*]]: memref<4x16xf32>, %[[C:.*]]: memref<8x16xf32>)
// CHECK:         loop.for %[[IO:.*]] = %{{.*}} to %{{.*}} step %{{.*}} {
// CHECK-NEXT:      loop.for %[[JO:.*]] = %{{.*}} to %{{.*}} step %{{.*}} {
// CHECK-NEXT:        %[[CL:.*]] = loop.alloc "local" align 64 : memref<4x8xf32>
// CHECK-NEXT:        loop.for %[[I0:.*]] = %{{.*}} to %c4 step %{{.*}} unrolled {
// CHECK-NEXT:          loop.for %[[J0:.*]] = %{{.*}} to %c8 step %{{.*}} vectorized<8> {
// CHECK-NEXT:            loop.store %{{.*}}, %[[CL]][%[[I0]], %[[J0]]] : memref<4x8xf32>
// CHECK:             loop.for %[[K:.*]] = %{{.*}} to %c4 step %{{.*}} {
// CHECK-NEXT:          loop.for %[[I:.*]] = %{{.*}} to %c4 step %{{.*}} unrolled {
// CHECK-NEXT:            %{{.*}} = loop.load %[[A]][%[[I]] + %[[IO]] * 4, %[[K]]] : memref<8x4xf32>
// CHECK-NEXT:            loop.for %[[J:.*]] = %{{.*}} to %c8 step %{{.*}} vectorized<8> {
// CHECK-NEXT:              %{{.*}} = loop.load %[[B]][%[[K]], %[[J]] + %[[JO]] * 8] : memref<4x16xf32>
// CHECK:                   loop.store %{{.*}}, %[[CL]][%[[I]], %[[J]]] : memref<4x8xf32>
// CHECK:             loop.for %[[II:.*]] = %{{.*}} to %{{.*}} step %{{.*}} {
// CHECK-NEXT:          loop.for %[[JI:.*]] = %{{.*}} to %{{.*}} step %{{.*}} vectorized<8> {
// CHECK-NEXT:            %[[V:.*]] = loop.load %[[CL]][%[[II]], %[[JI]]] : memref<4x8xf32>
// CHECK-NEXT:            loop.store %[[V]], %[[C]][%[[IO]] * 4 + %[[II]], %[[JO]] * 8 + %[[JI]]] : memref<8x16xf32>
// CHECK:             loop.free %[[CL]] : memref<4x8xf32>
te.kernel @tile(%A: tensor<8x4xf32>, %B: tensor<4x16xf32>) -> tensor<8x16xf32> {
  %C = te.compute "C" (%i: 8, %j: 16) reduce (%k: 4) combiner add init 0.0 : f32 {
    %a = te.read %A[%i, %k] : tensor<8x4xf32> -> f32
    %b = te.read %B[%k, %j] : tensor<4x16xf32> -> f32
    %p = arith.mulf %a, %b : f32
    te.yield %p : f32
  } : tensor<8x16xf32>
  te.return %C : tensor<8x16xf32>
}
te.schedule @tile {
  te.cache_write "C" "local" -> "CL"
  te.tile "C" ("i", "j") by (4, 8) -> ("io", "jo", "ii", "ji")
  te.compute_at "CL" at "C" "jo"
  te.reorder "CL" ["k", "i", "j"]
  te.vectorize "CL" "j"
  te.unroll "CL" "i"
  te.vectorize "C" "ji"
}

// -----

/// cache_read "packed" + compute_at: B's 8x8 panel for each column block jo is copied
/// into a "packed" buffer once, then read by all rows of C.
// CHECK-LABEL: loop.func @packed
// CHECK-SAME:    (%{{.*}}: memref<8x8xf32>, %[[B:.*]]: memref<8x16xf32>, %[[C:.*]]: memref<8x16xf32>)
// CHECK:         loop.for %[[JO:.*]] = %{{.*}} to %{{.*}} step %{{.*}} {
// CHECK-NEXT:      %[[BP:.*]] = loop.alloc "packed" align 64 : memref<8x8xf32>
// CHECK-NEXT:      loop.for %[[X0:.*]] = %{{.*}} to %c8 step %{{.*}} {
// CHECK-NEXT:        loop.for %[[X1:.*]] = %{{.*}} to %c8 step %{{.*}} {
// CHECK-NEXT:          %[[V:.*]] = loop.load %[[B]][%[[X0]], %[[X1]] + %[[JO]] * 8] : memref<8x16xf32>
// CHECK-NEXT:          loop.store %[[V]], %[[BP]][%[[X0]], %[[X1]]] : memref<8x8xf32>
// CHECK:           loop.for %[[K:k]] = %{{.*}} to %{{.*}} step %{{.*}} {
// CHECK:             loop.for %[[JI:ji_1]] = %{{.*}} to %{{.*}} step %{{.*}} {
// CHECK-NEXT:          %{{.*}} = loop.load %[[BP]][%[[K]], %[[JI]]] : memref<8x8xf32>
// CHECK:           loop.free %[[BP]]
te.kernel @packed(%A: tensor<8x8xf32>, %B: tensor<8x16xf32>) -> tensor<8x16xf32> {
  %C = te.compute "C" (%i: 8, %j: 16) reduce (%k: 8) combiner add init 0.0 : f32 {
    %a = te.read %A[%i, %k] : tensor<8x8xf32> -> f32
    %b = te.read %B[%k, %j] : tensor<8x16xf32> -> f32
    %p = arith.mulf %a, %b : f32
    te.yield %p : f32
  } : tensor<8x16xf32>
  te.return %C : tensor<8x16xf32>
}
te.schedule @packed {
  te.cache_read "B" "packed" for ["C"] -> "BP"
  te.split "C" "j" by 8 -> "jo", "ji"
  te.reorder "C" ["jo", "i", "k", "ji"]
  te.compute_at "BP" at "C" "jo"
}

// -----

/// rfactor: the row sum's 13 columns in 8 lanes: Srf[i, ki] sums columns ko * 8 + ki
/// (the tail block of 5 peeled), vectorized along ki; S then sums the 8 lanes.
// CHECK-LABEL: loop.func @rowsum
// CHECK-SAME:    (%[[X:.*]]: memref<3x13xf32>, %[[S:.*]]: memref<3xf32>)
// CHECK:         loop.for %[[I:.*]] = %{{.*}} to %{{.*}} step %{{.*}} {
// CHECK-NEXT:      %[[RF:.*]] = loop.alloc "global" align 64 : memref<1x8xf32>
// CHECK:             loop.for %[[KO:ko]] = %{{.*}} to %c1 step %{{.*}} {
// CHECK-NEXT:          loop.for %[[KI:.*]] = %{{.*}} to %c8 step %{{.*}} vectorized<8> {
// CHECK-NEXT:            %{{.*}} = loop.load %[[X]][%{{.*}} + %[[I]], %[[KO]] * 8 + %[[KI]]] : memref<3x13xf32>
// CHECK:             loop.for %[[KO2:.*]] = %c1 to %c2 step %{{.*}} {
// CHECK-NEXT:          loop.for %{{.*}} = %{{.*}} to %c5 step %{{.*}} vectorized<8> {
// CHECK:           loop.store %{{.*}}, %[[S]][%[[I]]] : memref<3xf32>
// CHECK-NEXT:      loop.for %[[LANE:.*]] = %{{.*}} to %c8 step %{{.*}} {
// CHECK-NEXT:        %{{.*}} = loop.load %[[RF]][0, %[[LANE]]] : memref<1x8xf32>
// CHECK:           loop.free %[[RF]]
te.kernel @rowsum(%X: tensor<3x13xf32>) -> tensor<3xf32> {
  %S = te.compute "S" (%i: 3) reduce (%k: 13) combiner add init 0.0 : f32 {
    %x = te.read %X[%i, %k] : tensor<3x13xf32> -> f32
    te.yield %x : f32
  } : tensor<3xf32>
  te.return %S : tensor<3xf32>
}
te.schedule @rowsum {
  te.split "S" "k" by 8 -> "ko", "ki"
  te.rfactor "S" "ki" -> "Srf"
  te.vectorize "Srf" "ki"
  te.compute_at "Srf" at "S" "i"
}

// -----

/// store_at outside compute_at: B is stored per block of 4 rows of C (6 rows with the
/// halo) and computed per row; after the first row of a block only the one new row of B
/// is computed (Halide's sliding window): its start moves by min(ii, 1) * 2.
// CHECK-LABEL: loop.func @blur
// CHECK:         loop.for %[[IO:.*]] = %{{.*}} to %{{.*}} step %{{.*}} {
// CHECK-NEXT:      %[[B:.*]] = loop.alloc "global" align 64 : memref<6x8xf32>
// CHECK:           loop.for %[[II:.*]] = %{{.*}} to %c4 step %{{.*}} {
// CHECK-NEXT:        %[[LATER:.*]] = loop.min %[[II]], %c1
// CHECK-NEXT:        %[[BASE:.*]] = arith.addi %{{.*}}, %[[II]] : index
// CHECK-NEXT:        %[[SHIFT:.*]] = arith.muli %[[LATER]], %c2 : index
// CHECK-NEXT:        %[[START:.*]] = arith.addi %[[BASE]], %[[SHIFT]] : index
// CHECK:             %[[ROWS:.*]] = loop.min %c3, %{{.*}}
// CHECK-NEXT:        loop.for %[[Y:.*]] = %{{.*}} to %[[ROWS]] step %{{.*}} {
// CHECK-NEXT:          loop.for %[[X:.*]] = %{{.*}} to %c8 step %{{.*}} {
// CHECK-NEXT:            %{{.*}} = loop.load %{{.*}}[%[[Y]] + %[[START]], %[[X]]] : memref<10x8xf32>
// CHECK:                 loop.store %{{.*}}, %[[B]][%[[Y]] + %[[START]] - %[[IO]] * 4, %[[X]]] : memref<6x8xf32>
// CHECK:             loop.for %[[J:.*]] = %{{.*}} to %{{.*}} step %{{.*}} {
// CHECK-NEXT:          %{{.*}} = loop.load %[[B]][%[[II]], %[[J]]] : memref<6x8xf32>
// CHECK-NEXT:          %{{.*}} = loop.load %[[B]][%[[II]] + 2, %[[J]]] : memref<6x8xf32>
// CHECK:           loop.free %[[B]]
te.kernel @blur(%A: tensor<10x8xf32>) -> tensor<8x8xf32> {
  %B = te.compute "B" (%y: 10, %x: 8) {
    %a = te.read %A[%y, %x] : tensor<10x8xf32> -> f32
    %s = arith.mulf %a, %a : f32
    te.yield %s : f32
  } : tensor<10x8xf32>
  %C = te.compute "C" (%i: 8, %j: 8) {
    %c2 = arith.constant 2 : index
    %i2 = arith.addi %i, %c2 : index
    %b0 = te.read %B[%i, %j] : tensor<10x8xf32> -> f32
    %b2 = te.read %B[%i2, %j] : tensor<10x8xf32> -> f32
    %r = arith.addf %b0, %b2 : f32
    te.yield %r : f32
  } : tensor<8x8xf32>
  te.return %C : tensor<8x8xf32>
}
te.schedule @blur {
  te.split "C" "i" by 4 -> "io", "ii"
  te.compute_at "B" at "C" "ii"
  te.store_at "B" at "C" "io"
}
