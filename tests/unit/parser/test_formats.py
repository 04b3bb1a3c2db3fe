"""Grammar rules generated from declarative assembly formats."""

from __future__ import annotations

from dlir.parser.formats import generate_format_rules
from tests.unit.parser.conftest import Compare


def test_rules_for_declarative_ops_and_why_others_are_skipped() -> None:
    generated = generate_format_rules(exclude={"func.func"})
    rules = {op: grammar for op, _, grammar in generated.rules}
    assert 'fmt_arith_addi: OP_ARITH_ADDI VALUE_ID "," VALUE_ID' in rules["arith.addi"]
    assert "fmt_arith_addi__g0" in rules["arith.addi"]  # the `overflow<...>` optional group
    assert "func.func" not in rules
    # only formats with custom directives are left to hand-written forms
    assert set(generated.skipped.values()) <= {"SwitchOpCases", "DynamicIndexList"}


def test_optional_groups_unit_attrs_and_operands_directive(both: Compare) -> None:
    both(
        "func.func @f(%a: i32, %b: i32, %v: vector<4xf32>, %w: vector<4xf32>, %m: memref<8xf32>, %i: index) {\n"
        "  %0 = arith.addi %a, %b overflow<nsw, nuw> : i32\n"
        "  %1 = arith.addi %a, %b : i32\n"
        "  %2 = vector.shuffle %v, %w [0, 4, 1, 5] : vector<4xf32>, vector<4xf32>\n"
        "  %3 = memref.load %m[%i] {nontemporal = true} : memref<8xf32>\n"
        "  func.return\n"
        "}\n"
    )
