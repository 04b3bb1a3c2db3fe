// RUN: not dl-opt %s -p te-to-loop --split-input-file 2>&1 | filecheck %s

/// A primitive te-to-loop does not lower yet is an error at the primitive.
// CHECK: te-to-loop-errors.mlir:[[# @LINE + 11]]:3: error: pass 'te-to-loop' failed on builtin.module: te-to-loop does not implement 'te.rfactor' yet (issue 5)
// CHECK-NEXT: te.rfactor "C" "k" -> "C_rf"
// CHECK-NEXT: ^
te.kernel @k(%A: tensor<4x3xf32>) -> tensor<4xf32> {
  %C = te.compute "C" (%i: 4) reduce (%k: 3) combiner add init 0.000000e+00 : f32 {
    %b = te.read %A[%i, %k] : tensor<4x3xf32> -> f32
    te.yield %b : f32
  } : tensor<4xf32>
  te.return %C : tensor<4xf32>
}
te.schedule @k {
  te.rfactor "C" "k" -> "C_rf"
}

// -----

/// A body op that has no loop-level form is an error at the op.
// CHECK: te-to-loop-errors.mlir:[[# @LINE + 4]]:{{[0-9]+}}: error: pass 'te-to-loop' failed on builtin.module: te-to-loop cannot lower vector.broadcast in stage 'B' of @bad: a stage body may hold te.read, te.yield and arith/math ops without regions
te.kernel @bad(%A: tensor<4xf32>) -> tensor<4xf32> {
  %B = te.compute "B" (%i: 4) {
    %a = te.read %A[%i] : tensor<4xf32> -> f32
    %v = vector.broadcast %a : f32 to vector<4xf32>
    te.yield %a : f32
  } : tensor<4xf32>
  te.return %B : tensor<4xf32>
}

// -----

/// compute_at of a stage that another stage also reads.
// CHECK: error: pass 'te-to-loop' failed on builtin.module: te-to-loop cannot compute 'B' at C.i: it is also read by D (computing it for several consumers is issue 5)
te.kernel @shared(%A: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
  %B = te.compute "B" (%i: 4) {
    %a = te.read %A[%i] : tensor<4xf32> -> f32
    te.yield %a : f32
  } : tensor<4xf32>
  %C = te.compute "C" (%i: 4) {
    %b = te.read %B[%i] : tensor<4xf32> -> f32
    te.yield %b : f32
  } : tensor<4xf32>
  %D = te.compute "D" (%i: 4) {
    %b = te.read %B[%i] : tensor<4xf32> -> f32
    te.yield %b : f32
  } : tensor<4xf32>
  te.return %C, %D : tensor<4xf32>, tensor<4xf32>
}
te.schedule @shared {
  te.compute_at "B" at "C" "i"
}
