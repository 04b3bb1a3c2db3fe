// RUN: dl-opt %s -p graph-fuse,graph-to-te --split-input-file | filecheck %s

/// Check that dense + bias + relu is one kernel: the matmul stage, then one stage that
/// applies the bias and the relu to the matmul's element (the add is inlined).
// CHECK-LABEL: te.kernel @fused_matmul_add_relu
// CHECK-SAME:    (%[[X:.*]]: tensor<8x16xf32>, %[[W:.*]]: tensor<16x4xf32>, %[[B:.*]]: tensor<4xf32>) -> tensor<8x4xf32> {
// CHECK-NEXT:    %[[M:.*]] = te.compute "matmul" (%[[I:.*]]: 8, %[[J:.*]]: 4) reduce (%[[K:.*]]: 16) combiner add
// CHECK-NEXT:      te.read %[[X]][%[[I]], %[[K]]]
// CHECK-NEXT:      te.read %[[W]][%[[K]], %[[J]]]
// CHECK-NEXT:      arith.mulf
// CHECK-NEXT:      te.yield
// CHECK-NEXT:    } : tensor<8x4xf32>
// CHECK-NEXT:    %[[Y:.*]] = te.compute "Y" (%[[I0:.*]]: 8, %[[I1:.*]]: 4) {
// CHECK-NEXT:      %[[MV:.*]] = te.read %[[M]][%[[I0]], %[[I1]]]
// CHECK-NEXT:      %[[BV:.*]] = te.read %[[B]][%[[I1]]]
// CHECK-NEXT:      %[[S:.*]] = arith.addf %[[MV]], %[[BV]] : f32
// CHECK-NEXT:      %[[Z:.*]] = arith.constant 0.000000e+00 : f32
// CHECK-NEXT:      %[[R:.*]] = arith.maximumf %[[S]], %[[Z]] : f32
// CHECK-NEXT:      te.yield %[[R]] : f32
// CHECK-NEXT:    } : tensor<8x4xf32>
// CHECK-NEXT:    te.return %[[Y]] : tensor<8x4xf32>
// CHECK-LABEL: graph.func @dense
// CHECK-NEXT:    graph.call_dps @fused_matmul_add_relu(%x, %w, %b)
// CHECK-NOT:   graph.func
graph.func @dense(%x: tensor<8x16xf32>, %w: tensor<16x4xf32>, %b: tensor<4xf32>) -> tensor<8x4xf32> {
  %0 = graph.matmul %x, %w : (tensor<8x16xf32>, tensor<16x4xf32>) -> tensor<8x4xf32>
  %1 = graph.add %0, %b : (tensor<8x4xf32>, tensor<4xf32>) -> tensor<8x4xf32>
  %2 = graph.relu %1 : tensor<8x4xf32>
  graph.return %2 : tensor<8x4xf32>
}

// -----

/// Check that a transpose and an exp are read by the row sum in place (each element once).
// CHECK-LABEL: te.kernel @fused_transpose_exp_reduce_sum_sqrt
// CHECK-SAME:    (%[[X:.*]]: tensor<8x4xf32>)
// CHECK-NEXT:    %[[S:.*]] = te.compute "reduce_sum" (%[[I:.*]]: 4) reduce (%[[R:.*]]: 8) combiner add
// CHECK-NEXT:      %[[V:.*]] = te.read %[[X]][%[[R]], %[[I]]]
// CHECK-NEXT:      %[[E:.*]] = math.exp %[[V]] : f32
// CHECK-NEXT:      te.yield %[[E]] : f32
// CHECK:         te.compute "Y"
// CHECK-NEXT:      te.read %[[S]]
// CHECK-NEXT:      math.sqrt
graph.func @row_norm(%x: tensor<8x4xf32>) -> tensor<4xf32> {
  %0 = graph.transpose %x perm [1, 0] : tensor<8x4xf32> -> tensor<4x8xf32>
  %1 = graph.exp %0 : tensor<4x8xf32>
  %2 = graph.reduce_sum %1 axes [1] : tensor<4x8xf32> -> tensor<4xf32>
  %3 = graph.sqrt %2 : tensor<4xf32>
  graph.return %3 : tensor<4xf32>
}

// -----

/// Check that a value read twice at the same element is computed once, in place.
// CHECK-LABEL: te.kernel @fused_exp_mul_tanh
// CHECK-NEXT:    te.compute "Y"
// CHECK-NEXT:      %[[V:.*]] = te.read
// CHECK-NEXT:      %[[E:.*]] = math.exp %[[V]]
// CHECK-NEXT:      %[[M:.*]] = arith.mulf %[[E]], %[[E]]
// CHECK-NEXT:      math.tanh %[[M]]
graph.func @square_of_exp(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %e = graph.exp %x : tensor<4x8xf32>
  %s = graph.mul %e, %e : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  %t = graph.tanh %s : tensor<4x8xf32>
  graph.return %t : tensor<4x8xf32>
}

// -----

/// Check that an exp read at two different elements stays a stage (no recompute), while
/// the slices that shift it are read in place.
// CHECK-LABEL: te.kernel @fused_exp_slice_add
// CHECK-NEXT:    %[[E:.*]] = te.compute "e" (%{{.*}}: 7) {
// CHECK:           math.exp
// CHECK:         te.compute "Y" (%[[I:.*]]: 6) {
// CHECK-NEXT:      te.read %[[E]][%[[I]]]
// CHECK:           te.read %[[E]][%{{.*}}]
// CHECK-NEXT:      arith.addf
// CHECK-NOT:     te.compute
graph.func @shifted_exp(%x: tensor<7xf32>) -> tensor<6xf32> {
  %e = graph.exp %x : tensor<7xf32>
  %a = graph.slice %e starts [0] ends [6] steps [1] : tensor<7xf32> -> tensor<6xf32>
  %b = graph.slice %e starts [1] ends [7] steps [1] : tensor<7xf32> -> tensor<6xf32>
  %s = graph.add %a, %b : (tensor<6xf32>, tensor<6xf32>) -> tensor<6xf32>
  graph.return %s : tensor<6xf32>
}

// -----

/// Check that the 3x3 blur is one kernel of two stages: the row blur, kept because the
/// column blur reads it at three rows, and the column blur with its slices and adds.
// CHECK-LABEL: te.kernel @fused_slice_add_div
// CHECK-SAME:    (%[[X:.*]]: tensor<9x7xf32>, %[[T:.*]]: tensor<f32>) -> tensor<7x5xf32> {
// CHECK-NEXT:    %[[BX:.*]] = te.compute "blur_x" (%{{.*}}: 9, %{{.*}}: 5) {
// CHECK-COUNT-3:   te.read %[[X]]
// CHECK:           te.read %[[T]][]
// CHECK-NEXT:      arith.divf
// CHECK:         te.compute "Y" (%{{.*}}: 7, %{{.*}}: 5) {
// CHECK-COUNT-3:   te.read %[[BX]]
// CHECK:           te.read %[[T]][]
// CHECK-NEXT:      arith.divf
// CHECK-NOT:     te.compute
// CHECK-LABEL: graph.func @blur
// CHECK-NEXT:    graph.constant
// CHECK-NEXT:    graph.call_dps @fused_slice_add_div
graph.func @blur(%x: tensor<9x7xf32>) -> tensor<7x5xf32> {
  %three = graph.constant dense<3.0> : tensor<f32>
  %c0 = graph.slice %x starts [0, 0] ends [9, 5] steps [1, 1] : tensor<9x7xf32> -> tensor<9x5xf32>
  %c1 = graph.slice %x starts [0, 1] ends [9, 6] steps [1, 1] : tensor<9x7xf32> -> tensor<9x5xf32>
  %c2 = graph.slice %x starts [0, 2] ends [9, 7] steps [1, 1] : tensor<9x7xf32> -> tensor<9x5xf32>
  %cs = graph.add %c0, %c1 : (tensor<9x5xf32>, tensor<9x5xf32>) -> tensor<9x5xf32>
  %csum = graph.add %cs, %c2 : (tensor<9x5xf32>, tensor<9x5xf32>) -> tensor<9x5xf32>
  %blur_x = graph.div %csum, %three : (tensor<9x5xf32>, tensor<f32>) -> tensor<9x5xf32>
  %r0 = graph.slice %blur_x starts [0, 0] ends [7, 5] steps [1, 1] : tensor<9x5xf32> -> tensor<7x5xf32>
  %r1 = graph.slice %blur_x starts [1, 0] ends [8, 5] steps [1, 1] : tensor<9x5xf32> -> tensor<7x5xf32>
  %r2 = graph.slice %blur_x starts [2, 0] ends [9, 5] steps [1, 1] : tensor<9x5xf32> -> tensor<7x5xf32>
  %rs = graph.add %r0, %r1 : (tensor<7x5xf32>, tensor<7x5xf32>) -> tensor<7x5xf32>
  %rsum = graph.add %rs, %r2 : (tensor<7x5xf32>, tensor<7x5xf32>) -> tensor<7x5xf32>
  %blur_y = graph.div %rsum, %three : (tensor<7x5xf32>, tensor<f32>) -> tensor<7x5xf32>
  graph.return %blur_y : tensor<7x5xf32>
}

// -----

/// Check that a fused function holding an op without a te definition (a call) stays a
/// graph.func, and its other ops become kernels one by one.
// CHECK-LABEL: te.kernel @relu_4xf32
// CHECK-LABEL: graph.func private @fused_call_relu
// CHECK-SAME:    attributes {graph.fused}
// CHECK-NEXT:    %[[C:.*]] = graph.call_dps @ext(%{{.*}})
// CHECK-NEXT:    %[[R:.*]] = graph.call_dps @relu_4xf32(%[[C]])
// CHECK-NEXT:    graph.return %[[R]]
graph.func private @ext(%a: tensor<4xf32>) -> tensor<4xf32>
graph.func private @fused_call_relu(%x: tensor<4xf32>) -> tensor<4xf32> attributes {graph.fused} {
  %0 = graph.call_dps @ext(%x) : (tensor<4xf32>) -> tensor<4xf32>
  %1 = graph.relu %0 : tensor<4xf32>
  graph.return %1 : tensor<4xf32>
}
graph.func @calls(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = graph.call_dps @fused_call_relu(%x) : (tensor<4xf32>) -> tensor<4xf32>
  graph.return %0 : tensor<4xf32>
}

// -----

/// Check that the stages inside one op's definition stay (conv2d's padded input), while
/// the relu is applied to the convolution's element in the result stage.
// CHECK-LABEL: te.kernel @fused_conv2d_relu
// CHECK-NEXT:    %[[P:.*]] = te.compute "conv2d_pad" (%{{.*}}: 1, %{{.*}}: 2, %{{.*}}: 7, %{{.*}}: 6) {
// CHECK:         %[[C:.*]] = te.compute "conv2d" ({{.*}}) reduce ({{.*}}) combiner add
// CHECK:           te.read %[[P]]
// CHECK:         te.compute "Y"
// CHECK-NEXT:      te.read %[[C]]
// CHECK-NEXT:      arith.constant 0.000000e+00 : f32
// CHECK-NEXT:      arith.maximumf
// CHECK-NOT:     te.compute
graph.func @conv_relu(%x: tensor<1x2x5x4xf32>, %w: tensor<3x2x3x3xf32>) -> tensor<1x3x5x4xf32> {
  %0 = graph.conv2d %x, %w pads [1, 1, 1, 1] : (tensor<1x2x5x4xf32>, tensor<3x2x3x3xf32>) -> tensor<1x3x5x4xf32>
  %1 = graph.relu %0 : tensor<1x3x5x4xf32>
  graph.return %1 : tensor<1x3x5x4xf32>
}
