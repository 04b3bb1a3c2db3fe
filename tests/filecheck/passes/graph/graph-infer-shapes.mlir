// RUN: dl-opt %s -p graph-infer-shapes --split-input-file | filecheck %s

// dl-opt verifies its input, so every type here is already the inferred one; the
// pass's real work (after a caller retypes arguments) is tested from Python in
// tests/unit/passes/graph/test_infer_shapes.py.

/// Check that verified IR comes out unchanged, types and signature included.
// CHECK-LABEL: graph.func @mlp
// CHECK-SAME:    (%[[X:.*]]: tensor<2x8xf32>, %[[W:.*]]: tensor<8x4xf32>) -> tensor<2xf32>
// CHECK-NEXT:    %[[M:.*]] = graph.matmul %[[X]], %[[W]] : (tensor<2x8xf32>, tensor<8x4xf32>) -> tensor<2x4xf32>
// CHECK-NEXT:    %[[S:.*]] = graph.reduce_sum %[[M]] axes [1] : tensor<2x4xf32> -> tensor<2xf32>
// CHECK-NEXT:    graph.return %[[S]] : tensor<2xf32>
graph.func @mlp(%x: tensor<2x8xf32>, %w: tensor<8x4xf32>) -> tensor<2xf32> {
  %m = graph.matmul %x, %w : (tensor<2x8xf32>, tensor<8x4xf32>) -> tensor<2x4xf32>
  %s = graph.reduce_sum %m axes [1] : tensor<2x4xf32> -> tensor<2xf32>
  graph.return %s : tensor<2xf32>
}

// -----

/// Check that a call keeps the callee's result types and a constant its value's type.
// CHECK-LABEL: graph.func @call
// CHECK-NEXT:    %[[C:.*]] = graph.constant dense<1.000000e+00> : tensor<4xf32>
// CHECK-NEXT:    %[[Y:.*]] = graph.call_dps @k(%[[C]]) : (tensor<4xf32>) -> tensor<4xf32>
// CHECK-NEXT:    graph.return %[[Y]] : tensor<4xf32>
graph.func @call() -> tensor<4xf32> {
  %c = graph.constant dense<1.0> : tensor<4xf32>
  %y = graph.call_dps @k(%c) : (tensor<4xf32>) -> tensor<4xf32>
  graph.return %y : tensor<4xf32>
}
graph.func @k(%x: tensor<4xf32>) -> tensor<4xf32> {
  graph.return %x : tensor<4xf32>
}
