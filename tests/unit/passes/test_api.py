"""The few-lines pass API: `pattern_pass` and `FunctionPass`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from xdsl.context import Context
from xdsl.dialects import arith
from xdsl.dialects.builtin import IntegerAttr, IntegerType
from xdsl.ir import Operation
from xdsl.pattern_rewriter import PatternRewriter, RewritePattern, op_type_rewrite_pattern

from dlir.ir.context import make_context
from dlir.parser import parse_module, print_module
from dlir.passes import FunctionPass, pass_info, pattern_pass, register_pass, run_pipeline

TWO_FUNCS = """
func.func @f(%a: i32) -> i32 {
  %b = arith.addi %a, %a : i32
  func.return %b : i32
}
func.func @g(%a: i32) -> i32 {
  %b = arith.muli %a, %a : i32
  func.return %b : i32
}
"""


@pattern_pass("test-double-to-shift", anchor="func.func")
class DoubleToShift(RewritePattern):
    """Rewrite `x + x` into `x << 1`."""

    # x + x -> x << 1
    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: arith.AddiOp, rewriter: PatternRewriter, /) -> None:
        if op.lhs != op.rhs or not isinstance(op.result.type, IntegerType):
            return
        one = arith.ConstantOp(IntegerAttr(1, op.result.type))
        rewriter.replace(op, [one, arith.ShLIOp(op.lhs, one)])


@register_pass
@dataclass(frozen=True)
class TagFunctions(FunctionPass):
    """Tag each function with a label."""

    name = "test-tag-functions"
    anchor: ClassVar[str] = "func.func"
    label: str = "seen"

    def run_on_function(self, ctx: Context, func: Operation) -> None:
        func.attributes["tag"] = IntegerAttr(len(self.label), 64)


def test_pattern_pass_is_registered_with_its_anchor_and_doc() -> None:
    info = pass_info("test-double-to-shift")
    assert info.anchor == "func.func"
    assert info.description == "Rewrite `x + x` into `x << 1`."


def test_pattern_pass_rewrites_every_anchored_function() -> None:
    module = parse_module(TWO_FUNCS)
    run_pipeline("test-double-to-shift", module, make_context())
    text = print_module(module)
    assert "arith.shli" in text and "arith.addi" not in text and "arith.muli" in text


def test_function_pass_runs_on_each_function_with_its_options() -> None:
    module = parse_module(TWO_FUNCS)
    run_pipeline("test-tag-functions{label=abc}", module, make_context())
    assert print_module(module).count("tag = 3 : i64") == 2


def test_function_pass_apply_without_the_manager() -> None:
    module = parse_module(TWO_FUNCS)
    TagFunctions().apply(make_context(), module)
    assert print_module(module).count("tag = 4 : i64") == 2
