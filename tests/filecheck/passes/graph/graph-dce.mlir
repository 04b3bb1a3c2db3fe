// RUN: dl-opt %s -p graph-dce --split-input-file | filecheck %s

/// Check that a dead chain goes as a whole and the live ops stay.
// CHECK-LABEL: graph.func @dead_chain
// CHECK-SAME:    (%[[X:.*]]: tensor<4xf32>)
// CHECK-NEXT:    %[[E:.*]] = graph.exp %[[X]] : tensor<4xf32>
// CHECK-NEXT:    graph.return %[[E]] : tensor<4xf32>
graph.func @dead_chain(%x: tensor<4xf32>) -> tensor<4xf32> {
  %e = graph.exp %x : tensor<4xf32>
  %a = graph.relu %e : tensor<4xf32>
  %b = graph.sigmoid %a : tensor<4xf32>
  %c = graph.constant dense<2.0> : tensor<4xf32>
  %d = graph.mul %b, %c : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  graph.return %e : tensor<4xf32>
}

// -----

/// Check that an op used only by a dead op dies too, while one also used by the return stays.
// CHECK-LABEL: graph.func @shared_operand
// CHECK-SAME:    (%[[X:.*]]: tensor<2x3xf32>)
// CHECK-NEXT:    %[[T:.*]] = graph.transpose %[[X]] perm [1, 0]
// CHECK-NEXT:    graph.return %[[T]] : tensor<3x2xf32>
graph.func @shared_operand(%x: tensor<2x3xf32>) -> tensor<3x2xf32> {
  %t = graph.transpose %x perm [1, 0] : tensor<2x3xf32> -> tensor<3x2xf32>
  %u = graph.relu %t : tensor<3x2xf32>
  %s = graph.add %u, %t : (tensor<3x2xf32>, tensor<3x2xf32>) -> tensor<3x2xf32>
  graph.return %t : tensor<3x2xf32>
}

// -----

/// Check that an unused graph.call_dps is erased: calls have value semantics (pure).
// CHECK-LABEL: graph.func @dead_call
// CHECK-SAME:    (%[[X:.*]]: tensor<4xf32>)
// CHECK-NEXT:    graph.return %[[X]] : tensor<4xf32>
// CHECK-LABEL: graph.func @kernel
graph.func @dead_call(%x: tensor<4xf32>) -> tensor<4xf32> {
  %y = graph.call_dps @kernel(%x) : (tensor<4xf32>) -> tensor<4xf32>
  graph.return %x : tensor<4xf32>
}
graph.func @kernel(%x: tensor<4xf32>) -> tensor<4xf32> {
  %y = graph.relu %x : tensor<4xf32>
  graph.return %y : tensor<4xf32>
}

// -----

/// Check that ops outside graph functions are left alone.
// CHECK-LABEL: func.func @not_graph
// CHECK-NEXT:    arith.constant
// CHECK-NEXT:    func.return
func.func @not_graph() {
  %c = arith.constant 1 : i32
  func.return
}
