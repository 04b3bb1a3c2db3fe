"""te-auto-schedule{microkernel=true}: matmuls tensorized onto the GEMM micro-kernel by the
`contraction-microkernel` rule, natively against numpy; off by default."""

from __future__ import annotations

import numpy as np
import pytest

import dlir
from dlir.backends.llvm.jit import host_has_features
from dlir.dialects.hw import CallOp, IntrinsicOp
from dlir.parser import parse_module
from dlir.passes import run_pipeline
from dlir.passes.registry import PIPELINES

COMPILE_CPU = PIPELINES["compile-cpu"][0]
MICROKERNEL = COMPILE_CPU.replace("te-auto-schedule", "te-auto-schedule{microkernel=true}")

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


def tensorized(text: str, pipeline: str) -> tuple[list[str], list[str]]:
    """The intrinsics declared and called after loop-tensorize."""
    module = parse_module(text)
    run_pipeline(pipeline[: pipeline.index(",loop-unroll")], module)
    declared = [op.sym_name.data for op in module.walk() if isinstance(op, IntrinsicOp)]
    called = [op.callee.root_reference.data for op in module.walk() if isinstance(op, CallOp)]
    return declared, called


def test_rows_with_a_tail_run_on_the_kernel_and_match_numpy() -> None:
    text = matmul(400, 37, 208)  # 400 = 66 x 6 + 4 rows: the last tile stays loops
    declared, called = tensorized(text, MICROKERNEL)
    assert declared == ["gemm_6x16_k37_strided_packed"]
    assert set(called) == set(declared)
    rng = np.random.default_rng(7)
    a = rng.standard_normal((400, 37), dtype=np.float32)
    b = rng.standard_normal((37, 208), dtype=np.float32)
    got = dlir.compile(text, MICROKERNEL)["main"](a, b)
    np.testing.assert_allclose(got, a.astype(np.float64) @ b, rtol=1e-5, atol=1e-4)


def test_off_by_default() -> None:
    assert tensorized(matmul(384, 64, 64), COMPILE_CPU) == ([], [])


def test_columns_that_are_not_whole_panels_declare_nothing() -> None:
    assert tensorized(matmul(384, 64, 40), MICROKERNEL) == ([], [])
