// RUN: dl-opt %s -p loop-to-llvm | filecheck %s

/// A small allocation inside a loop becomes one alloca at the top of the function (its
/// free disappears); a large one stays on the heap.
// CHECK-LABEL: llvm.func @tiles
// CHECK-NEXT:    %[[N:.*]] = llvm.mlir.constant(96) : i64
// CHECK-NEXT:    %[[A:.*]] = llvm.alloca %[[N]] x f32 {alignment = 64 : i64} : (i64) -> !llvm.ptr
// CHECK-NEXT:    %[[I:.*]] = llvm.ptrtoint %[[A]] : !llvm.ptr to i64
// CHECK-NEXT:    %{{.*}} = llvm.inttoptr %[[I]] : i64 to !llvm.ptr
// CHECK:         llvm.call @aligned_alloc
// CHECK-NOT:     llvm.alloca
// CHECK:         llvm.call @free
// CHECK-NOT:     llvm.call @free
loop.func @tiles(%x: f32, %out: memref<4x16xf32>) attributes {num_outputs = 1 : i64} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %big = loop.alloc "global" : memref<8192xf32>
  loop.for %i = %c0 to %c4 step %c1 {
    %acc = loop.alloc "local" align 64 : memref<6x16xf32>
    loop.store %x, %acc[%i, %c0] : memref<6x16xf32>
    %v = loop.load %acc[%i, %c0] : memref<6x16xf32>
    loop.store %v, %big[%i] : memref<8192xf32>
    %w = loop.load %big[%i] : memref<8192xf32>
    loop.store %w, %out[%i, %c0] : memref<4x16xf32>
    loop.free %acc : memref<6x16xf32>
  }
  loop.free %big : memref<8192xf32>
  loop.return
}
