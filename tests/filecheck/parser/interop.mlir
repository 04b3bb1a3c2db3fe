// REQUIRES: mlir-opt
// RUN: dl-opt %s | %mlir-opt --mlir-print-local-scope | filecheck %s
// RUN: dl-opt %s --print-op-generic | %mlir-opt --mlir-print-local-scope | filecheck %s

/// Interop: what dl-opt's parser reads and xDSL prints (custom and generic) is accepted
/// by MLIR 22, through aliases, locations and attributes of the syntax zoo.
// CHECK-LABEL: func.func @zoo(%arg0: tensor<4xf32>, %arg1: memref<4x?xf32, strided<[?, 1], offset: ?>>) -> tensor<4xf32>
// CHECK-SAME:    attributes {dl.dense = dense<{{\[}}[1, 2], [3, 4]]> : tensor<2x2xi32>, dl.s = "a\0A\22b\22", dl.v = array<i64: 1, 2>}
// CHECK-NEXT:    %[[C:.*]] = arith.constant 1.500000e+00 : f32
// CHECK-NEXT:    %[[S:.*]] = arith.addf %[[C]], %[[C]] fastmath<fast> : f32
// CHECK-NEXT:    return %arg0 : tensor<4xf32>
!t = tensor<4xf32>
func.func @zoo(%x: !t, %m: memref<4x?xf32, strided<[?, 1], offset: ?>>) -> !t
    attributes {dl.dense = dense<[[1, 2], [3, 4]]> : tensor<2x2xi32>, dl.s = "a\n\"b\"", dl.v = array<i64: 1, 2>} {
  %c = arith.constant 1.5 : f32 loc("zoo.py":1:1)
  %s = arith.addf %c, %c fastmath<fast> : f32
  func.return %x : !t
}
