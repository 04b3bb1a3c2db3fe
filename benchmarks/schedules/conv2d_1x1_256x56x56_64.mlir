// conv2d 1x1, stride 1, no padding, NCHW 1x256x56x56 -> 64 channels, OIHW weight:
// the workload `conv2d_1x1_256x56x56_64` of benchmarks/run.py.
//
//   python benchmarks/run.py --workloads conv2d_1x1_256x56x56_64 --systems dlir-sched,numpy
//   dl-opt benchmarks/schedules/conv2d_1x1_256x56x56_64.mlir -p te-to-loop     # the scheduled loop nest
//
// A matmul W (64x256) . X (256 x 56*56) in NCHW:
// - Acc: the sums, an 8x8 register tile: 8 output channels (unrolled, one broadcast weight
//   each) x 8 pixels of a row (vectorized), with the 256 input channels innermost around it,
//   so LLVM keeps the 8 vectors of sums in registers (Acc is a kernel-local buffer); the
//   row loop outermost, so the row's 57 KB of input stay in L2 for all 64 output channels;
// - Y: Acc copied to the result (output channels in parallel).
// Acc's loops are not parallel: in a parallel loop's outlined body LLVM no longer keeps the
// tile in registers (the pointers lose their no-alias facts).
// test sizes: 256=5 64=16 56=9
te.kernel @conv2d(%X: tensor<1x256x56x56xf32>, %W: tensor<64x256x1x1xf32>) -> tensor<1x64x56x56xf32> {
  %Acc = te.compute "Acc" (%n: 1, %o: 64, %y: 56, %x: 56) reduce (%rc: 256) combiner add init 0.0 : f32 {
    %c0 = arith.constant 0 : index
    %a = te.read %X[%n, %rc, %y, %x] : tensor<1x256x56x56xf32> -> f32
    %b = te.read %W[%o, %rc, %c0, %c0] : tensor<64x256x1x1xf32> -> f32
    %m = arith.mulf %a, %b : f32
    te.yield %m : f32
  } : tensor<1x64x56x56xf32>
  %Y = te.compute "Y" (%n: 1, %o: 64, %y: 56, %x: 56) {
    %v = te.read %Acc[%n, %o, %y, %x] : tensor<1x64x56x56xf32> -> f32
    te.yield %v : f32
  } : tensor<1x64x56x56xf32>
  te.return %Y : tensor<1x64x56x56xf32>
}
te.schedule @conv2d {
  te.split "Acc" "o" by 8 -> "oo", "oi"
  te.split "Acc" "x" by 8 -> "xo", "xi"
  te.reorder "Acc" ["n", "y", "oo", "xo", "rc", "oi", "xi"]
  te.unroll "Acc" "oi"
  te.vectorize "Acc" "xi"
  te.parallel "Y" "o"
}
