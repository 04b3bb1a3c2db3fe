"""Elementwise graph ops, matmuls, normalisations and reductions against numpy formulas."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from xdsl.dialects.builtin import f16, f32, i32
from xdsl.ir import Operation, SSAValue

from dlir.dialects import graph
from dlir.dialects.graph.elementwise import BinaryOp
from dlir.testing.graphs import Array, RunGraph

rng = np.random.default_rng(0)


def rand(*shape: int, dtype: Any = np.float32, low: float = -2, high: float = 2) -> Array:
    return rng.uniform(low, high, size=shape).astype(dtype)


BINARY: list[tuple[type[BinaryOp], Callable[[Array, Array], Array]]] = [
    (graph.AddOp, lambda a, b: a + b),
    (graph.SubOp, lambda a, b: a - b),
    (graph.MulOp, lambda a, b: a * b),
    (graph.DivOp, lambda a, b: a / b),
    (graph.MaximumOp, np.maximum),
    (graph.MinimumOp, np.minimum),
]
SHAPES = [((1,), (1,)), ((7,), (7,)), ((3, 13), (13,)), ((4, 1), (3,)), ((2, 1, 7), (3, 1))]


@pytest.mark.parametrize(("op", "formula"), BINARY, ids=lambda v: getattr(v, "name", ""))
@pytest.mark.parametrize(("lhs", "rhs"), SHAPES)
def test_binary_broadcasts(
    run_graph: RunGraph,
    op: type[BinaryOp],
    formula: Callable[[Array, Array], Array],
    lhs: tuple[int, ...],
    rhs: tuple[int, ...],
) -> None:
    a, b = rand(*lhs), rand(*rhs, low=0.5)
    out = run_graph(lambda x, y: op(x, y), a, b)
    assert out.dtype == np.float32
    np.testing.assert_allclose(out, formula(a, b), rtol=1e-6)


def test_pow(run_graph: RunGraph) -> None:
    a, e = rand(3, 7, low=0.1), rand(7, low=-1, high=3)
    np.testing.assert_allclose(run_graph(graph.PowOp, a, e), a**e, rtol=1e-5)


def test_integer_division_truncates_toward_zero(run_graph: RunGraph) -> None:
    a = np.array([7, -7, 7, -7, 6, -1], dtype=np.int32)
    b = np.array([2, 2, -2, -2, 3, 5], dtype=np.int32)
    out = run_graph(graph.DivOp, a, b)
    assert out.dtype == np.int32
    assert out.tolist() == [3, -3, -3, 3, 2, 0]  # C's quotient, not Python's floor


def gelu_exact(x: Array) -> Array:
    return np.array([v * 0.5 * (1 + math.erf(v / math.sqrt(2))) for v in x.ravel()]).reshape(
        x.shape
    )


UNARY: list[tuple[Callable[[SSAValue], Operation], Callable[[Array], Array]]] = [
    (graph.ReluOp, lambda x: np.where(x > 0, x, 0)),
    (graph.SigmoidOp, lambda x: 1 / (1 + np.exp(-x.astype(np.float64)))),
    (graph.TanhOp, lambda x: np.tanh(x.astype(np.float64))),
    (graph.ExpOp, lambda x: np.exp(x.astype(np.float64))),
    (graph.ErfOp, lambda x: np.vectorize(math.erf)(x.astype(np.float64))),
    (graph.GeluOp, gelu_exact),
    (
        lambda x: graph.GeluOp(x, "tanh"),
        lambda x: 0.5 * x * (1 + np.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x**3))),
    ),
    (lambda x: graph.ClipOp(x, -0.5, 1.25), lambda x: np.minimum(np.maximum(x, -0.5), 1.25)),
]


@pytest.mark.parametrize(("make", "formula"), UNARY)
@pytest.mark.parametrize("shape", [(1,), (13,), (3, 7)])
def test_unary(
    run_graph: RunGraph,
    make: Callable[[SSAValue], Operation],
    formula: Callable[[Array], Array],
    shape: tuple[int, ...],
) -> None:
    x = rand(*shape, low=-4, high=4)
    out = run_graph(make, x)
    assert out.dtype == np.float32 and out.shape == shape
    np.testing.assert_allclose(out, formula(x), rtol=2e-6, atol=2e-6)


def test_log_and_sqrt(run_graph: RunGraph) -> None:
    x = rand(3, 13, low=0.01, high=9)
    np.testing.assert_allclose(run_graph(graph.LogOp, x), np.log(x), rtol=1e-6)
    np.testing.assert_allclose(run_graph(graph.SqrtOp, x), np.sqrt(x), rtol=1e-6)


def test_sigmoid_of_huge_inputs_is_finite(run_graph: RunGraph) -> None:
    x = np.array([-1e4, -100, 0, 100, 1e4], dtype=np.float32)
    out = run_graph(graph.SigmoidOp, x)
    assert np.all(np.isfinite(out))
    np.testing.assert_allclose(out, [0, 0, 0.5, 1, 1], atol=1e-30)


def test_relu_and_clip_on_integers(run_graph: RunGraph) -> None:
    x = np.array([-3, 0, 2, 9], dtype=np.int32)
    assert run_graph(graph.ReluOp, x).tolist() == [0, 0, 2, 9]
    assert run_graph(lambda v: graph.ClipOp(v, -1.5, 4.5), x).tolist() == [-1, 0, 2, 4]


def test_cast(run_graph: RunGraph) -> None:
    x = np.array([-2.7, -0.5, 0.5, 3.9], dtype=np.float32)
    to_int = run_graph(lambda v: graph.CastOp(v, i32), x)
    assert to_int.dtype == np.int32 and to_int.tolist() == [-2, 0, 0, 3]
    to_half = run_graph(lambda v: graph.CastOp(v, f16), x)
    assert to_half.dtype == np.float16
    back = run_graph(lambda v: graph.CastOp(v, f32), np.array([1, -4], dtype=np.int32))
    assert back.dtype == np.float32 and back.tolist() == [1.0, -4.0]


# --- products ---------------------------------------------------------------------------


@pytest.mark.parametrize(("m", "k", "n"), [(1, 1, 1), (3, 7, 13), (13, 1, 3)])
def test_matmul(run_graph: RunGraph, m: int, k: int, n: int) -> None:
    a, b = rand(m, k), rand(k, n)
    expected = np.einsum("mk,kn->mn", a.astype(np.float64), b)
    out = run_graph(graph.MatmulOp, a, b)
    assert out.dtype == np.float32
    np.testing.assert_allclose(out, expected, rtol=1e-5, atol=1e-5)


def test_batch_matmul_broadcasts_batch_dims(run_graph: RunGraph) -> None:
    a, b = rand(2, 1, 3, 7), rand(5, 7, 4)
    expected = np.einsum("xymk,ykn->xymn", np.broadcast_to(a, (2, 5, 3, 7)), b)
    np.testing.assert_allclose(run_graph(graph.BatchMatmulOp, a, b), expected, rtol=1e-5, atol=1e-5)


# --- normalisations ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("shape", "axis"), [((1, 1), -1), ((3, 13), -1), ((7, 3), 0), ((2, 3, 5), 1)]
)
def test_softmax(run_graph: RunGraph, shape: tuple[int, ...], axis: int) -> None:
    x = rand(*shape, low=-5, high=5)
    e = np.exp(x.astype(np.float64))
    out = run_graph(lambda v: graph.SoftmaxOp(v, axis), x)
    np.testing.assert_allclose(out, e / e.sum(axis=axis, keepdims=True), rtol=1e-5)
    np.testing.assert_allclose(out.sum(axis=axis), 1, rtol=1e-5)


def test_softmax_of_large_inputs_does_not_overflow(run_graph: RunGraph) -> None:
    x = np.array([[1000, 1001, 1002], [-1e30, 0, 1e30]], dtype=np.float32)
    out = run_graph(graph.SoftmaxOp, x)
    assert np.all(np.isfinite(out))
    np.testing.assert_allclose(out.sum(axis=-1), 1, rtol=1e-6)
    np.testing.assert_allclose(out[0], np.exp([-2, -1, 0]) / np.exp([-2, -1, 0]).sum(), rtol=1e-6)
    np.testing.assert_allclose(out[1], [0, 0, 1])


@pytest.mark.parametrize(("shape", "axis"), [((3, 13), -1), ((2, 3, 7), 1), ((1, 5), 0)])
def test_layer_norm(run_graph: RunGraph, shape: tuple[int, ...], axis: int) -> None:
    x = rand(*shape, low=-3, high=5)
    norm_shape = shape[axis % len(shape) :]
    scale, bias = rand(*norm_shape), rand(*norm_shape)
    axes = tuple(range(axis % len(shape), len(shape)))
    x64 = x.astype(np.float64)
    mean = x64.mean(axis=axes, keepdims=True)
    var = ((x64 - mean) ** 2).mean(axis=axes, keepdims=True)
    expected = (x64 - mean) / np.sqrt(var + 1e-5) * scale + bias
    out = run_graph(lambda v, g, b: graph.LayerNormOp(v, g, b, axis), x, scale, bias)
    np.testing.assert_allclose(out, expected, rtol=1e-4, atol=1e-5)


def test_layer_norm_of_large_values(run_graph: RunGraph) -> None:
    x = (rand(2, 64) * 1e4 + 1e6).astype(np.float32)
    ones, zeros = np.ones(64, np.float32), np.zeros(64, np.float32)
    out = run_graph(lambda v, g, b: graph.LayerNormOp(v, g, b), x, ones, zeros)
    assert np.all(np.isfinite(out))
    np.testing.assert_allclose(out.mean(axis=-1), 0, atol=1e-3)
    np.testing.assert_allclose(out.std(axis=-1), 1, rtol=1e-3)


@pytest.mark.parametrize("shape", [(1, 1), (2, 3), (2, 3, 7, 5)])
def test_batch_norm(run_graph: RunGraph, shape: tuple[int, ...]) -> None:
    x = rand(*shape)
    c = shape[1]
    scale, bias, mean, var = rand(c), rand(c), rand(c), rand(c, low=0.1, high=3)
    expected = np.empty(shape)
    for ch in range(c):
        expected[:, ch] = (x[:, ch] - mean[ch]) / math.sqrt(var[ch] + 1e-3) * scale[ch] + bias[ch]
    out = run_graph(lambda *v: graph.BatchNormOp(*v, epsilon=1e-3), x, scale, bias, mean, var)
    np.testing.assert_allclose(out, expected, rtol=1e-5, atol=1e-6)


# --- reductions -------------------------------------------------------------------------

REDUCE_CASES = [
    ((7,), (0,), False),
    ((3, 13), (1,), True),
    ((2, 3, 5), (0, -1), False),
    ((3, 4), (), False),
]


@pytest.mark.parametrize(("shape", "axes", "keepdims"), REDUCE_CASES)
def test_reductions(
    run_graph: RunGraph, shape: tuple[int, ...], axes: tuple[int, ...], keepdims: bool
) -> None:
    x = rand(*shape)
    cases: list[tuple[type[graph.ReduceSumOp | graph.ReduceMeanOp | graph.ReduceMaxOp], Any]] = [
        (graph.ReduceSumOp, np.sum),
        (graph.ReduceMeanOp, np.mean),
        (graph.ReduceMaxOp, np.max),
    ]
    for op, formula in cases:
        out = run_graph(lambda v, op=op: op(v, axes, keepdims), x)
        expected = x if not axes else formula(x.astype(np.float64), axis=axes, keepdims=keepdims)
        assert out.dtype == np.float32
        np.testing.assert_allclose(out, expected, rtol=1e-5, atol=1e-6)


def test_reduce_sum_of_integers_keeps_the_dtype(run_graph: RunGraph) -> None:
    x = np.arange(12, dtype=np.int32).reshape(3, 4)
    out = run_graph(lambda v: graph.ReduceSumOp(v, [0]), x)
    assert out.dtype == np.int32 and out.tolist() == [12, 15, 18, 21]
