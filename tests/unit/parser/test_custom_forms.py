"""The hand-written custom forms of `dlir/parser/custom/`: coverage, errors and edge cases.

The corpus test (`test_custom_corpus.py`) checks agreement with xDSL's parser on valid text;
this file checks that every hand-written xDSL syntax has a form, that malformed input is
reported at the right place, and the behaviours where dlir's parser deliberately differs.
"""

from __future__ import annotations

import importlib
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from xdsl.dialects.builtin import ModuleOp
from xdsl.dialects.scf import ExecuteRegionOp
from xdsl.irdl import IRDLOperation

from dlir.dialects import DLIR_DIALECTS
from dlir.ir.context import make_context
from dlir.ir.diagnostics import DiagnosticError
from dlir.parser import parse_module_xdsl, print_module
from dlir.parser.core_forms import FORMS as CORE_FORMS
from dlir.parser.custom import FORMS
from dlir.parser.lark_parser import parse_module_lark
from dlir.parser.plugin import op_terminal

STD_DIALECTS = ("builtin", "func", "arith", "math", "scf", "cf", "memref", "vector", "llvm")


def _std_ops() -> list[type[IRDLOperation]]:
    ops: list[type[IRDLOperation]] = []
    for name in STD_DIALECTS:
        module = importlib.import_module(f"xdsl.dialects.{name}")
        dialects = [v for v in vars(module).values() if type(v).__name__ == "Dialect"]
        dialect = next(d for d in dialects if d.name == name)
        ops += [op for op in dialect.operations if issubclass(op, IRDLOperation)]
    return ops


def _dlir_ops() -> list[type[IRDLOperation]]:
    ops: list[type[IRDLOperation]] = []
    for load in DLIR_DIALECTS.values():
        ops += [op for op in load().operations if issubclass(op, IRDLOperation)]
    return ops


def _needs_form(op: type[IRDLOperation]) -> bool:
    """Hand-written syntax, or a declarative format with a Python custom directive."""
    if op.assembly_format is not None:
        return bool(getattr(op, "custom_directives", ()))
    return any(
        "parse" in cls.__dict__
        for cls in op.__mro__
        if cls.__module__.startswith(("xdsl.dialects", "dlir.dialects"))
    )


def test_every_hand_written_std_op_has_a_form() -> None:
    covered = {form.op_name for form in (*CORE_FORMS, *FORMS)}
    missing = sorted(op.name for op in _std_ops() if _needs_form(op) and op.name not in covered)
    assert missing == []


def test_every_hand_written_dlir_op_has_a_form() -> None:
    covered = {form.op_name for form in (*CORE_FORMS, *FORMS)}
    missing = sorted(op.name for op in _dlir_ops() if _needs_form(op) and op.name not in covered)
    assert missing == []


def test_forms_follow_the_interface() -> None:
    names = [form.op_name for form in FORMS]
    assert len(names) == len(set(names)), "an op has two custom forms"
    for form in FORMS:
        rules = re.findall(r"^[!?]?(\w+):", form.grammar, re.MULTILINE)
        rules += re.findall(r"-> (\w+)", form.grammar)  # aliases
        assert form.rule in rules, f"{form.op_name}: top rule {form.rule} is not defined"
        assert all(r.startswith(form.rule) for r in rules), f"{form.op_name}: {rules}"
        assert set(form.callbacks) <= set(rules), f"{form.op_name}: callbacks of unknown rules"
        top = re.search(rf"^{form.rule}: (\w+)", form.grammar, re.MULTILINE)
        assert top is not None
        head = top.group(1)
        if head != op_terminal(form.op_name):  # through a header sub-rule
            assert re.search(rf"^{head}: {op_terminal(form.op_name)}\b", form.grammar, re.MULTILINE)


def _lark(text: str) -> ModuleOp:
    return parse_module_lark(text, "t.mlir", make_context())


def _error(text: str) -> tuple[str, int, int]:
    with pytest.raises(DiagnosticError) as info:
        _lark(text)
    diag = info.value.diagnostic
    assert diag.loc is not None
    return diag.message, diag.loc.line, diag.loc.col


# (text, expected message fragment, line, column)
ERRORS = [
    pytest.param(
        "func.func @f(%a: i32) {\n  %c = arith.cmpi lt, %a, %a : i32\n  func.return\n}",
        "unknown comparison predicate 'lt'",
        2,
        19,
        id="cmpi-predicate",
    ),
    pytest.param(
        "func.func @f(%x: f32) {\n  %c = arith.cmpf olt, %x, %x fastmath<bogus> : f32\n  func.return\n}",
        "Expected `reassoc`, `nnan`, `ninf`, `nsz`, `arcp`, `contract`, or `afn`, found 'bogus'",
        2,
        40,
        id="cmpf-fastmath",
    ),
    pytest.param(
        "func.func @f(%a: i32) {\n  %r = scf.while (%x = %a) : (i32, i32) -> i32 {\n"
        "    scf.condition(%x) %x : i32\n  } do {\n  ^bb0(%y: i32):\n    scf.yield %y : i32\n  }\n"
        "  func.return\n}",
        "Mismatch between block argument count (1) and operand count (2)",
        2,
        8,
        id="while-counts",
    ),
    pytest.param(
        "llvm.func @f(%p: !llvm.ptr) {\n  %v = llvm.load %p atomic sometimes : !llvm.ptr -> i32\n  llvm.return\n}",
        "unknown atomic ordering 'sometimes'",
        2,
        28,
        id="load-ordering",
    ),
    pytest.param(
        'llvm.func @f(%a: i32) {\n  %c = llvm.icmp "less" %a, %a : i32\n  llvm.return\n}',
        'unknown predicate "less"',
        2,
        18,
        id="icmp-predicate",
    ),
    pytest.param(
        "llvm.func @f(%s: !llvm.struct<(i32, f32)>) {\n  %e = llvm.extractvalue %s[2] : !llvm.struct<(i32, f32)>\n  llvm.return\n}",
        "position 2 is out of range for !llvm.struct<(i32, f32)> (2 members)",
        2,
        8,
        id="extractvalue-range",
    ),
    pytest.param(
        "llvm.func @f(%p: !llvm.ptr) {\n  %q = llvm.getelementptr %p[1] : (!llvm.ptr) -> i64, f32\n  llvm.return\n}",
        "expected one !llvm.ptr result type",
        2,
        8,
        id="gep-result",
    ),
    pytest.param(
        "llvm.func @f(..., i32)",
        "'...' must be the last argument",
        1,
        11,
        id="func-vararg-position",
    ),
    pytest.param(
        "llvm.func @f(%p: !llvm.ptr) {\n  llvm.call %p() : () -> ()\n  llvm.return\n}",
        "an indirect call needs the callee's type",
        2,
        13,
        id="call-indirect-type",
    ),
    pytest.param(
        "llvm.mlir.global external @g() {addr_space = 0 : i32}",
        "expected `:` followed by global type",
        1,
        27,
        id="global-type",
    ),
    pytest.param(
        "func.func @f(%m: memref<4xf32>, %i: index, %x: f32) {\n"
        "  %v = vector.transfer_read %m[%i], %x : memref<4xf32>, f32\n  func.return\n}",
        "requires vector type, got f32",
        2,
        8,
        id="transfer-read-vector",
    ),
    pytest.param(
        "func.func @f(%x: f32) {\n  cf.switch %x : f32, [\n    default: ^bb1\n  ]\n^bb1:\n  func.return\n}",
        "expected an integer or index type for the flag, got f32",
        2,
        3,
        id="switch-flag",
    ),
    pytest.param(
        "func.func @f(%n: i32) {\n  %m = memref.alloc(%n) : memref<?xf32>\n  func.return\n}",
        "'%n' expects different type than prior uses: 'index' vs 'i32'",
        2,
        21,
        id="alloc-size-type",
    ),
]


@pytest.mark.parametrize(("text", "message", "line", "col"), ERRORS)
def test_errors_point_at_the_culprit(text: str, message: str, line: int, col: int) -> None:
    got_message, got_line, got_col = _error(text)
    assert message in got_message
    assert (got_line, got_col) == (line, col)


def test_execute_region_keeps_its_attributes() -> None:
    # xDSL 0.74's parser drops them (ExecuteRegionOp.__init__ ignores attr_dict); dlir keeps them.
    text = "func.func @f(%a: i32) -> i32 {\n  %r = scf.execute_region -> (i32) {\n    scf.yield %a : i32\n  } {dl.tag}\n  func.return %r : i32\n}"
    op = next(op for op in _lark(text).walk() if isinstance(op, ExecuteRegionOp))
    assert "dl.tag" in op.attributes
    assert (
        "dl.tag"
        not in next(
            op for op in parse_module_xdsl(text).walk() if isinstance(op, ExecuteRegionOp)
        ).attributes
    )


def test_implicit_yields_are_added_like_xdsl() -> None:
    text = (
        "func.func @f(%c: i1, %n: index) {\n  scf.if %c {\n  }\n"
        "  scf.for %i = %n to %n step %n {\n  }\n  func.return\n}"
    )
    assert print_module(_lark(text)) == print_module(parse_module_xdsl(text))
    assert "scf.yield" in print_module(_lark(text), generic=True)


_INDEX_ITEMS = st.lists(st.one_of(st.integers(0, 64), st.sampled_from(["%i", "%j"])), max_size=4)


@settings(max_examples=40, deadline=None)
@given(offsets=_INDEX_ITEMS, strides=_INDEX_ITEMS)
def test_dynamic_index_lists_agree_with_xdsl(
    offsets: list[int | str], strides: list[int | str]
) -> None:
    """Any mix of constants and values in a `custom<DynamicIndexList>` builds the same IR."""

    def show(items: list[int | str]) -> str:
        return "[" + ", ".join(map(str, items)) + "]"

    text = (
        "func.func @f(%m: memref<64xf32>, %i: index, %j: index) {\n"
        f"  %s = memref.subview %m{show(offsets)} {show(strides)} {show(offsets)} "
        ": memref<64xf32> to memref<?xf32, strided<[?], offset: ?>>\n"
        f"  %p = memref.reinterpret_cast %m to offset: {show(offsets)}, sizes: {show(strides)}, "
        f"strides: {show(offsets)} : memref<64xf32> to memref<?xf32, strided<[?], offset: ?>>\n"
        "  func.return\n}"
    )
    expected = parse_module_xdsl(text)
    got = _lark(text)
    assert got.is_structurally_equivalent(expected)
    assert print_module(got) == print_module(expected)


@settings(max_examples=40, deadline=None)
@given(
    indices=st.lists(
        st.one_of(st.integers(-4, 8), st.sampled_from(["%i", "%j"])), min_size=1, max_size=4
    ),
    inbounds=st.booleans(),
)
def test_gep_indices_agree_with_xdsl(indices: list[int | str], inbounds: bool) -> None:
    """Any mix of constant and dynamic GEP indices builds the same IR as xDSL's parser."""
    dynamic = ["i64" if i == "%i" else "i32" for i in indices if isinstance(i, str)]
    text = (
        "llvm.func @f(%p: !llvm.ptr, %i: i64, %j: i32) {\n"
        f"  %q = llvm.getelementptr {'inbounds ' if inbounds else ''}%p[{', '.join(map(str, indices))}] "
        f": ({', '.join(['!llvm.ptr', *dynamic])}) -> !llvm.ptr, f32\n"
        "  llvm.return\n}"
    )
    expected = parse_module_xdsl(text)
    got = _lark(text)
    assert got.is_structurally_equivalent(expected)
    assert print_module(got) == print_module(expected)


def test_while_without_values_accepts_mlirs_spelling() -> None:
    # MLIR 22 prints `scf.while : () -> ()`; xDSL prints and reads only `scf.while () : ...`.
    body = ": () -> () {\n    scf.condition(%c)\n  } do {\n    scf.yield\n  }\n  func.return\n}"
    head = "func.func @f(%c: i1) {\n  scf.while "
    xdsl_spelling = parse_module_xdsl(head + "() " + body)
    assert _lark(head + body).is_structurally_equivalent(xdsl_spelling)
    assert _lark(head + "() " + body).is_structurally_equivalent(xdsl_spelling)
