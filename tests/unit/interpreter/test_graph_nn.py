"""conv2d, pooling, data movement and constants against loop-by-loop numpy references."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from xdsl.dialects.builtin import ModuleOp

import dlir
from dlir.dialects import graph
from dlir.dialects.graph.constants import constant
from dlir.ir import IRModule
from dlir.testing.graphs import Array, RunGraph

rng = np.random.default_rng(1)


def rand(*shape: int) -> Array:
    return rng.uniform(-1, 1, size=shape).astype(np.float32)


def conv2d_loops(
    x: Array,
    w: Array,
    strides: tuple[int, int],
    pads: tuple[int, int, int, int],
    dilations: tuple[int, int],
    groups: int,
    out_hw: tuple[int, int],
) -> Array:
    """Convolution by the definition: one dot product per output element."""
    n, c, h, wd = x.shape
    o, ci, kh, kw = w.shape
    top, left, bottom, right = pads
    xp = np.zeros((n, c, h + top + bottom, wd + left + right))
    xp[:, :, top : top + h, left : left + wd] = x
    out = np.zeros((n, o, *out_hw))
    per_group = o // groups
    for b in range(n):
        for oc in range(o):
            g = oc // per_group
            for i in range(out_hw[0]):
                for j in range(out_hw[1]):
                    total = 0.0
                    for cc in range(ci):
                        for p in range(kh):
                            for q in range(kw):
                                y = i * strides[0] + p * dilations[0]
                                z = j * strides[1] + q * dilations[1]
                                total += xp[b, g * ci + cc, y, z] * w[oc, cc, p, q]
                    out[b, oc, i, j] = total
    return out


CONV_CASES = [
    # x shape, w shape, strides, pads, dilations, groups, bias
    ((1, 1, 1, 1), (1, 1, 1, 1), (1, 1), (0, 0, 0, 0), (1, 1), 1, False),
    ((2, 3, 7, 7), (5, 3, 3, 3), (1, 1), (1, 1, 1, 1), (1, 1), 1, True),
    ((1, 4, 13, 9), (6, 2, 3, 2), (2, 3), (0, 1, 2, 0), (1, 1), 2, True),
    ((1, 3, 13, 13), (3, 1, 3, 3), (2, 2), (2, 2, 2, 2), (2, 2), 3, False),
    ((3, 2, 5, 7), (4, 2, 5, 1), (1, 2), (2, 0, 1, 0), (1, 1), 1, True),
]


@pytest.mark.parametrize(("xs", "ws", "strides", "pads", "dilations", "groups", "bias"), CONV_CASES)
def test_conv2d(
    run_graph: RunGraph,
    xs: tuple[int, ...],
    ws: tuple[int, ...],
    strides: tuple[int, int],
    pads: tuple[int, int, int, int],
    dilations: tuple[int, int],
    groups: int,
    bias: bool,
) -> None:
    x, w, b = rand(*xs), rand(*ws), rand(ws[0])

    def make(*v: Any) -> graph.Conv2dOp:
        return graph.Conv2dOp(
            v[0],
            v[1],
            v[2] if bias else None,
            strides=strides,
            pads=pads,
            dilations=dilations,
            groups=groups,
        )

    out = run_graph(make, x, w, b) if bias else run_graph(make, x, w)
    expected = conv2d_loops(x, w, strides, pads, dilations, groups, (out.shape[2], out.shape[3]))
    if bias:
        expected += b.reshape(1, -1, 1, 1)
    assert out.dtype == np.float32
    np.testing.assert_allclose(out, expected, rtol=1e-5, atol=1e-5)


def pool_loops(
    x: Array,
    kernel: tuple[int, int],
    strides: tuple[int, int],
    pads: tuple[int, int, int, int],
    out_hw: tuple[int, int],
    kind: str,
    count_include_pad: bool = False,
) -> Array:
    """PyTorch's pooling loops: windows clipped to the input; the avg divisor per its rule."""
    n, c, h, w = x.shape
    top, left, bottom, right = pads
    out = np.zeros((n, c, *out_hw))
    for i in range(out_hw[0]):
        for j in range(out_hw[1]):
            h0, w0 = i * strides[0] - top, j * strides[1] - left
            h1, w1 = min(h0 + kernel[0], h + bottom), min(w0 + kernel[1], w + right)
            pool_size = (h1 - h0) * (w1 - w0)
            h0, w0, h1, w1 = max(h0, 0), max(w0, 0), min(h1, h), min(w1, w)
            window = x[:, :, h0:h1, w0:w1]
            if kind == "max":
                out[:, :, i, j] = window.max(axis=(2, 3))
            else:
                divisor = pool_size if count_include_pad else (h1 - h0) * (w1 - w0)
                out[:, :, i, j] = window.sum(axis=(2, 3)) / divisor
    return out


POOL_CASES = [
    # x shape, kernel, strides, pads, ceil_mode
    ((1, 1, 1, 1), (1, 1), (1, 1), (0, 0, 0, 0), False),
    ((2, 3, 7, 7), (2, 2), (2, 2), (0, 0, 0, 0), False),
    ((2, 3, 7, 7), (2, 2), (2, 2), (0, 0, 0, 0), True),
    ((1, 2, 13, 9), (3, 3), (2, 2), (1, 1, 1, 1), True),
    ((1, 2, 13, 9), (3, 2), (3, 1), (2, 0, 1, 1), False),
    ((1, 1, 6, 6), (3, 3), (2, 2), (1, 1, 1, 1), True),
]


@pytest.mark.parametrize(("xs", "kernel", "strides", "pads", "ceil_mode"), POOL_CASES)
def test_max_pool2d(
    run_graph: RunGraph,
    xs: tuple[int, ...],
    kernel: tuple[int, int],
    strides: tuple[int, int],
    pads: tuple[int, int, int, int],
    ceil_mode: bool,
) -> None:
    x = rand(*xs) - 2  # all negative: a padded zero must never win
    out = run_graph(
        lambda v: graph.MaxPool2dOp(v, kernel, strides=strides, pads=pads, ceil_mode=ceil_mode), x
    )
    expected = pool_loops(x, kernel, strides, pads, (out.shape[2], out.shape[3]), "max")
    np.testing.assert_array_equal(out, expected.astype(np.float32))


@pytest.mark.parametrize("count_include_pad", [False, True])
@pytest.mark.parametrize(("xs", "kernel", "strides", "pads", "ceil_mode"), POOL_CASES)
def test_avg_pool2d(
    run_graph: RunGraph,
    xs: tuple[int, ...],
    kernel: tuple[int, int],
    strides: tuple[int, int],
    pads: tuple[int, int, int, int],
    ceil_mode: bool,
    count_include_pad: bool,
) -> None:
    x = rand(*xs)
    out = run_graph(
        lambda v: graph.AvgPool2dOp(
            v,
            kernel,
            strides=strides,
            pads=pads,
            ceil_mode=ceil_mode,
            count_include_pad=count_include_pad,
        ),
        x,
    )
    out_hw = (out.shape[2], out.shape[3])
    expected = pool_loops(x, kernel, strides, pads, out_hw, "avg", count_include_pad)
    np.testing.assert_allclose(out, expected, rtol=1e-5, atol=1e-6)


def test_global_avg_pool2d(run_graph: RunGraph) -> None:
    x = rand(2, 3, 7, 5)
    expected = np.array([[[[x[b, c].sum() / 35]] for c in range(3)] for b in range(2)])
    np.testing.assert_allclose(run_graph(graph.GlobalAvgPool2dOp, x), expected, rtol=1e-5)


# --- data movement ----------------------------------------------------------------------


def test_reshape_transpose_flatten(run_graph: RunGraph) -> None:
    x = rand(2, 3, 7)
    assert np.array_equal(run_graph(lambda v: graph.ReshapeOp(v, [7, 6]), x), x.reshape(7, 6))
    t = run_graph(lambda v: graph.TransposeOp(v, [2, 0, 1]), x)
    assert t.shape == (7, 2, 3) and t[4, 1, 2] == x[1, 2, 4]
    for axis, shape in ((0, (1, 42)), (1, (2, 21)), (2, (6, 7)), (3, (42, 1)), (-1, (6, 7))):
        flat = run_graph(lambda v, a=axis: graph.FlattenOp(v, a), x)
        assert flat.shape == shape and np.array_equal(flat.ravel(), x.ravel())


def test_concat(run_graph: RunGraph) -> None:
    a, b, c = rand(2, 3), rand(2, 1), rand(2, 7)
    out = run_graph(lambda x, y, z: graph.ConcatOp([x, y, z], 1), a, b, c)
    assert np.array_equal(out[:, :3], a) and np.array_equal(out[:, 3:4], b)
    assert np.array_equal(out[:, 4:], c)


@pytest.mark.parametrize("mode", ["constant", "reflect", "edge"])
def test_pad(run_graph: RunGraph, mode: str) -> None:
    x = np.arange(12, dtype=np.float32).reshape(3, 4)
    value = 2.5 if mode == "constant" else 0.0
    out = run_graph(lambda v: graph.PadOp(v, [1, 0], [2, 3], mode, value), x)
    assert out.shape == (6, 7)
    assert np.array_equal(out[1:4, 0:4], x)
    if mode == "constant":
        assert out[0, 0] == 2.5 and out[5, 6] == 2.5
    elif mode == "reflect":
        assert np.array_equal(out[0, :4], x[1]) and np.array_equal(out[4, :4], x[1])
        assert out[1, 4] == x[0, 2]
    else:
        assert np.array_equal(out[0, :4], x[0]) and np.array_equal(out[5, :4], x[2])
        assert out[1, 6] == x[0, 3]


def test_slice_with_negative_steps(run_graph: RunGraph) -> None:
    x = rand(7, 13)
    starts, ends, steps = [5, -1], [0, -14], [-2, -3]
    out = run_graph(lambda v: graph.SliceOp(v, starts, ends, steps), x)
    assert np.array_equal(out, x[5:0:-2, -1:-14:-3])
    out = run_graph(lambda v: graph.SliceOp(v, [1, 2], [7, 3]), x)
    assert np.array_equal(out, x[1:7, 2:3])


def test_broadcast_to(run_graph: RunGraph) -> None:
    x = rand(3, 1)
    out = run_graph(lambda v: graph.BroadcastToOp(v, [2, 3, 4]), x)
    assert out.shape == (2, 3, 4) and out.flags.writeable
    assert np.array_equal(out[1, :, 2], x[:, 0])


# --- constants --------------------------------------------------------------------------


def test_inline_and_resource_constants(run_graph: RunGraph) -> None:
    small = np.arange(6, dtype=np.float32).reshape(2, 3)
    big = rng.uniform(size=(40, 40)).astype(np.float32)  # > 1024 elements: a dense_resource blob
    big_op = constant(big, name="interp_big")
    assert "dense_resource" in str(big_op)
    x = rand(2, 3)
    out = run_graph(lambda v: [c := constant(small), graph.AddOp(v, c)], x)
    np.testing.assert_array_equal(out, x + small)
    y = rand(40, 40)
    out = run_graph(lambda v: [big_op, graph.MulOp(v, big_op)], y)
    np.testing.assert_array_equal(out, y * big)


def test_constants_survive_printing_and_parsing() -> None:
    from dlir.parser import parse_module

    weights = rng.uniform(size=(64, 32)).astype(np.float32)
    text = str(IRModule(ModuleOp([graph.FuncOp("g", ([], []))])))
    assert "graph.func @g" in text
    c = constant(weights, name="interp_w")
    func = graph.FuncOp("w", ([], [c.result.type]))
    func.body.block.add_op(c)
    func.body.block.add_op(graph.ReturnOp(c))
    printed = str(IRModule(ModuleOp([func])))
    assert "dense_resource" in printed
    np.testing.assert_array_equal(dlir.interpret(parse_module(printed), "w"), weights)
