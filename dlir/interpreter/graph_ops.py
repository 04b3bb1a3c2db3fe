"""numpy semantics of every `graph` operator, one small evaluator per op.

    %y = graph.conv2d %x, %w pads [1, 1, 1, 1] : (...) -> tensor<1x16x8x8xf32>
      ->  y = sum over (kh, kw) of einsum(window of padded x, w[..., kh, kw])

Each evaluator computes in its operands' dtype (f32 stays f32); the interpreter then
conforms the value to the op's result type. `graph.constant` and `graph.call_dps` need
the module, so `core.py` evaluates them.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np

from dlir.dialects import graph
from dlir.dialects.graph.common import ints, tensor_type
from dlir.dialects.graph.layout import Layout, convert_layout
from dlir.interpreter.common import Array, InterpreterError, OpTable, cast_to

GRAPH_OPS: OpTable[Any] = OpTable("graph")


def scalar(like: Array, value: float) -> Any:
    """`value` in the dtype of `like`, so that mixing it in keeps f32 computations f32."""
    return like.dtype.type(value)


def erf(x: Array) -> Array:
    """The error function elementwise, exact to float64 (math.erf; numpy has no erf)."""
    values = np.frompyfunc(math.erf, 1, 1)(np.asarray(x, dtype=np.float64))
    return np.asarray(values, dtype=np.float64).astype(x.dtype)


# --- elementwise --------------------------------------------------------------------------


@GRAPH_OPS.register(graph.AddOp)
def add(op: graph.AddOp, args: Sequence[Array]) -> Array:
    return np.add(args[0], args[1])


@GRAPH_OPS.register(graph.SubOp)
def sub(op: graph.SubOp, args: Sequence[Array]) -> Array:
    return np.subtract(args[0], args[1])


@GRAPH_OPS.register(graph.MulOp)
def mul(op: graph.MulOp, args: Sequence[Array]) -> Array:
    return np.multiply(args[0], args[1])


def divide(a: Array, b: Array) -> Array:
    """Float quotient, or the integer quotient truncated toward zero (C, not Python, rounding)."""
    if np.issubdtype(a.dtype, np.floating):
        return np.divide(a, b)
    if a.dtype == np.bool_:
        return a & b
    quotient = np.floor_divide(a, b)
    # floor -> trunc: add one where the exact quotient is negative and not whole
    inexact = (quotient < 0) & (quotient * b != a)
    return quotient + inexact.astype(a.dtype)


@GRAPH_OPS.register(graph.DivOp)
def div(op: graph.DivOp, args: Sequence[Array]) -> Array:
    return divide(args[0], args[1])


@GRAPH_OPS.register(graph.PowOp)
def power(op: graph.PowOp, args: Sequence[Array]) -> Array:
    power: Array = np.power(args[0], args[1])
    return power


@GRAPH_OPS.register(graph.MaximumOp)
def maximum(op: graph.MaximumOp, args: Sequence[Array]) -> Array:
    return np.maximum(args[0], args[1])


@GRAPH_OPS.register(graph.MinimumOp)
def minimum(op: graph.MinimumOp, args: Sequence[Array]) -> Array:
    return np.minimum(args[0], args[1])


@GRAPH_OPS.register(graph.EqualOp)
def equal(op: graph.EqualOp, args: Sequence[Array]) -> Array:
    return np.equal(args[0], args[1])


@GRAPH_OPS.register(graph.LessOp)
def less(op: graph.LessOp, args: Sequence[Array]) -> Array:
    return np.less(args[0], args[1])


@GRAPH_OPS.register(graph.GreaterOp)
def greater(op: graph.GreaterOp, args: Sequence[Array]) -> Array:
    return np.greater(args[0], args[1])


@GRAPH_OPS.register(graph.WhereOp)
def where(op: graph.WhereOp, args: Sequence[Array]) -> Array:
    return np.where(args[0], args[1], args[2])


@GRAPH_OPS.register(graph.ReluOp)
def relu(op: graph.ReluOp, args: Sequence[Array]) -> Array:
    x = args[0]
    return np.maximum(x, scalar(x, 0))


@GRAPH_OPS.register(graph.SigmoidOp)
def sigmoid(op: graph.SigmoidOp, args: Sequence[Array]) -> Array:
    # exp of -|x| never overflows: 1/(1+e^-x) for x >= 0, e^x/(1+e^x) below.
    x = args[0]
    e = np.exp(-np.abs(x))
    denominator: Array = scalar(x, 1) + e
    return np.where(x >= 0, scalar(x, 1) / denominator, e / denominator)


@GRAPH_OPS.register(graph.TanhOp)
def tanh(op: graph.TanhOp, args: Sequence[Array]) -> Array:
    return np.tanh(args[0])


@GRAPH_OPS.register(graph.ExpOp)
def exp(op: graph.ExpOp, args: Sequence[Array]) -> Array:
    return np.exp(args[0])


@GRAPH_OPS.register(graph.LogOp)
def log(op: graph.LogOp, args: Sequence[Array]) -> Array:
    return np.log(args[0])


@GRAPH_OPS.register(graph.SqrtOp)
def sqrt(op: graph.SqrtOp, args: Sequence[Array]) -> Array:
    return np.sqrt(args[0])


@GRAPH_OPS.register(graph.ErfOp)
def erf_op(op: graph.ErfOp, args: Sequence[Array]) -> Array:
    return erf(args[0])


@GRAPH_OPS.register(graph.GeluOp)
def gelu(op: graph.GeluOp, args: Sequence[Array]) -> Array:
    # none: x * Phi(x) = x/2 (1 + erf(x / sqrt 2)); tanh: x/2 (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))
    x = args[0]
    half, one = scalar(x, 0.5), scalar(x, 1)
    if op.approximate.data == "tanh":
        inner = scalar(x, math.sqrt(2 / math.pi)) * (x + scalar(x, 0.044715) * x * x * x)
        return half * x * (one + np.tanh(inner))
    return half * x * (one + erf(x / scalar(x, math.sqrt(2))))


@GRAPH_OPS.register(graph.ClipOp)
def clip(op: graph.ClipOp, args: Sequence[Array]) -> Array:
    x = args[0]
    low, high = op.min.value.data, op.max.value.data
    if np.issubdtype(x.dtype, np.integer):
        low, high = math.ceil(low), math.floor(high)
    return np.clip(x, scalar(x, low), scalar(x, high))


@GRAPH_OPS.register(graph.CastOp)
def cast(op: graph.CastOp, args: Sequence[Array]) -> Array:
    return cast_to(args[0], op.result.type)


# --- products, convolution, pooling -------------------------------------------------------


@GRAPH_OPS.register(graph.MatmulOp, graph.BatchMatmulOp)
def matmul(op: graph.MatmulOp | graph.BatchMatmulOp, args: Sequence[Array]) -> Array:
    return np.matmul(args[0], args[1])


def _windows(
    x: Array,
    kernel: tuple[int, int],
    strides: Sequence[int],
    dilations: Sequence[int],
    out_hw: tuple[int, int],
) -> list[tuple[int, int, Array]]:
    """For each kernel position `(kh, kw)`, the `(..., OH, OW)` view of `x` it sees."""
    (oh, ow), (sh, sw), (dh, dw) = out_hw, strides, dilations
    views: list[tuple[int, int, Array]] = []
    for kh in range(kernel[0]):
        for kw in range(kernel[1]):
            top, left = kh * dh, kw * dw
            view = x[..., top : top + sh * (oh - 1) + 1 : sh, left : left + sw * (ow - 1) + 1 : sw]
            views.append((kh, kw, view))
    return views


def _pad_hw(
    x: Array,
    pads: Sequence[int],
    out_hw: tuple[int, int],
    span: tuple[int, int],
    strides: Sequence[int],
    fill: Any,
) -> Array:
    """Pad H and W by `[top, left, bottom, right]`, and further at the end if ceil_mode needs it."""
    top, left, bottom, right = pads
    h, w = x.shape[-2:]
    # ceil_mode: the last window may hang past the bottom/right padding
    extra_h = max(0, (out_hw[0] - 1) * strides[0] + span[0] - (top + h + bottom))
    extra_w = max(0, (out_hw[1] - 1) * strides[1] + span[1] - (left + w + right))
    widths = [(0, 0)] * (x.ndim - 2) + [(top, bottom + extra_h), (left, right + extra_w)]
    return np.pad(x, widths, mode="constant", constant_values=fill)


@GRAPH_OPS.register(graph.Conv2dOp)
def conv2d(op: graph.Conv2dOp, args: Sequence[Array]) -> Array:
    x, w = args[0], args[1]
    n, c = x.shape[:2]
    o, ci, kh, kw = w.shape
    groups = op.groups.value.data
    strides, dilations = ints(op.strides), ints(op.dilations)
    out_shape = tensor_type(op.result).get_shape()
    out_hw = (out_shape[2], out_shape[3])
    span = (dilations[0] * (kh - 1) + 1, dilations[1] * (kw - 1) + 1)
    padded = _pad_hw(x, ints(op.pads), out_hw, span, strides, scalar(x, 0))
    grouped = padded.reshape(n, groups, c // groups, *padded.shape[2:])
    weights = w.reshape(groups, o // groups, ci, kh, kw)
    out = np.zeros((n, groups, o // groups, *out_hw), dtype=x.dtype)
    for i, j, view in _windows(grouped, (kh, kw), strides, dilations, out_hw):
        # view: (n, g, c/g, OH, OW), weights[..., i, j]: (g, o/g, c/g)
        out += np.einsum("ngchw,goc->ngohw", view, weights[..., i, j])
    result = out.reshape(n, o, *out_hw)
    if len(args) == 3:
        result = result + args[2].reshape(1, o, 1, 1)
    return result


@GRAPH_OPS.register(graph.MaxPool2dOp)
def max_pool2d(op: graph.MaxPool2dOp, args: Sequence[Array]) -> Array:
    x = args[0]
    kernel, strides = ints(op.kernel), ints(op.strides)
    out_shape = tensor_type(op.result).get_shape()
    out_hw = (out_shape[2], out_shape[3])
    # padding never wins: pad with the smallest value of the dtype
    lowest = -np.inf if np.issubdtype(x.dtype, np.floating) else np.iinfo(x.dtype).min
    padded = _pad_hw(x, ints(op.pads), out_hw, (kernel[0], kernel[1]), strides, scalar(x, lowest))
    views = _windows(padded, (kernel[0], kernel[1]), strides, (1, 1), out_hw)
    out = views[0][2]
    for _, _, view in views[1:]:
        out = np.maximum(out, view)
    return out


@GRAPH_OPS.register(graph.AvgPool2dOp)
def avg_pool2d(op: graph.AvgPool2dOp, args: Sequence[Array]) -> Array:
    x = args[0]
    kernel, strides, pads = ints(op.kernel), ints(op.strides), ints(op.pads)
    out_shape = tensor_type(op.result).get_shape()
    out_hw, span = (out_shape[2], out_shape[3]), (kernel[0], kernel[1])
    padded = _pad_hw(x, pads, out_hw, span, strides, scalar(x, 0))
    # The divisor counts the window's input elements, plus its declared padding with
    # count_include_pad; the extra room ceil_mode adds never counts (PyTorch's rule).
    h, w = x.shape[-2:]
    top, left, bottom, right = pads
    ones = np.ones((h, w), dtype=x.dtype)
    if op.count_include_pad is not None:
        ones = np.pad(ones, [(top, bottom), (left, right)], constant_values=1)
        top = left = 0
    counted = _pad_hw(ones, (top, left, 0, 0), out_hw, span, strides, scalar(x, 0))
    counted = counted[: padded.shape[-2], : padded.shape[-1]]
    total = np.zeros(x.shape[:-2] + out_hw, dtype=x.dtype)
    count = np.zeros(out_hw, dtype=x.dtype)
    for (_, _, view), (_, _, ones_view) in zip(
        _windows(padded, span, strides, (1, 1), out_hw),
        _windows(counted, span, strides, (1, 1), out_hw),
        strict=True,
    ):
        total += view
        count += ones_view
    return total / count


@GRAPH_OPS.register(graph.GlobalAvgPool2dOp)
def global_avg_pool2d(op: graph.GlobalAvgPool2dOp, args: Sequence[Array]) -> Array:
    return np.mean(args[0], axis=(2, 3), keepdims=True, dtype=args[0].dtype)


# --- normalisations -----------------------------------------------------------------------


@GRAPH_OPS.register(graph.SoftmaxOp)
def softmax(op: graph.SoftmaxOp, args: Sequence[Array]) -> Array:
    # Subtracting the max keeps exp in range: the largest exponent is 0.
    x = args[0]
    axis = op.axis.value.data
    e = np.exp(x - np.max(x, axis=axis, keepdims=True))
    return e / np.sum(e, axis=axis, keepdims=True, dtype=x.dtype)


@GRAPH_OPS.register(graph.LayerNormOp)
def layer_norm(op: graph.LayerNormOp, args: Sequence[Array]) -> Array:
    x, scale, bias = args
    first = op.axis.value.data % x.ndim
    axes = tuple(range(first, x.ndim))
    mean = np.mean(x, axis=axes, keepdims=True, dtype=x.dtype)
    centered = x - mean
    var = np.mean(centered * centered, axis=axes, keepdims=True, dtype=x.dtype)
    eps = scalar(x, op.epsilon.value.data)
    return centered / np.sqrt(var + eps) * scale + bias


@GRAPH_OPS.register(graph.BatchNormOp)
def batch_norm(op: graph.BatchNormOp, args: Sequence[Array]) -> Array:
    x = args[0]
    per_channel = (1, x.shape[1]) + (1,) * (x.ndim - 2)
    scale, bias, mean, var = (a.reshape(per_channel) for a in args[1:])
    eps = scalar(x, op.epsilon.value.data)
    return (x - mean) / np.sqrt(var + eps) * scale + bias


@GRAPH_OPS.register(graph.LrnOp)
def lrn(op: graph.LrnOp, args: Sequence[Array]) -> Array:
    # square_sum[c] sums x^2 over channels [c - floor((size-1)/2), c + ceil((size-1)/2)]
    x = args[0]
    size = op.size.value.data
    before, after = (size - 1) // 2, size // 2
    squares = x * x
    channels = x.shape[1]
    square_sum = np.zeros_like(x)
    for c in range(channels):
        low, high = max(0, c - before), min(channels, c + after + 1)
        square_sum[:, c] = np.sum(squares[:, low:high], axis=1, dtype=x.dtype)
    scale = scalar(x, op.alpha.value.data / size)
    bias, beta = scalar(x, op.bias.value.data), scalar(x, op.beta.value.data)
    return x / np.power(bias + scale * square_sum, beta)


# --- reductions ---------------------------------------------------------------------------


def _axes(op: graph.ReduceSumOp | graph.ReduceMeanOp | graph.ReduceMaxOp) -> tuple[int, ...]:
    return ints(op.axes)


@GRAPH_OPS.register(graph.ReduceSumOp)
def reduce_sum(op: graph.ReduceSumOp, args: Sequence[Array]) -> Array:
    x = args[0]
    return np.sum(x, axis=_axes(op), keepdims=op.keepdims is not None, dtype=x.dtype)


@GRAPH_OPS.register(graph.ReduceMeanOp)
def reduce_mean(op: graph.ReduceMeanOp, args: Sequence[Array]) -> Array:
    """np.mean; the mean over an empty axis is 0 / 0 (NaN), without numpy's warning."""
    x = args[0]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # "Mean of empty slice"
        return np.mean(x, axis=_axes(op), keepdims=op.keepdims is not None, dtype=x.dtype)


@GRAPH_OPS.register(graph.ReduceMaxOp)
def reduce_max(op: graph.ReduceMaxOp, args: Sequence[Array]) -> Array:
    """np.max, except that an empty reduction gives the lowest value (-inf, the integer
    minimum, false), as ONNX ReduceMax and the native init, where numpy raises."""
    x = args[0]
    lowest = -np.inf if np.issubdtype(x.dtype, np.floating) else _int_lowest(x.dtype)
    return np.max(x, axis=_axes(op), keepdims=op.keepdims is not None, initial=lowest)


def _int_lowest(dtype: np.dtype[Any]) -> int | bool:
    return False if dtype == np.bool_ else int(np.iinfo(dtype).min)


# --- data movement ------------------------------------------------------------------------


@GRAPH_OPS.register(graph.ReshapeOp, graph.FlattenOp)
def reshape(op: graph.ReshapeOp | graph.FlattenOp, args: Sequence[Array]) -> Array:
    # flatten's result type already holds ONNX's (prod(dims[:axis]), prod(dims[axis:]))
    return np.reshape(args[0], tensor_type(op.result).get_shape())


@GRAPH_OPS.register(graph.TransposeOp)
def transpose(op: graph.TransposeOp, args: Sequence[Array]) -> Array:
    return np.transpose(args[0], ints(op.perm))


@GRAPH_OPS.register(graph.ConcatOp)
def concat(op: graph.ConcatOp, args: Sequence[Array]) -> Array:
    return np.concatenate(list(args), axis=op.axis.value.data)


@GRAPH_OPS.register(graph.PadOp)
def pad(op: graph.PadOp, args: Sequence[Array]) -> Array:
    x = args[0]
    widths = list(zip(ints(op.low), ints(op.high), strict=True))
    mode = op.mode.data
    if x.ndim == 0:  # nothing to pad (np.pad rejects rank 0)
        return x.copy()
    if mode == "constant":
        return np.pad(x, widths, mode="constant", constant_values=scalar(x, op.value.value.data))
    if mode == "reflect":
        return np.pad(x, widths, mode="reflect")
    if mode == "edge":
        return np.pad(x, widths, mode="edge")
    raise InterpreterError(f'pad mode "{mode}" is not one of "constant", "reflect", "edge"')


@GRAPH_OPS.register(graph.SliceOp)
def slice_(op: graph.SliceOp, args: Sequence[Array]) -> Array:
    bounds = zip(ints(op.starts), ints(op.ends), ints(op.steps), strict=True)
    return args[0][tuple(slice(start, end, step) for start, end, step in bounds)]


@GRAPH_OPS.register(graph.GatherOp)
def gather(op: graph.GatherOp, args: Sequence[Array]) -> Array:
    # numpy.take; an index outside [-n, n) is an error here (native code clamps it)
    data, indices = args
    axis = op.axis.value.data % data.ndim
    size = data.shape[axis]
    outside = np.flatnonzero((indices < -size) | (indices >= size))
    if outside.size:
        bad = int(indices.reshape(-1)[outside[0]])
        raise InterpreterError(
            f"graph.gather index {bad} is out of range for axis {axis} of size {size}: "
            f"indices must be in [{-size}, {size})"
        )
    return np.take(data, indices, axis=axis)


@GRAPH_OPS.register(graph.BroadcastToOp)
def broadcast_to(op: graph.BroadcastToOp, args: Sequence[Array]) -> Array:
    return np.broadcast_to(args[0], tensor_type(op.result).get_shape())


# --- layouts ------------------------------------------------------------------------------


@GRAPH_OPS.register(graph.LayoutTransformOp)
def layout_transform(op: graph.LayoutTransformOp, args: Sequence[Array]) -> Array:
    src, dst = Layout.parse(op.src.data), Layout.parse(op.dst.data)
    return convert_layout(args[0], src, dst)


@GRAPH_OPS.register(graph.Conv2dNchwcOp)
def conv2d_nchwc(op: graph.Conv2dNchwcOp, args: Sequence[Array]) -> Array:
    # Y[n, oo, y, x, oi] = sum over (co, ry, rx, ci) of X[n, co, y', x', ci] * W[oo, co, ry, rx, ci, oi]
    x, w = args[0], args[1]
    n, o_outer, oh, ow, o_block = tensor_type(op.result).get_shape()
    kh, kw = w.shape[2], w.shape[3]
    strides, dilations = ints(op.strides), ints(op.dilations)
    span = (dilations[0] * (kh - 1) + 1, dilations[1] * (kw - 1) + 1)
    channels_last = np.moveaxis(x, 4, 2)  # (n, co, ci, H, W): the window dims last
    padded = _pad_hw(channels_last, ints(op.pads), (oh, ow), span, strides, scalar(x, 0))
    out = np.zeros((n, o_outer, oh, ow, o_block), dtype=x.dtype)
    for i, j, view in _windows(padded, (kh, kw), strides, dilations, (oh, ow)):
        out += np.einsum("nkchw,gkco->nghwo", view, w[:, :, i, j])
    if len(args) == 3:
        out = out + args[2].reshape(1, o_outer, 1, 1, o_block)
    return out
