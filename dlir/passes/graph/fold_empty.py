"""`graph-fold-empty`: compute at compile time what zero-element tensors make known.

An op with a zero-element result holds nothing, so it needs no kernel; an op that reads
only zero-element tensors and constants (a reduction over an empty axis, a matmul with
an inner dim of 0) has a result known at compile time. Both become `graph.constant`s:

    %e = graph.relu %a : tensor<4x0xf32>
    %m = graph.reduce_max %e axes [1] : tensor<4x0xf32> -> tensor<4xf32>
      ->
    %e = graph.constant dense<> : tensor<4x0xf32>
    %m = graph.constant dense<0xFF800000> : tensor<4xf32>      (-inf: max over nothing)

Values come from the reference interpreter (`dlir.interpreter`), so folding computes
what running the graph would: reduce_sum gives 0, reduce_max the lowest value,
reduce_mean NaN. Te stages range over positive extents only; after this pass no op the
native pipeline lowers has an empty result or reduces over an empty axis, except ones
that also read a non-empty computed tensor (a concat with an empty piece), which
`graph-to-te` reports.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray
from xdsl.context import Context
from xdsl.ir import Operation, SSAValue
from xdsl.pattern_rewriter import PatternRewriter, PatternRewriteWalker, RewritePattern

from dlir.dialects.graph import CallDpsOp, ConstantOp, FuncOp, constant, constant_value
from dlir.dialects.graph.common import is_tensor, num_elements, tensor_type
from dlir.interpreter.common import InterpreterError, conform, dtype_of
from dlir.interpreter.graph_ops import GRAPH_OPS
from dlir.passes.graph.common import GraphFuncPass, is_graph_value_op
from dlir.passes.manager import statistic


def is_empty(value: SSAValue) -> bool:
    """Whether `value` is a tensor of zero elements (`tensor<4x0xf32>`)."""
    return is_tensor(value.type) and num_elements(value.type.get_shape()) == 0


class FoldEmpty(RewritePattern):
    # graph.<op> -> graph.constant, when its result is empty, or when its operands are
    # all empty or constant and one is empty (reduce_max over an empty axis: -inf)

    def __init__(self, ctx: Context | None = None) -> None:
        self.ctx = ctx

    def match_and_rewrite(self, op: Operation, rewriter: PatternRewriter, /) -> None:
        if not is_graph_value_op(op) or isinstance(op, ConstantOp) or len(op.results) != 1:
            return
        result = op.results[0]
        if not is_tensor(result.type):
            return
        result_type = tensor_type(result)
        if is_empty(result):
            empty = np.empty(result_type.get_shape(), dtype_of(result_type))
            rewriter.replace(op, constant(empty, element_type=result_type.element_type))
            statistic("empty results folded")
            return
        if isinstance(op, CallDpsOp) or not any(is_empty(v) for v in op.operands):
            return
        values: list[NDArray[Any]] = []
        for operand in op.operands:
            producer = operand.owner
            if is_empty(operand):
                values.append(np.empty(tensor_type(operand).get_shape(), dtype_of(operand.type)))
            elif isinstance(producer, ConstantOp):
                values.append(constant_value(producer, self.ctx))
            else:
                return  # reads a computed tensor too: left to run time
        evaluate = GRAPH_OPS.lookup(op)
        if evaluate is None:
            return
        try:
            with np.errstate(all="ignore"):  # the mean of nothing is NaN, as when run
                value = conform(evaluate(op, values), result_type, op.name)
        except InterpreterError:
            return  # fails the same way when run
        folded = constant(value, element_type=result_type.element_type, name="folded", ctx=self.ctx)
        rewriter.replace(op, folded)
        statistic("reads of empty tensors folded")


@dataclass(frozen=True)
class GraphFoldEmptyPass(GraphFuncPass):
    """Replace graph ops with a zero-element result, or computed from zero-element
    tensors and constants only, by the constant they are."""

    name = "graph-fold-empty"

    def run_on_function(self, ctx: Context, func: FuncOp) -> None:
        pattern = FoldEmpty(ctx)
        PatternRewriteWalker(pattern, apply_recursively=True).rewrite_region(func.body)
