// REQUIRES: mlir-translate
// RUN: dl-opt %s -p loop-to-llvm | %mlir-translate --mlir-to-llvmir | filecheck %s

/// The real MLIR translates the outlined IR: the call to the runtime with the address of
/// the task, the context slots, the body with its noalias output.
// CHECK-LABEL: define void @scale(ptr %0, float %1, ptr noalias %2)
// CHECK:         %[[CTX:.*]] = alloca ptr, i64 3, align 64
// CHECK:         store ptr %0, ptr %{{.*}}, align 8
// CHECK:         %[[F:.*]] = getelementptr inbounds float, ptr %[[CTX]], i32 2
// CHECK-NEXT:    store float %1, ptr %[[F]], align 4
// CHECK:         call void @dlir_parallel_for(ptr @scale__parallel0_task, ptr %[[CTX]], i64 0, i64 1003, i64 1, i64 3)
// CHECK-LABEL: define void @scale__parallel0(i64 %0, i64 %1, ptr %2, float %3, ptr noalias %4)
// CHECK-LABEL: define void @scale__parallel0_task(ptr %0, i64 %1, i64 %2)
// CHECK:         call void @scale__parallel0(i64 %1, i64 %2, ptr %{{.*}}, float %{{.*}}, ptr %{{.*}})
// CHECK:       declare void @dlir_parallel_for(ptr, ptr, i64, i64, i64, i64)
loop.func @scale(%x: memref<1003xf32>, %s: f32, %y: memref<1003xf32>) attributes {num_outputs = 1 : i64} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c1003 = arith.constant 1003 : index
  loop.for %i = %c0 to %c1003 step %c1 parallel {
    %v = loop.load %x[%i] : memref<1003xf32>
    %m = arith.mulf %v, %s : f32
    loop.store %m, %y[%i] : memref<1003xf32>
  }
  loop.return
}
