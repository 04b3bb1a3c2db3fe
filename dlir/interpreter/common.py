"""What the interpreter's evaluators share: the error, element types as numpy dtypes, op tables.

    %y = graph.relu %x : tensor<4x8xf32>      evaluated as   np.maximum(x, 0) -> float32 (4, 8)

Values are numpy arrays (0-d arrays for scalars). Each element type has one numpy dtype:
f16/f32/f64 compute natively; bf16 has no numpy dtype, so it is held in float32 and every
result of bf16 type is rounded to the nearest bf16 (ties to even) by `conform`. ui8..ui64
are numpy's unsigned dtypes; the storage formats (f8E4M3FN ..., f4E2M1FN, i4, ui4, i2, ui2)
are ml_dtypes' (`ml_dtypes.float8_e4m3fn`, ...), which convert with ONNX's rounding.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeAlias, TypeVar, cast

import ml_dtypes
import numpy as np
from numpy.typing import NDArray
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
    TensorType,
)
from xdsl.ir import Attribute, Operation
from xdsl.utils.hints import isa

Array: TypeAlias = NDArray[Any]


class InterpreterError(Exception):
    """The IR cannot be interpreted on these inputs: says what is wrong and what would be legal."""


DTYPES: dict[Attribute, np.dtype[Any]] = {
    # The numpy dtype holding values of each element type (also the ONNX importer's).
    Float16Type(): np.dtype(np.float16),
    BFloat16Type(): np.dtype(np.float32),  # held in f32, rounded to bf16 (see `conform`)
    Float32Type(): np.dtype(np.float32),
    Float64Type(): np.dtype(np.float64),
    IntegerType(1): np.dtype(np.bool_),
    IntegerType(8): np.dtype(np.int8),
    IntegerType(16): np.dtype(np.int16),
    IntegerType(32): np.dtype(np.int32),
    IntegerType(64): np.dtype(np.int64),
    IndexType(): np.dtype(np.int64),
    IntegerType(8, Signedness.UNSIGNED): np.dtype(np.uint8),
    IntegerType(16, Signedness.UNSIGNED): np.dtype(np.uint16),
    IntegerType(32, Signedness.UNSIGNED): np.dtype(np.uint32),
    IntegerType(64, Signedness.UNSIGNED): np.dtype(np.uint64),
    Float8E4M3FNType(): np.dtype(ml_dtypes.float8_e4m3fn),
    Float8E4M3FNUZType(): np.dtype(ml_dtypes.float8_e4m3fnuz),
    Float8E5M2Type(): np.dtype(ml_dtypes.float8_e5m2),
    Float8E5M2FNUZType(): np.dtype(ml_dtypes.float8_e5m2fnuz),
    Float8E8M0FNUType(): np.dtype(ml_dtypes.float8_e8m0fnu),
    Float4E2M1FNType(): np.dtype(ml_dtypes.float4_e2m1fn),
    IntegerType(4): np.dtype(ml_dtypes.int4),
    IntegerType(2): np.dtype(ml_dtypes.int2),
    IntegerType(4, Signedness.UNSIGNED): np.dtype(ml_dtypes.uint4),
    IntegerType(2, Signedness.UNSIGNED): np.dtype(ml_dtypes.uint2),
}


def element_type(t: Attribute) -> Attribute:
    """`tensor<4xf32>` -> `f32`; a scalar type is its own element type."""
    return t.get_element_type() if isa(t, TensorType[Attribute]) else t


def dtype_of(t: Attribute) -> np.dtype[Any]:
    """The numpy dtype that holds values of type `t` (a tensor's element type, or a scalar type)."""
    elem = element_type(t)
    dtype = DTYPES.get(elem)
    if dtype is None:
        raise InterpreterError(
            f"cannot interpret values of type {t}: element types are f16, bf16, f32, f64, "
            "i1, i8, i16, i32, i64, ui8..ui64, index and the storage formats f8E4M3FN, "
            "f8E4M3FNUZ, f8E5M2, f8E5M2FNUZ, f8E8M0FNU, f4E2M1FN, i4, ui4, i2, ui2"
        )
    return dtype


def round_bf16(array: Array) -> Array:
    """Round float32 values to the nearest bfloat16 (ties to even), kept as float32."""
    bits = np.ascontiguousarray(array, dtype=np.float32).view(np.uint32).astype(np.uint64)
    rounded = ((bits + 0x7FFF + ((bits >> 16) & 1)) >> 16) << 16
    out = rounded.astype(np.uint32).view(np.float32)
    # NaN payloads may round into infinity: keep NaN a NaN.
    return np.where(np.isnan(array), np.float32(np.nan), out).reshape(np.shape(array))


def cast_to(value: Array | float | int | bool, t: Attribute) -> Array:
    """`value` converted to the dtype of type `t` (C semantics for float -> int: truncation)."""
    dtype = dtype_of(t)
    array = np.asarray(value)
    if dtype == np.bool_ and array.dtype != np.bool_:
        array = array != 0
    out = array.astype(dtype, copy=False)
    if isinstance(element_type(t), BFloat16Type):
        out = round_bf16(out)
    return out


def conform(value: Array, t: Attribute, what: str) -> Array:
    """`value` as a value of IR type `t`: its dtype, and the shape of `t` when it is a tensor."""
    out = cast_to(value, t)
    if isa(t, TensorType[Attribute]):
        shape = tuple(t.get_shape())
        if out.shape != shape:
            raise InterpreterError(f"{what} computed shape {out.shape}, its type is {t}")
        return np.asarray(out, order="C")  # not ascontiguousarray: it makes 0-d arrays 1-d
    # A scalar type inside a te stage body: the value holds one element per index point.
    return out


OpT = TypeVar("OpT", bound=Operation)
Evaluator: TypeAlias = Callable[[Operation, Sequence[Array]], Array]
"""`fn(op, operand values) -> result value`: one per op class, for single-result ops."""


class OpTable(Generic[OpT]):
    """Evaluators by op class: adding an op is one decorated function.

    @GRAPH_OPS.register(graph.ReluOp)
    def relu(op: graph.ReluOp, args: Sequence[Array]) -> Array:
        return np.maximum(args[0], 0)
    """

    def __init__(self, family: str) -> None:
        self.family = family
        self.evaluators: dict[type[Operation], Evaluator] = {}

    def register(
        self, *classes: type[OpT]
    ) -> Callable[
        [Callable[[OpT, Sequence[Array]], Array]], Callable[[OpT, Sequence[Array]], Array]
    ]:
        def add(
            fn: Callable[[OpT, Sequence[Array]], Array],
        ) -> Callable[[OpT, Sequence[Array]], Array]:
            for cls in classes:
                # Sound: `lookup` returns the evaluator only for instances of `cls`.
                self.evaluators[cls] = cast(Evaluator, fn)
            return fn

        return add

    def lookup(self, op: Operation) -> Evaluator | None:
        return self.evaluators.get(type(op))
