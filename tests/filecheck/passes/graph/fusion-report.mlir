// RUN: dl-opt %s -p graph-fuse --fusion-report --split-input-file 2>&1 >/dev/null | filecheck %s

/// Check that a group lists its ops in program order with their locations and
/// categories, marks the anchor, and is named after its ops.
// CHECK-LABEL: fusion report for @dense: 3 ops, 1 fused kernel, 0 ops alone, 0 refusals
// CHECK-NEXT:    kernel @fused_matmul_add_relu: 3 ops, anchor graph.matmul
// CHECK-NEXT:      fusion-report.mlir:[[# @LINE + 5]]:8: graph.matmul (out-fusable) [anchor]
// CHECK-NEXT:      fusion-report.mlir:[[# @LINE + 5]]:8: graph.add (broadcast)
// CHECK-NEXT:      fusion-report.mlir:[[# @LINE + 5]]:8: graph.relu (elementwise)
// CHECK-NOT:     refused
graph.func @dense(%x: tensor<8x16xf32>, %w: tensor<16x4xf32>, %b: tensor<4xf32>) -> tensor<8x4xf32> {
  %0 = graph.matmul %x, %w : (tensor<8x16xf32>, tensor<16x4xf32>) -> tensor<8x4xf32>
  %1 = graph.add %0, %b : (tensor<8x4xf32>, tensor<4xf32>) -> tensor<8x4xf32>
  %2 = graph.relu %1 : tensor<8x4xf32>
  graph.return %2 : tensor<8x4xf32>
}

// -----

/// Check that a diamond whose branches all join one group collapses into one kernel:
/// the split value's immediate post-dominator (the add) is in the group, and so is
/// every op between them.
// CHECK-LABEL: fusion report for @diamond: 4 ops, 1 fused kernel, 0 ops alone, 0 refusals
// CHECK-NEXT:    kernel @fused_exp_relu_tanh_add: 4 ops, no anchor
graph.func @diamond(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %0 = graph.exp %x : tensor<4x8xf32>
  %1 = graph.relu %0 : tensor<4x8xf32>
  %2 = graph.tanh %0 : tensor<4x8xf32>
  %3 = graph.add %1, %2 : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  graph.return %3 : tensor<4x8xf32>
}

// -----

/// Check that a diamond with a branch in another group (a matmul, which cannot take
/// the add as its epilogue and a tanh as its prologue at once) keeps the split value
/// apart, naming the post-dominator and the branch that leaves its group.
// CHECK-LABEL: fusion report for @diamond_split: 4 ops, 1 fused kernel, 2 ops alone, 2 refusals
// CHECK-NEXT:    kernel @fused_matmul_add: 2 ops, anchor graph.matmul
// CHECK:         alone: {{.*}}fusion-report.mlir:[[# @LINE + 5]]:8: graph.exp (elementwise)
// CHECK-NEXT:    alone: {{.*}}fusion-report.mlir:[[# @LINE + 5]]:8: graph.tanh (elementwise)
// CHECK-NEXT:    refused: {{.*}}fusion-report.mlir:[[# @LINE + 3]]:8: graph.exp (elementwise) -> graph.add at {{.*}}fusion-report.mlir:[[# @LINE + 6]]:8 [diamond]: its immediate post-dominator graph.add (@fused_matmul_add) is also reached through graph.tanh at {{.*}}fusion-report.mlir:[[# @LINE + 4]]:8 (alone): fused, it would be computed twice
// CHECK-NEXT:    refused: {{.*}}fusion-report.mlir:[[# @LINE + 3]]:8: graph.tanh (elementwise) -> graph.matmul at {{.*}}fusion-report.mlir:[[# @LINE + 4]]:8 [out-fusable-reader]: read directly by out-fusable graph.matmul: inlined there, it would be recomputed at every reuse of that operand
graph.func @diamond_split(%x: tensor<4x4xf32>, %w: tensor<4x4xf32>) -> tensor<4x4xf32> {
  %0 = graph.exp %x : tensor<4x4xf32>
  %1 = graph.tanh %0 : tensor<4x4xf32>
  %2 = graph.matmul %1, %w : (tensor<4x4xf32>, tensor<4x4xf32>) -> tensor<4x4xf32>
  %3 = graph.add %2, %0 : (tensor<4x4xf32>, tensor<4x4xf32>) -> tensor<4x4xf32>
  graph.return %3 : tensor<4x4xf32>
}

// -----

/// Check that a reduction never joins a group that already has one (reduction after
/// reduction), and that an out-fusable op takes no injective epilogue.
// CHECK-LABEL: fusion report for @anchors
// CHECK:         refused: {{.*}}fusion-report.mlir:[[# @LINE + 3]]:8: graph.reduce_sum (reduction) -> graph.reduce_max at {{.*}}fusion-report.mlir:[[# @LINE + 4]]:8 [reduction-after-reduction]: the group's anchor is already graph.reduce_max at {{.*}}fusion-report.mlir:[[# @LINE + 4]]:8 (in @fused_reduce_max_sqrt): one reduction or out-fusable op per kernel
// CHECK-NEXT:    refused: {{.*}}fusion-report.mlir:[[# @LINE + 5]]:8: graph.matmul (out-fusable) -> graph.transpose at {{.*}}fusion-report.mlir:[[# @LINE + 6]]:8 [out-fusable-after-injective]: a reduction or out-fusable op takes only an elementwise or broadcast epilogue, and graph.transpose at {{.*}}fusion-report.mlir:[[# @LINE + 6]]:8 (in @fused_transpose_exp) is injective
graph.func @anchors(%x: tensor<4x8x2xf32>, %a: tensor<3x5xf32>, %b: tensor<5x6xf32>) -> (tensor<4xf32>, tensor<6x3xf32>) {
  %0 = graph.reduce_sum %x axes [2] : tensor<4x8x2xf32> -> tensor<4x8xf32>
  %1 = graph.reduce_max %0 axes [1] : tensor<4x8xf32> -> tensor<4xf32>
  %2 = graph.sqrt %1 : tensor<4xf32>
  %3 = graph.matmul %a, %b : (tensor<3x5xf32>, tensor<5x6xf32>) -> tensor<3x6xf32>
  %4 = graph.transpose %3 perm [1, 0] : tensor<3x6xf32> -> tensor<6x3xf32>
  %5 = graph.exp %4 : tensor<6x3xf32>
  graph.return %2, %5 : tensor<4xf32>, tensor<6x3xf32>
}

// -----

/// Check the refusals around values that must be stored: one read by an opaque call,
/// an opaque call's result, one also returned, and one read by two groups that meet
/// only at the end of the function.
// CHECK-LABEL: fusion report for @stored
// CHECK:         refused: {{.*}}fusion-report.mlir:[[# @LINE + 5]]:8: graph.exp (elementwise) -> graph.call_dps at {{.*}}fusion-report.mlir:[[# @LINE + 6]]:8 [opaque-reader]: its reader graph.call_dps is opaque: it never fuses
// CHECK-NEXT:    refused: {{.*}}fusion-report.mlir:[[# @LINE + 5]]:8: graph.call_dps (opaque) -> graph.relu at {{.*}}fusion-report.mlir:[[# @LINE + 6]]:8 [opaque]: graph.call_dps is opaque: it never fuses
// CHECK-NEXT:    refused: {{.*}}fusion-report.mlir:[[# @LINE + 5]]:8: graph.relu (elementwise) -> graph.tanh at {{.*}}fusion-report.mlir:[[# @LINE + 6]]:8 [returned]: its value is also returned by the function, so it is stored: it ends its own group
// CHECK-NEXT:    refused: {{.*}}fusion-report.mlir:[[# @LINE + 5]]:8: graph.tanh (elementwise) -> graph.sigmoid at {{.*}}fusion-report.mlir:[[# @LINE + 6]]:8 [shared]: its readers graph.sigmoid (alone) and graph.exp at {{.*}}fusion-report.mlir:[[# @LINE + 7]]:8 (alone) are in different groups that meet only at the function's end or at an opaque op: fused into one, it would be computed twice
graph.func @stored(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) {
  %0 = graph.exp %x : tensor<4xf32>
  %1 = graph.call_dps @ext(%0) : (tensor<4xf32>) -> tensor<4xf32>
  %2 = graph.relu %1 : tensor<4xf32>
  %3 = graph.tanh %2 : tensor<4xf32>
  %4 = graph.sigmoid %3 : tensor<4xf32>
  %5 = graph.exp %3 : tensor<4xf32>
  graph.return %2, %4, %5 : tensor<4xf32>, tensor<4xf32>, tensor<4xf32>
}
graph.func private @ext(%a: tensor<4xf32>) -> tensor<4xf32>
