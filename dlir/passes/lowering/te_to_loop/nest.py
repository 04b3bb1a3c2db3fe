"""Loop nests from a plan: one `loop.for` per planned loop, with split tails bounded.

    loops io: 3, ii: 4   bounds io * 4 + ii < 10
    ->
    loop.for %io = %c0 to %c3 step %c1 {
      %n = arith.subi %c10, %io*4 ...              (10 - io * 4)
      %ub = loop.min %c4, %n
      loop.for %ii = %c0 to %ub step %c1 { leaf }
    }

A bound is placed at the innermost loop it depends on. When it is linear in that loop's
index (`c * x + rest < limit`), it caps the loop: `x < ceildiv(limit - rest, c)`.
Otherwise (a fused index under `floordiv`/`mod`) the body of that loop is guarded by a
loop of one or zero iterations, `loop.for %g = %c0 to (cond ? 1 : 0)`, since the loop
dialect has no `if`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from xdsl.builder import Builder
from xdsl.dialects import arith
from xdsl.dialects.builtin import UnitAttr
from xdsl.ir import Operation, SSAValue
from xdsl.ir.affine import AffineExpr
from xdsl.rewriter import InsertPoint

from dlir.dialects.loop import ForOp, IndexExpr, LoopKind, MinOp
from dlir.dialects.te.compute import is_valid_axis_name
from dlir.passes.lowering.te_to_loop.body import index_constant, materialize
from dlir.passes.lowering.te_to_loop.plan import Bound, PlanLoop, linear_in

Leaf = Callable[[Builder, dict[int, SSAValue]], None]
"""`leaf(builder, ivs)`: fill the innermost body; `ivs[N]` is the index of plan loop N."""

Enter = Callable[[int, Builder, dict[int, SSAValue]], None]
"""`enter(position, builder, ivs)`: called at the top of the body of each loop."""

GUARD_ATTR = "te_to_loop.guard"
"""Marks the one-or-zero-iteration loops that guard a body (nothing is hoisted out)."""


def to_index(expr: AffineExpr, ivs: dict[int, SSAValue]) -> IndexExpr:
    """`expr` over plan loop dims as an `IndexExpr` over the loop index values."""
    used = sorted(expr.used_dims())
    moved = [AffineExpr.dimension(0)] * (max(used, default=-1) + 1)
    for n, dim in enumerate(used):
        moved[dim] = AffineExpr.dimension(n)
    return IndexExpr(tuple(ivs[d] for d in used), expr.replace_dims_and_symbols(moved, []))


def build_nest(
    builder: Builder,
    loops: Sequence[PlanLoop],
    positions: Sequence[int],
    bounds: Sequence[Bound],
    ivs: dict[int, SSAValue],
    leaf: Leaf,
    *,
    enter: Enter | None = None,
) -> None:
    """Loops for `loops[p]`, p in `positions` (outermost first), inside loops bound to
    `ivs`; the bounds that depend on one of these loops are placed on the way in.

    `enter(p, builder, ivs)` runs first in the body of loop p. `ivs` may also hold dims
    past the loops (values from outside the nest, such as a region's origin).
    """
    if not positions:
        leaf(builder, ivs)
        return
    position, rest = positions[0], positions[1:]
    loop = loops[position]
    known = set(ivs) | {position}
    # a bound goes to the innermost loop it uses; dims past the loops are values from
    # outside the nest (a region's origin), known from the start
    here = [
        b
        for b in bounds
        if max((d for d in b.expr.used_dims() if d < len(loops)), default=-1) == position
        and b.expr.used_dims() <= known
    ]
    zero, one = index_constant(builder, 0), index_constant(builder, 1)
    lb, ub = (zero, index_constant(builder, loop.extent))
    guards: list[Bound] = []
    for bound in here:
        linear = linear_in(bound.expr, position)
        if linear is None or linear[0] <= 0:
            guards.append(bound)
            continue
        coefficient, offset = linear
        room = to_index(AffineExpr.constant(bound.limit) - offset, ivs)
        limit = materialize(builder, room.ceildiv(coefficient) if coefficient > 1 else room)
        ub = builder.insert(MinOp(ub, limit)).result
    for_op = ForOp(lb, ub, one, None, loop.kind, **_kind_options(loop, lb, ub))
    builder.insert(for_op)
    inner = Builder(InsertPoint.before(_terminator(for_op)))
    inner_ivs = {**ivs, position: for_op.induction_var}
    for_op.induction_var.name_hint = loop.name if is_valid_axis_name(loop.name) else None
    if guards:
        inner = _guard(inner, [(to_index(g.expr, inner_ivs), g.limit) for g in guards])
    if enter is not None:
        enter(position, inner, inner_ivs)
    build_nest(inner, loops, rest, bounds, inner_ivs, leaf, enter=enter)


def _guard(builder: Builder, conditions: Sequence[tuple[IndexExpr, int]]) -> Builder:
    # a < A and b < B  ->  loop.for %guard = %c0 to select(a < A && b < B, 1, 0) step %c1 { ... }
    ok: SSAValue | None = None
    for index, limit in conditions:
        value = materialize(builder, index)
        limit_value = index_constant(builder, limit)
        test = builder.insert(arith.CmpiOp(value, limit_value, "slt")).result
        ok = test if ok is None else builder.insert(arith.AndIOp(ok, test)).result
    assert ok is not None
    zero, one = index_constant(builder, 0), index_constant(builder, 1)
    trips = builder.insert(arith.SelectOp(ok, one, zero)).result
    guard = ForOp(zero, trips, one)
    guard.attributes[GUARD_ATTR] = UnitAttr()
    guard.induction_var.name_hint = "guard"
    builder.insert(guard)
    return Builder(InsertPoint.before(_terminator(guard)))


def _kind_options(loop: PlanLoop, lb: SSAValue, ub: SSAValue) -> dict[str, int | None]:
    if loop.kind == LoopKind.VECTORIZED:
        return {"vector_width": loop.vector_width or loop.extent}
    if loop.kind == LoopKind.UNROLLED:
        # a full unroll needs constant bounds: a capped tail loop unrolls by its extent
        constant = all(isinstance(v.owner, arith.ConstantOp) for v in (lb, ub))
        return {"unroll_factor": loop.unroll_factor or (None if constant else loop.extent)}
    return {}


def _terminator(op: ForOp) -> Operation:
    last = op.body.block.last_op
    assert last is not None
    return last
