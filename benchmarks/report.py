"""Records of the kernel benchmarks, their markdown table, and the RESULTS.md section.

One row per (workload, threads, system):

    | workload | threads | system | median ms | min ms | rate | x numpy | x best peer | compile s | max rel err |
    | matmul_1024 | 1 | dlir | 74.07 | 73.66 | 29 GFLOP/s | 0.314 | 0.326 | 0.86 | 1.3e-06 |
"""

from __future__ import annotations

import math
import os
import platform
import subprocess
import time
from dataclasses import asdict, dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from workloads import Workload

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"
HOW_TO_READ = (
    "x numpy = numpy's median time / the system's, both measured round-robin in the same"
    " process (the peers against the numpy of their own process); x best peer = the fastest"
    " peer's median time / the system's, measured seconds apart (higher is better for both)."
    " median and min are per-call wall times;"
    " rate is GFLOP/s or compulsory GB/s as in `/work/shared/ANCHORS.md`; compile s is the"
    " kernel's build time (dlir: `dlir.compile` of the graph text, parse included). dlir is"
    " `dlir.compile`'s default pipeline (`compile-cpu`, no hand schedule) and allocates its"
    " output on each call; the numpy baselines write into preallocated buffers. Every process"
    " runs with OPENBLAS_THREAD_TIMEOUT=4 so that idle OpenBLAS threads do not spin (README)."
)


@dataclass
class Record:
    """One system's measurement of one workload at one thread count, or why it failed."""

    system: str
    workload: str
    threads: int
    group: str  # the process that measured it: "dlir" (dlir and numpy) or "peers"
    median_s: float | None = None
    min_s: float | None = None
    runs: int = 0
    compile_s: float | None = None
    rel_err: float | None = None
    error: str | None = None

    def to_json(self) -> dict[str, object]:
        return asdict(self)

    @staticmethod
    def from_json(obj: dict[str, object]) -> Record:
        """The record a benchmark child printed with `to_json`."""

        def num(key: str) -> float | None:
            value = obj.get(key)
            return float(value) if isinstance(value, int | float) else None

        runs, error = obj.get("runs"), obj.get("error")
        return Record(
            system=str(obj["system"]),
            workload=str(obj["workload"]),
            threads=int(str(obj["threads"])),
            group=str(obj["group"]),
            median_s=num("median_s"),
            min_s=num("min_s"),
            runs=runs if isinstance(runs, int) else 0,
            compile_s=num("compile_s"),
            rel_err=num("rel_err"),
            error=None if error is None else str(error),
        )

    @staticmethod
    def from_peer_json(obj: dict[str, object], peer_workload: str, workload: str) -> Record | None:
        """A line of a peers' `bench_*.py` script, if it is about `peer_workload`."""
        if obj.get("workload") != peer_workload or "system" not in obj or "threads" not in obj:
            return None
        record = Record.from_json(
            obj | {"workload": workload, "group": "peers", "runs": obj.get("n", 0), "rel_err": None}
        )
        if "error" not in obj and record.median_s is None:
            return None
        return record


def _cell(text: str) -> str:
    return text.replace("|", "/").replace("\n", " ")


def _ratio(numerator: float | None, denominator: float | None) -> str:
    if numerator is None or denominator is None:
        return "-"
    return f"{numerator / denominator:.3g}"


def _rows(workload: Workload, records: list[Record]) -> list[str]:
    """One workload at one thread count: dlir's process first, then the peers, fastest first."""
    timed = [r for r in records if r.median_s is not None and not r.error]
    numpy_s = {r.group: r.median_s for r in timed if r.system == "numpy"}
    peers = [r for r in records if r.group == "peers" and r.system != "numpy"]
    best = min((r.median_s for r in peers if r.median_s is not None and not r.error), default=None)
    shown = [r for r in records if r.group == "dlir"] + sorted(
        peers, key=lambda r: r.median_s or math.inf
    )
    rows: list[str] = []
    for r in shown:
        head = f"| {workload.name} | {r.threads} | {r.system} |"
        if r.error or r.median_s is None or r.min_s is None:
            rows.append(f"{head} failed: {_cell(r.error or 'no timing')} | | | | | | |")
            continue
        rate = workload.work / r.median_s / 1e9
        compile_s = "-" if r.compile_s is None else f"{r.compile_s:.2f}"
        rel_err = "-" if r.rel_err is None else f"{r.rel_err:.1e}"
        rows.append(
            f"{head} {r.median_s * 1e3:.4g} | {r.min_s * 1e3:.4g} | {rate:.3g} {workload.unit}"
            f" | {_ratio(numpy_s.get(r.group), r.median_s)} | {_ratio(best, r.median_s)}"
            f" | {compile_s} | {rel_err} |"
        )
    return rows


def markdown_table(records: list[Record], workloads: list[Workload]) -> str:
    """All records as one table, grouped by workload then thread count."""
    lines = [
        "| workload | threads | system | median ms | min ms | rate | x numpy | x best peer"
        " | compile s | max rel err |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for workload in workloads:
        mine = [r for r in records if r.workload == workload.name]
        for threads in sorted({r.threads for r in mine}):
            lines += _rows(workload, [r for r in mine if r.threads == threads])
    return "\n".join(lines)


def _cpu_model() -> str:
    """The model name of /proc/cpuinfo and the vector extensions that matter here."""
    try:
        lines = Path("/proc/cpuinfo").read_text().splitlines()
    except OSError:
        return platform.processor() or "unknown CPU"
    fields = {k.strip(): v.strip() for k, _, v in (line.partition(":") for line in lines)}
    model = fields.get("model name", "unknown CPU")
    flags = fields.get("flags", "").split()
    simd = [f for f in ("avx2", "fma", "avx512f") if f in flags]
    return f"{model} ({' '.join(simd) or 'no AVX2'})"


def _version(dist: str) -> str:
    try:
        return version(dist)
    except PackageNotFoundError:
        return "not installed"


def load_average() -> str:
    """The 1-minute load average (the machine is shared: how busy it was)."""
    try:
        return Path("/proc/loadavg").read_text().split()[0]
    except OSError:
        return "unknown"


def _git_revision() -> str:
    """The checkout's commit, and whether it had uncommitted changes, or "" outside git."""
    repo = Path(__file__).resolve().parent.parent
    try:
        head = subprocess.run(
            ["git", "-C", str(repo), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(repo), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""
    return f" (git {head}{', with uncommitted changes' if dirty else ''})"


def machine_info(peer_versions: dict[str, str]) -> dict[str, str]:
    """CPU, load and the versions of everything measured, as strings for the report."""
    ours = ", ".join(f"{d} {_version(d)}" for d in ("xdsl", "llvmlite", "numpy"))
    theirs = ", ".join(f"{d} {v}" for d, v in peer_versions.items()) or "not run"
    return {
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "cpu": f"{_cpu_model()}, {os.cpu_count()} cores, {platform.machine()}",
        "load": load_average(),
        "python": platform.python_version(),
        "versions": f"dlir {_version('dlir')}{_git_revision()}, {ours}",
        "peer_versions": theirs,
    }


def write_results(
    path: Path, table: str, command: str, info: dict[str, str], notes: list[str]
) -> None:
    """Append a dated section with the machine, the command and the table to RESULTS.md."""
    section = [
        f"## Kernels: dlir against numpy and the peers ({info['date']})",
        "",
        f"Command: `{command}`  ",
        f"Machine: {info['cpu']}; load average {info['load']} at the start,"
        f" {info['load_end']} at the end; Python {info['python']}  ",
        f"Versions: {info['versions']}; peers: {info['peer_versions']}",
        "",
        table,
        "",
        HOW_TO_READ,
        *(["", *notes] if notes else []),
    ]
    old = path.read_text() if path.exists() else "# Benchmark results\n"
    path.write_text(old.rstrip("\n") + "\n\n" + "\n".join(section) + "\n")
