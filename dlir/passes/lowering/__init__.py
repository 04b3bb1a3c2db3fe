"""Lowering passes: from the loop dialect and the standard ops it uses down to xDSL's llvm
dialect, which the llvmlite backend turns into machine code."""

from __future__ import annotations

LOWERING_PASSES: dict[str, str] = {
    "loop-to-llvm": "dlir.passes.lowering.loop_to_llvm_pass:LoopToLLVMPass",
    "te-to-loop": "dlir.passes.lowering.te_to_loop.pass_:TeToLoopPass",
    "te-auto-schedule": "dlir.passes.lowering.auto_schedule.pass_:TeAutoSchedulePass",
    "graph-to-te": "dlir.passes.lowering.graph_to_te.pass_:GraphToTePass",
    "graph-to-loop": "dlir.passes.lowering.graph_to_loop:GraphToLoopPass",
}
