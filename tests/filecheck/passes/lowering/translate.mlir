// REQUIRES: mlir-translate
// RUN: dl-opt %s -p loop-to-llvm --split-input-file | %mlir-translate --mlir-to-llvmir --split-input-file | filecheck %s
// RUN: dl-opt %S/../../../../examples/loops.mlir -p loop-to-llvm | %mlir-translate --mlir-to-llvmir | filecheck %s --check-prefix=EXAMPLES

/// The real MLIR accepts what loop-to-llvm prints and translates it to LLVM IR.
// CHECK-LABEL: define void @nest(ptr noalias %0)
// CHECK:         phi i64
// CHECK:         getelementptr inbounds float, ptr %0
// CHECK:         store <8 x float> splat (float 1.000000e+00), ptr %{{.*}}, align 4
loop.func @nest(%y: memref<8x16xf32>) attributes {num_outputs = 1 : i64} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c8 = arith.constant 8 : index
  %one = arith.constant 1.0 : f32
  %v = vector.broadcast %one : f32 to vector<8xf32>
  loop.for %i = %c0 to %c8 step %c1 unrolled<2> {
    loop.for %j = %c0 to %c2 step %c1 {
      loop.vstore %v, %y[%i, %j * 8] : memref<8x16xf32>, vector<8xf32>
    }
  }
  loop.return
}

// -----

// CHECK-LABEL: define float @scalar(float %0, float %1)
// CHECK:         call float @llvm.fma.f32
// CHECK:         call float @ext(float
loop.func @scalar_kernel(%x: memref<4xf32>) attributes {num_outputs = 1 : i64} {
  loop.return
}
func.func @scalar(%a: f32, %b: f32) -> f32 {
  %f = math.fma %a, %b, %a : f32
  %g = func.call @ext(%f) : (f32) -> f32
  func.return %g : f32
}
// CHECK: declare float @ext(float)
func.func private @ext(%x: f32) -> f32

/// examples/loops.mlir's @vadd and @matmul lower completely.
// EXAMPLES-LABEL: define void @vadd(ptr %0, ptr %1, ptr noalias %2)
// EXAMPLES:         load <8 x float>, ptr %{{.*}}, align 4
// EXAMPLES:         fadd <8 x float>
// EXAMPLES-LABEL: define void @matmul(ptr %0, ptr %1, ptr noalias %2)
// EXAMPLES:         call ptr @aligned_alloc(i64 64, i64 65536)
// EXAMPLES:         call void @free(ptr
// EXAMPLES:         fmul float
// EXAMPLES:         ret void
// EXAMPLES:       declare ptr @aligned_alloc(i64, i64)
// EXAMPLES:       declare void @free(ptr)
