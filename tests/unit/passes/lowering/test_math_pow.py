"""math.powf / fpowi / ipowi lowered by loop-to-llvm, run natively: every pair of special
values against numpy's np.power (C99's pow), accuracy in ulp on random inputs, scalars and
vectors alike."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
import pytest
from xdsl.dialects import llvm

from dlir.ir.context import make_context
from dlir.parser import parse_module
from dlir.passes.lowering.loop_to_llvm_pass import LoopToLLVMPass
from dlir.testing.arith_native import check, kernel, padded, run_native

Array = npt.NDArray[Any]
DTYPES: dict[str, type[np.floating[Any]]] = {"f32": np.float32, "f64": np.float64}

SPECIALS = [
    *(0.0, -0.0, 1.0, -1.0, 0.5, -0.5, 2.0, -2.0, 3.0, -3.0, 0.25, 2.5, -2.5, 7.0, -13.0),
    *(33.0, np.inf, -np.inf, np.nan, 1e-40, -1e-40, 3e38, -3e38, 16777217.0, 1e10, -1e10),
]


def pairs(t: str) -> tuple[Array, Array]:
    values = np.array(SPECIALS, dtype=DTYPES[t])
    index = np.array(list(itertools.product(range(values.size), repeat=2)))
    return padded(values[index[:, 0]]), padded(values[index[:, 1]])


def ulps(got: Array, exact: npt.NDArray[np.float64], dtype: type[np.floating[Any]]) -> float:
    """Max |got - exact| in units of `dtype`'s spacing at the exact value (finite results)."""
    with np.errstate(over="ignore"):  # f32 results that overflow compare as specials
        rounded = exact.astype(dtype)
    finite = np.isfinite(rounded) & (rounded != 0)
    spacing = np.spacing(np.abs(rounded[finite])).astype(np.float64)
    return float(
        np.max(np.abs(got[finite].astype(np.float64) - exact[finite]) / spacing, initial=0)
    )


@pytest.mark.parametrize("lanes", [1, 8])
@pytest.mark.parametrize("t", ["f32", "f64"])
def test_special_values_match_numpy(t: str, lanes: int) -> None:
    x, y = pairs(t)
    text = kernel(
        f"%y = math.powf %x0, %x1 : {t if lanes == 1 else f'vector<{lanes}x{t}>'}",
        [t, t],
        t,
        lanes,
        x.size,
    )
    got = run_native(text, [x, y], t)
    with np.errstate(all="ignore"):
        want = np.power(x, y)
    special = ~np.isfinite(want) | (want == 0) | (want == 1) | ~np.isfinite(x) | ~np.isfinite(y)
    np.testing.assert_array_equal(got[special], want[special])
    signed = special & ~np.isnan(want)  # (a NaN's sign bit is not part of the answer)
    np.testing.assert_array_equal(np.signbit(got[signed]), np.signbit(want[signed]))
    assert ulps(got[~special], want[~special].astype(np.float64), DTYPES[t]) <= 2


def random_operands(t: str, n: int = 40000) -> tuple[Array, Array]:
    """|x| log-uniform over the whole range, y such that |y log x| reaches the overflow and
    underflow ends, a quarter of them integers (so negative x is exercised)."""
    rng = np.random.default_rng(11)
    top = 38.0 if t == "f32" else 307.0
    x = 10.0 ** rng.uniform(-top, top, n) * rng.choice([1.0, -1.0], n)
    limit = 88.0 if t == "f32" else 709.0
    y = rng.uniform(-1.0, 1.0, n) * limit / np.maximum(np.abs(np.log(np.abs(x))), 1e-3)
    y[: n // 4] = np.round(y[: n // 4])
    return x.astype(DTYPES[t]), y.astype(DTYPES[t])


def test_f32_is_within_one_ulp_of_the_exact_power() -> None:
    x, y = random_operands("f32")
    got = run_native(
        kernel("%y = math.powf %x0, %x1 : vector<8xf32>", ["f32", "f32"], "f32", 8, x.size),
        [x, y],
        "f32",
    )
    with np.errstate(all="ignore"):
        exact = np.power(x.astype(np.float64), y.astype(np.float64))
    error = ulps(got, exact, np.float32)
    print(f"powf f32: max error {error:.3f} ulp")
    assert error <= 0.51


def test_f64_accuracy_against_libm() -> None:
    x, y = random_operands("f64")
    got = run_native(
        kernel("%y = math.powf %x0, %x1 : vector<4xf64>", ["f64", "f64"], "f64", 4, x.size),
        [x, y],
        "f64",
    )
    with np.errstate(all="ignore"):
        exact = np.power(x, y)
    small = np.abs(y * np.log(np.abs(x))) < 50
    print(
        f"powf f64: {ulps(got[small], exact[small], np.float64):.2f} ulp for |y log x| < 50, "
        f"{ulps(got, exact, np.float64):.2f} ulp overall"
    )
    assert ulps(got[small], exact[small], np.float64) <= 3
    assert ulps(got, exact, np.float64) <= 32


@pytest.mark.parametrize("lanes", [1, 8])
def test_fpowi_is_pow_of_the_converted_exponent(lanes: int) -> None:
    x = padded(np.array(SPECIALS, dtype=np.float32))
    n = padded(
        np.resize(np.array([0, 1, -1, 2, -2, 3, -3, 7, 33, -33, 127, -150], np.int32), x.size)
    )

    def expected(args: Sequence[Array]) -> Array:
        return np.power(args[0], args[1].astype(np.float32))

    # fpowi's vector form pairs vector<8xf32> with vector<8xi32>
    types = {"t0": "f32", "t1": "i32", "r": "f32"}
    body = "%y = math.fpowi %x0, %x1 : {t0}, {t1}"
    check(body, types, [x, n], lanes, expected)


def test_ipowi_wraps_like_numpy() -> None:
    base = padded(np.array([0, 1, -1, 2, -2, 3, -3, 7, -7, 13, 2**16 + 1], dtype=np.int32))
    exponent = np.array([0, 1, 2, 3, 5, 17, 31, 40, 2**31 - 1, -1, -2, -3], dtype=np.int32)
    b = np.repeat(base, exponent.size)
    e = np.tile(exponent, base.size)

    def expected(args: Sequence[Array]) -> Array:
        x, n = args[0], args[1]
        positive = np.power(x, np.maximum(n, 0))
        odd = (n & 1) == 1
        inverse = np.where(x == 1, 1, np.where(x == -1, np.where(odd, -1, 1), 0))
        return np.where(n < 0, inverse, positive).astype(np.int32)

    check(
        "%y = math.ipowi %x0, %x1 : {t0}",
        {"t0": "i32", "t1": "i32", "r": "i32"},
        [b, e],
        1,
        expected,
    )


def test_pow_is_inline_code() -> None:
    module = parse_module(
        kernel("%y = math.powf %x0, %x1 : vector<8xf32>", ["f32", "f32"], "f32", 8, 64)
    )
    LoopToLLVMPass().apply(make_context(), module)
    assert not any(isinstance(op, llvm.CallOp) for op in module.walk())
    intrinsics = {
        op.intrin.data.split(".")[1] for op in module.walk() if isinstance(op, llvm.CallIntrinsicOp)
    }
    assert intrinsics <= {"vp", "is", "trunc"}
