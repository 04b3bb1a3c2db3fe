// RUN: dl-opt %s -p te-to-loop --split-input-file | filecheck %s

/// A "packed" cache stage is laid out in the order of its loops: cache_read of the weights
/// split by 16 output channels, the block innermost (NCHW16c), and a cache_write tile
/// laid out column, channel. Readers split the same way read them at affine indices
/// (`o floordiv 16` folds to `oo`, `o mod 16` to the vector loop).
// CHECK-LABEL: loop.func @conv
// CHECK:         %[[WP:.*]] = loop.alloc "packed" align 64 : memref<2x8x3x3x16xf32>
// CHECK:         loop.for %[[AX0O:.*]] = %{{.*}} to %{{.*}} step
// CHECK:         loop.for %[[AX1:.*]] = %{{.*}} to %{{.*}} step
// CHECK:         loop.for %[[AX2:.*]] = %{{.*}} to %{{.*}} step
// CHECK:         loop.for %[[AX3:.*]] = %{{.*}} to %{{.*}} step
// CHECK:         loop.for %[[AX0I:.*]] = %{{.*}} to %{{.*}} step
// CHECK-NEXT:      %[[W:.*]] = loop.load %W[%[[AX0O]] * 16 + %[[AX0I]], %[[AX1]], %[[AX2]], %[[AX3]]] : memref<32x8x3x3xf32>
// CHECK-NEXT:      loop.store %[[W]], %[[WP]][%[[AX0O]], %[[AX1]], %[[AX2]], %[[AX3]], %[[AX0I]]] : memref<2x8x3x3x16xf32>
// CHECK:         loop.for %[[OO:oo]] = %{{.*}} to %{{.*}} step
// CHECK:         %[[YP:.*]] = loop.alloc "packed" align 64 : memref<1x1x4x16xf32>
// CHECK:         loop.for %[[RC:rc]] = %{{.*}} to %{{.*}} step
// CHECK-NEXT:      loop.for %[[RY:ry]] = %{{.*}} to %{{.*}} step
// CHECK-NEXT:        loop.for %[[RX:rx]] = %{{.*}} to %{{.*}} step
// CHECK-NEXT:          loop.for %[[X:.*]] = %{{.*}} to %{{.*}} step %{{.*}} unrolled {
// CHECK-NEXT:            %[[A:.*]] = loop.load %X
// CHECK-NEXT:            loop.for %[[O:.*]] = %{{.*}} to %{{.*}} step %{{.*}} vectorized<16> {
// CHECK-NEXT:              %[[B:.*]] = loop.load %[[WP]][%[[OO]], %[[RC]], %[[RY]], %[[RX]], %[[O]]] : memref<2x8x3x3x16xf32>
// CHECK-NEXT:              %[[ACC:.*]] = loop.load %[[YP]][%{{.*}}, %{{.*}}, %[[X]], %[[O]]] : memref<1x1x4x16xf32>
// CHECK-NEXT:              %[[FMA:.*]] = math.fma %[[A]], %[[B]], %[[ACC]] : f32
// CHECK-NEXT:              loop.store %[[FMA]], %[[YP]][%{{.*}}, %{{.*}}, %[[X]], %[[O]]] : memref<1x1x4x16xf32>
// CHECK:         loop.for %[[OI:oi]] = %{{.*}} to %{{.*}} step
// CHECK-NEXT:      loop.for %[[XI:xi]] = %{{.*}} to %{{.*}} step
// CHECK-NEXT:        %[[T:.*]] = loop.load %[[YP]][0, 0, %[[XI]], %[[OI]]] : memref<1x1x4x16xf32>
// CHECK-NEXT:        loop.store %[[T]], %Y[%{{.*}}, %[[OO]] * 16 + %[[OI]], %{{.*}}, %{{.*}} * 4 + %[[XI]]] : memref<1x32x4x4xf32>
te.kernel @conv(%X: tensor<1x8x6x6xf32>, %W: tensor<32x8x3x3xf32>) -> tensor<1x32x4x4xf32> {
  %Y = te.compute "Y" (%n: 1, %o: 32, %y: 4, %x: 4) reduce (%rc: 8, %ry: 3, %rx: 3) combiner add init 0.0 : f32 {
    %yy = arith.addi %y, %ry : index
    %xx = arith.addi %x, %rx : index
    %a = te.read %X[%n, %rc, %yy, %xx] : tensor<1x8x6x6xf32> -> f32
    %b = te.read %W[%o, %rc, %ry, %rx] : tensor<32x8x3x3xf32> -> f32
    %m = arith.mulf %a, %b : f32
    te.yield %m : f32
  } : tensor<1x32x4x4xf32>
  te.return %Y : tensor<1x32x4x4xf32>
}
te.schedule @conv {
  te.cache_read "W" "packed" for ["Y"] -> "Wp"
  te.split "Wp" "ax0" by 16 -> "ax0o", "ax0i"
  te.reorder "Wp" ["ax0o", "ax1", "ax2", "ax3", "ax0i"]
  te.cache_write "Y" "packed" -> "YP"
  te.split "Y" "o" by 16 -> "oo", "oi"
  te.split "Y" "x" by 4 -> "xo", "xi"
  te.reorder "Y" ["n", "oo", "y", "xo", "oi", "xi"]
  te.compute_at "YP" at "Y" "xo"
  te.reorder "YP" ["n", "y", "rc", "ry", "rx", "x", "o"]
  te.unroll "YP" "x"
  te.vectorize "YP" "o"
}

// -----

/// A reader that splits differently (by 4, the packed dim by 3) keeps the division, as an
/// affine floordiv and mod of its loops.
// CHECK-LABEL: loop.func @mismatch
// CHECK:         %[[WP:.*]] = loop.alloc "packed" align 64 : memref<4x8x3xf32>
// CHECK:         loop.load %[[WP]][(%oo * 4 + %oi) floordiv 3, %c, (%oo * 4 + %oi) mod 3] : memref<4x8x3xf32>
te.kernel @mismatch(%X: tensor<6x8xf32>, %W: tensor<12x8xf32>) -> tensor<6x12xf32> {
  %Y = te.compute "Y" (%i: 6, %o: 12) reduce (%c: 8) combiner add init 0.0 : f32 {
    %a = te.read %X[%i, %c] : tensor<6x8xf32> -> f32
    %b = te.read %W[%o, %c] : tensor<12x8xf32> -> f32
    %m = arith.mulf %a, %b : f32
    te.yield %m : f32
  } : tensor<6x12xf32>
  te.return %Y : tensor<6x12xf32>
}
te.schedule @mismatch {
  te.cache_read "W" "packed" for ["Y"] -> "Wp"
  te.split "Wp" "ax0" by 3 -> "ax0o", "ax0i"
  te.reorder "Wp" ["ax0o", "ax1", "ax0i"]
  te.split "Y" "o" by 4 -> "oo", "oi"
}
