// RUN: dl-opt %s -p te-to-loop --split-input-file | filecheck %s

/// Rows of a register tile (unrolled ii) split by 6 with 13 rows: the outer loop io is
/// cut into 2 full tiles with a constant, fully unrolled ii, and a tail of one tile whose
/// io is known (12), so its ii runs a constant 1 row; no loop.min is left. The reduction's
/// init nest and its k nest are both peeled.
// CHECK-LABEL: loop.func @rows
// CHECK-NOT:     loop.min
// CHECK:         loop.for %[[IO:io]] = %c0 to %c2 step %c1 {
// CHECK-NEXT:      loop.for %[[II:ii]] = %c0 to %c6 step %c1 unrolled {
// CHECK:           loop.for %[[K:k]] = %c0 to %c8 step %c1 {
// CHECK-NEXT:        loop.for %[[II1:ii_1]] = %c0 to %c6 step %c1 unrolled {
// CHECK-NEXT:          %{{.*}} = loop.load %{{.*}}[%[[IO]] * 6 + %[[II1]], %[[K]]] : memref<13x8xf32>
// CHECK:         loop.for %[[IO1:io_1]] = %c2 to %c3 step %c1 {
// CHECK-NEXT:      loop.for %{{.*}} = %c0 to %c1 step %c1 unrolled {
// CHECK:           loop.for %{{.*}} = %c0 to %c8 step %c1 {
// CHECK-NEXT:        loop.for %[[II3:.*]] = %c0 to %c1 step %c1 unrolled {
// CHECK-NEXT:          %{{.*}} = loop.load %{{.*}}[%[[IO1]] * 6 + %[[II3]], %{{.*}}] : memref<13x8xf32>
// CHECK-NOT:     loop.min
te.kernel @rows(%A: tensor<13x8xf32>, %B: tensor<8x16xf32>) -> tensor<13x16xf32> {
  %C = te.compute "C" (%i: 13, %j: 16) reduce (%k: 8) combiner add init 0.0 : f32 {
    %a = te.read %A[%i, %k] : tensor<13x8xf32> -> f32
    %b = te.read %B[%k, %j] : tensor<8x16xf32> -> f32
    %p = arith.mulf %a, %b : f32
    te.yield %p : f32
  } : tensor<13x16xf32>
  te.return %C : tensor<13x16xf32>
}
te.schedule @rows {
  te.split "C" "i" by 6 -> "io", "ii"
  te.reorder "C" ["io", "k", "ii", "j"]
  te.unroll "C" "ii"
  te.vectorize "C" "j"
}

// -----

/// A vector loop split by 8 with 20 columns: 2 full vectors, then a tail of 4 lanes
/// (constant: loop-vectorize needs no runtime tail); the parallel loop around is kept.
// CHECK-LABEL: loop.func @columns
// CHECK:         loop.for %[[I:i]] = %c0 to %c3 step %c1 parallel {
// CHECK-NEXT:      loop.for %[[JO:jo]] = %c0 to %c2 step %c1 {
// CHECK-NEXT:        loop.for %[[JI:ji]] = %c0 to %c8 step %c1 vectorized<8> {
// CHECK-NEXT:          %{{.*}} = loop.load %{{.*}}[%[[I]], %[[JO]] * 8 + %[[JI]]] : memref<3x20xf32>
// CHECK:           loop.for %[[JO1:jo_1]] = %c2 to %c3 step %c1 {
// CHECK-NEXT:        loop.for %[[JI1:ji_1]] = %c0 to %c4 step %c1 vectorized<8> {
// CHECK-NEXT:          %{{.*}} = loop.load %{{.*}}[%[[I]], %[[JO1]] * 8 + %[[JI1]]] : memref<3x20xf32>
// CHECK-NOT:     loop.min
te.kernel @columns(%A: tensor<3x20xf32>) -> tensor<3x20xf32> {
  %B = te.compute "B" (%i: 3, %j: 20) {
    %a = te.read %A[%i, %j] : tensor<3x20xf32> -> f32
    %b = arith.addf %a, %a : f32
    te.yield %b : f32
  } : tensor<3x20xf32>
  te.return %B : tensor<3x20xf32>
}
te.schedule @columns {
  te.split "B" "j" by 8 -> "jo", "ji"
  te.vectorize "B" "ji"
  te.parallel "B" "i"
}

// -----

/// A cache-block split outside any register tile (serial ki) is not peeled: its tail
/// costs one loop.min per block.
// CHECK-LABEL: loop.func @blocked
// CHECK:         loop.for %[[KO:ko]] = %c0 to %c4 step %c1 {
// CHECK-NEXT:      %[[START:.*]] = arith.muli %[[KO]], %c32 : index
// CHECK-NEXT:      %[[LEFT:.*]] = arith.subi %c100, %[[START]] : index
// CHECK-NEXT:      %[[UB:.*]] = loop.min %c32, %[[LEFT]]
// CHECK-NEXT:      loop.for %{{.*}} = %c0 to %[[UB]] step %c1 {
// CHECK-NOT:     loop.for %{{.*}} = %c{{[1-9]}}
te.kernel @blocked(%A: tensor<4x100xf32>) -> tensor<4xf32> {
  %S = te.compute "S" (%i: 4) reduce (%k: 100) combiner add init 0.0 : f32 {
    %a = te.read %A[%i, %k] : tensor<4x100xf32> -> f32
    te.yield %a : f32
  } : tensor<4xf32>
  te.return %S : tensor<4xf32>
}
te.schedule @blocked {
  te.split "S" "k" by 32 -> "ko", "ki"
}

// -----

/// Two register-tile bounds (columns 20 by 8 outside, rows 13 by 6 inside): the main
/// copy of jo is peeled again at io, the tail copy of jo is not (it keeps loop.min for
/// the rows): 3 copies of the nest, not 4.
// CHECK-LABEL: loop.func @both
// CHECK:         loop.for %[[JO:jo]] = %c0 to %c2 step %c1 {
// CHECK-NEXT:      loop.for %{{.*}} = %c0 to %c2 step %c1 {
// CHECK-NEXT:        loop.for %{{.*}} = %c0 to %c6 step %c1 unrolled {
// CHECK-NEXT:          loop.for %{{.*}} = %c0 to %c8 step %c1 vectorized<8> {
// CHECK:           loop.for %{{.*}} = %c2 to %c3 step %c1 {
// CHECK-NEXT:        loop.for %{{.*}} = %c0 to %c1 step %c1 unrolled {
// CHECK-NEXT:          loop.for %{{.*}} = %c0 to %c8 step %c1 vectorized<8> {
// CHECK:         loop.for %[[JO1:jo_1]] = %c2 to %c3 step %c1 {
// CHECK-NEXT:      loop.for %[[IO:.*]] = %c0 to %c3 step %c1 {
// CHECK-NEXT:        %[[START:.*]] = arith.muli %[[IO]], %c6 : index
// CHECK-NEXT:        %[[LEFT:.*]] = arith.subi %c13, %[[START]] : index
// CHECK-NEXT:        %[[UB:.*]] = loop.min %c6, %[[LEFT]]
// CHECK-NEXT:        loop.for %{{.*}} = %c0 to %[[UB]] step %c1 unrolled<6> {
// CHECK-NEXT:          loop.for %{{.*}} = %c0 to %c4 step %c1 vectorized<8> {
// CHECK:           loop.for %{{.*}} = %c0 to %[[UB]] step %c1 unrolled<6> {
// CHECK-NOT:     loop.for %{{.*}} = %c{{[1-9]}}
te.kernel @both(%A: tensor<13x8xf32>, %B: tensor<8x20xf32>) -> tensor<13x20xf32> {
  %C = te.compute "C" (%i: 13, %j: 20) reduce (%k: 8) combiner add init 0.0 : f32 {
    %a = te.read %A[%i, %k] : tensor<13x8xf32> -> f32
    %b = te.read %B[%k, %j] : tensor<8x20xf32> -> f32
    %p = arith.mulf %a, %b : f32
    te.yield %p : f32
  } : tensor<13x20xf32>
  te.return %C : tensor<13x20xf32>
}
te.schedule @both {
  te.split "C" "j" by 8 -> "jo", "ji"
  te.split "C" "i" by 6 -> "io", "ii"
  te.reorder "C" ["jo", "io", "k", "ii", "ji"]
  te.unroll "C" "ii"
  te.vectorize "C" "ji"
}

// -----

/// A stage computed at a consumer's loop, over a region clamped at the edge (rows
/// io * 4 .. min(io * 4 + 4, 13)), its rows split by 3 and unrolled: the main end of bo
/// is a value, min(1, ceildiv(max(size - 2, 0), 3)) (the region's last tile may be
/// short), and the tail keeps both bounds (the split's and the region's).
// CHECK-LABEL: loop.func @region
// CHECK:         loop.for %[[IO:io]] = %c0 to %c4 step %c1 {
// CHECK:           %[[END:.*]] = loop.min %{{.*}}, %c13
// CHECK-NEXT:      %[[B:.*]] = loop.alloc "global" align 64 : memref<4x8xf32>
// CHECK-NEXT:      %[[SIZE:.*]] = arith.subi %[[END]], %{{.*}} : index
// CHECK-NEXT:      %[[ROOM:.*]] = arith.addi %[[SIZE]], %cneg2 : index
// CHECK-NEXT:      %[[POS:.*]] = loop.max %[[ROOM]], %c0
// CHECK-NEXT:      %[[UP:.*]] = arith.addi %[[POS]], %c2 : index
// CHECK-NEXT:      %[[TILES:.*]] = arith.divsi %[[UP]], %c3 : index
// CHECK-NEXT:      %[[MAIN:.*]] = loop.min %c1, %[[TILES]]
// CHECK-NEXT:      loop.for %{{.*}} = %c0 to %[[MAIN]] step %c1 {
// CHECK-NEXT:        loop.for %{{.*}} = %c0 to %c3 step %c1 unrolled {
// CHECK:           loop.for %[[BO:.*]] = %[[MAIN]] to %c2 step %c1 {
// CHECK:             %[[SPLIT:.*]] = loop.min %c3, %{{.*}}
// CHECK:             %[[BOTH:.*]] = loop.min %[[SPLIT]], %{{.*}}
// CHECK-NEXT:        loop.for %{{.*}} = %c0 to %[[BOTH]] step %c1 unrolled<3> {
// CHECK:           loop.free %[[B]]
te.kernel @region(%A: tensor<13x8xf32>) -> tensor<13x8xf32> {
  %B = te.compute "B" (%i: 13, %j: 8) {
    %a = te.read %A[%i, %j] : tensor<13x8xf32> -> f32
    %b = arith.mulf %a, %a : f32
    te.yield %b : f32
  } : tensor<13x8xf32>
  %C = te.compute "C" (%i: 13, %j: 8) {
    %b = te.read %B[%i, %j] : tensor<13x8xf32> -> f32
    %c = arith.addf %b, %b : f32
    te.yield %c : f32
  } : tensor<13x8xf32>
  te.return %C : tensor<13x8xf32>
}
te.schedule @region {
  te.split "C" "i" by 4 -> "io", "ii"
  te.compute_at "B" at "C" "io"
  te.split "B" "i" by 3 -> "bo", "bi"
  te.unroll "B" "bi"
  te.vectorize "B" "j"
}
