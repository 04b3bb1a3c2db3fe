"""Custom forms of the `llvm` ops with hand-written xDSL syntax: arithmetic, comparisons,
casts, memory and aggregates (functions, calls and globals are in `llvm_symbols.py`).

    %r = llvm.add %a, %b overflow<nsw, nuw> {attrs} : i32      (add, sub, mul, shl)
    %r = llvm.sdiv exact %a, %b {attrs} : i32                    (udiv, sdiv, lshr, ashr)
    %r = llvm.urem %a, %b {attrs} : i32                          (urem, srem, and, xor)
    %t = llvm.trunc %a overflow<nuw> {attrs} : i32 to i8
    %s = llvm.sext %a {attrs} : i32 to i64
    %c = llvm.icmp "slt" %a, %b {attrs} : i32
    %d = llvm.fcmp "olt" %x, %y {fastmathFlags = #llvm.fastmath<nnan>} : f32
    %c = llvm.mlir.constant(7 : i32) : i32
    %p = llvm.alloca %n x f32 {alignment = 16 : i64} : (i64) -> !llvm.ptr
    %v = llvm.load %p atomic acquire {alignment = 4 : i64} : !llvm.ptr -> i32
    llvm.store volatile %v, %p {alignment = 4 : i64, nontemporal} : i32, !llvm.ptr
    %q = llvm.getelementptr inbounds %p[1, %i, 2] {attrs} : (!llvm.ptr, i64) -> !llvm.ptr, !llvm.array<4 x i32>
    %e = llvm.extractvalue %s[1, 0] {attrs} : !llvm.struct<(f32, !llvm.array<2 x i32>)>
    %t = llvm.insertvalue %x, %s[0] {attrs} : !llvm.struct<(f32, !llvm.array<2 x i32>)>

The IR built is the one xDSL 0.74's parsers build, quirks included: `fastmathFlags` of
`llvm.fcmp` stays a discardable attribute, the `alignment` of load/store becomes an i64
property, and the result of `llvm.mlir.constant(42)` without a type is an i64 attribute.
"""

# pyright: reportUnknownMemberType=false, reportUnknownVariableType=false, reportUnknownArgumentType=false, reportMissingTypeStubs=false
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from lark import Token
from xdsl.dialects import llvm
from xdsl.dialects.builtin import (
    DenseArrayBase,
    FunctionType,
    IntegerAttr,
    IntegerType,
    UnitAttr,
    i64,
)
from xdsl.dialects.llvm import (
    ATOMIC_ORDERING_KEYWORDS,
    GEP_USE_SSA_VAL,
    FCmpPredicateFlag,
    ICmpPredicateFlag,
    LLVMArrayType,
    LLVMPointerType,
    LLVMStructType,
    OverflowAttr,
)
from xdsl.ir import Attribute, Operation

from dlir.parser.custom._util import flag, parse_body, present
from dlir.parser.plugin import CustomForm, op_terminal
from dlir.parser.state import ParseState

# ------------------------------------------------------------------ binary arithmetic

_OVERFLOW_OPS = {
    "llvm.add": llvm.AddOp,
    "llvm.sub": llvm.SubOp,
    "llvm.mul": llvm.MulOp,
    "llvm.shl": llvm.ShlOp,
}
_EXACT_OPS = {
    "llvm.udiv": llvm.UDivOp,
    "llvm.sdiv": llvm.SDivOp,
    "llvm.lshr": llvm.LShrOp,
    "llvm.ashr": llvm.AShrOp,
}
_PLAIN_OPS = {
    "llvm.urem": llvm.URemOp,
    "llvm.srem": llvm.SRemOp,
    "llvm.and": llvm.AndOp,
    "llvm.xor": llvm.XOrOp,
}


def _rule(op_name: str) -> str:
    return op_name.replace(".", "_")


def _overflow(p: ParseState, body: Token) -> OverflowAttr:
    return OverflowAttr(parse_body(p, body, OverflowAttr.parse_parameter))


def _overflow_form(op_name: str, op_type: type[llvm.ArithmeticBinOpOverflow]) -> CustomForm:
    rule = _rule(op_name)
    grammar = f"""
{rule}: {op_terminal(op_name)} VALUE_ID "," VALUE_ID [{rule}_overflow] [attr_dict] ":" type
{rule}_overflow: "overflow" ANGLE_BODY
"""

    def build(
        p: ParseState,
        name: Token,
        lhs: Token,
        rhs: Token,
        overflow: OverflowAttr | None,
        attrs: dict[str, Attribute] | None,
        type: Attribute,
    ) -> Operation:
        flags = overflow or OverflowAttr("none")
        op = op_type(p.use(lhs, type), p.use(rhs, type), attrs or {}, flags)
        return p.located(op, name)

    return CustomForm(op_name, rule, grammar, {rule: build, f"{rule}_overflow": _overflow})


def _exact_form(op_name: str, op_type: type[llvm.ArithmeticBinOpExact]) -> CustomForm:
    rule = _rule(op_name)
    grammar = f"""
{rule}: {op_terminal(op_name)} [{rule}_exact] VALUE_ID "," VALUE_ID [attr_dict] ":" type
{rule}_exact: "exact"
"""

    def build(
        p: ParseState,
        name: Token,
        exact: bool | None,
        lhs: Token,
        rhs: Token,
        attrs: dict[str, Attribute] | None,
        type: Attribute,
    ) -> Operation:
        op = op_type(p.use(lhs, type), p.use(rhs, type), attrs or {}, UnitAttr() if exact else None)
        return p.located(op, name)

    return CustomForm(op_name, rule, grammar, {rule: build, f"{rule}_exact": flag})


def _plain_form(op_name: str, op_type: type[llvm.ArithmeticBinOperation]) -> CustomForm:
    rule = _rule(op_name)
    grammar = f"""
{rule}: {op_terminal(op_name)} VALUE_ID "," VALUE_ID [attr_dict] ":" type
"""

    def build(
        p: ParseState,
        name: Token,
        lhs: Token,
        rhs: Token,
        attrs: dict[str, Attribute] | None,
        type: Attribute,
    ) -> Operation:
        op = op_type(p.use(lhs, type), p.use(rhs, type), attrs or {})
        return p.located(op, name)

    return CustomForm(op_name, rule, grammar, {rule: build})


# ------------------------------------------------------------------ integer casts

TRUNC_GRAMMAR = """
llvm_trunc: OP_LLVM_TRUNC VALUE_ID [llvm_trunc_overflow] [attr_dict] ":" type "to" type
llvm_trunc_overflow: "overflow" ANGLE_BODY
"""

SEXT_GRAMMAR = """
llvm_sext: OP_LLVM_SEXT VALUE_ID [attr_dict] ":" type "to" type
"""


def _trunc(
    p: ParseState,
    name: Token,
    arg: Token,
    overflow: OverflowAttr | None,
    attrs: dict[str, Attribute] | None,
    arg_type: Attribute,
    res_type: Attribute,
) -> Operation:
    op = llvm.TruncOp(p.use(arg, arg_type), res_type, attrs or {}, overflow or OverflowAttr("none"))
    return p.located(op, name)


def _sext(
    p: ParseState,
    name: Token,
    arg: Token,
    attrs: dict[str, Attribute] | None,
    arg_type: Attribute,
    res_type: Attribute,
) -> Operation:
    op = llvm.SExtOp(p.use(arg, arg_type), res_type, attrs or {})
    return p.located(op, name)


# ------------------------------------------------------------------ comparisons

ICMP_GRAMMAR = """
llvm_icmp: OP_LLVM_ICMP STRING VALUE_ID "," VALUE_ID [attr_dict] ":" type
"""

FCMP_GRAMMAR = """
llvm_fcmp: OP_LLVM_FCMP STRING VALUE_ID "," VALUE_ID [attr_dict] ":" type
"""


def _predicate(
    p: ParseState, tok: Token, flags: type[ICmpPredicateFlag] | type[FCmpPredicateFlag]
) -> IntegerAttr[IntegerType]:
    text = p.string(tok)
    try:
        return IntegerAttr(flags(text).to_int(), i64)
    except ValueError:
        raise p.error(
            f'unknown predicate "{text}", expected one of {", ".join(f.value for f in flags)}', tok
        ) from None


def _icmp(
    p: ParseState,
    name: Token,
    pred: Token,
    lhs: Token,
    rhs: Token,
    attrs: dict[str, Attribute] | None,
    type: Attribute,
) -> Operation:
    op = llvm.ICmpOp(
        p.use(lhs, type), p.use(rhs, type), _predicate(p, pred, ICmpPredicateFlag), attrs or {}
    )
    return p.located(op, name)


def _fcmp(
    p: ParseState,
    name: Token,
    pred: Token,
    lhs: Token,
    rhs: Token,
    attrs: dict[str, Attribute] | None,
    type: Attribute,
) -> Operation:
    op = llvm.FCmpOp(
        p.use(lhs, type), p.use(rhs, type), _predicate(p, pred, FCmpPredicateFlag), attrs or {}
    )
    return p.located(op, name)


# ------------------------------------------------------------------ constants

CONSTANT_GRAMMAR = """
llvm_mlir_constant: OP_LLVM_MLIR_CONSTANT "(" attribute ")" ":" type
"""


def _constant(p: ParseState, name: Token, value: Attribute, type: Attribute) -> Operation:
    return p.located(llvm.ConstantOp(value, type), name)


# ------------------------------------------------------------------ memory

ALLOCA_GRAMMAR = """
llvm_alloca: OP_LLVM_ALLOCA VALUE_ID "x" type [attr_dict] ":" fn_type
"""

LOAD_GRAMMAR = """
llvm_load: OP_LLVM_LOAD VALUE_ID ["atomic" BARE_ID] [attr_dict] ":" type "->" type
"""

STORE_GRAMMAR = """
llvm_store: OP_LLVM_STORE [llvm_store_volatile] VALUE_ID "," VALUE_ID [attr_dict] ":" type "," type
llvm_store_volatile: "volatile"
"""

GEP_GRAMMAR = """
llvm_getelementptr: OP_LLVM_GETELEMENTPTR [llvm_getelementptr_inbounds] VALUE_ID "[" [llvm_getelementptr_index ("," llvm_getelementptr_index)*] "]" [attr_dict] ":" fn_type "," type
llvm_getelementptr_inbounds: "inbounds"
llvm_getelementptr_index: VALUE_ID | int_lit
"""


def _alloca(
    p: ParseState,
    name: Token,
    size: Token,
    elem_type: Attribute,
    attrs: dict[str, Attribute] | None,
    fn: FunctionType,
) -> Operation:
    if len(fn.inputs) != 1:
        raise p.error(f"expected one operand type (the size), got {len(fn.inputs)}", name)
    extra = dict(attrs or {})
    props: dict[str, Attribute] = {"elem_type": elem_type}
    alignment = extra.pop("alignment", None)
    if alignment is not None:
        props["alignment"] = alignment
    op = llvm.AllocaOp.create(
        operands=[p.use(size, fn.inputs.data[0])],
        properties=props,
        result_types=list(fn.outputs.data),
        attributes=extra,
    )
    return p.located(op, name)


def _alignment(p: ParseState, attrs: dict[str, Attribute], name: Token) -> int | None:
    alignment = attrs.pop("alignment", None)
    if alignment is None:
        return None
    if not isinstance(alignment, IntegerAttr):
        raise p.error(f"expected an integer alignment, got {alignment}", name)
    return alignment.value.data


def _load(
    p: ParseState,
    name: Token,
    ptr: Token,
    ordering_tok: Token | None,
    attrs: dict[str, Attribute] | None,
    ptr_type: Attribute,
    result_type: Attribute,
) -> Operation:
    ordering = 0
    if ordering_tok is not None:
        orderings = {keyword: value for value, keyword in ATOMIC_ORDERING_KEYWORDS.items()}
        if str(ordering_tok) not in orderings:
            raise p.error(f"unknown atomic ordering '{ordering_tok}'", ordering_tok)
        ordering = orderings[str(ordering_tok)]
    extra = dict(attrs or {})
    alignment = _alignment(p, extra, name)
    op = llvm.LoadOp(p.use(ptr, ptr_type), result_type, alignment=alignment, ordering=ordering)
    op.attributes |= extra
    return p.located(op, name)


def _store(
    p: ParseState,
    name: Token,
    volatile: bool | None,
    value: Token,
    ptr: Token,
    attrs: dict[str, Attribute] | None,
    value_type: Attribute,
    ptr_type: Attribute,
) -> Operation:
    extra = dict(attrs or {})
    alignment = _alignment(p, extra, name)
    op = llvm.StoreOp(
        p.use(value, value_type),
        p.use(ptr, ptr_type),
        alignment=alignment,
        volatile=bool(volatile),
        nontemporal=extra.pop("nontemporal", None) is not None,
    )
    op.attributes |= extra
    return p.located(op, name)


def _gep_index(p: ParseState, item: Token | int) -> Token | int:
    return item


def _gep(p: ParseState, name: Token, inbounds: bool | None, ptr: Token, *rest: Any) -> Operation:
    *raw_indices, attrs, fn, elem_type = rest
    indices: list[Token | int] = present(raw_indices)
    ssa = [item for item in indices if isinstance(item, Token)]
    const = [GEP_USE_SSA_VAL if isinstance(item, Token) else item for item in indices]
    values = p.uses([ptr, *ssa], fn.inputs.data, name)
    result_type = fn.outputs.data[0] if len(fn.outputs) == 1 else None
    if not isinstance(result_type, LLVMPointerType):
        raise p.error(
            f"expected one !llvm.ptr result type, got ({', '.join(map(str, fn.outputs.data))})",
            name,
        )
    op = llvm.GEPOp(
        values[0], const, elem_type, values[1:], result_type=result_type, inbounds=bool(inbounds)
    )
    op.attributes |= attrs or {}
    return p.located(op, name)


# ------------------------------------------------------------------ aggregates

EXTRACTVALUE_GRAMMAR = """
llvm_extractvalue: OP_LLVM_EXTRACTVALUE VALUE_ID "[" int_lit ("," int_lit)* "]" [attr_dict] ":" type
"""

INSERTVALUE_GRAMMAR = """
llvm_insertvalue: OP_LLVM_INSERTVALUE VALUE_ID "," VALUE_ID "[" int_lit ("," int_lit)* "]" [attr_dict] ":" type
"""


def _member_type(
    p: ParseState, container: Attribute, position: list[int], name: Token
) -> Attribute:
    """The type at `position` inside an LLVM struct/array type."""
    t = container
    for index in position:
        if isinstance(t, LLVMArrayType):
            t = t.type
        elif isinstance(t, LLVMStructType):
            if not 0 <= index < len(t.types):
                raise p.error(
                    f"position {index} is out of range for {t} ({len(t.types)} members)", name
                )
            t = t.types.data[index]
        else:
            raise p.error(f"cannot index into {t}", name)
    return t


def _extractvalue(p: ParseState, name: Token, container: Token, *rest: Any) -> Operation:
    *position, attrs, type = rest
    member = _member_type(p, type, position, name)
    op = llvm.ExtractValueOp(
        DenseArrayBase.from_list(i64, position), p.use(container, type), member
    )
    op.attributes |= attrs or {}
    return p.located(op, name)


def _insertvalue(
    p: ParseState, name: Token, value: Token, container: Token, *rest: Any
) -> Operation:
    *position, attrs, type = rest
    member = _member_type(p, type, position, name)
    op = llvm.InsertValueOp(
        DenseArrayBase.from_list(i64, position), p.use(container, type), p.use(value, member)
    )
    op.attributes |= attrs or {}
    return p.located(op, name)


def _form(
    op_name: str, grammar: str, build: Callable[..., object], **helpers: Callable[..., object]
) -> CustomForm:
    rule = _rule(op_name)
    return CustomForm(
        op_name, rule, grammar, {rule: build, **{f"{rule}_{k}": v for k, v in helpers.items()}}
    )


FORMS: tuple[CustomForm, ...] = (
    *(_overflow_form(name, op) for name, op in _OVERFLOW_OPS.items()),
    *(_exact_form(name, op) for name, op in _EXACT_OPS.items()),
    *(_plain_form(name, op) for name, op in _PLAIN_OPS.items()),
    _form("llvm.trunc", TRUNC_GRAMMAR, _trunc, overflow=_overflow),
    _form("llvm.sext", SEXT_GRAMMAR, _sext),
    _form("llvm.icmp", ICMP_GRAMMAR, _icmp),
    _form("llvm.fcmp", FCMP_GRAMMAR, _fcmp),
    _form("llvm.mlir.constant", CONSTANT_GRAMMAR, _constant),
    _form("llvm.alloca", ALLOCA_GRAMMAR, _alloca),
    _form("llvm.load", LOAD_GRAMMAR, _load),
    _form("llvm.store", STORE_GRAMMAR, _store, volatile=flag),
    _form("llvm.getelementptr", GEP_GRAMMAR, _gep, inbounds=flag, index=_gep_index),
    _form("llvm.extractvalue", EXTRACTVALUE_GRAMMAR, _extractvalue),
    _form("llvm.insertvalue", INSERTVALUE_GRAMMAR, _insertvalue),
)
