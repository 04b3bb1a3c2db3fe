"""`math.powf/fpowi/ipowi` -> branch-free llvm-dialect code (scalars and 1-D vectors).

    %p = math.powf %x, %y : f32
    ->
    %X = llvm.fpext |x| to f64 ; %L = log(%X) ; %p = llvm.fptrunc exp(%Y * %L)    (math_f64.py)
       + selects for C99's special cases

powf: |x|^y = exp(y log|x|), then C99/numpy's special cases by selects: x^0 = 1 and 1^y = 1
(even for NaN), (-1)^(+-inf) = 1, 0^y = 0 or inf by the sign of y, inf^y likewise, (|x| <> 1)^(+-inf) = 0 or inf,
the sign of x kept for odd integer y, NaN for a finite negative x and a finite non-integer y.

* f32 works in f64 (its log and exp are within an f64 ulp), so the product's rounding
  cannot reach the f32 result: correctly rounded but for rare halfway cases.
* f64 keeps log|x| as a double-double (hi + lo, from fdlibm's e_log terms summed with 2Sum),
  multiplies it by y exactly with an fma, and corrects exp(hi) by (1 + lo). The log's
  remaining error (about 2^-58) is multiplied by |y|: measured against glibc's pow, at most
  3 ulp while |y log x| < 50, and up to ~30 ulp for large |y| where the result nears the
  overflow or underflow threshold (|y log x| near 700).

fpowi is powf with the exponent converted by sitofp. ipowi is square-and-multiply over every
bit of the exponent (wrapping like numpy's integer power); a negative exponent gives
1 / x^-n truncated: 1 for x = 1, +-1 for x = -1, else 0.
"""

from __future__ import annotations

from xdsl.dialects import llvm, math
from xdsl.dialects.builtin import IntegerAttr, f64, i64
from xdsl.ir import Operation, SSAValue
from xdsl.pattern_rewriter import PatternRewriter, RewritePattern

from dlir.passes.lowering.float_builder import (
    ICMP_PREDICATES,
    FloatBuilder,
    constant,
    element_of,
    float_bits,
    int_width,
    select_ops,
)
from dlir.passes.lowering.math_f64 import LN2_HI, LN2_LO, emit_exp64, log_terms
from dlir.passes.lowering.types import llvm_type


def _two_sum(b: FloatBuilder, x: SSAValue, y: SSAValue) -> tuple[SSAValue, SSAValue]:
    """(s, e) with s = fl(x + y) and s + e = x + y exactly (Knuth's 2Sum)."""
    s = b.add(x, y)
    z = b.sub(s, x)
    e = b.add(b.sub(x, b.sub(s, z)), b.sub(y, z))
    return s, e


def _log_double(b: FloatBuilder, x: SSAValue) -> tuple[SSAValue, SSAValue]:
    """log(x) as hi + lo for a finite positive f64 x (fdlibm e_log's terms, summed exactly)."""
    e, f, s, r = log_terms(b, x)
    half_f = b.mul(f, b.const(0.5))
    hfsq = b.mul(half_f, f)
    hfsq_error = b.fma(half_f, f, b.neg(hfsq))  # hfsq + hfsq_error = f^2 / 2 exactly
    tail = b.fma(s, b.add(hfsq, r), b.mul(e, b.const(LN2_LO)))
    hi, lo = _two_sum(b, b.mul(e, b.const(LN2_HI)), f)  # e * ln2_hi is exact
    hi, lo2 = _two_sum(b, hi, b.neg(hfsq))
    lo = b.sub(b.add(lo, lo2), hfsq_error)
    hi, lo3 = _two_sum(b, hi, tail)
    return hi, b.add(lo, lo3)


def _magnitude(b: FloatBuilder, ax: SSAValue, y: SSAValue) -> SSAValue:
    """|x|^y for a finite positive |x| and finite y (garbage elsewhere, replaced by the caller)."""
    if element_of(ax.type) != f64:
        wide = b.twin(f64)
        ax64 = wide.emit(llvm.FPExtOp(ax, wide.float_type))
        y64 = wide.emit(llvm.FPExtOp(y, wide.float_type))
        hi, _ = _log_double(wide, ax64)
        value = emit_exp64(wide, wide.mul(y64, hi))
        return b.emit(llvm.FPTruncOp(value, b.float_type))
    hi, lo = _log_double(b, ax)
    product = b.mul(y, hi)
    product_lo = b.fma(y, lo, b.fma(y, hi, b.neg(product)))
    value = emit_exp64(b, product)
    corrected = b.fma(value, product_lo, value)
    infinite = b.icmp("eq", b.magnitude_bits(value), b.iconst(float_bits(float("inf"), 64)))
    return b.select(infinite, value, corrected)


def emit_pow(b: FloatBuilder, x: SSAValue, y: SSAValue) -> SSAValue:
    """x^y with C99/numpy special values; see the module docstring."""
    zero, one, inf = b.const(0.0), b.const(1.0), b.const(float("inf"))
    ax = b.abs(x)
    result = _magnitude(b, ax, y)
    y_negative = b.fcmp("olt", y, zero)
    # 0^y and inf^y: 0 or inf by the sign of y
    result = b.select(b.fcmp("oeq", ax, zero), b.select(y_negative, inf, zero), result)
    result = b.select(b.fcmp("oeq", ax, inf), b.select(y_negative, zero, inf), result)
    # (|x| <> 1)^(+-inf)
    below_one = b.fcmp("olt", ax, one)
    grows = b.select(below_one, zero, inf)
    shrinks = b.select(below_one, inf, zero)
    result = b.select(b.fcmp("oeq", y, inf), grows, result)
    result = b.select(b.fcmp("oeq", y, b.const(float("-inf"))), shrinks, result)
    # the sign: negative x keeps it for odd integer y; NaN for finite x < 0, finite y not integer
    y_integer = b.fcmp("oeq", b.trunc(y), y)
    half = b.mul(y, b.const(0.5))
    y_odd = b.both(y_integer, b.negate(b.fcmp("oeq", b.trunc(half), half)))
    x_sign = b.icmp("slt", b.to_int(x), b.iconst(0))
    result = b.select(b.both(x_sign, y_odd), b.neg(result), result)
    finite_negative = b.both(b.fcmp("olt", x, zero), b.fcmp("one", ax, inf))
    not_integer = b.negate(b.either(y_integer, b.is_nan(y)))
    result = b.select(b.both(finite_negative, not_integer), b.const(float("nan")), result)
    result = b.select(b.either(b.is_nan(x), b.is_nan(y)), b.add(x, y), result)
    exact_one = b.either(b.fcmp("oeq", y, zero), b.fcmp("oeq", x, one))
    minus_one_to_inf = b.both(b.fcmp("oeq", x, b.const(-1.0)), b.fcmp("oeq", b.abs(y), inf))
    exact_one = b.either(exact_one, minus_one_to_inf)
    return b.select(exact_one, one, result)


def _ipowi(base: SSAValue, exponent: SSAValue) -> list[Operation]:
    """Square-and-multiply over the bits of `exponent`; the last op's result is the power."""
    type = llvm_type(base.type)
    width = int_width(base.type)
    ops: list[Operation] = []

    def emit(op: Operation) -> SSAValue:
        ops.append(op)
        return op.results[0]

    def const(value: int) -> SSAValue:
        return emit(constant(type, value))

    def binary(
        op_type: type[llvm.MulOp | llvm.AndOp | llvm.LShrOp | llvm.SubOp], a: SSAValue, b: SSAValue
    ) -> SSAValue:
        return emit(op_type.create(operands=[a, b], result_types=[type]))

    def icmp(predicate: str, a: SSAValue, b: SSAValue) -> SSAValue:
        return emit(llvm.ICmpOp(a, b, IntegerAttr(ICMP_PREDICATES[predicate], i64)))

    def select(cond: SSAValue, a: SSAValue, b: SSAValue) -> SSAValue:
        chosen = select_ops(cond, a, b, type)
        ops.extend(chosen)
        return chosen[-1].results[0]

    one, zero = const(1), const(0)
    result, square = one, base
    for bit in range(width - 1):
        set_bit = icmp(
            "ne", binary(llvm.AndOp, binary(llvm.LShrOp, exponent, const(bit)), one), zero
        )
        result = binary(llvm.MulOp, result, select(set_bit, square, one))
        square = binary(llvm.MulOp, square, square)
    # negative exponents: 1 / base^n truncated toward zero
    odd = icmp("ne", binary(llvm.AndOp, exponent, one), zero)
    minus_one = const(-1)
    inverse = select(icmp("eq", base, one), one, zero)
    inverse = select(icmp("eq", base, minus_one), select(odd, minus_one, one), inverse)
    select(icmp("slt", exponent, zero), inverse, result)
    return ops


class MathPowToLLVM(RewritePattern):
    """`math.powf/fpowi` on f32/f64 (scalar or vector) and `math.ipowi` -> inline llvm code."""

    # %p = math.powf %x, %y : f32 -> exp(y log|x|) in f64, fptrunc, special-case selects
    # %p = math.fpowi %x, %n : f32, i32 -> %y = llvm.sitofp %n ; then as powf
    # %p = math.ipowi %x, %n : i32 -> square-and-multiply over the 31 bits of n, selects
    def match_and_rewrite(self, op: Operation, rewriter: PatternRewriter, /) -> None:
        if isinstance(op, math.IPowIOp):
            ops = _ipowi(op.lhs, op.rhs)
            rewriter.replace(op, ops, [ops[-1].results[0]])
            return
        if not isinstance(op, math.PowFOp | math.FPowIOp):
            return
        b = FloatBuilder(op.lhs.type)
        exponent = op.rhs
        if isinstance(op, math.FPowIOp):
            exponent = b.emit(llvm.SIToFPOp(op.rhs, b.float_type))
        rewriter.replace(op, b.ops, [emit_pow(b, op.lhs, exponent)])
