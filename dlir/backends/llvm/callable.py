"""Call a JIT-compiled function from Python with numpy arrays, checked at the boundary.

ABI convention (shared with `dlir.passes.lowering.func_to_llvm`): a memref argument is passed
as a **bare pointer to contiguous row-major data** (`memref<4x8xf32>` -> `!llvm.ptr`); scalars
(`index`, iN, f32, f64) are passed by value, `index` as i64. An i1 buffer is a numpy bool
array: one byte per element, 0 or 1 (`loop-to-llvm` loads and stores i1 elements as i8).
An f16 buffer is a numpy float16 array. bf16 has no numpy dtype: as in `dlir.interpret`, a
bf16 buffer is a float32 array on the Python side; it is rounded to bf16 (nearest, ties
to even) into a temporary of 16-bit patterns for the call, and what the callee wrote is
widened back into the float32 array (exactly: every bf16 is a float32); an
`ml_dtypes.bfloat16` array is passed as it is. f16 and bf16 scalars cannot be passed by
value (ctypes has no half type): use a buffer. ui8..ui64 are numpy's unsigned dtypes; the
storage formats (f8E4M3FN, f8E4M3FNUZ, f8E5M2, f8E5M2FNUZ, f8E8M0FNU, f4E2M1FN, i4, ui4,
i2, ui2) are buffers of ml_dtypes' dtypes, one byte per element.
The lowering keeps the original argument types in the function's `dlir.signature` attribute:

    llvm.func @vadd(%a: !llvm.ptr, %b: !llvm.ptr, %c: !llvm.ptr {llvm.noalias}, %n: i64)
        attributes {dlir.signature = [memref<?xf32>, memref<?xf32>, memref<?xf32>, index]}
    ->  Signature(BufferArg((None,), float32) x 3, ScalarArg(int64))     (None: any extent)

For a hand-written module without that attribute, pass a `Signature` explicitly, e.g.
`Signature.parse("f32[1024], f32[1024], f32[1024], i64")`. Wrong arguments (count, type,
dtype, rank, extent, non-contiguous, read-only output) raise `ArgumentError` before the call,
so a bad input is a Python exception and never a crash in native code.
"""

from __future__ import annotations

import ctypes
from collections.abc import Sequence
from dataclasses import dataclass
from typing import cast

import ml_dtypes
import numpy as np
import numpy.typing as npt
from xdsl.dialects import llvm
from xdsl.dialects.builtin import (
    ArrayAttr,
    BFloat16Type,
    Float16Type,
    Float32Type,
    Float64Type,
    IndexType,
    IntegerAttr,
    IntegerType,
    MemRefType,
    ModuleOp,
)
from xdsl.ir import Attribute
from xdsl.utils.hints import isa

from dlir.backends.llvm.jit import CompiledModule, JitError, compile_module
from dlir.interpreter.common import round_bf16

SIGNATURE_ATTR = "dlir.signature"
NUM_OUTPUTS_ATTR = "dlir.num_outputs"

_DTYPES: dict[str, np.dtype[np.generic]] = {
    "f16": np.dtype(np.float16),
    "bf16": np.dtype(np.float32),  # held in float32, as by the interpreter (module doc)
    "f32": np.dtype(np.float32),
    "f64": np.dtype(np.float64),
    "i1": np.dtype(np.bool_),
    "i8": np.dtype(np.int8),
    "i16": np.dtype(np.int16),
    "i32": np.dtype(np.int32),
    "i64": np.dtype(np.int64),
    "index": np.dtype(np.int64),
    "ui8": np.dtype(np.uint8),
    "ui16": np.dtype(np.uint16),
    "ui32": np.dtype(np.uint32),
    "ui64": np.dtype(np.uint64),
}
# Storage formats: buffers only, one byte per element, the dtypes ONNX uses (ml_dtypes).
_STORAGE_DTYPES: dict[str, np.dtype[np.generic]] = {
    "f8E4M3FN": np.dtype(ml_dtypes.float8_e4m3fn),
    "f8E4M3FNUZ": np.dtype(ml_dtypes.float8_e4m3fnuz),
    "f8E5M2": np.dtype(ml_dtypes.float8_e5m2),
    "f8E5M2FNUZ": np.dtype(ml_dtypes.float8_e5m2fnuz),
    "f8E8M0FNU": np.dtype(ml_dtypes.float8_e8m0fnu),
    "f4E2M1FN": np.dtype(ml_dtypes.float4_e2m1fn),
    "i4": np.dtype(ml_dtypes.int4),
    "ui4": np.dtype(ml_dtypes.uint4),
    "i2": np.dtype(ml_dtypes.int2),
    "ui2": np.dtype(ml_dtypes.uint2),
}
_BF16 = np.dtype(ml_dtypes.bfloat16)
CType = type[
    ctypes.c_bool
    | ctypes.c_float
    | ctypes.c_double
    | ctypes.c_int8
    | ctypes.c_int16
    | ctypes.c_int32
    | ctypes.c_int64
    | ctypes.c_uint8
    | ctypes.c_uint16
    | ctypes.c_uint32
    | ctypes.c_uint64
]
_CTYPES: dict[str, CType] = {
    "bool": ctypes.c_bool,
    "float32": ctypes.c_float,
    "float64": ctypes.c_double,
    "int8": ctypes.c_int8,
    "int16": ctypes.c_int16,
    "int32": ctypes.c_int32,
    "int64": ctypes.c_int64,
    "uint8": ctypes.c_uint8,
    "uint16": ctypes.c_uint16,
    "uint32": ctypes.c_uint32,
    "uint64": ctypes.c_uint64,
}


class ArgumentError(TypeError):
    """An argument does not match the compiled function's signature."""


@dataclass(frozen=True)
class BufferArg:
    """A contiguous array of `dtype` with `shape` (None: any extent), passed as a pointer.

    `bf16`: the native buffer holds bf16 and `dtype` is float32, the Python-side array.
    """

    shape: tuple[int | None, ...]
    dtype: np.dtype[np.generic]
    bf16: bool = False

    def describe(self) -> str:
        dims = "x".join("?" if d is None else str(d) for d in self.shape)
        return f"{'bf16' if self.bf16 else self.dtype}[{dims}]"


@dataclass(frozen=True)
class ScalarArg:
    """A scalar of `dtype`, passed by value."""

    dtype: np.dtype[np.generic]

    def describe(self) -> str:
        return str(self.dtype)


Arg = BufferArg | ScalarArg


@dataclass(frozen=True)
class Signature:
    """The Python-side view of a compiled function: its arguments and its (scalar) result.

    The last `num_outputs` arguments are output buffers (destination-passing style): the
    function writes them and reads nothing else it is given, so inputs may be read-only.
    """

    args: tuple[Arg, ...]
    result: np.dtype[np.generic] | None = None
    num_outputs: int = 0

    @staticmethod
    def parse(text: str) -> Signature:
        """`"f32[4x?], i64 -> f32"`: buffers as `dtype[dims]` (`?` any extent), scalars bare."""
        params, _, result = text.partition("->")
        args = tuple(_parse_arg(item.strip()) for item in params.split(",") if item.strip())
        return Signature(args, _dtype(result.strip()) if result.strip() else None)

    @staticmethod
    def from_types(types: Sequence[Attribute], result: Attribute | None = None) -> Signature:
        """From the original argument types: `memref<4xf32>` -> buffer, `index`/iN/fN -> scalar."""
        args: list[Arg] = []
        for index, ty in enumerate(types):
            if isa(ty, MemRefType[Attribute]):
                shape = tuple(None if d < 0 else d for d in ty.get_shape())
                element = ty.element_type
                dtype = _dtype_of(element, f"argument {index}", buffer=True)
                args.append(BufferArg(shape, dtype, isinstance(element, BFloat16Type)))
            else:
                args.append(ScalarArg(_dtype_of(ty, f"argument {index}")))
        if result is None or isinstance(result, llvm.LLVMVoidType):
            return Signature(tuple(args))
        return Signature(tuple(args), _dtype_of(result, "the result"))

    @staticmethod
    def from_function(op: llvm.FuncOp) -> Signature:
        """From `dlir.signature` if present, else from the llvm types (scalars only)."""
        output = op.function_type.output
        result = None if isinstance(output, llvm.LLVMVoidType) else output
        attr = op.attributes.get(SIGNATURE_ATTR)
        if isa(attr, ArrayAttr[Attribute]):
            signature = Signature.from_types(attr.data, result)
            outputs = op.attributes.get(NUM_OUTPUTS_ATTR)
            if isinstance(outputs, IntegerAttr):
                count = outputs.value.data
                if not 0 <= count <= len(signature.args) or not all(
                    isinstance(a, BufferArg) for a in signature.args[len(signature.args) - count :]
                ):
                    raise ArgumentError(
                        f"@{op.sym_name.data}: '{NUM_OUTPUTS_ATTR}' = {count} does not name "
                        f"trailing buffer arguments of {signature.describe()}"
                    )
                signature = Signature(signature.args, signature.result, count)
            return signature
        inputs = op.function_type.inputs.data
        for index, ty in enumerate(inputs):
            if isinstance(ty, llvm.LLVMPointerType):
                raise ArgumentError(
                    f"@{op.sym_name.data}: argument {index} is a pointer but the function has no "
                    f"'{SIGNATURE_ATTR}' attribute; pass an explicit Signature "
                    '(e.g. Signature.parse("f32[1024], i64"))'
                )
        return Signature.from_types(inputs, result)

    @property
    def inputs(self) -> tuple[Arg, ...]:
        """The arguments before the outputs."""
        return self.args[: len(self.args) - self.num_outputs]

    @property
    def outputs(self) -> tuple[BufferArg, ...]:
        """The output buffers, the last `num_outputs` arguments."""
        outputs = self.args[len(self.args) - self.num_outputs :]
        return tuple(a for a in outputs if isinstance(a, BufferArg))

    def describe(self) -> str:
        args = ", ".join(a.describe() for a in self.args)
        return f"({args}) -> {self.result if self.result is not None else 'void'}"


def _parse_arg(text: str) -> Arg:
    if "[" not in text:
        if text in ("f16", "bf16"):
            raise ValueError(f"{text} scalars cannot be passed by value: use a buffer '{text}[1]'")
        return ScalarArg(_dtype(text))
    name, _, dims = text.partition("[")
    if not dims.endswith("]"):
        raise ValueError(f"bad buffer argument '{text}': expected e.g. 'f32[4x?]'")
    body = dims[:-1].strip()
    shape = tuple(None if d.strip() == "?" else int(d) for d in body.split("x")) if body else ()
    return BufferArg(shape, _dtype(name.strip()), name.strip() == "bf16")


def _dtype(name: str) -> np.dtype[np.generic]:
    if name in _STORAGE_DTYPES:
        return _STORAGE_DTYPES[name]
    if name not in _DTYPES:
        known = ", ".join([*_DTYPES, *_STORAGE_DTYPES])
        raise ValueError(f"unknown element type '{name}': expected one of {known}")
    return _DTYPES[name]


def _dtype_of(ty: Attribute, what: str, buffer: bool = False) -> np.dtype[np.generic]:
    if buffer and isinstance(ty, Float16Type | BFloat16Type):
        return _DTYPES[str(ty)]
    if isinstance(ty, IndexType):
        return _DTYPES["index"]
    if isinstance(ty, Float32Type):
        return _DTYPES["f32"]
    if isinstance(ty, Float64Type):
        return _DTYPES["f64"]
    if buffer and str(ty) in _STORAGE_DTYPES:
        return _STORAGE_DTYPES[str(ty)]
    name = str(ty)
    if isinstance(ty, IntegerType) and name in _DTYPES:
        return _DTYPES[name]
    raise ArgumentError(
        f"{what}: type {ty} cannot cross the Python boundary (expected f32, f64, i1, i8..i64, "
        "ui8..ui64, index or a memref of those, or a memref of f16, bf16 or a storage format: "
        f"{', '.join(_STORAGE_DTYPES)})"
    )


class CompiledFunction:
    """A native function, callable with numpy arrays and Python scalars.

    vadd(a, b, c, np.int64(1024))       # checks then calls; returns None or a scalar
    """

    def __init__(self, compiled: CompiledModule, name: str, signature: Signature) -> None:
        self.compiled = compiled  # keeps the MCJIT engine (and thus the code) alive
        self.name = name
        self.signature = signature
        argtypes = [
            ctypes.c_void_p if isinstance(a, BufferArg) else _CTYPES[a.dtype.name]
            for a in signature.args
        ]
        restype = None if signature.result is None else _CTYPES[signature.result.name]
        prototype = ctypes.CFUNCTYPE(restype, *argtypes)
        self._function = prototype(compiled.address(name))

    def __call__(self, *args: object) -> object:
        sig = self.signature
        if len(args) != len(sig.args):
            raise ArgumentError(
                f"@{self.name} takes {len(sig.args)} arguments {sig.describe()}, got {len(args)}"
            )
        staged: list[_Bf16Buffer] = []
        converted = [
            self._convert(i, spec, value, staged)
            for i, (spec, value) in enumerate(zip(sig.args, args, strict=True))
        ]
        result = self._function(*converted)
        for buffer in staged:
            buffer.write_back()
        return result

    def _is_output(self, index: int) -> bool:
        """Whether the callee may write argument `index` (without `num_outputs`: any buffer)."""
        sig = self.signature
        return sig.num_outputs == 0 or index >= len(sig.args) - sig.num_outputs

    def _convert(self, index: int, spec: Arg, value: object, staged: list[_Bf16Buffer]) -> object:
        where = f"@{self.name} argument {index}"
        if isinstance(spec, ScalarArg):
            return _scalar(where, spec, value)
        if not isinstance(value, np.ndarray):
            raise ArgumentError(
                f"{where}: expected a numpy array {spec.describe()}, got {type(value).__name__}"
            )
        array = cast(npt.NDArray[np.generic], value)
        if array.dtype != spec.dtype and not (spec.bf16 and array.dtype == _BF16):
            raise ArgumentError(
                f"{where}: expected dtype {spec.dtype}, got {array.dtype} (convert with .astype)"
            )
        if array.ndim != len(spec.shape):
            raise ArgumentError(
                f"{where}: expected rank {len(spec.shape)} {spec.describe()}, got shape {array.shape}"
            )
        for dim, (want, got) in enumerate(zip(spec.shape, array.shape, strict=True)):
            if want is not None and want != got:
                raise ArgumentError(
                    f"{where}: expected shape {spec.describe()}, got {array.shape} (dim {dim}: {got} != {want})"
                )
        if not array.flags.c_contiguous:
            raise ArgumentError(
                f"{where}: the array must be C-contiguous (use np.ascontiguousarray)"
            )
        if not array.flags.writeable and self._is_output(index):
            # The callee writes its outputs; without `num_outputs`, any buffer may be one.
            raise ArgumentError(f"{where}: the array is read-only; pass a writeable copy")
        if spec.bf16 and array.dtype != _BF16:  # ml_dtypes.bfloat16 arrays hold the bits
            buffer = _Bf16Buffer(array, to_bf16_bits(array), self._is_output(index))
            staged.append(buffer)
            return buffer.bits.ctypes.data
        return array.ctypes.data

    def call_dps(self, *inputs: object) -> tuple[npt.NDArray[np.generic], ...]:
        """Call with the inputs only: the outputs are allocated here and returned.

        f.call_dps(x, w)  ->  (y,)      # for f(x, w, y) with num_outputs = 1

        Inputs are checked like `__call__`'s arguments, except that a non-contiguous
        array is copied to a contiguous one rather than refused.
        """
        sig = self.signature
        wanted = len(sig.args) - sig.num_outputs
        if len(inputs) != wanted:
            shown = ", ".join(a.describe() for a in sig.inputs)
            noun = "input" if wanted == 1 else "inputs"
            raise ArgumentError(f"@{self.name} takes {wanted} {noun} ({shown}), got {len(inputs)}")
        outputs = tuple(np.empty(_static_shape(self.name, o), o.dtype) for o in sig.outputs)
        contiguous: list[object] = [
            np.ascontiguousarray(cast(npt.NDArray[np.generic], value))
            if isinstance(value, np.ndarray)
            and not cast(npt.NDArray[np.generic], value).flags.c_contiguous
            else value
            for value in inputs
        ]
        staged: list[_Bf16Buffer] = []
        converted = [
            self._convert(i, spec, value, staged)
            for i, (spec, value) in enumerate(zip(sig.args, [*contiguous, *outputs], strict=True))
        ]
        self._function(*converted)
        for buffer in staged:
            buffer.write_back()
        return outputs


def to_bf16_bits(array: npt.NDArray[np.generic]) -> npt.NDArray[np.uint16]:
    """float32 values -> their nearest bf16 (ties to even) as uint16 bit patterns."""
    rounded = round_bf16(cast(npt.NDArray[np.float32], array))
    return (rounded.view(np.uint32) >> 16).astype(np.uint16)


def from_bf16_bits(bits: npt.NDArray[np.uint16]) -> npt.NDArray[np.float32]:
    """uint16 bf16 bit patterns -> float32 (exact)."""
    return (bits.astype(np.uint32) << 16).view(np.float32)


@dataclass
class _Bf16Buffer:
    """A float32 argument staged as bf16 bits for one call; outputs are copied back."""

    array: npt.NDArray[np.generic]
    bits: npt.NDArray[np.uint16]
    output: bool

    def write_back(self) -> None:
        if self.output:
            self.array[...] = from_bf16_bits(self.bits)


def _static_shape(name: str, spec: BufferArg) -> tuple[int, ...]:
    if any(d is None for d in spec.shape):
        raise ArgumentError(
            f"@{name}: cannot allocate an output {spec.describe()} of dynamic shape"
        )
    return tuple(d for d in spec.shape if d is not None)


def _scalar(where: str, spec: ScalarArg, value: object) -> object:
    # np.float32(1.5) and friends are np.generic; a 0-d or larger ndarray is not a scalar.
    if isinstance(value, np.generic):
        value = cast(object, value.item())
    if spec.dtype == np.bool_:
        if not isinstance(value, bool):
            raise ArgumentError(f"{where}: expected a bool, got {type(value).__name__}")
        return value
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ArgumentError(f"{where}: expected a scalar {spec.dtype}, got {type(value).__name__}")
    if spec.dtype.kind == "f":
        return float(value)
    if isinstance(value, float):
        raise ArgumentError(f"{where}: expected an integer {spec.dtype}, got float {value}")
    bits = spec.dtype.itemsize * 8
    low, high = -(1 << (bits - 1)), (1 << (bits - 1)) - 1
    number = value
    if not low <= number <= high:
        raise ArgumentError(f"{where}: {number} does not fit in {spec.dtype} [{low}, {high}]")
    return number


def jit_function(
    module: ModuleOp, name: str, signature: Signature | None = None
) -> CompiledFunction:
    """Compile `module` for the host and return `@name` as a Python callable."""
    func = next(
        (op for op in module.ops if isinstance(op, llvm.FuncOp) and op.sym_name.data == name), None
    )
    if func is None:
        raise JitError(f"no llvm.func @{name} in the module")
    sig = signature if signature is not None else Signature.from_function(func)
    return CompiledFunction(compile_module(module), name, sig)
