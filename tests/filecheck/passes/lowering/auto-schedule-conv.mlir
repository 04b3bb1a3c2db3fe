// RUN: dl-opt %s -p graph-to-te,te-auto-schedule --split-input-file | filecheck %s

/// A 3x3 convolution, 32 output channels: the weights packed with blocks of 16 output
/// channels innermost (NCHW16c), the result a copy of 4 x 16 register tiles, each
/// computed at the column block into a buffer laid out column, channel (packed), with
/// the columns unrolled and the channels vectorized; channel blocks in parallel.
// CHECK-LABEL: te.schedule @conv2d_1x32x8x12xf32 {
// CHECK-NEXT:    te.parallel "pad" "c"
// CHECK-NEXT:    te.cache_read "X1" "packed" for ["Y"] -> "X1_packed"
// CHECK-NEXT:    te.split "X1_packed" "ax0" by 16 -> "ax0o", "ax0i"
// CHECK-NEXT:    te.reorder "X1_packed" ["ax0o", "ax1", "ax2", "ax3", "ax0i"]
// CHECK-NEXT:    te.cache_write "Y" "packed" -> "Y_packed"
// CHECK-NEXT:    te.split "Y" "o" by 16 -> "oo", "oi"
// CHECK-NEXT:    te.split "Y" "x" by 4 -> "xo", "xi"
// CHECK-NEXT:    te.reorder "Y" ["n", "oo", "y", "xo", "oi", "xi"]
// CHECK-NEXT:    te.compute_at "Y_packed" at "Y" "xo"
// CHECK-NEXT:    te.reorder "Y_packed" ["n", "y", "rc", "ry", "rx", "x", "o"]
// CHECK-NEXT:    te.unroll "Y_packed" "x"
// CHECK-NEXT:    te.vectorize "Y_packed" "o"
// CHECK-NEXT:    te.parallel "Y" "oo"
// CHECK-NEXT:  }
graph.func @conv(%x: tensor<1x8x8x12xf32>, %w: tensor<32x8x3x3xf32>) -> tensor<1x32x8x12xf32> {
  %y = graph.conv2d %x, %w pads [1, 1, 1, 1] : (tensor<1x8x8x12xf32>, tensor<32x8x3x3xf32>) -> tensor<1x32x8x12xf32>
  graph.return %y : tensor<1x32x8x12xf32>
}

// -----

/// A 1x1 convolution with 8 output channels (one vector) and a row of 7: the weights in
/// blocks of 8, a tile of the 7 columns (a short row: 7 accumulators of 8 channels).
// CHECK-LABEL: te.schedule @conv2d_1x8x5x7xf32 {
// CHECK-NEXT:    te.cache_read "X1" "packed" for ["Y"] -> "X1_packed"
// CHECK-NEXT:    te.split "X1_packed" "ax0" by 8 -> "ax0o", "ax0i"
// CHECK-NEXT:    te.reorder "X1_packed" ["ax0o", "ax1", "ax2", "ax3", "ax0i"]
// CHECK-NEXT:    te.cache_write "Y" "packed" -> "Y_packed"
// CHECK-NEXT:    te.split "Y" "o" by 8 -> "oo", "oi"
// CHECK-NEXT:    te.split "Y" "x" by 7 -> "xo", "xi"
// CHECK-NEXT:    te.reorder "Y" ["n", "oo", "y", "xo", "oi", "xi"]
// CHECK-NEXT:    te.compute_at "Y_packed" at "Y" "xo"
// CHECK-NEXT:    te.reorder "Y_packed" ["n", "y", "rc", "ry", "rx", "x", "o"]
// CHECK-NEXT:    te.unroll "Y_packed" "x"
// CHECK-NEXT:    te.vectorize "Y_packed" "o"
// CHECK-NEXT:    te.parallel "Y" "y"
// CHECK-NEXT:  }
graph.func @conv(%x: tensor<1x3x5x7xf32>, %w: tensor<8x3x1x1xf32>) -> tensor<1x8x5x7xf32> {
  %y = graph.conv2d %x, %w : (tensor<1x3x5x7xf32>, tensor<8x3x1x1xf32>) -> tensor<1x8x5x7xf32>
  graph.return %y : tensor<1x8x5x7xf32>
}

// -----

/// 12 output channels are not a multiple of the 8 lanes: the column-vector rule.
// CHECK-LABEL: te.schedule @conv2d_1x12x8x16xf32 {
// CHECK-NOT:     "packed"
// CHECK:         te.split "Y" "x" by 8 -> "xo", "xi"
// CHECK-NEXT:    te.split "Y" "o" by 4 -> "oo", "oi"
graph.func @conv(%x: tensor<1x4x8x16xf32>, %w: tensor<12x4x3x3xf32>) -> tensor<1x12x8x16xf32> {
  %y = graph.conv2d %x, %w pads [1, 1, 1, 1] : (tensor<1x4x8x16xf32>, tensor<12x4x3x3xf32>) -> tensor<1x12x8x16xf32>
  graph.return %y : tensor<1x12x8x16xf32>
}
