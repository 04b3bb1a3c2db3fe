"""Loop plans from a `te.schedule`: replay it on the schedule model, tracking how each
axis of a stage is rebuilt from the loops the primitives leave.

    te.split "C" "k" by 4 -> "ko", "ki"      k  = ko * 4 + ki
    te.fuse "C" ("io", "jo") -> "f"          io = f floordiv 8, jo = f mod 8   (jo: 8 loops)
    te.unroll "C" "ki" by 2                  loop ki: unrolled<2>
    te.vectorize "C" "ji"                    loop ji: vectorized<extent of ji>
    te.parallel "C" "io"                     loop io: parallel
    te.compute_inline "B"                    no loops: B's body is emitted where it is read
    te.compute_at "B" at "C" "i"             B's loops run inside C's loop i

`ScheduleState` (the model the verifier replays) says which loops a stage has, in which
order, with which annotation; this module adds the index algebra the model does not keep.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from xdsl.ir.affine import AffineExpr

from dlir.dialects.loop import LoopKind
from dlir.dialects.te import loops as te_loops
from dlir.dialects.te import stages as te_stages
from dlir.dialects.te.kernel import KernelOp
from dlir.dialects.te.model import (
    Level,
    ScheduleError,
    ScheduleState,
    StageModel,
    module_has_symbol,
)
from dlir.dialects.te.schedule import PrimitiveOp, ScheduleOp
from dlir.ir.diagnostics import Diagnostic, DiagnosticError
from dlir.ir.verify import source_loc
from dlir.passes.lowering.te_to_loop.plan import Bound, PlanLoop, StagePlan

# Primitives that place a stage without changing its loops.
_PLACEMENT = (te_stages.ComputeInlineOp, te_stages.ComputeRootOp, te_stages.ComputeAtOp)

_NOT_YET = (
    te_stages.StoreAtOp,
    te_stages.CacheReadOp,
    te_stages.CacheWriteOp,
    te_stages.RFactorOp,
    te_loops.TensorizeOp,
)


@dataclass
class _Algebra:
    """Each axis of one stage as an expression over symbolic loop dims, numbered by name."""

    dims: dict[str, int]
    axes: dict[str, AffineExpr]
    next_dim: int
    bounds: list[Bound] = field(default_factory=list[Bound])
    unroll: dict[str, int] = field(default_factory=dict[str, int])
    touched: bool = False

    def new_dim(self, name: str) -> AffineExpr:
        self.dims[name] = self.next_dim
        self.next_dim += 1
        return AffineExpr.dimension(self.dims[name])

    def substitute(self, name: str, value: AffineExpr) -> None:
        """Replace loop `name` by `value` in every axis and bound."""
        position = self.dims.pop(name)
        replacement = [AffineExpr.dimension(n) for n in range(self.next_dim)]
        replacement[position] = value
        self.axes = {a: e.replace_dims_and_symbols(replacement, []) for a, e in self.axes.items()}
        self.bounds = [
            Bound(b.expr.replace_dims_and_symbols(replacement, []), b.limit) for b in self.bounds
        ]

    def split(self, axis: str, extent: int, factor: int, outer: str, inner: str) -> None:
        value = self.new_dim(outer) * factor + self.new_dim(inner)
        self.substitute(axis, value)
        if extent % factor:
            self.bounds.append(Bound(value, extent))

    def fuse(self, outer: str, inner: str, inner_extent: int, fused: str) -> None:
        value = self.new_dim(fused)
        self.substitute(outer, value // inner_extent)
        self.substitute(inner, value % inner_extent)


def scheduled_plans(
    kernel: KernelOp, schedule: ScheduleOp
) -> tuple[ScheduleState, dict[str, StagePlan], set[str]]:
    """Replay `schedule`: the final model, a plan per stage, and the stages it touched.

    A primitive te-to-loop cannot lower yet, or one that does not apply, is an error at
    the primitive's location.
    """
    state = ScheduleState.from_kernel(kernel, lambda name: module_has_symbol(kernel, name))
    algebras: dict[str, _Algebra] = {}
    for name, stage in state.stages.items():
        dims = {axis.name: n for n, axis in enumerate(stage.axes)}
        axes = {axis.name: AffineExpr.dimension(n) for n, axis in enumerate(stage.axes)}
        algebras[name] = _Algebra(dims, axes, len(dims))
    placed: dict[str, te_stages.ComputeAtOp] = {}
    for primitive in schedule.primitives():
        _replay(primitive, state, algebras)
        if isinstance(primitive, te_stages.ComputeAtOp):
            placed[primitive.stage.data] = primitive
    for name, primitive in placed.items():
        _check_compute_at(state, state.stages[name], primitive)
    plans = {name: _plan(state.stages[name], algebras[name]) for name in algebras}
    touched = {name for name, algebra in algebras.items() if algebra.touched}
    return state, plans, touched


def _replay(primitive: PrimitiveOp, state: ScheduleState, algebras: dict[str, _Algebra]) -> None:
    if isinstance(primitive, _NOT_YET):
        raise _error(primitive, f"te-to-loop does not implement '{primitive.name}' yet (issue 5)")
    name = primitive.stage.data
    before = {a.name: a.extent for a in state.stages[name].axes} if name in state.stages else {}
    try:
        primitive.apply(state)
    except ScheduleError as err:
        raise _error(primitive, str(err)) from err
    algebra = algebras[name]
    algebra.touched |= not isinstance(primitive, _PLACEMENT)
    if isinstance(primitive, te_loops.SplitOp):
        axis = primitive.axis.data
        factor = primitive.factor.value.data
        algebra.split(axis, before[axis], factor, primitive.outer.data, primitive.inner.data)
    elif isinstance(primitive, te_loops.TileOp):
        x, y = primitive.x_axis.data, primitive.y_axis.data
        fx, fy = primitive.x_factor.value.data, primitive.y_factor.value.data
        algebra.split(x, before[x], fx, primitive.x_outer.data, primitive.x_inner.data)
        algebra.split(y, before[y], fy, primitive.y_outer.data, primitive.y_inner.data)
    elif isinstance(primitive, te_loops.FuseOp):
        inner = primitive.inner.data
        algebra.fuse(primitive.outer.data, inner, before[inner], primitive.fused.data)
    elif isinstance(primitive, te_loops.UnrollOp) and primitive.factor is not None:
        algebra.unroll[primitive.axis.data] = primitive.factor.value.data


def _check_compute_at(
    state: ScheduleState, stage: StageModel, primitive: te_stages.ComputeAtOp
) -> None:
    """A stage computed at a consumer's loop is computed only where that consumer reads
    it: no other stage may read it, and it may not be a kernel result."""
    if not isinstance(stage.attach, Level):
        return
    others = [c for c in state.consumers(stage.name) if c != stage.attach.stage]
    if others:
        raise _error(
            primitive,
            f"te-to-loop cannot compute '{stage.name}' at {stage.attach}: it is also read "
            f"by {', '.join(others)} (computing it for several consumers is issue 5)",
        )
    if stage.is_output:
        raise _error(
            primitive,
            f"te-to-loop cannot compute '{stage.name}' at {stage.attach}: it is a kernel "
            "result, which must be computed whole",
        )


def _plan(stage: StageModel, algebra: _Algebra) -> StagePlan:
    position = {axis.name: n for n, axis in enumerate(stage.axes)}
    order = [AffineExpr.dimension(0)] * algebra.next_dim
    for name, dim in algebra.dims.items():
        order[dim] = AffineExpr.dimension(position[name])
    loops: list[PlanLoop] = []
    for axis in stage.axes:
        loop = PlanLoop(axis.name, axis.extent, axis.kind == "reduce")
        if axis.annotation == "parallelized":
            loop.kind = LoopKind.PARALLEL
        elif axis.annotation == "vectorized":
            loop.kind, loop.vector_width = LoopKind.VECTORIZED, axis.extent
        elif axis.annotation == "unrolled":
            loop.kind, loop.unroll_factor = LoopKind.UNROLLED, algebra.unroll.get(axis.name)
        loops.append(loop)
    axes = {a: e.replace_dims_and_symbols(order, []) for a, e in algebra.axes.items()}
    bounds = [Bound(b.expr.replace_dims_and_symbols(order, []), b.limit) for b in algebra.bounds]
    attach = (stage.attach.stage, stage.attach.axis) if isinstance(stage.attach, Level) else None
    return StagePlan(stage.name, loops, axes, bounds, stage.attach == "inline", attach)


def _error(op: PrimitiveOp, message: str) -> DiagnosticError:
    return DiagnosticError(Diagnostic(message, source_loc(op)))
