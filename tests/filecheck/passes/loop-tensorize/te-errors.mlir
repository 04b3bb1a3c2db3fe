// RUN: not dl-opt %s -p te-to-loop,loop-tensorize --split-input-file 2>&1 | filecheck %s

/// The reduction split by 8 where the micro-kernel takes 4: split it by 4 (the error is at
/// the te.tensorize).
// CHECK:      te-errors.mlir:[[# @LINE + 47]]:3: error: pass 'loop-tensorize' failed on builtin.module: loop nest does not match @gemm_6x16:
// CHECK-NEXT:   nest (normalized):
// CHECK-NEXT:     for %ii in 0..6
// CHECK-NEXT:       for %ji in 0..16
// CHECK-NEXT:         for %ki in 0..8 (reduction)
// CHECK-NEXT:           %C[%io * 6 + %ii, %jo * 16 + %ji] = addf(mulf(%A[%io * 6 + %ii, %ko * 8 + %ki], %B[%ko * 8 + %ki, %jo * 16 + %ji]), %C[%io * 6 + %ii, %jo * 16 + %ji])
// CHECK-NEXT:   @gemm_6x16 (normalized):
// CHECK-NEXT:     for %i in 0..6
// CHECK-NEXT:       for %j in 0..16
// CHECK-NEXT:         for %k in 0..4 (reduction)
// CHECK-NEXT:           %c[%i, %j] = addf(mulf(%a[%i, %k], %b[%k, %j]), %c[%i, %j])
// CHECK-NEXT:   difference: loop %ki has extent 8, @gemm_6x16's loop %k has 4: split %ki by 4 and keep the outer loop outside %ii (the loop tensorized)
// CHECK-NEXT:   fix: split %ki by 4
// CHECK-NEXT:   te.tensorize "C" "ii" with @gemm_6x16
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
te.kernel @mm(%A: tensor<12x16xf32>, %B: tensor<16x32xf32>) -> tensor<12x32xf32> {
  %C = te.compute "C" (%i: 12, %j: 32) reduce (%k: 16) combiner add init 0.000000e+00 : f32 {
    %a = te.read %A[%i, %k] : tensor<12x16xf32> -> f32
    %b = te.read %B[%k, %j] : tensor<16x32xf32> -> f32
    %p = arith.mulf %a, %b : f32
    te.yield %p : f32
  } : tensor<12x32xf32>
  te.return %C : tensor<12x32xf32>
}
te.schedule @mm {
  te.tile "C" ("i", "j") by (6, 16) -> ("io", "jo", "ii", "ji")
  te.split "C" "k" by 8 -> "ko", "ki"
  te.reorder "C" ["io", "jo", "ko", "ii", "ki", "ji"]
  te.tensorize "C" "ii" with @gemm_6x16
}

// -----

/// The tile's loops in the other order (16 columns outside 6 rows): reorder them.
// CHECK:      te-errors.mlir:[[# @LINE + 36]]:3: error: {{.*}} loop nest does not match @gemm_6x16:
// CHECK:        difference: the loops pair with @gemm_6x16's by their accesses as (%ii <-> %i, %ji <-> %j), in another order: reorder them as (%ii, %ji)
// CHECK-NEXT:   fix: reorder the loops as (%ii, %ji, %ki)
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
te.kernel @mm(%A: tensor<12x8xf32>, %B: tensor<8x32xf32>) -> tensor<12x32xf32> {
  %C = te.compute "C" (%i: 12, %j: 32) reduce (%k: 8) combiner add init 0.000000e+00 : f32 {
    %a = te.read %A[%i, %k] : tensor<12x8xf32> -> f32
    %b = te.read %B[%k, %j] : tensor<8x32xf32> -> f32
    %p = arith.mulf %a, %b : f32
    te.yield %p : f32
  } : tensor<12x32xf32>
  te.return %C : tensor<12x32xf32>
}
te.schedule @mm {
  te.tile "C" ("j", "i") by (16, 6) -> ("jo", "io", "ji", "ii")
  te.split "C" "k" by 4 -> "ko", "ki"
  te.reorder "C" ["jo", "io", "ko", "ji", "ii", "ki"]
  te.tensorize "C" "ji" with @gemm_6x16
}

// -----

/// The reduction inside the tile: the nest initializes C, the intrinsic only accumulates.
// CHECK:      te-errors.mlir:[[# @LINE + 33]]:3: error: {{.*}} loop nest does not match @gemm_4x4x4:
// CHECK:        difference: the nest initializes %C to 0.000000e+00 : f32 before reducing into it (loop %k: 16), @gemm_4x4x4 only accumulates: the reduction must start outside %ii (the loop tensorized): split %k by 4 and move the outer loop outside %ii
// CHECK-NEXT:   fix: split %k by 4
// CHECK-NEXT:   fix: move %ko outside the loop tensorized
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
te.kernel @mm(%A: tensor<8x16xf32>, %B: tensor<16x8xf32>) -> tensor<8x8xf32> {
  %C = te.compute "C" (%i: 8, %j: 8) reduce (%k: 16) combiner add init 0.000000e+00 : f32 {
    %a = te.read %A[%i, %k] : tensor<8x16xf32> -> f32
    %b = te.read %B[%k, %j] : tensor<16x8xf32> -> f32
    %p = arith.mulf %a, %b : f32
    te.yield %p : f32
  } : tensor<8x8xf32>
  te.return %C : tensor<8x8xf32>
}
te.schedule @mm {
  te.tile "C" ("i", "j") by (4, 4) -> ("io", "jo", "ii", "ji")
  te.tensorize "C" "ii" with @gemm_4x4x4
}

// -----

/// B read transposed (B[j, k]): the access of B is not the intrinsic's %b[k, j].
// CHECK:      te-errors.mlir:[[# @LINE + 33]]:3: error: {{.*}} loop nest does not match @gemm_4x4x4:
// CHECK:        difference: load of %B[%jo * 4 + %ji, %ko * 4 + %ki] and the intrinsic's %b[%ki, %ji]: index 0 differs by %jo * 4 + %ji - %ki, which uses loops of the nest (the window's offset may use only values from outside it)
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
te.kernel @mm(%A: tensor<8x8xf32>, %B: tensor<8x8xf32>) -> tensor<8x8xf32> {
  %C = te.compute "C" (%i: 8, %j: 8) reduce (%k: 8) combiner add init 0.000000e+00 : f32 {
    %a = te.read %A[%i, %k] : tensor<8x8xf32> -> f32
    %b = te.read %B[%j, %k] : tensor<8x8xf32> -> f32
    %p = arith.mulf %a, %b : f32
    te.yield %p : f32
  } : tensor<8x8xf32>
  te.return %C : tensor<8x8xf32>
}
te.schedule @mm {
  te.tile "C" ("i", "j") by (4, 4) -> ("io", "jo", "ii", "ji")
  te.split "C" "k" by 4 -> "ko", "ki"
  te.reorder "C" ["io", "jo", "ko", "ii", "ji", "ki"]
  te.tensorize "C" "ii" with @gemm_4x4x4
}
