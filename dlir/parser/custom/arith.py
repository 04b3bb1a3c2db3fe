"""Custom forms of `arith.cmpi` and `arith.cmpf` (the predicate is a bare keyword).

%c = arith.cmpi slt, %a, %b : i32
%d = arith.cmpf olt, %x, %y fastmath<fast> : f64
"""

# pyright: reportUnknownMemberType=false, reportUnknownVariableType=false, reportUnknownArgumentType=false, reportMissingTypeStubs=false
from __future__ import annotations

from lark import Token
from xdsl.dialects.arith import (
    CMPF_COMPARISON_OPERATIONS,
    CMPI_COMPARISON_OPERATIONS,
    CmpfOp,
    CmpiOp,
    FastMathFlagsAttr,
)
from xdsl.ir import Attribute, Operation

from dlir.parser.custom._util import parse_body, token
from dlir.parser.plugin import CustomForm
from dlir.parser.state import ParseState

CMPI_GRAMMAR = """
arith_cmpi: OP_ARITH_CMPI BARE_ID "," VALUE_ID "," VALUE_ID ":" type
"""

CMPF_GRAMMAR = """
arith_cmpf: OP_ARITH_CMPF arith_cmpf_predicate "," VALUE_ID "," VALUE_ID [arith_cmpf_fastmath] ":" type
!arith_cmpf_predicate: BARE_ID | "true" | "false"
arith_cmpf_fastmath: "fastmath" ANGLE_BODY
"""

_CMPI = {name: i for i, name in enumerate(CMPI_COMPARISON_OPERATIONS)}
_CMPF = {name: i for i, name in enumerate(CMPF_COMPARISON_OPERATIONS)}


def _predicate(p: ParseState, tok: Token, table: dict[str, int]) -> int:
    value = table.get(str(tok))
    if value is None:
        raise p.error(
            f"unknown comparison predicate '{tok}', expected one of {', '.join(table)}", tok
        )
    return value


def _cmpi(
    p: ParseState, name: Token, pred: Token, lhs: Token, rhs: Token, type: Attribute
) -> Operation:
    op = CmpiOp(p.use(lhs, type), p.use(rhs, type), _predicate(p, pred, _CMPI))
    return p.located(op, name)


def _fastmath(p: ParseState, body: Token) -> FastMathFlagsAttr:
    return FastMathFlagsAttr(parse_body(p, body, FastMathFlagsAttr.parse_parameter))


def _cmpf(
    p: ParseState,
    name: Token,
    pred: Token,
    lhs: Token,
    rhs: Token,
    fastmath: FastMathFlagsAttr | None,
    type: Attribute,
) -> Operation:
    flags = fastmath or FastMathFlagsAttr("none")
    op = CmpfOp(p.use(lhs, type), p.use(rhs, type), _predicate(p, pred, _CMPF), flags)
    return p.located(op, name)


FORMS: tuple[CustomForm, ...] = (
    CustomForm("arith.cmpi", "arith_cmpi", CMPI_GRAMMAR, {"arith_cmpi": _cmpi}),
    CustomForm(
        "arith.cmpf",
        "arith_cmpf",
        CMPF_GRAMMAR,
        {"arith_cmpf": _cmpf, "arith_cmpf_predicate": token, "arith_cmpf_fastmath": _fastmath},
    ),
)
