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

Grouping (`fusion_groups`) walks a function's ops from last to first, as TVM's FuseOps
walks the post-dominator tree. An op `p` joins the group of its consumers when

* every user of every result of `p` is in one group `G` (so a value that escapes the
  function, or feeds two groups, is a group's output and is never recomputed), and
* the categories allow it (`dlir.dialects.graph.fusion`):
  - `p` elementwise, broadcast or injective: it becomes part of `G`'s prologue or
    chain, unless an out-fusable op (matmul, conv2d, ...) of `G` reads it directly (an
    inlined producer would be recomputed at every reuse of that operand);
  - `p` reduction or out-fusable: it becomes `G`'s anchor when `G` has none and `G` is
    only elementwise and broadcast ops (its epilogue);
  - opaque ops (and `graph.call_dps`) and ops without a category never fuse.

Groups of one op are left as they are. Structurally equal groups share one function.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import ClassVar

from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp, StringAttr, SymbolRefAttr, UnitAttr
from xdsl.ir import Operation, SSAValue
from xdsl.passes import ModulePass

from dlir.dialects import graph
from dlir.dialects.graph.fusion import FusionCategory, fusion_category
from dlir.ir.module import structural_hash, symbol_name
from dlir.passes.manager import statistic

FUSED_ATTR = "graph.fused"
"""The unit attribute that marks a `graph.func` made by `graph-fuse`."""

_CHAIN = (FusionCategory.ELEMENTWISE, FusionCategory.BROADCAST, FusionCategory.INJECTIVE)
_EPILOGUE = (FusionCategory.ELEMENTWISE, FusionCategory.BROADCAST)
_ANCHORS = (FusionCategory.REDUCTION, FusionCategory.OUT_FUSABLE)


def is_fused(func: graph.FuncOp) -> bool:
    """Whether `func` is a group outlined by `graph-fuse`."""
    return FUSED_ATTR in func.attributes


@dataclass
class Group:
    """Ops fused into one kernel; `anchor` is its reduction or out-fusable op, if any."""

    ops: list[Operation] = field(default_factory=list[Operation])
    anchor: Operation | None = None

    def categories(self) -> set[FusionCategory]:
        return {c for op in self.ops if (c := fusion_category(op)) is not None}


def fusion_groups(func: graph.FuncOp) -> list[list[Operation]]:
    """The groups of `func`'s ops with more than one op, each in program order.

    %0 = matmul ; %1 = add %0, %b ; %2 = relu %1 ; %3 = matmul %2, %w2
    ->  [[matmul, add, relu]]   (relu feeds the next matmul's operand directly)
    """
    group_of: dict[Operation, Group] = {}
    groups: list[Group] = []
    for op in reversed(list(func.body.block.ops)):
        category = fusion_category(op)
        if category is None or category == FusionCategory.OPAQUE:
            continue
        target = _consumer_group(op, group_of)
        if target is not None and _may_join(op, category, target):
            target.ops.insert(0, op)
            if category in _ANCHORS:
                target.anchor = op
            group_of[op] = target
            continue
        group = Group([op], op if category in _ANCHORS else None)
        groups.append(group)
        group_of[op] = group
    return [g.ops for g in reversed(groups) if len(g.ops) > 1]


def _consumer_group(op: Operation, group_of: dict[Operation, Group]) -> Group | None:
    """The one group holding every user of `op`'s results, or None."""
    found: Group | None = None
    for result in op.results:
        for use in result.uses:
            group = group_of.get(use.operation)
            if group is None or (found is not None and group is not found):
                return None
            found = group
    return found


def _may_join(op: Operation, category: FusionCategory, group: Group) -> bool:
    if category in _CHAIN:
        readers = {use.operation for r in op.results for use in r.uses}
        return not any(fusion_category(r) == FusionCategory.OUT_FUSABLE for r in readers)
    if category in _ANCHORS:
        return group.anchor is None and group.categories() <= set(_EPILOGUE)
    return False


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
            for ops in fusion_groups(func):
                fused, call = outline(ops, _fresh(group_name(ops), taken))
                statistic("ops fused", len(ops))
                key = _anonymous_hash(fused)
                existing = by_hash.get(key)
                if existing is not None:
                    call.callee = SymbolRefAttr(existing)
                    fused.erase()
                    continue
                by_hash[key] = fused.sym_name.data
                taken.add(fused.sym_name.data)
                block.insert_op_before(fused, func)
                statistic("fused functions")


def _fresh(base: str, taken: set[str]) -> str:
    name, n = base, 1
    while name in taken:
        name, n = f"{base}_{n}", n + 1
    return name
