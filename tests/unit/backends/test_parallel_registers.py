"""Parallel loops keep register tiles in registers.

A register-tiled convolution whose outer loop is `parallel` is outlined into
`@<kernel>__parallelN(%begin, %end, ...)`. With a dynamic `[%begin, %end)` and the enclosing
`%n` as a parameter, LLVM could not prove that the index arithmetic does not wrap, hence
that the tile's accumulators `Y[4 * %oo + 0, ..]` ... `Y[4 * %oo + 3, ..]` do not overlap,
and kept a load and a store around every multiply-add (3x the stores of the serial nest
here, one per `rx`). The outlined body clamps its bounds and captured induction variables
(`dlir/passes/lowering/parallel.py`), and these tests pin the result: the optimised
parallel body stores exactly as often as the serial nest, and computes the same values.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import numpy as np
import pytest
from xdsl.dialects.builtin import ModuleOp

from dlir import interpret
from dlir.backends.llvm.callable import jit_function
from dlir.backends.llvm.jit import emit
from dlir.backends.llvm.runtime import Runtime, load_runtime
from dlir.dialects.te.builder import Schedule
from dlir.dialects.te.kernel import KernelOp
from dlir.parser import parse_module
from dlir.passes import run_pipeline


@pytest.fixture
def runtime() -> Iterator[Runtime]:
    """The runtime with 2 threads and no threshold, so that every parallel loop splits."""
    rt = load_runtime()
    threads, threshold = rt.num_threads, rt.threshold
    rt.num_threads, rt.threshold = 2, 0
    rt.reset_stats()
    yield rt
    rt.num_threads, rt.threshold = threads, threshold


def conv_kernel(channels: int, outs: int, size: int, parallel: str | None) -> tuple[ModuleOp, str]:
    """The te kernel of a 3x3 same-padded conv2d, register-tiled as 4 output channels x 8
    columns (`n, oo, y, rc, ry, xo, rx, oi, xi`), with `parallel` (a loop name) parallel."""
    x, w = f"1x{channels}x{size}x{size}xf32", f"{outs}x{channels}x3x3xf32"
    y = f"1x{outs}x{size}x{size}xf32"
    module = parse_module(f"""
graph.func @f(%x: tensor<{x}>, %w: tensor<{w}>) -> tensor<{y}> {{
  %y = graph.conv2d %x, %w pads [1, 1, 1, 1] : (tensor<{x}>, tensor<{w}>) -> tensor<{y}>
  graph.return %y : tensor<{y}>
}}""")
    run_pipeline("graph-to-te", module)
    for op in list(module.ops):
        if not isinstance(op, KernelOp):
            op.detach()
    kernel = next(op for op in module.ops if isinstance(op, KernelOp))
    stage = Schedule(kernel)["Y"]
    xo, xi = stage.split("x", 8)
    oo, oi = stage.split("o", 4)
    stage.reorder("n", oo, "y", "rc", "ry", xo, "rx", oi, xi)
    stage.unroll(oi)
    stage.vectorize(xi)
    if parallel is not None:
        stage.parallel({"oo": oo, "y": "y"}[parallel])
    return module, kernel.sym_name.data


def vector_stores(module: ModuleOp, function: str) -> int:
    """The `store <8 x float>` instructions in `function` of the optimised module."""
    text = emit(module, "llvm")
    assert isinstance(text, str)
    match = re.search(rf"define void @{re.escape(function)}\(.*?\n}}", text, re.DOTALL)
    assert match is not None, f"no @{function} in the optimised module"
    return match.group(0).count("store <8 x float>")


def test_outlined_conv_body_stores_like_the_serial_nest() -> None:
    # 56 columns = 7 tiles of 8, which LLVM does not unroll: the `xo` loop stays a loop,
    # and each of its iterations stores the 4 accumulators once (12 without the clamps).
    serial, name = conv_kernel(16, 16, 56, None)
    run_pipeline("te-to-loop,loop-to-llvm", serial)
    parallel, _ = conv_kernel(16, 16, 56, "oo")
    run_pipeline("te-to-loop,loop-to-llvm", parallel)
    assert vector_stores(serial, name) == 4
    # The padding stage is outlined first (__parallel0), the conv stage second.
    assert vector_stores(parallel, f"{name}__parallel1") == 4


@pytest.mark.parametrize(
    ("channels", "outs", "size", "loop"),
    [(16, 8, 16, "oo"), (3, 12, 13, "oo"), (5, 4, 7, "y"), (1, 8, 1, "oo"), (2, 4, 33, "y")],
)
def test_parallel_conv_matches_interpreter(
    runtime: Runtime, channels: int, outs: int, size: int, loop: str
) -> None:
    module, name = conv_kernel(channels, outs, size, loop)
    rng = np.random.default_rng(size)
    x = rng.standard_normal((1, channels, size, size)).astype(np.float32)
    w = rng.standard_normal((outs, channels, 3, 3)).astype(np.float32)
    expected = np.asarray(interpret(module, name, x, w))
    run_pipeline("te-to-loop,loop-to-llvm", module)
    y = np.full(expected.shape, 99, np.float32)
    jit_function(module, name)(x, w, y)
    np.testing.assert_allclose(y, expected, rtol=1e-4, atol=1e-4)
    assert runtime.stats().parallel > 0
