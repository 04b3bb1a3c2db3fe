"""The GEMM micro-kernel run natively against numpy: hand-written loop IR packs the panels
and calls it through `hw.call` on `loop.subview`s (loop-to-llvm, then the JIT)."""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dlir.backends.llvm.callable import jit_function
from dlir.backends.llvm.jit import host_has_features
from dlir.intrinsics import build, declare
from dlir.parser import parse_module
from dlir.passes import run_pipeline
from tests.unit.intrinsics.conftest import gemm_program

pytestmark = pytest.mark.skipif(
    not host_has_features("avx2", "fma"), reason="the micro-kernel needs avx2 and fma"
)


def run_gemm(
    m: int,
    n: int,
    k: int,
    ldc: int,
    *,
    mr: int = 6,
    nr: int = 16,
    a_layout: str = "packed",
    b_layout: str = "packed",
    unroll: int = 4,
    parallel: bool = False,
    seed: int = 0,
) -> None:
    params: dict[str, int | str] = dict(
        mr=mr, nr=nr, kc=k, a_layout=a_layout, b_layout=b_layout, unroll=unroll
    )
    name = build("gemm_microkernel", **params).name
    text = gemm_program(
        m,
        n,
        k,
        ldc,
        name=name,
        mr=mr,
        nr=nr,
        a_layout=a_layout,
        b_layout=b_layout,
        parallel=parallel,
    )
    module = parse_module(text)
    declare(module, "gemm_microkernel", **params)
    module.verify()
    run_pipeline("loop-to-llvm", module)
    matmul = jit_function(module, "mm")
    rng = np.random.default_rng(seed)
    a = rng.standard_normal((m, k), dtype=np.float32)
    b = rng.standard_normal((k, n), dtype=np.float32)
    c = np.full((m, ldc), np.nan, np.float32)
    matmul(a, b, c)
    expected = a.astype(np.float64) @ b.astype(np.float64)
    np.testing.assert_allclose(c[:, :n], expected, rtol=1e-5, atol=1e-5 * k)
    assert (c[:, n:] == 0).all()  # the columns past n of each row are untouched (zeroed)


@pytest.mark.parametrize(
    ("m", "n", "k", "ldc"),
    [
        (6, 16, 1, 16),  # k = 1: no k loop, the remainder only
        (12, 32, 13, 37),  # odd k (3 x unroll 4 + 1) and odd ldc
        (18, 16, 64, 17),
        (6, 48, 33, 61),
    ],
)
def test_packed_panels_match_numpy(m: int, n: int, k: int, ldc: int) -> None:
    run_gemm(m, n, k, ldc)


@pytest.mark.parametrize(
    ("a_layout", "b_layout"), [("strided", "strided"), ("packed", "strided"), ("strided", "packed")]
)
def test_strided_panels_match_numpy(a_layout: str, b_layout: str) -> None:
    run_gemm(12, 32, 7, 33, a_layout=a_layout, b_layout=b_layout)


@pytest.mark.parametrize(("mr", "nr"), [(4, 24), (1, 8)])
def test_other_tiles_match_numpy(mr: int, nr: int) -> None:
    run_gemm(2 * mr, 2 * nr, 9, 2 * nr + 3, mr=mr, nr=nr, unroll=2)


def test_calls_inside_a_parallel_loop_match_numpy() -> None:
    run_gemm(12, 64, 20, 64, parallel=True)


@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    tiles=st.tuples(st.integers(1, 3), st.integers(1, 3)),
    k=st.integers(1, 40),
    pad=st.integers(0, 9),
    unroll=st.integers(1, 5),
    layouts=st.sampled_from(["packed", "strided"]).flatmap(
        lambda a: st.tuples(st.just(a), st.sampled_from(["packed", "strided"]))
    ),
)
def test_any_panel_shape_matches_numpy(
    tiles: tuple[int, int], k: int, pad: int, unroll: int, layouts: tuple[str, str]
) -> None:
    # property: for any k, row stride of C, unroll factor and layouts, C = A . B
    m, n = 6 * tiles[0], 16 * tiles[1]
    run_gemm(m, n, k, n + pad, unroll=unroll, a_layout=layouts[0], b_layout=layouts[1], seed=k)


def _benchmark(name: str) -> ModuleType:
    path = Path(__file__).resolve().parents[3] / "benchmarks" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(f"benchmarks_{name}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(("m", "n", "k", "mc", "kc"), [(28, 32, 16, 12, 8), (4, 16, 4, 6, 4)])
def test_the_gotoblas_benchmark_program_matches_numpy(
    m: int, n: int, k: int, mc: int, kc: int
) -> None:
    # benchmarks/gemm_ukernel.py: row blocks, a shorter last block, a scratch row tail
    compile_gemm: Callable[..., Callable[..., object]] = _benchmark("gemm_ukernel").compile_gemm
    rng = np.random.default_rng(1)
    a = rng.standard_normal((m, k), dtype=np.float32)
    b = rng.standard_normal((k, n), dtype=np.float32)
    c = np.full((m, n), np.nan, np.float32)
    compile_gemm(m, n, k, mc, kc)(a, b, c)
    np.testing.assert_allclose(c, a.astype(np.float64) @ b, rtol=1e-5, atol=1e-5 * k)


def test_the_microbenchmark_checks_its_result() -> None:
    measure: Callable[..., tuple[float, float]] = _benchmark("ukernel").measure
    median, best = measure(8, 4, 6, 16, 50, 1)
    assert 0 < median <= best
