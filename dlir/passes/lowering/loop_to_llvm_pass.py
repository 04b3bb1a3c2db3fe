"""The `loop-to-llvm` pass: a module of `loop.func`s (and `func.func`s) -> xDSL's llvm dialect.

    loop.func @vadd(%a: memref<1000xf32>, ...) { loop.for ... { loop.vload ... } }
    ->
    llvm.func @vadd(%a: !llvm.ptr, ...) attributes {dlir.signature = [...]} { ^bb.. llvm.br .. }

Order: first `hw.call`s become calls of their implementations (`intrinsics.py`), then
every op inside the functions (accesses, arithmetic, min/max), then the subviews and
allocations (accesses read their memref's shape from its type), then `loop.for` outermost first (so each loop is split out of a block that is still one
loop body), then the functions and their returns.
"""

from __future__ import annotations

from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects import llvm
from xdsl.dialects.builtin import ModuleOp
from xdsl.ir import Operation
from xdsl.passes import ModulePass
from xdsl.pattern_rewriter import (
    GreedyRewritePatternApplier,
    PatternRewriter,
    PatternRewriteWalker,
    RewritePattern,
)
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
from dlir.passes.lowering.intrinsics import lower_intrinsic_calls, lower_subviews
from dlir.passes.lowering.loop_to_llvm import ForToLLVM, MinMaxToLLVM
from dlir.passes.lowering.low_precision import LowPrecisionCastToLLVM
from dlir.passes.lowering.memory import AllocToLLVM, FreeToLLVM, LoadToLLVM, StoreToLLVM
from dlir.passes.lowering.parallel import outline_parallel_loops


@dataclass(frozen=True)
class LoopToLLVMPass(ModulePass):
    """Lower loop kernels and the arith/math/vector/index ops they use to the llvm dialect."""

    name = "loop-to-llvm"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        for inner in op.walk():
            check_supported(inner)
        # hw.call -> llvm.call of the implementation; the hw.intrinsic behaviors go away.
        lower_intrinsic_calls(op)
        # Parallel loops become tasks for the runtime's thread pool (dlir_parallel_for).
        outline_parallel_loops(op)
        # 8-bit float conversions first, while their operands still name the format
        PatternRewriteWalker(LowPrecisionCastToLLVM()).rewrite_module(op)
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
        PatternRewriteWalker(NotYetLLVM(ops)).rewrite_module(op)
        # Subviews after the accesses (they read a subview's type), before their sources.
        lower_subviews(op)
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


@dataclass(eq=False)
class NotYetLLVM(RewritePattern):
    """`patterns`, tried only on ops not in the llvm dialect: every op a pattern creates is
    visited again, and letting each new llvm op fail all fourteen patterns (and the dead
    code check; the next walk's applier erases dead ops) was a third of this pass's time
    on a model."""

    patterns: GreedyRewritePatternApplier

    def match_and_rewrite(self, op: Operation, rewriter: PatternRewriter, /) -> None:
        if not op.name.startswith("llvm."):
            self.patterns.match_and_rewrite(op, rewriter)


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
