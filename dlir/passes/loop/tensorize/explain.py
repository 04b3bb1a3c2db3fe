"""Explanations: the two normalized nests side by side, what differs and how to fix it,
or, for a match, which loop is which and which window each buffer is.

    loop nest does not match @gemm_4x4x4:
      nest (normalized)                        | @gemm_4x4x4 (normalized)
      for %ii in 0..4                          | for %i in 0..4
        for %ji in 0..4                        |   for %j in 0..4
          for %ki in 0..8 (reduction)          |     for %k in 0..4 (reduction)
      ...
      difference: loop %ki has extent 8, @gemm_4x4x4's loop %k has 4: split %ki by 4 and ...
"""

from __future__ import annotations

from collections.abc import Sequence

from xdsl.ir import SSAValue
from xdsl.ir.affine import AffineExpr

from dlir.passes.loop.tensorize.normalize import (
    Compute,
    Const,
    Expr,
    Load,
    Loop,
    Nest,
    Outer,
    Stmt,
    Store,
)
from dlir.passes.loop.tensorize.outcome import (
    Match,
    Mismatch,
    MoveOut,
    Reorder,
    Split,
    Suggestion,
    show_index,
)
from dlir.passes.loop.tensorize.outcome import value_name as _name


def render(nest: Nest) -> list[str]:
    """The nest as text lines, two spaces per level."""
    lines: list[str] = []
    symbols = [_name(v) for v in nest.outer]

    def index(values: Sequence[AffineExpr]) -> str:
        return ", ".join(show_index(e, nest.names, symbols) for e in values)

    def expr(e: Expr) -> str:
        match e:
            case Load(buffer=buffer, index=at):
                return f"{_name(buffer)}[{index(at)}]"
            case Const(text=text):
                return text
            case Outer(value=value):
                return _name(value)
            case Compute(name=name, operands=operands):
                return f"{name.removeprefix('arith.')}({', '.join(expr(o) for o in operands)})"

    def stmts(body: tuple[Stmt, ...], depth: int) -> None:
        pad = "  " * depth
        for s in body:
            if isinstance(s, Loop):
                note = " (reduction)" if s.reduction else ""
                lines.append(f"{pad}for {nest.names[s.dim]} in 0..{s.extent}{note}")
                stmts(s.body, depth + 1)
            else:
                assert isinstance(s, Store)
                lines.append(f"{pad}{_name(s.buffer)}[{index(s.index)}] = {expr(s.value)}")

    stmts(nest.body, 0)
    return lines


def side_by_side(left: list[str], right: list[str], titles: tuple[str, str]) -> list[str]:
    """Two columns, or one block after the other when a line is too long for columns."""
    width = max([len(titles[0]), *(len(line) for line in left)])
    if width + max(len(line) for line in [titles[1], *right]) > 110:
        return [f"{titles[0]}:", *(f"  {line}" for line in left), f"{titles[1]}:"] + [
            f"  {line}" for line in right
        ]
    rows = [(titles[0], titles[1])]
    rows += [
        (left[k] if k < len(left) else "", right[k] if k < len(right) else "")
        for k in range(max(len(left), len(right)))
    ]
    return [f"{a.ljust(width)} | {b}".rstrip() for a, b in rows]


def suggestion_text(suggestion: Suggestion) -> str:
    match suggestion:
        case Split(loop=loop, factor=factor):
            return f"split {loop} by {factor}"
        case Reorder(order=order):
            return f"reorder the loops as ({', '.join(order)})"
        case MoveOut(loop=loop):
            return f"move {loop} outside the loop tensorized"


def explain_mismatch(nest: Nest, behavior: Nest, intrinsic: str, mismatch: Mismatch) -> str:
    lines = [f"loop nest does not match {intrinsic}:"]
    table = side_by_side(
        render(nest), render(behavior), ("nest (normalized)", f"{intrinsic} (normalized)")
    )
    lines += [f"  {line}" for line in table]
    lines += [f"  difference: {d}" for d in mismatch.differences]
    lines += [f"  fix: {suggestion_text(s)}" for s in mismatch.suggestions]
    return "\n".join(lines)


def explain_match(
    nest: Nest, behavior: Nest, params: Sequence[SSAValue], intrinsic: str, match: Match
) -> str:
    symbols = [_name(v) for v in nest.outer]
    lines = [f"loop nest matches {intrinsic}:"]
    for b, n in sorted(match.loops.items()):
        lines.append(
            f"  loop {nest.names[n]} ({nest.extents[n]}) <-> {behavior.names[b]} ({behavior.extents[b]})"
        )
    for p, binding in sorted(match.bindings.items()):
        offsets = ", ".join(show_index(e, nest.names, symbols) for e in binding.offsets)
        lines.append(
            f"  buffer {_name(params[p])} <-> {_name(binding.buffer)}[{offsets}] "
            f"(window {params[p].type})"
        )
    return "\n".join(lines)
