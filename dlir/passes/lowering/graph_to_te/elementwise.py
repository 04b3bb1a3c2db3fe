"""te definitions of the elementwise graph ops: broadcasting binary arithmetic and
comparisons, where, activations, clip and cast. One stage `Y` each, with numpy's semantics (`dlir/interpreter/graph_ops.py`).

    %z = graph.add %x, %b : (tensor<4x8xf32>, tensor<8xf32>) -> tensor<4x8xf32>
    ->
    %Y = te.compute "Y" (%i0: 4, %i1: 8) {
      %0 = te.read %X0[%i0, %i1] : tensor<4x8xf32> -> f32
      %1 = te.read %X1[%i1] : tensor<8xf32> -> f32
      %2 = arith.addf %0, %1 : f32
      te.yield %2 : f32
    } : tensor<4x8xf32>
"""

from __future__ import annotations

import math as pymath
from collections.abc import Sequence

from xdsl.dialects import arith, math
from xdsl.dialects.builtin import (
    Float32Type,
    Float64Type,
    IndexType,
    IntegerType,
    ReducedPrecisionFloatType,
)
from xdsl.ir import Attribute, Operation, SSAValue

from dlir.dialects import graph
from dlir.dialects.graph.elementwise import BinaryOp, CompareOp, UnaryOp
from dlir.dialects.te.builder import KernelBuilder, StageBody
from dlir.passes.lowering.graph_to_te.common import (
    Binary,
    binary,
    bitwidth,
    cmpf,
    cmpi,
    constant,
    element_of,
    elementwise,
    int_range,
    integer_type,
    is_bool,
    is_float,
    is_unsigned,
    read_broadcast,
    select,
    shape_of,
)
from dlir.passes.lowering.graph_to_te.registry import te_definition

# --- binary, with numpy broadcasting ------------------------------------------------------

_BINARY_KIND: dict[type[Operation], Binary] = {
    graph.AddOp: "add",
    graph.SubOp: "sub",
    graph.MulOp: "mul",
    graph.DivOp: "div",
    graph.MaximumOp: "max",
    graph.MinimumOp: "min",
}


@te_definition(*_BINARY_KIND)
def broadcast_binary(op: BinaryOp, kb: KernelBuilder, inputs: Sequence[SSAValue]) -> list[SSAValue]:
    """`Y[i] = X0[bcast(i)] <op> X1[bcast(i)]`; a dim of size 1 is read at index 0."""
    shape, kind = shape_of(op.result), _BINARY_KIND[type(op)]

    def element(body: StageBody, idx: Sequence[SSAValue]) -> SSAValue:
        lhs = read_broadcast(body, inputs[0], idx, shape)
        rhs = read_broadcast(body, inputs[1], idx, shape)
        return binary(body, kind, lhs, rhs)

    return [elementwise(kb, "Y", shape, element)]


# Float predicates are ordered (false when either side is NaN, so NaN != NaN); integer
# ones signed; on i1 (false = 0, true = -1 as a signed i1) the unsigned ones order
# false < true as numpy's bool does.
_COMPARE: dict[type[Operation], tuple[str, str, str]] = {
    graph.EqualOp: ("oeq", "eq", "eq"),
    graph.LessOp: ("olt", "slt", "ult"),
    graph.GreaterOp: ("ogt", "sgt", "ugt"),
}


@te_definition(*_COMPARE)
def compare(op: CompareOp, kb: KernelBuilder, inputs: Sequence[SSAValue]) -> list[SSAValue]:
    """`Y[i] = X0[bcast(i)] <cmp> X1[bcast(i)]`, an i1: cmpf (ordered) or cmpi (signed;
    unsigned on i1 and ui8..ui64)."""
    shape = shape_of(op.result)
    float_predicate, int_predicate, bool_predicate = _COMPARE[type(op)]

    def element(body: StageBody, idx: Sequence[SSAValue]) -> SSAValue:
        lhs = read_broadcast(body, inputs[0], idx, shape)
        rhs = read_broadcast(body, inputs[1], idx, shape)
        if is_float(lhs.type):
            return cmpf(body, float_predicate, lhs, rhs)
        unsigned = is_bool(lhs.type) or is_unsigned(lhs.type)
        return cmpi(body, bool_predicate if unsigned else int_predicate, lhs, rhs)

    return [elementwise(kb, "Y", shape, element)]


@te_definition(graph.WhereOp)
def where(op: graph.WhereOp, kb: KernelBuilder, inputs: Sequence[SSAValue]) -> list[SSAValue]:
    """`Y[i] = select(X0[bcast(i)], X1[bcast(i)], X2[bcast(i)])`."""
    shape = shape_of(op.result)

    def element(body: StageBody, idx: Sequence[SSAValue]) -> SSAValue:
        condition, if_true, if_false = (read_broadcast(body, x, idx, shape) for x in inputs)
        return select(body, condition, if_true, if_false)

    return [elementwise(kb, "Y", shape, element)]


@te_definition(graph.PowOp)
def power(op: graph.PowOp, kb: KernelBuilder, inputs: Sequence[SSAValue]) -> list[SSAValue]:
    """`math.powf` on floats; exact wrapping square-and-multiply on integers."""
    shape = shape_of(op.result)

    def element(body: StageBody, idx: Sequence[SSAValue]) -> SSAValue:
        x = read_broadcast(body, inputs[0], idx, shape)
        e = read_broadcast(body, inputs[1], idx, shape)
        if is_float(x.type):
            return body.insert(math.PowFOp(x, e)).result
        if is_bool(x.type):
            # numpy: bool ** bool is 1 unless the exponent is 1 and the base 0: x | !e
            not_e = body.insert(arith.XOrIOp(e, constant(body, 1, e.type))).result
            return body.insert(arith.OrIOp(x, not_e)).result
        return integer_power(body, x, e)

    return [elementwise(kb, "Y", shape, element)]


def integer_power(body: StageBody, x: SSAValue, e: SSAValue) -> SSAValue:
    """`x ** e` wrapping like numpy's integer power, by square-and-multiply over every bit
    of `e` (no loop: one multiply and one select per bit).

    numpy rejects negative exponents; here `x ** e` for `e < 0` is the truncated
    `1 / x ** -e`: 1 for x = 1, +-1 for x = -1, 0 otherwise (and 0 ** e, a division by
    zero, stays 0).
    """
    t = x.type
    one, zero = constant(body, 1, t), constant(body, 0, t)
    result, base = one, x
    width = bitwidth(t)
    for bit in range(width):
        mask = constant(body, 1 << bit, t)
        is_set = cmpi(body, "ne", body.insert(arith.AndIOp(e, mask)).result, zero)
        product = body.insert(arith.MuliOp(result, base)).result
        result = select(body, is_set, product, result)
        if bit + 1 < width:
            base = body.insert(arith.MuliOp(base, base)).result
    # x in {-1, 0, 1}: (x + 1) <u 3; the bits of a negative e keep its parity, so
    # `result` is already right for those bases.
    shifted = body.insert(arith.AddiOp(x, one)).result
    small_base = cmpi(body, "ult", shifted, constant(body, 3, t))
    negative = select(body, small_base, result, zero)
    return select(body, cmpi(body, "slt", e, zero), negative, result)


# --- unary --------------------------------------------------------------------------------

_MATH: dict[type[Operation], type[Operation]] = {
    graph.TanhOp: math.TanhOp,
    graph.ExpOp: math.ExpOp,
    graph.LogOp: math.LogOp,
    graph.SqrtOp: math.SqrtOp,
    graph.ErfOp: math.ErfOp,
}


@te_definition(*_MATH)
def unary_math(op: UnaryOp, kb: KernelBuilder, inputs: Sequence[SSAValue]) -> list[SSAValue]:
    """`Y[i] = math.<fn>(X0[i])` for tanh, exp, log, sqrt and erf."""
    math_op = _MATH[type(op)]

    def element(body: StageBody, idx: Sequence[SSAValue]) -> SSAValue:
        x = body.read(inputs[0], *idx)
        return body.insert(math_op.create(operands=[x], result_types=[x.type])).results[0]

    return [elementwise(kb, "Y", shape_of(op.result), element)]


@te_definition(graph.ReluOp)
def relu(op: graph.ReluOp, kb: KernelBuilder, inputs: Sequence[SSAValue]) -> list[SSAValue]:
    """`max(x, 0)`: maximumf (NaN stays NaN, as np.maximum), maxsi; on i1 the identity."""

    def element(body: StageBody, idx: Sequence[SSAValue]) -> SSAValue:
        x = body.read(inputs[0], *idx)
        if is_bool(x.type):
            return x
        return binary(body, "max", x, constant(body, 0, x.type))

    return [elementwise(kb, "Y", shape_of(op.result), element)]


@te_definition(graph.SigmoidOp)
def sigmoid(op: graph.SigmoidOp, kb: KernelBuilder, inputs: Sequence[SSAValue]) -> list[SSAValue]:
    """`e = exp(-|x|)`, then `1 / (1 + e)` for x >= 0 and `e / (1 + e)` below: exp never
    overflows (the interpreter's formula)."""

    def element(body: StageBody, idx: Sequence[SSAValue]) -> SSAValue:
        x = body.read(inputs[0], *idx)
        magnitude = body.insert(math.AbsFOp(x)).result
        e = body.insert(math.ExpOp(body.insert(arith.NegfOp(magnitude)).result)).result
        one = constant(body, 1, x.type)
        denominator = binary(body, "add", one, e)
        positive = binary(body, "div", one, denominator)
        negative = binary(body, "div", e, denominator)
        is_positive = cmpf(body, "oge", x, constant(body, 0, x.type))
        return select(body, is_positive, positive, negative)

    return [elementwise(kb, "Y", shape_of(op.result), element)]


@te_definition(graph.GeluOp)
def gelu(op: graph.GeluOp, kb: KernelBuilder, inputs: Sequence[SSAValue]) -> list[SSAValue]:
    """`x/2 (1 + erf(x / sqrt 2))`, or with `approximate "tanh"`
    `x/2 (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))`, operation for operation as the
    interpreter computes them."""
    approximate = op.approximate.data == "tanh"

    def element(body: StageBody, idx: Sequence[SSAValue]) -> SSAValue:
        x = body.read(inputs[0], *idx)
        t = x.type
        half_x = binary(body, "mul", constant(body, 0.5, t), x)
        if approximate:
            cube = binary(body, "mul", constant(body, 0.044715, t), x)
            cube = binary(body, "mul", binary(body, "mul", cube, x), x)
            inner = binary(body, "add", x, cube)
            inner = binary(body, "mul", constant(body, pymath.sqrt(2 / pymath.pi), t), inner)
            curve = body.insert(math.TanhOp(inner)).result
        else:
            scaled = binary(body, "div", x, constant(body, pymath.sqrt(2), t))
            curve = body.insert(math.ErfOp(scaled)).result
        return binary(body, "mul", half_x, binary(body, "add", constant(body, 1, t), curve))

    return [elementwise(kb, "Y", shape_of(op.result), element)]


@te_definition(graph.ClipOp)
def clip(op: graph.ClipOp, kb: KernelBuilder, inputs: Sequence[SSAValue]) -> list[SSAValue]:
    """`min(max(x, low), high)`. Floats: maximumf/minimumf (NaN stays NaN, as np.clip).
    Integers: bounds rounded inward (ceil low, floor high) and limited to the type's range;
    i1 as numpy's bool: `(x | bool(low)) & bool(high)`, unrounded."""
    low, high = op.min.value.data, op.max.value.data
    t = element_of(op.result)

    def element(body: StageBody, idx: Sequence[SSAValue]) -> SSAValue:
        x = body.read(inputs[0], *idx)
        if is_float(t):
            x = binary(body, "max", x, constant(body, low, t))
            return binary(body, "min", x, constant(body, high, t))
        if is_bool(t):  # numpy's bool is no integer: the bounds are bool(low), bool(high)
            if not high:
                return constant(body, 0, t)
            return constant(body, 1, t) if low else x
        lo, hi = pymath.ceil(low), pymath.floor(high)
        smallest, largest = int_range(t)
        if lo > smallest:
            x = binary(body, "max", x, constant(body, min(lo, largest), t))
        if hi < largest:
            x = binary(body, "min", x, constant(body, max(hi, smallest), t))
        return x

    return [elementwise(kb, "Y", shape_of(op.result), element)]


@te_definition(graph.CastOp)
def cast(op: graph.CastOp, kb: KernelBuilder, inputs: Sequence[SSAValue]) -> list[SSAValue]:
    """numpy's `astype`: floats truncate toward zero into integers, anything nonzero is
    true in i1, i1 reads as 0/1, integers wrap; f16 <-> bf16 goes through f32."""
    target = element_of(op.result)

    def element(body: StageBody, idx: Sequence[SSAValue]) -> SSAValue:
        return convert(body, body.read(inputs[0], *idx), target)

    return [elementwise(kb, "Y", shape_of(op.result), element)]


def convert(body: StageBody, x: SSAValue, target: Attribute) -> SSAValue:
    """`x` converted to the scalar type `target` with numpy's `astype` semantics (ml_dtypes'
    for the storage formats: f8E4M3FN ... and f4E2M1FN round to nearest even through f32,
    without saturating; i4/i2 wrap)."""
    source = x.type
    if source == target:
        return x
    if is_storage_float(source):  # f8E4M3FN, ...: every conversion goes through f32
        return convert(body, body.insert(arith.ExtFOp(x, Float32Type())).result, target)
    if is_storage_float(target):
        if source != Float32Type():
            x = convert(body, x, Float32Type())
        return body.insert(arith.TruncFOp(x, target)).result
    if is_bool(target):
        zero = constant(body, 0, source)
        return cmpf(body, "une", x, zero) if is_float(source) else cmpi(body, "ne", x, zero)
    if is_float(source) and is_float(target):
        if bitwidth(source) == bitwidth(target):  # f16 <-> bf16
            x = body.insert(arith.ExtFOp(x, Float32Type())).result
            return convert(body, x, target)
        if bitwidth(source) < bitwidth(target):
            return body.insert(arith.ExtFOp(x, target)).result
        return body.insert(arith.TruncFOp(x, target)).result
    if is_float(source):
        if bitwidth(source) < 32 and (is_unsigned(target) or bitwidth(target) < 8):
            x = body.insert(arith.ExtFOp(x, Float32Type())).result  # exact
        if is_unsigned(target) and bitwidth(target) == 64:
            return body.insert(arith.FPToUIOp(x, integer_type(target))).result
        if is_unsigned(target) or bitwidth(target) < 8:
            # numpy: through a wide signed integer, then wrapped (ml_dtypes' int4 alike)
            wide = body.insert(arith.FPToSIOp(x, IntegerType(64))).result
            return convert(body, wide, target)
        return body.insert(arith.FPToSIOp(x, integer_type(target))).result
    if is_bool(source):  # true is 1, not i1's signed -1
        return select(body, x, constant(body, 1, target), constant(body, 0, target))
    if is_float(target):
        if is_unsigned(source) and bitwidth(target) < 32:  # through f64: exact, then rounded
            wide = body.insert(arith.UIToFPOp(x, Float64Type())).result
            return convert(body, wide, target)
        if is_unsigned(source):
            return body.insert(arith.UIToFPOp(x, target)).result
        return body.insert(arith.SIToFPOp(x, target)).result
    # Sign- or zero-extend, or wrap, through index (index_cast is signed); xDSL 0.74's
    # arith.extsi/extui are not marked Pure, and stage bodies must be side-effect free.
    wide = body.insert(arith.IndexCastOp(x, IndexType())).result
    if is_unsigned(source) and bitwidth(source) < 64:
        mask = body.index(2 ** bitwidth(source) - 1)
        wide = body.insert(arith.AndIOp(wide, mask)).result
    return body.insert(arith.IndexCastOp(wide, target)).result


def is_storage_float(t: Attribute) -> bool:
    """f8E4M3FN, f8E4M3FNUZ, f8E5M2, f8E5M2FNUZ, f8E8M0FNU, f4E2M1FN: formats stored as
    bits and converted through f32."""
    return isinstance(t, ReducedPrecisionFloatType) and t.bitwidth <= 8
