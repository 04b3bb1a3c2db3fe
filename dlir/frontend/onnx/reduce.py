"""Converters of the ONNX reductions: ReduceSum, ReduceMean, ReduceMax.

    Y = ReduceMean-18(X, [2, 3]) keepdims=1  ->  %Y = graph.reduce_mean %X axes [2, 3] keepdims : ...
    Y = ReduceSum(X)                         ->  all axes reduced (no axes means all of them)

`axes` is an attribute before opset 13 (ReduceSum) or 18 (ReduceMean, ReduceMax), an
optional constant input since.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from xdsl.ir import Operation, SSAValue

from dlir.dialects import graph
from dlir.frontend.onnx.context import NodeContext
from dlir.frontend.onnx.registry import Value, converter
from dlir.frontend.onnx.types import numpy_dtype

_REDUCTIONS: dict[str, tuple[Callable[..., Any], int]] = {
    # op type: (graph op class, first opset where `axes` is an input)
    "ReduceSum": (graph.ReduceSumOp, 13),
    "ReduceMean": (graph.ReduceMeanOp, 18),
    "ReduceMax": (graph.ReduceMaxOp, 18),
}


@converter("ReduceSum", "ReduceMean", "ReduceMax")
def reduce(ctx: NodeContext) -> list[Value]:
    make, axes_input_since = _REDUCTIONS[ctx.node.op_type]
    rank = len(ctx.shape(0))
    if ctx.opset < axes_input_since:
        axes = ctx.attr_ints("axes") or []
    else:
        axes = ctx.const_ints(1, "axes") if ctx.has_input(1) else []
    if not axes:
        if ctx.attr_int("noop_with_empty_axes", 0):
            return [ctx.value(0)]
        axes = list(range(rank))
    for a in axes:
        if not -rank <= a < rank:
            raise ctx.error(f"axis {a} is out of range for rank {rank}")
    normalized = sorted({a + rank if a < 0 else a for a in axes})
    keepdims = bool(ctx.attr_int("keepdims", 1))
    shape = ctx.shape(0)
    if any(shape[a] == 0 for a in normalized):
        return [_empty_reduction(ctx, normalized, keepdims)]
    op: Operation = make(ctx.input(0), normalized, keepdims)
    result: SSAValue = ctx.emit(op)
    return [result]


def _empty_reduction(ctx: NodeContext, axes: list[int], keepdims: bool) -> Value:
    """Reducing no elements gives the combiner's identity: 0 for a sum, -inf (or the
    smallest integer) for a max, NaN for a mean (0 / 0)."""
    shape = ctx.shape(0)
    out = [1 if i in axes else d for i, d in enumerate(shape) if keepdims or i not in axes]
    dtype = numpy_dtype(ctx.element_type(0))
    if ctx.node.op_type == "ReduceSum":
        fill: float | int | bool = 0
    elif ctx.node.op_type == "ReduceMean":
        fill = float("nan")
    elif dtype.kind == "f":
        fill = float("-inf")
    elif dtype.kind == "b":
        fill = False
    else:
        fill = int(np.iinfo(dtype).min)
    return np.full(out, fill, dtype=dtype)
