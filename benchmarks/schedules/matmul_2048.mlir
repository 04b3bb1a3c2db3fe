// matmul 2048x2048x2048 f32: C = A . B, the workload `matmul_2048` of benchmarks/run.py.
//
//   python benchmarks/run.py --workloads matmul_2048 --systems dlir-sched,numpy --threads 1
//   dl-opt benchmarks/schedules/matmul_2048.mlir -p te-to-loop     # the scheduled loop nest
//
// GotoBLAS's blocking, written as te stages and a schedule:
// - a 6x16 register tile: 12 accumulators (6 rows x two 8-wide vectors), enough
//   independent FMAs to cover the FMA latency on two pipes; per k, 2 loads of B, 6
//   broadcasts of A and 12 FMAs (the hot loop of `dlir.compile(...).asm`, no spill);
//   rows ii (6, unrolled: loop-unroll jams them into one k loop) x columns ji (16,
//   vectorized), all of k around them: the tile sums in registers and C is written
//   once (no init pass, no reload);
// - 6 does not divide 2048 (341 x 6 + 2): te-to-loop peels the last tile, so
//   every full tile keeps constant bounds, without padding C;
// - Ap packs A as [i / 6, k, i % 6] (a tile's 6 values of A per k are contiguous; its
//   last tile repeats A's last row, which C never reads) and Bp packs B as
//   [j / 16, k, j % 16] (a column panel contiguous); C reads them at i / 6 and i % 6,
//   which te-to-loop folds to the loops io and ii;
// - rows in blocks of 192 (ib): A's block is streamed for each column panel jo while
//   B's panel stays in cache (measured against 96, 384 and no row blocks, and against
//   k blocks of 512 and 1024: at 2048, 0.94x numpy against 0.78-0.89x, 1 thread);
//   column panels in parallel.
// test sizes: 2048=80 2047=79 342=14 128=5
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
  %Bp = te.compute "Bp" (%jo: 128, %k: 2048, %ji: 16) {
    %c16 = arith.constant 16 : index
    %j0 = arith.muli %jo, %c16 : index
    %j = arith.addi %j0, %ji : index
    %b = te.read %B[%k, %j] : tensor<2048x2048xf32> -> f32
    te.yield %b : f32
  } : tensor<128x2048x16xf32>
  %C = te.compute "C" (%i: 2048, %j: 2048) reduce (%k: 2048) combiner add init 0.0 : f32 {
    %c6 = arith.constant 6 : index
    %c16 = arith.constant 16 : index
    %io = arith.divsi %i, %c6 : index
    %ii = arith.remsi %i, %c6 : index
    %jo = arith.divsi %j, %c16 : index
    %ji = arith.remsi %j, %c16 : index
    %a = te.read %Ap[%io, %k, %ii] : tensor<342x2048x6xf32> -> f32
    %b = te.read %Bp[%jo, %k, %ji] : tensor<128x2048x16xf32> -> f32
    %p = arith.mulf %a, %b : f32
    te.yield %p : f32
  } : tensor<2048x2048xf32>
  te.return %C : tensor<2048x2048xf32>
}
te.schedule @matmul {
  te.split "C" "j" by 16 -> "jo", "ji"
  te.split "C" "i" by 192 -> "ib", "ir"
  te.split "C" "ir" by 6 -> "io", "ii"
  te.reorder "C" ["ib", "jo", "io", "k", "ii", "ji"]
  te.unroll "C" "ii"
  te.vectorize "C" "ji"
  te.parallel "C" "jo"
  te.vectorize "Bp" "ji"
}
