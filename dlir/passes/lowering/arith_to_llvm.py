"""Scalar and vector arithmetic: `arith`, `math` and `vector` ops -> llvm ops, index -> i64.

    %c = arith.constant 8 : index          -> %c = llvm.mlir.constant(8 : i64) : i64
    %s = arith.addf %x, %y : vector<8xf32> -> %s = llvm.fadd %x, %y : vector<8xf32>
    %f = math.fma %a, %b, %c : f32         -> %f = llvm.intr.fma(%a, %b, %c) : f32
    %v = vector.broadcast %x : f32 to vector<8xf32>
      -> %u = llvm.mlir.undef ; %e = llvm.insertelement %x, %u[0] ; %v = llvm.shufflevector %e, %u [0, ...]

Integer min/max (minsi, maxui, ...) become icmp + select, maxnumf/minnumf the
maxnum/minnum intrinsics; math.exp/log/tanh/erf become branch-free inline polynomials
(`math_polynomials.py`). Ops with no faithful llvm-dialect form in xDSL 0.74 (arith.fptosi and
arith.maximumf/minimumf, whose llvm ops xDSL lacks) make the pass fail with a message naming the op: never a silent libm call.
"""

from __future__ import annotations

from xdsl.dialects import arith, llvm, math, vector
from xdsl.dialects.builtin import (
    DenseArrayBase,
    DenseIntOrFPElementsAttr,
    IndexType,
    IntegerAttr,
    IntegerType,
    VectorType,
    i32,
    i64,
)
from xdsl.ir import Attribute, Operation
from xdsl.pattern_rewriter import PatternRewriter, RewritePattern, op_type_rewrite_pattern
from xdsl.utils.exceptions import DiagnosticException
from xdsl.utils.hints import isa

from dlir.passes.lowering.math_polynomials import MathPolynomialsToLLVM
from dlir.passes.lowering.types import llvm_type, select

_BINARY: dict[type[Operation], type[llvm.AbstractFloatArithOp] | type[Operation]] = {
    arith.AddiOp: llvm.AddOp,
    arith.SubiOp: llvm.SubOp,
    arith.MuliOp: llvm.MulOp,
    arith.DivSIOp: llvm.SDivOp,
    arith.DivUIOp: llvm.UDivOp,
    arith.RemSIOp: llvm.SRemOp,
    arith.RemUIOp: llvm.URemOp,
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
    def match_and_rewrite(self, op: Operation, rewriter: PatternRewriter, /) -> None:
        target = _BINARY.get(type(op))
        if target is None:
            return
        lhs, rhs = op.operands
        result_type = llvm_type(op.results[0].type)
        if issubclass(target, llvm.AbstractFloatArithOp):
            new = target(lhs, rhs)  # float operands are never index: their type is final
        else:
            new = target.create(operands=[lhs, rhs], result_types=[result_type])
        rewriter.replace(op, new)


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
        chosen = select(better.res, lhs, rhs, llvm_type(op.results[0].type))
        rewriter.replace(op, [better, chosen])


class FloatMinMaxToLLVM(RewritePattern):
    # %m = arith.maxnumf %a, %b : f32 -> %m = llvm.intr.maxnum(%a, %b) : f32   (minnumf alike)
    # %n = arith.negf %a : f32 -> %n = llvm.fneg %a : f32
    def match_and_rewrite(self, op: Operation, rewriter: PatternRewriter, /) -> None:
        if isinstance(op, arith.MaxnumfOp):
            rewriter.replace(op, llvm.VectorFMaxOp(op.lhs, op.rhs))
        elif isinstance(op, arith.MinnumfOp):
            rewriter.replace(op, llvm.VectorFMinOp(op.lhs, op.rhs))
        elif isinstance(op, arith.NegfOp):
            rewriter.replace(op, llvm.FNegOp(op.operand))


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


class CmpToLLVM(RewritePattern):
    # %b = arith.cmpi slt, %x, %y : index -> %b = llvm.icmp "slt" %x, %y : i64  (same numbering)
    # %b = arith.cmpf olt, %x, %y : f32   -> %b = llvm.fcmp "olt" %x, %y : f32
    @op_type_rewrite_pattern
    def match_and_rewrite(
        self, op: arith.CmpiOp | arith.CmpfOp, rewriter: PatternRewriter, /
    ) -> None:
        predicate = IntegerAttr(op.predicate.value.data, i64)
        if isinstance(op, arith.CmpiOp):
            rewriter.replace(op, llvm.ICmpOp(op.lhs, op.rhs, predicate))
        else:
            rewriter.replace(op, llvm.FCmpOp(op.lhs, op.rhs, predicate))


class SelectToLLVM(RewritePattern):
    # %r = arith.select %c, %a, %b : f32 -> %r = llvm.select %c, %a, %b : i1, f32
    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: arith.SelectOp, rewriter: PatternRewriter, /) -> None:
        rewriter.replace(op, select(op.cond, op.lhs, op.rhs, llvm_type(op.result.type)))


def _width(type: Attribute) -> int:
    if isinstance(type, IndexType):
        return 64
    assert isinstance(type, IntegerType)
    return type.bitwidth


class CastToLLVM(RewritePattern):
    # %i = arith.index_cast %x : i32 to index -> %i = llvm.sext %x : i32 to i64  (trunc when narrowing)
    # %f = arith.sitofp %i : i32 to f32 -> llvm.sitofp ; arith.extf / truncf -> llvm.fpext / fptrunc
    def match_and_rewrite(self, op: Operation, rewriter: PatternRewriter, /) -> None:
        if not isinstance(op, arith.IndexCastOp | arith.SIToFPOp | arith.ExtFOp | arith.TruncFOp):
            return
        source = op.operands[0]
        result = llvm_type(op.results[0].type)
        new: Operation
        if isinstance(op, arith.SIToFPOp):
            new = llvm.SIToFPOp(source, result)
        elif isinstance(op, arith.ExtFOp):
            new = llvm.FPExtOp(source, result)
        elif isinstance(op, arith.TruncFOp):
            new = llvm.FPTruncOp(source, result)
        else:
            from_width, to_width = _width(source.type), _width(op.results[0].type)
            if from_width == to_width:
                rewriter.replace(op, [], [source])
                return
            new = (
                llvm.SExtOp(source, result)
                if from_width < to_width
                else llvm.TruncOp(source, result)
            )
        rewriter.replace(op, new)


class MathToLLVM(RewritePattern):
    # %f = math.fma %a, %b, %c : f32 -> %f = llvm.intr.fma(%a, %b, %c) : f32 (vectors too)
    # %r = math.sqrt %x -> llvm.intr.sqrt ; math.absf %x -> llvm.intr.fabs
    # %y = math.exp/log/tanh/erf %x : f32 -> inline polynomial code (math_polynomials.py)
    def match_and_rewrite(self, op: Operation, rewriter: PatternRewriter, /) -> None:
        if isinstance(op, math.FmaOp):
            rewriter.replace(op, llvm.FMAOp(op.a, op.b, op.c))
        elif isinstance(op, math.SqrtOp):
            rewriter.replace(op, llvm.FSqrtOp(op.operand))
        elif isinstance(op, math.AbsFOp):
            rewriter.replace(op, llvm.FAbsOp(op.operand, op.result.type))
        else:
            _POLYNOMIALS.match_and_rewrite(op, rewriter)


_POLYNOMIALS = MathPolynomialsToLLVM()


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
        if isa(op.source.type, VectorType[Attribute]):
            raise DiagnosticException(
                f"vector.broadcast of a vector ({op.source.type}) is not supported: broadcast a scalar"
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


_UNSUPPORTED: dict[str, str] = {
    "arith.fptosi": "xDSL 0.74's llvm dialect has no llvm.fptosi",
    "arith.maximumf": "xDSL 0.74's llvm dialect has no llvm.intr.maximum (maxnum differs on NaN)",
    "arith.minimumf": "xDSL 0.74's llvm dialect has no llvm.intr.minimum (minnum differs on NaN)",
}


def check_supported(op: Operation) -> None:
    """Fail on an op this lowering cannot express, naming it and why."""
    reason = _UNSUPPORTED.get(op.name)
    if reason is not None:
        raise DiagnosticException(f"loop-to-llvm cannot lower {op.name}: {reason}")
