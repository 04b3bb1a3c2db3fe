"""Fixtures of the ONNX import tests: build a model with onnx.helper, run it both ways.

    def test_relu(check: Check) -> None:
        check(node("Relu", ["x"], ["y"]), {"x": rand(2, 3)})

`check` runs the model with onnx's ReferenceEvaluator and the imported module with
dlir's interpreter (and, with `compile=True`, natively) on the same inputs and compares.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Protocol, cast

import ml_dtypes
import numpy as np
import pytest
from numpy.typing import NDArray
from onnx import ModelProto, NodeProto, TensorProto, helper, numpy_helper
from onnx.reference import ReferenceEvaluator

import dlir
from dlir.frontend.onnx import from_onnx

Array = NDArray[Any]

_ELEM = {
    np.dtype(np.float32): TensorProto.FLOAT,
    np.dtype(np.float64): TensorProto.DOUBLE,
    np.dtype(np.float16): TensorProto.FLOAT16,
    np.dtype(np.bool_): TensorProto.BOOL,
    np.dtype(np.int8): TensorProto.INT8,
    np.dtype(np.int32): TensorProto.INT32,
    np.dtype(np.int64): TensorProto.INT64,
    np.dtype(np.uint8): TensorProto.UINT8,
    np.dtype(np.uint64): TensorProto.UINT64,
    np.dtype(ml_dtypes.bfloat16): TensorProto.BFLOAT16,
    np.dtype(ml_dtypes.float8_e4m3fn): TensorProto.FLOAT8E4M3FN,
    np.dtype(ml_dtypes.float8_e5m2): TensorProto.FLOAT8E5M2,
    np.dtype(ml_dtypes.int4): TensorProto.INT4,
}


def make_model(
    nodes: NodeProto | Sequence[NodeProto],
    inputs: Mapping[str, Array],
    outputs: Sequence[str] | None = None,
    initializers: Mapping[str, Array] | None = None,
    opset: int = 18,
) -> ModelProto:
    """A model of `nodes`; `inputs` give the input types, outputs default to the last node's."""
    nodes = [nodes] if isinstance(nodes, NodeProto) else list(nodes)
    names = list(outputs) if outputs is not None else [o for o in nodes[-1].output if o]
    graph = helper.make_graph(
        nodes,
        "test",
        [helper.make_tensor_value_info(k, _ELEM[v.dtype], v.shape) for k, v in inputs.items()],
        [helper.make_tensor_value_info(n, TensorProto.UNDEFINED, None) for n in names],
        [numpy_helper.from_array(v, k) for k, v in (initializers or {}).items()],
    )
    opsets = [helper.make_opsetid("", opset)]
    return helper.make_model(graph, opset_imports=opsets, ir_version=8)


def rand(*shape: int, seed: int = 0) -> Array:
    return np.random.default_rng(seed).standard_normal(shape).astype(np.float32)


class Check(Protocol):
    def __call__(
        self,
        model: ModelProto,
        feeds: Mapping[str, Array],
        *,
        rtol: float = ...,
        atol: float = ...,
        compile: bool = ...,
        expected: Sequence[Array] | None = ...,
    ) -> None: ...


def run_both(
    model: ModelProto,
    feeds: Mapping[str, Array],
    compile: bool = False,
    expected: Sequence[Array] | None = None,
) -> tuple[list[Array], list[Array]]:
    """(ONNX reference outputs, or `expected`; dlir outputs) of `model` on `feeds`."""
    if expected is None:
        evaluator: Any = ReferenceEvaluator(model)
        expected = [np.asarray(e) for e in evaluator.run(None, dict(feeds))]
    module = from_onnx(model)
    args = [feeds[i.name] for i in model.graph.input if i.name in feeds]
    if compile:
        got: Any = dlir.compile(module)["main"](*args)
    else:
        got = dlir.interpret(module, "main", *args)
    got_list: list[Any] = [got]
    if isinstance(got, tuple):
        got_list = [np.asarray(g) for g in cast(tuple[Any, ...], got)]
    return list(expected), [np.asarray(g) for g in got_list]


def _check(
    model: ModelProto,
    feeds: Mapping[str, Array],
    *,
    rtol: float = 1e-5,
    atol: float = 1e-6,
    compile: bool = False,
    expected: Sequence[Array] | None = None,
) -> None:
    """Compare dlir with onnx's reference (or with `expected`, where the reference lacks
    an opset's semantics, as the legacy broadcast of Add-6)."""
    expected, got = run_both(model, feeds, compile, expected)
    assert len(got) == len(expected)
    for e, g in zip(expected, got, strict=True):
        assert g.shape == e.shape, f"shape {g.shape}, ONNX {e.shape}"
        assert g.dtype == e.dtype, f"dtype {g.dtype}, ONNX {e.dtype}"
        if e.dtype.kind == "f":
            np.testing.assert_allclose(g, e, rtol=rtol, atol=atol)
        else:
            np.testing.assert_array_equal(g, e)


@pytest.fixture
def check() -> Check:
    return _check
