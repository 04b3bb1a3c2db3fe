"""Loop primitives: they change or annotate the loops of one stage.

    te.split "C" "k" by 4 -> "ko", "ki"
    te.tile "C" ("i", "j") by (64, 64) -> ("io", "jo", "ii", "ji")
    te.reorder "C" ["io", "jo", "ko", "ii", "ki", "ji"]
    te.fuse "C" ("io", "jo") -> "ijo"
    te.unroll "C" "ki" by 2
    te.vectorize "C" "ji"
    te.parallel "C" "ijo"
    te.tensorize "C" "ii" with @gemm_4x4x4
    te.virtual_thread "O" "jo" 2
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from xdsl.dialects.builtin import (
    I64,
    ArrayAttr,
    FlatSymbolRefAttrConstr,
    IntegerAttr,
    StringAttr,
    SymbolRefAttr,
)
from xdsl.irdl import irdl_op_definition, opt_prop_def, prop_def

from dlir.dialects.te.model import Annotation, Axis, ScheduleError, ScheduleState, StageModel
from dlir.dialects.te.schedule import PrimitiveOp
from dlir.dialects.te.schedule import primitive_props as _props


@irdl_op_definition
class SplitOp(PrimitiveOp):
    """Split an axis into an outer and an inner axis of `factor` iterations.

        te.split "C" "i" by 32 -> "io", "ii"
    """

    name = "te.split"

    axis = prop_def(StringAttr)
    factor = prop_def(IntegerAttr[I64])
    outer = prop_def(StringAttr)
    inner = prop_def(StringAttr)

    assembly_format = "$stage $axis `by` $factor `->` $outer `,` $inner attr-dict"

    def __init__(self, stage: str, axis: str, factor: int, outer: str, inner: str) -> None:
        props = _props(stage=stage, axis=axis, factor=factor, outer=outer, inner=inner)
        super().__init__(properties=props)

    def apply_(self, state: ScheduleState) -> None:
        stage = state.loop_stage(self.stage.data)
        factor = self.factor.value.data
        state.split(stage, self.axis.data, factor, self.outer.data, self.inner.data, "split")
        state.mark_changed(stage, self.name)


@irdl_op_definition
class TileOp(PrimitiveOp):
    """Split two axes and order the results outer, outer, inner, inner.

        te.tile "C" ("i", "j") by (64, 64) -> ("io", "jo", "ii", "ji")
    """

    name = "te.tile"

    x_axis = prop_def(StringAttr)
    y_axis = prop_def(StringAttr)
    x_factor = prop_def(IntegerAttr[I64])
    y_factor = prop_def(IntegerAttr[I64])
    x_outer = prop_def(StringAttr)
    y_outer = prop_def(StringAttr)
    x_inner = prop_def(StringAttr)
    y_inner = prop_def(StringAttr)

    assembly_format = (
        "$stage ` ` `(` $x_axis `,` $y_axis `)` `by` ` ` `(` $x_factor `,` $y_factor `)` "
        "`->` `(` $x_outer `,` $y_outer `,` $x_inner `,` $y_inner `)` attr-dict"
    )

    def __init__(
        self,
        stage: str,
        axes: tuple[str, str],
        factors: tuple[int, int],
        new_axes: tuple[str, str, str, str],
    ) -> None:
        x_outer, y_outer, x_inner, y_inner = new_axes
        props = _props(
            stage=stage,
            x_axis=axes[0],
            y_axis=axes[1],
            x_factor=factors[0],
            y_factor=factors[1],
            x_outer=x_outer,
            y_outer=y_outer,
            x_inner=x_inner,
            y_inner=y_inner,
        )
        super().__init__(properties=props)

    def apply_(self, state: ScheduleState) -> None:
        stage = state.loop_stage(self.stage.data)
        x, y = self.x_axis.data, self.y_axis.data
        if x == y:
            raise ScheduleError(f"tile needs two different axes, found '{x}' twice")
        new = [self.x_outer.data, self.y_outer.data, self.x_inner.data, self.y_inner.data]
        state.axis(stage, x)
        state.axis(stage, y)
        state.check_new_axes(stage, new)
        state.split(stage, x, self.x_factor.value.data, new[0], new[2], "tile")
        state.split(stage, y, self.y_factor.value.data, new[1], new[3], "tile")
        state.reorder(stage, new)
        state.mark_changed(stage, self.name)


@irdl_op_definition
class ReorderOp(PrimitiveOp):
    """Reorder some of a stage's axes; the others keep their positions (as in TVM).

    A reduction axis may move outside spatial axes (as in TVM): the accumulators are
    then initialized outside it. A reorder that changes nothing is a warning.

        te.reorder "C" ["io", "jo", "ii", "ji"]
    """

    name = "te.reorder"

    axes = prop_def(ArrayAttr[StringAttr])

    assembly_format = "$stage $axes attr-dict"

    def __init__(self, stage: str, axes: Sequence[str]) -> None:
        super().__init__(properties=_props(stage=stage, axes=axes))

    def apply_(self, state: ScheduleState) -> None:
        stage = state.loop_stage(self.stage.data)
        before = stage.axis_names()
        state.reorder(stage, [a.data for a in self.axes.data])
        if stage.axis_names() == before:
            state.warn(
                f"reorder of stage '{stage.name}' has no effect: its axes are already in "
                f"this order ({', '.join(before)})"
            )
        for other in state.stages.values():
            state.check_store_outside_compute(other)
        state.mark_changed(stage, self.name)


@irdl_op_definition
class FuseOp(PrimitiveOp):
    """Fuse an axis with the axis directly inside it into one axis.

        te.fuse "C" ("io", "jo") -> "ijo"
    """

    name = "te.fuse"

    outer = prop_def(StringAttr)
    inner = prop_def(StringAttr)
    fused = prop_def(StringAttr)

    assembly_format = "$stage ` ` `(` $outer `,` $inner `)` `->` $fused attr-dict"

    def __init__(self, stage: str, outer: str, inner: str, fused: str) -> None:
        super().__init__(properties=_props(stage=stage, outer=outer, inner=inner, fused=fused))

    def apply_(self, state: ScheduleState) -> None:
        stage = state.loop_stage(self.stage.data)
        outer, inner = state.axis(stage, self.outer.data), state.axis(stage, self.inner.data)
        position = stage.axes.index(outer)
        if position + 1 >= len(stage.axes) or stage.axes[position + 1] is not inner:
            raise ScheduleError(
                f"cannot fuse '{outer.name}' and '{inner.name}' of stage '{stage.name}': "
                f"'{inner.name}' is not the axis directly inside '{outer.name}' "
                f"(axes are {', '.join(stage.axis_names())}); reorder them first"
            )
        if outer.kind != inner.kind:
            spatial, reduce = (outer, inner) if outer.kind == "spatial" else (inner, outer)
            raise ScheduleError(
                f"cannot fuse spatial axis '{spatial.name}' with reduction axis '{reduce.name}'"
            )
        state.check_reshapeable(stage, outer, "fuse")
        state.check_reshapeable(stage, inner, "fuse")
        state.check_new_axes(stage, [self.fused.data])
        fused = Axis(self.fused.data, outer.extent * inner.extent, outer.kind)
        stage.axes[position : position + 2] = [fused]
        state.mark_changed(stage, self.name)


def _annotate(
    state: ScheduleState, op: PrimitiveOp, axis_name: str, annotation: Annotation
) -> Axis:
    stage = state.loop_stage(op.stage.data)
    axis = state.axis(stage, axis_name)
    if axis.annotation is not None:
        raise ScheduleError(
            f"axis '{axis.name}' of stage '{stage.name}' is already {axis.annotation}"
        )
    axis.annotation = annotation
    state.mark_changed(stage, op.name)
    return axis


def _spatial_axes(stage: StageModel) -> str:
    return ", ".join(a.name for a in stage.axes if a.kind == "spatial") or "none"


@irdl_op_definition
class UnrollOp(PrimitiveOp):
    """Unroll an axis fully, or by a factor.

        te.unroll "C" "ki"
        te.unroll "C" "ki" by 4
    """

    name = "te.unroll"

    axis = prop_def(StringAttr)
    factor = opt_prop_def(IntegerAttr[I64])

    assembly_format = "$stage $axis (`by` $factor^)? attr-dict"

    def __init__(self, stage: str, axis: str, factor: int | None = None) -> None:
        super().__init__(properties=_props(stage=stage, axis=axis, factor=factor))

    def apply_(self, state: ScheduleState) -> None:
        if self.factor is not None:
            state.check_positive("unroll factor", self.factor.value.data)
        axis = _annotate(state, self, self.axis.data, "unrolled")
        if axis.extent == 1 or (self.factor is not None and self.factor.value.data == 1):
            what = "has one iteration" if axis.extent == 1 else "is unrolled by 1"
            state.warn(
                f"unroll of axis '{axis.name}' of stage '{self.stage.data}' has no "
                f"effect: it {what}"
            )


class SpatialAnnotationOp(PrimitiveOp):
    """Base of vectorize and parallel: annotate a spatial axis; a reduction axis is refused."""

    axis = prop_def(StringAttr)

    assembly_format = "$stage $axis attr-dict"

    # What the primitive is called in messages, why a reduction axis cannot take it, and
    # the annotation it puts on the axis.
    VERB: ClassVar[str]
    REDUCTION_HAZARD: ClassVar[str]
    ANNOTATION: ClassVar[Annotation]

    def __init__(self, stage: str, axis: str) -> None:
        super().__init__(properties=_props(stage=stage, axis=axis))

    def apply_(self, state: ScheduleState) -> None:
        stage = state.loop_stage(self.stage.data)
        axis = state.axis(stage, self.axis.data)
        if axis.kind == "reduce":
            raise ScheduleError(
                f"cannot {self.VERB} reduction axis '{axis.name}' of stage '{stage.name}': "
                f"{self.REDUCTION_HAZARD}; {self.VERB} a spatial axis "
                f"({_spatial_axes(stage)}) or rfactor '{axis.name}' first"
            )
        _annotate(state, self, axis.name, self.ANNOTATION)
        if axis.extent == 1:
            state.warn(
                f"{self.VERB} of axis '{axis.name}' of stage '{stage.name}' has no effect: "
                "it has one iteration"
            )


@irdl_op_definition
class VectorizeOp(SpatialAnnotationOp):
    """Run an axis's iterations as the lanes of vector operations.

        te.vectorize "C" "ji"
    """

    name = "te.vectorize"

    VERB: ClassVar[str] = "vectorize"
    REDUCTION_HAZARD: ClassVar[str] = "its lanes would update the same accumulator"
    ANNOTATION: ClassVar[Annotation] = "vectorized"


@irdl_op_definition
class ParallelOp(SpatialAnnotationOp):
    """Run an axis's iterations on parallel threads.

        te.parallel "C" "io"
    """

    name = "te.parallel"

    VERB: ClassVar[str] = "parallelize"
    REDUCTION_HAZARD: ClassVar[str] = "its iterations would race on the accumulator"
    ANNOTATION: ClassVar[Annotation] = "parallelized"


@irdl_op_definition
class TensorizeOp(PrimitiveOp):
    """Replace the loop nest inside (and including) an axis with a hardware intrinsic.

        te.tensorize "C" "ii" with @gemm_4x4x4
    """

    name = "te.tensorize"

    axis = prop_def(StringAttr)
    intrinsic = prop_def(FlatSymbolRefAttrConstr)

    assembly_format = "$stage $axis `with` $intrinsic attr-dict"

    def __init__(self, stage: str, axis: str, intrinsic: str) -> None:
        props = _props(stage=stage, axis=axis)
        props["intrinsic"] = SymbolRefAttr(intrinsic)
        super().__init__(properties=props)

    def apply_(self, state: ScheduleState) -> None:
        name = self.intrinsic.root_reference.data
        if not state.has_symbol(name):
            raise ScheduleError(
                f"no symbol @{name} in the module; tensorize needs an intrinsic declared "
                "under that name"
            )
        _annotate(state, self, self.axis.data, "tensorized")


@irdl_op_definition
class VirtualThreadOp(PrimitiveOp):
    """Run an axis's iterations as `threads` virtual threads, `threads` at a time in
    lockstep (TVM's vthread): on VTA each thread gets its own on-chip buffers and the
    threads' instruction streams interleave, so one thread's loads overlap another's
    gemms (double buffering with 2). The loop gets `{vthread = 2}`.

        te.virtual_thread "O" "jo" 2
    """

    name = "te.virtual_thread"

    axis = prop_def(StringAttr)
    threads = prop_def(IntegerAttr[I64])

    assembly_format = "$stage $axis $threads attr-dict"

    def __init__(self, stage: str, axis: str, threads: int) -> None:
        super().__init__(properties=_props(stage=stage, axis=axis, threads=threads))

    def apply_(self, state: ScheduleState) -> None:
        stage = state.loop_stage(self.stage.data)
        axis = state.axis(stage, self.axis.data)
        threads = self.threads.value.data
        if threads < 2:
            raise ScheduleError(f"virtual threads must be at least 2, found {threads}")
        if axis.kind == "reduce":
            raise ScheduleError(
                f"cannot run reduction axis '{axis.name}' of stage '{stage.name}' on virtual "
                f"threads: they would update the same accumulator; use a spatial axis "
                f"({_spatial_axes(stage)})"
            )
        if axis.extent % threads:
            raise ScheduleError(
                f"axis '{axis.name}' of stage '{stage.name}' has {axis.extent} iterations, not "
                f"a multiple of {threads} virtual threads; split it by {threads} first"
            )
        _annotate(state, self, axis.name, "virtual-threaded")
