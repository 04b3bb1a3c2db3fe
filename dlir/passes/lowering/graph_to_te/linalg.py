"""te definitions of the products, convolution and pooling ops of `graph`.

    graph.matmul %a, %b : (tensor<4x8xf32>, tensor<8x16xf32>) -> tensor<4x16xf32>
    ->  %Y = te.compute "Y" (%i: 4, %j: 16) reduce (%k: 8) combiner add init 0.0 : f32 {
          %a = te.read %X0[%i, %k] ; %b = te.read %X1[%k, %j] ; %p = arith.mulf %a, %b
          te.yield %p : f32
        } : tensor<4x16xf32>

Padding is a stage of its own. A padded conv2d or pooling first computes "pad", the
input widened by its pads, each element a read at a clamped (always in-bounds) index
and an `arith.select` of the fill value outside the input; the window reduction then
reads "pad" with plain affine indices:

    %pad = te.compute "pad" (%n: 1, %c: 3, %h: 9, %w: 9) { select(in bounds, X0[clamped], 0) }
    %Y = te.compute "Y" (%n: 1, %o: 8, %y: 7, %x: 7) reduce (%rc: 3, %ry: 3, %rx: 3) ...
           { pad[n, rc, y + ry, x + rx] * X1[o, rc, ry, rx] }

This is TVM's choice over a reduction whose every read selects zero outside: the
reduction's inner loops stay free of bounds tests (they vectorize and tile cleanly),
and a schedule still decides where the padding lives: `compute_inline` of "pad" gives
the select-in-the-reduction form back, `compute_at` pads one tile at a time. The pad
stage covers exactly the rows and columns the windows read (in ceil mode the last
window may hang past the declared padding; it reads the fill there too), and it is
left out when nothing is padded.

Products and convolutions accept every element type of `graph` (integers wrap, as
numpy's do); the final stage of each kernel is named "Y".
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from xdsl.dialects import arith
from xdsl.dialects.builtin import AnyFloat, i64
from xdsl.ir import Attribute, SSAValue

from dlir.dialects import graph
from dlir.dialects.graph.common import ints, tensor_type
from dlir.dialects.te.builder import BodyFn, KernelBuilder, StageBody
from dlir.passes.lowering.graph_to_te.common import (
    NotConvertible,
    binary,
    both,
    clamp_index,
    constant,
    in_range,
    int_range,
    is_float,
    select,
)
from dlir.passes.lowering.graph_to_te.registry import te_definition


def lowest(t: Attribute) -> float:
    """The value no element of type `t` is below: -inf, or the integer minimum."""
    return -math.inf if is_float(t) else int_range(t)[0]


def check_nonempty(*shapes: Sequence[int]) -> None:
    """te stages and reductions have positive extents: an op over no elements stays."""
    for shape in shapes:
        if 0 in shape:
            raise NotConvertible(f"a te stage cannot range over the empty shape {list(shape)}")


# --- index helpers ------------------------------------------------------------------------


def affine(body: StageBody, *terms: tuple[SSAValue, int], offset: int = 0) -> SSAValue:
    """`sum of index * scale, plus offset` as index arithmetic (`y * 2 + ry * 3 - 1`)."""
    total: SSAValue | None = None
    for index, scale in terms:
        term = index
        if scale != 1:
            term = body.insert(arith.MuliOp(index, body.index(scale))).result
        total = term if total is None else body.insert(arith.AddiOp(total, term)).result
    if total is None:
        return body.index(offset)
    if offset > 0:
        return body.insert(arith.AddiOp(total, body.index(offset))).result
    if offset < 0:
        return body.insert(arith.SubiOp(total, body.index(-offset))).result
    return total


def _padded_read(
    body: StageBody,
    x: SSAValue,
    indices: Sequence[SSAValue],
    leads: Sequence[int],
    reaches: Sequence[int],
    fill: SSAValue,
) -> SSAValue:
    """`x[indices - leads]` where that is inside `x`, else `fill`; reads are clamped.

    `reaches[d]` is the extent of dim `d` of the padded stage: the upper test and clamp
    are emitted only on the dims that reach past the input.
    """
    shape = tensor_type(x).get_shape()
    inside: SSAValue | None = None
    source: list[SSAValue] = []
    for index, size, lead, reach in zip(indices, shape, leads, reaches, strict=True):
        shifted = affine(body, (index, 1), offset=-lead) if lead else index
        below, above = lead > 0, reach - lead > size
        if below or above:
            test = in_range(body, shifted, size)
            inside = test if inside is None else both(body, inside, test)
        clamped = clamp_index(body, shifted, 0 if below else None, size - 1 if above else None)
        source.append(clamped)
    value = body.read(x, *source)
    return value if inside is None else select(body, inside, value, fill)


def pad_hw(
    kb: KernelBuilder, x: SSAValue, top: int, left: int, height: int, width: int, fill: float
) -> SSAValue:
    """Stage "pad": NCHW `x` shifted by `(top, left)` into `height x width`, `fill` outside.

    Returns `x` itself when nothing is padded (no shift and the extents fit inside).
    """
    n, c, h, w = tensor_type(x).get_shape()
    if top == 0 and left == 0 and height <= h and width <= w:
        return x
    element = tensor_type(x).get_element_type()

    def padded(body: StageBody, bn: SSAValue, bc: SSAValue, bh: SSAValue, bw: SSAValue) -> SSAValue:
        value = constant(body, fill, element)
        return _padded_read(
            body, x, [bn, bc, bh, bw], [0, 0, top, left], [n, c, height, width], value
        )

    axes = [("n", n), ("c", c), ("h", height), ("w", width)]
    return kb.compute("pad", axes, padded)


# --- products -----------------------------------------------------------------------------


@te_definition(graph.MatmulOp)
def matmul(op: graph.MatmulOp, kb: KernelBuilder, inputs: Sequence[SSAValue]) -> list[SSAValue]:
    """`Y[i, j] = sum over k of X0[i, k] * X1[k, j]`."""
    a, b = inputs
    m, k = tensor_type(a).get_shape()
    n = tensor_type(b).get_shape()[1]
    check_nonempty((m, n, k))

    def product(body: StageBody, i: SSAValue, j: SSAValue, kk: SSAValue) -> SSAValue:
        return binary(body, "mul", body.read(a, i, kk), body.read(b, kk, j))

    return [kb.compute("Y", [("i", m), ("j", n)], product, reduce=[("k", k)])]


@te_definition(graph.BatchMatmulOp)
def batch_matmul(
    op: graph.BatchMatmulOp, kb: KernelBuilder, inputs: Sequence[SSAValue]
) -> list[SSAValue]:
    """`Y[b.., i, j] = sum over k of X0[b.., i, k] * X1[b.., k, j]`, batch dims broadcast.

    An operand's batch dim of size 1 against a larger result dim is read at index 0, and
    an operand of lower rank lines up with the result's last batch dims (numpy.matmul).
    """
    a, b = inputs
    out = tensor_type(op.result).get_shape()
    batch = out[:-2]
    k = tensor_type(a).get_shape()[-1]
    check_nonempty((*out, k))
    axes = [(f"b{d}", size) for d, size in enumerate(batch)]
    axes += [("i", out[-2]), ("j", out[-1])]

    def batch_indices(body: StageBody, x: SSAValue, indices: Sequence[SSAValue]) -> list[SSAValue]:
        dims = tensor_type(x).get_shape()[:-2]
        first = len(batch) - len(dims)
        return [body.index(0) if size == 1 else indices[first + d] for d, size in enumerate(dims)]

    def product(body: StageBody, *indices: SSAValue) -> SSAValue:
        *outer, i, j, kk = indices
        lhs = body.read(a, *batch_indices(body, a, outer), i, kk)
        rhs = body.read(b, *batch_indices(body, b, outer), kk, j)
        return binary(body, "mul", lhs, rhs)

    return [kb.compute("Y", axes, product, reduce=[("k", k)])]


# --- convolution --------------------------------------------------------------------------


@te_definition(graph.Conv2dOp)
def conv2d(op: graph.Conv2dOp, kb: KernelBuilder, inputs: Sequence[SSAValue]) -> list[SSAValue]:
    """Stages "pad" (if padded), then the window reduction, then "Y" adding the bias.

        Y[n, o, y, x] = sum over (rc, ry, rx) of
            pad[n, g * C/G + rc, y * sh + ry * dh, x * sw + rx * dw] * X1[o, rc, ry, rx]
            (+ X2[o])        where g = o / (O/G) is the group of output channel o

    Without a bias the reduction is "Y"; with one it is "conv".
    """
    x, w = inputs[0], inputs[1]
    bias = inputs[2] if len(inputs) > 2 else None
    n, o, oh, ow = tensor_type(op.result).get_shape()
    _, cg, kh, kw = tensor_type(w).get_shape()
    check_nonempty((n, o, oh, ow, cg, kh, kw), tensor_type(x).get_shape())
    og = o // op.groups.value.data
    sh, sw = ints(op.strides)
    dh, dw = ints(op.dilations)
    top, left, _, _ = ints(op.pads)
    # the padded extent the windows read: the last window's last element, plus one
    height, width = (oh - 1) * sh + (kh - 1) * dh + 1, (ow - 1) * sw + (kw - 1) * dw + 1
    source = pad_hw(kb, x, top, left, height, width, 0)

    def window(
        body: StageBody,
        bn: SSAValue,
        bo: SSAValue,
        by: SSAValue,
        bx: SSAValue,
        rc: SSAValue,
        ry: SSAValue,
        rx: SSAValue,
    ) -> SSAValue:
        channel = rc
        if og != o:
            # o >= 0, so the truncating divsi is the floor division (and lowers to sdiv)
            group = body.insert(arith.DivSIOp(bo, body.index(og))).result
            channel = affine(body, (group, cg), (rc, 1))
        row = affine(body, (by, sh), (ry, dh))
        column = affine(body, (bx, sw), (rx, dw))
        return binary(
            body, "mul", body.read(source, bn, channel, row, column), body.read(w, bo, rc, ry, rx)
        )

    axes = [("n", n), ("o", o), ("y", oh), ("x", ow)]
    reduce = [("rc", cg), ("ry", kh), ("rx", kw)]
    conv = kb.compute("Y" if bias is None else "conv", axes, window, reduce=reduce)
    if bias is None:
        return [conv]

    def biased(body: StageBody, bn: SSAValue, bo: SSAValue, by: SSAValue, bx: SSAValue) -> SSAValue:
        return binary(body, "add", body.read(conv, bn, bo, by, bx), body.read(bias, bo))

    return [kb.compute("Y", axes, biased)]


# --- pooling ------------------------------------------------------------------------------


def _window_geometry(
    op: graph.MaxPool2dOp | graph.AvgPool2dOp,
) -> tuple[tuple[int, int, int, int], tuple[int, int], tuple[int, int], tuple[int, int]]:
    """The result shape, kernel, strides and `(top, left)` pads of a pooling."""
    n, c, oh, ow = tensor_type(op.result).get_shape()
    kh, kw = ints(op.kernel)
    sh, sw = ints(op.strides)
    top, left, _, _ = ints(op.pads)
    return (n, c, oh, ow), (kh, kw), (sh, sw), (top, left)


@te_definition(graph.MaxPool2dOp)
def max_pool2d(
    op: graph.MaxPool2dOp, kb: KernelBuilder, inputs: Sequence[SSAValue]
) -> list[SSAValue]:
    """Stage "pad" (if padded), then "Y", the maximum of each window:

        Y[n, c, y, x] = max over (ry, rx) of pad[n, c, y * sh + ry, x * sw + rx]

    The padding is -inf (the integer minimum for integers), so that it never wins.
    """
    (x,) = inputs
    fill = lowest(tensor_type(x).get_element_type())
    check_nonempty(_window_geometry(op)[0], tensor_type(x).get_shape())
    axes, reduce, window = _pool_window(op, kb, x, fill)
    return [kb.compute("Y", axes, window, reduce=reduce, combiner="max", init=fill)]


Axes = list[tuple[str, int]]


def _pool_window(
    op: graph.MaxPool2dOp | graph.AvgPool2dOp, kb: KernelBuilder, x: SSAValue, fill: float
) -> tuple[Axes, Axes, BodyFn]:
    """The output axes, the window axes and the body reading a window's element from the
    input padded with `fill` (a "pad" stage, if padded), shared by the poolings."""
    (n, c, oh, ow), (kh, kw), (sh, sw), (top, left) = _window_geometry(op)
    height, width = (oh - 1) * sh + kh, (ow - 1) * sw + kw
    source = pad_hw(kb, x, top, left, height, width, fill)

    def window(
        body: StageBody,
        bn: SSAValue,
        bc: SSAValue,
        by: SSAValue,
        bx: SSAValue,
        ry: SSAValue,
        rx: SSAValue,
    ) -> SSAValue:
        row, column = affine(body, (by, sh), (ry, 1)), affine(body, (bx, sw), (rx, 1))
        return body.read(source, bn, bc, row, column)

    return [("n", n), ("c", c), ("y", oh), ("x", ow)], [("ry", kh), ("rx", kw)], window


def _counted(
    body: StageBody,
    index: SSAValue,
    window: tuple[int, int, int, int],
    counted: tuple[int, int],
) -> SSAValue | int:
    """How many rows of window `index` lie in the counted range `[low, high)`.

    `window` is `(extent, stride, lead, kernel)`: window `y` of `extent` covers rows
    `[y * stride - lead, y * stride - lead + kernel)`. An `int` when every window counts
    `kernel` rows, so that no index arithmetic is emitted.
    """
    extent, stride, lead, kernel = window
    low, high = counted
    clamp_low = -lead < low
    clamp_high = (extent - 1) * stride - lead + kernel > high
    if not clamp_low and not clamp_high:
        return kernel
    start = affine(body, (index, stride), offset=-lead)
    end = affine(body, (index, stride), offset=kernel - lead)
    if clamp_low:
        start = body.insert(arith.MaxSIOp(start, body.index(low))).result
    if clamp_high:
        end = body.insert(arith.MinSIOp(end, body.index(high))).result
    return body.insert(arith.SubiOp(end, start)).result


def _times(body: StageBody, a: SSAValue | int, b: SSAValue | int) -> SSAValue | int:
    """`a * b` for index values or constants."""
    if isinstance(b, int):
        return a * b if isinstance(a, int) else affine(body, (a, b))
    if isinstance(a, int):
        return affine(body, (b, a))
    return body.insert(arith.MuliOp(a, b)).result


def _to_float(body: StageBody, count: SSAValue | int, element: Attribute) -> SSAValue:
    """An index count (or a constant one) as a float of type `element`."""
    if isinstance(count, int):
        return constant(body, count, element)
    assert isinstance(element, AnyFloat)
    wide = body.insert(arith.IndexCastOp(count, i64)).result
    return body.insert(arith.SIToFPOp(wide, element)).result


@te_definition(graph.AvgPool2dOp)
def avg_pool2d(
    op: graph.AvgPool2dOp, kb: KernelBuilder, inputs: Sequence[SSAValue]
) -> list[SSAValue]:
    """Stages "pad" (zeros), "sum" over each window, then "Y" = sum / count.

        sum[n, c, y, x] = sum over (ry, rx) of pad[n, c, y * sh + ry, x * sw + rx]
        Y[n, c, y, x] = sum[n, c, y, x] / (rows(y) * columns(x))

    The count is what the interpreter counts: the window's input elements, plus its
    declared padding with `count_include_pad`; the room ceil mode adds never counts.
    It is index arithmetic on `y` and `x` (a constant when no window is clipped).
    """
    (x,) = inputs
    element = tensor_type(x).get_element_type()
    h, w = tensor_type(x).get_shape()[2:]
    (n, c, oh, ow), (kh, kw), (sh, sw), (top, left) = _window_geometry(op)
    _, _, bottom, right = ints(op.pads)
    check_nonempty((n, c, oh, ow), (h, w))
    axes, reduce, window = _pool_window(op, kb, x, 0)
    total = kb.compute("sum", axes, window, reduce=reduce)
    include = op.count_include_pad is not None
    rows_in = (-top, h + bottom) if include else (0, h)
    columns_in = (-left, w + right) if include else (0, w)

    def mean(body: StageBody, bn: SSAValue, bc: SSAValue, by: SSAValue, bx: SSAValue) -> SSAValue:
        value = body.read(total, bn, bc, by, bx)
        rows = _counted(body, by, (oh, sh, top, kh), rows_in)
        columns = _counted(body, bx, (ow, sw, left, kw), columns_in)
        count = _to_float(body, _times(body, rows, columns), element)
        return body.insert(arith.DivfOp(value, count)).result

    return [kb.compute("Y", axes, mean)]


@te_definition(graph.GlobalAvgPool2dOp)
def global_avg_pool2d(
    op: graph.GlobalAvgPool2dOp, kb: KernelBuilder, inputs: Sequence[SSAValue]
) -> list[SSAValue]:
    """Stages "sum" over each H x W plane, then "Y" = sum / (H * W).

        sum[n, c] = sum over (rh, rw) of X0[n, c, rh, rw]
        Y[n, c, 0, 0] = sum[n, c] / (H * W)

    "sum" drops the two unit dims, so that its loops do not run over them.
    """
    (x,) = inputs
    element = tensor_type(x).get_element_type()
    n, c, h, w = tensor_type(x).get_shape()
    check_nonempty((n, c, h, w))

    def plane(body: StageBody, bn: SSAValue, bc: SSAValue, rh: SSAValue, rw: SSAValue) -> SSAValue:
        return body.read(x, bn, bc, rh, rw)

    total = kb.compute("sum", [("n", n), ("c", c)], plane, reduce=[("rh", h), ("rw", w)])

    def mean(body: StageBody, bn: SSAValue, bc: SSAValue, bh: SSAValue, bw: SSAValue) -> SSAValue:
        value = body.read(total, bn, bc)
        return body.insert(arith.DivfOp(value, constant(body, h * w, element))).result

    return [kb.compute("Y", [("n", n), ("c", c), ("h", 1), ("w", 1)], mean)]
