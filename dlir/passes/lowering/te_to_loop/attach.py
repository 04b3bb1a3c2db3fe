"""compute_at: the region of a producer that a consumer's iterations under one loop read.

    te.compute_at "B" at "C" "i"       C[i, j] = B[i, j] + B[i, j + 1]   (j: 8)
    ->  inside C's loop i:  B's loops over  [i, i] x [0, 8]   (clamped to B's shape)
        loop.for %bi = %lo0 to %ub0 { loop.for %bj = %lo1 to %ub1 { B's body } }

For each read of the producer in the consumer's body, each index is an affine expression
of the consumer's loops: the loops up to the attach level are fixed, each inner loop
ranges over `[0, extent)`, so the index ranges over `[rest + sum of negative terms, rest +
sum of positive terms]`. The region is the union over the reads, clamped to the
producer's shape; an index that is not affine in the inner loops (a division, a value
read from memory) takes the producer's whole extent. The consumer must be the
producer's only reader, and the producer not a kernel result (checked on replay).
The producer keeps a whole-tensor buffer, indexed as usual; its loops must be its own
axes (not split or fused), which is all this seam supports before issue 5's store_at.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from xdsl.builder import Builder
from xdsl.ir import SSAValue
from xdsl.ir.affine import (
    AffineBinaryOpExpr,
    AffineBinaryOpKind,
    AffineConstantExpr,
    AffineDimExpr,
    AffineExpr,
)

from dlir.dialects.loop import MaxOp, MinOp
from dlir.dialects.te.compute import ComputeOp, ReadOp
from dlir.passes.lowering.te_to_loop.body import (
    affine_index,
    index_constant,
    lowering_error,
    materialize,
)
from dlir.passes.lowering.te_to_loop.nest import to_index
from dlir.passes.lowering.te_to_loop.plan import StagePlan, linear_in

Spans = list[tuple[AffineExpr, AffineExpr]] | None
"""For one index: `[low, high]` over the consumer's loops (dims), one pair per read; or
None when unknown (the producer's whole extent)."""


def read_spans(
    producer: ComputeOp,
    consumer: ComputeOp,
    plan: StagePlan,
    level: int,
) -> list[Spans]:
    """Per dim of the producer, what the consumer reads under loop `level` of `plan`.

    The schedule replay has checked that the consumer is the producer's only reader.
    """
    rank = len(producer.spatial_extents())
    args = list(consumer.body.block.args)
    axes = [plan.axes[name] for name in consumer.axis_names()]
    inner = [(p, loop.extent) for p, loop in enumerate(plan.loops) if p > level]
    spans: list[Spans] = [[] for _ in range(rank)]
    for read in _reads(consumer, producer):
        for dim, index in enumerate(read.indices):
            found = affine_index(index, args)
            span = None if found is None else _span(found.replace_dims_and_symbols(axes, []), inner)
            known = spans[dim]
            spans[dim] = None if span is None or known is None else [*known, span]
    return spans


def region(
    builder: Builder, spans: Sequence[Spans], extents: Sequence[int], ivs: dict[int, SSAValue]
) -> list[tuple[SSAValue, SSAValue]]:
    """`[lb, ub)` per dim: the union of the spans, clamped to `[0, extent)`."""
    bounds: list[tuple[SSAValue, SSAValue]] = []
    for span, extent in zip(spans, extents, strict=True):
        if not span:
            bounds.append((index_constant(builder, 0), index_constant(builder, extent)))
            continue
        lows = [low for low, _ in span]
        ends = [high + 1 for _, high in span]
        lb = _extreme(builder, lows, ivs, MinOp, min, clamp=(MaxOp, max, 0))
        ub = _extreme(builder, ends, ivs, MaxOp, max, clamp=(MinOp, min, extent))
        bounds.append((lb, ub))
    return bounds


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


def check_attachable(producer: StagePlan, op: ComputeOp) -> None:
    """The producer's loops must be its own axes: compute_at of split or fused loops
    needs the region mapped through them (issue 5)."""
    for axis, expr in producer.axes.items():
        if not isinstance(expr, AffineDimExpr):
            raise lowering_error(
                op,
                f"te-to-loop cannot compute stage '{producer.stage}' at a consumer's loop "
                f"when its own axis '{axis}' is split or fused yet (issue 5)",
            )


def _reads(stage: ComputeOp, producer: ComputeOp) -> list[ReadOp]:
    return [r for r in stage.reads() if r.tensor is producer.result]


def _span(
    expr: AffineExpr, inner: Sequence[tuple[int, int]]
) -> tuple[AffineExpr, AffineExpr] | None:
    # i + j + 1, j in [0, 8)  ->  [i + 1, i + 8]
    low = high = expr
    for position, extent in inner:
        low_part, high_part = linear_in(low, position), linear_in(high, position)
        if low_part is None or high_part is None:
            return None
        reach = low_part[0] * (extent - 1)
        low, high = low_part[1] + min(0, reach), high_part[1] + max(0, reach)
    return low, high
