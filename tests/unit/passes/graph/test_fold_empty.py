"""Zero-element tensors: the interpreter's reductions over an empty axis, `graph-fold-empty`,
and native code for graphs holding empty tensors (native vs interpreter)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from numpy.typing import NDArray

import dlir
from dlir.ir.context import make_context
from dlir.parser import parse_module, print_module
from dlir.passes import PIPELINES
from dlir.passes.graph.fold_empty import GraphFoldEmptyPass
from dlir.passes.manager import PassFailure

RNG = np.random.default_rng(11)

REDUCE = """
graph.func @f(%a: tensor<SHAPExT>) -> tensor<RESxT> {
  %0 = graph.OP %a axes [AXES] : tensor<SHAPExT> -> tensor<RESxT>
  graph.return %0 : tensor<RESxT>
}
"""

CHAIN = """
graph.func @f(%a: tensor<4x0xi32>, %c: tensor<4xi32>) -> tensor<4xi32> {
  %0 = graph.relu %a : tensor<4x0xi32>
  %1 = graph.reduce_max %0 axes [1] : tensor<4x0xi32> -> tensor<4xi32>
  %2 = graph.add %1, %c : (tensor<4xi32>, tensor<4xi32>) -> tensor<4xi32>
  graph.return %2 : tensor<4xi32>
}
"""

EMPTY_RESULT = """
graph.func @f(%a: tensor<0x5xf32>, %b: tensor<5xf32>, %x: tensor<3xf32>)
    -> (tensor<0x5xf32>, tensor<3xf32>) {
  %0 = graph.add %a, %b : (tensor<0x5xf32>, tensor<5xf32>) -> tensor<0x5xf32>
  %1 = graph.mul %0, %0 : (tensor<0x5xf32>, tensor<0x5xf32>) -> tensor<0x5xf32>
  %2 = graph.exp %x : tensor<3xf32>
  graph.return %1, %2 : tensor<0x5xf32>, tensor<3xf32>
}
"""

MATMUL_K0 = """
graph.func @f(%a: tensor<3x0xf32>, %b: tensor<0x7xf32>) -> tensor<3x7xf32> {
  %0 = graph.matmul %a, %b : (tensor<3x0xf32>, tensor<0x7xf32>) -> tensor<3x7xf32>
  graph.return %0 : tensor<3x7xf32>
}
"""


def _reduce(op: str, shape: tuple[int, ...], axes: tuple[int, ...], elt: str) -> str:
    result = [d for i, d in enumerate(shape) if i not in axes]
    text = (
        REDUCE.replace("SHAPE", "x".join(map(str, shape)))
        .replace("RES", "x".join(map(str, result)))
        .replace("AXES", ", ".join(map(str, axes)))
        .replace("OP", op)
        .replace("xT", "x" + elt)
    )
    return text.replace("tensor<x", "tensor<")


def _compile_folded(text: str) -> Any:
    module = parse_module(text)
    GraphFoldEmptyPass().apply(make_context(), module)
    return dlir.compile(module)["f"]


def _zeros(shape: tuple[int, ...], elt: str) -> NDArray[Any]:
    return np.zeros(shape, {"f32": np.float32, "i32": np.int32, "i1": np.bool_}[elt])


@pytest.mark.parametrize(
    ("elt", "lowest"), [("f32", -np.inf), ("i32", np.iinfo(np.int32).min), ("i1", False)]
)
def test_interpreter_reduce_max_over_nothing_is_the_lowest_value(elt: str, lowest: object) -> None:
    text = _reduce("reduce_max", (3, 0), (1,), elt)
    got = dlir.interpret(parse_module(text), "f", _zeros((3, 0), elt))
    np.testing.assert_array_equal(got, np.full(3, lowest))


def test_interpreter_reduce_max_keeps_nan_and_values() -> None:
    text = _reduce("reduce_max", (2, 3), (1,), "f32")
    x = np.array([[1.0, np.nan, 2.0], [-5.0, -7.0, -6.0]], np.float32)
    np.testing.assert_array_equal(
        dlir.interpret(parse_module(text), "f", x), np.array([np.nan, -5.0], np.float32)
    )


@pytest.mark.parametrize("op", ["reduce_max", "reduce_sum", "reduce_mean"])
@pytest.mark.parametrize(
    ("shape", "axes"), [((3, 0), (1,)), ((0, 7), (0,)), ((2, 0, 13), (1,)), ((0, 1, 33), (0, 1))]
)
def test_reduction_over_an_empty_axis_native(
    op: str, shape: tuple[int, ...], axes: tuple[int, ...]
) -> None:
    text = _reduce(op, shape, axes, "f32")
    x = _zeros(shape, "f32")
    with np.errstate(all="ignore"):
        expected = dlir.interpret(parse_module(text), "f", x)
    np.testing.assert_array_equal(_compile_folded(text)(x), expected)


def test_empty_results_need_no_kernel() -> None:
    module = parse_module(EMPTY_RESULT)
    GraphFoldEmptyPass().apply(make_context(), module)
    text = print_module(module)
    assert "graph.add" not in text and "graph.mul" not in text and "graph.exp" in text
    a, b = _zeros((0, 5), "f32"), RNG.standard_normal(5).astype(np.float32)
    x = RNG.standard_normal(3).astype(np.float32)
    empty, y = dlir.compile(module)["f"](a, b, x)
    assert empty.shape == (0, 5)
    np.testing.assert_allclose(y, np.exp(x), rtol=1e-6)


def test_fused_chain_through_an_empty_tensor() -> None:
    a, c = _zeros((4, 0), "i32"), np.arange(4, dtype=np.int32)
    expected = dlir.interpret(parse_module(CHAIN), "f", a, c)
    np.testing.assert_array_equal(_compile_folded(CHAIN)(a, c), expected)
    np.testing.assert_array_equal(expected, np.iinfo(np.int32).min + c)


def test_matmul_with_empty_inner_dim_is_zeros() -> None:
    a, b = _zeros((3, 0), "f32"), _zeros((0, 7), "f32")
    np.testing.assert_array_equal(_compile_folded(MATMUL_K0)(a, b), np.zeros((3, 7)))


def test_compile_cpu_folds_empty_tensors_first() -> None:
    assert PIPELINES["compile-cpu"][0].startswith("graph-fold-empty,")


def test_without_the_fold_the_error_names_the_op_and_the_pass() -> None:
    without = PIPELINES["compile-cpu"][0].removeprefix("graph-fold-empty,")
    with pytest.raises(PassFailure) as info:
        dlir.compile(_reduce("reduce_sum", (3, 0), (1,), "f32"), without)
    message = str(info.value)
    assert "'graph.reduce_sum' at" in message and "tensor<3x0xf32>" in message
    assert "graph-fold-empty" in message and "still holds" not in message
