"""Helpers the graph passes share: which functions they visit, which ops they may touch."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import ClassVar

from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp
from xdsl.ir import Operation
from xdsl.passes import ModulePass

from dlir.dialects.graph import FuncOp, ReturnOp


def graph_funcs(module: ModuleOp) -> Iterator[FuncOp]:
    """Every `graph.func` with a body, nested modules included."""
    for op in module.walk():
        if isinstance(op, FuncOp) and op.body.blocks.first is not None:
            yield op


def is_graph_value_op(op: Operation) -> bool:
    """A `graph` op that only computes values: every graph op but func and return.

    All of them are Pure, `graph.call_dps` included: its callee writes fresh
    destinations and never its inputs (see `CallDpsOp`), so a call whose results are
    unused can be dropped and two identical calls can be merged.
    """
    return op.name.startswith("graph.") and not isinstance(op, FuncOp | ReturnOp) and not op.regions


@dataclass(frozen=True)
class GraphFuncPass(ModulePass):
    """Base of the passes that work on one `graph.func` at a time.

    Subclasses implement `run_on_function`; `apply` runs it on every graph function of
    a module, and the pass manager calls `apply_to_op` on each `graph.func` in place.
    """

    anchor: ClassVar[str] = "graph.func"

    def run_on_function(self, ctx: Context, func: FuncOp) -> None:
        raise NotImplementedError(f"{type(self).__name__} must define run_on_function")

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        for func in list(graph_funcs(op)):
            self.run_on_function(ctx, func)

    def apply_to_op(self, ctx: Context, op: Operation) -> None:
        if isinstance(op, FuncOp) and op.body.blocks.first is not None:
            self.run_on_function(ctx, op)
