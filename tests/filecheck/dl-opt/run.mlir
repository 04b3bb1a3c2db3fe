// RUN: dl-opt %s --run | filecheck %s
// RUN: dl-opt %s --run --run-entry scale --seed 3 | filecheck %s --check-prefix=ENTRY
// RUN: not dl-opt %s --run --run-entry nope 2>&1 | filecheck %s --check-prefix=MISSING

/// Check that --run runs @main on random inputs and summarises each result.
// CHECK:      @main: 1 inputs (random, seed 0)
// CHECK-NEXT:   result #0: tensor<2x3xf32> min 0 max 0 mean 0 [0, 0, 0, 0, 0, 0]
// CHECK-NEXT:   result #1: tensor<3xi32> min 7 max 7 mean 7 [7, 7, 7]
graph.func @main(%x: tensor<2x3xf32>) -> (tensor<2x3xf32>, tensor<3xi32>) {
  %z = graph.sub %x, %x : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  %c = graph.constant dense<7> : tensor<3xi32>
  graph.return %z, %c : tensor<2x3xf32>, tensor<3xi32>
}

/// Check that --run-entry picks another function and --seed changes the inputs.
// ENTRY:      @scale: 1 inputs (random, seed 3)
// ENTRY-NEXT:   result #0: tensor<4xf32> min {{.*}} [{{.*}}]
graph.func @scale(%x: tensor<4xf32>) -> tensor<4xf32> {
  %two = graph.constant dense<2.0> : tensor<4xf32>
  %y = graph.mul %x, %two : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  graph.return %y : tensor<4xf32>
}

/// Check that an unknown entry lists the runnable functions.
// MISSING: error: no function @nope to run; runnable: @main, @scale
