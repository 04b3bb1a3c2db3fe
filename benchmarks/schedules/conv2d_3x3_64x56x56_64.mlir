// conv2d 3x3, stride 1, pad 1, NCHW 1x64x56x56 -> 64 channels, OIHW weight:
// the workload `conv2d_3x3_64x56x56_64` of benchmarks/run.py.
//
//   python benchmarks/run.py --workloads conv2d_3x3_64x56x56_64 --systems dlir-sched,numpy
//   dl-opt benchmarks/schedules/conv2d_3x3_64x56x56_64.mlir -p te-to-loop     # the scheduled loop nest
//
// Schedule: the zero-padded input is its own stage, computed whole first (a 0.9 MB copy,
// channels in parallel). The convolution runs one output row at a time: its 56 pixels are
// the innermost loop (LLVM vectorizes it by 8: 7 vectors of sums, loaded and stored around
// each multiply-add in L1) inside the reduction (input channel, ky, kx); blocks of 4 output
// channels in parallel. (A register tile, 8 channels x 8 pixels with the sums in a
// kernel-local buffer that LLVM keeps in registers, measured the same on one thread and
// loses its registers in a parallel loop: see conv2d_1x1_256x56x56_64.mlir.)
// test sizes: 64=5 56=9 55=8 58=11
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
  te.split "Y" "o" by 4 -> "oo", "oi"
  te.reorder "Y" ["n", "oo", "y", "oi", "rc", "ry", "rx", "x"]
  te.parallel "Y" "oo"
}
