"""The rules of the blocked convolution (`graph.conv2d_nchwc`): the NCHWc micro-kernel
first, then the generated register tile, the weights read as packed.

    convolution-nchwc-microkernel   each output row (and chunk of input channel blocks
                                    whose weights fit 16 KiB) one hw.call of
                                    `conv2d_nchwc_microkernel` (dlir/intrinsics/conv.py),
                                    accumulating into Y in place; reductions of 256
                                    multiply-adds per output or more
    convolution-microkernel         the same for NCHW convs, with
                                    `te-auto-schedule{microkernel_nchw=true}`: input and weights packed to
                                    NCHW16c / OIHW16i16o in the call, the row in a tile
    convolution-nchwc               the generated tile:

    Y[n, oo, y, x, oi] = sum over co, ry, rx, ci of
                         P[n, co, y + ry, x + rx, ci] * W[oo, co, ry, rx, ci, oi]
      -> Y: loops n, oo (parallel), y, xo, then at xo a tile of T columns x B channels
         (4 x 16 at most) in a "local" buffer with loops co, ry, rx, ci, x (unrolled<T>),
         oi (vectorized<B>), stored to Y's contiguous (x, oi) run; a row of 7 or 14 takes
         tiles of 7 x 8, the block's two vectors one after the other

What `convolution-blocked` (rules.py) builds inside every call, `graph-alter-layout` has
done at compile time: the weights are already OIHW[bi]i[bo]o, so each step loads B
consecutive weights with no packing stage, and the output block is Y's innermost dim, so
the tile goes back with no transpose. Per step: B / 8 weight vectors, T broadcast inputs,
T * B / 8 FMAs into 8 accumulators (the register budget measured for `CONV_COLUMNS`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from xdsl.dialects import arith
from xdsl.dialects.builtin import FloatAttr, IndexType, ModuleOp, f32
from xdsl.ir.affine import (
    AffineBinaryOpExpr,
    AffineBinaryOpKind,
    AffineConstantExpr,
    AffineDimExpr,
    AffineExpr,
)

from dlir.dialects.te.builder import StageSchedule
from dlir.dialects.te.compute import ReadOp, YieldOp
from dlir.intrinsics.conv import BLOCKS
from dlir.intrinsics.cpu import LANES
from dlir.passes.lowering.auto_schedule.classify import StageInfo

if TYPE_CHECKING:
    # rules.py imports this module to list the rule: a run-time import here would be circular
    from dlir.passes.lowering.auto_schedule.rules import Options, Rule

TILE_VECTORS = 8
"""Accumulators per register tile: 8 vectors (of the 16 ymm registers; 14 spilled)."""
ROW_COLUMNS = (4, 2)
"""Columns per tile taking the whole channel block, the first that divides the row: te-to-loop
cannot keep a partial tile in registers (a column loop of variable length), so the columns
divide the row."""


def nchwc_rules(info: StageInfo) -> list[tuple[str, Rule]]:
    """The blocked convolution rules, for the stages shaped like one: the micro-kernel's
    first (NCHWc; NCHW convs packed to NCHWc with the option `microkernel_nchw`, checked
    by the rule), then the generated register tile."""
    found: list[tuple[str, Rule]] = []
    shape = microkernel_shape(info)
    if shape is not None and shape.layout == "nchwc":
        found.append(("convolution-nchwc-microkernel", microkernel_convolution))
    elif shape is not None:
        found.append(("convolution-microkernel", microkernel_convolution))
    if _blocked_axes(info) is not None:
        found.append(("convolution-nchwc", _nchwc_convolution))
    return found


def register_tile(width: int, block: int, lanes: int) -> tuple[int, int]:
    """`(columns, vectors of the block)` of the register tile: the most accumulators (at
    most `TILE_VECTORS`), the whole block when that ties (fewer loads per FMA).

        width 56, block 16 -> (4, 2)      width 7 or 14, block 16 -> (7, 1)
    """
    whole = block // lanes
    candidates = [(c, whole) for c in ROW_COLUMNS if width % c == 0 and c * whole <= TILE_VECTORS]
    candidates += [(c, 1) for c in range(TILE_VECTORS, 1, -1) if width % c == 0]
    candidates.append((1, whole))
    return max(candidates, key=lambda tile: (tile[0] * tile[1], tile[1]))


def _blocked_axes(info: StageInfo) -> tuple[int, int] | None:
    """`(x, oi)` of a stage Y[.., x, oi] reducing over an input read along x and weights
    read contiguously along oi (their last index) and not along x; else None."""
    if info.n_spatial < 3 or not info.is_reduction or info.lanes is None:
        return None
    x, block = info.n_spatial - 2, info.n_spatial - 1
    weights = [read for read in info.reads if read.uses(block)]
    inputs = [read for read in info.reads if read.uses(x)]
    if len(info.reads) != 2 or len(weights) != 1 or len(inputs) != 1:
        return None
    if weights[0] is inputs[0] or not weights[0].contiguous_along(block):
        return None
    if info.extents[block] % info.lanes:
        return None
    return x, block


def _nchwc_convolution(s: StageSchedule, info: StageInfo, options: Options) -> None:
    from dlir.passes.lowering.auto_schedule.rules import NotApplicable

    axes = _blocked_axes(info)
    if axes is None or not options.vectorize or info.lanes is None:
        raise NotApplicable("not an NCHWc convolution with vector lanes")
    x, block = axes
    names, extents = info.names, info.extents
    width, lanes = extents[x], info.lanes
    columns, vectors = register_tile(width, extents[block], lanes)
    tile = s.cache_write("local")
    outer = [names[n] for n in range(x)]
    if columns == width:
        tile.compute_at(s, outer[-1])
    elif columns == 1:
        tile.compute_at(s, names[x])
    else:
        xo, _ = s.split(names[x], columns)
        tile.compute_at(s, xo)
    channel = [names[block]]
    if vectors * lanes < extents[block]:
        # a narrow row (7, 14): the tile takes a whole row of one vector of the block at a
        # time, the block's vectors outside the reduction (7 x 8 rather than 1 x 16)
        channel = list(tile.split(names[block], vectors * lanes))
    tile.reorder(*outer, *channel[:-1], *names[info.n_spatial :], names[x], channel[-1])
    if columns > 1:
        tile.unroll(names[x])
    tile.vectorize(channel[-1])
    s.vectorize(names[block])
    if options.parallel:
        # the outermost loop with more than one iteration (n, else the channel blocks)
        busy = next(
            (name for name, extent in zip(outer, extents[:x], strict=True) if extent > 1), None
        )
        if busy is not None:
            s.parallel(busy)


# --- the micro-kernel rules ---------------------------------------------------------------


@dataclass(frozen=True)
class ConvShape:
    """A convolution stage the NCHWc micro-kernel (`dlir/intrinsics/conv.py`) computes:
    its layout, its axes (positions among the stage's dims) and the kernel's parameters."""

    layout: str
    """"nchwc": Y[n, oo, y, x, oi] over (co, ry, rx, ci), weights W[oo, co, ry, rx, ci, oi];
    "nchw": Y[n, o, y, x] over (rc, ry, rx), weights W[o, rc, ry, rx] (packed by the rule)."""
    channel: int
    """The output-channel axis the tile's channels come from (oi, or o)."""
    x: int
    channels: int
    """Input channels (co * ci, or rc)."""
    block: int
    """Input channels per block: ci's extent, or what the rule packs NCHW into (16, 8)."""
    ob: int
    """Output channels per block of the weights: oi's extent, or the rule's packing."""
    kh: int
    kw: int
    stride: int
    weights: str
    """The names schedules give the weights and the input (a kernel argument or a pad
    stage)."""
    input: str


def microkernel_shape(info: StageInfo) -> ConvShape | None:
    """The micro-kernel's view of `info`, when the stage is exactly an f32 NCHWc or NCHW
    (OIHW weights) convolution with unit dilation whose channels come in whole vectors,
    summing the product of its two reads from 0; else None. The checks are the
    matcher's (loop-tensorize): a rule that tensorizes a stage they let through must match."""
    if info.lanes != LANES or info.stage.element_type() != f32 or not _plain_product(info):
        return None
    n = info.n_spatial
    if (n, len(info.extents)) == (5, 9):
        layout, x, channel, w_axes = "nchwc", 3, 4, (1, 5, 6, 7, 8, 4)
        channel_in, ry, rx, block_in = 5, 6, 7, 8
    elif (n, len(info.extents)) == (4, 7):
        layout, x, channel, w_axes = "nchw", 3, 1, (1, 4, 5, 6)
        channel_in, ry, rx, block_in = 4, 5, 6, None
    else:
        return None
    inputs = [read for read in info.reads if read.uses(x)]
    weights = [read for read in info.reads if not read.uses(x)]
    if len(info.reads) != 2 or len(inputs) != 1 or len(weights) != 1:
        return None
    weight_name = info.tensor_names.get(weights[0].source)
    input_name = info.tensor_names.get(inputs[0].source)
    if weights[0].indices != tuple(AffineExpr.dimension(d) for d in w_axes):
        return None
    terms = [_terms(index) for index in inputs[0].indices]
    if weight_name is None or input_name is None:
        return None
    # the input's indices, on the loops of the tensorized nest (the rest is the window's
    # offset): n, channel (block), row, column (, channel in the block)
    nest = {x, channel, *range(n, len(info.extents))}
    stride = (terms[3] or {}).get(x, 0)
    expected = [{}, {channel_in: 1}, {ry: 1}, {x: stride, rx: 1}]
    if block_in is not None:
        expected.append({block_in: 1})
    if len(terms) != len(expected):
        return None
    for found, want in zip(terms, expected, strict=True):
        if found is None or {d: c for d, c in found.items() if d in nest} != want:
            return None
    outputs = info.extents[channel]
    if layout == "nchwc":
        block, channels = info.extents[block_in or 0], info.extents[n] * info.extents[n + 3]
        if block not in BLOCKS:
            return None
    else:
        channels = info.extents[n]
        block = next((b for b in sorted(BLOCKS, reverse=True) if channels % b == 0), 0)
    if stride < 1 or not block or outputs % LANES:
        return None
    kh, kw = info.extents[ry], info.extents[rx]
    return ConvShape(
        layout, channel, x, channels, block, outputs, kh, kw, stride, weight_name, input_name
    )


def microkernel_convolution(s: StageSchedule, info: StageInfo, options: Options) -> None:
    # NCHWc: Y[n, oo, y, x, oi] = sum over co, ry, rx, ci of P[n, co, y + ry, x + rx, ci] * W[oo, co, ry, rx, ci, oi]
    #   -> Y: loops n, oo (parallel), y, oi (vectorized); at y a "local" tile of the row's
    #      columns x 16 channels, whose reduction over a chunk of channel blocks (co
    #      split so that the chunk's weights stay in L1) is one hw.call of
    #      @conv_nchwc_<columns>x16_c<chunk>x<ci>_k<kh>x<kw>_s<stride>_o<ob>
    # NCHW: Y[n, o, y, x] = sum over rc, ry, rx of P[n, rc, y + ry, x + rx] * W[o, rc, ry, rx]
    #   -> P and W packed NCHW16c and OIHW16i16o at root (copies made in the call), then
    #      as NCHWc with a "packed" tile laid out x, o, stored back to NCHW
    from dlir.backends.llvm.jit import host_has_features
    from dlir.intrinsics import declare
    from dlir.intrinsics.cpu import FEATURES
    from dlir.passes.lowering.auto_schedule.rules import NotApplicable

    shape = microkernel_shape(info)
    if shape is None or not options.vectorize or not host_has_features(*FEATURES):
        raise NotApplicable("not a convolution the micro-kernel computes, or no AVX2+FMA")
    if not options.microkernel:
        raise NotApplicable("micro-kernels are off (te-auto-schedule{microkernel=false})")
    if shape.layout == "nchw" and not options.microkernel_nchw:
        # the input and weights packed in every call: 0.79-0.96x the generated tile of
        # `convolution-blocked` on resnet50's 3x3 layers, 1 thread; 0.97x on the 1x1
        # 256 -> 64 at 56^2 (benchmarks/conv_ukernel.py, run.py's conv2d_1x1 0.78x numpy
        # against 0.91x)
        raise NotApplicable("NCHW convs take the micro-kernel with microkernel_nchw=true")
    if shape.channels * shape.kh * shape.kw < MICROKERNEL_MIN_REDUCTION:
        raise NotApplicable("too short a reduction to amortize a row's register tiles")
    module = s.schedule.kernel.parent_op()
    if not isinstance(module, ModuleOp):
        raise NotApplicable("no module to declare the micro-kernel in")
    names, extents = info.names, info.extents
    columns = microkernel_columns(extents[shape.x])
    nr = 16 if shape.ob % 16 == 0 else LANES
    ob = shape.ob if shape.layout == "nchwc" else nr
    blocks = shape.channels // shape.block
    chunk = weight_chunk(blocks, shape.kh * shape.kw * shape.block * nr)
    params = dict(
        columns=columns,
        nr=nr,
        channels=chunk * shape.block,
        kh=shape.kh,
        kw=shape.kw,
        stride=shape.stride,
        block=shape.block,
        ob=ob,
    )
    # declared before te.tensorize names it (the rule runs twice, once tried and once
    # kept; the implementation is built once); one a rejected rule leaves is never
    # called, and loop-to-llvm drops it
    intrinsic = declare(module, "conv2d_nchwc_microkernel", **params).sym_name.data
    reduction = list(names[info.n_spatial :])
    column, channel = names[shape.x], names[shape.channel]
    if shape.layout == "nchw":
        # pack the weights OIHW[block]i[nr]o and the input NCHW[block]c, at root
        weights = s.schedule[shape.weights].cache_read("packed", [s])
        w_oo, w_oi = weights.split("ax0", nr)
        w_co, w_ci = weights.split("ax1", shape.block)
        weights.reorder(w_oo, w_co, "ax2", "ax3", w_ci, w_oi)
        image = s.schedule[shape.input].cache_read("packed", [s])
        c_o, c_i = image.split("ax1", shape.block)
        image.reorder("ax0", c_o, "ax2", "ax3", c_i)
        if shape.input in s.schedule.state.stages:
            # the padding stage is computed into the packed copy: one pass over the input
            s.schedule[shape.input].compute_inline()
        if options.parallel and blocks > 1:
            image.parallel(c_o)
        # the tile laid out (x, o), computed at each column block, stored back to NCHW
        tile = s.cache_write("packed")
        oo, oi = s.split(channel, nr)
        outer = [names[0], oo, names[2]]
        outer_extents = [extents[0], extents[shape.channel] // nr, extents[2]]
        xo, xi = s.split(column, columns)
        s.reorder(*outer, xo, oi, xi)
        tile.compute_at(s, xo)
        co, ci = tile.split(reduction[0], shape.block)
        reduction = [co, reduction[1], reduction[2], ci]
        kept = [names[0], names[2]]
    else:
        # Y's rows are the tiles: (x, oi) contiguous, accumulated in place
        tile = s
        outer = [names[n] for n in range(shape.x)]
        outer_extents = list(extents[: shape.x])
        kept = list(outer)
        if columns < extents[shape.x]:
            xo, column = s.split(column, columns)
            kept.append(xo)
        if nr < shape.ob:
            oio, channel = s.split(channel, nr)
            kept.append(oio)
    chunks: list[str] = []
    if chunk == 1 < blocks:
        # one block per call: the block loop outside the call (the kernel's cb loop of
        # one iteration matches the missing loop)
        chunks.append(reduction.pop(0))
    elif chunk < blocks:
        outer_block, reduction[0] = tile.split(reduction[0], chunk)
        chunks.append(outer_block)
    tile.reorder(*kept, *chunks, *reduction, column, channel)
    tile.tensorize(reduction[0], intrinsic)
    if options.parallel:
        busy = next((n for n, e in zip(outer, outer_extents, strict=True) if e > 1), None)
        if busy is not None:
            s.parallel(busy)


MICROKERNEL_MIN_REDUCTION = 256
"""The fewest multiply-adds per output value (input channels x taps) the micro-kernel
rule takes: below, the generated tile was faster (1x1 convs over 64 and 128 channels:
0.87-0.93x it; over 256: 1.03x, 3x3 over 64: 1.05x; resnet50's layers, 1 thread)."""


WEIGHT_CHUNK_BYTES = 16 * 1024
"""The most weight bytes one micro-kernel call reads: the input channel blocks are cut
into chunks whose weights stay in L1 while the call walks the row's register tiles."""


def weight_chunk(blocks: int, block_floats: int) -> int:
    """Input channel blocks per call: the most dividing `blocks` whose weights
    (`block_floats` f32 each) fit `WEIGHT_CHUNK_BYTES`, at least 1."""
    fits = WEIGHT_CHUNK_BYTES // (4 * block_floats)
    return next((c for c in range(min(fits, blocks), 0, -1) if blocks % c == 0), 1)


MICROKERNEL_ROW = 128
"""The most output columns per micro-kernel call: a whole row up to this, else the largest
divisor of the row up to this (the tile, columns x 16 f32, stays in L1)."""


def microkernel_columns(width: int) -> int:
    """Output columns per call for a row of `width` (a divisor of it: te-to-loop does not
    peel a partial tile computed at a column block)."""
    return next(c for c in range(min(width, MICROKERNEL_ROW), 0, -1) if width % c == 0)


def _terms(index: AffineExpr | None) -> dict[int, int] | None:
    """`index` as {dim: coefficient} (constants dropped), or None when not linear."""
    if index is None:
        return None
    if isinstance(index, AffineDimExpr):
        return {index.position: 1}
    if isinstance(index, AffineConstantExpr):
        return {}
    if not isinstance(index, AffineBinaryOpExpr):
        return None
    lhs, rhs = _terms(index.lhs), _terms(index.rhs)
    if lhs is None or rhs is None:
        return None
    if index.kind == AffineBinaryOpKind.Add:
        return {d: lhs.get(d, 0) + rhs.get(d, 0) for d in {*lhs, *rhs}}
    if index.kind == AffineBinaryOpKind.Mul:
        factor = index.rhs if isinstance(index.rhs, AffineConstantExpr) else index.lhs
        other = lhs if factor is index.rhs else rhs
        if not isinstance(factor, AffineConstantExpr):
            return None
        return {d: c * factor.value for d, c in other.items()}
    return None


def _plain_product(info: StageInfo) -> bool:
    """Whether the stage sums, from 0, the product of its two reads (and computes its
    indices with integer ops only)."""
    stage = info.stage
    if stage.combiner is None or stage.combiner.data != "add":
        return False
    init = stage.init
    if not isinstance(init, FloatAttr) or init.value.data != 0.0:
        return False
    ops = list(stage.body.block.ops)
    terminator = ops[-1]
    products = [op for op in ops if isinstance(op, arith.MulfOp)]
    reads = [op for op in ops if isinstance(op, ReadOp)]
    index_ops = (arith.AddiOp, arith.SubiOp, arith.MuliOp, arith.ConstantOp)
    if len(products) != 1 or len(reads) != 2 or not isinstance(terminator, YieldOp):
        return False
    product = products[0]
    others = [op for op in ops if op not in (*products, *reads, terminator)]
    return (
        all(isinstance(op, index_ops) and op.results[0].type == IndexType() for op in others)
        and list(terminator.operands) == [product.result]
        and {product.lhs, product.rhs} == {read.result for read in reads}
    )
