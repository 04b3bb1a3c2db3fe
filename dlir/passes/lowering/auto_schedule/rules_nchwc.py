"""The rule of the blocked convolution (`graph.conv2d_nchwc`): weights read as packed.

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

from typing import TYPE_CHECKING

from dlir.dialects.te.builder import StageSchedule
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
    """The blocked convolution rule, for the stages shaped like one."""
    if _blocked_axes(info) is None:
        return []
    return [("convolution-nchwc", _nchwc_convolution)]


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
