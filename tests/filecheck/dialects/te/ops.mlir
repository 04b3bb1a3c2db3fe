// RUN: DL_ROUNDTRIP

/// Round trip of the te dialect: kernels of te.compute stages, and schedules.
/// te.kernel and te.compute have hand-written syntax; the other ops use assembly_format.

/// Check a matmul: a stage with a reduction axis, an add combiner and its init value.
// CHECK-LABEL: te.kernel @matmul(%A: tensor<64x32xf32>, %B: tensor<32x16xf32>) -> tensor<64x16xf32> {
// CHECK-NEXT:    %C = te.compute "C" (%i: 64, %j: 16) reduce (%k: 32) combiner add init 0.000000e+00 : f32 {
// CHECK-NEXT:      %a = te.read %A[%i, %k] : tensor<64x32xf32> -> f32
// CHECK-NEXT:      %b = te.read %B[%k, %j] : tensor<32x16xf32> -> f32
// CHECK-NEXT:      %p = arith.mulf %a, %b : f32
// CHECK-NEXT:      te.yield %p : f32
// CHECK-NEXT:    } : tensor<64x16xf32>
// CHECK-NEXT:    te.return %C : tensor<64x16xf32>
// CHECK-NEXT:  }
te.kernel @matmul(%A: tensor<64x32xf32>, %B: tensor<32x16xf32>) -> tensor<64x16xf32> {
  %C = te.compute "C" (%i: 64, %j: 16) reduce (%k: 32) combiner add init 0.0 : f32 {
    %a = te.read %A[%i, %k] : tensor<64x32xf32> -> f32
    %b = te.read %B[%k, %j] : tensor<32x16xf32> -> f32
    %p = arith.mulf %a, %b : f32
    te.yield %p : f32
  } : tensor<64x16xf32>
  te.return %C : tensor<64x16xf32>
}

// -----

/// Check an elementwise chain: each stage reads the previous one, and every stage
/// names its indices i, j (each stage body is its own naming scope).
// CHECK-LABEL: te.kernel @add_relu_exp(%X: tensor<8x16xf32>, %Y: tensor<8x16xf32>) -> tensor<8x16xf32> {
// CHECK-NEXT:    %S = te.compute "S" (%i: 8, %j: 16) {
// CHECK-NEXT:      %x = te.read %X[%i, %j] : tensor<8x16xf32> -> f32
// CHECK-NEXT:      %y = te.read %Y[%i, %j] : tensor<8x16xf32> -> f32
// CHECK-NEXT:      %s = arith.addf %x, %y : f32
// CHECK-NEXT:      te.yield %s : f32
// CHECK-NEXT:    } : tensor<8x16xf32>
// CHECK-NEXT:    %R = te.compute "R" (%i: 8, %j: 16) {
// CHECK-NEXT:      %s = te.read %S[%i, %j] : tensor<8x16xf32> -> f32
// CHECK-NEXT:      %zero = arith.constant 0.000000e+00 : f32
// CHECK-NEXT:      %r = arith.maximumf %s, %zero : f32
// CHECK-NEXT:      te.yield %r : f32
// CHECK-NEXT:    } : tensor<8x16xf32>
// CHECK-NEXT:    %E = te.compute "E" (%i: 8, %j: 16) {
// CHECK-NEXT:      %r = te.read %R[%i, %j] : tensor<8x16xf32> -> f32
// CHECK-NEXT:      %e = math.exp %r : f32
// CHECK-NEXT:      te.yield %e : f32
// CHECK-NEXT:    } : tensor<8x16xf32>
// CHECK-NEXT:    te.return %E : tensor<8x16xf32>
// CHECK-NEXT:  }
te.kernel @add_relu_exp(%X: tensor<8x16xf32>, %Y: tensor<8x16xf32>) -> tensor<8x16xf32> {
  %S = te.compute "S" (%i: 8, %j: 16) {
    %x = te.read %X[%i, %j] : tensor<8x16xf32> -> f32
    %y = te.read %Y[%i, %j] : tensor<8x16xf32> -> f32
    %s = arith.addf %x, %y : f32
    te.yield %s : f32
  } : tensor<8x16xf32>
  %R = te.compute "R" (%i: 8, %j: 16) {
    %s = te.read %S[%i, %j] : tensor<8x16xf32> -> f32
    %zero = arith.constant 0.000000e+00 : f32
    %r = arith.maximumf %s, %zero : f32
    te.yield %r : f32
  } : tensor<8x16xf32>
  %E = te.compute "E" (%i: 8, %j: 16) {
    %r = te.read %R[%i, %j] : tensor<8x16xf32> -> f32
    %e = math.exp %r : f32
    te.yield %e : f32
  } : tensor<8x16xf32>
  te.return %E : tensor<8x16xf32>
}

// -----

/// Check a stencil: a 1x3 blur reads A at index expressions j, j+1, j+2.
// CHECK-LABEL: te.kernel @blur(%A: tensor<32x34xf32>) -> tensor<32x32xf32> {
// CHECK-NEXT:    %B = te.compute "B" (%y: 32, %x: 32) {
// CHECK-NEXT:      %c1 = arith.constant 1 : index
// CHECK-NEXT:      %c2 = arith.constant 2 : index
// CHECK-NEXT:      %x1 = arith.addi %x, %c1 : index
// CHECK-NEXT:      %x2 = arith.addi %x, %c2 : index
// CHECK-NEXT:      %a0 = te.read %A[%y, %x] : tensor<32x34xf32> -> f32
// CHECK-NEXT:      %a1 = te.read %A[%y, %x1] : tensor<32x34xf32> -> f32
// CHECK-NEXT:      %a2 = te.read %A[%y, %x2] : tensor<32x34xf32> -> f32
// CHECK-NEXT:      %s0 = arith.addf %a0, %a1 : f32
// CHECK-NEXT:      %s1 = arith.addf %s0, %a2 : f32
// CHECK-NEXT:      %third = arith.constant 3.000000e+00 : f32
// CHECK-NEXT:      %b = arith.divf %s1, %third : f32
// CHECK-NEXT:      te.yield %b : f32
// CHECK-NEXT:    } : tensor<32x32xf32>
// CHECK-NEXT:    te.return %B : tensor<32x32xf32>
// CHECK-NEXT:  }
te.kernel @blur(%A: tensor<32x34xf32>) -> tensor<32x32xf32> {
  %B = te.compute "B" (%y: 32, %x: 32) {
    %c1 = arith.constant 1 : index
    %c2 = arith.constant 2 : index
    %x1 = arith.addi %x, %c1 : index
    %x2 = arith.addi %x, %c2 : index
    %a0 = te.read %A[%y, %x] : tensor<32x34xf32> -> f32
    %a1 = te.read %A[%y, %x1] : tensor<32x34xf32> -> f32
    %a2 = te.read %A[%y, %x2] : tensor<32x34xf32> -> f32
    %s0 = arith.addf %a0, %a1 : f32
    %s1 = arith.addf %s0, %a2 : f32
    %third = arith.constant 3.000000e+00 : f32
    %b = arith.divf %s1, %third : f32
    te.yield %b : f32
  } : tensor<32x32xf32>
  te.return %B : tensor<32x32xf32>
}

// -----

/// Check a row maximum: a max combiner whose init is -inf (printed in hex).
// CHECK-LABEL: te.kernel @row_max(%A: tensor<16x128xf32>) -> tensor<16xf32> {
// CHECK-NEXT:    %M = te.compute "M" (%i: 16) reduce (%k: 128) combiner max init 0xff800000 : f32 {
// CHECK-NEXT:      %a = te.read %A[%i, %k] : tensor<16x128xf32> -> f32
// CHECK-NEXT:      te.yield %a : f32
// CHECK-NEXT:    } : tensor<16xf32>
// CHECK-NEXT:    te.return %M : tensor<16xf32>
// CHECK-NEXT:  }
te.kernel @row_max(%A: tensor<16x128xf32>) -> tensor<16xf32> {
  %M = te.compute "M" (%i: 16) reduce (%k: 128) combiner max init 0xFF800000 : f32 {
    %a = te.read %A[%i, %k] : tensor<16x128xf32> -> f32
    te.yield %a : f32
  } : tensor<16xf32>
  te.return %M : tensor<16xf32>
}

// -----

/// Check index arithmetic (divsi, remsi, muli, subi, cmpi, select), an integer min
/// reduction over two axes to a rank-0 result, mul, discardable attributes and a
/// private kernel with two results.
// CHECK-LABEL: te.kernel private @index_math(%A: tensor<4x8xi32>) -> (tensor<8x4xi32>, tensor<i32>) {
// CHECK-NEXT:    %T = te.compute "T" (%r: 8, %c: 4) attributes {note = "transpose via flat index"} {
// CHECK-NEXT:      %four = arith.constant 4 : index
// CHECK-NEXT:      %eight = arith.constant 8 : index
// CHECK-NEXT:      %flat = arith.muli %c, %eight : index
// CHECK-NEXT:      %flat2 = arith.addi %flat, %r : index
// CHECK-NEXT:      %row = arith.divsi %flat2, %eight : index
// CHECK-NEXT:      %col = arith.remsi %flat2, %eight : index
// CHECK-NEXT:      %last = arith.subi %eight, %r : index
// CHECK-NEXT:      %in = arith.cmpi slt, %last, %four : index
// CHECK-NEXT:      %col2 = arith.select %in, %col, %r : index
// CHECK-NEXT:      %a = te.read %A[%row, %col2] : tensor<4x8xi32> -> i32
// CHECK-NEXT:      te.yield %a : i32
// CHECK-NEXT:    } : tensor<8x4xi32>
// CHECK-NEXT:    %P = te.compute "P" () reduce (%r: 8, %c: 4) combiner min init 2147483647 : i32 {
// CHECK-NEXT:      %t = te.read %T[%r, %c] : tensor<8x4xi32> -> i32
// CHECK-NEXT:      %sq = arith.muli %t, %t : i32
// CHECK-NEXT:      te.yield %sq : i32
// CHECK-NEXT:    } : tensor<i32>
// CHECK-NEXT:    te.return %T, %P : tensor<8x4xi32>, tensor<i32>
// CHECK-NEXT:  }
te.kernel private @index_math(%A: tensor<4x8xi32>) -> (tensor<8x4xi32>, tensor<i32>) {
  %T = te.compute "T" (%r: 8, %c: 4) attributes {note = "transpose via flat index"} {
    %four = arith.constant 4 : index
    %eight = arith.constant 8 : index
    %flat = arith.muli %c, %eight : index
    %flat2 = arith.addi %flat, %r : index
    %row = arith.divsi %flat2, %eight : index
    %col = arith.remsi %flat2, %eight : index
    %last = arith.subi %eight, %r : index
    %in = arith.cmpi slt, %last, %four : index
    %col2 = arith.select %in, %col, %r : index
    %a = te.read %A[%row, %col2] : tensor<4x8xi32> -> i32
    te.yield %a : i32
  } : tensor<8x4xi32>
  %P = te.compute "P" () reduce (%r: 8, %c: 4) combiner min init 2147483647 : i32 {
    %t = te.read %T[%r, %c] : tensor<8x4xi32> -> i32
    %sq = arith.muli %t, %t : i32
    te.yield %sq : i32
  } : tensor<i32>
  te.return %T, %P : tensor<8x4xi32>, tensor<i32>
}

// -----

/// Check a schedule that uses every primitive, on a kernel with an inlinable scaling
/// stage, a producer stage, a matmul stage and a relu stage. The tensorize intrinsic may be
/// any op with that sym_name (here a func.func declaration).
// CHECK-LABEL: te.kernel @mm_relu
// CHECK:       func.func private @gemm_4x4()
// CHECK-NEXT:  te.schedule @mm_relu {
// CHECK-NEXT:    te.compute_inline "Ws"
// CHECK-NEXT:    te.cache_read "A" "shared" for ["P"] -> "A_shared"
// CHECK-NEXT:    te.cache_write "C" "local" -> "C_local"
// CHECK-NEXT:    te.split "C_local" "k" by 16 -> "ko", "ki"
// CHECK-NEXT:    te.rfactor "C_local" "ki" -> "C_rf"
// CHECK-NEXT:    te.reorder "C_rf" ["ki", "ko"]
// CHECK-NEXT:    te.tile "D" ("i", "j") by (16, 16) -> ("io", "jo", "ii", "ji")
// CHECK-NEXT:    te.fuse "D" ("io", "jo") -> "ijo"
// CHECK-NEXT:    te.parallel "D" "ijo"
// CHECK-NEXT:    te.vectorize "D" "ji"
// CHECK-NEXT:    te.unroll "D" "ii" by 4
// CHECK-NEXT:    te.unroll "C_rf" "ki"
// CHECK-NEXT:    te.compute_at "C" at "D" "ijo"
// CHECK-NEXT:    te.compute_at "P" at "C_rf" "j"
// CHECK-NEXT:    te.store_at "P" at "C_rf" "i"
// CHECK-NEXT:    te.compute_root "A_shared"
// CHECK-NEXT:    te.tensorize "C_local" "j" with @gemm_4x4 {note = "4x4 micro-kernel"}
// CHECK-NEXT:  }
te.kernel @mm_relu(%A: tensor<64x64xf32>, %W: tensor<64x64xf32>) -> tensor<64x64xf32> {
  %Ws = te.compute "Ws" (%i: 64, %j: 64) {
    %w = te.read %W[%i, %j] : tensor<64x64xf32> -> f32
    %half = arith.constant 5.000000e-01 : f32
    %s = arith.mulf %w, %half : f32
    te.yield %s : f32
  } : tensor<64x64xf32>
  %P = te.compute "P" (%i: 64, %j: 64) {
    %a = te.read %A[%i, %j] : tensor<64x64xf32> -> f32
    %one = arith.constant 1.000000e+00 : f32
    %p = arith.addf %a, %one : f32
    te.yield %p : f32
  } : tensor<64x64xf32>
  %C = te.compute "C" (%i: 64, %j: 64) reduce (%k: 64) combiner add init 0.000000e+00 : f32 {
    %p = te.read %P[%i, %k] : tensor<64x64xf32> -> f32
    %w = te.read %Ws[%k, %j] : tensor<64x64xf32> -> f32
    %m = arith.mulf %p, %w : f32
    te.yield %m : f32
  } : tensor<64x64xf32>
  %D = te.compute "D" (%i: 64, %j: 64) {
    %c = te.read %C[%i, %j] : tensor<64x64xf32> -> f32
    %zero = arith.constant 0.000000e+00 : f32
    %r = arith.maximumf %c, %zero : f32
    te.yield %r : f32
  } : tensor<64x64xf32>
  te.return %D : tensor<64x64xf32>
}
func.func private @gemm_4x4()
te.schedule @mm_relu {
  te.compute_inline "Ws"
  te.cache_read "A" "shared" for ["P"] -> "A_shared"
  te.cache_write "C" "local" -> "C_local"
  te.split "C_local" "k" by 16 -> "ko", "ki"
  te.rfactor "C_local" "ki" -> "C_rf"
  te.reorder "C_rf" ["ki", "ko"]
  te.tile "D" ("i", "j") by (16, 16) -> ("io", "jo", "ii", "ji")
  te.fuse "D" ("io", "jo") -> "ijo"
  te.parallel "D" "ijo"
  te.vectorize "D" "ji"
  te.unroll "D" "ii" by 4
  te.unroll "C_rf" "ki"
  te.compute_at "C" at "D" "ijo"
  te.compute_at "P" at "C_rf" "j"
  te.store_at "P" at "C_rf" "i"
  te.compute_root "A_shared"
  te.tensorize "C_local" "j" with @gemm_4x4 {note = "4x4 micro-kernel"}
}

// -----

/// Check an empty schedule and one with attributes on the schedule op itself.
// CHECK-LABEL: te.kernel @copy
// CHECK:       te.schedule @copy {
// CHECK-NEXT:  }
// CHECK-NEXT:  te.schedule @copy2 attributes {origin = "auto-scheduler"} {
// CHECK-NEXT:    te.unroll "B" "i" by 2
// CHECK-NEXT:  }
te.kernel @copy(%A: tensor<4xf32>) -> tensor<4xf32> {
  %B = te.compute "B" (%i: 4) {
    %a = te.read %A[%i] : tensor<4xf32> -> f32
    te.yield %a : f32
  } : tensor<4xf32>
  te.return %B : tensor<4xf32>
}
te.kernel @copy2(%A: tensor<4xf32>) -> tensor<4xf32> {
  %B = te.compute "B" (%i: 4) {
    %a = te.read %A[%i] : tensor<4xf32> -> f32
    te.yield %a : f32
  } : tensor<4xf32>
  te.return %B : tensor<4xf32>
}
te.schedule @copy {
}
te.schedule @copy2 attributes {origin = "auto-scheduler"} {
  te.unroll "B" "i" by 2
}
