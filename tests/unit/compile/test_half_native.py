"""bf16 and f16 programs compiled natively against the interpreter: bf16 reaches LLVM as
`bfloat` (translate.py), its arithmetic computed in f32 and rounded once per op with inline
code (no compiler-rt call), and math, compares and min/max on f16/bf16 computed in f32."""

from __future__ import annotations

from collections.abc import Sequence
from typing import cast

import numpy as np
import pytest

import dlir
from dlir.backends.llvm.callable import from_bf16_bits, to_bf16_bits
from dlir.parser import parse_module


def rounded(array: np.ndarray, element: str) -> np.ndarray:
    """`array` at the precision of `element` (bf16 is held in float32)."""
    if element == "bf16":
        return from_bf16_bits(to_bf16_bits(array.astype(np.float32)))
    return array.astype(np.float16)


def check(text: str, *args: np.ndarray, rtol: float = 0.0) -> None:
    expected = [np.asarray(v) for v in _as_list(dlir.interpret(parse_module(text), "main", *args))]
    got = [np.asarray(v) for v in _as_list(dlir.compile(text)["main"](*args))]
    for g, e in zip(got, expected, strict=True):
        assert g.dtype == e.dtype and g.shape == e.shape
        np.testing.assert_allclose(g.astype(np.float64), e.astype(np.float64), rtol=rtol, atol=rtol)


def _as_list(value: object) -> list[object]:
    if isinstance(value, tuple | list):
        return list(cast(Sequence[object], value))
    return [value]


def inputs(shape: tuple[int, ...], element: str, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    values = rng.standard_normal(shape).astype(np.float32) * 3
    flat = values.reshape(-1)
    special = np.array([np.nan, 0.0, -0.0, np.inf, -np.inf, 1.0], np.float32)
    flat[: min(flat.size, 6)] = special[: min(flat.size, 6)]
    return rounded(values, element)


@pytest.mark.parametrize("n", [1, 7, 13, 33])
def test_bf16_add_relu(n: int) -> None:
    t = f"tensor<{n}x13xbf16>"
    text = f"""graph.func @main(%a: {t}, %b: {t}) -> {t} {{
  %c = graph.add %a, %b : ({t}, {t}) -> {t}
  %r = graph.relu %c : {t}
  graph.return %r : {t}
}}"""
    check(text, inputs((n, 13), "bf16"), inputs((n, 13), "bf16", 1))


@pytest.mark.parametrize(("m", "k", "n"), [(1, 1, 1), (7, 13, 5), (33, 16, 17)])
def test_bf16_matmul(m: int, k: int, n: int) -> None:
    text = f"""graph.func @main(%a: tensor<{m}x{k}xbf16>, %b: tensor<{k}x{n}xbf16>) -> tensor<{m}x{n}xbf16> {{
  %c = graph.matmul %a, %b : (tensor<{m}x{k}xbf16>, tensor<{k}x{n}xbf16>) -> tensor<{m}x{n}xbf16>
  graph.return %c : tensor<{m}x{n}xbf16>
}}"""
    rng = np.random.default_rng(m * k * n)
    a = rounded(rng.standard_normal((m, k)).astype(np.float32), "bf16")
    b = rounded(rng.standard_normal((k, n)).astype(np.float32), "bf16")
    # the native sum rounds to bf16 after every step: a few bf16 ulps (2^-8) over k terms
    check(text, a, b, rtol=0.05)


@pytest.mark.parametrize("n", [1, 7, 33])
def test_bf16_casts(n: int) -> None:
    text = f"""graph.func @main(%a: tensor<{n}xf32>) -> (tensor<{n}xbf16>, tensor<{n}xf32>) {{
  %h = graph.cast %a : tensor<{n}xf32> to tensor<{n}xbf16>
  %f = graph.cast %h : tensor<{n}xbf16> to tensor<{n}xf32>
  graph.return %h, %f : tensor<{n}xbf16>, tensor<{n}xf32>
}}"""
    values = inputs((n,), "bf16") + np.float32(2.0**-12)  # halfway and odd cases on the way in
    check(text, values.astype(np.float32))


@pytest.mark.parametrize("element", ["f16", "bf16"])
@pytest.mark.parametrize("n", [1, 7, 13, 33])
def test_half_exp_and_maximum_with_nan(element: str, n: int) -> None:
    t = f"tensor<{n}x{element}>"
    text = f"""graph.func @main(%a: {t}, %b: {t}) -> ({t}, {t}) {{
  %e = graph.exp %a : {t}
  %m = graph.maximum %a, %b : ({t}, {t}) -> {t}
  graph.return %e, %m : {t}, {t}
}}"""
    a = inputs((n,), element)
    b = inputs((n,), element, 1)[::-1].copy()
    # exp: f32's polynomial (a few f32 ulps) rounded to the half type: at most one half ulp
    check(text, a, b, rtol=2.0**-7 if element == "bf16" else 2.0**-10)
