// dense + bias + relu: Y = max(X . W + b, 0) with X 128x1024, W 1024x1024, b 1024 (f32):
// the workload `dense_bias_relu_128x1024x1024` of benchmarks/run.py.
//
//   python benchmarks/run.py --workloads dense_bias_relu_128x1024x1024 --systems dlir-sched,numpy
//   dl-opt benchmarks/schedules/dense_bias_relu_128x1024x1024.mlir -p te-to-loop
//
// The default contraction schedule's recipe (te-auto-schedule), then the epilogue:
// - Acc: a 4x16 register tile (rows ii unrolled, columns ji vectorized: 8 accumulators)
//   with the k loop ki around it, k in blocks of 256 (ko outermost); the 128x256 block of
//   X (128 KB, L2) copied at each ko and the 256x16 panel of W each column panel jo reads
//   (16 KB, L1) copied contiguously (cache_read; the weights are arguments, so their
//   packing is inside the timed call); column panels in parallel. At 128 rows the 6x16
//   tile of matmul_1024.mlir (rows padded to 132, X packed as [io, k, ii]) measured no
//   faster (3.5-3.6 ms against 3.4-3.6, 1 thread);
// - Y: bias and relu applied while copying Acc, vectorized.
// test sizes: 128=9 1024=80
te.kernel @dense(%X: tensor<128x1024xf32>, %W: tensor<1024x1024xf32>, %B: tensor<1024xf32>) -> tensor<128x1024xf32> {
  %Acc = te.compute "Acc" (%i: 128, %j: 1024) reduce (%k: 1024) combiner add init 0.0 : f32 {
    %x = te.read %X[%i, %k] : tensor<128x1024xf32> -> f32
    %w = te.read %W[%k, %j] : tensor<1024x1024xf32> -> f32
    %p = arith.mulf %x, %w : f32
    te.yield %p : f32
  } : tensor<128x1024xf32>
  %Y = te.compute "Y" (%i: 128, %j: 1024) {
    %a = te.read %Acc[%i, %j] : tensor<128x1024xf32> -> f32
    %b = te.read %B[%j] : tensor<1024xf32> -> f32
    %s = arith.addf %a, %b : f32
    %zero = arith.constant 0.000000e+00 : f32
    %r = arith.maximumf %s, %zero : f32
    te.yield %r : f32
  } : tensor<128x1024xf32>
  te.return %Y : tensor<128x1024xf32>
}
te.schedule @dense {
  te.split "Acc" "j" by 16 -> "jo", "ji"
  te.split "Acc" "k" by 256 -> "ko", "ki"
  te.split "Acc" "i" by 4 -> "io", "ii"
  te.reorder "Acc" ["ko", "jo", "io", "ki", "ii", "ji"]
  te.unroll "Acc" "ii"
  te.vectorize "Acc" "ji"
  te.parallel "Acc" "jo"
  te.cache_read "W" "local" for ["Acc"] -> "W_local"
  te.compute_at "W_local" at "Acc" "jo"
  te.vectorize "W_local" "ax1"
  te.cache_read "X" "local" for ["Acc"] -> "X_local"
  te.compute_at "X_local" at "Acc" "ko"
  te.vectorize "X_local" "ax1"
  te.vectorize "Y" "j"
  te.parallel "Y" "i"
}
