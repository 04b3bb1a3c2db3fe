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
    " `dlir.compile`'s default pipeline (`compile-cpu`, no hand schedule) on the graph program;"
    " dlir-sched is the hand schedule `benchmarks/schedules/<workload>.mlir` (te.kernel +"
    " te.schedule) compiled by `compile-cpu` from te-to-loop on. Both"
    " allocate their output on each call; the numpy baselines write into preallocated buffers."
    " Every process"
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
    path: Path,
    table: str,
    command: str,
    info: dict[str, str],
    notes: list[str],
    targets: str | None = None,
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
        *(
            [
                "",
                "Issue 5's targets (1 thread unless said; ratios from the table above):",
                "",
                targets,
            ]
            if targets
            else []
        ),
    ]
    old = path.read_text() if path.exists() else "# Benchmark results\n"
    path.write_text(old.rstrip("\n") + "\n\n" + "\n".join(section) + "\n")


# --- issue 5's targets ---------------------------------------------------------------------

DLIR_SYSTEMS = ("dlir", "dlir-sched")
MATMUL_PEERS = ("tvm", "tvm_ms", "halide", "halide_blas")


@dataclass(frozen=True)
class Requirement:
    """dlir's time must be at most 1/threshold of the fastest of `systems` ("numpy" is the
    numpy timed round-robin in dlir's own process, the others are peers)."""

    systems: tuple[str, ...]
    threshold: float

    def describe(self) -> str:
        return f">= {self.threshold:g}x {'/'.join(self.systems)}"


@dataclass(frozen=True)
class Target:
    """One line of issue 5's table: a workload and what dlir must reach on it (1 thread), or,
    with `scaling`, dlir's 2-thread speed-up over its own 1-thread time."""

    workload: str
    requirements: tuple[Requirement, ...] = ()
    scaling: float | None = None

    def describe(self) -> str:
        if self.scaling is not None:
            return f"2 threads >= {self.scaling:g}x own 1 thread"
        return " and ".join(r.describe() for r in self.requirements)


def _targets() -> list[Target]:
    matmul = (Requirement(("numpy",), 0.9), Requirement(MATMUL_PEERS, 1.0))
    halide_slide = (Requirement(("halide_slide",), 1.0),)
    return [
        Target("matmul_1024", matmul),
        Target("matmul_2048", matmul),
        Target("conv2d_3x3_64x56x56_64", (Requirement(("ort",), 0.9),)),
        Target("conv2d_1x1_256x56x56_64", (Requirement(("numpy", "ort"), 0.9),)),
        Target("blur3x3_2048x2048", halide_slide),
        Target("blur3x3_2048x2048_u16", halide_slide),
        Target("dense_bias_relu_128x1024x1024", (Requirement(("ort",), 1.0),)),
        Target("softmax_4096x1024", (Requirement(("ort",), 1.0),)),
        *(
            Target(name, scaling=1.8)
            for name in (
                "matmul_1024",
                "matmul_2048",
                "conv2d_3x3_64x56x56_64",
                "conv2d_1x1_256x56x56_64",
            )
        ),
    ]


TARGETS = _targets()


def _median(records: list[Record], workload: str, threads: int, system: str) -> float | None:
    """The median time of `system` ("numpy": the one of dlir's process), if it ran."""
    group = "dlir" if system in (*DLIR_SYSTEMS, "numpy") else "peers"
    for r in records:
        if (r.workload, r.threads, r.system, r.group) == (workload, threads, system, group):
            return None if r.error else r.median_s
    return None


def _assess(target: Target, records: list[Record], system: str) -> tuple[list[float], str] | None:
    """`system`'s ratio per requirement and their text, or None when something did not run."""
    mine = _median(records, target.workload, 1, system)
    if mine is None:
        return None
    if target.scaling is not None:
        two = _median(records, target.workload, 2, system)
        if two is None:
            return None
        return [mine / two / target.scaling], f"{mine / two:.2f}x"
    ratios: list[float] = []
    texts: list[str] = []
    for req in target.requirements:
        times = {s: _median(records, target.workload, 1, s) for s in req.systems}
        timed = {s: t for s, t in times.items() if t is not None}
        if not timed:
            return None
        best = min(timed, key=lambda s: timed[s])
        ratios.append(timed[best] / mine / req.threshold)
        texts.append(f"{timed[best] / mine:.2f}x {best}")
    return ratios, ", ".join(texts)


def targets_table(records: list[Record]) -> str:
    """Issue 5's targets: for each, the dlir system that comes closest and whether it is met.

    | workload | target | best dlir system | ratio | met |
    | matmul_1024 | >= 0.9x numpy and >= 1x tvm/tvm_ms/halide/halide_blas | dlir-sched | 0.93x numpy, 1.05x halide_blas | met |
    """
    lines = [
        "| workload | target | best dlir system | ratio | met |",
        "|---|---|---|---|---|",
    ]
    for target in TARGETS:
        assessed = {s: _assess(target, records, s) for s in DLIR_SYSTEMS}
        known = {s: a for s, a in assessed.items() if a is not None}
        head = f"| {target.workload} | {target.describe()} |"
        if not known:
            lines.append(f"{head} - | not measured | - |")
            continue
        system = max(known, key=lambda s: min(known[s][0]))
        ratios, text = known[system]
        met = "met" if min(ratios) >= 1.0 else "not met"
        lines.append(f"{head} {system} | {text} | {met} |")
    return "\n".join(lines)
