"""`graph-fuse`: group graph ops by TVM's fusion rules and outline each group into a
private `graph.func` (marked `graph.fused`) called with `graph.call_dps`.

    graph.func @dense(%x: tensor<64x784xf32>, %w: tensor<784x256xf32>, %b: tensor<256xf32>) -> tensor<64x256xf32> {
      %0 = graph.matmul %x, %w : (tensor<64x784xf32>, tensor<784x256xf32>) -> tensor<64x256xf32>
      %1 = graph.add %0, %b : (tensor<64x256xf32>, tensor<256xf32>) -> tensor<64x256xf32>
      %2 = graph.relu %1 : tensor<64x256xf32>
      graph.return %2 : tensor<64x256xf32>
    }
    ->
    graph.func private @fused_matmul_add_relu(%x: ..., %w: ..., %b: ...) -> tensor<64x256xf32> attributes {graph.fused} {
      (the three ops above)
    }
    graph.func @dense(%x: ..., %w: ..., %b: ...) -> tensor<64x256xf32> {
      %2 = graph.call_dps @fused_matmul_add_relu(%x, %w, %b) : (...) -> tensor<64x256xf32>
      graph.return %2 : tensor<64x256xf32>
    }

`graph-to-te` then makes one te.kernel of each fused function (`graph_to_te/fused.py`):
one stage per op, the cheap intermediate stages inlined into their readers.

Grouping (`fusion_plan.py`) follows TVM's FuseOps: a producer joins the group of its
immediate post-dominator when every op between them is in that group (so no value is
ever computed twice, in a diamond or elsewhere) and the fusion categories allow it.
Groups of one op are left as they are. Structurally equal groups share one function.
`dl-opt --fusion-report` prints every group and every refused fusion with the rule
that refused it (`fusion_report.py`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp, StringAttr, SymbolRefAttr, UnitAttr
from xdsl.ir import Operation, SSAValue
from xdsl.passes import ModulePass

from dlir.dialects import graph
from dlir.ir.module import structural_hash, symbol_name
from dlir.passes.graph.fusion_plan import fusion_groups, plan_fusion
from dlir.passes.graph.fusion_report import add_report, render, reporting
from dlir.passes.manager import statistic

FUSED_ATTR = "graph.fused"
"""The unit attribute that marks a `graph.func` made by `graph-fuse`."""


def is_fused(func: graph.FuncOp) -> bool:
    """Whether `func` is a group outlined by `graph-fuse`."""
    return FUSED_ATTR in func.attributes


def group_name(ops: Sequence[Operation]) -> str:
    """`[slice, slice, add, div]` -> `fused_slice_add_div` (each op name once, in order)."""
    names: list[str] = []
    for op in ops:
        short = op.name.split(".", 1)[-1]
        if short not in names:
            names.append(short)
    return "_".join(["fused", *names])


def outline(ops: Sequence[Operation], name: str) -> tuple[graph.FuncOp, graph.CallDpsOp]:
    """A private fused `graph.func` computing `ops` (in program order, one block), and
    the call that replaces them, inserted before the last op; the ops are erased.

    Inputs are the values the ops use from outside, in order of first use; outputs the
    results used outside the group, in program order.
    """
    members = set(ops)
    inputs: list[SSAValue] = []
    for op in ops:
        for operand in op.operands:
            if operand.owner not in members and operand not in inputs:
                inputs.append(operand)
    outputs = [
        r for op in ops for r in op.results if any(u.operation not in members for u in r.uses)
    ]
    func = graph.FuncOp(name, ([v.type for v in inputs], [v.type for v in outputs]))
    func.sym_visibility = StringAttr("private")
    func.attributes[FUSED_ATTR] = UnitAttr()
    block = func.body.block
    mapping: dict[SSAValue, SSAValue] = {}
    for value, arg in zip(inputs, block.args, strict=True):
        mapping[value] = arg
        arg.name_hint = value.name_hint
    for op in ops:
        block.add_op(op.clone(value_mapper=mapping))
    block.add_op(graph.ReturnOp(*(mapping[v] for v in outputs)))

    call = graph.CallDpsOp(name, inputs, [v.type for v in outputs])
    last = ops[-1]
    parent = last.parent_block()
    assert parent is not None
    parent.insert_op_before(call, last)
    for old, new in zip(outputs, call.outputs, strict=True):
        new.name_hint = old.name_hint
        old.replace_all_uses_with(new)
    for op in reversed(ops):
        op.detach()
        op.erase()
    return func, call


def _anonymous_hash(func: graph.FuncOp) -> str:
    anonymous = func.clone()
    anonymous.sym_name = StringAttr("")
    return structural_hash(anonymous)


@dataclass(frozen=True)
class GraphFusePass(ModulePass):
    """Fuse graph ops (TVM's rules) into private graph.funcs called with graph.call_dps.

    %0 = graph.matmul %x, %w ; %1 = graph.add %0, %b ; %2 = graph.relu %1
      -> %2 = graph.call_dps @fused_matmul_add_relu(%x, %w, %b)
    """

    name = "graph-fuse"
    requires: ClassVar[tuple[str, ...]] = ("graph",)
    produces: ClassVar[tuple[str, ...]] = ("graph",)

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        block = op.body.block
        taken = {n for o in block.ops if (n := symbol_name(o)) is not None}
        by_hash: dict[str, str] = {}
        for o in block.ops:
            if isinstance(o, graph.FuncOp) and is_fused(o):
                by_hash.setdefault(_anonymous_hash(o), o.sym_name.data)
        functions = [f for f in block.ops if isinstance(f, graph.FuncOp) and f.body.blocks]
        for func in functions:
            if is_fused(func):
                continue
            plan = plan_fusion(func)
            for group in plan.fused():
                ops = group.ops
                fused, call = outline(ops, _fresh(group_name(ops), taken))
                statistic("ops fused", len(ops))
                key = _anonymous_hash(fused)
                existing = by_hash.get(key)
                if existing is not None:
                    call.callee = SymbolRefAttr(existing)
                    fused.erase()
                    group.name = existing
                    continue
                by_hash[key] = group.name = fused.sym_name.data
                taken.add(fused.sym_name.data)
                block.insert_op_before(fused, func)
                statistic("fused functions")
            if reporting():
                add_report(render(func.sym_name.data, plan))


def _fresh(base: str, taken: set[str]) -> str:
    name, n = base, 1
    while name in taken:
        name, n = f"{base}_{n}", n + 1
    return name


__all__ = ["GraphFusePass", "fusion_groups", "group_name", "is_fused", "outline"]
