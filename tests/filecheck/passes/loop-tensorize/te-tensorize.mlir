// RUN: dl-opt %s -p te-to-loop,loop-tensorize --split-input-file | filecheck %s

/// te.tensorize on a 13x33 matmul tiled 6x16: the full tiles become hw.calls of the 6x16x4
/// micro-kernel's behavior; the last row of tiles (13 = 2 * 6 + 1) and the last column
/// (33 = 2 * 16 + 1) are peeled tails that stay plain loops. The init nest stays loops too.
// CHECK-LABEL: loop.func @matmul
// CHECK:         loop.for %io = %c0 to %c2 step %c1 {
// CHECK-NEXT:      loop.for %jo = %c0 to %c2 step %c1 {
// CHECK:             loop.for %ko = %c0 to %c2 step %c1 {
// CHECK-NEXT:          %a = loop.subview %A[%io * 6, %ko * 4] : memref<13x8xf32> to memref<6x4xf32, strided<[8, 1], offset: ?>>
// CHECK-NEXT:          %b = loop.subview %B[%ko * 4, %jo * 16] : memref<8x33xf32> to memref<4x16xf32, strided<[33, 1], offset: ?>>
// CHECK-NEXT:          %c = loop.subview %C[%io * 6, %jo * 16] : memref<13x33xf32> to memref<6x16xf32, strided<[33, 1], offset: ?>>
// CHECK-NEXT:          hw.call @gemm_6x16(%a, %b, %c)
// CHECK-NEXT:        }
// CHECK-NOT:     hw.call
// CHECK:         loop.for %io_1 = %c2 to %c3 step %c1 {
// CHECK-NOT:     hw.call
// CHECK:         math.fma
// CHECK-NOT:     hw.call
// CHECK:         loop.return
hw.intrinsic @gemm_6x16(%a: memref<6x4xf32, strided<[?, 1], offset: ?>>, %b: memref<4x16xf32, strided<[?, 1], offset: ?>>, %c: memref<6x16xf32, strided<[?, 1], offset: ?>>) attributes {num_outputs = 1 : i64, target = "vta"} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c6 = arith.constant 6 : index
  %c16 = arith.constant 16 : index
  loop.for %i = %c0 to %c6 step %c1 {
    loop.for %k = %c0 to %c4 step %c1 {
      loop.for %j = %c0 to %c16 step %c1 {
        %x = loop.load %a[%i, %k] : memref<6x4xf32, strided<[?, 1], offset: ?>>
        %y = loop.load %b[%k, %j] : memref<4x16xf32, strided<[?, 1], offset: ?>>
        %z = loop.load %c[%i, %j] : memref<6x16xf32, strided<[?, 1], offset: ?>>
        %p = arith.mulf %x, %y : f32
        %s = arith.addf %z, %p : f32
        loop.store %s, %c[%i, %j] : memref<6x16xf32, strided<[?, 1], offset: ?>>
      }
    }
  }
  hw.return
}
te.kernel @matmul(%A: tensor<13x8xf32>, %B: tensor<8x33xf32>) -> tensor<13x33xf32> {
  %C = te.compute "C" (%i: 13, %j: 33) reduce (%k: 8) combiner add init 0.000000e+00 : f32 {
    %a = te.read %A[%i, %k] : tensor<13x8xf32> -> f32
    %b = te.read %B[%k, %j] : tensor<8x33xf32> -> f32
    %p = arith.mulf %a, %b : f32
    te.yield %p : f32
  } : tensor<13x33xf32>
  te.return %C : tensor<13x33xf32>
}
te.schedule @matmul {
  te.tile "C" ("i", "j") by (6, 16) -> ("io", "jo", "ii", "ji")
  te.split "C" "k" by 4 -> "ko", "ki"
  te.reorder "C" ["io", "jo", "ko", "ii", "ki", "ji"]
  te.tensorize "C" "ii" with @gemm_6x16
}

// -----

/// A 3x3 NCHW conv2d with its output and input channels split by 4 and the channel
/// blocks tensorized onto a 4x4 matrix-vector intrinsic: the windows drop the unit dims
/// (rank-reducing subviews) and keep the strides of the channel dims (9 for the weights,
/// 5 * 6 = 30 for the input image, 3 * 4 = 12 for the output).
// CHECK-LABEL: loop.func @conv
// CHECK:         %w = loop.subview %W[%oo * 4, %co * 4, %ry, %rx] : memref<8x8x3x3xf32> to memref<4x4xf32, strided<[72, 9], offset: ?>>
// CHECK-NEXT:    %x_1 = loop.subview %I[%n, %co * 4, %y + %ry, %x + %rx] : memref<1x8x5x6xf32> to memref<4xf32, strided<[30], offset: ?>>
// CHECK-NEXT:    %o = loop.subview %O[%n, %oo * 4, %y, %x] : memref<1x8x3x4xf32> to memref<4xf32, strided<[12], offset: ?>>
// CHECK-NEXT:    hw.call @channels_4x4(%w, %x_1, %o) : (memref<4x4xf32, strided<[72, 9], offset: ?>>, memref<4xf32, strided<[30], offset: ?>>, memref<4xf32, strided<[12], offset: ?>>) -> ()
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
te.kernel @conv(%I: tensor<1x8x5x6xf32>, %W: tensor<8x8x3x3xf32>) -> tensor<1x8x3x4xf32> {
  %O = te.compute "O" (%n: 1, %o: 8, %y: 3, %x: 4) reduce (%c: 8, %ry: 3, %rx: 3) combiner add init 0.000000e+00 : f32 {
    %yy = arith.addi %y, %ry : index
    %xx = arith.addi %x, %rx : index
    %a = te.read %I[%n, %c, %yy, %xx] : tensor<1x8x5x6xf32> -> f32
    %b = te.read %W[%o, %c, %ry, %rx] : tensor<8x8x3x3xf32> -> f32
    %p = arith.mulf %a, %b : f32
    te.yield %p : f32
  } : tensor<1x8x3x4xf32>
  te.return %O : tensor<1x8x3x4xf32>
}
te.schedule @conv {
  te.split "O" "o" by 4 -> "oo", "oi"
  te.split "O" "c" by 4 -> "co", "ci"
  te.reorder "O" ["n", "oo", "y", "x", "co", "ry", "rx", "oi", "ci"]
  te.tensorize "O" "oi" with @channels_4x4
}

// -----

/// A cache_write "local" tile computed at C's tile loop is a behavior buffer: the
/// accumulator window is the whole 4x4 local buffer (static offset 0); its init and the
/// copy out stay loops.
// CHECK-LABEL: loop.func @tile
// CHECK:         %CL = loop.alloc "local" align 64 : memref<4x4xf32>
// CHECK:         loop.for %ko = %c0 to %c2 step %c1 {
// CHECK-NEXT:      %a = loop.subview %A[%io * 4, %ko * 4] : memref<8x8xf32> to memref<4x4xf32, strided<[8, 1], offset: ?>>
// CHECK-NEXT:      %b = loop.subview %B[%ko * 4, %jo * 4] : memref<8x12xf32> to memref<4x4xf32, strided<[12, 1], offset: ?>>
// CHECK-NEXT:      %c = loop.subview %CL[0, 0] : memref<4x4xf32> to memref<4x4xf32, strided<[4, 1]>>
// CHECK-NEXT:      hw.call @gemm_4x4x4(%a, %b, %c)
// CHECK-NEXT:    }
// CHECK-NEXT:    loop.for %ii = %c0 to %c4 step %c1 {
hw.intrinsic @gemm_4x4x4(%a: memref<4x4xf32, strided<[?, 1], offset: ?>>, %b: memref<4x4xf32, strided<[?, 1], offset: ?>>, %c: memref<4x4xf32, strided<[?, 1], offset: ?>>) attributes {num_outputs = 1 : i64, target = "vta"} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  loop.for %i = %c0 to %c4 step %c1 {
    loop.for %j = %c0 to %c4 step %c1 {
      loop.for %k = %c0 to %c4 step %c1 {
        %x = loop.load %a[%i, %k] : memref<4x4xf32, strided<[?, 1], offset: ?>>
        %y = loop.load %b[%k, %j] : memref<4x4xf32, strided<[?, 1], offset: ?>>
        %z = loop.load %c[%i, %j] : memref<4x4xf32, strided<[?, 1], offset: ?>>
        %p = arith.mulf %x, %y : f32
        %s = arith.addf %z, %p : f32
        loop.store %s, %c[%i, %j] : memref<4x4xf32, strided<[?, 1], offset: ?>>
      }
    }
  }
  hw.return
}
te.kernel @tile(%A: tensor<8x8xf32>, %B: tensor<8x12xf32>) -> tensor<8x12xf32> {
  %C = te.compute "C" (%i: 8, %j: 12) reduce (%k: 8) combiner add init 0.0 : f32 {
    %a = te.read %A[%i, %k] : tensor<8x8xf32> -> f32
    %b = te.read %B[%k, %j] : tensor<8x12xf32> -> f32
    %p = arith.mulf %a, %b : f32
    te.yield %p : f32
  } : tensor<8x12xf32>
  te.return %C : tensor<8x12xf32>
}
te.schedule @tile {
  te.cache_write "C" "local" -> "CL"
  te.tile "C" ("i", "j") by (4, 4) -> ("io", "jo", "ii", "ji")
  te.compute_at "CL" at "C" "jo"
  te.split "CL" "k" by 4 -> "ko", "ki"
  te.reorder "CL" ["ko", "i", "j", "ki"]
  te.tensorize "CL" "i" with @gemm_4x4x4
}
