// dense + bias + relu: Y = max(X . W + b, 0) with X 128x1024, W 1024x1024, b 1024 (f32):
// the workload `dense_bias_relu_128x1024x1024` of benchmarks/run.py.
//
//   python benchmarks/run.py --workloads dense_bias_relu_128x1024x1024 --systems dlir-sched,numpy
//   dl-opt benchmarks/schedules/dense_bias_relu_128x1024x1024.mlir -p te-to-loop
//
// The register tile of matmul_1024.mlir, then the epilogue:
// - Acc: a 6x16 register tile (rows ii unrolled, columns ji vectorized: 12
//   accumulators) summing all of k in registers; 6 does not divide 128 (21 x 6 + 2):
//   te-to-loop peels the last tile, no padding; Ap packs X as [i / 6, k, i % 6] once, and
//   the 1024 x 16 panel of W each column panel jo reads is copied contiguously there
//   (cache_read: the copy is used while it is in cache; the weights are arguments, so
//   their packing is inside the timed call); column panels in parallel. In the same
//   runs (1 thread, numpy's matmul as the yardstick): 0.88-0.98x numpy, against
//   0.82-0.91x for the 4x16 tile with k blocks of 256 (the default rule's recipe) and
//   0.81-0.94x with all of W packed at root first;
// - Y: bias and relu applied while copying Acc, vectorized.
// test sizes: 128=9 127=8 22=2 1024=80
te.kernel @dense(%X: tensor<128x1024xf32>, %W: tensor<1024x1024xf32>, %B: tensor<1024xf32>) -> tensor<128x1024xf32> {
  %Ap = te.compute "Ap" (%io: 22, %k: 1024, %ii: 6) {
    %c6 = arith.constant 6 : index
    %last = arith.constant 127 : index
    %i0 = arith.muli %io, %c6 : index
    %i1 = arith.addi %i0, %ii : index
    %i = arith.minsi %i1, %last : index
    %a = te.read %X[%i, %k] : tensor<128x1024xf32> -> f32
    te.yield %a : f32
  } : tensor<22x1024x6xf32>
  %Acc = te.compute "Acc" (%i: 128, %j: 1024) reduce (%k: 1024) combiner add init 0.0 : f32 {
    %c6 = arith.constant 6 : index
    %io = arith.divsi %i, %c6 : index
    %ii = arith.remsi %i, %c6 : index
    %a = te.read %Ap[%io, %k, %ii] : tensor<22x1024x6xf32> -> f32
    %b = te.read %W[%k, %j] : tensor<1024x1024xf32> -> f32
    %p = arith.mulf %a, %b : f32
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
  te.split "Acc" "i" by 6 -> "io", "ii"
  te.reorder "Acc" ["jo", "io", "k", "ii", "ji"]
  te.unroll "Acc" "ii"
  te.vectorize "Acc" "ji"
  te.parallel "Acc" "jo"
  te.cache_read "W" "local" for ["Acc"] -> "W_local"
  te.compute_at "W_local" at "Acc" "jo"
  te.vectorize "W_local" "ax1"
  te.vectorize "Y" "j"
  te.parallel "Y" "i"
}
