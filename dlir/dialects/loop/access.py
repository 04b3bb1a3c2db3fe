"""Affine index expressions over SSA index values, as `loop.load` and friends print them.

An access `%A[%i * 64 + %j, %k]` is stored as index operands plus an `AffineMap` whose
dims are those operands: `(d0, d1, d2) -> (d0 * 64 + d1, d2)` with operands `%i, %j, %k`.
The map is kept in a canonical form so that printing and re-parsing gives back the
same map and operands:

- every expression is simplified the way `AffineExpr`'s operators simplify it;
- operands are distinct values and each one is used;
- dims are numbered in the order they first appear in the printed text.

Syntax (the `index-list` of `loop.load`, `loop.store`, `loop.vload`, `loop.vstore`):

    index-list ::= `[` (index-expr (`,` index-expr)*)? `]`
    index-expr ::= index-term ((`+` | `-`) index-term)*
    index-term ::= index-unary ((`*` | `floordiv` | `ceildiv` | `mod`) index-unary)*
    index-unary ::= `-` index-unary | ssa-id | integer-literal | `(` index-expr `)`

`*` needs a constant on one side; `floordiv`, `ceildiv` and `mod` need a positive
constant on the right. Operators are left-associative; `*`, `floordiv`, `ceildiv` and
`mod` bind tighter than `+` and `-`; unary `-` binds tightest. Dims are numbered by the
first occurrence of each SSA name, left to right.

The printer writes the simplified tree with the fewest parentheses that keep its shape:
`a + b * -3` as `a - b * 3`, `a + -5` as `a - 5`, `b * -1` as `-b` (`-(b mod 4)` when
`b` is compound), `b * -2 + 7` as `7 - b * 2`, and a right operand of `+` that is
itself a sum in parentheses: `a + (b + c)`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from xdsl.dialects.builtin import IndexType
from xdsl.ir import Operation, SSAValue
from xdsl.ir.affine import (
    AffineBinaryOpExpr,
    AffineBinaryOpKind,
    AffineConstantExpr,
    AffineDimExpr,
    AffineExpr,
    AffineMap,
    AffineSymExpr,
)
from xdsl.parser import Parser
from xdsl.printer import Printer
from xdsl.utils.exceptions import VerifyException

_PRECEDENCE = {
    AffineBinaryOpKind.Add: 10,
    AffineBinaryOpKind.Mul: 20,
    AffineBinaryOpKind.Mod: 20,
    AffineBinaryOpKind.FloorDiv: 20,
    AffineBinaryOpKind.CeilDiv: 20,
}
_DIVISIONS = {
    "floordiv": AffineBinaryOpKind.FloorDiv,
    "ceildiv": AffineBinaryOpKind.CeilDiv,
    "mod": AffineBinaryOpKind.Mod,
}


@dataclass(frozen=True)
class IndexExpr:
    """An affine expression over SSA index values, for building accesses in Python.

        i, j = IndexExpr.of(io), IndexExpr.of(ii)
        LoadOp(a, [i * 64 + j, k])          # %v = loop.load %A[%io * 64 + %ii, %k]

    `expr`'s dim `dN` stands for `values[N]`.
    """

    values: tuple[SSAValue, ...]
    expr: AffineExpr

    @staticmethod
    def of(value: SSAValue | Operation | int | IndexExpr) -> IndexExpr:
        """An index value, a constant, or an expression as an `IndexExpr`."""
        if isinstance(value, IndexExpr):
            return value
        if isinstance(value, int):
            return IndexExpr((), AffineExpr.constant(value))
        return IndexExpr((SSAValue.get(value),), AffineExpr.dimension(0))

    def _merge(self, other: IndexExpr) -> tuple[tuple[SSAValue, ...], AffineExpr, AffineExpr]:
        values = list(self.values)
        for value in other.values:
            if value not in values:
                values.append(value)
        moved = [AffineExpr.dimension(values.index(v)) for v in other.values]
        return tuple(values), self.expr, other.expr.replace_dims_and_symbols(moved, ())

    def __add__(self, other: IndexLike) -> IndexExpr:
        values, lhs, rhs = self._merge(IndexExpr.of(other))
        return IndexExpr(values, lhs + rhs)

    def __radd__(self, other: int) -> IndexExpr:
        return IndexExpr.of(other) + self

    def __sub__(self, other: IndexLike) -> IndexExpr:
        values, lhs, rhs = self._merge(IndexExpr.of(other))
        return IndexExpr(values, lhs - rhs)

    def __rsub__(self, other: int) -> IndexExpr:
        return IndexExpr.of(other) - self

    def __neg__(self) -> IndexExpr:
        return IndexExpr(self.values, -self.expr)

    def __mul__(self, factor: int) -> IndexExpr:
        return IndexExpr(self.values, self.expr * factor)

    def __rmul__(self, factor: int) -> IndexExpr:
        return self * factor

    def __floordiv__(self, divisor: int) -> IndexExpr:
        return IndexExpr(self.values, self.expr // _positive(divisor))

    def __mod__(self, divisor: int) -> IndexExpr:
        return IndexExpr(self.values, self.expr % _positive(divisor))

    def ceildiv(self, divisor: int) -> IndexExpr:
        return IndexExpr(self.values, self.expr.ceil_div(_positive(divisor)))


IndexLike = IndexExpr | SSAValue | Operation | int


def _positive(divisor: int) -> int:
    if divisor <= 0:
        raise ValueError(f"expected a positive divisor, found {divisor}")
    return divisor


def build_access(indices: Sequence[IndexLike]) -> tuple[AffineMap, tuple[SSAValue, ...]]:
    """The canonical map and operands for a list of index expressions."""
    exprs = [IndexExpr.of(index) for index in indices]
    values: list[SSAValue] = []
    results: list[AffineExpr] = []
    for e in exprs:
        for value in e.values:
            if value not in values:
                values.append(value)
        moved = [AffineExpr.dimension(values.index(v)) for v in e.values]
        results.append(e.expr.replace_dims_and_symbols(moved, ()))
    return canonical_access(AffineMap(len(values), 0, tuple(results)), values)


def canonical_access(
    map: AffineMap, operands: Sequence[SSAValue]
) -> tuple[AffineMap, tuple[SSAValue, ...]]:
    """Simplify `map`, drop unused and repeated operands, number dims by first use."""
    if map.num_dims != len(operands):
        raise ValueError(f"the map has {map.num_dims} dims but {len(operands)} operands")
    simplified = [_rebuild(e) for e in map.results]
    order: list[SSAValue] = []
    for e in simplified:
        for position in dims_in_print_order(e):
            value = operands[position]
            if value not in order:
                order.append(value)
    renumber = [
        AffineExpr.dimension(order.index(v)) if v in order else AffineExpr.dimension(0)
        for v in operands
    ]
    results = tuple(e.replace_dims_and_symbols(renumber, ()) for e in simplified)
    return AffineMap(len(order), 0, results), tuple(order)


def _rebuild(expr: AffineExpr) -> AffineExpr:
    """`expr` rebuilt through `AffineExpr`'s operators, which simplify as they go."""
    if isinstance(expr, AffineBinaryOpExpr):
        return AffineExpr.binary(expr.kind, _rebuild(expr.lhs), _rebuild(expr.rhs))
    return expr


def dims_in_print_order(expr: AffineExpr) -> list[int]:
    """Dim positions of `expr` in the order the printer writes them (lhs before rhs)."""
    if isinstance(expr, AffineDimExpr):
        return [expr.position]
    if isinstance(expr, AffineBinaryOpExpr):
        return dims_in_print_order(expr.lhs) + dims_in_print_order(expr.rhs)
    return []


def verify_access(map: AffineMap, operands: Sequence[SSAValue], rank: int) -> None:
    """Check that `map` with `operands` indexes a rank-`rank` buffer, in canonical form."""
    if map.num_symbols != 0:
        raise VerifyException(f"index map must not have symbols, found {map.num_symbols}")
    if map.num_dims != len(operands):
        raise VerifyException(
            f"index map dim count differs from index operand count: "
            f"{map.num_dims} vs {len(operands)}"
        )
    if len(map.results) != rank:
        raise VerifyException(
            f"index count differs from memref rank: expected {rank}, found {len(map.results)}"
        )
    for e in map.results:
        if not e.is_pure_affine():
            raise VerifyException(f"index expression is not affine: {e}")
        for node in e.dfs():
            if isinstance(node, AffineSymExpr):
                raise VerifyException(f"index expression must not use symbols, found {e}")
            if isinstance(node, AffineDimExpr) and node.position >= map.num_dims:
                raise VerifyException(
                    f"index expression {e} uses d{node.position}, "
                    f"but the map has {map.num_dims} dims"
                )
            if (
                isinstance(node, AffineBinaryOpExpr)
                and node.kind != AffineBinaryOpKind.Add
                and node.kind != AffineBinaryOpKind.Mul
                and isinstance(node.rhs, AffineConstantExpr)
                and node.rhs.value <= 0
            ):
                raise VerifyException(
                    f"expected a positive divisor in index expression {e}, found {node.rhs.value}"
                )
    expected_map, expected_operands = canonical_access(map, operands)
    if tuple(operands) != expected_operands or map != expected_map:
        raise VerifyException(
            f"index map is not in canonical form: expected {expected_map} over "
            f"{len(expected_operands)} operands, found {map} over {len(operands)} operands"
        )


def print_access(printer: Printer, map: AffineMap, operands: Sequence[SSAValue]) -> None:
    """Print `[expr, ...]` with `%value` in place of each dim."""
    printer.print_string("[")
    printer.print_list(map.results, lambda e: _print_expr(printer, e, operands, 0))
    printer.print_string("]")


def _print_expr(
    printer: Printer, expr: AffineExpr, operands: Sequence[SSAValue], min_prec: int
) -> None:
    match expr:
        case AffineConstantExpr(value=value):
            printer.print_string(str(value))
        case AffineDimExpr(position=position):
            printer.print_ssa_value(operands[position])
        case AffineSymExpr(position=position):
            printer.print_string(f"s{position}")
        case AffineBinaryOpExpr(kind=AffineBinaryOpKind.Add, lhs=lhs, rhs=AffineConstantExpr()) if (
            _negated(lhs) is not None
        ):
            # `x * -3 + 63` -> `63 - x * 3`
            if min_prec > 10:
                printer.print_string("(")
            printer.print_string(f"{expr.rhs} - ")
            _print_negated(printer, lhs, operands)
            if min_prec > 10:
                printer.print_string(")")
        case AffineBinaryOpExpr(
            kind=AffineBinaryOpKind.Mul, lhs=lhs, rhs=AffineConstantExpr(value=-1)
        ):
            # `x * -1` -> `-x`, with parentheses unless x is a single value
            printer.print_string("-")
            _print_expr(printer, lhs, operands, 21)
        case AffineBinaryOpExpr(kind=kind, lhs=lhs, rhs=rhs):
            prec = _PRECEDENCE[kind]
            if prec < min_prec:
                printer.print_string("(")
            _print_expr(printer, lhs, operands, prec)
            if kind == AffineBinaryOpKind.Add:
                _print_add_rhs(printer, rhs, operands)
            else:
                printer.print_string(f" {kind.get_token()} ")
                _print_expr(printer, rhs, operands, prec + 1)
            if prec < min_prec:
                printer.print_string(")")
        case _:
            raise ValueError(f"unexpected affine expression {expr}")


def _negated(expr: AffineExpr) -> AffineExpr | None:
    """`x * c` with c < 0, as `x * -c`; else None."""
    if (
        isinstance(expr, AffineBinaryOpExpr)
        and expr.kind == AffineBinaryOpKind.Mul
        and isinstance(expr.rhs, AffineConstantExpr)
        and expr.rhs.value < 0
    ):
        return expr
    return None


def _print_negated(printer: Printer, mul: AffineExpr, operands: Sequence[SSAValue]) -> None:
    """Print `x * c` (c < 0) as `x * -c`, or `x` when c is -1, to follow a `-`."""
    assert isinstance(mul, AffineBinaryOpExpr) and isinstance(mul.rhs, AffineConstantExpr)
    _print_expr(printer, mul.lhs, operands, 20)
    if mul.rhs.value != -1:
        printer.print_string(f" * {-mul.rhs.value}")


def _print_add_rhs(printer: Printer, rhs: AffineExpr, operands: Sequence[SSAValue]) -> None:
    # `a + -5` -> `a - 5`;  `a + b * -1` -> `a - b`;  `a + b * -3` -> `a - b * 3`
    if isinstance(rhs, AffineConstantExpr) and rhs.value < 0:
        printer.print_string(f" - {-rhs.value}")
        return
    if _negated(rhs) is not None:
        printer.print_string(" - ")
        _print_negated(printer, rhs, operands)
        return
    printer.print_string(" + ")
    _print_expr(printer, rhs, operands, 11)


def parse_access(parser: Parser) -> tuple[AffineMap, tuple[SSAValue, ...]]:
    """Parse an `index-list` (see the module docstring) into a canonical map and operands."""
    return _AccessParser(parser).parse()


class _AccessParser:
    """Recursive descent over `index-list`; each distinct SSA name becomes the next dim."""

    def __init__(self, parser: Parser) -> None:
        self.parser = parser
        self.names: list[tuple[str, int]] = []
        self.operands: list[SSAValue] = []

    def parse(self) -> tuple[AffineMap, tuple[SSAValue, ...]]:
        results = self.parser.parse_comma_separated_list(
            Parser.Delimiter.SQUARE, self.parse_expr, " in index list"
        )
        return canonical_access(AffineMap(len(self.operands), 0, tuple(results)), self.operands)

    def parse_expr(self) -> AffineExpr:
        expr = self.parse_term()
        while True:
            if self.parser.parse_optional_punctuation("+") is not None:
                expr = expr + self.parse_term()
            elif self.parser.parse_optional_punctuation("-") is not None:
                expr = expr - self.parse_term()
            else:
                return expr

    def parse_term(self) -> AffineExpr:
        expr = self.parse_unary()
        while True:
            pos = self.parser.pos
            if self.parser.parse_optional_punctuation("*") is not None:
                rhs = self.parse_unary()
                if not isinstance(expr, AffineConstantExpr) and not isinstance(
                    rhs, AffineConstantExpr
                ):
                    self.parser.raise_error(
                        "expected a constant on one side of '*' in an index expression",
                        pos,
                        self.parser.pos,
                    )
                expr = expr * rhs
                continue
            keyword = self.parser.parse_optional_keyword_in(tuple(_DIVISIONS))
            if keyword is None:
                return expr
            divisor_pos = self.parser.pos
            rhs = self.parse_unary()
            if not isinstance(rhs, AffineConstantExpr) or rhs.value <= 0:
                self.parser.raise_error(
                    f"expected a positive constant after '{keyword}'", divisor_pos, self.parser.pos
                )
            expr = AffineExpr.binary(_DIVISIONS[keyword], expr, rhs)

    def parse_unary(self) -> AffineExpr:
        if self.parser.parse_optional_punctuation("-") is not None:
            return -self.parse_unary()
        if self.parser.parse_optional_punctuation("(") is not None:
            expr = self.parse_expr()
            self.parser.parse_punctuation(")", " to close an index expression")
            return expr
        value = self.parser.parse_optional_integer(allow_boolean=False, allow_negative=False)
        if value is not None:
            return AffineExpr.constant(value)
        operand = self.parser.parse_optional_unresolved_operand()
        if operand is None:
            self.parser.raise_error("expected an SSA value, an integer or '(' in index expression")
        name = (operand.span.text, operand.index)
        if name not in self.names:
            self.names.append(name)
            self.operands.append(self.parser.resolve_operand(operand, IndexType()))
        return AffineExpr.dimension(self.names.index(name))
