"""The 8-bit (and 4-bit) float conversions of loop-to-llvm (`low_precision.py`), run
natively against ml_dtypes' astype: every bit pattern of each format to f32, and f32 to
each format on edge cases (ties, subnormals, overflow, inf, NaN), on every f16 value and
on random f32 bit patterns, as scalars and as vectors of 8."""

from __future__ import annotations

from typing import Any

import ml_dtypes
import numpy as np
import pytest

import dlir
from dlir.backends.llvm.callable import jit_function
from dlir.ir.context import make_context
from dlir.parser import parse_module
from dlir.passes.lowering.loop_to_llvm_pass import LoopToLLVMPass
from dlir.testing.arith_native import kernel

FORMATS: dict[str, Any] = {
    "f8E4M3FN": ml_dtypes.float8_e4m3fn,
    "f8E4M3FNUZ": ml_dtypes.float8_e4m3fnuz,
    "f8E5M2": ml_dtypes.float8_e5m2,
    "f8E5M2FNUZ": ml_dtypes.float8_e5m2fnuz,
    "f4E2M1FN": ml_dtypes.float4_e2m1fn,
}
DECODED = {**FORMATS, "f8E8M0FNU": ml_dtypes.float8_e8m0fnu}


def run(
    source: str, target: str, op: str, x: np.ndarray[Any, Any], lanes: int
) -> np.ndarray[Any, Any]:
    def v(t: str) -> str:
        return t if lanes == 1 else f"vector<{lanes}x{t}>"

    body = f"%y = arith.{op} %x0 : {v(source)} to {v(target)}"
    module = parse_module(kernel(body, [source], target, lanes, x.size))
    LoopToLLVMPass().apply(make_context(), module)
    module.verify()
    out = np.zeros(x.size, DECODED.get(target, np.float32))
    jit_function(module, "k")(x, out)
    return out


def same_bits(got: np.ndarray[Any, Any], want: np.ndarray[Any, Any]) -> None:
    """Equal bit for bit (f32 NaNs: any NaN)."""
    if want.dtype == np.float32:
        both_nan = np.isnan(got) & np.isnan(want)
        bad = np.nonzero(~both_nan & (got.view(np.uint32) != want.view(np.uint32)))[0]
    else:
        bad = np.nonzero(got.view(np.uint8) != want.view(np.uint8))[0]
    assert bad.size == 0, f"at {bad[:8]}: got {got[bad[:8]]}, want {want[bad[:8]]}"


@pytest.mark.parametrize("lanes", [1, 8])
@pytest.mark.parametrize("name", list(DECODED))
def test_every_code_to_f32(name: str, lanes: int) -> None:
    dtype = np.dtype(DECODED[name])
    count = 16 if name == "f4E2M1FN" else 256
    codes = np.arange(count, dtype=np.uint8).view(dtype)
    same_bits(run(name, "f32", "extf", codes, lanes), codes.astype(np.float32))


def f32_cases(name: str) -> np.ndarray[Any, Any]:
    """Edge values of format `name` (every code, the midpoints between neighbours, just
    above and below them, beyond the range), all f16 values and random f32 bits."""
    dtype = np.dtype(FORMATS[name])
    count = 16 if name == "f4E2M1FN" else 256
    values = np.arange(count, dtype=np.uint8).view(dtype).astype(np.float32)
    finite = np.unique(values[np.isfinite(values)])
    middles = (finite[1:] + finite[:-1]) / 2
    edges = np.concatenate([finite, middles, np.nextafter(middles, np.float32(np.inf))])
    edges = np.concatenate([edges, np.nextafter(middles, np.float32(-np.inf)), finite * 1.5])
    special = np.array(
        [np.inf, -np.inf, np.nan, -np.nan, 1e30, -1e30, 1e-30, 0.0, -0.0], np.float32
    )
    halves = np.arange(1 << 16, dtype=np.uint16).view(np.float16).astype(np.float32)
    noise = np.random.default_rng(7).integers(0, 1 << 32, 4096, dtype=np.uint32).view(np.float32)
    cases = np.concatenate([edges, special, halves, noise]).astype(np.float32)
    return np.concatenate([cases, np.zeros(-cases.size % 8, np.float32)])


@pytest.mark.parametrize("lanes", [1, 8])
@pytest.mark.parametrize("name", list(FORMATS))
def test_f32_to_format_rounds_as_ml_dtypes(name: str, lanes: int) -> None:
    x = f32_cases(name)
    with np.errstate(all="ignore"):
        want = x.astype(FORMATS[name])
    same_bits(run("f32", name, "truncf", x, lanes), want)


def test_f8e8m0_has_no_rounding_lowering() -> None:
    with pytest.raises(Exception, match="f8E8M0FNU converts to f32 only"):
        run("f32", "f8E8M0FNU", "truncf", np.zeros(8, np.float32), 1)


def test_other_widths_must_go_through_f32() -> None:
    with pytest.raises(Exception, match="convert to and from f32 only"):
        run("f8E4M3FN", "f64", "extf", np.zeros(8, np.uint8).view(ml_dtypes.float8_e4m3fn), 1)


def test_bfloat16_arrays_cross_the_boundary() -> None:
    """An ml_dtypes.bfloat16 array is passed as its bits (a float32 array still works)."""
    text = (
        "graph.func @main(%a: tensor<7xbf16>) -> tensor<7xf32> {\n"
        "  %r = graph.cast %a : tensor<7xbf16> to tensor<7xf32>\n"
        "  graph.return %r : tensor<7xf32>\n}\n"
    )
    main = dlir.compile(text)["main"]
    x = np.array([1.5, -2.0, 3.140625, 0.0, np.inf, -1e-3, 65280.0], ml_dtypes.bfloat16)
    np.testing.assert_array_equal(main(x), x.astype(np.float32))
    np.testing.assert_array_equal(main(x.astype(np.float32)), x.astype(np.float32))
