"""Parallel loops on real threads: `loop-to-llvm` outlines each outermost parallel loop and
the runtime's thread pool runs it. Every kernel is checked against numpy, and the runtime's
counters show which loops ran on the pool and how many chunks the worker threads ran."""

from __future__ import annotations

import ctypes
import itertools
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from functools import cache

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dlir.backends.llvm.callable import CompiledFunction, jit_function
from dlir.backends.llvm.jit import host_has_features
from dlir.backends.llvm.runtime import (
    DEFAULT_THRESHOLD,
    Runtime,
    RuntimeConfigError,
    available_cpus,
    load_runtime,
    threads_from_environment,
)
from dlir.parser import parse_module
from dlir.passes import run_pipeline


@pytest.fixture
def runtime() -> Iterator[Runtime]:
    """The runtime with 2 threads and no threshold (every loop of 2+ iterations splits),
    its counters reset; the settings are restored afterwards."""
    rt = load_runtime()
    threads, threshold = rt.num_threads, rt.threshold
    rt.num_threads, rt.threshold = 2, 0
    rt.reset_stats()
    yield rt
    rt.num_threads, rt.threshold = threads, threshold


def compile_kernel(text: str, name: str) -> CompiledFunction:
    module = parse_module(text)
    run_pipeline("loop-to-llvm", module)
    return jit_function(module, name)


def scale(lb: int, ub: int, step: int, n: int) -> str:
    """y[i] = x[i] * s + i for i in lb, lb + step, ... < ub (in parallel); other y unchanged."""
    return f"""
loop.func @scale(%x: memref<{n}xf32>, %s: f32, %y: memref<{n}xf32>) attributes {{num_outputs = 1 : i64}} {{
  %lb = arith.constant {lb} : index
  %ub = arith.constant {ub} : index
  %step = arith.constant {step} : index
  loop.for %i = %lb to %ub step %step parallel {{
    %v = loop.load %x[%i] : memref<{n}xf32>
    %m = arith.mulf %v, %s : f32
    %ii = arith.index_cast %i : index to i64
    %fi = arith.sitofp %ii : i64 to f32
    %r = arith.addf %m, %fi : f32
    loop.store %r, %y[%i] : memref<{n}xf32>
  }}
  loop.return
}}
"""


def scale_reference(x: np.ndarray, s: float, lb: int, ub: int, step: int) -> np.ndarray:
    y = np.full_like(x, -1.0)
    index = np.arange(lb, ub, step)
    y[index] = x[index] * np.float32(s) + index.astype(np.float32)
    return y


@pytest.mark.parametrize(
    ("lb", "ub", "step"),
    [(0, 1, 1), (0, 2, 1), (0, 3, 1), (0, 7, 1), (0, 1001, 1), (1, 1001, 3), (5, 12, 4), (3, 3, 1)],
)
def test_parallel_loop_matches_numpy(runtime: Runtime, lb: int, ub: int, step: int):
    n = max(ub, 1)
    kernel = compile_kernel(scale(lb, ub, step, n), "scale")
    x = np.random.default_rng(0).standard_normal(n).astype(np.float32)
    y = np.full_like(x, -1.0)
    kernel(x, np.float32(1.5), y)
    np.testing.assert_allclose(y, scale_reference(x, 1.5, lb, ub, step), rtol=1e-6)
    trips = len(range(lb, ub, step))
    stats = runtime.stats()
    if trips >= 2:
        # two chunks: the caller runs chunk 0, chunk 1 runs on the worker or, if the worker
        # has not claimed it yet when the caller is done, on the caller
        assert (stats.parallel, stats.serial, stats.worker_chunks + stats.stolen) == (1, 0, 1)
    elif trips == 1:
        assert (stats.parallel, stats.serial, stats.worker_chunks + stats.stolen) == (0, 1, 0)
    else:
        assert (stats.parallel, stats.serial, stats.worker_chunks + stats.stolen) == (0, 0, 0)


def test_outlined_body_is_still_vectorized(runtime: Runtime):
    kernel = compile_kernel(scale(0, 4096, 1, 4096), "scale")
    ir = kernel.compiled.llvm_ir()
    task = ir[ir.index("define void @scale__parallel0_task") :]
    assert "<8 x float>" in task or "<4 x float>" in task
    if host_has_features("avx2"):
        assert "<8 x float>" in task


NESTED = """
loop.func @nested(%x: memref<13x33xf32>, %y: memref<13x33xf32>) attributes {num_outputs = 1 : i64} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c13 = arith.constant 13 : index
  %c33 = arith.constant 33 : index
  %two = arith.constant 2.0 : f32
  loop.for %i = %c0 to %c13 step %c1 parallel {
    loop.for %j = %c0 to %c33 step %c1 parallel {
      %v = loop.load %x[%i, %j] : memref<13x33xf32>
      %m = arith.mulf %v, %two : f32
      loop.store %m, %y[%i, %j] : memref<13x33xf32>
    }
  }
  loop.return
}
"""


def test_nested_parallel_loops_split_only_the_outer_one(runtime: Runtime):
    kernel = compile_kernel(NESTED, "nested")
    x = np.random.default_rng(1).standard_normal((13, 33)).astype(np.float32)
    y = np.zeros_like(x)
    kernel(x, y)
    np.testing.assert_array_equal(y, 2 * x)
    assert kernel.compiled.llvm_ir().count("call void @dlir_parallel_for") == 1
    assert runtime.stats().parallel == 1


# Each row goes through a local buffer allocated inside the parallel body (one per thread):
# y[i, j] = x[i, 32 - j] + x[i, j].
LOCAL_BUFFER = """
loop.func @mirror(%x: memref<7x33xf32>, %y: memref<7x33xf32>) attributes {num_outputs = 1 : i64} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c7 = arith.constant 7 : index
  %c33 = arith.constant 33 : index
  loop.for %i = %c0 to %c7 step %c1 parallel {
    %row = loop.alloc "local" align 64 : memref<33xf32, "local">
    loop.for %j = %c0 to %c33 step %c1 {
      %v = loop.load %x[%i, 32 - %j] : memref<7x33xf32>
      loop.store %v, %row[%j] : memref<33xf32, "local">
    }
    loop.for %j = %c0 to %c33 step %c1 {
      %a = loop.load %row[%j] : memref<33xf32, "local">
      %b = loop.load %x[%i, %j] : memref<7x33xf32>
      %s = arith.addf %a, %b : f32
      loop.store %s, %y[%i, %j] : memref<7x33xf32>
    }
    loop.free %row : memref<33xf32, "local">
  }
  loop.return
}
"""


def test_parallel_body_with_a_local_buffer(runtime: Runtime):
    kernel = compile_kernel(LOCAL_BUFFER, "mirror")
    x = np.random.default_rng(2).standard_normal((7, 33)).astype(np.float32)
    y = np.zeros_like(x)
    kernel(x, y)
    np.testing.assert_array_equal(y, x[:, ::-1] + x)
    assert runtime.stats().worker_chunks + runtime.stats().stolen == 1


# Row sums: each parallel iteration reduces into its own row of y; the outer serial loop
# launches the parallel loop `%reps` times (one context, reused).
ROW_SUMS = """
loop.func @row_sums(%x: memref<33x13xf32>, %reps: index, %y: memref<33xf32>) attributes {num_outputs = 1 : i64} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c13 = arith.constant 13 : index
  %c33 = arith.constant 33 : index
  %zero = arith.constant 0.0 : f32
  loop.for %r = %c0 to %reps step %c1 {
    loop.for %i = %c0 to %c33 step %c1 parallel {
      loop.store %zero, %y[%i] : memref<33xf32>
      loop.for %k = %c0 to %c13 step %c1 {
        %acc = loop.load %y[%i] : memref<33xf32>
        %v = loop.load %x[%i, %k] : memref<33x13xf32>
        %s = arith.addf %acc, %v : f32
        loop.store %s, %y[%i] : memref<33xf32>
      }
    }
  }
  loop.return
}
"""


def test_reductions_into_disjoint_rows_inside_a_serial_loop(runtime: Runtime):
    kernel = compile_kernel(ROW_SUMS, "row_sums")
    x = np.random.default_rng(3).standard_normal((33, 13)).astype(np.float32)
    y = np.zeros(33, dtype=np.float32)
    kernel(x, 5, y)
    np.testing.assert_allclose(y, x.sum(axis=1), rtol=1e-5, atol=1e-6)
    assert runtime.stats().parallel == 5


# Bounds, step and a scalar from the arguments; a value computed before the loop.
DYNAMIC = """
loop.func @axpy(%x: memref<1001xf32>, %a: f32, %lb: index, %ub: index, %step: index, %y: memref<1001xf32>) attributes {num_outputs = 1 : i64} {
  %c1 = arith.constant 1 : index
  %shift = arith.addi %lb, %c1 : index
  loop.for %i = %lb to %ub step %step parallel {
    %v = loop.load %x[%i] : memref<1001xf32>
    %w = loop.load %y[%i] : memref<1001xf32>
    %p = arith.mulf %v, %a : f32
    %s = arith.addf %p, %w : f32
    %ii = arith.subi %i, %shift : index
    %t = arith.index_cast %ii : index to i64
    %f = arith.sitofp %t : i64 to f32
    %r = arith.addf %s, %f : f32
    loop.store %r, %y[%i] : memref<1001xf32>
  }
  loop.return
}
"""


@pytest.mark.parametrize(("lb", "ub", "step"), [(0, 1001, 1), (2, 999, 5), (7, 8, 1), (0, 0, 1)])
def test_dynamic_bounds_and_captured_scalars(runtime: Runtime, lb: int, ub: int, step: int):
    kernel = compile_kernel(DYNAMIC, "axpy")
    rng = np.random.default_rng(4)
    x, y = (rng.standard_normal(1001).astype(np.float32) for _ in range(2))
    expected = y.copy()
    index = np.arange(lb, ub, step)
    expected[index] = x[index] * np.float32(0.5) + y[index] + (index - lb - 1).astype(np.float32)
    kernel(x, np.float32(0.5), lb, ub, step, y)
    np.testing.assert_allclose(y, expected, rtol=1e-6, atol=1e-6)


@cache
def axpy() -> CompiledFunction:
    return compile_kernel(DYNAMIC, "axpy")


@settings(max_examples=40, deadline=None)
@given(
    lb=st.integers(0, 1000),
    trips=st.integers(0, 40),
    step=st.integers(1, 40),
    threads=st.integers(1, 4),
)
def test_any_split_matches_the_serial_loop(lb: int, trips: int, step: int, threads: int):
    rt = load_runtime()
    saved = rt.num_threads, rt.threshold
    rt.num_threads, rt.threshold = threads, 0
    try:
        ub = min(1001, lb + trips * step)
        rng = np.random.default_rng(lb)
        x, y = (rng.standard_normal(1001).astype(np.float32) for _ in range(2))
        serial = y.copy()
        for i in range(lb, ub, step):
            value = np.float32(x[i] * np.float32(0.5) + serial[i])
            serial[i] = value + np.float32(i - lb - 1)
        axpy()(x, np.float32(0.5), lb, ub, step, y)
        np.testing.assert_array_equal(y, serial)
    finally:
        rt.num_threads, rt.threshold = saved


# A parallel body that calls a function with its own parallel loop: the inner launches find
# the pool busy and run serially on their thread instead of waiting for it.
CALLS_PARALLEL = """
func.func @row(%x: memref<4x64xf32>, %i: index, %y: memref<4x64xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  %one = arith.constant 1.0 : f32
  loop.for %j = %c0 to %c64 step %c1 parallel {
    %v = loop.load %x[%i, %j] : memref<4x64xf32>
    %w = arith.addf %v, %one : f32
    loop.store %w, %y[%i, %j] : memref<4x64xf32>
  }
  func.return
}
loop.func @rows(%x: memref<4x64xf32>, %y: memref<4x64xf32>) attributes {num_outputs = 1 : i64} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  loop.for %i = %c0 to %c4 step %c1 parallel {
    func.call @row(%x, %i, %y) : (memref<4x64xf32>, index, memref<4x64xf32>) -> ()
  }
  loop.return
}
"""


def test_a_parallel_loop_launched_from_a_parallel_body_runs_serially(runtime: Runtime):
    kernel = compile_kernel(CALLS_PARALLEL, "rows")
    x = np.random.default_rng(7).standard_normal((4, 64)).astype(np.float32)
    y = np.zeros_like(x)
    kernel(x, y)
    np.testing.assert_array_equal(y, x + 1)
    stats = runtime.stats()
    assert (stats.parallel, stats.contended, stats.worker_chunks + stats.stolen) == (1, 4, 1)


def test_small_loops_stay_serial_below_the_threshold(runtime: Runtime):
    runtime.threshold = DEFAULT_THRESHOLD
    small = compile_kernel(scale(0, 64, 1, 64), "scale")
    x = np.ones(64, dtype=np.float32)
    small(x, np.float32(2.0), np.zeros_like(x))
    assert (runtime.stats().parallel, runtime.stats().serial) == (0, 1)
    large = compile_kernel(scale(0, 1 << 16, 1, 1 << 16), "scale")
    x = np.ones(1 << 16, dtype=np.float32)
    y = np.zeros_like(x)
    large(x, np.float32(2.0), y)
    np.testing.assert_array_equal(y, 2 + np.arange(1 << 16, dtype=np.float32))
    stats = runtime.stats()
    assert (stats.parallel, stats.worker_chunks + stats.stolen) == (1, 1)


def test_one_thread_runs_everything_serially(runtime: Runtime):
    runtime.num_threads = 1
    kernel = compile_kernel(scale(0, 1001, 1, 1001), "scale")
    x = np.ones(1001, dtype=np.float32)
    y = np.zeros_like(x)
    kernel(x, np.float32(3.0), y)
    np.testing.assert_array_equal(y, scale_reference(x, 3.0, 0, 1001, 1))
    stats = runtime.stats()
    assert (stats.parallel, stats.serial, stats.worker_chunks + stats.stolen) == (0, 1, 0)


def test_many_calls_neither_leak_nor_hang(runtime: Runtime):
    kernel = compile_kernel(scale(0, 7, 1, 7), "scale")
    x = np.arange(7, dtype=np.float32)
    y = np.zeros_like(x)
    kernel(x, np.float32(2.0), y)
    workers = runtime.stats().workers
    for _ in range(10_000):
        kernel(x, np.float32(2.0), y)
    np.testing.assert_array_equal(y, 3 * x)
    stats = runtime.stats()
    assert (stats.parallel, stats.worker_chunks + stats.stolen) == (10_001, 10_001)
    assert stats.workers == workers  # the pool is reused, never regrown


def test_concurrent_calls_from_two_python_threads(runtime: Runtime):
    kernel = compile_kernel(scale(0, 1001, 1, 1001), "scale")
    calls = 2_000
    errors: list[str] = []

    def work(seed: int) -> None:
        x = np.random.default_rng(seed).standard_normal(1001).astype(np.float32)
        y = np.zeros_like(x)
        expected = scale_reference(x, 0.25, 0, 1001, 1)
        for _ in range(calls):
            kernel(x, np.float32(0.25), y)
            if not np.allclose(y, expected, rtol=1e-6):
                errors.append(f"thread {seed}: wrong result")
                return

    threads = [threading.Thread(target=work, args=(seed,)) for seed in (5, 6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a call hung"
    assert errors == []
    stats = runtime.stats()
    # a call that finds the pool busy runs serially instead of waiting
    assert stats.parallel + stats.contended == 2 * calls
    assert stats.worker_chunks + stats.stolen == stats.parallel


def test_num_threads_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("DLIR_NUM_THREADS", "3")
    assert threads_from_environment() == 3
    monkeypatch.delenv("DLIR_NUM_THREADS")
    assert threads_from_environment() == available_cpus() >= 1
    for bad in ("0", "many", "-2", "100000"):
        monkeypatch.setenv("DLIR_NUM_THREADS", bad)
        with pytest.raises(
            RuntimeConfigError, match=r"DLIR_NUM_THREADS must be an integer in \[1, 256\]"
        ):
            threads_from_environment()


def test_runtime_settings_are_checked(runtime: Runtime):
    with pytest.raises(RuntimeConfigError, match="num_threads must be in"):
        runtime.num_threads = 0
    with pytest.raises(RuntimeConfigError, match="threshold must be >= 0"):
        runtime.threshold = -1


Task = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.c_int64, ctypes.c_int64)


@pytest.mark.parametrize("threads", [2, 3])
@pytest.mark.parametrize(("lb", "ub", "step"), [(0, 2, 1), (1, 1001, 3), (0, 7, 1), (5, 100, 7)])
def test_chunks_are_contiguous_and_step_aligned(
    runtime: Runtime, threads: int, lb: int, ub: int, step: int
):
    runtime.num_threads = threads
    chunks: list[tuple[int, int]] = []

    def record(ctx: int | None, begin: int, end: int) -> None:
        chunks.append((begin, end))

    task = Task(record)  # runs on the worker threads too (ctypes takes the GIL)
    runtime.parallel_for(ctypes.cast(task, ctypes.c_void_p), None, lb, ub, step, 1)
    chunks.sort()
    assert len(chunks) == min(threads, len(range(lb, ub, step)))
    assert chunks[0][0] == lb and chunks[-1][1] == ub
    for (_, end), (begin, _) in itertools.pairwise(chunks):
        assert end == begin and (begin - lb) % step == 0
    # static chunks: the same number of iterations each, the last one possibly fewer
    sizes = [len(range(begin, end, step)) for begin, end in chunks]
    assert sizes[:-1] == [sizes[0]] * (len(sizes) - 1) and 0 < sizes[-1] <= sizes[0]
    stats = runtime.stats()
    assert stats.worker_chunks + stats.stolen == len(chunks) - 1


def test_chunks_run_on_two_threads_at_once(runtime: Runtime):
    # Each chunk waits at a barrier for the other: the loop finishes only if the worker runs
    # chunk 1 while the caller is inside chunk 0 (then the caller cannot take chunk 1).
    barrier = threading.Barrier(2, timeout=20)
    threads: list[int] = []

    def meet(ctx: int | None, begin: int, end: int) -> None:
        threads.append(threading.get_native_id())
        barrier.wait()

    task = Task(meet)
    for _ in range(20):
        runtime.parallel_for(ctypes.cast(task, ctypes.c_void_p), None, 0, 2, 1, 1)
    assert not barrier.broken
    # each loop's two chunks met at the barrier on two threads, the caller one of them (the
    # other is any pool worker: earlier tests with more threads leave more workers)
    me = threading.get_native_id()
    pairs = [set(threads[n : n + 2]) for n in range(0, len(threads), 2)]
    assert all(len(pair) == 2 and me in pair for pair in pairs) and len(pairs) == 20
    stats = runtime.stats()
    assert (stats.parallel, stats.worker_chunks, stats.stolen) == (20, 20, 0)


@pytest.mark.parametrize(
    ("threads", "expected"),
    [("1", "1 0 1 0 [(0, 100)]"), ("2", "2 1 0 1 [(0, 50), (50, 100)]")],
)
def test_dlir_num_threads_sets_the_pool_and_the_process_exits_cleanly(threads: str, expected: str):
    # A fresh process: only the runtime (llvmlite) is imported; DLIR_NUM_THREADS=1 runs the
    # loop whole on the caller and starts no thread; with 2, the process still exits at once.
    script = """
import ctypes
from dlir.backends.llvm.runtime import load_runtime
rt = load_runtime()
rt.threshold = 0
chunks = []
task = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.c_int64, ctypes.c_int64)(
    lambda ctx, begin, end: chunks.append((begin, end))
)
rt.parallel_for(ctypes.cast(task, ctypes.c_void_p), None, 0, 100, 1, 1000)
s = rt.stats()
print(rt.num_threads, s.parallel, s.serial, s.workers, sorted(chunks))
"""
    env = {**os.environ, "DLIR_NUM_THREADS": threads}
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == expected
