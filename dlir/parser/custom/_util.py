"""Helpers shared by the custom forms: sub-parsing `<...>` bodies with xDSL, operand lists.

flags = parse_body(p, tok, FastMathFlagsAttr.parse_parameter)   # tok = "<fast>"
"""

# pyright: reportUnknownMemberType=false, reportUnknownVariableType=false, reportUnknownArgumentType=false, reportMissingTypeStubs=false
from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

from lark import Token
from xdsl.ir import Attribute, SSAValue
from xdsl.parser import Parser
from xdsl.utils.exceptions import ParseError
from xdsl.utils.mlir_lexer import MLIRTokenKind

from dlir.parser.state import ParseState

T = TypeVar("T")


def parse_body(p: ParseState, tok: Token, parse: Callable[[Parser], T]) -> T:
    """Run an xDSL parsing function on the text of `tok` (e.g. the `<nsw, nuw>` of
    `overflow<nsw, nuw>`), reporting its errors where they occur inside `tok`."""
    text = str(tok)
    parser = Parser(p.ctx, text, p.filename)
    parser.attribute_aliases = p.aliases
    try:
        value = parse(parser)
        if parser._current_token.kind != MLIRTokenKind.EOF:  # pyright: ignore[reportPrivateUsage]
            parser.raise_error("unexpected text after the value")
    except ParseError as err:
        found = err.span.text or "the end"
        message = f"{err.msg.rstrip('.')}, found '{found}'"
        raise p.error_inside(message, tok, err.span.start) from None
    return value


def present(items: Sequence[T | None]) -> list[T]:
    """The items of a `[x ("," x)*]` list, without the placeholder of an empty list."""
    return [item for item in items if item is not None]


def use_all(p: ParseState, toks: Sequence[Token], type: Attribute) -> list[SSAValue]:
    """The values named by `toks`, all of type `type` (e.g. index operands)."""
    return [p.use(tok, type) for tok in toks]


def flag(p: ParseState) -> bool:
    """Callback of a one-keyword rule (`llvm_store_volatile: "volatile"`): it is present."""
    return True


def token(p: ParseState, tok: Token) -> Token:
    """Callback of a rule that only names a token (`!x_kind: "a" | "b"`)."""
    return tok


def index_list_grammar(rule: str) -> str:
    """Lark rules `<rule>_index_list` for xDSL's `custom<DynamicIndexList>`: `[0, %i, 4]`."""
    return f"""
{rule}_index_list: "[" [{rule}_index_item ("," {rule}_index_item)*] "]"
{rule}_index_item: VALUE_ID | int_lit
"""


def index_list_callbacks(rule: str) -> dict[str, Callable[..., object]]:
    return {f"{rule}_index_list": _index_list, f"{rule}_index_item": _index_item}


def _index_list(p: ParseState, *items: Token | int | None) -> list[Token | int]:
    return present(items)


def _index_item(p: ParseState, item: Token | int) -> Token | int:
    return item


def split_index_list(
    p: ParseState, items: Sequence[Token | int], type: Attribute
) -> tuple[list[SSAValue], list[int]]:
    """`[0, %i, 4]` -> (values [%i], static [0, DYNAMIC_INDEX, 4]), as xDSL's
    `parse_dynamic_index_list_without_types`."""
    from xdsl.dialects.builtin import DYNAMIC_INDEX

    values: list[SSAValue] = []
    static: list[int] = []
    for item in items:
        if isinstance(item, int):
            static.append(item)
        else:
            static.append(DYNAMIC_INDEX)
            values.append(p.use(item, type))
    return values, static
