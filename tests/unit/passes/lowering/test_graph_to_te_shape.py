"""graph-to-te on the data-movement ops (reshape, flatten, transpose, concat, pad, slice,
broadcast_to): the converted module computes what the graph did, on odd shapes."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.typing import NDArray
from xdsl.dialects.builtin import ModuleOp

import dlir
from dlir.parser import parse_module
from dlir.passes import run_pipeline
from dlir.passes.lowering.graph_to_te.shape import reshape_groups

Array = NDArray[Any]
RNG = np.random.default_rng(1)


def ttype(shape: Sequence[int], element: str = "f32") -> str:
    return f"tensor<{'x'.join([*map(str, shape), element])}>"


def func(op: str, inputs: Sequence[str], result: str) -> str:
    params = ", ".join(f"%a{n}: {t}" for n, t in enumerate(inputs))
    operands = ", ".join(f"%a{n}" for n in range(len(inputs)))
    return (
        f"graph.func @f({params}) -> {result} {{\n"
        f"  %r = {op.format(x=operands)}\n"
        f"  graph.return %r : {result}\n"
        "}\n"
    )


def rand(shape: Sequence[int], element: str = "f32") -> Array:
    if element == "i32":
        return RNG.integers(-50, 50, size=shape).astype(np.int32)
    return RNG.standard_normal(shape).astype(np.float32)


def check(text: str, *args: Array) -> ModuleOp:
    """Run `@f` before and after graph-to-te on `args`: the results must be equal."""
    expected = dlir.interpret(parse_module(text), "f", *args)
    module = parse_module(text)
    run_pipeline("graph-to-te", module)
    assert not any(op.name.startswith("graph.") and op.name not in KEPT for op in module.walk())
    got = dlir.interpret(module, "f", *args)
    assert isinstance(got, np.ndarray) and isinstance(expected, np.ndarray)
    assert got.dtype == expected.dtype and got.shape == expected.shape
    np.testing.assert_array_equal(got, expected)
    return module


KEPT = {"graph.func", "graph.return", "graph.call_dps"}


def op_names(module: ModuleOp) -> list[str]:
    return [op.name for op in module.walk()]


# --- reshape and flatten ------------------------------------------------------------------

RESHAPES = [
    ((2, 3, 4), (6, 4)),
    ((6, 4), (2, 3, 4)),
    ((2, 3, 4), (4, 6)),
    ((1, 7), (7,)),
    ((7,), (1, 7, 1)),
    ((), (1, 1)),
    ((1, 1), ()),
    ((4, 9), (2, 2, 3, 3)),
    ((13,), (13,)),
    ((3, 1, 5, 2), (5, 6)),
    ((33, 2), (2, 3, 11)),
]


@pytest.mark.parametrize(("source", "target"), RESHAPES)
def test_reshape(source: tuple[int, ...], target: tuple[int, ...]) -> None:
    s, t = ttype(source, "i32"), ttype(target, "i32")
    check(func(f"graph.reshape {{x}} : {s} -> {t}", [s], t), rand(source, "i32"))


def test_reshape_groups() -> None:
    assert reshape_groups((2, 3, 4), (6, 4)) == [([0, 1], [0]), ([2], [1])]
    assert reshape_groups((6, 4), (2, 3, 4)) == [([0], [0, 1]), ([1], [2])]
    assert reshape_groups((2, 3, 4), (4, 6)) == [([0, 1, 2], [0, 1])]
    assert reshape_groups((1, 7, 1), (7,)) == [([1], [0])]


def test_splitting_reshape_needs_no_division() -> None:
    # the input index of a split dim is a sum of products: o0 * 3 + o1
    s, t = ttype((6, 4)), ttype((2, 3, 4))
    module = check(func(f"graph.reshape {{x}} : {s} -> {t}", [s], t), rand((6, 4)))
    names = op_names(module)
    assert "arith.divui" not in names


@settings(max_examples=20, deadline=None)
@given(st.lists(st.sampled_from([1, 2, 3, 5]), min_size=0, max_size=5), st.randoms())
def test_reshape_property(factors: list[int], random: Any) -> None:
    # two random groupings of the same factors are two shapes of the same size
    def shape() -> tuple[int, ...]:
        dims: list[int] = []
        for f in random.sample(factors, len(factors)):
            if dims and random.random() < 0.5:
                dims[-1] *= f
            else:
                dims.append(f)
        return tuple(dims)

    source, target = shape(), shape()
    s, t = ttype(source), ttype(target)
    check(func(f"graph.reshape {{x}} : {s} -> {t}", [s], t), rand(source))


@pytest.mark.parametrize("axis", [0, 1, 2, 3, -1])
def test_flatten(axis: int) -> None:
    shape = (2, 3, 1, 5)
    rows = int(np.prod(shape[:axis]))
    out = ttype((rows, int(np.prod(shape)) // rows))
    s = ttype(shape)
    check(func(f"graph.flatten {{x}} axis {axis} : {s} -> {out}", [s], out), rand(shape))


# --- transpose and broadcast_to -------------------------------------------------------------


@pytest.mark.parametrize(
    ("shape", "perm"),
    [((7,), [0]), ((3, 5), [1, 0]), ((2, 3, 4), [2, 0, 1]), ((2, 1, 3, 5), [3, 1, 0, 2])],
)
def test_transpose(shape: tuple[int, ...], perm: list[int]) -> None:
    s, t = ttype(shape), ttype(tuple(shape[p] for p in perm))
    check(func(f"graph.transpose {{x}} perm {perm} : {s} -> {t}", [s], t), rand(shape))


@pytest.mark.parametrize(
    ("source", "target"), [((3, 1), (2, 3, 4)), ((), (5,)), ((1,), (7,)), ((4,), (1, 4))]
)
def test_broadcast_to(source: tuple[int, ...], target: tuple[int, ...]) -> None:
    s, t = ttype(source), ttype(target)
    check(func(f"graph.broadcast_to {{x}} : {s} -> {t}", [s], t), rand(source))


# --- concat ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("shapes", "axis"),
    [
        ([(2, 3), (2, 5)], 1),
        ([(1, 4), (7, 4), (3, 4)], 0),
        ([(2, 3, 1), (2, 3, 2), (2, 3, 13)], -1),
        ([(5,)], 0),
        ([(2, 0), (2, 3), (2, 0), (2, 1)], 1),
    ],
)
def test_concat(shapes: list[tuple[int, ...]], axis: int) -> None:
    out = list(shapes[0])
    out[axis] = sum(s[axis] for s in shapes)
    types = [ttype(s) for s in shapes]
    t = ttype(out)
    text = func(f"graph.concat {{x}} axis {axis} : ({', '.join(types)}) -> {t}", types, t)
    check(text, *(rand(s) for s in shapes))


# --- pad ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("shape", "low", "high", "extra"),
    [
        ((3, 5), [0, 1], [0, 2], ""),
        ((7,), [2], [3], "value 1.5"),
        ((2, 3, 4, 5), [0, 1, 0, 2], [1, 0, 3, 2], "value -2.0"),
        ((3, 4), [2, 1], [1, 3], 'mode "reflect"'),
        ((5,), [4], [4], 'mode "reflect"'),
        ((3, 4), [2, 5], [6, 1], 'mode "edge"'),
        ((1, 1), [1, 2], [3, 4], 'mode "edge"'),
        ((0, 2), [1, 0], [1, 1], "value 3.0"),
    ],
)
def test_pad(shape: tuple[int, ...], low: list[int], high: list[int], extra: str) -> None:
    out = tuple(n + lo + hi for n, lo, hi in zip(shape, low, high, strict=True))
    s, t = ttype(shape), ttype(out)
    text = func(f"graph.pad {{x}} low {low} high {high} {extra} : {s} -> {t}", [s], t)
    check(text, rand(shape))


def test_pad_integers_truncates_the_value() -> None:
    s, t = ttype((3,), "i32"), ttype((6,), "i32")
    text = func(f"graph.pad {{x}} low [1] high [2] value -2.75 : {s} -> {t}", [s], t)
    check(text, rand((3,), "i32"))


# --- slice ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("shape", "starts", "ends", "steps"),
    [
        ((7,), [1], [5], [1]),
        ((2, 4), [0, 3], [2, -5], [1, -1]),
        ((13, 5), [-3, 0], [100, 5], [2, 2]),
        ((9,), [-1], [-100], [-3]),
        ((3, 1, 6), [1, 0, 5], [3, 1, 0], [1, 1, -2]),
    ],
)
def test_slice(
    shape: tuple[int, ...], starts: list[int], ends: list[int], steps: list[int]
) -> None:
    x = rand(shape)
    out = x[tuple(slice(b, e, s) for b, e, s in zip(starts, ends, steps, strict=True))].shape
    s, t = ttype(shape), ttype(out)
    op = f"graph.slice {{x}} starts {starts} ends {ends} steps {steps} : {s} -> {t}"
    check(func(op, [s], t), x)


@settings(max_examples=25, deadline=None)
@given(st.data())
def test_slice_property(data: st.DataObject) -> None:
    size = data.draw(st.integers(1, 9))
    start = data.draw(st.integers(-12, 12))
    end = data.draw(st.integers(-12, 12))
    step = data.draw(st.sampled_from([-3, -2, -1, 1, 2, 3]))
    x = rand((size, 2))
    out = x[start:end:step].shape
    if out[0] == 0:
        return  # an empty result has no te stage
    s, t = ttype((size, 2)), ttype(out)
    op = f"graph.slice {{x}} starts [{start}, 0] ends [{end}, 2] steps [{step}, 1] : {s} -> {t}"
    check(func(op, [s], t), x)
