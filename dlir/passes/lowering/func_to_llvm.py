"""Functions and returns: `loop.func` / `func.func` -> `llvm.func`.

    loop.func @k(%a: memref<4xf32>, %n: index, %c: memref<4xf32>) attributes {num_outputs = 1 : i64}
    ->
    llvm.func @k(%a: !llvm.ptr, %n: i64, %c: !llvm.ptr {llvm.noalias})
        attributes {dlir.signature = [memref<4xf32>, index, memref<4xf32>], dlir.num_outputs = 1 : i64}

Memref arguments become bare pointers to contiguous row-major data; the original types stay
in `dlir.signature` so the runtime can check the arrays it is given, and a `loop.func`'s
`num_outputs` in `dlir.num_outputs` so it can allocate the outputs. Output buffers of a
`loop.func` are marked `noalias`: this relies on destination-passing style, where the
caller passes output buffers distinct from every input and from each other. Inputs and
`func.func` arguments get no `noalias`, since nothing says they do not overlap. A
`func.func` declaration becomes an external `llvm.func` declaration, and `func.call` an
`llvm.call`.
"""

from __future__ import annotations

from xdsl.dialects import func, llvm
from xdsl.dialects.builtin import ArrayAttr, DictionaryAttr, IntegerAttr, MemRefType, UnitAttr
from xdsl.ir import Attribute, Operation
from xdsl.pattern_rewriter import PatternRewriter, RewritePattern, op_type_rewrite_pattern
from xdsl.utils.exceptions import DiagnosticException

from dlir.dialects.loop import FuncOp as LoopFuncOp
from dlir.dialects.loop import ReturnOp as LoopReturnOp
from dlir.passes.lowering.types import llvm_type

SIGNATURE_ATTR = "dlir.signature"
NUM_OUTPUTS_ATTR = "dlir.num_outputs"


def _lower_function(
    op: Operation,
    name: str,
    inputs: tuple[Attribute, ...],
    results: tuple[Attribute, ...],
    noalias_from: int,
    rewriter: PatternRewriter,
    num_outputs: IntegerAttr | None = None,
) -> None:
    body = op.regions[0]
    for arg in list(body.blocks[0].args if body.blocks else ()):
        new_type = llvm_type(arg.type)
        if new_type != arg.type:
            rewriter.replace_value_with_new_type(arg, new_type)
    if len(results) > 1:
        raise DiagnosticException(
            f"@{name}: llvm.func returns at most one value, found {len(results)} results"
        )
    result = llvm_type(results[0]) if results else llvm.LLVMVoidType()
    function_type = llvm.LLVMFunctionType([llvm_type(t) for t in inputs], result)
    arg_attrs = ArrayAttr(
        [
            DictionaryAttr({"llvm.noalias": UnitAttr()})
            if index >= noalias_from and isinstance(type, MemRefType)
            else DictionaryAttr({})
            for index, type in enumerate(inputs)
        ]
    )
    new = llvm.FuncOp(
        name,
        function_type,
        linkage=llvm.LinkageAttr("external"),
        body=rewriter.move_region_contents_to_new_regions(body),
        other_props={"arg_attrs": arg_attrs},
        extra_attrs={SIGNATURE_ATTR: ArrayAttr(inputs)}
        | ({} if num_outputs is None else {NUM_OUTPUTS_ATTR: num_outputs}),
    )
    rewriter.replace(op, new)


class LoopFuncToLLVM(RewritePattern):
    # loop.func @k(%a: memref<..>, %c: memref<..>) {num_outputs = 1} -> llvm.func @k(%a: !llvm.ptr, %c: !llvm.ptr {llvm.noalias})
    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: LoopFuncOp, rewriter: PatternRewriter, /) -> None:
        inputs = op.function_type.inputs.data
        noalias_from = len(inputs) - op.num_outputs.value.data
        _lower_function(op, op.sym_name.data, inputs, (), noalias_from, rewriter, op.num_outputs)


class FuncFuncToLLVM(RewritePattern):
    # func.func @f(%x: index) -> f32 -> llvm.func @f(%x: i64) -> f32
    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: func.FuncOp, rewriter: PatternRewriter, /) -> None:
        inputs = op.function_type.inputs.data
        results = op.function_type.outputs.data
        _lower_function(op, op.sym_name.data, inputs, results, len(inputs), rewriter)


class CallToLLVM(RewritePattern):
    # %r = func.call @f(%x) : (index) -> f32 -> %r = llvm.call @f(%x) : (i64) -> f32
    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: func.CallOp, rewriter: PatternRewriter, /) -> None:
        if len(op.res) > 1:
            raise DiagnosticException(
                f"func.call @{op.callee.string_value()}: llvm.call returns at most one value, "
                f"found {len(op.res)} results"
            )
        result = llvm_type(op.res[0].type) if op.res else None
        call = llvm.CallOp(op.callee, *op.arguments, return_type=result)
        rewriter.replace(op, call)


class LoopReturnToLLVM(RewritePattern):
    # loop.return -> llvm.return
    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: LoopReturnOp, rewriter: PatternRewriter, /) -> None:
        rewriter.replace(op, llvm.ReturnOp())


class FuncReturnToLLVM(RewritePattern):
    # func.return %x : f32 -> llvm.return %x : f32
    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: func.ReturnOp, rewriter: PatternRewriter, /) -> None:
        value = op.arguments[0] if op.arguments else None
        rewriter.replace(op, llvm.ReturnOp(value))
