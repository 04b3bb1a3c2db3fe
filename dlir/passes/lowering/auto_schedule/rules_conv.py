"""The rules of grouped and depthwise convolutions.

graph-to-te reads a grouped convolution's input channel through the group of its output
channel, `g = o divsi (O / G)`, which `classify` reads as `o floordiv og`:

    Y[n, o, y, x] = sum over rc, ry, rx of
                    P[n, (o floordiv og) * cg + rc, y + ry, x + rx] * W[o, rc, ry, rx]

    convolution-grouped-blocked   og a multiple of the lanes (alexnet's groups=2): each
                                  group is a dense convolution scheduled as
                                  `convolution-blocked` does: o split by og (the group,
                                  which te-to-loop then reads as the loop index itself) and
                                  by 16 (or 8) channels, NCHW16c weights, a 4 x 16 register
                                  tile laid out x, o (`conv_tile`: 7 x 8 on rows of 7, 14)
    convolution-grouped           any group size (depthwise, og = 1, on rows of at least
                                  a vector): 4 output channels (unrolled) x 8 output
                                  columns (vectorized; strided reads too) per register
                                  block summing the whole window in registers: loops n,
                                  oo (parallel), y, xo, rc, ry, rx, oi, xi; the last block
                                  of a row is peeled (14 = 8 + 6)

Measured on shufflenet's and alexnet's layers (CPU time, 1 thread, conv + bias + relu):
the grouped 1x1 convs 2.1-10x faster than the `reduction` rule they had (272 x 14 x 14,
groups 4: 3.30 -> 0.41 ms), alexnet's groups=2 convs 26-35x (5x5 96 -> 256: 253 -> 9.7
ms, 0.53x onnxruntime).
"""

from __future__ import annotations

from collections.abc import Sequence

from xdsl.ir.affine import (
    AffineBinaryOpExpr,
    AffineBinaryOpKind,
    AffineConstantExpr,
    AffineDimExpr,
    AffineExpr,
)

from dlir.dialects.te.builder import StageSchedule
from dlir.passes.lowering.auto_schedule import rules
from dlir.passes.lowering.auto_schedule.classify import Read, StageInfo

GROUPED_CHANNELS = 4
"""Output channels per register block of `convolution-grouped` (each a broadcast weight,
each its own accumulator row)."""
GROUPED_COLUMNS = 8
"""Output columns per register block of `convolution-grouped`: one vector of f32."""
BLOCK_CHANNELS = (16, 8)
"""Output channels per register block of `convolution-grouped-blocked`, the first that
divides the group (as `convolution-blocked`: 2 vectors, else 1)."""


def grouped_rules(info: StageInfo) -> list[tuple[str, rules.Rule]]:
    """The rules of a grouped convolution stage, best first (none for other stages)."""
    if _grouping(info) is None:
        return []
    return [
        ("convolution-grouped-blocked", _grouped_blocked),
        ("convolution-grouped", _grouped_columns),
    ]


def _grouping(info: StageInfo) -> tuple[int, int] | None:
    """`(channel, og)`: the output-channel axis, read by the weights as itself and by the
    input only as `channel floordiv og` (its group), and the group size; else None."""
    if info.n_spatial < 2 or not info.is_reduction or len(info.reads) != 2:
        return None
    x = info.n_spatial - 1
    weights = [read for read in info.reads if not read.uses(x)]
    inputs = [read for read in info.reads if read.uses(x)]
    if len(weights) != 1 or len(inputs) != 1:
        return None
    for channel in range(x):
        if AffineExpr.dimension(channel) not in weights[0].indices:
            continue
        divisors = _divisors_of(inputs[0], channel)
        if divisors is not None and len(divisors) == 1:
            return channel, divisors.pop()
    return None


def _divisors_of(read: Read, dim: int) -> set[int] | None:
    """The constants `q` of every `d<dim> floordiv q` in the read's indices, or None when
    the dim appears in some other way (or an index is not affine)."""
    found: set[int] = set()

    def visit(expr: AffineExpr) -> bool:
        if isinstance(expr, AffineDimExpr):
            return expr.position != dim
        if not isinstance(expr, AffineBinaryOpExpr):
            return True
        if expr.kind == AffineBinaryOpKind.FloorDiv and expr.lhs == AffineExpr.dimension(dim):
            divisor = expr.rhs
            if not isinstance(divisor, AffineConstantExpr):
                return False
            found.add(divisor.value)
            return True
        return visit(expr.lhs) and visit(expr.rhs)

    for index in read.indices:
        if index is None or not visit(index):
            return None
    return found or None


def _grouped_blocked(s: StageSchedule, info: StageInfo, options: rules.Options) -> None:
    # Y[n, o, y, x] = sum over rc, ry, rx of P[n, (o floordiv og) * cg + rc, ..] * W[o, rc, ry, rx]
    #   -> W_packed[o / 16, rc, ry, rx, o % 16] = W[o, rc, ry, rx]     (at root)
    #      Y: loops n, g (parallel), oo, y, xo, oi, xi    (o = g * og + oo * 16 + oi)
    #      at xo a 4 x 16 tile Y_packed[x][o]: loops rc, ry, rx, x (unrolled<4>),
    #      o (vectorized<16>); the input channel g * cg + rc is uniform over the tile
    grouping = _grouping(info)
    lanes = info.lanes
    if grouping is None or lanes is None or not options.vectorize:
        raise rules.NotApplicable("not a grouped convolution with vector lanes")
    channel, og = grouping
    x = info.n_spatial - 1
    names, extents = info.names, info.extents
    block = _first_divisor(og, BLOCK_CHANNELS)
    weights = next(read for read in info.reads if not read.uses(x))
    weight_name = info.tensor_names.get(weights.source)
    dim = weights.indices.index(AffineExpr.dimension(channel))
    if block is None or weight_name is None:
        raise rules.NotApplicable(f"groups of {og} channels are not whole vectors")
    columns, block = rules.conv_tile(extents[x], block, lanes)
    rank = len(weights.indices)
    packed = s.schedule[weight_name].cache_read("packed", [s])
    outer, inner = packed.split(f"ax{dim}", block)
    if dim != rank - 1:
        packed.reorder(*(outer if n == dim else f"ax{n}" for n in range(rank)), inner)
    tile = s.cache_write("packed")
    group, oo = s.split(names[channel], og)
    # o = group * og + oo * block + oi; a group of one block needs no second split
    oo, oi = s.split(oo, block) if og > block else (None, oo)
    xo, xi = s.split(names[x], columns) if columns > 1 else (names[x], None)
    outer_loops: list[str] = []
    outer_extents: list[int] = []
    for n in range(x):
        if n == channel:
            outer_loops += [group, *([oo] if oo else [])]
            outer_extents += [extents[n] // og, *([og // block] if oo else [])]
        else:
            outer_loops.append(names[n])
            outer_extents.append(extents[n])
    rules.place_channel_tile(s, tile, info, outer_loops, (xo, oi, xi), columns, channel)
    _parallel_first(s, outer_loops, outer_extents, options)


def _grouped_columns(s: StageSchedule, info: StageInfo, options: rules.Options) -> None:
    # Y[n, o, y, x] = sum over rc, ry, rx of P[n, (o floordiv og) * cg + rc, y + ry, x + rx] * W[o, rc, ry, rx]
    #   -> loops n, oo (parallel), y, xo, rc, ry, rx, oi (unrolled<4>), xi (vectorized<8>)
    #      4 x 8 accumulators summing the whole window; per step one input vector per
    #      channel's group and 4 broadcast weights
    grouping = _grouping(info)
    lanes = info.lanes
    x = info.n_spatial - 1
    if grouping is None or lanes is None or not options.vectorize:
        raise rules.NotApplicable("not a grouped convolution with vector lanes")
    channel, og = grouping
    names, extents = info.names, info.extents
    if og == 1 and extents[x] < lanes:
        # depthwise on a row shorter than a vector: 9 taps per channel are too little
        # work for a partial vector (shufflenet's 544 x 7 x 7: 0.29 ms against 0.17 ms
        # for the `reduction` rule's loops, CPU time)
        raise rules.NotApplicable(f"a depthwise row of {extents[x]} is less than a vector")
    block = _first_divisor(extents[channel], [GROUPED_CHANNELS, 2]) or 1
    columns = min(GROUPED_COLUMNS, extents[x])
    # te-to-loop peels the last block of a row that `columns` does not divide
    xo, xi = s.split(names[x], columns)
    outer: list[str] = []
    outer_extents: list[int] = []
    oi = None
    for n in range(x):
        if n == channel and block > 1:
            oo, oi = s.split(names[n], block)
            outer.append(oo)
            outer_extents.append(extents[n] // block)
        else:
            outer.append(names[n])
            outer_extents.append(extents[n])
    s.reorder(*outer, xo, *names[info.n_spatial :], *([oi] if oi else []), xi)
    if oi is not None:
        s.unroll(oi)
    s.vectorize(xi)
    _parallel_first(s, outer, outer_extents, options)


def _first_divisor(extent: int, candidates: Sequence[int]) -> int | None:
    return next((c for c in candidates if extent % c == 0 and extent >= c), None)


def _parallel_first(
    s: StageSchedule, names: Sequence[str], extents: Sequence[int], options: rules.Options
) -> None:
    """Parallel on the first of `names` with more than one iteration."""
    if not options.parallel:
        return
    name = next((n for n, e in zip(names, extents, strict=True) if e > 1), None)
    if name is not None:
        s.parallel(name)
