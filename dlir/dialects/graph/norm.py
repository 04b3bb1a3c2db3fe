"""Softmax and the normalisations: layer_norm, batch_norm in its inference form, lrn.

Each op class is the one place for its semantics: result type (`infer_type`), fusion
category (`FusionTrait`), and, in a later issue, its tensor-expression definition.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from xdsl.ir import Operation, SSAValue
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
    I64Attr,
    Tensor,
    check_float,
    check_result_type,
    check_same_element_type,
    f64_attr,
    i64_attr,
    normalize_axis,
    tensor_type,
)
from dlir.dialects.graph.fusion import FusionCategory, FusionTrait

DEFAULT_EPSILON = 1e-5


def check_epsilon(epsilon: float) -> None:
    """The `epsilon` a normalisation adds to the variance must be positive."""
    if epsilon <= 0:
        raise VerifyException(f"epsilon must be positive, found {epsilon}")


@irdl_op_definition
class SoftmaxOp(IRDLOperation):
    """`exp(x) / sum(exp(x))` along `axis` (default -1, the last).

    %y = graph.softmax %x axis 1 : tensor<64x10xf32>
    """

    name = "graph.softmax"

    T: ClassVar = VarConstraint("T", GraphTensor)
    input = operand_def(T)
    result = result_def(T)
    axis = prop_def(I64Attr, default_value=i64_attr(-1))

    # TVM registers softmax as OUT_ELEMWISE_FUSABLE: it is two reductions (max, sum) and
    # elementwise work in one kernel, so it does not fuse into its producer, but its
    # elementwise consumers can fuse into it.
    traits = traits_def(Pure(), FusionTrait(FusionCategory.OUT_FUSABLE))
    assembly_format = "$input (`axis` $axis^)? attr-dict `:` type($result)"

    def __init__(self, input: SSAValue | Operation, axis: int = -1) -> None:
        super().__init__(
            operands=[input],
            result_types=[self.infer_type(tensor_type(input), axis)],
            properties={"axis": i64_attr(axis)},
        )

    @staticmethod
    def infer_type(input: Tensor, axis: int) -> Tensor:
        check_float(input)
        normalize_axis(axis, input.get_num_dims())
        return input

    def verify_(self) -> None:
        self.infer_type(tensor_type(self.input), self.axis.value.data)


@irdl_op_definition
class LayerNormOp(IRDLOperation):
    """Normalise over the dims from `axis` on, then scale and shift (ONNX LayerNormalization).

    `scale` and `bias` have the normalised dims' shape. Defaults: axis -1, epsilon 1e-5.

    %y = graph.layer_norm %x, %g, %b axis -1 epsilon 1.0e-05 : (tensor<8x128x768xf32>, tensor<768xf32>, tensor<768xf32>) -> tensor<8x128x768xf32>
    """

    name = "graph.layer_norm"

    input = operand_def(GraphTensor)
    scale = operand_def(GraphTensor)
    bias = operand_def(GraphTensor)
    result = result_def(GraphTensor)
    axis = prop_def(I64Attr, default_value=i64_attr(-1))
    epsilon = prop_def(F64Attr, default_value=f64_attr(DEFAULT_EPSILON))

    # Like softmax: reductions (mean, variance) and elementwise work in one kernel.
    traits = traits_def(Pure(), FusionTrait(FusionCategory.OUT_FUSABLE))
    assembly_format = (
        "$input `,` $scale `,` $bias (`axis` $axis^)? (`epsilon` $epsilon^)? attr-dict"
        " `:` functional-type(operands, results)"
    )

    def __init__(
        self,
        input: SSAValue | Operation,
        scale: SSAValue | Operation,
        bias: SSAValue | Operation,
        axis: int = -1,
        epsilon: float = DEFAULT_EPSILON,
    ) -> None:
        result_type = self.infer_type(
            tensor_type(input), tensor_type(scale), tensor_type(bias), axis, epsilon
        )
        super().__init__(
            operands=[input, scale, bias],
            result_types=[result_type],
            properties={"axis": i64_attr(axis), "epsilon": f64_attr(epsilon)},
        )

    @staticmethod
    def infer_type(input: Tensor, scale: Tensor, bias: Tensor, axis: int, epsilon: float) -> Tensor:
        check_float(input)
        check_same_element_type(input, scale, bias)
        first = normalize_axis(axis, input.get_num_dims())
        normalized = input.get_shape()[first:]
        for what, t in (("scale", scale), ("bias", bias)):
            if t.get_shape() != normalized:
                expected = Tensor(input.element_type, normalized)
                raise VerifyException(f"{what} type expected {expected}, found {t}")
        check_epsilon(epsilon)
        return input

    def verify_(self) -> None:
        expected = self.infer_type(
            tensor_type(self.input),
            tensor_type(self.scale),
            tensor_type(self.bias),
            self.axis.value.data,
            self.epsilon.value.data,
        )
        check_result_type(self.result.type, expected)


@irdl_op_definition
class BatchNormOp(IRDLOperation):
    """Inference-time batch normalisation over channel axis 1, with per-channel statistics.

    `y = (x - mean) / sqrt(var + epsilon) * scale + bias`; default epsilon 1e-5.

    %y = graph.batch_norm %x, %scale, %bias, %mean, %var epsilon 1.0e-03 : (tensor<1x64x56x56xf32>, tensor<64xf32>, tensor<64xf32>, tensor<64xf32>, tensor<64xf32>) -> tensor<1x64x56x56xf32>
    """

    name = "graph.batch_norm"

    input = operand_def(GraphTensor)
    scale = operand_def(GraphTensor)
    bias = operand_def(GraphTensor)
    mean = operand_def(GraphTensor)
    var = operand_def(GraphTensor)
    result = result_def(GraphTensor)
    epsilon = prop_def(F64Attr, default_value=f64_attr(DEFAULT_EPSILON))

    # With the statistics given, each output element reads one input element and one
    # value per channel: a broadcast, as TVM sees it after SimplifyInference.
    traits = traits_def(Pure(), FusionTrait(FusionCategory.BROADCAST))
    assembly_format = (
        "$input `,` $scale `,` $bias `,` $mean `,` $var (`epsilon` $epsilon^)? attr-dict"
        " `:` functional-type(operands, results)"
    )

    def __init__(
        self,
        input: SSAValue | Operation,
        scale: SSAValue | Operation,
        bias: SSAValue | Operation,
        mean: SSAValue | Operation,
        var: SSAValue | Operation,
        epsilon: float = DEFAULT_EPSILON,
    ) -> None:
        stats = [tensor_type(v) for v in (scale, bias, mean, var)]
        super().__init__(
            operands=[input, scale, bias, mean, var],
            result_types=[self.infer_type(tensor_type(input), stats, epsilon)],
            properties={"epsilon": f64_attr(epsilon)},
        )

    @staticmethod
    def infer_type(input: Tensor, stats: Sequence[Tensor], epsilon: float) -> Tensor:
        check_float(input)
        check_same_element_type(input, *stats)
        if input.get_num_dims() < 2:
            raise VerifyException(f"expected input of rank 2 or more, found {input}")
        channels = Tensor(input.element_type, input.get_shape()[1:2])
        for what, t in zip(("scale", "bias", "mean", "var"), stats, strict=True):
            if t != channels:
                raise VerifyException(f"{what} type expected {channels}, found {t}")
        check_epsilon(epsilon)
        return input

    def verify_(self) -> None:
        stats = [tensor_type(v) for v in (self.scale, self.bias, self.mean, self.var)]
        expected = self.infer_type(tensor_type(self.input), stats, self.epsilon.value.data)
        check_result_type(self.result.type, expected)


@irdl_op_definition
class LrnOp(IRDLOperation):
    """Local response normalisation across channels (axis 1) of an N x C x ... tensor (ONNX LRN).

        square_sum[n, c, ...] = sum of x[n, c', ...]^2 for c' in
                                [c - floor((size - 1) / 2), c + ceil((size - 1) / 2)] within [0, C)
        y = x / (bias + alpha / size * square_sum) ^ beta

    %y = graph.lrn %x size 5 alpha 1.0e-04 beta 7.5e-01 bias 1.0 : tensor<1x96x55x55xf32>
    """

    name = "graph.lrn"

    T: ClassVar = VarConstraint("T", GraphTensor)
    input = operand_def(T)
    result = result_def(T)
    size = prop_def(I64Attr)
    alpha = prop_def(F64Attr)
    beta = prop_def(F64Attr)
    bias = prop_def(F64Attr)

    # Like the poolings: a window reduction (over channels) whose elementwise consumers
    # can join it.
    traits = traits_def(Pure(), FusionTrait(FusionCategory.OUT_FUSABLE))
    assembly_format = (
        "$input `size` $size `alpha` $alpha `beta` $beta `bias` $bias attr-dict `:` type($result)"
    )

    def __init__(
        self,
        input: SSAValue | Operation,
        size: int,
        alpha: float = 1e-4,
        beta: float = 0.75,
        bias: float = 1.0,
    ) -> None:
        super().__init__(
            operands=[input],
            result_types=[self.infer_type(tensor_type(input), size)],
            properties={
                "size": i64_attr(size),
                "alpha": f64_attr(alpha),
                "beta": f64_attr(beta),
                "bias": f64_attr(bias),
            },
        )

    @staticmethod
    def infer_type(input: Tensor, size: int) -> Tensor:
        check_float(input)
        if input.get_num_dims() < 2:
            raise VerifyException(f"expected input of rank 2 or more (N x C x ...), found {input}")
        if size < 1:
            raise VerifyException(f"size must be positive, found {size}")
        return input

    def verify_(self) -> None:
        self.infer_type(tensor_type(self.input), self.size.value.data)
