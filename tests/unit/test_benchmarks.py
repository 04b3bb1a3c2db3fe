"""The kernel benchmark harness (benchmarks/run.py) end to end, on small sizes, and the hand
schedules of benchmarks/schedules/.

No timing is asserted: these tests check that every workload compiles, is checked against
numpy, is timed, that the peers' results and the ratios reach the table and issue 5's
targets, and that every hand schedule computes what the interpreter computes.
"""

from __future__ import annotations

import importlib
import json
import re
import subprocess
import sys
import textwrap
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from xdsl.dialects.builtin import ModuleOp, TensorType
from xdsl.ir import Attribute
from xdsl.utils.hints import isa

from dlir.dialects.te.kernel import KernelOp
from dlir.parser import parse_module
from dlir.passes.lowering.te_to_loop.differential import check_native

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"
RUN = BENCHMARKS / "run.py"
SCHEDULES = sorted((BENCHMARKS / "schedules").glob("*.mlir"))
QUICK = [
    "matmul_33",
    "conv2d_3x3_3x7x13_5",
    "conv2d_1x1_6x7x9_5",
    "blur3x3_13x7",
    "blur3x3_13x7_u16",
    "dense_bias_relu_7x33x13",
    "softmax_13x33",
]
# A hand schedule for the quick matmul, as the harness reads them: <workload>.mlir.
MATMUL_33 = """
te.kernel @matmul(%A: tensor<33x33xf32>, %B: tensor<33x33xf32>) -> tensor<33x33xf32> {
  %C = te.compute "C" (%i: 33, %j: 33) reduce (%k: 33) combiner add init 0.0 : f32 {
    %a = te.read %A[%i, %k] : tensor<33x33xf32> -> f32
    %b = te.read %B[%k, %j] : tensor<33x33xf32> -> f32
    %p = arith.mulf %a, %b : f32
    te.yield %p : f32
  } : tensor<33x33xf32>
  te.return %C : tensor<33x33xf32>
}
te.schedule @matmul {
  te.tile "C" ("i", "j") by (4, 8) -> ("io", "jo", "ii", "ji")
  te.vectorize "C" "ji"
  te.parallel "C" "io"
}
"""


def harness_module(name: str) -> ModuleType:
    """A module of the harness (benchmarks/ is scripts, not a package: run.py puts it on the path)."""
    if str(BENCHMARKS) not in sys.path:
        sys.path.insert(0, str(BENCHMARKS))
    return importlib.import_module(name)


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(RUN), *args], capture_output=True, text=True, timeout=300
    )


def test_quick_run_compiles_checks_and_times_every_workload(tmp_path: Path) -> None:
    out, results = tmp_path / "records.json", tmp_path / "RESULTS.md"
    results.write_text("# Benchmark results\n\nolder section\n")
    schedules = tmp_path / "schedules"
    schedules.mkdir()
    (schedules / "matmul_33.mlir").write_text(MATMUL_33)
    proc = run(
        "--quick", "--threads", "1", "--repeat", "2", "--json", str(out),
        "--write-results", "--results-file", str(results), "--schedules-dir", str(schedules),
    )  # fmt: skip
    assert proc.returncode == 0, proc.stdout + proc.stderr
    records = json.loads(out.read_text())["records"]
    for name in QUICK:
        systems = ("numpy", "dlir", "dlir-sched") if name == "matmul_33" else ("numpy", "dlir")
        for system in systems:
            (rec,) = [r for r in records if r["workload"] == name and r["system"] == system]
            assert rec["error"] is None, rec
            assert rec["rel_err"] <= 1e-4 and rec["median_s"] > 0 and rec["runs"] >= 2, rec
        assert f"| {name} | 1 | dlir |" in proc.stdout
    assert all(r["compile_s"] > 0 for r in records if r["system"].startswith("dlir"))
    assert "No hand schedule in" in proc.stdout and "softmax_13x33." in proc.stdout
    written = results.read_text()
    assert written.startswith("# Benchmark results\n\nolder section\n\n## Kernels:")
    assert (
        "Command: `python benchmarks/run.py --quick" in written and "| softmax_13x33 |" in written
    )


FAKE_PEER = """
import json, sys
print("warming up")
print(json.dumps({"system": "numpy", "workload": "matmul_1024", "threads": 1, "median_s": 0.02, "min_s": 0.02, "n": 7}))
print(json.dumps({"system": "ort", "workload": "matmul_1024", "threads": 1, "median_s": 0.01, "min_s": 0.01, "n": 7, "compile_s": 0.05}))
print(json.dumps({"system": "halide", "workload": "matmul_1024", "threads": 1, "median_s": 0.04, "min_s": 0.03, "n": 7}))
print(json.dumps({"system": "tvm", "workload": "matmul_1024", "threads": 1, "error": "no llvm"}))
print(json.dumps({"system": "ort", "workload": "matmul_512", "threads": 1, "median_s": 0.001, "min_s": 0.001, "n": 7}))
"""


def test_peers_are_compared_with_their_own_numpy_and_the_best_peer(tmp_path: Path) -> None:
    (tmp_path / "_peers_common.py").write_text("")
    (tmp_path / "bench_matmul.py").write_text(textwrap.dedent(FAKE_PEER))
    out = tmp_path / "records.json"
    proc = run(
        "--workloads", "matmul_1024", "--threads", "1", "--systems", "numpy,peers",
        "--repeat", "1", "--peers-python", sys.executable, "--peers-dir", str(tmp_path),
        "--json", str(out),
    )  # fmt: skip
    assert proc.returncode == 0, proc.stdout + proc.stderr
    rows = {
        line.split(" | ")[2]: line for line in proc.stdout.splitlines() if "matmul_1024" in line
    }
    # ort: 2x the numpy of its process, the best peer; halide: 0.5x its numpy, 0.25x ort
    assert "| 10 | 10 | 215 GFLOP/s | 2 | 1 | 0.05 | - |" in rows["ort"]
    assert "| 0.5 | 0.25 |" in rows["halide"]
    assert "failed: no llvm" in rows["tvm"]
    peers = [r for r in json.loads(out.read_text())["records"] if r["group"] == "peers"]
    assert {r["system"] for r in peers} == {"numpy", "ort", "halide", "tvm"}  # matmul_512 ignored


def test_bad_arguments_are_one_line_errors() -> None:
    cases = [
        (["--workloads", "matmul_7"], "unknown workload matmul_7; expected one of: matmul_1024"),
        (["--peers-python", "/nonexistent/python"], "/nonexistent/python: no such file"),
        (["--threads", "0"], "expected distinct positive thread counts"),
        (["--threads", "1,2,1"], "expected distinct positive thread counts"),
        (["--systems", "dlir,tvm"], "expected a comma list of dlir, dlir-sched, numpy, peers"),
    ]
    for args, message in cases:
        proc = run(*args)
        assert proc.returncode == 2, args
        assert proc.stderr.startswith("error: ") and message in proc.stderr, proc.stderr
        assert len(proc.stderr.splitlines()) == 1, proc.stderr


# --- issue 5's targets table ---------------------------------------------------------------


def test_targets_table_takes_the_best_dlir_system_against_the_named_peers() -> None:
    report = harness_module("report")
    record: Any = report.Record

    def rec(system: str, workload: str, threads: int, ms: float, group: str = "peers") -> Any:
        return record(system, workload, threads, group, median_s=ms / 1e3, min_s=ms / 1e3)

    m = "matmul_1024"
    records = [
        rec("numpy", m, 1, 20.0, "dlir"),
        rec("dlir", m, 1, 80.0, "dlir"),
        rec("dlir-sched", m, 1, 21.0, "dlir"),  # 0.95x numpy: >= 0.9
        rec("numpy", m, 1, 5.0),  # the peers' own numpy does not count for the target
        rec("halide_blas", m, 1, 22.0),  # 1.05x the best of TVM/Halide
        rec("tvm", m, 1, 30.0),
        rec("dlir-sched", m, 2, 11.0, "dlir"),  # 1.91x its 1-thread time
        rec("dlir", m, 2, 50.0, "dlir"),  # 1.6x: dlir-sched scales better
        rec("dlir", "softmax_4096x1024", 1, 4.0, "dlir"),
        rec("ort", "softmax_4096x1024", 1, 2.0),
        record("dlir-sched", "softmax_4096x1024", 1, "dlir", error="wrong result"),
    ]
    table: str = report.targets_table(records)
    rows = {tuple(line.split(" | ")[:2]): line for line in table.splitlines()}
    matmul = rows["| matmul_1024", ">= 0.9x numpy and >= 1x tvm/tvm_ms/halide/halide_blas"]
    assert matmul.endswith("| dlir-sched | 0.95x numpy, 1.05x halide_blas | met |")
    scaling = rows["| matmul_1024", "2 threads >= 1.8x own 1 thread"]
    assert scaling.endswith("| dlir-sched | 1.91x | met |")
    assert rows["| softmax_4096x1024", ">= 1x ort"].endswith("| dlir | 0.50x ort | not met |")
    assert rows["| matmul_2048", "2 threads >= 1.8x own 1 thread"].endswith(
        "| - | not measured | - |"
    )


# --- the hand schedules ----------------------------------------------------------------------


def small(text: str, path: Path) -> str:
    """The schedule file at the sizes its `// test sizes: 1024=40 ...` line gives."""
    found = re.search(r"^// test sizes: (.*)$", text, re.MULTILINE)
    assert found, f"{path.name}: no '// test sizes:' line"
    for pair in found.group(1).split():
        big, little = pair.split("=")
        text = re.sub(rf"(?<![0-9]){big}(?![0-9])", little, text)
    return text


@pytest.mark.parametrize("path", SCHEDULES, ids=[p.stem for p in SCHEDULES])
def test_hand_schedule_matches_the_interpreter_at_small_sizes(path: Path) -> None:
    # The harness's pipeline; check_native adds the final loop-to-llvm itself.
    pipeline: str = harness_module("run").schedule_pipeline()
    assert pipeline.endswith(",loop-to-llvm"), pipeline
    text = path.read_text()
    check_native(parse_module(small(text, path)), pipeline=pipeline.removesuffix(",loop-to-llvm"))


def test_every_workload_has_a_hand_schedule_of_its_signature() -> None:
    workloads: list[Any] = harness_module("workloads").full()
    for workload in workloads:
        module: ModuleOp = parse_module(workload.schedule_file().read_text())
        (kernel,) = [op for op in module.ops if isinstance(op, KernelOp)]
        assert kernel.sym_name.data == workload.func, workload.name
        shapes: list[tuple[int, ...]] = []
        for t in kernel.function_type.inputs.data:
            assert isa(t, TensorType[Attribute])
            shapes.append(tuple(t.get_shape()))
        assert tuple(shapes) == workload.shapes, workload.name
