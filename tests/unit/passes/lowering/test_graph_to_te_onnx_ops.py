"""graph-to-te of the comparisons, where, gather and lrn: the te kernels compute what the
graph ops did (both sides interpreted), for every element type and broadcasting shapes.

    graph.less %a, %b : (tensor<4x1xf16>, tensor<3xf16>) -> tensor<4x3xi1>
    ->  te.kernel @less_4x3xi1: Y[i0, i1] = cmpf olt (X0[i0, 0], X1[i1])
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import mutually_broadcastable_shapes
from numpy.typing import NDArray

import dlir
from dlir.parser import parse_module
from dlir.passes import run_pipeline
from dlir.testing.tensors import DTYPES, ttype

Array = NDArray[Any]
RNG = np.random.default_rng(0)


def rand(shape: Sequence[int], element: str) -> Array:
    """Few distinct values (ties for equal), NaN among the floats."""
    dtype = DTYPES[element]
    if dtype == np.bool_:
        return RNG.random(shape) < 0.5
    values = RNG.integers(-2, 3, size=shape).astype(dtype)
    if np.issubdtype(dtype, np.floating) and values.size > 2:
        values.reshape(-1)[0] = np.nan
    return values


def check(op_line: str, inputs: Sequence[str], result: str, *args: Array, rtol: float = 0) -> None:
    """`@f` applying `op_line` to its arguments, interpreted before and after graph-to-te:
    equal results, or within `rtol` when the te stages round more often (bf16, f16)."""
    params = ", ".join(f"%a{n}: {t}" for n, t in enumerate(inputs))
    text = f"graph.func @f({params}) -> {result} {{\n  %r = {op_line}\n  graph.return %r : {result}\n}}\n"
    expected = dlir.interpret(parse_module(text), "f", *args)
    module = parse_module(text)
    run_pipeline("graph-to-te", module)
    assert not any(op.name.startswith("graph.") and op.name not in KEPT for op in module.walk())
    got = dlir.interpret(module, "f", *args)
    assert isinstance(got, np.ndarray) and isinstance(expected, np.ndarray)
    assert got.dtype == expected.dtype and got.shape == expected.shape
    if rtol:
        np.testing.assert_allclose(got, expected, rtol=rtol)
    else:
        np.testing.assert_array_equal(got, expected)


KEPT = ("graph.func", "graph.return", "graph.call_dps")


@settings(max_examples=30, deadline=None)
@given(
    st.sampled_from(["equal", "less", "greater"]),
    st.sampled_from(sorted(DTYPES)),
    mutually_broadcastable_shapes(num_shapes=2, max_dims=3, max_side=4),
)
def test_comparisons(op: str, element: str, shapes: Any) -> None:
    (lhs, rhs), out = shapes.input_shapes, shapes.result_shape
    types = [ttype(lhs, element), ttype(rhs, element)]
    result = ttype(out, "i1")
    line = f"graph.{op} %a0, %a1 : ({types[0]}, {types[1]}) -> {result}"
    check(line, types, result, rand(lhs, element), rand(rhs, element))


@settings(max_examples=30, deadline=None)
@given(
    st.sampled_from(sorted(DTYPES)),
    mutually_broadcastable_shapes(num_shapes=3, max_dims=3, max_side=4),
)
def test_where(element: str, shapes: Any) -> None:
    (c, x, y), out = shapes.input_shapes, shapes.result_shape
    types = [ttype(c, "i1"), ttype(x, element), ttype(y, element)]
    result = ttype(out, element)
    line = f"graph.where %a0, %a1, %a2 : ({', '.join(types)}) -> {result}"
    check(line, types, result, rand(c, "i1"), rand(x, element), rand(y, element))


@pytest.mark.parametrize("element", sorted(DTYPES))
@pytest.mark.parametrize("index", ["i32", "i64"])
def test_gather_every_element_type(element: str, index: str) -> None:
    data, ids = rand((5, 3), element), RNG.integers(-3, 3, (2, 4)).astype(DTYPES[index])
    types = [ttype((5, 3), element), ttype((2, 4), index)]
    result = ttype((5, 2, 4), element)
    line = f"graph.gather %a0, %a1 axis -1 : ({types[0]}, {types[1]}) -> {result}"
    check(line, types, result, data, ids)


@pytest.mark.parametrize("element", ["f16", "bf16", "f32", "f64"])
@pytest.mark.parametrize(
    ("size", "beta"), [(1, 0.75), (2, 0.5), (5, 0.75), (3, 0.25), (4, 1.0), (3, 0.6)]
)
def test_lrn(element: str, size: int, beta: float) -> None:
    x = RNG.uniform(-2, 2, (2, 4, 3)).astype(DTYPES[element])
    t = ttype((2, 4, 3), element)
    # the kernel rounds each stage's result (sum, square) to the element type, the
    # interpreter only its final result (bf16) or each numpy operation (f16)
    rtol = {"f16": 5e-3, "bf16": 3e-2}.get(element, 1e-6)
    line = f"graph.lrn %a0 size {size} alpha 0.1 beta {beta} bias 1.0 : {t}"
    check(line, [t], t, x, rtol=rtol)
