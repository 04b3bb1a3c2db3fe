"""Every parse error is a `DiagnosticError` at file:line:col with a readable message."""

from __future__ import annotations

import pytest

from dlir.ir.context import make_context
from dlir.ir.diagnostics import DiagnosticError
from dlir.parser.lark_parser import parse_module_lark

CASES = [
    # (text, line, col, message)
    ('"foo.bar"() : () -> ()', 1, 1, "unknown operation 'foo.bar'"),
    ("foo.bar %x", 1, 1, "unknown operation 'foo.bar'"),
    ('"test.op"(%x) : (i32) -> ()', 1, 11, "use of undefined value %x"),
    (
        '%a = "test.op"() : () -> i32\n%a = "test.op"() : () -> i32',
        2,
        1,
        "redefinition of SSA value '%a'",
    ),
    ("func.func @f() {\n  func.return\n", 2, 14, "expected '}'"),
    ('"test.op"() : () -> () $', 1, 24, "unexpected character '$'"),
    ('"test.op"() {a} {b}', 1, 17, "expected ':' but found '{'"),
    (
        '%a = "test.op"() : () -> i32\n"test.use"(%a) : (f32) -> ()',
        2,
        12,
        "use of value '%a' expects different type than prior uses: 'f32' vs 'i32'",
    ),
    (
        '%x = "test.op"() : () -> i32\nfunc.func @f() {\n  "test.use"(%x) : (i32) -> ()\n  func.return\n}',
        3,
        14,
        "use of undefined value %x",
    ),
    (
        '"test.op"() ({\n  "test.br"() [^bb9] : () -> ()\n}) : () -> ()',
        2,
        16,
        "reference to an undefined block '^bb9'",
    ),
    ('"test.op"() : () -> !nope', 1, 21, "undefined type alias '!nope'"),
    ('"test.op"() {a = tensor<4xfoo>} : () -> ()', 1, 27, "expected a type but found 'foo'"),
    ('"test.op"() {a = #llvm.fastmath<bogus>} : () -> ()', 1, 33, "Expected `reassoc`"),
    (
        '%a:2 = "test.op"() : () -> i32',
        1,
        1,
        "operation 'test.op' defines 1 results but 2 names were bound",
    ),
    (
        '"test.op"(%a#3) : (i32) -> ()\n%a:2 = "test.op"() : () -> (i32, i32)',
        1,
        11,
        "result #3 of %a does not exist",
    ),
    (
        '"test.op"() ({\n^bb0:\n  "test.op"() : () -> ()\n^bb0:\n}) : () -> ()',
        4,
        1,
        "redefinition of block '^bb0'",
    ),
    ("%0 = arith.addi %a, %b : i32", 1, 17, "use of undefined value %a"),
    (
        '"test.use"(%x) : (f32) -> ()\n%x = "test.def"() : () -> i32',
        1,
        12,
        "use of value '%x' expects different type than prior uses: 'f32' vs 'i32'",
    ),
    ('"test.op"() : (i32) -> ()', 1, 1, "expected 0 operand types but had 1"),
    ("!a = i32\n!a = f32", 2, 1, "redefinition of alias '!a'"),
    ('"test.op"() {x = #undefined} : () -> ()', 1, 18, "undefined attribute alias '#undefined'"),
]


@pytest.mark.parametrize(("text", "line", "col", "message"), CASES)
def test_error_position_and_message(text: str, line: int, col: int, message: str) -> None:
    ctx = make_context(allow_unregistered="foo" not in text)
    with pytest.raises(DiagnosticError) as info:
        parse_module_lark(text, "e.mlir", ctx)
    diagnostic = info.value.diagnostic
    assert message in diagnostic.message
    assert diagnostic.loc is not None
    assert (diagnostic.loc.file, diagnostic.loc.line, diagnostic.loc.col) == ("e.mlir", line, col)


def test_expected_tokens_are_spelled_not_named() -> None:
    with pytest.raises(DiagnosticError) as info:
        parse_module_lark(
            '"test.op"() : (i32 -> ()', "e.mlir", make_context(allow_unregistered=True)
        )
    message = info.value.diagnostic.message
    assert "')'" in message and "','" in message
    assert "RPAR" not in message and "COMMA" not in message
