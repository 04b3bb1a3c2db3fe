// RUN: dl-opt %s -p compile-cpu --pass-statistics 2>&1 >/dev/null | filecheck %s

/// Check that --pass-statistics reports the workspace of the planned intermediates:
/// four softmaxes in a row are four kernels with three 13x13xf32 intermediates (704
/// bytes each, 64-aligned); the third reuses the first one's bytes, so the arena holds two.
// CHECK:      graph-to-loop
// CHECK-NEXT:   (1) functions lowered
// CHECK-NEXT:   (2112) peak bytes before planning
// CHECK-NEXT:   (1408) peak bytes after planning
graph.func @chain(%x: tensor<13x13xf32>) -> tensor<13x13xf32> {
  %0 = graph.softmax %x : tensor<13x13xf32>
  %1 = graph.softmax %0 : tensor<13x13xf32>
  %2 = graph.softmax %1 : tensor<13x13xf32>
  %3 = graph.softmax %2 : tensor<13x13xf32>
  graph.return %3 : tensor<13x13xf32>
}
