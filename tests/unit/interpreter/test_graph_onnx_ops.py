"""The ops ONNX models need (comparisons, where, gather, lrn) against numpy and ONNX's formulas."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dlir.dialects import graph
from dlir.dialects.graph.elementwise import CompareOp
from dlir.interpreter.common import InterpreterError
from dlir.testing.graphs import Array, RunGraph

rng = np.random.default_rng(0)

COMPARE: list[tuple[type[CompareOp], Callable[[Array, Array], Array]]] = [
    (graph.EqualOp, np.equal),
    (graph.LessOp, np.less),
    (graph.GreaterOp, np.greater),
]
SHAPES = [
    ((1,), (1,)),
    ((7,), (7,)),
    ((3, 13), (13,)),
    ((4, 1), (3,)),
    ((2, 1, 7), (3, 1)),
    ((), (5,)),
]


@pytest.mark.parametrize(("op", "formula"), COMPARE, ids=lambda v: getattr(v, "name", ""))
@pytest.mark.parametrize(("lhs", "rhs"), SHAPES)
def test_compare_broadcasts_to_bool(
    run_graph: RunGraph,
    op: type[CompareOp],
    formula: Callable[[Array, Array], Array],
    lhs: tuple[int, ...],
    rhs: tuple[int, ...],
) -> None:
    a = rng.integers(-2, 3, lhs).astype(np.float32)
    b = rng.integers(-2, 3, rhs).astype(np.float32)
    out = run_graph(op, a, b)
    assert out.dtype == np.bool_
    np.testing.assert_array_equal(out, formula(a, b))


@pytest.mark.parametrize(("op", "formula"), COMPARE, ids=lambda v: getattr(v, "name", ""))
def test_compare_nan_is_unordered(
    run_graph: RunGraph, op: type[CompareOp], formula: Callable[[Array, Array], Array]
) -> None:
    a = np.array([np.nan, np.nan, 1.0, -np.inf, 0.0], dtype=np.float32)
    b = np.array([np.nan, 1.0, np.nan, -np.inf, -0.0], dtype=np.float32)
    out = run_graph(op, a, b)
    np.testing.assert_array_equal(out, formula(a, b))
    assert not out[:3].any()  # any comparison with NaN is false, NaN == NaN included


@pytest.mark.parametrize("dtype", [np.int32, np.int64, np.bool_])
def test_compare_integers_signed_and_bools(run_graph: RunGraph, dtype: type[np.generic]) -> None:
    a = np.array([-5, 3, 0, 1, -1], dtype=dtype)
    b = np.array([3, -5, 0, -1, 1], dtype=dtype)
    for op, formula in COMPARE:
        np.testing.assert_array_equal(run_graph(op, a, b), formula(a, b), err_msg=op.name)


def test_where_broadcasts_all_three(run_graph: RunGraph) -> None:
    c = rng.integers(0, 2, (4, 1, 1)).astype(np.bool_)
    x = rng.uniform(-1, 1, (1, 3, 1)).astype(np.float32)
    y = rng.integers(-5, 5, (2,)).astype(np.float32)
    out = run_graph(graph.WhereOp, c, x, y)
    assert out.shape == (4, 3, 2) and out.dtype == np.float32
    np.testing.assert_array_equal(out, np.where(c, x, y))


def test_where_of_a_comparison(run_graph: RunGraph) -> None:
    x = rng.uniform(-1, 1, (5, 7)).astype(np.float32)
    zero = np.zeros((), np.float32)
    out = run_graph(lambda a, z: (less := graph.LessOp(a, z), graph.WhereOp(less, z, a)), x, zero)
    np.testing.assert_array_equal(out, np.maximum(x, 0))


@pytest.mark.parametrize(
    ("data", "indices", "axis"),
    [((10, 8), (2, 3), 0), ((3, 7, 13), (5,), -1), ((10, 8), (), 1), ((2, 5, 3), (4, 2), 1)],
)
@pytest.mark.parametrize("index_dtype", [np.int32, np.int64])
def test_gather_is_take_with_negative_indices(
    run_graph: RunGraph,
    data: tuple[int, ...],
    indices: tuple[int, ...],
    axis: int,
    index_dtype: type[np.generic],
) -> None:
    x = rng.uniform(-1, 1, data).astype(np.float32)
    size = data[axis]
    positions = rng.integers(-size, size, indices)
    out = run_graph(lambda a, i: graph.GatherOp(a, i, axis), x, positions.astype(index_dtype))
    np.testing.assert_array_equal(out, np.take(x, positions, axis=axis))


@pytest.mark.parametrize("bad", [10, -11])
def test_gather_out_of_range_is_an_error(run_graph: RunGraph, bad: int) -> None:
    x = np.zeros((10, 2), np.float32)
    ids = np.array([0, bad, 3], np.int64)
    with pytest.raises(InterpreterError, match=rf"index {bad} is out of range .* \[-10, 10\)"):
        run_graph(graph.GatherOp, x, ids)


def lrn_onnx(x: Array, size: int, alpha: float, beta: float, bias: float) -> Array:
    """ONNX's LRN definition, element by element in float64."""
    square_sum = np.zeros(x.shape, np.float64)
    channels = x.shape[1]
    for c in range(channels):
        low = max(0, c - math.floor((size - 1) / 2))
        high = min(channels - 1, c + math.ceil((size - 1) / 2))
        square_sum[:, c] = np.sum(x[:, low : high + 1].astype(np.float64) ** 2, axis=1)
    return x / (bias + alpha / size * square_sum) ** beta


@pytest.mark.parametrize(
    ("shape", "size", "alpha", "beta", "bias"),
    [
        ((1, 6, 5, 5), 5, 1e-4, 0.75, 1.0),
        ((2, 7, 3), 3, 0.1, 0.5, 2.0),
        ((1, 13, 2, 2), 4, 0.01, 0.75, 1.0),
        ((3, 7), 1, 0.5, 1.0, 1.0),
        ((1, 3, 4, 4), 9, 1.0, 0.75, 0.5),
    ],
)
def test_lrn_matches_onnx(
    run_graph: RunGraph,
    shape: tuple[int, ...],
    size: int,
    alpha: float,
    beta: float,
    bias: float,
) -> None:
    x = rng.uniform(-2, 2, shape).astype(np.float32)
    out = run_graph(lambda v: graph.LrnOp(v, size, alpha, beta, bias), x)
    assert out.dtype == np.float32
    np.testing.assert_allclose(out, lrn_onnx(x, size, alpha, beta, bias), rtol=2e-6)


# run_graph holds no state between calls, so one instance may serve every example.
@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(st.integers(1, 4), min_size=1, max_size=3),
    st.data(),
)
def test_gather_of_every_index_is_the_identity_and_composes(
    run_graph: RunGraph, data_shape: list[int], data: st.DataObject
) -> None:
    """gather(x, arange(n)) == x, and gather(gather(x, i), j) == gather(x, i[j])."""
    run = run_graph
    axis = data.draw(st.integers(-len(data_shape), len(data_shape) - 1), "axis")
    size = data_shape[axis]
    x = np.arange(np.prod(data_shape), dtype=np.float32).reshape(data_shape)
    every = np.arange(size, dtype=np.int64)
    np.testing.assert_array_equal(run(lambda a, i: graph.GatherOp(a, i, axis), x, every), x)
    i = np.asarray(data.draw(st.lists(st.integers(-size, size - 1), min_size=3, max_size=3)))
    j = np.asarray(data.draw(st.lists(st.integers(-3, 2), min_size=2, max_size=2)))
    twice = run(
        lambda a, p, q: (g := graph.GatherOp(a, p, axis), graph.GatherOp(g, q, axis)), x, i, j
    )
    np.testing.assert_array_equal(twice, run(lambda a, p: graph.GatherOp(a, p, axis), x, i[j]))
