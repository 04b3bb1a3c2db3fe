"""Reductions over a list of axes: reduce_sum, reduce_mean, reduce_max.

Each op class is the one place for its semantics: result type (`infer_type`), fusion
category (`FusionTrait`), and, in a later issue, its tensor-expression definition.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from xdsl.dialects.builtin import UnitAttr
from xdsl.ir import Operation, SSAValue
from xdsl.irdl import (
    IRDLOperation,
    irdl_op_definition,
    operand_def,
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
    Shape,
    Tensor,
    check_float,
    check_result_type,
    i64_array,
    ints,
    normalize_axis,
    tensor_type,
)
from dlir.dialects.graph.fusion import FusionCategory, FusionTrait


class ReduceOp(IRDLOperation):
    """Base of the reductions: combine the elements along `axes` (numpy's `axis=`).

    Reduced dims are dropped, or kept as 1 with `keepdims`. Axes may be negative;
    an empty list reduces nothing.
    """

    input = operand_def(GraphTensor)
    result = result_def(GraphTensor)
    axes = prop_def(I64Array)
    keepdims = opt_prop_def(UnitAttr)

    traits = traits_def(Pure(), FusionTrait(FusionCategory.REDUCTION))
    assembly_format = (
        "$input `axes` $axes (`keepdims` $keepdims^)? attr-dict `:` type($input) `->` type($result)"
    )

    # A mean divides, so it needs a floating-point element type.
    FLOAT_ONLY: ClassVar[bool] = False

    def __init__(
        self, input: SSAValue | Operation, axes: Sequence[int], keepdims: bool = False
    ) -> None:
        result_type = self.infer_type(tensor_type(input), tuple(axes), keepdims)
        super().__init__(
            operands=[input],
            result_types=[result_type],
            properties={"axes": i64_array(axes), "keepdims": UnitAttr() if keepdims else None},
        )

    @staticmethod
    def infer_type(input: Tensor, axes: Shape, keepdims: bool) -> Tensor:
        rank = input.get_num_dims()
        reduced = {normalize_axis(a, rank) for a in axes}
        if len(reduced) != len(axes):
            raise VerifyException(f"axes {list(axes)} name a dim twice")
        shape = input.get_shape()
        if keepdims:
            out = tuple(1 if i in reduced else d for i, d in enumerate(shape))
        else:
            out = tuple(d for i, d in enumerate(shape) if i not in reduced)
        return Tensor(input.element_type, out)

    def verify_(self) -> None:
        if self.FLOAT_ONLY:
            check_float(tensor_type(self.input))
        expected = self.infer_type(
            tensor_type(self.input), ints(self.axes), self.keepdims is not None
        )
        check_result_type(self.result.type, expected)


@irdl_op_definition
class ReduceSumOp(ReduceOp):
    """Sum along `axes`.

    %y = graph.reduce_sum %x axes [1] : tensor<4x8xf32> -> tensor<4xf32>
    """

    name = "graph.reduce_sum"


@irdl_op_definition
class ReduceMeanOp(ReduceOp):
    """Arithmetic mean along `axes`.

    %y = graph.reduce_mean %x axes [2, 3] keepdims : tensor<1x8x7x7xf32> -> tensor<1x8x1x1xf32>
    """

    name = "graph.reduce_mean"

    FLOAT_ONLY: ClassVar[bool] = True


@irdl_op_definition
class ReduceMaxOp(ReduceOp):
    """Maximum along `axes`; NaN propagates. Over an empty axis the result is the lowest
    value of the element type (-inf, the integer minimum, false for i1), as ONNX ReduceMax.

    %y = graph.reduce_max %x axes [-1] keepdims : tensor<4x8xf32> -> tensor<4x1xf32>
    """

    name = "graph.reduce_max"
