"""Scalar and vector arithmetic: `arith`, `math` and `vector` ops -> llvm ops, index -> i64.

    %c = arith.constant 8 : index          -> %c = llvm.mlir.constant(8 : i64) : i64
    %s = arith.addf %x, %y : vector<8xf32> -> %s = llvm.fadd %x, %y : vector<8xf32>
    %f = math.fma %a, %b, %c : f32         -> %f = llvm.intr.fma(%a, %b, %c) : f32
    %m = arith.maximumf %a, %b : f32       -> %m = llvm.call_intrinsic "llvm.maximum.f32"(%a, %b)
    %v = vector.broadcast %x : f32 to vector<8xf32>
      -> %u = llvm.mlir.undef ; %e = llvm.insertelement %x, %u[0] ; %v = llvm.shufflevector %e, %u [0, ...]

Every op works on scalars and 1-D vectors. Where LLVM leaves a result undefined (poison or
a trap) the lowering gives numpy's answer, the interpreter's, so native code and the
interpreter agree on every input:

* integer division and remainder never trap: x / 0 = 0, x % 0 = x (remsi; 0 for remui),
  INT_MIN / -1 = INT_MIN; floordivsi/ceildivsi round toward -inf / +inf;
* shifts by the bit width or more give 0 (shli, shrui) or the sign (shrsi);
* maximumf/minimumf propagate NaN (llvm.maximum/minimum, IEEE 754-2019: max(-0, +0) is
  +0 where numpy returns its second operand, an equal value); maxnumf/minnumf ignore NaN;
* cmpf has all 16 predicates, on vectors too (`vector_fcmp`: LLVM's vector fcmp), select
  takes vector conditions;
* conversions: `casts.py`; exp/log/tanh/erf: `math_polynomials.py` (f32), `math_f64.py`;
  exp2/log2/log10/log1p/expm1: `math_derived.py`; powf/fpowi/ipowi: `math_pow.py`.

Ops with no faithful lowering (math.sin/cos/tan/atan/..., which would become a libm call per
lane) make the pass fail with a message naming the op: never a silent libm call.
"""

from __future__ import annotations

from xdsl.dialects import arith, llvm, math, vector
from xdsl.dialects.builtin import (
    BFloat16Type,
    DenseArrayBase,
    DenseIntOrFPElementsAttr,
    Float16Type,
    IndexType,
    IntegerAttr,
    VectorType,
    f32,
    i1,
    i32,
    i64,
)
from xdsl.ir import Attribute, Operation, SSAValue
from xdsl.pattern_rewriter import PatternRewriter, RewritePattern, op_type_rewrite_pattern
from xdsl.utils.exceptions import DiagnosticException
from xdsl.utils.hints import isa

from dlir.passes.lowering.casts import round_to_bf16, widen_bf16
from dlir.passes.lowering.float_builder import (
    ICMP_PREDICATES,
    FloatBuilder,
    IntBinary,
    constant,
    int_width,
    mangle,
    select_ops,
)
from dlir.passes.lowering.math_polynomials import MathPolynomialsToLLVM
from dlir.passes.lowering.math_pow import MathPowToLLVM
from dlir.passes.lowering.types import as_vector, llvm_type

_BINARY: dict[type[Operation], type[llvm.AbstractFloatArithOp] | type[Operation]] = {
    arith.AddiOp: llvm.AddOp,
    arith.SubiOp: llvm.SubOp,
    arith.MuliOp: llvm.MulOp,
    arith.AndIOp: llvm.AndOp,
    arith.OrIOp: llvm.OrOp,
    arith.XOrIOp: llvm.XOrOp,
    arith.AddfOp: llvm.FAddOp,
    arith.SubfOp: llvm.FSubOp,
    arith.MulfOp: llvm.FMulOp,
    arith.DivfOp: llvm.FDivOp,
}


class BinaryToLLVM(RewritePattern):
    # %r = arith.addi %a, %b : index -> %r = llvm.add %a, %b : i64   (and subi, mulf, ... alike)
    # %r = arith.addf %a, %b : bf16 -> the same on f32 between widening and rounding
    def match_and_rewrite(self, op: Operation, rewriter: PatternRewriter, /) -> None:
        target = _BINARY.get(type(op))
        if target is None:
            return
        if _bf16(op.results[0].type) and computed_in_f32(op, rewriter):
            return
        lhs, rhs = op.operands
        result_type = llvm_type(op.results[0].type)
        if issubclass(target, llvm.AbstractFloatArithOp):
            new = target(lhs, rhs)  # float operands are never index: their type is final
        else:
            new = target.create(operands=[lhs, rhs], result_types=[result_type])
        rewriter.replace(op, new)


class _Ints:
    """Emits llvm integer ops of one (lowered) integer type, scalar or vector."""

    def __init__(self, type: Attribute) -> None:
        self.type = llvm_type(type)
        self.width = int_width(type)
        self.ops: list[Operation] = []

    def emit(self, op: Operation) -> SSAValue:
        self.ops.append(op)
        return op.results[0]

    def const(self, value: int) -> SSAValue:
        return self.emit(constant(self.type, value))

    def bin(self, op_type: IntBinary, a: SSAValue, b: SSAValue) -> SSAValue:
        return self.emit(op_type.create(operands=[a, b], result_types=[self.type]))

    def cmp(self, predicate: str, a: SSAValue, b: SSAValue) -> SSAValue:
        return self.emit(llvm.ICmpOp(a, b, IntegerAttr(ICMP_PREDICATES[predicate], i64)))

    def either(self, a: SSAValue, b: SSAValue) -> SSAValue:
        return self.emit(llvm.OrOp.create(operands=[a, b], result_types=[a.type]))

    def both(self, a: SSAValue, b: SSAValue) -> SSAValue:
        return self.emit(llvm.AndOp.create(operands=[a, b], result_types=[a.type]))

    def select(self, cond: SSAValue, a: SSAValue, b: SSAValue) -> SSAValue:
        ops = select_ops(cond, a, b, self.type)
        self.ops.extend(ops)
        return ops[-1].results[0]


_SIGNED_DIVISIONS = (
    arith.DivSIOp,
    arith.RemSIOp,
    arith.FloorDivSIOp,
    arith.CeilDivSIOp,
)
_UNSIGNED_DIVISIONS = (arith.DivUIOp, arith.RemUIOp, arith.CeilDivUIOp)


def _signed_division(op: Operation, ints: _Ints, a: SSAValue, b: SSAValue) -> SSAValue:
    zero, one, minus_one = ints.const(0), ints.const(1), ints.const(-1)
    by_zero = ints.cmp("eq", b, zero)
    by_minus_one = ints.cmp("eq", b, minus_one)
    # sdiv/srem by 0 and INT_MIN / -1 trap on x86: divide by 1 instead, fix the answer below
    divisor = ints.select(ints.either(by_zero, by_minus_one), one, b)
    if isinstance(op, arith.RemSIOp):
        remainder = ints.bin(llvm.SRemOp, a, divisor)  # x % -1 = 0: right as it is
        return ints.select(by_zero, a, remainder)
    quotient = ints.bin(llvm.SDivOp, a, divisor)
    if isinstance(op, arith.FloorDivSIOp | arith.CeilDivSIOp):
        remainder = ints.bin(llvm.SRemOp, a, divisor)
        inexact = ints.cmp("ne", remainder, zero)
        signs = ints.bin(llvm.XOrOp, remainder, divisor)
        # floor: step down when the exact quotient is negative; ceil: up when it is positive
        toward = ints.cmp("slt" if isinstance(op, arith.FloorDivSIOp) else "sge", signs, zero)
        step = ints.select(
            ints.both(inexact, toward),
            minus_one if isinstance(op, arith.FloorDivSIOp) else one,
            zero,
        )
        quotient = ints.bin(llvm.AddOp, quotient, step)
    negated = ints.bin(llvm.SubOp, zero, a)  # INT_MIN / -1 wraps to INT_MIN, as in numpy
    return ints.select(by_zero, zero, ints.select(by_minus_one, negated, quotient))


def _unsigned_division(op: Operation, ints: _Ints, a: SSAValue, b: SSAValue) -> SSAValue:
    zero, one = ints.const(0), ints.const(1)
    by_zero = ints.cmp("eq", b, zero)
    divisor = ints.select(by_zero, one, b)
    if isinstance(op, arith.RemUIOp):
        value = ints.bin(llvm.URemOp, a, divisor)
    else:
        value = ints.bin(llvm.UDivOp, a, divisor)
        if isinstance(op, arith.CeilDivUIOp):
            inexact = ints.cmp("ne", ints.bin(llvm.URemOp, a, divisor), zero)
            value = ints.bin(llvm.AddOp, value, ints.select(inexact, one, zero))
    return ints.select(by_zero, zero, value)


class DivisionToLLVM(RewritePattern):
    # %q = arith.divsi %a, %b : i32
    #   -> %d = llvm.select (%b == 0 | %b == -1), 1, %b ; %s = llvm.sdiv %a, %d
    #      %q = llvm.select %b == 0, 0, (llvm.select %b == -1, 0 - %a, %s)
    # remsi/divui/remui/floordivsi/ceildivsi/ceildivui alike (never a trap: see the docstring)
    def match_and_rewrite(self, op: Operation, rewriter: PatternRewriter, /) -> None:
        if not isinstance(op, _SIGNED_DIVISIONS + _UNSIGNED_DIVISIONS):
            return
        ints = _Ints(op.results[0].type)
        a, b = op.operands
        if isinstance(op, _SIGNED_DIVISIONS):
            value = _signed_division(op, ints, a, b)
        else:
            value = _unsigned_division(op, ints, a, b)
        rewriter.replace(op, ints.ops, [value])


_SHIFTS: dict[type[Operation], IntBinary] = {
    arith.ShLIOp: llvm.ShlOp,
    arith.ShRUIOp: llvm.LShrOp,
    arith.ShRSIOp: llvm.AShrOp,
}


class ShiftToLLVM(RewritePattern):
    # %r = arith.shli %a, %n : i32
    #   -> %m = llvm.and %n, 31 ; %s = llvm.shl %a, %m ; %r = llvm.select (%n uge 32), 0, %s
    # shrui alike; shrsi shifts by min(n, 31) instead (the sign fills the word)
    def match_and_rewrite(self, op: Operation, rewriter: PatternRewriter, /) -> None:
        target = _SHIFTS.get(type(op))
        if target is None:
            return
        ints = _Ints(op.results[0].type)
        a, amount = op.operands
        last = ints.const(ints.width - 1)
        too_far = ints.cmp("ugt", amount, last)
        masked = ints.bin(llvm.AndOp, amount, last)
        if target is llvm.AShrOp:
            value = ints.bin(llvm.AShrOp, a, ints.select(too_far, last, masked))
        else:
            value = ints.select(too_far, ints.const(0), ints.bin(target, a, masked))
        rewriter.replace(op, ints.ops, [value])


# arith.cmpi predicate numbers, shared with llvm.icmp
_MIN_MAX_PREDICATE: dict[type[Operation], int] = {
    arith.MinSIOp: 2,  # slt
    arith.MaxSIOp: 4,  # sgt
    arith.MinUIOp: 6,  # ult
    arith.MaxUIOp: 8,  # ugt
}


class IntMinMaxToLLVM(RewritePattern):
    # %m = arith.minsi %a, %b : index -> %lt = llvm.icmp "slt" %a, %b ; %m = llvm.select %lt, %a, %b
    def match_and_rewrite(self, op: Operation, rewriter: PatternRewriter, /) -> None:
        predicate = _MIN_MAX_PREDICATE.get(type(op))
        if predicate is None:
            return
        lhs, rhs = op.operands
        better = llvm.ICmpOp(lhs, rhs, IntegerAttr(predicate, i64))
        chosen = select_ops(better.res, lhs, rhs, llvm_type(op.results[0].type))
        rewriter.replace(op, [better, *chosen])


def _half(type: Attribute) -> bool:
    element = vector.element_type if (vector := as_vector(type)) is not None else type
    return isinstance(element, Float16Type | BFloat16Type)


def _bf16(type: Attribute) -> bool:
    element = vector.element_type if (vector := as_vector(type)) is not None else type
    return isinstance(element, BFloat16Type)


def computed_in_f32(op: Operation, rewriter: PatternRewriter) -> bool:
    """Rewrite a float op on f16/bf16 (scalars or vectors) into the same op on f32 between
    exact extensions and one rounding truncation; whether it did. LLVM has no inline code
    for math, min/max or compares on half types, and computes bf16 arithmetic in f32 with
    a call of `__truncsfbf2` per result (which the JIT does not have); f32 holds every
    f16/bf16 value, so the answer is f32's rounded once (bf16: `casts.round_to_bf16`).

        %y = math.exp %x : f16
        -> %w = llvm.fpext %x : f16 to f32 ; %e = math.exp %w : f32 ; %y = llvm.fptrunc %e : f32 to f16
    """
    if not any(_half(v.type) for v in (*op.operands, *op.results)):
        return False
    ops: list[Operation] = []
    operands: list[SSAValue] = []
    for value in op.operands:
        if _half(value.type) and _bf16(value.type):
            operands.append(widen_bf16(value, ops))
        elif _half(value.type):
            ops.append(llvm.FPExtOp(value, _as_f32(value.type)))
            operands.append(ops[-1].results[0])
        else:
            operands.append(value)
    wide = op.create(
        operands=operands,
        result_types=[_as_f32(r.type) if _half(r.type) else r.type for r in op.results],
        properties=dict(op.properties),
        attributes=dict(op.attributes),
    )
    ops.append(wide)
    results: list[SSAValue] = []
    for old, new in zip(op.results, wide.results, strict=True):
        if _half(old.type) and _bf16(old.type):
            results.append(round_to_bf16(new, ops))
        elif _half(old.type):
            ops.append(llvm.FPTruncOp(new, old.type))
            results.append(ops[-1].results[0])
        else:
            results.append(new)
    rewriter.replace(op, ops, results)
    return True


def _as_f32(type: Attribute) -> Attribute:
    if (vector := as_vector(type)) is not None:
        return VectorType(f32, vector.get_shape())
    return f32


_FLOAT_MIN_MAX = {arith.MaximumfOp: "llvm.maximum", arith.MinimumfOp: "llvm.minimum"}


class FloatMinMaxToLLVM(RewritePattern):
    # %m = arith.maxnumf %a, %b : f32 -> %m = llvm.intr.maxnum(%a, %b) : f32   (minnumf alike)
    # %m = arith.maximumf %a, %b : f32 -> %m = llvm.call_intrinsic "llvm.maximum.f32"(%a, %b)
    # %n = arith.negf %a : f32 -> %n = llvm.fneg %a : f32
    # on f16/bf16 (not negf): computed in f32 (`computed_in_f32`)
    def match_and_rewrite(self, op: Operation, rewriter: PatternRewriter, /) -> None:
        min_max = arith.MaxnumfOp | arith.MinnumfOp | arith.MaximumfOp | arith.MinimumfOp
        if isinstance(op, min_max) and computed_in_f32(op, rewriter):
            return
        if isinstance(op, arith.MaxnumfOp):
            rewriter.replace(op, llvm.VectorFMaxOp(op.lhs, op.rhs))
        elif isinstance(op, arith.MinnumfOp):
            rewriter.replace(op, llvm.VectorFMinOp(op.lhs, op.rhs))
        elif isinstance(op, arith.NegfOp):
            rewriter.replace(op, llvm.FNegOp(op.operand))
        elif isinstance(op, arith.MaximumfOp | arith.MinimumfOp):
            b = FloatBuilder(op.lhs.type)
            value = b.call(_FLOAT_MIN_MAX[type(op)], [op.lhs, op.rhs])
            rewriter.replace(op, b.ops, [value])


def _constant_value(value: Attribute) -> Attribute:
    if isa(value, IntegerAttr[IndexType]):
        return IntegerAttr(value.value.data, i64)
    if isa(value, DenseIntOrFPElementsAttr[IndexType]):
        shape = value.get_shape()
        values = [int(v) for v in value.get_values()]
        return DenseIntOrFPElementsAttr.from_list(VectorType(i64, shape), values)
    return value


class ConstantToLLVM(RewritePattern):
    # %c = arith.constant dense<2.0> : vector<8xf32> -> %c = llvm.mlir.constant(dense<2.0> : vector<8xf32>)
    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: arith.ConstantOp, rewriter: PatternRewriter, /) -> None:
        value = _constant_value(op.value)
        rewriter.replace(op, llvm.ConstantOp(value, llvm_type(op.result.type)))


VECTOR_FCMP = "llvm.dlir.fcmp"
"""Prefix of the `llvm.call_intrinsic` that stands for a vector `fcmp` (see `vector_fcmp`)."""


def vector_fcmp(predicate: str, lhs: SSAValue, rhs: SSAValue) -> llvm.CallIntrinsicOp:
    """`fcmp <predicate>` on two float vectors, giving a vector of i1.

        -> %c = llvm.call_intrinsic "llvm.dlir.fcmp.olt.v8f32"(%x, %y) : (...) -> vector<8xi1>

    xDSL 0.74's `llvm.fcmp` (and `arith.cmpf`) verify on scalars only, so the vector compare
    is this named call, which `dlir.backends.llvm.translate` turns into LLVM's own vector
    `fcmp` instruction (one `vcmpps`, where integer keys of the bits took a dozen ops).
    """
    vector_type = lhs.type
    assert isa(vector_type, VectorType[Attribute])
    result = VectorType(i1, vector_type.get_shape())
    return llvm.CallIntrinsicOp(
        f"{VECTOR_FCMP}.{predicate}.{mangle(vector_type)}", [lhs, rhs], [result]
    )


class CmpToLLVM(RewritePattern):
    # %b = arith.cmpi slt, %x, %y : index -> %b = llvm.icmp "slt" %x, %y : i64  (same numbering)
    # %b = arith.cmpf olt, %x, %y : f32   -> %b = llvm.fcmp "olt" %x, %y : f32
    # %b = arith.cmpf olt, %x, %y : vector<8xf32> -> llvm.call_intrinsic "llvm.dlir.fcmp.olt.v8f32"
    # %b = arith.cmpf true, %x, %y : f32  -> %b = llvm.mlir.constant(true)
    @op_type_rewrite_pattern
    def match_and_rewrite(
        self, op: arith.CmpiOp | arith.CmpfOp, rewriter: PatternRewriter, /
    ) -> None:
        if isinstance(op, arith.CmpiOp):
            predicate = IntegerAttr(op.predicate.value.data, i64)
            rewriter.replace(op, llvm.ICmpOp(op.lhs, op.rhs, predicate))
            return
        if computed_in_f32(op, rewriter):
            return  # f16/bf16: the compare of the exact f32 extensions
        name = arith.CMPF_COMPARISON_OPERATIONS[op.predicate.value.data]
        if isinstance(op.lhs.type, VectorType):
            rewriter.replace(op, vector_fcmp(name, op.lhs, op.rhs))
            return
        b = FloatBuilder(op.lhs.type)
        value = b.fcmp(name, op.lhs, op.rhs)
        rewriter.replace(op, b.ops, [value])


class SelectToLLVM(RewritePattern):
    # %r = arith.select %c, %a, %b : f32 -> %r = llvm.select %c, %a, %b : i1, f32
    # %r = arith.select %c, %a, %b : vector<8xi1>, vector<8xf32>
    #   -> %r = llvm.call_intrinsic "llvm.vp.select.v8f32"(%c, %a, %b, %c8)
    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: arith.SelectOp, rewriter: PatternRewriter, /) -> None:
        ops = select_ops(op.cond, op.lhs, op.rhs, llvm_type(op.result.type))
        rewriter.replace(op, ops, [ops[-1].results[0]])


_ROUNDINGS: dict[type[Operation], str] = {
    math.TruncOp: "llvm.trunc",
    math.RoundOp: "llvm.round",
    math.RoundEvenOp: "llvm.roundeven",
}


class MathToLLVM(RewritePattern):
    # %f = math.fma %a, %b, %c : f32 -> %f = llvm.intr.fma(%a, %b, %c) : f32 (vectors too)
    # %r = math.sqrt %x -> llvm.intr.sqrt ; math.absf -> llvm.intr.fabs ; math.copysign -> llvm.intr.copysign
    # %r = math.floor / ceil %x -> llvm.intr.floor / ceil
    # %r = math.trunc / round / roundeven %x -> llvm.call_intrinsic "llvm.trunc.f32" / round / roundeven
    # %r = math.rsqrt %x -> %s = llvm.intr.sqrt(%x) ; %r = llvm.fdiv 1.0, %s   (numpy's 1 / sqrt(x))
    # %a = math.absi %x : i32 -> %a = llvm.call_intrinsic "llvm.abs.i32"(%x, false)  (|INT_MIN| = INT_MIN)
    # %y = math.exp/log/tanh/erf %x -> inline polynomial code (math_polynomials.py, math_f64.py)
    # %y = math.powf/fpowi/ipowi -> inline code (math_pow.py)
    # any of these on f16/bf16 -> the same on f32 between fpext and fptrunc (`computed_in_f32`)
    def match_and_rewrite(self, op: Operation, rewriter: PatternRewriter, /) -> None:
        if op.dialect_name() != "math" or computed_in_f32(op, rewriter):
            return
        if isinstance(op, math.FmaOp):
            rewriter.replace(op, llvm.FMAOp(op.a, op.b, op.c))
        elif isinstance(op, math.SqrtOp):
            rewriter.replace(op, llvm.FSqrtOp(op.operand))
        elif isinstance(op, math.AbsFOp):
            rewriter.replace(op, llvm.FAbsOp(op.operand, op.result.type))
        elif isinstance(op, math.CopySignOp):
            rewriter.replace(op, llvm.FCopySignOp(op.lhs, op.rhs))
        elif isinstance(op, math.FloorOp):
            rewriter.replace(op, llvm.FFloorOp(op.operand))
        elif isinstance(op, math.CeilOp):
            rewriter.replace(op, llvm.FCeilOp(op.operand))
        elif isinstance(op, math.TruncOp | math.RoundOp | math.RoundEvenOp):
            b = FloatBuilder(op.operand.type)
            rewriter.replace(op, b.ops, [b.call(_ROUNDINGS[type(op)], [op.operand])])
        elif isinstance(op, math.RsqrtOp):
            b = FloatBuilder(op.operand.type)
            value = b.div(b.const(1.0), b.emit(llvm.FSqrtOp(op.operand)))
            rewriter.replace(op, b.ops, [value])
        elif isinstance(op, math.AbsIOp):
            no_poison = constant(i1, 0)
            call = llvm.CallIntrinsicOp(
                f"llvm.abs.{mangle(op.operand.type)}",
                [op.operand, no_poison.result],
                [op.operand.type],
            )
            rewriter.replace(op, [no_poison, call])
        else:
            _POLYNOMIALS.match_and_rewrite(op, rewriter)
            if op.parent is not None:
                _POW.match_and_rewrite(op, rewriter)


_POLYNOMIALS = MathPolynomialsToLLVM()
_POW = MathPowToLLVM()


class VectorToLLVM(RewritePattern):
    # %v = vector.broadcast %x : f32 to vector<8xf32>
    #   -> %u = llvm.mlir.undef ; %e = llvm.insertelement %x, %u[%0] ; %v = llvm.shufflevector %e, %u [0 x 8]
    # %r = vector.fma %a, %b, %c : vector<8xf32> -> %r = llvm.intr.fma(%a, %b, %c) : vector<8xf32>
    def match_and_rewrite(self, op: Operation, rewriter: PatternRewriter, /) -> None:
        if isinstance(op, vector.FMAOp):
            rewriter.replace(op, llvm.FMAOp(op.lhs, op.rhs, op.acc))
            return
        if not isinstance(op, vector.BroadcastOp):
            return
        result = op.vector.type
        source = op.source.type
        if isinstance(source, VectorType):
            raise DiagnosticException(
                f"vector.broadcast of a vector ({source}) is not supported: broadcast a scalar"
            )
        vector_type = llvm_type(result)
        assert isa(vector_type, VectorType[Attribute])
        lanes = vector_type.get_shape()
        if len(lanes) != 1:
            raise DiagnosticException(
                f"vector.broadcast to {result}: only 1-D vectors are supported"
            )
        undef = llvm.UndefOp(vector_type)
        zero = llvm.ConstantOp(IntegerAttr(0, i32), i32)
        inserted = llvm.InsertElementOp(undef, op.source, zero)
        mask = DenseArrayBase.from_list(i32, [0] * lanes[0])
        splat = llvm.ShuffleVectorOp(inserted, undef, mask, vector_type)
        rewriter.replace(op, [undef, zero, inserted, splat])


_NO_LIBM = "would be a libm call per lane (no inline lowering yet): write it with exp/log/fma"
_UNSUPPORTED: dict[str, str] = {
    name: _NO_LIBM
    for name in (
        "math.sin",
        "math.cos",
        "math.tan",
        "math.atan",
        "math.atan2",
        "math.asin",
        "math.acos",
        "math.sinh",
        "math.cosh",
        "math.asinh",
        "math.acosh",
        "math.atanh",
        "math.cbrt",
    )
}

SUPPORTED = (
    "loop.*, func.func/call/return, every arith op on index/int/float scalars and 1-D vectors "
    "(xDSL 0.74 has no arith.remf), math.fma/sqrt/rsqrt/absf/absi/copysign/floor/ceil/trunc/"
    "round/roundeven/exp/exp2/expm1/log/log2/log10/log1p/tanh/erf/powf/fpowi/ipowi on f32/f64, "
    "vector.broadcast/fma"
)


def check_supported(op: Operation) -> None:
    """Fail on an op this lowering cannot express, naming it and why."""
    reason = _UNSUPPORTED.get(op.name)
    if reason is not None:
        raise DiagnosticException(f"loop-to-llvm cannot lower {op.name}: {reason}")
