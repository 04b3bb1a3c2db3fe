// A 1024x1024 matmul as a tensor expression, with a CPU schedule: 64x64 tiles, the
// reduction split by 4, the inner tile vectorized, the k loop unrolled, the outer rows
// run in parallel.
//
//   dl-opt examples/matmul_te.mlir --verify-roundtrip
//   dl-opt examples/matmul_te.mlir -p te-to-loop                # the scheduled loop nest
te.kernel @matmul(%A: tensor<1024x1024xf32>, %B: tensor<1024x1024xf32>) -> tensor<1024x1024xf32> {
  %C = te.compute "C" (%i: 1024, %j: 1024) reduce (%k: 1024) combiner add init 0.000000e+00 : f32 {
    %a = te.read %A[%i, %k] : tensor<1024x1024xf32> -> f32
    %b = te.read %B[%k, %j] : tensor<1024x1024xf32> -> f32
    %p = arith.mulf %a, %b : f32
    te.yield %p : f32
  } : tensor<1024x1024xf32>
  te.return %C : tensor<1024x1024xf32>
}
te.schedule @matmul {
  te.tile "C" ("i", "j") by (64, 64) -> ("io", "jo", "ii", "ji")
  te.split "C" "k" by 4 -> "ko", "ki"
  te.reorder "C" ["io", "jo", "ko", "ii", "ki", "ji"]
  te.vectorize "C" "ji"
  te.unroll "C" "ki"
  te.parallel "C" "io"
}
