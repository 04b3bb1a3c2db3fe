"""The kernel benchmark harness (benchmarks/run.py) end to end, on small sizes.

No timing is asserted: these tests check that every workload compiles, is checked against
numpy, is timed, and that the peers' results and the ratios reach the table.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

RUN = Path(__file__).resolve().parents[2] / "benchmarks" / "run.py"
QUICK = [
    "matmul_33",
    "conv2d_3x3_3x7x13_5",
    "blur3x3_13x7",
    "dense_bias_relu_7x33x13",
    "softmax_13x33",
]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(RUN), *args], capture_output=True, text=True, timeout=300
    )


def test_quick_run_compiles_checks_and_times_every_workload(tmp_path: Path) -> None:
    out, results = tmp_path / "records.json", tmp_path / "RESULTS.md"
    results.write_text("# Benchmark results\n\nolder section\n")
    proc = run(
        "--quick", "--threads", "1", "--repeat", "2", "--json", str(out),
        "--write-results", "--results-file", str(results),
    )  # fmt: skip
    assert proc.returncode == 0, proc.stdout + proc.stderr
    records = json.loads(out.read_text())["records"]
    for name in QUICK:
        for system in ("numpy", "dlir"):
            (rec,) = [r for r in records if r["workload"] == name and r["system"] == system]
            assert rec["error"] is None, rec
            assert rec["rel_err"] <= 1e-4 and rec["median_s"] > 0 and rec["runs"] >= 2, rec
        assert f"| {name} | 1 | dlir |" in proc.stdout
    assert all(r["compile_s"] > 0 for r in records if r["system"] == "dlir")
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
        (["--systems", "dlir,tvm"], "expected a comma list of dlir, numpy, peers"),
    ]
    for args, message in cases:
        proc = run(*args)
        assert proc.returncode == 2, args
        assert proc.stderr.startswith("error: ") and message in proc.stderr, proc.stderr
        assert len(proc.stderr.splitlines()) == 1, proc.stderr
