"""numpy <-> `graph.constant`: small arrays inline as `dense<...>`, large ones as resource blobs.

    constant(np.zeros((4, 8), np.float32))      %c = graph.constant dense<0.0> : tensor<4x8xf32>
    constant(np.ones((784, 256), np.float32))   %w = graph.constant dense_resource<weight> : ...

A blob lives in the builtin dialect's `OpAsmDialectInterface` store (the one of `ctx`,
or xDSL's process-wide `Builtin` dialect when no context is given) and is printed in
the module's `{-# dialect_resources: {builtin: {weight: "0x04000000..."}} #-}` section.
Its text is MLIR's: a little-endian u32 alignment, then the raw little-endian elements.
"""

from __future__ import annotations

import re
import struct
from typing import Any

import numpy as np
from numpy.typing import NDArray
from xdsl.context import Context
from xdsl.dialect_interfaces.op_asm import OpAsmDialectInterface
from xdsl.dialects.builtin import (
    AnyFloat,
    BFloat16Type,
    Builtin,
    BytesAttr,
    DenseIntOrFPElementsAttr,
    DenseResourceAttr,
    Float16Type,
    Float32Type,
    Float64Type,
    IntegerType,
    Signedness,
    TensorType,
)
from xdsl.ir import Attribute
from xdsl.utils.hints import isa

from dlir.dialects.graph.common import is_tensor
from dlir.dialects.graph.func import ConstantOp

# A resource handle is printed bare, so it must lex as an MLIR bare identifier.
_HANDLE = re.compile(r"[A-Za-z_][A-Za-z0-9_$.]*")

RESOURCE_THRESHOLD = 1024
"""Arrays with more elements than this become `dense_resource` blobs."""

# How each element type is stored; bf16 is kept as the upper half of an f32's bits.
_DTYPES: dict[Attribute, np.dtype[Any]] = {
    Float16Type(): np.dtype("<f2"),
    BFloat16Type(): np.dtype("<u2"),
    Float32Type(): np.dtype("<f4"),
    Float64Type(): np.dtype("<f8"),
    IntegerType(1): np.dtype("bool"),
    IntegerType(8): np.dtype("<i1"),
    IntegerType(16): np.dtype("<i2"),
    IntegerType(32): np.dtype("<i4"),
    IntegerType(64): np.dtype("<i8"),
    IntegerType(8, Signedness.UNSIGNED): np.dtype("<u1"),
    IntegerType(16, Signedness.UNSIGNED): np.dtype("<u2"),
    IntegerType(32, Signedness.UNSIGNED): np.dtype("<u4"),
    IntegerType(64, Signedness.UNSIGNED): np.dtype("<u8"),
}


def element_type_of(dtype: np.dtype[Any]) -> Attribute:
    """The `graph` element type of a numpy dtype (float32 -> f32, bool -> i1, ...)."""
    for element_type, stored in _DTYPES.items():
        if stored == dtype.newbyteorder("<") and not isinstance(element_type, BFloat16Type):
            return element_type
    raise ValueError(f"no graph element type for numpy dtype {dtype}")


def resource_store(ctx: Context | None = None) -> OpAsmDialectInterface:
    """Where `dense_resource` blobs live: the builtin dialect of `ctx`, or xDSL's global one."""
    builtin = Builtin if ctx is None else ctx.get_dialect("builtin")
    store = builtin.get_interface(OpAsmDialectInterface)
    if store is None:
        raise ValueError("the builtin dialect has no OpAsmDialectInterface")
    return store


def _to_bf16_bits(array: NDArray[Any]) -> NDArray[np.uint16]:
    """Round float32 values to bfloat16 (to nearest even) and keep their 16 bits."""
    bits = np.ascontiguousarray(array, dtype=np.float32).view(np.uint32).astype(np.uint64)
    rounded = (bits + 0x7FFF + ((bits >> 16) & 1)) >> 16
    return rounded.astype(np.uint16)


def _stored(array: NDArray[Any], element_type: Attribute) -> NDArray[Any]:
    if isinstance(element_type, BFloat16Type):
        return _to_bf16_bits(array)
    return np.ascontiguousarray(array, dtype=_DTYPES[element_type])


def constant(
    array: NDArray[Any],
    *,
    element_type: Attribute | None = None,
    resource_threshold: int = RESOURCE_THRESHOLD,
    name: str = "weight",
    ctx: Context | None = None,
) -> ConstantOp:
    """A `graph.constant` holding `array`.

    Arrays of at most `resource_threshold` elements, and splats of any size, are inline
    `dense<...>`; larger ones become a blob named after `name` (made unique) in the
    resource store of `ctx`. `element_type` overrides the dtype's (e.g. bf16 from float32).
    """
    if element_type is None:
        element_type = element_type_of(array.dtype)
    if element_type not in _DTYPES or not isa(element_type, IntegerType | AnyFloat):
        raise ValueError(f"unsupported element type {element_type}")
    stored = _stored(array, element_type)
    tensor_type = TensorType(element_type, array.shape)
    flat = stored.reshape(-1)
    is_splat = flat.size > 0 and bool(np.all(flat == flat[0]))
    if stored.size <= resource_threshold or is_splat:
        return ConstantOp(DenseIntOrFPElementsAttr(tensor_type, BytesAttr(stored.tobytes())))
    if not _HANDLE.fullmatch(name):
        raise ValueError(f"resource name must be an identifier, found {name!r}")
    store = resource_store(ctx)
    key = store.declare_resource(name)
    header = struct.pack("<I", stored.dtype.itemsize)
    store.parse_resource(key, "0x" + (header + stored.tobytes()).hex().upper())
    return ConstantOp(DenseResourceAttr.from_params(key, tensor_type))


def constant_value(op: ConstantOp, ctx: Context | None = None) -> NDArray[Any]:
    """The value of a `graph.constant` as a numpy array (bf16 is widened to float32)."""
    value = op.value
    tensor_type = value.get_type()
    assert is_tensor(tensor_type)
    shape = tensor_type.get_shape()
    element_type = tensor_type.element_type
    dtype = _DTYPES[element_type]
    if isinstance(value, DenseResourceAttr):
        handle = value.resource_handle.data
        blob = resource_store(ctx).lookup(handle)
        if not blob:
            raise ValueError(f"no blob for dense_resource<{handle}>")
        raw = bytes.fromhex(blob[2:])[4:]  # drop "0x" and the alignment word
    else:
        raw = value.data.data
    count = int(np.prod(shape))
    data = np.frombuffer(raw, dtype=dtype)
    if data.size == 1 and count != 1:  # a splat stored once
        data = np.full(count, data[0], dtype=dtype)
    if data.size != count:
        raise ValueError(f"constant holds {data.size} elements, its type {tensor_type} {count}")
    if isinstance(element_type, BFloat16Type):
        return (data.astype(np.uint32) << 16).view(np.float32).reshape(shape)
    return data.reshape(shape).copy()
