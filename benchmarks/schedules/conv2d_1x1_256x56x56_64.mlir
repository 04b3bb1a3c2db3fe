// conv2d 1x1, stride 1, no padding, NCHW 1x256x56x56 -> 64 channels, OIHW weight:
// the workload `conv2d_1x1_256x56x56_64` of benchmarks/run.py.
//
//   python benchmarks/run.py --workloads conv2d_1x1_256x56x56_64 --systems dlir-sched,numpy
//   dl-opt benchmarks/schedules/conv2d_1x1_256x56x56_64.mlir -p te-to-loop     # the scheduled loop nest
//
// A GEMM Y[o, p] = sum over c of W[o, c] X[c, p] (p = 56 * 56 pixels), scheduled as the
// default rule (te-auto-schedule's `convolution-blocked`) does every convolution:
// - Wp: W packed as panels of 16 output channels, Wp[o / 16][c][o % 16] (a "packed"
//   cache_read is laid out in its loop order): 16 KB per panel, in L1;
// - YP: a 4-pixel x 16-channel register tile laid out [x][o] (a "packed" cache_write),
//   computed at Y's pixel block over all 256 input channels: per c, 2 weight vectors,
//   4 broadcast pixels and 8 FMAs into 8 accumulators held in registers (the asm's loop:
//   16 FMAs, 8 broadcasts, 4 vector loads per 2 input channels, no spills);
// - Y: the tile stored back to NCHW; panels of output channels in parallel.
// test sizes: 256=5 64=32 56=8
te.kernel @conv2d(%X: tensor<1x256x56x56xf32>, %W: tensor<64x256x1x1xf32>) -> tensor<1x64x56x56xf32> {
  %Y = te.compute "Y" (%n: 1, %o: 64, %y: 56, %x: 56) reduce (%rc: 256) combiner add init 0.0 : f32 {
    %c0 = arith.constant 0 : index
    %a = te.read %X[%n, %rc, %y, %x] : tensor<1x256x56x56xf32> -> f32
    %b = te.read %W[%o, %rc, %c0, %c0] : tensor<64x256x1x1xf32> -> f32
    %m = arith.mulf %a, %b : f32
    te.yield %m : f32
  } : tensor<1x64x56x56xf32>
  te.return %Y : tensor<1x64x56x56xf32>
}
te.schedule @conv2d {
  te.cache_read "W" "packed" for ["Y"] -> "Wp"
  te.split "Wp" "ax0" by 16 -> "oo", "oi"
  te.reorder "Wp" ["oo", "ax1", "ax2", "ax3", "oi"]
  te.cache_write "Y" "packed" -> "YP"
  te.split "Y" "o" by 16 -> "oo", "oi"
  te.split "Y" "x" by 4 -> "xo", "xi"
  te.reorder "Y" ["n", "oo", "y", "xo", "oi", "xi"]
  te.compute_at "YP" at "Y" "xo"
  te.reorder "YP" ["n", "y", "rc", "x", "o"]
  te.unroll "YP" "x"
  te.vectorize "YP" "o"
  te.parallel "Y" "oo"
}
