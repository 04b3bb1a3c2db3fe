"""Buffer accesses and allocations: `loop.load/store/vload/vstore`, `loop.alloc/free`.

    %x = loop.load %A[%i, %k + 1] : memref<100x128xf32>
    ->
    %r = llvm.mul %i, 128 ; %o = llvm.add %r, (%k + 1)        (row-major, i64)
    %p = llvm.getelementptr %A[%o] : (!llvm.ptr, i64) -> !llvm.ptr, f32
    %x = llvm.load %p {alignment = 4 : i64} : !llvm.ptr -> f32

A memref with a strided layout (a `loop.subview` window) is addressed with its layout's
static strides instead of its shape (`linear_offset`); its pointer is its first element.

Addresses are always GEPs on the element type (never ptrtoint arithmetic), so LLVM keeps
its alias and vectorisation facts. Every load and store has alignment = element size,
vector ones too: a vload at an arbitrary element offset is not vector-aligned. An i1
element is a byte in memory (numpy's bool), loaded as i8 and truncated, stored zero-extended.

Allocations of at most `STACK_LIMIT` bytes (any scope; typically the `"local"` tiles of a
register-blocked kernel) become one `llvm.alloca` in the entry block of the function that
holds them, wherever the `loop.alloc` sits, so the stack never grows in a loop and LLVM's
SROA/mem2reg can keep a fully unrolled tile in registers; their `loop.free` disappears.
A function keeps at most `STACK_BUDGET` bytes of them (thread stacks are small); the
allocations after that go to the heap.
Parallel loops are outlined before this runs, so an allocation inside a parallel loop lands
in the entry block of the outlined function: each thread gets its own copy.

    %acc = loop.alloc "local" : memref<6x16xf32>            (inside loops)
      -> %acc = llvm.alloca %c384 x f32 {alignment = 64}     (at the top of the function)

Larger allocations are heap allocations through `aligned_alloc(align, size)` (size rounded
up to a multiple of the alignment, as C11 requires; default alignment 64) and `free`.
"""

from __future__ import annotations

from collections.abc import Sequence

from xdsl.dialects import llvm
from xdsl.dialects.builtin import (
    IntegerAttr,
    IntegerType,
    MemRefType,
    ModuleOp,
    NoneAttr,
    VectorType,
    i1,
    i8,
    i64,
)
from xdsl.ir import Attribute, Block, Operation, SSAValue
from xdsl.ir.affine import (
    AffineBinaryOpExpr,
    AffineBinaryOpKind,
    AffineConstantExpr,
    AffineDimExpr,
    AffineExpr,
)
from xdsl.pattern_rewriter import PatternRewriter, RewritePattern, op_type_rewrite_pattern
from xdsl.rewriter import InsertPoint
from xdsl.utils.exceptions import DiagnosticException
from xdsl.utils.hints import isa

from dlir.dialects.loop import AllocOp, FreeOp, LoadOp, StoreOp, VLoadOp, VStoreOp
from dlir.dialects.loop.memory import AccessOp
from dlir.passes.lowering.types import as_vector, byte_size, integer_binary, llvm_type, select

DEFAULT_ALIGNMENT = 64
STACK_LIMIT = 16 * 1024
"""The largest `loop.alloc` (in bytes) that is put on the stack rather than the heap."""
STACK_BUDGET = 64 * 1024
"""The most bytes of `loop.alloc`s one function puts on the stack."""


def _constant(value: int, ops: list[Operation]) -> SSAValue:
    op = llvm.ConstantOp(IntegerAttr(value, i64), i64)
    ops.append(op)
    return op.result


def _emit(expr: AffineExpr, operands: Sequence[SSAValue], ops: list[Operation]) -> SSAValue:
    """Build i64 llvm arithmetic for an affine expression over `operands` (the dims)."""
    if isinstance(expr, AffineDimExpr):
        return operands[expr.position]
    if isinstance(expr, AffineConstantExpr):
        return _constant(expr.value, ops)
    if isinstance(expr, AffineBinaryOpExpr):
        lhs = _emit(expr.lhs, operands, ops)
        rhs = _emit(expr.rhs, operands, ops)
        if expr.kind == AffineBinaryOpKind.Add:
            return _binary(llvm.AddOp, lhs, rhs, ops)
        if expr.kind == AffineBinaryOpKind.Mul:
            return _binary(llvm.MulOp, lhs, rhs, ops)
        if expr.kind == AffineBinaryOpKind.CeilDiv:
            # a ceildiv c == (a + c - 1) floordiv c, for the positive c the verifier demands
            lhs = _binary(llvm.AddOp, lhs, _binary(llvm.SubOp, rhs, _constant(1, ops), ops), ops)
        return _floor_div_or_mod(expr.kind == AffineBinaryOpKind.Mod, lhs, rhs, ops)
    raise DiagnosticException(f"cannot lower index expression {expr}: symbols are not allowed")


def _binary(
    op_type: type[llvm.AddOp]
    | type[llvm.SubOp]
    | type[llvm.MulOp]
    | type[llvm.SDivOp]
    | type[llvm.SRemOp],
    lhs: SSAValue,
    rhs: SSAValue,
    ops: list[Operation],
) -> SSAValue:
    op = integer_binary(op_type, lhs, rhs)
    ops.append(op)
    return op.results[0]


def _floor_div_or_mod(mod: bool, lhs: SSAValue, rhs: SSAValue, ops: list[Operation]) -> SSAValue:
    """Affine floordiv / mod by a positive constant, which round towards -inf, from LLVM's
    sdiv / srem, which round towards zero:

        a floordiv c -> q = sdiv a, c ; r = srem a, c ; r < 0 ? q - 1 : q
        a mod c      ->                 r = srem a, c ; r < 0 ? r + c : r
    """
    remainder = _binary(llvm.SRemOp, lhs, rhs, ops)
    negative = llvm.ICmpOp(remainder, _constant(0, ops), IntegerAttr(2, i64))  # slt
    ops.append(negative)
    if mod:
        fixed = _binary(llvm.AddOp, remainder, rhs, ops)
        plain = remainder
    else:
        plain = _binary(llvm.SDivOp, lhs, rhs, ops)
        fixed = _binary(llvm.SubOp, plain, _constant(1, ops), ops)
    result = select(negative.res, fixed, plain, i64)
    ops.append(result)
    return result.res


def _address(op: AccessOp, ops: list[Operation]) -> SSAValue:
    """Linear element offset of the access, then a GEP on the element type."""
    memref = op.memref.type
    assert isa(memref, MemRefType[Attribute])
    offset = linear_offset(memref, op.map.data.results, op.indices, ops)
    element = _in_memory(memref.element_type)
    gep = llvm.GEPOp(
        op.memref, [llvm.GEP_USE_SSA_VAL], element, ssa_indices=[offset], inbounds=True
    )
    ops.append(gep)
    return gep.result


def linear_offset(
    memref: MemRefType[Attribute],
    exprs: Sequence[AffineExpr],
    operands: Sequence[SSAValue],
    ops: list[Operation],
) -> SSAValue:
    """The i64 element offset of the index `exprs` (over `operands`) from `memref`'s first
    element: row-major by its shape, or by the static strides of its strided layout.

        memref<100x128xf32>:                         [%i, %k + 1] -> %i * 128 + (%k + 1)
        memref<6x16xf32, strided<[1024, 1], offset: ?>>:  [%i, %j] -> %i * 1024 + %j

    The layout's offset does not count: a buffer's pointer is its first element.
    """
    if not isinstance(memref.layout, NoneAttr):
        return _strided_offset(memref, exprs, operands, ops)
    shape = memref.get_shape()
    if any(dim < 0 for dim in shape):
        raise DiagnosticException(
            f"cannot lower an access to {memref}: dynamic shapes are not supported"
        )
    offset: SSAValue | None = None
    for dim, expr in zip(shape, exprs, strict=True):
        index = _emit(expr, operands, ops)
        if offset is None:
            offset = index
            continue
        scaled = integer_binary(llvm.MulOp, offset, _constant(dim, ops))
        summed = integer_binary(llvm.AddOp, scaled.results[0], index)
        ops.extend([scaled, summed])
        offset = summed.results[0]
    return _constant(0, ops) if offset is None else offset


def _strided_offset(
    memref: MemRefType[Attribute],
    exprs: Sequence[AffineExpr],
    operands: Sequence[SSAValue],
    ops: list[Operation],
) -> SSAValue:
    strides = memref.get_strides()
    if strides is None or any(stride is None for stride in strides):
        raise DiagnosticException(
            f"cannot lower an access to {memref}: expected static strides (dynamic ones are "
            f"known only inside an intrinsic's llvm.func implementation, as arguments)"
        )
    offset: SSAValue | None = None
    for stride, expr in zip(strides, exprs, strict=True):
        assert stride is not None
        index = _emit(expr, operands, ops)
        if stride != 1:
            index = _binary(llvm.MulOp, index, _constant(stride, ops), ops)
        offset = index if offset is None else _binary(llvm.AddOp, offset, index, ops)
    return _constant(0, ops) if offset is None else offset


def _in_memory(type: Attribute) -> Attribute:
    """The type a value of `type` has in memory: i1 is a byte (numpy's bool: 0 or 1), since
    LLVM packs a `<8 x i1>` vector into one byte; so are i4 and i2 (ml_dtypes' int4: the
    value in the low bits, zero above); ui8 is i8, f8E4M3FN its bits (`llvm_type`)."""
    type = llvm_type(type)
    if type in (i1, _I4, _I2):
        return i8
    if (vector := as_vector(type)) is not None and vector.element_type in (i1, _I4, _I2):
        return VectorType(i8, vector.get_shape())
    return type


_I4, _I2 = IntegerType(4), IntegerType(2)


class LoadToLLVM(RewritePattern):
    # loop.load %A[%i] : memref<8xf32> -> llvm.load (llvm.getelementptr %A[%i]) {alignment = 4}
    # loop.vload %A[%i * 8] : memref<..xf32>, vector<8xf32> -> the same with a vector<8xf32> result
    # loop.load %A[%i] : memref<8xi1> -> llvm.trunc (llvm.load ... : i8) : i8 to i1
    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: LoadOp | VLoadOp, rewriter: PatternRewriter, /) -> None:
        ops: list[Operation] = []
        ptr = _address(op, ops)
        result_type = llvm_type(op.results[0].type)
        stored = _in_memory(result_type)
        load = llvm.LoadOp(ptr, stored, alignment=byte_size(stored))
        ops.append(load)
        if stored != result_type:
            ops.append(llvm.TruncOp(load.dereferenced_value, result_type))
        rewriter.replace(op, ops)


class StoreToLLVM(RewritePattern):
    # loop.store %v, %A[%i] -> llvm.store %v, (llvm.getelementptr %A[%i]) {alignment = 4}
    # loop.vstore %v, %A[%i * 8] -> the same with a vector value
    # loop.store %b, %A[%i] : memref<8xi1> -> llvm.store (llvm.zext %b : i1 to i8), ...
    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: StoreOp | VStoreOp, rewriter: PatternRewriter, /) -> None:
        ops: list[Operation] = []
        ptr = _address(op, ops)
        value = op.value
        stored = _in_memory(value.type)
        if stored != llvm_type(value.type):
            widen = llvm.ZExtOp(value, stored)
            ops.append(widen)
            value = widen.res
        ops.append(llvm.StoreOp(value, ptr, alignment=byte_size(stored)))
        rewriter.replace(op, ops)


def declare(
    module: ModuleOp,
    name: str,
    inputs: Sequence[Attribute],
    output: Attribute,
    rewriter: PatternRewriter,
) -> None:
    """Declare an external C function at the end of `module` unless it exists."""
    for existing in module.ops:
        if isinstance(existing, llvm.FuncOp) and existing.sym_name.data == name:
            return
    decl = llvm.FuncOp(
        name, llvm.LLVMFunctionType(inputs, output), linkage=llvm.LinkageAttr("external")
    )
    rewriter.insert(decl, InsertPoint.at_end(module.body.block))


def _module_of(op: Operation) -> ModuleOp:
    parent = op.get_toplevel_object()
    if not isinstance(parent, ModuleOp):
        raise DiagnosticException(
            f"{op.name} must be inside a builtin.module to declare its runtime calls"
        )
    return parent


def _allocation_bytes(op: AllocOp) -> int:
    memref = op.memref.type
    shape = memref.get_shape()
    if any(dim < 0 for dim in shape):
        raise DiagnosticException(f"cannot allocate {memref}: dynamic shapes are not supported")
    size = byte_size(memref.element_type)
    for dim in shape:
        size *= dim
    return size


def _stack_bytes(entry: Block) -> int:
    """Bytes already allocated by constant-size `llvm.alloca`s at the top of `entry`."""
    total = 0
    for op in entry.ops:
        if isinstance(op, llvm.AllocaOp) and isinstance(op.size.owner, llvm.ConstantOp):
            count = op.size.owner.value
            if isinstance(count, IntegerAttr):
                pointer = isinstance(op.elem_type, llvm.LLVMPointerType)
                total += count.value.data * (8 if pointer else byte_size(op.elem_type))
    return total


def _entry_block(op: Operation) -> Block | None:
    """The first block of the function (any `*.func`) that holds `op`, if any."""
    parent = op.parent_op()
    while parent is not None:
        if parent.name in ("loop.func", "func.func", "llvm.func"):
            region = parent.regions[0]
            return region.blocks.first
        parent = parent.parent_op()
    return None


class AllocToLLVM(RewritePattern):
    # %m = loop.alloc "local" align 64 : memref<6x16xf32>       (<= STACK_LIMIT bytes)
    #   -> %m = llvm.alloca %c96 x f32 {alignment = 64}          (in the function's entry block)
    # %m = loop.alloc "global" align 64 : memref<512x512xf32>
    #   -> %m = llvm.call @aligned_alloc(64, 1048576) : (i64, i64) -> !llvm.ptr
    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: AllocOp, rewriter: PatternRewriter, /) -> None:
        memref = op.memref.type
        align = op.alignment.value.data if op.alignment is not None else DEFAULT_ALIGNMENT
        size = _allocation_bytes(op)
        ops: list[Operation] = []
        entry = _entry_block(op)
        if size <= STACK_LIMIT and entry is not None and _stack_bytes(entry) + size <= STACK_BUDGET:
            count = max(1, size // byte_size(memref.element_type))
            element = _in_memory(llvm_type(memref.element_type))
            alloca = llvm.AllocaOp(_constant(count, ops), element, alignment=align)
            # llvmlite types an alloca as a typed pointer (`float*`) and then refuses to
            # store a vector through it; the round trip through i64 gives an opaque `ptr`,
            # and InstCombine folds it away before SROA promotes the tile to registers.
            address = llvm.PtrToIntOp(alloca.res, i64)
            opaque = llvm.IntToPtrOp(address.results[0])
            rewriter.insert([*ops, alloca, address, opaque], InsertPoint.at_start(entry))
            rewriter.replace(op, [], [opaque.results[0]])
            return
        size = max(align, (size + align - 1) // align * align)
        ptr = llvm.LLVMPointerType()
        declare(_module_of(op), "aligned_alloc", [i64, i64], ptr, rewriter)
        args = [_constant(align, ops), _constant(size, ops)]
        call = llvm.CallOp("aligned_alloc", *args, return_type=ptr)
        rewriter.replace(op, [*ops, call], [call.returned])


class FreeToLLVM(RewritePattern):
    # loop.free %m : memref<32x32xf32, "local"> -> llvm.call @free(%m) : (!llvm.ptr) -> ()
    # loop.free %m  (of an llvm.alloca)         -> (nothing: the stack frame owns it)
    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: FreeOp, rewriter: PatternRewriter, /) -> None:
        owner = op.memref.owner
        if isinstance(owner, AllocOp):
            return  # wait until AllocToLLVM has chosen the stack or the heap
        if _stack_address(op.memref):
            rewriter.erase(op)
            return
        declare(_module_of(op), "free", [llvm.LLVMPointerType()], llvm.LLVMVoidType(), rewriter)
        rewriter.replace(op, llvm.CallOp("free", op.memref))


def _stack_address(value: SSAValue) -> bool:
    """Whether `value` is AllocToLLVM's `inttoptr(ptrtoint(alloca))`."""
    cast = value.owner
    if not isinstance(cast, llvm.IntToPtrOp):
        return False
    address = cast.input.owner
    return isinstance(address, llvm.PtrToIntOp) and isinstance(address.input.owner, llvm.AllocaOp)
