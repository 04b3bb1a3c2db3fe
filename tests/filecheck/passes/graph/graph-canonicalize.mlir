// RUN: dl-opt %s -p graph-canonicalize,graph-dce --split-input-file | filecheck %s

/// Check that x + 0 and 0 + x fold to x when the splat zero does not broadcast x.
// CHECK-LABEL: graph.func @add_zero
// CHECK-SAME:    (%[[X:.*]]: tensor<4x8xf32>)
// CHECK-NEXT:    graph.return %[[X]], %[[X]]
graph.func @add_zero(%x: tensor<4x8xf32>) -> (tensor<4x8xf32>, tensor<4x8xf32>) {
  %z = graph.constant dense<0.0> : tensor<8xf32>
  %a = graph.add %x, %z : (tensor<4x8xf32>, tensor<8xf32>) -> tensor<4x8xf32>
  %b = graph.add %z, %x : (tensor<8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  graph.return %a, %b : tensor<4x8xf32>, tensor<4x8xf32>
}

// -----

/// Check that x + 0 is kept when the zero broadcasts x to a larger shape.
// CHECK-LABEL: graph.func @add_zero_broadcasts
// CHECK:         %[[A:.*]] = graph.add
// CHECK-NEXT:    graph.return %[[A]] : tensor<4x8xf32>
graph.func @add_zero_broadcasts(%x: tensor<8xf32>) -> tensor<4x8xf32> {
  %z = graph.constant dense<0.0> : tensor<4x8xf32>
  %a = graph.add %x, %z : (tensor<8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  graph.return %a : tensor<4x8xf32>
}

// -----

/// Check that a non-splat constant containing zeros is not treated as zero.
// CHECK-LABEL: graph.func @add_not_splat
// CHECK:         graph.add
graph.func @add_not_splat(%x: tensor<2xf32>) -> tensor<2xf32> {
  %z = graph.constant dense<[0.0, 1.0]> : tensor<2xf32>
  %a = graph.add %x, %z : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  graph.return %a : tensor<2xf32>
}

// -----

/// Check that x - 0, x * 1, 1 * x and x / 1 fold to x, and 0 - x does not.
// CHECK-LABEL: graph.func @sub_mul_div
// CHECK-SAME:    (%[[X:.*]]: tensor<4xf32>)
// CHECK:         %[[N:.*]] = graph.sub %{{.*}}, %[[X]]
// CHECK-NEXT:    graph.return %[[X]], %[[X]], %[[X]], %[[X]], %[[N]]
graph.func @sub_mul_div(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) {
  %zero = graph.constant dense<0.0> : tensor<4xf32>
  %one = graph.constant dense<1.0> : tensor<f32>
  %a = graph.sub %x, %zero : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %b = graph.mul %x, %one : (tensor<4xf32>, tensor<f32>) -> tensor<4xf32>
  %c = graph.mul %one, %x : (tensor<f32>, tensor<4xf32>) -> tensor<4xf32>
  %d = graph.div %x, %one : (tensor<4xf32>, tensor<f32>) -> tensor<4xf32>
  %n = graph.sub %zero, %x : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  graph.return %a, %b, %c, %d, %n : tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>
}

// -----

/// Check that x * 1 works on integer tensors too.
// CHECK-LABEL: graph.func @mul_one_int
// CHECK-SAME:    (%[[X:.*]]: tensor<3xi32>)
// CHECK-NEXT:    graph.return %[[X]]
graph.func @mul_one_int(%x: tensor<3xi32>) -> tensor<3xi32> {
  %one = graph.constant dense<1> : tensor<3xi32>
  %y = graph.mul %x, %one : (tensor<3xi32>, tensor<3xi32>) -> tensor<3xi32>
  graph.return %y : tensor<3xi32>
}

// -----

/// Check that two transposes composing to the identity disappear.
// CHECK-LABEL: graph.func @transpose_cancel
// CHECK-SAME:    (%[[X:.*]]: tensor<2x3x4xf32>)
// CHECK-NEXT:    graph.return %[[X]]
graph.func @transpose_cancel(%x: tensor<2x3x4xf32>) -> tensor<2x3x4xf32> {
  %t = graph.transpose %x perm [1, 2, 0] : tensor<2x3x4xf32> -> tensor<3x4x2xf32>
  %u = graph.transpose %t perm [2, 0, 1] : tensor<3x4x2xf32> -> tensor<2x3x4xf32>
  graph.return %u : tensor<2x3x4xf32>
}

// -----

/// Check that two transposes compose into one with perm r[i] = p[q[i]].
// CHECK-LABEL: graph.func @transpose_compose
// CHECK-SAME:    (%[[X:.*]]: tensor<2x3x4xf32>)
// CHECK-NEXT:    %[[T:.*]] = graph.transpose %[[X]] perm [2, 1, 0] : tensor<2x3x4xf32> -> tensor<4x3x2xf32>
// CHECK-NEXT:    graph.return %[[T]]
graph.func @transpose_compose(%x: tensor<2x3x4xf32>) -> tensor<4x3x2xf32> {
  %t = graph.transpose %x perm [1, 2, 0] : tensor<2x3x4xf32> -> tensor<3x4x2xf32>
  %u = graph.transpose %t perm [1, 0, 2] : tensor<3x4x2xf32> -> tensor<4x3x2xf32>
  graph.return %u : tensor<4x3x2xf32>
}

// -----

/// Check that an identity transpose is dropped.
// CHECK-LABEL: graph.func @transpose_identity
// CHECK-SAME:    (%[[X:.*]]: tensor<2x3xf32>)
// CHECK-NEXT:    graph.return %[[X]]
graph.func @transpose_identity(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %t = graph.transpose %x perm [0, 1] : tensor<2x3xf32> -> tensor<2x3xf32>
  graph.return %t : tensor<2x3xf32>
}

// -----

/// Check that a reshape chain becomes one reshape, and a chain back to the input type none.
// CHECK-LABEL: graph.func @reshapes
// CHECK-SAME:    (%[[X:.*]]: tensor<2x3x4xf32>)
// CHECK-NEXT:    %[[R:.*]] = graph.reshape %[[X]] : tensor<2x3x4xf32> -> tensor<24xf32>
// CHECK-NEXT:    graph.return %[[R]], %[[X]]
graph.func @reshapes(%x: tensor<2x3x4xf32>) -> (tensor<24xf32>, tensor<2x3x4xf32>) {
  %a = graph.reshape %x : tensor<2x3x4xf32> -> tensor<6x4xf32>
  %b = graph.reshape %a : tensor<6x4xf32> -> tensor<24xf32>
  %c = graph.reshape %a : tensor<6x4xf32> -> tensor<2x3x4xf32>
  graph.return %b, %c : tensor<24xf32>, tensor<2x3x4xf32>
}

// -----

/// Check that a cast and a broadcast_to to the operand's own type are dropped, others kept.
// CHECK-LABEL: graph.func @no_op_cast_broadcast
// CHECK-SAME:    (%[[X:.*]]: tensor<2x3xf32>)
// CHECK-NEXT:    %[[H:.*]] = graph.cast %[[X]] : tensor<2x3xf32> to tensor<2x3xf16>
// CHECK-NEXT:    %[[B:.*]] = graph.broadcast_to %[[X]] : tensor<2x3xf32> -> tensor<4x2x3xf32>
// CHECK-NEXT:    graph.return %[[X]], %[[X]], %[[H]], %[[B]]
graph.func @no_op_cast_broadcast(%x: tensor<2x3xf32>) -> (tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf16>, tensor<4x2x3xf32>) {
  %c = graph.cast %x : tensor<2x3xf32> to tensor<2x3xf32>
  %b = graph.broadcast_to %x : tensor<2x3xf32> -> tensor<2x3xf32>
  %h = graph.cast %x : tensor<2x3xf32> to tensor<2x3xf16>
  %g = graph.broadcast_to %x : tensor<2x3xf32> -> tensor<4x2x3xf32>
  graph.return %c, %b, %h, %g : tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf16>, tensor<4x2x3xf32>
}

// -----

/// Check that relu of relu is one relu.
// CHECK-LABEL: graph.func @relu_relu
// CHECK-SAME:    (%[[X:.*]]: tensor<4xf32>)
// CHECK-NEXT:    %[[R:.*]] = graph.relu %[[X]]
// CHECK-NEXT:    graph.return %[[R]]
graph.func @relu_relu(%x: tensor<4xf32>) -> tensor<4xf32> {
  %a = graph.relu %x : tensor<4xf32>
  %b = graph.relu %a : tensor<4xf32>
  %c = graph.relu %b : tensor<4xf32>
  graph.return %c : tensor<4xf32>
}

// -----

/// Check that a one-input concat and a full unit-step slice are dropped; a reversing one is kept.
// CHECK-LABEL: graph.func @concat_slice
// CHECK-SAME:    (%[[X:.*]]: tensor<2x3xf32>)
// CHECK-NEXT:    %[[R:.*]] = graph.slice %[[X]] starts [0, -1] ends [2, -4] steps [1, -1]
// CHECK-NEXT:    graph.return %[[X]], %[[X]], %[[R]]
graph.func @concat_slice(%x: tensor<2x3xf32>) -> (tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>) {
  %c = graph.concat %x axis 1 : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %s = graph.slice %x starts [0, 0] ends [2, 3] steps [1, 1] : tensor<2x3xf32> -> tensor<2x3xf32>
  %r = graph.slice %x starts [0, -1] ends [2, -4] steps [1, -1] : tensor<2x3xf32> -> tensor<2x3xf32>
  graph.return %c, %s, %r : tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>
}
