"""SSA names, blocks and regions: forward references, result groups, MLIR scoping."""

from __future__ import annotations

import pytest
from xdsl.dialects.builtin import UnregisteredOp
from xdsl.ir import OpResult

from dlir.ir.context import make_context
from dlir.ir.diagnostics import DiagnosticError
from dlir.parser.lark_parser import parse_module_lark
from tests.unit.parser.conftest import Compare


def test_result_groups_and_indexed_uses(both: Compare) -> None:
    module = both(
        '%a:2, %b = "test.op"() : () -> (i32, f32, index)\n'
        '"test.use"(%a#1, %a#0, %b) : (f32, i32, index) -> ()\n'
    )
    first, use = list(module.ops)
    assert [o.owner for o in use.operands] == [first, first, first]
    assert [o.index for o in use.operands if isinstance(o, OpResult)] == [1, 0, 2]


def test_forward_reference_in_graph_region(both: Compare) -> None:
    both(
        '"test.graph"() ({\n'
        '  "test.use"(%later) : (i32) -> ()\n'
        '  %later = "test.def"() : () -> i32\n'
        "}) : () -> ()\n",
        structural=False,
    )


def test_forward_references_across_blocks_and_successors(both: Compare) -> None:
    both(
        "func.func @f(%c: i1, %x: i32) -> i32 {\n"
        "  cf.cond_br %c, ^bb2(%x : i32), ^exit\n"
        "^exit:\n"
        "  func.return %v : i32\n"
        "^bb2(%y: i32):\n"
        '  %v = "test.def"(%y) : (i32) -> i32\n'
        "  cf.br ^exit\n"
        "}\n",
        structural=False,
    )


def test_outer_values_are_visible_in_nested_regions(both: Compare) -> None:
    both(
        'func.func @f(%a: i32) {\n  "test.region"() ({\n'
        '    "test.use"(%a) : (i32) -> ()\n  }) : () -> ()\n  func.return\n}\n'
    )


def test_inner_values_are_not_visible_after_their_region() -> None:
    text = (
        '"test.region"() ({\n  %in = "test.def"() : () -> i32\n}) : () -> ()\n'
        '"test.use"(%in) : (i32) -> ()\n'
    )
    with pytest.raises(DiagnosticError, match="use of undefined value %in"):
        parse_module_lark(text, "s.mlir", make_context(allow_unregistered=True))


def test_names_can_be_reused_in_sibling_regions(both: Compare) -> None:
    both(
        'func.func @f() {\n  %x = "test.def"() : () -> i32\n  func.return\n}\n'
        'func.func @g() {\n  %x = "test.def"() : () -> f32\n  func.return\n}\n'
    )


def test_block_argument_locations_and_names(both: Compare) -> None:
    module = both(
        '"test.op"() ({\n^entry(%arg: i32 loc("a.mlir":1:2), %0: f32):\n'
        '  "test.use"(%arg, %0) : (i32, f32) -> ()\n}) : () -> ()\n'
    )
    op = module.body.block.first_op
    assert op is not None
    block = op.regions[0].blocks[0]
    assert block.name_hint == "entry"
    assert block.args[0].name_hint == "arg"


def test_explicit_module_with_name_and_attributes(both: Compare) -> None:
    module = both('module @m attributes {dl.x = 1 : i64} {\n  "test.op"() : () -> ()\n}\n')
    assert module.sym_name is not None and module.sym_name.data == "m"


def test_top_level_ops_get_an_implicit_module(both: Compare) -> None:
    module = both('"test.a"() : () -> ()\n"test.b"() : () -> ()\n')
    assert [op.op_name.data for op in module.ops if isinstance(op, UnregisteredOp)] == [
        "test.a",
        "test.b",
    ]


def test_properties_written_as_attributes_move_to_properties(both: Compare) -> None:
    module = both('%c = "arith.constant"() {value = 3 : i32} : () -> i32\n')
    op = module.body.block.first_op
    assert op is not None and "value" in op.properties
