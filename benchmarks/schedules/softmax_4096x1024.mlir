// Row softmax of a 4096x1024 f32 matrix: the workload `softmax_4096x1024` of benchmarks/run.py.
//   max(i) = max_j X(i, j);  exp(i, j) = exp(X(i, j) - max(i));  sum(i) = sum_j exp(i, j);
//   Y(i, j) = exp(i, j) * (1 / sum(i))
//
//   python benchmarks/run.py --workloads softmax_4096x1024 --systems dlir-sched,numpy
//   dl-opt benchmarks/schedules/softmax_4096x1024.mlir -p te-to-loop
//
// The kernel is graph-to-te's (exp once per element, in its own stage; one reciprocal
// per row instead of a division per element) and the schedule is te-auto-schedule's row
// pattern (auto_schedule/patterns.py), the fastest of those tried:
// - every stage computed at Y's row loop i0: a 4 KB row of X is read from memory once
//   (by max); exp is written into Y's row (te-to-loop stores it in place: Y reads it at
//   its own point, sum at the same loop), which sum reads and Y scales in place;
// - max and sum rfactored by 32 lanes: 4 vectors of partial results, 4 independent
//   dependency chains (8 or 16 lanes: the same or slower);
// - exp and Y 4 vectors (32 lanes) per iteration in straight-line code: 13% faster than
//   vectorizing the row whole (8 lanes the same as whole, 64 slower: spills);
// - rows in parallel. Not faster: 2 or 4 rows per iteration of i0.
// CPU time per call at 1 thread on the loaded shared machine (medians of 25, one
// process): this 4.4 ms, the old hand schedule (max twice, exp twice, 8-lane reductions
// written into the algorithm) 7.6, numpy 13.6. onnxruntime, timed in one process with
// this kernel built as a shared object: 2.3-3.3 ms (wall min 2.1: copy speed).
// Then exp in Y's row instead of a row buffer (te-to-loop's in-place storage): 6-12%
// less CPU time in the same process (e.g. 3.9 against 4.3 ms; onnxruntime 2.8-3.5 on
// that machine then). The leaner exp (~20 instead of ~25 instructions a vector) is 25-30%
// faster on 8-lane vectors alone but 3-8% slower in this kernel's 4-vector blocks
// (unexplained; 8-lane blocks with it match 32-lane blocks with the old exp). Without the
// exp (X - max stored instead) the kernel takes 2.6-3.2 ms: the rest of the gap is the
// exp pass, which does not overlap the reads of the next row.
// test sizes: 4096=5 1024=77
te.kernel @softmax(%X0: tensor<4096x1024xf32>) -> tensor<4096x1024xf32> {
  %max = te.compute "max" (%i0: 4096) reduce (%r1: 1024) combiner max init 0xff800000 : f32 {
    %0 = te.read %X0[%i0, %r1] : tensor<4096x1024xf32> -> f32
    te.yield %0 : f32
  } : tensor<4096xf32>
  %exp = te.compute "exp" (%i0: 4096, %i1: 1024) {
    %0 = te.read %X0[%i0, %i1] : tensor<4096x1024xf32> -> f32
    %1 = te.read %max[%i0] : tensor<4096xf32> -> f32
    %2 = arith.subf %0, %1 : f32
    %3 = math.exp %2 : f32
    te.yield %3 : f32
  } : tensor<4096x1024xf32>
  %sum = te.compute "sum" (%i0: 4096) reduce (%r1: 1024) combiner add init 0.000000e+00 : f32 {
    %0 = te.read %exp[%i0, %r1] : tensor<4096x1024xf32> -> f32
    te.yield %0 : f32
  } : tensor<4096xf32>
  %Y = te.compute "Y" (%i0: 4096, %i1: 1024) {
    %0 = te.read %sum[%i0] : tensor<4096xf32> -> f32
    %1 = arith.constant 1.000000e+00 : f32
    %2 = arith.divf %1, %0 : f32
    %3 = te.read %exp[%i0, %i1] : tensor<4096x1024xf32> -> f32
    %4 = arith.mulf %3, %2 : f32
    te.yield %4 : f32
  } : tensor<4096x1024xf32>
  te.return %Y : tensor<4096x1024xf32>
}
te.schedule @softmax {
  te.split "Y" "i1" by 32 -> "i1o", "i1i"
  te.vectorize "Y" "i1i"
  te.parallel "Y" "i0"
  te.split "sum" "r1" by 32 -> "r1o", "r1i"
  te.rfactor "sum" "r1i" -> "sum_rf"
  te.vectorize "sum_rf" "r1i"
  te.compute_at "sum_rf" at "sum" "i0"
  te.compute_at "sum" at "Y" "i0"
  te.split "exp" "i1" by 32 -> "i1o", "i1i"
  te.vectorize "exp" "i1i"
  te.compute_at "exp" at "Y" "i0"
  te.split "max" "r1" by 32 -> "r1o", "r1i"
  te.rfactor "max" "r1i" -> "max_rf"
  te.vectorize "max_rf" "r1i"
  te.compute_at "max_rf" at "max" "i0"
  te.compute_at "max" at "exp" "i0"
}
