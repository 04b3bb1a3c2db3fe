// RUN: dl-opt %s -p 'builtin.module(graph.func(graph-cse,graph-dce))' | filecheck %s
// RUN: dl-opt %s -p 'graph-cse,graph-dce' | filecheck %s
// RUN: dl-opt %s -p graph-cleanup | filecheck %s

/// Check that a graph.func-anchored pipeline runs on every graph.func, nested or flat,
/// and that the func.func is left alone.
// CHECK-LABEL: graph.func @one
// CHECK-NEXT:    %[[R:.*]] = graph.relu
// CHECK-NEXT:    graph.add %[[R]], %[[R]]
// CHECK-LABEL: graph.func @two
// CHECK-NEXT:    %[[E:.*]] = graph.exp
// CHECK-NEXT:    graph.return %[[E]]
// CHECK-LABEL: func.func @host
// CHECK-COUNT-2: arith.addi
graph.func @one(%x: tensor<4xf32>) -> tensor<4xf32> {
  %a = graph.relu %x : tensor<4xf32>
  %b = graph.relu %x : tensor<4xf32>
  %s = graph.add %a, %b : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  graph.return %s : tensor<4xf32>
}
graph.func @two(%x: tensor<4xf32>) -> tensor<4xf32> {
  %e = graph.exp %x : tensor<4xf32>
  %dead = graph.relu %e : tensor<4xf32>
  graph.return %e : tensor<4xf32>
}
func.func @host(%a: i32) -> i32 {
  %b = arith.addi %a, %a : i32
  %c = arith.addi %a, %a : i32
  func.return %c : i32
}
