"""What unification finds: a match (loops paired, buffers bound to windows) or a
mismatch (what differs, and the fixes: split, reorder, move out); and how indices print."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from xdsl.ir import SSAValue
from xdsl.ir.affine import (
    AffineBinaryOpExpr,
    AffineBinaryOpKind,
    AffineConstantExpr,
    AffineDimExpr,
    AffineExpr,
    AffineSymExpr,
)


@dataclass(frozen=True)
class Binding:
    """Behavior buffer `param` is the window of `buffer` at `offsets` (one per dim of
    `buffer`, over the nest's symbols) keeping the dims `kept` (the others: size 1)."""

    param: int
    buffer: SSAValue
    kept: tuple[int, ...]
    offsets: tuple[AffineExpr, ...]


@dataclass
class Match:
    loops: dict[int, int]
    """Behavior loop dim -> nest loop dim."""
    bindings: dict[int, Binding]


@dataclass(frozen=True)
class Split:
    """Split nest loop `loop` by `factor` (and tensorize at, or keep inside, the inner loop)."""

    loop: str
    factor: int


@dataclass(frozen=True)
class Reorder:
    """Put the nest's loops in this order (outermost first)."""

    order: tuple[str, ...]


@dataclass(frozen=True)
class MoveOut:
    """Move nest loop `loop` outside the tensorized loop."""

    loop: str


Suggestion = Split | Reorder | MoveOut


@dataclass
class Mismatch:
    differences: list[str]
    suggestions: list[Suggestion] = field(default_factory=list[Suggestion])


def show_index(expr: AffineExpr, dims: Sequence[str], symbols: Sequence[str]) -> str:
    """`expr` as loop IR writes an index, dim N as `dims[N]` and symbol N as `symbols[N]`:
    `%io * 4 + %ii - 1`."""

    def atom(e: AffineExpr) -> str:
        if isinstance(e, AffineDimExpr):
            return dims[e.position] if e.position < len(dims) else f"d{e.position}"
        if isinstance(e, AffineSymExpr):
            return symbols[e.position] if e.position < len(symbols) else f"s{e.position}"
        if isinstance(e, AffineConstantExpr):
            return str(e.value)
        text = show(e)
        return f"({text})"

    def term(e: AffineExpr) -> tuple[bool, str]:
        """(negative, text of the absolute value) of one term of a sum."""
        if isinstance(e, AffineConstantExpr):
            return e.value < 0, str(abs(e.value))
        if (
            isinstance(e, AffineBinaryOpExpr)
            and e.kind == AffineBinaryOpKind.Mul
            and isinstance(e.rhs, AffineConstantExpr)
        ):
            factor = e.rhs.value
            text = atom(e.lhs) if abs(factor) == 1 else f"{atom(e.lhs)} * {abs(factor)}"
            return factor < 0, text
        if isinstance(e, AffineBinaryOpExpr) and e.kind != AffineBinaryOpKind.Add:
            return False, f"{atom(e.lhs)} {e.kind.get_token()} {atom(e.rhs)}"
        return False, atom(e)

    def terms(e: AffineExpr) -> list[AffineExpr]:
        if isinstance(e, AffineBinaryOpExpr) and e.kind == AffineBinaryOpKind.Add:
            return terms(e.lhs) + terms(e.rhs)
        return [e]

    def order(e: AffineExpr) -> int:
        # values from outside first, then the nest's loops, then the constant
        if isinstance(e, AffineConstantExpr):
            return 2
        return 0 if not e.used_dims() else 1

    def show(e: AffineExpr) -> str:
        text = ""
        for n, t in enumerate(sorted(terms(e), key=order)):
            negative, body = term(t)
            if n == 0:
                text = f"-{body}" if negative else body
            else:
                text += f" - {body}" if negative else f" + {body}"
        return text

    return show(expr)


def value_name(value: SSAValue) -> str:
    """`%name` of a value in messages."""
    return f"%{value.name_hint}" if value.name_hint else "%<unnamed>"
