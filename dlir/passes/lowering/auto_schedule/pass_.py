"""The `te-auto-schedule` pass: a rule-based `te.schedule` for every kernel without one.

    te.kernel @matmul_64x256xf32(%X0: tensor<64x784xf32>, %X1: tensor<784x256xf32>) -> ... {
      %Y = te.compute "Y" (%i: 64, %j: 256) reduce (%k: 784) combiner add ... { ... }
      te.return %Y : tensor<64x256xf32>
    }
    ->
    (the kernel, then)
    te.schedule @matmul_64x256xf32 {
      te.split "Y" "j" by 16 -> "jo", "ji"
      te.split "Y" "i" by 4 -> "io", "ii"
      te.reorder "Y" ["jo", "io", "k", "ii", "ji"]
      te.unroll "Y" "ii"
      te.vectorize "Y" "ji"
      te.parallel "Y" "jo"
    }

The schedule is plain IR: print it, edit it, or write your own before this pass runs (a
kernel that has a schedule is left alone). The rules are in `rules.py`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp
from xdsl.passes import ModulePass

from dlir.dialects.te.kernel import KernelOp
from dlir.dialects.te.schedule import ScheduleOp
from dlir.ir.diagnostics import Diagnostic, DiagnosticError
from dlir.passes.lowering.auto_schedule.rules import Options
from dlir.passes.lowering.auto_schedule.schedule import auto_schedule


@dataclass(frozen=True)
class TeAutoSchedulePass(ModulePass):
    """Write a rule-based te.schedule for every te.kernel that has none."""

    name = "te-auto-schedule"

    parallel: bool = field(
        default=True, metadata={"help": "run the outermost spatial loop of each stage in parallel"}
    )
    vectorize: bool = field(
        default=True, metadata={"help": "split and vectorize contiguous innermost axes"}
    )
    microkernel: bool = field(
        default=True,
        metadata={
            "help": "tensorize matmuls and convs onto the AVX2+FMA micro-kernels (on an "
            "AVX2+FMA host); false: the generated register tiles"
        },
    )
    threads: int = field(
        default=0,
        metadata={"help": "threads to tune the schedules for (0: DLIR_NUM_THREADS, else the CPUs)"},
    )
    microkernel_nchw: bool = field(
        default=False,
        metadata={
            "help": "NCHW convs on the conv micro-kernel too (input and weights packed "
            "in each call)"
        },
    )

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        if self.threads < 0:
            message = (
                f"te-auto-schedule: threads must be 0 (the runtime's) or more, got {self.threads}"
            )
            raise DiagnosticError(Diagnostic(message))
        scheduled = {s.kernel_name for s in op.ops if isinstance(s, ScheduleOp)}
        options = Options(
            parallel=self.parallel,
            vectorize=self.vectorize,
            microkernel=self.microkernel,
            microkernel_nchw=self.microkernel_nchw,
            threads=self.threads,
        )
        for kernel in [k for k in op.ops if isinstance(k, KernelOp)]:
            if kernel.sym_name.data in scheduled:
                continue
            schedule, _ = auto_schedule(kernel, options)
            if schedule.primitives():
                block = kernel.parent_block()
                assert block is not None
                block.insert_op_after(schedule, kernel)
