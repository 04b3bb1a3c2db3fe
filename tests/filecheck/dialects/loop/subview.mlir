// RUN: DL_ROUNDTRIP

/// A window at an affine index keeps the source's strides; a rank-reducing one drops
/// unit dims; constant indices give the exact offset; a strided source stays strided.
// CHECK-LABEL: loop.func @windows
// CHECK:         %{{.*}} = loop.subview %C[%i * 6, %i + 16] : memref<1024x1024xf32> to memref<6x16xf32, strided<[1024, 1], offset: ?>>
// CHECK-NEXT:    %{{.*}} = loop.subview %C[%i, 0] : memref<1024x1024xf32> to memref<16xf32, strided<[1], offset: ?>>
// CHECK-NEXT:    %{{.*}} = loop.subview %C[3, 2] : memref<1024x1024xf32> to memref<6x16xf32, strided<[1024, 1], offset: 3074>>
// CHECK-NEXT:    %{{.*}} = loop.subview %D[%i, 0, 0] : memref<4x8x16xf32, strided<[?, 16, 1], offset: ?>> to memref<8x16xf32, strided<[16, 1], offset: ?>>
// CHECK-NEXT:    %{{.*}} = loop.subview %C[0, %i] : memref<1024x1024xf32> to memref<4x1xf32, strided<[1024, 1], offset: ?>>
loop.func @windows(%C: memref<1024x1024xf32>, %D: memref<4x8x16xf32, strided<[?, 16, 1], offset: ?>>) attributes {num_outputs = 1 : i64} {
  %c0 = arith.constant 0 : index
  %c2 = arith.constant 2 : index
  loop.for %i = %c0 to %c2 step %c2 {
    %t = loop.subview %C[%i * 6, %i + 16] : memref<1024x1024xf32> to memref<6x16xf32, strided<[1024, 1], offset: ?>>
    %r = loop.subview %C[%i, 0] : memref<1024x1024xf32> to memref<16xf32, strided<[1], offset: ?>>
    %s = loop.subview %C[3, 2] : memref<1024x1024xf32> to memref<6x16xf32, strided<[1024, 1], offset: 3074>>
    %u = loop.subview %D[%i, 0, 0] : memref<4x8x16xf32, strided<[?, 16, 1], offset: ?>> to memref<8x16xf32, strided<[16, 1], offset: ?>>
    %v = loop.subview %C[0, %i] : memref<1024x1024xf32> to memref<4x1xf32, strided<[1024, 1], offset: ?>>
  }
  loop.return
}

// -----

/// A window of a whole local buffer may have the identity layout (offset 0, contiguous).
// CHECK-LABEL: loop.func @whole
// CHECK:         %{{.*}} = loop.subview %t[0, 0] : memref<6x16xf32, "local"> to memref<6x16xf32, "local">
loop.func @whole(%a: memref<4xf32>) attributes {num_outputs = 1 : i64} {
  %t = loop.alloc "local" : memref<6x16xf32, "local">
  %w = loop.subview %t[0, 0] : memref<6x16xf32, "local"> to memref<6x16xf32, "local">
  loop.free %t : memref<6x16xf32, "local">
  loop.return
}
