"""The schedule model: each stage's current loop axes, replayed one primitive at a time.

A `te.schedule` is verified by building a `ScheduleState` from its kernel and applying
its primitives in order; each primitive checks its preconditions against the state and
raises `ScheduleError` saying what is wrong and what would be legal:

    te.split "C" "q" by 4 -> "qo", "qi"   ->   stage 'C' has no axis 'q'; axes are i, j, k

The Python `Schedule` builder applies the same primitives to the same state, so it raises
the same errors eagerly. A primitive that applies but does nothing (split by 1, unroll of
one iteration, compute_root of a root stage) records a warning in `state.warnings`; the
builder and te-to-loop report it as a `ScheduleWarning`. Nothing here changes IR:
applying a schedule is a pass.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Literal

from xdsl.dialects.builtin import StringAttr, TensorType
from xdsl.ir import Attribute, Operation, SSAValue
from xdsl.traits import SymbolTable
from xdsl.utils.exceptions import VerifyException
from xdsl.utils.hints import isa

from dlir.dialects.te.kernel import ComputeOp, KernelOp, ReturnOp
from dlir.ir.diagnostics import DiagnosticWarning

AxisKind = Literal["spatial", "reduce"]
Annotation = Literal["unrolled", "vectorized", "parallelized", "tensorized", "virtual-threaded"]


class ScheduleError(VerifyException):
    """A schedule primitive that does not apply to the schedule built so far."""


class ScheduleWarning(DiagnosticWarning):
    """A schedule primitive that applies but has no effect (split by 1, unroll of one
    iteration...): the schedule is valid, but probably not what its author meant."""


@dataclass
class Axis:
    """One loop of a stage: its name, trip count, kind and loop annotation."""

    name: str
    extent: int
    kind: AxisKind
    annotation: Annotation | None = None


@dataclass(frozen=True)
class Level:
    """A loop level of a consumer stage, where another stage is computed or stored."""

    stage: str
    axis: str

    def __str__(self) -> str:
        return f"{self.stage}.{self.axis}"


@dataclass
class StageModel:
    """What the schedule has made of one stage so far."""

    name: str
    shape: tuple[int, ...]
    axes: list[Axis]
    reads: list[str]
    is_output: bool = False
    attach: Literal["root", "inline"] | Level = "root"
    store: Level | None = None
    changed_by: str | None = None
    """The first primitive that changed this stage's loops, if any."""
    defined: tuple[str, ...] = ()
    """The spatial axes as the stage defines them (its tensor's dims, in order)."""
    scope: str = "global"
    """The memory scope of the stage's buffer (cache_read/cache_write stages set it)."""
    copy: bool = False
    """Whether the stage is a cache_read copy: a packed copy may be split by a factor
    that does not divide, its buffer padded with repeats of the source's last element."""
    tail: bool = False
    """Whether a loop of the stage runs past its axis (a split that does not divide), so
    that its points are bounded; an rfactor stage inherits it from the stage's splits."""

    def axis_names(self) -> list[str]:
        return [a.name for a in self.axes]

    def index(self, axis: str) -> int | None:
        return next((n for n, a in enumerate(self.axes) if a.name == axis), None)


def _names(names: Sequence[str]) -> str:
    return ", ".join(names) if names else "none"


@dataclass
class ScheduleState:
    """Kernel arguments and stages, as the primitives applied so far have left them."""

    tensors: dict[str, tuple[int, ...]]
    stages: dict[str, StageModel]
    has_symbol: Callable[[str], bool] = field(default=lambda _: False)
    warnings: list[str] = field(default_factory=list[str])
    """Directives that apply but do nothing, in order (see `ScheduleWarning`)."""

    @staticmethod
    def from_kernel(
        kernel: KernelOp, has_symbol: Callable[[str], bool] | None = None
    ) -> ScheduleState:
        """The unscheduled state: every stage at root with its axes as defined."""
        names: dict[SSAValue, str] = {}
        tensors: dict[str, tuple[int, ...]] = {}
        for index, arg in enumerate(kernel.args):
            name = tensor_name(arg, index)
            names[arg] = name
            assert isa(arg.type, TensorType[Attribute])
            tensors[name] = tuple(arg.type.get_shape())
        outputs: set[SSAValue] = set()
        for op in kernel.body.block.ops:
            if isinstance(op, ReturnOp):
                outputs.update(op.values)
        stages: dict[str, StageModel] = {}
        for op in kernel.stages():
            names[op.result] = op.stage.data
            stages[op.stage.data] = _stage_model(op, names, op.result in outputs)
        return ScheduleState(tensors, stages, has_symbol or (lambda _: False))

    # -- lookups -------------------------------------------------------------------------

    def stage(self, name: str) -> StageModel:
        """The stage called `name`; a kernel argument or unknown name is an error."""
        if name in self.stages:
            return self.stages[name]
        stages = _names(list(self.stages))
        if name in self.tensors:
            raise ScheduleError(f"'{name}' is a kernel argument, not a stage; stages are {stages}")
        raise ScheduleError(f"no stage named '{name}'; stages are {stages}")

    def loop_stage(self, name: str) -> StageModel:
        """A stage whose loops can be scheduled (it is not inlined)."""
        stage = self.stage(name)
        if stage.attach == "inline":
            raise ScheduleError(f"stage '{name}' is inlined; it has no loops to schedule")
        return stage

    def axis(self, stage: StageModel, name: str) -> Axis:
        index = stage.index(name)
        if index is None:
            raise ScheduleError(
                f"stage '{stage.name}' has no axis '{name}'; axes are {_names(stage.axis_names())}"
            )
        return stage.axes[index]

    def consumers(self, name: str) -> list[str]:
        """The stages that read `name` (a kernel argument or a stage)."""
        return [s.name for s in self.stages.values() if name in s.reads]

    def attached_at(self, stage: StageModel, axis: str) -> list[str]:
        """What is computed or stored at `stage.axis`, as readable phrases."""
        level = Level(stage.name, axis)
        found: list[str] = []
        for other in self.stages.values():
            if other.attach == level:
                found.append(f"stage '{other.name}' is computed at it")
            if other.store == level:
                found.append(f"stage '{other.name}' is stored at it")
        return found

    def warn(self, message: str) -> None:
        self.warnings.append(message)

    # -- checks shared by primitives -------------------------------------------------------

    def check_positive(self, what: str, value: int) -> None:
        if value <= 0:
            raise ScheduleError(f"{what} must be positive, found {value}")

    def check_new_axes(self, stage: StageModel, names: Sequence[str]) -> None:
        """New axis names must differ from each other and from the stage's axes."""
        seen: set[str] = set()
        for name in names:
            if not name:
                raise ScheduleError("a new axis name must not be empty")
            if name in seen:
                raise ScheduleError(f"new axis name '{name}' is given twice")
            if stage.index(name) is not None:
                raise ScheduleError(
                    f"new axis name '{name}' is already an axis of stage '{stage.name}' "
                    f"(axes are {_names(stage.axis_names())})"
                )
            seen.add(name)

    def check_new_stage(self, name: str) -> None:
        if not name:
            raise ScheduleError("a new stage name must not be empty")
        if name in self.stages:
            raise ScheduleError(f"name '{name}' is already used by a stage")
        if name in self.tensors:
            raise ScheduleError(f"name '{name}' is already used by a kernel argument")

    def check_reshapeable(self, stage: StageModel, axis: Axis, verb: str) -> None:
        """`axis` is about to disappear: nothing may be annotated on it or attached to it."""
        if axis.annotation is not None:
            raise ScheduleError(
                f"cannot {verb} axis '{axis.name}' of stage '{stage.name}': it is already "
                f"{axis.annotation}; {verb} before annotating"
            )
        attached = self.attached_at(stage, axis.name)
        if attached:
            raise ScheduleError(
                f"cannot {verb} axis '{axis.name}' of stage '{stage.name}': {attached[0]}"
            )

    def legal_levels(self, name: str) -> list[str]:
        """Where stage `name` may be computed (as Halide lists them): `root`, then each
        loop level of a consumer that encloses all the stage's reads (see `reader_problem`).

            C and D read B, D computed at C.j:   root, C.i, C.j   (C's loops i, j, k)
        """
        levels = ["root"]
        if self.stages[name].is_output:
            return levels
        for target in self.consumers(name):
            consumer = self.stages[target]
            if consumer.attach == "inline":
                continue
            # the innermost level: where the innermost-placed other reader runs
            order = consumer.axis_names()
            deepest = len(order) - 1
            for reader in self.consumers(name):
                if reader == target:
                    continue
                top, at = self.runs_at(reader, target)
                if not isinstance(at, Level) or at.stage != target or self.shared(reader, top):
                    deepest = -1
                else:
                    deepest = min(deepest, order.index(at.axis))
            levels += [str(Level(target, a)) for a in order[: deepest + 1]]
        return levels

    def runs_at(self, name: str, target: str) -> tuple[str, Literal["root", "inline"] | Level]:
        """Where stage `name` runs relative to the loops of `target`: its placement, or
        that of the stage it is computed at, and so on up to a loop of `target` (or root);
        with the last stage of that chain.

            sum_rf at sum.i, sum at Y.i:   runs_at("sum_rf", "Y") == ("sum", Y.i)
        """
        link, at = name, self.stages[name].attach
        seen = {name}
        while isinstance(at, Level) and at.stage != target and at.stage not in seen:
            seen.add(at.stage)
            link, at = at.stage, self.stages[at.stage].attach
        return link, at

    def shared(self, name: str, top: str) -> tuple[str, str] | None:
        """The first stage of the chain from `name` up to `top` (see `runs_at`) that a
        stage other than the one it is computed at reads, with that reader; or None."""
        link = name
        while True:
            at = self.stages[link].attach
            host = at.stage if isinstance(at, Level) else None
            extra = [c for c in self.consumers(link) if c != host]
            if extra:
                return link, extra[0]
            if link == top or host is None:
                return None
            link = host

    def reader_problem(self, stage: StageModel, level: Level) -> str | None:
        """Why `stage` computed at `level` would not be computed before all its reads, or
        None when it would.

        A stage computed at a loop of a consumer is computed there once for every reader:
        each other reader must be computed at a loop of the same consumer, at or inside
        that level, and be read by that consumer alone (the region computed is the union
        of what they read there), or be computed in such a stage (at a loop of a stage
        that is, and read by it alone):

            B read by C and D, D at root:  it is also read by 'D', which is computed at
                                           root, not inside C.i
        """
        order = self.stages[level.stage].axis_names()
        readers = [r for r in self.consumers(stage.name) if r != level.stage]
        for name in readers:
            top, at = self.runs_at(name, level.stage)
            which = "which is" if top == name else f"which is computed in '{top}', which is"
            where = f"it is also read by '{name}', {which}"
            if at == "inline":
                return f"{where} inlined, not computed at a loop of '{level.stage}'"
            if not isinstance(at, Level):
                return f"{where} computed at root, not inside {level}"
            if at.stage != level.stage or order.index(at.axis) < order.index(level.axis):
                return f"{where} computed at {at}, not inside {level}"
        for name in readers:
            top, _ = self.runs_at(name, level.stage)
            found = self.shared(name, top)
            if found is not None:
                link, other = found
                return (
                    f"it is also read by '{name}', and '{link}' is also read by "
                    f"'{other}' (a stage computed inside {level} may share it only with "
                    f"stages computed there, each read by the stage it is computed at alone)"
                )
        return None

    def check_placements(self, verb: str, name: str) -> None:
        """After the primitive `verb` of stage `name`: every stage computed at a loop still
        precedes all its reads there (`reader_problem`); else say which it would break:

            cannot reorder 'C': it would leave 'B' computed at C.i while it is also read
            by 'D', which is computed at C.j, not inside C.i; legal levels for 'B' would
            be root, C.j: move 'B' first
        """
        for stage in self.stages.values():
            level = stage.attach
            if not isinstance(level, Level):
                continue
            problem = self.reader_problem(stage, level)
            if problem is None:
                continue
            raise ScheduleError(
                f"cannot {verb} '{name}': it would leave '{stage.name}' computed at {level} "
                f"while {problem}; legal levels for '{stage.name}' would be "
                f"{_names(self.legal_levels(stage.name))}: move '{stage.name}' first"
            )

    def legal_store_levels(self, stage: StageModel) -> list[str]:
        """Where `stage` may be stored: its compute level or a loop of that consumer
        outside it."""
        level = stage.attach
        if not isinstance(level, Level):
            return []
        axes = self.stages[level.stage].axis_names()
        return [str(Level(level.stage, a)) for a in axes[: axes.index(level.axis) + 1]]

    def consumer_level(self, stage: StageModel, target: str, axis: str, verb: str) -> Level:
        """`target.axis`, checked to be a loop level of a consumer of `stage`."""
        consumers = self.consumers(stage.name)
        legal = self.legal_store_levels(stage) if verb == "store" else None
        if legal is None:
            legal = self.legal_levels(stage.name)
        if target not in consumers:
            self.stage(target)
            if not consumers:
                reason = "a kernel result" if stage.is_output else "unused"
                raise ScheduleError(
                    f"cannot {verb} '{stage.name}' at '{target}': '{stage.name}' has no "
                    f"consumers ({reason})"
                )
            raise ScheduleError(
                f"cannot {verb} '{stage.name}' at '{target}': '{target}' does not read "
                f"'{stage.name}'; legal levels are {_names(legal)}"
            )
        consumer = self.loop_stage(target)
        if consumer.index(axis) is None:
            raise ScheduleError(
                f"stage '{target}' has no axis '{axis}'; legal levels for '{stage.name}' "
                f"are {_names(legal)}"
            )
        return Level(target, axis)

    def check_store_outside_compute(self, stage: StageModel) -> None:
        """Storage must be allocated at or outside the loop where the stage is computed."""
        compute, store = stage.attach, stage.store
        if not isinstance(compute, Level) or store is None or store.stage != compute.stage:
            return
        consumer = self.stages[compute.stage]
        store_index, compute_index = consumer.index(store.axis), consumer.index(compute.axis)
        if store_index is not None and compute_index is not None and store_index > compute_index:
            raise ScheduleError(
                f"'{stage.name}' would be stored at {store}, inside where it is computed "
                f"({compute}); store at or outside the compute level"
            )

    def mark_changed(self, stage: StageModel, primitive: str) -> None:
        if stage.changed_by is None:
            stage.changed_by = primitive

    # -- loop transformations shared by primitives -----------------------------------------

    def split(
        self, stage: StageModel, axis_name: str, factor: int, outer: str, inner: str, verb: str
    ) -> None:
        axis = self.axis(stage, axis_name)
        self.check_positive(f"{verb} factor", factor)
        self.check_reshapeable(stage, axis, verb)
        self.check_new_axes(stage, [outer, inner])
        if axis.extent % factor and stage.scope == "packed" and not stage.copy:
            divisors = [str(d) for d in range(1, axis.extent + 1) if axis.extent % d == 0]
            raise ScheduleError(
                f"cannot {verb} axis '{axis.name}' of stage '{stage.name}' by {factor}: it "
                f"does not divide {axis.extent}, and a packed buffer a stage computes is laid "
                f"out by its loops, so their factors must divide the axes (only a "
                f"cache_read copy is padded); legal factors are "
                f"{', '.join(divisors)}"
            )
        stage.tail |= axis.extent % factor != 0
        if factor == 1:
            self.warn(
                f"{verb} of axis '{axis.name}' of stage '{stage.name}' by 1 has no effect "
                f"(its inner axis '{inner}' has one iteration)"
            )
        index = stage.axes.index(axis)
        stage.axes[index : index + 1] = [
            Axis(outer, -(-axis.extent // factor), axis.kind),
            Axis(inner, factor, axis.kind),
        ]

    def add_producer(
        self,
        stage: StageModel,
        name: str,
        axes: list[Axis],
        kept: list[Axis],
        shape: tuple[int, ...],
        scope: str = "global",
    ) -> None:
        """Move `stage`'s computation into a new stage `name` of tensor `shape` looping
        over `axes`; `stage` keeps the loops `kept` and reads only the new stage
        (cache_write, rfactor)."""
        defined = tuple(a.name for a in axes if a.kind == "spatial")
        producer = StageModel(name, shape, axes, stage.reads, defined=defined, scope=scope)
        self.stages[name] = producer
        stage.axes = kept
        stage.reads = [name]

    def reorder(self, stage: StageModel, order: Sequence[str]) -> None:
        """Put the named axes, in this order, into the positions they occupy (as TVM)."""
        seen: set[str] = set()
        for name in order:
            self.axis(stage, name)
            if name in seen:
                raise ScheduleError(f"axis '{name}' appears twice in the new order")
            seen.add(name)
        positions = sorted(n for n, a in enumerate(stage.axes) if a.name in seen)
        moved = [stage.axes[n] for name in order for n in positions if stage.axes[n].name == name]
        for position, axis in zip(positions, moved, strict=True):
            stage.axes[position] = axis


def tensor_name(arg: SSAValue, index: int) -> str:
    """How schedules name a kernel argument: its SSA name, or `arg<index>` without one."""
    return arg.name_hint or f"arg{index}"


def module_has_symbol(op: Operation, name: str) -> bool:
    """Whether the symbol table around `op` holds an op whose `sym_name` is `name`."""
    anchor: Operation | None = op
    while anchor is not None and not anchor.has_trait(SymbolTable):
        anchor = anchor.parent_op()
    if anchor is None:
        return False
    for region in anchor.regions:
        for block in region.blocks:
            for candidate in block.ops:
                sym = candidate.properties.get("sym_name") or candidate.attributes.get("sym_name")
                if isinstance(sym, StringAttr) and sym.data == name:
                    return True
    return False


def _stage_model(op: ComputeOp, names: dict[SSAValue, str], is_output: bool) -> StageModel:
    spatial = zip(op.spatial_axes.data, op.spatial_extents(), strict=True)
    reduce = zip(op.reduce_axes.data, op.reduce_extent_values(), strict=True)
    axes = [Axis(a.data, e, "spatial") for a, e in spatial]
    axes += [Axis(a.data, e, "reduce") for a, e in reduce]
    reads: list[str] = []
    for read in op.reads():
        name = names.get(read.tensor)
        if name is not None and name not in reads:
            reads.append(name)
    defined = tuple(a.data for a in op.spatial_axes.data)
    return StageModel(op.stage.data, op.spatial_extents(), axes, reads, is_output, defined=defined)
