// RUN: dl-opt %s -p graph-fuse,graph-to-te,te-auto-schedule,te-to-loop,loop-tensorize | filecheck %s

/// An NCHW16c conv2d (3x3, pad 1, 2 input and 2 output channel blocks, rows of 13): the
/// rule `convolution-nchwc-microkernel` makes each output row (13 columns x 16 channels,
/// accumulated in Y in place) one call of the micro-kernel per input channel block, its
/// windows: 3 padded input rows of 15 columns, the block's 3x3x16x16 weights, Y's row.
// CHECK-LABEL: loop.func @conv2d_nchwc_1x2x5x13x16xf32
// CHECK:         loop.for %oo = %c0 to %c2 step %c1 parallel {
// CHECK-NEXT:      loop.for %y = %c0 to %c5 step %c1 {
// CHECK:             loop.for %co = %c0 to %c2 step %c1 {
// CHECK-NEXT:          %[[I:.*]] = loop.subview %pad[%{{.*}}, %co, %y, 0, 0] : memref<1x2x7x15x16xf32> to memref<1x3x15x16xf32, strided<[3360, 240, 16, 1], offset: ?>>
// CHECK-NEXT:          %[[W:.*]] = loop.subview %X1[%oo, %co, 0, 0, 0, 0] : memref<2x2x3x3x16x16xf32> to memref<1x3x3x16x16xf32, strided<[2304, 768, 256, 16, 1], offset: ?>>
// CHECK-NEXT:          %[[O:.*]] = loop.subview %Y[%{{.*}}, %oo, %y, 0, 0] : memref<1x2x5x13x16xf32> to memref<13x16xf32, strided<[16, 1], offset: ?>>
// CHECK-NEXT:          hw.call @conv_nchwc_13x16_c1x16_k3x3_s1_o16(%[[I]], %[[W]], %[[O]])
// CHECK:       hw.intrinsic @conv_nchwc_13x16_c1x16_k3x3_s1_o16(%i: memref<1x3x15x16xf32, strided<[?, ?, 16, 1], offset: ?>>, %w: memref<1x3x3x16x16xf32, strided<[2304, 768, 256, 16, 1], offset: ?>>, %o: memref<13x16xf32, strided<[?, 1], offset: ?>>)
// CHECK-SAME:    implementation = @conv_nchwc_13x16_c1x16_k3x3_s1_o16_avx2
// CHECK:         %a = loop.load %i[%cb, %ry, %x + %rx, %ci]
// CHECK:       llvm.func internal @conv_nchwc_13x16_c1x16_k3x3_s1_o16_avx2(%i: !llvm.ptr, %w: !llvm.ptr, %o: !llvm.ptr {llvm.noalias}, %s0: i64, %s1: i64, %ldo: i64)
// CHECK-COUNT-12: llvm.intr.fma
graph.func @main(%x: tensor<1x2x5x13x16xf32>, %w: tensor<2x2x3x3x16x16xf32>) -> tensor<1x2x5x13x16xf32> {
  %y = graph.conv2d_nchwc %x, %w pads [1, 1, 1, 1] : (tensor<1x2x5x13x16xf32>, tensor<2x2x3x3x16x16xf32>) -> tensor<1x2x5x13x16xf32>
  graph.return %y : tensor<1x2x5x13x16xf32>
}
