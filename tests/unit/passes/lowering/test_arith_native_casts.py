"""Conversions loop-to-llvm lowers (fptosi/fptoui/sitofp/uitofp, extf/truncf, extsi/extui/
trunci, bitcast), run natively against the interpreter or numpy's astype on every edge
value and on random bit patterns, as scalars and as vectors. Helpers:
`dlir.testing.arith_native`."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import pytest
from xdsl.dialects import arith
from xdsl.ir import Operation

from dlir.backends.llvm.callable import jit_function
from dlir.ir.context import make_context
from dlir.parser import parse_module
from dlir.passes.lowering.loop_to_llvm_pass import LoopToLLVMPass
from dlir.testing.arith_native import (
    DTYPES,
    INT_EDGES,
    Array,
    check,
    float_values,
    kernel,
    loop_body,
    padded,
    run_native,
)

# (source, result, op): every conversion, from every edge value
CASTS = [
    ("f32", "i8", "fptosi"),
    ("f32", "i16", "fptosi"),
    ("f32", "i32", "fptosi"),
    ("f32", "i64", "fptosi"),
    ("f64", "i32", "fptosi"),
    ("f64", "i64", "fptosi"),
    ("f32", "f64", "extf"),
    ("f64", "f32", "truncf"),
    ("i32", "f32", "sitofp"),
    ("i64", "f64", "sitofp"),
    ("i8", "f32", "uitofp"),
    ("i32", "f32", "uitofp"),
    ("i32", "f64", "uitofp"),
    ("i64", "f32", "uitofp"),
    ("i64", "f64", "uitofp"),
    ("i8", "i32", "extsi"),
    ("i16", "i64", "extui"),
    ("i64", "i16", "trunci"),
    ("f32", "i32", "bitcast"),
    ("i64", "f64", "bitcast"),
]


def cast_inputs(t: str) -> Array:
    if t in ("f32", "f64"):
        return padded(float_values(DTYPES[t]))
    info = np.iinfo(DTYPES[t])
    edges = np.array(INT_EDGES, dtype=np.int64).clip(info.min, info.max)
    more = np.array(
        [info.min, info.max, info.min + 1, info.max - 1, 2**24 + 1, -(2**24) - 1], dtype=np.int64
    )
    values = np.concatenate([edges, more.clip(info.min, info.max)]).astype(DTYPES[t])
    if t == "i64":
        values = np.concatenate(
            [values, np.array([2**53 + 1, 2**63 - 1025, -(2**62) - 1], np.int64)]
        )
    return padded(values)


# xDSL 0.74's arith has vector forms of these conversions only (the others: see
# test_vector_casts_agree_with_scalar_ones)
VECTOR_FORMS = [(s, r, op, 8) for s, r, op in CASTS if op in ("extf", "truncf", "bitcast")]


@pytest.mark.parametrize(
    ("source", "result", "op", "lanes"), [(*c, 1) for c in CASTS] + VECTOR_FORMS
)
def test_casts(source: str, result: str, op: str, lanes: int) -> None:
    body = f"%y = arith.{op} %x0 : {{t0}} to {{r}}"
    expected: Callable[[Sequence[Array]], Array] | None = None
    if op == "bitcast":  # (the interpreter has no arith.bitcast)

        def exact(x: Sequence[Array]) -> Array:
            return x[0].view(DTYPES[result])

        expected = exact

    check(body, {"t0": source, "r": result}, [cast_inputs(source)], lanes, expected)


@pytest.mark.parametrize(
    ("source", "result"), [("f32", "i32"), ("f32", "i8"), ("f64", "i64"), ("f64", "i16")]
)
def test_fptoui_matches_numpy_on_x86(source: str, result: str) -> None:
    unsigned = {"i8": np.uint8, "i16": np.uint16, "i32": np.uint32, "i64": np.uint64}[result]

    def exact(x: Sequence[Array]) -> Array:
        return x[0].astype(unsigned).view(DTYPES[result])

    expected = exact

    body = "%y = arith.fptoui %x0 : {t0} to {r}"
    check(body, {"t0": source, "r": result}, [cast_inputs(source)], 1, expected)


VECTOR_CASTS = [
    ("f32", "i32", arith.FPToSIOp),
    ("f64", "i64", arith.FPToSIOp),
    ("f32", "i32", arith.FPToUIOp),
    ("f64", "i64", arith.FPToUIOp),
    ("i32", "f32", arith.SIToFPOp),
    ("i32", "f32", arith.UIToFPOp),
    ("i64", "f64", arith.UIToFPOp),
]


@pytest.mark.parametrize(("source", "result", "cast"), VECTOR_CASTS)
def test_vector_casts_agree_with_scalar_ones(
    source: str, result: str, cast: type[Operation]
) -> None:
    """xDSL 0.74's int <-> float casts take scalars only: build the vector cast past the
    verifier (from a same-width bitcast) and compare with the scalar lowering."""
    x = cast_inputs(source)
    scalar_body = f"%y = {cast.name} %x0 : {source} to {result}"
    want = run_native(kernel(scalar_body, [source], result, 1, x.size), [x], result)
    body = f"%y = arith.bitcast %x0 : vector<8x{source}> to vector<8x{result}>"
    module = parse_module(kernel(body, [source], result, 8, x.size))
    bitcast = next(op for op in loop_body(module) if isinstance(op, arith.BitcastOp))
    vector_cast = cast.create(operands=[bitcast.input], result_types=[bitcast.result.type])
    assert bitcast.parent is not None
    bitcast.parent.insert_op_before(vector_cast, bitcast)
    bitcast.result.replace_all_uses_with(vector_cast.results[0])
    bitcast.detach()
    bitcast.erase()
    LoopToLLVMPass().apply(make_context(), module)
    module.verify()
    got = np.zeros_like(want)
    jit_function(module, "k")(x, got)
    np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize(
    ("source", "result", "op"),
    [
        ("f32", "i32", "fptosi"),
        ("f32", "i16", "fptosi"),
        ("f64", "i64", "fptosi"),
        ("f32", "i32", "fptoui"),
        ("f64", "i64", "fptoui"),
        ("i64", "f32", "uitofp"),
        ("i64", "f64", "uitofp"),
        ("i32", "f32", "sitofp"),
    ],
)
def test_conversions_of_random_bit_patterns(source: str, result: str, op: str) -> None:
    """Every exponent, both signs, NaNs and infinities: random bits, compared with numpy's
    astype on x86 (unsigned results and sources viewed through the unsigned dtype)."""
    width = 64 if source in ("f64", "i64") else 32
    bits = np.random.default_rng(width).integers(0, 2**width, 1 << 14, dtype=np.uint64)
    x = bits.astype(f"u{width // 8}").view(DTYPES[source])
    unsigned = {"i32": np.uint32, "i64": np.uint64}

    def exact(v: Sequence[Array]) -> Array:
        if op == "fptoui":
            return v[0].astype(unsigned[result]).view(DTYPES[result])
        if op == "uitofp":
            return v[0].view(unsigned[source]).astype(DTYPES[result])
        return v[0].astype(DTYPES[result])

    check(f"%y = arith.{op} %x0 : {{t0}} to {{r}}", {"t0": source, "r": result}, [x], 1, exact)


@pytest.mark.parametrize("n", [1, 7, 40])
def test_f64_to_f16_rounds_once_like_numpy(n: int) -> None:
    # LLVM's f64 -> f16 truncation is a compiler-rt call the JIT lacks (it crashed); the
    # lowering goes through f32, which still rounds correctly: ties, subnormals, overflow
    import dlir

    text = f"""graph.func @main(%x: tensor<{n}xf64>) -> tensor<{n}xf16> {{
  %y = graph.cast %x : tensor<{n}xf64> to tensor<{n}xf16>
  graph.return %y : tensor<{n}xf16>
}}"""
    rng = np.random.default_rng(n)
    halves = rng.integers(0, 2**16, size=4 * n, dtype=np.uint16).view(np.float16)
    finite = halves[np.isfinite(halves)].astype(np.float64)
    # exact halves, midpoints between neighbours (ties to even), just above/below them
    mids = (finite[:-1] + np.nextafter(finite[:-1].astype(np.float16), np.inf)) / 2
    pool = np.concatenate([finite, mids, np.nextafter(mids, np.inf), np.nextafter(mids, -np.inf)])
    pool = np.concatenate([pool, [65520.0, 65519.99, 1e300, -1e-300, 2.0**-25, np.nan]])
    x = rng.choice(pool, size=n)
    with np.errstate(over="ignore"):
        want = x.astype(np.float16)
    got = dlir.compile(text)["main"](x)
    assert isinstance(got, np.ndarray)
    same = (got.view(np.uint16) == want.view(np.uint16)) | (np.isnan(got) & np.isnan(want))
    assert same.all(), (x[~same], got[~same], want[~same])
