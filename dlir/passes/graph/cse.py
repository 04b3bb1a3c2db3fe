"""`graph-cse`: merge graph ops that compute the same value.

    %a = graph.exp %x : tensor<4xf32>
    %b = graph.exp %x : tensor<4xf32>
    %c = graph.add %a, %b : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
      ->
    %a = graph.exp %x : tensor<4xf32>
    %c = graph.add %a, %a : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>

The merged-away op is left without uses and erased at once (no `graph-dce` needed).
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass

from xdsl.context import Context
from xdsl.ir import Block, Operation
from xdsl.pattern_rewriter import PatternRewriter
from xdsl.rewriter import InsertPoint

from dlir.dialects.graph import ConstantOp, FuncOp, constant_value
from dlir.passes.graph.common import GraphFuncPass, is_graph_value_op
from dlir.passes.manager import statistic


def value_key(op: Operation, ctx: Context | None = None) -> Hashable:
    """What makes two graph ops compute the same value.

    The op name, the operands (as SSA values), the properties and attributes and the
    result types. A constant is keyed by its type and its values, so `dense<1.0>` and
    `dense<[1.0, 1.0]>` of one type, or an inline and a resource copy, are equal.
    """
    result_types = tuple(r.type for r in op.results)
    if isinstance(op, ConstantOp):
        array = constant_value(op, ctx)
        return (op.name, result_types, array.dtype.str, array.tobytes())
    return (
        op.name,
        tuple(op.operands),
        tuple(sorted(op.properties.items())),
        tuple(sorted(op.attributes.items())),
        result_types,
    )


def cse_block(block: Block, rewriter: PatternRewriter, ctx: Context | None = None) -> int:
    """Replace each graph op equal to an earlier one by that one; return how many went.

    Graph bodies are one block of pure dataflow, so an earlier equal op dominates.
    """
    seen: dict[Hashable, Operation] = {}
    removed = 0
    for op in list(block.ops):
        if not is_graph_value_op(op):
            continue
        key = value_key(op, ctx)
        first = seen.get(key)
        if first is None:
            seen[key] = op
            continue
        rewriter.replace(op, [], list(first.results))
        removed += 1
    return removed


@dataclass(frozen=True)
class GraphCSEPass(GraphFuncPass):
    """Merge graph ops with the same name, operands, properties, attributes and result types.

    Constants with equal values of one type merge whatever their spelling. Since
    operands are compared as SSA values, one pass in program order also merges the
    users of merged ops.
    """

    name = "graph-cse"

    def run_on_function(self, ctx: Context, func: FuncOp) -> None:
        block = func.body.block
        statistic("ops merged", cse_block(block, PatternRewriter(InsertPoint.at_start(block)), ctx))
