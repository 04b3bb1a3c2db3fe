"""Emit branch-free llvm-dialect code on one float type, scalar or 1-D vector, and its twins.

    b = FloatBuilder(VectorType(f32, [8]))
    lt = b.fcmp("olt", x, y)        -> bitcasts, llvm.and/xor/sub, llvm.icmp "slt" on vector<8xi32>
    r = b.select(lt, x, y)          -> llvm.call_intrinsic "llvm.vp.select.v8f32"(%lt, %x, %y, %c8)
    n = b.call("llvm.trunc", [x])   -> llvm.call_intrinsic "llvm.trunc.v8f32"(%x)

xDSL 0.74's llvm.fcmp and llvm.select take no vectors, and it has no llvm.fptosi. The
workarounds, all without calls into libm, so that loops over the results vectorize:

* a vector float compare is an integer compare of order-preserving keys of the bits
  (`key = (|bits| ^ s) - s` with `s` the sign spread over the word: -0 and +0 both map to 0),
  with NaN lanes (`llvm.is.fpclass`) forced to the predicate's unordered answer;
* a vector select is `llvm.vp.select` with every lane enabled, which LLVM turns into a blend;
* other missing instructions are LLVM intrinsics called by name (`llvm.call_intrinsic`),
  mangled with the operand types as LLVM expects (`llvm.maximum.v8f32`,
  `llvm.fptosi.sat.i32.f64`, `llvm.vp.fptosi.v8i32.v8f32`).

The ops are collected in `ops`, in order, for a pattern to insert in place of the op it lowers.
"""

from __future__ import annotations

import struct
from collections.abc import Sequence

from xdsl.dialects import llvm
from xdsl.dialects.builtin import (
    DenseIntOrFPElementsAttr,
    Float32Type,
    Float64Type,
    FloatAttr,
    IndexType,
    IntegerAttr,
    IntegerType,
    VectorType,
    i1,
    i32,
    i64,
)
from xdsl.ir import Attribute, Operation, SSAValue
from xdsl.utils.exceptions import DiagnosticException
from xdsl.utils.hints import isa

from dlir.passes.lowering.types import select as scalar_select

IntBinary = (
    type[llvm.ArithmeticBinOperation]
    | type[llvm.ArithmeticBinOpOverflow]
    | type[llvm.ArithmeticBinOpExact]
    | type[llvm.ArithmeticBinOpDisjoint]
)

# the numbering of llvm.icmp's predicate property
ICMP_PREDICATES = {flag.value: index for index, flag in enumerate(llvm.ICmpPredicateFlag)}
# float predicate -> (integer predicate on the keys, answer when a side is NaN)
_ORDERED = {"eq": "eq", "gt": "sgt", "ge": "sge", "lt": "slt", "le": "sle", "ne": "ne"}


def lanes_of(type: Attribute) -> int | None:
    """The lane count of a 1-D vector type, None for a scalar (n-D vectors are refused)."""
    if not isa(type, VectorType[Attribute]):
        return None
    shape = type.get_shape()
    if len(shape) != 1:
        raise DiagnosticException(f"loop-to-llvm lowers 1-D vectors only, got {type}")
    return shape[0]


def element_of(type: Attribute) -> Attribute:
    return type.element_type if isa(type, VectorType[Attribute]) else type


def with_element(type: Attribute, element: Attribute) -> Attribute:
    """`type` with its element replaced: (vector<8xf32>, i32) -> vector<8xi32>, (f32, i32) -> i32."""
    lanes = lanes_of(type)
    return element if lanes is None else VectorType(element, [lanes])


def mangle(type: Attribute) -> str:
    """LLVM's intrinsic-name suffix for `type`: f32, f64, i32, v8f32, v4i1."""
    lanes = lanes_of(type)
    element = element_of(type)
    if isinstance(element, Float32Type):
        name = "f32"
    elif isinstance(element, Float64Type):
        name = "f64"
    elif isinstance(element, IntegerType):
        name = f"i{element.bitwidth}"
    else:
        raise DiagnosticException(f"no LLVM intrinsic suffix for {type}")
    return name if lanes is None else f"v{lanes}{name}"


class FloatBuilder:
    """Emits llvm ops on values of one f32/f64 type (scalar or vector) and its integer twin
    (i32/i64 of the same shape), collecting them in `ops`."""

    def __init__(self, float_type: Attribute, ops: list[Operation] | None = None) -> None:
        element = element_of(float_type)
        if not isinstance(element, Float32Type | Float64Type):
            raise DiagnosticException(
                f"expected f32, f64 or a 1-D vector of them, got {float_type}"
            )
        self.float_type = float_type
        self.width = element.bitwidth
        self.lanes = lanes_of(float_type)
        self.is_vector = self.lanes is not None
        self.int_type = with_element(float_type, IntegerType(self.width))
        self.bool_type = with_element(float_type, i1)
        self.ops: list[Operation] = [] if ops is None else ops

    def twin(self, element: Attribute) -> FloatBuilder:
        """A builder on the same shape with another float element, appending to the same ops."""
        return FloatBuilder(with_element(self.float_type, element), self.ops)

    def emit(self, op: Operation) -> SSAValue:
        self.ops.append(op)
        return op.results[0]

    # --- constants ---------------------------------------------------------------------

    def splat(self, type: Attribute, value: float | int) -> SSAValue:
        """A constant of `type` (scalar, or vector splat) holding `value`."""
        return self.emit(constant(type, value))

    def const(self, value: float) -> SSAValue:
        return self.splat(self.float_type, value)

    def iconst(self, value: int) -> SSAValue:
        return self.splat(self.int_type, value)

    def bconst(self, value: bool) -> SSAValue:
        return self.splat(self.bool_type, int(value))

    # --- float arithmetic --------------------------------------------------------------

    def add(self, a: SSAValue, b: SSAValue) -> SSAValue:
        return self.emit(llvm.FAddOp(a, b))

    def sub(self, a: SSAValue, b: SSAValue) -> SSAValue:
        return self.emit(llvm.FSubOp(a, b))

    def mul(self, a: SSAValue, b: SSAValue) -> SSAValue:
        return self.emit(llvm.FMulOp(a, b))

    def div(self, a: SSAValue, b: SSAValue) -> SSAValue:
        return self.emit(llvm.FDivOp(a, b))

    def neg(self, a: SSAValue) -> SSAValue:
        return self.emit(llvm.FNegOp(a))

    def fma(self, a: SSAValue, b: SSAValue, c: SSAValue) -> SSAValue:
        return self.emit(llvm.FMAOp(a, b, c))

    def max(self, a: SSAValue, b: SSAValue) -> SSAValue:
        """maxnum: the non-NaN operand if one is NaN."""
        return self.emit(llvm.VectorFMaxOp(a, b))

    def min(self, a: SSAValue, b: SSAValue) -> SSAValue:
        return self.emit(llvm.VectorFMinOp(a, b))

    def abs(self, a: SSAValue) -> SSAValue:
        return self.emit(llvm.FAbsOp(a, a.type))

    def copysign(self, magnitude: SSAValue, sign: SSAValue) -> SSAValue:
        return self.emit(llvm.FCopySignOp(magnitude, sign))

    def floor(self, a: SSAValue) -> SSAValue:
        return self.emit(llvm.FFloorOp(a))

    def trunc(self, a: SSAValue) -> SSAValue:
        return self.call("llvm.trunc", [a])

    def poly(self, x: SSAValue, coefficients: Sequence[float]) -> SSAValue:
        """Horner: c0 x^(k-1) + ... + c(k-1), one fma per coefficient."""
        result = self.const(coefficients[0])
        for c in coefficients[1:]:
            result = self.fma(result, x, self.const(c))
        return result

    # --- intrinsics --------------------------------------------------------------------

    def call(
        self,
        name: str,
        args: Sequence[SSAValue],
        result_type: Attribute | None = None,
        mangled: Sequence[Attribute] | None = None,
    ) -> SSAValue:
        """`llvm.call_intrinsic` of `name` mangled with the types `mangled` (default: the
        result type), e.g. call("llvm.maximum", [a, b]) -> "llvm.maximum.v8f32"."""
        result = args[0].type if result_type is None else result_type
        suffix = ".".join(mangle(t) for t in (mangled or [result]))
        return self.emit(llvm.CallIntrinsicOp(f"{name}.{suffix}", list(args), [result]))

    # --- integers and bits -------------------------------------------------------------

    def to_int(self, a: SSAValue) -> SSAValue:
        return self.emit(llvm.BitcastOp(a, self.int_type))

    def to_float(self, a: SSAValue) -> SSAValue:
        return self.emit(llvm.BitcastOp(a, self.float_type))

    def int_to_float(self, a: SSAValue) -> SSAValue:
        return self.emit(llvm.SIToFPOp(a, self.float_type))

    def ibin(self, op_type: IntBinary, a: SSAValue, b: SSAValue) -> SSAValue:
        # explicit result type, as in dlir.passes.lowering.types.integer_binary
        return self.emit(op_type.create(operands=[a, b], result_types=[a.type]))

    def icmp(self, predicate: str, a: SSAValue, b: SSAValue) -> SSAValue:
        return self.emit(llvm.ICmpOp(a, b, IntegerAttr(ICMP_PREDICATES[predicate], i64)))

    def magnitude_bits(self, x: SSAValue) -> SSAValue:
        return self.ibin(llvm.AndOp, self.to_int(x), self.iconst((1 << (self.width - 1)) - 1))

    def below(self, x: SSAValue, bound: float) -> SSAValue:
        """x < bound for a finite bound > 0, true for every negative x and false for NaN
        (the signed order of the bits)."""
        return self.icmp(
            "slt", self.to_int(x), self.splat(self.int_type, float_bits(bound, self.width))
        )

    def both(self, a: SSAValue, b: SSAValue) -> SSAValue:
        return self.ibin(llvm.AndOp, a, b)

    def either(self, a: SSAValue, b: SSAValue) -> SSAValue:
        return self.ibin(llvm.OrOp, a, b)

    def negate(self, a: SSAValue) -> SSAValue:
        """Logical not of an i1 (or vector of i1) value."""
        return self.ibin(llvm.XOrOp, a, self.splat(a.type, 1))

    # --- compares and selects ----------------------------------------------------------

    def is_nan(self, x: SSAValue) -> SSAValue:
        if not self.is_vector:
            return self.emit(llvm.FCmpOp(x, x, "uno"))
        # class mask 3 = signaling | quiet NaN
        return self.call("llvm.is.fpclass", [x, self.splat(i32, 3)], self.bool_type, [x.type])

    def key(self, x: SSAValue) -> SSAValue:
        """Integer key ordered as the floats: +-0 -> 0, negatives below (meaningless for NaN)."""
        bits = self.to_int(x)
        spread = self.ibin(llvm.AShrOp, bits, self.iconst(self.width - 1))
        magnitude = self.ibin(llvm.AndOp, bits, self.iconst((1 << (self.width - 1)) - 1))
        return self.ibin(llvm.SubOp, self.ibin(llvm.XOrOp, magnitude, spread), spread)

    def fcmp(self, predicate: str, a: SSAValue, b: SSAValue) -> SSAValue:
        """`a <predicate> b` with LLVM's 16 fcmp predicates (false, oeq, ..., uno, true)."""
        if predicate in ("false", "true"):
            return self.bconst(predicate == "true")
        if not self.is_vector:
            return self.emit(llvm.FCmpOp(a, b, predicate))
        unordered = self.either(self.is_nan(a), self.is_nan(b))
        if predicate == "uno":
            return unordered
        if predicate == "ord":
            return self.negate(unordered)
        ordered = self.icmp(_ORDERED[predicate[1:]], self.key(a), self.key(b))
        if predicate[0] == "o":
            return self.both(ordered, self.negate(unordered))
        return self.either(ordered, unordered)

    def select(self, cond: SSAValue, a: SSAValue, b: SSAValue) -> SSAValue:
        """cond ? a : b, lane by lane when `cond` is a vector."""
        ops = select_ops(cond, a, b)
        self.ops.extend(ops)
        return ops[-1].results[0]

    def nan_passes(self, x: SSAValue, result: SSAValue) -> SSAValue:
        return self.select(self.is_nan(x), x, result)


def constant(type: Attribute, value: float | int) -> llvm.ConstantOp:
    """`llvm.mlir.constant` of an int/float `type` (scalar, or 1-D vector splat) holding `value`."""
    element = element_of(type)
    lanes = lanes_of(type)
    attr: Attribute
    if isa(element, IntegerType):
        if lanes is None:
            attr = IntegerAttr(int(value), element)
        else:
            shaped = VectorType(element, [lanes])
            attr = DenseIntOrFPElementsAttr.from_list(shaped, [int(value)] * lanes)
    else:
        assert isinstance(element, Float32Type | Float64Type)
        if lanes is None:
            attr = FloatAttr(float(value), element)
        else:
            shaped = VectorType(element, [lanes])
            attr = DenseIntOrFPElementsAttr.from_list(shaped, [float(value)] * lanes)
    return llvm.ConstantOp(attr, type)


def int_width(type: Attribute) -> int:
    """The bit width of an integer or index type or of the elements of a vector of them."""
    element = element_of(type)
    if isinstance(element, IndexType):
        return 64
    if not isa(element, IntegerType):
        raise DiagnosticException(f"expected an integer or index type, got {type}")
    return element.bitwidth


def select_ops(
    cond: SSAValue, a: SSAValue, b: SSAValue, result_type: Attribute | None = None
) -> list[Operation]:
    """cond ? a : b for any llvm value types; the last op's result is the value. Pass
    `result_type` when `a` may still be `index`, its producer waiting for its own lowering.

    %r = arith.select %c, %a, %b : vector<8xi1>, vector<8xf32>
      -> %n = llvm.mlir.constant(8 : i32) ; %r = llvm.call_intrinsic "llvm.vp.select.v8f32"(%c, %a, %b, %n)
    """
    type = a.type if result_type is None else result_type
    lanes = lanes_of(cond.type)
    if lanes is None:
        return [scalar_select(cond, a, b, type)]
    evl = llvm.ConstantOp(IntegerAttr(lanes, i32), i32)
    name = f"llvm.vp.select.{mangle(type)}"
    return [evl, llvm.CallIntrinsicOp(name, [cond, a, b, evl.result], [type])]


def float_bits(value: float, width: int) -> int:
    """The bits of `value` rounded to f32 (width 32) or f64, as a signed integer."""
    if width == 32:
        return struct.unpack("<i", struct.pack("<f", value))[0]
    return struct.unpack("<q", struct.pack("<d", value))[0]
