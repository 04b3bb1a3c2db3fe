"""Helpers shared by the te definitions: stages over a shape, broadcast reads, scalar math.

    elementwise(kb, "Y", (4, 8), lambda body, idx: relu_of(body.read(kb["X0"], *idx)))
    ->  %Y = te.compute "Y" (%i0: 4, %i1: 8) { %x = te.read %X0[%i0, %i1] ... } : tensor<4x8xf32>

A stage's axes are named `i0, i1, ...` (outermost first). Scalar helpers pick the float or
the integer form of an operation from the element type (`arith.addf` or `arith.addi`),
and read numpy's semantics into it, i1 included (`add` on i1 is numpy's logical or).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Literal, TypeGuard

from xdsl.dialects import arith
from xdsl.dialects.builtin import (
    AnyFloat,
    FloatAttr,
    IndexType,
    IntegerAttr,
    IntegerType,
    Signedness,
    TensorType,
)
from xdsl.ir import Attribute, OpResult, SSAValue
from xdsl.utils.hints import isa

from dlir.dialects.te.builder import KernelBuilder, StageBody

Shape = tuple[int, ...]

ElementFn = Callable[[StageBody, Sequence[SSAValue]], SSAValue]
"""`fn(body, indices) -> value`: one element of a stage, at the stage's coordinates."""


class NotConvertible(Exception):
    """A definition cannot express this op as te (e.g. an empty result): the op stays."""


# --- types ------------------------------------------------------------------------------


def tensor_of(value: SSAValue) -> TensorType[Attribute]:
    t = value.type
    if not isa(t, TensorType[Attribute]):
        raise TypeError(f"expected a tensor value, found one of type {t}")
    return t


def shape_of(value: SSAValue) -> Shape:
    """`tensor<4x8xf32>` -> `(4, 8)`."""
    return tuple(tensor_of(value).get_shape())


def element_of(value: SSAValue) -> Attribute:
    """`tensor<4x8xf32>` -> `f32`; a scalar value's type is its own element type."""
    t = value.type
    return t.get_element_type() if isa(t, TensorType[Attribute]) else t


def is_float(t: Attribute) -> TypeGuard[AnyFloat]:
    return isinstance(t, AnyFloat)


def integer_type(t: Attribute) -> IntegerType[int, Signedness]:
    """`t` as an integer type (i1 ... i64), or a TypeError."""
    if not isa(t, IntegerType[int, Signedness]):
        raise TypeError(f"expected an integer type, found {t}")
    return t


def is_unsigned(t: Attribute) -> bool:
    """ui8..ui64 (and ui4, ui2): unsigned division, compares, min/max and conversions."""
    return t in _UNSIGNED


_UNSIGNED = frozenset(IntegerType(w, Signedness.UNSIGNED) for w in (2, 4, 8, 16, 32, 64))


def is_bool(t: Attribute) -> bool:
    """i1: numpy's bool, whose `+` is `or` and `*` is `and`."""
    return isinstance(t, IntegerType) and t.bitwidth == 1


def bitwidth(t: Attribute) -> int:
    if isinstance(t, IndexType):
        return 64
    if isinstance(t, IntegerType):
        return t.bitwidth
    if isinstance(t, AnyFloat):
        return t.bitwidth
    raise TypeError(f"no bit width for {t}")


def int_range(t: Attribute) -> tuple[int, int]:
    """The range of an integer type (i1: 0 and 1, as numpy's bool; ui8: 0 and 255)."""
    width = bitwidth(t)
    if width == 1:
        return 0, 1
    if is_unsigned(t):
        return 0, 2**width - 1
    return -(2 ** (width - 1)), 2 ** (width - 1) - 1


# --- stages -----------------------------------------------------------------------------


def axes(shape: Sequence[int], prefix: str = "i") -> list[tuple[str, int]]:
    """`(4, 8)` -> `[("i0", 4), ("i1", 8)]`: a stage's spatial axes."""
    return [(f"{prefix}{d}", extent) for d, extent in enumerate(shape)]


def elementwise(kb: KernelBuilder, name: str, shape: Sequence[int], fn: ElementFn) -> OpResult:
    """A stage `name` over `shape` (axes i0, i1, ...) whose element is `fn(body, indices)`.

    `shape` may be `()`: a rank-0 stage has no axes and one element.
    """

    def body_fn(body: StageBody, *indices: SSAValue) -> SSAValue:
        return fn(body, list(indices))

    if any(extent <= 0 for extent in shape):
        raise NotConvertible(f"a te stage cannot have the empty shape {list(shape)}")
    return kb.compute(name, axes(shape), body_fn)


def broadcast_indices(
    body: StageBody, indices: Sequence[SSAValue], in_shape: Sequence[int], out_shape: Sequence[int]
) -> list[SSAValue]:
    """Indices into a tensor of `in_shape` that numpy broadcasts to `out_shape`.

    in (3, 1), out (2, 3, 4), indices (i0, i1, i2)  ->  (i1, 0)
    """
    lead = len(out_shape) - len(in_shape)
    if lead < 0:
        raise ValueError(f"shape {list(in_shape)} has more dims than {list(out_shape)}")
    result: list[SSAValue] = []
    for d, size in enumerate(in_shape):
        if size == out_shape[lead + d]:
            result.append(indices[lead + d])
        elif size == 1:
            result.append(body.index(0))
        else:
            raise ValueError(f"shape {list(in_shape)} does not broadcast to {list(out_shape)}")
    return result


def read_broadcast(
    body: StageBody, tensor: SSAValue, indices: Sequence[SSAValue], out_shape: Sequence[int]
) -> SSAValue:
    """Read `tensor` at `indices` of the (numpy-)broadcast shape `out_shape`."""
    in_shape = shape_of(tensor)
    return body.read(tensor, *broadcast_indices(body, indices, in_shape, out_shape))


# --- scalars ------------------------------------------------------------------------------


def constant(body: StageBody, value: float, t: Attribute) -> SSAValue:
    """A scalar constant of type `t` (float, integer or index); integers are truncated
    toward zero, i1 is `value != 0`."""
    if is_float(t):
        return body.insert(arith.ConstantOp(FloatAttr(float(value), t))).result
    if isinstance(t, IndexType):
        return body.index(int(value))
    int_type = integer_type(t)
    number = int(value != 0) if int_type.bitwidth == 1 else int(value)
    if is_unsigned(int_type):
        # arith.constant takes signless integers only: an index constant (the two's
        # complement reading of `number`), truncated by index_cast
        width = int_type.bitwidth
        number %= 2**width
        signed = number - 2**width if number >= 2 ** (width - 1) else number
        return body.insert(arith.IndexCastOp(body.index(signed), int_type)).result
    return body.insert(arith.ConstantOp(IntegerAttr(number, int_type))).result


Binary = Literal["add", "sub", "mul", "div", "max", "min"]


def binary(body: StageBody, kind: Binary, lhs: SSAValue, rhs: SSAValue) -> SSAValue:
    """`lhs <kind> rhs` with numpy's semantics for the operands' element type.

    Floats: addf, subf, mulf, divf, maximumf/minimumf (NaN propagates, as np.maximum).
    Integers: addi, subi, muli, divsi (truncating, see `divide_int`), maxsi/minsi; unsigned
    ones divui (`divide_uint`), maxui/minui. i1 (numpy bool): add and
    max are `or`, mul, div and min are `and`, sub is `xor` (numpy has no bool subtract).
    """
    t = lhs.type
    if is_float(t):
        float_ops = {
            "add": arith.AddfOp,
            "sub": arith.SubfOp,
            "mul": arith.MulfOp,
            "div": arith.DivfOp,
            "max": arith.MaximumfOp,
            "min": arith.MinimumfOp,
        }
        return body.insert(float_ops[kind](lhs, rhs)).result
    if is_bool(t):
        bool_ops = {
            "add": arith.OrIOp,
            "sub": arith.XOrIOp,
            "mul": arith.AndIOp,
            "div": arith.AndIOp,
            "max": arith.OrIOp,
            "min": arith.AndIOp,
        }
        return body.insert(bool_ops[kind](lhs, rhs)).result
    if kind == "div":
        return divide_uint(body, lhs, rhs) if is_unsigned(t) else divide_int(body, lhs, rhs)
    if is_unsigned(t) and kind in ("max", "min"):
        op = arith.MaxUIOp(lhs, rhs) if kind == "max" else arith.MinUIOp(lhs, rhs)
        return body.insert(op).result
    int_ops = {
        "add": arith.AddiOp,
        "sub": arith.SubiOp,
        "mul": arith.MuliOp,
        "max": arith.MaxSIOp,
        "min": arith.MinSIOp,
    }
    return body.insert(int_ops[kind](lhs, rhs)).result


def divide_int(body: StageBody, lhs: SSAValue, rhs: SSAValue) -> SSAValue:
    """`lhs / rhs` truncated toward zero, never trapping: as numpy, `x / 0` is 0 and
    `MIN / -1` wraps to MIN. The divisor is made 1 in both cases (a hardware division
    would fault), then the result is selected.

        divsi(x, select(y == 0 or y == -1, 1, y)), then 0 - x where y == -1, 0 where y == 0
    """
    t = lhs.type
    zero, minus_one = constant(body, 0, t), constant(body, -1, t)
    by_zero = cmpi(body, "eq", rhs, zero)
    by_minus_one = cmpi(body, "eq", rhs, minus_one)
    unsafe = body.insert(arith.OrIOp(by_zero, by_minus_one)).result
    divisor = select(body, unsafe, constant(body, 1, t), rhs)
    quotient = body.insert(arith.DivSIOp(lhs, divisor)).result
    negated = body.insert(arith.SubiOp(zero, lhs)).result
    quotient = select(body, by_minus_one, negated, quotient)
    return select(body, by_zero, zero, quotient)


def divide_uint(body: StageBody, lhs: SSAValue, rhs: SSAValue) -> SSAValue:
    """`lhs / rhs` on unsigned integers, `x / 0` = 0 as numpy:
    select(y == 0, 0, divui(x, select(y == 0, 1, y)))."""
    t = lhs.type
    zero = constant(body, 0, t)
    by_zero = cmpi(body, "eq", rhs, zero)
    divisor = select(body, by_zero, constant(body, 1, t), rhs)
    quotient = body.insert(arith.DivUIOp(lhs, divisor)).result
    return select(body, by_zero, zero, quotient)


def select(body: StageBody, cond: SSAValue, if_true: SSAValue, if_false: SSAValue) -> SSAValue:
    return body.insert(arith.SelectOp(cond, if_true, if_false)).result


def cmpi(body: StageBody, predicate: str, lhs: SSAValue, rhs: SSAValue) -> SSAValue:
    """`arith.cmpi <predicate>` (eq, ne, slt, sle, sgt, sge, ult, ule, ugt, uge)."""
    return body.insert(arith.CmpiOp(lhs, rhs, predicate)).result


def cmpf(body: StageBody, predicate: str, lhs: SSAValue, rhs: SSAValue) -> SSAValue:
    """`arith.cmpf <predicate>` (oeq, ogt, oge, olt, ole, one, une, ...)."""
    return body.insert(arith.CmpfOp(lhs, rhs, predicate)).result


def both(body: StageBody, lhs: SSAValue, rhs: SSAValue) -> SSAValue:
    """`lhs and rhs` on i1."""
    return body.insert(arith.AndIOp(lhs, rhs)).result


# --- index arithmetic -----------------------------------------------------------------------


def index_add(body: StageBody, index: SSAValue, delta: int) -> SSAValue:
    """`index + delta` (no op when delta is 0)."""
    return index if delta == 0 else body.offset(index, delta)


def index_mul(body: StageBody, index: SSAValue, factor: int) -> SSAValue:
    """`index * factor` (no op when factor is 1)."""
    if factor == 1:
        return index
    return body.insert(arith.MuliOp(index, body.index(factor))).result


def index_affine(body: StageBody, index: SSAValue, factor: int, offset: int) -> SSAValue:
    """`index * factor + offset`."""
    return index_add(body, index_mul(body, index, factor), offset)


def clamp_index(body: StageBody, index: SSAValue, low: int | None, high: int | None) -> SSAValue:
    """`min(max(index, low), high)`, skipping a bound that is None: a read index that
    stays in bounds whatever the coordinates (the value read there is then discarded)."""
    if low is not None:
        index = body.insert(arith.MaxSIOp(index, body.index(low))).result
    if high is not None:
        index = body.insert(arith.MinSIOp(index, body.index(high))).result
    return index


def in_range(body: StageBody, index: SSAValue, size: int) -> SSAValue:
    """`0 <= index < size` as one unsigned compare (a negative index reads as huge)."""
    return cmpi(body, "ult", index, body.index(size))
