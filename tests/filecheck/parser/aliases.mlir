// RUN: DL_ROUNDTRIP

/// Type and attribute aliases are replaced by what they name (xDSL prints no aliases).
// CHECK:       func.func @aliased(%x: tensor<4xf32>) -> !llvm.struct<(i32, tensor<4xf32>)>
// CHECK-SAME:    attributes {dl.map = [1 : i64, affine_map<(d0) -> (d0)>]}
// CHECK-NEXT:    %0 = builtin.unrealized_conversion_cast %x : tensor<4xf32> to !llvm.struct<(i32, tensor<4xf32>)>
!t = tensor<4xf32>
!s = !llvm.struct<(i32, !t)>
#m = affine_map<(d0) -> (d0)>
#a = [1, #m]
func.func @aliased(%x: !t) -> !s attributes {dl.map = #a} {
  %0 = builtin.unrealized_conversion_cast %x : !t to !s
  func.return %0 : !s
}
