// RUN: dl-opt %s -p te-to-loop --split-input-file 2>&1 >/dev/null | filecheck %s

/// A directive that has no effect is a warning at its line, and the kernel still
/// lowers: split by 1, unroll and vectorize of one iteration, a reorder to the same
/// order, compute_root of a stage already at root.
// CHECK:      te-schedule-warnings.mlir:[[# @LINE + 27]]:{{[0-9]+}}: warning: split of axis 'j' of stage 'C' by 1 has no effect (its inner axis 'ji' has one iteration)
// CHECK-NEXT:   te.split "C" "j" by 1 -> "jo", "ji"
// CHECK-NEXT:   ^
// CHECK-NEXT: te-schedule-warnings.mlir:[[# @LINE + 25]]:{{[0-9]+}}: warning: unroll of axis 'ji' of stage 'C' has no effect: it has one iteration
// CHECK-NEXT:   te.unroll "C" "ji"
// CHECK-NEXT:   ^
// CHECK-NEXT: te-schedule-warnings.mlir:[[# @LINE + 23]]:{{[0-9]+}}: warning: reorder of stage 'C' has no effect: its axes are already in this order (i, jo, ji, o)
// CHECK-NEXT:   te.reorder "C" ["i", "jo"]
// CHECK-NEXT:   ^
// CHECK-NEXT: te-schedule-warnings.mlir:[[# @LINE + 21]]:{{[0-9]+}}: warning: vectorize of axis 'o' of stage 'C' has no effect: it has one iteration
// CHECK-NEXT:   te.vectorize "C" "o"
// CHECK-NEXT:   ^
// CHECK-NEXT: te-schedule-warnings.mlir:[[# @LINE + 19]]:{{[0-9]+}}: warning: compute_root of 'B' has no effect: it is already computed at root
// CHECK-NEXT:   te.compute_root "B"
// CHECK-NEXT:   ^
te.kernel @k(%A: tensor<4x6xf32>) -> tensor<4x6x1xf32> {
  %B = te.compute "B" (%i: 4, %j: 6) {
    %a = te.read %A[%i, %j] : tensor<4x6xf32> -> f32
    te.yield %a : f32
  } : tensor<4x6xf32>
  %C = te.compute "C" (%i: 4, %j: 6, %o: 1) {
    %b = te.read %B[%i, %j] : tensor<4x6xf32> -> f32
    te.yield %b : f32
  } : tensor<4x6x1xf32>
  te.return %C : tensor<4x6x1xf32>
}
te.schedule @k {
  te.split "C" "j" by 1 -> "jo", "ji"
  te.unroll "C" "ji"
  te.reorder "C" ["i", "jo"]
  te.vectorize "C" "o"
  te.compute_root "B"
}
