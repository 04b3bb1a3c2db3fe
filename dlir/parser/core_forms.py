"""Hand-written forms of the core: `builtin.module` and `func.func` (see INTERFACE.md).

module @m attributes {a = 1} { ... }
%r = builtin.unrealized_conversion_cast %a, %b : i32, f32 to i64
func.func private @f(%a: i32 {llvm.noalias}, %b: f32 loc("x":1:2)) -> (i32 {r}) attributes {k} { ... }
func.func @decl(i32, f32) -> i32
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from lark import Token
from xdsl.dialects.builtin import (
    ArrayAttr,
    DictionaryAttr,
    ModuleOp,
    StringAttr,
    UnrealizedConversionCastOp,
)
from xdsl.dialects.func import FuncOp
from xdsl.ir import Attribute, Block, Operation, Region

from dlir.parser.plugin import Argument, CustomForm
from dlir.parser.state import ParseState

MODULE_GRAMMAR = """
builtin_module: builtin_module_header region
builtin_module_header: OP_BUILTIN_MODULE [SYMBOL] [attr_dict_kw]
"""


def _module_header(
    p: ParseState, name: Token, sym: Token | None, attrs: dict[str, Attribute] | None
) -> Any:
    return name, sym, attrs


def _module(
    p: ParseState, header: tuple[Token, Token | None, dict[str, Attribute] | None], region: Region
) -> Operation:
    name, sym, attrs = header
    if not region.blocks:
        region.add_block(Block())
    op = ModuleOp(region, attrs, None if sym is None else StringAttr(p.symbol_name(sym)))
    return p.located(op, name)


FUNC_GRAMMAR = """
func_func: func_func_header [region]
func_func_header: OP_FUNC_FUNC [func_func_visibility] SYMBOL "(" [func_func_arg ("," func_func_arg)*] ")" ["->" func_func_results] [attr_dict_kw]
!func_func_visibility: "public" | "private" | "nested"
func_func_arg: arg | type [attr_dict] [location]
func_func_results: non_fn_type | "(" [func_func_result ("," func_func_result)*] ")"
func_func_result: type [attr_dict]
"""

_RESERVED = ("sym_name", "function_type", "sym_visibility")


def _func_arg(
    p: ParseState,
    first: Argument | Attribute,
    attrs: dict[str, Attribute] | None = None,
    loc: Any = None,
) -> Argument | Attribute:
    return first


def func_result(
    p: ParseState, type: Attribute, attrs: dict[str, Attribute] | None
) -> tuple[Attribute, dict[str, Attribute]]:
    """One `type {attrs}` of a function's results (func.func and llvm.func share it)."""
    return type, attrs or {}


def func_results(p: ParseState, *items: Any) -> list[tuple[Attribute, dict[str, Attribute]]]:
    if len(items) == 1 and isinstance(items[0], Attribute):
        return [(items[0], {})]
    return [item for item in items if item is not None]


def _visibility(p: ParseState, tok: Token) -> Token:
    return tok


def _func_header(
    p: ParseState, name: Token, visibility: Token | None, sym: Token, *rest: Any
) -> Any:
    *raw_args, results, attrs = rest
    args: Sequence[Argument | Attribute] = [a for a in raw_args if a is not None]
    named = [a for a in args if isinstance(a, Argument)]
    if named and len(named) != len(args):
        raise p.error("expected all arguments to be named or all arguments to be unnamed", sym)
    inputs = [a.type if isinstance(a, Argument) else a for a in args]
    if named:
        p.set_entry_args(named)
    arg_attrs = None
    if any(a.attrs for a in named):
        arg_attrs = ArrayAttr(DictionaryAttr(a.attrs or {}) for a in named)
    outs: list[tuple[Attribute, dict[str, Attribute]]] = results or []
    res_attrs = None
    if any(r[1] for r in outs):
        res_attrs = ArrayAttr(DictionaryAttr(r[1]) for r in outs)
    if attrs is not None:
        for key in _RESERVED:
            if key in attrs:
                raise p.error(
                    f"attribute '{key}' is defined by the function syntax; remove it from 'attributes'",
                    sym,
                )
    return (
        name,
        visibility,
        sym,
        inputs,
        [r[0] for r in outs],
        attrs,
        arg_attrs,
        res_attrs,
        bool(named),
    )


def _func(p: ParseState, header: Any, region: Region | None) -> Operation:
    name, visibility, sym, inputs, outputs, attrs, arg_attrs, res_attrs, named = header
    if named and region is None:
        p.pending_args = None
    op = FuncOp(
        p.symbol_name(sym),
        (inputs, outputs),
        region or Region(),
        None if visibility is None else StringAttr(str(visibility)),
        arg_attrs=arg_attrs,
        res_attrs=res_attrs,
    )
    if attrs:
        op.attributes |= attrs
    return p.located(op, name)


CAST_GRAMMAR = """
builtin_unrealized_conversion_cast: OP_BUILTIN_UNREALIZED_CONVERSION_CAST [value_list ":" type_list] "to" type_list [attr_dict]
"""


def _cast(
    p: ParseState,
    name: Token,
    operands: list[Token] | None,
    input_types: list[Attribute] | None,
    output_types: list[Attribute],
    attrs: dict[str, Attribute] | None,
) -> Operation:
    inputs = p.uses(operands or [], input_types or [], name)
    op = UnrealizedConversionCastOp.create(
        operands=inputs, result_types=output_types, attributes=attrs or {}
    )
    return p.located(op, name)


FORMS: tuple[CustomForm, ...] = (
    CustomForm(
        "builtin.unrealized_conversion_cast",
        "builtin_unrealized_conversion_cast",
        CAST_GRAMMAR,
        {"builtin_unrealized_conversion_cast": _cast},
    ),
    CustomForm(
        "builtin.module",
        "builtin_module",
        MODULE_GRAMMAR,
        {"builtin_module": _module, "builtin_module_header": _module_header},
    ),
    CustomForm(
        "func.func",
        "func_func",
        FUNC_GRAMMAR,
        {
            "func_func": _func,
            "func_func_header": _func_header,
            "func_func_visibility": _visibility,
            "func_func_arg": _func_arg,
            "func_func_results": func_results,
            "func_func_result": func_result,
        },
    ),
)
