"""Data layouts of `graph` tensors: `graph.layout_transform` and the blocked convolution.

A layout names each dim of a tensor in TVM's notation: an upper-case letter is a primal
axis, a number and a lower-case letter a block of it, innermost in that dim:

    NCHW        tensor<1x64x56x56xf32>      the layout every other graph op assumes
    NCHW16c     tensor<1x4x56x56x16xf32>    C split as C/16 (dim 1) x 16 (dim 4)
    NHWC        tensor<1x56x56x64xf32>      a permutation

`graph.conv2d_nchwc` is the convolution over blocked tensors (input NCHW[bi]c, weights
OIHW[bi]i[bo]o, result NCHW[bo]c) that `graph-alter-layout` makes of a `graph.conv2d`.
It is an op of its own rather than layout attributes on `graph.conv2d`, so that every
pass, evaluator and te definition reading a `graph.conv2d` keeps reading NCHW and no
reader can mistake a blocked conv for a plain one; the layouts follow from the shapes.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray
from xdsl.dialects.builtin import StringAttr
from xdsl.ir import Operation, SSAValue
from xdsl.irdl import (
    IRDLOperation,
    irdl_op_definition,
    operand_def,
    opt_operand_def,
    prop_def,
    result_def,
    traits_def,
)
from xdsl.traits import Pure
from xdsl.utils.exceptions import VerifyException

from dlir.dialects.graph.common import (
    GraphTensor,
    I64Array,
    Shape,
    Tensor,
    check_rank,
    check_result_type,
    check_same_element_type,
    i64_array,
    ints,
    tensor_type,
)
from dlir.dialects.graph.fusion import FusionCategory, FusionTrait
from dlir.dialects.graph.nn import check_window_attrs, window_out

_TOKEN = re.compile(r"([A-Z])|([1-9][0-9]*)([a-z])")


@dataclass(frozen=True)
class Layout:
    """A parsed layout: per dim, its primal axis and its block (None for the primal dim).

    Layout.parse("NCHW16c").dims == (("N", None), ("C", None), ("H", None), ("W", None), ("C", 16))
    """

    dims: tuple[tuple[str, int | None], ...]

    @staticmethod
    def parse(text: str) -> Layout:
        dims: list[tuple[str, int | None]] = []
        position = 0
        while position < len(text):
            match = _TOKEN.match(text, position)
            if match is None:
                raise VerifyException(
                    f'invalid layout "{text}" at "{text[position:]}": expected upper-case '
                    'primal axes, each optionally blocked once by "<size><lower-case>" '
                    '(e.g. "NCHW", "NCHW16c")'
                )
            if match.group(1):
                dims.append((match.group(1), None))
            else:
                dims.append((match.group(3).upper(), int(match.group(2))))
            position = match.end()
        primal = [axis for axis, block in dims if block is None]
        blocked = [axis for axis, block in dims if block is not None]
        if len(set(primal)) != len(primal) or len(set(blocked)) != len(blocked):
            raise VerifyException(f'layout "{text}" names an axis or a block twice')
        if not set(blocked) <= set(primal):
            raise VerifyException(f'layout "{text}" blocks an axis it does not name')
        if not dims:
            raise VerifyException("a layout names at least one axis")
        return Layout(tuple(dims))

    def __str__(self) -> str:
        return "".join(
            axis if block is None else f"{block}{axis.lower()}" for axis, block in self.dims
        )

    @property
    def primal(self) -> tuple[str, ...]:
        """The primal axes, in the order of their dims."""
        return tuple(axis for axis, block in self.dims if block is None)

    def block(self, axis: str) -> int | None:
        return next((b for a, b in self.dims if a == axis and b is not None), None)

    def primal_sizes(self, shape: Shape) -> dict[str, int]:
        """Each primal axis' size, from a shape in this layout (blocks checked)."""
        if len(shape) != len(self.dims):
            raise VerifyException(
                f"layout {self} has {len(self.dims)} dims, found shape {list(shape)}"
            )
        sizes: dict[str, int] = {}
        for (axis, block), size in zip(self.dims, shape, strict=True):
            if block is not None and size != block:
                raise VerifyException(f"dim {block}{axis.lower()} of layout {self} has size {size}")
            if block is None:
                sizes[axis] = size * (self.block(axis) or 1)
        return sizes

    def shape(self, sizes: dict[str, int]) -> Shape:
        """The shape of a tensor in this layout whose primal axes have `sizes`."""
        out: list[int] = []
        for axis, block in self.dims:
            inner = self.block(axis)
            if inner is not None and sizes[axis] % inner:
                raise VerifyException(
                    f"block {inner} of layout {self} does not divide {axis} = {sizes[axis]}"
                )
            out.append(block if block is not None else sizes[axis] // (inner or 1))
        return tuple(out)


def convert_layout(array: NDArray[Any], src: Layout, dst: Layout) -> NDArray[Any]:
    """`array` (laid out as `src`) laid out as `dst`: a numpy transpose and reshapes.

    convert_layout(x of shape (1, 32, 5, 5), NCHW, NCHW16c).shape == (1, 2, 5, 5, 16)
    """
    sizes = src.primal_sizes(array.shape)
    # src -> primal dims in dst's primal order, each outer dim followed by its block
    order: list[int] = []
    for axis in dst.primal:
        order.append(src.dims.index((axis, None)))
        block = src.block(axis)
        if block is not None:
            order.append(src.dims.index((axis, block)))
    primal = np.transpose(array, order).reshape([sizes[axis] for axis in dst.primal])
    # primal -> dst: split each blocked axis, then move the blocks to their dims
    split: list[int] = []
    names: list[tuple[str, int | None]] = []
    for axis in dst.primal:
        block = dst.block(axis)
        if block is None:
            split.append(sizes[axis])
            names.append((axis, None))
        else:
            split += [sizes[axis] // block, block]
            names += [(axis, None), (axis, block)]
    return np.ascontiguousarray(
        np.transpose(primal.reshape(split), [names.index(dim) for dim in dst.dims])
    )


def _layout_attr(text: str) -> StringAttr:
    Layout.parse(text)
    return StringAttr(text)


@irdl_op_definition
class LayoutTransformOp(IRDLOperation):
    """The same tensor in another layout (a copy with its indices remapped).

    %y = graph.layout_transform %x src "NCHW" dst "NCHW16c" : tensor<1x32x7x7xf32> -> tensor<1x2x7x7x16xf32>
    """

    name = "graph.layout_transform"

    input = operand_def(GraphTensor)
    result = result_def(GraphTensor)
    src = prop_def(StringAttr)
    dst = prop_def(StringAttr)

    traits = traits_def(Pure(), FusionTrait(FusionCategory.INJECTIVE))
    assembly_format = "$input `src` $src `dst` $dst attr-dict `:` type($input) `->` type($result)"

    def __init__(self, input: SSAValue | Operation, src: str, dst: str) -> None:
        result_type = self.infer_type(tensor_type(input), src, dst)
        super().__init__(
            operands=[input],
            result_types=[result_type],
            properties={"src": _layout_attr(src), "dst": _layout_attr(dst)},
        )

    @staticmethod
    def infer_type(input: Tensor, src: str, dst: str) -> Tensor:
        source, target = Layout.parse(src), Layout.parse(dst)
        if sorted(source.primal) != sorted(target.primal):
            raise VerifyException(f'layouts "{src}" and "{dst}" have different primal axes')
        sizes = source.primal_sizes(input.get_shape())
        return Tensor(input.element_type, target.shape(sizes))

    def verify_(self) -> None:
        expected = self.infer_type(tensor_type(self.input), self.src.data, self.dst.data)
        check_result_type(self.result.type, expected)


@irdl_op_definition
class Conv2dNchwcOp(IRDLOperation):
    """2-D convolution of an NCHW[bi]c input with OIHW[bi]i[bo]o weights into NCHW[bo]c,
    plus an optional bias laid out O[bo]o (shape `O/bo x bo`); groups are 1.

        Y[n, oo, y, x, oi] = sum over (co, ry, rx, ci) of
            X[n, co, y * sh + ry * dh - top, x * sw + rx * dw - left, ci] * W[oo, co, ry, rx, ci, oi]

    %y = graph.conv2d_nchwc %x, %w, %b pads [1, 1, 1, 1] : (tensor<1x2x8x8x16xf32>, tensor<4x2x3x3x16x8xf32>, tensor<4x8xf32>) -> tensor<1x4x8x8x8xf32>
    """

    name = "graph.conv2d_nchwc"

    input = operand_def(GraphTensor)
    weight = operand_def(GraphTensor)
    bias = opt_operand_def(GraphTensor)
    result = result_def(GraphTensor)
    strides = prop_def(I64Array, default_value=i64_array((1, 1)))
    pads = prop_def(I64Array, default_value=i64_array((0, 0, 0, 0)))
    dilations = prop_def(I64Array, default_value=i64_array((1, 1)))

    traits = traits_def(Pure(), FusionTrait(FusionCategory.OUT_FUSABLE))
    assembly_format = (
        "$input `,` $weight (`,` $bias^)? (`strides` $strides^)? (`pads` $pads^)?"
        " (`dilations` $dilations^)? attr-dict `:` functional-type(operands, results)"
    )

    def __init__(
        self,
        input: SSAValue | Operation,
        weight: SSAValue | Operation,
        bias: SSAValue | Operation | None = None,
        *,
        strides: Sequence[int] = (1, 1),
        pads: Sequence[int] = (0, 0, 0, 0),
        dilations: Sequence[int] = (1, 1),
    ) -> None:
        result_type = self.infer_type(
            tensor_type(input),
            tensor_type(weight),
            None if bias is None else tensor_type(bias),
            tuple(strides),
            tuple(pads),
            tuple(dilations),
        )
        super().__init__(
            operands=[input, weight, [] if bias is None else [bias]],
            result_types=[result_type],
            properties={
                "strides": i64_array(strides),
                "pads": i64_array(pads),
                "dilations": i64_array(dilations),
            },
        )

    @staticmethod
    def infer_type(
        input: Tensor,
        weight: Tensor,
        bias: Tensor | None,
        strides: Shape,
        pads: Shape,
        dilations: Shape,
    ) -> Tensor:
        check_rank("input (NCHW[bi]c)", input, 5)
        check_rank("weight (OIHW[bi]i[bo]o)", weight, 6)
        check_same_element_type(input, weight, *([] if bias is None else [bias]))
        check_window_attrs(strides, pads, dilations)
        n, c_outer, h, w, c_block = input.get_shape()
        o_outer, wc_outer, kh, kw, wc_block, o_block = weight.get_shape()
        if (wc_outer, wc_block) != (c_outer, c_block):
            raise VerifyException(
                f"input channels differ: input {c_outer}x{c_block} vs weight {wc_outer}x{wc_block}"
            )
        if bias is not None and bias.get_shape() != (o_outer, o_block):
            raise VerifyException(f"bias expected shape [{o_outer}, {o_block}], found {bias}")
        top, left, bottom, right = pads
        oh = window_out(h, top, bottom, dilations[0] * (kh - 1) + 1, strides[0])
        ow = window_out(w, left, right, dilations[1] * (kw - 1) + 1, strides[1])
        return Tensor(input.element_type, (n, o_outer, oh, ow, o_block))

    def verify_(self) -> None:
        expected = self.infer_type(
            tensor_type(self.input),
            tensor_type(self.weight),
            None if self.bias is None else tensor_type(self.bias),
            ints(self.strides),
            ints(self.pads),
            ints(self.dilations),
        )
        check_result_type(self.result.type, expected)


def weight_layout(block_in: int, block_out: int) -> Layout:
    """`OIHW[bi]i[bo]o`, the layout of `graph.conv2d_nchwc` weights (the blocks innermost)."""
    return Layout(
        (("O", None), ("I", None), ("H", None), ("W", None), ("I", block_in), ("O", block_out))
    )


def blocked(block: int) -> str:
    """`NCHW[block]c`."""
    return f"NCHW{block}c"
