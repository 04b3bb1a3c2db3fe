// RUN: dl-opt %s -p graph-to-loop --split-input-file | filecheck %s

/// A chain of calls: the returned result is written straight into the output buffer,
/// the two intermediates take turns in one arena; the first one's bytes are reused by
/// the third call's result once the second call has read it.
// CHECK-LABEL: loop.func @chain
// CHECK-SAME:    (%[[X:.*]]: memref<4x4xf32>, %[[D:.*]]: memref<4x4xf32>) attributes {num_outputs = 1 : i64} {
// CHECK-NEXT:    %[[WS:.*]] = loop.alloc "global" align 64 : memref<128xi8>
// CHECK-NEXT:    %[[O0:.*]] = arith.constant 0 : index
// CHECK-NEXT:    %[[A:.*]] = memref.view %[[WS]][%[[O0]]][] : memref<128xi8> to memref<4x4xf32>
// CHECK-NEXT:    loop.call @k(%[[X]], %[[A]]) : (memref<4x4xf32>, memref<4x4xf32>) -> ()
// CHECK-NEXT:    %[[O1:.*]] = arith.constant 64 : index
// CHECK-NEXT:    %[[B:.*]] = memref.view %[[WS]][%[[O1]]][] : memref<128xi8> to memref<4x4xf32>
// CHECK-NEXT:    loop.call @k(%[[A]], %[[B]]) : (memref<4x4xf32>, memref<4x4xf32>) -> ()
// CHECK-NEXT:    %[[O2:.*]] = arith.constant 0 : index
// CHECK-NEXT:    %[[C:.*]] = memref.view %[[WS]][%[[O2]]][] : memref<128xi8> to memref<4x4xf32>
// CHECK-NEXT:    loop.call @k(%[[B]], %[[C]]) : (memref<4x4xf32>, memref<4x4xf32>) -> ()
// CHECK-NEXT:    loop.call @k(%[[C]], %[[D]]) : (memref<4x4xf32>, memref<4x4xf32>) -> ()
// CHECK-NEXT:    loop.free %[[WS]] : memref<128xi8>
// CHECK-NEXT:    loop.return
loop.func @k(%a: memref<4x4xf32>, %c: memref<4x4xf32>) attributes {num_outputs = 1 : i64} {
  loop.return
}
graph.func @chain(%x: tensor<4x4xf32>) -> tensor<4x4xf32> {
  %a = graph.call_dps @k(%x) : (tensor<4x4xf32>) -> tensor<4x4xf32>
  %b = graph.call_dps @k(%a) : (tensor<4x4xf32>) -> tensor<4x4xf32>
  %c = graph.call_dps @k(%b) : (tensor<4x4xf32>) -> tensor<4x4xf32>
  %d = graph.call_dps @k(%c) : (tensor<4x4xf32>) -> tensor<4x4xf32>
  graph.return %d : tensor<4x4xf32>
}

// -----

/// Constants become loop.constant buffers; a returned input and a returned constant are
/// copied into their outputs by loop nests; without intermediates there is no arena.
// CHECK-LABEL: loop.func @copies
// CHECK-SAME:    (%[[X:.*]]: memref<2x3xf32>, %[[O0:.*]]: memref<2x3xf32>, %[[O1:.*]]: memref<3xi32>) attributes {num_outputs = 2 : i64} {
// CHECK-NOT:     loop.alloc
// CHECK-NEXT:    %[[W:.*]] = loop.constant dense<[1, 2, 3]> : tensor<3xi32> -> memref<3xi32>
// CHECK:         loop.for %[[I:.*]] = %{{.*}} to %{{.*}} step %{{.*}} {
// CHECK-NEXT:      loop.for %[[J:.*]] = %{{.*}} to %{{.*}} step %{{.*}} {
// CHECK-NEXT:        %[[V:.*]] = loop.load %[[X]][%[[I]], %[[J]]] : memref<2x3xf32>
// CHECK-NEXT:        loop.store %[[V]], %[[O0]][%[[I]], %[[J]]] : memref<2x3xf32>
// CHECK:         loop.for %[[K:.*]] = %{{.*}} to %{{.*}} step %{{.*}} {
// CHECK-NEXT:      %[[U:.*]] = loop.load %[[W]][%[[K]]] : memref<3xi32>
// CHECK-NEXT:      loop.store %[[U]], %[[O1]][%[[K]]] : memref<3xi32>
// CHECK:         loop.return
graph.func @copies(%x: tensor<2x3xf32>) -> (tensor<2x3xf32>, tensor<3xi32>) {
  %w = graph.constant dense<[1, 2, 3]> : tensor<3xi32>
  graph.return %x, %w : tensor<2x3xf32>, tensor<3xi32>
}

// -----

/// A value returned twice: the call writes the first output, the second is a copy of it.
/// A graph.func callee is lowered by the same pass and called the same way.
// CHECK-LABEL: loop.func @inner
// CHECK-LABEL: loop.func @twice
// CHECK-SAME:    (%[[X:.*]]: memref<8xf32>, %[[A:.*]]: memref<8xf32>, %[[B:.*]]: memref<8xf32>)
// CHECK-NEXT:    loop.call @inner(%[[X]], %[[A]]) : (memref<8xf32>, memref<8xf32>) -> ()
// CHECK:         loop.for
// CHECK-NEXT:      %[[V:.*]] = loop.load %[[A]][%{{.*}}] : memref<8xf32>
// CHECK-NEXT:      loop.store %[[V]], %[[B]][%{{.*}}] : memref<8xf32>
loop.func @k(%a: memref<8xf32>, %c: memref<8xf32>) attributes {num_outputs = 1 : i64} {
  loop.return
}
graph.func @inner(%x: tensor<8xf32>) -> tensor<8xf32> {
  %y = graph.call_dps @k(%x) : (tensor<8xf32>) -> tensor<8xf32>
  graph.return %y : tensor<8xf32>
}
graph.func @twice(%x: tensor<8xf32>) -> (tensor<8xf32>, tensor<8xf32>) {
  %y = graph.call_dps @inner(%x) : (tensor<8xf32>) -> tensor<8xf32>
  graph.return %y, %y : tensor<8xf32>, tensor<8xf32>
}
