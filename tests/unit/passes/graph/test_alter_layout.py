"""`graph-alter-layout`: the blocked graph computes what the NCHW one did.

    random CNNs (convs with constant weights, relu, per-channel affine maps, residual
    adds, pooling, channel concats; channels 16, 32, 48, 8, 24 and 12, 20 left alone;
    odd sizes, strided convs)
    ->  interpret(before) == interpret(after), and compile-cpu's native code of the
        blocked graph agrees with the interpreter

plus the layout helpers (a transform and its inverse are the identity) and the op's
verifier.
"""

from __future__ import annotations

from typing import Any, cast

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from numpy.typing import NDArray
from xdsl.dialects.builtin import ModuleOp
from xdsl.utils.exceptions import VerifyException
from xdsl.utils.test_value import create_ssa_value

import dlir
from dlir.dialects import graph
from dlir.dialects.graph import tensor
from dlir.dialects.graph.layout import Layout, convert_layout
from dlir.ir.context import make_context
from dlir.parser import parse_module
from dlir.passes import PassManager
from dlir.passes.manager import PassFailure
from dlir.testing.random_convnets import ConvNet, random_convnets


def alter(module: ModuleOp) -> ModuleOp:
    altered = module.clone()
    PassManager.parse("graph-alter-layout", make_context()).run(altered)
    altered.verify()
    return altered


def as_list(value: Any) -> list[NDArray[Any]]:
    items = list(cast(tuple[Any, ...], value)) if isinstance(value, tuple) else [value]
    return [np.asarray(v, dtype=np.float64) for v in items]


def assert_same(got: Any, want: Any, rtol: float = 2e-5) -> None:
    for g, w in zip(as_list(got), as_list(want), strict=True):
        scale = max(1.0, float(np.max(np.abs(w))))
        np.testing.assert_allclose(g, w, rtol=0, atol=rtol * scale)


def ops_named(module: ModuleOp, name: str) -> int:
    return sum(1 for op in module.walk() if op.name == name)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(random_convnets())
def test_blocked_graph_interprets_the_same(net: ConvNet) -> None:
    altered = alter(net.module)
    want = dlir.interpret(net.module, "f", net.input)
    assert_same(dlir.interpret(altered, "f", net.input), want)


@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(random_convnets(max_ops=5))
def test_blocked_graph_runs_natively(net: ConvNet) -> None:
    altered = alter(net.module)
    want = dlir.interpret(net.module, "f", net.input)
    assert_same(dlir.compile(altered)["f"](net.input), want, rtol=1e-4)


@pytest.mark.parametrize(
    ("src", "dst", "shape"),
    [
        ("NCHW", "NCHW16c", (2, 32, 3, 5)),
        ("NCHW", "NCHW8c", (1, 24, 7, 1)),
        ("NCHW16c", "NCHW8c", (1, 2, 3, 3, 16)),
        ("NCHW", "NHWC", (1, 3, 4, 5)),
        ("OIHW", "OIHW16i8o", (16, 32, 3, 3)),
    ],
)
def test_transform_and_inverse_are_identity(src: str, dst: str, shape: tuple[int, ...]) -> None:
    x = np.arange(np.prod(shape), dtype=np.float32).reshape(shape)
    there = convert_layout(x, Layout.parse(src), Layout.parse(dst))
    assert there.size == x.size
    np.testing.assert_array_equal(convert_layout(there, Layout.parse(dst), Layout.parse(src)), x)


def test_blocked_layout_places_channel_c_at_its_block() -> None:
    x = np.arange(32, dtype=np.float32).reshape(1, 32, 1, 1)
    y = convert_layout(x, Layout.parse("NCHW"), Layout.parse("NCHW16c"))
    assert y[0, 1, 0, 0, 3] == 16 + 3


@settings(max_examples=20, deadline=None)
@given(st.sampled_from([(4, 8), (2, 16), (1, 8)]), st.sampled_from([1, 3, 5]))
def test_transform_op_matches_numpy_natively(blocks: tuple[int, int], size: int) -> None:
    outer, block = blocks
    text = f"""
    graph.func @f(%x: tensor<1x{outer * block}x{size}x3xf32>) -> tensor<1x{outer}x{size}x3x{block}xf32> {{
      %y = graph.layout_transform %x src "NCHW" dst "NCHW{block}c" : tensor<1x{outer * block}x{size}x3xf32> -> tensor<1x{outer}x{size}x3x{block}xf32>
      graph.return %y : tensor<1x{outer}x{size}x3x{block}xf32>
    }}"""
    x = np.random.default_rng(0).standard_normal((1, outer * block, size, 3)).astype(np.float32)
    want = convert_layout(x, Layout.parse("NCHW"), Layout.parse(f"NCHW{block}c"))
    np.testing.assert_array_equal(dlir.compile(text)["f"](x), want)


def test_transform_rejects_a_block_that_does_not_divide() -> None:
    x = create_ssa_value(tensor(1, 12, 4, 4))
    with pytest.raises(VerifyException, match="block 16 of layout NCHW16c does not divide C = 12"):
        graph.LayoutTransformOp(x, "NCHW", "NCHW16c")


def test_convs_without_blockable_channels_or_constant_weights_stay() -> None:
    text = """
    graph.func @f(%x: tensor<1x12x5x5xf32>, %w2: tensor<16x16x1x1xf32>) -> tensor<1x16x5x5xf32> {
      %w = graph.constant dense<1.0> : tensor<16x12x3x3xf32>
      %y = graph.conv2d %x, %w pads [1, 1, 1, 1] : (tensor<1x12x5x5xf32>, tensor<16x12x3x3xf32>) -> tensor<1x16x5x5xf32>
      %z = graph.conv2d %y, %w2 : (tensor<1x16x5x5xf32>, tensor<16x16x1x1xf32>) -> tensor<1x16x5x5xf32>
      graph.return %z : tensor<1x16x5x5xf32>
    }"""
    altered = alter(parse_module(text))
    assert ops_named(altered, "graph.conv2d") == 2
    assert ops_named(altered, "graph.layout_transform") == 0


@pytest.mark.parametrize(
    ("channels", "outputs", "size", "kernel", "stride", "dilation", "pads"),
    [
        (16, 32, 7, 3, 1, 1, (1, 1, 1, 1)),
        (8, 24, 13, 3, 2, 1, (0, 1, 2, 1)),
        (32, 16, 9, 3, 1, 2, (2, 2, 2, 2)),
        (16, 8, 5, 1, 1, 1, (0, 0, 0, 0)),
    ],
)
def test_blocked_conv_matches_the_nchw_conv_natively(
    channels: int,
    outputs: int,
    size: int,
    kernel: int,
    stride: int,
    dilation: int,
    pads: tuple[int, int, int, int],
) -> None:
    rng = np.random.default_rng(channels + outputs + size)
    x = rng.standard_normal((1, channels, size, size + 2)).astype(np.float32)
    w = rng.standard_normal((outputs, channels, kernel, kernel)).astype(np.float32)
    b = rng.standard_normal(outputs).astype(np.float32)
    func = graph.FuncOp("f", ([], []))
    block = func.body.block
    args = [block.insert_arg(tensor(*a.shape), i) for i, a in enumerate((x, w, b))]
    conv = graph.Conv2dOp(*args, strides=stride, pads=pads, dilations=dilation)
    block.add_ops([conv, graph.ReturnOp(conv)])
    func.function_type = graph.FuncOp(
        "f", ([a.type for a in args], [conv.result.type])
    ).function_type
    want = dlir.interpret(ModuleOp([func.clone()]), "f", x, w, b)
    bi, bo = (16 if c % 16 == 0 else 8 for c in (channels, outputs))
    xb = convert_layout(x, Layout.parse("NCHW"), Layout.parse(f"NCHW{bi}c"))
    wb = convert_layout(w, Layout.parse("OIHW"), Layout.parse(f"OIHW{bi}i{bo}o"))
    bb = b.reshape(outputs // bo, bo)
    blocked_func = graph.FuncOp("g", ([], []))
    block = blocked_func.body.block
    args = [block.insert_arg(tensor(*a.shape), i) for i, a in enumerate((xb, wb, bb))]
    blocked_conv = graph.Conv2dNchwcOp(
        *args, strides=(stride, stride), pads=pads, dilations=(dilation, dilation)
    )
    block.add_ops([blocked_conv, graph.ReturnOp(blocked_conv)])
    blocked_func.function_type = graph.FuncOp(
        "g", ([a.type for a in args], [blocked_conv.result.type])
    ).function_type
    module = ModuleOp([blocked_func])
    module.verify()
    expected = convert_layout(np.asarray(want), Layout.parse("NCHW"), Layout.parse(f"NCHW{bo}c"))
    assert_same(dlir.interpret(module, "g", xb, wb, bb), expected)
    assert_same(dlir.compile(module)["g"](xb, wb, bb), expected, rtol=1e-4)


CHAIN = """
graph.func @f(%x: tensor<1x16x8x8xf32>) -> tensor<1x32x8x8xf32> {
  %w1 = graph.constant dense<0.5> : tensor<32x16x3x3xf32>
  %w2 = graph.constant dense<0.125> : tensor<32x32x1x1xf32>
  %c1 = graph.conv2d %x, %w1 pads [1, 1, 1, 1] : (tensor<1x16x8x8xf32>, tensor<32x16x3x3xf32>) -> tensor<1x32x8x8xf32>
  %r1 = graph.relu %c1 : tensor<1x32x8x8xf32>
  %c2 = graph.conv2d %r1, %w2 : (tensor<1x32x8x8xf32>, tensor<32x32x1x1xf32>) -> tensor<1x32x8x8xf32>
  graph.return %c2 : tensor<1x32x8x8xf32>
}"""


def test_block_option_picks_the_layout() -> None:
    module = parse_module(CHAIN)
    altered = module.clone()
    PassManager.parse("graph-alter-layout{block=8}", make_context()).run(altered)
    layouts = {op.dst.data for op in altered.walk() if isinstance(op, graph.LayoutTransformOp)}
    assert layouts == {"NCHW8c", "NCHW"}
    x = np.random.default_rng(1).standard_normal((1, 16, 8, 8)).astype(np.float32)
    assert_same(dlir.interpret(altered, "f", x), dlir.interpret(module, "f", x))


def test_block_option_must_be_a_multiple_of_8() -> None:
    with pytest.raises(PassFailure, match="block must be a multiple of 8, found 12"):
        PassManager.parse("graph-alter-layout{block=12}", make_context()).run(parse_module(CHAIN))
