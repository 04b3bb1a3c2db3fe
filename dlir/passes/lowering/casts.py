"""`arith` conversions -> llvm casts, with numpy's answers where LLVM's would be poison.

    %i = arith.index_cast %x : i32 to index -> %i = llvm.sext %x : i32 to i64   (trunc when narrowing)
    %f = arith.sitofp %i : i32 to f32       -> %f = llvm.sitofp %i : i32 to f32
    %e = arith.extsi / extui / trunci       -> llvm.sext / zext / trunc
    %d = arith.extf / truncf / bitcast      -> llvm.fpext / fptrunc / bitcast
    %u = arith.uitofp %x : i32 to f32       -> %w = llvm.zext %x : i32 to i64 ; %u = llvm.sitofp %w
    %s = arith.fptosi %x : vector<8xf32> to vector<8xi32>
      -> %t = llvm.call_intrinsic "llvm.vp.fptosi.v8i32.v8f32"(%x, %all, %c8)   (scalars: llvm.fptosi.sat)
         %s = select(|x| >= 2^31 or NaN, INT_MIN, %t)

xDSL 0.74's llvm dialect has no fptosi, fptoui or uitofp. Out-of-range float -> int is
poison in LLVM; we give what numpy gives on x86 (the interpreter's `astype`), so both sides
agree on every input:

* fptosi to i32 / i64: INT_MIN for NaN, +-inf and values out of range (cvttss2si's
  "integer indefinite"); to i8 / i16 through i32 then truncated (NaN -> 0, 300.5 -> 44 in i8).
* fptoui to u32 / u64: x >= 2^(N-1) ? fptosi(x - 2^(N-1)) ^ 2^(N-1) : fptosi(x), so negative
  values wrap (-1.5 -> 2^N - 1) and NaN gives 2^(N-1); to u8 / u16 through i32 then truncated.
* truncf from f64 to f16 / bf16 goes through f32 (LLVM would call compiler-rt's
  `__truncdfhf2`, which the JIT does not have: a crash). Rounding twice can be wrong, so
  the first step rounds to odd: the 29 mantissa bits f32 drops are cleared and, if any
  was set, the lowest kept bit is set (the sticky bit); that f32 then rounds once to the
  half type correctly (24 bits >= p + 2). bf16 values below f32's normal range (2^-126)
  may still round twice.
* truncf to bf16 and extf from bf16 are inline integer code (`round_to_bf16`,
  `widen_bf16`): LLVM would call compiler-rt's `__truncsfbf2`.
* uitofp from iN < 64 is exact after zext to i64; from i64 the value is halved (keeping
  the lost bit sticky) when its top bit is set, converted, then doubled: one rounding.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import cast

from xdsl.dialects import arith, llvm
from xdsl.dialects.builtin import (
    BFloat16Type,
    Float16Type,
    Float64Type,
    IntegerType,
    VectorType,
    f32,
    i16,
    i32,
    i64,
)
from xdsl.ir import Attribute, Operation, SSAValue
from xdsl.pattern_rewriter import PatternRewriter, RewritePattern

from dlir.passes.lowering.float_builder import (
    FloatBuilder,
    float_bits,
    int_width,
    lanes_of,
    with_element,
)
from dlir.passes.lowering.types import llvm_type


def _to_signed(b: FloatBuilder, x: SSAValue, width: int) -> SSAValue:
    """fptosi of `x` to i`width` (32 or 64): exact in range, INT_MIN outside and for NaN."""
    int_type = with_element(x.type, IntegerType(width))
    lanes = lanes_of(x.type)
    if lanes is None:
        converted = b.call("llvm.fptosi.sat", [x], int_type, [int_type, x.type])
    else:
        all_lanes = b.splat(with_element(x.type, IntegerType(1)), 1)
        converted = b.call(
            "llvm.vp.fptosi", [x, all_lanes, b.splat(i32, lanes)], int_type, [int_type, x.type]
        )
    limit = float(2 ** (width - 1))
    outside = b.icmp("sge", b.magnitude_bits(x), b.iconst(float_bits(limit, b.width)))
    return b.select(outside, b.splat(int_type, -(2 ** (width - 1))), converted)


def _to_unsigned(b: FloatBuilder, x: SSAValue, width: int) -> SSAValue:
    """fptoui of `x` to u`width` (32 or 64), numpy's x86 answer out of range (see the docstring)."""
    half = float(2 ** (width - 1))
    high = b.fcmp("oge", x, b.const(half))
    low_part = _to_signed(b, x, width)
    high_part = _to_signed(b, b.sub(x, b.const(half)), width)
    sign_bit = b.splat(high_part.type, -(2 ** (width - 1)))
    return b.select(high, b.ibin(llvm.XOrOp, high_part, sign_bit), low_part)


def float_to_int(b: FloatBuilder, x: SSAValue, result_type: Attribute, unsigned: bool) -> SSAValue:
    """arith.fptosi / fptoui of `x` to `result_type` (see the module docstring)."""
    width = int_width(result_type)
    via = 64 if width > 32 else 32
    wraps = unsigned and width in (32, 64)
    value = _to_unsigned(b, x, width) if wraps else _to_signed(b, x, via)
    if width == via:
        return value
    return b.emit(llvm.TruncOp(value, llvm_type(result_type)))


def _unsigned_to_float(source: SSAValue, result_type: Attribute) -> list[Operation]:
    b = FloatBuilder(result_type)
    if int_width(source.type) < 64:
        wide = b.emit(llvm.ZExtOp(source, with_element(source.type, i64)))
        b.emit(llvm.SIToFPOp(wide, result_type))
        return b.ops
    zero = b.splat(source.type, 0)
    top_set = b.icmp("slt", source, zero)
    one = b.splat(source.type, 1)
    halved = b.ibin(llvm.OrOp, b.ibin(llvm.LShrOp, source, one), b.ibin(llvm.AndOp, source, one))
    converted = b.emit(llvm.SIToFPOp(b.select(top_set, halved, source), result_type))
    b.select(top_set, b.add(converted, converted), converted)
    return b.ops


def _is_bf16(type: Attribute) -> bool:
    element = (
        cast(VectorType[Attribute], type).element_type if isinstance(type, VectorType) else type
    )
    return isinstance(element, BFloat16Type)


def widen_bf16(value: SSAValue, ops: list[Operation]) -> SSAValue:
    """bf16 (scalar or vector) -> f32, exactly: its 16 bits become f32's top half.

    %w = llvm.fpext %h : bf16 to f32
    -> %i = llvm.bitcast %h : bf16 to i16 ; %z = llvm.zext %i : i16 to i32
       %s = llvm.shl %z, 16 ; %w = llvm.bitcast %s : i32 to f32
    """
    b = FloatBuilder(with_element(value.type, f32), ops)
    short = b.emit(llvm.BitcastOp(value, with_element(value.type, i16)))
    wide = b.emit(llvm.ZExtOp(short, b.int_type))
    return b.to_float(b.ibin(llvm.ShlOp, wide, b.iconst(16)))


def round_to_bf16(value: SSAValue, ops: list[Operation]) -> SSAValue:
    """f32 (scalar or vector) -> the nearest bf16, ties to even; NaN stays a (quiet) NaN.
    Inline integer code: LLVM's `fptrunc` to bfloat is a call of compiler-rt's
    `__truncsfbf2`, which the JIT does not have (a crash).

        bits + 0x7FFF + ((bits >> 16) & 1), top 16 bits   (NaN: bits | 0x400000)
    """
    b = FloatBuilder(value.type, ops)
    bits = b.to_int(value)
    lowest_kept = b.ibin(llvm.AndOp, b.ibin(llvm.LShrOp, bits, b.iconst(16)), b.iconst(1))
    rounded = b.ibin(llvm.AddOp, bits, b.ibin(llvm.AddOp, lowest_kept, b.iconst(0x7FFF)))
    nan = b.icmp("ugt", b.ibin(llvm.AndOp, bits, b.iconst(0x7FFFFFFF)), b.iconst(0x7F800000))
    chosen = b.select(nan, b.ibin(llvm.OrOp, bits, b.iconst(0x400000)), rounded)
    top = b.ibin(llvm.LShrOp, chosen, b.iconst(16))
    short = b.emit(llvm.TruncOp(top, with_element(value.type, i16)))
    return b.emit(llvm.BitcastOp(short, with_element(value.type, BFloat16Type())))


_F32_DROPPED = (1 << 29) - 1
"""The mantissa bits of an f64 that f32 does not keep."""


def _is_f64_to_half(source: Attribute, result: Attribute) -> bool:
    def element(t: Attribute) -> Attribute:
        return cast(VectorType[Attribute], t).element_type if isinstance(t, VectorType) else t

    return isinstance(element(source), Float64Type) and isinstance(
        element(result), Float16Type | BFloat16Type
    )


class CastToLLVM(RewritePattern):
    # %i = arith.index_cast %x : i32 to index -> %i = llvm.sext %x : i32 to i64  (trunc when narrowing)
    # %f = arith.fptosi %x : f32 to i32 -> llvm.fptosi.sat + a select of INT_MIN out of range
    # (every arith conversion: see the module docstring)
    def match_and_rewrite(self, op: Operation, rewriter: PatternRewriter, /) -> None:
        if not isinstance(op, _CASTS):
            return
        source = op.operands[0]
        result_type = op.results[0].type
        result = llvm_type(result_type)
        if isinstance(op, arith.FPToSIOp | arith.FPToUIOp):
            b = FloatBuilder(source.type)
            value = float_to_int(b, source, result_type, isinstance(op, arith.FPToUIOp))
            rewriter.replace(op, b.ops, [value])
            return
        if isinstance(op, arith.TruncFOp) and _is_f64_to_half(source.type, result_type):
            # %h = arith.truncf %d : f64 to f16
            #   -> %o = %d rounded to odd at f32's precision ; fptrunc %o to f32 ; fptrunc to f16
            b = FloatBuilder(source.type)
            bits = b.to_int(source)
            dropped = b.ibin(llvm.AndOp, bits, b.iconst(_F32_DROPPED))
            kept = b.ibin(llvm.AndOp, bits, b.iconst(~_F32_DROPPED))
            odd = b.ibin(llvm.OrOp, kept, b.iconst(_F32_DROPPED + 1))
            sticky = b.icmp("ne", dropped, b.iconst(0))
            rounded = b.to_float(b.select(sticky, odd, kept))
            single = b.emit(llvm.FPTruncOp(rounded, llvm_type(with_element(result_type, f32))))
            if _is_bf16(result):
                value = round_to_bf16(single, b.ops)
            else:
                value = b.emit(llvm.FPTruncOp(single, result))
            rewriter.replace(op, b.ops, [value])
            return
        if isinstance(op, arith.TruncFOp) and _is_bf16(result):
            # %h = arith.truncf %x : f32 to bf16 -> inline rounding (`round_to_bf16`)
            ops: list[Operation] = []
            value = round_to_bf16(source, ops)
            rewriter.replace(op, ops, [value])
            return
        if isinstance(op, arith.ExtFOp) and _is_bf16(source.type):
            # %w = arith.extf %h : bf16 to f32|f64 -> shift into f32 (`widen_bf16`), fpext to f64
            ops = []
            value = widen_bf16(source, ops)
            if value.type != result:
                ops.append(llvm.FPExtOp(value, result))
                value = ops[-1].results[0]
            rewriter.replace(op, ops, [value])
            return
        if isinstance(op, arith.UIToFPOp):
            ops = _unsigned_to_float(source, result)
            rewriter.replace(op, ops, [ops[-1].results[0]])
            return
        if isinstance(op, arith.IndexCastOp):
            from_width, to_width = int_width(source.type), int_width(result_type)
            if from_width == to_width:
                rewriter.replace(op, [], [source])
                return
            wider = from_width < to_width
            rewriter.replace(op, (llvm.SExtOp if wider else llvm.TruncOp)(source, result))
            return
        rewriter.replace(op, _ONE_TO_ONE[type(op)](source, result))


_ONE_TO_ONE: dict[type[Operation], Callable[[SSAValue, Attribute], Operation]] = {
    arith.SIToFPOp: llvm.SIToFPOp,
    arith.ExtFOp: llvm.FPExtOp,
    arith.TruncFOp: llvm.FPTruncOp,
    arith.ExtSIOp: llvm.SExtOp,
    arith.ExtUIOp: llvm.ZExtOp,
    arith.TruncIOp: llvm.TruncOp,
    arith.BitcastOp: llvm.BitcastOp,
}
_CASTS = (
    arith.IndexCastOp,
    arith.FPToSIOp,
    arith.FPToUIOp,
    arith.UIToFPOp,
    arith.SIToFPOp,
    arith.ExtFOp,
    arith.TruncFOp,
    arith.ExtSIOp,
    arith.ExtUIOp,
    arith.TruncIOp,
    arith.BitcastOp,
)
