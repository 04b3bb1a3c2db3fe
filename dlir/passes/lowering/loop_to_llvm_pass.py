"""The `loop-to-llvm` pass: a module of `loop.func`s (and `func.func`s) -> xDSL's llvm dialect.

    loop.func @vadd(%a: memref<1000xf32>, ...) { loop.for ... { loop.vload ... } }
    ->
    llvm.func @vadd(%a: !llvm.ptr, ...) attributes {dlir.signature = [...]} { ^bb.. llvm.br .. }

Order: first every op inside the functions (accesses, arithmetic, min/max), then the
allocations (accesses read their memref's shape from its type), then `loop.for` outermost first (so each loop is split out of a block that is still one
loop body), then the functions and their returns.
"""

from __future__ import annotations

from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects import llvm
from xdsl.dialects.builtin import ModuleOp
from xdsl.passes import ModulePass
from xdsl.pattern_rewriter import GreedyRewritePatternApplier, PatternRewriteWalker
from xdsl.utils.exceptions import DiagnosticException

from dlir.passes.lowering.arith_to_llvm import (
    SUPPORTED,
    BinaryToLLVM,
    CmpToLLVM,
    ConstantToLLVM,
    DivisionToLLVM,
    FloatMinMaxToLLVM,
    IntMinMaxToLLVM,
    MathToLLVM,
    SelectToLLVM,
    ShiftToLLVM,
    VectorToLLVM,
    check_supported,
)
from dlir.passes.lowering.calls import ConstantToGlobal, LoopCallToLLVM, ViewToLLVM
from dlir.passes.lowering.casts import CastToLLVM
from dlir.passes.lowering.func_to_llvm import (
    CallToLLVM,
    FuncFuncToLLVM,
    FuncReturnToLLVM,
    LoopFuncToLLVM,
    LoopReturnToLLVM,
)
from dlir.passes.lowering.loop_to_llvm import ForToLLVM, MinMaxToLLVM
from dlir.passes.lowering.memory import AllocToLLVM, FreeToLLVM, LoadToLLVM, StoreToLLVM
from dlir.passes.lowering.parallel import outline_parallel_loops


@dataclass(frozen=True)
class LoopToLLVMPass(ModulePass):
    """Lower loop kernels and the arith/math/vector/index ops they use to the llvm dialect."""

    name = "loop-to-llvm"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        for inner in op.walk():
            check_supported(inner)
        # Parallel loops become tasks for the runtime's thread pool (dlir_parallel_for).
        outline_parallel_loops(op)
        ops = GreedyRewritePatternApplier(
            [
                LoadToLLVM(),
                StoreToLLVM(),
                MinMaxToLLVM(),
                BinaryToLLVM(),
                ConstantToLLVM(),
                CmpToLLVM(),
                SelectToLLVM(),
                CastToLLVM(),
                IntMinMaxToLLVM(),
                DivisionToLLVM(),
                ShiftToLLVM(),
                FloatMinMaxToLLVM(),
                MathToLLVM(),
                VectorToLLVM(),
            ]
        )
        PatternRewriteWalker(ops).rewrite_module(op)
        # Allocations after the accesses, which need their memref type for the strides.
        PatternRewriteWalker(
            GreedyRewritePatternApplier(
                [AllocToLLVM(), FreeToLLVM(), ConstantToGlobal(), ViewToLLVM(), LoopCallToLLVM()]
            )
        ).rewrite_module(op)
        PatternRewriteWalker(ForToLLVM()).rewrite_module(op)
        functions = GreedyRewritePatternApplier(
            [
                LoopFuncToLLVM(),
                FuncFuncToLLVM(),
                LoopReturnToLLVM(),
                FuncReturnToLLVM(),
                CallToLLVM(),
            ]
        )
        PatternRewriteWalker(functions).rewrite_module(op)
        check_fully_lowered(op)


def check_fully_lowered(module: ModuleOp) -> None:
    """Fail on the first op left inside an `llvm.func` that is not an llvm op, naming it."""
    for function in module.ops:
        if not isinstance(function, llvm.FuncOp):
            continue
        for inner in function.body.walk():
            if not inner.name.startswith("llvm."):
                raise DiagnosticException(
                    f"loop-to-llvm has no lowering for {inner.name} (in @{function.sym_name.data}): "
                    f"supported are {SUPPORTED}"
                )
