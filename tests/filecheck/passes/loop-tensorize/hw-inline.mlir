// RUN: dl-opt %s -p hw-inline | filecheck %s

/// hw-inline copies the behavior in place of the call and puts each access of a window
/// onto its source: rank-reducing windows (the dropped dims keep the window's offset),
/// and a window of a window. The windows and the intrinsic, unused now, are erased.
// CHECK-NOT:   hw.intrinsic
// CHECK-LABEL: loop.func @conv_block
// CHECK-NOT:     loop.subview
// CHECK:         loop.for %f = %c0 to %c4 step %c1 {
// CHECK-NEXT:      loop.for %c = %c0 to %c4 step %c1 {
// CHECK-NEXT:        %{{.*}} = loop.load %W[%oo * 4 + %f, %co * 4 + %c, %ry, %rx] : memref<8x8x3x3xf32>
// CHECK-NEXT:        %{{.*}} = loop.load %I[0, %co * 4 + %c, %y + %ry, %x + 1] : memref<1x8x5x6xf32>
// CHECK-NEXT:        %{{.*}} = loop.load %O[0, %oo * 4 + %f, %y, %x] : memref<1x8x3x4xf32>
// CHECK:             loop.store %{{.*}}, %O[0, %oo * 4 + %f, %y, %x] : memref<1x8x3x4xf32>
// CHECK-NOT:     hw.call
hw.intrinsic @channels_4x4(%w: memref<4x4xf32, strided<[?, ?], offset: ?>>, %x: memref<4xf32, strided<[?], offset: ?>>, %o: memref<4xf32, strided<[?], offset: ?>>) attributes {num_outputs = 1 : i64, target = "vta"} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  loop.for %f = %c0 to %c4 step %c1 {
    loop.for %c = %c0 to %c4 step %c1 {
      %a = loop.load %w[%f, %c] : memref<4x4xf32, strided<[?, ?], offset: ?>>
      %b = loop.load %x[%c] : memref<4xf32, strided<[?], offset: ?>>
      %s = loop.load %o[%f] : memref<4xf32, strided<[?], offset: ?>>
      %p = arith.mulf %b, %a : f32
      %t = arith.addf %p, %s : f32
      loop.store %t, %o[%f] : memref<4xf32, strided<[?], offset: ?>>
    }
  }
  hw.return
}
loop.func @conv_block(%oo: index, %co: index, %y: index, %x: index, %ry: index, %rx: index, %I: memref<1x8x5x6xf32>, %W: memref<8x8x3x3xf32>, %O: memref<1x8x3x4xf32>) attributes {num_outputs = 1 : i64} {
  %w = loop.subview %W[%oo * 4, %co * 4, %ry, %rx] : memref<8x8x3x3xf32> to memref<4x4xf32, strided<[72, 9], offset: ?>>
  %row = loop.subview %I[0, 0, %y + %ry, 0] : memref<1x8x5x6xf32> to memref<8x6xf32, strided<[30, 1], offset: ?>>
  %in = loop.subview %row[%co * 4, %x + 1] : memref<8x6xf32, strided<[30, 1], offset: ?>> to memref<4xf32, strided<[30], offset: ?>>
  %o = loop.subview %O[0, %oo * 4, %y, %x] : memref<1x8x3x4xf32> to memref<4xf32, strided<[12], offset: ?>>
  hw.call @channels_4x4(%w, %in, %o) : (memref<4x4xf32, strided<[72, 9], offset: ?>>, memref<4xf32, strided<[30], offset: ?>>, memref<4xf32, strided<[12], offset: ?>>) -> ()
  loop.return
}
