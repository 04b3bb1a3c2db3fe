"""CI slice of the ONNX node tests: one official test per supported operator, native.

For each operator of the subset, the node tests of its onnx case module are generated
(`onnx.backend.test.case.node.<module>`; the whole suite takes ~20 s just to generate)
and selected by the operators in their graphs like the full run
(`benchmarks/onnx_backend.py`); the one with the fewest nodes, then the shortest name
(ties by name), whose inputs and outputs are f32, f64, bool, i32 or i64 is compiled with `compile-cpu` and compared with
ONNX's expected outputs, as `onnx.backend.test.runner.Runner` does.
"""

from __future__ import annotations

import warnings

import pytest
from onnx import ModelProto, TensorProto
from onnx.backend.test.case.test_case import TestCase

from dlir.frontend.onnx import SUPPORTED_OPS
from dlir.frontend.onnx.suite import graph_ops, load_cases, run_case, selected

_MODULES = {  # operator -> its case module in onnx.backend.test.case.node
    "BatchNormalization": "batch_normalization",
    "LayerNormalization": "layernormalization",
}
_PLAIN_TYPES = {
    TensorProto.FLOAT,
    TensorProto.DOUBLE,
    TensorProto.BOOL,
    TensorProto.INT32,
    TensorProto.INT64,
}


def _plain(model: ModelProto) -> bool:
    infos = [*model.graph.input, *model.graph.output]
    return all(i.type.tensor_type.elem_type in _PLAIN_TYPES for i in infos)


def _smallest(case: TestCase) -> tuple[int, int, str]:
    assert case.model is not None
    return (len(case.model.graph.node), len(case.name), case.name)


def _cases() -> list[TestCase]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return selected(load_cases(_MODULES.get(op, op.lower()) for op in SUPPORTED_OPS))


def _slice(cases: list[TestCase]) -> dict[str, TestCase]:
    chosen: dict[str, TestCase] = {}
    for op in SUPPORTED_OPS:
        fits = [c for c in cases if c.model and op in graph_ops(c.model.graph) and _plain(c.model)]
        chosen[op] = min(fits, key=_smallest)
    return chosen


_CASES = _cases()
_SLICE = _slice(_CASES)
# One test per element type family beyond the plain ones (their conversions are tested
# exhaustively in tests/unit/passes/lowering/test_low_precision_native.py).
_TYPE_FAMILIES = {
    "uint": "test_add_uint8",
    "float8": "test_cast_FLOAT_to_FLOAT8E4M3FN",
    "int4": "test_cast_INT4_to_FLOAT",
    "bfloat16": "test_cast_BFLOAT16_to_FLOAT",
}


def test_slice_covers_every_operator() -> None:
    assert sorted(_SLICE) == sorted(SUPPORTED_OPS)


@pytest.mark.parametrize("op", sorted(_SLICE))
def test_node(op: str) -> None:
    outcome = run_case(_SLICE[op], "native")
    assert outcome.passed, f"{outcome.name}: {outcome.cause}\n{outcome.detail}"


@pytest.mark.parametrize("family", sorted(_TYPE_FAMILIES))
def test_element_type_family(family: str) -> None:
    (case,) = [c for c in _CASES if c.name == _TYPE_FAMILIES[family]]
    outcome = run_case(case, "native")
    assert outcome.passed, f"{outcome.name}: {outcome.cause}\n{outcome.detail}"
