// RUN: dl-opt %s -p graph-fuse | filecheck %s --check-prefix=FUSE
// RUN: dl-opt %s -p compile-cpu --run --check | filecheck %s

/// Check that graph-fuse groups the new ops by their categories: gather (injective) is the
/// prologue of the less/where chain (broadcast), comparisons chain into one kernel with an
/// i1 result, lrn (out-fusable) is the anchor of its elementwise epilogue.
// FUSE-LABEL: graph.func private @fused_gather_less_where_mul
// FUSE-NEXT:    graph.gather
// FUSE-NEXT:    graph.less
// FUSE-NEXT:    graph.where
// FUSE-NEXT:    graph.mul
// FUSE-NEXT:    graph.return
// FUSE-LABEL: graph.func private @fused_equal_less_greater
// FUSE-NEXT:    graph.equal
// FUSE-NEXT:    graph.less
// FUSE-NEXT:    graph.greater
// FUSE-NEXT:    graph.return
// FUSE-LABEL: graph.func private @fused_lrn_relu
// FUSE-NEXT:    graph.lrn
// FUSE-NEXT:    graph.relu
// FUSE-NEXT:    graph.return
// FUSE-LABEL: graph.func @onnx_ops
// FUSE-NEXT:    graph.call_dps @fused_gather_less_where_mul
// FUSE-NEXT:    graph.call_dps @fused_equal_less_greater
// FUSE-NEXT:    graph.call_dps @fused_lrn_relu
// FUSE-NEXT:    graph.return

/// Check that the program runs natively (i1 results included) and matches the interpreter.
// CHECK:      @onnx_ops: 5 inputs (random, seed 0), native code
// CHECK:      check against the interpreter (tolerance 1e-05):
// CHECK-NEXT:   result #0: max abs error 0, max rel error 0
// CHECK-NEXT:   result #1: max abs error 0, max rel error 0
// CHECK-NEXT:   result #2: max abs error {{.*}}, max rel error {{.*}}
graph.func @onnx_ops(%table: tensor<16x5xf32>, %ids: tensor<3x4xi64>, %last: tensor<4xi64>, %t: tensor<5xf32>, %x: tensor<2x7x3x3xf32>) -> (tensor<3x4x5xf32>, tensor<3x4xi1>, tensor<2x7x3x3xf32>) {
  %rows = graph.gather %table, %ids axis 0 : (tensor<16x5xf32>, tensor<3x4xi64>) -> tensor<3x4x5xf32>
  %small = graph.less %rows, %t : (tensor<3x4x5xf32>, tensor<5xf32>) -> tensor<3x4x5xi1>
  %picked = graph.where %small, %rows, %t : (tensor<3x4x5xi1>, tensor<3x4x5xf32>, tensor<5xf32>) -> tensor<3x4x5xf32>
  %twice = graph.mul %picked, %picked : (tensor<3x4x5xf32>, tensor<3x4x5xf32>) -> tensor<3x4x5xf32>
  %same = graph.equal %ids, %last : (tensor<3x4xi64>, tensor<4xi64>) -> tensor<3x4xi1>
  %below = graph.less %ids, %last : (tensor<3x4xi64>, tensor<4xi64>) -> tensor<3x4xi1>
  %more = graph.greater %same, %below : (tensor<3x4xi1>, tensor<3x4xi1>) -> tensor<3x4xi1>
  %n = graph.lrn %x size 3 alpha 1.0e-04 beta 0.75 bias 1.0 : tensor<2x7x3x3xf32>
  %r = graph.relu %n : tensor<2x7x3x3xf32>
  graph.return %twice, %more, %r : tensor<3x4x5xf32>, tensor<3x4xi1>, tensor<2x7x3x3xf32>
}
