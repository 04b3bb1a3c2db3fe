"""Loop plans from a `te.schedule`: replay it on the schedule model, tracking how each
axis of a stage is rebuilt from the loops the primitives leave.

    te.split "C" "k" by 4 -> "ko", "ki"      k  = ko * 4 + ki
    te.fuse "C" ("io", "jo") -> "f"          io = f floordiv 8, jo = f mod 8   (jo: 8 loops)
    te.unroll "C" "ki" by 2                  loop ki: unrolled<2>
    te.vectorize "C" "ji"                    loop ji: vectorized<extent of ji>
    te.parallel "C" "io"                     loop io: parallel
    te.tensorize "C" "ii" with @gemm         loop ii: {tensorize = @gemm} (loop-tensorize)
    te.compute_inline "B"                    no loops: B's body is emitted where it is read
    te.compute_at "B" at "C" "i"             B's loops run inside C's loop i
    te.store_at "B" at "C" "io"              B's buffer is allocated inside C's loop io
    te.cache_read / cache_write / rfactor    new te.compute stages (`rewrite.py`)

`ScheduleState` (the model the verifier replays) says which loops a stage has, in which
order, with which annotation; this module keeps, per stage, the splits and fuses that
made its loops, so that its plan can be rebuilt for other extents: a stage computed at
a consumer's loop runs over the region that loop reads, not over its whole tensor.
A primitive that applies but does nothing is a `ScheduleWarning`, with its location.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field

from xdsl.dialects.builtin import LocationAttr
from xdsl.ir import SSAValue
from xdsl.ir.affine import AffineExpr

from dlir.dialects.loop import LoopKind
from dlir.dialects.te import loops as te_loops
from dlir.dialects.te import stages as te_stages
from dlir.dialects.te.compute import ComputeOp
from dlir.dialects.te.kernel import KernelOp
from dlir.dialects.te.model import (
    Level,
    ScheduleError,
    ScheduleState,
    ScheduleWarning,
    StageModel,
    module_has_symbol,
    tensor_name,
)
from dlir.dialects.te.schedule import PrimitiveOp, ScheduleOp
from dlir.ir.diagnostics import Diagnostic, DiagnosticError
from dlir.ir.verify import source_loc
from dlir.passes.lowering.te_to_loop import rewrite
from dlir.passes.lowering.te_to_loop.plan import AxisBound, Bound, PlanLoop, StagePlan

# Primitives that place a stage without changing its loops.
_PLACEMENT = (
    te_stages.ComputeInlineOp,
    te_stages.ComputeRootOp,
    te_stages.ComputeAtOp,
    te_stages.StoreAtOp,
    te_stages.SetScopeOp,
)


@dataclass
class _Algebra:
    """Each axis of one stage as an expression over symbolic loop dims, numbered by name."""

    dims: dict[str, int]
    axes: dict[str, AffineExpr]
    next_dim: int
    bounds: list[Bound] = field(default_factory=list[Bound])

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


@dataclass(frozen=True)
class _Split:
    axis: str
    factor: int
    outer: str
    inner: str


@dataclass(frozen=True)
class _Fuse:
    outer: str
    inner: str
    fused: str


@dataclass
class _Recipe:
    """How one stage's loops were made: its first loops, then splits and fuses."""

    base: list[tuple[str, int]]
    """The stage's axes as its loops start, outermost first: (name, extent)."""
    axis_bounds: list[AxisBound] = field(default_factory=list[AxisBound])
    """Bounds over the stage's axes it starts with (rfactor: `ko * 4 + ki < K`)."""
    steps: list[_Split | _Fuse] = field(default_factory=list[_Split | _Fuse])
    unroll: dict[str, int] = field(default_factory=dict[str, int])
    tensorize: dict[str, tuple[str, LocationAttr]] = field(
        default_factory=dict[str, tuple[str, LocationAttr]]
    )
    """Loop -> (intrinsic, location of the `te.tensorize`)."""
    vthreads: dict[str, int] = field(default_factory=dict[str, int])
    """Loop -> its virtual threads (`te.virtual_thread`)."""
    touched: bool = False

    def algebra(self, extents: Mapping[str, int]) -> tuple[_Algebra, dict[str, int]]:
        """The axes over the final loops, and each loop's extent, when the base loops have
        `extents` (defaults: their own)."""
        current = {name: extents.get(name, extent) for name, extent in self.base}
        dims = {name: n for n, (name, _) in enumerate(self.base)}
        axes = {name: AffineExpr.dimension(n) for n, (name, _) in enumerate(self.base)}
        algebra = _Algebra(dims, axes, len(dims))
        for step in self.steps:
            if isinstance(step, _Split):
                extent = current.pop(step.axis)
                algebra.split(step.axis, extent, step.factor, step.outer, step.inner)
                current[step.outer] = -(-extent // step.factor)
                current[step.inner] = step.factor
            else:
                outer, inner = current.pop(step.outer), current.pop(step.inner)
                algebra.fuse(step.outer, step.inner, inner, step.fused)
                current[step.fused] = outer * inner
        return algebra, current


@dataclass
class ScheduledKernel:
    """A kernel as its schedule leaves it: the rewritten kernel (a copy, with the stages
    cache_read/cache_write/rfactor add), the final model, and how to plan each stage."""

    kernel: KernelOp
    state: ScheduleState
    recipes: dict[str, _Recipe]

    def touched(self, name: str) -> bool:
        """Whether the schedule changed the loops of stage `name`."""
        return self.recipes[name].touched

    def plan(self, name: str, extents: Mapping[str, int] | None = None) -> StagePlan:
        """The plan of stage `name`; `extents` overrides the extents of its axes as
        defined (the region sizes of a stage computed at a consumer's loop)."""
        stage = self.state.stages[name]
        recipe = self.recipes[name]
        algebra, current = recipe.algebra(extents or {})
        plan = _plan(stage, algebra, current, recipe.unroll, recipe.tensorize)
        for loop in plan.loops:
            loop.vthreads = recipe.vthreads.get(loop.name)
        plan.axis_bounds = list(recipe.axis_bounds)
        return plan


def scheduled_plans(kernel: KernelOp, schedule: ScheduleOp) -> ScheduledKernel:
    """Replay `schedule` on a copy of `kernel`.

    A primitive that does not apply is an error at the primitive's location; one that
    has no effect is a `ScheduleWarning` there.
    """
    state = ScheduleState.from_kernel(kernel, lambda name: module_has_symbol(kernel, name))
    work = kernel.clone()
    recipes = {name: _fresh(stage) for name, stage in state.stages.items()}
    placed: dict[str, PrimitiveOp] = {}
    for primitive in schedule.primitives():
        _replay(primitive, state, recipes, work)
        if isinstance(primitive, te_stages.ComputeAtOp):
            placed[primitive.stage.data] = primitive
    for name, primitive in placed.items():
        _check_compute_at(state, state.stages[name], primitive)
    _pack_stages(schedule, state, recipes, work)
    return ScheduledKernel(work, state, recipes)


def _pack_stages(
    schedule: ScheduleOp, state: ScheduleState, recipes: dict[str, _Recipe], work: KernelOp
) -> None:
    """Lay out each cache stage of the "packed" scope in the order of its loops
    (`rewrite.pack`): its loops become its axes, so its recipe starts afresh from them."""
    ops = {op.stage.data: op for op in work.stages()}
    for primitive in schedule.primitives():
        if not isinstance(primitive, te_stages.CacheReadOp | te_stages.CacheWriteOp):
            continue
        name = primitive.cache.data
        stage, recipe = state.stages[name], recipes[name]
        if stage.scope != "packed" or stage.attach == "inline":
            continue
        algebra, extents = recipe.algebra({})
        # a copy split by a factor that does not divide is padded: its axis index is
        # clamped, so the padding repeats the source's last element and is never read
        clamps = {
            axis: bound.limit
            for bound in algebra.bounds
            for axis, expr in algebra.axes.items()
            if expr == bound.expr
        }
        padded = stage.copy and len(clamps) == len(algebra.bounds)
        if (algebra.bounds and not padded) or recipe.axis_bounds:
            raise _error(
                primitive,
                f"cannot pack '{name}': a split of its axes does not divide them; a packed "
                "buffer is laid out by its loops, so their factors must divide the axes",
            )
        loops = [(a.name, extents[a.name], a.kind == "reduce") for a in stage.axes]
        position = [AffineExpr.dimension(0)] * algebra.next_dim
        for n, (loop, _, _) in enumerate(loops):
            position[algebra.dims[loop]] = AffineExpr.dimension(n)
        axes = {a: e.replace_dims_and_symbols(position, []) for a, e in algebra.axes.items()}
        op = ops[name]
        coordinates = _coordinates(recipe, [a.data for a in op.spatial_axes.data])
        spatial = [loop for loop, _, reduction in loops if not reduction]
        rewrite.pack(work, op, loops, axes, [coordinates[loop] for loop in spatial], clamps)
        stage.shape = tuple(extents[loop] for loop in spatial)
        stage.defined = tuple(spatial)
        # untouched, its loops are its axes in order: the same layout, the default plan
        fresh = [(loop, extent) for loop, extent, _ in loops]
        recipes[name] = _Recipe(fresh, touched=recipe.touched)
        recipes[name].unroll = dict(recipe.unroll)
        recipes[name].tensorize = dict(recipe.tensorize)


def _coordinates(recipe: _Recipe, spatial: list[str]) -> dict[str, AffineExpr]:
    """Each loop a recipe makes of the spatial axes, over those axes (dim N = `spatial[N]`):
    `o floordiv 16` and `o mod 16` for `o` split by 16."""
    values = {axis: AffineExpr.dimension(n) for n, axis in enumerate(spatial)}
    extents = dict(recipe.base)
    for step in recipe.steps:
        if isinstance(step, _Split):
            extent = extents.pop(step.axis)
            extents[step.outer], extents[step.inner] = -(-extent // step.factor), step.factor
            if step.axis in values:
                value = values.pop(step.axis)
                values[step.outer] = value // step.factor
                values[step.inner] = value % step.factor
        else:
            outer, inner = extents.pop(step.outer), extents.pop(step.inner)
            extents[step.fused] = outer * inner
            if step.outer in values and step.inner in values:
                values[step.fused] = values.pop(step.outer) * inner + values.pop(step.inner)
    return values


def _fresh(stage: StageModel, touched: bool = False) -> _Recipe:
    return _Recipe([(a.name, a.extent) for a in stage.axes], touched=touched)


def _replay(
    primitive: PrimitiveOp, state: ScheduleState, recipes: dict[str, _Recipe], work: KernelOp
) -> None:
    name = primitive.stage.data
    before = {a.name: a.extent for a in state.stages[name].axes} if name in state.stages else {}
    warned = len(state.warnings)
    try:
        primitive.apply(state)
    except ScheduleError as err:
        raise _error(primitive, str(err)) from err
    for message in state.warnings[warned:]:
        _warn(primitive, message)
    if isinstance(primitive, te_stages.CacheReadOp | te_stages.CacheWriteOp | te_stages.RFactorOp):
        _add_stages(primitive, state, recipes, work)
        return
    recipe = recipes[name]
    recipe.touched |= not isinstance(primitive, _PLACEMENT)
    if isinstance(primitive, te_loops.SplitOp):
        axis = primitive.axis.data
        factor = primitive.factor.value.data
        recipe.steps.append(_Split(axis, factor, primitive.outer.data, primitive.inner.data))
    elif isinstance(primitive, te_loops.TileOp):
        x, y = primitive.x_axis.data, primitive.y_axis.data
        fx, fy = primitive.x_factor.value.data, primitive.y_factor.value.data
        recipe.steps.append(_Split(x, fx, primitive.x_outer.data, primitive.x_inner.data))
        recipe.steps.append(_Split(y, fy, primitive.y_outer.data, primitive.y_inner.data))
    elif isinstance(primitive, te_loops.FuseOp):
        recipe.steps.append(_Fuse(primitive.outer.data, primitive.inner.data, primitive.fused.data))
    elif isinstance(primitive, te_loops.TensorizeOp):
        # the loop's nest becomes an hw.call in loop-tensorize (errors point here)
        intrinsic = primitive.intrinsic.root_reference.data
        recipe.tensorize[primitive.axis.data] = (intrinsic, primitive.location)
    elif isinstance(primitive, te_loops.VirtualThreadOp):
        recipe.vthreads[primitive.axis.data] = primitive.threads.value.data
    elif isinstance(primitive, te_loops.UnrollOp) and primitive.factor is not None:
        recipe.unroll[primitive.axis.data] = min(
            primitive.factor.value.data, before[primitive.axis.data]
        )


def _add_stages(
    primitive: te_stages.CacheReadOp | te_stages.CacheWriteOp | te_stages.RFactorOp,
    state: ScheduleState,
    recipes: dict[str, _Recipe],
    work: KernelOp,
) -> None:
    """Rewrite the working kernel for a primitive that adds a stage (already applied to
    `state`), and start the new stage's recipe."""
    ops = {op.stage.data: op for op in work.stages()}
    name = primitive.stage.data
    if isinstance(primitive, te_stages.CacheReadOp):
        cache = primitive.cache.data
        source = _tensor(work, name, ops)
        readers = [ops[r.data] for r in primitive.readers.data]
        rewrite.cache_read(work, source, cache, readers)
        recipes[cache] = _fresh(state.stages[cache])
    elif isinstance(primitive, te_stages.CacheWriteOp):
        cache = primitive.cache.data
        rewrite.cache_write(work, ops[name], cache)
        # the cache computes what the stage did: it keeps the stage's bounds (an rfactor
        # stage's ko * 4 + ki < K); the copy copies every point (those past the
        # reduction hold the identity), so it has none
        old = recipes[name]
        recipes[cache] = _fresh(state.stages[cache])
        recipes[cache].axis_bounds = list(old.axis_bounds)
        recipes[name] = _fresh(state.stages[name], old.touched)
    else:
        factored = primitive.factored.data
        axis = primitive.axis.data
        stage = ops[name]
        algebra, extents = recipes[name].algebra({})
        reduce = {a.data: algebra.axes[a.data] for a in stage.reduce_axes.data}
        model = state.stages[factored]
        others = [(a.name, a.extent) for a in model.axes if a.kind == "reduce"]
        rewrite.rfactor(work, stage, factored, (axis, extents[axis]), others, reduce, algebra.dims)
        # the new stage keeps the bounds of splits that do not divide (ko * 4 + ki < K)
        # (its loops are its axes), over its axes, so that its cache and a move to a
        # region's origin keep them
        recipe = _fresh(model, touched=True)
        # (and those the stage had itself: an rfactor of an rfactor stage)
        inherited = [b.over_loops(algebra.axes) for b in recipes[name].axis_bounds]
        loops = sorted(algebra.dims, key=lambda loop: algebra.dims[loop])
        recipe.axis_bounds = [
            _axis_bound(b, algebra.dims, loops) for b in [*algebra.bounds, *inherited]
        ]
        recipes[factored] = recipe
        recipes[name] = _fresh(state.stages[name], recipes[name].touched)


def _axis_bound(bound: Bound, dims: Mapping[str, int], loops: list[str]) -> AxisBound:
    """`bound` over the loops numbered by `dims` as a bound over the loops (axes) it
    uses: `d3 * 5 + d4 < 3` with d3 = ko, d4 = ki -> `d0 * 5 + d1 < 3` over (ko, ki)."""
    used = [loop for loop in loops if dims[loop] in bound.expr.used_dims()]
    order = [AffineExpr.dimension(0)] * (max(dims.values(), default=-1) + 1)
    for n, loop in enumerate(used):
        order[dims[loop]] = AffineExpr.dimension(n)
    return AxisBound(bound.expr.replace_dims_and_symbols(order, []), bound.limit, tuple(used))


def _tensor(work: KernelOp, name: str, ops: dict[str, ComputeOp]) -> SSAValue:
    if name in ops:
        return ops[name].result
    for index, arg in enumerate(work.args):
        if tensor_name(arg, index) == name:
            return arg
    raise AssertionError(f"the schedule model knows '{name}' but the kernel does not")


def _check_compute_at(state: ScheduleState, stage: StageModel, primitive: PrimitiveOp) -> None:
    """A stage computed at a consumer's loop is computed for every reader there: each
    other reader must itself be computed at a loop of that consumer at or inside that
    level (its region joins the union), and be read only by that consumer, or be
    computed at a loop of a stage that is (and be read by that stage alone)."""
    level = stage.attach
    if not isinstance(level, Level):
        return
    consumer = state.stages[level.stage]
    order = consumer.axis_names()
    depth = order.index(level.axis)
    for other in state.consumers(stage.name):
        if other == level.stage:
            continue
        at = state.stages[other].attach
        reader = other
        while isinstance(at, Level) and at.stage != level.stage:
            # nested in a stage computed inside the level (an rfactor stage at its stage)
            if state.consumers(reader) != [at.stage]:
                break
            reader, at = at.stage, state.stages[at.stage].attach
        legal = ["root"]
        if isinstance(at, Level) and at.stage == level.stage:
            if order.index(at.axis) >= depth and state.consumers(reader) == [at.stage]:
                continue
            legal += [f"{level.stage}.{a}" for a in order[: order.index(at.axis) + 1]]
        raise _error(
            primitive,
            f"cannot compute '{stage.name}' at {level}: it is also read by '{other}', "
            f"which is not computed inside that loop; legal levels are {', '.join(legal)} "
            f"(or compute_at '{other}' at a loop of '{level.stage}' inside {level})",
        )


def _plan(
    stage: StageModel,
    algebra: _Algebra,
    extents: dict[str, int],
    unroll: dict[str, int],
    tensorize: dict[str, tuple[str, LocationAttr]],
) -> StagePlan:
    position = {axis.name: n for n, axis in enumerate(stage.axes)}
    order = [AffineExpr.dimension(0)] * algebra.next_dim
    for name, dim in algebra.dims.items():
        order[dim] = AffineExpr.dimension(position[name])
    loops: list[PlanLoop] = []
    for axis in stage.axes:
        extent = extents[axis.name]
        loop = PlanLoop(axis.name, extent, axis.kind == "reduce")
        if axis.annotation == "parallelized":
            loop.kind = LoopKind.PARALLEL
        elif axis.annotation == "vectorized":
            loop.kind, loop.vector_width = LoopKind.VECTORIZED, extent
        elif axis.annotation == "unrolled":
            factor = unroll.get(axis.name)
            loop.kind, loop.unroll_factor = (
                LoopKind.UNROLLED,
                min(factor, extent) if factor else None,
            )
        elif axis.annotation == "tensorized":
            loop.tensorize = tensorize.get(axis.name)
        loops.append(loop)
    axes = {a: e.replace_dims_and_symbols(order, []) for a, e in algebra.axes.items()}
    bounds = [Bound(b.expr.replace_dims_and_symbols(order, []), b.limit) for b in algebra.bounds]
    attach = (stage.attach.stage, stage.attach.axis) if isinstance(stage.attach, Level) else None
    store = (stage.store.stage, stage.store.axis) if stage.store is not None else None
    return StagePlan(
        stage.name, loops, axes, bounds, stage.attach == "inline", attach, store, stage.scope
    )


def _warn(op: PrimitiveOp, message: str) -> None:
    """A `ScheduleWarning` located at the primitive (dl-opt prints its line and a caret)."""
    warnings.warn(ScheduleWarning(Diagnostic(message, source_loc(op), "warning")), stacklevel=4)


def _error(op: PrimitiveOp, message: str) -> DiagnosticError:
    return DiagnosticError(Diagnostic(message, source_loc(op)))
