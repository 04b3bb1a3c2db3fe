"""Random small CNNs `graph.func @f(%x)` for layout property tests: convs with constant
weights, relu, per-channel affine maps, residual adds, pooling and channel concats.

    @given(random_convnets())
    def test_layout_keeps_values(net: ConvNet) -> None:
        ... dlir.interpret(net.module, "f", net.input) ...

Channel counts mix multiples of 16 and 8 (which `graph-alter-layout` blocks) with others
(12, 20: left in NCHW); spatial sizes are 5, 7, 8, 14 (blocked) and 13 (rows too narrow for the blocked
register tile: left alone), and some convs stride 2.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from hypothesis import strategies as st
from numpy.typing import NDArray
from xdsl.dialects.builtin import ModuleOp, TensorType, f32
from xdsl.ir import Operation, SSAValue

from dlir.dialects import graph
from dlir.dialects.graph.common import tensor_type

CHANNELS = (16, 32, 48, 8, 24, 12, 20)
SIZES = (7, 8, 14, 13, 5)
OPS = ("conv", "conv", "conv", "relu", "add", "affine", "max_pool", "avg_pool", "concat")


@dataclass
class ConvNet:
    """A one-function module `@f(x)` and a random input for it."""

    module: ModuleOp
    input: NDArray[Any]


def _shape(value: SSAValue) -> tuple[int, ...]:
    return tensor_type(value).get_shape()


@st.composite
def random_convnets(draw: st.DrawFn, max_ops: int = 7) -> ConvNet:
    """A random CNN; see the module docstring."""
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    channels, size = draw(st.sampled_from(CHANNELS)), draw(st.sampled_from(SIZES))
    func = graph.FuncOp("f", ([TensorType(f32, (1, channels, size, size))], []))
    block = func.body.block
    values: list[SSAValue] = [block.args[0]]

    def add(*ops: Operation) -> SSAValue:
        block.add_ops(ops)
        return ops[-1].results[0]

    def const(array: NDArray[Any]) -> graph.ConstantOp:
        return graph.constant(array.astype(np.float32))

    for _ in range(draw(st.integers(2, max_ops))):
        # mostly the last values, so chains and residual diamonds are common
        x = values[-1 - draw(st.integers(0, min(2, len(values) - 1)))]
        n, c, h, w = _shape(x)
        kind = draw(st.sampled_from(OPS))
        if kind == "conv":
            out = draw(st.sampled_from(CHANNELS))
            kernel = draw(st.sampled_from((1, 3)))
            stride = 2 if h >= 9 and draw(st.booleans()) else 1
            scale = 1 / np.sqrt(c * kernel * kernel)
            weight = const(rng.standard_normal((out, c, kernel, kernel)) * scale)
            bias = const(rng.standard_normal(out)) if draw(st.booleans()) else None
            conv = graph.Conv2dOp(x, weight, bias, strides=stride, pads=kernel // 2)
            values.append(add(weight, *([bias] if bias else []), conv))
        elif kind == "relu":
            values.append(add(graph.ReluOp(x)))
        elif kind == "affine":
            shape = draw(st.sampled_from(((c, 1, 1), (1, c, 1, 1), (1,), ())))
            scale, shift = const(rng.uniform(0.5, 1.5, shape)), const(rng.standard_normal(shape))
            mul = graph.MulOp(x, scale)
            values.append(add(scale, shift, mul, graph.AddOp(mul, shift)))
        elif kind == "add":
            same = [v for v in values if _shape(v) == (n, c, h, w) and v is not x]
            other = draw(st.sampled_from(same)) if same else x
            values.append(add(graph.AddOp(x, other)))
        elif kind == "max_pool":
            values.append(add(graph.MaxPool2dOp(x, 3, pads=1)))
        elif kind == "avg_pool":
            values.append(add(graph.AvgPool2dOp(x, 2, strides=2) if h >= 4 else graph.ReluOp(x)))
        else:
            same = [v for v in values if _shape(v)[2:] == (h, w)]
            other = draw(st.sampled_from(same))
            values.append(add(graph.ConcatOp([x, other], 1)))
    results = [values[-1]]
    if len(values) > 2 and draw(st.booleans()):
        results.append(values[draw(st.integers(1, len(values) - 2))])
    block.add_op(graph.ReturnOp(*results))
    func.function_type = graph.FuncOp(
        "f", ([block.args[0].type], [r.type for r in results])
    ).function_type
    module = ModuleOp([func])
    module.verify()
    return ConvNet(module, rng.standard_normal((1, channels, size, size)).astype(np.float32))
