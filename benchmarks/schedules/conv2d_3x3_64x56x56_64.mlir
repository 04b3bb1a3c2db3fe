// conv2d 3x3, stride 1, pad 1, NCHW 1x64x56x56 -> 64 channels, OIHW weight:
// the workload `conv2d_3x3_64x56x56_64` of benchmarks/run.py.
//
//   python benchmarks/run.py --workloads conv2d_3x3_64x56x56_64 --systems dlir-sched,numpy
//   dl-opt benchmarks/schedules/conv2d_3x3_64x56x56_64.mlir -p te-to-loop     # the scheduled loop nest
//
// The schedule the default rule (te-auto-schedule's `convolution-blocked`) writes, by hand:
// - P: the zero-padded input, computed whole first (a 0.9 MB copy, channels in parallel);
// - Wp: the weights packed NCHW16c, Wp[o / 16][c][ry][rx][o % 16] (a "packed" cache_read
//   is laid out in its loop order), so one reduction step loads 16 output channels as
//   two contiguous vectors;
// - YP: a 4-column x 16-channel register tile laid out [x][o] (a "packed" cache_write),
//   computed at Y's column block: per (c, ry, rx) 2 weight vectors, 4 broadcast inputs
//   and 8 FMAs into 8 accumulators that stay in registers for the whole reduction
//   (LLVM reuses the broadcasts across rx: 18 broadcasts and 18 vector loads per 72 FMAs
//   per input channel, no spills);
// - Y: the tile stored back to NCHW; blocks of 16 output channels in parallel.
// Tiles of 12 accumulators lower to constant register tiles too (split x by 6 or 3 and
// `te.unroll "Y" "xi"`: Y's column loop is peeled, the main loop's tile region is
// constant; a tile split `te.split "YP" "o" by 8` with that loop outside `x` keeps a
// region of one block), but none measured faster, serial, CPU time, same run:
// 4 x 16 (this) 76-81 GFLOP/s; 3 columns x 4 vectors, weight vector outside the columns
// (ORT's NCHWc kernel shape) 74-85, the same order in LLVM shares broadcasts across rx
// and spills 6 registers; 6 x 16 60-66 (8 broadcasts live: spills); 5 x 16 64;
// 2 x 32 58; 7 x 16 (14 accumulators) 43.
// test sizes: 64=32 56=8 55=7 58=10
te.kernel @conv2d(%X: tensor<1x64x56x56xf32>, %W: tensor<64x64x3x3xf32>) -> tensor<1x64x56x56xf32> {
  %P = te.compute "P" (%n: 1, %c: 64, %h: 58, %w: 58) {
    %zero = arith.constant 0.000000e+00 : f32
    %one = arith.constant 1 : index
    %c0 = arith.constant 0 : index
    %hmax = arith.constant 55 : index
    %wmax = arith.constant 55 : index
    %hn = arith.constant 56 : index
    %wn = arith.constant 56 : index
    %y = arith.subi %h, %one : index
    %x = arith.subi %w, %one : index
    %yin = arith.cmpi ult, %y, %hn : index
    %xin = arith.cmpi ult, %x, %wn : index
    %in = arith.andi %yin, %xin : i1
    %y0 = arith.maxsi %y, %c0 : index
    %y1 = arith.minsi %y0, %hmax : index
    %x0 = arith.maxsi %x, %c0 : index
    %x1 = arith.minsi %x0, %wmax : index
    %v = te.read %X[%n, %c, %y1, %x1] : tensor<1x64x56x56xf32> -> f32
    %p = arith.select %in, %v, %zero : f32
    te.yield %p : f32
  } : tensor<1x64x58x58xf32>
  %Y = te.compute "Y" (%n: 1, %o: 64, %y: 56, %x: 56) reduce (%rc: 64, %ry: 3, %rx: 3) combiner add init 0.0 : f32 {
    %yy = arith.addi %y, %ry : index
    %xx = arith.addi %x, %rx : index
    %a = te.read %P[%n, %rc, %yy, %xx] : tensor<1x64x58x58xf32> -> f32
    %b = te.read %W[%o, %rc, %ry, %rx] : tensor<64x64x3x3xf32> -> f32
    %m = arith.mulf %a, %b : f32
    te.yield %m : f32
  } : tensor<1x64x56x56xf32>
  te.return %Y : tensor<1x64x56x56xf32>
}
te.schedule @conv2d {
  te.parallel "P" "c"
  te.cache_read "W" "packed" for ["Y"] -> "Wp"
  te.split "Wp" "ax0" by 16 -> "oo", "oi"
  te.reorder "Wp" ["oo", "ax1", "ax2", "ax3", "oi"]
  te.cache_write "Y" "packed" -> "YP"
  te.split "Y" "o" by 16 -> "oo", "oi"
  te.split "Y" "x" by 4 -> "xo", "xi"
  te.reorder "Y" ["n", "oo", "y", "xo", "oi", "xi"]
  te.compute_at "YP" at "Y" "xo"
  te.reorder "YP" ["n", "y", "rc", "ry", "rx", "x", "o"]
  te.unroll "YP" "x"
  te.vectorize "YP" "o"
  te.parallel "Y" "oo"
}
