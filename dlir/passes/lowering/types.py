"""Type mapping shared by the loop -> llvm patterns: index -> i64, memref -> !llvm.ptr.

index -> i64    memref<4x8xf32> -> !llvm.ptr    vector<8xf32> -> vector<8xf32>
ui8 -> i8 (llvm integers are signless: the unsigned ops carry the signedness)
f8E4M3FN, f8E5M2, ..., f4E2M1FN -> i8 (their bits; `low_precision.py` converts them)
"""

from __future__ import annotations

from typing import cast

from xdsl.dialects import llvm
from xdsl.dialects.builtin import (
    AnyFloat,
    IndexType,
    IntegerType,
    MemRefType,
    ReducedPrecisionFloatType,
    Signedness,
    VectorType,
    i64,
)
from xdsl.dialects.llvm import LLVMPointerType
from xdsl.ir import Attribute, Operation, SSAValue
from xdsl.utils.exceptions import DiagnosticException


def as_vector(type: Attribute) -> VectorType[Attribute] | None:
    """`type` as a vector type, or None. An `isinstance`: xDSL's generic
    `isa(type, VectorType[Attribute])` costs about 100 us, and lowering asks for every value."""
    return cast(VectorType[Attribute], type) if isinstance(type, VectorType) else None


def llvm_type(type: Attribute) -> Attribute:
    """The llvm-dialect type that carries a value of `type` after lowering."""
    if isinstance(type, IndexType):
        return i64
    if isinstance(type, MemRefType):
        return LLVMPointerType()
    if (vector := as_vector(type)) is not None:
        element = llvm_type(vector.element_type)
        if element != vector.element_type:
            return VectorType(element, vector.get_shape())
        return type
    if is_unsigned(type):
        return IntegerType(int_bits(type))
    if isinstance(type, ReducedPrecisionFloatType) and type.bitwidth <= 8:
        return IntegerType(8)
    return type


_UNSIGNED = frozenset(IntegerType(w, Signedness.UNSIGNED) for w in (2, 4, 8, 16, 32, 64))


def int_bits(type: Attribute) -> int:
    """The bit width of an integer type."""
    assert isinstance(type, IntegerType)
    return cast(IntegerType[int, Signedness], type).bitwidth


def is_unsigned(type: Attribute) -> bool:
    """ui2..ui64: a signedness llvm integers do not have."""
    return type in _UNSIGNED


def byte_size(type: Attribute) -> int:
    """Bytes taken by one scalar or 1-D vector element of a buffer (used as GEP unit and
    as the natural alignment of loads and stores)."""
    if (vector := as_vector(type)) is not None:
        return byte_size(vector.element_type)
    if isinstance(type, IndexType):
        return 8
    if isinstance(type, IntegerType):
        return max(1, (type.bitwidth + 7) // 8)
    if isinstance(type, AnyFloat):
        return max(1, type.bitwidth // 8)
    raise DiagnosticException(
        f"no byte size for buffer element type {type}: expected an integer, float or index"
    )


def integer_binary(
    op_type: type[llvm.ArithmeticBinOperation]
    | type[llvm.ArithmeticBinOpOverflow]
    | type[llvm.ArithmeticBinOpExact],
    lhs: SSAValue,
    rhs: SSAValue,
    result_type: Attribute = i64,
) -> Operation:
    """`llvm.add`-like op with an explicit result type: xDSL's builders copy the type of
    `lhs`, which is still `index` while its producer waits for its own lowering."""
    return op_type.create(operands=[lhs, rhs], result_types=[result_type])


def select(cond: SSAValue, lhs: SSAValue, rhs: SSAValue, result_type: Attribute) -> llvm.SelectOp:
    """`llvm.select` with an explicit result type (see `integer_binary`)."""
    return llvm.SelectOp.create(
        operands=[cond, lhs, rhs],
        result_types=[result_type],
        properties={"fastmathFlags": llvm.FastMathAttr(None)},
    )
