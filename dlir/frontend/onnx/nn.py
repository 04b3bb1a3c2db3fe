"""Converters of the neural-network ONNX operators: products, convolution, pooling, norms.

    Y = Conv(X, W, B) pads=[1,1,1,1]  ->  %Y = graph.conv2d %X, %W, %B pads [1, 1, 1, 1] : ...
    Y = Gemm(A, B, C) transB=1        ->  graph.matmul %A, %Bt (Bt folded when B is constant)
                                          then graph.mul by alpha, graph.add of beta * C
    Y = Softmax-11(X) axis=1, X 2x3x4 ->  reshape to 2x12, graph.softmax, reshape to 2x3x4

1-D convolution and pooling run as 2-D ones over an H of 1; 3-D ones are an error.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from math import ceil, inf, prod

import numpy as np
from xdsl.ir import SSAValue
from xdsl.utils.exceptions import VerifyException

from dlir.dialects import graph
from dlir.dialects.graph.common import tensor_type
from dlir.dialects.graph.nn import window_out
from dlir.frontend.onnx.context import NodeContext
from dlir.frontend.onnx.registry import Value, converter
from dlir.frontend.onnx.types import numpy_dtype

# --- windows: kernel, strides, pads, auto_pad ------------------------------------------


def _window(
    ctx: NodeContext, spatial: Sequence[int], kernel: Sequence[int]
) -> tuple[list[int], list[int], list[int]]:
    """strides, dilations and pads (`[begin..., end...]`) of a windowed op, auto_pad resolved.

    SAME_UPPER / SAME_LOWER pad so that each output dim is ceil(input / stride), the odd
    element at the end (UPPER) or the beginning (LOWER); VALID pads nothing.
    """
    rank = len(spatial)
    strides = ctx.attr_ints("strides") or [1] * rank
    dilations = ctx.attr_ints("dilations") or [1] * rank
    if len(strides) != rank or len(dilations) != rank or len(kernel) != rank:
        raise ctx.error(
            f"expected {rank} strides, dilations and kernel dims, found {strides}, "
            f"{dilations} and {list(kernel)}"
        )
    auto_pad = ctx.attr_str("auto_pad", "NOTSET")
    if auto_pad == "NOTSET":
        pads = ctx.attr_ints("pads") or [0] * (2 * rank)
        if len(pads) != 2 * rank:
            raise ctx.error(f"pads expected {2 * rank} values, found {pads}")
        return strides, dilations, pads
    if auto_pad == "VALID":
        return strides, dilations, [0] * (2 * rank)
    if auto_pad not in ("SAME_UPPER", "SAME_LOWER"):
        raise ctx.error(
            f'auto_pad expected NOTSET, VALID, SAME_UPPER or SAME_LOWER, found "{auto_pad}"'
        )
    begins: list[int] = []
    ends: list[int] = []
    for size, k, s, d in zip(spatial, kernel, strides, dilations, strict=True):
        out = ceil(size / s)
        total = max(0, (out - 1) * s + (k - 1) * d + 1 - size)
        small, large = total // 2, total - total // 2
        begins.append(small if auto_pad == "SAME_UPPER" else large)
        ends.append(large if auto_pad == "SAME_UPPER" else small)
    return strides, dilations, begins + ends


def _spatial_rank(ctx: NodeContext, what: str) -> int:
    rank = len(ctx.shape(0)) - 2
    if rank not in (1, 2):
        raise ctx.error(
            f"only 1-D and 2-D {what} are supported (N x C x W or N x C x H x W input), "
            f"found input shape {list(ctx.shape(0))}"
        )
    return rank


def _as_2d(values: Sequence[int], one: int) -> list[int]:
    """A 1-D window attribute as 2-D: `[s]` -> `[one, s]`."""
    return [one, *values]


def _pads_2d(pads: Sequence[int], rank: int) -> list[int]:
    """ONNX `[begin..., end...]` as graph's `[top, left, bottom, right]` (1-D: H unpadded)."""
    if rank == 1:
        return [0, pads[0], 0, pads[1]]
    return list(pads)


# --- products -----------------------------------------------------------------------------


@converter("Conv")
def conv(ctx: NodeContext) -> list[Value]:
    rank = _spatial_rank(ctx, "convolutions")
    x_shape, w_shape = ctx.shape(0), ctx.shape(1)
    kernel = ctx.attr_ints("kernel_shape") or list(w_shape[2:])
    if list(w_shape[2:]) != list(kernel):
        raise ctx.error(f"kernel_shape {kernel} differs from the weight's {list(w_shape[2:])}")
    strides, dilations, pads = _window(ctx, x_shape[2:], kernel)
    x, w = ctx.value(0), ctx.value(1)
    if rank == 1:
        x = ctx.reshape(x, (*x_shape[:2], 1, x_shape[2]))
        w = ctx.reshape(w, (*w_shape[:2], 1, w_shape[2]))
        strides, dilations = _as_2d(strides, 1), _as_2d(dilations, 1)
    bias = ctx.input(2) if ctx.has_input(2) else None
    y = ctx.emit(
        graph.Conv2dOp(
            ctx.materialize(x),
            ctx.materialize(w),
            bias,
            strides=strides,
            pads=_pads_2d(pads, rank),
            dilations=dilations,
            groups=ctx.attr_int("group", 1),
        )
    )
    if rank == 1:
        n, o, _, width = tensor_type(y).get_shape()
        return [ctx.reshape(y, (n, o, width))]
    return [y]


@converter("Gemm")
def gemm(ctx: NodeContext) -> list[Value]:
    """`alpha * A' @ B' + beta * C`; the transposes and `beta * C` fold on constants."""
    a, b = ctx.value(0), ctx.value(1)
    if len(ctx.shape(0)) != 2 or len(ctx.shape(1)) != 2:
        raise ctx.error(
            f"expected rank-2 A and B, found {list(ctx.shape(0))} and {list(ctx.shape(1))}"
        )
    if ctx.attr_int("transA", 0):
        a = ctx.transpose(a, (1, 0))
    if ctx.attr_int("transB", 0):
        b = ctx.transpose(b, (1, 0))
    element = ctx.element_type(0)
    y = ctx.emit(graph.MatmulOp(ctx.materialize(a), ctx.materialize(b)))
    alpha, beta = ctx.attr_float("alpha", 1.0), ctx.attr_float("beta", 1.0)
    if alpha != 1.0:
        y = ctx.emit(graph.MulOp(y, ctx.scalar(alpha, element)))
    if ctx.has_input(2) and beta != 0.0:
        c = ctx.value(2)
        if beta != 1.0:
            if isinstance(c, SSAValue):
                c = ctx.emit(graph.MulOp(c, ctx.scalar(beta, element)))
            else:
                c = (c * beta).astype(c.dtype)
        y = ctx.emit(graph.AddOp(y, ctx.materialize(c)))
    return [y]


@converter("MatMul")
def matmul(ctx: NodeContext) -> list[Value]:
    """numpy.matmul: rank 2 -> graph.matmul; more -> graph.batch_matmul; rank-1 operands as
    one-row (lhs) or one-column (rhs) matrices whose dim is dropped from the result."""
    a_shape, b_shape = ctx.shape(0), ctx.shape(1)
    if not a_shape or not b_shape:
        raise ctx.error("MatMul operands must have rank 1 or more")
    a, b = ctx.value(0), ctx.value(1)
    if len(a_shape) == 1:
        a = ctx.reshape(a, (1, a_shape[0]))
    if len(b_shape) == 1:
        b = ctx.reshape(b, (b_shape[0], 1))
    lhs, rhs = ctx.materialize(a), ctx.materialize(b)
    if len(a_shape) <= 2 and len(b_shape) <= 2:
        y = ctx.emit(graph.MatmulOp(lhs, rhs))
    else:
        y = ctx.emit(graph.BatchMatmulOp(lhs, rhs))
    out = list(tensor_type(y).get_shape())
    if len(b_shape) == 1:
        out.pop(-1)
    if len(a_shape) == 1:
        out.pop(-1 if len(b_shape) == 1 else -2)
    return [ctx.reshape(y, out)]


# --- pooling ------------------------------------------------------------------------------


@converter("MaxPool", "AveragePool")
def pool(ctx: NodeContext) -> list[Value]:
    x_shape = ctx.shape(0)
    kernel = ctx.attr_ints("kernel_shape")
    if kernel is None:
        raise ctx.error("kernel_shape is required")
    if len(x_shape) == 5:
        strides, dilations, pads = _window(ctx, x_shape[2:], kernel)
        return [_pool3d(ctx, ctx.materialize(ctx.value(0)), kernel, strides, dilations, pads)]
    rank = _spatial_rank(ctx, "poolings")
    strides, dilations, pads = _window(ctx, x_shape[2:], kernel)
    x = ctx.value(0)
    if rank == 1:
        x = ctx.reshape(x, (*x_shape[:2], 1, x_shape[2]))
        kernel, strides, dilations = _as_2d(kernel, 1), _as_2d(strides, 1), _as_2d(dilations, 1)
    y = _pool2d(ctx, ctx.materialize(x), kernel, strides, dilations, _pads_2d(pads, rank))
    if ctx.node.op_type == "MaxPool" and ctx.output_used(1) and rank == 2:
        indices = _max_pool_indices(ctx, ctx.materialize(x), y, kernel, strides, dilations, pads)
        return [y, indices]
    if rank == 1:
        n, c, _, width = tensor_type(y).get_shape()
        return [ctx.reshape(y, (n, c, width))]
    return [y]


def _max_pool_indices(
    ctx: NodeContext,
    x: SSAValue,
    y: SSAValue,
    kernel: Sequence[int],
    strides: Sequence[int],
    dilations: Sequence[int],
    pads: Sequence[int],
) -> SSAValue:
    """MaxPool's Indices: where in `x` each maximum is, as a flat index into N x C x H x W
    (storage_order 0: row-major; 1: `(n * C + c) * H * W + w * H + h`), the first one of
    the window on ties. One strided slice of the (-inf) padded input per kernel position,
    as `_dilated_pool`; a compare keeps the larger and a graph.where its index, a constant:

        MaxPool(X) -> Y, Indices   ->  ..., %g = graph.greater %w1, %best ;
                                       %i = graph.where %g, %idx1, %idx0 ; ...
    """
    n, c, h, w = tensor_type(x).get_shape()
    out = tensor_type(y).get_shape()[2:]
    top, left = pads[0], pads[1]
    padded = _pad_for_windows(ctx, x, out, kernel, strides, dilations, pads, -inf)
    column_major = ctx.attr_int("storage_order", 0) == 1
    batch = np.arange(n).reshape(n, 1, 1, 1) * c + np.arange(c).reshape(1, c, 1, 1)
    best: SSAValue | None = None
    index: SSAValue | None = None
    for first, _, window in _window_taps(ctx, padded, out, kernel, strides, dilations):
        rows = np.arange(out[0]).reshape(1, 1, -1, 1) * strides[0] + first[0] - top
        cols = np.arange(out[1]).reshape(1, 1, 1, -1) * strides[1] + first[1] - left
        flat = batch * h * w + (cols * h + rows if column_major else rows * w + cols)
        at = ctx.materialize(np.ascontiguousarray(flat.astype(np.int64)))
        if best is None or index is None:
            best, index = window, at
            continue
        larger = ctx.emit(graph.GreaterOp(window, best))
        index = ctx.emit(graph.WhereOp(larger, at, index))
        best = ctx.emit(graph.MaximumOp(best, window))
    assert index is not None
    return index


def _pad_for_windows(
    ctx: NodeContext,
    x: SSAValue,
    out: Sequence[int],
    kernel: Sequence[int],
    strides: Sequence[int],
    dilations: Sequence[int],
    pads: Sequence[int],
    fill: float,
) -> SSAValue:
    """`x` (N x C x H x W) padded by `pads` with `fill`, and further where the last of
    `out` windows reaches past them (ceil_mode)."""
    h, w = tensor_type(x).get_shape()[2:]
    top, left, bottom, right = pads
    extra = [
        max(0, (o - 1) * s + d * (k - 1) + 1 - (size + a + b))
        for o, s, d, k, size, a, b in zip(
            out, strides, dilations, kernel, (h, w), (top, left), (bottom, right), strict=True
        )
    ]
    return ctx.emit(
        graph.PadOp(x, [0, 0, top, left], [0, 0, bottom + extra[0], right + extra[1]], value=fill)
    )


def _window_taps(
    ctx: NodeContext,
    padded: SSAValue,
    out: Sequence[int],
    kernel: Sequence[int],
    strides: Sequence[int],
    dilations: Sequence[int],
) -> Iterator[tuple[tuple[int, int], tuple[int, int], SSAValue]]:
    """Per kernel position: where its `out` windows start and end in `padded` (rows,
    columns), and the strided slice of `padded` they read (N x C x out)."""
    n, c = tensor_type(padded).get_shape()[:2]
    for i in range(kernel[0]):
        for j in range(kernel[1]):
            first = (i * dilations[0], j * dilations[1])
            last = (
                first[0] + strides[0] * (out[0] - 1) + 1,
                first[1] + strides[1] * (out[1] - 1) + 1,
            )
            window = ctx.emit(
                graph.SliceOp(padded, [0, 0, *first], [n, c, *last], [1, 1, *strides])
            )
            yield first, last, window


def _pool3d(
    ctx: NodeContext,
    x: SSAValue,
    kernel: Sequence[int],
    strides: Sequence[int],
    dilations: Sequence[int],
    pads: Sequence[int],
) -> SSAValue:
    """A pooling over N x C x D x H x W as two 2-D ones: max and average pooling are
    separable (a window is a box, and with count_include_pad either way its count is the
    product of the counts along each dim).

        (N, C, D, H, W) -> (N, C*D, H, W) pooled over H, W by (kh, kw) -> (N, C, D, H'*W')
        pooled over D by (kd, 1) -> (N, C, D', H'*W') -> (N, C, D', H', W')
    """
    n, c, d, h, w = tensor_type(x).get_shape()
    d0, h0, w0, d1, h1, w1 = pads
    flat = ctx.materialize(ctx.reshape(x, (n, c * d, h, w)))
    y = _pool2d(ctx, flat, kernel[1:], strides[1:], dilations[1:], [h0, w0, h1, w1])
    _, _, out_h, out_w = tensor_type(y).get_shape()
    planes = ctx.materialize(ctx.reshape(y, (n, c, d, out_h * out_w)))
    z = _pool2d(
        ctx,
        planes,
        [kernel[0], 1],
        [strides[0], 1],
        [dilations[0], 1],
        [d0, 0, d1, 0],
    )
    out_d = tensor_type(z).get_shape()[2]
    return ctx.materialize(ctx.reshape(z, (n, c, out_d, out_h, out_w)))


def _pool2d(
    ctx: NodeContext,
    x: SSAValue,
    kernel: Sequence[int],
    strides: Sequence[int],
    dilations: Sequence[int],
    pads: Sequence[int],
) -> SSAValue:
    if any(d != 1 for d in dilations):
        return _dilated_pool(ctx, x, kernel, strides, dilations, pads)
    ceil_mode = bool(ctx.attr_int("ceil_mode", 0))
    if ctx.node.op_type == "MaxPool":
        if ctx.attr_int("storage_order", 0) not in (0, 1):
            raise ctx.error("storage_order expected 0 or 1")
        return ctx.emit(
            graph.MaxPool2dOp(x, kernel, strides=strides, pads=pads, ceil_mode=ceil_mode)
        )
    include_pad = bool(ctx.attr_int("count_include_pad", 0))
    return ctx.emit(
        graph.AvgPool2dOp(
            x,
            kernel,
            strides=strides,
            pads=pads,
            ceil_mode=ceil_mode,
            count_include_pad=include_pad,
        )
    )


def _dilated_pool(
    ctx: NodeContext,
    x: SSAValue,
    kernel: Sequence[int],
    strides: Sequence[int],
    dilations: Sequence[int],
    pads: Sequence[int],
) -> SSAValue:
    """A dilated pooling, which the graph ops lack, as one strided slice per kernel position
    of the padded input, combined by graph.maximum, or summed and divided by the count of
    the elements each window covers (a constant).

        MaxPool(X) kernel 2x2 dilations 2x2  ->  pad, 4 x graph.slice, 3 x graph.maximum
    """
    h, w = tensor_type(x).get_shape()[2:]
    top, left, bottom, right = pads
    ceil_mode = bool(ctx.attr_int("ceil_mode", 0))
    try:  # graph.max_pool2d's output length, ceil_mode's rule included
        out = [
            window_out(size, lead, trail, d * (k - 1) + 1, s, ceil_mode)
            for size, lead, trail, k, s, d in zip(
                (h, w), (top, left), (bottom, right), kernel, strides, dilations, strict=True
            )
        ]
    except VerifyException:
        raise ctx.error(f"the dilated window does not fit in the padded input {[h, w]}") from None
    # ceil_mode windows may reach past the declared padding: padded that far too (never counted)
    element = tensor_type(x).element_type
    dtype = numpy_dtype(element)
    is_max = ctx.node.op_type == "MaxPool"
    fill = (np.finfo(dtype).min if dtype.kind == "f" else np.iinfo(dtype).min) if is_max else 0
    padded = _pad_for_windows(ctx, x, out, kernel, strides, dilations, pads, float(fill))
    # How many input (or, with count_include_pad, declared-padding) elements each window covers.
    include_pad = bool(ctx.attr_int("count_include_pad", 0))
    ones = np.pad(
        np.ones((h, w), dtype=dtype),
        [(top, bottom), (left, right)],
        constant_values=1 if include_pad else 0,
    )
    ph, pw = tensor_type(padded).get_shape()[2:]
    ones = np.pad(ones, [(0, ph - ones.shape[0]), (0, pw - ones.shape[1])])
    total: SSAValue | None = None
    counts = np.zeros(out, dtype=dtype)
    for first, last, window in _window_taps(ctx, padded, out, kernel, strides, dilations):
        counts += ones[first[0] : last[0] : strides[0], first[1] : last[1] : strides[1]]
        if total is None:
            total = window
        elif is_max:
            total = ctx.emit(graph.MaximumOp(total, window))
        else:
            total = ctx.emit(graph.AddOp(total, window))
    assert total is not None
    if is_max:
        return total
    return ctx.emit(graph.DivOp(total, ctx.materialize(counts)))


@converter("GlobalAveragePool")
def global_average_pool(ctx: NodeContext) -> list[Value]:
    rank = len(ctx.shape(0))
    if rank < 3:
        raise ctx.error(f"expected an N x C x ... input, found shape {list(ctx.shape(0))}")
    if rank == 4:
        return [ctx.emit(graph.GlobalAvgPool2dOp(ctx.input(0)))]
    axes = list(range(2, rank))
    return [ctx.emit(graph.ReduceMeanOp(ctx.input(0), axes, keepdims=True))]


@converter("LRN")
def lrn(ctx: NodeContext) -> list[Value]:
    size = ctx.attr_int("size", 0)
    if size < 1:
        raise ctx.error(f"size must be a positive odd-or-even count, found {size}")
    op = graph.LrnOp(
        ctx.input(0),
        size=size,
        alpha=ctx.attr_float("alpha", 1e-4),
        beta=ctx.attr_float("beta", 0.75),
        bias=ctx.attr_float("bias", 1.0),
    )
    return [ctx.emit(op)]


# --- normalisations -----------------------------------------------------------------------


@converter("Softmax")
def softmax(ctx: NodeContext) -> list[Value]:
    """Since opset 13 along `axis` (default -1); before, over the 2-D flattening at `axis`
    (default 1), as if the dims from `axis` on were one."""
    shape = ctx.shape(0)
    rank = len(shape)
    if ctx.opset >= 13:
        return [ctx.emit(graph.SoftmaxOp(ctx.input(0), ctx.attr_int("axis", -1)))]
    axis = ctx.attr_int("axis", 1)
    if not -rank <= axis < max(rank, 1):
        raise ctx.error(f"axis {axis} is out of range for rank {rank}")
    axis = axis + rank if axis < 0 else axis
    flat = ctx.reshape(ctx.value(0), (prod(shape[:axis]), prod(shape[axis:])))
    y = ctx.emit(graph.SoftmaxOp(ctx.materialize(flat), 1))
    return [ctx.reshape(y, shape)]


def _inference_only(ctx: NodeContext, why: str) -> None:
    """Training mode computes other things (`why`); only inference is imported."""
    if ctx.attr_int("training_mode", 0):
        raise ctx.error(f"training_mode is 1; dlir imports models for inference only ({why})")


@converter("BatchNormalization")
def batch_norm(ctx: NodeContext) -> list[Value]:
    """Inference form: `(x - mean) / sqrt(var + epsilon) * scale + B` per channel (axis 1).
    Training mode (opset >= 14): `_batch_norm_training`."""
    if ctx.opset >= 14 and ctx.attr_int("training_mode", 0):
        return _batch_norm_training(ctx)
    _inference_only(ctx, "batch statistics")
    channels = ctx.shape(0)[1:2]
    element = ctx.element_type(0)
    stats: list[SSAValue] = []
    for i, what in zip(range(1, 5), ("scale", "B", "mean", "var"), strict=True):
        if ctx.shape(i) != channels:
            raise ctx.error(
                f"{what} expected shape {list(channels)} (one value per channel), found "
                f"{list(ctx.shape(i))}; the non-spatial form (spatial=0) is not supported"
            )
        stats.append(ctx.materialize(ctx.cast(ctx.value(i), element)))
    epsilon = ctx.attr_float("epsilon", 1e-5)
    return [ctx.emit(graph.BatchNormOp(ctx.input(0), *stats, epsilon=epsilon))]


def _batch_norm_training(ctx: NodeContext) -> list[Value]:
    """BatchNormalization with training_mode=1: normalised by the batch's own statistics
    (mean and population variance over every axis but 1), and the running statistics
    updated: `running = input * momentum + batch * (1 - momentum)`.

        Y = scale * (x - mean_b) / sqrt(var_b + epsilon) + B,  outputs Y, running_mean, running_var
    """
    shape = ctx.shape(0)
    channels = shape[1]
    element = ctx.element_type(0)
    axes = [0, *range(2, len(shape))]
    per_channel = (channels, *([1] * (len(shape) - 2)))
    x = ctx.input(0)
    mean = ctx.emit(graph.ReduceMeanOp(x, axes, keepdims=True))
    centered = ctx.emit(graph.SubOp(x, mean))
    var = ctx.emit(
        graph.ReduceMeanOp(ctx.emit(graph.MulOp(centered, centered)), axes, keepdims=True)
    )
    epsilon = ctx.attr_float("epsilon", 1e-5)
    std = ctx.emit(graph.SqrtOp(ctx.emit(graph.AddOp(var, ctx.scalar(epsilon, element)))))
    scale = ctx.materialize(ctx.reshape(ctx.cast(ctx.value(1), element), per_channel))
    bias = ctx.materialize(ctx.reshape(ctx.cast(ctx.value(2), element), per_channel))
    normalized = ctx.emit(graph.DivOp(centered, std))
    y = ctx.emit(graph.AddOp(ctx.emit(graph.MulOp(normalized, scale)), bias))
    momentum = ctx.attr_float("momentum", 0.9)
    outputs: list[Value] = [y]
    for i, batch in ((3, mean), (4, var)):
        running = ctx.materialize(ctx.cast(ctx.value(i), element))
        kept = ctx.emit(graph.MulOp(running, ctx.scalar(momentum, element)))
        flat = ctx.materialize(ctx.reshape(batch, (channels,)))
        fresh = ctx.emit(graph.MulOp(flat, ctx.scalar(1.0 - momentum, element)))
        outputs.append(ctx.emit(graph.AddOp(kept, fresh)))
    return outputs


@converter("LayerNormalization")
def layer_norm(ctx: NodeContext) -> list[Value]:
    """Scale and bias broadcast to the normalised dims; a missing bias is zero."""
    shape = ctx.shape(0)
    axis = ctx.attr_int("axis", -1)
    if not -len(shape) <= axis < len(shape):
        raise ctx.error(f"axis {axis} is out of range for rank {len(shape)}")
    axis = axis + len(shape) if axis < 0 else axis
    normalized = shape[axis:]
    element = ctx.element_type(0)
    epsilon = ctx.attr_float("epsilon", 1e-5)
    zero = np.zeros(normalized, dtype=numpy_dtype(element))
    scale = _broadcast(ctx, ctx.value(1), normalized)
    bias = _broadcast(ctx, ctx.value(2), normalized) if ctx.has_input(2) else zero
    op = graph.LayerNormOp(
        ctx.input(0), ctx.materialize(scale), ctx.materialize(bias), axis=axis, epsilon=epsilon
    )
    outputs: list[Value] = [ctx.emit(op)]
    if ctx.output_used(1) or ctx.output_used(2):
        outputs += _moments(ctx, list(range(axis, len(shape))), epsilon)
    return outputs


def _moments(ctx: NodeContext, axes: list[int], epsilon: float) -> list[Value]:
    """LayerNormalization's optional outputs: the mean and 1 / sqrt(variance + epsilon)."""
    x = ctx.input(0)
    element = ctx.element_type(0)
    mean = ctx.emit(graph.ReduceMeanOp(x, axes, keepdims=True))
    centered = ctx.emit(graph.SubOp(x, mean))
    square = ctx.emit(graph.MulOp(centered, centered))
    var = ctx.emit(graph.ReduceMeanOp(square, axes, keepdims=True))
    std = ctx.emit(graph.SqrtOp(ctx.emit(graph.AddOp(var, ctx.scalar(epsilon, element)))))
    return [mean, ctx.emit(graph.DivOp(ctx.scalar(1.0, element), std))]


def _broadcast(ctx: NodeContext, value: Value, shape: Sequence[int]) -> Value:
    if not isinstance(value, SSAValue):
        return np.ascontiguousarray(np.broadcast_to(value, tuple(shape)))
    if tensor_type(value).get_shape() == tuple(shape):
        return value
    return ctx.emit(graph.BroadcastToOp(value, shape))
