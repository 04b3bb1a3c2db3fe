"""The plug-in interface of dlir's Lark parser: hand-written op syntaxes (see INTERFACE.md).

FORMS = (CustomForm("scf.for", "scf_for", SCF_FOR_GRAMMAR, {"scf_for": build_for, ...}),)
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from lark import Token
from xdsl.dialects.builtin import LocationAttr
from xdsl.ir import Attribute


@dataclass(frozen=True)
class CustomForm:
    """The Lark rules and builder callbacks of one op's custom syntax."""

    op_name: str
    rule: str
    grammar: str
    callbacks: Mapping[str, Callable[..., object]]


@dataclass(frozen=True)
class Argument:
    """A named entry-block argument: `%a : i32 {attrs} loc(...)`."""

    name: Token
    type: Attribute
    attrs: dict[str, Attribute] | None = None
    loc: LocationAttr | None = None


def op_terminal(op_name: str) -> str:
    """The terminal matching an op name: `scf.for` -> `OP_SCF_FOR`."""
    return "OP_" + op_name.upper().replace(".", "_").replace("-", "_")
