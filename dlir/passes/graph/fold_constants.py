"""`graph-fold-constants`: evaluate graph ops whose operands are all constants.

    %a = graph.constant dense<[1.0, 2.0]> : tensor<2xf32>
    %b = graph.constant dense<3.0> : tensor<2xf32>
    %c = graph.add %a, %b : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
      ->
    %c = graph.constant dense<[4.0, 5.0]> : tensor<2xf32>

Values come from the reference interpreter's evaluator for the op (`dlir.interpreter`),
so folding computes exactly what running the graph would. Results with more than
`size_limit` elements are left alone; folded results of more than
`RESOURCE_THRESHOLD` elements become `dense_resource` blobs. The constants a fold
leaves without uses stay for `graph-dce`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from xdsl.context import Context
from xdsl.ir import Operation
from xdsl.pattern_rewriter import PatternRewriter, PatternRewriteWalker, RewritePattern

from dlir.dialects.graph import CallDpsOp, ConstantOp, FuncOp, constant, constant_value
from dlir.dialects.graph.common import num_elements, tensor_type
from dlir.interpreter.common import InterpreterError, conform
from dlir.interpreter.graph_ops import GRAPH_OPS
from dlir.passes.graph.common import GraphFuncPass, is_graph_value_op
from dlir.passes.manager import statistic


class FoldConstantOperands(RewritePattern):
    # graph.<op>(graph.constant, ...) -> graph.constant   (result of at most size_limit elements)

    def __init__(self, size_limit: int, ctx: Context | None = None) -> None:
        self.size_limit = size_limit
        self.ctx = ctx

    def match_and_rewrite(self, op: Operation, rewriter: PatternRewriter, /) -> None:
        # Calls are not folded: their callee may be a kernel of any variant.
        if not is_graph_value_op(op) or isinstance(op, ConstantOp | CallDpsOp):
            return
        if not op.operands or len(op.results) != 1:
            return
        inputs = [v.owner for v in op.operands]
        if not all(isinstance(i, ConstantOp) for i in inputs):
            return
        result_type = tensor_type(op.results[0])
        if num_elements(result_type.get_shape()) > self.size_limit:
            return
        evaluate = GRAPH_OPS.lookup(op)
        if evaluate is None:
            return
        values = [constant_value(i, self.ctx) for i in inputs if isinstance(i, ConstantOp)]
        try:
            with np.errstate(all="ignore"):  # IEEE results (inf, NaN) fold like they run
                value = conform(evaluate(op, values), result_type, op.name)
        except InterpreterError:
            # The op fails the same way when run; folding must not turn that into a crash.
            return
        folded = constant(value, element_type=result_type.element_type, name="folded", ctx=self.ctx)
        rewriter.replace(op, folded)
        statistic("ops folded")


@dataclass(frozen=True)
class GraphFoldConstantsPass(GraphFuncPass):
    """Replace graph ops whose operands are all constants by the constant they compute.

    Option `size_limit` (default 65536): the most elements a folded result may have;
    larger results are left to run time. Chains fold to a fixpoint.
    """

    name = "graph-fold-constants"

    size_limit: int = 1 << 16

    def __post_init__(self) -> None:
        if self.size_limit < 0:
            raise ValueError(
                f"size_limit must be a non-negative element count, found {self.size_limit}"
            )

    def run_on_function(self, ctx: Context, func: FuncOp) -> None:
        pattern = FoldConstantOperands(self.size_limit, ctx)
        PatternRewriteWalker(pattern, apply_recursively=True).rewrite_region(func.body)
