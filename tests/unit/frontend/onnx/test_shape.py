"""ONNX data-movement operators, and the ones folded at import time, against onnx's reference."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from onnx import TensorProto, helper, numpy_helper

import dlir
from dlir.frontend.onnx import from_onnx
from tests.unit.frontend.onnx.conftest import Check, make_model, rand, run_both


def i64(*values: int) -> np.ndarray:
    return np.array(values, dtype=np.int64)


@pytest.mark.parametrize(
    ("shape", "allowzero"), [((0, -1), 0), ((3, 0, 2), 0), ((-1,), 0), ((2, 3, 1, 4), 1)]
)
def test_reshape(check: Check, shape: tuple[int, ...], allowzero: int) -> None:
    x = rand(2, 3, 4) if shape != (3, 0, 2) else rand(2, 4, 3)
    node = helper.make_node("Reshape", ["x", "s"], ["y"], allowzero=allowzero)
    check(make_model(node, {"x": x}, initializers={"s": i64(*shape)}), {"x": x})


def test_reshape_legacy_attribute(check: Check) -> None:
    x = rand(2, 3, 4)
    node = helper.make_node("Reshape", ["x"], ["y"], shape=[4, -1])
    # onnx's reference evaluator has no Reshape before opset 5
    check(make_model(node, {"x": x}, opset=4), {"x": x}, expected=[x.reshape(4, -1)])


def test_shape_computation_folds(check: Check) -> None:
    """Shape -> Gather -> Unsqueeze -> Concat -> Reshape, as exporters write a flatten."""
    x = rand(3, 4, 5)
    nodes = [
        helper.make_node("Shape", ["x"], ["s"]),
        helper.make_node("Gather", ["s", "zero"], ["n"], axis=0),
        helper.make_node("Unsqueeze", ["n", "axes"], ["n1"]),
        helper.make_node("Concat", ["n1", "minus1"], ["shape"], axis=0),
        helper.make_node("Reshape", ["x", "shape"], ["y"]),
    ]
    inits = {"zero": np.array(0, dtype=np.int64), "axes": i64(0), "minus1": i64(-1)}
    model = make_model(nodes, {"x": x}, initializers=inits, opset=13)
    text = str(from_onnx(model))
    assert text.count("graph.") == 3, text  # func, one reshape, return
    check(model, {"x": x})


@pytest.mark.parametrize("axis", [0, 1, 3, -1])
def test_flatten(check: Check, axis: int) -> None:
    x = rand(2, 3, 1, 5)
    check(
        make_model(helper.make_node("Flatten", ["x"], ["y"], axis=axis), {"x": x}, opset=13),
        {"x": x},
    )


@pytest.mark.parametrize("perm", [None, [0, 2, 1], [2, 0, 1]])
def test_transpose(check: Check, perm: list[int] | None) -> None:
    x = rand(2, 3, 5)
    attrs: dict[str, Any] = {} if perm is None else {"perm": perm}
    check(make_model(helper.make_node("Transpose", ["x"], ["y"], **attrs), {"x": x}), {"x": x})


def test_concat_with_constant_and_empty_inputs(check: Check) -> None:
    x, y = rand(2, 3), rand(2, 5, seed=1)
    inits = {"c": rand(2, 1, seed=2), "e": np.zeros((2, 0), dtype=np.float32)}
    node = helper.make_node("Concat", ["x", "c", "e", "y"], ["z"], axis=-1)
    check(make_model(node, {"x": x, "y": y}, initializers=inits), {"x": x, "y": y})


@pytest.mark.parametrize("index", [2, -1])
def test_gather_constant_scalar_is_a_slice(check: Check, index: int) -> None:
    x = rand(3, 4, 5)
    node = helper.make_node("Gather", ["x", "i"], ["y"], axis=1)
    model = make_model(node, {"x": x}, initializers={"i": np.array(index, dtype=np.int64)})
    assert "graph.gather" not in str(from_onnx(model))
    check(model, {"x": x})


@pytest.mark.parametrize("dtype", [np.int64, np.int32])
def test_gather_negative_indices(check: Check, dtype: type[np.integer[Any]]) -> None:
    x = rand(5, 3)
    ids = np.array([[0, -1], [4, -5], [2, 2]], dtype=dtype)
    node = helper.make_node("Gather", ["x", "ids"], ["y"], axis=0)
    check(make_model(node, {"x": x, "ids": ids}), {"x": x, "ids": ids})


def test_gather_embedding_from_initializer(check: Check) -> None:
    table, ids = rand(10, 4), np.array([3, 0, 9, -2], dtype=np.int64)
    node = helper.make_node("Gather", ["t", "ids"], ["y"], axis=0)
    check(make_model(node, {"ids": ids}, initializers={"t": table}), {"ids": ids})


@pytest.mark.parametrize("mode", ["constant", "reflect", "edge"])
def test_pad(check: Check, mode: str) -> None:
    x = rand(3, 4)
    inits = {"p": i64(1, 2, 2, 1), "v": np.array(1.5, dtype=np.float32)}
    node = helper.make_node("Pad", ["x", "p", "v" if mode == "constant" else ""], ["y"], mode=mode)
    check(make_model(node, {"x": x}, initializers=inits, opset=13), {"x": x})


@pytest.mark.parametrize(
    ("shape", "pads"),
    [((3, 4), (1, 2, 2, 1)), ((2, 3), (5, 0, 0, 7)), ((1, 3, 2), (0, 1, 1, 0, 2, 3))],
)
def test_pad_wrap(check: Check, shape: tuple[int, ...], pads: tuple[int, ...]) -> None:
    """Opset 19 `wrap`, with pads larger than the axis (numpy's wrap repeats)."""
    x = rand(*shape)
    node = helper.make_node("Pad", ["x", "p"], ["y"], mode="wrap")
    model = make_model(node, {"x": x}, initializers={"p": i64(*pads)}, opset=19)
    rank = len(shape)
    expected = np.pad(x, list(zip(pads[:rank], pads[rank:], strict=True)), mode="wrap")
    check(model, {"x": x}, expected=[expected], compile=True)


def test_pad_legacy_attributes(check: Check) -> None:
    x = rand(3, 4)
    node = helper.make_node("Pad", ["x"], ["y"], pads=[0, 1, 2, 0], value=-2.0)
    check(make_model(node, {"x": x}, opset=2), {"x": x})


def test_pad_axes_and_negative_pads(check: Check) -> None:
    """Opset 18 `axes`; a negative pad crops."""
    x = rand(3, 4, 5)
    inits = {"p": i64(2, -1, -2, 1), "a": i64(0, -1)}
    node = helper.make_node("Pad", ["x", "p", "", "a"], ["y"])
    # onnx's reference evaluator rejects negative pads, so the expected value is numpy's
    expected = np.pad(x, [(2, 0), (0, 0), (0, 1)])[:-2, :, 1:]
    model = make_model(node, {"x": x}, initializers=inits, opset=18)
    check(model, {"x": x}, expected=[expected])


def test_pad_runtime_pads_is_an_error() -> None:
    x, p = rand(3, 4), i64(1, 1, 1, 1)
    model = make_model(helper.make_node("Pad", ["x", "p"], ["y"]), {"x": x, "p": p}, opset=13)
    with pytest.raises(Exception, match=r"input 1 'p' \(pads\) must be a constant"):
        from_onnx(model)


def test_slice_legacy_attributes(check: Check) -> None:
    x = rand(4, 6)
    node = helper.make_node("Slice", ["x"], ["y"], starts=[1, -4], ends=[100, -1], axes=[0, 1])
    check(make_model(node, {"x": x}, opset=9), {"x": x})


slice_bounds = st.integers(-9, 9) | st.sampled_from([2**63 - 1, -(2**63) + 1])


@settings(max_examples=40, deadline=None)
@given(
    start=slice_bounds,
    end=slice_bounds,
    step=st.sampled_from([-3, -2, -1, 1, 2, 3]),
    axis=st.integers(-2, 1),
)
def test_slice_matches_onnx(start: int, end: int, step: int, axis: int) -> None:
    """Any start, end (ONNX's INT_MAX sentinels too), step and axis slice as ONNX does.

    Where a negative step starts before the beginning, the spec clamps the start to 0 (one
    element), onnx's reference evaluator slices nothing: `test_slice_start_clamps_to_spec`.
    """
    x = rand(5, 7)
    assume(not (step < 0 and start + x.shape[axis] < 0))
    inits = {"s": i64(start), "e": i64(end), "a": i64(axis), "t": i64(step)}
    node = helper.make_node("Slice", ["x", "s", "e", "a", "t"], ["y"])
    expected, got = run_both(make_model(node, {"x": x}, initializers=inits, opset=13), {"x": x})
    np.testing.assert_array_equal(got[0], expected[0])


def test_slice_start_clamps_to_spec() -> None:
    """A negative step from before the beginning starts at 0, as the spec and ONNX's shape
    inference say (numpy slicing, and so onnx's reference evaluator, would pick nothing)."""
    x = rand(5, 7)
    inits = {"s": i64(-100), "e": i64(-(2**63) + 1), "t": i64(-3)}
    model = make_model(
        helper.make_node("Slice", ["x", "s", "e", "", "t"], ["y"]), {"x": x}, initializers=inits
    )
    got = dlir.interpret(from_onnx(model), "main", x)
    np.testing.assert_array_equal(got, x[:1])


@pytest.mark.parametrize("opset", [11, 13])
def test_squeeze_unsqueeze(check: Check, opset: int) -> None:
    """axes are attributes before opset 13 and inputs since."""
    x = rand(3, 1, 4, 1)
    if opset < 13:
        nodes = [
            helper.make_node("Squeeze", ["x"], ["s"], axes=[1, -1]),
            helper.make_node("Unsqueeze", ["s"], ["y"], axes=[0, -1]),
        ]
        inits: dict[str, np.ndarray] = {}
    else:
        nodes = [
            helper.make_node("Squeeze", ["x", "sa"], ["s"]),
            helper.make_node("Unsqueeze", ["s", "ua"], ["y"]),
        ]
        inits = {"sa": i64(1, -1), "ua": i64(0, -1)}
    check(make_model(nodes, {"x": x}, initializers=inits, opset=opset), {"x": x})


def test_squeeze_all_unit_dims(check: Check) -> None:
    x = rand(1, 3, 1, 2)
    check(make_model(helper.make_node("Squeeze", ["x"], ["y"]), {"x": x}, opset=13), {"x": x})


@pytest.mark.parametrize(
    ("shape", "target"), [((3, 1), (2, 1, 6)), ((1, 4), (3, 1)), ((2, 3), (2, 3))]
)
def test_expand(check: Check, shape: tuple[int, ...], target: tuple[int, ...]) -> None:
    x = rand(*shape)
    node = helper.make_node("Expand", ["x", "s"], ["y"])
    check(make_model(node, {"x": x}, initializers={"s": i64(*target)}), {"x": x})


@pytest.mark.parametrize(
    ("opset", "attrs", "split", "outputs"),
    [
        (11, {"split": [2, 5]}, None, 2),
        (11, {}, None, 7),
        (13, {}, [1, 4, 2], 3),
        (18, {"num_outputs": 3}, None, 3),
    ],
)
def test_split(
    check: Check, opset: int, attrs: dict[str, Any], split: list[int] | None, outputs: int
) -> None:
    x = rand(3, 7)
    names = [f"y{i}" for i in range(outputs)]
    inits = {} if split is None else {"sp": i64(*split)}
    inputs = ["x"] if split is None else ["x", "sp"]
    node = helper.make_node("Split", inputs, names, axis=1, **attrs)
    check(make_model(node, {"x": x}, names, inits, opset=opset), {"x": x})


def test_constants(check: Check) -> None:
    x = rand(2, 3)
    nodes = [
        helper.make_node("Constant", [], ["c"], value=numpy_helper.from_array(rand(3, seed=1))),
        helper.make_node("Constant", [], ["f"], value_floats=[1.0, 2.0, 3.0]),
        helper.make_node("Constant", [], ["s"], value_ints=[2, 3]),
        helper.make_node(
            "ConstantOfShape",
            ["s"],
            ["k"],
            value=helper.make_tensor("v", TensorProto.FLOAT, [1], [0.5]),
        ),
        helper.make_node("Add", ["x", "c"], ["a"]),
        helper.make_node("Mul", ["a", "f"], ["b"]),
        helper.make_node("Sub", ["b", "k"], ["y"]),
    ]
    check(make_model(nodes, {"x": x}, opset=13), {"x": x})


def test_shape_with_start_and_end(check: Check) -> None:
    """Shape folds to a constant; a graph output that is a constant is returned as one."""
    x = rand(2, 3, 4)
    node = helper.make_node("Shape", ["x"], ["s"], start=1, end=-1)
    check(make_model(node, {"x": x}, opset=15), {"x": x})
