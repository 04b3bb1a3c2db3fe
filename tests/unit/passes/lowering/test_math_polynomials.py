"""math.exp/log/tanh/erf lowered by loop-to-llvm to inline polynomials, run natively against
float64 references on 1e5+ points, specials (0, -0, +-inf, NaN, subnormals) included, scalar
and vector<8xf32> alike; plus the structure (no calls) and an exp timing (printed, not asserted)."""

from __future__ import annotations

import math
import time
from collections.abc import Callable

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

Array = npt.NDArray[np.float32]


def kernel(op: str, lanes: int, n: int = N) -> str:
    """`loop.func @k(%a, %b)`: b[i] = op(a[i]), serially (lanes 1) or 8 at a time."""
    if lanes == 1:
        body = (
            f"    %x = loop.load %a[%i] : memref<{n}xf32>\n"
            f"    %y = {op} %x : f32\n"
            f"    loop.store %y, %b[%i] : memref<{n}xf32>\n"
        )
    else:
        body = (
            f"    %x = loop.vload %a[%i * {lanes}] : memref<{n}xf32>, vector<{lanes}xf32>\n"
            f"    %y = {op} %x : vector<{lanes}xf32>\n"
            f"    loop.vstore %y, %b[%i * {lanes}] : memref<{n}xf32>, vector<{lanes}xf32>\n"
        )
    return (
        f"loop.func @k(%a: memref<{n}xf32>, %b: memref<{n}xf32>) attributes {{num_outputs = 1 : i64}} {{\n"
        "  %c0 = arith.constant 0 : index\n"
        "  %c1 = arith.constant 1 : index\n"
        f"  %n = arith.constant {n // lanes} : index\n"
        "  loop.for %i = %c0 to %n step %c1 {\n"
        f"{body}"
        "  }\n"
        "  loop.return\n"
        "}\n"
    )


def compiled(op: str, lanes: int, n: int = N) -> Callable[[Array], Array]:
    module = parse_module(kernel(op, lanes, n))
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
    assert not any(isinstance(op, (llvm.CallOp, llvm.CallIntrinsicOp)) for op in module.walk())
    assert {"llvm.bitcast", "llvm.icmp", "llvm.intr.fma", "llvm.shl"} <= names
    assert not any(name.startswith("math.") for name in names)


def test_f64_is_refused_with_the_legal_types() -> None:
    module = parse_module(
        "func.func @e(%x: f64) -> f64 {\n  %y = math.exp %x : f64\n  func.return %y : f64\n}\n"
    )
    with pytest.raises(DiagnosticException, match="on f32 and 1-D vector<Nxf32> only, got f64"):
        LoopToLLVMPass().apply(make_context(), module)


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
