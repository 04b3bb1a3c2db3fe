"""`graph-fold-batch-norm`: fold inference batch norms with constant statistics away.

Into the conv2d or matmul (+ bias add) before it, when that op's weights and bias are
constants and the batch norm is its only reader; with `s = scale / sqrt(var + epsilon)`
per output channel:

    %y = graph.conv2d %x, %w, %b : ...
    %z = graph.batch_norm %y, %scale, %shift, %mean, %var : ...
    ->
    %z = graph.conv2d %x, %w2, %b2 : ...      w2 = w * s (per output channel)
                                              b2 = (b - mean) * s + shift

    %y = graph.matmul %x, %w ; %a = graph.add %y, %b ; %z = graph.batch_norm %a, ...
    ->
    %y = graph.matmul %x, %w2 ; %z = graph.add %y, %b2     (w2 = w * s per column)

Any other batch norm whose statistics are constants becomes a per-channel affine map,
which fuses into its producer's kernel as an elementwise epilogue:

    %z = graph.batch_norm %x, %scale, %shift, %mean, %var : (tensor<1x8x5x5xf32>, ...) -> ...
    ->
    %m = graph.mul %x, %s2 : (tensor<1x8x5x5xf32>, tensor<8x1x1xf32>) -> tensor<1x8x5x5xf32>
    %z = graph.add %m, %t2 : (tensor<1x8x5x5xf32>, tensor<8x1x1xf32>) -> tensor<1x8x5x5xf32>

The new constants are computed in float64 and rounded once to the element type;
large ones become `dense_resource` blobs. Constants left without readers are erased.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from xdsl.context import Context
from xdsl.ir import Attribute, SSAValue
from xdsl.pattern_rewriter import (
    PatternRewriter,
    PatternRewriteWalker,
    RewritePattern,
    op_type_rewrite_pattern,
)
from xdsl.rewriter import InsertPoint

from dlir.dialects import graph
from dlir.dialects.graph.common import ints, tensor_type
from dlir.passes.graph.common import GraphFuncPass
from dlir.passes.manager import statistic

Array = NDArray[np.float64]


def _constant(value: SSAValue | None, ctx: Context | None) -> Array | None:
    """The value of a `graph.constant` result as float64, else None."""
    if value is None or not isinstance(value.owner, graph.ConstantOp):
        return None
    return graph.constant_value(value.owner, ctx).astype(np.float64)


@dataclass(frozen=True)
class _Affine:
    """The batch norm as `y = x * mul + add` per channel (float64, shape [C])."""

    mul: Array
    add: Array
    mean: Array
    shift: Array


class FoldBatchNorm(RewritePattern):
    # conv2d(x, w, b) -> batch_norm        ->  conv2d(x, w * s, (b - mean) * s + shift)
    # add(matmul(x, w), b) -> batch_norm   ->  add(matmul(x, w * s), (b - mean) * s + shift)
    # matmul(x, w) -> batch_norm           ->  add(matmul(x, w * s), shift - mean * s)
    # batch_norm(x) otherwise              ->  add(mul(x, s), shift - mean * s)

    def __init__(self, ctx: Context | None = None) -> None:
        self.ctx = ctx

    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: graph.BatchNormOp, rewriter: PatternRewriter, /) -> None:
        operands = [op.scale, op.bias, op.mean, op.var]
        stats = [_constant(v, self.ctx) for v in operands]
        if any(s is None for s in stats):
            return
        scale, shift, mean, var = (s for s in stats if s is not None)
        mul = scale / np.sqrt(var + op.epsilon.value.data)
        affine = _Affine(mul, shift - mean * mul, mean, shift)
        producer = op.input.owner
        if isinstance(producer, graph.Conv2dOp) and self._into_conv(op, producer, affine, rewriter):
            statistic("batch norms folded into conv2d")
        elif self._into_matmul(op, affine, rewriter):
            statistic("batch norms folded into matmul")
        else:
            self._to_affine(op, affine, rewriter)
            statistic("batch norms turned into mul + add")
        _erase_unused(operands, rewriter)

    def _into_conv(
        self, op: graph.BatchNormOp, conv: graph.Conv2dOp, bn: _Affine, rewriter: PatternRewriter
    ) -> bool:
        weight = _constant(conv.weight, self.ctx)
        bias = _constant(conv.bias, self.ctx) if conv.bias is not None else np.zeros_like(bn.mean)
        if weight is None or bias is None or not conv.result.has_one_use():
            return False
        element = tensor_type(conv.result).element_type
        new_weight = self._make(weight * bn.mul[:, None, None, None], element, "folded_weight")
        new_bias = self._make((bias - bn.mean) * bn.mul + bn.shift, element, "folded_bias")
        folded = graph.Conv2dOp(
            conv.input,
            new_weight,
            new_bias,
            strides=ints(conv.strides),
            pads=ints(conv.pads),
            dilations=ints(conv.dilations),
            groups=conv.groups.value.data,
            result_type=conv.result.type,
        )
        folded.location = conv.location
        folded.result.name_hint = op.result.name_hint
        rewriter.insert([new_weight, new_bias], InsertPoint.before(conv))
        rewriter.insert(folded, InsertPoint.before(conv))
        rewriter.replace_all_uses_with(op.result, folded.result)
        rewriter.erase(op)
        old = list(conv.operands)
        rewriter.erase(conv)
        _erase_unused(old, rewriter)
        return True

    def _into_matmul(self, op: graph.BatchNormOp, bn: _Affine, rewriter: PatternRewriter) -> bool:
        """matmul (+ a constant bias add) before `op`, each read only by the next."""
        producer = op.input.owner
        bias_add: graph.AddOp | None = None
        bias: Array = np.zeros_like(bn.mean)
        if isinstance(producer, graph.AddOp) and producer.result.has_one_use():
            for mm, b in ((producer.lhs, producer.rhs), (producer.rhs, producer.lhs)):
                value = _constant(b, self.ctx)
                if isinstance(mm.owner, graph.MatmulOp) and value is not None:
                    bias_add, bias, producer = producer, value, mm.owner
                    break
        if not isinstance(producer, graph.MatmulOp) or not producer.result.has_one_use():
            return False
        weight = _constant(producer.rhs, self.ctx)
        if weight is None:
            return False
        element = tensor_type(producer.result).element_type
        new_weight = self._make(weight * bn.mul[None, :], element, "folded_weight")
        new_bias = self._make((bias - bn.mean) * bn.mul + bn.shift, element, "folded_bias")
        matmul = graph.MatmulOp(producer.lhs, new_weight)
        matmul.location = producer.location
        add = graph.AddOp(matmul, new_bias, op.result.type)
        add.location = (bias_add or op).location
        add.result.name_hint = op.result.name_hint
        rewriter.insert([new_weight, new_bias, matmul, add], InsertPoint.before(producer))
        rewriter.replace_all_uses_with(op.result, add.result)
        rewriter.erase(op)
        old = list(producer.operands)
        if bias_add is not None:
            old += bias_add.operands
            rewriter.erase(bias_add)
        rewriter.erase(producer)
        _erase_unused(old, rewriter)
        return True

    def _to_affine(self, op: graph.BatchNormOp, bn: _Affine, rewriter: PatternRewriter) -> None:
        input_type = tensor_type(op.input)
        per_channel = (bn.mul.size,) + (1,) * (input_type.get_num_dims() - 2)
        element = input_type.element_type
        mul_const = self._make(bn.mul.reshape(per_channel), element, "bn_scale")
        add_const = self._make(bn.add.reshape(per_channel), element, "bn_shift")
        mul = graph.MulOp(op.input, mul_const, op.result.type)
        add = graph.AddOp(mul, add_const, op.result.type)
        mul.location = add.location = op.location
        add.result.name_hint = op.result.name_hint
        rewriter.insert([mul_const, add_const, mul], InsertPoint.before(op))
        rewriter.replace(op, add)

    def _make(self, value: Array, element: Attribute, name: str) -> graph.ConstantOp:
        # float64 rounded once to the element type (bf16 through float32, as stored)
        return graph.constant(value, element_type=element, name=name, ctx=self.ctx)


def _erase_unused(values: Sequence[SSAValue], rewriter: PatternRewriter) -> None:
    """Erase the constants among `values`' producers that no op reads any more."""
    for value in values:
        owner = value.owner
        if (
            isinstance(owner, graph.ConstantOp)
            and owner.parent is not None
            and not owner.result.uses
        ):
            rewriter.erase(owner)


@dataclass(frozen=True)
class GraphFoldBatchNormPass(GraphFuncPass):
    """Fold batch norms with constant statistics into the conv2d/matmul before them, or
    else into a per-channel mul + add.

    %y = graph.conv2d %x, %w, %b ; %z = graph.batch_norm %y, ... -> %z = graph.conv2d %x, %w2, %b2
    """

    name = "graph-fold-batch-norm"

    def run_on_function(self, ctx: Context, func: graph.FuncOp) -> None:
        PatternRewriteWalker(FoldBatchNorm(ctx)).rewrite_region(func.body)
