"""Loops and index min/max: `loop.for` -> blocks and branches, `loop.min/max` -> select.

    ^pre:  ... loop.for %i = %lb to %ub step %s { body } ... rest
    ->
    ^pre:  ... llvm.br ^header(%lb)
    ^header(%i: i64):
           %go = llvm.icmp "slt" %i, %ub
           llvm.cond_br %go, ^body, ^exit
    ^body: body ; %n = llvm.add %i, %s ; llvm.br ^header(%n) {dlir.loop_kind = "parallel"}
    ^exit: rest

Every kind (serial, parallel, vectorized<N>, unrolled<N>) becomes this serial loop; the
kind is kept on the back edge's `llvm.br` as the discardable attributes `dlir.loop_kind`
(and `dlir.vector_width` / `dlir.unroll_factor`) for later passes and the backend to read.
The outermost parallel loops never get here: `parallel.py` outlines them for the runtime's
thread pool first, and the parallel loops nested in them run serially.

The exit test is a signed `%i < %ub`, like `scf.for`: a loop over `[lb, ub)` with a
positive step (a zero or negative step would not terminate, or not run, as in MLIR).
"""

from __future__ import annotations

from xdsl.dialects import llvm
from xdsl.dialects.builtin import IntegerAttr, StringAttr, i64
from xdsl.ir import Attribute, Block, Operation
from xdsl.pattern_rewriter import PatternRewriter, RewritePattern, op_type_rewrite_pattern
from xdsl.rewriter import BlockInsertPoint, InsertPoint, Rewriter

from dlir.dialects.loop import ForOp, MaxOp, MinOp, YieldOp
from dlir.passes.lowering.types import integer_binary
from dlir.passes.lowering.types import select as select_op

LOOP_KIND_ATTR = "dlir.loop_kind"
# llvm.icmp predicates, as numbered by LLVM (and by arith.cmpi)
SLT, SGT = 2, 4


class ForToLLVM(RewritePattern):
    # loop.for %i = %lb to %ub step %s {kind} { body }
    #   -> br ^header(%lb); ^header(%i): cond_br (%i slt %ub), ^body, ^exit; ^body: body; br ^header(%i + %s)
    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: ForOp, rewriter: PatternRewriter, /) -> None:
        before = op.parent_block()
        if before is None:
            return
        # xDSL 0.74's PatternRewriter cannot split or insert blocks: use the IR and the
        # static Rewriter; the walker runs to a fixpoint, so it still sees the moved ops.
        exit_block = before.split_before(op)
        header = Block(arg_types=[i64])
        body = op.body.block
        yield_op = body.last_op
        assert isinstance(yield_op, YieldOp)
        Rewriter.insert_block(header, BlockInsertPoint.before(exit_block))

        iv = header.args[0]
        go = llvm.ICmpOp(iv, op.ub, IntegerAttr(SLT, i64))
        body_block = Block()
        Rewriter.insert_block(body_block, BlockInsertPoint.before(exit_block))
        rewriter.insert(
            [go, llvm.CondBrOp(go.res, body_block, [], exit_block, [])], InsertPoint.at_end(header)
        )

        rewriter.erase(yield_op)
        rewriter.inline_block(body, InsertPoint.at_end(body_block), [iv])
        attributes: dict[str, Attribute] = {LOOP_KIND_ATTR: StringAttr(op.loop_kind.value)}
        if op.vector_width is not None:
            attributes["dlir.vector_width"] = op.vector_width
        if op.unroll_factor is not None:
            attributes["dlir.unroll_factor"] = op.unroll_factor
        next_iv = integer_binary(llvm.AddOp, iv, op.step)
        back = llvm.BrOp(header, next_iv.results[0])
        back.attributes.update(attributes)
        rewriter.insert([next_iv, back], InsertPoint.at_end(body_block))

        rewriter.insert(llvm.BrOp(header, op.lb), InsertPoint.at_end(before))
        rewriter.erase(op)


class MinMaxToLLVM(RewritePattern):
    # %m = loop.min %a, %b, %c -> %t = select (%a slt %b), %a, %b ; %m = select (%t slt %c), %t, %c
    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: MinOp | MaxOp, rewriter: PatternRewriter, /) -> None:
        predicate = IntegerAttr(SLT if isinstance(op, MinOp) else SGT, i64)
        best = op.args[0]
        new_ops: list[Operation] = []
        for other in op.args[1:]:
            better = llvm.ICmpOp(best, other, predicate)
            select = select_op(better.res, best, other, i64)
            new_ops.extend([better, select])
            best = select.res
        rewriter.replace(op, new_ops, [best])
