"""Kernel benchmarks: dlir's compiled graph programs against numpy, TVM, Halide and onnxruntime.

    python benchmarks/run.py                                  # 8 workloads, 1 and 2 threads
    python benchmarks/run.py --peers-python /work/peers-venv/bin/python --write-results
    python benchmarks/run.py --quick --threads 1              # small odd sizes, seconds
    python benchmarks/run.py --peers-python ... --targets     # plus issue 5's targets table

For each workload and thread count, one subprocess (thread variables set before numpy is
imported) compiles the graph program with `dlir.compile` ("dlir") and the workload's hand
schedule `schedules/<workload>.mlir` with `compile-cpu` from te-to-loop on ("dlir-sched"),
checks them once against a float64 numpy reference, then times them and numpy round-robin:
warm-up, then the median and min of up to `--repeat` samples. Right after, the peers'
scripts (`bench_*.py` of `--peers-dir`) time their systems and their own numpy on the same
workload, in the peers' Python.
"x numpy" is numpy's median time over the system's, numpy timed in the same process;
"x best peer" is the fastest peer's median time over the system's (higher is better).
"""

from __future__ import annotations

import argparse
import gc
import importlib.util
import json
import math
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from report import (
    RESULTS,
    Record,
    load_average,
    machine_info,
    markdown_table,
    targets_table,
    write_results,
)
from workloads import SCHEDULES, Workload, full, quick

DEFAULT_PEERS_DIR = Path(os.environ.get("DLIR_PEERS_DIR", "/work/shared/peers"))
THREAD_ENV = (
    "DLIR_NUM_THREADS",
    "OMP_NUM_THREADS",
    "OPENBLAS_NUM_THREADS",
    "MKL_NUM_THREADS",
    "NUMEXPR_NUM_THREADS",
)
# OpenBLAS's idle workers spin for ~2^28 cycles after each call; timed round-robin with
# another threaded runtime they steal its cores (dlir's 2-thread matmul measured 79 ms
# instead of 47 ms next to numpy). 2^4 cycles make them sleep at once: set for every process.
QUIET_BLAS_ENV = {"OPENBLAS_THREAD_TIMEOUT": "4"}
MARK = "BENCH "  # prefix of the child's record lines on stdout
MIN_SAMPLE_S = 0.02
SUBPROCESS_TIMEOUT_S = 1800
SYSTEMS = ("dlir", "dlir-sched", "numpy", "peers")


def schedule_pipeline() -> str:
    """`compile-cpu` from te-to-loop on: the hand schedules are te kernels, and every
    loop-level pass the default pipeline gains applies to them too."""
    from dlir.passes.registry import PIPELINES

    passes = PIPELINES["compile-cpu"][0].split(",")
    return ",".join(passes[passes.index("te-to-loop") :])


class UsageError(Exception):
    """A command-line mistake, reported in one line with exit status 2."""


# --- timing (in the child) ------------------------------------------------------------------


def time_interleaved(
    fns: dict[str, Callable[[], object]], repeat: int, budget_s: float
) -> dict[str, list[float]]:
    """Per-call seconds of each callable, sampled round-robin so noise hits all of them alike.

    A sample times `inner` back-to-back calls, `inner` chosen so that it lasts at least 20 ms.
    At least min(3, repeat) rounds run; further rounds stop at `repeat` or past `budget_s`.
    The callables must be warm (called once) already.
    """
    samples: dict[str, list[float]] = {name: [] for name in fns}
    inner: dict[str, int] = {}
    for name, fn in fns.items():
        start = time.perf_counter()
        fn()
        once = time.perf_counter() - start
        inner[name] = max(1, math.ceil(MIN_SAMPLE_S / max(once, 1e-9)))
        if inner[name] == 1:  # a slow call is a sample already
            samples[name].append(once)
    gc.collect()
    began = time.perf_counter()
    while any(len(s) < repeat for s in samples.values()):
        for name, fn in fns.items():
            if len(samples[name]) >= repeat:
                continue
            start = time.perf_counter()
            for _ in range(inner[name]):
                fn()
            samples[name].append((time.perf_counter() - start) / inner[name])
        rounds = min(len(s) for s in samples.values())
        if rounds >= min(3, repeat) and time.perf_counter() - began > budget_s:
            break
    return samples


def relative_error(got: object, reference: object) -> float:
    """max |got - reference| / max |reference|, or inf when the shapes differ."""
    got_a, ref_a = np.asarray(got, dtype=np.float64), np.asarray(reference, dtype=np.float64)
    if got_a.shape != ref_a.shape:
        return math.inf
    scale = float(np.abs(ref_a).max()) or 1.0
    return float(np.abs(got_a - ref_a).max()) / scale


def compile_dlir(
    workload: Workload, schedules: Path | None = None
) -> tuple[Callable[..., object], float]:
    """The workload's function compiled by `dlir.compile`, and the seconds that took (the
    file read and parse included): the graph program with the default pipeline, or, given
    `schedules`, the hand-scheduled te kernel of the workload's file there."""
    import dlir

    start = time.perf_counter()
    if schedules is None:
        program = dlir.compile(workload.text)
    else:
        text = workload.schedule_file(schedules).read_text()
        program = dlir.compile(text, schedule_pipeline())
    return program[workload.func], time.perf_counter() - start


def checked(record: Record, fn: Callable[[], object], reference: object, tol: float) -> bool:
    """Run `fn` once (the warm-up) and store its error; False, with the reason, if it is wrong."""
    record.rel_err = relative_error(fn(), reference)
    if record.rel_err > tol:
        record.error = f"wrong result: max rel err {record.rel_err:.2e} > {tol:.0e}"
        return False
    return True


def child_main(
    workload: Workload,
    threads: int,
    systems: set[str],
    args: argparse.Namespace,
) -> int:
    """Time dlir, dlir-sched and numpy on one workload in this process; print one record
    line per system.

    numpy is always measured: the ratios are relative to it. dlir-sched runs only when the
    workload has a schedule file.
    """
    inputs = workload.inputs()
    reference = workload.reference(inputs)
    fns: dict[str, Callable[[], object]] = {}
    compilers: dict[str, Path | None] = {}
    if "dlir" in systems:
        compilers["dlir"] = None
    if "dlir-sched" in systems and workload.schedule_file(args.schedules_dir).is_file():
        compilers["dlir-sched"] = args.schedules_dir
    records = {
        system: Record(system=system, workload=workload.name, threads=threads, group="dlir")
        for system in ["numpy", *compilers]
    }
    numpy_fn = workload.numpy_impl(inputs)
    if checked(records["numpy"], numpy_fn, reference, workload.tol):
        fns["numpy"] = numpy_fn
    for system, schedules in compilers.items():
        try:
            kernel, records[system].compile_s = compile_dlir(workload, schedules)

            def call(kernel: Callable[..., object] = kernel) -> object:
                return kernel(*inputs)

            if checked(records[system], call, reference, workload.tol):
                fns[system] = call
        except Exception as exc:  # the harness reports a failing compiler and goes on
            lines = str(exc).strip().splitlines() or [""]
            records[system].error = f"{type(exc).__name__}: {lines[0]}"[:300]

    for system, times in time_interleaved(fns, args.repeat, args.budget).items():
        rec = records[system]
        rec.median_s, rec.min_s, rec.runs = statistics.median(times), min(times), len(times)
    for rec in records.values():
        print(MARK + json.dumps(rec.to_json()), flush=True)
    return 0


# --- subprocesses (in the parent) ---------------------------------------------------------


def run_child(workload: Workload, threads: int, args: argparse.Namespace) -> list[Record]:
    """dlir and numpy records of one workload, measured in a fresh process with `threads`."""
    env = dict(os.environ) | QUIET_BLAS_ENV | {name: str(threads) for name in THREAD_ENV}
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", workload.name]
    cmd += ["--threads", str(threads), "--systems", args.systems]
    cmd += ["--repeat", str(args.repeat), "--budget", str(args.budget)]
    cmd += ["--schedules-dir", str(args.schedules_dir)]
    cmd += ["--quick"] if args.quick else []
    failed = Record(system="dlir", workload=workload.name, threads=threads, group="dlir")
    try:
        proc = subprocess.run(
            cmd, env=env, capture_output=True, text=True, timeout=SUBPROCESS_TIMEOUT_S
        )
    except subprocess.TimeoutExpired:
        failed.error = f"timed out after {SUBPROCESS_TIMEOUT_S} s"
        return [failed]
    records = [
        Record.from_json(json.loads(line[len(MARK) :]))
        for line in proc.stdout.splitlines()
        if line.startswith(MARK)
    ]
    if proc.returncode != 0 or not records:
        tail = " | ".join(proc.stderr.strip().splitlines()[-3:])
        failed.error = f"benchmark process exited with status {proc.returncode}: {tail}"[:400]
        return [failed]
    return records


def peer_systems(workload: Workload, peers_dir: Path) -> list[str]:
    """The peer script's systems; MetaSchedule only when its tuning database exists."""
    assert workload.peer is not None
    have_db = (peers_dir / "tvm_ms_db").is_dir()
    return [s for s in workload.peer.systems if s != "tvm_ms" or have_db]


# A peers' script measures every workload it knows (bench_conv2d.py both convolutions,
# bench_blur.py f32 and u16): its output is kept per command and reused by its other workloads.
PeerCache = dict[tuple[str, ...], "subprocess.CompletedProcess[str] | None"]


def run_peers(
    workload: Workload,
    threads: int,
    python: str,
    args: argparse.Namespace,
    cache: PeerCache,
) -> list[Record]:
    """Records of the peers (and of their numpy) for one workload, from their own script."""
    peer = workload.peer
    assert peer is not None
    cmd = [python, str(args.peers_dir / peer.script), "--threads", str(threads)]
    cmd += ["--systems", ",".join(peer_systems(workload, args.peers_dir))]
    cmd += ["--samples", str(args.repeat)]
    key = (*cmd, *(f"{k}={v}" for k, v in sorted(peer.env.items())))
    if key not in cache:
        env = dict(os.environ) | QUIET_BLAS_ENV | peer.env
        try:
            cache[key] = subprocess.run(
                cmd, env=env, capture_output=True, text=True, timeout=SUBPROCESS_TIMEOUT_S
            )
        except subprocess.TimeoutExpired:
            cache[key] = None
    proc = cache[key]
    if proc is None:
        return [Record("peers", workload.name, threads, "peers", error="timed out")]
    records: list[Record] = []
    for line in proc.stdout.splitlines():
        try:
            obj = json.loads(line) if line.startswith("{") else None
        except json.JSONDecodeError:
            obj = None  # a peer's own chatter, not a result
        rec = Record.from_peer_json(obj, peer.workload, workload.name) if obj else None
        if rec is not None and rec.threads == threads:
            records.append(rec)
    if not records:
        tail = " | ".join(proc.stderr.strip().splitlines()[-3:])
        records.append(
            Record("peers", workload.name, threads, "peers", error=f"no results: {tail}"[:400])
        )
    return records


def choose_peers(args: argparse.Namespace, systems: set[str]) -> tuple[str | None, list[str]]:
    """The peers' python (None: no peers this run) and a note saying why they are skipped.

    The python is --peers-python, else this one when it can import a peer. Asking for a
    python that is not there, or for peers without their scripts, is an error.
    """
    if "peers" not in systems:
        return None, []
    if args.peers_python is not None:
        if not Path(args.peers_python).is_file():
            raise UsageError(
                f"--peers-python {args.peers_python}: no such file (expected a python)"
            )
        if not (args.peers_dir / "_peers_common.py").is_file():
            raise UsageError(f"--peers-dir {args.peers_dir}: no peers' bench_*.py scripts there")
    if args.quick:
        return None, ["Peers skipped: --quick sizes differ from the peers' fixed sizes."]
    python = args.peers_python
    if python is None and any(
        importlib.util.find_spec(name) is not None for name in ("tvm", "halide", "onnxruntime")
    ):
        python = sys.executable
    if python is None or not (args.peers_dir / "_peers_common.py").is_file():
        return None, [
            "Peers skipped: pass --peers-python (a venv made by the peers' setup_venv.sh)"
            " and --peers-dir (their scripts)."
        ]
    return python, []


def peer_versions(python: str) -> dict[str, str]:
    """Versions of the peer packages installed for `python` (absent ones left out)."""
    script = (
        "import json; from importlib import metadata as m\n"
        "out = {}\n"
        "for d in ['numpy', 'apache-tvm', 'halide', 'onnxruntime', 'onnx']:\n"
        "    try: out[d] = m.version(d)\n"
        "    except m.PackageNotFoundError: pass\n"
        "print(json.dumps(out))\n"
    )
    proc = subprocess.run([python, "-c", script], capture_output=True, text=True, timeout=60)
    if proc.returncode != 0:
        return {}
    parsed: dict[str, str] = json.loads(proc.stdout)
    return parsed


# --- command line ---------------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--workloads", default="", help="comma list of workload names (default all)")
    ap.add_argument("--threads", default="1,2", help="comma list of thread counts (default 1,2)")
    ap.add_argument(
        "--systems", default=",".join(SYSTEMS), help=f"of {', '.join(SYSTEMS)} (default all)"
    )
    ap.add_argument("--repeat", type=int, default=7, help="timed samples per system (default 7)")
    ap.add_argument(
        "--budget", type=float, default=10.0, help="seconds of timing per workload (default 10)"
    )
    ap.add_argument("--quick", action="store_true", help="small odd sizes; no peers")
    ap.add_argument("--peers-python", help="python of a venv with the peers (setup_venv.sh)")
    ap.add_argument("--peers-dir", type=Path, default=DEFAULT_PEERS_DIR)
    ap.add_argument(
        "--schedules-dir",
        type=Path,
        default=SCHEDULES,
        help="where dlir-sched finds <workload>.mlir (default benchmarks/schedules)",
    )
    ap.add_argument("--targets", action="store_true", help="also print issue 5's targets table")
    ap.add_argument("--json", type=Path, help="also write every record to this JSON file")
    ap.add_argument("--write-results", action="store_true", help="append to benchmarks/RESULTS.md")
    ap.add_argument("--results-file", type=Path, default=RESULTS, help=argparse.SUPPRESS)
    ap.add_argument("--child", help=argparse.SUPPRESS)
    return ap.parse_args(argv)


def select(args: argparse.Namespace) -> tuple[list[Workload], list[int], set[str]]:
    workloads = quick() if args.quick else full()
    names = [n for n in args.workloads.split(",") if n]
    unknown = [n for n in names if n not in {w.name for w in workloads}]
    if unknown:
        legal = ", ".join(w.name for w in workloads)
        raise UsageError(f"unknown workload {', '.join(unknown)}; expected one of: {legal}")
    if names:
        workloads = [w for w in workloads if w.name in names]
    try:
        threads = [int(t) for t in args.threads.split(",") if t]
    except ValueError:
        raise UsageError(f"--threads {args.threads}: expected a comma list of integers") from None
    if not threads or min(threads) < 1 or len(set(threads)) != len(threads):
        raise UsageError(f"--threads {args.threads}: expected distinct positive thread counts")
    systems = {s for s in args.systems.split(",") if s}
    if not systems or not systems <= set(SYSTEMS):
        raise UsageError(f"--systems {args.systems}: expected a comma list of {', '.join(SYSTEMS)}")
    if args.repeat < 1:
        raise UsageError(f"--repeat {args.repeat}: expected at least 1")
    return workloads, threads, systems


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        workloads, threads, systems = select(args)
        if args.child is not None:
            matches = [w for w in workloads if w.name == args.child]
            if not matches:
                raise UsageError(f"--child {args.child}: unknown workload")
            return child_main(matches[0], threads[0], systems, args)
        peers_python, notes = choose_peers(args, systems)
    except UsageError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2

    info = machine_info(peer_versions(peers_python) if peers_python else {})
    if "dlir-sched" in systems:
        missing = [w.name for w in workloads if not w.schedule_file(args.schedules_dir).is_file()]
        if missing:
            notes.append(f"No hand schedule in {args.schedules_dir} for: {', '.join(missing)}.")
    records: list[Record] = []
    cache: PeerCache = {}
    for workload in workloads:
        for t in threads:
            print(f"== {workload.name}, {t} thread(s)", file=sys.stderr, flush=True)
            if systems & {"dlir", "dlir-sched", "numpy"}:
                records += [r for r in run_child(workload, t, args) if r.system in systems]
            if peers_python is not None and workload.peer is not None:
                records += run_peers(workload, t, peers_python, args, cache)

    info["load_end"] = load_average()
    table = markdown_table(records, workloads)
    print(table)
    for note in notes:
        print(note)
    targets = targets_table(records) if args.targets else None
    if targets is not None:
        print("\nIssue 5's targets (1 thread unless said):\n")
        print(targets)
    command = "python " + " ".join(["benchmarks/run.py", *(sys.argv[1:] if argv is None else argv)])
    if args.json is not None:
        payload = {"machine": info, "command": command, "records": [r.to_json() for r in records]}
        args.json.write_text(json.dumps(payload, indent=1) + "\n")
    if args.write_results:
        write_results(args.results_file, table, command, info, notes, targets)
    return 1 if any(r.error and r.group == "dlir" for r in records) else 0


if __name__ == "__main__":
    sys.exit(main())
