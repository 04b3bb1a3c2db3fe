"""Helpers shared by the loop transforms: bounds arithmetic, access substitution, analyses.

main_end(lb, ub, 1, 8, ops)      # lb + (max(ub - lb, 0) floordiv 8) * 8: the vector part
substitute(load, %iv, %i, 3)     # loop.load %A[%iv * 4] -> loop.load %A[%i * 4 + 12]
"""

from __future__ import annotations

from xdsl.dialects import arith
from xdsl.dialects.builtin import AffineMapAttr, IndexType, IntegerAttr
from xdsl.ir import Operation, SSAValue
from xdsl.ir.affine import (
    AffineBinaryOpExpr,
    AffineBinaryOpKind,
    AffineConstantExpr,
    AffineDimExpr,
    AffineExpr,
    AffineMap,
)

from dlir.dialects.loop import ForOp, MaxOp, constant_index
from dlir.dialects.loop.access import canonical_access
from dlir.dialects.loop.memory import AccessOp


def index_constant(value: int, ops: list[Operation]) -> SSAValue:
    """An `arith.constant <value> : index`, appended to `ops`."""
    op = arith.ConstantOp(IntegerAttr(value, IndexType()))
    ops.append(op)
    return op.result


def main_end(lb: SSAValue, ub: SSAValue, step: int, chunk: int, ops: list[Operation]) -> SSAValue:
    """The end of the iterations of `[lb, ub) step step` that fill whole chunks of `chunk`
    iterations; the rest (fewer than `chunk`) is the tail `[end, ub)`.

        end = lb + (max(ub - lb, 0) ceildiv step floordiv chunk) * chunk * step
    """
    lo, hi = constant_index(lb), constant_index(ub)
    if lo is not None and hi is not None:
        count = max(0, -(-(hi - lo) // step))
        return index_constant(lo + count // chunk * chunk * step, ops)
    span = arith.SubiOp(ub, lb)
    ops.append(span)
    clamped = MaxOp(span.result, index_constant(0, ops))
    ops.append(clamped)
    trips: SSAValue = clamped.result
    if step != 1:
        up = arith.CeilDivUIOp(trips, index_constant(step, ops))
        ops.append(up)
        trips = up.result
    whole = arith.DivUIOp(trips, index_constant(chunk, ops))
    scaled = arith.MuliOp(whole.result, index_constant(chunk * step, ops))
    end = arith.AddiOp(lb, scaled.result)
    ops.extend([whole, scaled, end])
    return end.result


def substitute(access: AccessOp, old: SSAValue, new: SSAValue | None, offset: int) -> AccessOp:
    """`access` with index operand `old` replaced by `new + offset` (`offset` alone when `new`
    is None), its map folded back to canonical form. Returns `access` if it does not use `old`.
    """
    indices = list(access.indices)
    if old not in indices:
        return access
    operands = [v for v in indices if v is not old]
    if new is not None and new not in operands:
        operands.append(new)
    replacements: list[AffineExpr] = []
    for value in indices:
        if value is old:
            base = (
                AffineExpr.constant(0) if new is None else AffineExpr.dimension(operands.index(new))
            )
            replacements.append(base + offset)
        else:
            replacements.append(AffineExpr.dimension(operands.index(value)))
    results = tuple(e.replace_dims_and_symbols(replacements, ()) for e in access.map.data.results)
    map, canonical = canonical_access(AffineMap(len(operands), 0, results), operands)
    head = [access.operands[0], access.memref] if access.STORES else [access.memref]
    return type(access).create(
        operands=[*head, *canonical],
        properties={**access.properties, "map": AffineMapAttr(map)},
        attributes=dict(access.attributes),
        result_types=[r.type for r in access.results],
    )


def linear_form(expr: AffineExpr) -> tuple[dict[int, int], int] | None:
    """`expr` as (coefficient of each dim, constant), or None if it is not linear
    (`floordiv`, `ceildiv`, `mod`).

        d0 * 64 + d1 + 3 -> ({0: 64, 1: 1}, 3)
    """
    if isinstance(expr, AffineConstantExpr):
        return {}, expr.value
    if isinstance(expr, AffineDimExpr):
        return {expr.position: 1}, 0
    if not isinstance(expr, AffineBinaryOpExpr):
        return None
    lhs, rhs = linear_form(expr.lhs), linear_form(expr.rhs)
    if lhs is None or rhs is None:
        return None
    if expr.kind == AffineBinaryOpKind.Add:
        coefficients = dict(lhs[0])
        for dim, c in rhs[0].items():
            coefficients[dim] = coefficients.get(dim, 0) + c
        return {d: c for d, c in coefficients.items() if c != 0}, lhs[1] + rhs[1]
    if expr.kind == AffineBinaryOpKind.Mul:
        if not rhs[0]:
            return {d: c * rhs[1] for d, c in lhs[0].items() if c * rhs[1] != 0}, lhs[1] * rhs[1]
        if not lhs[0]:
            return {d: c * lhs[1] for d, c in rhs[0].items() if c * lhs[1] != 0}, lhs[1] * rhs[1]
    return None


def uses_dim(expr: AffineExpr, position: int) -> bool:
    """Whether `expr` mentions dim `position`."""
    return any(isinstance(e, AffineDimExpr) and e.position == position for e in expr.dfs())


def defined_inside(value: SSAValue, op: Operation) -> bool:
    """Whether `value` is defined inside one of `op`'s regions."""
    parent = value.owner.parent_op()
    while parent is not None:
        if parent is op:
            return True
        parent = parent.parent_op()
    return False


def body_ops(loop: ForOp) -> list[Operation]:
    """The ops of `loop`'s body, without its `loop.yield`."""
    return list(loop.body.block.ops)[:-1]


def loops_inner_first(root: Operation) -> list[ForOp]:
    """The `loop.for`s inside `root`, deepest first (so rewriting one never moves a loop
    that is still to come)."""
    loops = [op for op in root.walk() if isinstance(op, ForOp)]
    return sorted(loops, key=lambda loop: -_depth(loop))


def _depth(op: Operation) -> int:
    depth, parent = 0, op.parent_op()
    while parent is not None:
        depth += 1
        parent = parent.parent_op()
    return depth
