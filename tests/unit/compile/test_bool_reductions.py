"""Reductions and max/min on i1, native vs interpreter (numpy bool: max and sum are
`or`, min and product are `and`).

i1 is signed in arith: true is -1, so a signed max of true and false is false, and an
i1 add is xor. The interpreter's numpy semantics are the reference: graph.reduce_max
or reduce_sum over an axis holding one true gives true (onnx
`test_reduce_max_bool_inputs`).
"""

from __future__ import annotations

import numpy as np
import pytest
from numpy.typing import NDArray

import dlir
from dlir.parser import parse_module

RNG = np.random.default_rng(7)

REDUCE = """
graph.func @f(%a: tensor<SHAPExi1>) -> tensor<RESxi1> {
  %0 = graph.REDUCE %a axes [AXES]KEEP : tensor<SHAPExi1> -> tensor<RESxi1>
  graph.return %0 : tensor<RESxi1>
}
"""

BINARY = """
graph.func @f(%a: tensor<SHAPExi1>, %b: tensor<SHAPExi1>) -> tensor<SHAPExi1> {
  %0 = graph.OP %a, %b : (tensor<SHAPExi1>, tensor<SHAPExi1>) -> tensor<SHAPExi1>
  graph.return %0 : tensor<SHAPExi1>
}
"""


def _dims(shape: tuple[int, ...]) -> str:
    return "x".join(map(str, shape))


def _check(text: str, *args: NDArray[np.bool_]) -> None:
    expected = dlir.interpret(parse_module(text), "f", *args)
    got = dlir.compile(text)["f"](*args)
    np.testing.assert_array_equal(got, expected)


@pytest.mark.parametrize("reduce", ["reduce_max", "reduce_sum"])
@pytest.mark.parametrize(
    ("shape", "axes"),
    [((2, 3), (1,)), ((7,), (0,)), ((1, 13), (1,)), ((5, 33), (0,)), ((3, 4, 5), (0, 2))],
)
def test_reduce_bool(reduce: str, shape: tuple[int, ...], axes: tuple[int, ...]) -> None:
    result = tuple(d for i, d in enumerate(shape) if i not in axes)
    text = (
        REDUCE.replace("SHAPE", _dims(shape))
        .replace("RES", _dims(result) if result else "")
        .replace("AXES", ", ".join(map(str, axes)))
        .replace("KEEP", "")
        .replace("REDUCE", reduce)
        .replace("tensor<xi1>", "tensor<i1>")
    )
    # few trues per row: a signed max (true = -1) drops them, an xor sum pairs them off
    x = np.zeros(shape, dtype=np.bool_)
    x.flat[:: max(1, x.size // 3)] = True
    _check(text, x)
    _check(text, RNG.random(shape) < 0.2)
    _check(text, np.ones(shape, dtype=np.bool_))


@pytest.mark.parametrize("op", ["maximum", "minimum"])
@pytest.mark.parametrize("shape", [(1,), (7,), (3, 13), (2, 33)])
def test_maximum_minimum_bool(op: str, shape: tuple[int, ...]) -> None:
    text = BINARY.replace("SHAPE", _dims(shape)).replace("OP", op)
    a, b = RNG.random(shape) < 0.5, RNG.random(shape) < 0.5
    _check(text, a, b)
