// matmul 2048x2048x2048 f32: C = A . B, the workload `matmul_2048` of benchmarks/run.py.
//
//   python benchmarks/run.py --workloads matmul_2048 --systems dlir-sched,numpy --threads 1
//   dl-opt benchmarks/schedules/matmul_2048.mlir -p te-to-loop     # the scheduled loop nest
//
// A GotoBLAS-style kernel (about 0.9x OpenBLAS at 1 thread):
// - a 6x16 register tile: 12 accumulators (6 rows x two 8-wide vectors), enough
//   independent FMAs to cover the FMA latency on two pipes (a 4x16 tile's 8 are not);
//   rows ii (6, unrolled: loop-unroll jams them into one k loop) x columns ji (16,
//   vectorized) with ki around them, so the tile stays in registers across ki;
// - 6 does not divide 2048, and a tile with a clamped row count is neither unrolled nor
//   kept in registers, so the rows are padded to 2052 (342 tiles of 6): Ap repeats A's last
//   row, C1 is the padded product, C copies its first 2048 rows (C1 [io, ii, j] has the
//   memory layout of a 2052x2048 matrix; the copy is a few % of the time);
// - Ap packs A as [io, k, ii] (the tile's 6 values of A per k are contiguous) for each
//   block of 512 k (ko outermost), and the 512x16 panel of B (32 KB, L1) each column
//   panel jo reads is copied contiguously (cache_read); column panels in parallel.
// test sizes: 2048=80 2052=84 2047=79 342=14
te.kernel @matmul(%A: tensor<2048x2048xf32>, %B: tensor<2048x2048xf32>) -> tensor<2048x2048xf32> {
  %Ap = te.compute "Ap" (%io: 342, %k: 2048, %ii: 6) {
    %c6 = arith.constant 6 : index
    %last = arith.constant 2047 : index
    %i0 = arith.muli %io, %c6 : index
    %i1 = arith.addi %i0, %ii : index
    %i = arith.minsi %i1, %last : index
    %a = te.read %A[%i, %k] : tensor<2048x2048xf32> -> f32
    te.yield %a : f32
  } : tensor<342x2048x6xf32>
  %C1 = te.compute "C1" (%io: 342, %ii: 6, %j: 2048) reduce (%k: 2048) combiner add init 0.0 : f32 {
    %a = te.read %Ap[%io, %k, %ii] : tensor<342x2048x6xf32> -> f32
    %b = te.read %B[%k, %j] : tensor<2048x2048xf32> -> f32
    %p = arith.mulf %a, %b : f32
    te.yield %p : f32
  } : tensor<342x6x2048xf32>
  %C = te.compute "C" (%i: 2048, %j: 2048) {
    %c6 = arith.constant 6 : index
    %io = arith.divsi %i, %c6 : index
    %ii = arith.remsi %i, %c6 : index
    %c = te.read %C1[%io, %ii, %j] : tensor<342x6x2048xf32> -> f32
    te.yield %c : f32
  } : tensor<2048x2048xf32>
  te.return %C : tensor<2048x2048xf32>
}
te.schedule @matmul {
  te.split "C1" "j" by 16 -> "jo", "ji"
  te.split "C1" "k" by 512 -> "ko", "ki"
  te.reorder "C1" ["ko", "jo", "io", "ki", "ii", "ji"]
  te.unroll "C1" "ii"
  te.vectorize "C1" "ji"
  te.parallel "C1" "jo"
  te.cache_read "B" "local" for ["C1"] -> "B_local"
  te.compute_at "B_local" at "C1" "jo"
  te.vectorize "B_local" "ax1"
  te.compute_at "Ap" at "C1" "ko"
  te.split "C" "j" by 16 -> "jo", "ji"
  te.vectorize "C" "ji"
  te.parallel "C" "i"
}
