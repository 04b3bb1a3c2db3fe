// matmul 1024x1024x1024 f32: C = A . B, the workload `matmul_1024` of benchmarks/run.py.
//
//   python benchmarks/run.py --workloads matmul_1024 --systems dlir-sched,numpy
//   dl-opt benchmarks/schedules/matmul_1024.mlir -p te-to-loop     # the scheduled loop nest
//
// TVM's CPU recipe plus outer cache blocking:
// - a 4x16 register tile: rows ii (4, unrolled) x columns ji (16, vectorized: two 8-wide
//   vectors of sums per row, multiply-adds as fma) with the k loop ki around it;
// - k in blocks of 256, and the 256x16 panel of B the tile reads is copied into a local
//   buffer at each k block (cache_read): contiguous 16 KB that stays in L1;
// - rows in blocks of 128 outermost, so the 128x256 block of A (128 KB) stays in L2 while
//   all column panels go by; row blocks in parallel.
// test sizes: 1024=80
te.kernel @matmul(%A: tensor<1024x1024xf32>, %B: tensor<1024x1024xf32>) -> tensor<1024x1024xf32> {
  %C = te.compute "C" (%i: 1024, %j: 1024) reduce (%k: 1024) combiner add init 0.0 : f32 {
    %a = te.read %A[%i, %k] : tensor<1024x1024xf32> -> f32
    %b = te.read %B[%k, %j] : tensor<1024x1024xf32> -> f32
    %p = arith.mulf %a, %b : f32
    te.yield %p : f32
  } : tensor<1024x1024xf32>
  te.return %C : tensor<1024x1024xf32>
}
te.schedule @matmul {
  te.split "C" "i" by 128 -> "ib", "i2"
  te.split "C" "i2" by 4 -> "io", "ii"
  te.split "C" "j" by 16 -> "jo", "ji"
  te.split "C" "k" by 256 -> "ko", "ki"
  te.reorder "C" ["ib", "jo", "ko", "io", "ki", "ii", "ji"]
  te.unroll "C" "ii"
  te.vectorize "C" "ji"
  te.parallel "C" "ib"
  te.cache_read "B" "local" for ["C"] -> "B_local"
  te.compute_at "B_local" at "C" "ko"
}
