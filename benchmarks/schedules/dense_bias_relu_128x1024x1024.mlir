// dense + bias + relu: Y = max(X . W + b, 0) with X 128x1024, W 1024x1024, b 1024 (f32):
// the workload `dense_bias_relu_128x1024x1024` of benchmarks/run.py.
//
//   python benchmarks/run.py --workloads dense_bias_relu_128x1024x1024 --systems dlir-sched,numpy
//   dl-opt benchmarks/schedules/dense_bias_relu_128x1024x1024.mlir -p te-to-loop
//
// One kernel, the matmul recipe of matmul_1024.mlir with the epilogue fused:
// - Wp: W packed into 64 panels of 16 columns, Wp[jo, k, ji] = W[k, 16 jo + ji] (weights are
//   arguments, so the 4 MB packing is inside the timed call; parallel over panels);
// - Acc[i, jo, ji]: a 4x16 register tile (rows ii unrolled, columns ji vectorized) with
//   the k loop innermost, k in blocks of 256 (the 16 KB panel block stays in L1, the
//   128x256 block of X, 128 KB, in L2); panels in parallel;
// - Y: bias and relu applied while copying Acc to the row-major result, vectorized by 16.
// test sizes: 128=9 1024=80 64=5
te.kernel @dense(%X: tensor<128x1024xf32>, %W: tensor<1024x1024xf32>, %B: tensor<1024xf32>) -> tensor<128x1024xf32> {
  %Wp = te.compute "Wp" (%jo: 64, %k: 1024, %ji: 16) {
    %c16 = arith.constant 16 : index
    %j0 = arith.muli %jo, %c16 : index
    %j = arith.addi %j0, %ji : index
    %w = te.read %W[%k, %j] : tensor<1024x1024xf32> -> f32
    te.yield %w : f32
  } : tensor<64x1024x16xf32>
  %Acc = te.compute "Acc" (%i: 128, %jo: 64, %ji: 16) reduce (%k: 1024) combiner add init 0.0 : f32 {
    %x = te.read %X[%i, %k] : tensor<128x1024xf32> -> f32
    %w = te.read %Wp[%jo, %k, %ji] : tensor<64x1024x16xf32> -> f32
    %p = arith.mulf %x, %w : f32
    te.yield %p : f32
  } : tensor<128x64x16xf32>
  %Y = te.compute "Y" (%i: 128, %j: 1024) {
    %c16 = arith.constant 16 : index
    %jo = arith.divsi %j, %c16 : index
    %ji = arith.remsi %j, %c16 : index
    %a = te.read %Acc[%i, %jo, %ji] : tensor<128x64x16xf32> -> f32
    %b = te.read %B[%j] : tensor<1024xf32> -> f32
    %s = arith.addf %a, %b : f32
    %zero = arith.constant 0.000000e+00 : f32
    %r = arith.maximumf %s, %zero : f32
    te.yield %r : f32
  } : tensor<128x1024xf32>
  te.return %Y : tensor<128x1024xf32>
}
te.schedule @dense {
  te.parallel "Wp" "jo"
  te.split "Acc" "i" by 4 -> "io", "ii"
  te.split "Acc" "k" by 256 -> "ko", "ki"
  te.reorder "Acc" ["jo", "ko", "io", "ki", "ii", "ji"]
  te.unroll "Acc" "ii"
  te.vectorize "Acc" "ji"
  te.parallel "Acc" "jo"
  te.split "Y" "j" by 16 -> "jo", "ji"
  te.vectorize "Y" "ji"
  te.parallel "Y" "i"
}
