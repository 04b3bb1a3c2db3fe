// RUN: DL_ROUNDTRIP

/// A host function: constant buffers (inline and blob), a call in destination-passing
/// style, a call to an llvm.func (arity only) and to a func.func without results.
// CHECK-LABEL: loop.func @host
// CHECK-SAME:    (%[[X:.*]]: memref<2x3xf32>, %[[Y:.*]]: memref<2x3xf32>) attributes {num_outputs = 1 : i64} {
// CHECK-NEXT:    %[[B:.*]] = loop.constant dense<{{\[}}[1.000000e+00, 2.000000e+00, 3.000000e+00], [4.000000e+00, 5.000000e+00, 6.000000e+00]]> : tensor<2x3xf32> -> memref<2x3xf32>
// CHECK-NEXT:    %[[W:.*]] = loop.constant dense_resource<blob> : tensor<2xi32> -> memref<2xi32>
// CHECK-NEXT:    loop.call @add(%[[X]], %[[B]], %[[Y]]) : (memref<2x3xf32>, memref<2x3xf32>, memref<2x3xf32>) -> ()
// CHECK-NEXT:    loop.call @native(%[[X]], %[[W]]) : (memref<2x3xf32>, memref<2xi32>) -> ()
// CHECK-NEXT:    loop.call @helper(%[[Y]]) : (memref<2x3xf32>) -> ()
// CHECK-NEXT:    loop.return
loop.func @host(%x: memref<2x3xf32>, %y: memref<2x3xf32>) attributes {num_outputs = 1 : i64} {
  %b = loop.constant dense<[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]> : tensor<2x3xf32> -> memref<2x3xf32>
  %w = loop.constant dense_resource<blob> : tensor<2xi32> -> memref<2xi32>
  loop.call @add(%x, %b, %y) : (memref<2x3xf32>, memref<2x3xf32>, memref<2x3xf32>) -> ()
  loop.call @native(%x, %w) : (memref<2x3xf32>, memref<2xi32>) -> ()
  loop.call @helper(%y) : (memref<2x3xf32>) -> ()
  loop.return
}
loop.func @add(%a: memref<2x3xf32>, %b: memref<2x3xf32>, %c: memref<2x3xf32>) attributes {num_outputs = 1 : i64} {
  loop.return
}
llvm.func @native(!llvm.ptr, !llvm.ptr)
func.func private @helper(memref<2x3xf32>)

{-#
  dialect_resources: {
    builtin: {
      blob: "0x040000000100000002000000"
    }
  }
#-}
