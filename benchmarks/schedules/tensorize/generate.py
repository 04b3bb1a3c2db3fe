"""Write matmul_1024.mlir and matmul_2048.mlir of this folder: te.tensorize onto the GEMM
micro-kernel, with the library's intrinsic text pasted in.

    python benchmarks/schedules/tensorize/generate.py

Rerun it when `dlir/intrinsics/cpu.py` changes the kernel (a test checks the text).
"""

from __future__ import annotations

from pathlib import Path

from xdsl.dialects.builtin import ModuleOp

from dlir.intrinsics import declare
from dlir.parser import print_module


def schedule(n: int, rows: int, small: str, kc: int | None = None) -> str:
    """The schedule file of the n x n x n matmul: rows in blocks of `rows`, k in panels
    of `kc` (default: all of k in one call)."""
    kc = n if kc is None else kc
    tiles_m = -(-n // 6)
    tiles_n = n // 16
    m = ModuleOp([])
    declare(m, "gemm_microkernel", kc=kc)
    intrinsic = print_module(m).strip()
    assert intrinsic.startswith("builtin.module {") and intrinsic.endswith("}")
    body = "\n".join(line[2:] for line in intrinsic.splitlines()[1:-1])
    return f"""// matmul {n}x{n}x{n} f32 through the AVX2+FMA GEMM micro-kernel: te.tensorize onto
// `gemm_microkernel` (dlir/intrinsics/cpu.py: 6 x 16 tile, kc = {kc}, packed A and B).
//
//   python benchmarks/run.py --workloads matmul_{n} --systems dlir,dlir-sched,numpy --threads 1 \\
//       --schedules-dir benchmarks/schedules/tensorize
//   dl-opt benchmarks/schedules/tensorize/matmul_{n}.mlir -p te-to-loop,loop-tensorize
//
// (A folder of its own: the test-sizes rewrite of tests/unit/test_benchmarks.py would turn
// the kernel's i64 into i6; tests/unit/intrinsics/test_tensorize_schedules.py runs these.)
//
// The stages and packing are matmul_{n}.mlir's (Ap = A as [i / 6, k, i % 6], Bp = B as
// [j / 16, k, j % 16]); the schedule is GotoBLAS's loop order around the kernel:
// - k in panels of {kc} (ko outermost; {n // kc} of them): each call sums its panel into C's tile
//   in registers, loading and storing the tile once. All of k per call measured faster
//   than L1-sized panels of 256 or 512 (0.87x numpy against 0.76-0.77x at 2048, 1 thread,
//   on the shared machine: C's tile traffic and the init pass grow with n / kc);
// - rows in blocks of {rows} (ib): the block's {rows // 6} panels of Ap stay in L2 while the
//   column panels jo stream past them;
// - `te.tensorize "C" "ki"`: the nest ki, ii, ji (C[i, j] += Ap[io, k, ii] * Bp[jo, k, ji]
//   over 6 x 16 x {kc}) becomes `hw.call @gemm_6x16_k{kc}_packed_packed` on subviews; the
//   peeled last row tile ({n} = {n // 6} x 6 + {n % 6}) stays plain loops. C's init stays a loop nest.
// The intrinsic below is `print_module` of `declare(module, "gemm_microkernel", kc={kc})`:
// its behavior (loop IR) and its llvm.func implementation (12 vector accumulators).
// test sizes: {small}
{body}
te.kernel @matmul(%A: tensor<{n}x{n}xf32>, %B: tensor<{n}x{n}xf32>) -> tensor<{n}x{n}xf32> {{
  %Ap = te.compute "Ap" (%io: {tiles_m}, %k: {n}, %ii: 6) {{
    %c6 = arith.constant 6 : index
    %last = arith.constant {n - 1} : index
    %i0 = arith.muli %io, %c6 : index
    %i1 = arith.addi %i0, %ii : index
    %i = arith.minsi %i1, %last : index
    %a = te.read %A[%i, %k] : tensor<{n}x{n}xf32> -> f32
    te.yield %a : f32
  }} : tensor<{tiles_m}x{n}x6xf32>
  %Bp = te.compute "Bp" (%jo: {tiles_n}, %k: {n}, %ji: 16) {{
    %c16 = arith.constant 16 : index
    %j0 = arith.muli %jo, %c16 : index
    %j = arith.addi %j0, %ji : index
    %b = te.read %B[%k, %j] : tensor<{n}x{n}xf32> -> f32
    te.yield %b : f32
  }} : tensor<{tiles_n}x{n}x16xf32>
  %C = te.compute "C" (%i: {n}, %j: {n}) reduce (%k: {n}) combiner add init 0.0 : f32 {{
    %c6 = arith.constant 6 : index
    %c16 = arith.constant 16 : index
    %io = arith.divsi %i, %c6 : index
    %ii = arith.remsi %i, %c6 : index
    %jo = arith.divsi %j, %c16 : index
    %ji = arith.remsi %j, %c16 : index
    %a = te.read %Ap[%io, %k, %ii] : tensor<{tiles_m}x{n}x6xf32> -> f32
    %b = te.read %Bp[%jo, %k, %ji] : tensor<{tiles_n}x{n}x16xf32> -> f32
    %p = arith.mulf %a, %b : f32
    te.yield %p : f32
  }} : tensor<{n}x{n}xf32>
  te.return %C : tensor<{n}x{n}xf32>
}}
te.schedule @matmul {{
  te.split "C" "j" by 16 -> "jo", "ji"
  te.split "C" "k" by {kc} -> "ko", "ki"
  te.split "C" "i" by {rows} -> "ib", "ir"
  te.split "C" "ir" by 6 -> "io", "ii"
  te.reorder "C" ["ko", "ib", "jo", "io", "ki", "ii", "ji"]
  te.tensorize "C" "ki" with @gemm_6x16_k{kc}_packed_packed
  te.parallel "C" "jo"
  te.vectorize "Bp" "ji"
}}
"""


def main() -> None:
    here = Path(__file__).parent
    (here / "matmul_1024.mlir").write_text(schedule(1024, 192, "1024=96 1023=95 171=16 64=6"))
    (here / "matmul_2048.mlir").write_text(schedule(2048, 192, "2048=96 2047=95 342=16 128=6"))


if __name__ == "__main__":
    main()
