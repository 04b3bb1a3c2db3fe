// RUN: dl-opt %s -p graph-fuse,graph-to-te --split-input-file | filecheck %s

/// Check that two convs of one shape with the same epilogue (resnet's repeated blocks)
/// compile to one kernel called from both sites, whatever their weights.
// CHECK-LABEL:  te.kernel @fused_conv2d_relu(
// CHECK-NOT:    te.kernel
// CHECK-LABEL:  graph.func @twice
// CHECK:          graph.call_dps @fused_conv2d_relu(%x, %w1) :
// CHECK:          graph.call_dps @fused_conv2d_relu(%{{.*}}, %w2) :
graph.func @twice(%x: tensor<1x4x6x6xf32>, %w1: tensor<4x4x3x3xf32>, %w2: tensor<4x4x3x3xf32>) -> tensor<1x4x6x6xf32> {
  %0 = graph.conv2d %x, %w1 pads [1, 1, 1, 1] : (tensor<1x4x6x6xf32>, tensor<4x4x3x3xf32>) -> tensor<1x4x6x6xf32>
  %1 = graph.relu %0 : tensor<1x4x6x6xf32>
  %2 = graph.conv2d %1, %w2 pads [1, 1, 1, 1] : (tensor<1x4x6x6xf32>, tensor<4x4x3x3xf32>) -> tensor<1x4x6x6xf32>
  %3 = graph.relu %2 : tensor<1x4x6x6xf32>
  graph.return %3 : tensor<1x4x6x6xf32>
}

// -----

/// Check that convs of different shapes, or with different attributes, stay two kernels.
// CHECK-LABEL:  te.kernel @fused_conv2d_relu(
// CHECK-LABEL:  te.kernel @fused_conv2d_relu_1(
// CHECK-LABEL:  te.kernel @fused_conv2d_relu_2(
// CHECK-NOT:    te.kernel
// CHECK-LABEL:  graph.func @different
// CHECK:          graph.call_dps @fused_conv2d_relu(
// CHECK:          graph.call_dps @fused_conv2d_relu_1(
// CHECK:          graph.call_dps @fused_conv2d_relu_2(
graph.func @different(%x: tensor<1x4x6x6xf32>, %w1: tensor<4x4x3x3xf32>, %w2: tensor<4x4x3x3xf32>, %w3: tensor<4x4x1x1xf32>) -> tensor<1x4x4x4xf32> {
  %0 = graph.conv2d %x, %w1 pads [1, 1, 1, 1] : (tensor<1x4x6x6xf32>, tensor<4x4x3x3xf32>) -> tensor<1x4x6x6xf32>
  %1 = graph.relu %0 : tensor<1x4x6x6xf32>
  %2 = graph.conv2d %1, %w2 : (tensor<1x4x6x6xf32>, tensor<4x4x3x3xf32>) -> tensor<1x4x4x4xf32>
  %3 = graph.relu %2 : tensor<1x4x4x4xf32>
  %4 = graph.conv2d %3, %w3 : (tensor<1x4x4x4xf32>, tensor<4x4x1x1xf32>) -> tensor<1x4x4x4xf32>
  %5 = graph.relu %4 : tensor<1x4x4x4xf32>
  graph.return %5 : tensor<1x4x4x4xf32>
}
