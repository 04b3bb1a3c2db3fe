"""te definitions of the layout ops of `graph`: the transform and the blocked convolution.

    graph.layout_transform %x src "NCHW" dst "NCHW16c" : tensor<1x32x7x7xf32> -> tensor<1x2x7x7x16xf32>
    ->  %Y = te.compute "Y" (%i0: 1, %i1: 2, %i2: 7, %i3: 7, %i4: 16) {
          X0[i0, i1 * 16 + i4, i2, i3]
        }

A transform is a copy whose read indices rebuild each primal coordinate from the result's
dims (`outer * block + inner`) and split it again for the input's (`divsi`/`remsi`, which
te-to-loop reads as affine `floordiv`/`mod`). A dim blocked alike on both sides is read
as is, with no arithmetic.

The blocked convolution pads its NCHW[bi]c input in a "pad" stage, as `conv2d` does, and
reduces over (co, ry, rx, ci), the input's channel block innermost:

    Y[n, oo, y, x, oi] = sum over (co, ry, rx, ci) of
        pad[n, co, y * sh + ry * dh, x * sw + rx * dw, ci] * X1[oo, co, ry, rx, ci, oi]
"""

from __future__ import annotations

from collections.abc import Sequence

from xdsl.dialects import arith
from xdsl.ir import SSAValue

from dlir.dialects import graph
from dlir.dialects.graph.common import ints, tensor_type
from dlir.dialects.graph.layout import Layout
from dlir.dialects.te.builder import KernelBuilder, StageBody
from dlir.passes.lowering.graph_to_te.common import (
    axes,
    binary,
    both,
    clamp_index,
    constant,
    in_range,
    select,
)
from dlir.passes.lowering.graph_to_te.linalg import affine, check_nonempty
from dlir.passes.lowering.graph_to_te.registry import te_definition


@te_definition(graph.LayoutTransformOp)
def layout_transform(
    op: graph.LayoutTransformOp, kb: KernelBuilder, inputs: Sequence[SSAValue]
) -> list[SSAValue]:
    """`Y[dst coordinates] = X0[the same element's src coordinates]`."""
    (x,) = inputs
    src, dst = Layout.parse(op.src.data), Layout.parse(op.dst.data)
    shape = tensor_type(op.result).get_shape()
    check_nonempty(shape)

    def copy(body: StageBody, *indices: SSAValue) -> SSAValue:
        at = dict(zip(dst.dims, indices, strict=True))
        source: list[SSAValue] = []
        for axis, block in src.dims:
            same_block = src.block(axis) == dst.block(axis)
            if same_block:
                source.append(at[(axis, block)])
                continue
            primal = at[(axis, None)]
            dst_block = dst.block(axis)
            if dst_block is not None:
                primal = affine(body, (primal, dst_block), (at[(axis, dst_block)], 1))
            src_block = src.block(axis)
            if src_block is None:
                source.append(primal)
            elif block is None:
                source.append(body.insert(arith.DivSIOp(primal, body.index(src_block))).result)
            else:
                source.append(body.insert(arith.RemSIOp(primal, body.index(src_block))).result)
        return body.read(x, *source)

    return [kb.compute("Y", axes(shape), copy)]


def _pad_nchwc(
    kb: KernelBuilder, x: SSAValue, top: int, left: int, height: int, width: int
) -> SSAValue:
    """Stage "pad": NCHW[b]c `x` shifted by `(top, left)` into `height x width`, zero outside
    (`x` itself when nothing is padded)."""
    n, c, h, w, b = tensor_type(x).get_shape()
    if top == 0 and left == 0 and height <= h and width <= w:
        return x
    element = tensor_type(x).get_element_type()

    def padded(
        body: StageBody, bn: SSAValue, bc: SSAValue, bh: SSAValue, bw: SSAValue, bb: SSAValue
    ) -> SSAValue:
        row = affine(body, (bh, 1), offset=-top) if top else bh
        column = affine(body, (bw, 1), offset=-left) if left else bw
        inside = both(body, in_range(body, row, h), in_range(body, column, w))
        row = clamp_index(body, row, 0, h - 1)
        column = clamp_index(body, column, 0, w - 1)
        value = body.read(x, bn, bc, row, column, bb)
        return select(body, inside, value, constant(body, 0, element))

    return kb.compute("pad", [("n", n), ("c", c), ("h", height), ("w", width), ("b", b)], padded)


@te_definition(graph.Conv2dNchwcOp)
def conv2d_nchwc(
    op: graph.Conv2dNchwcOp, kb: KernelBuilder, inputs: Sequence[SSAValue]
) -> list[SSAValue]:
    """Stages "pad" (if padded), the window reduction, then "Y" adding the bias; without a
    bias the reduction is "Y", with one it is "conv"."""
    x, w = inputs[0], inputs[1]
    bias = inputs[2] if len(inputs) > 2 else None
    n, o_outer, oh, ow, o_block = tensor_type(op.result).get_shape()
    _, c_outer, kh, kw, c_block, _ = tensor_type(w).get_shape()
    check_nonempty((n, o_outer, oh, ow, o_block, c_outer, kh, kw), tensor_type(x).get_shape())
    sh, sw = ints(op.strides)
    dh, dw = ints(op.dilations)
    top, left, _, _ = ints(op.pads)
    height, width = (oh - 1) * sh + (kh - 1) * dh + 1, (ow - 1) * sw + (kw - 1) * dw + 1
    source = _pad_nchwc(kb, x, top, left, height, width)

    def window(body: StageBody, *indices: SSAValue) -> SSAValue:
        bn, oo, by, bx, oi, co, ry, rx, ci = indices
        row = affine(body, (by, sh), (ry, dh))
        column = affine(body, (bx, sw), (rx, dw))
        value = body.read(source, bn, co, row, column, ci)
        return binary(body, "mul", value, body.read(w, oo, co, ry, rx, ci, oi))

    spatial = [("n", n), ("oo", o_outer), ("y", oh), ("x", ow), ("oi", o_block)]
    reduce = [("co", c_outer), ("ry", kh), ("rx", kw), ("ci", c_block)]
    conv = kb.compute("Y" if bias is None else "conv", spatial, window, reduce=reduce)
    if bias is None:
        return [conv]

    def biased(body: StageBody, *indices: SSAValue) -> SSAValue:
        bn, oo, by, bx, oi = indices
        return binary(body, "add", body.read(conv, bn, oo, by, bx, oi), body.read(bias, oo, oi))

    return [kb.compute("Y", spatial, biased)]
