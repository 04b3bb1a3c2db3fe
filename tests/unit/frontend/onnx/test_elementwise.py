"""ONNX elementwise operators, imported and run by the interpreter against onnx's reference."""

from __future__ import annotations

import ml_dtypes
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from onnx import TensorProto, helper

from tests.unit.frontend.onnx.conftest import Check, make_model, rand, run_both

BINARY = ["Add", "Sub", "Mul", "Div"]


@pytest.mark.parametrize("op", BINARY)
@pytest.mark.parametrize(("a", "b"), [((7, 13), (7, 13)), ((2, 1, 5), (3, 1)), ((1,), (4, 33))])
def test_binary_broadcasts(check: Check, op: str, a: tuple[int, ...], b: tuple[int, ...]) -> None:
    x, y = rand(*a), rand(*b, seed=1) + (3.0 if op == "Div" else 0.0)
    check(make_model(helper.make_node(op, ["x", "y"], ["z"]), {"x": x, "y": y}), {"x": x, "y": y})


@settings(max_examples=30, deadline=None)
@given(
    shapes=hnp.mutually_broadcastable_shapes(num_shapes=2, max_dims=4, max_side=5),
    op=st.sampled_from(["Add", "Sub", "Mul"]),
)
def test_binary_broadcasting_matches_onnx(shapes: hnp.BroadcastableShapes, op: str) -> None:
    """Any two shapes numpy broadcasts give ONNX's multidirectional broadcast result."""
    a, b = shapes.input_shapes
    x, y = rand(*a), rand(*b, seed=1)
    model = make_model(helper.make_node(op, ["x", "y"], ["z"]), {"x": x, "y": y})
    expected, got = run_both(model, {"x": x, "y": y})
    np.testing.assert_allclose(got[0], expected[0], rtol=1e-6)


@pytest.mark.parametrize("op", BINARY)
def test_binary_integers(check: Check, op: str) -> None:
    x = np.arange(-6, 6, dtype=np.int32).reshape(3, 4)
    y = np.array([3, -2, 5, 7], dtype=np.int32)
    check(make_model(helper.make_node(op, ["x", "y"], ["z"]), {"x": x, "y": y}), {"x": x, "y": y})


@pytest.mark.parametrize("op", ["Add", "Mul", "Sub"])
def test_legacy_broadcast_at_axis(check: Check, op: str) -> None:
    """Opset 6: B of shape (3,) broadcasts into A (2, 3, 4) at axis 1, not at the end."""
    x, y = rand(2, 3, 4), rand(3, seed=1)
    node = helper.make_node(op, ["x", "y"], ["z"], broadcast=1, axis=1)
    numpy_op = {"Add": np.add, "Mul": np.multiply, "Sub": np.subtract}[op]
    expected = numpy_op(x, y.reshape(3, 1))
    check(make_model(node, {"x": x, "y": y}, opset=6), {"x": x, "y": y}, expected=[expected])


def test_legacy_broadcast_suffix(check: Check) -> None:
    x, y = rand(2, 3, 4), rand(3, 4, seed=1)
    node = helper.make_node("Add", ["x", "y"], ["z"], broadcast=1)
    check(make_model(node, {"x": x, "y": y}, opset=6), {"x": x, "y": y})


def test_pow_with_integer_exponent(check: Check) -> None:
    """Since opset 12 the exponent may have its own type; it is cast to the base's."""
    x = np.abs(rand(3, 5)) + 0.5
    e = np.array([2], dtype=np.int64)
    model = make_model(helper.make_node("Pow", ["x", "e"], ["z"]), {"x": x}, initializers={"e": e})
    check(model, {"x": x})


def test_pow(check: Check) -> None:
    x, e = np.abs(rand(4, 7)) + 0.5, rand(7, seed=2)
    check(
        make_model(helper.make_node("Pow", ["x", "e"], ["z"]), {"x": x, "e": e}), {"x": x, "e": e}
    )


@pytest.mark.parametrize("op", ["Relu", "Sigmoid", "Tanh", "Exp", "Log", "Sqrt", "Erf"])
def test_unary(check: Check, op: str) -> None:
    x = rand(5, 13)
    if op in ("Log", "Sqrt"):
        x = np.abs(x) + 0.1
    check(make_model(helper.make_node(op, ["x"], ["y"]), {"x": x}), {"x": x}, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("approximate", ["none", "tanh"])
def test_gelu(check: Check, approximate: str) -> None:
    x = rand(3, 33)
    node = helper.make_node("Gelu", ["x"], ["y"], approximate=approximate)
    check(make_model(node, {"x": x}, opset=20), {"x": x}, atol=1e-6)


def test_sum_of_three_broadcasts(check: Check) -> None:
    a, b, c = rand(2, 3), rand(3, seed=1), rand(1, 1, seed=2)
    node = helper.make_node("Sum", ["a", "b", "c"], ["s"])
    check(make_model(node, {"a": a, "b": b, "c": c}), {"a": a, "b": b, "c": c})


def test_clip_legacy_attributes(check: Check) -> None:
    x = rand(4, 5)
    node = helper.make_node("Clip", ["x"], ["y"], min=-0.5, max=0.7)
    check(make_model(node, {"x": x}, opset=6), {"x": x})


@pytest.mark.parametrize(
    ("low", "high"), [(-0.5, 0.5), (None, 0.25), (-0.25, None), (None, None), (1.0, -1.0)]
)
def test_clip_bounds_as_inputs(check: Check, low: float | None, high: float | None) -> None:
    """Opset 11+: optional constant inputs; min > max sets everything to max."""
    x = rand(4, 5)
    inits: dict[str, np.ndarray] = {}
    if low is not None:
        inits["lo"] = np.array(low, dtype=np.float32)
    if high is not None:
        inits["hi"] = np.array(high, dtype=np.float32)
    node = helper.make_node(
        "Clip", ["x", "lo" if low is not None else "", "hi" if high is not None else ""], ["y"]
    )
    check(make_model(node, {"x": x}, initializers=inits, opset=13), {"x": x})


def test_clip_integers(check: Check) -> None:
    x = np.arange(-8, 8, dtype=np.int32).reshape(4, 4)
    inits = {"lo": np.array(-3, dtype=np.int32), "hi": np.array(5, dtype=np.int32)}
    node = helper.make_node("Clip", ["x", "lo", "hi"], ["y"])
    check(make_model(node, {"x": x}, initializers=inits, opset=13), {"x": x})


@pytest.mark.parametrize(
    ("to", "values"),
    [
        (TensorProto.INT32, rand(3, 7) * 10),
        (TensorProto.DOUBLE, rand(3, 7)),
        (TensorProto.FLOAT16, rand(3, 7)),
        (TensorProto.BOOL, np.array([0.0, 1.5, -2.0, 0.0], dtype=np.float32)),
        (TensorProto.FLOAT, np.arange(-5, 5, dtype=np.int64)),
    ],
)
def test_cast(check: Check, to: int, values: np.ndarray) -> None:
    check(make_model(helper.make_node("Cast", ["x"], ["y"], to=to), {"x": values}), {"x": values})


def test_cast_legacy_string_target(check: Check) -> None:
    """Before opset 6, Cast's `to` is a type name."""
    x = rand(3, 4) * 10
    node = helper.make_node("Cast", ["x"], ["y"], to="INT32")
    expected = [x.astype(np.int32)]
    check(make_model(node, {"x": x}, opset=5), {"x": x}, expected=expected)


def test_identity_and_inference_dropout(check: Check) -> None:
    """Dropout at inference is the identity; its mask output is all true."""
    x = rand(3, 4)
    nodes = [
        helper.make_node("Identity", ["x"], ["i"]),
        helper.make_node("Dropout", ["i", "ratio"], ["y", "mask"]),
    ]
    inits = {"ratio": np.array(0.5, dtype=np.float32)}
    check(make_model(nodes, {"x": x}, ["y", "mask"], inits, opset=13), {"x": x})


def test_legacy_dropout(check: Check) -> None:
    x = rand(3, 4)
    node = helper.make_node("Dropout", ["x"], ["y"], ratio=0.3)
    check(make_model(node, {"x": x}, opset=7), {"x": x})


@pytest.mark.parametrize("op", ["Equal", "Less", "Greater"])
def test_compare(check: Check, op: str) -> None:
    x = np.array([[1, 2, 3], [4, 5, 6]], dtype=np.int64)
    y = np.array([3, 2, 4], dtype=np.int64)
    check(make_model(helper.make_node(op, ["x", "y"], ["z"]), {"x": x, "y": y}), {"x": x, "y": y})


def test_where_broadcasts_three_ways(check: Check) -> None:
    x, y = rand(3, 1), rand(1, 5, seed=1)
    nodes = [
        helper.make_node("Greater", ["x", "y"], ["c"]),
        helper.make_node("Where", ["c", "x", "y"], ["z"]),
    ]
    check(make_model(nodes, {"x": x, "y": y}), {"x": x, "y": y})


_FP8_EDGES = np.array(
    [
        0.0,
        -0.0,
        1.0,
        -2.5,
        448.0,
        460.0,
        465.0,
        1000.0,
        -1e6,
        57344.0,
        61440.0,
        2.0**-9,
        2.0**-10,
        3 * 2.0**-10,
        1e-9,
        np.inf,
        -np.inf,
        np.nan,
    ],
    dtype=np.float32,
)


@pytest.mark.parametrize(
    "to",
    [
        TensorProto.FLOAT8E4M3FN,
        TensorProto.FLOAT8E4M3FNUZ,
        TensorProto.FLOAT8E5M2,
        TensorProto.FLOAT8E5M2FNUZ,
    ],
)
@pytest.mark.parametrize("saturate", [0, 1])
@pytest.mark.parametrize("compile", [False, True])
def test_cast_to_float8(to: int, saturate: int, compile: bool) -> None:
    """Cast-19 to fp8: saturating (a clip first) or not (NaN / inf on overflow), bit for
    bit as onnx's reference."""
    node = helper.make_node("Cast", ["x"], ["y"], to=to, saturate=saturate)
    model = make_model(node, {"x": _FP8_EDGES}, opset=19)
    (expected,), (got,) = run_both(model, {"x": _FP8_EDGES}, compile)
    assert got.dtype == expected.dtype
    np.testing.assert_array_equal(got.view(np.uint8), expected.view(np.uint8))


@pytest.mark.parametrize("compile", [False, True])
def test_cast_from_float8_and_int4(compile: bool) -> None:
    codes = np.arange(256, dtype=np.uint8).view(ml_dtypes.float8_e5m2)
    nibbles = (np.arange(32) % 16).astype(np.uint8).view(ml_dtypes.int4)
    nodes = [
        helper.make_node("Cast", ["a"], ["y"], to=TensorProto.FLOAT),
        helper.make_node("Cast", ["b"], ["z"], to=TensorProto.FLOAT16),
    ]
    feeds = {"a": codes, "b": nibbles}
    expected, got = run_both(make_model(nodes, feeds, outputs=["y", "z"]), feeds, compile)
    for e, g in zip(expected, got, strict=True):
        assert g.dtype == e.dtype
        np.testing.assert_array_equal(g, e)


@pytest.mark.parametrize("op", ["Add", "Sub", "Mul", "Div", "Equal", "Less", "Greater"])
def test_unsigned_binary(check: Check, op: str) -> None:
    a = np.random.default_rng(1).integers(0, 256, (3, 5), dtype=np.uint8)
    b = np.random.default_rng(2).integers(0, 256, (5,), dtype=np.uint8)
    node = helper.make_node(op, ["a", "b"], ["y"])
    check(make_model(node, {"a": a, "b": b}, opset=14), {"a": a, "b": b}, compile=True)
