"""The assembled grammar: its LALR conflicts are the documented ones, broken custom forms
are errors that name the form, and `-` before a number is read as the grammar expects."""

from __future__ import annotations

import dataclasses
import re
import sys
from collections.abc import Callable, Iterator

import pytest

import dlir.parser.custom as custom
from dlir.ir.context import make_context
from dlir.ir.diagnostics import DiagnosticError
from dlir.parser.lark_parser import (
    GrammarBuildError,
    LarkMLIRParser,
    grammar_conflicts,
    parse_module_lark,
)
from dlir.parser.plugin import CustomForm
from tests.unit.parser.conftest import Compare

# (lookahead, rule that could be reduced instead) -> where Lark's shift is argued right
DOCUMENTED = [
    # mlir.lark, `?attribute`: `: type` of an attribute is taken greedily
    (r"COLON", r"<attribute : (INT|NEG_INT|FLOAT)>"),
    (r"COLON", r"<opaque_attr : OPAQUE LESSTHAN STRING COMMA STRING MORETHAN>"),
    (r"COLON", r"<sparse_attr : SPARSE ANGLE_BODY>"),
    # formats.py docstring: optional operands at the end of an op are taken greedily
    (r"VALUE_ID", r"<fmt_\w+ : OP_\w+( LPAR VALUE_ID RPAR)?( attr_dict)?>"),
    # formats.py: an optional type list after `:` / `->` is taken greedily
    (r"EXCL_ID", r"<fmt_\w+ : [\w ]*(COLON|COLON type __ANON_\d+)>"),
    # formats.py: `{` in `[attr_dict] attribute` is the attr-dict
    (r"STRING|EXCL_ID|HASH_ID|LOC", r"<attribute : attr_dict>"),
    # formats.py: an optional attribute after its keyword is taken greedily (te.unroll)
    (r"STRING", r"<fmt_te_unroll__g0 : BY>"),
]


def test_every_conflict_is_documented() -> None:
    conflicts = grammar_conflicts()
    undocumented = [
        (lookahead, rule)
        for lookahead, rule in conflicts
        if not any(re.fullmatch(la, lookahead) and re.fullmatch(r, rule) for la, r in DOCUMENTED)
    ]
    assert undocumented == []
    # the generated `scf.reduce` rule had regions followed by attr-dict: no longer
    assert not any("region" in rule for _, rule in conflicts)


@pytest.mark.parametrize(
    "text",
    [
        # greedy operands: `%a` is the return's operand
        "func.func @f(%a: i32) -> i32 {\n  func.return %a : i32\n}",
        # greedy `: type` after an integer attribute
        '"test.op"() {a = 1 : i8, b = [2 : i16, 3]} : () -> ()',
        # `{...}` right after `arith.constant` is its attr-dict, the value follows
        "%c = arith.constant {dl.tag} dense<1> : tensor<2xi32>",
        # scf.reduce: `{` after the regions is one more region, never an attr-dict
        """
func.func @f(%x: i32, %y: f32) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %r:2 = "scf.parallel"(%c0, %c1, %c1, %x, %y) <{operandSegmentSizes = array<i32: 1, 1, 1, 2>}> ({
  ^bb0(%i: index):
    scf.reduce(%x, %y : i32, f32) {
    ^bb0(%a: i32, %b: i32):
      scf.reduce.return %a : i32
    } {
    ^bb0(%a: f32, %b: f32):
      scf.reduce.return %a : f32
    }
  }) : (index, index, index, i32, f32) -> (i32, f32)
  func.return
}
""",
    ],
    ids=["operands", "typed-int", "constant-attr-dict", "reduce-regions"],
)
def test_conflict_resolutions_read_like_xdsl(text: str, both: Compare) -> None:
    both(text)


# ------------------------------------------------------------------ broken forms


@pytest.fixture
def first_form(monkeypatch: pytest.MonkeyPatch) -> Iterator[CustomForm]:
    """The first custom form; the test replaces it in `custom.FORMS` (restored after)."""
    monkeypatch.setattr(custom, "FORMS", custom.FORMS)
    yield custom.FORMS[0]


def _with_form(monkeypatch: pytest.MonkeyPatch, form: CustomForm) -> None:
    monkeypatch.setattr(custom, "FORMS", (form, *custom.FORMS[1:]))


def _edit(form: CustomForm, before: str, after: str) -> CustomForm:
    assert before in form.grammar
    return dataclasses.replace(form, grammar=form.grammar.replace(before, after, 1))


def _undefined_rule(f: CustomForm) -> CustomForm:
    return _edit(f, f"{f.rule}:", f"{f.rule}: {f.rule}_missing ")


def _foreign_rule(f: CustomForm) -> CustomForm:
    return dataclasses.replace(f, grammar=f.grammar + "\nother_rule: VALUE_ID")


def _own_terminal(f: CustomForm) -> CustomForm:
    return dataclasses.replace(f, grammar=f.grammar + '\nMY_TERM: "x"')


def _missing_top_rule(f: CustomForm) -> CustomForm:
    return dataclasses.replace(f, rule=f.rule + "_top")


def _stray_callback(f: CustomForm) -> CustomForm:
    def nothing(p: object) -> None:
        return None

    return dataclasses.replace(f, callbacks={**f.callbacks, f.rule + "_nothing": nothing})


def _other_op_name(f: CustomForm) -> CustomForm:
    return dataclasses.replace(f, op_name="arith.nothing")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (_undefined_rule, "Rule '{rule}_missing' used but not defined"),
        (_foreign_rule, "rule 'other_rule' does not start with '{rule}'"),
        (_own_terminal, "it defines the terminal 'MY_TERM'"),
        (_missing_top_rule, "its grammar does not define its top rule '{rule}_top'"),
        (_stray_callback, "callback for '{rule}_nothing', which is not a rule or alias"),
        (_other_op_name, "never uses the op name terminal OP_ARITH_NOTHING"),
    ],
    ids=["undefined-rule", "rule-prefix", "terminal", "top-rule", "callback", "op-terminal"],
)
def test_broken_form_is_an_error_naming_it(
    monkeypatch: pytest.MonkeyPatch,
    first_form: CustomForm,
    change: Callable[[CustomForm], CustomForm],
    message: str,
) -> None:
    broken = change(first_form)
    _with_form(monkeypatch, broken)
    with pytest.raises(GrammarBuildError) as err:
        LarkMLIRParser()
    text = str(err.value)
    assert text.startswith(f"custom form of '{broken.op_name}' (rule {broken.rule}): ")
    assert message.format(rule=first_form.rule) in text


def test_unimportable_custom_package_is_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "dlir.parser.custom", None)
    with pytest.raises(GrammarBuildError, match=r"cannot import dlir's custom forms"):
        LarkMLIRParser()


# ------------------------------------------------------------------ minus signs

LOOP = """
loop.func @f(%a: memref<64x64xf32>, %i: index, %j: index) attributes {{num_outputs = 1 : i64}} {{
  %x = loop.load %a[{index}] : memref<64x64xf32>
  loop.return
}}
"""


@pytest.mark.parametrize(
    "index",
    [
        "%i -1, %j -2",  # binary minus, without a space before the number
        "%i - 1, %j -0x2",
        "-1 + %i, %j * -1",  # unary minus where a number may start
        "%i - -1, -(-%j)",
    ],
)
def test_minus_before_a_number(index: str, both: Compare) -> None:
    both(LOOP.format(index=index))


def test_minus_inside_a_value_name_is_the_name() -> None:
    # `%j-2` is the value `j-2` (`-` is an identifier character), as in MLIR and xDSL
    with pytest.raises(DiagnosticError, match="undefined value %j-2"):
        parse_module_lark(LOOP.format(index="%i, %j-2"), "t.mlir", make_context())


def test_negative_literals_stay_negative(both: Compare) -> None:
    module = both('"test.op"() {a = -1 : i32, b = -2.5 : f32, c = [-3, -0x4]} : () -> ()')
    assert "a = -1 : i32" in str(module) and "b = -2.500000e+00 : f32" in str(module)


def test_unwritable_cache_home_falls_back_to_temp(monkeypatch: pytest.MonkeyPatch) -> None:
    import tempfile
    from pathlib import Path

    from dlir.parser import lark_parser

    monkeypatch.setenv("DLIR_CACHE_DIR", "/proc/not-writable/dlir")
    path = lark_parser.cache_dir()
    assert path.is_dir() and path.parent == Path(tempfile.gettempdir())
