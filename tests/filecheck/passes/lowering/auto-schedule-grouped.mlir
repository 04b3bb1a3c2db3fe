// RUN: dl-opt %s -p graph-to-te,te-auto-schedule --split-input-file | filecheck %s

/// A depthwise 3x3 convolution (groups = channels): 4 channels (unrolled) x 8 columns
/// (vectorized) per register block, summing the whole window in registers; the row of
/// 14 is a block of 8 and a peeled one of 6; channel blocks in parallel.
// CHECK-LABEL: te.schedule @conv2d_1x16x14x14xf32 {
// CHECK-NEXT:    te.parallel "pad" "c"
// CHECK-NEXT:    te.split "Y" "x" by 8 -> "xo", "xi"
// CHECK-NEXT:    te.split "Y" "o" by 4 -> "oo", "oi"
// CHECK-NEXT:    te.reorder "Y" ["n", "oo", "y", "xo", "rc", "ry", "rx", "oi", "xi"]
// CHECK-NEXT:    te.unroll "Y" "oi"
// CHECK-NEXT:    te.vectorize "Y" "xi"
// CHECK-NEXT:    te.parallel "Y" "oo"
// CHECK-NEXT:  }
graph.func @depthwise(%x: tensor<1x16x14x14xf32>, %w: tensor<16x1x3x3xf32>) -> tensor<1x16x14x14xf32> {
  %y = graph.conv2d %x, %w pads [1, 1, 1, 1] groups 16 : (tensor<1x16x14x14xf32>, tensor<16x1x3x3xf32>) -> tensor<1x16x14x14xf32>
  graph.return %y : tensor<1x16x14x14xf32>
}

// -----

/// Two groups of 32 channels: each a dense convolution with the blocked tile (NCHW16c
/// weights, 4 columns x 16 channels), o split by the group first, so that the input
/// channel (o floordiv 32) * 16 + rc is the group's loop index in every tile.
// CHECK-LABEL: te.schedule @conv2d_1x64x6x6xf32 {
// CHECK-NEXT:    te.parallel "pad" "c"
// CHECK-NEXT:    te.cache_read "X1" "packed" for ["Y"] -> "X1_packed"
// CHECK-NEXT:    te.split "X1_packed" "ax0" by 16 -> "ax0o", "ax0i"
// CHECK-NEXT:    te.reorder "X1_packed" ["ax0o", "ax1", "ax2", "ax3", "ax0i"]
// CHECK-NEXT:    te.cache_write "Y" "packed" -> "Y_packed"
// CHECK-NEXT:    te.split "Y" "o" by 32 -> "oo", "oi"
// CHECK-NEXT:    te.split "Y" "oi" by 16 -> "oio", "oii"
// CHECK-NEXT:    te.split "Y" "x" by 4 -> "xo", "xi"
// CHECK-NEXT:    te.reorder "Y" ["n", "oo", "oio", "y", "xo", "oii", "xi"]
// CHECK-NEXT:    te.compute_at "Y_packed" at "Y" "xo"
// CHECK-NEXT:    te.reorder "Y_packed" ["n", "y", "rc", "ry", "rx", "x", "o"]
// CHECK-NEXT:    te.unroll "Y_packed" "x"
// CHECK-NEXT:    te.vectorize "Y_packed" "o"
// CHECK-NEXT:    te.parallel "Y" "oo"
// CHECK-NEXT:  }
graph.func @grouped(%x: tensor<1x32x6x6xf32>, %w: tensor<64x16x3x3xf32>) -> tensor<1x64x6x6xf32> {
  %y = graph.conv2d %x, %w pads [1, 1, 1, 1] groups 2 : (tensor<1x32x6x6xf32>, tensor<64x16x3x3xf32>) -> tensor<1x64x6x6xf32>
  graph.return %y : tensor<1x64x6x6xf32>
}

// -----

/// A batch-1 dense layer: B streamed in place (no packed panel), 8 rows at a time into
/// 32 columns of accumulators; chunks of 1024 columns in parallel.
// CHECK-LABEL: te.schedule @matmul_1x2050xf32 {
// CHECK-NEXT:    te.split "Y" "j" by 1024 -> "jo", "ji"
// CHECK-NEXT:    te.split "Y" "ji" by 32 -> "jio", "jii"
// CHECK-NEXT:    te.split "Y" "k" by 8 -> "ko", "ki"
// CHECK-NEXT:    te.reorder "Y" ["i", "jo", "ko", "jio", "ki", "jii"]
// CHECK-NEXT:    te.vectorize "Y" "jii"
// CHECK-NEXT:    te.parallel "Y" "jo"
// CHECK-NEXT:  }
// CHECK-NOT:   te.cache_read
graph.func @dense(%x: tensor<1x64xf32>, %w: tensor<64x2050xf32>) -> tensor<1x2050xf32> {
  %y = graph.matmul %x, %w : (tensor<1x64xf32>, tensor<64x2050xf32>) -> tensor<1x2050xf32>
  graph.return %y : tensor<1x2050xf32>
}
