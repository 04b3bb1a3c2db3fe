"""Linear forms over the loops of one statement nest, and the buffer views they address.

`vta-codegen` runs the host part of a kernel at compile time, so every index outside a
statement nest is an integer; inside one, an index is `const + sum(coeff_l * loop_l)`
over the nest's loops. An access's element offset is such a form, computed from the
view's offset and strides:

    %C[%bo, %co, 0, %ci]   (memref<2x2x1x16xi32>, strides 32, 16, 16, 1; loops bo, co, ci)
    ->  Linear(0, {bo: 32, co: 16, ci: 1})
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from xdsl.ir.affine import (
    AffineBinaryOpExpr,
    AffineBinaryOpKind,
    AffineConstantExpr,
    AffineDimExpr,
    AffineExpr,
)


class NotLinear(ValueError):
    """An index that is not affine in the nest's loops (a floordiv or mod of a loop)."""


@dataclass(frozen=True)
class Linear:
    """`const + sum(coeffs[l] * loop_l)`; loops are numbered outermost first."""

    const: int
    coeffs: Mapping[int, int] = field(default_factory=dict[int, int])

    @staticmethod
    def of(value: int) -> Linear:
        return Linear(value)

    @staticmethod
    def loop(position: int, step: int = 1, start: int = 0) -> Linear:
        """A loop's induction variable, `start + step * k` for iteration k."""
        return Linear(start, {position: step})

    def is_const(self) -> bool:
        return not any(self.coeffs.values())

    def coeff(self, position: int) -> int:
        return self.coeffs.get(position, 0)

    def __add__(self, other: Linear) -> Linear:
        coeffs = dict(self.coeffs)
        for position, value in other.coeffs.items():
            coeffs[position] = coeffs.get(position, 0) + value
        return Linear(self.const + other.const, {p: c for p, c in coeffs.items() if c})

    def scale(self, factor: int) -> Linear:
        if factor == 0:
            return Linear(0)
        return Linear(self.const * factor, {p: c * factor for p, c in self.coeffs.items()})

    def __sub__(self, other: Linear) -> Linear:
        return self + other.scale(-1)

    def at(self, values: Mapping[int, int]) -> int:
        """The value when loop `l` has value `values[l]` (missing loops: 0)."""
        return self.const + sum(c * values.get(p, 0) for p, c in self.coeffs.items())


def evaluate(expr: AffineExpr, operands: Sequence[Linear]) -> Linear:
    """`expr` with dim N standing for `operands[N]`; division only of constants."""
    if isinstance(expr, AffineConstantExpr):
        return Linear(expr.value)
    if isinstance(expr, AffineDimExpr):
        return operands[expr.position]
    if not isinstance(expr, AffineBinaryOpExpr):
        raise NotLinear(f"unsupported index expression {expr}")
    lhs, rhs = evaluate(expr.lhs, operands), evaluate(expr.rhs, operands)
    if expr.kind == AffineBinaryOpKind.Add:
        return lhs + rhs
    if expr.kind == AffineBinaryOpKind.Mul:
        if rhs.is_const():
            return lhs.scale(rhs.const)
        if lhs.is_const():
            return rhs.scale(lhs.const)
        raise NotLinear(f"{expr} multiplies two loop indices")
    if not (lhs.is_const() and rhs.is_const()):
        raise NotLinear(f"{expr} divides a loop index: not affine in the statement's loops")
    a, b = lhs.const, rhs.const
    if expr.kind == AffineBinaryOpKind.FloorDiv:
        return Linear(a // b)
    if expr.kind == AffineBinaryOpKind.CeilDiv:
        return Linear(-(-a // b))
    return Linear(a % b)


@dataclass(frozen=True)
class View:
    """A window of a DRAM buffer (`scope` "dram", `buffer` its id) or of on-chip SRAM
    (`scope` "vta.inp"/"vta.wgt"/"vta.acc", offsets from the scope's first element):
    element `(i_0, ..., i_n)` is at `offset + sum(i_d * strides[d])`."""

    scope: str
    buffer: int
    offset: Linear
    strides: tuple[int, ...]
    shape: tuple[int, ...]
    element_bits: int

    def address(self, indices: Sequence[Linear]) -> Linear:
        total = self.offset
        for index, stride in zip(indices, self.strides, strict=True):
            total = total + index.scale(stride)
        return total


def row_major(shape: Sequence[int]) -> tuple[int, ...]:
    strides: list[int] = []
    step = 1
    for size in reversed(shape):
        strides.append(step)
        step *= size
    return tuple(reversed(strides))
