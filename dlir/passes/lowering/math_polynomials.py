"""`math.exp/log/tanh/erf` on f32 (scalar or `vector<Nxf32>`) -> branch-free llvm-dialect code
(f64 in `math_f64.py`; the pattern here dispatches both).

    %y = math.exp %x : vector<8xf32>
    ->
    %t = llvm.intr.fma(%xc, %log2e, %magic) ; %n = llvm.fsub %t, %magic      (n = round(x log2 e))
    %r = llvm.intr.fma(%n, %minus_ln2_hi, %xc) ; %r2 = llvm.intr.fma(%n, %minus_ln2_lo, %r)
    %p = llvm.intr.fma(...) ...                     (Cephes polynomial in r)
    %k = llvm.bitcast %t : vector<8xf32> to vector<8xi32> ; ... llvm.shl ... (2^n in the exponent bits)
    %y = llvm.call_intrinsic "llvm.vp.select.v8f32"(%isnan, %x, %scaled, %c8)

Only selects, integer/float arithmetic, bitcasts and the fma/maxnum/minnum/copysign
intrinsics: no calls, so LLVM vectorizes loops over the result. xDSL 0.74's llvm.fcmp and
llvm.select take no vectors, so float tests compare the bits with llvm.icmp, and a vector
select is `llvm.vp.select` (see `float_builder.py`). Constants are splats of the operand's
type. Algorithms (f32, round to nearest):

* exp: clamp x to [-104, 88.8], n = round(x log2 e) by the 1.5*2^23 magic-number trick (its
  bits give the integer n with no fptosi), two-constant Cody-Waite r = x - n ln2, Cephes
  degree-6 polynomial, then 2^n applied as two factors 2^(n>>1) 2^(n-(n>>1)) built in the
  exponent bits, so overflow gives inf and underflow gives subnormals then 0. NaN passes.
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

_EXP_POLY = (
    1.9875691500e-4,
    1.3981999507e-3,
    8.3334519073e-3,
    4.1665795894e-2,
    1.6666665459e-1,
    5.0000001201e-1,
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
_SQRT_HALF = 0.707106781186547524
_MIN_NORMAL = 1.17549435e-38


def _pow2(b: FloatBuilder, n: SSAValue) -> SSAValue:
    """2^n for an i32 n in [-126, 127], built in the exponent bits."""
    biased = b.ibin(llvm.AddOp, n, b.iconst(127))
    return b.to_float(b.ibin(llvm.ShlOp, biased, b.iconst(23)))


def emit_exp(b: FloatBuilder, x: SSAValue) -> SSAValue:
    """exp(x); see the module docstring."""
    xc = b.min(b.max(x, b.const(-104.0)), b.const(88.8))
    t = b.fma(xc, b.const(1.44269504088896341), b.const(_MAGIC))
    n = b.sub(t, b.const(_MAGIC))
    r = b.fma(n, b.const(-_LN2_HI), xc)
    r = b.fma(n, b.const(-_LN2_LO), r)
    p = b.poly(r, _EXP_POLY)
    r2 = b.mul(r, r)
    y = b.add(b.fma(p, r2, r), b.const(1.0))
    n_int = b.ibin(llvm.SubOp, b.to_int(t), b.iconst(float_bits(_MAGIC, 32)))
    half = b.ibin(llvm.AShrOp, n_int, b.iconst(1))
    rest = b.ibin(llvm.SubOp, n_int, half)
    scaled = b.mul(b.mul(y, _pow2(b, half)), _pow2(b, rest))
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
