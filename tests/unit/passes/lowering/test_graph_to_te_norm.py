"""te definitions of softmax, layer_norm, batch_norm and the reductions, run against the graph ops.

The harness (`check`: build the op and its kernel, interpret both on random inputs, compare)
is the one of test_graph_to_te_linalg.py.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from xdsl.dialects.builtin import TensorType, f16, f32, f64, i1, i32
from xdsl.ir import Attribute, Operation, SSAValue

import dlir
from dlir.dialects import graph
from dlir.passes.lowering.graph_to_te import norm
from dlir.passes.lowering.graph_to_te.common import NotConvertible
from dlir.passes.lowering.graph_to_te.registry import TE_DEFINITIONS
from tests.unit.passes.lowering.test_graph_to_te_linalg import (
    MakeOp,
    NativeCase,
    NativeCases,
    build,
    check,
    check_native,
    compile_natively,
    stage_names,
)


def test_definitions_are_registered() -> None:
    assert TE_DEFINITIONS[graph.SoftmaxOp] is norm.softmax
    assert TE_DEFINITIONS[graph.ReduceMaxOp] is norm.reduce_sum_max
    assert TE_DEFINITIONS[graph.ReduceMeanOp] is norm.reduce_mean


# --- softmax ------------------------------------------------------------------------------


def softmax(axis: int) -> MakeOp:
    def make(x: SSAValue) -> Operation:
        return graph.SoftmaxOp(x, axis)

    return make


@pytest.mark.parametrize(
    "shape, axis", [((7,), 0), ((3, 5, 2), 1), ((2, 33), -1), ((1, 1), 0), ((13, 3), 0)]
)
def test_softmax(shape: tuple[int, ...], axis: int) -> None:
    module = check(softmax(axis), [shape])
    assert stage_names(module) == ["max", "exp", "sum", "Y"]


def test_softmax_f64() -> None:
    check(softmax(-1), [(3, 7)], f64)


def test_softmax_is_stable_on_large_inputs() -> None:
    module = build(softmax(-1), [TensorType(f32, (2, 3))])
    x = np.array([[1000, 1001, 1002], [-1000, -1000, 89]], dtype=np.float32)
    expected = dlir.interpret(module, "graph", x)
    found = dlir.interpret(module, "kernel", x)
    assert np.isfinite(found).all()
    np.testing.assert_allclose(found, expected, rtol=1e-6)


# --- normalisations -----------------------------------------------------------------------


def layer_norm(axis: int, epsilon: float = 1e-5) -> MakeOp:
    def make(x: SSAValue, scale: SSAValue, bias: SSAValue) -> Operation:
        return graph.LayerNormOp(x, scale, bias, axis, epsilon)

    return make


@pytest.mark.parametrize(
    "shape, axis", [((3, 5, 2), -1), ((3, 5, 2), 1), ((3, 5, 2), 0), ((1, 7), 1), ((13, 33), -1)]
)
def test_layer_norm(shape: tuple[int, ...], axis: int) -> None:
    normalized = shape[axis % len(shape) :]
    module = check(layer_norm(axis), [shape, normalized, normalized])
    assert stage_names(module) == ["sum", "mean", "sqdev", "rstd", "Y"]


@pytest.mark.parametrize("element", [f32, f64])
def test_layer_norm_other_epsilon(element: Attribute) -> None:
    check(layer_norm(-1, 0.5), [(4, 3), (3,), (3,)], element)


def test_layer_norm_by_hand() -> None:
    types = [TensorType(f32, (1, 2)), TensorType(f32, (2,)), TensorType(f32, (2,))]
    module = build(layer_norm(-1, 0.25), types)
    x = np.array([[1.0, 3.0]], dtype=np.float32)
    scale, bias = np.array([1.0, 2.0], dtype=np.float32), np.array([0.0, 1.0], dtype=np.float32)
    found = dlir.interpret(module, "kernel", x, scale, bias)
    # mean 2, variance 1: (x - 2) / sqrt(1 + 0.25) * scale + bias
    root = 1.25**0.5
    np.testing.assert_allclose(found, [[-1 / root, 2 / root + 1]], rtol=1e-6)


def batch_norm(epsilon: float = 1e-5) -> MakeOp:
    def make(*args: SSAValue) -> Operation:
        x, scale, bias, mean, var = args
        return graph.BatchNormOp(x, scale, bias, mean, var, epsilon)

    return make


@pytest.mark.parametrize("shape", [(2, 3, 4, 5), (3, 2), (1, 1, 1), (1, 7, 13, 1)])
def test_batch_norm(shape: tuple[int, ...]) -> None:
    channels = (shape[1],)
    module = check(batch_norm(1e-3), [shape] + [channels] * 4, positive=[4])
    assert stage_names(module) == ["factor", "Y"]


def test_batch_norm_f64() -> None:
    check(batch_norm(), [(2, 3, 5), (3,), (3,), (3,), (3,)], f64, positive=[4])


# --- reductions ---------------------------------------------------------------------------


def reduce(kind: str, axes: list[int], keepdims: bool = False) -> MakeOp:
    ops = {"sum": graph.ReduceSumOp, "mean": graph.ReduceMeanOp, "max": graph.ReduceMaxOp}

    def make(x: SSAValue) -> Operation:
        return ops[kind](x, axes, keepdims)

    return make


@pytest.mark.parametrize("kind", ["sum", "mean", "max"])
@pytest.mark.parametrize(
    "shape, axes, keepdims",
    [
        ((3, 5, 2), [1], False),
        ((3, 5, 2), [0, -1], True),
        ((3, 5, 2), [2, 0], False),
        ((7,), [0], False),  # to a rank-0 tensor
        ((7, 13), [0, 1], True),
        ((4, 3), [], False),  # reduces nothing: a copy
        ((1, 33, 1), [1], True),
    ],
)
def test_reductions(kind: str, shape: tuple[int, ...], axes: list[int], keepdims: bool) -> None:
    check(reduce(kind, axes, keepdims), [shape])


@pytest.mark.parametrize("kind", ["sum", "max"])
def test_integer_reductions(kind: str) -> None:
    check(reduce(kind, [0, 2], False), [(3, 5, 7)], i32)
    check(reduce(kind, [1], True), [(3, 5, 7)], i32, seed=1)


@pytest.mark.parametrize("kind", ["sum", "max"])
def test_bool_reductions(kind: str) -> None:
    # numpy's bool sum and max are both `any`: the max must start from false
    module = build(reduce(kind, [1]), [TensorType(i1, (3, 4))])
    x = np.array([[0, 0, 0, 0], [0, 1, 0, 0], [1, 1, 1, 1]], dtype=np.bool_)
    expected = dlir.interpret(module, "graph", x)
    np.testing.assert_array_equal(dlir.interpret(module, "kernel", x), expected)
    np.testing.assert_array_equal(expected, [False, True, True])


def test_reduce_mean_divides_a_sum() -> None:
    assert stage_names(check(reduce("mean", [1]), [(3, 5)])) == ["sum", "Y"]


@st.composite
def reduce_cases(draw: st.DrawFn) -> tuple[tuple[int, ...], MakeOp]:
    shape = tuple(draw(st.lists(st.integers(1, 5), min_size=1, max_size=4)))
    rank = len(shape)
    dims = draw(st.lists(st.integers(0, rank - 1), unique=True, max_size=rank))
    axes = [d - rank if draw(st.booleans()) else d for d in dims]
    kind = draw(st.sampled_from(["sum", "mean", "max"]))
    return shape, reduce(kind, axes, draw(st.booleans()))


@settings(max_examples=40, deadline=None)
@given(reduce_cases())
def test_reductions_match_interpreter(case: tuple[tuple[int, ...], MakeOp]) -> None:
    shape, make = case
    check(make, [shape])


@pytest.mark.parametrize(
    "make, shapes",
    [
        (softmax(1), [(3, 7)]),
        (layer_norm(-1), [(3, 7), (7,), (7,)]),
        (reduce("mean", [0, 2], True), [(3, 7, 2)]),
    ],
)
def test_half_precision(make: MakeOp, shapes: list[tuple[int, ...]]) -> None:
    check(make, shapes, f16)


@pytest.mark.parametrize(
    "make, shapes",
    [
        (softmax(0), [(0, 3)]),
        (layer_norm(-1), [(2, 0), (0,), (0,)]),
        (batch_norm(), [(0, 2), (2,), (2,), (2,), (2,)]),
        (reduce("sum", [1]), [(3, 0)]),
        (reduce("mean", [0]), [(0, 2)]),
    ],
)
def test_empty_tensors_are_not_convertible(make: MakeOp, shapes: list[tuple[int, ...]]) -> None:
    with pytest.raises(NotConvertible, match="empty shape"):
        build(make, [TensorType(f32, shape) for shape in shapes])


# --- native code ------------------------------------------------------------------------

NATIVE: NativeCases = {
    "softmax": (softmax(1), [(3, 33, 2)], ()),
    "softmax_rank1": (softmax(0), [(13,)], ()),
    "layer_norm": (layer_norm(1), [(3, 5, 7), (5, 7), (5, 7)], ()),
    "batch_norm": (batch_norm(), [(2, 3, 5, 7), (3,), (3,), (3,), (3,)], (4,)),
    "reduce_sum": (reduce("sum", [0, 2], True), [(3, 5, 7)], ()),
    "reduce_sum_all": (reduce("sum", [0, 1]), [(7, 13)], ()),
    "reduce_mean": (reduce("mean", [1]), [(3, 5, 7)], ()),
    "reduce_max": (reduce("max", [0, -1]), [(3, 5, 7)], ()),
}


@pytest.fixture(scope="module")
def native() -> dict[str, NativeCase]:
    return compile_natively(NATIVE)


@pytest.mark.parametrize("name", list(NATIVE))
def test_native_kernels(native: dict[str, NativeCase], name: str) -> None:
    check_native(native[name])
    check_native(native[name], seed=1)
