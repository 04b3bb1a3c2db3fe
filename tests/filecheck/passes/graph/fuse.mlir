// RUN: dl-opt %s -p graph-fuse --split-input-file | filecheck %s

/// Check that a matmul takes its broadcast and elementwise epilogue (dense + bias + relu).
// CHECK-LABEL: graph.func private @fused_matmul_add_relu
// CHECK-SAME:    (%[[X:.*]]: tensor<8x16xf32>, %[[W:.*]]: tensor<16x4xf32>, %[[B:.*]]: tensor<4xf32>) -> tensor<8x4xf32> attributes {graph.fused} {
// CHECK-NEXT:    %[[M:.*]] = graph.matmul %[[X]], %[[W]]
// CHECK-NEXT:    %[[A:.*]] = graph.add %[[M]], %[[B]]
// CHECK-NEXT:    %[[R:.*]] = graph.relu %[[A]]
// CHECK-NEXT:    graph.return %[[R]] : tensor<8x4xf32>
// CHECK-LABEL: graph.func @dense
// CHECK-SAME:    (%[[X:.*]]: tensor<8x16xf32>, %[[W:.*]]: tensor<16x4xf32>, %[[B:.*]]: tensor<4xf32>)
// CHECK-NEXT:    %[[Y:.*]] = graph.call_dps @fused_matmul_add_relu(%[[X]], %[[W]], %[[B]]) : (tensor<8x16xf32>, tensor<16x4xf32>, tensor<4xf32>) -> tensor<8x4xf32>
// CHECK-NEXT:    graph.return %[[Y]] : tensor<8x4xf32>
graph.func @dense(%x: tensor<8x16xf32>, %w: tensor<16x4xf32>, %b: tensor<4xf32>) -> tensor<8x4xf32> {
  %0 = graph.matmul %x, %w : (tensor<8x16xf32>, tensor<16x4xf32>) -> tensor<8x4xf32>
  %1 = graph.add %0, %b : (tensor<8x4xf32>, tensor<4xf32>) -> tensor<8x4xf32>
  %2 = graph.relu %1 : tensor<8x4xf32>
  graph.return %2 : tensor<8x4xf32>
}

// -----

/// Check that an elementwise op read directly by a matmul stays out of it (it would be
/// recomputed at every reuse) and joins the previous matmul's epilogue instead.
// CHECK-LABEL: graph.func private @fused_matmul_relu_exp
// CHECK-NEXT:    graph.matmul
// CHECK-NEXT:    graph.relu
// CHECK-NEXT:    graph.exp
// CHECK-NEXT:    graph.return
// CHECK-LABEL: graph.func @two_layers
// CHECK-NEXT:    %[[H:.*]] = graph.call_dps @fused_matmul_relu_exp
// CHECK-NEXT:    %[[Y:.*]] = graph.matmul %[[H]], %{{.*}}
// CHECK-NEXT:    graph.return %[[Y]]
graph.func @two_layers(%x: tensor<8x16xf32>, %w1: tensor<16x4xf32>, %w2: tensor<4x3xf32>) -> tensor<8x3xf32> {
  %0 = graph.matmul %x, %w1 : (tensor<8x16xf32>, tensor<16x4xf32>) -> tensor<8x4xf32>
  %1 = graph.relu %0 : tensor<8x4xf32>
  %2 = graph.exp %1 : tensor<8x4xf32>
  %3 = graph.matmul %2, %w2 : (tensor<8x4xf32>, tensor<4x3xf32>) -> tensor<8x3xf32>
  graph.return %3 : tensor<8x3xf32>
}

// -----

/// Check that a value read by two groups is a group's output: neither reader recomputes it.
// CHECK-LABEL: graph.func private @fused_exp_relu
// CHECK-SAME:    -> tensor<4x8xf32> attributes {graph.fused} {
// CHECK-NEXT:    graph.exp
// CHECK-NEXT:    graph.relu
// CHECK-NEXT:    graph.return
// CHECK-LABEL: graph.func @shared
// CHECK-NEXT:    %[[S:.*]] = graph.call_dps @fused_exp_relu
// CHECK-NEXT:    %[[T:.*]] = graph.tanh %[[S]]
// CHECK-NEXT:    %[[G:.*]] = graph.sigmoid %[[S]]
// CHECK-NEXT:    graph.return %[[T]], %[[G]]
graph.func @shared(%x: tensor<4x8xf32>) -> (tensor<4x8xf32>, tensor<4x8xf32>) {
  %0 = graph.exp %x : tensor<4x8xf32>
  %1 = graph.relu %0 : tensor<4x8xf32>
  %2 = graph.tanh %1 : tensor<4x8xf32>
  %3 = graph.sigmoid %1 : tensor<4x8xf32>
  graph.return %2, %3 : tensor<4x8xf32>, tensor<4x8xf32>
}

// -----

/// Check that a reduction takes injective and elementwise producers and an elementwise
/// epilogue, but no second reduction; an injective op after a reduction starts a group.
// CHECK-LABEL: graph.func private @fused_transpose_exp_reduce_sum_sqrt
// CHECK-SAME:    (%{{.*}}: tensor<8x4xf32>) -> tensor<4xf32>
// CHECK-NEXT:    graph.transpose
// CHECK-NEXT:    graph.exp
// CHECK-NEXT:    graph.reduce_sum
// CHECK-NEXT:    graph.sqrt
// CHECK-NEXT:    graph.return
// CHECK-LABEL: graph.func private @fused_reshape_add
// CHECK-SAME:    (%{{.*}}: tensor<f32>, %{{.*}}: tensor<4xf32>) -> tensor<4xf32>
// CHECK-NEXT:    graph.reshape
// CHECK-NEXT:    graph.add
// CHECK-NEXT:    graph.return
// CHECK-LABEL: graph.func @reduce
// CHECK-NEXT:    %[[S:.*]] = graph.call_dps @fused_transpose_exp_reduce_sum_sqrt
// CHECK-NEXT:    %[[T:.*]] = graph.reduce_sum %[[S]] axes [0]
// CHECK-NEXT:    %[[Y:.*]] = graph.call_dps @fused_reshape_add(%[[T]], %[[S]])
// CHECK-NEXT:    graph.return %[[Y]]
graph.func @reduce(%x: tensor<8x4xf32>) -> tensor<4xf32> {
  %0 = graph.transpose %x perm [1, 0] : tensor<8x4xf32> -> tensor<4x8xf32>
  %1 = graph.exp %0 : tensor<4x8xf32>
  %2 = graph.reduce_sum %1 axes [1] : tensor<4x8xf32> -> tensor<4xf32>
  %3 = graph.sqrt %2 : tensor<4xf32>
  %4 = graph.reduce_sum %3 axes [0] : tensor<4xf32> -> tensor<f32>
  %5 = graph.reshape %4 : tensor<f32> -> tensor<1xf32>
  %6 = graph.add %3, %5 : (tensor<4xf32>, tensor<1xf32>) -> tensor<4xf32>
  graph.return %6 : tensor<4xf32>
}

// -----

/// Check that equal groups share one function, that calls (opaque) never fuse, and that
/// softmax (out-fusable) does not take the elementwise ops that feed it.
// CHECK-LABEL: graph.func private @fused_exp_relu
// CHECK-NOT:   graph.func private @fused
// CHECK-LABEL: graph.func @same_twice
// CHECK-NEXT:    %[[A:.*]] = graph.call_dps @fused_exp_relu(%x)
// CHECK-NEXT:    %[[B:.*]] = graph.call_dps @fused_exp_relu(%y)
// CHECK-NEXT:    graph.softmax %[[A]]
// CHECK-NEXT:    graph.softmax %[[B]]
// CHECK-NEXT:    graph.call_dps @ext
// CHECK-NEXT:    graph.sigmoid
graph.func @same_twice(%x: tensor<4xf32>, %y: tensor<4xf32>) -> tensor<4xf32> {
  %0 = graph.exp %x : tensor<4xf32>
  %1 = graph.relu %0 : tensor<4xf32>
  %2 = graph.exp %y : tensor<4xf32>
  %3 = graph.relu %2 : tensor<4xf32>
  %4 = graph.softmax %1 : tensor<4xf32>
  %5 = graph.softmax %3 : tensor<4xf32>
  %6 = graph.call_dps @ext(%4, %5) : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %7 = graph.sigmoid %6 : tensor<4xf32>
  graph.return %7 : tensor<4xf32>
}
graph.func private @ext(%a: tensor<4xf32>, %b: tensor<4xf32>) -> tensor<4xf32>

// -----

/// Check that the 3x3 blur (two stencils of slices, adds and a division, whose middle
/// value has three readers) is one group of 12 ops, the constant staying an argument.
// CHECK-LABEL: graph.func private @fused_slice_add_div
// CHECK-SAME:    (%[[X:.*]]: tensor<9x7xf32>, %[[THREE:.*]]: tensor<f32>) -> tensor<7x5xf32> attributes {graph.fused} {
// CHECK-COUNT-3: graph.slice %[[X]]
// CHECK-COUNT-2: graph.add
// CHECK-NEXT:    %[[BX:.*]] = graph.div %{{.*}}, %[[THREE]]
// CHECK-COUNT-3: graph.slice %[[BX]]
// CHECK-COUNT-2: graph.add
// CHECK-NEXT:    %[[BY:.*]] = graph.div %{{.*}}, %[[THREE]]
// CHECK-NEXT:    graph.return %[[BY]] : tensor<7x5xf32>
// CHECK-LABEL: graph.func @blur
// CHECK-NEXT:    %[[C:.*]] = graph.constant dense<3.000000e+00> : tensor<f32>
// CHECK-NEXT:    %[[Y:.*]] = graph.call_dps @fused_slice_add_div(%x, %[[C]])
// CHECK-NEXT:    graph.return %[[Y]]
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

/// Check that the pass leaves fused functions and their calls alone when run again.
// CHECK-LABEL: graph.func private @fused_exp_relu
// CHECK-NEXT:    graph.exp
// CHECK-NEXT:    graph.relu
// CHECK-NEXT:    graph.return
// CHECK-LABEL: graph.func @again
// CHECK-NEXT:    graph.call_dps @fused_exp_relu
// CHECK-NEXT:    graph.return
graph.func private @fused_exp_relu(%x: tensor<4xf32>) -> tensor<4xf32> attributes {graph.fused} {
  %0 = graph.exp %x : tensor<4xf32>
  %1 = graph.relu %0 : tensor<4xf32>
  graph.return %1 : tensor<4xf32>
}
graph.func @again(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = graph.call_dps @fused_exp_relu(%x) : (tensor<4xf32>) -> tensor<4xf32>
  graph.return %0 : tensor<4xf32>
}
