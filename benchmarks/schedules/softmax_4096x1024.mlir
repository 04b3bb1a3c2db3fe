// Row softmax of a 4096x1024 f32 matrix: the workload `softmax_4096x1024` of benchmarks/run.py.
//   max(i) = max_j X(i, j);  sum(i) = sum_j exp(X(i, j) - max(i));  Y(i, j) = exp(X(i, j) - max(i)) / sum(i)
//
//   python benchmarks/run.py --workloads softmax_4096x1024 --systems dlir-sched,numpy
//   dl-opt benchmarks/schedules/softmax_4096x1024.mlir -p te-to-loop
//
// The algorithm is written for the schedule (before te-to-loop lowered te.rfactor):
// - the reductions are factored by hand into 8 lanes: pmax(i, l) = max_k X(i, 8k + l), then
//   max(i) = max_l pmax(i, l) (the same for the sum), so the lane loop l is an ordinary loop
//   that LLVM vectorizes (a float sum in order would not vectorize);
// - the row max is computed twice (pmax/max for the sum, pmax_y/max_y for Y): te-to-loop
//   computes a stage at another's loop only when that is its one consumer;
// - Y multiplies by inv(i) = 1 / sum(i) instead of dividing each element.
// Schedule: everything is computed at Y's row loop (fused per row: a 4 KB row is read from
// memory once, then from L1); exp is loop-to-llvm's branch-free polynomial, vectorized with
// the lanes; Y's row vectorized by 8; rows in parallel.
// test sizes: 4096=5 1024=136 128=17
te.kernel @softmax(%X: tensor<4096x1024xf32>) -> tensor<4096x1024xf32> {
  %pmax = te.compute "pmax" (%i: 4096, %l: 8) reduce (%k: 128) combiner max init 0xff800000 : f32 {
    %c8 = arith.constant 8 : index
    %kk = arith.muli %k, %c8 : index
    %j = arith.addi %kk, %l : index
    %x = te.read %X[%i, %j] : tensor<4096x1024xf32> -> f32
    te.yield %x : f32
  } : tensor<4096x8xf32>
  %max = te.compute "max" (%i: 4096) reduce (%l: 8) combiner max init 0xff800000 : f32 {
    %p = te.read %pmax[%i, %l] : tensor<4096x8xf32> -> f32
    te.yield %p : f32
  } : tensor<4096xf32>
  %psum = te.compute "psum" (%i: 4096, %l: 8) reduce (%k: 128) combiner add init 0.0 : f32 {
    %c8 = arith.constant 8 : index
    %kk = arith.muli %k, %c8 : index
    %j = arith.addi %kk, %l : index
    %x = te.read %X[%i, %j] : tensor<4096x1024xf32> -> f32
    %m = te.read %max[%i] : tensor<4096xf32> -> f32
    %d = arith.subf %x, %m : f32
    %e = math.exp %d : f32
    te.yield %e : f32
  } : tensor<4096x8xf32>
  %sum = te.compute "sum" (%i: 4096) reduce (%l: 8) combiner add init 0.0 : f32 {
    %p = te.read %psum[%i, %l] : tensor<4096x8xf32> -> f32
    te.yield %p : f32
  } : tensor<4096xf32>
  %pmax_y = te.compute "pmax_y" (%i: 4096, %l: 8) reduce (%k: 128) combiner max init 0xff800000 : f32 {
    %c8 = arith.constant 8 : index
    %kk = arith.muli %k, %c8 : index
    %j = arith.addi %kk, %l : index
    %x = te.read %X[%i, %j] : tensor<4096x1024xf32> -> f32
    te.yield %x : f32
  } : tensor<4096x8xf32>
  %max_y = te.compute "max_y" (%i: 4096) reduce (%l: 8) combiner max init 0xff800000 : f32 {
    %p = te.read %pmax_y[%i, %l] : tensor<4096x8xf32> -> f32
    te.yield %p : f32
  } : tensor<4096xf32>
  %inv = te.compute "inv" (%i: 4096) {
    %s = te.read %sum[%i] : tensor<4096xf32> -> f32
    %one = arith.constant 1.000000e+00 : f32
    %r = arith.divf %one, %s : f32
    te.yield %r : f32
  } : tensor<4096xf32>
  %Y = te.compute "Y" (%i: 4096, %j: 1024) {
    %x = te.read %X[%i, %j] : tensor<4096x1024xf32> -> f32
    %m = te.read %max_y[%i] : tensor<4096xf32> -> f32
    %d = arith.subf %x, %m : f32
    %e = math.exp %d : f32
    %r = te.read %inv[%i] : tensor<4096xf32> -> f32
    %y = arith.mulf %e, %r : f32
    te.yield %y : f32
  } : tensor<4096x1024xf32>
  te.return %Y : tensor<4096x1024xf32>
}
te.schedule @softmax {
  te.split "Y" "j" by 8 -> "jo", "ji"
  te.vectorize "Y" "ji"
  te.parallel "Y" "i"
  te.compute_at "max_y" at "Y" "i"
  te.compute_at "pmax_y" at "max_y" "i"
  te.compute_at "inv" at "Y" "i"
  te.compute_at "sum" at "inv" "i"
  te.compute_at "psum" at "sum" "i"
  te.compute_at "max" at "psum" "i"
  te.compute_at "pmax" at "max" "i"
  te.reorder "psum" ["i", "k", "l"]
  te.reorder "pmax" ["i", "k", "l"]
  te.reorder "pmax_y" ["i", "k", "l"]
  te.vectorize "psum" "l"
  te.vectorize "pmax" "l"
  te.vectorize "pmax_y" "l"
}
