// RUN: dl-opt %s -p graph-alter-layout --split-input-file | filecheck %s
// RUN: dl-opt %s -p graph-alter-layout,graph-fuse --fusion-report --split-input-file 2>&1 >/dev/null | filecheck %s --check-prefix=REPORT

/// Check that the blocked convs still take their epilogues when fused.
// REPORT:      fusion report for @chain
// REPORT-NEXT:   kernel @fused_conv2d_nchwc_relu: 2 ops, anchor graph.conv2d_nchwc
// REPORT:      fusion report for @residual
// REPORT-NEXT:   kernel @fused_conv2d_nchwc_relu: 2 ops, anchor graph.conv2d_nchwc
// REPORT:      fusion report for @two_blocks
// REPORT:        kernel @fused_conv2d_nchwc_add_relu: 3 ops, anchor graph.conv2d_nchwc

/// Check that a conv-relu-conv chain runs blocked between one transform in and one out:
/// the weights are packed OIHW16i16o and the bias O16o at compile time, the relu
/// follows the blocked value and the transform pair between the convs cancels.
// CHECK-LABEL: graph.func @chain
// CHECK-SAME:    (%[[X:.*]]: tensor<1x16x8x8xf32>)
// CHECK-NEXT:    %[[W1:.*]] = graph.constant dense<5.000000e-01> : tensor<2x1x3x3x16x16xf32>
// CHECK-NEXT:    %[[B1:.*]] = graph.constant dense<2.500000e-01> : tensor<2x16xf32>
// CHECK-NEXT:    %[[IN:.*]] = graph.layout_transform %[[X]] src "NCHW" dst "NCHW16c" : tensor<1x16x8x8xf32> -> tensor<1x1x8x8x16xf32>
// CHECK-NEXT:    %[[C1:.*]] = graph.conv2d_nchwc %[[IN]], %[[W1]], %[[B1]] pads [1, 1, 1, 1] : {{.*}} -> tensor<1x2x8x8x16xf32>
// CHECK-NEXT:    %[[R1:.*]] = graph.relu %[[C1]] : tensor<1x2x8x8x16xf32>
// CHECK-NEXT:    %[[W2:.*]] = graph.constant dense<1.250000e-01> : tensor<2x2x1x1x16x16xf32>
// CHECK-NEXT:    %[[C2:.*]] = graph.conv2d_nchwc %[[R1]], %[[W2]] : {{.*}} -> tensor<1x2x8x8x16xf32>
// CHECK-NEXT:    %[[R2:.*]] = graph.relu %[[C2]] : tensor<1x2x8x8x16xf32>
// CHECK-NEXT:    %[[OUT:.*]] = graph.layout_transform %[[R2]] src "NCHW16c" dst "NCHW" : tensor<1x2x8x8x16xf32> -> tensor<1x32x8x8xf32>
// CHECK-NEXT:    graph.return %[[OUT]]
graph.func @chain(%x: tensor<1x16x8x8xf32>) -> tensor<1x32x8x8xf32> {
  %w1 = graph.constant dense<0.5> : tensor<32x16x3x3xf32>
  %b1 = graph.constant dense<0.25> : tensor<32xf32>
  %w2 = graph.constant dense<0.125> : tensor<32x32x1x1xf32>
  %c1 = graph.conv2d %x, %w1, %b1 pads [1, 1, 1, 1] : (tensor<1x16x8x8xf32>, tensor<32x16x3x3xf32>, tensor<32xf32>) -> tensor<1x32x8x8xf32>
  %r1 = graph.relu %c1 : tensor<1x32x8x8xf32>
  %c2 = graph.conv2d %r1, %w2 : (tensor<1x32x8x8xf32>, tensor<32x32x1x1xf32>) -> tensor<1x32x8x8xf32>
  %r2 = graph.relu %c2 : tensor<1x32x8x8xf32>
  graph.return %r2 : tensor<1x32x8x8xf32>
}

// -----

/// Check a residual block: the per-channel scale is re-laid out (32x1x1 -> 1x2x1x1x16),
/// the residual add reads two blocked values, and the one transform back sits before
/// the global pooling, which stays NCHW.
// CHECK-LABEL: graph.func @residual
// CHECK:         %[[IN:.*]] = graph.layout_transform %{{.*}} src "NCHW" dst "NCHW16c"
// CHECK-NEXT:    %[[C1:.*]] = graph.conv2d_nchwc %[[IN]]
// CHECK-NEXT:    %[[R1:.*]] = graph.relu %[[C1]] : tensor<1x2x7x7x16xf32>
// CHECK:         %[[C2:.*]] = graph.conv2d_nchwc %[[R1]]
// CHECK-NEXT:    %[[S:.*]] = graph.constant dense<2.000000e+00> : tensor<1x2x1x1x16xf32>
// CHECK-NEXT:    %[[M:.*]] = graph.mul %[[C2]], %[[S]] : (tensor<1x2x7x7x16xf32>, tensor<1x2x1x1x16xf32>) -> tensor<1x2x7x7x16xf32>
// CHECK-NEXT:    %[[A:.*]] = graph.add %[[M]], %[[R1]] : (tensor<1x2x7x7x16xf32>, tensor<1x2x7x7x16xf32>) -> tensor<1x2x7x7x16xf32>
// CHECK-NEXT:    %[[R2:.*]] = graph.relu %[[A]]
// CHECK-NEXT:    %[[OUT:.*]] = graph.layout_transform %[[R2]] src "NCHW16c" dst "NCHW"
// CHECK-NEXT:    graph.global_avg_pool2d %[[OUT]]
graph.func @residual(%x: tensor<1x32x7x7xf32>) -> tensor<1x32x1x1xf32> {
  %w1 = graph.constant dense<0.5> : tensor<32x32x3x3xf32>
  %w2 = graph.constant dense<0.25> : tensor<32x32x1x1xf32>
  %s = graph.constant dense<2.0> : tensor<32x1x1xf32>
  %c1 = graph.conv2d %x, %w1 pads [1, 1, 1, 1] : (tensor<1x32x7x7xf32>, tensor<32x32x3x3xf32>) -> tensor<1x32x7x7xf32>
  %r1 = graph.relu %c1 : tensor<1x32x7x7xf32>
  %c2 = graph.conv2d %r1, %w2 : (tensor<1x32x7x7xf32>, tensor<32x32x1x1xf32>) -> tensor<1x32x7x7xf32>
  %m = graph.mul %c2, %s : (tensor<1x32x7x7xf32>, tensor<32x1x1xf32>) -> tensor<1x32x7x7xf32>
  %a = graph.add %m, %r1 : (tensor<1x32x7x7xf32>, tensor<1x32x7x7xf32>) -> tensor<1x32x7x7xf32>
  %r2 = graph.relu %a : tensor<1x32x7x7xf32>
  %p = graph.global_avg_pool2d %r2 : tensor<1x32x7x7xf32> -> tensor<1x32x1x1xf32>
  graph.return %p : tensor<1x32x1x1xf32>
}

// -----

/// Check that a channel concat of two values blocked alike is a concat of their blocks
/// (16 + 32 channels: 1 + 2 blocks), and that the input, read by both convs, is
/// transformed once.
// CHECK-LABEL: graph.func @concat
// CHECK:         %[[IN:.*]] = graph.layout_transform %{{.*}} src "NCHW" dst "NCHW16c"
// CHECK:         %[[C1:.*]] = graph.conv2d_nchwc %[[IN]]
// CHECK:         %[[C2:.*]] = graph.conv2d_nchwc %[[IN]]
// CHECK-NEXT:    %[[J:.*]] = graph.concat %[[C1]], %[[C2]] axis 1 : (tensor<1x1x7x7x16xf32>, tensor<1x2x7x7x16xf32>) -> tensor<1x3x7x7x16xf32>
// CHECK-NEXT:    %[[R:.*]] = graph.relu %[[J]]
// CHECK-NEXT:    %[[OUT:.*]] = graph.layout_transform %[[R]] src "NCHW16c" dst "NCHW" : tensor<1x3x7x7x16xf32> -> tensor<1x48x7x7xf32>
// CHECK-NEXT:    graph.return %[[OUT]]
graph.func @concat(%x: tensor<1x16x7x7xf32>) -> tensor<1x48x7x7xf32> {
  %w1 = graph.constant dense<0.5> : tensor<16x16x1x1xf32>
  %w2 = graph.constant dense<0.25> : tensor<32x16x3x3xf32>
  %c1 = graph.conv2d %x, %w1 : (tensor<1x16x7x7xf32>, tensor<16x16x1x1xf32>) -> tensor<1x16x7x7xf32>
  %c2 = graph.conv2d %x, %w2 pads [1, 1, 1, 1] : (tensor<1x16x7x7xf32>, tensor<32x16x3x3xf32>) -> tensor<1x32x7x7xf32>
  %j = graph.concat %c1, %c2 axis 1 : (tensor<1x16x7x7xf32>, tensor<1x32x7x7xf32>) -> tensor<1x48x7x7xf32>
  %r = graph.relu %j : tensor<1x48x7x7xf32>
  graph.return %r : tensor<1x48x7x7xf32>
}

// -----

/// Check that a concat of differently blocked values (16 channels in blocks of 16, 24 in
/// blocks of 8) reads both back in NCHW.
// CHECK-LABEL: graph.func @mixed_blocks
// CHECK:         %[[C1:.*]] = graph.conv2d_nchwc {{.*}} -> tensor<1x1x7x7x16xf32>
// CHECK-NEXT:    %[[B1:.*]] = graph.layout_transform %[[C1]] src "NCHW16c" dst "NCHW"
// CHECK:         %[[C2:.*]] = graph.conv2d_nchwc {{.*}} -> tensor<1x3x7x7x8xf32>
// CHECK-NEXT:    %[[B2:.*]] = graph.layout_transform %[[C2]] src "NCHW8c" dst "NCHW"
// CHECK-NEXT:    graph.concat %[[B1]], %[[B2]] axis 1
graph.func @mixed_blocks(%x: tensor<1x16x7x7xf32>) -> tensor<1x40x7x7xf32> {
  %w1 = graph.constant dense<0.5> : tensor<16x16x1x1xf32>
  %w2 = graph.constant dense<0.25> : tensor<24x16x1x1xf32>
  %c1 = graph.conv2d %x, %w1 : (tensor<1x16x7x7xf32>, tensor<16x16x1x1xf32>) -> tensor<1x16x7x7xf32>
  %c2 = graph.conv2d %x, %w2 : (tensor<1x16x7x7xf32>, tensor<24x16x1x1xf32>) -> tensor<1x24x7x7xf32>
  %j = graph.concat %c1, %c2 axis 1 : (tensor<1x16x7x7xf32>, tensor<1x24x7x7xf32>) -> tensor<1x40x7x7xf32>
  graph.return %j : tensor<1x40x7x7xf32>
}

// -----

/// Check that a conv with 12 input channels (no block of 8 divides it), a grouped conv,
/// a conv whose weights are an argument and one whose rows (3 columns) are too narrow
/// for the blocked register tile stay NCHW.
// CHECK-LABEL: graph.func @left_alone
// CHECK-NOT:     graph.layout_transform
// CHECK-COUNT-4: graph.conv2d %
// CHECK-NOT:     graph.layout_transform
graph.func @left_alone(%x: tensor<1x12x3x3xf32>, %w3: tensor<16x16x1x1xf32>) -> tensor<1x16x3x3xf32> {
  %w4 = graph.constant dense<1.0> : tensor<16x16x1x1xf32>
  %w1 = graph.constant dense<1.0> : tensor<16x12x3x3xf32>
  %w2 = graph.constant dense<1.0> : tensor<16x8x1x1xf32>
  %y = graph.conv2d %x, %w1 pads [1, 1, 1, 1] : (tensor<1x12x3x3xf32>, tensor<16x12x3x3xf32>) -> tensor<1x16x3x3xf32>
  %g = graph.conv2d %y, %w2 groups 2 : (tensor<1x16x3x3xf32>, tensor<16x8x1x1xf32>) -> tensor<1x16x3x3xf32>
  %z = graph.conv2d %g, %w3 : (tensor<1x16x3x3xf32>, tensor<16x16x1x1xf32>) -> tensor<1x16x3x3xf32>
  %n = graph.conv2d %z, %w4 : (tensor<1x16x3x3xf32>, tensor<16x16x1x1xf32>) -> tensor<1x16x3x3xf32>
  graph.return %n : tensor<1x16x3x3xf32>
}

// -----

/// Check that a residual block feeding another conv stays blocked throughout: its
/// add + relu epilogue joins the blocked conv's kernel.
// CHECK-LABEL: graph.func @two_blocks
// CHECK-COUNT-2: graph.layout_transform
// CHECK-NOT:     graph.layout_transform
graph.func @two_blocks(%x: tensor<1x16x7x7xf32>) -> tensor<1x16x7x7xf32> {
  %w1 = graph.constant dense<0.5> : tensor<16x16x3x3xf32>
  %w2 = graph.constant dense<0.25> : tensor<16x16x1x1xf32>
  %c1 = graph.conv2d %x, %w1 pads [1, 1, 1, 1] : (tensor<1x16x7x7xf32>, tensor<16x16x3x3xf32>) -> tensor<1x16x7x7xf32>
  %a = graph.add %c1, %x : (tensor<1x16x7x7xf32>, tensor<1x16x7x7xf32>) -> tensor<1x16x7x7xf32>
  %r = graph.relu %a : tensor<1x16x7x7xf32>
  %c2 = graph.conv2d %r, %w2 : (tensor<1x16x7x7xf32>, tensor<16x16x1x1xf32>) -> tensor<1x16x7x7xf32>
  graph.return %c2 : tensor<1x16x7x7xf32>
}
