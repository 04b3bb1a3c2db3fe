"""Special floats (inf, -inf, NaN) print as hex bit patterns and must parse back.

xDSL prints a non-finite float as its bit pattern (`value 0xfff0000000000000`,
`array<f32: 0x7f800000>`, `dense<[0xff800000]>`); MLIR reads a hex literal in a float
position as that bit pattern. dlir's parser does the same, in custom op forms (typed
properties such as `graph.pad ... value`), generic attributes, dense arrays and dense
literals.
"""

from __future__ import annotations

import math
import struct

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from xdsl.dialects.builtin import (
    AnyFloat,
    DenseArrayBase,
    DenseIntOrFPElementsAttr,
    FloatAttr,
    ModuleOp,
    TensorType,
    bf16,
    f16,
    f32,
    f64,
)
from xdsl.ir import Attribute

from dlir.dialects.graph.common import f64_attr
from dlir.ir.diagnostics import DiagnosticError
from dlir.parser import parse_module, print_module
from dlir.parser.builtin_attrs import float_from_hex

FLOAT_TYPES: list[AnyFloat] = [f16, bf16, f32, f64]
SPECIAL = [math.inf, -math.inf, math.nan]
VALUES = st.one_of(
    st.sampled_from(SPECIAL),
    st.floats(allow_nan=False, allow_infinity=False, width=16),
)

PAD = """
graph.func @f(%a: tensor<2x3xf32>) -> tensor<4x5xf32> {
  %0 = graph.pad %a low [1, 1] high [1, 1] value VALUE : tensor<2x3xf32> -> tensor<4x5xf32>
  graph.return %0 : tensor<4x5xf32>
}
"""


def _same(a: float, b: float) -> bool:
    return (math.isnan(a) and math.isnan(b)) or a == b


def _roundtrip(attr: Attribute) -> Attribute:
    module = ModuleOp([])
    module.attributes["x"] = attr
    text = print_module(module)
    again = parse_module(text)
    assert print_module(again) == text
    return again.attributes["x"]


@pytest.mark.parametrize("value", SPECIAL, ids=["inf", "-inf", "nan"])
def test_pad_value_roundtrips(value: float) -> None:
    module = parse_module(PAD.replace("VALUE", "0.0"))
    pad = next(op for op in module.walk() if op.name == "graph.pad")
    pad.properties["value"] = f64_attr(value)
    text = print_module(module)
    assert "value 0x" in text
    parsed = next(op for op in parse_module(text).walk() if op.name == "graph.pad")
    got = parsed.properties["value"]
    assert isinstance(got, FloatAttr)
    assert _same(got.value.data, value)


def test_pad_value_hex_is_a_bit_pattern() -> None:
    module = parse_module(PAD.replace("VALUE", "0x3FF8000000000000"))
    pad = next(op for op in module.walk() if op.name == "graph.pad")
    value = pad.properties["value"]
    assert isinstance(value, FloatAttr) and value.value.data == 1.5


@pytest.mark.parametrize(
    ("literal", "message"),
    [
        ("-0x7FF0000000000000", "hexadecimal float literal should not have a leading minus"),
        ("0x17FF0000000000000", "hexadecimal float constant out of range for type f64"),
    ],
)
def test_bad_hex_float_is_a_located_error(literal: str, message: str) -> None:
    with pytest.raises(DiagnosticError, match=message) as info:
        parse_module(PAD.replace("VALUE", literal))
    loc = info.value.diagnostic.loc
    assert loc is not None and (loc.line, loc.col) == (3, 50)  # at the literal


@settings(max_examples=80, deadline=None)
@given(st.sampled_from(FLOAT_TYPES), VALUES)
def test_float_attr_roundtrips(type: AnyFloat, value: float) -> None:
    value = type.unpack(type.pack([value]), 1)[0]  # representable in `type`
    got = _roundtrip(FloatAttr(value, type))
    assert got == FloatAttr(value, type) or (
        isinstance(got, FloatAttr) and math.isnan(value) and math.isnan(got.value.data)
    )


@settings(max_examples=60, deadline=None)
@given(st.sampled_from([f32, f64]), st.lists(VALUES, min_size=1, max_size=5))
def test_dense_array_and_dense_roundtrip(type: AnyFloat, values: list[float]) -> None:
    values = list(type.unpack(type.pack(values), len(values)))
    array = _roundtrip(DenseArrayBase.from_list(type, values))
    assert isinstance(array, DenseArrayBase)
    assert all(_same(a, b) for a, b in zip(array.get_values(), values, strict=True))
    tensor = TensorType(type, [len(values)])
    dense = _roundtrip(DenseIntOrFPElementsAttr.from_list(tensor, values))
    assert isinstance(dense, DenseIntOrFPElementsAttr)
    assert all(_same(a, b) for a, b in zip(dense.get_values(), values, strict=True))


def test_dense_hex_splat_is_a_bit_pattern() -> None:
    module = parse_module("builtin.module attributes {x = dense<0xFF800000> : tensor<3xf32>} {}")
    dense = module.attributes["x"]
    assert isinstance(dense, DenseIntOrFPElementsAttr)
    assert list(dense.get_values()) == [-math.inf] * 3


def test_float_from_hex_matches_struct() -> None:
    (bits,) = struct.unpack("<Q", struct.pack("<d", -2.5))
    assert float_from_hex(hex(bits), f64) == -2.5
    assert float_from_hex("0x7C00", f16) == math.inf
    assert float_from_hex("0xFF80", bf16) == -math.inf
