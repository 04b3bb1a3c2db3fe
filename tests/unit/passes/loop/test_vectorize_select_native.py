"""Vector compares and selects in loop-vectorize: graph programs with compares, `where`,
`clip` and NaN-propagating `maximum`/`minimum`, compiled by compile-cpu, against the
interpreter on odd sizes with NaN, infinities and signed zeros in the inputs; each kernel's
loop must be vectorized (statistics) and hold the vector compare or select."""

from __future__ import annotations

import numpy as np
import pytest

import dlir
from dlir.ir.context import make_context
from dlir.parser import parse_module
from dlir.passes import PassManager
from dlir.passes.instrument import PassStatistics
from dlir.passes.loop.differential import check_transform
from dlir.passes.registry import PIPELINES

SIZES = [1, 7, 13, 33, 1000]


def program(n: int, body: str, out: str = "f32") -> str:
    t = f"tensor<{n}xf32>"
    return f"""
graph.func @main(%a: {t}, %b: {t}) -> tensor<{n}x{out}> {{
{body.format(t=t, n=n)}
  graph.return %r : tensor<{n}x{out}>
}}"""


CASES = {
    "greater": (
        "  %r = graph.greater %a, %b : ({t}, {t}) -> tensor<{n}xi1>",
        "i1",
    ),
    "equal": ("  %r = graph.equal %a, %b : ({t}, {t}) -> tensor<{n}xi1>", "i1"),
    "less-where": (
        "  %c = graph.less %a, %b : ({t}, {t}) -> tensor<{n}xi1>\n"
        "  %r = graph.where %c, %a, %b : (tensor<{n}xi1>, {t}, {t}) -> {t}",
        "f32",
    ),
    "clip": ("  %r = graph.clip %a min -0.5 max 0.75 : {t}", "f32"),
    "maximum": ("  %r = graph.maximum %a, %b : ({t}, {t}) -> {t}", "f32"),
    "minimum": ("  %r = graph.minimum %a, %b : ({t}, {t}) -> {t}", "f32"),
}


def inputs(n: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(n)
    a = rng.standard_normal(n).astype(np.float32)
    b = rng.standard_normal(n).astype(np.float32)
    special = np.array([np.nan, 0.0, -0.0, np.inf, -np.inf, 1.0, np.nan], np.float32)
    a[: min(n, 7)] = special[: min(n, 7)]
    b[: min(n, 7)] = special[::-1][: min(n, 7)]
    b[n // 2] = a[n // 2]  # one equal pair away from the specials
    return a, b


def all_cases(n: int) -> str:
    """One function computing every case of CASES (one compile per size)."""
    t = f"tensor<{n}xf32>"
    lines: list[str] = []
    results: list[str] = []
    for index, (body, out) in enumerate(CASES.values()):
        text = body.format(t=t, n=n).replace("%c ", f"%c{index} ").replace("%c,", f"%c{index},")
        lines.append(text.replace("%r ", f"%r{index} "))
        results.append(f"tensor<{n}x{out}>")
    names = ", ".join(f"%r{i}" for i in range(len(CASES)))
    return f"""
graph.func @main(%a: {t}, %b: {t}) -> ({", ".join(results)}) {{
{chr(10).join(lines)}
  graph.return {names} : {", ".join(results)}
}}"""


@pytest.mark.parametrize("n", SIZES)
def test_native_matches_interpreter(n: int) -> None:
    text = all_cases(n)
    a, b = inputs(n)
    expected = dlir.interpret(parse_module(text), "main", a, b)
    got = dlir.compile(text)["main"](a, b)
    assert isinstance(expected, tuple) and isinstance(got, tuple)
    for case, g, e in zip(CASES, got, expected, strict=True):
        np.testing.assert_array_equal(np.asarray(g), np.asarray(e), err_msg=case)


def vectorize_statistics(text: str) -> dict[str, int]:
    passes = PIPELINES["compile-cpu"][0].split(",")
    upto = ",".join(passes[: passes.index("loop-vectorize") + 1])
    stats = PassStatistics()
    module = parse_module(text)
    PassManager.parse(upto, make_context(), instruments=[stats]).run(module)
    return stats.counts["loop-vectorize"]


# graph.greater/equal alone (an i1 result) are not marked vectorized by te-auto-schedule
# (its lanes come from the result's element type); their loops are covered below.
@pytest.mark.parametrize("case", ["less-where", "clip", "maximum", "minimum"])
def test_compare_and_select_loops_are_vectorized(case: str) -> None:
    body, out = CASES[case]
    assert vectorize_statistics(program(1000, body, out)) == {"vectorized": 1}


def test_vector_loop_of_greater_and_where_holds_vector_compare_and_select() -> None:
    text = program(1000, CASES["less-where"][0])
    passes = PIPELINES["compile-cpu"][0].split(",")
    module = parse_module(text)
    PassManager.parse(",".join(passes[: passes.index("loop-vectorize") + 1]), make_context()).run(
        module
    )
    ir = str(module)
    assert '"llvm.dlir.fcmp.olt.v8f32"' in ir
    assert '"llvm.vp.select.v8f32"' in ir


def compare_loop(n: int, compare: str, element: str) -> str:
    # m[j] = a[j] <compare> b[j] (an i1 buffer: bytes) ; y[j] = m[j] ? a[j] : (t ? b[j] : a[j])
    return f"""
loop.func @k(%a: memref<{n}x{element}>, %b: memref<{n}x{element}>, %t: memref<1xi1>, %m: memref<{n}xi1>, %y: memref<{n}x{element}>) attributes {{num_outputs = 2 : i64}} {{
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %cn = arith.constant {n} : index
  %f = loop.load %t[%c0] : memref<1xi1>
  loop.for %j = %c0 to %cn step %c1 vectorized<8> {{
    %x = loop.load %a[%j] : memref<{n}x{element}>
    %z = loop.load %b[%j] : memref<{n}x{element}>
    %c = {compare}, %x, %z : {element}
    loop.store %c, %m[%j] : memref<{n}xi1>
    %k = loop.load %m[%j] : memref<{n}xi1>
    %s = arith.select %f, %z, %x : {element}
    %r = arith.select %k, %x, %s : {element}
    loop.store %r, %y[%j] : memref<{n}x{element}>
  }}
  loop.return
}}"""


@pytest.mark.parametrize("n", [1, 13, 33])
@pytest.mark.parametrize(
    ("compare", "element"),
    [
        ("arith.cmpf ogt", "f32"),
        ("arith.cmpf une", "f64"),
        ("arith.cmpf ule", "f32"),
        ("arith.cmpi slt", "i32"),
        ("arith.cmpi uge", "i8"),
        ("arith.cmpf olt", "f16"),
        ("arith.cmpf oge", "bf16"),
    ],
)
def test_loop_with_i1_buffer_and_selects_vectorizes(compare: str, element: str, n: int) -> None:
    text = compare_loop(n, compare, element)
    result = check_transform(text, "loop-vectorize")
    ir = str(result)
    if element in ("f16", "bf16"):
        # no vector compare or select of half types yet: the loop stays scalar (and right)
        assert "loop.vload" not in ir and "loop.vstore" not in ir
    elif n >= 8:
        assert "loop.vstore" in ir and "xi1>" in ir and "vectorized<" not in ir
        assert "llvm.vp.select" in ir


@pytest.mark.parametrize("element", ["f16", "bf16"])
@pytest.mark.parametrize("n", [7, 33])
def test_half_loops_vectorize_without_fma(element: str, n: int) -> None:
    # y[j] = max(a[j] * b[j] + a[j], b[j]): vector mulf/addf (no vector.fma on half types,
    # which LLVM would compute in f64 and round with a compiler-rt call the JIT lacks)
    t = f"memref<{n}x{element}>"
    text = f"""
loop.func @k(%a: {t}, %b: {t}, %y: {t}) attributes {{num_outputs = 1 : i64}} {{
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %cn = arith.constant {n} : index
  loop.for %j = %c0 to %cn step %c1 vectorized<8> {{
    %x = loop.load %a[%j] : {t}
    %z = loop.load %b[%j] : {t}
    %p = arith.mulf %x, %z : {element}
    %s = arith.addf %p, %x : {element}
    %m = arith.maximumf %s, %z : {element}
    loop.store %m, %y[%j] : {t}
  }}
  loop.return
}}"""
    result = str(check_transform(text, "loop-vectorize"))
    assert ("loop.vload" in result) == (n >= 8) and "vector.fma" not in result
