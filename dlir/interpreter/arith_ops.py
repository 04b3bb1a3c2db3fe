"""numpy semantics of the `arith` and `math` ops of te stage bodies (and of tensor code).

    %p = arith.mulf %a, %b : f32      ->  np.multiply(a, b)   on whole index-space arrays

In a te stage every value is an array over the stage's index space, so each op here is
one numpy call on arrays that broadcast against each other. Integers wrap around as in
MLIR; signed ops use the signed dtype and unsigned ops (`divui`, `cmpi ult`, ...) view
the same bits as unsigned.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from xdsl.dialects import arith, math
from xdsl.dialects.builtin import (
    DenseIntOrFPElementsAttr,
    FloatAttr,
    IntegerAttr,
    ShapedType,
)
from xdsl.ir import Attribute, Operation

from dlir.interpreter.common import Array, InterpreterError, OpTable, cast_to, dtype_of
from dlir.interpreter.graph_ops import divide, erf

ARITH_OPS: OpTable[Any] = OpTable("arith/math")


def unsigned(x: Array) -> Array:
    """The same bits read as an unsigned integer (`i32` -1 -> 4294967295)."""
    if x.dtype == np.bool_:
        return x
    return x.astype(np.dtype(f"u{x.dtype.itemsize}"))


def _binary(*pairs: tuple[type[Operation], Callable[[Array, Array], Array]]) -> None:
    for cls, fn in pairs:

        def evaluate(
            op: Operation, args: Sequence[Array], fn: Callable[[Array, Array], Array] = fn
        ) -> Array:
            return fn(args[0], args[1])

        ARITH_OPS.register(cls)(evaluate)


def _unary(*pairs: tuple[type[Operation], Callable[[Array], Array]]) -> None:
    for cls, fn in pairs:

        def evaluate(
            op: Operation, args: Sequence[Array], fn: Callable[[Array], Array] = fn
        ) -> Array:
            return fn(args[0])

        ARITH_OPS.register(cls)(evaluate)


def _remsi(a: Array, b: Array) -> Array:
    # the remainder has the dividend's sign (C's %), unlike Python's
    return a - divide(a, b) * b


def _ceildivsi(a: Array, b: Array) -> Array:
    # floor, plus one when inexact; -floor(-a / b) would overflow at a = INT_MIN
    with np.errstate(divide="ignore", over="ignore"):
        q = np.floor_divide(a, b)
        return q + (a - q * b != 0).astype(q.dtype)


def _ceildivui(a: Array, b: Array) -> Array:
    a, b = unsigned(a), unsigned(b)
    with np.errstate(divide="ignore"):
        q = np.floor_divide(a, b)
        return q + (a - q * b != 0).astype(q.dtype)


def _round(x: Array) -> Array:
    # half away from zero, exactly: trunc(x + copysign(0.5, x)) rounds 0.49999997 up
    t = np.trunc(x)
    return np.where(np.abs(x - t) >= 0.5, t + np.copysign(x.dtype.type(1), x), t)


def _ipowi(x: Array, n: Array) -> Array:
    # wraps like integer multiplication; x ** -n is 1 / x ** n truncated: 1, +-1 or 0
    positive = np.power(x, np.abs(n))
    odd = (n % 2) != 0
    one = np.ones_like(x)
    negative = np.where(x == 1, one, np.where(x == -1, np.where(odd, -one, one), 0 * one))
    return np.where(n >= 0, positive, negative)


_binary(
    (arith.AddfOp, np.add),
    (arith.SubfOp, np.subtract),
    (arith.MulfOp, np.multiply),
    (arith.DivfOp, np.divide),
    (arith.MaximumfOp, np.maximum),  # propagates NaN
    (arith.MinimumfOp, np.minimum),
    (arith.MaxnumfOp, np.fmax),  # ignores NaN
    (arith.MinnumfOp, np.fmin),
    (arith.AddiOp, np.add),
    (arith.SubiOp, np.subtract),
    (arith.MuliOp, np.multiply),
    (arith.DivSIOp, divide),
    (arith.RemSIOp, _remsi),
    (arith.FloorDivSIOp, np.floor_divide),
    (arith.CeilDivSIOp, _ceildivsi),
    (arith.CeilDivUIOp, _ceildivui),
    (arith.DivUIOp, lambda a, b: np.floor_divide(unsigned(a), unsigned(b))),
    (arith.RemUIOp, lambda a, b: np.remainder(unsigned(a), unsigned(b))),
    (arith.MaxSIOp, np.maximum),
    (arith.MinSIOp, np.minimum),
    (arith.MaxUIOp, lambda a, b: np.maximum(unsigned(a), unsigned(b))),
    (arith.MinUIOp, lambda a, b: np.minimum(unsigned(a), unsigned(b))),
    (arith.AndIOp, np.bitwise_and),
    (arith.OrIOp, np.bitwise_or),
    (arith.XOrIOp, np.bitwise_xor),
    (arith.ShLIOp, np.left_shift),
    (arith.ShRSIOp, np.right_shift),
    (arith.ShRUIOp, lambda a, b: np.right_shift(unsigned(a), unsigned(b))),
    (math.PowFOp, np.power),
    (math.FPowIOp, lambda x, n: np.power(x, n.astype(x.dtype))),
    (math.IPowIOp, _ipowi),
    (math.Atan2Op, np.arctan2),
    (math.CopySignOp, np.copysign),
)

_unary(
    (arith.NegfOp, np.negative),
    (math.ExpOp, np.exp),
    (math.Exp2Op, np.exp2),
    (math.ExpM1Op, np.expm1),
    (math.LogOp, np.log),
    (math.Log2Op, np.log2),
    (math.Log10Op, np.log10),
    (math.Log1pOp, np.log1p),
    (math.TanhOp, np.tanh),
    (math.SqrtOp, np.sqrt),
    (math.RsqrtOp, lambda x: x.dtype.type(1) / np.sqrt(x)),
    (math.ErfOp, erf),
    (math.AbsFOp, np.abs),
    (math.AbsIOp, np.abs),
    (math.SinOp, np.sin),
    (math.CosOp, np.cos),
    (math.TanOp, np.tan),
    (math.FloorOp, np.floor),
    (math.CeilOp, np.ceil),
    (math.TruncOp, np.trunc),
    (math.RoundEvenOp, np.rint),
    (math.RoundOp, _round),
)


@ARITH_OPS.register(math.FmaOp)
def fma(op: math.FmaOp, args: Sequence[Array]) -> Array:
    return args[0] * args[1] + args[2]


@ARITH_OPS.register(arith.ConstantOp)
def constant(op: arith.ConstantOp, args: Sequence[Array]) -> Array:
    return attribute_value(op.value, op.result.type)


def attribute_value(value: Attribute, t: Attribute) -> Array:
    """The numpy value of an `IntegerAttr`, `FloatAttr` or `dense<...>` of type `t`."""
    if isinstance(value, IntegerAttr | FloatAttr):
        return cast_to(np.asarray(value.value.data), t)
    if isinstance(value, DenseIntOrFPElementsAttr):
        shaped = value.get_type()
        assert isinstance(shaped, ShapedType)
        shape = tuple(shaped.get_shape())
        flat = np.asarray(value.get_values(), dtype=dtype_of(t))
        if flat.size == 1:
            return np.full(shape, flat.reshape(()), dtype=flat.dtype)
        return flat.reshape(shape)
    raise InterpreterError(
        f"cannot interpret the constant {value}: expected a number or dense<...>"
    )


_CMPI: dict[str, Callable[[Array, Array], Array]] = {
    "eq": np.equal,
    "ne": np.not_equal,
    "slt": np.less,
    "sle": np.less_equal,
    "sgt": np.greater,
    "sge": np.greater_equal,
    "ult": lambda a, b: np.less(unsigned(a), unsigned(b)),
    "ule": lambda a, b: np.less_equal(unsigned(a), unsigned(b)),
    "ugt": lambda a, b: np.greater(unsigned(a), unsigned(b)),
    "uge": lambda a, b: np.greater_equal(unsigned(a), unsigned(b)),
}


@ARITH_OPS.register(arith.CmpiOp)
def cmpi(op: arith.CmpiOp, args: Sequence[Array]) -> Array:
    predicate = arith.CMPI_COMPARISON_OPERATIONS[op.predicate.value.data]
    return _CMPI[predicate](args[0], args[1])


@ARITH_OPS.register(arith.CmpfOp)
def cmpf(op: arith.CmpfOp, args: Sequence[Array]) -> Array:
    # "o" predicates are false when either side is NaN, "u" predicates true
    a, b = args
    predicate = arith.CMPF_COMPARISON_OPERATIONS[op.predicate.value.data]
    unordered = np.isnan(a) | np.isnan(b)
    if predicate in ("false", "true"):
        return np.broadcast_to(np.asarray(predicate == "true"), unordered.shape)
    if predicate == "ord":
        return ~unordered
    if predicate == "uno":
        return unordered
    compare = {
        "eq": np.equal,
        "gt": np.greater,
        "ge": np.greater_equal,
        "lt": np.less,
        "le": np.less_equal,
        "ne": np.not_equal,
    }[predicate[1:]]
    ordered_result = compare(a, b) & ~unordered
    return ordered_result if predicate[0] == "o" else ordered_result | unordered


@ARITH_OPS.register(arith.SelectOp)
def select(op: arith.SelectOp, args: Sequence[Array]) -> Array:
    return np.where(args[0], args[1], args[2])


@ARITH_OPS.register(
    arith.IndexCastOp,
    arith.SIToFPOp,
    arith.FPToSIOp,
    arith.ExtFOp,
    arith.TruncFOp,
    arith.ExtSIOp,
    arith.TruncIOp,
)
def convert(op: Operation, args: Sequence[Array]) -> Array:
    # value conversions: numpy's astype is C's (truncation toward zero for float -> int)
    return cast_to(args[0], op.results[0].type)


@ARITH_OPS.register(arith.FPToUIOp)
def fptoui(op: arith.FPToUIOp, args: Sequence[Array]) -> Array:
    # truncated toward zero; a negative value wraps (-3.0 -> the bits of -3), as natively
    return cast_to(args[0].astype(np.int64), op.result.type)


@ARITH_OPS.register(arith.BitcastOp)
def bitcast(op: arith.BitcastOp, args: Sequence[Array]) -> Array:
    return args[0].view(dtype_of(op.result.type))


@ARITH_OPS.register(arith.ExtUIOp, arith.UIToFPOp)
def convert_unsigned(op: Operation, args: Sequence[Array]) -> Array:
    return cast_to(unsigned(args[0]), op.results[0].type)
