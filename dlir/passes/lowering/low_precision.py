"""Software conversions between f32 and the 8-bit (and 4-bit) float formats, in llvm ops.

    %f = arith.extf %x : f8E4M3FN to f32
      -> %u = llvm.zext %x : i8 to i32 ; sign, exponent and mantissa fields re-biased into
         f32 bits (subnormals scaled exactly in f32) ; NaN codes -> NaN ; llvm.bitcast to f32
    %y = arith.truncf %f : f32 to f8E5M2
      -> round to nearest even on the f32 bits (normal range) or by the 2^23 magic add
         (subnormal range) ; overflow and NaN per format ; llvm.trunc to i8

LLVM has no type for these formats: in memory and in registers they are their bits, an i8
(`llvm_type`), one element per byte (f4E2M1FN in the low four bits). The results are those
of ml_dtypes' `astype` (non-saturating): overflow is NaN in f8E4M3FN and the FNUZ formats,
infinity in f8E5M2, and saturates in f4E2M1FN (no NaN, no infinity). ONNX's saturating
cast is a clip before the conversion (`dlir.frontend.onnx`). f8E8M0FNU decodes only.
Scalars and 1-D vectors of them alike. Only f32 converts directly: `graph-to-te` goes
through f32 for every other source and target.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from xdsl.dialects import arith, llvm
from xdsl.dialects.builtin import (
    Float4E2M1FNType,
    Float8E4M3FNType,
    Float8E4M3FNUZType,
    Float8E5M2FNUZType,
    Float8E5M2Type,
    Float8E8M0FNUType,
    Float32Type,
    IntegerType,
)
from xdsl.ir import Attribute, Operation, SSAValue
from xdsl.pattern_rewriter import PatternRewriter, RewritePattern
from xdsl.utils.exceptions import DiagnosticException

from dlir.passes.lowering.float_builder import FloatBuilder, element_of, with_element

Kind = Literal["fn", "fnuz", "ieee", "finite", "e8m0"]


@dataclass(frozen=True)
class Format:
    """A float format of at most 8 bits: sign (none for e8m0), `exponent` and `mantissa` bits."""

    exponent: int
    mantissa: int
    bias: int
    kind: Kind
    """fn: no infinity, all-ones is NaN; fnuz: no -0, 0x80 is NaN; ieee: infinities and
    NaNs as IEEE 754; finite: neither (overflow saturates); e8m0: 2^(bits - 127), 0xFF NaN."""

    @property
    def max_code(self) -> int:
        """The bits of the largest finite value, sign excluded."""
        if self.kind == "e8m0":
            return 0xFE
        top = (1 << (self.exponent + self.mantissa)) - 1
        fewer = {"fn": 1, "fnuz": 0, "ieee": 1 << self.mantissa, "finite": 0}[self.kind]
        return top - fewer


FORMATS: dict[type[Attribute], Format] = {
    Float8E4M3FNType: Format(4, 3, 7, "fn"),
    Float8E4M3FNUZType: Format(4, 3, 8, "fnuz"),
    Float8E5M2Type: Format(5, 2, 15, "ieee"),
    Float8E5M2FNUZType: Format(5, 2, 16, "fnuz"),
    Float4E2M1FNType: Format(2, 1, 1, "finite"),
    Float8E8M0FNUType: Format(8, 0, 127, "e8m0"),
}


def format_of(type: Attribute) -> Format | None:
    """The format of a scalar or vector of f8E4M3FN, ..., f4E2M1FN; None for other types."""
    return FORMATS.get(type.__class__) or FORMATS.get(element_of(type).__class__)


_QUIET_NAN = 0x7FC00000
_MAGIC = 0x4B000000  # the bits of 2^23: adding it rounds a smaller float to an integer


def decode(b: FloatBuilder, bits: SSAValue, fmt: Format) -> SSAValue:
    """The f32 value (of `b`'s type) of the i8 codes `bits` in `fmt`; exact."""
    u = b.emit(llvm.ZExtOp(bits, b.int_type))
    if fmt.kind == "e8m0":
        # 2^(u - 127); u = 0 is 2^-127, an f32 subnormal; 0xFF is NaN
        normal = b.ibin(llvm.ShlOp, u, b.iconst(23))
        value = b.select(b.icmp("eq", u, b.iconst(0)), b.iconst(0x00400000), normal)
        return b.to_float(b.select(b.icmp("eq", u, b.iconst(0xFF)), b.iconst(_QUIET_NAN), value))
    e, m = fmt.exponent, fmt.mantissa
    sign = b.ibin(llvm.ShlOp, b.ibin(llvm.LShrOp, u, b.iconst(e + m)), b.iconst(31))
    exponent = b.ibin(llvm.AndOp, b.ibin(llvm.LShrOp, u, b.iconst(m)), b.iconst((1 << e) - 1))
    mantissa = b.ibin(llvm.AndOp, u, b.iconst((1 << m) - 1))
    rebiased = b.ibin(llvm.AddOp, exponent, b.iconst(127 - fmt.bias))
    normal = b.ibin(
        llvm.OrOp,
        b.ibin(llvm.ShlOp, rebiased, b.iconst(23)),
        b.ibin(llvm.ShlOp, mantissa, b.iconst(23 - m)),
    )
    # subnormal: mantissa * 2^(1 - bias - m), exact in f32
    scaled = b.mul(b.int_to_float(mantissa), b.const(2.0 ** (1 - fmt.bias - m)))
    subnormal = b.to_int(scaled)
    magnitude = b.select(b.icmp("eq", exponent, b.iconst(0)), subnormal, normal)
    value = b.ibin(llvm.OrOp, sign, magnitude)
    if fmt.kind == "ieee":
        special = b.ibin(
            llvm.OrOp,
            b.ibin(llvm.OrOp, sign, b.iconst(0x7F800000)),
            b.ibin(llvm.ShlOp, mantissa, b.iconst(23 - m)),
        )
        value = b.select(b.icmp("eq", exponent, b.iconst((1 << e) - 1)), special, value)
    elif fmt.kind == "fn":
        all_ones = (1 << (e + m)) - 1
        is_nan = b.icmp("eq", b.ibin(llvm.AndOp, u, b.iconst(all_ones)), b.iconst(all_ones))
        value = b.select(is_nan, b.iconst(_QUIET_NAN), value)
    elif fmt.kind == "fnuz":
        value = b.select(b.icmp("eq", u, b.iconst(1 << (e + m))), b.iconst(_QUIET_NAN), value)
    return b.to_float(value)


def encode(b: FloatBuilder, x: SSAValue, fmt: Format, result_type: Attribute) -> SSAValue:
    """The codes (of `result_type`, i8 or a vector of i8) of the f32 `x` rounded to `fmt`
    to nearest, ties to even, with `fmt`'s overflow and NaN rules."""
    if fmt.kind == "e8m0":
        raise DiagnosticException(
            "arith.truncf to f8E8M0FNU has no lowering (ONNX rounds it up, not to nearest): "
            "f8E8M0FNU converts to f32 only"
        )
    e, m = fmt.exponent, fmt.mantissa
    u = b.to_int(x)
    sign = b.ibin(llvm.LShrOp, b.ibin(llvm.AndOp, u, b.iconst(1 << 31)), b.iconst(31 - e - m))
    a = b.ibin(llvm.AndOp, u, b.iconst(0x7FFFFFFF))
    emin = 1 - fmt.bias
    # below the smallest normal: scale so that one unit is the subnormal step, round there
    scaled = b.mul(b.to_float(a), b.const(2.0 ** (m - emin)))
    rounded_sub = b.ibin(llvm.SubOp, b.to_int(b.add(scaled, b.const(2.0**23))), b.iconst(_MAGIC))
    # normal: round the f32 bits to m mantissa bits (ties to even), then re-bias
    shift = 23 - m
    odd = b.ibin(llvm.AndOp, b.ibin(llvm.LShrOp, a, b.iconst(shift)), b.iconst(1))
    bias = b.ibin(llvm.AddOp, b.iconst((1 << (shift - 1)) - 1), odd)
    rounded = b.ibin(llvm.LShrOp, b.ibin(llvm.AddOp, a, bias), b.iconst(shift))
    normal = b.ibin(llvm.SubOp, rounded, b.iconst((127 - fmt.bias) << m))
    smallest_normal = (127 + emin) << 23
    is_sub = b.icmp("slt", a, b.iconst(smallest_normal))
    code = b.select(is_sub, rounded_sub, normal)
    overflow = b.icmp("sgt", code, b.iconst(fmt.max_code))
    is_nan = b.icmp("sgt", a, b.iconst(0x7F800000))
    top = (1 << (e + m)) - 1
    if fmt.kind == "fn":
        code = b.select(b.either(overflow, is_nan), b.iconst(top), code)
        code = b.ibin(llvm.OrOp, sign, code)
    elif fmt.kind == "fnuz":
        signed = b.select(b.icmp("eq", code, b.iconst(0)), code, b.ibin(llvm.OrOp, sign, code))
        code = b.select(b.either(overflow, is_nan), b.iconst(1 << (e + m)), signed)
    elif fmt.kind == "ieee":
        infinity = (1 << (e + m)) - (1 << m)
        code = b.select(overflow, b.iconst(infinity), code)
        code = b.select(is_nan, b.iconst(infinity | (1 << (m - 1))), code)
        code = b.ibin(llvm.OrOp, sign, code)
    else:  # finite: overflow saturates; NaN is a zero of the other sign, as in ml_dtypes
        code = b.select(overflow, b.iconst(top), code)
        nan_code = b.ibin(llvm.XOrOp, sign, b.iconst(1 << (e + m)))
        code = b.select(is_nan, nan_code, b.ibin(llvm.OrOp, sign, code))
    return b.emit(llvm.TruncOp(code, result_type))


class LowPrecisionCastToLLVM(RewritePattern):
    # %f = arith.extf %x : f8E4M3FN to f32   -> `decode` on the i8 bits
    # %y = arith.truncf %f : f32 to f8E5M2   -> `encode` into i8 bits
    # (before the other patterns: after them the operand is an i8 that names no format)
    def match_and_rewrite(self, op: Operation, rewriter: PatternRewriter, /) -> None:
        if isinstance(op, arith.ExtFOp) and (fmt := format_of(op.input.type)) is not None:
            _check_f32(op, op.result.type)
            b = FloatBuilder(op.result.type)
            rewriter.replace(op, b.ops, [decode(b, op.input, fmt)])
        elif isinstance(op, arith.TruncFOp) and (fmt := format_of(op.result.type)) is not None:
            _check_f32(op, op.input.type)
            b = FloatBuilder(op.input.type)
            bits = with_element(op.result.type, IntegerType(8))
            value = encode(b, op.input, fmt, bits)
            rewriter.replace(op, b.ops, [value])
        elif isinstance(op, arith.ExtFOp | arith.TruncFOp) and format_of(op.result.type):
            raise DiagnosticException(f"{op.name} to {op.result.type} has no lowering")


def _check_f32(op: Operation, other: Attribute) -> None:
    if not isinstance(element_of(other), Float32Type):
        raise DiagnosticException(
            f"{op.name} between {op.operands[0].type} and {op.results[0].type}: the 8-bit "
            "float formats convert to and from f32 only (convert through f32)"
        )
