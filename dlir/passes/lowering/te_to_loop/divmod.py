"""Division and remainder of an index by a constant, folded by the ranges of the loops.

A reader of a packed stage (`rewrite.pack`) indexes it with `arith.divsi` and
`arith.remsi` by the block size. Where the reader's loops are split the same way, the
ranges of the loop indices fold them away, so the access stays affine and contiguous
(loop-vectorize sees a unit stride):

    (%oi + %oo * 16) divsi 16    with %oi in [0, 16)   ->  %oo
    (%oi + %oo * 16) remsi 16                          ->  %oi
    %x divsi 4                   with %x in [0, 56)    ->  %x floordiv 4   (an affine access)

`divsi`/`remsi` round toward zero and `floordiv`/`mod` toward -inf: they agree only on a
non-negative index, so an index whose range is unknown or may be negative is not folded
(it stays an SSA value, as before).
"""

from __future__ import annotations

from xdsl.dialects import arith
from xdsl.dialects.builtin import IndexType, IntegerAttr
from xdsl.ir import Block, SSAValue
from xdsl.ir.affine import (
    AffineBinaryOpExpr,
    AffineBinaryOpKind,
    AffineConstantExpr,
    AffineDimExpr,
    AffineExpr,
)

from dlir.dialects.loop import ForOp, IndexExpr, MinOp
from dlir.passes.lowering.te_to_loop.plan import expr_range, simplify


def divide(index: IndexExpr, divisor: int, *, remainder: bool) -> IndexExpr | None:
    """`index divsi divisor` (or `remsi`) as an affine index, when `index` is provably
    non-negative and affine in the loop indices; else None."""
    if divisor <= 0:
        return None
    values, expr = _expand(index)
    ranges = {n: r for n, v in enumerate(values) if (r := _loop_range(v)) is not None}
    whole = expr_range(expr, ranges)
    linear = _linear(simplify(expr))
    if whole is None or whole[0] < 0 or linear is None:
        return None
    # index = divisor * quotient + rest, rest the terms that are not multiples of divisor
    coefficients, constant = linear
    quotient = AffineExpr.constant(constant // divisor)
    rest = AffineExpr.constant(constant % divisor)
    for dim, coefficient in coefficients.items():
        term = AffineExpr.dimension(dim)
        if coefficient % divisor == 0:
            quotient = quotient + term * (coefficient // divisor)
        else:
            rest = rest + term * coefficient
    rest = simplify(rest)
    reach = expr_range(rest, ranges)
    if reach is not None and reach[0] >= 0 and reach[1] < divisor:
        result = rest if remainder else quotient
    else:
        result = rest % divisor if remainder else quotient + rest // divisor
    return IndexExpr(values, simplify(result))


def affine_binary(
    op: arith.AddiOp | arith.SubiOp | arith.MuliOp, lhs: AffineExpr, rhs: AffineExpr
) -> AffineExpr | None:
    """`lhs <op> rhs` when it stays affine: a sum, a difference, or a product with a
    constant side (`%i * %c16` -> `d0 * 16`); None for a product of two non-constants."""
    if isinstance(op, arith.AddiOp):
        return lhs + rhs
    if isinstance(op, arith.SubiOp):
        return lhs - rhs
    if isinstance(rhs, AffineConstantExpr):
        return lhs * rhs.value
    if isinstance(lhs, AffineConstantExpr):
        return rhs * lhs.value
    return None


def _expand(index: IndexExpr) -> tuple[tuple[SSAValue, ...], AffineExpr]:
    """`index` over loop indices and opaque values: index arithmetic that an earlier
    materialization emitted (`arith.muli %oo, %c16`) is looked through."""
    values: list[SSAValue] = []

    def visit(value: SSAValue) -> AffineExpr:
        op = value.owner
        if (
            isinstance(op, arith.ConstantOp)
            and isinstance(op.value, IntegerAttr)
            and isinstance(op.result.type, IndexType)
        ):
            return AffineExpr.constant(op.value.value.data)
        if isinstance(op, arith.AddiOp | arith.SubiOp | arith.MuliOp) and isinstance(
            op.result.type, IndexType
        ):
            combined = affine_binary(op, visit(op.lhs), visit(op.rhs))
            if combined is not None:
                return combined
        if value not in values:
            values.append(value)
        return AffineExpr.dimension(values.index(value))

    dims = [visit(value) for value in index.values]
    return tuple(values), index.expr.replace_dims_and_symbols(dims, [])


def _loop_range(value: SSAValue) -> tuple[int, int] | None:
    """`[lower, upper - 1]` for the index of a loop.for with constant bounds."""
    block = value.owner
    if not isinstance(block, Block) or not isinstance(block.parent_op(), ForOp):
        return None
    loop = block.parent_op()
    assert isinstance(loop, ForOp)
    if value is not loop.body.block.args[0]:
        return None
    bounds = [_constant(loop.lb), _upper(loop.ub)]
    if bounds[0] is None or bounds[1] is None or bounds[1] <= bounds[0]:
        return None
    return bounds[0], bounds[1] - 1


def _upper(value: SSAValue) -> int | None:
    """A constant `value` is at most: itself, or the smallest constant of a `loop.min` (the
    main loop of a peeled tail, `loop.min %c16, %n`)."""
    op = value.owner
    if isinstance(op, MinOp):
        found = [c for c in (_constant(v) for v in op.operands) if c is not None]
        return min(found, default=None)
    return _constant(value)


def _constant(value: SSAValue) -> int | None:
    op = value.owner
    if isinstance(op, arith.ConstantOp) and isinstance(op.value, IntegerAttr):
        return op.value.value.data
    return None


def _linear(expr: AffineExpr) -> tuple[dict[int, int], int] | None:
    """`expr` as coefficients per dim and a constant, when it is a linear combination."""
    if isinstance(expr, AffineConstantExpr):
        return {}, expr.value
    if isinstance(expr, AffineDimExpr):
        return {expr.position: 1}, 0
    if not isinstance(expr, AffineBinaryOpExpr):
        return None
    if expr.kind == AffineBinaryOpKind.Add:
        lhs, rhs = _linear(expr.lhs), _linear(expr.rhs)
        if lhs is None or rhs is None:
            return None
        terms = dict(lhs[0])
        for dim, coefficient in rhs[0].items():
            terms[dim] = terms.get(dim, 0) + coefficient
        return terms, lhs[1] + rhs[1]
    if expr.kind == AffineBinaryOpKind.Mul:
        for factor, other in ((expr.rhs, expr.lhs), (expr.lhs, expr.rhs)):
            if isinstance(factor, AffineConstantExpr):
                inner = _linear(other)
                if inner is None:
                    return None
                scaled = {d: c * factor.value for d, c in inner[0].items()}
                return scaled, inner[1] * factor.value
    return None
