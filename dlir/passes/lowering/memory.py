"""Buffer accesses and allocations: `loop.load/store/vload/vstore`, `loop.alloc/free`.

    %x = loop.load %A[%i, %k + 1] : memref<100x128xf32>
    ->
    %r = llvm.mul %i, 128 ; %o = llvm.add %r, (%k + 1)        (row-major, i64)
    %p = llvm.getelementptr %A[%o] : (!llvm.ptr, i64) -> !llvm.ptr, f32
    %x = llvm.load %p {alignment = 4 : i64} : !llvm.ptr -> f32

Addresses are always GEPs on the element type (never ptrtoint arithmetic), so LLVM keeps
its alias and vectorisation facts. Every load and store has alignment = element size,
vector ones too: a vload at an arbitrary element offset is not vector-aligned.

Allocations of every scope are heap allocations through `aligned_alloc(align, size)` (size
rounded up to a multiple of the alignment, as C11 requires; default alignment 64) and
`free`; no allocation becomes `llvm.alloca`, because a `loop.alloc` inside a loop body
would grow the stack on every iteration.
"""

from __future__ import annotations

from collections.abc import Sequence

from xdsl.dialects import llvm
from xdsl.dialects.builtin import IntegerAttr, MemRefType, ModuleOp, i64
from xdsl.ir import Attribute, Operation, SSAValue
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
from dlir.passes.lowering.types import byte_size, integer_binary, select

DEFAULT_ALIGNMENT = 64


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
    """Row-major linear offset of the access, then a GEP on the element type."""
    memref = op.memref.type
    assert isa(memref, MemRefType[Attribute])
    shape = memref.get_shape()
    if any(dim < 0 for dim in shape):
        raise DiagnosticException(
            f"cannot lower an access to {memref}: dynamic shapes are not supported"
        )
    offset: SSAValue | None = None
    for dim, expr in zip(shape, op.map.data.results, strict=True):
        index = _emit(expr, op.indices, ops)
        if offset is None:
            offset = index
            continue
        scaled = integer_binary(llvm.MulOp, offset, _constant(dim, ops))
        summed = integer_binary(llvm.AddOp, scaled.results[0], index)
        ops.extend([scaled, summed])
        offset = summed.results[0]
    if offset is None:
        offset = _constant(0, ops)
    gep = llvm.GEPOp(
        op.memref, [llvm.GEP_USE_SSA_VAL], memref.element_type, ssa_indices=[offset], inbounds=True
    )
    ops.append(gep)
    return gep.result


class LoadToLLVM(RewritePattern):
    # loop.load %A[%i] : memref<8xf32> -> llvm.load (llvm.getelementptr %A[%i]) {alignment = 4}
    # loop.vload %A[%i * 8] : memref<..xf32>, vector<8xf32> -> the same with a vector<8xf32> result
    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: LoadOp | VLoadOp, rewriter: PatternRewriter, /) -> None:
        ops: list[Operation] = []
        ptr = _address(op, ops)
        result_type = op.results[0].type
        load = llvm.LoadOp(ptr, result_type, alignment=byte_size(result_type))
        rewriter.replace(op, [*ops, load])


class StoreToLLVM(RewritePattern):
    # loop.store %v, %A[%i] -> llvm.store %v, (llvm.getelementptr %A[%i]) {alignment = 4}
    # loop.vstore %v, %A[%i * 8] -> the same with a vector value
    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: StoreOp | VStoreOp, rewriter: PatternRewriter, /) -> None:
        ops: list[Operation] = []
        ptr = _address(op, ops)
        store = llvm.StoreOp(op.value, ptr, alignment=byte_size(op.value.type))
        rewriter.replace(op, [*ops, store])


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


class AllocToLLVM(RewritePattern):
    # %m = loop.alloc "local" align 64 : memref<32x32xf32, "local">
    #   -> %m = llvm.call @aligned_alloc(64, 4096) : (i64, i64) -> !llvm.ptr
    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: AllocOp, rewriter: PatternRewriter, /) -> None:
        memref = op.memref.type
        shape = memref.get_shape()
        if any(dim < 0 for dim in shape):
            raise DiagnosticException(f"cannot allocate {memref}: dynamic shapes are not supported")
        align = op.alignment.value.data if op.alignment is not None else DEFAULT_ALIGNMENT
        size = byte_size(memref.element_type)
        for dim in shape:
            size *= dim
        size = max(align, (size + align - 1) // align * align)
        ptr = llvm.LLVMPointerType()
        declare(_module_of(op), "aligned_alloc", [i64, i64], ptr, rewriter)
        ops: list[Operation] = []
        args = [_constant(align, ops), _constant(size, ops)]
        call = llvm.CallOp("aligned_alloc", *args, return_type=ptr)
        rewriter.replace(op, [*ops, call], [call.returned])


class FreeToLLVM(RewritePattern):
    # loop.free %m : memref<32x32xf32, "local"> -> llvm.call @free(%m) : (!llvm.ptr) -> ()
    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: FreeOp, rewriter: PatternRewriter, /) -> None:
        declare(_module_of(op), "free", [llvm.LLVMPointerType()], llvm.LLVMVoidType(), rewriter)
        rewriter.replace(op, llvm.CallOp("free", op.memref))
