"""`graph-alter-layout`: convolutions in the blocked layout NCHW[b]c, the transforms between
layouts pushed down the graph until they cancel.

A `graph.conv2d` with constant weights (and bias), groups 1, input and output channels
multiples of a block (16, else 8), and output rows that the blocked schedule can tile in
registers (widths like 56, 55, 28, 14, 7; not 13 or 27) becomes a `graph.conv2d_nchwc`
between two transforms;
its weights and bias are re-laid out at compile time (into new constants, dense_resource
blobs when large):

    %y = graph.conv2d %x, %w, %b pads [1, 1, 1, 1] : (tensor<1x32x8x8xf32>, ...) -> tensor<1x32x8x8xf32>
    ->
    %t = graph.layout_transform %x src "NCHW" dst "NCHW16c" : ... -> tensor<1x2x8x8x16xf32>
    %c = graph.conv2d_nchwc %t, %w2, %b2 pads [1, 1, 1, 1] : (...) -> tensor<1x2x8x8x16xf32>
    %y = graph.layout_transform %c src "NCHW16c" dst "NCHW" : ... -> tensor<1x32x8x8xf32>

Then each transform back to NCHW sinks through the layout-agnostic ops that read it
(elementwise and broadcasting ops whose other operands are blocked values, per-channel or
scalar constants, re-laid out at compile time, or NCHW values of the full shape,
transformed in; and a concat of blocked values along C), and transform pairs cancel:

    relu(transform(v, NCHW16c -> NCHW))                  -> transform(relu(v), NCHW16c -> NCHW)
    add(transform(u, L -> NCHW), transform(v, L -> NCHW)) -> transform(add(u, v), L -> NCHW)
    transform(transform(v, A -> B), B -> A)              -> v
    transform(transform(v, A -> B), B -> C)              -> transform(v, A -> C)

and two identical transforms of one value become one, so each value is converted at most
once. What stays NCHW (pooling, flatten, a concat of differently blocked values, the
function's results) reads a transform back. A conv-relu-conv chain keeps one transform in
and one out.
"""

from __future__ import annotations

from dataclasses import dataclass
from math import prod

import numpy as np
from xdsl.context import Context
from xdsl.dialects.builtin import TensorType
from xdsl.ir import Operation, SSAValue
from xdsl.pattern_rewriter import (
    GreedyRewritePatternApplier,
    PatternRewriter,
    PatternRewriteWalker,
    RewritePattern,
    op_type_rewrite_pattern,
)
from xdsl.rewriter import InsertPoint

from dlir.dialects import graph
from dlir.dialects.graph.common import ints, tensor_type
from dlir.dialects.graph.fusion import FusionCategory, fusion_category
from dlir.dialects.graph.layout import Layout, blocked, convert_layout, weight_layout
from dlir.passes.graph.common import GraphFuncPass
from dlir.passes.lowering.auto_schedule.rules_nchwc import register_tile
from dlir.passes.manager import statistic

NCHW = "NCHW"
FLOAT32_LANES = 8
"""The smallest block: one AVX2 vector of f32."""
MIN_ACCUMULATORS = 5
"""The fewest vector accumulators the blocked rule's register tile may have for a conv to
be blocked: a row of 13 or 27 columns leaves a tile of 1 x 16 or 3 x 8, slower than the
NCHW rules (measured 0.6x and 0.87x on squeezenet's 13 x 13 and 27 x 27 3x3 layers);
55 columns (tiles of 5 x 8) measured 1.3x to 4x faster."""


def channel_block(channels: int, block: int) -> int | None:
    """The block of a tensor with `channels` channels: `block`, else 8, else None."""
    return next((b for b in (block, FLOAT32_LANES) if channels % b == 0), None)


def _transform_back(value: SSAValue) -> graph.LayoutTransformOp | None:
    """The transform to NCHW from a blocked layout that `value` is the result of."""
    op = value.owner
    if isinstance(op, graph.LayoutTransformOp) and op.dst.data == NCHW and op.src.data != NCHW:
        return op
    return None


class BlockConvolution(RewritePattern):
    # conv2d(x, w, b)  ->  transform(conv2d_nchwc(transform(x, NCHW -> NCHW[bi]c), w', b'), NCHW[bo]c -> NCHW)
    #   w' = w laid out OIHW[bi]i[bo]o, b' = b as O/bo x bo, both at compile time

    def __init__(self, ctx: Context | None, block: int) -> None:
        self.ctx = ctx
        self.block = block

    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: graph.Conv2dOp, rewriter: PatternRewriter, /) -> None:
        weight, bias = op.weight.owner, None if op.bias is None else op.bias.owner
        if op.groups.value.data != 1 or not isinstance(weight, graph.ConstantOp):
            return
        if bias is not None and not isinstance(bias, graph.ConstantOp):
            return
        result = tensor_type(op.result)
        if str(result.element_type) != "f32":
            return
        outputs, inputs = tensor_type(op.weight).get_shape()[:2]
        block_in = channel_block(inputs, self.block)
        block_out = channel_block(outputs, self.block)
        if block_in is None or block_out is None:
            return
        width = result.get_shape()[3]
        if prod(register_tile(width, block_out, FLOAT32_LANES)) < MIN_ACCUMULATORS:
            statistic("convolutions left NCHW: rows too narrow for a register tile")
            return
        element = result.element_type
        w = graph.constant_value(weight, self.ctx)
        packed = convert_layout(w, Layout.parse("OIHW"), weight_layout(block_in, block_out))
        new_ops: list[Operation] = []
        new_weight = graph.constant(packed, element_type=element, name="nchwc_weight", ctx=self.ctx)
        new_ops.append(new_weight)
        new_bias = None
        if bias is not None:
            b = graph.constant_value(bias, self.ctx).reshape(outputs // block_out, block_out)
            new_bias = graph.constant(b, element_type=element, name="nchwc_bias", ctx=self.ctx)
            new_ops.append(new_bias)
        into = graph.LayoutTransformOp(op.input, NCHW, blocked(block_in))
        conv = graph.Conv2dNchwcOp(
            into,
            new_weight,
            new_bias,
            strides=ints(op.strides),
            pads=ints(op.pads),
            dilations=ints(op.dilations),
        )
        back = graph.LayoutTransformOp(conv, blocked(block_out), NCHW)
        for new in (into, conv, back):
            new.location = op.location
        conv.result.name_hint = op.result.name_hint
        rewriter.insert([*new_ops, into, conv], InsertPoint.before(op))
        rewriter.replace(op, back)
        statistic("convolutions blocked")


class SinkThroughElementwise(RewritePattern):
    # f(transform(u, L -> NCHW), c, x)  ->  transform(f(u, c', transform(x, NCHW -> L)), L -> NCHW)
    #   f elementwise or broadcast; c a per-channel or scalar constant (c' = c laid out L at
    #   compile time); x an NCHW value of the result's shape

    def __init__(self, ctx: Context | None) -> None:
        self.ctx = ctx

    def match_and_rewrite(self, op: Operation, rewriter: PatternRewriter, /) -> None:
        category = fusion_category(op)
        if category not in (FusionCategory.ELEMENTWISE, FusionCategory.BROADCAST):
            return
        if isinstance(op, graph.BroadcastToOp) or len(op.results) != 1:
            return
        result = tensor_type(op.results[0])
        shape = result.get_shape()
        backs = [_transform_back(v) for v in op.operands]
        layouts = {
            b.src.data
            for b in backs
            if b is not None and tensor_type(b.result).get_shape() == shape
        }
        if len(layouts) != 1:
            return
        (layout,) = layouts
        new_ops: list[Operation] = []
        operands: list[SSAValue] = []
        for value, back in zip(op.operands, backs, strict=True):
            if (
                back is not None
                and back.src.data == layout
                and tensor_type(value).get_shape() == shape
            ):
                operands.append(back.input)
                continue
            relaid = self._relayout(value, shape, layout)
            if relaid is None:
                return
            new_ops.append(relaid)
            operands.append(relaid.results[0])
        blocked_shape = next(
            tensor_type(b.input).get_shape()
            for b in backs
            if b is not None and b.src.data == layout
        )
        new_type = TensorType(result.element_type, blocked_shape)
        new = type(op).create(
            operands=operands,
            result_types=[new_type],
            properties=dict(op.properties),
            attributes=dict(op.attributes),
        )
        new.location = op.location
        new.results[0].name_hint = op.results[0].name_hint
        back = graph.LayoutTransformOp(new, layout, NCHW)
        back.location = op.location
        rewriter.insert([*new_ops, new], InsertPoint.before(op))
        rewriter.replace(op, back)
        statistic("ops moved into the blocked layout")

    def _relayout(self, value: SSAValue, shape: tuple[int, ...], layout: str) -> Operation | None:
        """`value` in `layout`: a constant re-laid out, or a transform of a full NCHW value."""
        t = tensor_type(value)
        if t.get_shape() == shape:
            return graph.LayoutTransformOp(value, NCHW, layout)
        constant = value.owner
        if not isinstance(constant, graph.ConstantOp) or t.get_num_dims() > 4:
            return None
        padded = (1,) * (4 - t.get_num_dims()) + t.get_shape()
        channels = shape[1]
        if padded[0] != 1 or padded[2:] != (1, 1) or padded[1] not in (1, channels):
            return None
        array = graph.constant_value(constant, self.ctx).reshape(padded)
        block = Layout.parse(layout).block("C")
        if block is None:
            return None
        groups = padded[1] // block if padded[1] == channels else 1
        array = array.reshape(1, groups, 1, 1, block if padded[1] == channels else 1)
        return graph.constant(
            np.ascontiguousarray(array),
            element_type=t.element_type,
            name="nchwc_const",
            ctx=self.ctx,
        )


class SinkThroughConcat(RewritePattern):
    # concat(transform(u, L -> NCHW), transform(v, L -> NCHW), axis 1) -> transform(concat(u, v, axis 1), L -> NCHW)
    #   (each input's channels are whole blocks, so the blocks of C line up)

    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: graph.ConcatOp, rewriter: PatternRewriter, /) -> None:
        if tensor_type(op.result).get_num_dims() != 4 or op.axis.value.data not in (1, -3):
            return
        backs = [_transform_back(v) for v in op.inputs]
        layouts = {None if b is None else b.src.data for b in backs}
        layout = backs[0].src.data if backs[0] is not None else None
        if layout is None or len(layouts) != 1:
            return
        inputs = [b.input for b in backs if b is not None]
        concat = graph.ConcatOp(inputs, 1)
        concat.location = op.location
        concat.result.name_hint = op.result.name_hint
        back = graph.LayoutTransformOp(concat, layout, NCHW)
        back.location = op.location
        rewriter.insert(concat, InsertPoint.before(op))
        rewriter.replace(op, back)
        statistic("ops moved into the blocked layout")


class ComposeTransforms(RewritePattern):
    # transform(transform(v, A -> B), B -> A) -> v
    # transform(transform(v, A -> B), B -> C) -> transform(v, A -> C)

    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: graph.LayoutTransformOp, rewriter: PatternRewriter, /) -> None:
        inner = op.input.owner
        if not isinstance(inner, graph.LayoutTransformOp):
            return
        if inner.src.data == op.dst.data:
            rewriter.replace(op, [], [inner.input])
            statistic("transform pairs cancelled")
            return
        direct = graph.LayoutTransformOp(inner.input, inner.src.data, op.dst.data)
        direct.location = op.location
        rewriter.replace(op, direct)
        statistic("transform pairs composed")


class MergeTransforms(RewritePattern):
    # %a = transform(v, A -> B) ... %b = transform(v, A -> B) -> %b replaced by %a

    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: graph.LayoutTransformOp, rewriter: PatternRewriter, /) -> None:
        for use in op.input.uses:
            other = use.operation
            if (
                other is not op
                and isinstance(other, graph.LayoutTransformOp)
                and other.parent_block() is op.parent_block()
                and other.src == op.src
                and other.dst == op.dst
                and other.is_before_in_block(op)
            ):
                rewriter.replace(op, [], [other.result])
                statistic("duplicate transforms merged")
                return


def _erase_dead_transforms(func: graph.FuncOp) -> None:
    """Erase the transforms and constants left without readers (last first, so chains go)."""
    for op in reversed(list(func.body.block.ops)):
        if isinstance(op, graph.LayoutTransformOp | graph.ConstantOp) and not op.result.uses:
            op.detach()
            op.erase()


@dataclass(frozen=True)
class GraphAlterLayoutPass(GraphFuncPass):
    """Run convolutions in the blocked layout NCHW[block]c (weights packed at compile time)
    and cancel the layout transforms between them.

    %y = graph.conv2d %x, %w : ... -> transform(graph.conv2d_nchwc(transform(%x), %w'), NCHW16c -> NCHW)
    """

    name = "graph-alter-layout"

    block: int = 16
    """Channels per block (a multiple of 8); channels it does not divide use 8."""

    def run_on_function(self, ctx: Context, func: graph.FuncOp) -> None:
        if self.block < FLOAT32_LANES or self.block % FLOAT32_LANES:
            raise ValueError(
                f"graph-alter-layout block must be a multiple of 8, found {self.block}"
            )
        PatternRewriteWalker(BlockConvolution(ctx, self.block)).rewrite_region(func.body)
        patterns = GreedyRewritePatternApplier(
            [
                ComposeTransforms(),
                MergeTransforms(),
                SinkThroughElementwise(ctx),
                SinkThroughConcat(),
            ]
        )
        PatternRewriteWalker(patterns).rewrite_region(func.body)
        _erase_dead_transforms(func)
