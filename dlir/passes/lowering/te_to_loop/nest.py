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

Tail peeling (TVM's loop partition; Halide's lowering partitions loops the same way into
a steady state and an epilogue, instead of `GuardWithIf` in every tile): a capped loop
that is part of a register tile (unrolled or vectorized, or inside such a loop) would get
a `loop.min` bound in every tile, and then LLVM neither unrolls it nor keeps the tile in
registers. So the loop its bound steps with (the split's outer loop `io`, the innermost
loop of `rest`) is cut in two: a main loop over the tiles where the bound cannot bind,
whose nests are built without it (constant inner bounds), and a tail loop over the rest
with the bound as before:

    loops io: 3, ii: 4 (unrolled)   bounds io * 4 + ii < 10
    ->
    loop.for %io = %c0 to %c2 step %c1 { loop.for %ii = %c0 to %c4 step %c1 unrolled { leaf } }
    loop.for %io = %c2 to %c3 step %c1 { loop.for %ii = %c0 to %c2 step %c1 unrolled { leaf } }

The main loop ends at `ceildiv(limit - rest' - c * (extent - 1), c_io)` (`rest = c_io * io +
rest'`), clamped to `[0, extent of io]`: a constant for a split, a value for a region of a
compute_at stage. A tail of one iteration of a constant main end fixes `io` there, so the
bounds inside fold to constants too (the tile of the last 2 rows unrolls fully), as
they do inside any loop of one known iteration.

Code size stays linear in the number of peeled bounds: the main loop is peeled again for
the next register-tile bound inside it, a tail never is (its bounds stay `loop.min`s; it
holds one row or column of tiles, a small part of the work). Loops that are not part of a
register tile keep their `loop.min`: a cache-block tail costs one min per block, nothing
per element. The nests of the main loop built by a leaf (the reduction nests of a stage,
`kernel.py`) know the bounds peeled around them through `Indices`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from xdsl.builder import Builder
from xdsl.dialects import arith
from xdsl.dialects.builtin import IntegerAttr, SymbolRefAttr, UnitAttr
from xdsl.ir import Operation, SSAValue
from xdsl.ir.affine import AffineConstantExpr, AffineExpr
from xdsl.rewriter import InsertPoint

from dlir.dialects.loop import ForOp, IndexExpr, LoopKind, MaxOp, MinOp, constant_index
from dlir.dialects.te.compute import is_valid_axis_name
from dlir.passes.lowering.te_to_loop.body import index_constant, materialize
from dlir.passes.lowering.te_to_loop.plan import Bound, PlanLoop, linear_in, simplify

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
    `ivs`; the bounds that depend on one of these loops are placed on the way in, and
    those of register tiles peeled (see the module's docstring).

    `enter(p, builder, ivs)` runs first in the body of loop p. `ivs` may also hold dims
    past the loops (values from outside the nest, such as a region's origin).
    """
    if not positions:
        leaf(builder, ivs)
        return
    position, rest = positions[0], positions[1:]
    loop = loops[position]
    context = ivs if isinstance(ivs, Indices) else Indices(ivs)
    live = [b for b in bounds if b not in context.settled]
    known = set(ivs) | {position}
    # a bound goes to the innermost loop it uses; dims past the loops are values from
    # outside the nest (a region's origin), known from the start
    here = [
        b
        for b in live
        if max((d for d in b.expr.used_dims() if d < len(loops)), default=-1) == position
        and b.expr.used_dims() <= known
    ]
    zero = index_constant(builder, 0)
    ub = index_constant(builder, loop.extent)
    guards: list[Bound] = []
    for bound in here:
        linear = linear_in(bound.expr, position)
        if linear is None or linear[0] <= 0:
            guards.append(bound)
            continue
        coefficient, offset = linear
        room = context.fold(AffineExpr.constant(bound.limit) - offset)
        if isinstance(room, AffineConstantExpr):
            limit = index_constant(builder, max(0, -(-room.value // coefficient)))
        else:
            index = to_index(room, ivs)
            limit = materialize(builder, index.ceildiv(coefficient) if coefficient > 1 else index)
        ub = _min(builder, ub, limit)
    candidates = [] if context.tail else [b for b in live if _peels_at(b, loops, position, ivs)]
    main, peeled = _main_end(builder, loops, position, candidates, ivs, ub)
    settled = context.settled | frozenset(peeled)
    if main is ub:
        # no tail: the peeled bounds never bind (or none is peeled)
        inner = context.inside(settled=settled, fixed=_fix(context, position, zero, ub))
        _loop(builder, loops, position, (zero, ub), guards, inner, rest, bounds, leaf, enter)
        return
    inner = context.inside(settled=settled, fixed=_fix(context, position, zero, main))
    _loop(builder, loops, position, (zero, main), guards, inner, rest, bounds, leaf, enter)
    tail = context.inside(tail=True, fixed=_fix(context, position, main, ub))
    _loop(builder, loops, position, (main, ub), guards, tail, rest, bounds, leaf, enter)


class Indices(dict[int, SSAValue]):
    """Loop index values by plan position (what `build_nest` passes to its callbacks),
    with what the loops around them say about the nests built inside them.

    `settled`: the bounds a main loop of a peeled tail guarantees (not placed again);
    `tail`: inside a peeled tail (nothing is peeled there); `fixed`: the positions whose
    loop runs one known iteration (a tail of one tile), with their value.
    """

    def __init__(
        self,
        values: dict[int, SSAValue],
        settled: frozenset[Bound] = frozenset(),
        tail: bool = False,
        fixed: dict[int, int] | None = None,
    ) -> None:
        super().__init__(values)
        self.settled = settled
        self.tail = tail
        self.fixed = dict(fixed or {})

    def inside(
        self,
        *,
        settled: frozenset[Bound] | None = None,
        tail: bool | None = None,
        fixed: dict[int, int] | None = None,
    ) -> Indices:
        """The same indices and knowledge, with the fields given replaced."""
        return Indices(
            self,
            self.settled if settled is None else settled,
            self.tail if tail is None else tail,
            self.fixed if fixed is None else fixed,
        )

    def with_index(self, position: int, value: SSAValue) -> Indices:
        """These indices plus loop `position`'s."""
        found = self.inside()
        found[position] = value
        return found

    def fold(self, expr: AffineExpr) -> AffineExpr:
        """`expr` with the fixed positions replaced by their values, simplified."""
        if not self.fixed:
            return simplify(expr)
        used = expr.used_dims()
        values = [
            AffineExpr.constant(self.fixed[d]) if d in self.fixed else AffineExpr.dimension(d)
            for d in range(max(used, default=-1) + 1)
        ]
        return simplify(expr.replace_dims_and_symbols(values, []))


def _loop(
    builder: Builder,
    loops: Sequence[PlanLoop],
    position: int,
    span: tuple[SSAValue, SSAValue],
    guards: Sequence[Bound],
    context: Indices,
    rest: Sequence[int],
    bounds: Sequence[Bound],
    leaf: Leaf,
    enter: Enter | None,
) -> None:
    """`loop.for` over `span` for plan loop `position`, its body the nest of `rest`."""
    loop = loops[position]
    lb, ub = span
    kind = loop.kind
    if kind == LoopKind.PARALLEL and _trips(lb, ub) == 1:
        # a peeled tail of one tile: not worth a task
        kind = LoopKind.SERIAL
    one = index_constant(builder, 1)
    for_op = ForOp(lb, ub, one, None, kind, **_kind_options(loop, lb, ub))
    if loop.vthreads is not None:
        for_op.attributes["vthread"] = IntegerAttr(loop.vthreads, 64)
    if loop.tensorize is not None and not context.tail and _trips(lb, ub) == loop.extent:
        # a full tile: loop-tensorize replaces this nest (a peeled tail stays loops)
        intrinsic, location = loop.tensorize
        for_op.attributes["tensorize"] = SymbolRefAttr(intrinsic)
        for_op.location = location
    builder.insert(for_op)
    inner = Builder(InsertPoint.before(_terminator(for_op)))
    inner_ivs = context.with_index(position, for_op.induction_var)
    for_op.induction_var.name_hint = loop.name if is_valid_axis_name(loop.name) else None
    if guards:
        inner = _guard(inner, [(to_index(g.expr, inner_ivs), g.limit) for g in guards])
    if enter is not None:
        enter(position, inner, inner_ivs)
    build_nest(inner, loops, rest, bounds, inner_ivs, leaf, enter=enter)


def _peels_at(
    bound: Bound, loops: Sequence[PlanLoop], position: int, ivs: dict[int, SSAValue]
) -> bool:
    """Whether `bound` is a register tile's bound whose tail is peeled at loop `position`:
    `c * x_p + c_q * x_q + rest' < limit` with p a register-tile loop not built yet, q =
    `position` the innermost loop of the rest, c and c_q positive, rest' known here."""
    if loops[position].kind == LoopKind.VECTORIZED:
        return False
    dims = [d for d in bound.expr.used_dims() if d < len(loops)]
    p = max(dims, default=-1)
    if p <= position or p in ivs or not _in_register_tile(loops, p):
        return False
    linear = linear_in(bound.expr, p)
    if linear is None or linear[0] <= 0:
        return False
    outer = [d for d in linear[1].used_dims() if d < len(loops)]
    if max(outer, default=-1) != position:
        return False
    stepping = linear_in(linear[1], position)
    if stepping is None or stepping[0] <= 0:
        return False
    return stepping[1].used_dims() <= set(ivs)


def _in_register_tile(loops: Sequence[PlanLoop], position: int) -> bool:
    """Whether loop `position` is unrolled, vectorized or tensorized, or inside such a
    loop (an intrinsic takes full tiles only: its tails are peeled too)."""
    tile = (LoopKind.UNROLLED, LoopKind.VECTORIZED)
    return any(loop.kind in tile or loop.tensorize for loop in loops[: position + 1])


def _main_end(
    builder: Builder,
    loops: Sequence[PlanLoop],
    position: int,
    candidates: Sequence[Bound],
    ivs: dict[int, SSAValue],
    ub: SSAValue,
) -> tuple[SSAValue, list[Bound]]:
    """Where the main loop of `position` ends (at most `ub`): the first iteration where
    one of the bounds peeled may bind; and those bounds, the `candidates` that do not
    bind at its first iteration already (their loop is all tail: nothing to peel)."""
    end = ub
    peeled: list[Bound] = []
    for bound in candidates:
        p = max(d for d in bound.expr.used_dims() if d < len(loops))
        linear = linear_in(bound.expr, p)
        assert linear is not None
        coefficient, rest = linear
        stepping = linear_in(rest, position)
        assert stepping is not None
        step, known = stepping
        # c * (extent_p - 1) + step * x + known < limit  <=>  x < ceildiv(room, step)
        reach = coefficient * (loops[p].extent - 1)
        room = simplify(AffineExpr.constant(bound.limit - reach) - known)
        if isinstance(room, AffineConstantExpr):
            first = max(0, -(-room.value // step))
            if first == 0:
                continue
            value = index_constant(builder, first)
        else:
            # max(room, 0) first: ceildiv is computed as (a + step - 1) divsi step, a >= 0
            zero = index_constant(builder, 0)
            positive = builder.insert(MaxOp(materialize(builder, to_index(room, ivs)), zero))
            value = positive.result
            if step > 1:
                value = materialize(builder, IndexExpr.of(value).ceildiv(step))
        end = _min(builder, end, value)
        peeled.append(bound)
    return end, peeled


def _min(builder: Builder, lhs: SSAValue, rhs: SSAValue) -> SSAValue:
    """`loop.min lhs, rhs`, or the smaller one when both are constants."""
    a, b = constant_index(lhs), constant_index(rhs)
    if a is not None and b is not None:
        return lhs if a <= b else rhs
    return builder.insert(MinOp(lhs, rhs)).result


def _fix(context: Indices, position: int, lb: SSAValue, ub: SSAValue) -> dict[int, int]:
    """`context.fixed`, plus loop `position` when `[lb, ub)` is one known iteration."""
    start = constant_index(lb)
    if start is None or _trips(lb, ub) != 1:
        return context.fixed
    return {**context.fixed, position: start}


def _trips(lb: SSAValue, ub: SSAValue) -> int | None:
    a, b = constant_index(lb), constant_index(ub)
    return None if a is None or b is None else max(0, b - a)


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
