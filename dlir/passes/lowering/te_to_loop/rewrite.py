"""The stages that cache_read, cache_write and rfactor add, as te.compute ops.

te-to-loop lowers a working copy of the kernel; these primitives rewrite that copy so
that every stage of the schedule model is a te.compute like any other (TVM does the same
to its dataflow graph):

    te.cache_read "A" "local" for ["C"] -> "AL"
      ->  %AL = te.compute "AL" (%ax0: M, %ax1: K) { te.read %A[%ax0, %ax1] }   (C reads %AL)
    te.cache_write "C" "local" -> "CL"
      ->  %CL = te.compute "CL" <C's axes, body and reduction>
          %C  = te.compute "C" (%i: M, %j: N) { te.read %CL[%i, %j] }
    te.rfactor "C" "ki" -> "Crf"          (k split into ko, ki)
      ->  %Crf = te.compute "Crf" (%i: M, %j: N, %ki: 4) reduce (%ko: K/4) { C's body at k = ko * 4 + ki }
          %C   = te.compute "C" (%i: M, %j: N) reduce (%ki: 4) { te.read %Crf[%i, %j, %ki] }

A cache stage in the "packed" scope is laid out in the order of its loops (`pack`, once
the whole schedule is replayed): its split spatial loops become the dims of its tensor.
That is how a schedule asks for a blocked layout (the convolution rule's NCHW16c weights
and its register tile stored channel-innermost):

    te.cache_read "W" "packed" for ["Y"] -> "Wp"                       (W: 64x64x3x3)
    te.split "Wp" "ax0" by 16 -> "ax0o", "ax0i"
    te.reorder "Wp" ["ax0o", "ax1", "ax2", "ax3", "ax0i"]
      ->  %Wp = te.compute "Wp" (%ax0o: 4, %ax1: 64, %ax2: 3, %ax3: 3, %ax0i: 16) {
            te.read %W[%ax0o * 16 + %ax0i, %ax1, %ax2, %ax3] }
          Y reads %Wp[%o floordiv 16, %c, %ry, %rx, %o mod 16]
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from xdsl.builder import Builder
from xdsl.dialects import arith
from xdsl.dialects.builtin import IndexType, IntegerAttr, StringAttr, TensorType
from xdsl.ir import Attribute, Block, Region, SSAValue
from xdsl.ir.affine import AffineExpr
from xdsl.rewriter import InsertPoint
from xdsl.utils.hints import isa

from dlir.dialects.loop import IndexExpr
from dlir.dialects.te.builder import identity_of
from dlir.dialects.te.compute import ComputeOp, ReadOp, YieldOp, is_valid_axis_name
from dlir.dialects.te.kernel import KernelOp
from dlir.passes.lowering.te_to_loop.body import materialize


def cache_read(
    kernel: KernelOp, source: SSAValue, name: str, readers: Sequence[ComputeOp]
) -> ComputeOp:
    """A stage `name` copying `source`; `readers` read it instead of `source`."""
    assert isa(source.type, TensorType[Attribute])
    shape = source.type.get_shape()
    axes = [(f"ax{n}", extent) for n, extent in enumerate(shape)]
    copy = _copy_stage(name, axes, source)
    owner = source.owner
    if isinstance(owner, ComputeOp):
        _block(kernel).insert_op_after(copy, owner)
    else:
        block = _block(kernel)
        first = block.first_op
        assert first is not None
        block.insert_op_before(copy, first)
    for reader in readers:
        for read in reader.reads():
            if read.tensor is source:
                read.operands[0] = copy.result
    return copy


def cache_write(kernel: KernelOp, stage: ComputeOp, name: str) -> ComputeOp:
    """`stage` computed as a new stage `name`; `stage` becomes a copy of it. Returns the
    copy (the new op standing for `stage`)."""
    cache = stage.clone()
    cache.properties["stage"] = StringAttr(name)
    cache.result.name_hint = name if is_valid_axis_name(name) else None
    block = _block(kernel)
    block.insert_op_before(cache, stage)
    axes = list(
        zip([a.data for a in stage.spatial_axes.data], stage.spatial_extents(), strict=True)
    )
    copy = _copy_stage(stage.stage.data, axes, cache.result)
    copy.result.name_hint = stage.result.name_hint
    block.insert_op_before(copy, stage)
    stage.result.replace_all_uses_with(copy.result)
    stage.detach()
    stage.erase()
    return copy


def rfactor(
    kernel: KernelOp,
    stage: ComputeOp,
    name: str,
    factored: tuple[str, int],
    others: Sequence[tuple[str, int]],
    reduce_exprs: Mapping[str, AffineExpr],
    dims: Mapping[str, int],
) -> tuple[ComputeOp, ComputeOp]:
    """Split `stage`'s reduction into a stage `name` that keeps the loop `factored` as
    a spatial axis (and reduces over the loops `others`), and `stage` reducing over it.

    `reduce_exprs` gives each reduction axis of `stage` as an expression of the loops,
    whose dim numbers `dims` maps from loop names. Returns (rf stage, new stage).
    """
    assert stage.combiner is not None and stage.init is not None
    spatial = list(
        zip([a.data for a in stage.spatial_axes.data], stage.spatial_extents(), strict=True)
    )
    axes = [*spatial, factored, *others]
    block = Block(arg_types=[IndexType()] * len(axes))
    for arg, (axis, _) in zip(block.args, axes, strict=True):
        arg.name_hint = axis if is_valid_axis_name(axis) else None
    builder = Builder(InsertPoint.at_end(block))
    # the loops' dims (numbered by `dims`, maybe with gaps) -> this block's arguments
    loop_values = {axis: arg for (axis, _), arg in zip(axes, block.args, strict=True)}
    loops = sorted(dims, key=lambda loop: dims[loop])
    values = tuple(SSAValue.get(loop_values[loop]) for loop in loops)
    renumber = [AffineExpr.dimension(0)] * (max(dims.values(), default=-1) + 1)
    for position, loop in enumerate(loops):
        renumber[dims[loop]] = AffineExpr.dimension(position)
    old_args = list(stage.body.block.args)
    mapper: dict[SSAValue, SSAValue] = {}
    for n, _ in enumerate(spatial):
        mapper[old_args[n]] = block.args[n]
    for n, axis in enumerate(a.data for a in stage.reduce_axes.data):
        expr = reduce_exprs[axis].replace_dims_and_symbols(renumber, [])
        mapper[old_args[len(spatial) + n]] = materialize(builder, IndexExpr(values, expr))
    for op in stage.body.block.ops:
        block.add_op(op.clone(value_mapper=mapper))
    combiner = stage.combiner.data
    element = stage.element_type()
    rf = ComputeOp(
        name,
        [*spatial, factored],
        element,
        Region(block),
        reduce=list(others),
        combiner=combiner,
        init=identity_of(combiner, element),
    )
    rf.result.name_hint = name if is_valid_axis_name(name) else None
    final_block = Block(arg_types=[IndexType()] * (len(spatial) + 1))
    for arg, (axis, _) in zip(final_block.args, [*spatial, factored], strict=True):
        arg.name_hint = axis if is_valid_axis_name(axis) else None
    read = ReadOp(rf.result, list(final_block.args))
    final_block.add_ops([read, YieldOp(read.result)])
    final = ComputeOp(
        stage.stage.data,
        spatial,
        element,
        Region(final_block),
        reduce=[factored],
        combiner=combiner,
        init=stage.init,
    )
    final.result.name_hint = stage.result.name_hint
    kernel_block = _block(kernel)
    kernel_block.insert_op_before(rf, stage)
    kernel_block.insert_op_before(final, stage)
    stage.result.replace_all_uses_with(final.result)
    stage.detach()
    stage.erase()
    return rf, final


def pack(
    kernel: KernelOp,
    stage: ComputeOp,
    loops: Sequence[tuple[str, int, bool]],
    axes: Mapping[str, AffineExpr],
    coordinates: Sequence[AffineExpr],
    clamps: Mapping[str, int] | None = None,
) -> ComputeOp:
    """`stage` with its loops as its axes, so that its tensor is laid out in loop order.

    `loops` are the stage's loops, outermost first: (name, extent, is a reduction);
    `axes` gives each axis of `stage` over them (dim N = `loops[N]`); `coordinates` gives
    each spatial loop, in order, over `stage`'s spatial axes (dim N = spatial axis N):
    `o floordiv 16` for the outer loop of `o` split by 16. Readers of `stage` read the new
    stage at those coordinates. `clamps` bounds the axes of a copy whose split does not
    divide: `min(io * 6 + ii, limit - 1)`, so its padding repeats the last element.
    Returns the new stage, which replaces `stage`.
    """
    spatial = [(name, extent) for name, extent, reduction in loops if not reduction]
    reduce = [(name, extent) for name, extent, reduction in loops if reduction]
    assert len(coordinates) == len(spatial), "one coordinate per spatial loop"
    order = [*spatial, *reduce]
    block = Block(arg_types=[IndexType()] * len(order))
    position = {name: n for n, (name, _) in enumerate(order)}
    values = tuple(SSAValue.get(block.args[position[name]]) for name, _, _ in loops)
    builder = Builder(InsertPoint.at_end(block))
    mapper: dict[SSAValue, SSAValue] = {}
    for arg, axis in zip(stage.body.block.args, stage.axis_names(), strict=True):
        index = materialize(builder, IndexExpr(values, axes[axis]))
        if clamps and axis in clamps:
            last = builder.insert(arith.ConstantOp(IntegerAttr(clamps[axis] - 1, IndexType())))
            index = builder.insert(arith.MinSIOp(index, last)).result
        mapper[arg] = index
    for op in stage.body.block.ops:
        block.add_op(op.clone(value_mapper=mapper))
    combiner = stage.combiner.data if stage.combiner is not None else None
    packed = ComputeOp(
        stage.stage.data,
        spatial,
        stage.element_type(),
        Region(block),
        reduce=reduce,
        combiner=combiner,
        init=stage.init,
    )
    packed.result.name_hint = stage.result.name_hint
    _block(kernel).insert_op_before(packed, stage)
    for use in list(stage.result.uses):
        read = use.operation
        # a cache stage is read by its readers alone (never a kernel result)
        assert isinstance(read, ReadOp), f"a packed stage is only read: {read.name}"
        indices = tuple(read.indices)
        at = Builder(InsertPoint.before(read))
        moved = [materialize(at, IndexExpr(indices, c)) for c in coordinates]
        new = at.insert(ReadOp(packed.result, moved))
        new.result.name_hint = read.result.name_hint
        read.result.replace_all_uses_with(new.result)
        read.detach()
        read.erase()
    stage.detach()
    stage.erase()
    return packed


def _copy_stage(name: str, axes: Sequence[tuple[str, int]], source: SSAValue) -> ComputeOp:
    """`name[axes] = source[axes]`."""
    assert isa(source.type, TensorType[Attribute])
    element = source.type.get_element_type()
    op = ComputeOp(name, axes, element)
    read = ReadOp(source, list(op.body.block.args))
    op.body.block.add_ops([read, YieldOp(read.result)])
    op.result.name_hint = name if is_valid_axis_name(name) else None
    return op


def _block(kernel: KernelOp) -> Block:
    return kernel.body.block
