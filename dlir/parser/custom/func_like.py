"""One grammar for every function-like op that prints exactly like `func.func`
(`print_func_op_like`): `graph.func`, `loop.func`, `hw.intrinsic`.

    graph.func [public|private|nested] @f(%a: tensor<4xf32> {attrs} loc(...), ...) -> (tensor<4xf32> {attrs}) [attributes {...}] [{ body }]
    loop.func @k(%a: memref<16xf32>, %c: memref<16xf32>) attributes {num_outputs = 1 : i64} { ... }
    graph.func private @decl(tensor<4xf32>) -> tensor<4xf32>

The grammar is the same for all of them (that of xDSL's `parse_func_op_like`); what an op
accepts (visibility, results, argument attributes) is checked by its builder, with the
messages of its xDSL `parse`. As in xDSL, attributes of unnamed (declaration) arguments
are read and dropped.
"""

# pyright: reportUnknownMemberType=false, reportUnknownVariableType=false, reportUnknownArgumentType=false, reportMissingTypeStubs=false
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from lark import Token
from xdsl.dialects.builtin import ArrayAttr, DictionaryAttr, FunctionType
from xdsl.ir import Attribute, Operation, Region

from dlir.parser.custom._util import present, token
from dlir.parser.plugin import Argument, CustomForm, op_terminal
from dlir.parser.state import ParseState


@dataclass
class FuncParts:
    """What `parse_func_op_like` returns, plus the optional leading visibility keyword."""

    name: Token
    visibility: Token | None
    sym_name: str
    function_type: FunctionType
    body: Region
    attributes: dict[str, Attribute] | None
    arg_attrs: ArrayAttr[DictionaryAttr] | None
    res_attrs: ArrayAttr[DictionaryAttr] | None


FuncBuilder = Callable[[ParseState, FuncParts], Operation]


def func_like_grammar(op_name: str, rule: str) -> str:
    return f"""
{rule}: {rule}_header [region]
{rule}_header: {op_terminal(op_name)} [{rule}_visibility] SYMBOL "(" [{rule}_arg ("," {rule}_arg)*] ")" ["->" {rule}_results] [attr_dict_kw]
!{rule}_visibility: "public" | "private" | "nested"
{rule}_arg: arg | type [attr_dict] [location]
{rule}_results: non_fn_type | "(" [{rule}_result ("," {rule}_result)*] ")"
{rule}_result: type [attr_dict]
"""


def _arg(
    p: ParseState, first: Argument | Attribute, attrs: Any = None, loc: Any = None
) -> Argument | Attribute:
    return first


def _result(
    p: ParseState, type: Attribute, attrs: dict[str, Attribute] | None
) -> tuple[Attribute, dict[str, Attribute]]:
    return type, attrs or {}


def _results(p: ParseState, *items: Any) -> list[tuple[Attribute, dict[str, Attribute]]]:
    if len(items) == 1 and isinstance(items[0], Attribute):
        return [(items[0], {})]
    return present(items)


def func_like_form(op_name: str, build: FuncBuilder, reserved: Sequence[str]) -> CustomForm:
    """The custom form of a function-like op; `reserved` are the attribute names that the
    syntax itself defines (rejected in `attributes {...}`, as xDSL does)."""
    rule = op_name.replace(".", "_")

    def header(
        p: ParseState, name: Token, visibility: Token | None, sym: Token, *rest: Any
    ) -> FuncParts:
        *raw_args, raw_results, attrs = rest
        args: list[Argument | Attribute] = present(raw_args)
        named = [a for a in args if isinstance(a, Argument)]
        if named and len(named) != len(args):
            raise p.error("Expected all arguments to be named or all arguments to be unnamed.", sym)
        if named:
            p.set_entry_args(named)
        inputs = [a.type if isinstance(a, Argument) else a for a in args]
        results: list[tuple[Attribute, dict[str, Attribute]]] = raw_results or []
        for key in reserved:
            if attrs is not None and key in attrs:
                raise p.error(
                    f"Attribute dictionary entry '{key}' is already passed through the operation syntax",
                    sym,
                )
        return FuncParts(
            name=name,
            visibility=visibility,
            sym_name=p.symbol_name(sym),
            function_type=FunctionType.from_lists(inputs, [t for t, _ in results]),
            body=Region(),
            attributes=attrs,
            arg_attrs=ArrayAttr(DictionaryAttr(a.attrs or {}) for a in named)
            if any(a.attrs for a in named)
            else None,
            res_attrs=ArrayAttr(DictionaryAttr(r) for _, r in results)
            if any(r for _, r in results)
            else None,
        )

    def top(p: ParseState, parts: FuncParts, body: Region | None) -> Operation:
        if body is None:
            p.pending_args = None  # a declaration: its named arguments open no region
        else:
            parts.body = body
        return p.located(build(p, parts), parts.name)

    callbacks: dict[str, Callable[..., object]] = {
        rule: top,
        f"{rule}_header": header,
        f"{rule}_visibility": token,
        f"{rule}_arg": _arg,
        f"{rule}_results": _results,
        f"{rule}_result": _result,
    }
    return CustomForm(op_name, rule, func_like_grammar(op_name, rule), callbacks)


def no_visibility(p: ParseState, parts: FuncParts) -> None:
    """For ops whose xDSL `parse` starts at the symbol name."""
    if parts.visibility is not None:
        raise p.error(f"expected a symbol name, found '{parts.visibility}'", parts.visibility)
