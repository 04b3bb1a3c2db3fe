"""The conv micro-kernel rules of te-auto-schedule: NCHWc convolutions tensorized onto
`conv2d_nchwc_microkernel` by default, NCHW ones with
`te-auto-schedule{microkernel_nchw=true}`, both
compiled natively and compared with the interpreter at odd shapes."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.typing import NDArray
from xdsl.dialects.builtin import TensorType
from xdsl.ir import Attribute
from xdsl.utils.hints import isa

import dlir
from dlir.backends.llvm.jit import host_has_features
from dlir.dialects.graph.func import FuncOp
from dlir.dialects.hw import CallOp
from dlir.parser import parse_module
from dlir.passes import run_pipeline
from dlir.passes.registry import PIPELINES

COMPILE_CPU = PIPELINES["compile-cpu"][0]
TENSORIZED = COMPILE_CPU[: COMPILE_CPU.index(",loop-unroll")]
NCHW = COMPILE_CPU.replace("te-auto-schedule", "te-auto-schedule{microkernel_nchw=true}")
NCHW_TENSORIZED = NCHW[: NCHW.index(",loop-unroll")]

pytestmark = pytest.mark.skipif(
    not host_has_features("avx2", "fma"), reason="the micro-kernel needs avx2 and fma"
)


def _t(*dims: int) -> str:
    return f"tensor<{'x'.join(map(str, dims))}xf32>"


def nchwc_conv(
    cb: int, ob: int, h: int, w: int, k: int, stride: int, *, block: int = 16, nr: int = 16
) -> str:
    """`graph.conv2d_nchwc` (pad k // 2) + relu on NCHW[block]c / OIHW[block]i[nr]o arguments."""
    p = k // 2
    oh, ow = (h + 2 * p - k) // stride + 1, (w + 2 * p - k) // stride + 1
    x, wt, y = _t(1, cb, h, w, block), _t(ob, cb, k, k, block, nr), _t(1, ob, oh, ow, nr)
    return f"""graph.func @main(%x: {x}, %w: {wt}) -> {y} {{
  %conv = graph.conv2d_nchwc %x, %w strides [{stride}, {stride}] pads [{p}, {p}, {p}, {p}] : ({x}, {wt}) -> {y}
  %r = graph.relu %conv : {y}
  graph.return %r : {y}
}}"""


def nchw_conv(c: int, o: int, h: int, w: int, k: int, stride: int) -> str:
    """`graph.conv2d` (pad k // 2) + bias + relu on NCHW / OIHW arguments."""
    p = k // 2
    oh, ow = (h + 2 * p - k) // stride + 1, (w + 2 * p - k) // stride + 1
    x, wt, b, y = _t(1, c, h, w), _t(o, c, k, k), _t(o), _t(1, o, oh, ow)
    return f"""graph.func @main(%x: {x}, %w: {wt}, %b: {b}) -> {y} {{
  %conv = graph.conv2d %x, %w, %b strides [{stride}, {stride}] pads [{p}, {p}, {p}, {p}] : ({x}, {wt}, {b}) -> {y}
  %r = graph.relu %conv : {y}
  graph.return %r : {y}
}}"""


def called(text: str, pipeline: str = TENSORIZED) -> list[str]:
    """The intrinsics called after loop-tensorize."""
    module = parse_module(text)
    run_pipeline(pipeline, module)
    return [op.callee.root_reference.data for op in module.walk() if isinstance(op, CallOp)]


def check_native(text: str, seed: int = 0, pipeline: str = COMPILE_CPU) -> None:
    """compile-cpu's result equals the interpreter's on random inputs."""
    module = parse_module(text)
    func = next(op for op in module.ops if isinstance(op, FuncOp))
    rng = np.random.default_rng(seed)
    args: list[NDArray[np.float32]] = []
    for arg in func.body.block.args:
        assert isa(arg.type, TensorType[Attribute])
        args.append(rng.standard_normal(arg.type.get_shape()).astype(np.float32))
    got = dlir.compile(text, pipeline)["main"](*args)
    expected = dlir.interpret(parse_module(text), "main", *args)
    scale = float(np.abs(expected).max())
    np.testing.assert_allclose(got, expected, rtol=0, atol=2e-4 * max(scale, 1.0))


@pytest.mark.parametrize(
    ("shape", "intrinsic"),
    [
        # 13 columns (tiles 6 + 4 + 3), 2 output blocks, one input block per call
        ((2, 2, 5, 13, 3, 1), "conv_nchwc_13x16_c1x16_k3x3_s1_o16"),
        # stride 2 over 7 columns of 8-channel blocks, 8 output channels (12 x 8 tiles)
        ((4, 1, 9, 14, 3, 2, 8, 8), "conv_nchwc_7x8_c4x8_k3x3_s2_o8"),
        # 1x1 over 32 blocks: 16 blocks per call (their weights fill 16 KiB)
        ((32, 1, 1, 3, 1, 1), "conv_nchwc_3x16_c16x16_k1x1_s1_o16"),
    ],
    ids=["3x3-tails", "block8-stride2", "1x1-chunks"],
)
def test_nchwc_convs_run_on_the_micro_kernel(shape: tuple[int, ...], intrinsic: str) -> None:
    cb, ob, h, w, k, stride, *blocks = shape
    block, nr = blocks or (16, 16)
    text = nchwc_conv(cb, ob, h, w, k, stride, block=block, nr=nr)
    assert set(called(text)) == {intrinsic}
    check_native(text)


def test_microkernel_false_keeps_the_generated_tile() -> None:
    pipeline = TENSORIZED.replace("te-auto-schedule", "te-auto-schedule{microkernel=false}")
    assert called(nchwc_conv(2, 1, 4, 8, 3, 1), pipeline) == []


def test_short_reductions_keep_the_generated_tile() -> None:
    # a 1x1 conv over 64 channels: 64 multiply-adds per output value, under the 256
    assert called(nchwc_conv(4, 1, 3, 8, 1, 1)) == []


def test_nchw_convs_keep_the_generated_tile_by_default() -> None:
    assert called(nchw_conv(32, 16, 6, 6, 3, 1)) == []
    assert called(nchw_conv(256, 16, 3, 5, 1, 1)) == []


def test_nchw_1x1_convs_run_on_the_micro_kernel_when_turned_on() -> None:
    # 256 channels packed NCHW16c in the call, all 16 blocks per call (16 KiB of weights)
    text = nchw_conv(256, 16, 3, 5, 1, 1)
    assert set(called(text, NCHW_TENSORIZED)) == {"conv_nchwc_5x16_c16x16_k1x1_s1_o16"}
    check_native(text, pipeline=NCHW)


def test_nchw_convs_on_the_micro_kernel_when_turned_on() -> None:
    # 40 input channels: blocks of 8, packed NCHW8c in the call, one block per call;
    # bias and relu after
    text = nchw_conv(40, 16, 7, 9, 3, 2)
    assert set(called(text, NCHW_TENSORIZED)) == {"conv_nchwc_5x16_c1x8_k3x3_s2_o16"}
    check_native(text, pipeline=NCHW)
