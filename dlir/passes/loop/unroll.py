"""`loop-unroll`: `unrolled<N>` and `unrolled` loops -> copies of their body.

A loop with a constant trip count of at most N (or marked `unrolled`, which needs one) is
replaced by one copy of its body per iteration, with the induction variable a constant
folded into every index expression:

    loop.for %k = %c0 to %c3 step %c1 unrolled { loop.store %x, %A[%i, %k * 2] }
    ->
    loop.store %x, %A[%i, 0]
    loop.store %x, %A[%i, 2]
    loop.store %x, %A[%i, 4]

Otherwise the loop steps by N * step over N copies of the body (copy `c` sees `%k + c *
step`, folded into the accesses), and a serial tail loop runs what is left when the trip
count is not a constant multiple of N:

    loop.for %k = %c0 to %n step %c1 unrolled<2> { B }
    ->
    %end = %c0 + (max(%n - %c0, 0) floordiv 2) * 2
    loop.for %k = %c0 to %end step %c2 { B[%k] ; B[%k + 1] }
    loop.for %k = %end to %n step %c1 { B }

Unroll-and-jam: when the body is one inner loop (with bounds defined outside) plus pure
ops and loads of buffers the body never writes, the copies of the inner loop are fused
into one, so a register tile `for i in 0..6 unrolled { for k { acc[i, j] += ... } }` keeps
six accumulators live in one k loop:

    loop.for %i = %c0 to %c2 step %c1 unrolled { loop.for %k ... { S(%i, %k) } }
    ->
    loop.for %k ... { S(0, %k) ; S(1, %k) }

Jamming reorders the iterations of the copies, so it is done only when that cannot change
a result: every buffer written inside is accessed at one index expression everywhere in
the body, and one of its dimensions is `i * c + e` (c != 0, `e` defined outside the loop,
and not the innermost dimension of a vector access), so the copies touch disjoint
elements. Otherwise the copies are only replicated (`not-jammed: <reason>` statistic).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

from xdsl.context import Context
from xdsl.dialects import arith
from xdsl.ir import Operation, SSAValue
from xdsl.rewriter import InsertPoint, Rewriter

from dlir.dialects.loop import (
    ForOp,
    LoadOp,
    LoopKind,
    LoopKindAttr,
    MaxOp,
    MinOp,
    VLoadOp,
    VStoreOp,
    YieldOp,
    constant_index,
)
from dlir.dialects.loop.memory import AccessOp
from dlir.passes.api import FunctionPass
from dlir.passes.loop.utils import (
    body_ops,
    defined_inside,
    index_constant,
    linear_form,
    loops_inner_first,
    main_end,
    substitute,
)
from dlir.passes.manager import statistic


@dataclass(frozen=True)
class LoopUnrollPass(FunctionPass):
    """Replicate the bodies of `unrolled` loops (with a tail), jamming inner loops."""

    name = "loop-unroll"
    requires: ClassVar[tuple[str, ...]] = ("loop",)
    produces: ClassVar[tuple[str, ...]] = ("loop",)

    max_copies: int = field(
        default=256, metadata={"help": "the most copies a full unroll may make"}
    )
    jam: bool = field(default=True, metadata={"help": "fuse the copies of an inner loop"})

    def run_on_function(self, ctx: Context, func: Operation) -> None:
        for loop in loops_inner_first(func):
            if loop.loop_kind != LoopKind.UNROLLED:
                continue
            reason = unroll(loop, self.max_copies, self.jam)
            statistic("unrolled" if reason is None else f"not-unrolled: {reason}")


def unroll(loop: ForOp, max_copies: int = 256, jam: bool = True) -> str | None:
    """Unroll one `unrolled` loop in place; returns why not when it stays a loop."""
    factor = None if loop.unroll_factor is None else loop.unroll_factor.value.data
    trips = loop.trip_count()
    if trips is not None and (factor is None or trips <= factor):
        if trips > max_copies:
            return f"{trips} iterations is more than max-copies={max_copies}"
        _full(loop, trips, jam)
        return None
    step = constant_index(loop.step)
    if step is None or factor is None:
        return "the step is not a constant"
    _partial(loop, factor, step, jam)
    return None


def _full(loop: ForOp, trips: int, jam: bool) -> None:
    lb, step = constant_index(loop.lb), constant_index(loop.step)
    assert lb is not None and step is not None
    heads: list[Operation] = []
    copies = [_copy(loop, None, lb + k * step, heads) for k in range(trips)]
    ops = _jammed(loop, copies) if jam else None
    ops = ops if ops is not None else [op for copy in copies for op in copy]
    Rewriter.insert_op(ops, InsertPoint.before(loop))
    _fold_accesses(ops, heads)
    Rewriter.erase_op(loop)


def _partial(loop: ForOp, factor: int, step: int, jam: bool) -> None:
    before: list[Operation] = []
    trips = loop.trip_count()
    if trips is not None and trips % factor == 0:
        end = loop.ub
    else:
        end = main_end(loop.lb, loop.ub, step, factor, before)
    main = ForOp(loop.lb, end, index_constant(step * factor, before))
    main.induction_var.name_hint = loop.induction_var.name_hint
    heads: list[Operation] = []
    copies = [_copy(loop, main.induction_var, k * step, heads) for k in range(factor)]
    ops = _jammed(loop, copies) if jam else None
    ops = ops if ops is not None else [op for copy in copies for op in copy]
    yield_op = main.body.block.last_op
    assert yield_op is not None
    Rewriter.insert_op(ops, InsertPoint.before(yield_op))
    Rewriter.insert_op([*before, main], InsertPoint.before(loop))
    _fold_accesses(ops, heads)
    if end is loop.ub:
        Rewriter.erase_op(loop)
        return
    # The tail: the original loop from `end`, as a serial loop.
    loop.operands = [end, loop.ub, loop.step]
    loop.properties["kind"] = LoopKindAttr(LoopKind.SERIAL)
    del loop.properties["unroll_factor"]


def _copy(loop: ForOp, iv: SSAValue | None, offset: int, heads: list[Operation]) -> list[Operation]:
    """The body of `loop` for induction value `iv + offset` (`offset` alone if iv is None).
    The first op defines that value (also added to `heads`); `_fold_accesses` folds it
    into the indices."""
    head: list[Operation] = []
    if iv is None:
        value = index_constant(offset, head)
    elif offset == 0:
        value = iv
    else:
        add = arith.AddiOp(iv, index_constant(offset, head))
        head.append(add)
        value = add.result
    value.name_hint = loop.induction_var.name_hint
    heads.extend(head)
    mapper: dict[SSAValue, SSAValue] = {loop.induction_var: value}
    clones = [op.clone(value_mapper=mapper) for op in body_ops(loop)]
    return [*head, *clones]


def _fold_accesses(ops: list[Operation], heads: list[Operation]) -> None:
    # loop.load %A[%k1] with %k1 = %k + 2 -> loop.load %A[%k + 2]; %k1 = 3 -> loop.load %A[3]
    folds: dict[SSAValue, tuple[SSAValue | None, int]] = {}
    for head in heads:
        if isinstance(head, arith.ConstantOp):
            value = constant_index(head.result)
            assert value is not None
            folds[head.result] = (None, value)
        elif isinstance(head, arith.AddiOp):
            value = constant_index(head.rhs)
            assert value is not None
            folds[head.result] = (head.lhs, value)
    for op in ops:
        for inner in list(op.walk()):
            if not isinstance(inner, AccessOp):
                continue
            new = inner
            for value in list(inner.indices):
                if value in folds:
                    base, offset = folds[value]
                    new = substitute(new, value, base, offset)
            if new is not inner:
                Rewriter.replace_op(inner, new)
    for head in reversed(heads):
        if all(not result.uses for result in head.results) and head.parent_block() is not None:
            Rewriter.erase_op(head)


def _jammed(loop: ForOp, copies: list[list[Operation]]) -> list[Operation] | None:
    """The copies with their inner loops fused into one (prefixes before it, suffixes
    after), or None when jamming is not legal (counted as a statistic)."""
    reason = _jam_blocker(loop)
    if reason is not None:
        if any(isinstance(op, ForOp) for op in body_ops(loop)):
            statistic(f"not-jammed: {reason}")
        return None
    prefixes: list[Operation] = []
    suffixes: list[Operation] = []
    inners: list[ForOp] = []
    for copy in copies:
        inner = next(op for op in copy if isinstance(op, ForOp))
        position = copy.index(inner)
        prefixes += copy[:position]
        suffixes += copy[position + 1 :]
        inners.append(inner)
    first = inners[0]
    first_yield = first.body.block.last_op
    assert isinstance(first_yield, YieldOp)
    for other in inners[1:]:
        for op in body_ops(other):
            op.detach()
            first.body.block.insert_op_before(op, first_yield)
        other.induction_var.replace_all_uses_with(first.induction_var)
        other.erase()
    statistic("jammed")
    return [*prefixes, first, *suffixes]


_JAMMABLE_DIALECTS = ("arith", "math", "vector")


def _jam_blocker(loop: ForOp) -> str | None:
    """Why the copies of `loop`'s body may not be jammed, or None if they may."""
    ops = body_ops(loop)
    inners = [op for op in ops if isinstance(op, ForOp)]
    if len(inners) != 1:
        return "the body does not hold exactly one inner loop"
    inner = inners[0]
    if any(defined_inside(v, loop) for v in inner.operands):
        return "the inner loop's bounds are computed in the body"
    accesses = [op for op in loop.walk() if isinstance(op, AccessOp)]
    written = {a.memref for a in accesses if a.STORES}
    for op in ops:
        if op is inner:
            continue
        if isinstance(op, LoadOp | VLoadOp) and op.memref not in written:
            continue
        if op.regions or op.dialect_name() not in _JAMMABLE_DIALECTS:
            return f"{op.name} next to the inner loop"
    for op in inner.walk():
        if op is inner or isinstance(op, AccessOp | ForOp | YieldOp | MinOp | MaxOp):
            continue
        if op.dialect_name() not in _JAMMABLE_DIALECTS:
            return f"{op.name} in the inner loop"
    for memref in written:
        group = [a for a in accesses if a.memref is memref]
        first = group[0]
        if any(a.map != first.map or list(a.indices) != list(first.indices) for a in group):
            return "a written buffer is accessed at two different indices"
        vector = any(isinstance(a, VLoadOp | VStoreOp) for a in group)
        if not _separates_copies(loop, first, vector):
            return "the copies may write the same element"
    return None


def _separates_copies(loop: ForOp, access: AccessOp, vector: bool) -> bool:
    """Whether some dimension of `access` is `iv * c + e` with c != 0 and `e` invariant."""
    iv = loop.induction_var
    if iv not in access.indices:
        return False
    position = list(access.indices).index(iv)
    results = access.map.data.results
    for dim, expr in enumerate(results):
        if vector and dim == len(results) - 1:
            continue
        form = linear_form(expr)
        if form is None or form[0].get(position, 0) == 0:
            continue
        others = [access.indices[d] for d in form[0] if d != position]
        if all(not defined_inside(v, loop) for v in others):
            return True
    return False
