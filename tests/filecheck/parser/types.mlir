// RUN: DL_ROUNDTRIP

/// The builtin and LLVM types dl-opt's parser reads, carried by unrealized casts.

/// Check integers, floats, index and none.
// CHECK-LABEL: func.func @scalars
// CHECK-NEXT:    {{.*}} = builtin.unrealized_conversion_cast to i1, i32, si8, ui16, i1024, index, none
// CHECK-NEXT:    {{.*}} = builtin.unrealized_conversion_cast to f16, bf16, f32, f64, f80, f128, tf32
// CHECK-NEXT:    {{.*}} = builtin.unrealized_conversion_cast to f8E5M2, f8E4M3FN, f8E8M0FNU, f6E2M3FN, f4E2M1FN
func.func @scalars() {
  %a:7 = builtin.unrealized_conversion_cast to i1, i32, si8, ui16, i1024, index, none
  %b:7 = builtin.unrealized_conversion_cast to f16, bf16, f32, f64, f80, f128, tf32
  %c:5 = builtin.unrealized_conversion_cast to f8E5M2, f8E4M3FN, f8E8M0FNU, f6E2M3FN, f4E2M1FN
  func.return
}

// -----

/// Check shaped types: scalable vectors, dynamic and unranked tensors, layouts, spaces.
// CHECK-LABEL: func.func @shaped
// CHECK-NEXT:    {{.*}} = builtin.unrealized_conversion_cast to vector<4x[8]xf32>, vector<[4]xi8>, tensor<?x4xf32>, tensor<*xf32>
// CHECK-NEXT:    {{.*}} = builtin.unrealized_conversion_cast to memref<4x?xf32, strided<[?, 1], offset: ?>, 1 : i64>
// CHECK-NEXT:    {{.*}} = builtin.unrealized_conversion_cast to memref<4x4xf32, affine_map<(d0, d1) -> (d1, d0)>>
// CHECK-NEXT:    {{.*}} = builtin.unrealized_conversion_cast to complex<f32>, tuple<i32, tuple<f32>>, tensor<4xf32, "enc">
func.func @shaped() {
  %a:4 = builtin.unrealized_conversion_cast to vector<4x[8]xf32>, vector<[4]xi8>, tensor<?x4xf32>, tensor<*xf32>
  %b = builtin.unrealized_conversion_cast to memref<4x?xf32, strided<[?, 1], offset: ?>, 1>
  %c = builtin.unrealized_conversion_cast to memref<4x4xf32, affine_map<(d0, d1) -> (d1, d0)>>
  %d:3 = builtin.unrealized_conversion_cast to complex<f32>, tuple<i32, tuple<f32>>, tensor<4xf32, "enc">
  func.return
}

// -----

/// Check function types and the LLVM types the pipeline lowers into.
// CHECK-LABEL: func.func @fn_and_llvm
// CHECK-NEXT:    {{.*}} = builtin.unrealized_conversion_cast to (i32) -> f32, () -> (), (i32, f32) -> (f32, i32)
// CHECK-NEXT:    {{.*}} = builtin.unrealized_conversion_cast to !llvm.ptr, !llvm.ptr<1>, !llvm.struct<(i32, f32)>, !llvm.array<4 x i32>
// CHECK-NEXT:    {{.*}} = builtin.unrealized_conversion_cast to !llvm.func<void (i32)>, !llvm.func<i32 (i32, ...)>
// CHECK-NEXT:    {{.*}} = builtin.unrealized_conversion_cast to !llvm.array<2 x !llvm.struct<(i32, !llvm.ptr)>>
func.func @fn_and_llvm() {
  %a:3 = builtin.unrealized_conversion_cast to (i32) -> (f32), () -> (), (i32, f32) -> (f32, i32)
  %b:4 = builtin.unrealized_conversion_cast to !llvm.ptr, !llvm.ptr<1>, !llvm.struct<(i32, f32)>, !llvm.array<4 x i32>
  %c:2 = builtin.unrealized_conversion_cast to !llvm.func<void (i32)>, !llvm.func<i32 (i32, ...)>
  %d = builtin.unrealized_conversion_cast to !llvm.array<2 x !llvm.struct<(i32, !llvm.ptr)>>
  func.return
}
