// RUN: dl-opt %s -p graph-fold-batch-norm --split-input-file | filecheck %s

/// Check that a batch norm after a conv2d with constant weights and bias folds into
/// them: s = scale / sqrt(var + epsilon) = [2, 3], w2 = w * s per output channel,
/// b2 = (b - mean) * s + shift; the old constants go.
// CHECK-LABEL: graph.func @conv
// CHECK-SAME:    (%[[X:.*]]: tensor<1x1x3x3xf32>)
// CHECK-NEXT:    %[[W:.*]] = graph.constant dense<{{\[\[\[\[}}2.000000e+00]]], {{\[\[\[}}3.000000e+00]]]]> : tensor<2x1x1x1xf32>
// CHECK-NEXT:    %[[B:.*]] = graph.constant dense<[5.000000e-01, -4.000000e+00]> : tensor<2xf32>
// CHECK-NEXT:    %[[Z:.*]] = graph.conv2d %[[X]], %[[W]], %[[B]] pads [1, 1, 1, 1] : (tensor<1x1x3x3xf32>, tensor<2x1x1x1xf32>, tensor<2xf32>) -> tensor<1x2x5x5xf32>
// CHECK-NEXT:    graph.return %[[Z]]
graph.func @conv(%x: tensor<1x1x3x3xf32>) -> tensor<1x2x5x5xf32> {
  %w = graph.constant dense<1.0> : tensor<2x1x1x1xf32>
  %b = graph.constant dense<1.0> : tensor<2xf32>
  %scale = graph.constant dense<[4.0, 3.0]> : tensor<2xf32>
  %shift = graph.constant dense<[0.5, -1.0]> : tensor<2xf32>
  %mean = graph.constant dense<[1.0, 2.0]> : tensor<2xf32>
  %var = graph.constant dense<[3.0, 0.0]> : tensor<2xf32>
  %y = graph.conv2d %x, %w, %b pads [1, 1, 1, 1] : (tensor<1x1x3x3xf32>, tensor<2x1x1x1xf32>, tensor<2xf32>) -> tensor<1x2x5x5xf32>
  %z = graph.batch_norm %y, %scale, %shift, %mean, %var epsilon 1.0 : (tensor<1x2x5x5xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x5x5xf32>
  graph.return %z : tensor<1x2x5x5xf32>
}

// -----

/// Check that a dense layer (matmul + bias add) takes the batch norm: the weight's
/// columns scale by s = [2, 3], the bias becomes (b - mean) * s + shift.
// CHECK-LABEL: graph.func @dense
// CHECK-SAME:    (%[[X:.*]]: tensor<3x2xf32>)
// CHECK-NEXT:    %[[W:.*]] = graph.constant dense<{{\[\[}}2.000000e+00, 3.000000e+00], [4.000000e+00, 6.000000e+00]]> : tensor<2x2xf32>
// CHECK-NEXT:    %[[B:.*]] = graph.constant dense<[5.000000e-01, -4.000000e+00]> : tensor<2xf32>
// CHECK-NEXT:    %[[M:.*]] = graph.matmul %[[X]], %[[W]]
// CHECK-NEXT:    %[[Z:.*]] = graph.add %[[M]], %[[B]] : (tensor<3x2xf32>, tensor<2xf32>) -> tensor<3x2xf32>
// CHECK-NEXT:    graph.return %[[Z]]
graph.func @dense(%x: tensor<3x2xf32>) -> tensor<3x2xf32> {
  %w = graph.constant dense<[[1.0, 1.0], [2.0, 2.0]]> : tensor<2x2xf32>
  %b = graph.constant dense<[1.0, 1.0]> : tensor<2xf32>
  %scale = graph.constant dense<[4.0, 3.0]> : tensor<2xf32>
  %shift = graph.constant dense<[0.5, -1.0]> : tensor<2xf32>
  %mean = graph.constant dense<[1.0, 2.0]> : tensor<2xf32>
  %var = graph.constant dense<[3.0, 0.0]> : tensor<2xf32>
  %y = graph.matmul %x, %w : (tensor<3x2xf32>, tensor<2x2xf32>) -> tensor<3x2xf32>
  %a = graph.add %b, %y : (tensor<2xf32>, tensor<3x2xf32>) -> tensor<3x2xf32>
  %z = graph.batch_norm %a, %scale, %shift, %mean, %var epsilon 1.0 : (tensor<3x2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<3x2xf32>
  graph.return %z : tensor<3x2xf32>
}

// -----

/// Check that a matmul without a bias gets one: shift - mean * s.
// CHECK-LABEL: graph.func @matmul
// CHECK:         %[[B:.*]] = graph.constant dense<[-1.500000e+00, -7.000000e+00]> : tensor<2xf32>
// CHECK-NEXT:    %[[M:.*]] = graph.matmul
// CHECK-NEXT:    graph.add %[[M]], %[[B]]
// CHECK-NOT:     graph.batch_norm
graph.func @matmul(%x: tensor<3x2xf32>) -> tensor<3x2xf32> {
  %w = graph.constant dense<[[1.0, 1.0], [2.0, 2.0]]> : tensor<2x2xf32>
  %scale = graph.constant dense<[4.0, 3.0]> : tensor<2xf32>
  %shift = graph.constant dense<[0.5, -1.0]> : tensor<2xf32>
  %mean = graph.constant dense<[1.0, 2.0]> : tensor<2xf32>
  %var = graph.constant dense<[3.0, 0.0]> : tensor<2xf32>
  %y = graph.matmul %x, %w : (tensor<3x2xf32>, tensor<2x2xf32>) -> tensor<3x2xf32>
  %z = graph.batch_norm %y, %scale, %shift, %mean, %var epsilon 1.0 : (tensor<3x2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<3x2xf32>
  graph.return %z : tensor<3x2xf32>
}

// -----

/// Check that a batch norm after a conv whose result has another reader becomes a
/// per-channel mul + add (shaped [C, 1, 1] to broadcast over N x C x H x W), so the
/// conv is not duplicated.
// CHECK-LABEL: graph.func @two_users
// CHECK-SAME:    (%[[X:.*]]: tensor<1x1x3x3xf32>, %[[W:.*]]: tensor<2x1x1x1xf32>)
// CHECK-NEXT:    %[[Y:.*]] = graph.conv2d %[[X]], %[[W]]
// CHECK-NEXT:    %[[S:.*]] = graph.constant dense<{{\[\[\[}}2.000000e+00]], {{\[\[}}3.000000e+00]]]> : tensor<2x1x1xf32>
// CHECK-NEXT:    %[[T:.*]] = graph.constant dense<{{\[\[\[}}-1.500000e+00]], {{\[\[}}-7.000000e+00]]]> : tensor<2x1x1xf32>
// CHECK-NEXT:    %[[M:.*]] = graph.mul %[[Y]], %[[S]] : (tensor<1x2x3x3xf32>, tensor<2x1x1xf32>) -> tensor<1x2x3x3xf32>
// CHECK-NEXT:    %[[Z:.*]] = graph.add %[[M]], %[[T]] : (tensor<1x2x3x3xf32>, tensor<2x1x1xf32>) -> tensor<1x2x3x3xf32>
// CHECK-NEXT:    graph.return %[[Z]], %[[Y]]
graph.func @two_users(%x: tensor<1x1x3x3xf32>, %w: tensor<2x1x1x1xf32>) -> (tensor<1x2x3x3xf32>, tensor<1x2x3x3xf32>) {
  %scale = graph.constant dense<[4.0, 3.0]> : tensor<2xf32>
  %shift = graph.constant dense<[0.5, -1.0]> : tensor<2xf32>
  %mean = graph.constant dense<[1.0, 2.0]> : tensor<2xf32>
  %var = graph.constant dense<[3.0, 0.0]> : tensor<2xf32>
  %y = graph.conv2d %x, %w : (tensor<1x1x3x3xf32>, tensor<2x1x1x1xf32>) -> tensor<1x2x3x3xf32>
  %z = graph.batch_norm %y, %scale, %shift, %mean, %var epsilon 1.0 : (tensor<1x2x3x3xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x3x3xf32>
  graph.return %z, %y : tensor<1x2x3x3xf32>, tensor<1x2x3x3xf32>
}

// -----

/// Check that a batch norm whose statistics are not all constants stays.
// CHECK-LABEL: graph.func @runtime_stats
// CHECK:         graph.batch_norm
graph.func @runtime_stats(%x: tensor<2x2xf32>, %mean: tensor<2xf32>) -> tensor<2x2xf32> {
  %scale = graph.constant dense<[4.0, 3.0]> : tensor<2xf32>
  %shift = graph.constant dense<[0.5, -1.0]> : tensor<2xf32>
  %var = graph.constant dense<[3.0, 0.0]> : tensor<2xf32>
  %z = graph.batch_norm %x, %scale, %shift, %mean, %var : (tensor<2x2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<2x2xf32>
  graph.return %z : tensor<2x2xf32>
}

// -----

/// Check that folded weights of more than 1024 elements (not a splat) become a
/// dense_resource blob.
// CHECK-LABEL: graph.func @large
// CHECK-NEXT:    graph.constant dense_resource<folded_weight> : tensor<16x8x3x3xf32>
// CHECK-NEXT:    graph.constant dense<
// CHECK-NEXT:    graph.conv2d
// CHECK-NEXT:    graph.return
// CHECK:         folded_weight: "0x04000000
graph.func @large(%x: tensor<1x8x5x5xf32>) -> tensor<1x16x3x3xf32> {
  %w = graph.constant dense<0.25> : tensor<16x8x3x3xf32>
  %scale = graph.constant dense<[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 11.0, 12.0, 13.0, 14.0, 15.0, 16.0]> : tensor<16xf32>
  %shift = graph.constant dense<0.5> : tensor<16xf32>
  %mean = graph.constant dense<1.0> : tensor<16xf32>
  %var = graph.constant dense<3.0> : tensor<16xf32>
  %y = graph.conv2d %x, %w : (tensor<1x8x5x5xf32>, tensor<16x8x3x3xf32>) -> tensor<1x16x3x3xf32>
  %z = graph.batch_norm %y, %scale, %shift, %mean, %var epsilon 1.0 : (tensor<1x16x3x3xf32>, tensor<16xf32>, tensor<16xf32>, tensor<16xf32>, tensor<16xf32>) -> tensor<1x16x3x3xf32>
  graph.return %z : tensor<1x16x3x3xf32>
}
