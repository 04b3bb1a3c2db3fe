"""compute_at and store_at: the region of a producer that a consumer's iterations under
one loop read (bounds inference), and the producer's plan placed there.

    te.compute_at "B" at "C" "i"       C[i, j] = B[i, j] + B[i, j + 1]   (j: 8, B: 4x9)
    ->  inside C's loop i:  B over [i, i + 1) x [0, 9): origin (i, 0), size (1, 9)
        %B = loop.alloc "global" : memref<1x9xf32>
        loop.for %bi = 0 to 1 { loop.for %bj = 0 to 9 { B at (i + bi, bj) -> %B[bi, bj] } }
        ... C reads %B[i - i, j] = %B[0, j]

For each read of the producer in the consumer's body, each index is an affine expression
of the consumer's loops: the loops up to the level are fixed, each inner loop ranges over
`[0, extent)`, so the index ranges over `[rest + sum of negative terms, rest + sum of
positive terms]`. The region is the union over the reads. When every span has the same
base (`i + c`), its size is a constant and its origin an affine expression; when range
analysis cannot show it stays inside the producer's shape, the origin and end are
clamped (`loop.max`/`loop.min`) and the producer's loops are capped to the clamped size.
Spans with different bases take the producer's whole extent as the size; an index that
is not affine in the inner loops takes the whole extent and origin 0.

The producer's spatial loops then run over `[0, size)` (its splits and fuses rebuilt for
that size), its axes are `origin + loop index`, and its buffer (allocated at the store
level, by default the compute level) holds the store level's region.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace

from xdsl.builder import Builder
from xdsl.dialects import arith
from xdsl.ir import SSAValue
from xdsl.ir.affine import (
    AffineBinaryOpExpr,
    AffineBinaryOpKind,
    AffineConstantExpr,
    AffineExpr,
)

from dlir.dialects.loop import IndexExpr, MaxOp, MinOp
from dlir.dialects.te.compute import ComputeOp, ReadOp
from dlir.passes.lowering.te_to_loop.body import affine_index, index_constant, materialize
from dlir.passes.lowering.te_to_loop.nest import Indices, to_index
from dlir.passes.lowering.te_to_loop.plan import (
    Bound,
    StagePlan,
    expr_range,
    linear_in,
    simplify,
)

Spans = list[tuple[AffineExpr, AffineExpr]] | None
"""For one index: `[low, high]` over the consumer's loops (dims), one pair per read; or
None when unknown (the producer's whole extent)."""


Reader = tuple[Sequence[ComputeOp], int]
"""Another reader of a producer computed at a consumer's loop: the chain of stages from
the one computed at the consumer's loop at that position down to the reader, each
computed at a loop of the one before (softmax: `sum` at Y.i0, then `sum_rf` at sum.i0
reads `E`), and the position."""


def read_spans(
    producer: ComputeOp,
    consumer: ComputeOp,
    plan: StagePlan,
    level: int,
    others: Sequence[Reader] = (),
) -> list[Spans]:
    """Per dim of the producer, what the consumer reads under loop `level` of `plan`,
    with what `others` read: stages computed at the consumer's loops (each with the
    position of its loop, at or inside `level`), over the regions they compute there,
    or nested in such stages (over all the region of the stage they are computed in)."""
    axes = [plan.axes[name] for name in consumer.axis_names()]
    inner = [(p, loop.extent) for p, loop in enumerate(plan.loops) if p > level]
    spans: list[Spans] = _spans_of(producer, consumer, axes, inner)
    fresh = 1 + max((d for e in plan.axes.values() for d in e.used_dims()), default=-1)
    fresh = max(fresh, len(plan.loops))
    for chain, position in others:
        below = [(p, loop.extent) for p, loop in enumerate(plan.loops) if p > position]
        placed = _region_of(chain[0], consumer, axes, below)
        reader_inner = list(inner)
        reader_axes: list[AffineExpr] = []
        for link, next_link in zip(chain, [*chain[1:], None], strict=True):
            if placed is None:
                break
            # the link's spatial axis n ranges over origin_n + [0, size_n): origin_n over
            # the consumer's loops, the offset a new dim of that range
            reader_axes = []
            extents = [*placed, *((None, e) for e in link.reduce_extent_values())]
            for origin, size in extents:
                offset = AffineExpr.dimension(fresh)
                reader_axes.append(offset if origin is None else origin + offset)
                reader_inner.append((fresh, size))
                fresh += 1
            if next_link is not None:
                placed = _region_of(next_link, link, reader_axes, reader_inner)
        if placed is None:
            spans = [None for _ in spans]
            continue
        extra = _spans_of(producer, chain[-1], reader_axes, reader_inner)
        spans = [
            None if mine is None or theirs is None else [*mine, *theirs]
            for mine, theirs in zip(spans, extra, strict=True)
        ]
    return spans


def _spans_of(
    producer: ComputeOp,
    reader: ComputeOp,
    axes: Sequence[AffineExpr],
    inner: Sequence[tuple[int, int]],
) -> list[Spans]:
    """Per dim of `producer`, the spans `reader` reads when its axes are `axes` and the
    dims `inner` range over `[0, extent)`."""
    args = list(reader.body.block.args)
    spans: list[Spans] = [[] for _ in producer.spatial_extents()]
    for read in _reads(reader, producer):
        for dim, index in enumerate(read.indices):
            found = _read_index(index, args)
            span = None if found is None else _span(found.replace_dims_and_symbols(axes, []), inner)
            known = spans[dim]
            spans[dim] = None if span is None or known is None else [*known, span]
    return spans


def _read_index(value: SSAValue, axes: Sequence[SSAValue]) -> AffineExpr | None:
    """`affine_index`, and the index of a packed stage's reader: `o divsi 8` and
    `o remsi 8` (a non-negative index) as `o floordiv 8` and `o mod 8`."""
    op = value.owner
    if not isinstance(op, arith.DivSIOp | arith.RemSIOp):
        return affine_index(value, axes)
    lhs, rhs = affine_index(op.lhs, axes), affine_index(op.rhs, axes)
    if lhs is None or not isinstance(rhs, AffineConstantExpr) or rhs.value <= 0:
        return None
    reach = expr_range(lhs, {d: (0, 1 << 40) for d in lhs.used_dims()})
    if reach is None or reach[0] < 0:
        return None
    return lhs // rhs.value if isinstance(op, arith.DivSIOp) else lhs % rhs.value


def _region_of(
    stage: ComputeOp,
    reader: ComputeOp,
    axes: Sequence[AffineExpr],
    inner: Sequence[tuple[int, int]],
) -> list[tuple[AffineExpr, int]] | None:
    """The (origin, size) per spatial dim of a region containing what `reader` reads of
    `stage` when its axes are `axes` and the dims `inner` range over `[0, extent)`
    (before clamping it to `stage`'s shape), when its origin is affine in the other
    dims; else None."""
    found: list[tuple[AffineExpr, int]] = []
    spans = _spans_of(stage, reader, axes, inner)
    for span, extent in zip(spans, stage.spatial_extents(), strict=True):
        if not span:
            # not read (or not affinely): the whole extent contains it
            found.append((AffineExpr.constant(0), extent))
            continue
        lows = [_split_constant(low) for low, _ in span]
        highs = [_split_constant(high) for _, high in span]
        if len({b for b, _ in lows} | {b for b, _ in highs}) != 1:
            return None
        base = lows[0][0]
        low, high = min(c for _, c in lows), max(c for _, c in highs)
        found.append((simplify(base + low), high - low + 1))
    return found


@dataclass
class Region:
    """Per spatial dim of a producer, what a consumer reads under one of its loops."""

    origins: list[IndexExpr]
    """The index of the region's first element, over the consumer's index values."""
    sizes: list[int]
    """The region's size, or a constant bound of it: the buffer's shape, the loops' extents."""
    limits: list[IndexExpr | None]
    """The region's size when it may be smaller than `sizes` (clamped at the shape)."""


def infer_region(
    builder: Builder,
    producer: ComputeOp,
    consumer: ComputeOp,
    plan: StagePlan,
    level: int,
    ivs: dict[int, SSAValue],
    slide: int | None = None,
    others: Sequence[Reader] = (),
) -> Region:
    """What `consumer` (planned by `plan`, indices `ivs`) reads of `producer` under its
    loop `level`; clamping ops are built at `builder`.

    With `slide` (the loop `level` itself, when the producer's storage is outside it and
    it runs serially), each iteration after the first computes only what the previous
    ones did not (Halide's sliding window), when the region moves along one dim only.
    `others` are the producer's other readers, computed at the consumer's loops inside
    `level` or nested in stages computed there (see `read_spans`): the region is the
    union of what they all read.
    """
    spans = read_spans(producer, consumer, plan, level, others)
    if isinstance(ivs, Indices) and ivs.tail and ivs.fixed:
        # in a peeled tail of one tile (`xo` = 9): the region's origin and size fold
        spans = [
            None if span is None else [(ivs.fold(low), ivs.fold(high)) for low, high in span]
            for span in spans
        ]
    ranges = {p: (0, loop.extent - 1) for p, loop in enumerate(plan.loops) if p <= level}
    moving = [n for n, span in enumerate(spans) if slide is not None and _uses(span, slide)]
    inside = not others and _all_valid(plan, level, ivs)
    found = Region([], [], [])
    for n, (span, extent) in enumerate(zip(spans, producer.spatial_extents(), strict=True)):
        along = slide if moving == [n] else None
        origin, size, limit = _dim_region(builder, span, extent, ranges, ivs, along, inside)
        found.origins.append(origin)
        found.sizes.append(size)
        found.limits.append(limit)
    return found


def _dim_region(
    builder: Builder,
    span: Spans,
    extent: int,
    ranges: dict[int, tuple[int, int]],
    ivs: dict[int, SSAValue],
    slide: int | None,
    inside: bool,
) -> tuple[IndexExpr, int, IndexExpr | None]:
    if not span:
        return IndexExpr.of(0), extent, None
    lows = [_split_constant(low) for low, _ in span]
    highs = [_split_constant(high) for _, high in span]
    bases = {b for b, _ in lows} | {b for b, _ in highs}
    if len(bases) == 1:
        # i + 1, i + 3 -> origin i + 1, size 3 (a sliding window of constant width)
        base = lows[0][0]
        low, high = min(c for _, c in lows), max(c for _, c in highs)
        size = min(high - low + 1, extent)
        # clamp only the sides range analysis cannot keep inside [0, extent)
        reach = expr_range(base, ranges)
        start = to_index(simplify(base + low), ivs)
        end = to_index(simplify(base + high + 1), ivs)
        clamped = False
        step = linear_in(base, slide) if slide is not None else None
        if slide is not None and step is not None and 0 < step[0] < size:
            # rows i .. i + 2, then at i > 0 only row i + 2 is new:
            # start = base + low + min(i, 1) * (high - step + 1 - low)
            later = builder.insert(MinOp(ivs[slide], index_constant(builder, 1))).result
            start = start + IndexExpr.of(later) * (high - step[0] + 1 - low)
            start = IndexExpr.of(materialize(builder, start))
            clamped = True
        if not inside and (reach is None or reach[0] + low < 0):
            zero = index_constant(builder, 0)
            start = IndexExpr.of(builder.insert(MaxOp(materialize(builder, start), zero)).result)
            clamped = True
        if not inside and (reach is None or reach[1] + high >= extent):
            bound = (MinOp, min, extent)
            end = IndexExpr.of(_extreme(builder, [base + high + 1], ivs, MinOp, min, bound))
            clamped = True
        return start, size, _difference(end, start) if clamped else None
    start = _extreme(builder, [low for low, _ in span], ivs, MinOp, min, clamp=(MaxOp, max, 0))
    ends = [high + 1 for _, high in span]
    end = _extreme(builder, ends, ivs, MaxOp, max, clamp=(MinOp, min, extent))
    return IndexExpr.of(start), extent, _difference(IndexExpr.of(end), IndexExpr.of(start))


def _all_valid(plan: StagePlan, level: int, ivs: dict[int, SSAValue]) -> bool:
    """Whether every iteration of the consumer's loops inside `level` is one of its
    points: each bound over those loops is settled by a peeled main loop around them
    (`nest.py`). Its reads then stay inside the producer's shape, so a region of one
    base needs no clamp (the main loop of `xo` with `xo * 6 + xi < 56`: 6 columns)."""
    settled = ivs.settled if isinstance(ivs, Indices) else frozenset[Bound]()
    return all(
        bound in settled
        for bound in plan.all_bounds()
        if any(level < d < len(plan.loops) for d in bound.expr.used_dims())
    )


def _uses(span: Spans, dim: int) -> bool:
    return bool(span) and any(
        dim in low.used_dims() or dim in high.used_dims() for low, high in span or []
    )


def _difference(end: IndexExpr, start: IndexExpr) -> IndexExpr:
    difference = end - start
    return IndexExpr(difference.values, simplify(difference.expr))


def place(
    plan: StagePlan, producer: ComputeOp, region: Region, store: Region
) -> tuple[StagePlan, dict[int, SSAValue]]:
    """`plan` (built for the region's sizes) moved to the region's origin, capped to its
    limits, writing its buffer relative to the `store` region's origin; and the index
    values of the dims it uses beyond its loops."""
    extra: dict[int, SSAValue] = {}
    first = len(plan.loops)

    def embed(index: IndexExpr) -> AffineExpr:
        # the consumer's index values become dims after the producer's loops (one dim
        # per value, so that the same origin embedded twice cancels out)
        dims: list[AffineExpr] = []
        for value in index.values:
            dim = next((d for d, v in extra.items() if v is value), None)
            if dim is None:
                dim = first + len(extra)
                extra[dim] = value
            dims.append(AffineExpr.dimension(dim))
        return index.expr.replace_dims_and_symbols(dims, [])

    axes = dict(plan.axes)
    bounds = list(plan.bounds)
    origin: list[AffineExpr] = []
    spatial = [a.data for a in producer.spatial_axes.data]
    for n, axis in enumerate(spatial):
        relative = plan.axes[axis]
        axes[axis] = simplify(relative + embed(region.origins[n]))
        limit = region.limits[n]
        if limit is not None:
            bounds.append(Bound(relative - embed(limit), 0))
        origin.append(embed(store.origins[n]))
    placed = replace(plan, axes=axes, bounds=bounds, origin=tuple(origin))
    return placed, extra


def _extreme(
    builder: Builder,
    exprs: Sequence[AffineExpr],
    ivs: dict[int, SSAValue],
    op: type[MinOp | MaxOp],
    fold: Callable[[Iterable[int]], int],
    clamp: tuple[type[MinOp | MaxOp], Callable[[Iterable[int]], int], int],
) -> SSAValue:
    """`clamp(op(exprs...), limit)`, folded to a constant when every expr is one."""
    clamp_op, clamp_fold, limit = clamp
    if all(isinstance(e, AffineConstantExpr) for e in exprs):
        values = [e.value for e in exprs if isinstance(e, AffineConstantExpr)]
        return index_constant(builder, clamp_fold([fold(values), limit]))
    bases = {_base(e)[0] for e in exprs}
    if len(bases) == 1:
        # i, i + 2 -> min is i, max is i + 2: one expression, picked statically
        exprs = [_base(exprs[0])[0] + fold(_base(e)[1] for e in exprs)]
    values = [materialize(builder, to_index(e, ivs)) for e in exprs]
    value = values[0] if len(values) == 1 else builder.insert(op(*values)).result
    return builder.insert(clamp_op(value, index_constant(builder, limit))).result


def _base(expr: AffineExpr) -> tuple[AffineExpr, int]:
    """`expr` as `base + constant`."""
    if (
        isinstance(expr, AffineBinaryOpExpr)
        and expr.kind == AffineBinaryOpKind.Add
        and isinstance(expr.rhs, AffineConstantExpr)
    ):
        return expr.lhs, expr.rhs.value
    return expr, 0


def _split_constant(expr: AffineExpr) -> tuple[AffineExpr, int]:
    """`expr` as `base + constant`, simplified (a constant has base 0)."""
    expr = simplify(expr)
    if isinstance(expr, AffineConstantExpr):
        return AffineExpr.constant(0), expr.value
    return _base(expr)


def _reads(stage: ComputeOp, producer: ComputeOp) -> list[ReadOp]:
    return [r for r in stage.reads() if r.tensor is producer.result]


def _span(
    expr: AffineExpr, inner: Sequence[tuple[int, int]]
) -> tuple[AffineExpr, AffineExpr] | None:
    # i + j + 1, j in [0, 8)  ->  [i + 1, i + 8]
    if (
        isinstance(expr, AffineBinaryOpExpr)
        and expr.kind in (AffineBinaryOpKind.FloorDiv, AffineBinaryOpKind.Mod)
        and isinstance(expr.rhs, AffineConstantExpr)
        and expr.rhs.value > 0
    ):
        return _divided_span(expr.lhs, expr.kind, expr.rhs.value, inner)
    low = high = expr
    for position, extent in inner:
        low_part, high_part = linear_in(low, position), linear_in(high, position)
        if low_part is None or high_part is None:
            return _sum_span(expr, inner)
        reach = low_part[0] * (extent - 1)
        low, high = low_part[1] + min(0, reach), high_part[1] + max(0, reach)
    return low, high


def reads_in_place(consumer: ComputeOp, producer: ComputeOp) -> bool:
    """Whether `consumer`, elementwise and of `producer`'s type, reads `producer` only at
    its own point (Y[i, j] = exp[i, j] * r[i]): each element of `producer` is then read
    right before `consumer` writes the same element, so `producer` may live in
    `consumer`'s buffer (as onnxruntime's softmax writes exp into Y and scales it there)."""
    if consumer.init is not None or producer.init is not None:
        return False
    if producer.result.type != consumer.result.type:
        return False
    reads = _reads(consumer, producer)
    args = list(consumer.body.block.args)
    for read in reads:
        for dim, index in enumerate(read.indices):
            found = affine_index(index, args)
            if found != AffineExpr.dimension(dim):
                return False
    return bool(reads)


def _sum_span(
    expr: AffineExpr, inner: Sequence[tuple[int, int]]
) -> tuple[AffineExpr, AffineExpr] | None:
    # o * 4 + i floordiv 8, i in [0, 32)  ->  [o * 4, o * 4 + 3]: the terms use no inner
    # dim in common, so the span of the sum is the sum of their spans (exact)
    if not isinstance(expr, AffineBinaryOpExpr) or expr.kind != AffineBinaryOpKind.Add:
        return None
    dims = {position for position, _ in inner}
    if expr.lhs.used_dims() & expr.rhs.used_dims() & dims:
        return None
    lhs, rhs = _span(expr.lhs, inner), _span(expr.rhs, inner)
    if lhs is None or rhs is None:
        return None
    return simplify(lhs[0] + rhs[0]), simplify(lhs[1] + rhs[1])


def _divided_span(
    expr: AffineExpr, kind: AffineBinaryOpKind, divisor: int, inner: Sequence[tuple[int, int]]
) -> tuple[AffineExpr, AffineExpr] | None:
    # the index of a packed layout (a cache stage blocked by 8) read by a loop of 32:
    # (o * 32 + i) floordiv 8, i in [0, 32)  ->  [o * 4, o * 4 + 3]
    # (o * 32 + i) mod 8,      i in [0, 32)  ->  [0, 7]
    span = _span(expr, inner)
    if span is None:
        return None
    (base, low), (high_base, high) = _split_constant(span[0]), _split_constant(span[1])
    if base != high_base:
        return None
    quotient = _divided(base, divisor)
    if quotient is None:
        return None
    first, last = low // divisor, high // divisor
    if kind == AffineBinaryOpKind.FloorDiv:
        return simplify(quotient + first), simplify(quotient + last)
    if first == last:
        return AffineExpr.constant(low % divisor), AffineExpr.constant(high % divisor)
    return AffineExpr.constant(0), AffineExpr.constant(divisor - 1)


def _divided(expr: AffineExpr, divisor: int) -> AffineExpr | None:
    """`expr floordiv divisor` when every coefficient of `expr` (no constant) is a
    multiple of it (`o * 32 + y * 8` by 8 -> `o * 4 + y`); else None."""
    quotient: AffineExpr = AffineExpr.constant(0)
    rest = expr
    for dim in sorted(expr.used_dims()):
        linear = linear_in(rest, dim)
        if linear is None or linear[0] % divisor:
            return None
        quotient = quotient + AffineExpr.dimension(dim) * (linear[0] // divisor)
        rest = linear[1]
    rest = simplify(rest)
    if not isinstance(rest, AffineConstantExpr) or rest.value % divisor:
        return None
    return simplify(quotient + rest.value // divisor)
