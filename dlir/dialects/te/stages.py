"""Stage primitives: where a stage is computed and stored, and stages they add.

    te.compute_at "A_local" at "C" "jo"
    te.store_at "A_local" at "C" "io"
    te.compute_inline "B"
    te.compute_root "B"
    te.cache_read "A" "local" for ["C"] -> "A_local"
    te.cache_write "C" "local" -> "C_local"
    te.rfactor "C" "ki" -> "C_rf"
"""

from __future__ import annotations

from collections.abc import Sequence

from xdsl.dialects.builtin import ArrayAttr, StringAttr
from xdsl.irdl import irdl_op_definition, prop_def

from dlir.dialects.te.model import Axis, Level, ScheduleError, ScheduleState, StageModel
from dlir.dialects.te.schedule import PrimitiveOp
from dlir.dialects.te.schedule import primitive_props as _props


class AttachOp(PrimitiveOp):
    """Base of compute_at and store_at: a stage placed in a loop of one of its consumers."""

    target = prop_def(StringAttr)
    axis = prop_def(StringAttr)

    assembly_format = "$stage `at` $target $axis attr-dict"

    def __init__(self, stage: str, target: str, axis: str) -> None:
        super().__init__(properties=_props(stage=stage, target=target, axis=axis))


@irdl_op_definition
class ComputeAtOp(AttachOp):
    """Compute a stage inside a loop of one of its consumers, as much as that loop needs
    (bounds inference), into a buffer of that region. Its other readers, if any, must
    already run inside that loop: computed at loops of the same consumer at or inside it
    (or at a loop of a stage computed there, and so on), each read only by the stage it
    is computed at; the region is the union of what they all read. A kernel result is
    computed whole (legal level: root). A later primitive that would break this (moving
    a reader, reordering the loops, a cache stage between them) is refused.

        te.compute_at "A_local" at "C" "jo"
    """

    name = "te.compute_at"

    def apply_(self, state: ScheduleState) -> None:
        stage = state.stage(self.stage.data)
        level = state.consumer_level(stage, self.target.data, self.axis.data, "compute")
        if stage.is_output:
            raise ScheduleError(
                f"cannot compute '{stage.name}' at {level}: it is a kernel result, which is "
                "computed whole; legal levels are root (cache_write it to compute a tile "
                "at a loop)"
            )
        problem = state.reader_problem(stage, level)
        if problem is not None:
            legal = ", ".join(state.legal_levels(stage.name))
            raise ScheduleError(
                f"cannot compute '{stage.name}' at {level}: {problem}; legal levels for "
                f"'{stage.name}' are {legal}{_reader_hint(state, stage, level)}"
            )
        if stage.store is not None and stage.store.stage != level.stage:
            stage.store = None
        stage.attach = level
        state.check_store_outside_compute(stage)


def _reader_hint(state: ScheduleState, stage: StageModel, level: Level) -> str:
    """How to make `level` legal for `stage`, when its other readers can move there."""
    others = [r for r in state.consumers(stage.name) if r != level.stage]
    movable = all(
        state.consumers(r) == [level.stage] and not state.stages[r].is_output for r in others
    )
    if not others or not movable:
        return ""
    names = " and ".join(f"'{r}'" for r in others)
    return f" (compute_at {names} at {level} or a loop of '{level.stage}' inside it first)"


@irdl_op_definition
class StoreAtOp(AttachOp):
    """Allocate a stage's storage inside a loop of one of its consumers, while it is
    computed at that loop or one inside it (compute_at first): the buffer holds what the
    consumer reads under the storage loop, and when the compute loop is just inside it
    and serial, each iteration computes only the part the previous ones did not
    (Halide's sliding window).

        te.store_at "A_local" at "C" "io"
    """

    name = "te.store_at"

    def apply_(self, state: ScheduleState) -> None:
        stage = state.loop_stage(self.stage.data)
        level = state.consumer_level(stage, self.target.data, self.axis.data, "store")
        compute = stage.attach
        if not isinstance(compute, Level) or compute.stage != level.stage:
            where = "at root" if compute == "root" else f"at {compute}"
            raise ScheduleError(
                f"cannot store '{stage.name}' at {level}: it is computed {where}; "
                f"compute_at '{stage.name}' at a loop of '{level.stage}' first (storage "
                "goes at or outside the compute level)"
            )
        stage.store = level
        state.check_store_outside_compute(stage)


class StageOnlyOp(PrimitiveOp):
    """Base of compute_inline and compute_root: primitives that name only their stage."""

    assembly_format = "$stage attr-dict"

    def __init__(self, stage: str) -> None:
        super().__init__(properties=_props(stage=stage))


@irdl_op_definition
class ComputeInlineOp(StageOnlyOp):
    """Substitute a stage's expression into its consumers; it gets no loops or storage.

        te.compute_inline "B"
    """

    name = "te.compute_inline"

    def apply_(self, state: ScheduleState) -> None:
        stage = state.stage(self.stage.data)
        reduce = [a.name for a in stage.axes if a.kind == "reduce"]
        if reduce:
            raise ScheduleError(
                f"cannot inline '{stage.name}': it reduces over {', '.join(reduce)}; only "
                "stages without reduction axes can be inlined"
            )
        if stage.is_output:
            raise ScheduleError(f"cannot inline '{stage.name}': it is a kernel result")
        for axis in stage.axes:
            attached = state.attached_at(stage, axis.name)
            if attached:
                raise ScheduleError(f"cannot inline '{stage.name}': {attached[0]} ({axis.name})")
        stage.attach = "inline"
        stage.store = None


@irdl_op_definition
class ComputeRootOp(StageOnlyOp):
    """Compute a stage in its own loop nest at the kernel's top level (the default).

        te.compute_root "B"
    """

    name = "te.compute_root"

    def apply_(self, state: ScheduleState) -> None:
        stage = state.stage(self.stage.data)
        if stage.attach == "root":
            state.warn(
                f"compute_root of '{stage.name}' has no effect: it is already computed at root"
            )
        stage.attach = "root"
        stage.store = None


@irdl_op_definition
class CacheReadOp(PrimitiveOp):
    """Add a stage copying a tensor or stage into a memory scope (global, local, packed,
    shared), read by `readers` instead; computed at a reader's loop, it copies the panel
    that loop reads. Its axes are `ax0`, `ax1`, ... (one per dim). A "packed" stage is
    laid out in the order of its loops once the schedule is replayed (its splits must
    divide): split ax0 by 16 and reorder, and W[o][c] is stored as Wp[o/16][c][o%16].

        te.cache_read "A" "local" for ["C"] -> "A_local"
    """

    name = "te.cache_read"

    scope = prop_def(StringAttr)
    readers = prop_def(ArrayAttr[StringAttr])
    cache = prop_def(StringAttr)

    assembly_format = "$stage $scope `for` $readers `->` $cache attr-dict"

    def __init__(self, source: str, scope: str, readers: Sequence[str], cache: str) -> None:
        props = _props(stage=source, scope=scope, readers=readers, cache=cache)
        super().__init__(properties=props)

    def apply_(self, state: ScheduleState) -> None:
        source = self.stage.data
        if source in state.tensors:
            shape = state.tensors[source]
        elif source in state.stages:
            shape = state.stages[source].shape
        else:
            raise ScheduleError(
                f"no tensor or stage named '{source}'; kernel arguments are "
                f"{', '.join(state.tensors) or 'none'}; stages are {', '.join(state.stages)}"
            )
        _check_scope(self.scope.data)
        readers = [r.data for r in self.readers.data]
        if not readers:
            raise ScheduleError("cache_read needs at least one reader")
        consumers = state.consumers(source)
        for reader in readers:
            if reader not in consumers:
                state.stage(reader)
                raise ScheduleError(
                    f"stage '{reader}' does not read '{source}'; readers of '{source}' are "
                    f"{', '.join(consumers) or 'none'}"
                )
        cache = self.cache.data
        state.check_new_stage(cache)
        axes = [Axis(f"ax{n}", extent, "spatial") for n, extent in enumerate(shape)]
        defined = tuple(a.name for a in axes)
        scope = self.scope.data
        state.stages[cache] = StageModel(
            cache, shape, axes, [source], defined=defined, scope=scope, copy=True
        )
        for reader in readers:
            reads = state.stages[reader].reads
            reads[reads.index(source)] = cache


@irdl_op_definition
class SetScopeOp(PrimitiveOp):
    """Allocate a stage's buffer in a memory scope (TVM's `set_scope`): an accelerator's
    accumulator for a gemm computed at a loop of its consumer, which reads it from there.

        te.set_scope "C" "vta.acc"
    """

    name = "te.set_scope"

    scope = prop_def(StringAttr)

    assembly_format = "$stage $scope attr-dict"

    def __init__(self, stage: str, scope: str) -> None:
        super().__init__(properties=_props(stage=stage, scope=scope))

    def apply_(self, state: ScheduleState) -> None:
        stage = state.loop_stage(self.stage.data)
        _check_scope(self.scope.data)
        if stage.is_output:
            raise ScheduleError(
                f"cannot set the scope of '{stage.name}': it is a kernel result, stored in "
                "the caller's buffer; cache_write it into the scope instead"
            )
        if self.scope.data == "packed":
            raise ScheduleError(
                f"cannot set the scope of '{stage.name}' to packed: a packed buffer is made "
                "by cache_read or cache_write"
            )
        stage.scope = self.scope.data


@irdl_op_definition
class CacheWriteOp(PrimitiveOp):
    """Compute a stage into a memory scope; the stage becomes a copy out of it. The new
    stage has the stage's axes (and reduction); computed at a loop of the copy, it is
    the accumulator tile of a register-blocked kernel.

        te.cache_write "C" "local" -> "C_local"
    """

    name = "te.cache_write"

    scope = prop_def(StringAttr)
    cache = prop_def(StringAttr)

    assembly_format = "$stage $scope `->` $cache attr-dict"

    def __init__(self, stage: str, scope: str, cache: str) -> None:
        super().__init__(properties=_props(stage=stage, scope=scope, cache=cache))

    def apply_(self, state: ScheduleState) -> None:
        stage = state.loop_stage(self.stage.data)
        _check_scope(self.scope.data)
        if stage.changed_by is not None:
            raise ScheduleError(
                f"cache_write of '{stage.name}' must come before its loops are changed; "
                f"{stage.changed_by} already changed them"
            )
        if stage.tail and self.scope.data == "packed":
            raise ScheduleError(
                f"cannot cache_write '{stage.name}' into a packed buffer: its loops run past "
                "its axes (a split before rfactor does not divide), and a packed buffer is "
                "laid out by its loops; use scope local or global"
            )
        cache = self.cache.data
        state.check_new_stage(cache)
        for axis in stage.axes:
            if axis.kind == "reduce":
                state.check_reshapeable(stage, axis, "cache_write")
        axes = [Axis(a.name, a.extent, a.kind) for a in stage.axes]
        kept = [a for a in stage.axes if a.kind == "spatial"]
        state.add_producer(stage, cache, axes, kept, stage.shape, self.scope.data)
        # the cache computes what the stage did, with its bounds; the copy has none
        state.stages[cache].tail, stage.tail = stage.tail, False


@irdl_op_definition
class RFactorOp(PrimitiveOp):
    """Factor a reduction axis out into a new stage that keeps it as a spatial axis.

        te.rfactor "C" "ki" -> "C_rf"

    The new stage computes partial results over the other reduction axes for each value
    of `ki`; the original stage then reduces the partial results over `ki` alone. The
    stage's spatial axes must be as defined (split them after rfactor); the new stage's
    axes are the stage's loops at this point, `ki` now spatial (it can be vectorized or
    parallelized), and its tensor is the stage's shape plus a dim of `ki`'s extent.
    """

    name = "te.rfactor"

    axis = prop_def(StringAttr)
    factored = prop_def(StringAttr)

    assembly_format = "$stage $axis `->` $factored attr-dict"

    def __init__(self, stage: str, axis: str, factored: str) -> None:
        super().__init__(properties=_props(stage=stage, axis=axis, factored=factored))

    def apply_(self, state: ScheduleState) -> None:
        stage = state.loop_stage(self.stage.data)
        axis = state.axis(stage, self.axis.data)
        reduce = [a for a in stage.axes if a.kind == "reduce"]
        if axis.kind != "reduce":
            names = ", ".join(a.name for a in reduce)
            legal = f"reduction axes are {names}" if names else "it has no reduction axes"
            raise ScheduleError(
                f"cannot rfactor '{axis.name}' of stage '{stage.name}': it is a spatial "
                f"axis; {legal}"
            )
        spatial = [a.name for a in stage.axes if a.kind == "spatial"]
        if sorted(spatial) != sorted(stage.defined):
            raise ScheduleError(
                f"cannot rfactor '{axis.name}' of stage '{stage.name}': its spatial axes were "
                f"changed (they are {_names(spatial)}, defined as {_names(stage.defined)}); "
                "rfactor before splitting or fusing spatial axes"
            )
        factored = self.factored.data
        state.check_new_stage(factored)
        for other in reduce:
            state.check_reshapeable(stage, other, "rfactor")
        # C_rf: the spatial axes, the factored axis as a new spatial one, the other
        # reduction loops; C: its spatial axes and a reduction over the factored axis.
        axes = [Axis(a.name, a.extent, "spatial" if a is axis else a.kind) for a in stage.axes]
        kept = [a for a in stage.axes if a.kind == "spatial" or a is axis]
        shape = (*stage.shape, axis.extent)
        state.add_producer(stage, factored, axes, kept, shape)
        state.stages[factored].defined = (*stage.defined, axis.name)
        # the new stage loops over the stage's loops, with their bounds; the stage has
        # new loops (its spatial axes and the factored axis), none bounded
        state.stages[factored].tail, stage.tail = stage.tail, False
        state.mark_changed(stage, self.name)


CACHE_SCOPES = ("global", "local", "packed", "shared", "vta.inp", "vta.wgt", "vta.acc")
"""The memory scopes a cache stage's buffer may live in (a subset of loop.alloc's): the
host's, and the VTA accelerator's input, weight and accumulator SRAMs."""


def _check_scope(scope: str) -> None:
    if scope not in CACHE_SCOPES:
        raise ScheduleError(
            f"unknown memory scope '{scope}'; legal scopes are {', '.join(CACHE_SCOPES)}"
        )


def _names(names: Sequence[str]) -> str:
    return ", ".join(names) if names else "none"
