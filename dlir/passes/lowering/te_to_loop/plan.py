"""Loop plans: the loops of one stage, and how its axes are rebuilt from their indices.

A plan is what `te-to-loop` builds a stage's loop nest from, whatever made it: the
default schedule (`default_schedule.py`) or a replayed `te.schedule` (`schedule.py`).

    te.split "C" "i" by 4 -> "io", "ii"        (i has extent 10)
    ->  loops   io: 3, ii: 4, j: 16            (outermost first)
        axes    i = io * 4 + ii, j = j         (affine, dim N = the N-th loop's index)
        bounds  io * 4 + ii < 10               (a split that does not divide)

A stage with `attach` runs inside a loop of its consumer, over the region the consumer's
iterations under that loop read (`attach.py`). Issue 5 extends this seam: store_at and
cache stages shrink buffers to such regions, rfactor and cache stages add plans.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from xdsl.ir.affine import (
    AffineBinaryOpExpr,
    AffineBinaryOpKind,
    AffineConstantExpr,
    AffineDimExpr,
    AffineExpr,
)

from dlir.dialects.loop import LoopKind


@dataclass
class PlanLoop:
    """One loop of a nest: `for name in [0, extent)`, run the way `kind` says."""

    name: str
    extent: int
    is_reduction: bool
    kind: LoopKind = LoopKind.SERIAL
    vector_width: int | None = None
    unroll_factor: int | None = None


@dataclass(frozen=True)
class Bound:
    """`expr < limit`: an index rebuilt from the loops must stay inside its axis."""

    expr: AffineExpr
    limit: int


@dataclass
class StagePlan:
    """The loops of a stage, outermost first, and its axes as expressions of their indices.

    `axes` maps each axis of the te.compute (spatial and reduction) to an affine
    expression whose dim N stands for the index of `loops[N]`; `bounds` are the
    conditions a split that does not divide its axis adds.
    """

    stage: str
    loops: list[PlanLoop]
    axes: dict[str, AffineExpr]
    bounds: list[Bound] = field(default_factory=list[Bound])
    inline: bool = False
    attach: tuple[str, str] | None = None
    """`(consumer, loop)` for a stage computed inside a loop of a consumer (compute_at)."""

    def first_reduction(self) -> int | None:
        """The position of the outermost reduction loop, if any."""
        return next((n for n, loop in enumerate(self.loops) if loop.is_reduction), None)


def linear_in(expr: AffineExpr, dim: int) -> tuple[int, AffineExpr] | None:
    """`expr` as `coefficient * d<dim> + rest` (rest free of the dim), or None when the
    dim appears under a division or modulo."""
    if isinstance(expr, AffineDimExpr):
        if expr.position == dim:
            return 1, AffineExpr.constant(0)
        return 0, expr
    if isinstance(expr, AffineConstantExpr):
        return 0, expr
    assert isinstance(expr, AffineBinaryOpExpr)
    if dim not in expr.used_dims():
        return 0, expr
    if expr.kind == AffineBinaryOpKind.Add:
        lhs, rhs = linear_in(expr.lhs, dim), linear_in(expr.rhs, dim)
        if lhs is None or rhs is None:
            return None
        return lhs[0] + rhs[0], lhs[1] + rhs[1]
    if expr.kind == AffineBinaryOpKind.Mul:
        factor, other = expr.rhs, expr.lhs
        if not isinstance(factor, AffineConstantExpr):
            factor, other = expr.lhs, expr.rhs
        if not isinstance(factor, AffineConstantExpr):
            return None
        inner = linear_in(other, dim)
        if inner is None:
            return None
        return inner[0] * factor.value, inner[1] * factor.value
    return None


def innermost_dim(expr: AffineExpr) -> int | None:
    """The highest dim `expr` uses (the innermost loop it depends on), if any."""
    dims = expr.used_dims()
    return max(dims) if dims else None
