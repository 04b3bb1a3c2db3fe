"""The native runtime that compiled kernels call: a pool of threads for parallel loops.

    rt = load_runtime()                    # once per process: JIT runtime.ll, export its symbols
    rt.num_threads                         # DLIR_NUM_THREADS, default: the CPUs we may use
    rt.stats()                             # RuntimeStats(parallel=3, serial=10, ...)

`runtime.ll` (LLVM IR, no C compiler needed) defines `dlir_parallel_for(fn, ctx, lb, ub,
step, work)`, the call that `loop-to-llvm` emits for an outermost `loop.for ... parallel`
(see `dlir.passes.lowering.parallel`). It is compiled once into its own MCJIT engine, which
is never freed (its worker threads run its code until the process exits), and its functions
are added to LLVM's process-wide symbol table, so every module that `compile_module` JITs
afterwards resolves `dlir_parallel_for` to it; pthreads come from the C library.

The threshold is in the compiler's work units (about one scalar op, see
`estimate_work`): a parallel loop whose trip count x work per iteration is below it runs
serially on the calling thread. `DEFAULT_THRESHOLD` is set where a split in two starts to
pay on the reference machine (2 cores): see the measurements in its comment.
"""
# llvmlite ships no type information: its members are Unknown to pyright (as Lark in dlir/parser).
# pyright: reportUnknownMemberType=false, reportUnknownVariableType=false, reportUnknownArgumentType=false, reportAttributeAccessIssue=false

from __future__ import annotations

import ctypes
import os
import threading
from dataclasses import dataclass
from pathlib import Path

import llvmlite.binding as llvm

NUM_THREADS_ENV = "DLIR_NUM_THREADS"
MAX_THREADS = 256
# Measured on the reference machine (2 vCPUs, AMD EPYC, lightly loaded): y = x * 1.5 + x over
# n floats (4 work units per element, vectorized), serial vs 2 threads, back to back:
# n = 4096 (16k units): 0.26 vs 0.39 us; 8192 (32k): 0.8-1.1 vs 0.7-0.8 us; 16384 (65k):
# 1.6-1.8 vs 1.2-1.5 us; 65536 (262k): 6.7-7.9 vs 3.7-5.1 us. A split starts to pay near
# 32k-65k units; one parallel-for costs ~0.1-0.2 us when the worker spins, a few us to wake it.
DEFAULT_THRESHOLD = 50_000
RUNTIME_SYMBOLS = frozenset({"dlir_parallel_for"})

_SOURCE = Path(__file__).with_name("runtime.ll")
_EXPORTS = (
    "dlir_parallel_for",
    "dlir_runtime_init",
    "dlir_runtime_set_num_threads",
    "dlir_runtime_get_num_threads",
    "dlir_runtime_set_threshold",
    "dlir_runtime_get_threshold",
    "dlir_runtime_stats",
    "dlir_runtime_reset_stats",
)


class RuntimeConfigError(ValueError):
    """A runtime setting (e.g. DLIR_NUM_THREADS) is not legal."""


@dataclass(frozen=True)
class RuntimeStats:
    """Counters since the last reset, and the worker threads alive (never reset).

    `parallel`: parallel-for calls split over threads; `serial`: run serially because small,
    of one iteration, or single-threaded; `contended`: run serially because the pool was busy;
    `worker_chunks`: chunks run by worker threads; `stolen`: chunks after the first run by the
    calling thread because no worker had claimed them yet.
    """

    parallel: int
    serial: int
    contended: int
    worker_chunks: int
    stolen: int
    workers: int


def threads_from_environment() -> int:
    """`DLIR_NUM_THREADS` if set (an integer in [1, 256]), else the CPUs this process may
    run on (`os.cpu_count()` where the affinity mask is unknown)."""
    text = os.environ.get(NUM_THREADS_ENV)
    if text is None or not text.strip():
        return min(MAX_THREADS, available_cpus())
    try:
        value = int(text)
    except ValueError:
        value = 0
    if not 1 <= value <= MAX_THREADS:
        raise RuntimeConfigError(
            f"{NUM_THREADS_ENV} must be an integer in [1, {MAX_THREADS}], got '{text}'"
        )
    return value


def available_cpus() -> int:
    """CPUs in this process's affinity mask, or `os.cpu_count()` where there is none."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)


class Runtime:
    """The loaded runtime: its entry points, callable from Python for settings and stats."""

    def __init__(self, addresses: dict[str, int]) -> None:
        self.addresses = addresses
        void, i64 = None, ctypes.c_int64
        self._set_threads = ctypes.CFUNCTYPE(void, i64)(addresses["dlir_runtime_set_num_threads"])
        self._get_threads = ctypes.CFUNCTYPE(i64)(addresses["dlir_runtime_get_num_threads"])
        self._set_threshold = ctypes.CFUNCTYPE(void, i64)(addresses["dlir_runtime_set_threshold"])
        self._get_threshold = ctypes.CFUNCTYPE(i64)(addresses["dlir_runtime_get_threshold"])
        self._stats = ctypes.CFUNCTYPE(void, ctypes.c_void_p)(addresses["dlir_runtime_stats"])
        self._reset = ctypes.CFUNCTYPE(void)(addresses["dlir_runtime_reset_stats"])
        self.parallel_for = ctypes.CFUNCTYPE(
            void, ctypes.c_void_p, ctypes.c_void_p, i64, i64, i64, i64
        )(addresses["dlir_parallel_for"])

    @property
    def num_threads(self) -> int:
        """Threads a parallel loop uses, the calling one included."""
        return int(self._get_threads())

    @num_threads.setter
    def num_threads(self, value: int) -> None:
        if not 1 <= value <= MAX_THREADS:
            raise RuntimeConfigError(f"num_threads must be in [1, {MAX_THREADS}], got {value}")
        self._set_threads(value)

    @property
    def threshold(self) -> int:
        """Parallel loops with trip count x work per iteration below this run serially."""
        return int(self._get_threshold())

    @threshold.setter
    def threshold(self, value: int) -> None:
        if value < 0:
            raise RuntimeConfigError(f"the threshold must be >= 0, got {value}")
        self._set_threshold(value)

    def stats(self) -> RuntimeStats:
        out = (ctypes.c_int64 * 6)()
        self._stats(ctypes.addressof(out))
        return RuntimeStats(*(int(v) for v in out))

    def reset_stats(self) -> None:
        self._reset()


_lock = threading.Lock()
_loaded: list[Runtime] = []


def load_runtime() -> Runtime:
    """The process's runtime, JIT-compiled and initialised on first use (thread-safe)."""
    with _lock:
        if not _loaded:
            _loaded.append(_compile())
        return _loaded[0]


def _compile() -> Runtime:
    threads = threads_from_environment()
    llvm.initialize_native_target()
    llvm.initialize_native_asmprinter()
    target = llvm.Target.from_default_triple()
    machine = target.create_target_machine(
        cpu=llvm.get_host_cpu_name(), opt=2, reloc="pic", codemodel="jitdefault", jit=True
    )
    module = llvm.parse_assembly(_SOURCE.read_text() + _spin_hint(machine.triple))
    module.triple = machine.triple
    module.data_layout = str(machine.target_data)
    module.verify()
    engine = llvm.create_mcjit_compiler(module, machine)
    engine.finalize_object()
    addresses = {name: engine.get_function_address(name) for name in _EXPORTS}
    # The workers run this engine's code until the process exits: never free it.
    engine.detach()
    for name, address in addresses.items():
        llvm.add_symbol(name, address)
    ctypes.CFUNCTYPE(None, ctypes.c_int64)(addresses["dlir_runtime_init"])(threads)
    runtime = Runtime(addresses)
    runtime.threshold = DEFAULT_THRESHOLD
    return runtime


def _spin_hint(triple: str) -> str:
    """`@spin_hint` for `triple`: `pause` on x86, `yield` on AArch64, nothing elsewhere."""
    arch = triple.split("-")[0]
    if arch in ("x86_64", "i386", "i686"):
        body, declaration = (
            "call void @llvm.x86.sse2.pause()",
            "declare void @llvm.x86.sse2.pause()",
        )
    elif arch in ("aarch64", "arm64"):
        body, declaration = (
            "call void @llvm.aarch64.hint(i32 1)",
            "declare void @llvm.aarch64.hint(i32)",
        )
    else:
        body, declaration = "", ""
    return f"""
define internal void @spin_hint() alwaysinline nounwind {{
  {body}
  ret void
}}
{declaration}
"""
