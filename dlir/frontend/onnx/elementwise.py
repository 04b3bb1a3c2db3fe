"""Converters of the elementwise ONNX operators: arithmetic, comparisons, activations, casts.

C = Add(A, B)          ->  %C = graph.add %A, %B : (...) -> tensor<...>
C = Add-6(A, B) broadcast=1 axis=1, A 2x3x4, B 3  ->  B reshaped to 3x1, then graph.add
Y = Clip-11(X, 0, 6)   ->  %Y = graph.clip %X min 0.0 max 6.0 : tensor<...>
Y = Dropout(X)         ->  X (inference)
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from onnx import AttributeProto, TensorProto
from xdsl.dialects.builtin import AnyFloat, IntegerType
from xdsl.ir import Operation, SSAValue

from dlir.dialects import graph
from dlir.dialects.graph.elementwise import GELU_APPROXIMATIONS
from dlir.frontend.onnx.context import NodeContext
from dlir.frontend.onnx.registry import Value, converter
from dlir.frontend.onnx.types import SUPPORTED_TYPES, element_type, onnx_type_name

_BINARY: dict[str, Callable[[SSAValue, SSAValue], Operation]] = {
    "Add": graph.AddOp,
    "Sub": graph.SubOp,
    "Mul": graph.MulOp,
    "Div": graph.DivOp,
    "Pow": graph.PowOp,
}


def _legacy_broadcast(ctx: NodeContext, rhs: Value) -> Value:
    """Before opset 7, `broadcast=1` lets B broadcast into A aligned at `axis`, not at the end.

    A 2x3x4, B 3, axis 1  ->  B reshaped to 3x1, which numpy broadcasting then aligns.
    """
    if ctx.opset >= 7 or ctx.attr_int("broadcast", 0) == 0 or not ctx.has_attr("axis"):
        return rhs
    rank = len(ctx.shape(0))
    rhs_shape = ctx.shape(1)
    axis = ctx.attr_int("axis", 0)
    axis = axis + rank if axis < 0 else axis
    trailing = rank - axis - len(rhs_shape)
    if trailing < 0:
        raise ctx.error(f"B of shape {list(rhs_shape)} does not fit at axis {axis} of rank {rank}")
    return ctx.reshape(rhs, (*rhs_shape, *(1,) * trailing))


@converter("Add", "Sub", "Mul", "Div", "Pow")
def binary(ctx: NodeContext) -> list[Value]:
    lhs = ctx.input(0)
    rhs = _legacy_broadcast(ctx, ctx.value(1))
    if ctx.node.op_type == "Pow":  # since opset 12 the exponent may have another type
        rhs = ctx.cast(rhs, ctx.element_type(0))
    return [ctx.emit(_BINARY[ctx.node.op_type](lhs, ctx.materialize(rhs)))]


_COMPARE: dict[str, Callable[[SSAValue, SSAValue], Operation]] = {
    "Equal": lambda a, b: graph.EqualOp(a, b),
    "Less": lambda a, b: graph.LessOp(a, b),
    "Greater": lambda a, b: graph.GreaterOp(a, b),
}


@converter("Equal", "Less", "Greater")
def compare(ctx: NodeContext) -> list[Value]:
    rhs = _legacy_broadcast(ctx, ctx.value(1))
    return [ctx.emit(_COMPARE[ctx.node.op_type](ctx.input(0), ctx.materialize(rhs)))]


@converter("Where")
def where(ctx: NodeContext) -> list[Value]:
    return [ctx.emit(graph.WhereOp(ctx.input(0), ctx.input(1), ctx.input(2)))]


@converter("Sum")
def sum_(ctx: NodeContext) -> list[Value]:
    """Sum(A, B, C) -> add(add(A, B), C), each broadcasting."""
    total = ctx.input(0)
    for value in ctx.inputs()[1:]:
        total = ctx.emit(graph.AddOp(total, value))
    return [total]


_UNARY: dict[str, Callable[[SSAValue], Operation]] = {
    "Relu": graph.ReluOp,
    "Sigmoid": graph.SigmoidOp,
    "Tanh": graph.TanhOp,
    "Exp": graph.ExpOp,
    "Log": graph.LogOp,
    "Sqrt": graph.SqrtOp,
    "Erf": graph.ErfOp,
}


@converter("Relu", "Sigmoid", "Tanh", "Exp", "Log", "Sqrt", "Erf")
def unary(ctx: NodeContext) -> list[Value]:
    return [ctx.emit(_UNARY[ctx.node.op_type](ctx.input(0)))]


@converter("Gelu")
def gelu(ctx: NodeContext) -> list[Value]:
    approximate = ctx.attr_str("approximate", "none")
    if approximate not in GELU_APPROXIMATIONS:
        raise ctx.error(f'approximate expected "none" or "tanh", found "{approximate}"')
    return [ctx.emit(graph.GeluOp(ctx.input(0), approximate))]


def _clip_bound(ctx: NodeContext, i: int, attr: str) -> float | None:
    """A bound of Clip: an attribute before opset 11, an optional constant input since."""
    if ctx.opset < 11:
        if not ctx.has_attr(attr):
            return None
        return ctx.attr_float(attr, 0.0)
    if not ctx.has_input(i):
        return None
    bound = ctx.const(i, attr)
    if bound.size != 1:
        raise ctx.error(f"{attr} expected a scalar, found shape {list(bound.shape)}")
    return float(bound.reshape(-1)[0])


@converter("Clip")
def clip(ctx: NodeContext) -> list[Value]:
    """Both bounds -> graph.clip; one bound -> graph.maximum / graph.minimum with a scalar.

    ONNX sets every element to `max` when min > max, which maximum-then-minimum does too.
    """
    x = ctx.input(0)
    low, high = _clip_bound(ctx, 1, "min"), _clip_bound(ctx, 2, "max")
    element = ctx.element_type(0)
    if low is not None and high is not None and low <= high:
        return [ctx.emit(graph.ClipOp(x, low, high))]
    if low is not None:
        x = ctx.emit(graph.MaximumOp(x, ctx.scalar(low, element)))
    if high is not None:
        x = ctx.emit(graph.MinimumOp(x, ctx.scalar(high, element)))
    return [x]


def _cast_target(ctx: NodeContext) -> int:
    """Cast's `to`: a TensorProto data type, or before opset 6 its name ("FLOAT")."""
    attr = ctx.attrs.get("to")
    if attr is None:
        raise ctx.error("the attribute 'to' is required")
    if attr.type != AttributeProto.STRING:
        return ctx.attr_int("to", 0)
    name = attr.s.decode().upper()
    try:
        return TensorProto.DataType.Value(name)
    except ValueError:
        raise ctx.error(f"'to' names no ONNX data type: '{name}'") from None


_SATURATING: dict[int, float] = {
    TensorProto.FLOAT8E4M3FN: 448.0,
    TensorProto.FLOAT8E4M3FNUZ: 240.0,
    TensorProto.FLOAT8E5M2: 57344.0,
    TensorProto.FLOAT8E5M2FNUZ: 57344.0,
}
"""The fp8 targets of Cast's `saturate` (default 1): their largest finite value."""


@converter("Cast")
def cast(ctx: NodeContext) -> list[Value]:
    """graph.cast (numpy's / ml_dtypes' astype: fp8 overflow is NaN or inf). A saturating
    cast to fp8 (Cast-19's default) clips to the format's range first, as ONNX defines it:

        Cast(x, to=FLOAT8E4M3FN) -> graph.cast (graph.clip x [-448, 448])
    """
    to = _cast_target(ctx)
    target = element_type(to)
    if target is None:
        raise ctx.error(f"cannot cast to {onnx_type_name(to)} (supported: {SUPPORTED_TYPES})")
    if to == TensorProto.FLOAT8E8M0:
        raise ctx.error(
            "cannot cast to float8e8m0: ONNX rounds it up (round_mode), dlir converts to "
            "nearest; float8e8m0 converts from only"
        )
    source = ctx.element_type(0)
    if not isinstance(source, AnyFloat | IntegerType):
        raise ctx.error(f"cannot cast from {source}")
    x = ctx.value(0)
    largest = _SATURATING.get(to)
    if largest is not None and ctx.attr_int("saturate", 1) and ctx.opset >= 19:
        if isinstance(x, SSAValue):
            x = ctx.emit(graph.ClipOp(x, -largest, largest))
        else:
            x = np.clip(x, -largest, largest)
    return [ctx.cast(x, target)]


@converter("Identity")
def identity(ctx: NodeContext) -> list[Value]:
    return [ctx.value(0)]


@converter("Dropout")
def dropout(ctx: NodeContext) -> list[Value]:
    """Inference: the output is the input, and the mask (if asked for) is all true.

    Training mode drops at random, unless the ratio is 0 (then it is inference again)."""
    training = ctx.opset >= 12 and ctx.has_input(2)
    if training and bool(ctx.const(2, "training_mode").reshape(-1)[0]):
        ratio = float(ctx.const(1, "ratio").reshape(-1)[0]) if ctx.has_input(1) else 0.5
        if ratio != 0.0:
            raise ctx.error(
                f"training_mode is true with ratio {ratio}; dlir imports models for inference only"
            )
    mask = np.ones(ctx.shape(0), dtype=np.bool_)
    return [ctx.value(0), mask]
