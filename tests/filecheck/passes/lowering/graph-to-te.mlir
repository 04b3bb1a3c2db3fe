// RUN: dl-opt %s -p graph-to-te --split-input-file | filecheck %s
// RUN: dl-opt %s -p 'graph-to-te{ops=relu}' --split-input-file | filecheck %s --check-prefix=ONLY

/// Check that an MLP fragment becomes calls of one kernel per distinct op, the kernels
/// placed before the function, named after the op and the result type, and shared by
/// the equal call sites.
// CHECK-LABEL: te.kernel @matmul_4x8xf32
// CHECK-SAME:    (%X0: tensor<4x16xf32>, %X1: tensor<16x8xf32>) -> tensor<4x8xf32>
// CHECK:         te.compute "Y" (%i: 4, %j: 8) reduce (%k: 16)
// CHECK-LABEL: te.kernel @add_4x8xf32
// CHECK-SAME:    (%X0: tensor<4x8xf32>, %X1: tensor<8xf32>) -> tensor<4x8xf32>
// CHECK-NEXT:    %Y = te.compute "Y" (%i0: 4, %i1: 8) {
// CHECK-NEXT:      %[[A:.*]] = te.read %X0[%i0, %i1] : tensor<4x8xf32> -> f32
// CHECK-NEXT:      %[[B:.*]] = te.read %X1[%i1] : tensor<8xf32> -> f32
// CHECK-NEXT:      %[[S:.*]] = arith.addf %[[A]], %[[B]] : f32
// CHECK-NEXT:      te.yield %[[S]] : f32
// CHECK-NEXT:    } : tensor<4x8xf32>
// CHECK-NEXT:    te.return %Y : tensor<4x8xf32>
// CHECK-LABEL: te.kernel @relu_4x8xf32
// CHECK:           arith.maximumf
// CHECK-LABEL: graph.func @mlp
// CHECK-SAME:    (%[[X:.*]]: tensor<4x16xf32>, %[[W:.*]]: tensor<16x8xf32>, %[[BIAS:.*]]: tensor<8xf32>, %[[W2:.*]]: tensor<16x8xf32>)
// CHECK-NEXT:    %[[M:.*]] = graph.call_dps @matmul_4x8xf32(%[[X]], %[[W]]) : (tensor<4x16xf32>, tensor<16x8xf32>) -> tensor<4x8xf32>
// CHECK-NEXT:    %[[H:.*]] = graph.call_dps @add_4x8xf32(%[[M]], %[[BIAS]])
// CHECK-NEXT:    %[[R:.*]] = graph.call_dps @relu_4x8xf32(%[[H]])
// CHECK-NEXT:    %[[M2:.*]] = graph.call_dps @matmul_4x8xf32(%[[X]], %[[W2]])
// CHECK-NEXT:    %[[H2:.*]] = graph.call_dps @add_4x8xf32(%[[M2]], %[[BIAS]])
// CHECK-NEXT:    %[[R2:.*]] = graph.call_dps @relu_4x8xf32(%[[H2]])
// CHECK-NEXT:    graph.return %[[R]], %[[R2]]

/// With ops=relu only the relus are converted.
// ONLY-LABEL: te.kernel @relu_4x8xf32
// ONLY-NOT:   te.kernel
// ONLY-LABEL: graph.func @mlp
// ONLY:         graph.matmul
// ONLY:         graph.add
// ONLY:         graph.call_dps @relu_4x8xf32
graph.func @mlp(%x: tensor<4x16xf32>, %w: tensor<16x8xf32>, %b: tensor<8xf32>, %w2: tensor<16x8xf32>) -> (tensor<4x8xf32>, tensor<4x8xf32>) {
  %0 = graph.matmul %x, %w : (tensor<4x16xf32>, tensor<16x8xf32>) -> tensor<4x8xf32>
  %1 = graph.add %0, %b : (tensor<4x8xf32>, tensor<8xf32>) -> tensor<4x8xf32>
  %2 = graph.relu %1 : tensor<4x8xf32>
  %3 = graph.matmul %x, %w2 : (tensor<4x16xf32>, tensor<16x8xf32>) -> tensor<4x8xf32>
  %4 = graph.add %3, %b : (tensor<4x8xf32>, tensor<8xf32>) -> tensor<4x8xf32>
  %5 = graph.relu %4 : tensor<4x8xf32>
  graph.return %2, %5 : tensor<4x8xf32>, tensor<4x8xf32>
}

// -----

/// Check that different kernels with one base name are numbered, that existing symbols
/// are never reused for a different function, and that rank-0 operands broadcast.
// CHECK-LABEL: te.kernel @mul_7xf32_1
// CHECK:           te.read %X1[] : tensor<f32> -> f32
// CHECK-LABEL: te.kernel @mul_7xf32_2
// CHECK:           te.read %X1[%i0] : tensor<7xf32> -> f32
// CHECK-LABEL: graph.func @mul_7xf32
// CHECK-NEXT:    graph.call_dps @mul_7xf32_1
// CHECK-NEXT:    graph.call_dps @mul_7xf32_2
graph.func @mul_7xf32(%x: tensor<7xf32>, %s: tensor<f32>) -> tensor<7xf32> {
  %0 = graph.mul %x, %s : (tensor<7xf32>, tensor<f32>) -> tensor<7xf32>
  %1 = graph.mul %0, %x : (tensor<7xf32>, tensor<7xf32>) -> tensor<7xf32>
  graph.return %1 : tensor<7xf32>
}

// -----

/// Check that constant padding reads at a clamped index and selects the pad value
/// outside the input: no read is ever out of bounds.
// CHECK-LABEL: te.kernel @pad_5xf32
// CHECK:         %Y = te.compute "Y" (%i0: 5) {
// CHECK-NEXT:      %[[C:.*]] = arith.constant -1 : index
// CHECK-NEXT:      %[[S:.*]] = arith.addi %i0, %[[C]] : index
// CHECK-NEXT:      %[[N:.*]] = arith.constant 3 : index
// CHECK-NEXT:      %[[IN:.*]] = arith.cmpi ult, %[[S]], %[[N]] : index
// CHECK:           %[[LO:.*]] = arith.maxsi %[[S]], %{{.*}} : index
// CHECK:           %[[HI:.*]] = arith.minsi %[[LO]], %{{.*}} : index
// CHECK-NEXT:      %[[V:.*]] = te.read %X0[%[[HI]]] : tensor<3xf32> -> f32
// CHECK-NEXT:      %[[P:.*]] = arith.constant 2.500000e+00 : f32
// CHECK-NEXT:      %[[Y:.*]] = arith.select %[[IN]], %[[V]], %[[P]] : f32
// CHECK-NEXT:      te.yield %[[Y]] : f32
graph.func @pad(%x: tensor<3xf32>) -> tensor<5xf32> {
  %0 = graph.pad %x low [1] high [1] value 2.5 : tensor<3xf32> -> tensor<5xf32>
  graph.return %0 : tensor<5xf32>
}
