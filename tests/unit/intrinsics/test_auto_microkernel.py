"""The `contraction-microkernel` rule of te-auto-schedule (on by default on an AVX2+FMA host):
large f32 matmuls tensorized onto the GEMM micro-kernel, GotoBLAS blocking around it,
natively against numpy on odd shapes."""

from __future__ import annotations

import numpy as np
import pytest

import dlir
from dlir.backends.llvm.jit import host_has_features
from dlir.dialects.hw import CallOp, IntrinsicOp
from dlir.dialects.te.kernel import KernelOp
from dlir.dialects.te.schedule import ScheduleOp
from dlir.ir.diagnostics import DiagnosticError
from dlir.parser import parse_module
from dlir.passes import run_pipeline
from dlir.passes.lowering.auto_schedule.rules import Options
from dlir.passes.lowering.auto_schedule.rules_microkernel import reduction_block
from dlir.passes.registry import PIPELINES

COMPILE_CPU = PIPELINES["compile-cpu"][0]
GENERATED = COMPILE_CPU.replace("te-auto-schedule", "te-auto-schedule{microkernel=false}")

pytestmark = pytest.mark.skipif(
    not host_has_features("avx2", "fma"), reason="the micro-kernel needs avx2 and fma"
)


def matmul(m: int, k: int, n: int) -> str:
    return f"""
graph.func @main(%a: tensor<{m}x{k}xf32>, %b: tensor<{k}x{n}xf32>) -> tensor<{m}x{n}xf32> {{
  %0 = graph.matmul %a, %b : (tensor<{m}x{k}xf32>, tensor<{k}x{n}xf32>) -> tensor<{m}x{n}xf32>
  graph.return %0 : tensor<{m}x{n}xf32>
}}
"""


def tensorized(text: str, pipeline: str = COMPILE_CPU) -> tuple[list[str], list[str]]:
    """The intrinsics declared and called after loop-tensorize."""
    module = parse_module(text)
    run_pipeline(pipeline[: pipeline.index(",loop-unroll")], module)
    declared = [op.sym_name.data for op in module.walk() if isinstance(op, IntrinsicOp)]
    called = [op.callee.root_reference.data for op in module.walk() if isinstance(op, CallOp)]
    return declared, called


def schedule_of(text: str, threads: int = 2) -> list[str]:
    """The auto-schedule's primitives for `threads` threads, printed one per line."""
    module = parse_module(text)
    run_pipeline(f"graph-to-te,te-auto-schedule{{threads={threads}}}", module)
    kernel = next(op for op in module.ops if isinstance(op, KernelOp))
    schedule = next(
        op
        for op in module.ops
        if isinstance(op, ScheduleOp) and op.kernel_name == kernel.sym_name.data
    )
    return [str(p) for p in schedule.primitives()]


def check(m: int, k: int, n: int, pipeline: str = COMPILE_CPU) -> None:
    rng = np.random.default_rng(m * 7 + k * 3 + n)
    a = rng.standard_normal((m, k), dtype=np.float32)
    b = rng.standard_normal((k, n), dtype=np.float32)
    got = dlir.compile(matmul(m, k, n), pipeline)["main"](a, b)
    np.testing.assert_allclose(got, a.astype(np.float64) @ b, rtol=1e-5, atol=1e-4)


def test_a_large_matmul_runs_on_the_kernel_by_default() -> None:
    declared, called = tensorized(matmul(400, 37, 208))
    assert declared == ["gemm_6x16_k37_packed_packed"]
    assert set(called) == set(declared)
    check(400, 37, 208)  # 400 = 66 x 6 + 4 rows: the last tile stays loops


@pytest.mark.parametrize(
    "m, k, n",
    [
        (389, 1500, 40),  # k in 6 blocks of 250; columns 2 panels + 8 (padded panel)
        (97, 5, 17),  # one row block, one column past a panel
        (200, 1031, 16),  # k prime: blocks of 207 and a shorter last one, run as loops
    ],
)
def test_odd_shapes_match_numpy(m: int, k: int, n: int) -> None:
    declared, _ = tensorized(matmul(m, k, n))
    assert [d.startswith("gemm_6x16_k") for d in declared] == [True]
    check(m, k, n)


def test_blocking_is_gotoblas() -> None:
    """1024^3: k in blocks of 256 outermost, B's block packed at each; rows in blocks of
    192, A's block packed at each; both packings split across the threads."""
    schedule = schedule_of(matmul(1024, 1024, 1024))
    assert 'te.split "Y" "k" by 256 -> "ko", "ki"' in schedule
    assert 'te.reorder "Y" ["ko", "io", "jo", "iio", "ki", "iii", "ji"]' in schedule
    assert 'te.tensorize "Y" "ki" with @gemm_6x16_k256_packed_packed' in schedule
    assert schedule[-5:] == [
        'te.compute_at "X1_packed" at "Y" "ko"',
        'te.parallel "X1_packed" "ax1o"',
        'te.compute_at "X0_packed" at "Y" "io"',
        'te.parallel "X0_packed" "ax0o"',
        'te.parallel "Y" "jo"',
    ]


def test_one_thread_takes_k_blocks_of_1024() -> None:
    schedule = schedule_of(matmul(1024, 2048, 1024), threads=1)
    assert 'te.split "Y" "k" by 1024 -> "ko", "ki"' in schedule
    assert 'te.tensorize "Y" "ki" with @gemm_6x16_k1024_packed_packed' in schedule


def test_negative_threads_are_an_error() -> None:
    with pytest.raises(DiagnosticError, match="threads must be 0"):
        run_pipeline("te-auto-schedule{threads=-1}", parse_module(matmul(8, 8, 8)))


def test_one_row_block_packs_each_panel_of_b_where_it_is_used() -> None:
    schedule = schedule_of(matmul(128, 512, 64))
    assert 'te.compute_at "X1_packed" at "Y" "jo"' in schedule
    assert 'te.parallel "X1_packed" "ax1o"' not in schedule  # inside the parallel jo


def test_short_reductions_are_one_call() -> None:
    schedule = schedule_of(matmul(384, 200, 64))
    assert 'te.tensorize "Y" "k" with @gemm_6x16_k200_packed_packed' in schedule
    assert not any(p.startswith('te.compute_at "X1_packed"') for p in schedule)  # at root


def test_reduction_blocks() -> None:
    assert reduction_block(3000, 1024) == 1000
    assert [reduction_block(k) for k in (37, 256, 1024, 1500, 2048, 1031)] == [
        37,
        256,
        256,
        250,
        256,
        207,  # 1031 is prime: 5 blocks of 207, the last (203) run as loops
    ]


def test_off_with_microkernel_false() -> None:
    assert tensorized(matmul(384, 64, 64), GENERATED) == ([], [])
    check(384, 64, 64, GENERATED)


def test_few_rows_use_the_generated_tile() -> None:
    assert tensorized(matmul(64, 64, 64)) == ([], [])


def test_the_option_defaults_to_on() -> None:
    assert Options().microkernel
