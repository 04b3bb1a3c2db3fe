"""The graph passes as a family: registry entries, names, options, and their Python API."""

from __future__ import annotations

from importlib import import_module

import pytest
from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp
from xdsl.ir import Region
from xdsl.passes import ModulePass
from xdsl.pattern_rewriter import PatternRewriter
from xdsl.rewriter import InsertPoint

from dlir.dialects.graph import AddOp, ExpOp, FuncOp, ReluOp, ReturnOp, tensor
from dlir.passes.graph import GRAPH_PASSES
from dlir.passes.graph.canonicalize import GraphCanonicalizePass
from dlir.passes.graph.cse import GraphCSEPass, cse_block
from dlir.passes.graph.dce import GraphDCEPass
from dlir.passes.graph.fold_constants import GraphFoldConstantsPass


@pytest.mark.parametrize("name", sorted(GRAPH_PASSES))
def test_registry_entry_loads_a_pass_of_that_name(name: str) -> None:
    module, _, cls_name = GRAPH_PASSES[name].partition(":")
    cls = getattr(import_module(module), cls_name)
    assert issubclass(cls, ModulePass)
    assert cls.name == name
    # per function, except passes that add functions (graph-fuse outlines groups): those
    # run on the module, as the pass manager requires
    assert getattr(cls, "anchor", "builtin.module") in ("graph.func", "builtin.module")
    assert (cls.__doc__ or "").strip(), f"{name} needs a docstring (dl-opt --list-passes shows it)"


def test_cse_block_reports_how_many_ops_it_merged() -> None:
    func = FuncOp("f", ([tensor(4)], [tensor(4)]))
    (x,) = func.body.block.args
    ops = [a := ExpOp(x), b := ExpOp(x), c := AddOp(a, b), d := AddOp(a, b), e := ReluOp(c)]
    func.body.block.add_ops([*ops, f := AddOp(e, d), ReturnOp(f)])
    block = func.body.block
    assert cse_block(block, PatternRewriter(InsertPoint.at_start(block))) == 2
    assert [op.name for op in block.ops] == [
        "graph.exp",
        "graph.add",
        "graph.relu",
        "graph.add",
        "graph.return",
    ]


@pytest.mark.parametrize("pass_", [GraphDCEPass(), GraphCSEPass(), GraphCanonicalizePass()])
def test_declarations_are_skipped(pass_: ModulePass) -> None:
    func = FuncOp("decl", ([tensor(4)], [tensor(4)]), Region(), visibility="private")
    module = ModuleOp([func])
    pass_.apply(Context(), module)
    assert func.body.blocks.first is None


def test_fold_constants_rejects_a_negative_size_limit() -> None:
    with pytest.raises(ValueError, match="non-negative element count, found -1"):
        GraphFoldConstantsPass(size_limit=-1)


def test_manager_runs_each_pass_in_place_on_every_graph_function() -> None:
    from dlir.passes import run_pipeline

    funcs: list[FuncOp] = []
    for name in ("f", "g"):
        func = FuncOp(name, ([tensor(4)], [tensor(4)]))
        (x,) = func.body.block.args
        func.body.block.add_ops([ExpOp(x), r := ReluOp(x), ReturnOp(r)])
        funcs.append(func)
    module = ModuleOp(funcs)
    run_pipeline("graph-dce", module)
    assert [op.name for f in funcs for op in f.body.block.ops] == [
        "graph.relu",
        "graph.return",
        "graph.relu",
        "graph.return",
    ]
    assert [f.parent for f in funcs] == [module.body.block] * 2
