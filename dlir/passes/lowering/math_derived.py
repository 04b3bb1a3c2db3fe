"""`math.exp2/log2/log10/expm1/log1p` built on the inline exp and log (f32 or f64, scalar or
vector), each with its own correction so that the result stays within a few ulp.

    %y = math.log1p %x : f32
    ->
    %u = llvm.fadd %x, 1.0 ; %l = (inline log of %u)
    %y = %l - ((%u - 1) - %x) / %u, then selects: u == 1 -> x, u == 0 -> -inf, x == inf -> inf

* exp2: x = n + r with n = round(x) exact, 2^r = exp(r ln 2) on |r| <= 1/2, then 2^n as two
  exponent-bit factors (as in exp: overflow gives inf, underflow subnormals then 0).
* log2 / log10: log(x) times 1/ln 2 or 1/ln 10 (one more rounding: within 2 ulp).
* log1p: log(1 + x) corrected by the rounding error of 1 + x (Goldberg's trick).
* expm1: Kahan's (e^x - 1) x / log(e^x), exact near 0 where e^x rounds to 1.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from xdsl.dialects import llvm
from xdsl.ir import SSAValue

from dlir.passes.lowering.float_builder import FloatBuilder, float_bits

Unary = Callable[[FloatBuilder, SSAValue], SSAValue]


def _pow2(b: FloatBuilder, n: SSAValue) -> SSAValue:
    """2^n for an integer n of the builder's integer type within the normal exponents."""
    bias, shift = (127, 23) if b.width == 32 else (1023, 52)
    biased = b.ibin(llvm.AddOp, n, b.iconst(bias))
    return b.to_float(b.ibin(llvm.ShlOp, biased, b.iconst(shift)))


def emit_exp2(b: FloatBuilder, x: SSAValue, exp: Unary) -> SSAValue:
    low, high = (-160.0, 130.0) if b.width == 32 else (-1100.0, 1030.0)
    xc = b.min(b.max(x, b.const(low)), b.const(high))
    magic = 1.5 * 2.0 ** (23 if b.width == 32 else 52)
    t = b.add(xc, b.const(magic))  # rounds xc to the nearest integer, held in the low bits
    n = b.sub(t, b.const(magic))
    y = exp(b, b.mul(b.sub(xc, n), b.const(math.log(2.0))))
    n_int = b.ibin(llvm.SubOp, b.to_int(t), b.iconst(float_bits(magic, b.width)))
    half = b.ibin(llvm.AShrOp, n_int, b.iconst(1))
    rest = b.ibin(llvm.SubOp, n_int, half)
    return b.nan_passes(x, b.mul(b.mul(y, _pow2(b, half)), _pow2(b, rest)))


def emit_log_base(b: FloatBuilder, x: SSAValue, log: Unary, base: float) -> SSAValue:
    return b.mul(log(b, x), b.const(1.0 / math.log(base)))


def emit_log1p(b: FloatBuilder, x: SSAValue, log: Unary) -> SSAValue:
    one = b.const(1.0)
    u = b.add(x, one)
    lost = b.sub(b.sub(u, one), x)  # (1 + x) rounded, minus 1 + x: exact
    result = b.sub(log(b, u), b.div(lost, u))
    result = b.select(b.fcmp("oeq", u, one), x, result)
    result = b.select(b.fcmp("oeq", u, b.const(0.0)), b.const(float("-inf")), result)
    inf = b.const(float("inf"))
    return b.select(b.fcmp("oeq", x, inf), inf, result)


def emit_expm1(b: FloatBuilder, x: SSAValue, exp: Unary, log: Unary) -> SSAValue:
    one = b.const(1.0)
    u = exp(b, x)
    u_minus_one = b.sub(u, one)
    result = b.mul(u_minus_one, b.div(x, log(b, u)))
    result = b.select(b.fcmp("oeq", u, one), x, result)
    result = b.select(b.fcmp("oeq", u_minus_one, b.const(-1.0)), b.const(-1.0), result)
    inf = b.const(float("inf"))
    return b.select(b.fcmp("oeq", u, inf), inf, result)
