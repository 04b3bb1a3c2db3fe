"""f16 and bf16 buffers cross the Python boundary of compiled code.

f16 is numpy float16, both ways. bf16 is float32 on the Python side, as in
`dlir.interpret`: rounded to bf16 (nearest, ties to even) for the call, widened back for
outputs. The backend cannot translate bf16 arithmetic yet, so the bf16 boundary is
checked on a kernel that moves 16-bit patterns (i16), called with an explicit bf16
signature: what comes back is exactly what went in, rounded to bf16.
"""

from __future__ import annotations

import numpy as np
import pytest

import dlir
from dlir.backends.llvm.callable import (
    ArgumentError,
    CompiledFunction,
    Signature,
    from_bf16_bits,
    jit_function,
    to_bf16_bits,
)
from dlir.interpreter.common import round_bf16
from dlir.ir.context import make_context
from dlir.parser import parse_module
from dlir.passes.manager import PassManager

RNG = np.random.default_rng(3)

F16_GRAPH = """
graph.func @f(%a: tensor<SHAPExf16>, %b: tensor<BSHAPExf16>) -> tensor<SHAPExf16> {
  %0 = graph.add %a, %b : (tensor<SHAPExf16>, tensor<BSHAPExf16>) -> tensor<SHAPExf16>
  %1 = graph.mul %0, %a : (tensor<SHAPExf16>, tensor<SHAPExf16>) -> tensor<SHAPExf16>
  %2 = graph.sub %1, %b : (tensor<SHAPExf16>, tensor<BSHAPExf16>) -> tensor<SHAPExf16>
  graph.return %2 : tensor<SHAPExf16>
}
"""

COPY16 = """
loop.func @copy(%a: memref<7xi16>, %b: memref<7xi16>) attributes {num_outputs = 1 : i64} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c7 = arith.constant 7 : index
  loop.for %i = %c0 to %c7 step %c1 {
    %x = loop.load %a[%i] : memref<7xi16>
    loop.store %x, %b[%i] : memref<7xi16>
  }
  loop.return
}
"""


@pytest.mark.parametrize(
    ("shape", "bshape"), [((1,), (1,)), ((7,), (1,)), ((13, 33), (33,)), ((3, 1, 5), (7, 1))]
)
def test_f16_graph_native_matches_interpreter(
    shape: tuple[int, ...], bshape: tuple[int, ...]
) -> None:
    out_shape = np.broadcast_shapes(shape, bshape)
    text = F16_GRAPH.replace("BSHAPE", "x".join(map(str, bshape))).replace(
        "SHAPE", "x".join(map(str, out_shape))
    )
    a = RNG.standard_normal(out_shape).astype(np.float16)
    b = RNG.standard_normal(bshape).astype(np.float16)
    expected = dlir.interpret(parse_module(text), "f", a, b)
    got = dlir.compile(text)["f"](a, b)
    assert isinstance(got, np.ndarray) and got.dtype == np.float16
    np.testing.assert_array_equal(got, expected)


def test_f16_dtype_is_checked() -> None:
    text = F16_GRAPH.replace("BSHAPE", "3").replace("SHAPE", "3")
    entry = dlir.compile(text)["f"]
    with pytest.raises(ArgumentError, match="expected dtype float16, got float32"):
        entry(np.zeros(3, np.float32), np.zeros(3, np.float16))


def _copy_bf16() -> CompiledFunction:
    module = parse_module(COPY16)
    PassManager.parse("loop-to-llvm", make_context()).run(module)
    signature = Signature(Signature.parse("bf16[7], bf16[7]").args, num_outputs=1)
    return jit_function(module, "copy", signature)


def test_bf16_buffers_are_float32_rounded_like_the_interpreter() -> None:
    copy = _copy_bf16()
    x = np.array([1.0, 1.00390625, 1.01171875, -3.3, np.inf, np.nan, 3.39e38], np.float32)
    (out,) = copy.call_dps(x)
    assert out.dtype == np.float32
    np.testing.assert_array_equal(out, round_bf16(x))
    # ties to even: 1 + 2^-8 is halfway between 1 and 1 + 2^-7
    assert out[1] == 1.0 and out[2] == 1.015625
    assert x[3] == np.float32(-3.3)  # inputs are not written


def test_bf16_raw_call_writes_outputs_back() -> None:
    copy = _copy_bf16()
    x = RNG.standard_normal(7).astype(np.float32)
    y = np.zeros(7, np.float32)
    copy(x, y)
    np.testing.assert_array_equal(y, round_bf16(x))
    with pytest.raises(ArgumentError, match="expected dtype float32"):
        copy(x.astype(np.float16), y)


def test_bf16_bits_helpers_are_inverse_on_bf16_values() -> None:
    bits = np.arange(0, 1 << 16, 7, dtype=np.uint16)
    values = from_bf16_bits(bits)
    finite = ~np.isnan(values)
    np.testing.assert_array_equal(to_bf16_bits(values)[finite], bits[finite])


def test_half_scalars_are_refused_with_a_clear_message() -> None:
    with pytest.raises(ValueError, match="bf16 scalars cannot be passed by value"):
        Signature.parse("bf16")
    assert Signature.parse("f16[2x?]").args[0].describe() == "float16[2x?]"
    assert Signature.parse("bf16[3]").args[0].describe() == "bf16[3]"
