// RUN: dl-opt %s -p compile-cpu --run --check | filecheck %s
// RUN: dl-opt %s -p compile-cpu --run --run-entry halves --check | filecheck %s --check-prefix=TWO
// RUN: not dl-opt %s --run --check 2>&1 | filecheck %s --check-prefix=UNLOWERED
// RUN: not dl-opt %s --check 2>&1 | filecheck %s --check-prefix=ALONE

/// Check that a lowered entry runs as native code and --check compares it with the interpreter.
// CHECK:      @main: 2 inputs (random, seed 0), native code
// CHECK-NEXT:   result #0: tensor<3x5xf32> min {{.*}} max {{.*}} mean {{.*}} [{{.*}}]
// CHECK-NEXT: check against the interpreter (tolerance 1e-05):
// CHECK-NEXT:   result #0: max abs error {{.*}}, max rel error {{.*}}
graph.func @main(%x: tensor<3x4xf32>, %w: tensor<4x5xf32>) -> tensor<3x5xf32> {
  %0 = graph.matmul %x, %w : (tensor<3x4xf32>, tensor<4x5xf32>) -> tensor<3x5xf32>
  %1 = graph.tanh %0 : tensor<3x5xf32>
  graph.return %1 : tensor<3x5xf32>
}

/// Check that every result of a multi-result entry is summarised and checked.
// TWO:      @halves: 1 inputs (random, seed 0), native code
// TWO-NEXT:   result #0: tensor<2x3xf32>
// TWO-NEXT:   result #1: tensor<2x3xf32>
// TWO:        result #0: max abs error
// TWO-NEXT:   result #1: max abs error
graph.func @halves(%x: tensor<2x3xf32>) -> (tensor<2x3xf32>, tensor<2x3xf32>) {
  %h = graph.constant dense<0.5> : tensor<2x3xf32>
  %a = graph.mul %x, %h : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  %b = graph.sub %x, %a : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  graph.return %a, %b : tensor<2x3xf32>, tensor<2x3xf32>
}

/// Check that --check on an entry the pipeline did not lower says what to do.
// UNLOWERED: error: --check compares native code with the interpreter, but @main is still a graph function: lower it first (e.g. -p compile-cpu)

/// Check that --check needs --run.
// ALONE: dl-opt: error: --check compares the results of --run with the interpreter: add --run
