"""Native code of the ops ONNX models need (comparisons, where, gather, lrn) on the edges the
per-op cases of test_compile_native.py do not reach: NaN, out-of-range gather indices,
random shapes and broadcasting, and i1 buffers in memory.

    graph.gather %x, %i axis 0  with i = [12, -3, -40] on 10 rows
    ->  interpreter: error (index 12 is out of range);  native: rows [9, 7, 0] (clamped)
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from numpy.typing import NDArray
from xdsl.dialects.builtin import ModuleOp, TensorType
from xdsl.ir import Operation, SSAValue

import dlir
from dlir.dialects import graph
from dlir.dialects.graph.constants import element_type_of
from dlir.interpreter.common import InterpreterError

Array = NDArray[Any]
Make = Callable[..., Operation | Sequence[Operation]]
"""Builds the function body from its arguments: one op, or ops whose last one is returned."""


def func_of(name: str, arrays: Sequence[Array], make: Make) -> graph.FuncOp:
    """`graph.func @name(<one argument per array>)` returning the last op of `make(*arguments)`."""
    types = [TensorType(element_type_of(a.dtype), a.shape) for a in arrays]
    probe = graph.FuncOp(name, (types, []))
    block = probe.body.block
    made = make(*block.args)
    ops = [made] if isinstance(made, Operation) else list(made)
    block.add_ops(ops)
    block.add_op(graph.ReturnOp(*ops[-1].results))
    result_types = [r.type for r in ops[-1].results]
    return graph.FuncOp(name, (types, result_types), probe.detach_region(probe.body))


def run_both(
    funcs: Sequence[graph.FuncOp], inputs: dict[str, Sequence[Array]]
) -> dict[str, tuple[Array, Array]]:
    """Compile the functions as one module; per function, (native result, interpreted result)."""
    module = ModuleOp(list(funcs))
    module.verify()
    program = dlir.compile(module.clone())
    results: dict[str, tuple[Array, Array]] = {}
    for name, arrays in inputs.items():
        got, want = program[name](*arrays), dlir.interpret(module, name, *arrays)
        assert isinstance(got, np.ndarray) and isinstance(want, np.ndarray)
        results[name] = (got, want)
    return results


COMPARE: dict[
    str, tuple[Callable[[SSAValue, SSAValue], Operation], Callable[[Array, Array], Array]]
] = {
    "equal": (graph.EqualOp, np.equal),
    "less": (graph.LessOp, np.less),
    "greater": (graph.GreaterOp, np.greater),
}


def test_comparisons_with_nan_infinities_and_signed_zeros() -> None:
    a = np.array([np.nan, np.nan, 1.0, -np.inf, 0.0, np.inf, 2.0, -1.0, 5.0], dtype=np.float32)
    b = np.array([np.nan, 1.0, np.nan, -np.inf, -0.0, 3.0, 2.0, 1.0, -np.inf], dtype=np.float32)
    funcs = [func_of(name, [a, b], make) for name, (make, _) in COMPARE.items()]
    results = run_both(funcs, {name: [a, b] for name in COMPARE})
    for name, (got, want) in results.items():
        expected = COMPARE[name][1](a, b)
        assert got.dtype == np.bool_
        np.testing.assert_array_equal(got, expected, err_msg=name)
        np.testing.assert_array_equal(want, expected, err_msg=name)


def test_gather_clamps_out_of_range_indices_natively() -> None:
    """Indices outside [-n, n): an interpreter error, a clamped read in native code."""
    x = np.arange(30, dtype=np.float32).reshape(10, 3)
    ids = np.array([[12, -3], [-40, 9], [10, -11]], dtype=np.int64)
    module = ModuleOp([func_of("gather", [x, ids], graph.GatherOp)])
    got = dlir.compile(module.clone())["gather"](x, ids)
    wrapped = np.where(ids < 0, ids + 10, ids)
    np.testing.assert_array_equal(got, x[np.clip(wrapped, 0, 9)])
    with pytest.raises(InterpreterError, match="index 12 is out of range for axis 0 of size 10"):
        dlir.interpret(module, "gather", x, ids)


dims = st.integers(1, 7)


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(dims, min_size=1, max_size=3), st.lists(st.integers(1, 5), max_size=2), st.data())
def test_random_gathers_native_match_interpreter(
    data_shape: list[int], index_shape: list[int], data: st.DataObject
) -> None:
    axis = data.draw(st.integers(-len(data_shape), len(data_shape) - 1), "axis")
    index_dtype = data.draw(st.sampled_from([np.int32, np.int64]), "index dtype")
    rng = np.random.default_rng(0)
    size = data_shape[axis]
    x = rng.uniform(-1, 1, data_shape).astype(np.float32)
    positions = rng.integers(-size, size, index_shape)
    ids = positions.astype(index_dtype)

    def make(a: SSAValue, i: SSAValue) -> Operation:
        return graph.GatherOp(a, i, axis)

    got, want = run_both([func_of("gather", [x, ids], make)], {"gather": [x, ids]})["gather"]
    np.testing.assert_array_equal(got, want)
    np.testing.assert_array_equal(got, np.take(x, positions, axis=axis))


def broadcast_shapes(data: st.DataObject, count: int) -> list[tuple[int, ...]]:
    """`count` shapes that numpy broadcasts together: each drops leading dims of a common
    shape and sets some of its dims to 1."""
    full = data.draw(st.lists(st.integers(1, 9), max_size=3), "shape")
    shapes: list[tuple[int, ...]] = []
    for n in range(count):
        lead = data.draw(st.integers(0, len(full)), f"dropped dims {n}")
        ones = data.draw(st.lists(st.booleans(), min_size=len(full), max_size=len(full)))
        shapes.append(tuple(1 if one else d for d, one in zip(full, ones, strict=True))[lead:])
    return shapes


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_random_broadcasting_compare_and_where_native_match_interpreter(
    data: st.DataObject,
) -> None:
    """`where(less(a, b), a, c)` and `greater(a, b)`, `equal(a, b)` on shapes that broadcast."""
    a_shape, b_shape, c_shape = broadcast_shapes(data, 3)
    integers = data.draw(st.booleans(), "integers")
    rng = np.random.default_rng(1)
    dtype = np.int64 if integers else np.float32
    a, b, c = (rng.integers(-2, 3, s).astype(dtype) for s in (a_shape, b_shape, c_shape))

    def select(x: SSAValue, y: SSAValue, z: SSAValue) -> list[Operation]:
        less = graph.LessOp(x, y)
        return [less, graph.WhereOp(less, x, z)]

    funcs = [func_of(name, [a, b], make) for name, (make, _) in COMPARE.items()]
    where = func_of("where", [a, b, c], select)
    results = run_both([*funcs, where], {**{name: [a, b] for name in COMPARE}, "where": [a, b, c]})
    for name, (got, want) in results.items():
        np.testing.assert_array_equal(got, want, err_msg=name)
    np.testing.assert_array_equal(results["where"][0], np.where(a < b, a, c))


def test_i1_vectors_are_bytes_in_memory() -> None:
    """A vector<8xi1> load or store moves 8 bytes (numpy's bools), not 8 packed bits."""
    text = """
    loop.func @not_bool(%a: memref<16xi1>, %b: memref<16xi1>) attributes {num_outputs = 1 : i64} {
      %c0 = arith.constant 0 : index
      %c1 = arith.constant 1 : index
      %c2 = arith.constant 2 : index
      %t = arith.constant dense<true> : vector<8xi1>
      loop.for %i = %c0 to %c2 step %c1 {
        %v = loop.vload %a[%i * 8] : memref<16xi1>, vector<8xi1>
        %n = arith.xori %v, %t : vector<8xi1>
        loop.vstore %n, %b[%i * 8] : memref<16xi1>, vector<8xi1>
      }
      loop.return
    }
    """
    a = np.random.default_rng(0).integers(0, 2, 16).astype(np.bool_)
    got = dlir.compile(text, pipeline="loop-to-llvm")["not_bool"](a)
    assert isinstance(got, np.ndarray) and got.dtype == np.bool_
    np.testing.assert_array_equal(got, ~a)
    assert set(got.view(np.uint8).tolist()) <= {0, 1}
