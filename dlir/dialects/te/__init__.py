"""The `te` dialect: tensor expressions (what is computed) and schedules (when and where).

`kernel.py` has the algorithm ops (kernel, return) and `compute.py` their stages (compute,
read, yield); `schedule.py` the `te.schedule` op and the primitive base class; `loops.py`
and `stages.py` the primitives; `model.py` the model a schedule is verified on by
replaying it; `builder.py` the Python builders for kernels and schedules.
"""

from __future__ import annotations

from xdsl.ir import Dialect

from dlir.dialects.te.compute import ComputeOp, ReadOp, YieldOp
from dlir.dialects.te.kernel import KernelOp, ReturnOp
from dlir.dialects.te.loops import (
    FuseOp,
    ParallelOp,
    ReorderOp,
    SplitOp,
    TensorizeOp,
    TileOp,
    UnrollOp,
    VectorizeOp,
    VirtualThreadOp,
)
from dlir.dialects.te.schedule import PrimitiveOp, ScheduleOp
from dlir.dialects.te.stages import (
    CacheReadOp,
    CacheWriteOp,
    ComputeAtOp,
    ComputeInlineOp,
    ComputeRootOp,
    RFactorOp,
    SetScopeOp,
    StoreAtOp,
)

PRIMITIVES: tuple[type[PrimitiveOp], ...] = (
    SplitOp,
    TileOp,
    ReorderOp,
    FuseOp,
    UnrollOp,
    VectorizeOp,
    ParallelOp,
    ComputeAtOp,
    ComputeInlineOp,
    ComputeRootOp,
    StoreAtOp,
    CacheReadOp,
    CacheWriteOp,
    RFactorOp,
    TensorizeOp,
    SetScopeOp,
    VirtualThreadOp,
)
"""Every schedule primitive, in the order DESIGN.md lists them."""

TE = Dialect(
    "te",
    [KernelOp, ComputeOp, ReadOp, YieldOp, ReturnOp, ScheduleOp, *PRIMITIVES],
    [],
)
