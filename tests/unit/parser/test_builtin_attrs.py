"""The structured builtin attributes (`dense`, `array`, `affine_map`, `affine_set`,
`strided`, `opaque`, `dense_resource`): dlir's grammar builds what xDSL's parser builds."""

from __future__ import annotations

import math
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from xdsl.dialects.builtin import (
    AffineMapAttr,
    AffineSetAttr,
    ArrayAttr,
    BFloat16Type,
    ComplexType,
    DenseIntOrFPElementsAttr,
    Float16Type,
    Float32Type,
    Float64Type,
    IndexType,
    IntegerType,
    MemRefType,
    Signedness,
    StridedLayoutAttr,
    TensorType,
    VectorType,
)
from xdsl.ir import Attribute
from xdsl.ir.affine import (
    AffineConstraintExpr,
    AffineConstraintKind,
    AffineExpr,
    AffineMap,
    AffineSet,
)
from xdsl.parser import Parser

from dlir.ir.context import make_context
from dlir.ir.diagnostics import DiagnosticError
from dlir.parser.lark_parser import parse_module_lark
from tests.unit.parser.conftest import Compare


def ours(attr_text: str) -> Attribute:
    """`attr_text` parsed by dlir's grammar, as the attribute of a generic op."""
    text = f'"test.op"() {{a = {attr_text}}} : () -> ()'
    module = parse_module_lark(text, "a.mlir", make_context(allow_unregistered=True))
    op = module.ops.first
    assert op is not None
    return op.attributes["a"]


def reference(attr_text: str) -> Attribute:
    return Parser(make_context(allow_unregistered=True), attr_text).parse_attribute()


def assert_same(attr_text: str) -> Attribute:
    expected = reference(attr_text)
    found = ours(attr_text)
    assert found == expected, f"{attr_text}: {found} != {expected}"
    return found


LITERALS = [
    # dense: splats, nested lists, empty, hex, complex, every element kind
    "dense<1.0> : tensor<2xf32>",
    "dense<true> : tensor<3xi1>",
    "dense<false> : vector<2xi1>",
    "dense<-3> : vector<2xi8>",
    "dense<0x1F> : tensor<2xi32>",
    "dense<7> : tensor<i64>",
    "dense<[1]> : tensor<1xindex>",
    "dense<[[1, 2], [3, 4]]> : tensor<2x2xi32>",
    "dense<[[[1.5], [-2.0]], [[3.0], [4.0]]]> : tensor<2x2x1xf64>",
    "dense<[1, 2, 3]> : memref<3xui8>",
    "dense<[-1, 2]> : tensor<2xsi16>",
    "dense<[1.0, -2.5e-3, 3.25E+2]> : tensor<3xbf16>",
    "dense<[1, 2]> : tensor<2xf16>",
    "dense<[true, false]> : tensor<2xf32>",
    "dense<> : tensor<0xf32>",
    "dense<[]> : tensor<0xi32>",
    "dense<[[]]> : tensor<1x0xi32>",
    "dense<1> : tensor<0xi32>",
    'dense<"0xDEADBEEF"> : tensor<1xi32>',
    'dense<"0x01000000"> : tensor<4xi32>',
    'dense<"0x0000803F00000040"> : tensor<2xf32>',
    "dense<(1.0, 2.0)> : tensor<2xcomplex<f32>>",
    "dense<[(1, 2), (-3, 4)]> : tensor<2xcomplex<i32>>",
    "dense<[[(1.0, 0.5)]]> : tensor<1x1xcomplex<f64>>",
    "dense<255> : tensor<2xi8>",
    # dense arrays
    "array<i64: 1, 2>",
    "array<i32: -1, 0x10>",
    "array<f32: 1.0, -2.5>",
    "array<f64: 1.0e10>",
    "array<i1: true, false>",
    "array<i8: true>",
    "array<i64>",
    "array<f32>",
    # affine maps and sets
    "affine_map<(d0, d1)[s0] -> (d0 + s0 * 2, d1 floordiv 4)>",
    "affine_map<(d0) -> (-d0 + 3, d0 mod 2, d0 ceildiv 3, (d0 - 1) * -2)>",
    "affine_map<(d0, d1) -> (d0 - d1 - 1, d0 * 2 + d1 * 3 mod 5, -(d0 + d1))>",
    "affine_map<(i, j) -> (j, i)>",
    "affine_map<() -> ()>",
    "affine_map<() -> (0)>",
    "affine_map<()[s0] -> (s0 - 1)>",
    "affine_map<(d0) -> (d0 -1, d0 - -1, - 2)>",
    "affine_set<(d0)[s0] : (d0 - s0 >= 0, d0 == 0)>",
    "affine_set<(d0, d1) : (d0 * 2 <= d1, d1 floordiv 2 >= 0)>",
    "affine_set<() : ()>",
    # strided layouts
    "strided<[4, 1], offset: ?>",
    "strided<[?, 1]>",
    "strided<[]>",
    "strided<[?]>",
    "strided<[1], offset: 5>",
    "strided<[-2, 1], offset: -3>",
    # opaque
    'opaque<"test", "0xDEAD"> : i32',
    'opaque<"test", "data">',
    # inside types, arrays and dictionaries
    "memref<4x4xf32, affine_map<(d0, d1) -> (d1, d0)>>",
    "memref<4x4xf32, affine_map<(d0, d1) -> (d1, d0)>, 2>",
    "memref<?x4xf32, strided<[4, 1], offset: ?>>",
    "[dense<1> : tensor<2xi8>, array<i64: 3>, strided<[1]>]",
    "{x = affine_set<(d0) : (d0 >= 0)>, y = dense<[1.0]> : tensor<1xf32>}",
]


@pytest.mark.parametrize("attr_text", LITERALS)
def test_literal_matches_xdsl(attr_text: str) -> None:
    assert_same(attr_text)


def test_dense_builds_packed_data() -> None:
    attr = ours("dense<[[1, 2], [3, 4]]> : tensor<2x2xi32>")
    assert isinstance(attr, DenseIntOrFPElementsAttr)
    assert attr.get_values() == (1, 2, 3, 4)
    assert attr.data.data == bytes([1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 4, 0, 0, 0])


def test_large_dense_literal() -> None:
    values = [(i * 7919) % 1000 - 500 for i in range(20000)]
    rows = ", ".join(
        "[" + ", ".join(str(v) for v in values[r * 100 : (r + 1) * 100]) + "]" for r in range(200)
    )
    attr = ours(f"dense<[{rows}]> : tensor<200x100xi32>")
    assert isinstance(attr, DenseIntOrFPElementsAttr)
    assert attr.get_values() == tuple(values)


def test_affine_alias_and_memref_layout(both: Compare) -> None:
    both(
        "#map = affine_map<(d0, d1)[s0] -> (d0 * 4 + d1 + s0)>\n"
        "#set = affine_set<(d0) : (d0 - 1 >= 0)>\n"
        '"test.op"() {m = #map, s = #set} : () -> (memref<4x4xf32, #map>)\n'
        '"test.op"() : () -> memref<8xf32, strided<[1], offset: 2>>\n'
        "%c = arith.constant dense<[1.0, 2.0]> : tensor<2xf32>\n"
        "%d = arith.constant dense<5> : vector<4xi32>"
    )


def test_dense_resource(both: Compare) -> None:
    both(
        '"test.op"() {w = dense_resource<blob1> : tensor<2xi32>} : () -> ()\n'
        '{-#\n  dialect_resources: {\n    builtin: {\n      blob1: "0x040000000100000002000000"\n'
        "    }\n  }\n#-}"
    )


ERRORS = [
    # (attribute text, line, col, message); the attribute starts at column 18
    (
        "dense<[[1, 2, 3], [4, 5]]> : tensor<2x3xi32>",
        1,
        37,
        "expected 3 elements in dimension 1, found 2",
    ),
    (
        "dense<[[1, 2], 3]> : tensor<2x2xi32>",
        1,
        33,
        "expected a list of rank 1 in dimension 1, found a scalar",
    ),
    (
        "dense<[[[1], [2]], [[3, 4], [5, 6]]]> : tensor<2x2x2xi32>",
        1,
        39,
        "expected 1 elements in dimension 2, found 2",
    ),
    (
        "dense<[1, 2]> : tensor<3xi32>",
        1,
        25,
        "Shape mismatch in dense literal. Expected [3] shape from the type, but got [2] shape.",
    ),
    ("dense<[1, -2]> : tensor<2xui8>", 1, 28, "Expected non-negative integer values"),
    ("dense<[1, true]> : tensor<2xi32>", 1, 28, "Boolean values are only allowed for i1 types"),
    ("dense<[1, 2.5]> : tensor<2xi32>", 1, 28, "Expected integer value"),
    ("dense<[1, 2]> : tensor<?xi32>", 1, 18, "Dense literal attribute should have a static shape."),
    ("dense<1> : i32", 1, 18, "Expected memref, vector or tensor type"),
    ("dense<> : tensor<2xi32>", 1, 18, "Expected at least one element in the dense literal"),
    ('dense<"0xZZ"> : tensor<2xi32>', 1, 24, "Hex string in denseAttr is invalid"),
    (
        'dense<"0x0102"> : tensor<2xi32>',
        1,
        24,
        "Shape mismatch in dense literal. Expected 2 elements",
    ),
    (
        "dense<(1.0, 2)> : tensor<1xcomplex<f32>>",
        1,
        25,
        "Complex value must be either (float, float) or (int, int)",
    ),
    ("dense<1.0> : tensor<1xcomplex<f32>>", 1, 24, "Expected a complex literal"),
    ("dense<[(1.0, 2.0)]> : tensor<1xf32>", 1, 26, "No conversion from complex to float"),
    ("array<i8: 1, 300>", 1, 31, "Integer value 300 is out of range for type i8"),
    ("array<i8: 1.5>", 1, 28, "Expected integer literal"),
    ("array<f32: 1>", 1, 29, "Expected float literal"),
    ("affine_map<(d0) -> (d0 + d1)>", 1, 43, "Identifier not in space d1"),
    ("affine_set<(d0)[s0] : (d0 - s1 >= 0)>", 1, 46, "Identifier not in space s1"),
]


@pytest.mark.parametrize(("attr_text", "line", "col", "message"), ERRORS)
def test_error_position_and_message(attr_text: str, line: int, col: int, message: str) -> None:
    text = f'"test.op"() {{a = {attr_text}}} : () -> ()'
    with pytest.raises(DiagnosticError) as info:
        parse_module_lark(text, "e.mlir", make_context(allow_unregistered=True))
    diagnostic = info.value.diagnostic
    assert message in diagnostic.message
    assert diagnostic.loc is not None
    assert (diagnostic.loc.line, diagnostic.loc.col) == (line, col)


@pytest.mark.parametrize(
    "attr_text",
    [
        # number runs: hex, mixed ints and floats, line breaks, a comment (item by item)
        "dense<[0x10, 2, -0x3]> : tensor<3xi32>",
        "dense<[\n  [1, 2],\n  [3,\n   4]\n]> : tensor<2x2xi64>",
        "dense<[1, // one\n 2]> : tensor<2xi8>",
        "dense<[1 , 2 ,3]> : tensor<3xindex>",
        "dense<[1., 2.e3, -3.5E-2]> : tensor<3xf64>",
        "dense<[[1, 0], [true, false]]> : tensor<2x2xi1>",
    ],
)
def test_number_runs_match_xdsl(attr_text: str) -> None:
    assert_same(attr_text)


def test_hex_in_float_dense_is_a_bit_pattern_unlike_xdsl() -> None:
    # MLIR reads a hex literal of a float element as its bits, and xDSL prints inf/NaN
    # so; xDSL's parser reads it as an integer (2.139e9), which would not round-trip.
    text = '"test.op"() {a = dense<[0x3F800000, 1, 2.5]> : tensor<3xf32>} : () -> ()'
    module = parse_module_lark(text, "e.mlir", make_context(allow_unregistered=True))
    attr = next(iter(module.ops)).attributes["a"]
    assert isinstance(attr, DenseIntOrFPElementsAttr)
    assert list(attr.get_values()) == [1.0, 1.0, 2.5]


@pytest.mark.parametrize(
    ("text", "line", "col", "message"),
    [
        ("dense<[1,\n  2, -3]>", 2, 6, "Expected non-negative integer values"),
        ("dense<[[1, 2],\n [3.5, 4]]>", 2, 3, "Expected integer value"),
        ("dense<[[1, 2],\n [3, 4, 5]]>", 2, 3, "expected 2 elements in dimension 1, found 3"),
    ],
)
def test_errors_in_number_runs_are_positioned(text: str, line: int, col: int, message: str) -> None:
    source = f'"test.op"() {{a = {text} : tensor<2x2xui8>}} : () -> ()'
    with pytest.raises(DiagnosticError) as info:
        parse_module_lark(source, "e.mlir", make_context(allow_unregistered=True))
    diagnostic = info.value.diagnostic
    assert message in diagnostic.message
    assert diagnostic.loc is not None
    assert (diagnostic.loc.line, diagnostic.loc.col) == (line, col)


def test_sparse_is_reported_as_unsupported() -> None:
    with pytest.raises(DiagnosticError, match="sparse elements attributes are not supported"):
        ours("sparse<[[0]], [1]> : tensor<2xi32>")


def test_syntax_errors_inside_bodies_are_positioned() -> None:
    with pytest.raises(DiagnosticError) as info:
        ours("affine_map<(d0) -> (d0 +)>")
    assert info.value.diagnostic.loc is not None
    assert info.value.diagnostic.loc.col == 42
    with pytest.raises(DiagnosticError) as info:
        ours("strided<[1], offset 2>")
    assert info.value.diagnostic.loc is not None
    assert info.value.diagnostic.loc.col == 38


# ---------------------------------------------------------------- properties
_INT_TYPES = [
    IntegerType(1),
    IntegerType(8),
    IntegerType(32),
    IntegerType(64),
    IntegerType(8, Signedness.UNSIGNED),
    IntegerType(16, Signedness.SIGNED),
    IndexType(),
]
_FLOAT_TYPES = [Float16Type(), BFloat16Type(), Float32Type(), Float64Type()]


def _int_range(t: Attribute) -> tuple[int, int]:
    if isinstance(t, IntegerType):
        low, high = t.value_range()  # signless: both the signed and the unsigned range
        return low, high - 1
    return -(1 << 40), 1 << 40


@st.composite
def dense_attrs(draw: st.DrawFn) -> DenseIntOrFPElementsAttr:
    shape = draw(st.lists(st.integers(0, 4), min_size=0, max_size=3))
    count = math.prod(shape)
    kind = draw(st.sampled_from(["int", "float", "complex"]))
    element: Any
    values: list[Any]
    if kind == "int":
        element = draw(st.sampled_from(_INT_TYPES))
        low, high = _int_range(element)
        values = draw(st.lists(st.integers(low, high), min_size=count, max_size=count))
    elif kind == "float":
        element = draw(st.sampled_from(_FLOAT_TYPES))
        # + 0.0: no -0.0, which xDSL's printer folds into a 0.0 splat
        floats = st.floats(-1e4, 1e4, allow_nan=False, width=16).map(lambda x: x + 0.0)
        values = draw(st.lists(floats, min_size=count, max_size=count))
    else:
        element = ComplexType(draw(st.sampled_from([Float32Type(), IntegerType(32)])))
        part = (
            st.integers(-1000, 1000)
            if isinstance(element.element_type, IntegerType)
            else st.floats(-1e3, 1e3, allow_nan=False, width=16).map(lambda x: x + 0.0)
        )
        values = draw(st.lists(st.tuples(part, part), min_size=count, max_size=count))
    container = draw(st.sampled_from(["tensor", "vector", "memref"]))
    if container == "vector" and (not shape or 0 in shape):
        container = "tensor"  # vectors have no zero or rank-0 shapes
    if container == "tensor":
        type_: Any = TensorType(element, shape)
    elif container == "vector":
        type_ = VectorType(element, shape)
    else:
        type_ = MemRefType(element, shape)
    if count > 1 and draw(st.booleans()):
        values = [values[0]] * count  # a splat, printed `dense<v>`
    return DenseIntOrFPElementsAttr.from_list(type_, values)


@settings(max_examples=150, deadline=None)
@given(dense_attrs())
def test_printed_dense_literals_parse_back(attr: DenseIntOrFPElementsAttr) -> None:
    text = str(attr)
    found = assert_same(text)
    assert found == attr


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.integers(1, 4), max_size=2),
    st.integers(0, 4),
    st.sampled_from(["i64", "i32", "f32", "f64", "i1"]),
)
def test_dense_literal_text_any_shape(outer: list[int], last: int, element: str) -> None:
    # only the last dimension may be 0: `[]` cannot spell a 0x0 literal
    shape = [*outer, last]
    count = math.prod(shape)
    if element == "i1":
        flat = ["true" if i % 3 else "false" for i in range(count)]
    elif element.startswith("i"):
        flat = [str((i * 37) % 201 - 100) for i in range(count)]
    else:
        flat = [f"{(i * 37) % 201 - 100}.5e-1" for i in range(count)]

    def nest(items: list[str], dims: list[int]) -> str:
        if not dims:
            return items[0]
        step = math.prod(dims[1:])
        parts = [nest(items[i * step : (i + 1) * step], dims[1:]) for i in range(dims[0])]
        return "[" + ", ".join(parts) + "]"

    dims = "x".join(str(d) for d in shape)
    assert_same(f"dense<{nest(flat, shape)}> : tensor<{dims}x{element}>")


_DIMS = ["d0", "d1", "d2"]
_SYMS = ["s0", "s1"]


@st.composite
def affine_exprs(draw: st.DrawFn, dims: int, syms: int, depth: int = 3) -> AffineExpr:
    leaves: list[AffineExpr] = [AffineExpr.dimension(i) for i in range(dims)]
    leaves += [AffineExpr.symbol(i) for i in range(syms)]
    leaves.append(AffineExpr.constant(draw(st.integers(-9, 9))))
    if depth == 0 or draw(st.integers(0, 2)) == 0:
        return draw(st.sampled_from(leaves))
    lhs = draw(affine_exprs(dims, syms, depth - 1))
    op = draw(st.sampled_from(["+", "-", "*", "floordiv", "ceildiv", "mod", "neg"]))
    if op == "neg":
        return -lhs
    if op in ("+", "-"):
        rhs = draw(affine_exprs(dims, syms, depth - 1))
        return lhs + rhs if op == "+" else lhs - rhs
    # the right operand of `*`, `floordiv`, `ceildiv`, `mod` must be constant (affine)
    rhs = AffineExpr.constant(draw(st.integers(1, 9)))
    if op == "*":
        return lhs * rhs
    if op == "floordiv":
        return lhs // rhs
    return lhs.ceil_div(rhs) if op == "ceildiv" else lhs % rhs


@st.composite
def affine_maps(draw: st.DrawFn) -> AffineMapAttr:
    dims, syms = draw(st.integers(0, 3)), draw(st.integers(0, 2))
    exprs = draw(st.lists(affine_exprs(dims, syms), max_size=4))
    return AffineMapAttr(AffineMap(dims, syms, tuple(exprs)))


@st.composite
def affine_sets(draw: st.DrawFn) -> AffineSetAttr:
    dims, syms = draw(st.integers(0, 3)), draw(st.integers(0, 2))
    kinds = st.sampled_from(list(AffineConstraintKind))
    constraints = draw(
        st.lists(
            st.builds(
                AffineConstraintExpr, kinds, affine_exprs(dims, syms), affine_exprs(dims, syms)
            ),
            max_size=3,
        )
    )
    return AffineSetAttr(AffineSet(dims, syms, tuple(constraints)))


@settings(max_examples=150, deadline=None)
@given(affine_maps())
def test_printed_affine_maps_parse_back(attr: AffineMapAttr) -> None:
    assert_same(str(attr))


@settings(max_examples=80, deadline=None)
@given(affine_sets())
def test_printed_affine_sets_parse_back(attr: AffineSetAttr) -> None:
    assert_same(str(attr))


@settings(max_examples=80, deadline=None)
@given(
    st.lists(st.one_of(st.none(), st.integers(-64, 64)), max_size=4),
    st.one_of(st.none(), st.integers(-64, 64)),
)
def test_printed_strided_layouts_parse_back(strides: list[int | None], offset: int | None) -> None:
    attr = StridedLayoutAttr(strides, offset)
    found = assert_same(str(attr))
    assert found == attr
    shape = "x".join("4" for _ in strides) + "x" if strides else ""
    assert_same(f"memref<{shape}f32, {attr}>")


@settings(max_examples=60, deadline=None)
@given(
    st.sampled_from(["i1", "i8", "i16", "i32", "i64", "f32", "f64"]),
    st.lists(st.integers(-100, 100), max_size=6),
)
def test_printed_dense_arrays_parse_back(element: str, raw: list[int]) -> None:
    if element == "i1":
        values = ", ".join("true" if v % 2 else "false" for v in raw)
    elif element.startswith("i"):
        values = ", ".join(str(v) for v in raw)
    else:
        values = ", ".join(f"{v / 4}" for v in raw)
    text = f"array<{element}: {values}>" if raw else f"array<{element}>"
    found = assert_same(text)
    assert assert_same(str(found)) == found


def test_nested_in_array_attribute() -> None:
    found = assert_same("[affine_map<(d0) -> (d0)>, [strided<[?]>]]")
    assert isinstance(found, ArrayAttr)
