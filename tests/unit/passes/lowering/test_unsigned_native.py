"""ui8..ui64 end to end: graph ops on unsigned tensors compiled with compile-cpu compute
what the interpreter (numpy's unsigned dtypes) computes, on odd shapes with broadcasting
and on the whole range (0, 1, the maximum, random values). All cases share one module,
compiled once."""

from __future__ import annotations

from typing import Any, cast

import numpy as np
import pytest

import dlir
from dlir.parser import parse_module
from dlir.runtime import Program

UNSIGNED = {"ui8": np.uint8, "ui16": np.uint16, "ui32": np.uint32, "ui64": np.uint64}
BINARY = ["add", "sub", "mul", "div", "maximum", "minimum"]
COMPARE = ["less", "greater", "equal"]
CASTS = [
    ("ui8", "f32"),
    ("f32", "ui8"),
    ("ui64", "f64"),
    ("f32", "ui64"),
    ("ui16", "i64"),
    ("i64", "ui32"),
    ("ui32", "i1"),
    ("ui8", "f16"),
    ("ui8", "ui64"),
    ("ui64", "ui8"),
]


def _funcs() -> dict[str, tuple[str, list[tuple[tuple[int, ...], str]]]]:
    """name -> (graph.func text, its argument shapes and element types)."""
    funcs: dict[str, tuple[str, list[tuple[tuple[int, ...], str]]]] = {}
    for t in UNSIGNED:
        a, b, r = f"tensor<7x13x{t}>", f"tensor<13x{t}>", f"tensor<7x13x{t}>"
        for op in BINARY + COMPARE:
            out = "tensor<7x13xi1>" if op in COMPARE else r
            funcs[f"{op}_{t}"] = (
                f"graph.func @{op}_{t}(%a: {a}, %b: {b}) -> {out} {{\n"
                f"  %r = graph.{op} %a, %b : ({a}, {b}) -> {out}\n"
                f"  graph.return %r : {out}\n}}\n",
                [((7, 13), t), ((13,), t)],
            )
        for reduce in ("reduce_max", "reduce_sum"):
            funcs[f"{reduce}_{t}"] = (
                f"graph.func @{reduce}_{t}(%a: tensor<5x33x{t}>) -> tensor<5x{t}> {{\n"
                f"  %r = graph.{reduce} %a axes [1] : tensor<5x33x{t}> -> tensor<5x{t}>\n"
                f"  graph.return %r : tensor<5x{t}>\n}}\n",
                [((5, 33), t)],
            )
    for source, target in CASTS:
        name = f"cast_{source}_{target}"
        funcs[name] = (
            f"graph.func @{name}(%a: tensor<3x11x{source}>) -> tensor<3x11x{target}> {{\n"
            f"  %r = graph.cast %a : tensor<3x11x{source}> to tensor<3x11x{target}>\n"
            f"  graph.return %r : tensor<3x11x{target}>\n}}\n",
            [((3, 11), source)],
        )
    funcs["clip_ui8"] = (
        "graph.func @clip_ui8(%a: tensor<1x7xui8>) -> tensor<1x7xui8> {\n"
        "  %r = graph.clip %a min 3.5 max 200.0 : tensor<1x7xui8>\n"
        "  graph.return %r : tensor<1x7xui8>\n}\n",
        [((1, 7), "ui8")],
    )
    return funcs


FUNCS = _funcs()
TEXT = "".join(text for text, _ in FUNCS.values())


@pytest.fixture(scope="module")
def program() -> Program:
    return dlir.compile(TEXT)


def _values(shape: tuple[int, ...], element: str, rng: np.random.Generator) -> np.ndarray[Any, Any]:
    if element in UNSIGNED:
        dtype = UNSIGNED[element]
        info = np.iinfo(dtype)
        values = rng.integers(0, info.max, size=shape, dtype=dtype, endpoint=True)
        flat = values.reshape(-1)
        flat[:3] = [0, 1, info.max]
        return values
    if element == "i64":
        return rng.integers(-(2**40), 2**40, size=shape, dtype=np.int64)
    return (rng.standard_normal(shape) * 300).astype(np.float32)


@pytest.mark.parametrize("name", sorted(FUNCS))
def test_native_matches_interpreter(program: Program, name: str) -> None:
    rng = np.random.default_rng(len(name))
    args = [_values(shape, element, rng) for shape, element in FUNCS[name][1]]
    if name.startswith("cast_f32_ui"):  # numpy leaves negative floats to unsigned undefined
        args = [np.abs(a) for a in args]
    module = parse_module(FUNCS[name][0])
    want = np.asarray(dlir.interpret(module, name, *args))
    got = program[name](*args)
    assert isinstance(got, np.ndarray)
    got_array = cast(np.ndarray[Any, Any], got)
    assert got_array.dtype == want.dtype
    np.testing.assert_array_equal(got_array, want)
