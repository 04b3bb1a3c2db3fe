"""Custom forms of the `scf` ops whose xDSL syntax is hand-written.

    %r = scf.for %i = %lb to %ub step %s iter_args(%acc = %init) -> (f32) : i32 { ... } {attrs}
    %r = scf.if %c -> (i32) { ... } else { ... } {attrs}
    %r = scf.while (%a = %init) : (i32) -> i32 { ... } do { ^bb0(%x: i32): ... } attributes {attrs}
    scf.while : () -> () { ... } do { ... }           (MLIR's spelling without values; xDSL prints `()`)
    %r = scf.execute_region -> (i32) { ... } {attrs}
    %r = scf.index_switch %i {attrs} -> i32 case 0 { ... } case 2 { ... } default { ... }

As in xDSL, a missing `scf.yield` is added to the bodies of `scf.for` without iter_args and
of `scf.if`. Unlike xDSL 0.74 (which drops it), the attribute dictionary of
`scf.execute_region` is kept.
"""

# pyright: reportUnknownMemberType=false, reportUnknownVariableType=false, reportUnknownArgumentType=false, reportMissingTypeStubs=false
from __future__ import annotations

from typing import Any

from lark import Token
from xdsl.dialects.builtin import DenseArrayBase, FunctionType, IndexType, i1, i64
from xdsl.dialects.scf import ExecuteRegionOp, ForOp, IfOp, IndexSwitchOp, WhileOp, YieldOp
from xdsl.ir import Attribute, Block, Operation, Region, SSAValue
from xdsl.traits import IsTerminator, SingleBlockImplicitTerminator, ensure_terminator

from dlir.parser.custom._util import present
from dlir.parser.plugin import CustomForm
from dlir.parser.state import ParseState

FOR_GRAMMAR = """
scf_for: scf_for_header region [attr_dict]
scf_for_header: OP_SCF_FOR VALUE_ID "=" VALUE_ID "to" VALUE_ID "step" VALUE_ID [scf_for_iter_args] [":" type]
scf_for_iter_args: "iter_args" "(" scf_for_assign ("," scf_for_assign)* ")" "->" "(" type_list ")"
scf_for_assign: VALUE_ID "=" VALUE_ID
"""

IF_GRAMMAR = """
scf_if: scf_if_header region [scf_if_else] [attr_dict]
scf_if_header: OP_SCF_IF VALUE_ID ["->" "(" type_list ")"]
scf_if_else: "else" region
"""

WHILE_GRAMMAR = """
scf_while: scf_while_header region "do" region [attr_dict_kw]
scf_while_header: OP_SCF_WHILE [scf_while_inits] ":" fn_type
scf_while_inits: "(" [scf_while_assign ("," scf_while_assign)*] ")"
scf_while_assign: VALUE_ID "=" VALUE_ID
"""

EXECUTE_REGION_GRAMMAR = """
scf_execute_region: OP_SCF_EXECUTE_REGION ["->" result_types] region [attr_dict]
"""

INDEX_SWITCH_GRAMMAR = """
scf_index_switch: OP_SCF_INDEX_SWITCH VALUE_ID [attr_dict] ["->" type_list] scf_index_switch_case* "default" region
scf_index_switch_case: "case" int_lit region
"""

_INDEX = IndexType()

# ------------------------------------------------------------------ scf.for


def _assign(p: ParseState, arg: Token, value: Token) -> tuple[Token, Token]:
    return arg, value


def _iter_args(p: ParseState, *items: Any) -> tuple[list[tuple[Token, Token]], list[Attribute]]:
    *assigns, types = items
    return list(assigns), types


def _for_header(
    p: ParseState,
    name: Token,
    iv: Token,
    lb: Token,
    ub: Token,
    step: Token,
    iter_args: tuple[list[tuple[Token, Token]], list[Attribute]] | None,
    iv_type: Attribute | None,
) -> tuple[Token, list[SSAValue], list[SSAValue]]:
    type = iv_type or _INDEX
    bounds = [p.use(lb, type), p.use(ub, type), p.use(step, type)]
    assigns, types = iter_args or ([], [])
    inits = p.uses([value for _, value in assigns], types, name)
    args = [
        p.argument(iv, type),
        *(p.argument(arg, t) for (arg, _), t in zip(assigns, types, strict=True)),
    ]
    p.set_entry_args(args)
    return name, bounds, inits


def _for(
    p: ParseState,
    header: tuple[Token, list[SSAValue], list[SSAValue]],
    body: Region,
    attrs: dict[str, Attribute] | None,
) -> Operation:
    name, (lb, ub, step), inits = header
    op = ForOp(lb, ub, step, inits, body)
    op.attributes |= attrs or {}
    if not inits:
        for trait in op.get_traits_of_type(SingleBlockImplicitTerminator):
            ensure_terminator(op, trait)
    return p.located(op, name)


# ------------------------------------------------------------------ scf.if


def _with_yield(region: Region) -> Region:
    """What xDSL's `IfOp.parse_region_with_yield` does: an empty or unterminated body gets
    an `scf.yield`."""
    block = region.blocks.last
    if block is None:
        block = Block()
        region.add_block(block)
    last = block.last_op
    if last is None or not last.has_trait(IsTerminator):
        block.add_op(YieldOp())
    return region


def _if_header(
    p: ParseState, name: Token, cond: Token, types: list[Attribute] | None
) -> tuple[Token, SSAValue, list[Attribute]]:
    return name, p.use(cond, i1), types or []


def _if_else(p: ParseState, region: Region) -> Region:
    return region


def _if(
    p: ParseState,
    header: tuple[Token, SSAValue, list[Attribute]],
    then: Region,
    otherwise: Region | None,
    attrs: dict[str, Attribute] | None,
) -> Operation:
    name, cond, types = header
    else_region = Region() if otherwise is None else _with_yield(otherwise)
    op = IfOp(cond, types, _with_yield(then), else_region, attrs)
    return p.located(op, name)


# ------------------------------------------------------------------ scf.while


def _while_inits(p: ParseState, *raw: tuple[Token, Token] | None) -> list[tuple[Token, Token]]:
    return present(raw)


def _while_header(
    p: ParseState, name: Token, inits: list[tuple[Token, Token]] | None, fn: FunctionType
) -> tuple[Token, list[SSAValue], list[Attribute]]:
    assigns = inits or []
    inputs = fn.inputs.data
    if len(assigns) != len(inputs):
        raise p.error(
            f"Mismatch between block argument count ({len(assigns)}) and operand count ({len(inputs)})",
            name,
        )
    operands = p.uses([value for _, value in assigns], inputs, name)
    p.set_entry_args([p.argument(arg, t) for (arg, _), t in zip(assigns, inputs, strict=True)])
    return name, operands, list(fn.outputs.data)


def _while(
    p: ParseState,
    header: tuple[Token, list[SSAValue], list[Attribute]],
    before: Region,
    after: Region,
    attrs: dict[str, Attribute] | None,
) -> Operation:
    name, operands, result_types = header
    op = WhileOp(operands, result_types, before, after)
    op.attributes |= attrs or {}
    return p.located(op, name)


# ------------------------------------------------------------------ scf.execute_region


def _execute_region(
    p: ParseState,
    name: Token,
    types: list[Attribute] | None,
    body: Region,
    attrs: dict[str, Attribute] | None,
) -> Operation:
    op = ExecuteRegionOp(types or [], body)
    op.attributes |= attrs or {}
    return p.located(op, name)


# ------------------------------------------------------------------ scf.index_switch


def _case(p: ParseState, value: int, body: Region) -> tuple[int, Region]:
    return value, body


def _index_switch(
    p: ParseState, name: Token, arg: Token, attrs: dict[str, Attribute] | None, *rest: Any
) -> Operation:
    types: list[Attribute] | None = rest[0]
    cases: list[tuple[int, Region]] = present(rest[1:-1])
    default: Region = rest[-1]
    values = DenseArrayBase.from_list(i64, [value for value, _ in cases])
    op = IndexSwitchOp(
        p.use(arg, _INDEX), values, default, [body for _, body in cases], types or [], attrs
    )
    return p.located(op, name)


FORMS: tuple[CustomForm, ...] = (
    CustomForm(
        "scf.for",
        "scf_for",
        FOR_GRAMMAR,
        {
            "scf_for": _for,
            "scf_for_header": _for_header,
            "scf_for_iter_args": _iter_args,
            "scf_for_assign": _assign,
        },
    ),
    CustomForm(
        "scf.if",
        "scf_if",
        IF_GRAMMAR,
        {"scf_if": _if, "scf_if_header": _if_header, "scf_if_else": _if_else},
    ),
    CustomForm(
        "scf.while",
        "scf_while",
        WHILE_GRAMMAR,
        {
            "scf_while": _while,
            "scf_while_header": _while_header,
            "scf_while_inits": _while_inits,
            "scf_while_assign": _assign,
        },
    ),
    CustomForm(
        "scf.execute_region",
        "scf_execute_region",
        EXECUTE_REGION_GRAMMAR,
        {"scf_execute_region": _execute_region},
    ),
    CustomForm(
        "scf.index_switch",
        "scf_index_switch",
        INDEX_SWITCH_GRAMMAR,
        {"scf_index_switch": _index_switch, "scf_index_switch_case": _case},
    ),
)
