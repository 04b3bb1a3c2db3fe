"""Short spellings MLIR prints and xDSL reads: op names without their dialect inside an op
of that dialect, and `ptr`, `void`, `array<...>`, `struct<...>` inside LLVM types."""

from __future__ import annotations

import pytest

from dlir.ir.context import make_context
from dlir.ir.diagnostics import DiagnosticError
from dlir.parser.lark_parser import parse_module_lark
from tests.unit.parser.conftest import Compare

DEFAULT_DIALECT = {
    "func-return": "func.func @f() {\n  return\n}",
    "func-return-values": "func.func @f(%a: i32) -> (i32, i32) {\n  return %a, %a : i32, i32\n}",
    "module-short": "module {\n  func.func @f() {\n    return\n  }\n}",
    # `yield` is scf's inside scf ops, `return` is func's through the scf op (the whole
    # stack of enclosing dialects is searched, innermost first)
    "scf-in-func": """
func.func @f(%c: i1, %n: index) -> i32 {
  %z = arith.constant 0 : i32
  %r = scf.if %c -> (i32) {
    yield %z : i32
  } else {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %s = scf.for %i = %c0 to %n step %c1 iter_args(%acc = %z) -> (i32) {
      yield %acc : i32
    }
    yield %s : i32
  }
  return %r : i32
}
""",
    # after `} else {` the dialect is the scf.if's again, not that of the last inner op
    "else-after-inner-op": """
func.func @f(%c: i1) {
  scf.if %c {
    func.call @f(%c) : (i1) -> ()
  } else {
    yield
  }
  return
}
""",
    # a generic op's regions get its dialect too
    "generic-parent": """
"func.func"() <{sym_name = "g", function_type = () -> ()}> ({
  return
}) : () -> ()
""",
    # an attribute dictionary in between does not change the enclosing dialect
    "attr-dict-before-region": "func.func @f() attributes {a = {b = 1 : i32}} {\n  return\n}",
    "llvm-func": """
llvm.func @f(%a: i32) -> i32 {
  %b = add %a, %a : i32
  return %b : i32
}
""",
}


@pytest.mark.parametrize("text", list(DEFAULT_DIALECT.values()), ids=list(DEFAULT_DIALECT))
def test_default_dialect_like_xdsl(text: str, both: Compare) -> None:
    both(text)


@pytest.mark.parametrize(
    ("text", "where", "name"),
    [
        pytest.param("func.func @f() {\n  yield\n}", "2:3", "yield", id="yield-in-func"),
        pytest.param("func.func @f() {\n  frob\n}", "2:3", "frob", id="unknown"),
        # the dialect of an op ends with its regions
        pytest.param(
            "func.func @f() {\n  func.return\n}\nreturn", "4:1", "return", id="after-region"
        ),
    ],
)
def test_default_dialect_unknown(text: str, where: str, name: str) -> None:
    with pytest.raises(DiagnosticError) as err:
        parse_module_lark(text, "t.mlir", make_context())
    rendered = err.value.diagnostic.render()
    assert rendered == f"t.mlir:{where}: error: unknown operation '{name}'"


LLVM_TYPES = [
    "!llvm.func<ptr (ptr, i32)>",
    "!llvm.func<ptr<1> (ptr<3>, ...)>",
    "!llvm.func<void (ptr)>",
    "!llvm.func<struct<(i32, ptr)> (array<4 x ptr>)>",
    "!llvm.struct<(ptr, ptr, i64, array<2 x i64>, array<2 x i64>)>",
    "!llvm.struct<(struct<(ptr, i32)>, !llvm.ptr, ptr<2>)>",
    '!llvm.struct<"named", (ptr, i32)>',
    "!llvm.struct<(void)>",
    "!llvm.array<4 x ptr>",
    "!llvm.array<2 x array<3 x struct<(f32, ptr)>>>",
    "!llvm.array<2 x !llvm.array<3 x i8>>",
]


@pytest.mark.parametrize("spelled", LLVM_TYPES)
def test_llvm_type_shorthands_like_xdsl(spelled: str, both: Compare) -> None:
    both(f'"test.op"() : () -> {spelled}')


def test_llvm_shorthand_only_inside_llvm_types() -> None:
    # `ptr` alone is not a type (MLIR and xDSL say so too)
    with pytest.raises(DiagnosticError, match="but found 'ptr'"):
        parse_module_lark('"test.op"() : () -> ptr', "t.mlir", make_context())
