"""What `graph` ops share: tensor types, the shape helpers of the verifiers, `TwoTensorOp`.

Every op computes its result type from its operand types and attributes with a static
`infer_type(...)`; its verifier compares that with the type written in the IR and its
builder uses it when no result type is given:

    'graph.matmul' op result type expected tensor<4x16xf32>, found tensor<4x15xf32>
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from math import prod
from typing import TypeAlias, TypeGuard

from typing_extensions import TypeVar
from xdsl.dialects.builtin import (
    AnyFloat,
    BFloat16Type,
    DenseArrayBase,
    Float4E2M1FNType,
    Float8E4M3FNType,
    Float8E4M3FNUZType,
    Float8E5M2FNUZType,
    Float8E5M2Type,
    Float8E8M0FNUType,
    Float16Type,
    Float32Type,
    Float64Type,
    FloatAttr,
    IntegerAttr,
    IntegerType,
    Signedness,
    TensorType,
    f32,
    f64,
    i64,
)
from xdsl.ir import Attribute, Operation, SSAValue
from xdsl.irdl import (
    AttrConstraint,
    IntConstraint,
    IRDLOperation,
    VerificationContext,
    operand_def,
    result_def,
)
from xdsl.utils.exceptions import VerifyException

Tensor: TypeAlias = TensorType[Attribute]
Shape: TypeAlias = tuple[int, ...]

FLOAT_TYPES: tuple[Attribute, ...] = (Float16Type(), BFloat16Type(), Float32Type(), Float64Type())
INTEGER_TYPES: tuple[Attribute, ...] = tuple(IntegerType(w) for w in (1, 8, 16, 32, 64))
UNSIGNED_TYPES: tuple[Attribute, ...] = tuple(
    IntegerType(w, Signedness.UNSIGNED) for w in (8, 16, 32, 64)
)
LOW_PRECISION_TYPES: tuple[Attribute, ...] = (
    Float8E4M3FNType(),
    Float8E4M3FNUZType(),
    Float8E5M2Type(),
    Float8E5M2FNUZType(),
    Float8E8M0FNUType(),
    Float4E2M1FNType(),
    IntegerType(4),
    IntegerType(2),
    IntegerType(4, Signedness.UNSIGNED),
    IntegerType(2, Signedness.UNSIGNED),
)
"""Storage formats (ONNX's fp8, fp4, int4, int2): one element per byte in memory; what
computes on them is a `graph.cast` (or a copy: reshape, transpose, ...)."""
ELEMENT_TYPES: tuple[Attribute, ...] = (
    FLOAT_TYPES + INTEGER_TYPES + UNSIGNED_TYPES + LOW_PRECISION_TYPES
)


def is_tensor(attr: Attribute) -> TypeGuard[Tensor]:
    """`isinstance(attr, TensorType)`, typed as `TensorType[Attribute]`.

    Every TensorType is a `TensorType[Attribute]`; xDSL's `isa(attr, Tensor)` says the same
    but rebuilds its generic constraint on every call, which dominated verification time.
    """
    return isinstance(attr, TensorType)


@dataclass(frozen=True)
class GraphTensorConstraint(AttrConstraint[Tensor]):
    """A statically shaped `tensor<...>` of f16, bf16, f32, f64, i1, i8..i64, ui8..ui64 or a
    `LOW_PRECISION_TYPES` storage format (f8E4M3FN, i4, ...)."""

    def verify(self, attr: Attribute, constraint_context: VerificationContext) -> None:
        if not is_tensor(attr):
            raise VerifyException(f"expected a tensor type, found {attr}")
        if attr.element_type not in ELEMENT_TYPES:
            raise VerifyException(f"unsupported element type {attr.element_type} in {attr}")
        if any(d < 0 for d in attr.get_shape()):
            raise VerifyException(f"expected a static shape, found {attr}")

    def get_bases(self) -> set[type[Attribute]] | None:
        return {TensorType}

    def mapping_type_vars(
        self, type_var_mapping: Mapping[TypeVar, AttrConstraint | IntConstraint]
    ) -> GraphTensorConstraint:
        return self


GraphTensor = GraphTensorConstraint()

# Property constraints; the declarative formats print these without their types:
# `strides [1, 1]`, `groups 2`, `epsilon 1.0e-05`.
I64Array = DenseArrayBase.constr(i64)
I64Attr = IntegerAttr.constr(i64)
F64Attr = FloatAttr.constr(f64)


def tensor(*shape: int, element_type: Attribute = f32) -> Tensor:
    """`tensor(4, 8)` is `tensor<4x8xf32>`."""
    return TensorType(element_type, shape)


def tensor_type(value: SSAValue | Operation) -> Tensor:
    """The tensor type of `value` (an op stands for its single result)."""
    t = SSAValue.get(value).type
    if not is_tensor(t):
        raise VerifyException(f"expected a tensor value, found one of type {t}")
    return t


def i64_array(values: Sequence[int]) -> DenseArrayBase[IntegerType]:
    """`array<i64: ...>`, printed by the formats as `[1, 2]`."""
    return DenseArrayBase.from_list(i64, values)


def i64_attr(value: int) -> IntegerAttr[IntegerType]:
    return IntegerAttr(value, i64)


def f64_attr(value: float) -> FloatAttr[Float64Type]:
    return FloatAttr(value, f64)


def ints(attr: DenseArrayBase[IntegerType]) -> Shape:
    """The values of an `array<i64: ...>` property."""
    return attr.get_values()


def check_result_type(found: Attribute, expected: Tensor) -> None:
    """The verifier's last step: the result type written in the IR is the inferred one."""
    if found != expected:
        raise VerifyException(f"result type expected {expected}, found {found}")


def check_same_element_type(*types: Tensor) -> None:
    """All operands of an op compute in one element type."""
    first = types[0].element_type
    for t in types[1:]:
        if t.element_type != first:
            raise VerifyException(f"element types differ: {first} vs {t.element_type}")


def check_float(t: Tensor) -> None:
    if not isinstance(t.element_type, AnyFloat):
        raise VerifyException(f"expected a floating-point element type, found {t.element_type}")


def check_rank(what: str, t: Tensor, rank: int) -> None:
    if t.get_num_dims() != rank:
        raise VerifyException(f"expected {what} of rank {rank}, found {t}")


def check_count(what: str, values: Sequence[int], count: int) -> None:
    """A list property (strides, pads, starts, ...) has one value per dim it covers."""
    if len(values) != count:
        raise VerifyException(f"{what} expected {count} values, found {len(values)}")


def normalize_axis(axis: int, rank: int) -> int:
    """A possibly negative axis as an index in `[0, rank)`."""
    if not -rank <= axis < rank:
        raise VerifyException(f"axis {axis} is out of range for rank {rank}")
    return axis % rank


def broadcast_shapes(a: Shape, b: Shape) -> Shape | None:
    """numpy's broadcast of two shapes, or None when they do not broadcast."""
    out: list[int] = []
    for i in range(1, max(len(a), len(b)) + 1):
        x = a[-i] if i <= len(a) else 1
        y = b[-i] if i <= len(b) else 1
        if x != y and 1 not in (x, y):
            return None
        out.append(y if x == 1 else x)
    return tuple(reversed(out))


def num_elements(shape: Shape) -> int:
    return prod(shape)


class TwoTensorOp(IRDLOperation):
    """Base of the ops from two tensors to one whose result type is `infer_type(lhs, rhs)`.

    %z = graph.add %x, %b : (tensor<64x256xf32>, tensor<256xf32>) -> tensor<64x256xf32>

    Each subclass gives its name, traits, docstring and `infer_type`; the builder infers
    the result type when none is given, and the verifier checks the one written.
    """

    lhs = operand_def(GraphTensor)
    rhs = operand_def(GraphTensor)
    result = result_def(GraphTensor)

    assembly_format = "$lhs `,` $rhs attr-dict `:` functional-type(operands, results)"

    def __init__(
        self,
        lhs: SSAValue | Operation,
        rhs: SSAValue | Operation,
        result_type: Attribute | None = None,
    ) -> None:
        if result_type is None:
            result_type = self.infer_type(tensor_type(lhs), tensor_type(rhs))
        super().__init__(operands=[lhs, rhs], result_types=[result_type])

    @staticmethod
    def infer_type(lhs: Tensor, rhs: Tensor) -> Tensor:
        raise NotImplementedError("each TwoTensorOp defines its infer_type")

    def verify_(self) -> None:
        expected = self.infer_type(tensor_type(self.lhs), tensor_type(self.rhs))
        check_result_type(self.result.type, expected)
