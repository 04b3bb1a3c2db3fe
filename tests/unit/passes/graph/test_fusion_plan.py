"""The fusion plan on random graphs full of diamonds: post-dominators against their
definition, groups that never compute a value twice, a refusal for every producer that
stays out of its readers' group, and graph-fuse keeping every op exactly once.

    random DAG (elementwise, broadcast, injective, reduction, out-fusable, opaque ops,
    values read by several later ops and returned)
    ->  PostDominators == brute force over all use paths
        plan: each op in one group; inner members read only inside their group
        graph-fuse: op names of caller + called kernels == the original's; same values
"""

from __future__ import annotations

from collections import Counter
from typing import Any, cast

import numpy as np
from hypothesis import given, settings
from xdsl.dialects.builtin import ModuleOp, TensorType, f32
from xdsl.ir import Block, Operation

import dlir
from dlir.dialects import graph
from dlir.dialects.graph.fusion import FusionCategory, fusion_category
from dlir.ir.context import make_context
from dlir.passes import PassManager
from dlir.passes.graph.fusion_plan import plan_fusion
from dlir.passes.graph.fusion_report import collect_fusion_reports, render
from dlir.passes.graph.postdom import PostDominators
from dlir.testing.random_graphs import random_graphs

N = 5


def main_block(module: ModuleOp) -> Block:
    func = next(f for f in module.ops if isinstance(f, graph.FuncOp) and f.sym_name.data == "g")
    return func.body.block


def users(op: Operation) -> set[Operation]:
    return {use.operation for r in op.results for use in r.uses}


def post_dominates(d: Operation, p: Operation) -> bool:
    """Every use path from `p` to the end of the function passes through `d`."""
    stack, seen = [p], set[Operation]()
    while stack:
        current = stack.pop()
        if current is d or current in seen:
            continue
        seen.add(current)
        following = users(current)
        if not following:  # the path reached the end without passing d
            return False
        stack.extend(following)
    return True


@settings(max_examples=60, deadline=None)
@given(random_graphs(N))
def test_post_dominators_match_their_definition(module: ModuleOp) -> None:
    block = main_block(module)
    postdom = PostDominators(block)
    ops = list(block.ops)
    for p in ops:
        strict = [d for d in ops if d is not p and post_dominates(d, p)]
        for d in ops:
            assert postdom.dominates(d, p) == (d is p or d in strict)
        # the immediate one is post-dominated by every other strict post-dominator
        immediate = [d for d in strict if all(post_dominates(o, d) for o in strict)]
        assert postdom.immediate(p) is (immediate[0] if immediate else None)


def op_names(module: ModuleOp, name: str = "g") -> Counter[str]:
    """The graph ops a call of @name runs, fused kernels expanded (calls to @ext kept)."""
    funcs = {f.sym_name.data: f for f in module.ops if isinstance(f, graph.FuncOp)}
    counts: Counter[str] = Counter()
    for op in funcs[name].body.block.ops:
        if isinstance(op, graph.CallDpsOp) and op.callee.root_reference.data != "ext":
            counts += op_names(module, op.callee.root_reference.data)
        elif not isinstance(op, graph.ReturnOp):
            counts[op.name] += 1
    return counts


@settings(max_examples=60, deadline=None)
@given(random_graphs(N))
def test_fusion_never_computes_a_value_twice(module: ModuleOp) -> None:
    block = main_block(module)
    plan = plan_fusion(next(f for f in module.ops if isinstance(f, graph.FuncOp)))
    members = [op for g in plan.groups for op in g.ops]
    assert Counter(members) == Counter(op for op in block.ops if fusion_category(op) is not None)
    postdom = PostDominators(block)
    refused = Counter(r.producer for r in plan.refusals)
    for group in plan.groups:
        inside = set(group.ops)
        for op in group.ops[:-1]:
            assert users(op) <= inside, f"{op.name} is read outside its group"
            assert postdom.immediate(op) in inside
        assert (
            sum(
                fusion_category(o) in (FusionCategory.REDUCTION, FusionCategory.OUT_FUSABLE)
                for o in group.ops
            )
            <= 1
        )
        # the last op did not join its readers' group: said why, unless only returned
        last = group.ops[-1]
        readers = [u for u in users(last) if not isinstance(u, graph.ReturnOp)]
        assert refused[plan.info[last]] == (1 if readers else 0), last.name
    assert sum(refused.values()) == len(plan.refusals)

    fused = module.clone()
    with collect_fusion_reports() as reports:
        PassManager.parse("graph-fuse", make_context()).run(fused)
    fused.verify()
    assert op_names(fused) == op_names(module)
    assert len(reports) == 2 and all(r.startswith("fusion report for @") for r in reports)
    rng = np.random.default_rng(0)
    inputs = [rng.standard_normal((N, N)).astype(np.float32) for _ in range(2)]
    want = results(dlir.interpret(module, "g", *inputs))
    for got, value in zip(results(dlir.interpret(fused, "g", *inputs)), want, strict=True):
        np.testing.assert_array_equal(got, value)  # the same numpy ops, grouped


def results(value: object) -> list[Any]:
    return list(cast(tuple[Any, ...], value)) if isinstance(value, tuple) else [value]


def test_ops_without_a_location_are_numbered() -> None:
    square = TensorType(f32, [N, N])
    func = graph.FuncOp("f", ([square], [square]))
    block = func.body.block
    relu = graph.ReluOp(block.args[0])
    tanh = graph.TanhOp(relu)
    block.add_ops([relu, tanh, graph.ReturnOp(tanh.result)])
    plan = plan_fusion(func)
    plan.fused()[0].name = "fused_relu_tanh"
    assert render("f", plan).splitlines() == [
        "fusion report for @f: 2 ops, 1 fused kernel, 0 ops alone, 0 refusals",
        "  kernel @fused_relu_tanh: 2 ops, no anchor",
        "    op #0: graph.relu (elementwise)",
        "    op #1: graph.tanh (elementwise)",
    ]
