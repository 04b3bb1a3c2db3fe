"""`math.exp/log/tanh/erf` on f64 (scalar or `vector<Nxf64>`) -> branch-free llvm-dialect code.

    %y = math.exp %x : vector<4xf64>
    ->
    %t = llvm.intr.fma(%xc, %log2e, %magic) ; %n = llvm.fsub %t, %magic     (n = round(x log2 e))
    %r = llvm.intr.fma(%n, %minus_ln2_hi, %xc) ; ...                        (Taylor polynomial in r)
    %k = llvm.bitcast %t : vector<4xf64> to vector<4xi64> ; ... llvm.shl ... (2^n in the exponent bits)

The f64 twins of `math_polynomials.py` (same structure, same special values), emitted with
`FloatBuilder` on f64 and i64:

* exp: clamp x to [-760, 710], n = round(x log2 e) by the 1.5*2^52 magic number, Cody-Waite
  r = x - n ln2 with fdlibm's ln2 split (hi has 32 bits, so n * hi is exact), Taylor degree 13
  (remainder < 2^-60 on |r| <= ln2/2), 2^n as two exponent-bit factors (inf on overflow,
  subnormals then 0 on underflow).
* log: fdlibm's e_log: subnormals scaled by 2^54, m in [sqrt(1/2), sqrt 2), f = m - 1,
  s = f / (2 + f), log(1 + f) = f - (hfsq - s (hfsq + R(s^2))) with the degree-14 Remez
  polynomial R (Lg1..Lg7); log 0 = -inf, log(x<0) = NaN, log inf = inf.
* tanh: |x| < 0.625 Cephes x + x^3 P(x^2)/Q(x^2), else sign(x) (1 - 2 / (exp(2|x|) + 1)).
* erf: fdlibm's s_erf, its four intervals computed side by side and selected:
  [0, 0.84375) x + x R/S, [0.84375, 1.25) erx + P/Q(|x|-1), [1.25, 6) 1 - exp(-z^2 - 0.5625)
  exp((z-|x|)(z+|x|) + R/S(1/x^2)) / |x| (z = |x| with its low 32 bits cleared, so z^2 is
  exact), then +-1.
"""

from __future__ import annotations

import math

from xdsl.dialects import llvm
from xdsl.ir import SSAValue

from dlir.passes.lowering.float_builder import FloatBuilder, float_bits

_MAGIC = 6755399441055744.0  # 1.5 * 2^52
LN2_HI = 6.93147180369123816490e-01  # 0x3fe62e42fee00000
LN2_LO = 1.90821492927058770002e-10
_EXP_TAYLOR = tuple(1.0 / math.factorial(k) for k in range(13, 1, -1))  # 1/13! ... 1/2!
_LG_ODD = (
    1.479819860511658591e-01,
    1.818357216161805012e-01,
    2.857142874366239149e-01,
    6.666666666666735130e-01,
)  # Lg7 Lg5 Lg3 Lg1
_LG_EVEN = (
    1.531383769920937332e-01,
    2.222219843214978396e-01,
    3.999999999940941908e-01,
)  # Lg6 Lg4 Lg2
_TANH_P = (-9.64399179425052238628e-1, -9.92877231001918586564e1, -1.61468768441708447952e3)
_TANH_Q = (1.0, 1.12811678491632931402e2, 2.23548839060100448583e3, 4.84406305325125486048e3)
_ERX = 8.45062911510467529297e-01
_ERF_PP = (
    -2.37630166566501626084e-05,
    -5.77027029648944159157e-03,
    -2.84817495755985104766e-02,
    -3.25042107247001499370e-01,
    1.28379167095512558561e-01,
)
_ERF_QQ = (
    -3.96022827877536812320e-06,
    1.32494738004321644526e-04,
    5.08130628187576562776e-03,
    6.50222499887672944485e-02,
    3.97917223959155352819e-01,
    1.0,
)
_ERF_PA = (
    -2.16637559486879084300e-03,
    3.54783043256182359371e-02,
    -1.10894694282396677476e-01,
    3.18346619901161753674e-01,
    -3.72207876035701323847e-01,
    4.14856118683748331666e-01,
    -2.36211856075265944077e-03,
)
_ERF_QA = (
    1.19844998467991074170e-02,
    1.36370839120290507362e-02,
    1.26171219808761642112e-01,
    7.18286544141962662868e-02,
    5.40397917702171048937e-01,
    1.06420880400844228286e-01,
    1.0,
)
_ERF_RA = (
    -9.81432934416914548592e00,
    -8.12874355063065934246e01,
    -1.84605092906711035994e02,
    -1.62396669462573470355e02,
    -6.23753324503260060396e01,
    -1.05586262253232909814e01,
    -6.93858572707181764372e-01,
    -9.86494403484714822705e-03,
)
_ERF_SA = (
    -6.04244152148580987438e-02,
    6.57024977031928170135e00,
    1.08635005541779435134e02,
    4.29008140027567833386e02,
    6.45387271733267880336e02,
    4.34565877475229228821e02,
    1.37657754143519042600e02,
    1.96512716674392571292e01,
    1.0,
)
_ERF_RB = (
    -4.83519191608651397019e02,
    -1.02509513161107724954e03,
    -6.37566443368389627722e02,
    -1.60636384855821916062e02,
    -1.77579549177547519889e01,
    -7.99283237680523006574e-01,
    -9.86494292470009928597e-03,
)
_ERF_SB = (
    -2.24409524465858183362e01,
    4.74528541206955367215e02,
    2.55305040643316442583e03,
    3.19985821950859553908e03,
    1.53672958608443695994e03,
    3.25792512996573918826e02,
    3.03380607434824582924e01,
    1.0,
)


def _pow2(b: FloatBuilder, n: SSAValue) -> SSAValue:
    """2^n for an i64 n in [-1022, 1023], built in the exponent bits."""
    biased = b.ibin(llvm.AddOp, n, b.iconst(1023))
    return b.to_float(b.ibin(llvm.ShlOp, biased, b.iconst(52)))


def emit_exp64(b: FloatBuilder, x: SSAValue) -> SSAValue:
    """exp(x) on f64; see the module docstring."""
    xc = b.min(b.max(x, b.const(-760.0)), b.const(710.0))
    t = b.fma(xc, b.const(1.4426950408889634), b.const(_MAGIC))
    n = b.sub(t, b.const(_MAGIC))
    r = b.fma(n, b.const(-LN2_HI), xc)
    r = b.fma(n, b.const(-LN2_LO), r)
    p = b.poly(r, _EXP_TAYLOR)
    y = b.add(b.fma(p, b.mul(r, r), r), b.const(1.0))
    n_int = b.ibin(llvm.SubOp, b.to_int(t), b.iconst(float_bits(_MAGIC, 64)))
    half = b.ibin(llvm.AShrOp, n_int, b.iconst(1))
    rest = b.ibin(llvm.SubOp, n_int, half)
    scaled = b.mul(b.mul(y, _pow2(b, half)), _pow2(b, rest))
    return b.nan_passes(x, scaled)


def log_terms(b: FloatBuilder, x: SSAValue) -> tuple[SSAValue, SSAValue, SSAValue, SSAValue]:
    """fdlibm e_log's pieces for a finite positive f64 x: (e, f, s, r) with
    x = 2^e (1 + f), f in [sqrt(1/2) - 1, sqrt 2 - 1), s = f / (2 + f) and
    log(1 + f) = f - (f^2/2 - s (f^2/2 + r))."""
    subnormal = b.below(x, 2.2250738585072014e-308)  # and zeros and negatives, replaced later
    xs = b.select(subnormal, b.mul(x, b.const(2.0**54)), x)
    bits = b.to_int(xs)
    exponent = b.ibin(llvm.LShrOp, bits, b.iconst(52))
    mantissa_bits = b.ibin(llvm.AndOp, bits, b.iconst((1 << 52) - 1))
    m = b.to_float(b.ibin(llvm.OrOp, mantissa_bits, b.iconst(float_bits(0.5, 64))))  # [0.5, 1)
    e = b.int_to_float(b.ibin(llvm.SubOp, exponent, b.iconst(1022)))
    e = b.select(subnormal, b.sub(e, b.const(54.0)), e)
    small = b.below(m, math.sqrt(0.5))
    e = b.select(small, b.sub(e, b.const(1.0)), e)
    f = b.sub(b.select(small, b.add(m, m), m), b.const(1.0))
    s = b.div(f, b.add(f, b.const(2.0)))
    z = b.mul(s, s)
    w = b.mul(z, z)
    r = b.fma(z, b.poly(w, _LG_ODD), b.mul(w, b.poly(w, _LG_EVEN)))
    return e, f, s, r


def emit_log64(b: FloatBuilder, x: SSAValue) -> SSAValue:
    """log(x) on f64; see the module docstring."""
    e, f, s, r = log_terms(b, x)
    hfsq = b.mul(b.mul(f, f), b.const(0.5))
    inner = b.fma(s, b.add(hfsq, r), b.mul(e, b.const(LN2_LO)))
    result = b.fma(e, b.const(LN2_HI), b.sub(f, b.sub(hfsq, inner)))
    inf = float("inf")
    x_bits = b.to_int(x)
    result = b.select(b.icmp("eq", x_bits, b.iconst(float_bits(inf, 64))), b.const(inf), result)
    result = b.select(b.icmp("slt", x_bits, b.iconst(0)), b.const(float("nan")), result)
    is_zero = b.icmp("eq", b.magnitude_bits(x), b.iconst(0))
    result = b.select(is_zero, b.const(-inf), result)
    return b.nan_passes(x, result)


def emit_tanh64(b: FloatBuilder, x: SSAValue) -> SSAValue:
    """tanh(x) on f64; see the module docstring."""
    z = b.mul(x, x)
    ratio = b.div(b.poly(z, _TANH_P), b.poly(z, _TANH_Q))
    small = b.fma(b.mul(x, z), ratio, x)
    ax = b.abs(x)
    e = emit_exp64(b, b.add(ax, ax))
    large = b.sub(b.const(1.0), b.div(b.const(2.0), b.add(e, b.const(1.0))))
    return b.copysign(b.select(b.below(ax, 0.625), small, large), x)


def emit_erf64(b: FloatBuilder, x: SSAValue) -> SSAValue:
    """erf(x) on f64; see the module docstring."""
    ax = b.abs(x)
    one = b.const(1.0)
    z = b.mul(ax, ax)
    tiny = b.fma(ax, b.div(b.poly(z, _ERF_PP), b.poly(z, _ERF_QQ)), ax)
    s = b.sub(ax, one)
    near_one = b.add(b.const(_ERX), b.div(b.poly(s, _ERF_PA), b.poly(s, _ERF_QA)))
    inverse = b.div(one, z)
    mid = b.below(ax, 1.0 / 0.35)
    rational = b.select(
        mid,
        b.div(b.poly(inverse, _ERF_RA), b.poly(inverse, _ERF_SA)),
        b.div(b.poly(inverse, _ERF_RB), b.poly(inverse, _ERF_SB)),
    )
    high_bits = b.ibin(llvm.AndOp, b.to_int(ax), b.iconst(-(1 << 32)))
    zh = b.to_float(high_bits)
    first = emit_exp64(b, b.sub(b.neg(b.mul(zh, zh)), b.const(0.5625)))
    second = emit_exp64(b, b.fma(b.sub(zh, ax), b.add(zh, ax), rational))
    tail = b.sub(one, b.div(b.mul(first, second), ax))
    result = b.select(b.below(ax, 6.0), tail, one)
    result = b.select(b.below(ax, 1.25), near_one, result)
    result = b.select(b.below(ax, 0.84375), tiny, result)
    return b.nan_passes(x, b.copysign(result, x))
