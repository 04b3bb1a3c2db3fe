"""numpy <-> `graph.constant`: inline dense values, splats, and large weights as resource blobs."""

from __future__ import annotations

import time
from io import StringIO
from typing import Any

import numpy as np
import pytest
from numpy.typing import NDArray
from xdsl.context import Context
from xdsl.dialect_interfaces.op_asm import OpAsmDialectInterface
from xdsl.dialects.builtin import (
    Builtin,
    DenseIntOrFPElementsAttr,
    DenseResourceAttr,
    IntegerType,
    ModuleOp,
    Signedness,
    bf16,
    i32,
)
from xdsl.ir import Dialect
from xdsl.parser import Parser
from xdsl.printer import Printer

from dlir.dialects.graph import ConstantOp, Graph, constant, constant_value
from dlir.dialects.graph.constants import element_type_of, resource_store


def isolated_context() -> Context:
    """A context whose builtin dialect has its own, empty resource store."""
    ctx = Context()
    ctx.load_dialect(
        Dialect(
            "builtin", list(Builtin.operations), list(Builtin.attributes), [OpAsmDialectInterface()]
        )
    )
    ctx.load_dialect(Graph)
    return ctx


def print_with_resources(module: ModuleOp, ctx: Context) -> str:
    out = StringIO()
    printer = Printer(stream=out)
    printer.print_op(module)
    printer.print_metadata(ctx.loaded_dialects)
    return out.getvalue()


def only_constant(module: ModuleOp) -> ConstantOp:
    op = module.body.block.first_op
    assert isinstance(op, ConstantOp)
    return op


def test_small_array_is_inline_dense() -> None:
    array = np.arange(6, dtype=np.float32).reshape(2, 3)
    op = constant(array)
    assert isinstance(op.value, DenseIntOrFPElementsAttr)
    assert str(op.result.type) == "tensor<2x3xf32>"
    op.verify()
    np.testing.assert_array_equal(constant_value(op), array)


def test_large_splat_stays_inline() -> None:
    op = constant(np.zeros((512, 512), np.float32))
    assert isinstance(op.value, DenseIntOrFPElementsAttr)
    text = print_with_resources(ModuleOp([op]), isolated_context())
    assert "dense<0.000000e+00> : tensor<512x512xf32>" in text


def test_large_array_becomes_a_resource_with_a_unique_handle() -> None:
    array = np.random.default_rng(0).standard_normal((64, 32)).astype(np.float32)
    first = constant(array, name="fc")
    second = constant(array, name="fc")
    assert isinstance(first.value, DenseResourceAttr)
    assert isinstance(second.value, DenseResourceAttr)
    assert first.value.resource_handle != second.value.resource_handle
    np.testing.assert_array_equal(constant_value(first), array)
    np.testing.assert_array_equal(constant_value(second), array)


def test_resource_names_must_be_identifiers() -> None:
    with pytest.raises(ValueError, match="resource name must be an identifier, found 'fc 1'"):
        constant(np.arange(8, dtype=np.float32), resource_threshold=1, name="fc 1")


def test_resource_threshold() -> None:
    array = np.arange(10, dtype=np.int64)
    assert isinstance(constant(array).value, DenseIntOrFPElementsAttr)
    assert isinstance(constant(array, resource_threshold=4).value, DenseResourceAttr)


def test_blob_text_is_mlirs_alignment_then_little_endian_data() -> None:
    ctx = isolated_context()
    op = constant(np.array([1.0, 2.0], np.float32), resource_threshold=0, name="w", ctx=ctx)
    text = print_with_resources(ModuleOp([op]), ctx)
    assert "graph.constant dense_resource<w> : tensor<2xf32>" in text
    assert 'w: "0x040000000000803F00000040"' in text


@pytest.mark.parametrize(
    "array",
    [
        np.array([[1.5, -2.0], [0.25, 8.0]], np.float16),
        np.array([1.0, -3.5, 1e300], np.float64),
        np.array([True, False, True]),
        np.array([-128, 0, 127], np.int8),
        np.array([-30000, 7], np.int16),
        np.array([[1, 2], [3, -4]], np.int32),
        np.array([2**40, -1], np.int64),
    ],
    ids=["f16", "f64", "i1", "i8", "i16", "i32", "i64"],
)
@pytest.mark.parametrize("threshold", [0, 1024], ids=["resource", "dense"])
def test_every_element_type_round_trips_through_text(array: NDArray[Any], threshold: int) -> None:
    ctx = isolated_context()
    op = constant(array, resource_threshold=threshold, ctx=ctx)
    op.verify()
    text = print_with_resources(ModuleOp([op]), ctx)
    again = isolated_context()
    parsed = only_constant(Parser(again, text).parse_module())
    decoded = constant_value(parsed, again)
    assert decoded.dtype == array.dtype
    np.testing.assert_array_equal(decoded, array)


def test_bf16_rounds_to_nearest_even_and_reads_back_as_float32() -> None:
    array = np.array([1.0, 1.00390625, 1.01171875, -2.5], np.float32)
    op = constant(array, element_type=bf16)
    assert str(op.result.type) == "tensor<4xbf16>"
    # 1 + 2^-8 is halfway between two bf16 values and rounds to the even one, 1.0;
    # 1 + 3 * 2^-8 rounds up to 1 + 2^-6.
    expected = np.array([1.0, 1.0, 1.015625, -2.5], np.float32)
    np.testing.assert_array_equal(constant_value(op), expected)


def test_element_type_of_dtypes() -> None:
    assert element_type_of(np.dtype(np.int32)) == i32
    assert element_type_of(np.dtype(np.uint8)) == IntegerType(8, Signedness.UNSIGNED)
    with pytest.raises(ValueError, match="no graph element type for numpy dtype complex64"):
        element_type_of(np.dtype(np.complex64))


def test_missing_blob_is_reported() -> None:
    ctx = isolated_context()
    module = Parser(ctx, "%w = graph.constant dense_resource<lost> : tensor<2xf32>").parse_module()
    with pytest.raises(ValueError, match=r"no blob for dense_resource<lost>"):
        constant_value(only_constant(module), ctx)


def test_default_store_is_the_global_builtin_dialect() -> None:
    store = Builtin.get_interface(OpAsmDialectInterface)
    assert store is not None and resource_store() is store


def test_million_element_weight_builds_prints_and_parses_quickly() -> None:
    array = np.random.default_rng(1).standard_normal((1000, 1000)).astype(np.float32)
    ctx = isolated_context()

    start = time.perf_counter()
    op = constant(array, name="big", ctx=ctx)
    module = ModuleOp([op])
    built = time.perf_counter() - start

    start = time.perf_counter()
    text = print_with_resources(module, ctx)
    printed = time.perf_counter() - start

    again = isolated_context()
    start = time.perf_counter()
    parsed = only_constant(Parser(again, text).parse_module())
    reparsed = time.perf_counter() - start

    # Measured at about 0.02 s, 0.01 s and 0.07 s: the blob is one hex string, never a
    # list of a million numbers.
    assert len(text) < 2 * 4 * array.size + 1000
    assert max(built, printed, reparsed) < 0.5, (built, printed, reparsed)
    np.testing.assert_array_equal(constant_value(parsed, again), array)
