"""Converters of the ONNX data-movement operators, and of the ones known at import time.

    Y = Reshape(X, [0, -1]), X 2x3x4     ->  %Y = graph.reshape %X : ... -> tensor<2x12xf32>
    Y = Unsqueeze-13(X, [0]), X 3        ->  %Y = graph.reshape %X : ... -> tensor<1x3xf32>
    A, B = Split(X) axis=0, X 4x2        ->  two graph.slice
    S = Shape(X)                         ->  the array [4, 2] (shapes are static)

Inputs that moved from attributes to inputs over the opsets (shape, axes, pads, starts,
ends, split, ...) must be constants; `ctx.const` says so when they are not.
"""

from __future__ import annotations

from math import ceil, prod

import numpy as np
from onnx import AttributeProto
from xdsl.ir import SSAValue

from dlir.dialects import graph
from dlir.dialects.graph.common import tensor_type
from dlir.frontend.onnx.context import NodeContext, splat
from dlir.frontend.onnx.registry import Value, converter


def _axis(ctx: NodeContext, axis: int, rank: int) -> int:
    if not -rank <= axis < rank:
        raise ctx.error(f"axis {axis} is out of range for rank {rank}")
    return axis + rank if axis < 0 else axis


@converter("Reshape")
def reshape(ctx: NodeContext) -> list[Value]:
    """0 copies the input dim (unless allowzero=1); one -1 takes what is left."""
    if ctx.opset < 5:
        requested = ctx.attr_ints("shape")
        if requested is None:
            raise ctx.error("the shape attribute is required before opset 5")
    else:
        requested = ctx.const_ints(1, "shape")
    in_shape = ctx.shape(0)
    allowzero = ctx.attr_int("allowzero", 0)
    out = [
        in_shape[i] if d == 0 and not allowzero and i < len(in_shape) else d
        for i, d in enumerate(requested)
    ]
    if out.count(-1) > 1 or any(d < -1 for d in out):
        raise ctx.error(f"shape {requested} has more than one -1 or a negative dim")
    if -1 in out:
        known = prod(d for d in out if d != -1)
        total = prod(in_shape)
        if known == 0 or total % known:
            raise ctx.error(f"cannot reshape {list(in_shape)} to {requested}")
        out[out.index(-1)] = total // known
    if prod(out) != prod(in_shape):
        raise ctx.error(f"cannot reshape {list(in_shape)} ({prod(in_shape)} elements) to {out}")
    return [ctx.reshape(ctx.value(0), out)]


@converter("Flatten")
def flatten(ctx: NodeContext) -> list[Value]:
    shape = ctx.shape(0)
    axis = ctx.attr_int("axis", 1)
    if not -len(shape) <= axis <= len(shape):
        raise ctx.error(f"axis {axis} is out of range for rank {len(shape)}")
    axis = axis + len(shape) if axis < 0 else axis
    return [ctx.reshape(ctx.value(0), (prod(shape[:axis]), prod(shape[axis:])))]


@converter("Transpose")
def transpose(ctx: NodeContext) -> list[Value]:
    rank = len(ctx.shape(0))
    perm = ctx.attr_ints("perm") or list(reversed(range(rank)))
    if sorted(perm) != list(range(rank)):
        raise ctx.error(f"perm {perm} is not a permutation of {rank} dims")
    return [ctx.transpose(ctx.value(0), perm)]


@converter("Concat")
def concat(ctx: NodeContext) -> list[Value]:
    indices = [i for i in range(ctx.num_inputs) if ctx.has_input(i)]
    # Empty tensors add nothing; ONNX allows them with any length on the axis.
    nonempty = [i for i in indices if prod(ctx.shape(i)) > 0] or indices[:1]
    if len(nonempty) == 1:
        return [ctx.value(nonempty[0])]
    axis = ctx.attr_int("axis", 1)
    return [ctx.emit(graph.ConcatOp([ctx.input(i) for i in nonempty], axis))]


@converter("Gather")
def gather(ctx: NodeContext) -> list[Value]:
    """A constant scalar index is a slice (then a reshape dropping the axis), else graph.gather."""
    shape = ctx.shape(0)
    axis = _axis(ctx, ctx.attr_int("axis", 0), len(shape))
    if ctx.is_const(1) and ctx.const(1, "indices").ndim == 0:
        index = int(ctx.const(1, "indices"))
        size = shape[axis]
        if not -size <= index < size:
            raise ctx.error(f"index {index} is out of range for axis {axis} of size {size}")
        index %= size
        starts = [0] * len(shape)
        ends = list(shape)
        starts[axis], ends[axis] = index, index + 1
        sliced = ctx.emit(graph.SliceOp(ctx.input(0), starts, ends))
        return [ctx.reshape(sliced, (*shape[:axis], *shape[axis + 1 :]))]
    return [ctx.emit(graph.GatherOp(ctx.input(0), ctx.input(1), axis))]


_PAD_MODES = ("constant", "reflect", "edge", "wrap")


@converter("Pad")
def pad(ctx: NodeContext) -> list[Value]:
    """Negative pads crop: pad by the positive parts, then slice the negative ones off."""
    rank = len(ctx.shape(0))
    mode = ctx.attr_str("mode", "constant")
    if mode not in _PAD_MODES:
        raise ctx.error(
            f'mode "{mode}" is not supported; legal: "constant", "reflect", "edge", "wrap"'
        )
    if ctx.opset < 11:
        pads = ctx.attr_ints("pads") or ctx.attr_ints("paddings")
        if pads is None:
            raise ctx.error("the pads attribute is required before opset 11")
        value = ctx.attr_float("value", 0.0)
    else:
        pads = ctx.const_ints(1, "pads")
        value = 0.0
        if ctx.has_input(2):
            constant = ctx.const(2, "constant_value")
            value = float(constant.reshape(-1)[0]) if constant.size else 0.0
    axes = list(range(rank))
    if ctx.opset >= 18 and ctx.has_input(3):
        axes = [_axis(ctx, a, rank) for a in ctx.const_ints(3, "axes")]
    if len(pads) != 2 * len(axes):
        raise ctx.error(f"pads expected {2 * len(axes)} values, found {len(pads)}")
    low, high = [0] * rank, [0] * rank
    for k, axis in enumerate(axes):
        low[axis], high[axis] = pads[k], pads[k + len(axes)]
    x = ctx.input(0)
    if mode == "wrap":
        for axis in range(rank):
            x = _wrap(ctx, x, axis, max(low[axis], 0), max(high[axis], 0))
    elif any(p > 0 for p in low + high):
        x = ctx.emit(
            graph.PadOp(
                x,
                [max(p, 0) for p in low],
                [max(p, 0) for p in high],
                mode,
                value if mode == "constant" else 0.0,
            )
        )
    if any(p < 0 for p in low + high):
        padded = tensor_type(x).get_shape()
        starts = [max(-p, 0) for p in low]
        ends = [size - max(-p, 0) for size, p in zip(padded, high, strict=True)]
        x = ctx.emit(graph.SliceOp(x, starts, ends))
    return [x]


def _wrap(ctx: NodeContext, x: SSAValue, axis: int, low: int, high: int) -> SSAValue:
    """Circular padding of one axis, as slices of `x` concatenated (pads may exceed the size):

    wrap pad [2, 1] on a size-3 axis  ->  concat(x[1:3], x[0:3], x[0:1])
    """
    if low == 0 and high == 0:
        return x
    shape = tensor_type(x).get_shape()
    size = shape[axis]
    if size == 0:
        raise ctx.error(f'mode "wrap" cannot pad axis {axis} of size 0')
    rows = [(i - low) % size for i in range(low + size + high)]
    pieces: list[SSAValue] = []
    start = 0
    for i in range(1, len(rows) + 1):  # one slice per run of consecutive rows
        if i == len(rows) or rows[i] != rows[i - 1] + 1:
            starts = [0] * len(shape)
            ends = list(shape)
            starts[axis], ends[axis] = rows[start], rows[i - 1] + 1
            pieces.append(ctx.emit(graph.SliceOp(x, starts, ends)))
            start = i
    return ctx.emit(graph.ConcatOp(pieces, axis))


@converter("Slice")
def slice_(ctx: NodeContext) -> list[Value]:
    """ONNX clamps out-of-range starts and ends (not quite as Python does for negative
    steps); the graph op gets the bounds of the range ONNX picks, which Python reads alike."""
    shape = ctx.shape(0)
    rank = len(shape)
    if ctx.opset < 10:
        starts = ctx.attr_ints("starts") or []
        ends = ctx.attr_ints("ends") or []
        axes = ctx.attr_ints("axes") or list(range(len(starts)))
        steps = [1] * len(starts)
    else:
        starts = ctx.const_ints(1, "starts")
        ends = ctx.const_ints(2, "ends")
        axes = ctx.const_ints(3, "axes") if ctx.has_input(3) else list(range(len(starts)))
        steps = ctx.const_ints(4, "steps") if ctx.has_input(4) else [1] * len(starts)
    if not len(starts) == len(ends) == len(axes) == len(steps):
        raise ctx.error(
            f"starts, ends, axes and steps differ in length: {starts}, {ends}, {axes}, {steps}"
        )
    first, last, step = [0] * rank, list(shape), [1] * rank
    for s, e, a, st in zip(starts, ends, axes, steps, strict=True):
        axis = _axis(ctx, a, rank)
        if st == 0:
            raise ctx.error(f"step of axis {axis} is 0")
        picked = _onnx_range(s, e, st, shape[axis])
        if len(picked) == 0:
            first[axis], last[axis], step[axis] = 0, 0, 1
        else:
            stop = picked.stop if picked.stop >= 0 else -(shape[axis] + 1)
            first[axis], last[axis], step[axis] = picked.start, stop, st
    if first == [0] * rank and last == list(shape) and step == [1] * rank:
        return [ctx.value(0)]
    return [ctx.emit(graph.SliceOp(ctx.input(0), first, last, step))]


def _onnx_range(start: int, end: int, step: int, size: int) -> range:
    """The indices ONNX's Slice picks: negative bounds count from the end, then starts clamp
    into [0, size] ([0, size - 1] stepping back) and ends into [0, size] ([-1, size - 1])."""
    start = start + size if start < 0 else start
    end = end + size if end < 0 else end
    if step > 0:
        return range(min(max(start, 0), size), min(max(end, 0), size), step)
    return range(min(max(start, 0), size - 1), min(max(end, -1), size - 1), step)


def _axes_arg(ctx: NodeContext) -> list[int] | None:
    """Squeeze/Unsqueeze axes: an attribute before opset 13, an input since."""
    if ctx.opset < 13:
        return ctx.attr_ints("axes")
    return ctx.const_ints(1, "axes") if ctx.has_input(1) else None


@converter("Squeeze")
def squeeze(ctx: NodeContext) -> list[Value]:
    shape = ctx.shape(0)
    axes = _axes_arg(ctx)
    if axes is None:
        dropped = {i for i, d in enumerate(shape) if d == 1}
    else:
        dropped = {_axis(ctx, a, len(shape)) for a in axes}
        for a in sorted(dropped):
            if shape[a] != 1:
                raise ctx.error(f"cannot squeeze axis {a} of size {shape[a]} (shape {list(shape)})")
    return [ctx.reshape(ctx.value(0), [d for i, d in enumerate(shape) if i not in dropped])]


@converter("Unsqueeze")
def unsqueeze(ctx: NodeContext) -> list[Value]:
    shape = ctx.shape(0)
    axes = _axes_arg(ctx)
    if axes is None:
        raise ctx.error("axes is required")
    rank = len(shape) + len(axes)
    inserted = {_axis(ctx, a, rank) for a in axes}
    if len(inserted) != len(axes):
        raise ctx.error(f"axes {axes} name a dim twice")
    rest = iter(shape)
    out = [1 if i in inserted else next(rest) for i in range(rank)]
    return [ctx.reshape(ctx.value(0), out)]


@converter("Expand")
def expand(ctx: NodeContext) -> list[Value]:
    """Broadcast both ways: the result is numpy's broadcast of the input shape and `shape`."""
    shape = ctx.shape(0)
    requested = ctx.const_ints(1, "shape")
    try:
        out = tuple(int(d) for d in np.broadcast_shapes(shape, tuple(requested)))
    except ValueError:
        raise ctx.error(f"shape {list(shape)} does not broadcast with {requested}") from None
    if out == shape:
        return [ctx.value(0)]
    return [ctx.emit(graph.BroadcastToOp(ctx.input(0), out))]


@converter("Split")
def split(ctx: NodeContext) -> list[Value]:
    """Consecutive slices along `axis`: sizes from `split` (an attribute before opset 13, an
    input since), else equal parts (since opset 18 `num_outputs` parts, the last smaller)."""
    shape = ctx.shape(0)
    axis = _axis(ctx, ctx.attr_int("axis", 0), len(shape))
    size = shape[axis]
    count = len(ctx.node.output)
    if ctx.opset < 13:
        sizes = ctx.const_ints(1, "split") if ctx.has_input(1) else ctx.attr_ints("split")
    else:
        sizes = ctx.const_ints(1, "split") if ctx.has_input(1) else None
    if sizes is None:
        if ctx.opset >= 18 and ctx.has_attr("num_outputs"):
            count = ctx.attr_int("num_outputs", count)
            chunk = ceil(size / count)
            sizes = [min(chunk, max(size - k * chunk, 0)) for k in range(count)]
        elif size % count:
            raise ctx.error(f"axis {axis} of size {size} does not split into {count} equal parts")
        else:
            sizes = [size // count] * count
    if sum(sizes) != size or any(s < 0 for s in sizes):
        raise ctx.error(f"split sizes {sizes} do not add up to the axis size {size}")
    outputs: list[Value] = []
    start = 0
    for part in sizes:
        starts = [0] * len(shape)
        ends = list(shape)
        starts[axis], ends[axis] = start, start + part
        if part == size:
            outputs.append(ctx.value(0))
        else:
            outputs.append(ctx.emit(graph.SliceOp(ctx.input(0), starts, ends)))
        start += part
    return outputs


@converter("Shape")
def shape_(ctx: NodeContext) -> list[Value]:
    """Shapes are static: the result is an int64 array (`start`/`end` slice it, opset 15)."""
    shape = list(ctx.shape(0))
    start = ctx.attr_int("start", 0)
    end = ctx.attr_int("end", len(shape))
    return [np.array(shape[start:end], dtype=np.int64)]


@converter("Constant")
def constant(ctx: NodeContext) -> list[Value]:
    tensor = ctx.attr_tensor("value")
    if tensor is not None:
        return [tensor]
    for attr in ctx.node.attribute:
        if attr.name == "value_float" and attr.type == AttributeProto.FLOAT:
            return [np.array(attr.f, dtype=np.float32)]
        if attr.name == "value_floats" and attr.type == AttributeProto.FLOATS:
            return [np.array(list(attr.floats), dtype=np.float32)]
        if attr.name == "value_int" and attr.type == AttributeProto.INT:
            return [np.array(attr.i, dtype=np.int64)]
        if attr.name == "value_ints" and attr.type == AttributeProto.INTS:
            return [np.array(list(attr.ints), dtype=np.int64)]
    kinds = [a.name for a in ctx.node.attribute]
    raise ctx.error(
        f"unsupported constant kind {kinds}; legal: value (a dense tensor), value_float(s), "
        "value_int(s)"
    )


@converter("ConstantOfShape")
def constant_of_shape(ctx: NodeContext) -> list[Value]:
    shape = ctx.const_ints(0, "shape")
    fill = ctx.attr_tensor("value")
    if fill is None:
        fill = np.zeros(1, dtype=np.float32)
    if fill.size != 1:
        raise ctx.error(f"value expected one element, found {fill.size}")
    return [splat(fill.reshape(-1)[0], shape, fill.dtype)]
