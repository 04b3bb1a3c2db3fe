// Halide's 3x3 box blur, u16: the workload `blur3x3_2048x2048_u16` of benchmarks/run.py.
// 12-bit pixels held in i16 (the peers' uint16: same bits), wrapping adds, unsigned /3
// (arith.divui: LLVM multiplies by the inverse), as Halide's apps/blur on uint16:
//   blur_x(y, x) = (in(y, x) + in(y, x+1) + in(y, x+2)) / 3        on 2050 x 2048
//   blur_y(y, x) = (blur_x(y, x) + blur_x(y+1, x) + blur_x(y+2, x)) / 3   on 2048 x 2048
//
//   python benchmarks/run.py --workloads blur3x3_2048x2048_u16 --systems dlir-sched,numpy
//   dl-opt benchmarks/schedules/blur3x3_2048x2048_u16.mlir -p te-to-loop     # the scheduled loop nest
//
// Schedule: Halide's sliding window (apps/blur): strips of 8 output rows in parallel; blur_x
// is computed at each output row (compute_at yi) into storage kept for the strip (store_at
// yo), so each row of blur_x is computed once and the window slides down: one new blur_x row
// per output row after the first. Rows vectorized by 16 in both stages.
// test sizes: 2048=21 2050=23
te.kernel @blur(%I: tensor<2050x2050xi16>) -> tensor<2048x2048xi16> {
  %bx = te.compute "bx" (%y: 2050, %x: 2048) {
    %c1 = arith.constant 1 : index
    %c2 = arith.constant 2 : index
    %x1 = arith.addi %x, %c1 : index
    %x2 = arith.addi %x, %c2 : index
    %a = te.read %I[%y, %x] : tensor<2050x2050xi16> -> i16
    %b = te.read %I[%y, %x1] : tensor<2050x2050xi16> -> i16
    %c = te.read %I[%y, %x2] : tensor<2050x2050xi16> -> i16
    %s = arith.addi %a, %b : i16
    %t = arith.addi %s, %c : i16
    %three = arith.constant 3 : i16
    %r = arith.divui %t, %three : i16
    te.yield %r : i16
  } : tensor<2050x2048xi16>
  %by = te.compute "by" (%y: 2048, %x: 2048) {
    %c1 = arith.constant 1 : index
    %c2 = arith.constant 2 : index
    %y1 = arith.addi %y, %c1 : index
    %y2 = arith.addi %y, %c2 : index
    %a = te.read %bx[%y, %x] : tensor<2050x2048xi16> -> i16
    %b = te.read %bx[%y1, %x] : tensor<2050x2048xi16> -> i16
    %c = te.read %bx[%y2, %x] : tensor<2050x2048xi16> -> i16
    %s = arith.addi %a, %b : i16
    %t = arith.addi %s, %c : i16
    %three = arith.constant 3 : i16
    %r = arith.divui %t, %three : i16
    te.yield %r : i16
  } : tensor<2048x2048xi16>
  te.return %by : tensor<2048x2048xi16>
}
te.schedule @blur {
  te.split "by" "y" by 8 -> "yo", "yi"
  te.split "by" "x" by 16 -> "xo", "xi"
  te.vectorize "by" "xi"
  te.parallel "by" "yo"
  te.compute_at "bx" at "by" "yi"
  te.store_at "bx" at "by" "yo"
  te.split "bx" "x" by 16 -> "xo", "xi"
  te.vectorize "bx" "xi"
}
