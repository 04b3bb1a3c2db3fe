"""Types, attributes, locations, aliases, resources: dlir's parser builds what xDSL's builds."""

from __future__ import annotations

import pytest
from xdsl.dialect_interfaces.op_asm import OpAsmDialectInterface
from xdsl.dialects.builtin import (
    DenseResourceAttr,
    FileLineColLoc,
    IntAttr,
    NameLoc,
    StringAttr,
    UnknownLoc,
)
from xdsl.dialects.llvm import LLVMArrayType, LLVMFunctionType, LLVMPointerType, LLVMStructType

from dlir.ir.context import make_context
from dlir.parser.lark_parser import parse_module_lark
from tests.unit.parser.conftest import Compare


def _loc(file: str, line: int, col: int) -> FileLineColLoc:
    return FileLineColLoc(StringAttr(file), IntAttr(line), IntAttr(col))


TYPES = [
    "i1", "i32", "si8", "ui16", "i1024", "index", "none",
    "f16", "bf16", "f32", "f64", "f80", "f128", "tf32",
    "f8E5M2", "f8E4M3", "f8E4M3FN", "f8E5M2FNUZ", "f8E4M3FNUZ", "f8E4M3B11FNUZ", "f8E3M4",
    "f8E8M0FNU", "f6E2M3FN", "f6E3M2FN", "f4E2M1FN",
    "complex<f32>", "tuple<>", "tuple<i32, f32>", "tuple<tuple<i1>, index>",
    "vector<4xf32>", "vector<4x[8]xf32>", "vector<[4]xi8>", "vector<2x3x4xi1>",
    "tensor<f32>", "tensor<?x4xf32>", "tensor<*xf32>", "tensor<4x4xf32, \"enc\">",
    "memref<4xf32>", "memref<4x?xf32, strided<[?, 1], offset: ?>, 1>",
    "memref<4x4xf32, affine_map<(d0, d1) -> (d1, d0)>>", "memref<*xf32>", "memref<8xi8, 3>",
    "(i32) -> f32", "() -> ()", "(i32, f32) -> (f32, i32)", "(i32) -> ((i32) -> i1)",
    "!llvm.ptr", "!llvm.ptr<1>", "!llvm.struct<(i32, f32)>", "!llvm.struct<()>",
    "!llvm.array<4 x i32>", "!llvm.array<2 x !llvm.struct<(i32, !llvm.ptr)>>",
    "!llvm.func<void (i32)>", "!llvm.func<i32 (i32, ...)>", "!llvm.func<void ()>",
]  # fmt: skip

ATTRIBUTES = [
    "42", "-1 : i8", "7 : index", "true", "false", "0 : i1",
    "1.5", "-2.0e-3 : f64", "0x7FC00000 : f32", "1.0 : bf16", "0x7E00 : f16", "1 : f32", "-3 : f64",
    '"plain"', '"a\\n\\"b\\""', '"\\00"', '"tab\\tx"',
    "unit", "[]", "[1, [2, 3], \"x\"]", "{}", "{a = 1, b, \"quoted key\" = 2.0}",
    "array<i64>", "array<i64: 1, 2>", "array<f32: 1.5, -2.0>", "array<i1: true, false>",
    "dense<1.0> : tensor<2x2xf32>", "dense<[[1, 2], [3, 4]]> : tensor<2x2xi32>",
    "dense<\"0x0000803F00000040\"> : tensor<2xf32>", "dense<[(1.0, 2.0)]> : tensor<1xcomplex<f32>>",
    "dense<> : tensor<0xi32>", "dense<[true, false]> : vector<2xi1>",
    "@a", "@a::@b::@c", '@"with space"',
    "affine_map<(d0)[s0] -> (d0 + s0)>", "affine_map<() -> (0)>",
    "affine_set<(d0) : (d0 - 1 >= 0)>",
    "strided<[4, 1], offset: 2>", "strided<[?, 1]>",
    "i32", "tensor<2xf32>", "!llvm.ptr",
    "#llvm.fastmath<fast>", "#llvm.linkage<internal>", "#arith.fastmath<nnan, ninf>",
    "#vector.kind<add>", "opaque<\"test\", \"0xDEAD\"> : i32",
    "loc(unknown)", "loc(\"file.mlir\":3:4)",
]  # fmt: skip


@pytest.mark.parametrize("text", TYPES)
def test_type_like_xdsl(both: Compare, text: str) -> None:
    both(f'"test.op"() {{t = {text}}} : () -> ()\n"test.op"() : () -> ({text})')


@pytest.mark.parametrize("text", ATTRIBUTES)
def test_attribute_like_xdsl(both: Compare, text: str) -> None:
    both(f'"test.op"() {{a = {text}}} : () -> ()\n"test.op"() <{{p = {text}}}> : () -> ()')


def test_llvm_types_are_built_by_explicit_rules() -> None:
    text = (
        '"test.op"() : () -> (!llvm.ptr, !llvm.struct<(i32, f32)>, !llvm.array<4 x i32>, '
        "!llvm.func<void (i32)>)"
    )
    op = parse_module_lark(
        text, "t.mlir", make_context(allow_unregistered=True)
    ).body.block.first_op
    assert op is not None
    types = [r.type for r in op.results]
    assert types[0] == LLVMPointerType()
    assert isinstance(types[1], LLVMStructType) and len(types[1].types) == 2
    assert isinstance(types[2], LLVMArrayType) and types[2].size.data == 4
    assert isinstance(types[3], LLVMFunctionType) and not types[3].is_variadic


@pytest.mark.parametrize(
    "loc",
    [
        "loc(unknown)",
        'loc("a.mlir":1:2)',
        'loc("name")',
        'loc("name"("inner.mlir":7:8))',
        'loc(callsite("callee" at "caller.mlir":1:1))',
        'loc(fused["a.mlir":1:1, "b.mlir":2:2])',
    ],
)
def test_locations_like_xdsl(both: Compare, loc: str) -> None:
    module = both(f'"test.op"() : () -> () {loc}\n"test.op"() {{l = {loc}}} : () -> ()')
    first = module.body.block.first_op
    assert (first is not None and first.location != UnknownLoc()) or loc == "loc(unknown)"


def test_explicit_loc_wins_over_source_position() -> None:
    text = '"test.op"() : () -> () loc("x.mlir":10:20)\n"test.op"() : () -> ()'
    ops = list(parse_module_lark(text, "t.mlir", make_context(allow_unregistered=True)).ops)
    assert ops[0].location == _loc("x.mlir", 10, 20)
    assert ops[1].location == _loc("t.mlir", 2, 1)


def test_every_op_gets_its_source_position() -> None:
    text = "func.func @f(%a: i32) -> i32 {\n  %b = arith.addi %a, %a : i32\n  func.return %b : i32\n}\n"
    module = parse_module_lark(text, "pos.mlir", make_context())
    positions = {op.name: op.location for op in module.walk()}
    assert positions["func.func"] == _loc("pos.mlir", 1, 1)
    assert positions["arith.addi"] == _loc("pos.mlir", 2, 8)
    assert positions["func.return"] == _loc("pos.mlir", 3, 3)


def test_location_alias(both: Compare) -> None:
    module = both('#loc = loc("a.mlir":1:2)\n"test.op"() : () -> () loc(#loc)')
    op = module.body.block.first_op
    assert op is not None and op.location == _loc("a.mlir", 1, 2)
    assert isinstance(parse_loc('loc("n")'), NameLoc)


def parse_loc(loc: str) -> object:
    text = f'"test.op"() : () -> () {loc}'
    op = parse_module_lark(
        text, "t.mlir", make_context(allow_unregistered=True)
    ).body.block.first_op
    assert op is not None
    return op.location


def test_type_and_attribute_aliases(both: Compare) -> None:
    both(
        "!t = tensor<4xf32>\n"
        "!s = !llvm.struct<(i32, !t)>\n"
        "#m = affine_map<(d0) -> (d0)>\n"
        "#a = [1, #m]\n"
        '"test.op"() {x = #a, y = !s, z = tensor<2x!t>} : () -> !t\n'
    )


def test_dialect_resources_are_stored_through_the_dialect_interface() -> None:
    text = (
        '"test.op"() {r = dense_resource<zoo_blob> : tensor<2xi32>} : () -> ()\n'
        "{-#\n  dialect_resources: {\n    builtin: {\n"
        '      zoo_blob: "0x040000000100000002000000"\n    }\n  }\n#-}\n'
    )
    ctx = make_context(allow_unregistered=True)
    op = parse_module_lark(text, "t.mlir", ctx).body.block.first_op
    assert op is not None
    attr = op.attributes["r"]
    assert isinstance(attr, DenseResourceAttr)
    interface = ctx.get_dialect("builtin").get_interface(OpAsmDialectInterface)
    assert interface is not None
    assert interface.lookup(attr.resource_handle.data) == "0x040000000100000002000000"


def test_resource_blobs_are_stored_by_content() -> None:
    def parse(blob: str) -> str:
        text = (
            '"test.op"() {r = dense_resource<zoo_same> : tensor<1xi32>} : () -> ()\n'
            f'{{-# dialect_resources: {{ builtin: {{ zoo_same: "{blob}" }} }} #-}}\n'
        )
        op = parse_module_lark(
            text, "t.mlir", make_context(allow_unregistered=True)
        ).body.block.first_op
        assert op is not None
        attr = op.attributes["r"]
        assert isinstance(attr, DenseResourceAttr)
        return attr.resource_handle.data

    first = parse("0x0400000001000000")
    assert parse("0x0400000001000000") == first  # same bytes: same handle
    assert parse("0x0400000002000000") != first  # other bytes: a fresh handle


@pytest.mark.parametrize(
    "text",
    [
        # keywords (types, ops, grammar words) are plain identifiers where no keyword fits
        '"test.op"() {index = 1, f32 = 2, tensor = 3, module = 4, to = 5, unit = 7, loc = 8} : () -> ()',
        '"test.op"() {s = "// not a comment"} : () -> () // a comment',
        '"test.op"() {a = -0x10 : i32, b = 0x10, c = 1.0e10, d = -0.5 : f16} : () -> ()',
        'module {\n  "test.op"() : () -> ()\n}',
        "builtin.module @m {\n}",
    ],
)
def test_contextual_keywords(both: Compare, text: str) -> None:
    both(text)


def test_func_forms(both: Compare) -> None:
    both(
        "func.func private @decl(i32, f32 {dl.a}) -> (i64 {dl.r})\n"
        'func.func nested @named(%a: i32 {dl.x = 1 : i64} loc("f.py":1:2), %b: f32) -> i32 '
        "attributes {dl.k} {\n  func.return %a : i32\n}\n"
        "func.func @none() -> () {\n  func.return\n}\n"
    )
