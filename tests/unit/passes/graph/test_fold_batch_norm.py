"""`graph-fold-batch-norm`: the folded function computes what the original did.

    conv2d (groups, bias or not, odd shapes) / matmul (+ bias of any broadcast shape)
    followed by batch_norm with random constant statistics
    ->  interpret(before) == interpret(after), and compile-cpu's native code agrees

plus the cases that must not fold into the producer (weights that are arguments, a
producer with a second reader) and must not fold at all (statistics that are arguments).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, cast

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.typing import NDArray
from xdsl.dialects.builtin import DenseResourceAttr, ModuleOp, TensorType, f32
from xdsl.ir import Operation, SSAValue

import dlir
from dlir.dialects import graph
from dlir.dialects.graph import constant
from dlir.dialects.graph.common import tensor_type
from dlir.ir.context import make_context
from dlir.passes import PIPELINES, PassManager

Array = NDArray[Any]


@dataclass
class Built:
    """A one-function module and random inputs for its arguments."""

    module: ModuleOp
    inputs: list[Array]


class FuncBuilder:
    """`graph.func @f`: arguments made from arrays, ops appended, results returned."""

    def __init__(self, rng: np.random.Generator) -> None:
        self.rng = rng
        self.func = graph.FuncOp("f", ([], []))
        self.block = self.func.body.block
        self.inputs: list[Array] = []

    def arg(self, array: Array) -> SSAValue:
        self.inputs.append(array.astype(np.float32))
        return self.block.insert_arg(TensorType(f32, array.shape), len(self.block.args))

    def const(self, array: Array) -> SSAValue:
        return self.op(constant(array.astype(np.float32)))

    def value(self, array: Array, as_constant: bool) -> SSAValue:
        return self.const(array) if as_constant else self.arg(array)

    def op(self, op: Operation) -> SSAValue:
        self.block.add_op(op)
        return op.results[0]

    def batch_norm(
        self, x: SSAValue, constant_stats: bool = True, epsilon: float = 1e-5
    ) -> SSAValue:
        c = tensor_type(x).get_shape()[1]
        scale, shift, mean = (self.rng.standard_normal(c) for _ in range(3))
        var = self.rng.uniform(0.1, 2.0, c)
        stats = [self.const(scale), self.const(shift)]
        stats += [self.value(mean, constant_stats), self.const(var)]
        return self.op(graph.BatchNormOp(x, *stats, epsilon=epsilon))

    def finish(self, *results: SSAValue) -> Built:
        self.block.add_op(graph.ReturnOp(*results))
        self.func.function_type = graph.FuncOp(
            "f", ([a.type for a in self.block.args], [r.type for r in results])
        ).function_type
        module = ModuleOp([self.func])
        module.verify()
        return Built(module, self.inputs)


def conv_bn(
    seed: int,
    shape: tuple[int, int, int, int],
    out_channels: int,
    kernel: int,
    groups: int = 1,
    bias: bool = True,
    constant_weight: bool = True,
    second_reader: bool = False,
    relu: bool = True,
) -> Built:
    """x -> conv2d(w, b) -> batch_norm [-> relu], the conv maybe also returned."""
    rng = np.random.default_rng(seed)
    b = FuncBuilder(rng)
    x = b.arg(rng.standard_normal(shape))
    weight = rng.standard_normal((out_channels, shape[1] // groups, kernel, kernel))
    w = b.value(weight, constant_weight)
    bias_value = b.const(rng.standard_normal(out_channels)) if bias else None
    y = b.op(graph.Conv2dOp(x, w, bias_value, pads=kernel // 2, groups=groups))
    z = b.batch_norm(y, epsilon=1e-3)
    if relu:
        z = b.op(graph.ReluOp(z))
    return b.finish(z, y) if second_reader else b.finish(z)


def dense_bn(
    seed: int, m: int, k: int, n: int, bias_shape: tuple[int, ...] | None, bias_first: bool = False
) -> Built:
    """x -> matmul(w) [-> add(b)] -> batch_norm."""
    rng = np.random.default_rng(seed)
    b = FuncBuilder(rng)
    x = b.arg(rng.standard_normal((m, k)))
    y = b.op(graph.MatmulOp(x, b.const(rng.standard_normal((k, n)))))
    if bias_shape is not None:
        bias = b.const(rng.standard_normal(bias_shape))
        y = b.op(graph.AddOp(bias, y) if bias_first else graph.AddOp(y, bias))
    return b.finish(b.batch_norm(y))


def fold(module: ModuleOp) -> ModuleOp:
    folded = module.clone()
    PassManager.parse("graph-fold-batch-norm", make_context()).run(folded)
    folded.verify()
    return folded


def names(module: ModuleOp) -> list[str]:
    """The graph ops of @f other than constants, in order."""
    func = next(op for op in module.ops if isinstance(op, graph.FuncOp))
    return [
        op.name
        for op in func.body.block.ops
        if not isinstance(op, graph.ConstantOp | graph.ReturnOp)
    ]


def results(value: Any) -> list[Array]:
    """A function's result(s) as a list of arrays."""
    items = list(cast(tuple[Any, ...], value)) if isinstance(value, tuple) else [value]
    return [np.asarray(v, dtype=np.float64) for v in items]


def assert_same(got: Any, want: Any, rtol: float = 2e-5) -> None:
    """Equal up to `rtol` of the largest magnitude (sums in another order, f32 rounding)."""
    for g, w in zip(results(got), results(want), strict=True):
        scale = max(1.0, float(np.max(np.abs(w))))
        np.testing.assert_allclose(g, w, rtol=0, atol=rtol * scale)


def check_folded(built: Built, expected: list[str]) -> ModuleOp:
    folded = fold(built.module)
    assert names(folded) == expected
    want = dlir.interpret(built.module, "f", *built.inputs)
    assert_same(dlir.interpret(folded, "f", *built.inputs), want)
    return folded


# ---------------------------------------------------------------------------------------
# Folding into the producer


@pytest.mark.parametrize(
    ("shape", "out_channels", "kernel", "groups", "bias"),
    [
        ((1, 3, 7, 7), 4, 3, 1, True),
        ((2, 4, 5, 13), 6, 3, 2, False),
        ((1, 1, 1, 1), 1, 1, 1, True),
        ((1, 6, 9, 7), 6, 3, 6, True),  # depthwise
    ],
)
def test_conv_batch_norm_folds_into_the_conv(
    shape: tuple[int, int, int, int], out_channels: int, kernel: int, groups: int, bias: bool
) -> None:
    built = conv_bn(1, shape, out_channels, kernel, groups, bias)
    check_folded(built, ["graph.conv2d", "graph.relu"])


@pytest.mark.parametrize(
    ("bias_shape", "bias_first"),
    [(None, False), ((33,), False), ((1, 33), True), ((7, 33), False), ((), True)],
)
def test_dense_batch_norm_folds_into_matmul_and_bias(
    bias_shape: tuple[int, ...] | None, bias_first: bool
) -> None:
    check_folded(dense_bn(2, 7, 13, 33, bias_shape, bias_first), ["graph.matmul", "graph.add"])


def test_large_folded_weights_are_resources_and_the_old_ones_go() -> None:
    built = conv_bn(3, (1, 8, 5, 5), 16, 3, relu=False)  # 16 * 8 * 3 * 3 = 1152 weights
    folded = check_folded(built, ["graph.conv2d"])
    constants = [op for op in folded.walk() if isinstance(op, graph.ConstantOp)]
    assert len(constants) == 2  # the new weight and bias; the old ones and the stats are gone
    assert isinstance(constants[0].value, DenseResourceAttr)


# ---------------------------------------------------------------------------------------
# Not into the producer


def test_weights_that_are_arguments_give_a_per_channel_affine() -> None:
    built = conv_bn(4, (1, 3, 7, 7), 5, 3, constant_weight=False)
    check_folded(built, ["graph.conv2d", "graph.mul", "graph.add", "graph.relu"])


def test_a_conv_with_a_second_reader_is_not_changed() -> None:
    built = conv_bn(5, (1, 3, 7, 7), 5, 3, second_reader=True)
    folded = check_folded(built, ["graph.conv2d", "graph.mul", "graph.add", "graph.relu"])
    conv = next(op for op in folded.walk() if isinstance(op, graph.Conv2dOp))
    original = next(op for op in built.module.walk() if isinstance(op, graph.Conv2dOp))
    assert conv.weight.owner is not None and original.weight.owner is not None
    weight, before = conv.weight.owner, original.weight.owner
    assert isinstance(weight, graph.ConstantOp) and isinstance(before, graph.ConstantOp)
    assert weight.value == before.value


@pytest.mark.parametrize("shape", [(7, 5), (2, 5, 13), (1, 5, 3, 3), (2, 3, 1, 2, 2)])
def test_a_batch_norm_alone_becomes_mul_add(shape: tuple[int, ...]) -> None:
    rng = np.random.default_rng(6)
    b = FuncBuilder(rng)
    built = b.finish(b.batch_norm(b.op(graph.TanhOp(b.arg(rng.standard_normal(shape))))))
    check_folded(built, ["graph.tanh", "graph.mul", "graph.add"])


def test_statistics_that_are_arguments_are_left_alone() -> None:
    rng = np.random.default_rng(7)
    b = FuncBuilder(rng)
    built = b.finish(b.batch_norm(b.arg(rng.standard_normal((3, 4))), constant_stats=False))
    check_folded(built, ["graph.batch_norm"])


# ---------------------------------------------------------------------------------------
# Property: any shape, any kind of producer


CASES: dict[str, Callable[[int, st.DataObject], Built]] = {
    "conv": lambda seed, data: conv_bn(
        seed,
        (
            data.draw(st.sampled_from([1, 2])),
            2 * data.draw(st.integers(1, 3)),
            *data.draw(st.tuples(st.integers(3, 9), st.integers(3, 9))),
        ),
        2 * data.draw(st.integers(1, 4)),
        data.draw(st.sampled_from([1, 3])),
        groups=data.draw(st.sampled_from([1, 2])),
        bias=data.draw(st.booleans()),
        constant_weight=data.draw(st.booleans()),
        second_reader=data.draw(st.booleans()),
    ),
    "dense": lambda seed, data: dense_bn(
        seed,
        data.draw(st.integers(1, 9)),
        data.draw(st.integers(1, 9)),
        data.draw(st.integers(1, 9)),
        data.draw(st.sampled_from([None, (), (1,)])),
        data.draw(st.booleans()),
    ),
}


@settings(max_examples=40, deadline=None)
@given(st.sampled_from(sorted(CASES)), st.integers(0, 2**16), st.data())
def test_folding_keeps_the_values(kind: str, seed: int, data: st.DataObject) -> None:
    built = CASES[kind](seed, data)
    folded = fold(built.module)
    assert "graph.batch_norm" not in names(folded)
    want = dlir.interpret(built.module, "f", *built.inputs)
    assert_same(dlir.interpret(folded, "f", *built.inputs), want)


# ---------------------------------------------------------------------------------------
# Native code


def test_compile_cpu_folds_first_and_runs_natively() -> None:
    assert "graph-fold-batch-norm,graph-alter-layout,graph-fuse," in PIPELINES["compile-cpu"][0]
    for built in (
        conv_bn(8, (1, 4, 9, 7), 6, 3, groups=2),
        conv_bn(9, (1, 3, 7, 5), 4, 3, second_reader=True),
        dense_bn(10, 7, 13, 33, (33,)),
    ):
        want = dlir.interpret(built.module, "f", *built.inputs)
        assert_same(dlir.compile(built.module)["f"](*built.inputs), want, rtol=1e-4)
