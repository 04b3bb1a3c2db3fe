"""The `te-to-loop` pass: each `te.kernel` becomes a `loop.func` of the same name (DPS).

    te.kernel @scale(%A: tensor<4x8xf32>) -> tensor<4x8xf32> {
      %B = te.compute "B" (%i: 4, %j: 8) {
        %a = te.read %A[%i, %j] : tensor<4x8xf32> -> f32
        %b = arith.addf %a, %a : f32
        te.yield %b : f32
      } : tensor<4x8xf32>
      te.return %B : tensor<4x8xf32>
    }
    ->
    loop.func @scale(%A: memref<4x8xf32>, %B: memref<4x8xf32>) attributes {num_outputs = 1 : i64} {
      loop.for %i = %c0 to %c4 step %c1 parallel {
        loop.for %j = %c0 to %c8 step %c1 {
          %a = loop.load %A[%i, %j] : memref<4x8xf32>
          %b = arith.addf %a, %a : f32
          loop.store %b, %B[%i, %j] : memref<4x8xf32>
        }
      }
      loop.return
    }

Each stage runs in the loops of its plan: the kernel's `te.schedule` replayed
(`schedule.py`; the pass then erases it) or, for a stage whose loops the schedule leaves
alone, the default schedule (`default_schedule.py`, with option `parallel`). Stages run
at root in order, unless inlined into their readers or computed at a consumer's loop
(`kernel.py`). A result stage writes its output buffer, any other stage a
`loop.alloc "global" align 64` buffer freed after its last reader. A reduction first sets
its elements to `init`, just outside its outermost reduction loop, then combines each
value into them. `graph.call_dps` callers stay valid: a loop.func's memrefs stand for
the kernel's tensors.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp
from xdsl.passes import ModulePass

from dlir.dialects.te.kernel import KernelOp
from dlir.dialects.te.schedule import ScheduleOp
from dlir.passes.lowering.te_to_loop.kernel import lower_kernel


@dataclass(frozen=True)
class TeToLoopPass(ModulePass):
    """Lower every te.kernel (and its te.schedule) to a loop.func in DPS."""

    name = "te-to-loop"

    parallel: bool = field(
        default=True,
        metadata={"help": "run the outermost spatial loop of unscheduled stages in parallel"},
    )

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        schedules = {s.kernel_name: s for s in op.ops if isinstance(s, ScheduleOp)}
        for kernel in [k for k in op.ops if isinstance(k, KernelOp)]:
            schedule = schedules.pop(kernel.sym_name.data, None)
            func = lower_kernel(kernel, schedule, parallel=self.parallel)
            block = kernel.parent_block()
            assert block is not None
            block.insert_op_before(func, kernel)
            kernel.detach()
            kernel.erase()
            if schedule is not None:
                schedule.detach()
                schedule.erase()
