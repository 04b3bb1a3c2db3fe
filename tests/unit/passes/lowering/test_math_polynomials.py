"""math.exp/log/tanh/erf lowered by loop-to-llvm to inline polynomials, run natively against
float64 references on 1e5+ points (f32) and against numpy/libm's float64 (f64), specials
(0, -0, +-inf, NaN, subnormals) included, scalar and vector alike; plus the structure (no
calls) and an exp timing (printed, not asserted)."""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from typing import Any

import numpy as np
import numpy.typing as npt
import pytest
from xdsl.dialects import llvm
from xdsl.utils.exceptions import DiagnosticException

from dlir.backends.llvm.callable import jit_function
from dlir.ir.context import make_context
from dlir.parser import parse_module
from dlir.passes.lowering.loop_to_llvm_pass import LoopToLLVMPass

N = 131072  # a multiple of 8: the vector kernels have no tail

Array = npt.NDArray[Any]


def kernel(op: str, lanes: int, n: int = N, t: str = "f32") -> str:
    """`loop.func @k(%a, %b)`: b[i] = op(a[i]), serially (lanes 1) or `lanes` at a time."""
    if lanes == 1:
        body = (
            f"    %x = loop.load %a[%i] : memref<{n}x{t}>\n"
            f"    %y = {op} %x : {t}\n"
            f"    loop.store %y, %b[%i] : memref<{n}x{t}>\n"
        )
    else:
        body = (
            f"    %x = loop.vload %a[%i * {lanes}] : memref<{n}x{t}>, vector<{lanes}x{t}>\n"
            f"    %y = {op} %x : vector<{lanes}x{t}>\n"
            f"    loop.vstore %y, %b[%i * {lanes}] : memref<{n}x{t}>, vector<{lanes}x{t}>\n"
        )
    return (
        f"loop.func @k(%a: memref<{n}x{t}>, %b: memref<{n}x{t}>) attributes {{num_outputs = 1 : i64}} {{\n"
        "  %c0 = arith.constant 0 : index\n"
        "  %c1 = arith.constant 1 : index\n"
        f"  %n = arith.constant {n // lanes} : index\n"
        "  loop.for %i = %c0 to %n step %c1 {\n"
        f"{body}"
        "  }\n"
        "  loop.return\n"
        "}\n"
    )


def compiled(op: str, lanes: int, n: int = N, t: str = "f32") -> Callable[[Array], Array]:
    module = parse_module(kernel(op, lanes, n, t))
    LoopToLLVMPass().apply(make_context(), module)
    module.verify()
    function = jit_function(module, "k")

    def run(x: Array) -> Array:
        out = np.zeros_like(x)
        function(x, out)
        return out

    return run


SPECIALS = np.array(
    [0.0, -0.0, np.inf, -np.inf, np.nan, 1e-45, -1e-45, 1e-38, -1e-38, 1.0, -1.0, 3.4e38, -3.4e38],
    dtype=np.float32,
)


def points(low: float, high: float, seed: int) -> Array:
    """N float32 points: specials, a uniform sweep of [low, high], then log-spaced magnitudes
    of both signs (small and large), clipped to [low, high] except the specials."""
    rng = np.random.default_rng(seed)
    third = (N - SPECIALS.size) // 3
    uniform = np.linspace(low, high, third)
    magnitudes = 10.0 ** rng.uniform(-40, 38.5, N - SPECIALS.size - third)
    signs = rng.choice([-1.0, 1.0], magnitudes.size)
    spread = np.clip(signs * magnitudes, low, high)
    x = np.concatenate([SPECIALS, uniform, spread]).astype(np.float32)
    assert x.size == N
    return x


def erf64(x: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    return np.array([math.erf(float(v)) for v in x], dtype=np.float64)


# name, op, float64 reference, input range, max ulp allowed
CASES: list[
    tuple[str, Callable[[npt.NDArray[np.float64]], npt.NDArray[np.float64]], float, float, int]
] = [
    ("math.exp", np.exp, -110.0, 95.0, 1),
    ("math.log", np.log, -10.0, 3.4e38, 1),
    ("math.tanh", np.tanh, -20.0, 20.0, 2),
    ("math.erf", erf64, -6.0, 6.0, 5),
]


def ulp_error(got: Array, x: Array, reference: Callable[..., npt.NDArray[np.float64]]) -> float:
    """Max error in units of the float32 spacing at the exact value; specials must match exactly."""
    with np.errstate(all="ignore"):  # the references overflow to inf where f32 does too
        exact = reference(x.astype(np.float64))
        exact32 = exact.astype(np.float32)
    finite = np.isfinite(exact32)
    np.testing.assert_array_equal(got[~finite], exact32[~finite])
    zero = exact32 == 0
    np.testing.assert_array_equal(np.signbit(got[zero]), np.signbit(exact32[zero]))
    spacing = np.spacing(np.abs(exact32[finite])).astype(np.float64)
    return float(np.max(np.abs(got[finite].astype(np.float64) - exact[finite]) / spacing))


@pytest.mark.parametrize("lanes", [1, 8])
@pytest.mark.parametrize(("op", "reference", "low", "high", "max_ulp"), CASES)
def test_accuracy_against_float64(
    op: str,
    reference: Callable[..., npt.NDArray[np.float64]],
    low: float,
    high: float,
    max_ulp: int,
    lanes: int,
) -> None:
    x = points(low, high, seed=len(op))
    got = compiled(op, lanes)(x)
    error = ulp_error(got, x, reference)
    print(f"{op} lanes={lanes}: max error {error:.2f} ulp")
    assert error <= max_ulp


def test_scalar_and_vector_agree() -> None:
    x = points(-20.0, 20.0, seed=3)
    for op, *_ in CASES:
        np.testing.assert_array_equal(compiled(op, 1)(x), compiled(op, 8)(x))


def test_inline_code_has_no_call() -> None:
    module = parse_module(kernel("math.tanh", 8, 64))
    LoopToLLVMPass().apply(make_context(), module)
    names = {op.name for op in module.walk()}
    assert not any(isinstance(op, llvm.CallOp) for op in module.walk())
    # intrinsics only for selects and NaN tests on vectors (xDSL's llvm.select takes no vectors)
    # and exp's integer clamp of the exponent bits
    intrinsics = {op.intrin.data for op in module.walk() if isinstance(op, llvm.CallIntrinsicOp)}
    assert intrinsics == {
        "llvm.vp.select.v8f32",
        "llvm.is.fpclass.v8f32",
        "llvm.smax.v8i32",
        "llvm.smin.v8i32",
    }
    assert {"llvm.bitcast", "llvm.icmp", "llvm.intr.fma", "llvm.shl"} <= names
    assert not any(name.startswith("math.") for name in names)


F64_SPECIALS = np.array(
    [0.0, -0.0, np.inf, -np.inf, np.nan, 5e-324, -5e-324, 2.2e-308, 1.0, -1.0, 1.7e308, -1.7e308]
)

# name, float64 reference (numpy / libm), input range, max ulp allowed
F64_CASES: list[
    tuple[str, Callable[[npt.NDArray[np.float64]], npt.NDArray[np.float64]], float, float]
] = [
    ("math.exp", np.exp, -760.0, 720.0),
    ("math.log", np.log, -10.0, 1.7e308),
    ("math.tanh", np.tanh, -30.0, 30.0),
    ("math.erf", erf64, -8.0, 8.0),
]


@pytest.mark.parametrize("lanes", [1, 4])
@pytest.mark.parametrize(("op", "reference", "low", "high"), F64_CASES)
def test_f64_within_one_ulp_of_libm(
    op: str,
    reference: Callable[[npt.NDArray[np.float64]], npt.NDArray[np.float64]],
    low: float,
    high: float,
    lanes: int,
) -> None:
    """f64 results differ from numpy/libm's (themselves within an ulp) by at most one ulp;
    specials (inf, NaN, zeros with their sign) match exactly."""
    rng = np.random.default_rng(len(op))
    n = 1 << 15
    uniform = np.linspace(low, high, n // 3)
    magnitudes = 10.0 ** rng.uniform(-320, 308, n - n // 3 - F64_SPECIALS.size)
    spread = np.clip(rng.choice([-1.0, 1.0], magnitudes.size) * magnitudes, low, high)
    x = np.concatenate([F64_SPECIALS, uniform, spread])
    got = compiled(op, lanes, n, "f64")(x)
    with np.errstate(all="ignore"):
        exact = reference(x)
    finite = np.isfinite(exact)
    np.testing.assert_array_equal(got[~finite], exact[~finite])
    zero = exact == 0
    np.testing.assert_array_equal(np.signbit(got[zero]), np.signbit(exact[zero]))
    error = np.max(np.abs(got[finite] - exact[finite]) / np.spacing(np.abs(exact[finite])))
    print(f"{op} f64 lanes={lanes}: max {error:.2f} ulp from numpy")
    assert error <= 1


# op, float64 reference, f32 range, f64 range: exp2/log2/log10/log1p/expm1 (math_derived.py)
DERIVED: list[
    tuple[str, Callable[[npt.NDArray[np.float64]], npt.NDArray[np.float64]], float, float]
] = [
    ("math.exp2", np.exp2, 200.0, 1200.0),
    ("math.log2", np.log2, 1e38, 1e307),
    ("math.log10", np.log10, 1e38, 1e307),
    ("math.log1p", np.log1p, 1e30, 1e300),
    ("math.expm1", np.expm1, 110.0, 760.0),
]


@pytest.mark.parametrize("t", ["f32", "f64"])
@pytest.mark.parametrize(("op", "reference", "f32_range", "f64_range"), DERIVED)
def test_derived_within_two_ulp(
    op: str,
    reference: Callable[[npt.NDArray[np.float64]], npt.NDArray[np.float64]],
    f32_range: float,
    f64_range: float,
    t: str,
) -> None:
    """Within 2 ulp of float64 numpy (f32) or of numpy itself (f64), specials exact."""
    dtype = np.float32 if t == "f32" else np.float64
    bound = f32_range if t == "f32" else f64_range
    rng = np.random.default_rng(len(op))
    n = 1 << 14
    specials = np.array([0.0, -0.0, np.inf, -np.inf, np.nan, -1.0, 1.0, -0.5, 1e-10, -1e-10])
    top = 38.0 if t == "f32" else 307.0
    magnitudes = 10.0 ** rng.uniform(-top, top, n - n // 3 - specials.size)
    spread = np.clip(rng.choice([-1.0, 1.0], magnitudes.size) * magnitudes, -bound, bound)
    x = np.concatenate([specials, np.linspace(-bound, bound, n // 3), spread]).astype(dtype)
    got = compiled(op, 8, n, t)(x)
    np.testing.assert_array_equal(got, compiled(op, 1, n, t)(x))
    with np.errstate(all="ignore"):
        exact = reference(x.astype(np.float64))
        rounded = exact.astype(dtype)
    finite = np.isfinite(rounded)
    np.testing.assert_array_equal(got[~finite], rounded[~finite])
    zero = rounded == 0
    np.testing.assert_array_equal(np.signbit(got[zero]), np.signbit(rounded[zero]))
    spacing = np.spacing(np.abs(rounded[finite])).astype(np.float64)
    error = np.max(np.abs(got[finite].astype(np.float64) - exact[finite]) / spacing)
    print(f"{op} {t}: max {error:.2f} ulp")
    assert error <= 2


def test_other_float_types_are_refused_with_the_legal_types() -> None:
    module = parse_module(
        "func.func @e(%x: f80) -> f80 {\n  %y = math.exp %x : f80\n  func.return %y : f80\n}\n"
    )
    with pytest.raises(DiagnosticException, match="on f32, f64 and 1-D vectors of them, got f80"):
        LoopToLLVMPass().apply(make_context(), module)


def test_exp_underflow_gives_subnormals_on_every_float() -> None:
    """Every f32 in [-104, -87] (2.2M of them: e^x leaves the normal range at -87.34 and
    reaches 0 at -103.98) within 1 ulp of the subnormal spacing, zeros where f32 rounds to 0."""
    top, bottom = np.array([-87.0, -104.0], dtype=np.float32).view(np.int32)
    x = np.arange(top, bottom + 1, dtype=np.int32).view(np.float32)
    x = x[: x.size // 8 * 8]
    got = compiled("math.exp", 8, x.size)(x)
    exact = np.exp(x.astype(np.float64))
    error = np.max(np.abs(got - exact) / np.spacing(np.abs(exact.astype(np.float32))))
    print(f"math.exp on [-104, -87]: max error {error:.2f} ulp")
    assert error <= 1
    assert np.all(got[exact.astype(np.float32) == 0] == 0)
    assert np.count_nonzero((got > 0) & (got < np.finfo(np.float32).tiny)) > x.size // 2


def test_exp_timing_against_numpy() -> None:
    n = 1 << 20
    x = np.random.default_rng(7).uniform(-80, 80, n).astype(np.float32)
    theirs = np.exp(x)
    start = time.perf_counter()
    for _ in range(10):
        np.exp(x)
    numpy_ms = (time.perf_counter() - start) * 100
    for lanes in (1, 8):
        exp = compiled("math.exp", lanes, n)
        ours = exp(x)
        start = time.perf_counter()
        for _ in range(10):
            exp(x)
        ours_ms = (time.perf_counter() - start) * 100
        print(f"exp on 1M f32, lanes={lanes}: dlir {ours_ms:.2f} ms, numpy {numpy_ms:.2f} ms")
        np.testing.assert_allclose(
            ours, theirs, rtol=5e-7
        )  # two f32 ulps: ours and numpy each round
