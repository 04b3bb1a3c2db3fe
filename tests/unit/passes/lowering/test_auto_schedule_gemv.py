"""The matrix-vector rule (`rules_gemv.py`) for contractions with one row: which stages get
it, and native vs interpreter on odd column and reduction counts (tails of the 32-column
blocks, the 8-row blocks and the 1024-column chunks), with and without threads."""

from __future__ import annotations

import pytest
from xdsl.dialects.builtin import ModuleOp

from dlir.dialects.te.kernel import KernelOp
from dlir.passes.lowering.auto_schedule.schedule import auto_schedule
from dlir.passes.lowering.te_to_loop.differential import check_native
from dlir.testing.graph_kernels import graph_kernels

SERIAL = "te-auto-schedule{parallel=false},te-to-loop,loop-unroll,loop-vectorize"
THREADS = "te-auto-schedule,te-to-loop,loop-unroll,loop-vectorize"


def matmul_kernel(m: int, k: int, n: int, batch: int | None = None) -> ModuleOp:
    """graph-to-te's kernel for one graph.matmul (graph.batch_matmul with a batch)."""
    lead = f"{batch}x" if batch is not None else ""
    a, b, c = (
        f"tensor<{lead}{m}x{k}xf32>",
        f"tensor<{lead}{k}x{n}xf32>",
        f"tensor<{lead}{m}x{n}xf32>",
    )
    op = "graph.batch_matmul" if batch is not None else "graph.matmul"
    text = f"""graph.func @f(%a: {a}, %b: {b}) -> {c} {{
  %c = {op} %a, %b : ({a}, {b}) -> {c}
  graph.return %c : {c}
}}"""
    return graph_kernels(text)


def rule_of(module: ModuleOp) -> str:
    (kernel,) = [op for op in module.ops if isinstance(op, KernelOp)]
    _, choices = auto_schedule(kernel)
    (choice,) = choices
    return choice.rule


@pytest.mark.parametrize(
    "m,k,n,batch,gemv",
    [
        (1, 9216, 4096, None, True),
        (1, 7, 13, None, True),
        (2, 64, 100, None, False),  # two rows: B's panel is used twice
        (1, 64, 100, 3, False),  # a batch of 3 rows
        (1, 64, 5, None, False),  # fewer columns than the lanes
    ],
)
def test_one_row_is_a_matrix_vector_product(m: int, k: int, n: int, batch: int | None, gemv: bool):
    assert (rule_of(matmul_kernel(m, k, n, batch)) == "contraction-gemv") == gemv


@pytest.mark.parametrize(
    "k,n,pipeline",
    [
        (1, 8, SERIAL),
        (7, 13, SERIAL),
        (16, 32, THREADS),
        (33, 100, SERIAL),
        (100, 1000, THREADS),
        (17, 1025, SERIAL),
        (48, 2050, THREADS),
    ],
)
def test_native_matches_the_interpreter(k: int, n: int, pipeline: str):
    check_native(matmul_kernel(1, k, n), pipeline=pipeline, rtol=1e-4)
