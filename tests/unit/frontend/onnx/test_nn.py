"""ONNX products, convolution, pooling and normalisations against onnx's reference."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from onnx import helper

from dlir.frontend.onnx import OnnxImportError, from_onnx
from tests.unit.frontend.onnx.conftest import Check, make_model, rand, run_both


@pytest.mark.parametrize(
    "attrs",
    [
        {},
        {"pads": [1, 2, 0, 1], "strides": [2, 1]},
        {"dilations": [2, 1], "pads": [1, 1, 1, 1]},
        {"group": 3},
        {"auto_pad": "SAME_UPPER", "strides": [2, 2]},
        {"auto_pad": "SAME_LOWER", "strides": [2, 2]},
        {"auto_pad": "VALID", "strides": [2, 3]},
    ],
)
def test_conv2d(check: Check, attrs: dict[str, Any]) -> None:
    groups = attrs.get("group", 1)
    x, w, b = (
        rand(2, 6, 7, 9),
        rand(4 * groups // groups * 3, 6 // groups, 3, 3, seed=1),
        rand(12, seed=2),
    )
    node = helper.make_node("Conv", ["x", "w", "b"], ["y"], kernel_shape=[3, 3], **attrs)
    check(make_model(node, {"x": x}, initializers={"w": w, "b": b}), {"x": x}, rtol=1e-4, atol=1e-5)


def test_conv_with_mismatched_channels_is_an_error() -> None:
    x, w = rand(1, 4, 5, 5), rand(2, 3, 3, 3)
    node = helper.make_node("Conv", ["x", "w"], ["y"], name="conv0")
    with pytest.raises(
        OnnxImportError,
        match="Conv node 'conv0': cannot be expressed in the graph dialect: input channels differ",
    ):
        from_onnx(make_model(node, {"x": x}, initializers={"w": w}))


def test_conv3d_is_an_error() -> None:
    x, w = rand(1, 1, 3, 3, 3), rand(1, 1, 2, 2, 2)
    node = helper.make_node("Conv", ["x", "w"], ["y"])
    with pytest.raises(OnnxImportError, match="only 1-D and 2-D convolutions are supported"):
        from_onnx(make_model(node, {"x": x}, initializers={"w": w}))


def test_conv1d_without_bias(check: Check) -> None:
    """A 1-D convolution runs as a 2-D one over an H of 1."""
    x, w = rand(1, 3, 13), rand(5, 3, 4, seed=1)
    node = helper.make_node("Conv", ["x", "w"], ["y"], pads=[2, 1], strides=[2])
    check(make_model(node, {"x": x, "w": w}), {"x": x, "w": w}, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize(
    "attrs",
    [
        {},
        {"transA": 1},
        {"transB": 1, "alpha": 0.5, "beta": 2.0},
        {"transA": 1, "transB": 1, "beta": 0.0},
    ],
)
def test_gemm(check: Check, attrs: dict[str, Any]) -> None:
    a = rand(7, 5) if not attrs.get("transA") else rand(5, 7)
    b = rand(5, 3, seed=1) if not attrs.get("transB") else rand(3, 5, seed=1)
    c = rand(3, seed=2)
    node = helper.make_node("Gemm", ["a", "b", "c"], ["y"], **attrs)
    check(make_model(node, {"a": a}, initializers={"b": b, "c": c}), {"a": a}, rtol=1e-5, atol=1e-5)


def test_gemm_runtime_operands_without_c(check: Check) -> None:
    a, b = rand(4, 6), rand(6, 2, seed=1)
    node = helper.make_node("Gemm", ["a", "b"], ["y"], alpha=2.0)
    check(make_model(node, {"a": a, "b": b}), {"a": a, "b": b}, atol=1e-5)


def test_gemm_opset6_c_broadcast(check: Check) -> None:
    a, b, c = rand(4, 6), rand(6, 2, seed=1), rand(1, 2, seed=2)
    node = helper.make_node("Gemm", ["a", "b", "c"], ["y"], broadcast=1, beta=0.5)
    expected = a @ b + 0.5 * c
    model = make_model(node, {"a": a, "b": b, "c": c}, opset=6)
    check(model, {"a": a, "b": b, "c": c}, atol=1e-5, expected=[expected])


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ((7, 5), (5, 3)),
        ((2, 7, 5), (5, 3)),
        ((3, 1, 4, 5), (2, 5, 6)),
        ((5,), (5, 3)),
        ((2, 4, 5), (5,)),
        ((5,), (5,)),
    ],
)
def test_matmul(check: Check, a: tuple[int, ...], b: tuple[int, ...]) -> None:
    x, y = rand(*a), rand(*b, seed=1)
    check(
        make_model(helper.make_node("MatMul", ["x", "y"], ["z"]), {"x": x, "y": y}),
        {"x": x, "y": y},
        atol=1e-5,
    )


@pytest.mark.parametrize("op", ["MaxPool", "AveragePool"])
@pytest.mark.parametrize(
    "attrs",
    [
        {"kernel_shape": [3, 3]},
        {"kernel_shape": [3, 2], "strides": [2, 2], "pads": [1, 0, 1, 1]},
        {"kernel_shape": [3, 3], "strides": [2, 2], "ceil_mode": 1},
        {"kernel_shape": [3, 3], "strides": [2, 2], "pads": [1, 1, 1, 1], "count_include_pad": 1},
        {"kernel_shape": [2, 3], "strides": [2, 2], "auto_pad": "SAME_UPPER"},
        {"kernel_shape": [2, 3], "strides": [2, 2], "auto_pad": "SAME_LOWER"},
        {"kernel_shape": [2, 2], "auto_pad": "VALID"},
    ],
)
def test_pool2d(check: Check, op: str, attrs: dict[str, Any]) -> None:
    x = rand(2, 3, 8, 7)
    expected = None
    if op == "MaxPool":
        attrs = {k: v for k, v in attrs.items() if k != "count_include_pad"}
        if attrs.get("auto_pad") == "SAME_LOWER":
            # onnx 1.23.2's reference MaxPool gives SAME_LOWER a 4x3 output here, against
            # the spec's ceil(input / stride) = 4x4 (which its shape inference agrees with):
            # H needs no padding, W one column on each side.
            padded = np.pad(x, [(0, 0), (0, 0), (0, 0), (1, 1)], constant_values=-np.inf)
            windows = np.lib.stride_tricks.sliding_window_view(padded, (2, 3), axis=(2, 3))
            expected = [windows[:, :, ::2, ::2].max(axis=(-2, -1))]
    model = make_model(helper.make_node(op, ["x"], ["y"], **attrs), {"x": x})
    check(model, {"x": x}, atol=1e-6, expected=expected)


@pytest.mark.parametrize("op", ["MaxPool", "AveragePool"])
@pytest.mark.parametrize(
    "attrs",
    [
        {"dilations": [2, 2]},
        {"dilations": [2, 1], "strides": [2, 1], "pads": [1, 1, 2, 0], "count_include_pad": 1},
        {"dilations": [2, 3], "strides": [2, 2], "ceil_mode": 1},
    ],
)
def test_dilated_pool2d(check: Check, op: str, attrs: dict[str, Any]) -> None:
    """Dilated pooling becomes strided slices of the padded input, maxed or averaged."""
    if op == "MaxPool":
        attrs = {k: v for k, v in attrs.items() if k != "count_include_pad"}
    x = rand(1, 2, 9, 11)
    node = helper.make_node(op, ["x"], ["y"], kernel_shape=[2, 2], **attrs)
    check(make_model(node, {"x": x}, opset=19), {"x": x}, atol=1e-6)


@pytest.mark.parametrize("op", ["MaxPool", "AveragePool"])
@pytest.mark.parametrize(
    "attrs",
    [
        {"kernel_shape": [2, 3, 2]},
        {"kernel_shape": [3, 2, 2], "strides": [2, 1, 2], "pads": [1, 0, 1, 1, 1, 0]},
        {"kernel_shape": [2, 2, 3], "strides": [2, 2, 2], "ceil_mode": 1},
        {"kernel_shape": [3, 3, 3], "pads": [1, 1, 1, 1, 1, 1], "count_include_pad": 1},
        {"kernel_shape": [2, 2, 2], "dilations": [2, 1, 2], "ceil_mode": 1, "strides": [2, 2, 1]},
    ],
)
@pytest.mark.parametrize("compile", [False, True])
def test_pool3d(check: Check, op: str, attrs: dict[str, Any], compile: bool) -> None:
    """3-D pooling: a 2-D pooling over H, W then one over D (both are separable)."""
    x = rand(1, 2, 5, 7, 6)
    expected = None
    if op == "MaxPool":
        attrs = {k: v for k, v in attrs.items() if k != "count_include_pad"}
        if "pads" in attrs:  # onnx 1.23.2's reference MaxPool fails on padded 3-D input
            pads, strides = attrs["pads"], attrs.get("strides", [1, 1, 1])
            padded = np.pad(
                x, [(0, 0), (0, 0), *zip(pads[:3], pads[3:], strict=True)], constant_values=-np.inf
            )
            windows = np.lib.stride_tricks.sliding_window_view(
                padded, attrs["kernel_shape"], axis=(2, 3, 4)
            )
            strided = windows[:, :, :: strides[0], :: strides[1], :: strides[2]]
            expected = [strided.max(axis=(-3, -2, -1))]
    node = helper.make_node(op, ["x"], ["y"], **attrs)
    model = make_model(node, {"x": x}, opset=19)
    check(model, {"x": x}, atol=1e-6, compile=compile, expected=expected)


@pytest.mark.parametrize(
    "attrs",
    [
        {"kernel_shape": [3, 3], "pads": [1, 1, 1, 1]},
        {"kernel_shape": [2, 2], "strides": [2, 2], "storage_order": 1},
        {"kernel_shape": [3, 2], "strides": [2, 1], "ceil_mode": 1, "pads": [0, 1, 1, 0]},
        {"kernel_shape": [2, 2], "dilations": [2, 2], "storage_order": 1},
    ],
)
@pytest.mark.parametrize("compile", [False, True])
def test_max_pool_indices(check: Check, attrs: dict[str, Any], compile: bool) -> None:
    """MaxPool's Indices: the flat index of each maximum (row- or column-major), against
    a loop over the windows (onnx 1.23.2's reference gets padded windows wrong)."""
    x = rand(2, 3, 7, 6)
    node = helper.make_node("MaxPool", ["x"], ["y", "i"], **attrs)
    model = make_model(node, {"x": x}, outputs=["y", "i"], opset=12)
    (values, _), (got_values, got_indices) = run_both(model, {"x": x}, compile)
    np.testing.assert_array_equal(got_values, values)
    kernel, pads = attrs["kernel_shape"], attrs.get("pads", [0, 0, 0, 0])
    strides, dilations = attrs.get("strides", [1, 1]), attrs.get("dilations", [1, 1])
    _, c, h, w = x.shape
    expected = np.zeros(values.shape, np.int64)
    for b, ch, oy, ox in np.ndindex(*values.shape):
        best, at = -np.inf, -1
        for i, j in np.ndindex(*kernel):
            y = oy * strides[0] + i * dilations[0] - pads[0]
            z = ox * strides[1] + j * dilations[1] - pads[1]
            if 0 <= y < h and 0 <= z < w and x[b, ch, y, z] > best:
                best = x[b, ch, y, z]
                at = (b * c + ch) * h * w + (z * h + y if attrs.get("storage_order") else y * w + z)
        expected[b, ch, oy, ox] = at
    assert got_indices.dtype == np.int64
    np.testing.assert_array_equal(got_indices, expected)


@pytest.mark.parametrize("op", ["MaxPool", "AveragePool"])
def test_pool1d(check: Check, op: str) -> None:
    x = rand(1, 3, 13)
    node = helper.make_node(op, ["x"], ["y"], kernel_shape=[3], strides=[2], pads=[1, 1])
    check(make_model(node, {"x": x}), {"x": x}, atol=1e-6)


@pytest.mark.parametrize("shape", [(2, 5, 7, 3), (1, 4, 9)])
def test_global_average_pool(check: Check, shape: tuple[int, ...]) -> None:
    x = rand(*shape)
    check(
        make_model(helper.make_node("GlobalAveragePool", ["x"], ["y"]), {"x": x}),
        {"x": x},
        atol=1e-6,
    )


def _lrn(x: np.ndarray, size: int, alpha: float, beta: float, bias: float) -> np.ndarray:
    # onnx 1.23.2's reference LRN loops over the batch dim instead of the channels.
    square_sum = np.zeros_like(x)
    for c in range(x.shape[1]):
        low, high = max(0, c - (size - 1) // 2), min(x.shape[1], c + size // 2 + 1)
        square_sum[:, c] = (x[:, low:high] ** 2).sum(axis=1)
    return x / (bias + alpha / size * square_sum) ** beta


@pytest.mark.parametrize("size", [3, 4])
def test_lrn(check: Check, size: int) -> None:
    x = rand(2, 7, 3, 5)
    node = helper.make_node("LRN", ["x"], ["y"], size=size, alpha=2e-4, beta=0.75, bias=2.0)
    expected = _lrn(x, size, 2e-4, 0.75, 2.0)
    check(make_model(node, {"x": x}), {"x": x}, atol=1e-6, expected=[expected])


@pytest.mark.parametrize("opset", [7, 9, 15])
def test_batch_norm_inference(check: Check, opset: int) -> None:
    """The running statistics are used (onnx's reference computes batch ones before opset 14
    unless is_test is set, so the expected value is numpy's)."""
    x = rand(2, 3, 4, 5)
    s, b, m, v = rand(3, seed=1), rand(3, seed=2), rand(3, seed=3), np.abs(rand(3, seed=4)) + 0.5
    node = helper.make_node("BatchNormalization", ["x", "s", "b", "m", "v"], ["y"], epsilon=1e-3)
    per_channel = (1, 3, 1, 1)
    expected = (x - m.reshape(per_channel)) / np.sqrt(v.reshape(per_channel) + 1e-3)
    expected = expected * s.reshape(per_channel) + b.reshape(per_channel)
    inits = {"s": s, "b": b, "m": m, "v": v}
    model = make_model(node, {"x": x}, initializers=inits, opset=opset)
    check(model, {"x": x}, atol=1e-5, expected=[expected])


@pytest.mark.parametrize("compile", [False, True])
def test_batch_norm_training_mode(check: Check, compile: bool) -> None:
    """Batch statistics normalise; the running mean and variance are updated."""
    x = rand(2, 3, 5, 7)
    inits = {k: rand(3, seed=i) for i, k in enumerate("sbm")}
    inits["v"] = np.abs(rand(3, seed=4)) + np.float32(0.5)
    node = helper.make_node(
        "BatchNormalization", list("xsbmv"), ["y", "rm", "rv"], training_mode=1, momentum=0.8
    )
    model = make_model(node, {"x": x}, initializers=inits, opset=15, outputs=["y", "rm", "rv"])
    check(model, {"x": x}, atol=1e-5, compile=compile)


def test_batch_norm_training_mode_before_opset_14_is_an_error() -> None:
    x = rand(2, 3, 4, 5)
    inits = {k: rand(3, seed=i) for i, k in enumerate("sbmv")}
    node = helper.make_node("BatchNormalization", list("xsbmv"), ["y"], training_mode=1)
    with pytest.raises(OnnxImportError, match="training_mode is 1"):
        from_onnx(make_model(node, {"x": x}, initializers=inits, opset=9))


@pytest.mark.parametrize("axis", [-1, 1])
def test_layer_norm(check: Check, axis: int) -> None:
    x = rand(2, 3, 5)
    normalized = x.shape[axis:]
    inits = {"s": rand(*normalized, seed=1), "b": rand(*normalized, seed=2)}
    node = helper.make_node("LayerNormalization", ["x", "s", "b"], ["y"], axis=axis, epsilon=1e-3)
    check(make_model(node, {"x": x}, initializers=inits, opset=17), {"x": x}, atol=1e-5)


def test_layer_norm_broadcast_scale_no_bias_and_moments(check: Check) -> None:
    """Scale broadcasts to the normalised dims; Mean and InvStdDev are computed when read."""
    x = rand(3, 4, 6)
    node = helper.make_node("LayerNormalization", ["x", "s"], ["y", "mean", "inv"], axis=1)
    model = make_model(node, {"x": x}, initializers={"s": rand(6, seed=1)}, opset=17)
    check(model, {"x": x}, atol=1e-5)


def _softmax(x: np.ndarray, axis: int) -> np.ndarray:
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


@pytest.mark.parametrize("axis", [-1, 0, 1])
def test_softmax(check: Check, axis: int) -> None:
    x = rand(2, 3, 4)
    node = helper.make_node("Softmax", ["x"], ["y"], axis=axis)
    check(make_model(node, {"x": x}, opset=13), {"x": x}, atol=1e-6)


@pytest.mark.parametrize(("opset", "axis"), [(11, 1), (11, 0), (11, -1), (1, None)])
def test_softmax_legacy_flattens(check: Check, opset: int, axis: int | None) -> None:
    """Before opset 13 softmax runs over the 2-D flattening at `axis` (default 1); onnx's
    reference evaluator does not, so the expected value is numpy's."""
    x = rand(2, 3, 4)
    attrs: dict[str, Any] = {} if axis is None else {"axis": axis}
    node = helper.make_node("Softmax", ["x"], ["y"], **attrs)
    first = (1 if axis is None else axis) % 3
    rows = int(np.prod(x.shape[:first]))
    expected = _softmax(x.reshape(rows, -1), 1).reshape(x.shape)
    check(make_model(node, {"x": x}, opset=opset), {"x": x}, atol=1e-6, expected=[expected])
