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
Annotation = Literal["unrolled", "vectorized", "parallelized", "tensorized"]


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
        """`root`, then every loop level of every consumer of `name` (as Halide lists them)."""
        return ["root"] + [
            str(Level(c, a))
            for c in self.consumers(name)
            for a in self.stages[c].axis_names()
            if self.stages[c].attach != "inline"
        ]

    def consumer_level(self, stage: StageModel, target: str, axis: str, verb: str) -> Level:
        """`target.axis`, checked to be a loop level of a consumer of `stage`."""
        consumers = self.consumers(stage.name)
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
                f"'{stage.name}'; legal levels are {_names(self.legal_levels(stage.name))}"
            )
        consumer = self.loop_stage(target)
        if consumer.index(axis) is None:
            raise ScheduleError(
                f"stage '{target}' has no axis '{axis}'; legal levels for '{stage.name}' "
                f"are {_names(self.legal_levels(stage.name))}"
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
