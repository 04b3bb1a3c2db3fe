"""The rule of a contraction with one row (a batch-1 dense layer): a matrix-vector product.

    C[0, j] = sum over k of A[0, k] * B[k, j]         (alexnet's fc6: 1 x 9216 x 4096)
      -> loops jb (parallel, 1024 columns), ko, jo, ki, ji (vectorized<32>)
         (k = ko * 8 + ki, j = jb * 1024 + jo * 32 + ji)

Each weight is used once, so the time is the time to stream B from memory: B is read in
place (no packed panel: packing it would read and write it once more per call), 8 rows
at a time, each row's run of 1024 columns (one 4 KiB page) read front to back as jo
advances, so the 8 streams stay sequential for the prefetchers. Per (ko, jo) the 32
columns of C are 4 accumulators summing 8 rows in registers (8 broadcasts of A, 32
vector loads of B, 32 FMAs, 4 loads and stores of C). The column chunks are independent
and run in parallel; the row blocks are not (they sum into the same C).
"""

from __future__ import annotations

from dlir.dialects.te.builder import StageSchedule
from dlir.passes.lowering.auto_schedule import rules
from dlir.passes.lowering.auto_schedule.classify import StageInfo, contraction_axes

GEMV_COLUMNS = 32
"""Columns of C per register block: 4 vectors of 8 f32."""
GEMV_ROWS = 8
"""Rows of B summed per register block (the concurrent streams over B): alexnet's fc6
(1 x 9216 x 4096) in 8.9 ms of CPU time against 9.9 (4 rows), 12.4 (16) and 19.7 (64);
225 ms (wall, loaded machine) with `contraction-packed`'s per-call panels."""
GEMV_CHUNK = 1024
"""Columns per parallel chunk: one 4 KiB page of each row of B."""


def gemv_rules(info: StageInfo) -> list[tuple[str, rules.Rule]]:
    """The matrix-vector rule, for a single-reduction contraction with one row."""
    axes = contraction_axes(info.reads, info.n_spatial, len(info.extents))
    if axes is None or len(info.extents) != info.n_spatial + 1:
        return []
    i, j = axes
    if any(info.extents[n] != 1 for n in range(info.n_spatial) if n != j):
        return []
    assert info.extents[i] == 1
    return [("contraction-gemv", _gemv)]


def _gemv(s: StageSchedule, info: StageInfo, options: rules.Options) -> None:
    # C[0, j] = sum over k of A[0, k] * B[k, j]
    #   -> loops jb (parallel), ko, jo, ki, ji (vectorized<32>); B read in place
    axes = contraction_axes(info.reads, info.n_spatial, len(info.extents))
    lanes = info.lanes
    if axes is None or lanes is None or not options.vectorize:
        raise rules.NotApplicable("not a contraction with vector lanes")
    _, j = axes
    k = info.n_spatial
    names, extents = info.names, info.extents
    if extents[j] < lanes:
        raise rules.NotApplicable(f"fewer columns ({extents[j]}) than vector lanes ({lanes})")
    columns = min(GEMV_COLUMNS, extents[j] - extents[j] % lanes)
    ones = [names[n] for n in range(info.n_spatial) if n != j]
    order = list(ones)
    rest = names[j]
    chunk = None
    if extents[j] > GEMV_CHUNK:
        chunk, rest = s.split(names[j], GEMV_CHUNK)
        order.append(chunk)
    jo, ji = s.split(rest, columns)
    if extents[k] > GEMV_ROWS:
        ko, ki = s.split(names[k], GEMV_ROWS)
        order += [ko, jo, ki, ji]
    else:
        order += [jo, names[k], ji]
    s.reorder(*order)
    s.vectorize(ji)
    if chunk is not None and options.parallel:
        s.parallel(chunk)
