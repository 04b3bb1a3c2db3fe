// RUN: DL_ROUNDTRIP

/// Check the function, return and call forms, and that graph.func prints like func.func.
// CHECK-LABEL: graph.func @mlp
// CHECK-SAME:    (%[[X:.*]]: tensor<64x784xf32>, %[[W:.*]]: tensor<784x256xf32>, %[[B:.*]]: tensor<256xf32>) -> tensor<64x256xf32> {
// CHECK-NEXT:    %[[MM:.*]] = graph.matmul %[[X]], %[[W]] : (tensor<64x784xf32>, tensor<784x256xf32>) -> tensor<64x256xf32>
// CHECK-NEXT:    %[[ADD:.*]] = graph.add %[[MM]], %[[B]] : (tensor<64x256xf32>, tensor<256xf32>) -> tensor<64x256xf32>
// CHECK-NEXT:    %[[R:.*]] = graph.relu %[[ADD]] : tensor<64x256xf32>
// CHECK-NEXT:    graph.return %[[R]] : tensor<64x256xf32>
// CHECK-LABEL: graph.func private @caller
// CHECK:         %{{.*}} = graph.call_dps @mlp(%{{.*}}, %{{.*}}, %{{.*}}) : (tensor<64x784xf32>, tensor<784x256xf32>, tensor<256xf32>) -> tensor<64x256xf32>
// CHECK:         %{{.*}} = graph.call_dps @kernel(%{{.*}}) : (tensor<4xf32>) -> tensor<4xf32>
// CHECK:         %{{.*}} = graph.call_dps @lowered(%{{.*}}) : (tensor<4xf32>) -> tensor<4xf32>
// CHECK:         graph.return %{{.*}}, %{{.*}}, %{{.*}} : tensor<64x256xf32>, tensor<4xf32>, tensor<4xf32>
graph.func @mlp(%x: tensor<64x784xf32>, %w: tensor<784x256xf32>, %b: tensor<256xf32>) -> tensor<64x256xf32> {
  %0 = graph.matmul %x, %w : (tensor<64x784xf32>, tensor<784x256xf32>) -> tensor<64x256xf32>
  %1 = graph.add %0, %b : (tensor<64x256xf32>, tensor<256xf32>) -> tensor<64x256xf32>
  %2 = graph.relu %1 : tensor<64x256xf32>
  graph.return %2 : tensor<64x256xf32>
}
func.func @kernel(%a: tensor<4xf32>) -> tensor<4xf32> {
  func.return %a : tensor<4xf32>
}
func.func @lowered(%a: memref<4xf32>, %out: memref<4xf32>) attributes {num_outputs = 1 : i64} {
  func.return
}
graph.func private @caller(%x: tensor<64x784xf32>, %w: tensor<784x256xf32>, %b: tensor<256xf32>, %v: tensor<4xf32>) -> (tensor<64x256xf32>, tensor<4xf32>, tensor<4xf32>) {
  %0 = graph.call_dps @mlp(%x, %w, %b) : (tensor<64x784xf32>, tensor<784x256xf32>, tensor<256xf32>) -> tensor<64x256xf32>
  %1 = graph.call_dps @kernel(%v) : (tensor<4xf32>) -> tensor<4xf32>
  %2 = graph.call_dps @lowered(%v) : (tensor<4xf32>) -> tensor<4xf32>
  graph.return %0, %1, %2 : tensor<64x256xf32>, tensor<4xf32>, tensor<4xf32>
}

// -----

/// Check inline dense and splat constants of several element types.
// CHECK-LABEL: graph.func @constants
// CHECK-NEXT:    %{{.*}} = graph.constant dense<[1.000000e+00, 2.000000e+00]> : tensor<2xf32>
// CHECK-NEXT:    %{{.*}} = graph.constant dense<0.000000e+00> : tensor<4x8xf32>
// CHECK-NEXT:    %{{.*}} = graph.constant dense<{{\[}}[1, 2], [3, 4]]> : tensor<2x2xi32>
// CHECK-NEXT:    %{{.*}} = graph.constant dense<7> : tensor<3xi64>
// CHECK-NEXT:    %{{.*}} = graph.constant dense<1.500000e+00> : tensor<2xf16>
// CHECK-NEXT:    %{{.*}} = graph.constant dense<[true, false]> : tensor<2xi1>
graph.func @constants() -> tensor<2xf32> {
  %a = graph.constant dense<[1.0, 2.0]> : tensor<2xf32>
  %z = graph.constant dense<0.0> : tensor<4x8xf32>
  %i = graph.constant dense<[[1, 2], [3, 4]]> : tensor<2x2xi32>
  %s = graph.constant dense<7> : tensor<3xi64>
  %h = graph.constant dense<1.5> : tensor<2xf16>
  %m = graph.constant dense<[true, false]> : tensor<2xi1>
  graph.return %a : tensor<2xf32>
}

// -----

/// Check a weight kept as a resource blob, printed in the dialect_resources section.
// CHECK-LABEL: graph.func @resource
// CHECK-NEXT:    %{{.*}} = graph.constant dense_resource<fc_weight> : tensor<2x2xf32>
// CHECK:       {-#
// CHECK-NEXT:    dialect_resources: {
// CHECK-NEXT:      builtin: {
// CHECK-NEXT:        fc_weight: "0x040000000000803F000000400000404000008040"
graph.func @resource() -> tensor<2x2xf32> {
  %w = graph.constant dense_resource<fc_weight> : tensor<2x2xf32>
  graph.return %w : tensor<2x2xf32>
}
{-#
  dialect_resources: {
    builtin: {
      fc_weight: "0x040000000000803F000000400000404000008040"
    }
  }
#-}

// -----

/// Check the broadcasting binary operators.
// CHECK-LABEL: graph.func @binary
// CHECK-NEXT:    %{{.*}} = graph.add %{{.*}}, %{{.*}} : (tensor<4x1xf32>, tensor<3xf32>) -> tensor<4x3xf32>
// CHECK-NEXT:    %{{.*}} = graph.sub %{{.*}}, %{{.*}} : (tensor<4x1xf32>, tensor<3xf32>) -> tensor<4x3xf32>
// CHECK-NEXT:    %{{.*}} = graph.mul %{{.*}}, %{{.*}} : (tensor<4x3xf32>, tensor<f32>) -> tensor<4x3xf32>
// CHECK-NEXT:    %{{.*}} = graph.div %{{.*}}, %{{.*}} : (tensor<4x3xf32>, tensor<4x3xf32>) -> tensor<4x3xf32>
// CHECK-NEXT:    %{{.*}} = graph.pow %{{.*}}, %{{.*}} : (tensor<4x3xf32>, tensor<f32>) -> tensor<4x3xf32>
// CHECK-NEXT:    %{{.*}} = graph.maximum %{{.*}}, %{{.*}} : (tensor<4x3xf32>, tensor<3xf32>) -> tensor<4x3xf32>
// CHECK-NEXT:    %{{.*}} = graph.minimum %{{.*}}, %{{.*}} : (tensor<1x3xf32>, tensor<4x1xf32>) -> tensor<4x3xf32>
graph.func @binary(%a: tensor<4x1xf32>, %b: tensor<3xf32>, %s: tensor<f32>, %r: tensor<1x3xf32>) -> tensor<4x3xf32> {
  %0 = graph.add %a, %b : (tensor<4x1xf32>, tensor<3xf32>) -> tensor<4x3xf32>
  %1 = graph.sub %a, %b : (tensor<4x1xf32>, tensor<3xf32>) -> tensor<4x3xf32>
  %2 = graph.mul %1, %s : (tensor<4x3xf32>, tensor<f32>) -> tensor<4x3xf32>
  %3 = graph.div %2, %0 : (tensor<4x3xf32>, tensor<4x3xf32>) -> tensor<4x3xf32>
  %4 = graph.pow %3, %s : (tensor<4x3xf32>, tensor<f32>) -> tensor<4x3xf32>
  %5 = graph.maximum %4, %b : (tensor<4x3xf32>, tensor<3xf32>) -> tensor<4x3xf32>
  %6 = graph.minimum %r, %a : (tensor<1x3xf32>, tensor<4x1xf32>) -> tensor<4x3xf32>
  graph.return %6 : tensor<4x3xf32>
}

// -----

/// Check the unary operators, gelu's approximation, clip and cast.
// CHECK-LABEL: graph.func @unary
// CHECK-NEXT:    %{{.*}} = graph.relu %{{.*}} : tensor<2x8xf32>
// CHECK-NEXT:    %{{.*}} = graph.sigmoid %{{.*}} : tensor<2x8xf32>
// CHECK-NEXT:    %{{.*}} = graph.tanh %{{.*}} : tensor<2x8xf32>
// CHECK-NEXT:    %{{.*}} = graph.exp %{{.*}} : tensor<2x8xf32>
// CHECK-NEXT:    %{{.*}} = graph.log %{{.*}} : tensor<2x8xf32>
// CHECK-NEXT:    %{{.*}} = graph.sqrt %{{.*}} : tensor<2x8xf32>
// CHECK-NEXT:    %{{.*}} = graph.erf %{{.*}} : tensor<2x8xf32>
// CHECK-NEXT:    %{{.*}} = graph.gelu %{{.*}} : tensor<2x8xf32>
// CHECK-NEXT:    %{{.*}} = graph.gelu %{{.*}} approximate "tanh" : tensor<2x8xf32>
// CHECK-NEXT:    %{{.*}} = graph.clip %{{.*}} min 0.000000e+00 max 6.000000e+00 : tensor<2x8xf32>
// CHECK-NEXT:    %{{.*}} = graph.cast %{{.*}} : tensor<2x8xf32> to tensor<2x8xbf16>
// CHECK-NEXT:    %{{.*}} = graph.relu %{{.*}} : tensor<2x8xi8>
graph.func @unary(%x: tensor<2x8xf32>, %q: tensor<2x8xi8>) -> tensor<2x8xbf16> {
  %0 = graph.relu %x : tensor<2x8xf32>
  %1 = graph.sigmoid %0 : tensor<2x8xf32>
  %2 = graph.tanh %1 : tensor<2x8xf32>
  %3 = graph.exp %2 : tensor<2x8xf32>
  %4 = graph.log %3 : tensor<2x8xf32>
  %5 = graph.sqrt %4 : tensor<2x8xf32>
  %6 = graph.erf %5 : tensor<2x8xf32>
  %7 = graph.gelu %6 : tensor<2x8xf32>
  %8 = graph.gelu %7 approximate "tanh" : tensor<2x8xf32>
  %9 = graph.clip %8 min 0.0 max 6.0 : tensor<2x8xf32>
  %10 = graph.cast %9 : tensor<2x8xf32> to tensor<2x8xbf16>
  %11 = graph.relu %q : tensor<2x8xi8>
  graph.return %10 : tensor<2x8xbf16>
}

// -----

/// Check matmul, batch_matmul with broadcast batch dims, softmax and the normalisations.
// CHECK-LABEL: graph.func @nn
// CHECK-NEXT:    %{{.*}} = graph.batch_matmul %{{.*}}, %{{.*}} : (tensor<8x1x4x16xf32>, tensor<3x16x32xf32>) -> tensor<8x3x4x32xf32>
// CHECK-NEXT:    %{{.*}} = graph.softmax %{{.*}} : tensor<8x3x4x32xf32>
// CHECK-NEXT:    %{{.*}} = graph.softmax %{{.*}} axis 1 : tensor<8x3x4x32xf32>
// CHECK-NEXT:    %{{.*}} = graph.layer_norm %{{.*}}, %{{.*}}, %{{.*}} : (tensor<8x3x4x32xf32>, tensor<32xf32>, tensor<32xf32>) -> tensor<8x3x4x32xf32>
// CHECK-NEXT:    %{{.*}} = graph.layer_norm %{{.*}}, %{{.*}}, %{{.*}} axis 2 epsilon 1.000000e-03 : (tensor<8x3x4x32xf32>, tensor<4x32xf32>, tensor<4x32xf32>) -> tensor<8x3x4x32xf32>
// CHECK-NEXT:    %{{.*}} = graph.batch_norm %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} : (tensor<8x3x4x32xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) -> tensor<8x3x4x32xf32>
// CHECK-NEXT:    %{{.*}} = graph.batch_norm %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} epsilon 1.000000e-03 : (tensor<8x3x4x32xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) -> tensor<8x3x4x32xf32>
graph.func @nn(%a: tensor<8x1x4x16xf32>, %b: tensor<3x16x32xf32>, %g: tensor<32xf32>, %g2: tensor<4x32xf32>, %c: tensor<3xf32>) -> tensor<8x3x4x32xf32> {
  %0 = graph.batch_matmul %a, %b : (tensor<8x1x4x16xf32>, tensor<3x16x32xf32>) -> tensor<8x3x4x32xf32>
  %1 = graph.softmax %0 : tensor<8x3x4x32xf32>
  %2 = graph.softmax %1 axis 1 : tensor<8x3x4x32xf32>
  %3 = graph.layer_norm %2, %g, %g : (tensor<8x3x4x32xf32>, tensor<32xf32>, tensor<32xf32>) -> tensor<8x3x4x32xf32>
  %4 = graph.layer_norm %3, %g2, %g2 axis 2 epsilon 1.0e-03 : (tensor<8x3x4x32xf32>, tensor<4x32xf32>, tensor<4x32xf32>) -> tensor<8x3x4x32xf32>
  %5 = graph.batch_norm %4, %c, %c, %c, %c : (tensor<8x3x4x32xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) -> tensor<8x3x4x32xf32>
  %6 = graph.batch_norm %5, %c, %c, %c, %c epsilon 1.0e-03 : (tensor<8x3x4x32xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) -> tensor<8x3x4x32xf32>
  graph.return %6 : tensor<8x3x4x32xf32>
}

// -----

/// Check conv2d with and without bias and attributes, and the poolings.
// CHECK-LABEL: graph.func @conv_pool
// CHECK-NEXT:    %{{.*}} = graph.conv2d %{{.*}}, %{{.*}} : (tensor<1x3x32x32xf32>, tensor<16x3x3x3xf32>) -> tensor<1x16x30x30xf32>
// CHECK-NEXT:    %{{.*}} = graph.conv2d %{{.*}}, %{{.*}}, %{{.*}} strides [2, 2] pads [1, 1, 1, 1] : (tensor<1x3x32x32xf32>, tensor<16x3x3x3xf32>, tensor<16xf32>) -> tensor<1x16x16x16xf32>
// CHECK-NEXT:    %{{.*}} = graph.conv2d %{{.*}}, %{{.*}} pads [0, 1, 2, 1] dilations [2, 2] groups 4 : (tensor<1x16x16x16xf32>, tensor<8x4x3x3xf32>) -> tensor<1x8x14x14xf32>
// CHECK-NEXT:    %{{.*}} = graph.max_pool2d %{{.*}} kernel [3, 3] strides [2, 2] pads [1, 1, 1, 1] : tensor<1x8x14x14xf32> -> tensor<1x8x7x7xf32>
// CHECK-NEXT:    %{{.*}} = graph.max_pool2d %{{.*}} kernel [2, 2] strides [2, 2] ceil_mode : tensor<1x8x7x7xf32> -> tensor<1x8x4x4xf32>
// CHECK-NEXT:    %{{.*}} = graph.avg_pool2d %{{.*}} kernel [3, 3] pads [1, 1, 1, 1] count_include_pad : tensor<1x8x7x7xf32> -> tensor<1x8x7x7xf32>
// CHECK-NEXT:    %{{.*}} = graph.avg_pool2d %{{.*}} kernel [2, 2] : tensor<1x8x7x7xf32> -> tensor<1x8x6x6xf32>
// CHECK-NEXT:    %{{.*}} = graph.global_avg_pool2d %{{.*}} : tensor<1x8x6x6xf32> -> tensor<1x8x1x1xf32>
graph.func @conv_pool(%x: tensor<1x3x32x32xf32>, %w: tensor<16x3x3x3xf32>, %b: tensor<16xf32>, %wg: tensor<8x4x3x3xf32>) -> tensor<1x8x1x1xf32> {
  %0 = graph.conv2d %x, %w : (tensor<1x3x32x32xf32>, tensor<16x3x3x3xf32>) -> tensor<1x16x30x30xf32>
  %1 = graph.conv2d %x, %w, %b strides [2, 2] pads [1, 1, 1, 1] : (tensor<1x3x32x32xf32>, tensor<16x3x3x3xf32>, tensor<16xf32>) -> tensor<1x16x16x16xf32>
  %2 = graph.conv2d %1, %wg pads [0, 1, 2, 1] dilations [2, 2] groups 4 : (tensor<1x16x16x16xf32>, tensor<8x4x3x3xf32>) -> tensor<1x8x14x14xf32>
  %3 = graph.max_pool2d %2 kernel [3, 3] strides [2, 2] pads [1, 1, 1, 1] : tensor<1x8x14x14xf32> -> tensor<1x8x7x7xf32>
  %4 = graph.max_pool2d %3 kernel [2, 2] strides [2, 2] ceil_mode : tensor<1x8x7x7xf32> -> tensor<1x8x4x4xf32>
  %5 = graph.avg_pool2d %3 kernel [3, 3] pads [1, 1, 1, 1] count_include_pad : tensor<1x8x7x7xf32> -> tensor<1x8x7x7xf32>
  %6 = graph.avg_pool2d %5 kernel [2, 2] : tensor<1x8x7x7xf32> -> tensor<1x8x6x6xf32>
  %7 = graph.global_avg_pool2d %6 : tensor<1x8x6x6xf32> -> tensor<1x8x1x1xf32>
  graph.return %7 : tensor<1x8x1x1xf32>
}

// -----

/// Check the reductions, with and without keepdims and with negative axes.
// CHECK-LABEL: graph.func @reduce
// CHECK-NEXT:    %{{.*}} = graph.reduce_sum %{{.*}} axes [1] : tensor<4x8x2xf32> -> tensor<4x2xf32>
// CHECK-NEXT:    %{{.*}} = graph.reduce_mean %{{.*}} axes [0, -1] keepdims : tensor<4x8x2xf32> -> tensor<1x8x1xf32>
// CHECK-NEXT:    %{{.*}} = graph.reduce_max %{{.*}} axes [-1] : tensor<4x8x2xi32> -> tensor<4x8xi32>
graph.func @reduce(%x: tensor<4x8x2xf32>, %i: tensor<4x8x2xi32>) -> tensor<4x2xf32> {
  %0 = graph.reduce_sum %x axes [1] : tensor<4x8x2xf32> -> tensor<4x2xf32>
  %1 = graph.reduce_mean %x axes [0, -1] keepdims : tensor<4x8x2xf32> -> tensor<1x8x1xf32>
  %2 = graph.reduce_max %i axes [-1] : tensor<4x8x2xi32> -> tensor<4x8xi32>
  graph.return %0 : tensor<4x2xf32>
}

// -----

/// Check the data-movement operators.
// CHECK-LABEL: graph.func @shape
// CHECK-NEXT:    %{{.*}} = graph.reshape %{{.*}} : tensor<2x3x4xf32> -> tensor<6x4xf32>
// CHECK-NEXT:    %{{.*}} = graph.transpose %{{.*}} perm [1, 0] : tensor<6x4xf32> -> tensor<4x6xf32>
// CHECK-NEXT:    %{{.*}} = graph.concat %{{.*}}, %{{.*}} axis 1 : (tensor<4x6xf32>, tensor<4x2xf32>) -> tensor<4x8xf32>
// CHECK-NEXT:    %{{.*}} = graph.flatten %{{.*}} : tensor<2x3x4xf32> -> tensor<2x12xf32>
// CHECK-NEXT:    %{{.*}} = graph.flatten %{{.*}} axis 0 : tensor<2x3x4xf32> -> tensor<1x24xf32>
// CHECK-NEXT:    %{{.*}} = graph.pad %{{.*}} low [0, 1] high [0, 2] : tensor<4x8xf32> -> tensor<4x11xf32>
// CHECK-NEXT:    %{{.*}} = graph.pad %{{.*}} low [1, 1] high [1, 1] value 1.000000e+00 : tensor<4x8xf32> -> tensor<6x10xf32>
// CHECK-NEXT:    %{{.*}} = graph.pad %{{.*}} low [1, 2] high [3, 0] mode "reflect" : tensor<4x8xf32> -> tensor<8x10xf32>
// CHECK-NEXT:    %{{.*}} = graph.slice %{{.*}} starts [0, 7] ends [4, 0] steps [2, -3] : tensor<4x8xf32> -> tensor<2x3xf32>
// CHECK-NEXT:    %{{.*}} = graph.broadcast_to %{{.*}} : tensor<4x1xf32> -> tensor<2x4x8xf32>
graph.func @shape(%x: tensor<2x3x4xf32>, %y: tensor<4x2xf32>, %c: tensor<4x1xf32>) -> tensor<4x8xf32> {
  %0 = graph.reshape %x : tensor<2x3x4xf32> -> tensor<6x4xf32>
  %1 = graph.transpose %0 perm [1, 0] : tensor<6x4xf32> -> tensor<4x6xf32>
  %2 = graph.concat %1, %y axis 1 : (tensor<4x6xf32>, tensor<4x2xf32>) -> tensor<4x8xf32>
  %3 = graph.flatten %x : tensor<2x3x4xf32> -> tensor<2x12xf32>
  %4 = graph.flatten %x axis 0 : tensor<2x3x4xf32> -> tensor<1x24xf32>
  %5 = graph.pad %2 low [0, 1] high [0, 2] : tensor<4x8xf32> -> tensor<4x11xf32>
  %6 = graph.pad %2 low [1, 1] high [1, 1] value 1.0 : tensor<4x8xf32> -> tensor<6x10xf32>
  %7 = graph.pad %2 low [1, 2] high [3, 0] mode "reflect" : tensor<4x8xf32> -> tensor<8x10xf32>
  %8 = graph.slice %2 starts [0, 7] ends [4, 0] steps [2, -3] : tensor<4x8xf32> -> tensor<2x3xf32>
  %9 = graph.broadcast_to %c : tensor<4x1xf32> -> tensor<2x4x8xf32>
  graph.return %2 : tensor<4x8xf32>
}

// -----

/// Check the comparisons (i1 results, broadcasting) and where (three-way broadcasting).
// CHECK-LABEL: graph.func @compare_where
// CHECK-SAME:    (%[[X:.*]]: tensor<4x8xf32>, %[[Y:.*]]: tensor<8xf32>, %[[I:.*]]: tensor<4x1xi64>, %[[J:.*]]: tensor<i64>)
// CHECK-NEXT:    %[[EQ:.*]] = graph.equal %[[X]], %[[Y]] : (tensor<4x8xf32>, tensor<8xf32>) -> tensor<4x8xi1>
// CHECK-NEXT:    %[[LT:.*]] = graph.less %[[I]], %[[J]] : (tensor<4x1xi64>, tensor<i64>) -> tensor<4x1xi1>
// CHECK-NEXT:    %[[GT:.*]] = graph.greater %[[EQ]], %[[LT]] : (tensor<4x8xi1>, tensor<4x1xi1>) -> tensor<4x8xi1>
// CHECK-NEXT:    %[[W:.*]] = graph.where %[[LT]], %[[X]], %[[Y]] : (tensor<4x1xi1>, tensor<4x8xf32>, tensor<8xf32>) -> tensor<4x8xf32>
// CHECK-NEXT:    graph.return %[[GT]], %[[W]] : tensor<4x8xi1>, tensor<4x8xf32>
graph.func @compare_where(%x: tensor<4x8xf32>, %y: tensor<8xf32>, %i: tensor<4x1xi64>, %j: tensor<i64>) -> (tensor<4x8xi1>, tensor<4x8xf32>) {
  %0 = graph.equal %x, %y : (tensor<4x8xf32>, tensor<8xf32>) -> tensor<4x8xi1>
  %1 = graph.less %i, %j : (tensor<4x1xi64>, tensor<i64>) -> tensor<4x1xi1>
  %2 = graph.greater %0, %1 : (tensor<4x8xi1>, tensor<4x1xi1>) -> tensor<4x8xi1>
  %3 = graph.where %1, %x, %y : (tensor<4x1xi1>, tensor<4x8xf32>, tensor<8xf32>) -> tensor<4x8xf32>
  graph.return %2, %3 : tensor<4x8xi1>, tensor<4x8xf32>
}

// -----

/// Check gather (i32 and i64 indices, rank-0 indices, a negative axis) and lrn.
// CHECK-LABEL: graph.func @gather_lrn
// CHECK-NEXT:    %{{.*}} = graph.gather %{{.*}}, %{{.*}} axis 0 : (tensor<10x8xf32>, tensor<2x3xi64>) -> tensor<2x3x8xf32>
// CHECK-NEXT:    %{{.*}} = graph.gather %{{.*}}, %{{.*}} axis -1 : (tensor<10x8xf32>, tensor<5xi32>) -> tensor<10x5xf32>
// CHECK-NEXT:    %{{.*}} = graph.gather %{{.*}}, %{{.*}} axis 1 : (tensor<10x8xf32>, tensor<i64>) -> tensor<10xf32>
// CHECK-NEXT:    %{{.*}} = graph.lrn %{{.*}} size 5 alpha 1.000000e-04 beta 7.500000e-01 bias 2.000000e+00 : tensor<1x6x5x5xf32>
graph.func @gather_lrn(%w: tensor<10x8xf32>, %ids: tensor<2x3xi64>, %cols: tensor<5xi32>, %one: tensor<i64>, %im: tensor<1x6x5x5xf32>) -> tensor<1x6x5x5xf32> {
  %0 = graph.gather %w, %ids axis 0 : (tensor<10x8xf32>, tensor<2x3xi64>) -> tensor<2x3x8xf32>
  %1 = graph.gather %w, %cols axis -1 : (tensor<10x8xf32>, tensor<5xi32>) -> tensor<10x5xf32>
  %2 = graph.gather %w, %one axis 1 : (tensor<10x8xf32>, tensor<i64>) -> tensor<10xf32>
  %3 = graph.lrn %im size 5 alpha 1.0e-04 beta 0.75 bias 2.0 : tensor<1x6x5x5xf32>
  graph.return %3 : tensor<1x6x5x5xf32>
}

// -----

/// Check the layout ops: a transform to a blocked layout and back, a re-blocking, and the
/// blocked convolution with and without bias.
// CHECK-LABEL: graph.func @layouts
// CHECK-NEXT:    %{{.*}} = graph.layout_transform %{{.*}} src "NCHW" dst "NCHW16c" : tensor<1x32x5x7xf32> -> tensor<1x2x5x7x16xf32>
// CHECK-NEXT:    %{{.*}} = graph.layout_transform %{{.*}} src "NCHW16c" dst "NCHW8c" : tensor<1x2x5x7x16xf32> -> tensor<1x4x5x7x8xf32>
// CHECK-NEXT:    %{{.*}} = graph.conv2d_nchwc %{{.*}}, %{{.*}}, %{{.*}} strides [2, 2] pads [1, 1, 1, 1] : (tensor<1x2x5x7x16xf32>, tensor<3x2x3x3x16x8xf32>, tensor<3x8xf32>) -> tensor<1x3x3x4x8xf32>
// CHECK-NEXT:    %{{.*}} = graph.conv2d_nchwc %{{.*}}, %{{.*}} : (tensor<1x2x5x7x16xf32>, tensor<3x2x1x1x16x8xf32>) -> tensor<1x3x5x7x8xf32>
// CHECK-NEXT:    %{{.*}} = graph.layout_transform %{{.*}} src "NCHW8c" dst "NCHW" : tensor<1x3x5x7x8xf32> -> tensor<1x24x5x7xf32>
graph.func @layouts(%x: tensor<1x32x5x7xf32>, %w: tensor<3x2x3x3x16x8xf32>, %b: tensor<3x8xf32>, %w1: tensor<3x2x1x1x16x8xf32>) -> tensor<1x24x5x7xf32> {
  %0 = graph.layout_transform %x src "NCHW" dst "NCHW16c" : tensor<1x32x5x7xf32> -> tensor<1x2x5x7x16xf32>
  %1 = graph.layout_transform %0 src "NCHW16c" dst "NCHW8c" : tensor<1x2x5x7x16xf32> -> tensor<1x4x5x7x8xf32>
  %2 = graph.conv2d_nchwc %0, %w, %b strides [2, 2] pads [1, 1, 1, 1] : (tensor<1x2x5x7x16xf32>, tensor<3x2x3x3x16x8xf32>, tensor<3x8xf32>) -> tensor<1x3x3x4x8xf32>
  %3 = graph.conv2d_nchwc %0, %w1 : (tensor<1x2x5x7x16xf32>, tensor<3x2x1x1x16x8xf32>) -> tensor<1x3x5x7x8xf32>
  %4 = graph.layout_transform %3 src "NCHW8c" dst "NCHW" : tensor<1x3x5x7x8xf32> -> tensor<1x24x5x7xf32>
  graph.return %4 : tensor<1x24x5x7xf32>
}
