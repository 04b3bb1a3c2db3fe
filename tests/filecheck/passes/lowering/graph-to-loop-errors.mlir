// RUN: not dl-opt %s -p graph-to-loop --split-input-file 2>&1 | filecheck %s

/// A graph op left over: graph-to-te (and te-to-loop) must run first.
// CHECK: graph-to-loop: @f still holds 'graph.relu': run graph-to-te and te-to-loop first (graph-to-loop takes only graph.call_dps, graph.constant and graph.return)
graph.func @f(%x: tensor<4xf32>) -> tensor<4xf32> {
  %y = graph.relu %x : tensor<4xf32>
  graph.return %y : tensor<4xf32>
}

// -----

/// A callee that is still a te.kernel: te-to-loop must run first.
// CHECK: graph-to-loop: callee @k of @f is still a te.kernel: run te-to-loop first
te.kernel @k(%a: tensor<4xf32>) -> tensor<4xf32> {
  te.return %a : tensor<4xf32>
}
graph.func @f(%x: tensor<4xf32>) -> tensor<4xf32> {
  %y = graph.call_dps @k(%x) : (tensor<4xf32>) -> tensor<4xf32>
  graph.return %y : tensor<4xf32>
}
