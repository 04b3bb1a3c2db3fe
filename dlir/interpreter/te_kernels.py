"""Run a `te.kernel`: each stage evaluated at once over its whole index space with numpy.

    %C = te.compute "C" (%i: 4, %j: 3) reduce (%k: 5) combiner add init 0.0 : f32 {...}
      ->  i = arange(4)[:, None, None], j = arange(3)[None, :, None], k = arange(5)[None, None, :]
          body(i, j, k) has shape (4, 3, 5)  ->  0.0 + sum over the last axis  ->  (4, 3)

Every index value is an `np.arange` laid along its own dim (spatial axes first, then the
reduction axes), so the body runs once and each op is one numpy call on broadcasting
arrays; `te.read` is fancy indexing with those arrays. There is no scalar fallback: every
op the evaluators know is elementwise (`arith.select` stands in for control flow), so a
body is always vectorizable, and an op with regions or an unknown op is reported instead.
Index spaces larger than `BOX_LIMIT` points are cut in halves along their longest axis
(spatial halves are concatenated, reduction halves combined), which bounds memory.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from math import prod

import numpy as np
from xdsl.ir import Operation, SSAValue

from dlir.dialects.te.compute import ComputeOp, ReadOp, YieldOp
from dlir.dialects.te.kernel import KernelOp, ReturnOp
from dlir.interpreter.arith_ops import ARITH_OPS, attribute_value
from dlir.interpreter.common import Array, InterpreterError, conform

BOX_LIMIT = 1 << 22
"""The most index points evaluated in one piece (4M: a few f32 arrays of 16 MB)."""

COMBINE: dict[str, Callable[[Array, Array], Array]] = {
    "add": np.add,
    "mul": np.multiply,
    "max": np.maximum,
    "min": np.minimum,
}

Box = tuple[tuple[int, int], ...]
"""Half-open `[low, high)` ranges, one per axis: spatial axes first, then reduction axes."""


def run_kernel(kernel: KernelOp, args: Sequence[Array]) -> list[Array]:
    """The results of `kernel` on `args` (already checked against its signature)."""
    env: dict[SSAValue, Array] = dict(zip(kernel.body.block.args, args, strict=True))
    for op in kernel.body.block.ops:
        if isinstance(op, ComputeOp):
            env[op.result] = run_stage(op, env, kernel.sym_name.data)
        elif isinstance(op, ReturnOp):
            return [env[v] for v in op.values]
        else:
            raise InterpreterError(
                f"cannot interpret {op.name} in te.kernel @{kernel.sym_name.data}: a kernel "
                "body holds te.compute stages and te.return"
            )
    raise InterpreterError(f"te.kernel @{kernel.sym_name.data} has no te.return")


def run_stage(stage: ComputeOp, env: dict[SSAValue, Array], kernel: str) -> Array:
    """The tensor a stage defines: its body over the index space, reduced, plus `init`."""
    spatial = stage.spatial_extents()
    extents = (*spatial, *stage.reduce_extent_values())
    box: Box = tuple((0, e) for e in extents)
    value = _evaluate_box(stage, env, box, len(spatial), kernel)
    if stage.combiner is not None and stage.init is not None:
        init = attribute_value(stage.init, stage.element_type())
        value = COMBINE[stage.combiner.data](init, value)
    return conform(value, stage.result.type, f"stage '{stage.stage.data}'")


def _evaluate_box(
    stage: ComputeOp, env: dict[SSAValue, Array], box: Box, n_spatial: int, kernel: str
) -> Array:
    """The body on the points of `box`, reduced over the reduction axes (without `init`)."""
    sizes = [high - low for low, high in box]
    if prod(sizes) > BOX_LIMIT and max(sizes) > 1:
        axis = sizes.index(max(sizes))
        low, high = box[axis]
        middle = (low + high) // 2
        halves = [
            _evaluate_box(stage, env, (*box[:axis], part, *box[axis + 1 :]), n_spatial, kernel)
            for part in ((low, middle), (middle, high))
        ]
        if axis < n_spatial:
            return np.concatenate(halves, axis=axis)
        assert stage.combiner is not None
        return COMBINE[stage.combiner.data](halves[0], halves[1])
    value = np.broadcast_to(_run_body(stage, env, box, kernel), tuple(sizes))
    if len(box) == n_spatial:
        return value
    assert stage.combiner is not None
    ufunc = COMBINE[stage.combiner.data]
    assert isinstance(ufunc, np.ufunc)
    return ufunc.reduce(value, axis=tuple(range(n_spatial, len(box))))


def _run_body(stage: ComputeOp, env: dict[SSAValue, Array], box: Box, kernel: str) -> Array:
    rank = len(box)
    values: dict[SSAValue, Array] = {}
    for axis, (arg, (low, high)) in enumerate(zip(stage.body.block.args, box, strict=True)):
        shape = [1] * rank
        shape[axis] = high - low
        values[arg] = np.arange(low, high, dtype=np.int64).reshape(shape)
    where = f"stage '{stage.stage.data}' of @{kernel}"
    for op in stage.body.block.ops:
        if isinstance(op, YieldOp):
            return values[op.value]
        if isinstance(op, ReadOp):
            values[op.result] = _read(op, env[op.tensor], [values[i] for i in op.indices], where)
            continue
        evaluate = ARITH_OPS.lookup(op)
        if evaluate is None or op.regions:
            raise InterpreterError(_unsupported(op, where))
        operands = [values[v] for v in op.operands]
        try:
            result = evaluate(op, operands)
        except (ValueError, TypeError, IndexError) as error:
            raise InterpreterError(f"{op.name} in {where} failed: {error}") from error
        values[op.results[0]] = conform(result, op.results[0].type, f"{op.name} in {where}")
    raise InterpreterError(f"{where} does not end with te.yield")


def _read(op: ReadOp, tensor: Array, indices: list[Array], where: str) -> Array:
    """`te.read %A[%i, %k]`: fancy indexing, after checking every index is in bounds."""
    for dim, (index, size) in enumerate(zip(indices, tensor.shape, strict=True)):
        low, high = int(np.min(index)), int(np.max(index))
        if low < 0 or high >= size:
            bad = low if low < 0 else high
            raise InterpreterError(
                f"te.read in {where} reads index {bad} of dim {dim} of a {op.tensor.type}; "
                f"indices must be in [0, {size})"
            )
    return tensor[tuple(indices)]


def _unsupported(op: Operation, where: str) -> str:
    known = sorted({cls.name for cls in ARITH_OPS.evaluators})
    return (
        f"cannot interpret {op.name} in {where}: a stage body may use te.read, te.yield and "
        f"these elementwise ops: {', '.join(known)}"
    )
