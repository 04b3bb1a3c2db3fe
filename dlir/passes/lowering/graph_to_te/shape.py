"""te definitions of the data-movement graph ops: reshape, flatten, transpose, concat, pad,
slice, gather, broadcast_to. Each output element reads one input element at an index computed
from its coordinates; reads never leave the input (clamped indices, then a select).

    %y = graph.transpose %x perm [1, 0] : tensor<2x3xf32> -> tensor<3x2xf32>
    ->
    %Y = te.compute "Y" (%i0: 3, %i1: 2) {
      %0 = te.read %X0[%i1, %i0] : tensor<2x3xf32> -> f32
      te.yield %0 : f32
    } : tensor<3x2xf32>
"""

from __future__ import annotations

from collections.abc import Sequence
from math import prod

from xdsl.dialects import arith
from xdsl.dialects.builtin import IndexType
from xdsl.ir import SSAValue

from dlir.dialects import graph
from dlir.dialects.graph.common import ints
from dlir.dialects.te.builder import KernelBuilder, StageBody
from dlir.passes.lowering.graph_to_te.common import (
    Shape,
    both,
    clamp_index,
    cmpi,
    constant,
    element_of,
    elementwise,
    in_range,
    index_add,
    index_affine,
    read_broadcast,
    select,
    shape_of,
)
from dlir.passes.lowering.graph_to_te.registry import te_definition

# --- reshape and flatten ------------------------------------------------------------------


def reshape_groups(in_shape: Shape, out_shape: Shape) -> list[tuple[list[int], list[int]]]:
    """Split two shapes of the same size into the shortest groups of consecutive dims with
    equal products: `(input dims, output dims)` pairs, size-1 dims left out.

        (2, 3, 4) -> (6, 4):  [([0, 1], [0]), ([2], [1])]
    """
    in_dims = [d for d, size in enumerate(in_shape) if size != 1]
    out_dims = [d for d, size in enumerate(out_shape) if size != 1]
    groups: list[tuple[list[int], list[int]]] = []
    i = j = 0
    while i < len(in_dims) and j < len(out_dims):
        group_in, group_out = [in_dims[i]], [out_dims[j]]
        p, q = in_shape[in_dims[i]], out_shape[out_dims[j]]
        while p != q:
            if p < q:
                i += 1
                group_in.append(in_dims[i])
                p *= in_shape[in_dims[i]]
            else:
                j += 1
                group_out.append(out_dims[j])
                q *= out_shape[out_dims[j]]
        groups.append((group_in, group_out))
        i, j = i + 1, j + 1
    return groups


def reshape_indices(
    body: StageBody, idx: Sequence[SSAValue], in_shape: Shape, out_shape: Shape
) -> list[SSAValue]:
    """Row-major reshape as index math, group by group (`reshape_groups`):

    a dim kept                          in = o
    an input dim split into (o0, o1)    in = o0 * 4 + o1           (no division)
    input dims merged into one o        in0 = o / 4, in1 = o % 4   (unsigned, by constants)
    """
    result: list[SSAValue | None] = [None] * len(in_shape)
    for group_in, group_out in reshape_groups(in_shape, out_shape):
        linear = idx[group_out[0]]
        for d in group_out[1:]:
            linear = body.insert(arith.MuliOp(linear, body.index(out_shape[d]))).result
            linear = body.insert(arith.AddiOp(linear, idx[d])).result
        stride = prod(in_shape[d] for d in group_in)
        for k, d in enumerate(group_in):
            stride //= in_shape[d]
            value = linear
            if stride != 1:
                value = body.insert(arith.DivUIOp(value, body.index(stride))).result
            if k > 0:  # the first dim's quotient is already below its size
                value = _remainder(body, value, in_shape[d])
            result[d] = value
    return [value if value is not None else body.index(0) for value in result]


def _remainder(body: StageBody, value: SSAValue, divisor: int) -> SSAValue:
    """`value % divisor` for a non-negative index, as `value - (value /u divisor) * divisor`
    (xDSL 0.74's arith.remui is not marked Pure, which a stage body needs)."""
    quotient = body.insert(arith.DivUIOp(value, body.index(divisor))).result
    multiple = body.insert(arith.MuliOp(quotient, body.index(divisor))).result
    return body.insert(arith.SubiOp(value, multiple)).result


@te_definition(graph.ReshapeOp, graph.FlattenOp)
def reshape(
    op: graph.ReshapeOp | graph.FlattenOp, kb: KernelBuilder, inputs: Sequence[SSAValue]
) -> list[SSAValue]:
    """The same elements in row-major order; flatten is the reshape to its result type."""
    in_shape, out_shape = shape_of(inputs[0]), shape_of(op.result)

    def element(body: StageBody, idx: Sequence[SSAValue]) -> SSAValue:
        return body.read(inputs[0], *reshape_indices(body, idx, in_shape, out_shape))

    return [elementwise(kb, "Y", out_shape, element)]


# --- transpose and broadcast_to -------------------------------------------------------------


@te_definition(graph.TransposeOp)
def transpose(
    op: graph.TransposeOp, kb: KernelBuilder, inputs: Sequence[SSAValue]
) -> list[SSAValue]:
    """`Y[i0, ..] = X0[j]` where `j[perm[d]] = i[d]`."""
    perm = ints(op.perm)

    def element(body: StageBody, idx: Sequence[SSAValue]) -> SSAValue:
        source: list[SSAValue] = list(idx)
        for d, p in enumerate(perm):
            source[p] = idx[d]
        return body.read(inputs[0], *source)

    return [elementwise(kb, "Y", shape_of(op.result), element)]


@te_definition(graph.BroadcastToOp)
def broadcast_to(
    op: graph.BroadcastToOp, kb: KernelBuilder, inputs: Sequence[SSAValue]
) -> list[SSAValue]:
    """numpy.broadcast_to: size-1 (and missing leading) dims are read at index 0."""
    shape = shape_of(op.result)

    def element(body: StageBody, idx: Sequence[SSAValue]) -> SSAValue:
        return read_broadcast(body, inputs[0], idx, shape)

    return [elementwise(kb, "Y", shape, element)]


# --- concat ---------------------------------------------------------------------------------


@te_definition(graph.ConcatOp)
def concat(op: graph.ConcatOp, kb: KernelBuilder, inputs: Sequence[SSAValue]) -> list[SSAValue]:
    """Every input read at its clamped offset along `axis`, then a chain of selects on the
    coordinate picks the one that holds it (inputs with no elements are skipped)."""
    out_shape = shape_of(op.result)
    axis = op.axis.value.data % len(out_shape)
    parts: list[tuple[SSAValue, int, int]] = []  # (tensor, offset, size along axis)
    offset = 0
    for value in inputs:
        size = shape_of(value)[axis]
        if size > 0:
            parts.append((value, offset, size))
        offset += size

    def element(body: StageBody, idx: Sequence[SSAValue]) -> SSAValue:
        j = idx[axis]
        result: SSAValue | None = None
        for n, (tensor, start, size) in reversed(list(enumerate(parts))):
            first, last = n == 0, n == len(parts) - 1
            local = index_add(body, j, -start)
            local = clamp_index(body, local, None if first else 0, None if last else size - 1)
            source = [*idx[:axis], local, *idx[axis + 1 :]]
            value = body.read(tensor, *source)
            if result is None:
                result = value
            else:
                ends_here = cmpi(body, "slt", j, body.index(start + size))
                result = select(body, ends_here, value, result)
        assert result is not None
        return result

    return [elementwise(kb, "Y", out_shape, element)]


# --- pad ------------------------------------------------------------------------------------


@te_definition(graph.PadOp)
def pad(op: graph.PadOp, kb: KernelBuilder, inputs: Sequence[SSAValue]) -> list[SSAValue]:
    """numpy.pad. constant: read at the clamped source index, then select the pad value
    outside; edge: the clamped index; reflect: `min(|s|, 2 (n - 1) - |s|)` (pads < n)."""
    in_shape, out_shape = shape_of(inputs[0]), shape_of(op.result)
    low, mode = ints(op.low), op.mode.data
    value, t = op.value.value.data, element_of(op.result)

    def element(body: StageBody, idx: Sequence[SSAValue]) -> SSAValue:
        if prod(in_shape) == 0:  # constant mode: only padding (the verifier rejects the others)
            return constant(body, value, t)
        source: list[SSAValue] = []
        inside: SSAValue | None = None
        for d, (size, out_size) in enumerate(zip(in_shape, out_shape, strict=True)):
            s = index_add(body, idx[d], -low[d])
            if out_size == size:  # no padding on this dim
                source.append(s)
            elif mode == "reflect":
                source.append(_reflect(body, s, size))
            else:
                if mode == "constant":
                    fits = in_range(body, s, size)
                    inside = fits if inside is None else both(body, inside, fits)
                source.append(clamp_index(body, s, 0, size - 1))
        x = body.read(inputs[0], *source)
        return x if inside is None else select(body, inside, x, constant(body, value, t))

    return [elementwise(kb, "Y", out_shape, element)]


def _reflect(body: StageBody, s: SSAValue, size: int) -> SSAValue:
    """numpy's "reflect" index for `-size < s < 2 size - 1`: `min(|s|, 2 (size - 1) - |s|)`."""
    negated = body.insert(arith.SubiOp(body.index(0), s)).result
    magnitude = body.insert(arith.MaxSIOp(s, negated)).result
    mirrored = body.insert(arith.SubiOp(body.index(2 * (size - 1)), magnitude)).result
    return body.insert(arith.MinSIOp(magnitude, mirrored)).result


# --- slice ----------------------------------------------------------------------------------


@te_definition(graph.SliceOp)
def slice_(op: graph.SliceOp, kb: KernelBuilder, inputs: Sequence[SSAValue]) -> list[SSAValue]:
    """`x[start:end:step, ...]` (Python's rules): `Y[i] = X0[start + i * step]` per dim,
    with `start` normalised by `slice.indices` (steps may be negative)."""
    in_shape = shape_of(inputs[0])
    bounds = zip(in_shape, ints(op.starts), ints(op.ends), ints(op.steps), strict=True)
    maps = [(slice(b, e, s).indices(size)[0], s) for size, b, e, s in bounds]

    def element(body: StageBody, idx: Sequence[SSAValue]) -> SSAValue:
        source = [
            index_affine(body, i, step, start) for i, (start, step) in zip(idx, maps, strict=True)
        ]
        return body.read(inputs[0], *source)

    return [elementwise(kb, "Y", shape_of(op.result), element)]


# --- gather ---------------------------------------------------------------------------------


@te_definition(graph.GatherOp)
def gather(op: graph.GatherOp, kb: KernelBuilder, inputs: Sequence[SSAValue]) -> list[SSAValue]:
    """`Y[a, q, b] = X0[a, k, b]` with `k` = `X1[q]` wrapped once if negative, then clamped
    into `[0, n)`: an out-of-range index (an interpreter error) never reads outside X0.

        k = index_cast X1[q] ; k = select(k < 0, k + n, k) ; k = min(max(k, 0), n - 1)
    """
    data, indices = inputs
    data_shape = shape_of(data)
    axis = op.axis.value.data % len(data_shape)
    size, rank = data_shape[axis], len(shape_of(indices))

    def element(body: StageBody, idx: Sequence[SSAValue]) -> SSAValue:
        position = body.read(indices, *idx[axis : axis + rank])
        k = body.insert(arith.IndexCastOp(position, IndexType())).result
        negative = cmpi(body, "slt", k, body.index(0))
        k = select(body, negative, index_add(body, k, size), k)
        k = clamp_index(body, k, 0, size - 1)
        return body.read(data, *idx[:axis], k, *idx[axis + rank :])

    return [elementwise(kb, "Y", shape_of(op.result), element)]
