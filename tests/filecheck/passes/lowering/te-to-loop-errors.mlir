// RUN: not dl-opt %s -p te-to-loop --split-input-file 2>&1 | filecheck %s

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

/// compute_at of a stage that another stage also reads: the schedule model refuses it
/// when the module is verified, before te-to-loop runs (tests/filecheck/dialects/te/compute-at-legality.mlir).
// CHECK: te-to-loop-errors.mlir:[[# @LINE + 17]]:3: error: 'te.compute_at' op cannot compute 'B' at C.i: it is also read by 'D', which is computed at root, not inside C.i; legal levels for 'B' are root
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
