// RUN: dl-opt %s -p graph-cse --split-input-file | filecheck %s

/// Check that two identical ops merge and their users see the first one.
// CHECK-LABEL: graph.func @same_op
// CHECK-SAME:    (%[[X:.*]]: tensor<4xf32>)
// CHECK-NEXT:    %[[A:.*]] = graph.exp %[[X]] : tensor<4xf32>
// CHECK-NEXT:    %[[S:.*]] = graph.add %[[A]], %[[A]]
// CHECK-NEXT:    graph.return %[[S]]
graph.func @same_op(%x: tensor<4xf32>) -> tensor<4xf32> {
  %a = graph.exp %x : tensor<4xf32>
  %b = graph.exp %x : tensor<4xf32>
  %s = graph.add %a, %b : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  graph.return %s : tensor<4xf32>
}

// -----

/// Check that merging cascades: users of merged ops merge in the same pass.
// CHECK-LABEL: graph.func @cascade
// CHECK-SAME:    (%[[X:.*]]: tensor<4xf32>)
// CHECK-NEXT:    %[[A:.*]] = graph.relu %[[X]]
// CHECK-NEXT:    %[[B:.*]] = graph.tanh %[[A]]
// CHECK-NEXT:    %[[M:.*]] = graph.mul %[[B]], %[[B]]
// CHECK-NEXT:    graph.return %[[M]]
graph.func @cascade(%x: tensor<4xf32>) -> tensor<4xf32> {
  %a1 = graph.relu %x : tensor<4xf32>
  %b1 = graph.tanh %a1 : tensor<4xf32>
  %a2 = graph.relu %x : tensor<4xf32>
  %b2 = graph.tanh %a2 : tensor<4xf32>
  %m = graph.mul %b1, %b2 : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  graph.return %m : tensor<4xf32>
}

// -----

/// Check that constants with equal values merge whatever their spelling (splat or list).
// CHECK-LABEL: graph.func @equal_constants
// CHECK-NEXT:    %[[C:.*]] = graph.constant dense<1.000000e+00> : tensor<2xf32>
// CHECK-NEXT:    %[[S:.*]] = graph.add %[[C]], %[[C]]
// CHECK-NEXT:    graph.return %[[S]]
graph.func @equal_constants() -> tensor<2xf32> {
  %c = graph.constant dense<1.0> : tensor<2xf32>
  %d = graph.constant dense<[1.0, 1.0]> : tensor<2xf32>
  %s = graph.add %c, %d : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  graph.return %s : tensor<2xf32>
}

// -----

/// Check that constants with equal values but different types stay apart.
// CHECK-LABEL: graph.func @typed_constants
// CHECK-COUNT-2: graph.constant
graph.func @typed_constants() -> (tensor<2xf32>, tensor<2xf64>) {
  %c = graph.constant dense<1.0> : tensor<2xf32>
  %d = graph.constant dense<1.0> : tensor<2xf64>
  graph.return %c, %d : tensor<2xf32>, tensor<2xf64>
}

// -----

/// Check that ops differing in a property (the perm) or in operand order are kept.
// CHECK-LABEL: graph.func @different_props
// CHECK-COUNT-2: graph.transpose
// CHECK-COUNT-2: graph.sub
graph.func @different_props(%x: tensor<2x2x2xf32>) -> (tensor<2x2x2xf32>, tensor<2x2x2xf32>, tensor<2x2x2xf32>, tensor<2x2x2xf32>) {
  %a = graph.transpose %x perm [1, 0, 2] : tensor<2x2x2xf32> -> tensor<2x2x2xf32>
  %b = graph.transpose %x perm [0, 2, 1] : tensor<2x2x2xf32> -> tensor<2x2x2xf32>
  %c = graph.sub %a, %b : (tensor<2x2x2xf32>, tensor<2x2x2xf32>) -> tensor<2x2x2xf32>
  %d = graph.sub %b, %a : (tensor<2x2x2xf32>, tensor<2x2x2xf32>) -> tensor<2x2x2xf32>
  graph.return %a, %b, %c, %d : tensor<2x2x2xf32>, tensor<2x2x2xf32>, tensor<2x2x2xf32>, tensor<2x2x2xf32>
}

// -----

/// Check that two identical calls merge (calls are pure).
// CHECK-LABEL: graph.func @same_call
// CHECK-SAME:    (%[[X:.*]]: tensor<4xf32>)
// CHECK-NEXT:    %[[Y:.*]] = graph.call_dps @k(%[[X]])
// CHECK-NEXT:    graph.return %[[Y]], %[[Y]]
graph.func @same_call(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
  %y = graph.call_dps @k(%x) : (tensor<4xf32>) -> tensor<4xf32>
  %z = graph.call_dps @k(%x) : (tensor<4xf32>) -> tensor<4xf32>
  graph.return %y, %z : tensor<4xf32>, tensor<4xf32>
}
graph.func @k(%x: tensor<4xf32>) -> tensor<4xf32> {
  graph.return %x : tensor<4xf32>
}
