// RUN: dl-opt %s -p graph-fold-constants,graph-dce --split-input-file | filecheck %s
// RUN: dl-opt %s -p 'graph-fold-constants{size_limit=3},graph-dce' --split-input-file | filecheck %s --check-prefix=LIMIT

/// Check that a chain of ops on constants folds to one constant, and the op on an argument stays.
// CHECK-LABEL: graph.func @chain
// CHECK-SAME:    (%[[X:.*]]: tensor<2xf32>)
// CHECK-NEXT:    %[[C:.*]] = graph.constant dense<[4.000000e+00, 1.000000e+01]> : tensor<2xf32>
// CHECK-NEXT:    %[[R:.*]] = graph.add %[[C]], %[[X]]
// CHECK-NEXT:    graph.return %[[R]]
graph.func @chain(%x: tensor<2xf32>) -> tensor<2xf32> {
  %a = graph.constant dense<[1.0, 2.0]> : tensor<2xf32>
  %b = graph.constant dense<3.0> : tensor<f32>
  %c = graph.add %a, %b : (tensor<2xf32>, tensor<f32>) -> tensor<2xf32>
  %d = graph.mul %c, %a : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  %e = graph.relu %d : tensor<2xf32>
  %r = graph.add %e, %x : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  graph.return %r : tensor<2xf32>
}

// -----

/// Check that shape ops and casts fold, with the result's element type.
// CHECK-LABEL: graph.func @shape_and_cast
// CHECK-NEXT:    %[[C:.*]] = graph.constant dense<{{\[}}[1, 3], [2, 4]]> : tensor<2x2xi32>
// CHECK-NEXT:    graph.return %[[C]]
// LIMIT-LABEL: graph.func @shape_and_cast
// LIMIT:         graph.cast
graph.func @shape_and_cast() -> tensor<2x2xi32> {
  %a = graph.constant dense<[1.5, 2.5, 3.5, 4.5]> : tensor<4xf32>
  %r = graph.reshape %a : tensor<4xf32> -> tensor<2x2xf32>
  %t = graph.transpose %r perm [1, 0] : tensor<2x2xf32> -> tensor<2x2xf32>
  %c = graph.cast %t : tensor<2x2xf32> to tensor<2x2xi32>
  graph.return %c : tensor<2x2xi32>
}

// -----

/// Check that results above size_limit stay ops while smaller ones fold.
// LIMIT-LABEL: graph.func @limit
// LIMIT-NEXT:    %[[S:.*]] = graph.constant dense<[2.000000e+00, 4.000000e+00, 6.000000e+00]> : tensor<3xf32>
// LIMIT-NEXT:    %[[B:.*]] = graph.broadcast_to %[[S]] : tensor<3xf32> -> tensor<2x3xf32>
// LIMIT-NEXT:    graph.return %[[B]]
graph.func @limit() -> tensor<2x3xf32> {
  %a = graph.constant dense<[1.0, 2.0, 3.0]> : tensor<3xf32>
  %s = graph.add %a, %a : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  %b = graph.broadcast_to %s : tensor<3xf32> -> tensor<2x3xf32>
  graph.return %b : tensor<2x3xf32>
}

// -----

/// Check that a large folded result becomes a dense_resource blob in the resources section.
// CHECK-LABEL: graph.func @large
// CHECK-NEXT:    %[[C:.*]] = graph.constant dense_resource<[[BLOB:folded.*]]> : tensor<40x40xf32>
// CHECK-NEXT:    graph.return %[[C]]
// CHECK:         dialect_resources
// CHECK:         [[BLOB]]: "0x04000000
graph.func @large() -> tensor<40x40xf32> {
  %v = graph.constant dense<[0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 11.0, 12.0, 13.0, 14.0, 15.0, 16.0, 17.0, 18.0, 19.0, 20.0, 21.0, 22.0, 23.0, 24.0, 25.0, 26.0, 27.0, 28.0, 29.0, 30.0, 31.0, 32.0, 33.0, 34.0, 35.0, 36.0, 37.0, 38.0, 39.0]> : tensor<40xf32>
  %w = graph.broadcast_to %v : tensor<40xf32> -> tensor<40x40xf32>
  %t = graph.transpose %w perm [1, 0] : tensor<40x40xf32> -> tensor<40x40xf32>
  %s = graph.add %w, %t : (tensor<40x40xf32>, tensor<40x40xf32>) -> tensor<40x40xf32>
  graph.return %s : tensor<40x40xf32>
}

// -----

/// Check that a call on constants is not folded (its callee may be a kernel of any variant).
// CHECK-LABEL: graph.func @call
// CHECK:         graph.call_dps @k
graph.func @call() -> tensor<2xf32> {
  %a = graph.constant dense<1.0> : tensor<2xf32>
  %y = graph.call_dps @k(%a) : (tensor<2xf32>) -> tensor<2xf32>
  graph.return %y : tensor<2xf32>
}
graph.func @k(%x: tensor<2xf32>) -> tensor<2xf32> {
  graph.return %x : tensor<2xf32>
}
