"""Verification after each pass covers what the pass changed and what depends on it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import pytest
from xdsl.context import Context
from xdsl.dialects import func
from xdsl.dialects.builtin import FunctionType, IntegerAttr, ModuleOp, StringAttr, i64
from xdsl.ir import Operation
from xdsl.passes import ModulePass

import dlir.passes.verification as verification
from dlir.ir.context import make_context
from dlir.ir.diagnostics import Diagnostic
from dlir.parser import parse_module
from dlir.passes import PassFailure, PassManager, register_pass
from dlir.passes.verification import IncrementalVerifier

SRC = """func.func @callee(%a: i32) -> i32 {
  func.return %a : i32
}
func.func @caller(%a: i32) -> i32 {
  %r = func.call @callee(%a) : (i32) -> i32
  func.return %r : i32
}
func.func @alone(%a: i32) -> i32 {
  func.return %a : i32
}
"""


def function(module: ModuleOp, name: str) -> func.FuncOp:
    return next(f for f in module.ops if isinstance(f, func.FuncOp) and f.sym_name.data == name)


@register_pass
@dataclass(frozen=True)
class RetypeCalleePass(ModulePass):
    """Make @callee take and return i64: only @callee changes, @caller's call breaks."""

    name = "test-verification-retype-callee"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        callee = function(op, "callee")
        retyped = func.FuncOp("callee", FunctionType.from_lists([i64], [i64]))
        retyped.body.block.add_op(func.ReturnOp(retyped.body.block.args[0]))
        op.body.block.insert_op_before(retyped, callee)
        callee.detach()
        callee.erase()


@register_pass
@dataclass(frozen=True)
class TagAlonePass(ModulePass):
    """Add an attribute to @alone only."""

    name = "test-verification-tag-alone"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        function(op, "alone").attributes["tag"] = StringAttr("x")


@register_pass
@dataclass(frozen=True)
class EmptyAlonePass(ModulePass):
    """Erase @alone's return, function by function: leaves @alone without a terminator."""

    name = "test-verification-empty-alone"
    anchor: ClassVar[str] = "func.func"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        for f in op.ops:
            if isinstance(f, func.FuncOp) and f.sym_name.data == "alone":
                for ret in [o for o in f.walk() if isinstance(o, func.ReturnOp)]:
                    ret.detach()
                    ret.erase()


def verified_ops(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Records the label of every op the incremental verifier checks."""
    seen: list[str] = []
    original = verification.verification_error

    def spy(op: Operation, *, nested: bool = True) -> Diagnostic | None:
        name = op.properties.get("sym_name") or op.attributes.get("sym_name")
        seen.append(getattr(name, "data", op.name))
        return original(op, nested=nested)

    monkeypatch.setattr(verification, "verification_error", spy)
    return seen


def test_an_unchanged_caller_of_a_changed_function_is_verified_again() -> None:
    module = parse_module(SRC)
    manager = PassManager.parse("test-verification-retype-callee", make_context())
    with pytest.raises(PassFailure, match=r"left invalid IR in func.func @caller"):
        manager.run(module)
    assert "(i32) -> i32" in str(function(module, "callee").function_type)  # restored


def test_only_what_changed_is_verified(monkeypatch: pytest.MonkeyPatch) -> None:
    seen = verified_ops(monkeypatch)
    module = parse_module(SRC)
    PassManager.parse("test-verification-tag-alone", make_context()).run(module)
    assert seen == ["builtin.module", "alone"]


def test_nothing_changed_verifies_only_the_module_op(monkeypatch: pytest.MonkeyPatch) -> None:
    seen = verified_ops(monkeypatch)
    module = parse_module(SRC)
    PassManager.parse("test-verification-tag-alone,dce", make_context()).run(module)
    assert seen == ["builtin.module", "alone", "builtin.module"]


def test_a_function_anchored_pass_that_breaks_its_function_is_caught() -> None:
    module = parse_module(SRC)
    manager = PassManager.parse("test-verification-empty-alone", make_context())
    with pytest.raises(PassFailure, match=r"left invalid IR in func.func @alone"):
        manager.run(module)


def test_an_in_place_property_change_is_a_change() -> None:
    module = parse_module("func.func @f() {\n  %c = arith.constant 1 : i32\n  func.return\n}\n")
    verifier = IncrementalVerifier(module)
    constant = next(op for op in module.walk() if op.name == "arith.constant")
    constant.properties["value"] = IntegerAttr(1, i64)  # no longer matches its i32 result
    problem = verifier.check(module)
    assert problem is not None and problem[1] is function(module, "f")
    assert verifier.check(module) is None  # remembered: not reported twice


def test_verify_each_false_skips_verification() -> None:
    module = parse_module(SRC)
    manager = PassManager.parse(
        "test-verification-retype-callee", make_context(), verify_each=False
    )
    manager.run(module)
    assert manager.verify_seconds == {}
