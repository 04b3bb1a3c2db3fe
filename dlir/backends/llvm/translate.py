"""llvm-dialect `ModuleOp` -> llvmlite `ir.Module`, reusing xDSL's `convert_module`.

    llvm.func @f(%p: !llvm.ptr {llvm.noalias}) { %v = llvm.load %p : !llvm.ptr -> vector<8xf32> ...
    ->  define void @f(ptr noalias %".1") { %".3" = load <8 x float>, ptr %".1", align 4 ...

xDSL converts 68 of the 72 llvm ops, with argument attributes, fastmath flags and explicit
`alignment`. What it gets wrong for us, fixed here after its conversion:

* A vector `llvm.load`/`llvm.store` without `alignment` gets no `align`, so LLVM assumes the
  ABI alignment of the vector (32 bytes for `<8 x float>`) and emits `vmovaps`, which faults on
  numpy arrays (16-byte aligned only, or offset views). We give such accesses the alignment of
  their element type instead (`align 4` for f32), which is always legal for a contiguous array
  of elements (`_ELEMENT_ALIGNED` below).
* Function-level attributes are dropped. We carry `passthrough = ["nounwind", ...]` string
  attributes onto the llvmlite function (`_copy_passthrough`).
* Float intrinsics (`llvm.intr.sqrt`, `maxnum`, `pow`, ...) are declared without their
  type suffix (`llvm.sqrt`, not `llvm.sqrt.f32`), so one module using one on two types (f32
  and f64, or scalar and vector) fails. A module that has them is translated from a copy in
  which they are `llvm.call_intrinsic`s of the mangled name (`_mangle_intrinsics`).
* `llvm.fcmp` verifies on scalars only, so vector compares arrive as calls of
  `llvm.dlir.fcmp.<predicate>.<type>` (`arith_to_llvm.vector_fcmp`; a name LLVM never
  sees): each becomes LLVM's vector `fcmp` instruction. `llvm.select` takes no vector
  condition either, so a vector select arrives as `llvm.vp.select` with every lane on,
  which InstCombine does not fold: it becomes a plain `select`
  (`_native_vector_instructions`).
* bf16 has no llvmlite type and xDSL's type converter rejects it: `BFloatType` prints as
  LLVM's `bfloat` (constants in its `0xR` hex form) and is registered with the converter,
  so bf16 values, vectors and constants reach LLVM. Its arithmetic never does: loop-to-llvm
  computes it in f32 and rounds inline (LLVM would call compiler-rt's `__truncsfbf2`).
* A global's `dense<...>` initializer becomes one Python value per element (slow for
  weights), a `dense_resource<...>` one fails, and `alignment` is dropped. Such globals get
  their raw bytes as one `c"\\3F\\80..."` byte-array initializer, escaped by numpy rather
  than byte by byte, and their alignment (`_dense_globals`; zero-filled ones get
  `zeroinitializer`).

Weights need not pass through LLVM IR text at all: given an `externals` dict, every constant
global of at least `EXTERNAL_MIN_BYTES` bytes is declared, not defined, under a name unique
in the process, and its bytes go into `externals` for the JIT to bind with `add_symbol`:

    llvm.mlir.global internal constant @__constant_3(dense_resource<w> : tensor<9408xf32>)
    ->  @__constant_3.dlir.7 = external constant [37632 x i8], align 64
        externals["__constant_3.dlir.7"] = ExternalConstant(<37632 bytes>, align=64)
"""
# llvmlite ships no type information: its members are Unknown to pyright (as Lark in dlir/parser).
# pyright: reportUnknownMemberType=false, reportUnknownVariableType=false, reportUnknownArgumentType=false, reportAttributeAccessIssue=false

from __future__ import annotations

import itertools
import struct
from collections.abc import Generator
from contextlib import contextmanager
from dataclasses import dataclass
from math import prod

import llvmlite.ir as ir
import numpy as np
from xdsl.backend.llvm.convert import convert_module
from xdsl.backend.llvm.convert_type import _TYPE_CONVERTERS  # pyright: ignore[reportPrivateUsage]
from xdsl.dialects import llvm
from xdsl.dialects.builtin import (
    AnyFloat,
    ArrayAttr,
    BFloat16Type,
    DenseIntOrFPElementsAttr,
    DenseResourceAttr,
    Float16Type,
    Float32Type,
    Float64Type,
    IntegerType,
    ModuleOp,
    ShapedType,
    StringAttr,
    VectorType,
)
from xdsl.ir import Attribute, Operation
from xdsl.rewriter import InsertPoint, Rewriter
from xdsl.utils.hints import isa

from dlir.passes.lowering.arith_to_llvm import VECTOR_FCMP


class BFloatType(ir.Type):
    """LLVM's `bfloat` (llvmlite 0.50 has half, float and double only)."""

    null = "0.0"
    intrinsic_name = "bf16"

    def __str__(self) -> str:
        return "bfloat"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, BFloatType)

    def __hash__(self) -> int:
        return hash(BFloatType)

    def format_constant(self, value: float) -> str:
        # 1.0 -> 0xR3F80: the bf16 bits nearest to `value` (ties to even), NaN kept quiet
        bits = int(struct.unpack("<I", struct.pack("<f", value))[0])
        if value != value:
            return f"0xR{(bits >> 16) | 0x40:04X}"
        bits = (bits + 0x7FFF + ((bits >> 16) & 1)) >> 16
        return f"0xR{bits & 0xFFFF:04X}"


# xDSL's converter looks types up in this table: bf16 -> bfloat, for values, vectors, globals.
_TYPE_CONVERTERS[BFloat16Type] = lambda _: BFloatType()


class TranslationError(Exception):
    """The module cannot be translated to LLVM IR (message says what and what is accepted)."""


EXTERNAL_MIN_BYTES = 4096
"""Constant globals of at least this many bytes are bound from memory when the caller of
`translate_module` asks for `externals` (smaller ones stay in the IR, where LLVM can fold
their loads)."""

_EXTERNAL_SERIAL = itertools.count()
"""Numbers the external globals of a process: `add_symbol` is process-wide, so two modules'
`@__constant_0` must never share a symbol name."""


@dataclass(frozen=True)
class ExternalConstant:
    """The bytes of a constant global declared `external` in the LLVM IR, and the alignment
    its address must have."""

    data: bytes
    align: int


def translate_module(
    module: ModuleOp,
    *,
    triple: str | None = None,
    externals: dict[str, ExternalConstant] | None = None,
) -> ir.Module:
    """Translate `module`, whose top level holds only `llvm.func` and `llvm.mlir.global`.

    With `externals`, large constant globals are declared only and their bytes added to it,
    by symbol name (module doc); `module` itself is left unchanged either way."""
    for op in module.ops:
        if not isinstance(op, (llvm.FuncOp, llvm.GlobalOp)):
            raise TranslationError(
                f"cannot translate '{op.name}' to LLVM IR: the module's top level may hold only "
                "'llvm.func' and 'llvm.mlir.global' (lower the module to the llvm dialect first)"
            )
    dense = _dense_globals(module)
    try:
        # xDSL converts these globals without initializer; we add the bytes below.
        for op in dense:
            del op.properties["value"]
        with _mangled_intrinsics(module):
            result = convert_module(module, fallback_target_triple=triple)
    except (NotImplementedError, KeyError, ValueError, TypeError, AssertionError) as err:
        raise TranslationError(
            f"xDSL's llvm converter failed: {type(err).__name__}: {err}"
        ) from err
    finally:
        for op, value in dense.items():
            op.properties["value"] = value
    for op in module.ops:
        if isinstance(op, llvm.GlobalOp):
            _fill_global(op, dense.get(op), result, externals)
    _fix_vector_alignment(result)
    _native_vector_instructions(result)
    for op in module.ops:
        if isinstance(op, llvm.FuncOp):
            _copy_passthrough(op, result)
    return result


_INTRINSICS: dict[type[Operation], str] = {
    llvm.FAbsOp: "llvm.fabs",
    llvm.FExpOp: "llvm.exp",
    llvm.FCeilOp: "llvm.ceil",
    llvm.FSinOp: "llvm.sin",
    llvm.FFloorOp: "llvm.floor",
    llvm.FExp2Op: "llvm.exp2",
    llvm.FSqrtOp: "llvm.sqrt",
    llvm.FLogOp: "llvm.log",
    llvm.FCosOp: "llvm.cos",
    llvm.FLog2Op: "llvm.log2",
    llvm.FPowOp: "llvm.pow",
    llvm.VectorFMaxOp: "llvm.maxnum",
    llvm.VectorFMinOp: "llvm.minnum",
    llvm.FCopySignOp: "llvm.copysign",
}
"""The llvm ops xDSL translates to an intrinsic call without the type suffix."""


def intrinsic_suffix(t: Attribute) -> str:
    """LLVM's name mangling of an overloaded intrinsic's type: `f32`, `f64`, `v8f32`."""
    if isinstance(t, VectorType):
        return f"v{prod(t.get_shape())}{intrinsic_suffix(t.get_element_type())}"
    if isinstance(t, IntegerType):
        return f"i{t.width.data}"
    if isinstance(t, Float16Type | Float32Type | Float64Type):
        return f"f{t.bitwidth}"
    if isinstance(t, BFloat16Type):
        return "bf16"
    raise TranslationError(f"no intrinsic type suffix for {t}")


@contextmanager
def _mangled_intrinsics(module: ModuleOp) -> Generator[None]:
    # %r = llvm.intr.sqrt(%x) : (f32) -> f32
    #   ->  %r = llvm.call_intrinsic "llvm.sqrt.f32"(%x) : (f32) -> f32      (undone on exit)
    # In place and undone rather than on a clone: cloning a model's module cost seconds.
    def unmangled(op: Operation) -> bool:
        flags = op.properties.get("fastmathFlags")
        return type(op) in _INTRINSICS and not (isinstance(flags, llvm.FastMathAttr) and flags.data)

    swapped: list[tuple[Operation, Operation]] = []
    try:
        for op in [op for op in module.walk() if unmangled(op)]:
            result = op.results[0]
            name = f"{_INTRINSICS[type(op)]}.{intrinsic_suffix(result.type)}"
            call = llvm.CallIntrinsicOp(name, list(op.operands), [result.type])
            Rewriter.insert_op(call, InsertPoint.before(op))
            result.replace_all_uses_with(call.results[0])
            op.detach()
            swapped.append((op, call))
        yield
    finally:
        for op, call in reversed(swapped):
            Rewriter.insert_op(op, InsertPoint.before(call))
            call.results[0].replace_all_uses_with(op.results[0])
            call.detach()
            call.erase()


def _element_alignment(ty: ir.Type) -> int | None:
    """The byte alignment of one element of a vector type, or None for a non-vector type."""
    if not isinstance(ty, ir.VectorType):
        return None
    element = ty.element
    if isinstance(element, ir.IntType):
        return max(1, element.width // 8)
    sizes: dict[type, int] = {ir.HalfType: 2, BFloatType: 2, ir.FloatType: 4, ir.DoubleType: 8}
    return sizes.get(type(element))


def _fix_vector_alignment(module: ir.Module) -> None:
    # load <8 x float>, ptr %p            ->  load <8 x float>, ptr %p, align 4
    # store <8 x float> %v, ptr %p        ->  store <8 x float> %v, ptr %p, align 4
    for function in module.functions:
        for block in function.blocks:
            for instr in block.instructions:
                if isinstance(instr, ir.LoadInstr) and instr.align is None:
                    align = _element_alignment(instr.type)
                elif isinstance(instr, ir.StoreInstr) and instr.align is None:
                    align = _element_alignment(instr.operands[0].type)
                else:
                    continue
                if align is not None:
                    instr.align = align


def _native_vector_instructions(module: ir.Module) -> None:
    # %c = call <8 x i1> @llvm.dlir.fcmp.olt.v8f32(<8 x float> %a, <8 x float> %b)
    #   ->  %c = fcmp olt <8 x float> %a, %b            (the declaration is dropped)
    # %r = call <8 x float> @llvm.vp.select.v8f32(<8 x i1> %c, %a, %b, i32 8)   (all lanes on)
    #   ->  %r = select <8 x i1> %c, <8 x float> %a, %b (InstCombine folds a select, not a vp one)
    for function in module.functions:
        replaced: dict[int, tuple[ir.Instruction, ir.Instruction]] = {}
        for block in function.blocks:
            for position, instr in enumerate(block.instructions):
                new = _native_form(block, instr)
                if new is not None:
                    block.instructions[position] = new
                    replaced[id(instr)] = (instr, new)
        if not replaced:
            continue
        for block in function.blocks:
            for instr in block.instructions:
                if isinstance(instr, ir.PhiInstr):
                    values = [value for value, _ in instr.incomings]
                else:
                    values = list(instr.operands)
                for value in values:
                    if id(value) in replaced:
                        old, new = replaced[id(value)]
                        if value is old:
                            instr.replace_usage(old, new)
    prefix = f"{VECTOR_FCMP}."
    for function in list(module.functions):
        if function.name.startswith(prefix) and function.is_declaration:
            del module.globals[function.name]


def _native_form(block: ir.Block, instr: ir.Instruction) -> ir.Instruction | None:
    """The instruction that stands for `instr`, a call of a vector compare or select."""
    if not isinstance(instr, ir.CallInstr) or not isinstance(instr.callee, ir.Function):
        return None
    name: str = instr.callee.name
    prefix = f"{VECTOR_FCMP}."
    if name.startswith(prefix):
        lhs, rhs = instr.args
        return ir.FCMPInstr(block, name[len(prefix) :].split(".")[0], lhs, rhs)
    if name.startswith("llvm.vp.select."):
        cond, lhs, rhs, lanes = instr.args
        if (
            isinstance(lanes, ir.Constant)
            and isinstance(cond.type, ir.VectorType)
            and lanes.constant == cond.type.count
        ):
            return ir.SelectInstr(block, cond, lhs, rhs)
    return None


def _copy_passthrough(op: llvm.FuncOp, module: ir.Module) -> None:
    # llvm.func @f() attributes {passthrough = ["nounwind"]}  ->  define void @f() nounwind
    attr = op.attributes.get("passthrough")
    if attr is None:
        return
    if not isinstance(attr, ArrayAttr):
        raise TranslationError(
            f"@{op.sym_name.data}: 'passthrough' must be an array of strings, got {attr}"
        )
    function = module.get_global(op.sym_name.data)
    assert isinstance(function, ir.Function)
    for item in attr.data:
        if not isinstance(item, StringAttr):
            raise TranslationError(
                f"@{op.sym_name.data}: 'passthrough' entries must be strings like \"nounwind\", got {item}"
            )
        function.attributes.add(item.data)


DenseValue = DenseIntOrFPElementsAttr | DenseResourceAttr


def _dense_globals(module: ModuleOp) -> dict[llvm.GlobalOp, DenseValue]:
    return {
        op: op.value
        for op in module.ops
        if isinstance(op, llvm.GlobalOp) and isinstance(op.value, DenseValue)
    }


def dense_bytes(value: DenseValue) -> bytes:
    """The raw little-endian bytes of all elements of `value`, a splat repeated."""
    shaped = value.get_type()
    assert isa(shaped, ShapedType)
    count = 1
    for dim in shaped.get_shape():
        count *= dim
    element = shaped.get_element_type()
    if isinstance(value, DenseResourceAttr):
        from dlir.dialects.graph.constants import resource_store

        handle = value.resource_handle.data
        blob = resource_store().lookup(handle)
        if not blob:
            raise TranslationError(f"no data for dense_resource<{handle}>")
        raw = bytes.fromhex(blob[2:])[4:]  # drop "0x" and the alignment word
    else:
        raw = value.data.data
    if not isinstance(element, IntegerType | AnyFloat):
        raise TranslationError(f"constant of type {shaped}: expected integer or float elements")
    size = (element.bitwidth + 7) // 8
    if len(raw) == size and count != 1:
        raw = raw * count
    if len(raw) != count * size:
        raise TranslationError(
            f"constant of type {shaped} holds {len(raw)} bytes, expected {count * size}"
        )
    return raw


def _fill_global(
    op: llvm.GlobalOp,
    value: DenseValue | None,
    module: ir.Module,
    externals: dict[str, ExternalConstant] | None,
) -> None:
    # @c = internal constant [6 x float]        ->  @c = internal constant [24 x i8] c"...", align 64
    # (large, with externals)                   ->  @c.dlir.N = external constant [N x i8], align 64
    variable = module.get_global(op.sym_name.data)
    assert isinstance(variable, ir.GlobalVariable)
    if op.alignment is not None:
        variable.align = op.alignment.value.data
    if value is None:
        return
    raw = dense_bytes(value)
    # Pointers are opaque: the global's value type is free to be the bytes themselves.
    variable.value_type = ir.ArrayType(ir.IntType(8), len(raw))
    if not any(raw):
        variable.initializer = ir.Constant(variable.value_type, None)
    elif externals is not None and op.constant is not None and len(raw) >= EXTERNAL_MIN_BYTES:
        name = f"{variable.name}.dlir.{next(_EXTERNAL_SERIAL)}"
        _rename_global(module, variable, name)
        variable.linkage = "external"
        variable.initializer = None
        externals[name] = ExternalConstant(raw, variable.align or 1)
    else:
        variable.initializer = ir.FormattedConstant(variable.value_type, c_string(raw))


def c_string(raw: bytes) -> str:
    """LLVM's `c"..."` literal of `raw`, every byte as `\\XX`: `b"?\\x80"` -> `c"\\3F\\80"`.

    Built by numpy in one pass; llvmlite escapes a `bytearray` one Python call per byte
    (seconds for a model's weights)."""
    digits = np.frombuffer(b"0123456789ABCDEF", np.uint8)
    data = np.frombuffer(raw, np.uint8)
    text = np.empty((len(data), 3), np.uint8)
    text[:, 0] = ord("\\")
    text[:, 1] = digits[data >> 4]
    text[:, 2] = digits[data & 15]
    return 'c"' + text.tobytes().decode("ascii") + '"'


def _rename_global(module: ir.Module, variable: ir.GlobalVariable, name: str) -> None:
    """Give `variable` a new symbol name, keeping `module.globals` (keyed by name) in order."""
    old = variable.name
    variable.name = name
    module.globals = type(module.globals)(
        (name if key == old else key, value) for key, value in module.globals.items()
    )
