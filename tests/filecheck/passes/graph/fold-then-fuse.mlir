// RUN: dl-opt %s -p graph-fold-batch-norm,graph-fuse --split-input-file | filecheck %s
// RUN: dl-opt %s -p compile-cpu --fusion-report --split-input-file 2>&1 >/dev/null | filecheck %s --check-prefix=REPORT

/// Check that compile-cpu folds before it fuses, and that the report (from a named
/// pipeline too) locates the folded conv at the original conv's line.
// REPORT:      fusion report for @folded: 2 ops, 1 fused kernel, 0 ops alone, 0 refusals
// REPORT-NEXT:   kernel @fused_conv2d_relu: 2 ops, anchor graph.conv2d
// REPORT-NEXT:     fold-then-fuse.mlir:[[# @LINE + 21]]:11: graph.conv2d (out-fusable) [anchor]
// REPORT:      fusion report for @affine: 4 ops, 1 fused kernel, 0 ops alone, 0 refusals
// REPORT-NEXT:   kernel @fused_conv2d_mul_add_relu: 4 ops, anchor graph.conv2d
// REPORT-NEXT:     fold-then-fuse.mlir:[[# @LINE + 43]]:11: graph.conv2d (out-fusable) [anchor]
// REPORT-NEXT:     fold-then-fuse.mlir:[[# @LINE + 43]]:8: graph.mul (broadcast)
// REPORT-NEXT:     fold-then-fuse.mlir:[[# @LINE + 42]]:8: graph.add (broadcast)

/// Check that a conv + batch_norm + relu with constant weights is one conv kernel
/// with a relu epilogue once the batch norm is folded into the weights.
// CHECK-LABEL: graph.func private @fused_conv2d_relu
// CHECK-NEXT:    graph.conv2d
// CHECK-NEXT:    graph.relu
// CHECK-NEXT:    graph.return
// CHECK-LABEL: graph.func @folded
// CHECK-NOT:     graph.batch_norm
graph.func @folded(%x: tensor<1x1x3x3xf32>) -> tensor<1x2x3x3xf32> {
  %w = graph.constant dense<1.0> : tensor<2x1x1x1xf32>
  %scale = graph.constant dense<[4.0, 3.0]> : tensor<2xf32>
  %shift = graph.constant dense<[0.5, -1.0]> : tensor<2xf32>
  %mean = graph.constant dense<[1.0, 2.0]> : tensor<2xf32>
  %var = graph.constant dense<[3.0, 0.0]> : tensor<2xf32>
  %conv = graph.conv2d %x, %w : (tensor<1x1x3x3xf32>, tensor<2x1x1x1xf32>) -> tensor<1x2x3x3xf32>
  %z = graph.batch_norm %conv, %scale, %shift, %mean, %var : (tensor<1x2x3x3xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x3x3xf32>
  %r = graph.relu %z : tensor<1x2x3x3xf32>
  graph.return %r : tensor<1x2x3x3xf32>
}

// -----

/// Check that with weights that are arguments the batch norm becomes mul + add and
/// joins the conv's kernel as an elementwise epilogue.
// CHECK-LABEL: graph.func private @fused_conv2d_mul_add_relu
// CHECK-SAME:    (%{{.*}}: tensor<1x1x3x3xf32>, %{{.*}}: tensor<2x1x1x1xf32>, %{{.*}}: tensor<2x1x1xf32>, %{{.*}}: tensor<2x1x1xf32>)
// CHECK-NEXT:    graph.conv2d
// CHECK-NEXT:    graph.mul
// CHECK-NEXT:    graph.add
// CHECK-NEXT:    graph.relu
// CHECK-NEXT:    graph.return
// CHECK-LABEL: graph.func @affine
// CHECK:         graph.call_dps @fused_conv2d_mul_add_relu
// CHECK-NEXT:    graph.return
graph.func @affine(%x: tensor<1x1x3x3xf32>, %w: tensor<2x1x1x1xf32>) -> tensor<1x2x3x3xf32> {
  %scale = graph.constant dense<[4.0, 3.0]> : tensor<2xf32>
  %shift = graph.constant dense<[0.5, -1.0]> : tensor<2xf32>
  %mean = graph.constant dense<[1.0, 2.0]> : tensor<2xf32>
  %var = graph.constant dense<[3.0, 0.0]> : tensor<2xf32>
  %conv = graph.conv2d %x, %w : (tensor<1x1x3x3xf32>, tensor<2x1x1x1xf32>) -> tensor<1x2x3x3xf32>
  %z = graph.batch_norm %conv, %scale, %shift, %mean, %var : (tensor<1x2x3x3xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x3x3xf32>
  %r = graph.relu %z : tensor<1x2x3x3xf32>
  graph.return %r : tensor<1x2x3x3xf32>
}
