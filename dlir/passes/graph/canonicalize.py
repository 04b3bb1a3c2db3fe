"""`graph-canonicalize`: algebraic identities of graph ops, as rewrite patterns.

    %z = graph.constant dense<0.0> : tensor<4x8xf32>
    %y = graph.add %x, %z : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
    %r = graph.relu %y : tensor<4x8xf32>
      ->
    %r = graph.relu %x : tensor<4x8xf32>

An identity with a constant applies only to a splat constant of that value, and only
when the result type equals the kept operand's type: broadcasting against the constant
may otherwise grow the shape. As in other DL compilers, `x + 0 -> x` does not keep
IEEE's `-0.0 + 0.0 = +0.0`. Ops left without uses are erased by `graph-dce`.
"""

from __future__ import annotations

from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects.builtin import DenseIntOrFPElementsAttr
from xdsl.ir import SSAValue
from xdsl.pattern_rewriter import (
    PatternRewriter,
    PatternRewriteWalker,
    RewritePattern,
    op_type_rewrite_pattern,
)

from dlir.dialects.graph import (
    AddOp,
    BroadcastToOp,
    CastOp,
    ConcatOp,
    ConstantOp,
    DivOp,
    FuncOp,
    MulOp,
    ReluOp,
    ReshapeOp,
    SliceOp,
    SubOp,
    TransposeOp,
    constant_value,
)
from dlir.dialects.graph.common import ints
from dlir.passes.api import counted
from dlir.passes.graph.common import GraphFuncPass


def splat_value(value: SSAValue) -> float | None:
    """The one value of an inline splat `graph.constant`, else None.

    %c = graph.constant dense<1.0> : tensor<4xf32>    splat_value(%c) == 1.0
    """
    op = value.owner
    if not isinstance(op, ConstantOp) or not isinstance(op.value, DenseIntOrFPElementsAttr):
        return None
    flat = constant_value(op).reshape(-1)
    if flat.size == 0 or not bool((flat == flat[0]).all()):
        return None
    return float(flat[0])


def is_splat(value: SSAValue, expected: float) -> bool:
    found = splat_value(value)
    return found is not None and found == expected


def forward(rewriter: PatternRewriter, op: AddOp | SubOp | MulOp | DivOp, kept: SSAValue) -> bool:
    """Replace `op` by its operand `kept` when the types allow; say whether it did."""
    if kept.type != op.result.type:
        return False
    rewriter.replace(op, [], [kept])
    return True


class AddZero(RewritePattern):
    # x + 0 -> x ;  0 + x -> x      (splat 0, result type == type of x)
    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: AddOp, rewriter: PatternRewriter, /) -> None:
        if is_splat(op.rhs, 0.0) and forward(rewriter, op, op.lhs):
            return
        if is_splat(op.lhs, 0.0):
            forward(rewriter, op, op.rhs)


class SubZero(RewritePattern):
    # x - 0 -> x      (splat 0, result type == type of x)
    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: SubOp, rewriter: PatternRewriter, /) -> None:
        if is_splat(op.rhs, 0.0):
            forward(rewriter, op, op.lhs)


class MulOne(RewritePattern):
    # x * 1 -> x ;  1 * x -> x      (splat 1, result type == type of x)
    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: MulOp, rewriter: PatternRewriter, /) -> None:
        if is_splat(op.rhs, 1.0) and forward(rewriter, op, op.lhs):
            return
        if is_splat(op.lhs, 1.0):
            forward(rewriter, op, op.rhs)


class DivOne(RewritePattern):
    # x / 1 -> x      (splat 1, result type == type of x)
    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: DivOp, rewriter: PatternRewriter, /) -> None:
        if is_splat(op.rhs, 1.0):
            forward(rewriter, op, op.lhs)


class IdentityTranspose(RewritePattern):
    # transpose(x, [0, 1, ..., n-1]) -> x
    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: TransposeOp, rewriter: PatternRewriter, /) -> None:
        perm = ints(op.perm)
        if perm == tuple(range(len(perm))):
            rewriter.replace(op, [], [op.input])


class ComposeTransposes(RewritePattern):
    # transpose(transpose(x, p), q) -> transpose(x, r)  with r[i] = p[q[i]]; identity r -> x
    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: TransposeOp, rewriter: PatternRewriter, /) -> None:
        inner = op.input.owner
        if not isinstance(inner, TransposeOp):
            return
        p, q = ints(inner.perm), ints(op.perm)
        composed = tuple(p[i] for i in q)
        if composed == tuple(range(len(composed))):
            rewriter.replace(op, [], [inner.input])
            return
        rewriter.replace(op, TransposeOp(inner.input, composed))


class ComposeReshapes(RewritePattern):
    # reshape(reshape(x)) -> reshape(x)   (to the outer result type)
    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: ReshapeOp, rewriter: PatternRewriter, /) -> None:
        inner = op.input.owner
        if not isinstance(inner, ReshapeOp):
            return
        rewriter.replace(op, ReshapeOp(inner.input, op.result.type.get_shape()))


class NoOpReshape(RewritePattern):
    # reshape(x) : T -> T  ->  x
    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: ReshapeOp, rewriter: PatternRewriter, /) -> None:
        if op.input.type == op.result.type:
            rewriter.replace(op, [], [op.input])


class NoOpCast(RewritePattern):
    # cast(x) : T to T  ->  x
    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: CastOp, rewriter: PatternRewriter, /) -> None:
        if op.input.type == op.result.type:
            rewriter.replace(op, [], [op.input])


class NoOpBroadcast(RewritePattern):
    # broadcast_to(x) : T -> T  ->  x
    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: BroadcastToOp, rewriter: PatternRewriter, /) -> None:
        if op.input.type == op.result.type:
            rewriter.replace(op, [], [op.input])


class ReluOfRelu(RewritePattern):
    # relu(relu(x)) -> relu(x)
    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: ReluOp, rewriter: PatternRewriter, /) -> None:
        if isinstance(op.input.owner, ReluOp):
            rewriter.replace(op, [], [op.input])


class ConcatOfOne(RewritePattern):
    # concat(x) axis a -> x
    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: ConcatOp, rewriter: PatternRewriter, /) -> None:
        if len(op.inputs) == 1:
            rewriter.replace(op, [], [op.inputs[0]])


class FullSlice(RewritePattern):
    # slice(x) : T -> T with every step 1  ->  x   (a same-shape unit-step slice takes all)
    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: SliceOp, rewriter: PatternRewriter, /) -> None:
        if op.input.type == op.result.type and all(s == 1 for s in ints(op.steps)):
            rewriter.replace(op, [], [op.input])


GRAPH_CANONICALIZATION_PATTERNS: tuple[RewritePattern, ...] = (
    AddZero(),
    SubZero(),
    MulOne(),
    DivOne(),
    IdentityTranspose(),
    ComposeTransposes(),
    ComposeReshapes(),
    NoOpReshape(),
    NoOpCast(),
    NoOpBroadcast(),
    ReluOfRelu(),
    ConcatOfOne(),
    FullSlice(),
)


@dataclass(frozen=True)
class GraphCanonicalizePass(GraphFuncPass):
    """Apply the graph identities (x+0, x*1, transpose/reshape chains, no-op casts, ...).

    Rewrites to a fixpoint; operands left without uses stay for `graph-dce`.
    """

    name = "graph-canonicalize"

    def run_on_function(self, ctx: Context, func: FuncOp) -> None:
        patterns = counted(GRAPH_CANONICALIZATION_PATTERNS)
        PatternRewriteWalker(patterns, apply_recursively=True).rewrite_region(func.body)
