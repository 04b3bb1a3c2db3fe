"""The nine light ONNX models end to end: import and compile time, 1-thread latency against
onnxruntime in the same run, and whether the outputs match.

    python benchmarks/models.py --peers-python /work/peers-venv/bin/python
    python benchmarks/models.py --models squeezenet,resnet50 --repeat 9 --markdown
    python benchmarks/models.py --no-random                   # expected outputs only
    python benchmarks/models.py --models resnet50 --without graph-alter-layout   # A/B a pass

For each model: `from_onnx` (import s) then `dlir.compile` (compile s = import + build,
as TVM's 5.3 s for resnet50 counts it); the output on onnx's test input against the
model's `*_output_0.pb` ("expected"); then the same graph with random weights
(`dlir.frontend.onnx.light.randomized`: deterministic seed, logits exposed as a second
output) compiled again and compared on a random input with onnxruntime's outputs
("random": largest error over the largest magnitude, per output, must stay under 1e-3).
Latency: dlir's median of `--repeat` calls after a warm-up, with DLIR_NUM_THREADS=1;
onnxruntime's, intra- and inter-op threads 1, sequential, in the peers' Python right after
on the same model. "x ort" is onnxruntime's median over dlir's (higher is better).
"""

from __future__ import annotations

import os

os.environ["DLIR_NUM_THREADS"] = "1"  # before dlir's runtime reads it
os.environ.setdefault("OMP_NUM_THREADS", "1")

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray
from onnx import ModelProto

import dlir
from dlir.frontend.onnx import from_onnx
from dlir.frontend.onnx.light import (
    LIGHT_MODELS,
    data_input,
    expected_output,
    load_light,
    random_input,
    randomized,
    runner_input,
)
from dlir.passes.registry import PIPELINES
from dlir.runtime import Program

Array = NDArray[Any]
RANDOM_TOLERANCE = 1e-3
"""Largest |dlir - reference| over the reference's largest magnitude, per output."""

ORT_SCRIPT = r"""
import json, statistics, sys, time
import numpy as np, onnxruntime as ort
model, x_name, x_path, out_prefix, repeat = sys.argv[1:5] + [int(sys.argv[5])]
options = ort.SessionOptions()
options.intra_op_num_threads = 1
options.inter_op_num_threads = 1
options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
session = ort.InferenceSession(model, options, providers=["CPUExecutionProvider"])
feeds = {x_name: np.load(x_path)}
outputs = session.run(None, feeds)
for i, y in enumerate(outputs):
    np.save(f"{out_prefix}{i}.npy", y)
times = []
for _ in range(repeat):
    start = time.perf_counter()
    session.run(None, feeds)
    times.append(time.perf_counter() - start)
print(json.dumps({"median_ms": statistics.median(times) * 1e3, "outputs": len(outputs)}))
"""


@dataclass
class Row:
    """One model's measurements (None: not measured, see `error`)."""

    model: str
    import_s: float | None = None
    compile_s: float | None = None
    dlir_ms: float | None = None
    ort_ms: float | None = None
    expected: str = "-"
    random: str = "-"
    error: str = ""

    @property
    def ratio(self) -> float | None:
        if self.dlir_ms is None or self.ort_ms is None:
            return None
        return self.ort_ms / self.dlir_ms


def relative_error(result: Array, reference: Array) -> float:
    """max |result - reference| / max |reference| (inf on a shape mismatch or NaN)."""
    result, reference = np.asarray(result, np.float64), np.asarray(reference, np.float64)
    if result.shape != reference.shape or not np.isfinite(result).all():
        return float("inf")
    return float(np.abs(result - reference).max() / max(np.abs(reference).max(), 1e-30))


def outputs_of(program: Program, x: Array) -> list[Array]:
    result = program["main"](x)
    return [np.asarray(r) for r in result] if isinstance(result, tuple) else [np.asarray(result)]


def median_ms(program: Program, x: Array, repeat: int) -> float:
    program["main"](x)  # warm-up
    times: list[float] = []
    for _ in range(repeat):
        start = time.perf_counter()
        program["main"](x)
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1e3


def compile_timed(model: ModelProto, row: Row | None, pipeline: str = "compile-cpu") -> Program:
    start = time.perf_counter()
    module = from_onnx(model)
    imported = time.perf_counter()
    program = dlir.compile(module, pipeline=pipeline)
    if row is not None:
        row.import_s = imported - start
        row.compile_s = time.perf_counter() - start
    return program


def run_ort(
    python: str, model: ModelProto, x: Array, repeat: int, tmp: Path
) -> tuple[float, list[Array]]:
    """onnxruntime's 1-thread median (ms) and outputs on `x`, in the peers' Python."""
    (tmp / "model.onnx").write_bytes(model.SerializeToString())  # vgg19: 0.6 GB < 2 GB
    np.save(tmp / "x.npy", x)
    cmd = [python, "-c", ORT_SCRIPT, str(tmp / "model.onnx"), data_input(model).name]
    cmd += [str(tmp / "x.npy")]
    cmd += [str(tmp / "ort_out"), str(repeat)]
    env = dict(os.environ, OMP_NUM_THREADS="1")
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=1200, env=env)
    if proc.returncode != 0:
        raise RuntimeError(f"onnxruntime failed: {proc.stderr.strip()[-400:]}")
    report = json.loads(proc.stdout.strip().splitlines()[-1])
    outputs = [np.load(tmp / f"ort_out{i}.npy") for i in range(report["outputs"])]
    return float(report["median_ms"]), outputs


def measure(name: str, args: argparse.Namespace) -> Row:
    row = Row(name)
    model = load_light(name)
    program = compile_timed(model, row, args.pipeline)
    x = runner_input(model)
    error = relative_error(outputs_of(program, x)[0], expected_output(name))
    row.expected = f"yes ({error:.0e})" if error <= RANDOM_TOLERANCE else f"NO ({error:.1e})"
    row.dlir_ms = median_ms(program, x, args.repeat)
    del program
    if args.no_random and args.peers_python is None:
        return row
    reference_model = model if args.no_random else randomized(model, seed=args.seed)
    rx = random_input(model, seed=args.seed)
    with tempfile.TemporaryDirectory() as tmp:
        if args.peers_python is not None:
            row.ort_ms, ort_outputs = run_ort(
                args.peers_python, reference_model, rx, args.repeat, Path(tmp)
            )
        else:
            ort_outputs = []
    if not args.no_random and ort_outputs:
        outputs = outputs_of(compile_timed(reference_model, None, args.pipeline), rx)
        errors = [relative_error(o, r) for o, r in zip(outputs, ort_outputs, strict=True)]
        ok = max(errors) <= RANDOM_TOLERANCE
        row.random = ("yes" if ok else "NO") + f" ({max(errors):.0e})"
    return row


def markdown(rows: list[Row]) -> str:
    def num(value: float | None, fmt: str) -> str:
        return "-" if value is None else format(value, fmt)

    lines = [
        "| model | import s | compile s | dlir ms | onnxruntime ms | x ort | expected | random |",
        "|---|---:|---:|---:|---:|---:|---|---|",
    ]
    for r in rows:
        if r.error:
            lines.append(f"| {r.model} | error: {r.error} | | | | | | |")
            continue
        lines.append(
            f"| {r.model} | {num(r.import_s, '.2f')} | {num(r.compile_s, '.1f')} "
            f"| {num(r.dlir_ms, '.1f')} | {num(r.ort_ms, '.1f')} | {num(r.ratio, '.2f')} "
            f"| {r.expected} | {r.random} |"
        )
    return "\n".join(lines)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--models", default=",".join(LIGHT_MODELS), help="comma-separated")
    parser.add_argument("--repeat", type=int, default=5, help="timed calls per system (>= 5)")
    parser.add_argument("--peers-python", help="a python with onnxruntime (the reference)")
    parser.add_argument("--no-random", action="store_true", help="skip the random weights")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--markdown", action="store_true", help="print only the table")
    parser.add_argument(
        "--without", default="", help="passes left out of compile-cpu (comma-separated)"
    )
    args = parser.parse_args(argv)
    passes = PIPELINES["compile-cpu"][0].split(",")
    left_out = [name for name in args.without.split(",") if name]
    if not set(left_out) <= set(passes):
        parser.error(f"--without {args.without}: compile-cpu is {','.join(passes)}")
    args.pipeline = ",".join(name for name in passes if name not in left_out)
    unknown = sorted(set(args.models.split(",")) - set(LIGHT_MODELS))
    if unknown:
        parser.error(f"unknown models {unknown}; expected some of {', '.join(LIGHT_MODELS)}")
    if args.repeat < 5:
        parser.error(f"--repeat must be at least 5, got {args.repeat}")
    if args.peers_python is not None and not Path(args.peers_python).exists():
        parser.error(f"--peers-python {args.peers_python} does not exist")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    rows: list[Row] = []
    for name in args.models.split(","):
        try:
            row = measure(name, args)
        except Exception as err:  # one model's failure is a row, not the end of the run
            row = Row(name, error=f"{type(err).__name__}: {str(err)[:200]}")
        rows.append(row)
        if not args.markdown:
            print(json.dumps(row.__dict__), flush=True)
    print(markdown(rows))
    return 0 if all(not r.error and "NO" not in r.expected + r.random for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
