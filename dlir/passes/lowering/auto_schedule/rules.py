"""The rules: for each kind of stage, the schedules to try, best first.

    elementwise / stencil   the innermost axis vectorized whole (loop-vectorize picks the
                            width and runs the tail; splitting it by 8 first measured
                            slower: LLVM no longer interleaves), parallel on the outermost
                            axis with more than one iteration
    reduction               innermost reduction axis split by the lanes and rfactored, so
                            the partial sums are a vector; else the reduction loops inside
                            the spatial ones, the innermost spatial axis (when contiguous)
                            innermost and vectorized
    contraction             C[i, j] register-blocked 6 x 16 (te-to-loop peels the last
                            tile when 6 or 16 does not divide). With many rows: B packed
                            at root in panels of 16 columns, rows in blocks of 192 (A's
                            block copied there), each register block summing all of k
                            (ib, jo, io, k, ii, ji). With few: ko, jo, io, ki, ii
                            (unrolled), ji (vectorized); k cache-blocked by 512 (or 256),
                            the block of A (all rows x 512) packed at ko and B's 512 x 16
                            panel at jo (cache_read "local")
    convolution             blocked (NCHWc): the weights packed with 16 (or 8) output
                            channels innermost, a register tile of 4 columns (unrolled) x
                            16 channels (vectorized; 7 x 8 on rows of 7 and 14) laid out
                            column, channel ("packed" cache_write) at each column block
                            (the last one of a row peeled), stored back to NCHW; channel
                            blocks in parallel.
                            Channels that are not a multiple of the lanes: 4 output
                            channels (unrolled) x 8 output columns (vectorized) per
                            register block, inside the channel and kernel-row loops.
                            Grouped and depthwise: `rules_conv.py`
    contraction of one row  a matrix-vector product streaming B in place: `rules_gemv.py`
    intermediate stage      inlined into its readers when it has no reduction, none of its
                            readers reduces (a pad read by a convolution is kept) and each
                            reads it at one point (a stencil's producer is kept)

Each rule is a function applying primitives through the `Schedule` builder, which checks
them as it goes; `auto_schedule` (in `schedule.py`) keeps, per stage, the first rule whose
schedule te-to-loop accepts, so a rule using a primitive te-to-loop cannot lower yet
(rfactor) falls back to the next one.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from xdsl.ir.affine import AffineExpr

from dlir.dialects.te.builder import StageSchedule
from dlir.passes.lowering.auto_schedule.classify import Kind, StageInfo, contraction_axes
from dlir.passes.lowering.auto_schedule.rules_conv import grouped_rules
from dlir.passes.lowering.auto_schedule.rules_gemv import gemv_rules
from dlir.passes.lowering.auto_schedule.rules_microkernel import microkernel_rules
from dlir.passes.lowering.auto_schedule.rules_nchwc import nchwc_rules

MATMUL_ROWS = 6
"""Rows of C per register block (each a broadcast of A[i, k])."""
MATMUL_COLUMN_VECTORS = 2
"""Vectors of C per row of a register block: 6 x 2 accumulators of 8 lanes, 12 of the 16
ymm registers (a BLAS 6x16 micro-kernel: per k, 2 loads of B, 6 broadcasts of A, 12 FMAs)."""
MATMUL_K_BLOCKS = (512, 256)
"""Reduction steps per cache block, the first that divides k: a 512 x 16 panel of B (32 KiB
of f32) stays in L1 (512 measured faster than 256 at 1024^3 with A packed: 86 against 76
GFLOP/s, 1 thread)."""
MATMUL_ROW_BLOCK = 192
"""Rows of A per cache block of the panel rule (32 register blocks of 6): 192 x 1024 f32
(768 KiB) streamed per column panel; measured against 96 and 384 (and no row blocks) at
1024^3 and 2048^3: 0.94x numpy at 2048 against 0.87x, 0.89x and 0.78x."""
MATMUL_PANEL_ROWS = 192
"""The fewest rows the panel rule takes: packing all of B costs as much whatever the rows
(dense 128x1024x1024: 0.84x numpy against 0.90x for `_packed_contraction`)."""
MATMUL_PANEL_K = 2048
"""The longest reduction the panel rule runs unblocked (each register block sums all of
k in registers: C is written once, never read); longer ones are split by 1024."""
CONV_CHANNELS = 4
"""Output channels per register block of the column-vector convolution rule (each a
broadcast weight)."""
CONV_CHANNEL_VECTORS = 2
"""Vectors of output channels per register block of the blocked convolution rule: 16 f32
channels, the NCHW16c block of the packed weights (8 measured no faster)."""
CONV_COLUMNS = 4
"""Output columns per register block of the blocked convolution rule: 4 columns x 2
channel vectors = 8 accumulators, 2 weight loads and 4 input broadcasts per 8 FMAs (7
columns, 14 accumulators, spill: 43 against 78 GFLOP/s on the 3x3 64->64 conv at 56^2,
1 thread). A row that 4 does not divide ends in a peeled tile (7 = 4 + 3): resnet50's
7x7 and 14x14 layers 10% faster than with tiles of the largest of 4, 2 and 1 columns
dividing the row (CPU time, 1 thread)."""
SHORT_ROW_COLUMNS = 7
"""Output columns per register block on rows of 7 and 14 (resnet50's last stages): 7
columns x 1 channel vector = 7 accumulators, 1 weight load and 7 broadcasts per 7 FMAs.
Half the weight loads of 4 x 16, whose blocks of weights (all input channels x 16) no
longer fit L1 there: resnet50's 7x7 layers 1.8x faster (61 -> 35 ms summed), its 14x14
layers 1.4x (101 -> 73 ms); at 28 columns 4 x 16 stays faster (41 against 46 ms)."""


@dataclass(frozen=True)
class Options:
    """What the rules may use: threads (`parallel`) and vector lanes (`vectorize`)."""

    parallel: bool = True
    vectorize: bool = True
    microkernel: bool = True
    """Tensorize onto the AVX2+FMA micro-kernels: matmuls onto the GEMM kernel (rule
    `contraction-microkernel`), NCHWc convs onto the conv kernel (rule
    `convolution-nchwc-microkernel`); off, the generated register tiles."""
    threads: int = 0
    """The threads the schedules are tuned for; 0: the runtime's (`DLIR_NUM_THREADS`,
    else the CPUs this process may use). Only the micro-kernel's k blocks depend on it."""
    microkernel_nchw: bool = False
    """NCHW convs on the conv micro-kernel too (`convolution-microkernel`), their input
    and weights packed in every call (not faster than the generated tile so far:
    rules_nchwc.py)."""


class NotApplicable(Exception):
    """A rule that does not fit the stage (the next rule is tried)."""


Rule = Callable[[StageSchedule, StageInfo, Options], None]
"""Applies one stage's primitives; raises `NotApplicable` when the stage does not fit the
rule (and the builder raises `ScheduleError` when a primitive does not apply)."""


def rules_for(info: StageInfo, inline: bool) -> list[tuple[str, Rule]]:
    """The rules to try for one stage, best first, each with its name."""
    rules: list[tuple[str, Rule]] = []
    if inline:
        rules.append(("inline", _inline))
    if info.kind == Kind.CONTRACTION:
        rules.extend(gemv_rules(info))
        rules.extend(microkernel_rules(info))
        rules.append(("contraction-panels", _panel_contraction))
        rules.append(("contraction-packed", _packed_contraction))
        rules.append(("contraction", _contraction))
    if info.kind == Kind.CONVOLUTION:
        rules.extend(nchwc_rules(info))
        rules.extend(grouped_rules(info))
        rules.append(("convolution-blocked", _blocked_convolution))
        rules.append(("convolution", _convolution))
    if info.kind == Kind.REDUCTION:
        rules.append(("reduction-rfactor", _rfactor_reduction))
    if info.is_reduction:
        rules.append(("reduction", _reduction))
    else:
        rules.append(("elementwise", _elementwise))
    return rules


def _inline(s: StageSchedule, info: StageInfo, options: Options) -> None:
    # %B = te.compute "B" ... (read at one point by stages without reductions) -> computed where read
    s.compute_inline()


def _elementwise(s: StageSchedule, info: StageInfo, options: Options) -> None:
    # Y[i, j] = f(X[i, j]) -> loops i (parallel), j (vectorized<extent of j>)
    if info.n_spatial == 0:
        raise NotApplicable("a rank-0 stage has no loops")
    inner = info.n_spatial - 1
    if _streams(info, inner, options):
        s.vectorize(info.names[inner])
    parallel_outermost(s, info.names, info.extents, info.n_spatial, options)


def _reduction(s: StageSchedule, info: StageInfo, options: Options) -> None:
    # S[i, j] = sum over r of X[r, i, j] -> loops i (parallel), r, j (vectorized<extent of j>)
    # S[i]    = sum over r of X[i, r]    -> loops i (parallel), r
    names = list(info.names)
    spatial, reduce = names[: info.n_spatial], names[info.n_spatial :]
    inner = info.n_spatial - 1
    if info.n_spatial == 0 or not info.contiguous_along(inner):
        parallel_outermost(s, names, list(info.extents), info.n_spatial, options)
        return
    order = [*spatial[:-1], *reduce, spatial[-1]]
    extents = [*info.extents[:inner], *info.extents[info.n_spatial :], info.extents[inner]]
    if order != names:
        s.reorder(*order)
    if info.kind != Kind.CONVOLUTION and _streams(info, inner, options):
        s.vectorize(spatial[-1])
    parallel_outermost(s, order, extents, inner, options)


def _rfactor_reduction(s: StageSchedule, info: StageInfo, options: Options) -> None:
    # S[i] = sum over r of X[i, r]
    #   -> S_rf[i, ri] = sum over ro of X[i, ro * 8 + ri]   loops i (parallel), ro, ri (vectorized<8>)
    #      S[i] = sum over ri of S_rf[i, ri]                loops i (parallel), ri
    reduce = len(info.extents) - 1
    lanes = _lanes_for(info, reduce, options)
    if lanes is None or info.extents[reduce] < 2 * lanes:
        raise NotApplicable("the innermost reduction axis is not a multiple of the lanes")
    names = list(info.names)
    outer, vector = s.split(names[reduce], lanes)
    partial = s.rfactor(vector)
    partial.vectorize(vector)
    partial_names = [*names[: info.n_spatial], *names[info.n_spatial : reduce], outer, vector]
    partial_extents = [*info.extents[:reduce], info.extents[reduce] // lanes, lanes]
    parallel_outermost(partial, partial_names, partial_extents, info.n_spatial, options)
    final_names = [*names[: info.n_spatial], vector]
    final_extents = [*info.extents[: info.n_spatial], lanes]
    parallel_outermost(s, final_names, final_extents, info.n_spatial, options)


def _panel_contraction(
    s: StageSchedule, info: StageInfo, options: Options, tensorize: str | None = None
) -> None:
    # C[i, j] = sum over k of A[i, k] * B[k, j]   (1024^3, 2048^3)
    #   -> Bp[j / 16, k, j % 16] = B[k, j]         ("packed" at root: a panel contiguous)
    #      C: loops ib (192 rows), jo (parallel), io, k, ii (unrolled<6>), ji (vectorized<16>)
    #      A_local: A's 192 rows of a block, copied at ib
    # GotoBLAS's blocking with a 6 x 16 register tile summing all of k in registers
    # (0.94x numpy at 2048^3, 1 thread, against 0.80x for `_packed_contraction`)
    axes = contraction_axes(info.reads, info.n_spatial, len(info.extents))
    lanes = info.lanes
    if axes is None or lanes is None or not options.vectorize:
        raise NotApplicable("not a contraction with vector lanes")
    if len(info.extents) != info.n_spatial + 1:
        raise NotApplicable("not a single-reduction contraction")
    i, j = axes
    k = info.n_spatial
    names, extents = info.names, info.extents
    columns = lanes * MATMUL_COLUMN_VECTORS
    b = next(read for read in info.reads if read.uses(j))
    b_name = info.tensor_names.get(b.source)
    b_dim = next((d for d, x in enumerate(b.indices) if x == AffineExpr.dimension(j)), None)
    if extents[j] % columns or b_name is None or b_dim is None:
        raise NotApplicable("B's columns do not split into whole panels")
    if extents[i] < MATMUL_PANEL_ROWS:
        raise NotApplicable(f"{extents[i]} rows use B's packed panels too little")
    a = next(read for read in info.reads if read.uses(i))
    a_name = info.tensor_names.get(a.source)
    batch = [names[n] for n in range(info.n_spatial) if n not in (i, j)]
    jo, ji = s.split(names[j], columns)
    order = list(batch)
    inner_k = names[k]
    if extents[k] > MATMUL_PANEL_K:
        ko, inner_k = s.split(names[k], MATMUL_PANEL_K // 2)
        order.append(ko)
    rows, ib = names[i], None
    if extents[i] > MATMUL_ROW_BLOCK and a_name is not None and a_name != b_name:
        ib, rows = s.split(names[i], MATMUL_ROW_BLOCK)
        order.append(ib)
    io, ii = s.split(rows, min(MATMUL_ROWS, extents[i]))
    order += [jo, io, inner_k, ii, ji]
    s.reorder(*order)
    if tensorize is not None:
        s.tensorize(inner_k, tensorize)
    else:
        s.unroll(ii)
        s.vectorize(ji)
    panel = s.schedule[b_name].cache_read("packed", [s])
    rank = len(b.indices)
    outer, inner = panel.split(f"ax{b_dim}", columns)
    panel.reorder(outer, *(f"ax{d}" for d in range(rank) if d != b_dim), inner)
    panel.vectorize(inner)
    if ib is not None and a_name is not None:
        s.schedule[a_name].cache_read("local", [s]).compute_at(s, ib)
    spatial = [*batch, jo]
    spatial_extents = [*(extents[n] for n in range(info.n_spatial) if n not in (i, j))]
    parallel_outermost(s, spatial, [*spatial_extents, extents[j] // columns], len(spatial), options)


def _packed_contraction(s: StageSchedule, info: StageInfo, options: Options) -> None:
    # C[i, j] = sum over k of A[i, k] * B[k, j]   (1024^3)
    #   -> as `_contraction`, with the 512 x 16 panel of B each (ko, jo) reads copied into
    #      a contiguous "local" buffer at jo (1.5x at 1024 and 2048: the panel's rows are
    #      4 KiB apart in B, all in the same L1 sets), and the block of A each ko reads
    #      (all rows x 512) copied at ko (1.1x: the tile's 4 rows of A are contiguous
    #      instead of 4 KiB apart; 74 -> 83 GFLOP/s at 1024^3, 1 thread)
    order = _blocked_contraction(s, info, options)
    axes = contraction_axes(info.reads, info.n_spatial, len(info.extents))
    assert axes is not None
    a = next(read for read in info.reads if read.uses(axes[0]))
    b = next(read for read in info.reads if read.uses(axes[1]))
    a_name, b_name = info.tensor_names.get(a.source), info.tensor_names.get(b.source)
    ko = next((axis for axis in order if axis.startswith("ko")), None)
    jo = next(axis for axis in order if axis.startswith("jo"))
    if b_name is None or ko is None:
        raise NotApplicable("no cache block of the reduction to pack the columns' panel at")
    s.schedule[b_name].cache_read("local", [s]).compute_at(s, jo)
    if a_name is not None and a_name != b_name:
        s.schedule[a_name].cache_read("local", [s]).compute_at(s, ko)


def _contraction(s: StageSchedule, info: StageInfo, options: Options) -> None:
    # C[i, j] = sum over k of A[i, k] * B[k, j]   (1024^3)
    #   -> loops ko, jo (parallel), io, ki, ii (unrolled<4>), ji (vectorized<16>)
    _blocked_contraction(s, info, options)


def _blocked_contraction(s: StageSchedule, info: StageInfo, options: Options) -> list[str]:
    """The register and cache blocking of `_contraction`; the loop order it leaves."""
    axes = contraction_axes(info.reads, info.n_spatial, len(info.extents))
    lanes = info.lanes
    if (
        axes is None
        or lanes is None
        or not options.vectorize
        or len(info.extents) != info.n_spatial + 1
    ):
        raise NotApplicable("not a single-reduction contraction with vector lanes")
    i, j = axes
    k = info.n_spatial
    names, extents = info.names, info.extents
    # tiles that do not divide are fine: te-to-loop peels the last one, so every full
    # tile keeps constant bounds (unrolled, in registers)
    columns = next((c for c in (lanes * MATMUL_COLUMN_VECTORS, lanes) if extents[j] >= c), None)
    if columns is None:
        raise NotApplicable(f"fewer columns ({extents[j]}) than vector lanes ({lanes})")
    rows = min(MATMUL_ROWS, extents[i]) if extents[i] > 1 else None
    batch = [n for n in range(info.n_spatial) if n not in (i, j)]
    jo, ji = s.split(names[j], columns)
    order: list[str] = [names[n] for n in batch]
    inner_k = names[k]
    block = next((b for b in MATMUL_K_BLOCKS if extents[k] > b and extents[k] % b == 0), None)
    if block is not None:
        ko, inner_k = s.split(names[k], block)
        order.append(ko)
    order.append(jo)
    # the spatial loops around the tile, which may run in parallel (ko may not)
    spatial = [*order[: len(batch)], jo]
    spatial_extents = [*(extents[n] for n in batch), -(-extents[j] // columns)]
    if rows is not None:
        io, ii = s.split(names[i], rows)
        order += [io, inner_k, ii, ji]
    else:
        order += [names[i], inner_k, ji]
    s.reorder(*order)
    if rows is not None:
        s.unroll(order[-2])
    s.vectorize(ji)
    parallel_outermost(s, spatial, spatial_extents, len(spatial), options)
    return order


def place_channel_tile(
    s: StageSchedule,
    tile: StageSchedule,
    info: StageInfo,
    outer_loops: Sequence[str],
    column_loops: tuple[str, str, str | None],
    columns: int,
    channel: int,
) -> None:
    """Order the stage (outer loops, column block, channel vector, columns in the block) and
    compute its register tile at the column block: columns unrolled, channels vectorized
    innermost.

        (n, oo, y, xo, oi, xi)   tile at xo: (n, y, rc, ry, rx, x unrolled, c vectorized)
    """
    xo, oi, xi = column_loops
    names, x = info.names, info.n_spatial - 1
    s.reorder(*outer_loops, xo, oi, *([xi] if xi else []))
    tile.compute_at(s, xo)
    kept = [names[n] for n in range(x) if n != channel]
    tile.reorder(*kept, *names[info.n_spatial :], names[x], names[channel])
    if columns > 1:
        tile.unroll(names[x])
    tile.vectorize(names[channel])


def _blocked_convolution(s: StageSchedule, info: StageInfo, options: Options) -> None:
    # Y[n, o, y, x] = sum over c, ry, rx of P[n, c, y + ry, x + rx] * W[o, c, ry, rx]
    #   -> W_packed[o / 16, c, ry, rx, o % 16] = W[o, c, ry, rx]   (NCHW16c weights, at root)
    #      Y: loops n, oo (parallel), y, xo, oi, xi; at xo a 4 x 16 tile
    #      Y_packed[x][o] (cache_write "packed": laid out x, o) with loops rc, ry, rx,
    #      x (unrolled<4>), o (vectorized<16>): 8 accumulators in registers; per step 2
    #      weight vectors and 4 broadcast inputs; the tile is then stored to NCHW
    x = info.n_spatial - 1
    lanes = info.lanes
    if not options.vectorize or lanes is None or info.n_spatial == len(info.extents):
        raise NotApplicable("no vector lanes, or no reduction")
    names, extents = info.names, info.extents
    channel = _weight_channel(info, x)
    weights = [read for read in info.reads if not read.uses(x)]
    if channel is None or len(weights) != 1:
        raise NotApplicable("no output-channel axis read by the weights alone")
    weight_name = info.tensor_names.get(weights[0].source)
    dim = next(
        (n for n, index in enumerate(weights[0].indices) if index == AffineExpr.dimension(channel)),
        None,
    )
    block = _largest_divisor(extents[channel], [lanes * CONV_CHANNEL_VECTORS, lanes])
    if weight_name is None or dim is None or block is None:
        raise NotApplicable(f"{extents[channel]} output channels are not a multiple of {lanes}")
    columns, block = conv_tile(extents[x], block, lanes)
    rank = len(weights[0].indices)
    packed = s.schedule[weight_name].cache_read("packed", [s])
    outer, inner = packed.split(f"ax{dim}", block)
    if dim != rank - 1:
        # OIHW: the block of output channels innermost; HWIO has it there already
        packed.reorder(*(outer if n == dim else f"ax{n}" for n in range(rank)), inner)
    tile = s.cache_write("packed")
    oo, oi = s.split(names[channel], block)
    xo, xi = s.split(names[x], columns) if columns > 1 else (names[x], None)
    outer_loops = [oo if n == channel else names[n] for n in range(x)]
    place_channel_tile(s, tile, info, outer_loops, (xo, oi, xi), columns, channel)
    outer_extents = [extents[n] // block if n == channel else extents[n] for n in range(x)]
    parallel_outermost(s, outer_loops, outer_extents, len(outer_loops), options)


def conv_tile(row: int, block: int, lanes: int) -> tuple[int, int]:
    """`(columns, channels)` of the register tile of a blocked convolution whose output
    rows have `row` columns and whose channels split into blocks of `block` (16 or 8):
    7 x 8 on rows of 7 and 14, else 4 x `block` (te-to-loop peels the last tile of a
    row that 4 does not divide, 13 = 4 * 3 + 1)."""
    if row in (SHORT_ROW_COLUMNS, 2 * SHORT_ROW_COLUMNS):
        return SHORT_ROW_COLUMNS, lanes
    return min(CONV_COLUMNS, row), block


def _convolution(s: StageSchedule, info: StageInfo, options: Options) -> None:
    # Y[n, o, y, x] = sum over c, ry, rx of P[n, c, y + ry, x + rx] * W[o, c, ry, rx]
    #   -> loops n, oo (parallel), y, c, ry, xo, rx, oi (unrolled<4>), xi (vectorized<8>)
    x = info.n_spatial - 1
    lanes = _lanes_for(info, x, options)
    if lanes is None or info.n_spatial == len(info.extents):
        raise NotApplicable("the output rows are not read contiguously in whole vectors")
    names, extents = info.names, info.extents
    channel = _weight_channel(info, x)
    block = None if channel is None else _largest_divisor(extents[channel], [CONV_CHANNELS, 2])
    xo, xi = s.split(names[x], lanes)
    outer: list[str] = []
    outer_extents: list[int] = []
    co, ci = "", ""
    for n in range(x):
        if n == channel and block is not None:
            co, ci = s.split(names[n], block)
            outer.append(co)
            outer_extents.append(extents[n] // block)
        else:
            outer.append(names[n])
            outer_extents.append(extents[n])
    reduce = list(names[info.n_spatial :])
    inner = [*reduce[:-1], xo, reduce[-1], *([ci] if ci else []), xi]
    s.reorder(*outer, *inner)
    if ci:
        s.unroll(ci)
    s.vectorize(xi)
    parallel_outermost(s, outer, outer_extents, len(outer), options)


def _weight_channel(info: StageInfo, x: int) -> int | None:
    """The output-channel axis: read by the weights (the read without `x`) and not by the
    input, so one weight broadcasts over a vector of outputs."""
    weights = [read for read in info.reads if not read.uses(x)]
    inputs = [read for read in info.reads if read.uses(x)]
    if len(weights) != 1:
        return None
    return next(
        (n for n in range(x) if weights[0].uses(n) and not any(read.uses(n) for read in inputs)),
        None,
    )


def _streams(info: StageInfo, dim: int, options: Options) -> bool:
    """Whether axis `dim` can be a vector loop as a whole: contiguous reads of an element
    type with vector lanes, and at least one full vector (loop-vectorize handles the tail)."""
    lanes = info.lanes
    return (
        options.vectorize
        and lanes is not None
        and info.extents[dim] >= lanes
        and info.contiguous_along(dim)
    )


def _lanes_for(info: StageInfo, dim: int, options: Options) -> int | None:
    """Vector lanes along axis `dim`, when the reads are contiguous along it and the lanes
    divide its extent (no tail, so every vector is full)."""
    lanes = info.lanes
    if not options.vectorize or lanes is None or not info.contiguous_along(dim):
        return None
    extent = info.extents[dim]
    # half vectors (4 x f32) when full ones leave a tail: 100 = 25 x 4
    return _largest_divisor(extent, [lanes, lanes // 2] if lanes >= 8 else [lanes])


def _largest_divisor(extent: int, candidates: Sequence[int]) -> int | None:
    return next((c for c in candidates if extent % c == 0 and extent >= c), None)


def parallel_outermost(
    s: StageSchedule,
    names: Sequence[str],
    extents: Sequence[int],
    candidates: int,
    options: Options,
) -> None:
    """Parallel on the outermost loop with more than one iteration, when it is one of the
    first `candidates` loops (spatial ones) and not the vector lanes."""
    if not options.parallel:
        return
    for name, extent in list(zip(names, extents, strict=True))[:candidates]:
        if extent > 1:
            if name in _annotated(s):
                return
            s.parallel(name)
            return


def _annotated(s: StageSchedule) -> set[str]:
    model = s.schedule.state.stage(s.name)
    return {axis.name for axis in model.axes if axis.annotation is not None}
