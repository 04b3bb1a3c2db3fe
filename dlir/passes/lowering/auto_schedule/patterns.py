"""Kernel-level patterns: a schedule for a whole kernel, tried before the per-stage rules.

Row normalisation (softmax, layer_norm, pooling's sum then mean): every stage but the
result "Y" is a statistic per row of Y (max, sum, mean, rstd) or a row of it (exp);
each is computed at Y's row loop, so a row is read from memory once and the later
passes over it read L1. A row stage that Y reads at its own point and a statistic reads
too (exp) lives in Y's row (te-to-loop's in-place storage, `kernel.py` `_in_place`): exp
is written into Y, summed there and scaled in place, as onnxruntime does, so the writes
of Y overlap the exp pass. Reductions are rfactored into vector partial results, the
elementwise passes vectorized, and the rows run in parallel.

    te.kernel @softmax(%X0: tensor<4096x1024xf32>) -> tensor<4096x1024xf32> {
      %max = te.compute "max" (%i0: 4096) reduce (%r1: 1024) ...    max of X0[i0, r1]
      %exp = te.compute "exp" (%i0: 4096, %i1: 1024) ...              exp(X0 - max[i0])
      %sum = te.compute "sum" (%i0: 4096) reduce (%r1: 1024) ...    sum of exp[i0, r1]
      %Y = te.compute "Y" (%i0: 4096, %i1: 1024) ...                  exp * (1 / sum[i0])
    }
    ->
    te.schedule @softmax {
      te.split "Y" "i1" by 32 -> "i1o", "i1i"
      te.vectorize "Y" "i1i"
      te.parallel "Y" "i0"
      te.split "sum" "r1" by 32 -> "r1o", "r1i"
      te.rfactor "sum" "r1i" -> "sum_rf"
      te.vectorize "sum_rf" "r1i"
      te.compute_at "sum_rf" at "sum" "i0"
      te.compute_at "sum" at "Y" "i0"
      te.split "exp" "i1" by 32 -> "i1o", "i1i"
      te.vectorize "exp" "i1i"
      te.compute_at "exp" at "Y" "i0"
      te.split "max" "r1" by 32 -> "r1o", "r1i"
      te.rfactor "max" "r1i" -> "max_rf"
      te.vectorize "max_rf" "r1i"
      te.compute_at "max_rf" at "max" "i0"
      te.compute_at "max" at "exp" "i0"
    }

Which loop is the row: each stage's spatial axes are matched to Y's dims through the
reads (exp[i0, i1] read by Y at (i0, i1)); Y's dims that no smaller statistic has are
the normalised ones (i1). Y's loops become: the other dims (the rows), the normalised
dims, then the innermost dim if it is kept (softmax over axis 1 of a 3-d tensor: a, r,
b, vectorized along b); the row loop is the last of the rows. Pooling's sum has all of
Y's dims: its rows are all dims but the innermost. A stage that Y reads is computed at
Y's row loop, any other at the row loop of its one reader; a full-size stage that
`schedule.py` would inline is inlined.

The kernel matches when it returns only its last stage Y (no reduction, at least 2
dims), its reductions reduce one tensor each (max, sum, a pooling window: no
contraction or convolution), every stage is read at plain axes (no offsets, no
transposes) and depends on every row dim (else it would be recomputed per row), and
a stage read by several stages is read by Y.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from xdsl.ir.affine import AffineDimExpr

from dlir.dialects.te.builder import Schedule, StageSchedule
from dlir.dialects.te.kernel import KernelOp
from dlir.dialects.te.model import ScheduleError
from dlir.passes.lowering.auto_schedule.classify import Kind, StageInfo
from dlir.passes.lowering.auto_schedule.rules import NotApplicable, Options

ROW_VECTORS = 4
"""Vectors per iteration of a row pass: the partial results of a row reduction (4
independent accumulators hide the latency of each add or max; layer_norm 4096 x 768:
2.1 against 2.3 ms with 1), and the block of a vectorized elementwise pass (when it
divides the row: a tail would not be straight-line code)."""


@dataclass(frozen=True)
class Rows:
    """How a kernel's result Y splits into rows (see the module docstring)."""

    order: list[int]
    """Y's dims in loop order: the rows, the normalised dims, the kept innermost dim."""
    row: int
    """Position in `order` of the row loop (the last row dim)."""
    dims: dict[str, list[int]]
    """Per stage, the Y dim of each spatial axis."""


def row_schedule(
    kernel: KernelOp, infos: Sequence[StageInfo], inlinable: set[str], options: Options
) -> Schedule | None:
    """The row-normalisation schedule of `kernel`, or None when it does not match."""
    rows = match_rows(kernel, infos)
    if rows is None:
        return None
    schedule = Schedule(kernel, insert=False)
    try:
        _apply(schedule, infos, rows, inlinable, options)
    except (NotApplicable, ScheduleError):
        return None
    return schedule


def match_rows(kernel: KernelOp, infos: Sequence[StageInfo]) -> Rows | None:
    """The rows of a row-normalisation kernel, or None when `kernel` is not one."""
    result = infos[-1]
    returned = [op for op in kernel.body.block.ops if op.name == "te.return"]
    if not returned or list(returned[0].operands) != [result.stage.result]:
        return None
    if result.is_reduction or result.n_spatial < 2:
        return None
    statistics = [info for info in infos[:-1] if info.is_reduction]
    if not statistics or not all(_row_statistic(info) for info in statistics):
        return None
    dims = _stage_dims(infos)
    if dims is None:
        return None
    rank = result.n_spatial
    # the dims of the statistics smaller than Y (all of them for pooling's sum)
    smaller = [d for d in dims.values() if len(d) < rank]
    kept = (
        sorted({d for stage_dims in smaller for d in stage_dims}) if smaller else list(range(rank))
    )
    normalised = [d for d in range(rank) if d not in kept]
    inner = [rank - 1] if rank - 1 in kept or not normalised else []
    outer = [d for d in kept if d not in inner]
    if not outer:
        return None
    # a stage independent of a row dim would be recomputed for every row
    if any(not set(outer) <= set(d) for d in dims.values()):
        return None
    order = [*outer, *normalised, *inner]
    return Rows(order, len(outer) - 1, dims)


def _row_statistic(info: StageInfo) -> bool:
    """A reduction of one tensor's rows or windows (max, sum; pooling), not a contraction
    or a convolution, which have their own schedules."""
    if info.kind == Kind.REDUCTION:
        return True
    return info.kind == Kind.CONVOLUTION and len(info.reads) == 1


def _stage_dims(infos: Sequence[StageInfo]) -> dict[str, list[int]] | None:
    """Per stage, the Y dim of each spatial axis, from how its readers index it (plain
    axes of a reader whose dims are known); None when some stage has none or two."""
    result = infos[-1]
    dims: dict[str, list[int]] = {result.name: list(range(result.n_spatial))}
    for info in reversed(infos[:-1]):
        found: list[int | None] = [None] * info.n_spatial
        for reader in infos:
            reader_dims = dims.get(reader.name)
            for read in reader.reads:
                if read.source is not info.stage.result:
                    continue
                if reader_dims is None:
                    return None
                for n, index in enumerate(read.indices):
                    if not isinstance(index, AffineDimExpr):
                        return None
                    if index.position >= reader.n_spatial:
                        continue  # a reduction axis of the reader: no Y dim
                    dim = reader_dims[index.position]
                    if found[n] not in (None, dim):
                        return None
                    found[n] = dim
        known = [d for d in found if d is not None]
        if len(known) != info.n_spatial or known != sorted(set(known)):
            return None
        dims[info.name] = known
    return dims


def _apply(
    schedule: Schedule,
    infos: Sequence[StageInfo],
    rows: Rows,
    inlinable: set[str],
    options: Options,
) -> None:
    """The primitives: Y's loops, then each statistic, readers before what they read (a
    stage computed at a loop must find its other readers placed inside it)."""
    result = infos[-1]
    y = schedule[result.name]
    names = [result.names[d] for d in rows.order]
    if names != list(result.names):
        y.reorder(*names)
    _vectorize_row(y, result, rows.order[-1], options)
    row_dims = rows.order[: rows.row + 1]
    if options.parallel:
        # the outermost row loop with more than one iteration
        many = [d for d in row_dims if result.extents[d] > 1]
        if many:
            y.parallel(result.names[many[0]])
    row_dim = rows.order[rows.row]
    for info in reversed(infos[:-1]):
        s = schedule[info.name]
        stage_dims = rows.dims[info.name]
        if info.name in inlinable and len(stage_dims) == result.n_spatial:
            # a full-size stage its readers read at one point: computed where read
            s.compute_inline()
            continue
        if info.is_reduction:
            _row_reduction(s, info, stage_dims.index(row_dim), options)
        elif stage_dims[-1] not in row_dims:
            _vectorize_row(s, info, info.n_spatial - 1, options)
        readers = [r for r in infos if any(read.source is info.stage.result for read in r.reads)]
        if result in readers:
            s.compute_at(y, names[rows.row])
        elif len(readers) == 1:
            # at the reader's row loop (max at exp's, where exp is computed per row)
            reader = readers[0]
            s.compute_at(reader.name, reader.names[rows.dims[reader.name].index(row_dim)])
        else:
            raise NotApplicable(f"'{info.name}' is read by several stages other than Y")


def _row_reduction(s: StageSchedule, info: StageInfo, row_axis: int, options: Options) -> None:
    # S[i] = sum over r of X[i, r], computed at a row
    #   -> S_rf[i, l] = sum over ro of X[i, ro * 32 + l]   loops i, ro, l (vectorized<32>)
    #      S[i] = sum over l of S_rf[i, l]                  loops i, l    (both at the row)
    # S[a, b] = sum over r of X[a, r, b] -> loops a, r, b (vectorized)
    reduce = len(info.extents) - 1
    lanes = _vector_lanes(info, reduce, options)
    extent = info.extents[reduce]
    if lanes is not None and extent >= 2 * lanes:
        factor = next(
            (lanes * v for v in (ROW_VECTORS, 2, 1) if extent >= 2 * lanes * v),
            lanes,
        )
        _, vector = s.split(info.names[reduce], factor)
        partial = s.rfactor(vector)
        partial.vectorize(vector)
        partial.compute_at(s, info.names[row_axis])
        return
    inner = info.n_spatial - 1
    if inner == row_axis or _vector_lanes(info, inner, options) is None:
        return
    names = list(info.names)
    order = [*names[:inner], *names[info.n_spatial :], names[inner]]
    s.reorder(*order)
    s.vectorize(names[inner])


def _vectorize_row(s: StageSchedule, info: StageInfo, dim: int, options: Options) -> None:
    # Y[i, j] = f(exp[i, j])  (j: 1024)  ->  loops i, jo, ji (vectorized<32>)
    # 4 vectors per iteration in straight-line code: softmax's exp pass 13% faster than
    # the loop vectorized whole (4.1 against 4.7 ms at 4096 x 1024, 1 thread; 8 lanes
    # per iteration the same as whole, 64 slower: registers spill)
    lanes = _vector_lanes(info, dim, options)
    if lanes is None:
        return
    extent = info.extents[dim]
    vectors = (ROW_VECTORS, 2)
    block = next((lanes * v for v in vectors if extent % (lanes * v) == 0), None)
    if block is None or block == extent:
        s.vectorize(info.names[dim])
        return
    _, inner = s.split(info.names[dim], block)
    s.vectorize(inner)


def _vector_lanes(info: StageInfo, dim: int, options: Options) -> int | None:
    """The vector lanes when axis `dim` reads contiguously and has at least one vector."""
    lanes = info.lanes
    if not options.vectorize or lanes is None or dim < 0:
        return None
    if info.extents[dim] < lanes or not info.contiguous_along(dim):
        return None
    return lanes
