"""ONNX reductions over their opset variants against onnx's reference."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from onnx import helper

from tests.unit.frontend.onnx.conftest import Check, make_model, rand

# The first opset where `axes` is an input rather than an attribute.
AXES_INPUT_SINCE = {"ReduceSum": 13, "ReduceMean": 18, "ReduceMax": 18}


@pytest.mark.parametrize("op", ["ReduceSum", "ReduceMean", "ReduceMax"])
@pytest.mark.parametrize("axes_as_input", [False, True])
@pytest.mark.parametrize(("axes", "keepdims"), [([1], 1), ([0, -1], 0), (None, 1), (None, 0)])
def test_reduce(
    check: Check, op: str, axes_as_input: bool, axes: list[int] | None, keepdims: int
) -> None:
    x = rand(3, 4, 5)
    since = AXES_INPUT_SINCE[op]
    opset = since if axes_as_input else since - 1
    if axes_as_input:
        inits = {} if axes is None else {"a": np.array(axes, dtype=np.int64)}
        node = helper.make_node(op, ["x", "a" if axes else ""], ["y"], keepdims=keepdims)
    else:
        inits = {}
        attrs: dict[str, Any] = {} if axes is None else {"axes": axes}
        node = helper.make_node(op, ["x"], ["y"], keepdims=keepdims, **attrs)
    check(make_model(node, {"x": x}, initializers=inits, opset=opset), {"x": x}, atol=1e-5)


def test_reduce_noop_with_empty_axes(check: Check) -> None:
    x = rand(3, 4)
    node = helper.make_node("ReduceSum", ["x"], ["y"], noop_with_empty_axes=1)
    check(make_model(node, {"x": x}, opset=13), {"x": x})


def test_reduce_max_integers(check: Check) -> None:
    x = np.arange(24, dtype=np.int64).reshape(2, 3, 4) % 7
    node = helper.make_node("ReduceMax", ["x"], ["y"], axes=[1], keepdims=0)
    check(make_model(node, {"x": x}, opset=13), {"x": x})
