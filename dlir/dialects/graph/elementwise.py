"""Elementwise `graph` operators: broadcasting binary arithmetic and comparisons, where,
activations, clip, cast.

Each op class is the one place for its semantics: result type (`infer_type`), fusion
category (`FusionTrait`), and, in a later issue, its tensor-expression definition.
"""

from __future__ import annotations

from typing import ClassVar

from xdsl.dialects.builtin import StringAttr, i1
from xdsl.ir import Attribute, Operation, SSAValue
from xdsl.irdl import (
    IRDLOperation,
    VarConstraint,
    irdl_op_definition,
    operand_def,
    prop_def,
    result_def,
    traits_def,
)
from xdsl.traits import Pure
from xdsl.utils.exceptions import VerifyException

from dlir.dialects.graph.common import (
    F64Attr,
    GraphTensor,
    Tensor,
    TwoTensorOp,
    broadcast_shapes,
    check_float,
    check_result_type,
    check_same_element_type,
    f64_attr,
    tensor_type,
)
from dlir.dialects.graph.fusion import FusionCategory, FusionTrait

# --- binary, with numpy broadcasting ------------------------------------------------------


class BinaryOp(TwoTensorOp):
    """Base of the broadcasting binary operators; each subclass names one."""

    traits = traits_def(Pure(), FusionTrait(FusionCategory.BROADCAST))

    @staticmethod
    def infer_type(lhs: Tensor, rhs: Tensor) -> Tensor:
        check_same_element_type(lhs, rhs)
        shape = broadcast_shapes(lhs.get_shape(), rhs.get_shape())
        if shape is None:
            raise VerifyException(f"operands not broadcastable: {lhs} vs {rhs}")
        return Tensor(lhs.element_type, shape)


@irdl_op_definition
class AddOp(BinaryOp):
    """Elementwise sum, with numpy broadcasting.

    %z = graph.add %x, %b : (tensor<64x256xf32>, tensor<256xf32>) -> tensor<64x256xf32>
    """

    name = "graph.add"


@irdl_op_definition
class SubOp(BinaryOp):
    """Elementwise difference, with numpy broadcasting.

    %z = graph.sub %x, %y : (tensor<4x1xf32>, tensor<3xf32>) -> tensor<4x3xf32>
    """

    name = "graph.sub"


@irdl_op_definition
class MulOp(BinaryOp):
    """Elementwise product, with numpy broadcasting.

    %z = graph.mul %x, %s : (tensor<2x8xf32>, tensor<1xf32>) -> tensor<2x8xf32>
    """

    name = "graph.mul"


@irdl_op_definition
class DivOp(BinaryOp):
    """Elementwise quotient (truncating for integers), with numpy broadcasting.

    %z = graph.div %x, %y : (tensor<2x8xf32>, tensor<2x8xf32>) -> tensor<2x8xf32>
    """

    name = "graph.div"


@irdl_op_definition
class PowOp(BinaryOp):
    """Elementwise power `lhs ** rhs`, with numpy broadcasting.

    %z = graph.pow %x, %e : (tensor<2x8xf32>, tensor<f32>) -> tensor<2x8xf32>
    """

    name = "graph.pow"


@irdl_op_definition
class MaximumOp(BinaryOp):
    """Elementwise maximum, with numpy broadcasting.

    %z = graph.maximum %x, %y : (tensor<2x8xf32>, tensor<8xf32>) -> tensor<2x8xf32>
    """

    name = "graph.maximum"


@irdl_op_definition
class MinimumOp(BinaryOp):
    """Elementwise minimum, with numpy broadcasting.

    %z = graph.minimum %x, %y : (tensor<2x8xf32>, tensor<8xf32>) -> tensor<2x8xf32>
    """

    name = "graph.minimum"


# --- comparisons and where, with numpy broadcasting -----------------------------------------


class CompareOp(TwoTensorOp):
    """Base of the broadcasting comparisons: operands of one element type, an i1 result.

    Floats compare ordered (any comparison with NaN is false, so NaN != NaN); integers
    compare signed; i1 compares false < true, as numpy's bool.
    """

    traits = traits_def(Pure(), FusionTrait(FusionCategory.BROADCAST))

    @staticmethod
    def infer_type(lhs: Tensor, rhs: Tensor) -> Tensor:
        check_same_element_type(lhs, rhs)
        shape = broadcast_shapes(lhs.get_shape(), rhs.get_shape())
        if shape is None:
            raise VerifyException(f"operands not broadcastable: {lhs} vs {rhs}")
        return Tensor(i1, shape)


@irdl_op_definition
class EqualOp(CompareOp):
    """`lhs == rhs` elementwise, with numpy broadcasting (ONNX Equal).

    %z = graph.equal %x, %y : (tensor<4x8xf32>, tensor<8xf32>) -> tensor<4x8xi1>
    """

    name = "graph.equal"


@irdl_op_definition
class LessOp(CompareOp):
    """`lhs < rhs` elementwise, with numpy broadcasting (ONNX Less).

    %z = graph.less %x, %y : (tensor<4x8xi64>, tensor<i64>) -> tensor<4x8xi1>
    """

    name = "graph.less"


@irdl_op_definition
class GreaterOp(CompareOp):
    """`lhs > rhs` elementwise, with numpy broadcasting (ONNX Greater).

    %z = graph.greater %x, %y : (tensor<4x1xf32>, tensor<3xf32>) -> tensor<4x3xi1>
    """

    name = "graph.greater"


@irdl_op_definition
class WhereOp(IRDLOperation):
    """`condition ? true_value : false_value` elementwise; all three broadcast as in numpy
    (numpy.where, ONNX Where). The condition is i1; the values share an element type.

    %z = graph.where %c, %x, %y : (tensor<4x1xi1>, tensor<4x8xf32>, tensor<8xf32>) -> tensor<4x8xf32>
    """

    name = "graph.where"

    condition = operand_def(GraphTensor)
    true_value = operand_def(GraphTensor)
    false_value = operand_def(GraphTensor)
    result = result_def(GraphTensor)

    traits = traits_def(Pure(), FusionTrait(FusionCategory.BROADCAST))
    assembly_format = (
        "$condition `,` $true_value `,` $false_value attr-dict"
        " `:` functional-type(operands, results)"
    )

    def __init__(
        self,
        condition: SSAValue | Operation,
        true_value: SSAValue | Operation,
        false_value: SSAValue | Operation,
    ) -> None:
        result_type = self.infer_type(
            tensor_type(condition), tensor_type(true_value), tensor_type(false_value)
        )
        super().__init__(operands=[condition, true_value, false_value], result_types=[result_type])

    @staticmethod
    def infer_type(condition: Tensor, true_value: Tensor, false_value: Tensor) -> Tensor:
        if condition.element_type != i1:
            raise VerifyException(
                f"condition expected element type i1, found {condition.element_type}"
            )
        check_same_element_type(true_value, false_value)
        shape = broadcast_shapes(condition.get_shape(), true_value.get_shape())
        shape = None if shape is None else broadcast_shapes(shape, false_value.get_shape())
        if shape is None:
            raise VerifyException(
                f"operands not broadcastable: {condition}, {true_value} and {false_value}"
            )
        return Tensor(true_value.element_type, shape)

    def verify_(self) -> None:
        expected = self.infer_type(
            tensor_type(self.condition), tensor_type(self.true_value), tensor_type(self.false_value)
        )
        check_result_type(self.result.type, expected)


# --- unary ------------------------------------------------------------------------------


class SameTypeOp(IRDLOperation):
    """Base of the elementwise ops on one tensor whose result has the operand's type."""

    T: ClassVar = VarConstraint("T", GraphTensor)
    input = operand_def(T)
    result = result_def(T)

    traits = traits_def(Pure(), FusionTrait(FusionCategory.ELEMENTWISE))

    @staticmethod
    def infer_type(input: Tensor) -> Tensor:
        return input


class UnaryOp(SameTypeOp):
    """Base of the unary operators: the result has the operand's type."""

    assembly_format = "$input attr-dict `:` type($result)"

    # Transcendental ops need a floating-point element type; relu works on integers too.
    FLOAT_ONLY: ClassVar[bool] = True

    def __init__(self, input: SSAValue | Operation) -> None:
        super().__init__(operands=[input], result_types=[self.infer_type(tensor_type(input))])

    def verify_(self) -> None:
        if self.FLOAT_ONLY:
            check_float(tensor_type(self.input))


@irdl_op_definition
class ReluOp(UnaryOp):
    """`max(x, 0)`, elementwise.

    %y = graph.relu %x : tensor<64x256xf32>
    """

    name = "graph.relu"
    FLOAT_ONLY: ClassVar[bool] = False


@irdl_op_definition
class SigmoidOp(UnaryOp):
    """`1 / (1 + exp(-x))`, elementwise.

    %y = graph.sigmoid %x : tensor<4x8xf32>
    """

    name = "graph.sigmoid"


@irdl_op_definition
class TanhOp(UnaryOp):
    """Hyperbolic tangent, elementwise.

    %y = graph.tanh %x : tensor<4x8xf32>
    """

    name = "graph.tanh"


@irdl_op_definition
class ExpOp(UnaryOp):
    """`e ** x`, elementwise.

    %y = graph.exp %x : tensor<4x8xf32>
    """

    name = "graph.exp"


@irdl_op_definition
class LogOp(UnaryOp):
    """Natural logarithm, elementwise.

    %y = graph.log %x : tensor<4x8xf32>
    """

    name = "graph.log"


@irdl_op_definition
class SqrtOp(UnaryOp):
    """Square root, elementwise.

    %y = graph.sqrt %x : tensor<4x8xf32>
    """

    name = "graph.sqrt"


@irdl_op_definition
class ErfOp(UnaryOp):
    """Gauss error function, elementwise.

    %y = graph.erf %x : tensor<4x8xf32>
    """

    name = "graph.erf"


GELU_APPROXIMATIONS = ("none", "tanh")


@irdl_op_definition
class GeluOp(SameTypeOp):
    """Gaussian error linear unit: exact (`x * Phi(x)`) or its tanh approximation.

    %y = graph.gelu %x : tensor<4x8xf32>
    %z = graph.gelu %x approximate "tanh" : tensor<4x8xf32>
    """

    name = "graph.gelu"

    approximate = prop_def(StringAttr, default_value=StringAttr("none"))

    assembly_format = "$input (`approximate` $approximate^)? attr-dict `:` type($result)"

    def __init__(self, input: SSAValue | Operation, approximate: str = "none") -> None:
        super().__init__(
            operands=[input],
            result_types=[tensor_type(input)],
            properties={"approximate": StringAttr(approximate)},
        )

    def verify_(self) -> None:
        check_float(tensor_type(self.input))
        if self.approximate.data not in GELU_APPROXIMATIONS:
            raise VerifyException(
                f'approximate expected "none" or "tanh", found "{self.approximate.data}"'
            )


@irdl_op_definition
class ClipOp(SameTypeOp):
    """Clamp every element into `[min, max]`.

    %y = graph.clip %x min 0.0 max 6.0 : tensor<4x8xf32>
    """

    name = "graph.clip"

    min = prop_def(F64Attr)
    max = prop_def(F64Attr)

    assembly_format = "$input `min` $min `max` $max attr-dict `:` type($result)"

    def __init__(self, input: SSAValue | Operation, min: float, max: float) -> None:
        super().__init__(
            operands=[input],
            result_types=[tensor_type(input)],
            properties={"min": f64_attr(min), "max": f64_attr(max)},
        )

    def verify_(self) -> None:
        if self.min.value.data > self.max.value.data:
            raise VerifyException(
                f"min must not exceed max: {self.min.value.data} > {self.max.value.data}"
            )


@irdl_op_definition
class CastOp(IRDLOperation):
    """Convert every element to another element type; the shape is kept. numpy's
    `astype` (ml_dtypes' for f8E4M3FN ... f4E2M1FN, i4, ui4, i2, ui2: round to nearest
    even, no saturation).

    %y = graph.cast %x : tensor<4x8xf32> to tensor<4x8xf16>
    """

    name = "graph.cast"

    input = operand_def(GraphTensor)
    result = result_def(GraphTensor)

    traits = traits_def(Pure(), FusionTrait(FusionCategory.ELEMENTWISE))
    assembly_format = "$input attr-dict `:` type($input) `to` type($result)"

    def __init__(self, input: SSAValue | Operation, element_type: Attribute) -> None:
        result_type = self.infer_type(tensor_type(input), element_type)
        super().__init__(operands=[input], result_types=[result_type])

    @staticmethod
    def infer_type(input: Tensor, element_type: Attribute) -> Tensor:
        return Tensor(element_type, input.get_shape())

    def verify_(self) -> None:
        result = tensor_type(self.result)
        expected = self.infer_type(tensor_type(self.input), result.element_type)
        check_result_type(result, expected)
