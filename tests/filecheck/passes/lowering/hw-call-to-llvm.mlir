// RUN: dl-opt %s -p loop-to-llvm | filecheck %s

/// Check that hw.call becomes a call of the llvm.func implementation on the subviews'
/// pointers (GEPs to their first element), that the hw.intrinsic is dropped and its
/// implementation kept.
// CHECK-NOT:   hw.intrinsic
// CHECK-LABEL: llvm.func internal @vadd8_avx2(%x: !llvm.ptr, %y: !llvm.ptr)
// CHECK-LABEL: llvm.func @rows
// CHECK:         %[[X:.*]] = llvm.getelementptr inbounds %X[%{{.*}}] : (!llvm.ptr, i64) -> !llvm.ptr, f32
// CHECK:         %[[Y:.*]] = llvm.getelementptr inbounds %Y[%{{.*}}] : (!llvm.ptr, i64) -> !llvm.ptr, f32
// CHECK-NEXT:    llvm.call @vadd8_avx2(%[[X]], %[[Y]]) : (!llvm.ptr, !llvm.ptr) -> ()
// CHECK-NOT:   hw.
hw.intrinsic @vadd8(%x: memref<8xf32>, %y: memref<8xf32>) attributes {features = ["avx2"], implementation = @vadd8_avx2, num_outputs = 1 : i64, target = "x86-avx2-fma"} {
  %v = loop.vload %x[0] : memref<8xf32>, vector<8xf32>
  %w = loop.vload %y[0] : memref<8xf32>, vector<8xf32>
  %s = arith.addf %v, %w : vector<8xf32>
  loop.vstore %s, %y[0] : memref<8xf32>, vector<8xf32>
  hw.return
}
llvm.func internal @vadd8_avx2(%x: !llvm.ptr, %y: !llvm.ptr) {
  %v = llvm.load %x {alignment = 4 : i64} : !llvm.ptr -> vector<8xf32>
  %w = llvm.load %y {alignment = 4 : i64} : !llvm.ptr -> vector<8xf32>
  %s = llvm.fadd %v, %w : vector<8xf32>
  llvm.store %s, %y {alignment = 4 : i64} : vector<8xf32>, !llvm.ptr
  llvm.return
}
loop.func @rows(%X: memref<4x8xf32>, %Y: memref<4x8xf32>) attributes {num_outputs = 1 : i64} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  loop.for %r = %c0 to %c4 step %c1 {
    %x = loop.subview %X[%r, 0] : memref<4x8xf32> to memref<8xf32, strided<[1], offset: ?>>
    %y = loop.subview %Y[%r, 0] : memref<4x8xf32> to memref<8xf32, strided<[1], offset: ?>>
    hw.call @vadd8(%x, %y) : (memref<8xf32, strided<[1], offset: ?>>, memref<8xf32, strided<[1], offset: ?>>) -> ()
  }
  loop.return
}
