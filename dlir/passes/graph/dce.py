"""`graph-dce`: erase graph ops whose results are unused, chains included.

    %0 = graph.exp %x : tensor<4xf32>            // unused
    %1 = graph.relu %0 : tensor<4xf32>           // unused
    graph.return %x : tensor<4xf32>
      ->
    graph.return %x : tensor<4xf32>

Ops of other dialects are left alone, even inside a `graph.func`.
"""

from __future__ import annotations

from dataclasses import dataclass

from xdsl.context import Context
from xdsl.ir import Operation
from xdsl.pattern_rewriter import PatternRewriter, PatternRewriteWalker, RewritePattern

from dlir.dialects.graph import FuncOp
from dlir.passes.graph.common import GraphFuncPass, is_graph_value_op
from dlir.passes.manager import statistic


class EraseDeadGraphOp(RewritePattern):
    # %r = graph.<op> ...  (no uses of %r) -> (nothing)
    def match_and_rewrite(self, op: Operation, rewriter: PatternRewriter, /) -> None:
        if not is_graph_value_op(op):
            return
        if any(result.uses for result in op.results):
            return
        rewriter.erase(op)
        statistic("ops erased")


@dataclass(frozen=True)
class GraphDCEPass(GraphFuncPass):
    """Erase graph ops whose results are unused; a dead chain goes as a whole.

    Every graph op is Pure. `graph.call_dps` is treated as pure too: the call has value
    semantics (the kernel writes fresh destinations, never its inputs), so an unused
    call is dead. `graph.return` and non-graph ops are kept.
    """

    name = "graph-dce"

    def run_on_function(self, ctx: Context, func: FuncOp) -> None:
        # Walking in reverse erases users before their operands; the worklist
        # revisits operands that became dead.
        walker = PatternRewriteWalker(EraseDeadGraphOp(), walk_reverse=True, apply_recursively=True)
        walker.rewrite_region(func.body)
