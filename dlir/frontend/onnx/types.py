"""ONNX element types as `graph` element types and numpy dtypes.

TensorProto.FLOAT -> f32 (float32)      TensorProto.BOOL -> i1 (bool)
TensorProto.INT64 -> i64 (int64)        TensorProto.UINT8 -> ui8 (uint8)
TensorProto.FLOAT8E4M3FN -> f8E4M3FN (ml_dtypes.float8_e4m3fn, one byte per element)
TensorProto.INT4 -> i4 (ml_dtypes.int4, one byte per element)   STRING -> unsupported (an error)
"""

from __future__ import annotations

from typing import Any

import numpy as np
from onnx import TensorProto
from xdsl.dialects.builtin import (
    BFloat16Type,
    Float4E2M1FNType,
    Float8E4M3FNType,
    Float8E4M3FNUZType,
    Float8E5M2FNUZType,
    Float8E5M2Type,
    Float8E8M0FNUType,
    Float16Type,
    Float32Type,
    Float64Type,
    IndexType,
    IntegerType,
    Signedness,
)
from xdsl.ir import Attribute

from dlir.interpreter.common import DTYPES

_ELEMENT_TYPES: dict[int, Attribute] = {
    TensorProto.FLOAT: Float32Type(),
    TensorProto.DOUBLE: Float64Type(),
    TensorProto.FLOAT16: Float16Type(),
    TensorProto.BFLOAT16: BFloat16Type(),
    TensorProto.BOOL: IntegerType(1),
    TensorProto.INT8: IntegerType(8),
    TensorProto.INT16: IntegerType(16),
    TensorProto.INT32: IntegerType(32),
    TensorProto.INT64: IntegerType(64),
    TensorProto.UINT8: IntegerType(8, Signedness.UNSIGNED),
    TensorProto.UINT16: IntegerType(16, Signedness.UNSIGNED),
    TensorProto.UINT32: IntegerType(32, Signedness.UNSIGNED),
    TensorProto.UINT64: IntegerType(64, Signedness.UNSIGNED),
    TensorProto.FLOAT8E4M3FN: Float8E4M3FNType(),
    TensorProto.FLOAT8E4M3FNUZ: Float8E4M3FNUZType(),
    TensorProto.FLOAT8E5M2: Float8E5M2Type(),
    TensorProto.FLOAT8E5M2FNUZ: Float8E5M2FNUZType(),
    TensorProto.FLOAT8E8M0: Float8E8M0FNUType(),
    TensorProto.FLOAT4E2M1: Float4E2M1FNType(),
    TensorProto.INT4: IntegerType(4),
    TensorProto.INT2: IntegerType(2),
    TensorProto.UINT4: IntegerType(4, Signedness.UNSIGNED),
    TensorProto.UINT2: IntegerType(2, Signedness.UNSIGNED),
}

# bf16 has no numpy dtype: its values are held in float32, as the interpreter does.
_DTYPES: dict[Attribute, np.dtype[Any]] = {
    element: dtype for element, dtype in DTYPES.items() if not isinstance(element, IndexType)
}

SUPPORTED_TYPES = (
    "float, double, float16, bfloat16, bool, int8..int64, uint8..uint64, float8e4m3fn, "
    "float8e4m3fnuz, float8e5m2, float8e5m2fnuz, float8e8m0, float4e2m1, int4, uint4, "
    "int2, uint2"
)


def onnx_type_name(elem_type: int) -> str:
    """`TensorProto.FLOAT` -> "float"."""
    try:
        return TensorProto.DataType.Name(elem_type).lower()
    except ValueError:
        return f"<data type {elem_type}>"


def element_type(elem_type: int) -> Attribute | None:
    """The `graph` element type of an ONNX `TensorProto` data type, or None if it has none."""
    return _ELEMENT_TYPES.get(elem_type)


def numpy_dtype(element: Attribute) -> np.dtype[Any]:
    """The numpy dtype holding values of a `graph` element type (bf16 in float32)."""
    return _DTYPES[element]


def element_type_of_dtype(dtype: np.dtype[Any]) -> Attribute | None:
    """The `graph` element type of a numpy dtype (float32 -> f32), or None if it has none."""
    if dtype.name == "bfloat16":  # ml_dtypes' bfloat16, which onnx returns for BFLOAT16
        return BFloat16Type()
    for element, held in _DTYPES.items():
        if held == dtype and not isinstance(element, BFloat16Type):
            return element
    return None
