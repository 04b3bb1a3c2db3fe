// RUN: dl-opt %s -p graph-to-te,te-auto-schedule --split-input-file | filecheck %s

/// Softmax: every statistic computed at Y's row loop (a row is read from memory once);
/// max and sum rfactored into 4 vectors of partial results; exp stored per row, once.
/// (1000 is no multiple of 16: exp and Y are vectorized whole, with a tail.)
// CHECK-LABEL: te.schedule @softmax_64x1000xf32 {
// CHECK-NEXT:    te.vectorize "Y" "i1"
// CHECK-NEXT:    te.parallel "Y" "i0"
// CHECK-NEXT:    te.split "sum" "r1" by 32 -> "r1o", "r1i"
// CHECK-NEXT:    te.rfactor "sum" "r1i" -> "sum_rf"
// CHECK-NEXT:    te.vectorize "sum_rf" "r1i"
// CHECK-NEXT:    te.compute_at "sum_rf" at "sum" "i0"
// CHECK-NEXT:    te.compute_at "sum" at "Y" "i0"
// CHECK-NEXT:    te.vectorize "exp" "i1"
// CHECK-NEXT:    te.compute_at "exp" at "Y" "i0"
// CHECK-NEXT:    te.split "max" "r1" by 32 -> "r1o", "r1i"
// CHECK-NEXT:    te.rfactor "max" "r1i" -> "max_rf"
// CHECK-NEXT:    te.vectorize "max_rf" "r1i"
// CHECK-NEXT:    te.compute_at "max_rf" at "max" "i0"
// CHECK-NEXT:    te.compute_at "max" at "exp" "i0"
// CHECK-NEXT:  }
graph.func @softmax(%x: tensor<64x1000xf32>) -> tensor<64x1000xf32> {
  %y = graph.softmax %x : tensor<64x1000xf32>
  graph.return %y : tensor<64x1000xf32>
}

// -----

/// layer_norm: the mean and the factor 1/std per row at Y's row loop (i1), each sum
/// computed at the row of its reader; Y's rows 4 vectors (32 lanes) per iteration.
// CHECK-LABEL: te.schedule @layer_norm_8x128x768xf32 {
// CHECK-NEXT:    te.split "Y" "i2" by 32 -> "i2o", "i2i"
// CHECK-NEXT:    te.vectorize "Y" "i2i"
// CHECK-NEXT:    te.parallel "Y" "i0"
// CHECK-NEXT:    te.compute_at "rstd" at "Y" "i1"
// CHECK-NEXT:    te.split "sqdev" "r2" by 32 -> "r2o", "r2i"
// CHECK-NEXT:    te.rfactor "sqdev" "r2i" -> "sqdev_rf"
// CHECK-NEXT:    te.vectorize "sqdev_rf" "r2i"
// CHECK-NEXT:    te.compute_at "sqdev_rf" at "sqdev" "i1"
// CHECK-NEXT:    te.compute_at "sqdev" at "rstd" "i1"
// CHECK-NEXT:    te.compute_at "mean" at "Y" "i1"
// CHECK-NEXT:    te.split "sum" "r2" by 32 -> "r2o", "r2i"
// CHECK-NEXT:    te.rfactor "sum" "r2i" -> "sum_rf"
// CHECK-NEXT:    te.vectorize "sum_rf" "r2i"
// CHECK-NEXT:    te.compute_at "sum_rf" at "sum" "i1"
// CHECK-NEXT:    te.compute_at "sum" at "mean" "i1"
// CHECK-NEXT:  }
graph.func @layer_norm(%x: tensor<8x128x768xf32>, %g: tensor<768xf32>, %b: tensor<768xf32>) -> tensor<8x128x768xf32> {
  %y = graph.layer_norm %x, %g, %b axis -1 epsilon 1.0e-05 : (tensor<8x128x768xf32>, tensor<768xf32>, tensor<768xf32>) -> tensor<8x128x768xf32>
  graph.return %y : tensor<8x128x768xf32>
}

// -----

/// Softmax over the outer axis of a 3-d tensor: Y runs the rows (i1) outside the
/// normalised axis (i0) and vectorizes the contiguous innermost one (i2); the
/// statistics are vectors along i2, reduced over i0 at each row.
// CHECK-LABEL: te.schedule @softmax_5x7x33xf32 {
// CHECK-NEXT:    te.reorder "Y" ["i1", "i0", "i2"]
// CHECK-NEXT:    te.vectorize "Y" "i2"
// CHECK-NEXT:    te.parallel "Y" "i1"
// CHECK-NEXT:    te.reorder "sum" ["i1", "r0", "i2"]
// CHECK-NEXT:    te.vectorize "sum" "i2"
// CHECK-NEXT:    te.compute_at "sum" at "Y" "i1"
// CHECK:         te.compute_at "exp" at "Y" "i1"
// CHECK:         te.compute_at "max" at "exp" "i1"
// CHECK-NEXT:  }
graph.func @softmax_axis0(%x: tensor<5x7x33xf32>) -> tensor<5x7x33xf32> {
  %y = graph.softmax %x axis 0 : tensor<5x7x33xf32>
  graph.return %y : tensor<5x7x33xf32>
}

// -----

/// Average pooling: the window sums of one output row computed at that row (a row
/// buffer instead of a full-size intermediate), vectorized along the row.
// CHECK-LABEL: te.schedule @avg_pool2d_1x8x14x14xf32 {
// CHECK-NEXT:    te.vectorize "Y" "x"
// CHECK-NEXT:    te.parallel "Y" "c"
// CHECK-NEXT:    te.reorder "sum" ["n", "c", "y", "ry", "rx", "x"]
// CHECK-NEXT:    te.vectorize "sum" "x"
// CHECK-NEXT:    te.compute_at "sum" at "Y" "y"
// CHECK-NEXT:  }
graph.func @avg_pool(%x: tensor<1x8x16x16xf32>) -> tensor<1x8x14x14xf32> {
  %y = graph.avg_pool2d %x kernel [3, 3] : tensor<1x8x16x16xf32> -> tensor<1x8x14x14xf32>
  graph.return %y : tensor<1x8x14x14xf32>
}
