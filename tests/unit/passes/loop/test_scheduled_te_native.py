"""Scheduled te kernels through te-to-loop, loop-unroll and loop-vectorize, natively, against
the interpreter: the loop passes on the loop nests that schedules really produce."""

from __future__ import annotations

import pytest
from xdsl.dialects.builtin import ModuleOp

from dlir.dialects.loop import ForOp, LoopKind
from dlir.dialects.te.builder import Schedule, matmul_kernel
from dlir.passes.lowering.te_to_loop.differential import check_native
from dlir.testing.te_kernels import softmax_kernel

PIPELINE = "te-to-loop,loop-unroll,loop-vectorize"


def no_annotations_left(module: ModuleOp) -> bool:
    kinds = {op.loop_kind for op in module.walk() if isinstance(op, ForOp)}
    return not kinds & {LoopKind.VECTORIZED, LoopKind.UNROLLED}


@pytest.mark.parametrize(("m", "n", "k"), [(7, 33, 13), (16, 16, 8), (1, 9, 5)])
def test_matmul_tiled_vectorized_unrolled(m: int, n: int, k: int):
    kernel = matmul_kernel("mm", m, n, k)
    module = ModuleOp([kernel])
    s = Schedule(kernel)
    s["C"].tile("i", "j", 4, 8)
    s["C"].split("k", 4)
    s["C"].reorder("io", "jo", "ko", "ii", "ki", "ji")
    s["C"].vectorize("ji")
    s["C"].unroll("ki")
    lowered = check_native(module, None, PIPELINE, rtol=1e-4)
    assert no_annotations_left(lowered)


@pytest.mark.parametrize(("rows", "cols"), [(3, 13), (2, 40)])
def test_softmax_vectorized_rows(rows: int, cols: int):
    kernel = softmax_kernel(rows, cols)
    module = ModuleOp([kernel])
    s = Schedule(kernel)
    for stage in ("E", "Y"):
        s[stage].vectorize("j")
    # te forbids vectorizing a reduction axis: M's vectorized loop is its spatial i, around
    # the k loop, which loop-vectorize leaves serial (a loop nest is not a vector body)
    s["M"].vectorize("i")
    lowered = check_native(module, None, PIPELINE, rtol=1e-5)
    kinds = [op.loop_kind for op in lowered.walk() if isinstance(op, ForOp)]
    assert kinds.count(LoopKind.VECTORIZED) == 1
