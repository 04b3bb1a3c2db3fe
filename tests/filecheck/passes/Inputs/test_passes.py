"""Passes for the pass-manager lit tests, loaded with `--load-pass-plugin`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from xdsl.context import Context
from xdsl.dialects import func
from xdsl.dialects.builtin import ModuleOp
from xdsl.passes import ModulePass
from xdsl.rewriter import Rewriter

from dlir.passes import register_pass, statistic


@register_pass
@dataclass(frozen=True)
class FailOnBadPass(ModulePass):
    """Raise on a func.func named `bad`; leave the others alone."""

    name = "test-fail-on-bad"
    anchor: ClassVar[str] = "func.func"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        for f in op.walk():
            if isinstance(f, func.FuncOp) and f.sym_name.data == "bad":
                raise ValueError("this function is bad")


@register_pass
@dataclass(frozen=True)
class CountOpsPass(ModulePass):
    """Count the ops in the module (for --pass-statistics)."""

    name = "test-count-ops"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        statistic("ops seen", sum(1 for _ in op.walk()))


@register_pass
@dataclass(frozen=True)
class DropReturnPass(ModulePass):
    """Erase every func.return: leaves IR that does not verify."""

    name = "test-drop-return"
    anchor: ClassVar[str] = "func.func"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        for ret in [o for o in op.walk() if isinstance(o, func.ReturnOp)]:
            Rewriter.erase_op(ret)
