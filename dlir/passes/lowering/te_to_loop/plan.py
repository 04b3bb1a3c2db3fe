"""Loop plans: the loops of one stage, and how its axes are rebuilt from their indices.

A plan is what `te-to-loop` builds a stage's loop nest from, whatever made it: the
default schedule (`default_schedule.py`) or a replayed `te.schedule` (`schedule.py`).

    te.split "C" "i" by 4 -> "io", "ii"        (i has extent 10)
    ->  loops   io: 3, ii: 4, j: 16            (outermost first)
        axes    i = io * 4 + ii, j = j         (affine, dim N = the N-th loop's index)
        bounds  io * 4 + ii < 10               (a split that does not divide)

A stage with `attach` runs inside a loop of its consumer, over the region the consumer's
iterations under that loop read (`attach.py`): its spatial loops then run over the
region's size, relative to the region's origin, and its buffer holds just that region.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from xdsl.dialects.builtin import LocationAttr
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
    vthreads: int | None = None
    """Virtual threads (`te.virtual_thread`): the loop.for gets `{vthread = N}`."""
    tensorize: tuple[str, LocationAttr] | None = None
    """`(intrinsic, location)` of a `te.tensorize`d loop: its `loop.for` gets
    `tensorize = @intrinsic` (for `loop-tensorize`) and the primitive's location."""


@dataclass(frozen=True)
class Bound:
    """`expr < limit`: an index rebuilt from the loops must stay inside its axis."""

    expr: AffineExpr
    limit: int


@dataclass(frozen=True)
class AxisBound:
    """`expr < limit` over the stage's axes (dim N = the axis `axes[N]`), not its loops:
    a bound an rfactor stage inherits (`ko * 4 + ki < K` for the axes ko, ki). The
    plan's axis expressions turn it into a `Bound` over the loops, after splits or a
    move to a region's origin (compute_at)."""

    expr: AffineExpr
    limit: int
    axes: tuple[str, ...]

    def over_loops(self, axes: dict[str, AffineExpr]) -> Bound:
        """This bound with each axis replaced by its expression `axes[axis]`."""
        values = [axes[axis] for axis in self.axes]
        return Bound(simplify(self.expr.replace_dims_and_symbols(values, [])), self.limit)


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
    store: tuple[str, str] | None = None
    """`(consumer, loop)` where its buffer is allocated (store_at), when not `attach`."""
    scope: str = "global"
    """The memory scope of the stage's buffer (`loop.alloc "local"` for a cache stage)."""
    origin: tuple[AffineExpr, ...] | None = None
    """Where its buffer starts, per spatial axis, for a buffer holding only a region
    (compute_at/store_at): the stage stores `axis - origin`."""
    axis_bounds: list[AxisBound] = field(default_factory=list[AxisBound])
    """Bounds over its axes (an rfactor stage's), whatever its loops and origin."""

    def all_bounds(self) -> list[Bound]:
        """`bounds` and `axis_bounds`, all over the loops (dims past them: origins)."""
        return [*self.bounds, *(b.over_loops(self.axes) for b in self.axis_bounds)]

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
    if not isinstance(expr, AffineBinaryOpExpr):
        return 0, expr  # a constant or a symbol (loop-tensorize: a value from outside)
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


def simplify(expr: AffineExpr) -> AffineExpr:
    """`expr` with like terms collected: `(d0 * 4 + d1) - d0 * 4 -> d1`.

    Sums of dims, constants and multiples are put in canonical order (dims by position,
    the constant last); a floordiv/mod/ceildiv term is kept whole, its operands simplified.
    """
    terms: dict[str, tuple[AffineExpr, int]] = {}
    constant = _collect(expr, 1, terms)
    result: AffineExpr | None = None
    for _, (term, coefficient) in sorted(terms.items(), key=lambda item: _order(item[1][0])):
        if coefficient == 0:
            continue
        part = term if coefficient == 1 else term * coefficient
        result = part if result is None else result + part
    if result is None:
        return AffineExpr.constant(constant)
    return result + constant if constant else result


def _order(term: AffineExpr) -> tuple[int, str]:
    if isinstance(term, AffineDimExpr):
        return term.position, ""
    return 1 << 30, str(term)


def _collect(expr: AffineExpr, scale: int, terms: dict[str, tuple[AffineExpr, int]]) -> int:
    """Add `scale * expr`'s linear terms into `terms`; returns its constant part."""
    if isinstance(expr, AffineConstantExpr):
        return scale * expr.value
    if isinstance(expr, AffineBinaryOpExpr) and expr.kind == AffineBinaryOpKind.Add:
        return _collect(expr.lhs, scale, terms) + _collect(expr.rhs, scale, terms)
    if isinstance(expr, AffineBinaryOpExpr) and expr.kind == AffineBinaryOpKind.Mul:
        if isinstance(expr.rhs, AffineConstantExpr):
            return _collect(expr.lhs, scale * expr.rhs.value, terms)
        if isinstance(expr.lhs, AffineConstantExpr):
            return _collect(expr.rhs, scale * expr.lhs.value, terms)
    if isinstance(expr, AffineBinaryOpExpr) and expr.kind != AffineBinaryOpKind.Mul:
        expr = AffineExpr.binary(expr.kind, simplify(expr.lhs), simplify(expr.rhs))
    key = str(expr)
    known = terms.get(key)
    terms[key] = (expr, scale + (known[1] if known else 0))
    return 0


def expr_range(expr: AffineExpr, ranges: dict[int, tuple[int, int]]) -> tuple[int, int] | None:
    """The smallest and largest value of `expr` when dim N ranges over `ranges[N]`
    (inclusive), or None when a dim has no known range or an operation is not affine."""
    if isinstance(expr, AffineConstantExpr):
        return expr.value, expr.value
    if isinstance(expr, AffineDimExpr):
        return ranges.get(expr.position)
    if not isinstance(expr, AffineBinaryOpExpr):
        return None
    lhs, rhs = expr_range(expr.lhs, ranges), expr_range(expr.rhs, ranges)
    if lhs is None or rhs is None:
        return None
    if expr.kind == AffineBinaryOpKind.Add:
        return lhs[0] + rhs[0], lhs[1] + rhs[1]
    if expr.kind == AffineBinaryOpKind.Mul:
        corners = [a * b for a in lhs for b in rhs]
        return min(corners), max(corners)
    if rhs[0] != rhs[1] or rhs[0] <= 0:
        return None
    divisor = rhs[0]
    if expr.kind == AffineBinaryOpKind.FloorDiv:
        return lhs[0] // divisor, lhs[1] // divisor
    if expr.kind == AffineBinaryOpKind.CeilDiv:
        return -(-lhs[0] // divisor), -(-lhs[1] // divisor)
    return (lhs[0], lhs[1]) if lhs[0] >= 0 and lhs[1] < divisor else (0, divisor - 1)
