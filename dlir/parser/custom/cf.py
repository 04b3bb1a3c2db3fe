"""Custom form of `cf.switch`, whose declarative format uses xDSL's `custom<SwitchOpCases>`.

cf.switch %flag : i32, [
  default: ^bb1(%a : f32),
  42: ^bb2,
  -7: ^bb1(%a : f32)
] {attrs}
"""

# pyright: reportUnknownMemberType=false, reportUnknownVariableType=false, reportUnknownArgumentType=false, reportMissingTypeStubs=false
from __future__ import annotations

from typing import Any

from lark import Token
from xdsl.dialects.builtin import (
    DenseArrayBase,
    DenseIntElementsAttr,
    IndexType,
    IntegerType,
    VectorType,
    i32,
)
from xdsl.dialects.cf import SwitchOp
from xdsl.ir import Attribute, Block, Operation, SSAValue

from dlir.parser.custom._util import present
from dlir.parser.plugin import CustomForm
from dlir.parser.state import ParseState

SWITCH_GRAMMAR = """
cf_switch: OP_CF_SWITCH VALUE_ID ":" type "," "[" "default" cf_switch_target ("," cf_switch_case)* "]" [attr_dict]
cf_switch_case: int_lit cf_switch_target
cf_switch_target: ":" successor ["(" value_list ":" type_list ")"]
"""

_Target = tuple[Block, list[SSAValue]]


def _target(
    p: ParseState, block: Block, operands: list[Token] | None, types: list[Attribute] | None
) -> _Target:
    values = p.uses(operands or [], types or [], operands[0] if operands else None)
    return block, values


def _case(p: ParseState, value: int, target: _Target) -> tuple[int, _Target]:
    return value, target


def _switch(
    p: ParseState, name: Token, flag: Token, flag_type: Attribute, default: _Target, *rest: Any
) -> Operation:
    *raw_cases, attrs = rest
    cases: list[tuple[int, _Target]] = present(raw_cases)
    if not isinstance(flag_type, IntegerType | IndexType):
        raise p.error(f"expected an integer or index type for the flag, got {flag_type}", name)
    properties: dict[str, Attribute] = {
        "case_operand_segments": DenseArrayBase.from_list(
            i32, [len(values) for _, (_, values) in cases]
        )
    }
    if cases:
        properties["case_values"] = DenseIntElementsAttr.from_list(
            VectorType(flag_type, (len(cases),)), [value for value, _ in cases]
        )
    default_block, default_values = default
    op = SwitchOp.build(
        operands=[
            p.use(flag, flag_type),
            default_values,
            [v for _, (_, values) in cases for v in values],
        ],
        properties=properties,
        attributes=attrs or {},
        successors=[default_block, [block for _, (block, _) in cases]],
    )
    return p.located(op, name)


FORMS: tuple[CustomForm, ...] = (
    CustomForm(
        "cf.switch",
        "cf_switch",
        SWITCH_GRAMMAR,
        {"cf_switch": _switch, "cf_switch_case": _case, "cf_switch_target": _target},
    ),
)
