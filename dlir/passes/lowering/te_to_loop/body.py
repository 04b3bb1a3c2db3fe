"""Stage bodies at loop level: te.read -> loop.load, arith/math cloned, index math folded.

    %a = te.read %A[%i, %k + 1] : tensor<8x9xf32> -> f32       (i = io * 4 + ii)
    ->  %a = loop.load %A[%io * 4 + %ii, %k + 1] : memref<8x9xf32>

Index values that are affine in the stage's axes (constants, `+`, `-`, `*` by a constant)
are kept as `IndexExpr`s over the loop indices and fold into the accesses; an index value
computed any other way (a cast, a division, a value read from a tensor) stays an SSA value
and becomes an operand of the access. A read of an inlined stage is that stage's body,
emitted in place with the read's indices as its axes.
"""

from __future__ import annotations

from collections.abc import Sequence

from xdsl.builder import Builder
from xdsl.dialects import arith
from xdsl.dialects.builtin import (
    AnyFloat,
    FloatAttr,
    IndexType,
    IntegerAttr,
    IntegerType,
    Signedness,
)
from xdsl.ir import Attribute, Operation, SSAValue
from xdsl.ir.affine import (
    AffineBinaryOpExpr,
    AffineBinaryOpKind,
    AffineConstantExpr,
    AffineDimExpr,
    AffineExpr,
)
from xdsl.utils.hints import isa

from dlir.dialects.loop import IndexExpr, LoadOp
from dlir.dialects.te.compute import ComputeOp, ReadOp, YieldOp
from dlir.ir.diagnostics import Diagnostic, DiagnosticError
from dlir.ir.verify import source_loc
from dlir.passes.lowering.te_to_loop.divmod import affine_binary, divide
from dlir.passes.lowering.te_to_loop.plan import simplify

_FOLDED = (arith.AddiOp, arith.SubiOp, arith.MuliOp)
_CLONED_DIALECTS = ("arith", "math")


def lowering_error(op: Operation, message: str) -> DiagnosticError:
    """An error about `op`, at its source location when it has one."""
    return DiagnosticError(Diagnostic(message, source_loc(op)))


def index_constant(builder: Builder, value: int) -> SSAValue:
    """`%c<value> = arith.constant <value> : index` (`%cneg3` for -3)."""
    constant = builder.insert(arith.ConstantOp(IntegerAttr(value, IndexType())))
    constant.result.name_hint = f"c{value}" if value >= 0 else f"cneg{-value}"
    return constant.result


def materialize(builder: Builder, index: IndexExpr) -> SSAValue:
    """`index` as an SSA value: the loop index itself, or arith ops computing it.

    Only used on expressions of non-negative loop indices (a split or fused axis, a
    bound), where `floordiv` and `mod` agree with `arith.divsi` and `arith.remsi`.
    """
    return _emit_expr(builder, index.expr, index.values)


def _emit_expr(builder: Builder, expr: AffineExpr, values: Sequence[SSAValue]) -> SSAValue:
    if isinstance(expr, AffineDimExpr):
        return values[expr.position]
    if isinstance(expr, AffineConstantExpr):
        return index_constant(builder, expr.value)
    assert isinstance(expr, AffineBinaryOpExpr)
    if expr.kind == AffineBinaryOpKind.Add:
        # a + x * -c -> a - x * c ;  x * -c + a -> a - x * c
        for kept, negated in ((expr.lhs, expr.rhs), (expr.rhs, expr.lhs)):
            if (positive := _negated(negated)) is not None:
                minuend = _emit_expr(builder, kept, values)
                subtrahend = _emit_expr(builder, positive, values)
                return builder.insert(arith.SubiOp(minuend, subtrahend)).result
    lhs = _emit_expr(builder, expr.lhs, values)
    if expr.kind == AffineBinaryOpKind.CeilDiv:
        # ceildiv(a, c) = (a + c - 1) divsi c, for a >= 0
        assert isinstance(expr.rhs, AffineConstantExpr)
        bias = index_constant(builder, expr.rhs.value - 1)
        lhs = builder.insert(arith.AddiOp(lhs, bias)).result
    rhs = _emit_expr(builder, expr.rhs, values)
    kinds: dict[AffineBinaryOpKind, type[arith.SignlessIntegerBinaryOperation]] = {
        AffineBinaryOpKind.Add: arith.AddiOp,
        AffineBinaryOpKind.Mul: arith.MuliOp,
        AffineBinaryOpKind.FloorDiv: arith.DivSIOp,
        AffineBinaryOpKind.CeilDiv: arith.DivSIOp,
        AffineBinaryOpKind.Mod: arith.RemSIOp,
    }
    return builder.insert(kinds[expr.kind](lhs, rhs)).result


def _negated(expr: AffineExpr) -> AffineExpr | None:
    """`x` for `x * -1`, `x * c` for `x * -c`; None for anything else."""
    if (
        isinstance(expr, AffineBinaryOpExpr)
        and expr.kind == AffineBinaryOpKind.Mul
        and isinstance(expr.rhs, AffineConstantExpr)
        and expr.rhs.value < 0
    ):
        return expr.lhs if expr.rhs.value == -1 else expr.lhs * -expr.rhs.value
    return None


def affine_index(value: SSAValue, axes: Sequence[SSAValue]) -> AffineExpr | None:
    """`value` as an affine expression of `axes` (dim N = axes[N]), if it folds to one."""
    if value in axes:
        return AffineExpr.dimension(list(axes).index(value))
    op = value.owner
    if isinstance(op, arith.ConstantOp) and isinstance(op.value, IntegerAttr):
        if isinstance(op.result.type, IndexType):
            return AffineExpr.constant(op.value.value.data)
        return None
    if not isinstance(op, _FOLDED) or not isinstance(op.result.type, IndexType):
        return None
    lhs, rhs = affine_index(op.lhs, axes), affine_index(op.rhs, axes)
    if lhs is None or rhs is None:
        return None
    return affine_binary(op, lhs, rhs)


class BodyEmitter:
    """Emits stage bodies at a builder's insertion point.

    `buffers` maps each kernel argument and materialized stage result to its memref;
    `inlined` maps the results of inlined stages to their te.compute.
    """

    def __init__(
        self,
        builder: Builder,
        buffers: dict[SSAValue, SSAValue],
        inlined: dict[SSAValue, ComputeOp],
        kernel: str,
        origins: dict[SSAValue, list[IndexExpr]] | None = None,
    ) -> None:
        self.builder = builder
        self.buffers = buffers
        self.inlined = inlined
        self.kernel = kernel
        self.origins = origins if origins is not None else {}

    def emit(self, stage: ComputeOp, axes: Sequence[IndexExpr]) -> SSAValue:
        """The value `stage` yields at the point whose axis indices are `axes`."""
        values: dict[SSAValue, SSAValue | IndexExpr] = dict(
            zip(stage.body.block.args, axes, strict=True)
        )
        where = f"stage '{stage.stage.data}' of @{self.kernel}"
        for op in stage.body.block.ops:
            if isinstance(op, YieldOp):
                return self._ssa(values, op.value)
            if isinstance(op, ReadOp):
                values[op.result] = self._read(op, [self._index(values, i) for i in op.indices])
            elif (folded := self._fold(op, values)) is not None:
                values[op.results[0]] = folded
            else:
                self._clone(op, values, where)
        raise lowering_error(stage, f"{where} does not end with te.yield")

    def _read(self, op: ReadOp, indices: list[IndexExpr]) -> SSAValue:
        producer = self.inlined.get(op.tensor)
        if producer is not None:
            return self.emit(producer, indices)
        origins = self.origins.get(op.tensor)
        if origins is not None:
            # a buffer holding a region: the element at `index` is at `index - origin`
            indices = [_relative(i, o) for i, o in zip(indices, origins, strict=True)]
        load = self.builder.insert(LoadOp(self.buffers[op.tensor], indices))
        load.result.name_hint = op.result.name_hint
        return load.result

    def _fold(
        self, op: Operation, values: dict[SSAValue, SSAValue | IndexExpr]
    ) -> IndexExpr | None:
        # arith.constant 3 : index -> IndexExpr 3; arith.addi %i, %c : index -> i + c
        if isinstance(op, arith.ConstantOp):
            if isinstance(op.result.type, IndexType) and isinstance(op.value, IntegerAttr):
                return IndexExpr.of(op.value.value.data)
            return None
        if isinstance(op, arith.DivSIOp | arith.RemSIOp) and isinstance(op.result.type, IndexType):
            # (oi + oo * 16) divsi 16 -> oo, with oi in [0, 16): a packed stage's reader
            lhs, rhs = values[op.lhs], values[op.rhs]
            if not isinstance(lhs, IndexExpr) or not isinstance(rhs, IndexExpr):
                return None
            if not isinstance(rhs.expr, AffineConstantExpr):
                return None
            return divide(lhs, rhs.expr.value, remainder=isinstance(op, arith.RemSIOp))
        if not isinstance(op, _FOLDED) or not isinstance(op.result.type, IndexType):
            return None
        lhs, rhs = values[op.lhs], values[op.rhs]
        if not isinstance(lhs, IndexExpr) or not isinstance(rhs, IndexExpr):
            return None
        if isinstance(op, arith.AddiOp):
            return lhs + rhs
        if isinstance(op, arith.SubiOp):
            return lhs - rhs
        if isinstance(rhs.expr, AffineConstantExpr):
            return lhs * rhs.expr.value
        if isinstance(lhs.expr, AffineConstantExpr):
            return rhs * lhs.expr.value
        return None

    def _clone(
        self, op: Operation, values: dict[SSAValue, SSAValue | IndexExpr], where: str
    ) -> None:
        if op.dialect_name() not in _CLONED_DIALECTS or op.regions:
            raise lowering_error(
                op,
                f"te-to-loop cannot lower {op.name} in {where}: a stage body may hold "
                "te.read, te.yield and arith/math ops without regions",
            )
        operands = {v: self._ssa(values, v) for v in op.operands}
        clone = op.clone(value_mapper=operands)
        self.builder.insert(clone)
        for old, new in zip(op.results, clone.results, strict=True):
            values[old] = new

    def _index(self, values: dict[SSAValue, SSAValue | IndexExpr], value: SSAValue) -> IndexExpr:
        found = values[value]
        return found if isinstance(found, IndexExpr) else IndexExpr.of(found)

    def _ssa(self, values: dict[SSAValue, SSAValue | IndexExpr], value: SSAValue) -> SSAValue:
        found = values[value]
        if isinstance(found, IndexExpr):
            found = materialize(self.builder, found)
            values[value] = found
        return found


def _relative(index: IndexExpr, origin: IndexExpr) -> IndexExpr:
    difference = index - origin
    return IndexExpr(difference.values, simplify(difference.expr))


def element_constant(builder: Builder, value: Attribute) -> SSAValue:
    """An `arith.constant` of a reduction's init value (an integer or float attribute)."""
    assert isa(value, IntegerAttr[IntegerType | IndexType] | FloatAttr[AnyFloat])
    t = value.type
    if isinstance(t, IntegerType) and t.signedness.data != Signedness.SIGNLESS:
        # ui8: arith.constant takes signless integers only, so an index constant (its two's
        # complement reading) truncated by arith.index_cast
        number = value.value.data % 2**t.bitwidth
        if number >= 2 ** (t.bitwidth - 1):
            number -= 2**t.bitwidth
        wide = builder.insert(arith.ConstantOp(IntegerAttr(number, IndexType()))).result
        return builder.insert(arith.IndexCastOp(wide, t)).result
    return builder.insert(arith.ConstantOp(value)).result
