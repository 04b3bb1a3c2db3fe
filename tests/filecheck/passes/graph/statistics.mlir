// RUN: dl-opt %s -p graph-cleanup --pass-statistics 2>&1 >/dev/null | filecheck %s

/// Check that the graph passes report what they did: each canonicalization pattern
/// that fired, and the ops CSE merged.
// CHECK:      graph-canonicalize
// CHECK-NEXT:   (1) AddZero
// CHECK-NEXT:   (1) ComposeTransposes
// CHECK-NEXT: graph-cse
// CHECK-NEXT:   (1) ops merged
graph.func @f(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %z = graph.constant dense<0.0> : tensor<4x8xf32>
  %a = graph.add %x, %z : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  %t = graph.transpose %a perm [1, 0] : tensor<4x8xf32> -> tensor<8x4xf32>
  %u = graph.transpose %t perm [1, 0] : tensor<8x4xf32> -> tensor<4x8xf32>
  %r1 = graph.relu %u : tensor<4x8xf32>
  %r2 = graph.relu %u : tensor<4x8xf32>
  %s = graph.add %r1, %r2 : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  graph.return %s : tensor<4x8xf32>
}
