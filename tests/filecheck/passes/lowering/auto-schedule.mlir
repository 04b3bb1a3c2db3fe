// RUN: dl-opt %s -p 'te-auto-schedule{microkernel=false}' --split-input-file | filecheck %s
// RUN: dl-opt %s -p 'te-auto-schedule{parallel=false vectorize=false microkernel=false}' --split-input-file | filecheck %s --check-prefix=OFF
// microkernel=false: the rule `contraction-microkernel` depends on the host (AVX2+FMA);
// tests/unit/intrinsics/test_auto_microkernel.py checks it.

/// Elementwise (a broadcasting add): the innermost axis vectorized whole (loop-vectorize
/// picks the width), the outermost axis parallel.
// CHECK-LABEL: te.schedule @bias {
// CHECK-NEXT:    te.vectorize "Y" "j"
// CHECK-NEXT:    te.parallel "Y" "i"
// CHECK-NEXT:  }
// OFF-NOT:     te.schedule @bias
te.kernel @bias(%X: tensor<64x256xf32>, %B: tensor<256xf32>) -> tensor<64x256xf32> {
  %Y = te.compute "Y" (%i: 64, %j: 256) {
    %x = te.read %X[%i, %j] : tensor<64x256xf32> -> f32
    %b = te.read %B[%j] : tensor<256xf32> -> f32
    %y = arith.addf %x, %b : f32
    te.yield %y : f32
  } : tensor<64x256xf32>
  te.return %Y : tensor<64x256xf32>
}

// -----

/// Matmul with few rows: the reduction cache-blocked by 512 outermost, then columns in
/// blocks of 16 (two vectors) and rows in blocks of 6 (unrolled; te-to-loop peels the
/// last block of 2); each 512 x 16 panel of B packed per column block, and A's
/// 512-column block packed per reduction block.
// CHECK-LABEL: te.schedule @matmul {
// CHECK-NEXT:    te.split "C" "j" by 16 -> "jo", "ji"
// CHECK-NEXT:    te.split "C" "k" by 512 -> "ko", "ki"
// CHECK-NEXT:    te.split "C" "i" by 6 -> "io", "ii"
// CHECK-NEXT:    te.reorder "C" ["ko", "jo", "io", "ki", "ii", "ji"]
// CHECK-NEXT:    te.unroll "C" "ii"
// CHECK-NEXT:    te.vectorize "C" "ji"
// CHECK-NEXT:    te.parallel "C" "jo"
// CHECK-NEXT:    te.cache_read "B" "local" for ["C"] -> "B_local"
// CHECK-NEXT:    te.compute_at "B_local" at "C" "jo"
// CHECK-NEXT:    te.cache_read "A" "local" for ["C"] -> "A_local"
// CHECK-NEXT:    te.compute_at "A_local" at "C" "ko"
// CHECK-NEXT:  }
te.kernel @matmul(%A: tensor<128x1024xf32>, %B: tensor<1024x64xf32>) -> tensor<128x64xf32> {
  %C = te.compute "C" (%i: 128, %j: 64) reduce (%k: 1024) combiner add init 0.0 : f32 {
    %a = te.read %A[%i, %k] : tensor<128x1024xf32> -> f32
    %b = te.read %B[%k, %j] : tensor<1024x64xf32> -> f32
    %p = arith.mulf %a, %b : f32
    te.yield %p : f32
  } : tensor<128x64xf32>
  te.return %C : tensor<128x64xf32>
}

// -----

/// Matmul with many rows (the panel rule): B packed at root in panels of 16 columns
/// ([j / 16, k, j % 16]), rows in cache blocks of 192 (A's block copied there) and
/// register blocks of 6; the whole reduction inside a register block.
// CHECK-LABEL: te.schedule @panels {
// CHECK-NEXT:    te.split "C" "j" by 16 -> "jo", "ji"
// CHECK-NEXT:    te.split "C" "i" by 192 -> "io", "ii"
// CHECK-NEXT:    te.split "C" "ii" by 6 -> "iio", "iii"
// CHECK-NEXT:    te.reorder "C" ["io", "jo", "iio", "k", "iii", "ji"]
// CHECK-NEXT:    te.unroll "C" "iii"
// CHECK-NEXT:    te.vectorize "C" "ji"
// CHECK-NEXT:    te.cache_read "B" "packed" for ["C"] -> "B_packed"
// CHECK-NEXT:    te.split "B_packed" "ax1" by 16 -> "ax1o", "ax1i"
// CHECK-NEXT:    te.reorder "B_packed" ["ax1o", "ax0", "ax1i"]
// CHECK-NEXT:    te.vectorize "B_packed" "ax1i"
// CHECK-NEXT:    te.cache_read "A" "local" for ["C"] -> "A_local"
// CHECK-NEXT:    te.compute_at "A_local" at "C" "io"
// CHECK-NEXT:    te.parallel "C" "jo"
// CHECK-NEXT:  }
te.kernel @panels(%A: tensor<400x64xf32>, %B: tensor<64x32xf32>) -> tensor<400x32xf32> {
  %C = te.compute "C" (%i: 400, %j: 32) reduce (%k: 64) combiner add init 0.0 : f32 {
    %a = te.read %A[%i, %k] : tensor<400x64xf32> -> f32
    %b = te.read %B[%k, %j] : tensor<64x32xf32> -> f32
    %p = arith.mulf %a, %b : f32
    te.yield %p : f32
  } : tensor<400x32xf32>
  te.return %C : tensor<400x32xf32>
}

// -----

/// A kernel that already has a schedule keeps it: the rules never override a hand schedule.
// CHECK-LABEL: te.schedule @hand {
// CHECK-NEXT:    te.parallel "Y" "j"
// CHECK-NEXT:  }
// CHECK-NOT:   te.schedule
te.kernel @hand(%X: tensor<8x16xf32>) -> tensor<8x16xf32> {
  %Y = te.compute "Y" (%i: 8, %j: 16) {
    %x = te.read %X[%i, %j] : tensor<8x16xf32> -> f32
    te.yield %x : f32
  } : tensor<8x16xf32>
  te.return %Y : tensor<8x16xf32>
}
te.schedule @hand {
  te.parallel "Y" "j"
}

// -----

/// An intermediate stage its reader reads at one point is inlined.
// CHECK-LABEL: te.schedule @blur {
// CHECK-NEXT:    te.compute_inline "T"
// CHECK-NEXT:    te.vectorize "Y" "j"
// CHECK-NEXT:    te.parallel "Y" "i"
// CHECK-NEXT:  }
te.kernel @blur(%X: tensor<16x66xf32>) -> tensor<16x64xf32> {
  %T = te.compute "T" (%i: 16, %j: 64) {
    %c1 = arith.constant 1 : index
    %j1 = arith.addi %j, %c1 : index
    %a = te.read %X[%i, %j] : tensor<16x66xf32> -> f32
    %b = te.read %X[%i, %j1] : tensor<16x66xf32> -> f32
    %s = arith.addf %a, %b : f32
    te.yield %s : f32
  } : tensor<16x64xf32>
  %Y = te.compute "Y" (%i: 16, %j: 64) {
    %c2 = arith.constant 2 : index
    %j2 = arith.addi %j, %c2 : index
    %t = te.read %T[%i, %j] : tensor<16x64xf32> -> f32
    %c = te.read %X[%i, %j2] : tensor<16x66xf32> -> f32
    %s = arith.addf %t, %c : f32
    te.yield %s : f32
  } : tensor<16x64xf32>
  te.return %Y : tensor<16x64xf32>
}

// -----

/// A stencil's producer read at several points (rows i and i + 1) stays at root: inlined,
/// it would be recomputed at each.
// CHECK-LABEL: te.schedule @blur_rows {
// CHECK-NEXT:    te.vectorize "T" "j"
// CHECK-NEXT:    te.parallel "T" "i"
// CHECK-NEXT:    te.vectorize "Y" "j"
// CHECK-NEXT:    te.parallel "Y" "i"
// CHECK-NEXT:  }
te.kernel @blur_rows(%X: tensor<17x64xf32>) -> tensor<16x64xf32> {
  %T = te.compute "T" (%i: 17, %j: 64) {
    %a = te.read %X[%i, %j] : tensor<17x64xf32> -> f32
    %s = arith.addf %a, %a : f32
    te.yield %s : f32
  } : tensor<17x64xf32>
  %Y = te.compute "Y" (%i: 16, %j: 64) {
    %c1 = arith.constant 1 : index
    %i1 = arith.addi %i, %c1 : index
    %t = te.read %T[%i, %j] : tensor<17x64xf32> -> f32
    %u = te.read %T[%i1, %j] : tensor<17x64xf32> -> f32
    %s = arith.addf %t, %u : f32
    te.yield %s : f32
  } : tensor<16x64xf32>
  te.return %Y : tensor<16x64xf32>
}

// -----

/// A row reduction: the reduction axis split by the lanes and rfactored, so the partial
/// sums are a vector; then the lanes are summed.
// CHECK-LABEL: te.schedule @rowsum {
// CHECK-NEXT:    te.split "S" "k" by 8 -> "ko", "ki"
// CHECK-NEXT:    te.rfactor "S" "ki" -> "S_rf"
// CHECK-NEXT:    te.vectorize "S_rf" "ki"
// CHECK-NEXT:    te.parallel "S_rf" "i"
// CHECK-NEXT:    te.parallel "S" "i"
// CHECK-NEXT:  }
te.kernel @rowsum(%X: tensor<33x128xf32>) -> tensor<33xf32> {
  %S = te.compute "S" (%i: 33) reduce (%k: 128) combiner add init 0.0 : f32 {
    %x = te.read %X[%i, %k] : tensor<33x128xf32> -> f32
    te.yield %x : f32
  } : tensor<33xf32>
  te.return %S : tensor<33xf32>
}
