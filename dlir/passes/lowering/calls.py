"""Host-function ops to the llvm dialect: `loop.call`, `loop.constant`, `memref.view`.

    loop.call @k(%a, %c) : (memref<4xf32>, memref<4xf32>) -> ()
    -> llvm.call @k(%a, %c) : (!llvm.ptr, !llvm.ptr) -> ()

    %w = loop.constant dense<[1.0, 2.0]> : tensor<2xf32> -> memref<2xf32>
    -> llvm.mlir.global internal constant @__constant_0(dense<[1.0, 2.0]> : tensor<2xf32>)
           {alignment = 64 : i64} : !llvm.array<2 x f32>                   (module level)
       %w = llvm.mlir.addressof @__constant_0 : !llvm.ptr

    %v = memref.view %arena[%off][] : memref<4096xi8> to memref<4x8xf32>
    -> %v = llvm.getelementptr inbounds %arena[%off] : (!llvm.ptr, i64) -> !llvm.ptr, i8

Calls use the bare-pointer ABI of `func_to_llvm.py`: a memref is a pointer to its first
element. A constant becomes one global per distinct value, holding the raw bytes (the
backend's `translate.py` writes them as LLVM constant data, never as stores), aligned to
64 bytes like every other buffer.
"""

from __future__ import annotations

from xdsl.dialects import llvm, memref
from xdsl.dialects.builtin import (
    DenseIntOrFPElementsAttr,
    DenseResourceAttr,
    ModuleOp,
    TensorType,
    i8,
)
from xdsl.ir import Attribute
from xdsl.pattern_rewriter import PatternRewriter, RewritePattern, op_type_rewrite_pattern
from xdsl.rewriter import InsertPoint
from xdsl.traits import SymbolTable
from xdsl.utils.exceptions import DiagnosticException
from xdsl.utils.hints import isa

from dlir.dialects.loop import CallOp, ConstantOp

CONSTANT_ALIGNMENT = 64


class LoopCallToLLVM(RewritePattern):
    # loop.call @k(%a, %c) : (memref<..>, memref<..>) -> () -> llvm.call @k(%a, %c) : (!llvm.ptr, !llvm.ptr) -> ()
    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: CallOp, rewriter: PatternRewriter, /) -> None:
        rewriter.replace(op, llvm.CallOp(op.callee, *op.args))


def flat_value(
    value: DenseIntOrFPElementsAttr | DenseResourceAttr,
) -> DenseIntOrFPElementsAttr | DenseResourceAttr:
    """The same data as a rank-1 tensor: `dense<..> : tensor<2x3xf32>` -> `: tensor<6xf32>`."""
    shaped = value.get_type()
    assert isa(shaped, TensorType[Attribute])
    count = 1
    for dim in shaped.get_shape():
        count *= dim
    if isinstance(value, DenseResourceAttr):
        flat = TensorType(shaped.get_element_type(), [count])
        return DenseResourceAttr.from_params(value.resource_handle, flat)
    return DenseIntOrFPElementsAttr(TensorType(value.type.get_element_type(), [count]), value.data)


def _global_for(value: Attribute, module: ModuleOp) -> llvm.GlobalOp | None:
    """The constant global already holding `value`, if any: equal constants share one."""
    for op in module.ops:
        if isinstance(op, llvm.GlobalOp) and op.constant is not None and op.value == value:
            return op
    return None


def _fresh_name(module: ModuleOp) -> str:
    index = 0
    while SymbolTable.lookup_symbol(module, f"__constant_{index}") is not None:
        index += 1
    return f"__constant_{index}"


class ConstantToGlobal(RewritePattern):
    # %w = loop.constant dense<..> : tensor<2x3xf32> -> memref<2x3xf32>
    #   -> llvm.mlir.global internal constant @__constant_0(dense<..> : tensor<6xf32>) {alignment = 64} : !llvm.array<6 x f32>
    #      %w = llvm.mlir.addressof @__constant_0 : !llvm.ptr
    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: ConstantOp, rewriter: PatternRewriter, /) -> None:
        module = op.get_toplevel_object()
        if not isinstance(module, ModuleOp):
            raise DiagnosticException("loop.constant must be inside a builtin.module")
        value = flat_value(op.value)
        existing = _global_for(value, module)
        if existing is None:
            flat = value.get_type()
            assert isa(flat, TensorType[Attribute])
            existing = llvm.GlobalOp(
                llvm.LLVMArrayType(flat.get_shape()[0], flat.get_element_type()),
                _fresh_name(module),
                "internal",
                constant=True,
                value=value,
                alignment=CONSTANT_ALIGNMENT,
            )
            rewriter.insert(existing, InsertPoint.at_start(module.body.block))
        address = llvm.AddressOfOp(existing.sym_name, llvm.LLVMPointerType())
        rewriter.replace(op, address)


class ViewToLLVM(RewritePattern):
    # %v = memref.view %arena[%off][] : memref<4096xi8> to memref<4x8xf32>
    #   -> %v = llvm.getelementptr inbounds %arena[%off] : (!llvm.ptr, i64) -> !llvm.ptr, i8
    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: memref.ViewOp, rewriter: PatternRewriter, /) -> None:
        if op.sizes:
            raise DiagnosticException(
                f"cannot lower a memref.view to {op.result.type}: dynamic sizes are not supported"
            )
        gep = llvm.GEPOp(
            op.source, [llvm.GEP_USE_SSA_VAL], i8, ssa_indices=[op.byte_shift], inbounds=True
        )
        rewriter.replace(op, gep)
