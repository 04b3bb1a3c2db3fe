"""`math.exp/log/tanh/erf` on f32 (scalar or `vector<Nxf32>`) -> branch-free llvm-dialect code
(f64 in `math_f64.py`; the pattern here dispatches both).

    %y = math.exp %x : vector<8xf32>
    ->
    %t = llvm.intr.fma(%xc, %log2e, %magic) ; %n = llvm.fsub %t, %magic      (n = round(x log2 e))
    %r = llvm.intr.fma(%n, %minus_ln2_hi, %xc) ; %r2 = llvm.intr.fma(%n, %minus_ln2_lo, %r)
    %p = llvm.intr.fma(...) ...                     (minimax polynomial in r)
    %k = llvm.shl (llvm.bitcast %t), 23 ; %a = smin(smax(%k, -126 << 23), 126 << 23)
    %s = llvm.fmul (bitcast (bitcast %p) + %a), (bitcast (%k - %a + 127 << 23))    (p 2^(n-1))
    %y = llvm.call_intrinsic "llvm.vp.select.v8f32"(%isnan, %x, %s, %c8)

Only selects, integer/float arithmetic, bitcasts and the fma/maxnum/minnum/copysign
intrinsics: no calls, so LLVM vectorizes loops over the result. xDSL 0.74's llvm.fcmp and
llvm.select take no vectors, so float tests compare the bits with llvm.icmp, and a vector
select is `llvm.vp.select` (see `float_builder.py`). Constants are splats of the operand's
type. Algorithms (f32, round to nearest):

* exp (~20 vector instructions, 8 of them fmas, within 0.86 ulp): clamp x to [-104, 88.8],
  n = round(x log2 e) by the (1.5*2^23 - 1) magic-number trick (the low bits of the sum
  hold n - 1, the exponent of the scale 2^(n-1): one shift puts it in place, no fptosi),
  two-constant Cody-Waite r = x - n ln2, a degree-6 minimax polynomial for 2 e^r (the
  coefficients doubled, exactly, so that the scale stays 2^(n-1) <= 2^127), whose
  exponent bits get a = clamp(n - 1, -126, 126) added (an integer add: the product stays
  normal and finite), times 2^(n-1-a): 1 except below x = -87.3, where the one multiply
  rounds the result into the subnormals (then 0), and at n = 128 (2: inf where e^x
  overflows). No compare, no select but NaN's, which passes.
* log: subnormals scaled by 2^23; exponent and mantissa m in [sqrt(1/2), sqrt 2) split by
  bitcast, Cephes degree-9 polynomial in m - 1; log 0 = -inf, log(x<0) = NaN, log inf = inf.
* tanh: |x| < 0.625 Cephes odd polynomial, else sign(x) (1 - 2 / (exp(2|x|) + 1)), which
  saturates to +-1 (exp overflows to inf); NaN passes, -0 stays -0.
* erf: Eigen/XLA rational approximation x (P(x^2) / Q(x^2)) on x clamped to [-4, 4], result
  clamped to [-1, 1]; NaN passes.
"""

from __future__ import annotations

from collections.abc import Callable

from xdsl.dialects import llvm, math
from xdsl.dialects.builtin import f32, f64
from xdsl.ir import Operation, SSAValue
from xdsl.pattern_rewriter import PatternRewriter, RewritePattern
from xdsl.utils.exceptions import DiagnosticException

from dlir.passes.lowering.float_builder import FloatBuilder, element_of, float_bits
from dlir.passes.lowering.math_derived import emit_exp2, emit_expm1, emit_log1p, emit_log_base
from dlir.passes.lowering.math_f64 import emit_erf64, emit_exp64, emit_log64, emit_tanh64

# e^r = 1 + r (1 + r p(r)) on |r| <= ln2 / 2: a degree-6 minimax fit (onnxruntime MLAS's)
_EXP_POLY = (
    float.fromhex("0x1.694000p-10"),
    float.fromhex("0x1.125edcp-7"),
    float.fromhex("0x1.555b5ap-5"),
    float.fromhex("0x1.555450p-3"),
    float.fromhex("0x1.fffff6p-2"),
)
_LOG_POLY = (
    7.0376836292e-2,
    -1.1514610310e-1,
    1.1676998740e-1,
    -1.2420140846e-1,
    1.4249322787e-1,
    -1.6668057665e-1,
    2.0000714765e-1,
    -2.4999993993e-1,
    3.3333331174e-1,
)
_TANH_POLY = (
    -5.70498872745e-3,
    2.06390887954e-2,
    -5.37397155531e-2,
    1.33314422036e-1,
    -3.33332819422e-1,
)
_ERF_ALPHA = (
    -2.72614225801306e-10,
    2.77068142495902e-08,
    -2.10102402082508e-06,
    -5.69250639462346e-05,
    -7.34990630326855e-04,
    -2.95459980854025e-03,
    -1.60960333262415e-02,
)
_ERF_BETA = (
    -1.45660718464996e-05,
    -2.13374055278905e-04,
    -1.68282697438203e-03,
    -7.37332916720468e-03,
    -1.42647390514189e-02,
)
_LN2_HI = 0.693359375  # exact in 9 bits: n * _LN2_HI is exact for |n| < 2^15
_LN2_LO = -2.12194440e-4
_MAGIC = 12582912.0  # 1.5 * 2^23: x + _MAGIC rounds x to an integer held in the low mantissa bits
_EXP_MAGIC = _MAGIC - 1.0  # ... here n - 1, the exponent of the scale 2^(n-1)
_EXP_POLY_2 = tuple(2.0 * c for c in _EXP_POLY)
_SQRT_HALF = 0.707106781186547524
_MIN_NORMAL = 1.17549435e-38


def emit_exp(b: FloatBuilder, x: SSAValue) -> SSAValue:
    """exp(x); see the module docstring."""
    xc = b.min(b.max(x, b.const(-104.0)), b.const(88.8))
    t = b.fma(xc, b.const(1.44269504088896341), b.const(_EXP_MAGIC))
    n = b.sub(t, b.const(_EXP_MAGIC))
    r = b.fma(n, b.const(-_LN2_HI), xc)
    r = b.fma(n, b.const(-_LN2_LO), r)
    # 2 e^r = 2 + r (2 + r 2p(r)): the coefficients doubled (exactly), paired with 2^(n-1)
    p = b.poly(r, _EXP_POLY_2)
    y2 = b.fma(r, b.fma(r, p, b.const(2.0)), b.const(2.0))
    # the low bits of t hold n - 1: shifted into the exponent field, then split into
    # a = clamp(n - 1, -126, 126), added to y2's exponent bits (y2 2^a stays normal
    # and finite), and 2^(n-1-a), 1 except below x = -87.3 (rounded once into the
    # subnormals, then 0) or at n = 128 (2, overflowing to inf where e^x does)
    k = b.ibin(llvm.ShlOp, b.to_int(t), b.iconst(23))
    a = b.call("llvm.smax", [k, b.iconst(-126 << 23)])
    a = b.call("llvm.smin", [a, b.iconst(126 << 23)])
    rest = b.ibin(llvm.AddOp, b.ibin(llvm.SubOp, k, a), b.iconst(127 << 23))
    normal = b.to_float(b.ibin(llvm.AddOp, b.to_int(y2), a))
    scaled = b.mul(normal, b.to_float(rest))
    return b.nan_passes(x, scaled)


def emit_log(b: FloatBuilder, x: SSAValue) -> SSAValue:
    """log(x); see the module docstring."""
    subnormal = b.below(x, _MIN_NORMAL)  # and zeros and negatives, whose result is replaced
    xs = b.select(subnormal, b.mul(x, b.const(8388608.0)), x)
    bits = b.to_int(xs)
    exponent = b.ibin(llvm.LShrOp, bits, b.iconst(23))
    mantissa_bits = b.ibin(llvm.AndOp, bits, b.iconst(0x007FFFFF))
    m = b.to_float(b.ibin(llvm.OrOp, mantissa_bits, b.iconst(0x3F000000)))  # [0.5, 1)
    e = b.int_to_float(b.ibin(llvm.SubOp, exponent, b.iconst(126)))
    e = b.select(subnormal, b.sub(e, b.const(23.0)), e)
    small = b.below(m, _SQRT_HALF)
    e = b.select(small, b.sub(e, b.const(1.0)), e)
    f = b.sub(b.select(small, b.add(m, m), m), b.const(1.0))
    z = b.mul(f, f)
    y = b.mul(b.mul(f, z), b.poly(f, _LOG_POLY))
    y = b.fma(e, b.const(_LN2_LO), y)
    y = b.fma(z, b.const(-0.5), y)
    result = b.fma(e, b.const(_LN2_HI), b.add(f, y))
    inf_value = float("inf")
    inf = b.const(inf_value)
    x_bits = b.to_int(x)
    result = b.select(b.icmp("eq", x_bits, b.iconst(float_bits(inf_value, 32))), inf, result)
    result = b.select(b.icmp("slt", x_bits, b.iconst(0)), b.const(float("nan")), result)
    is_zero = b.icmp("eq", b.magnitude_bits(x), b.iconst(0))
    result = b.select(is_zero, b.const(-inf_value), result)
    return b.nan_passes(x, result)


def emit_tanh(b: FloatBuilder, x: SSAValue) -> SSAValue:
    """tanh(x); see the module docstring."""
    z = b.mul(x, x)
    small = b.fma(b.mul(x, z), b.poly(z, _TANH_POLY), x)
    ax = b.abs(x)
    e = emit_exp(b, b.add(ax, ax))
    large = b.sub(b.const(1.0), b.div(b.const(2.0), b.add(e, b.const(1.0))))
    # tanh is odd: the sign of x, also for -0 (whose small-branch fma gives +0)
    return b.copysign(b.select(b.below(ax, 0.625), small, large), x)


def emit_erf(b: FloatBuilder, x: SSAValue) -> SSAValue:
    """erf(x); see the module docstring."""
    xc = b.min(b.max(x, b.const(-4.0)), b.const(4.0))
    x2 = b.mul(xc, xc)
    # x (P / Q), not (x P) / Q: x P would lose bits for subnormal x
    ratio = b.div(b.poly(x2, _ERF_ALPHA), b.poly(x2, _ERF_BETA))
    y = b.min(b.max(b.mul(xc, ratio), b.const(-1.0)), b.const(1.0))
    return b.nan_passes(x, y)


Emitter = Callable[[FloatBuilder, SSAValue], SSAValue]

# op -> (f32 emitter, f64 emitter)
_EMITTERS: dict[type[Operation], tuple[Emitter, Emitter]] = {
    math.ExpOp: (emit_exp, emit_exp64),
    math.LogOp: (emit_log, emit_log64),
    math.TanhOp: (emit_tanh, emit_tanh64),
    math.ErfOp: (emit_erf, emit_erf64),
    math.Exp2Op: (
        lambda b, x: emit_exp2(b, x, emit_exp),
        lambda b, x: emit_exp2(b, x, emit_exp64),
    ),
    math.Log2Op: (
        lambda b, x: emit_log_base(b, x, emit_log, 2.0),
        lambda b, x: emit_log_base(b, x, emit_log64, 2.0),
    ),
    math.Log10Op: (
        lambda b, x: emit_log_base(b, x, emit_log, 10.0),
        lambda b, x: emit_log_base(b, x, emit_log64, 10.0),
    ),
    math.Log1pOp: (
        lambda b, x: emit_log1p(b, x, emit_log),
        lambda b, x: emit_log1p(b, x, emit_log64),
    ),
    math.ExpM1Op: (
        lambda b, x: emit_expm1(b, x, emit_exp, emit_log),
        lambda b, x: emit_expm1(b, x, emit_exp64, emit_log64),
    ),
}


class MathPolynomialsToLLVM(RewritePattern):
    """`math.exp/log/tanh/erf` (and exp2/log2/log10/log1p/expm1 built on them, see
    `math_derived.py`) on f32/f64 or 1-D vectors of them -> inline polynomial llvm code."""

    # %y = math.exp %x : f32 -> (clamp, Cody-Waite reduction, polynomial, 2^n by bitcast, NaN select)
    # %y = math.log / math.tanh / math.erf %x alike, f64 by math_f64.py (see the docstrings)
    # %y = math.log1p %x -> %u = 1 + x ; log(u) - ((u - 1) - x) / u ; selects (math_derived.py)
    def match_and_rewrite(self, op: Operation, rewriter: PatternRewriter, /) -> None:
        emitters = _EMITTERS.get(type(op))
        if emitters is None:
            return
        operand = op.operands[0]
        element = element_of(operand.type)
        if element not in (f32, f64):
            raise DiagnosticException(
                f"loop-to-llvm lowers {op.name} on f32, f64 and 1-D vectors of them, got {operand.type}"
            )
        builder = FloatBuilder(operand.type)
        emitter = emitters[0] if element == f32 else emitters[1]
        rewriter.replace(op, builder.ops, [emitter(builder, operand)])
