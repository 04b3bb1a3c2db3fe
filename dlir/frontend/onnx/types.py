"""ONNX element types as `graph` element types and numpy dtypes.

TensorProto.FLOAT -> f32 (float32)      TensorProto.BOOL -> i1 (bool)
TensorProto.INT64 -> i64 (int64)        TensorProto.UINT8 -> unsupported (an error)
"""

from __future__ import annotations

from typing import Any

import numpy as np
from onnx import TensorProto
from xdsl.dialects.builtin import (
    BFloat16Type,
    Float16Type,
    Float32Type,
    Float64Type,
    IntegerType,
)
from xdsl.ir import Attribute

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
}

# bf16 has no numpy dtype: its values are held in float32, as the interpreter does.
_DTYPES: dict[Attribute, np.dtype[Any]] = {
    Float32Type(): np.dtype(np.float32),
    Float64Type(): np.dtype(np.float64),
    Float16Type(): np.dtype(np.float16),
    BFloat16Type(): np.dtype(np.float32),
    IntegerType(1): np.dtype(np.bool_),
    IntegerType(8): np.dtype(np.int8),
    IntegerType(16): np.dtype(np.int16),
    IntegerType(32): np.dtype(np.int32),
    IntegerType(64): np.dtype(np.int64),
}

SUPPORTED_TYPES = "float, double, float16, bfloat16, bool, int8, int16, int32, int64"


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
