"""Custom forms of the `loop` ops with hand-written syntax.

    loop.func @add(%a: memref<16xf32>, %c: memref<16xf32>) attributes {num_outputs = 1 : i64} { ... }
    loop.for %i = %lb to %ub step %s [serial | parallel | vectorized<8> | unrolled[<4>]] { ... } {attrs}
    %v = loop.load %A[%io * 64 + %ii, %k] : memref<1024x1024xf32>
    loop.store %v, %C[%i, %j + 1] : memref<64x64xf32>
    %w = loop.vload %B[%k, %j * 8] : memref<64x64xf32>, vector<8xf32>
    loop.vstore %w, %C[%i, %j * 8] : memref<64x64xf32>, vector<8xf32>
    %t = loop.subview %C[%i * 6, %j] : memref<64x64xf32> to memref<6x16xf32, strided<[64, 1], offset: ?>>

An index list holds affine expressions over SSA values of type index: `+`, `-`, `*` (one
side constant), `floordiv` / `ceildiv` / `mod` by a positive constant, unary `-`,
parentheses and non-negative integers. Each distinct value becomes the next dimension, in
order of first appearance, and the map is put in canonical form (`canonical_access`),
exactly as `dlir.dialects.loop.access.parse_access` does.
"""

# pyright: reportUnknownMemberType=false, reportUnknownVariableType=false, reportUnknownArgumentType=false, reportMissingTypeStubs=false
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from lark import Token
from xdsl.dialects.builtin import AffineMapAttr, FunctionType, IndexType, MemRefType, StringAttr
from xdsl.ir import Attribute, Operation, Region, SSAValue
from xdsl.ir.affine import AffineBinaryOpKind, AffineExpr, AffineMap
from xdsl.parser import Parser
from xdsl.traits import SingleBlockImplicitTerminator, ensure_terminator
from xdsl.utils.exceptions import VerifyException
from xdsl.utils.hints import isa

from dlir.dialects.loop import (
    ForOp,
    FuncOp,
    LoadOp,
    LoopKind,
    StoreOp,
    SubviewOp,
    VLoadOp,
    VStoreOp,
)
from dlir.dialects.loop.access import canonical_access
from dlir.parser.custom._util import parse_body, present
from dlir.parser.custom.func_like import FuncParts, func_like_form, no_visibility
from dlir.parser.plugin import CustomForm, op_terminal
from dlir.parser.state import ParseState

_INDEX = IndexType()

# ------------------------------------------------------------------ loop.func


def _func(p: ParseState, parts: FuncParts) -> Operation:
    no_visibility(p, parts)
    if (
        parts.function_type.outputs.data
        or parts.arg_attrs is not None
        or parts.res_attrs is not None
    ):
        raise p.error("loop.func takes no result types and no argument attributes", parts.name)
    attrs = dict(parts.attributes or {})
    if "num_outputs" not in attrs:
        raise p.error("loop.func needs 'num_outputs' in its attributes", parts.name)
    return FuncOp.create(
        properties={
            "sym_name": StringAttr(parts.sym_name),
            "function_type": FunctionType.from_lists(parts.function_type.inputs.data, []),
        },
        attributes=attrs,
        regions=[parts.body],
    )


# ------------------------------------------------------------------ loop.for

FOR_GRAMMAR = """
loop_for: loop_for_header region [attr_dict]
loop_for_header: OP_LOOP_FOR VALUE_ID "=" VALUE_ID "to" VALUE_ID "step" VALUE_ID [loop_for_kind]
!loop_for_kind: "serial" | "parallel" | "vectorized" ANGLE_BODY | "unrolled" [ANGLE_BODY]
"""


def _angle_int(parser: Parser) -> int:
    parser.parse_punctuation("<")
    value = parser.parse_integer(allow_boolean=False)
    parser.parse_punctuation(">")
    return value


def _kind(p: ParseState, keyword: Token, body: Token | None = None) -> tuple[LoopKind, int | None]:
    return LoopKind(str(keyword)), None if body is None else parse_body(p, body, _angle_int)


_Header = tuple[Token, list[SSAValue], tuple[LoopKind, int | None]]


def _for_header(
    p: ParseState,
    name: Token,
    iv: Token,
    lb: Token,
    ub: Token,
    step: Token,
    kind: tuple[LoopKind, int | None] | None,
) -> _Header:
    bounds = [p.use(lb, _INDEX), p.use(ub, _INDEX), p.use(step, _INDEX)]
    p.set_entry_args([p.argument(iv, _INDEX)])
    return name, bounds, kind or (LoopKind.SERIAL, None)


def _for(
    p: ParseState, header: _Header, body: Region, attrs: dict[str, Attribute] | None
) -> Operation:
    name, (lb, ub, step), (kind, number) = header
    op = ForOp(
        lb,
        ub,
        step,
        body,
        kind,
        vector_width=number if kind == LoopKind.VECTORIZED else None,
        unroll_factor=number if kind == LoopKind.UNROLLED else None,
    )
    op.attributes |= attrs or {}
    for trait in op.get_traits_of_type(SingleBlockImplicitTerminator):
        try:
            ensure_terminator(op, trait)
        except VerifyException as err:
            raise p.error(str(err), name) from None
    return p.located(op, name)


# ------------------------------------------------------------------ index lists

_DIVISIONS = {
    "floordiv": AffineBinaryOpKind.FloorDiv,
    "ceildiv": AffineBinaryOpKind.CeilDiv,
    "mod": AffineBinaryOpKind.Mod,
}


@dataclass(frozen=True)
class _Node:
    """An index expression as parsed, before its values are numbered as dimensions."""

    op: str  # "+", "-", "*", "neg", "const", "value", or a key of _DIVISIONS
    args: tuple[Any, ...]
    tok: Token | None = None


def index_grammar(rule: str) -> str:
    return f"""
{rule}_index: "[" [{rule}_expr ("," {rule}_expr)*] "]"
?{rule}_expr: {rule}_term
    | {rule}_expr "+" {rule}_term -> {rule}_add
    | {rule}_expr "-" {rule}_term -> {rule}_sub
?{rule}_term: {rule}_unary
    | {rule}_term "*" {rule}_unary -> {rule}_mul
    | {rule}_term {rule}_div {rule}_unary -> {rule}_divide
!{rule}_div: "floordiv" | "ceildiv" | "mod"
?{rule}_unary: "-" {rule}_unary -> {rule}_neg
    | "(" {rule}_expr ")"
    | INT -> {rule}_const
    | VALUE_ID -> {rule}_value
"""


def _binary(op: str) -> Callable[..., _Node]:
    def build(p: ParseState, lhs: _Node, rhs: _Node) -> _Node:
        return _Node(op, (lhs, rhs))

    return build


def _divide(p: ParseState, lhs: _Node, keyword: Token, rhs: _Node) -> _Node:
    divisor = _constant(rhs)
    if divisor is None or divisor <= 0:
        raise p.error(f"expected a positive constant after '{keyword}'", _first_tok(rhs) or keyword)
    return _Node(str(keyword), (lhs, rhs))


def _mul(p: ParseState, lhs: _Node, rhs: _Node) -> _Node:
    if _constant(lhs) is None and _constant(rhs) is None:
        raise p.error(
            "expected a constant on one side of '*' in an index expression", _first_tok(rhs)
        )
    return _Node("*", (lhs, rhs))


def _constant(node: _Node) -> int | None:
    """The value of an expression without SSA values (xDSL folds those), else None."""
    if node.op == "const":
        return node.args[0]
    if node.op == "value":
        return None
    maybe = [_constant(arg) for arg in node.args]
    values = [v for v in maybe if v is not None]
    if len(values) != len(maybe):
        return None
    match node.op, values:
        case "neg", [a]:
            return -a
        case "+", [a, b]:
            return a + b
        case "-", [a, b]:
            return a - b
        case "*", [a, b]:
            return a * b
        case "floordiv", [a, b]:
            return a // b
        case "ceildiv", [a, b]:
            return -(-a // b)
        case "mod", [a, b]:
            return a % b
        case _:
            return None


def _first_tok(node: _Node) -> Token | None:
    if node.tok is not None:
        return node.tok
    for arg in node.args:
        if isinstance(arg, _Node) and (tok := _first_tok(arg)) is not None:
            return tok
    return None


def _index(p: ParseState, *exprs: _Node | None) -> list[_Node]:
    return present(exprs)


def _division_keyword(p: ParseState, tok: Token) -> Token:
    return tok


def _neg(p: ParseState, arg: _Node) -> _Node:
    return _Node("neg", (arg,))


def _const(p: ParseState, tok: Token) -> _Node:
    return _Node("const", (int(tok, 0),), tok)


def _value(p: ParseState, tok: Token) -> _Node:
    return _Node("value", (), tok)


def index_callbacks(rule: str) -> dict[str, Callable[..., object]]:
    return {
        f"{rule}_index": _index,
        f"{rule}_add": _binary("+"),
        f"{rule}_sub": _binary("-"),
        f"{rule}_mul": _mul,
        f"{rule}_divide": _divide,
        f"{rule}_div": _division_keyword,
        f"{rule}_neg": _neg,
        f"{rule}_const": _const,
        f"{rule}_value": _value,
    }


def _access(p: ParseState, exprs: list[_Node]) -> tuple[AffineMap, tuple[SSAValue, ...]]:
    """The canonical map and operands of an index list, numbering values by first use."""
    names: list[str] = []
    operands: list[SSAValue] = []

    def lower(node: _Node) -> AffineExpr:
        match node.op:
            case "const":
                return AffineExpr.constant(node.args[0])
            case "value":
                assert node.tok is not None
                if str(node.tok) not in names:
                    names.append(str(node.tok))
                    operands.append(p.use(node.tok, _INDEX))
                return AffineExpr.dimension(names.index(str(node.tok)))
            case "neg":
                return -lower(node.args[0])
            case "+":
                return lower(node.args[0]) + lower(node.args[1])
            case "-":
                return lower(node.args[0]) - lower(node.args[1])
            case "*":
                return lower(node.args[0]) * lower(node.args[1])
            case _:
                return AffineExpr.binary(
                    _DIVISIONS[node.op], lower(node.args[0]), lower(node.args[1])
                )

    results = tuple(lower(e) for e in exprs)
    return canonical_access(AffineMap(len(operands), 0, results), operands)


def _memref(p: ParseState, type: Attribute, tok: Token) -> MemRefType:
    if not isa(type, MemRefType):
        raise p.error(f"expected a memref type, found {type}", tok)
    return type


# ------------------------------------------------------------------ loads and stores


def _load(
    p: ParseState, name: Token, memref: Token, index: list[_Node], type: Attribute
) -> Operation:
    buffer_type = _memref(p, type, name)
    map, indices = _access(p, index)
    op = LoadOp.create(
        operands=[p.use(memref, buffer_type), *indices],
        properties={"map": AffineMapAttr(map)},
        result_types=[buffer_type.get_element_type()],
    )
    return p.located(op, name)


def _store(
    p: ParseState, name: Token, value: Token, memref: Token, index: list[_Node], type: Attribute
) -> Operation:
    buffer_type = _memref(p, type, name)
    map, indices = _access(p, index)
    op = StoreOp.create(
        operands=[
            p.use(value, buffer_type.get_element_type()),
            p.use(memref, buffer_type),
            *indices,
        ],
        properties={"map": AffineMapAttr(map)},
    )
    return p.located(op, name)


def _vload(
    p: ParseState,
    name: Token,
    memref: Token,
    index: list[_Node],
    type: Attribute,
    vector: Attribute,
) -> Operation:
    buffer_type = _memref(p, type, name)
    map, indices = _access(p, index)
    op = VLoadOp.create(
        operands=[p.use(memref, buffer_type), *indices],
        properties={"map": AffineMapAttr(map)},
        result_types=[vector],
    )
    return p.located(op, name)


def _vstore(
    p: ParseState,
    name: Token,
    value: Token,
    memref: Token,
    index: list[_Node],
    type: Attribute,
    vector: Attribute,
) -> Operation:
    buffer_type = _memref(p, type, name)
    map, indices = _access(p, index)
    op = VStoreOp.create(
        operands=[p.use(value, vector), p.use(memref, buffer_type), *indices],
        properties={"map": AffineMapAttr(map)},
    )
    return p.located(op, name)


def _subview(
    p: ParseState,
    name: Token,
    source: Token,
    index: list[_Node],
    type: Attribute,
    result: Attribute,
) -> Operation:
    source_type = _memref(p, type, name)
    result_type = _memref(p, result, name)
    map, indices = _access(p, index)
    op = SubviewOp.create(
        operands=[p.use(source, source_type), *indices],
        properties={"map": AffineMapAttr(map)},
        result_types=[result_type],
    )
    return p.located(op, name)


def _access_form(op_name: str, syntax: str, build: Callable[..., object]) -> CustomForm:
    rule = op_name.replace(".", "_")
    grammar = f"\n{rule}: {op_terminal(op_name)} {syntax}\n" + index_grammar(rule)
    return CustomForm(op_name, rule, grammar, {rule: build, **index_callbacks(rule)})


FORMS: tuple[CustomForm, ...] = (
    func_like_form("loop.func", _func, ("sym_name", "function_type")),
    CustomForm(
        "loop.for",
        "loop_for",
        FOR_GRAMMAR,
        {"loop_for": _for, "loop_for_header": _for_header, "loop_for_kind": _kind},
    ),
    _access_form("loop.load", 'VALUE_ID loop_load_index ":" type', _load),
    _access_form("loop.store", 'VALUE_ID "," VALUE_ID loop_store_index ":" type', _store),
    _access_form("loop.vload", 'VALUE_ID loop_vload_index ":" type "," type', _vload),
    _access_form(
        "loop.vstore", 'VALUE_ID "," VALUE_ID loop_vstore_index ":" type "," type', _vstore
    ),
    _access_form("loop.subview", 'VALUE_ID loop_subview_index ":" type "to" type', _subview),
)
