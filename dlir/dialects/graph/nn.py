"""Neural-network `graph` operators: matrix products, convolution and pooling.

Images are NCHW and convolution weights OIHW. Each op class is the one place for its
semantics: result type (`infer_type`), fusion category (`FusionTrait`), and, in a later
issue, its tensor-expression definition.
"""

from __future__ import annotations

from collections.abc import Sequence
from math import ceil

from xdsl.dialects.builtin import (
    UnitAttr,
)
from xdsl.ir import Attribute, Operation, SSAValue
from xdsl.irdl import (
    IRDLOperation,
    irdl_op_definition,
    operand_def,
    opt_operand_def,
    opt_prop_def,
    prop_def,
    result_def,
    traits_def,
)
from xdsl.traits import Pure
from xdsl.utils.exceptions import VerifyException

from dlir.dialects.graph.common import (
    GraphTensor,
    I64Array,
    I64Attr,
    Shape,
    Tensor,
    TwoTensorOp,
    broadcast_shapes,
    check_count,
    check_float,
    check_rank,
    check_result_type,
    check_same_element_type,
    i64_array,
    i64_attr,
    ints,
    tensor_type,
)
from dlir.dialects.graph.fusion import FusionCategory, FusionTrait


def _pair(value: int | Sequence[int]) -> tuple[int, int]:
    """`3` -> `(3, 3)`; a pair stays a pair."""
    if isinstance(value, int):
        return value, value
    h, w = value
    return h, w


def _pads4(value: int | Sequence[int]) -> tuple[int, int, int, int]:
    """Padding as `[top, left, bottom, right]`; an int or an `(h, w)` pair pads symmetrically."""
    if isinstance(value, int):
        return value, value, value, value
    if len(value) == 2:
        return value[0], value[1], value[0], value[1]
    top, left, bottom, right = value
    return top, left, bottom, right


def check_window_attrs(
    strides: Shape, pads: Shape, dilations: Shape = (1, 1), kernel: Shape = (1, 1)
) -> None:
    for what, values, count in (
        ("strides", strides, 2),
        ("pads", pads, 4),
        ("dilations", dilations, 2),
        ("kernel", kernel, 2),
    ):
        check_count(what, values, count)
    if min(strides) < 1 or min(dilations) < 1 or min(kernel) < 1:
        raise VerifyException(
            f"strides, dilations and kernel must be positive, found "
            f"{list(strides)}, {list(dilations)} and {list(kernel)}"
        )
    if min(pads) < 0:
        raise VerifyException(f"pads must be non-negative, found {list(pads)}")


def window_out(
    size: int, lead: int, trail: int, span: int, stride: int, ceil_mode: bool = False
) -> int:
    """Output length of a window of `span` elements sliding over padded `size` elements."""
    room = lead + size + trail - span
    if room < 0:
        raise VerifyException(f"window of {span} does not fit in padded size {lead + size + trail}")
    if not ceil_mode:
        return room // stride + 1
    out = ceil(room / stride) + 1
    # The last window must start inside the input or the leading padding (PyTorch's rule).
    return out - 1 if (out - 1) * stride >= size + lead else out


# --- products ---------------------------------------------------------------------------


@irdl_op_definition
class MatmulOp(TwoTensorOp):
    """Matrix product of two rank-2 tensors.

    %c = graph.matmul %a, %b : (tensor<4x8xf32>, tensor<8x16xf32>) -> tensor<4x16xf32>
    """

    name = "graph.matmul"

    traits = traits_def(Pure(), FusionTrait(FusionCategory.OUT_FUSABLE))

    @staticmethod
    def infer_type(lhs: Tensor, rhs: Tensor) -> Tensor:
        check_rank("lhs", lhs, 2)
        check_rank("rhs", rhs, 2)
        check_same_element_type(lhs, rhs)
        (m, k), (k2, n) = lhs.get_shape(), rhs.get_shape()
        if k != k2:
            raise VerifyException(f"contracting dims differ: {k} vs {k2}")
        return Tensor(lhs.element_type, (m, n))


@irdl_op_definition
class BatchMatmulOp(TwoTensorOp):
    """Batched matrix product over the last two dims; batch dims broadcast as in numpy.matmul.

    %c = graph.batch_matmul %a, %b : (tensor<8x4x16xf32>, tensor<16x32xf32>) -> tensor<8x4x32xf32>
    """

    name = "graph.batch_matmul"

    traits = traits_def(Pure(), FusionTrait(FusionCategory.OUT_FUSABLE))

    @staticmethod
    def infer_type(lhs: Tensor, rhs: Tensor) -> Tensor:
        check_same_element_type(lhs, rhs)
        a, b = lhs.get_shape(), rhs.get_shape()
        if len(a) < 2 or len(b) < 2:
            raise VerifyException(f"expected operands of rank 2 or more, found {lhs} and {rhs}")
        if a[-1] != b[-2]:
            raise VerifyException(f"contracting dims differ: {a[-1]} vs {b[-2]}")
        batch = broadcast_shapes(a[:-2], b[:-2])
        if batch is None:
            raise VerifyException(f"batch dims not broadcastable: {lhs} vs {rhs}")
        return Tensor(lhs.element_type, (*batch, a[-2], b[-1]))


# --- convolution and pooling ------------------------------------------------------------


@irdl_op_definition
class Conv2dOp(IRDLOperation):
    """2-D convolution of an NCHW input with OIHW weights, plus an optional bias per channel.

    `pads` are `[top, left, bottom, right]`; defaults: strides 1, pads 0, dilations 1, groups 1.

    %y = graph.conv2d %x, %w, %b strides [2, 2] pads [1, 1, 1, 1] : (tensor<1x3x32x32xf32>, tensor<16x3x3x3xf32>, tensor<16xf32>) -> tensor<1x16x16x16xf32>
    """

    name = "graph.conv2d"

    input = operand_def(GraphTensor)
    weight = operand_def(GraphTensor)
    bias = opt_operand_def(GraphTensor)
    result = result_def(GraphTensor)
    strides = prop_def(I64Array, default_value=i64_array((1, 1)))
    pads = prop_def(I64Array, default_value=i64_array((0, 0, 0, 0)))
    dilations = prop_def(I64Array, default_value=i64_array((1, 1)))
    groups = prop_def(I64Attr, default_value=i64_attr(1))

    traits = traits_def(Pure(), FusionTrait(FusionCategory.OUT_FUSABLE))
    assembly_format = (
        "$input `,` $weight (`,` $bias^)? (`strides` $strides^)? (`pads` $pads^)?"
        " (`dilations` $dilations^)? (`groups` $groups^)? attr-dict"
        " `:` functional-type(operands, results)"
    )

    def __init__(
        self,
        input: SSAValue | Operation,
        weight: SSAValue | Operation,
        bias: SSAValue | Operation | None = None,
        *,
        strides: int | Sequence[int] = 1,
        pads: int | Sequence[int] = 0,
        dilations: int | Sequence[int] = 1,
        groups: int = 1,
        result_type: Attribute | None = None,
    ) -> None:
        stride2, pad4, dilation2 = _pair(strides), _pads4(pads), _pair(dilations)
        if result_type is None:
            result_type = self.infer_type(
                tensor_type(input),
                tensor_type(weight),
                None if bias is None else tensor_type(bias),
                stride2,
                pad4,
                dilation2,
                groups,
            )
        super().__init__(
            operands=[input, weight, [] if bias is None else [bias]],
            result_types=[result_type],
            properties={
                "strides": i64_array(stride2),
                "pads": i64_array(pad4),
                "dilations": i64_array(dilation2),
                "groups": i64_attr(groups),
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
        groups: int,
    ) -> Tensor:
        check_rank("input", input, 4)
        check_rank("weight", weight, 4)
        check_same_element_type(input, weight, *([] if bias is None else [bias]))
        check_window_attrs(strides, pads, dilations)
        n, c, h, w = input.get_shape()
        o, ci, kh, kw = weight.get_shape()
        if groups < 1 or c % groups or o % groups:
            raise VerifyException(
                f"groups {groups} must divide input channels {c} and output channels {o}"
            )
        if ci * groups != c:
            raise VerifyException(f"input channels differ: {c} vs weight {ci} x groups {groups}")
        if bias is not None and bias.get_shape() != (o,):
            raise VerifyException(f"bias expected shape [{o}], found {bias}")
        top, left, bottom, right = pads
        oh = window_out(h, top, bottom, dilations[0] * (kh - 1) + 1, strides[0])
        ow = window_out(w, left, right, dilations[1] * (kw - 1) + 1, strides[1])
        return Tensor(input.element_type, (n, o, oh, ow))

    def verify_(self) -> None:
        expected = self.infer_type(
            tensor_type(self.input),
            tensor_type(self.weight),
            None if self.bias is None else tensor_type(self.bias),
            ints(self.strides),
            ints(self.pads),
            ints(self.dilations),
            self.groups.value.data,
        )
        check_result_type(self.result.type, expected)


class Pool2dOp(IRDLOperation):
    """Base of the windowed NCHW poolings."""

    input = operand_def(GraphTensor)
    result = result_def(GraphTensor)
    kernel = prop_def(I64Array)
    strides = prop_def(I64Array, default_value=i64_array((1, 1)))
    pads = prop_def(I64Array, default_value=i64_array((0, 0, 0, 0)))
    ceil_mode = opt_prop_def(UnitAttr)

    # TVM registers pool2d as OUT_ELEMWISE_FUSABLE: a window reduction whose output
    # elementwise consumers can join it.
    traits = traits_def(Pure(), FusionTrait(FusionCategory.OUT_FUSABLE))

    def __init__(
        self,
        input: SSAValue | Operation,
        kernel: int | Sequence[int],
        *,
        strides: int | Sequence[int] = 1,
        pads: int | Sequence[int] = 0,
        ceil_mode: bool = False,
        properties: dict[str, Attribute | None] | None = None,
        result_type: Attribute | None = None,
    ) -> None:
        kernel2, stride2, pad4 = _pair(kernel), _pair(strides), _pads4(pads)
        if result_type is None:
            result_type = self.infer_type(tensor_type(input), kernel2, stride2, pad4, ceil_mode)
        super().__init__(
            operands=[input],
            result_types=[result_type],
            properties={
                "kernel": i64_array(kernel2),
                "strides": i64_array(stride2),
                "pads": i64_array(pad4),
                "ceil_mode": UnitAttr() if ceil_mode else None,
                **(properties or {}),
            },
        )

    @staticmethod
    def infer_type(
        input: Tensor, kernel: Shape, strides: Shape, pads: Shape, ceil_mode: bool
    ) -> Tensor:
        check_rank("input", input, 4)
        check_window_attrs(strides, pads, kernel=kernel)
        top, left, bottom, right = pads
        if max(top, bottom) >= kernel[0] or max(left, right) >= kernel[1]:
            raise VerifyException(
                f"pads {list(pads)} must be smaller than the kernel {list(kernel)}"
            )
        n, c, h, w = input.get_shape()
        oh = window_out(h, top, bottom, kernel[0], strides[0], ceil_mode)
        ow = window_out(w, left, right, kernel[1], strides[1], ceil_mode)
        return Tensor(input.element_type, (n, c, oh, ow))

    def verify_(self) -> None:
        expected = self.infer_type(
            tensor_type(self.input),
            ints(self.kernel),
            ints(self.strides),
            ints(self.pads),
            self.ceil_mode is not None,
        )
        check_result_type(self.result.type, expected)


@irdl_op_definition
class MaxPool2dOp(Pool2dOp):
    """Maximum over sliding windows of an NCHW tensor; padding never wins.

    %y = graph.max_pool2d %x kernel [3, 3] strides [2, 2] pads [1, 1, 1, 1] : tensor<1x64x112x112xf32> -> tensor<1x64x56x56xf32>
    """

    name = "graph.max_pool2d"

    assembly_format = (
        "$input `kernel` $kernel (`strides` $strides^)? (`pads` $pads^)?"
        " (`ceil_mode` $ceil_mode^)? attr-dict `:` type($input) `->` type($result)"
    )


@irdl_op_definition
class AvgPool2dOp(Pool2dOp):
    """Mean over sliding windows of an NCHW tensor; padding counts if `count_include_pad`.

    %y = graph.avg_pool2d %x kernel [2, 2] strides [2, 2] count_include_pad : tensor<1x8x6x6xf32> -> tensor<1x8x3x3xf32>
    """

    name = "graph.avg_pool2d"

    count_include_pad = opt_prop_def(UnitAttr)

    assembly_format = (
        "$input `kernel` $kernel (`strides` $strides^)? (`pads` $pads^)?"
        " (`ceil_mode` $ceil_mode^)? (`count_include_pad` $count_include_pad^)? attr-dict"
        " `:` type($input) `->` type($result)"
    )

    def __init__(
        self,
        input: SSAValue | Operation,
        kernel: int | Sequence[int],
        *,
        strides: int | Sequence[int] = 1,
        pads: int | Sequence[int] = 0,
        ceil_mode: bool = False,
        count_include_pad: bool = False,
        result_type: Attribute | None = None,
    ) -> None:
        super().__init__(
            input,
            kernel,
            strides=strides,
            pads=pads,
            ceil_mode=ceil_mode,
            properties={"count_include_pad": UnitAttr() if count_include_pad else None},
            result_type=result_type,
        )

    def verify_(self) -> None:
        super().verify_()
        check_float(tensor_type(self.input))


@irdl_op_definition
class GlobalAvgPool2dOp(IRDLOperation):
    """Mean over the whole H x W plane of an NCHW tensor, keeping both dims as 1.

    %y = graph.global_avg_pool2d %x : tensor<1x512x7x7xf32> -> tensor<1x512x1x1xf32>
    """

    name = "graph.global_avg_pool2d"

    input = operand_def(GraphTensor)
    result = result_def(GraphTensor)

    traits = traits_def(Pure(), FusionTrait(FusionCategory.OUT_FUSABLE))
    assembly_format = "$input attr-dict `:` type($input) `->` type($result)"

    def __init__(self, input: SSAValue | Operation) -> None:
        super().__init__(operands=[input], result_types=[self.infer_type(tensor_type(input))])

    @staticmethod
    def infer_type(input: Tensor) -> Tensor:
        check_rank("input", input, 4)
        check_float(input)
        n, c, _, _ = input.get_shape()
        return Tensor(input.element_type, (n, c, 1, 1))

    def verify_(self) -> None:
        check_result_type(self.result.type, self.infer_type(tensor_type(self.input)))
