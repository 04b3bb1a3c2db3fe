"""The rules: for each kind of stage, the schedules to try, best first.

    elementwise / stencil   the innermost axis vectorized whole (loop-vectorize picks the
                            width and runs the tail; splitting it by 8 first measured
                            slower: LLVM no longer interleaves), parallel on the outermost
                            axis with more than one iteration
    reduction               innermost reduction axis split by the lanes and rfactored, so
                            the partial sums are a vector; else the reduction loops inside
                            the spatial ones, the innermost spatial axis (when contiguous)
                            innermost and vectorized
    contraction             C[i, j] register-blocked 4 x 16: ko, jo, io, ki, ii (unrolled),
                            ji (vectorized); k cache-blocked by 512 (or 256), the block of
                            A (all rows x 512) packed at ko and B's 512 x 16 panel at jo
                            (cache_read "local"), so the register tile streams contiguous
                            memory
    convolution             serial nests: 4 output channels (unrolled) x 8 output columns
                            (vectorized) per register block, inside the channel and
                            kernel-row loops; with threads: as a reduction (output row
                            innermost), which outlined parallel tasks run faster today
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

from dlir.dialects.te.builder import StageSchedule
from dlir.passes.lowering.auto_schedule.classify import Kind, StageInfo, contraction_axes

MATMUL_ROWS = 4
"""Rows of C per register block (each a broadcast of A[i, k])."""
MATMUL_COLUMN_VECTORS = 2
"""Vectors of C per row of a register block: 4 x 2 accumulators of 8 lanes."""
MATMUL_K_BLOCKS = (512, 256)
"""Reduction steps per cache block, the first that divides k: a 512 x 16 panel of B (32 KiB
of f32) stays in L1 (512 measured faster than 256 at 1024^3 with A packed: 86 against 76
GFLOP/s, 1 thread)."""
CONV_CHANNELS = 4
"""Output channels per register block of a convolution (each a broadcast weight)."""


@dataclass(frozen=True)
class Options:
    """What the rules may use: threads (`parallel`) and vector lanes (`vectorize`)."""

    parallel: bool = True
    vectorize: bool = True


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
        rules.append(("contraction-packed", _packed_contraction))
        rules.append(("contraction", _contraction))
    if info.kind == Kind.CONVOLUTION:
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
    _parallel_outermost(s, info.names, info.extents, info.n_spatial, options)


def _reduction(s: StageSchedule, info: StageInfo, options: Options) -> None:
    # S[i, j] = sum over r of X[r, i, j] -> loops i (parallel), r, j (vectorized<extent of j>)
    # S[i]    = sum over r of X[i, r]    -> loops i (parallel), r
    names = list(info.names)
    spatial, reduce = names[: info.n_spatial], names[info.n_spatial :]
    inner = info.n_spatial - 1
    if info.n_spatial == 0 or not info.contiguous_along(inner):
        _parallel_outermost(s, names, list(info.extents), info.n_spatial, options)
        return
    order = [*spatial[:-1], *reduce, spatial[-1]]
    extents = [*info.extents[:inner], *info.extents[info.n_spatial :], info.extents[inner]]
    if order != names:
        s.reorder(*order)
    if info.kind != Kind.CONVOLUTION and _streams(info, inner, options):
        s.vectorize(spatial[-1])
    _parallel_outermost(s, order, extents, inner, options)


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
    _parallel_outermost(partial, partial_names, partial_extents, info.n_spatial, options)
    final_names = [*names[: info.n_spatial], vector]
    final_extents = [*info.extents[: info.n_spatial], lanes]
    _parallel_outermost(s, final_names, final_extents, info.n_spatial, options)


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
    columns = _largest_divisor(extents[j], [lanes * MATMUL_COLUMN_VECTORS, lanes])
    if columns is None:
        raise NotApplicable(f"the columns ({extents[j]}) are not a multiple of {lanes}")
    rows = _largest_divisor(extents[i], [MATMUL_ROWS, 2])
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
    spatial_extents = [*(extents[n] for n in batch), extents[j] // columns]
    if rows is not None:
        io, ii = s.split(names[i], rows)
        order += [io, inner_k, ii, ji]
    else:
        order += [names[i], inner_k, ji]
    s.reorder(*order)
    if rows is not None:
        s.unroll(order[-2])
    s.vectorize(ji)
    _parallel_outermost(s, spatial, spatial_extents, len(spatial), options)
    return order


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
    _parallel_outermost(s, outer, outer_extents, len(outer), options)


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


def _parallel_outermost(
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
