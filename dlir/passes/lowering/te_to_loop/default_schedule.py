"""The default schedule: every stage at root, in its own loop nest, in a CPU-friendly order.

    C[i, j] += A[i, k] * B[k, j]    ->  loops i (parallel), k, j
    S[i]    += X[i, k]               ->  loops i (parallel), k
    Y[i, j]  = X[i, j] * 2           ->  loops i (parallel), j

Spatial axes come outermost, in order, then the reduction axes. The innermost spatial
axis moves innermost when every read that depends on it walks memory contiguously along
it (the last index, with stride 1): the innermost loop then streams rows and LLVM
vectorizes it (matmul's j). Otherwise the reduction stays innermost (softmax's row sums).
The outermost loop with more than one iteration runs `parallel` when it is spatial (loops
of one iteration outside it do not count: conv2d's batch of 1 leaves its channels).
"""

from __future__ import annotations

from xdsl.ir import SSAValue
from xdsl.ir.affine import AffineExpr

from dlir.dialects.loop import LoopKind
from dlir.dialects.te.compute import ComputeOp
from dlir.passes.lowering.te_to_loop.body import affine_index
from dlir.passes.lowering.te_to_loop.plan import PlanLoop, StagePlan, linear_in


def default_plan(stage: ComputeOp, parallel: bool) -> StagePlan:
    """The loops of `stage` under the default schedule (see the module docstring)."""
    names = stage.axis_names()
    n_spatial = len(stage.spatial_axes.data)
    extents = (*stage.spatial_extents(), *stage.reduce_extent_values())
    order = list(range(len(names)))
    if 0 < n_spatial < len(names) and _streams_along(stage, n_spatial - 1):
        order = [*range(n_spatial - 1), *range(n_spatial, len(names)), n_spatial - 1]
    loops = [PlanLoop(names[n], extents[n], n >= n_spatial) for n in order]
    outer = next((loop for loop in loops if loop.extent > 1), None)
    if parallel and outer is not None and not outer.is_reduction:
        outer.kind = LoopKind.PARALLEL
    axes = {names[n]: AffineExpr.dimension(order.index(n)) for n in range(len(names))}
    return StagePlan(stage.stage.data, loops, axes)


def _streams_along(stage: ComputeOp, axis: int) -> bool:
    """Whether every read that depends on axis `axis` reads contiguously along it."""
    args: list[SSAValue] = list(stage.body.block.args)
    for read in stage.reads():
        indices = [affine_index(index, args) for index in read.indices]
        if any(index is None for index in indices):
            return False
        for position, index in enumerate(indices):
            assert index is not None
            if axis not in index.used_dims():
                continue
            coefficient = _coefficient(index, axis)
            if position != len(indices) - 1 or coefficient != 1:
                return False
    return True


def _coefficient(expr: AffineExpr, dim: int) -> int | None:
    linear = linear_in(expr, dim)
    return None if linear is None else linear[0]
