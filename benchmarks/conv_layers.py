"""Per-layer speed of the light models' convolutions and dense layers against onnxruntime.

    python benchmarks/conv_layers.py --peers-python /work/peers-venv/bin/python
    python benchmarks/conv_layers.py --models shufflenet --only g4 --repeat 9
    python benchmarks/conv_layers.py --list                 # the distinct layers, no timing

Every distinct Conv and Gemm of the chosen light models (read from their ONNX graphs with
onnx's shape inference) becomes one graph function, as the model runs it after graph-fuse:

    graph.func @layer(%x: tensor<1x256x14x14xf32>, %w: tensor<256x256x3x3xf32>,
                      %b: tensor<256xf32>) -> tensor<1x256x14x14xf32> {
      %c = graph.conv2d %x, %w, %b strides [1, 1] pads [1, 1, 1, 1] ... groups 1
      %y = graph.relu %c : tensor<1x256x14x14xf32>
      graph.return %y : tensor<1x256x14x14xf32>
    }

(a Gemm is `graph.matmul` by the transposed weight plus the bias, as `from_onnx` imports
it), compiled alone through compile-cpu and timed with 1 thread (median of `--repeat`
calls); onnxruntime runs the same layer (Conv + Relu, or Gemm) with 1 thread in the peers'
Python. Times are the processes' CPU time by default (`--clock cpu`: on a machine
shared with other jobs, elapsed time mostly measures their load). Per layer: GFLOP/s of both, "x ort" (onnxruntime's time over dlir's: higher is
better), the rule te-auto-schedule chose and the layer's share of its model's summed layer
time (time x count). The output of every layer is checked against onnxruntime's.
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
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import onnx
from numpy.typing import NDArray
from onnx import TensorProto, helper, numpy_helper, shape_inference

import dlir
from dlir.dialects.te.kernel import KernelOp
from dlir.frontend.onnx.light import LIGHT_MODELS, load_light
from dlir.parser import parse_module
from dlir.passes import run_pipeline
from dlir.passes.lowering.auto_schedule.schedule import auto_schedule

Array = NDArray[Any]
CLOCKS = {"cpu": time.process_time, "wall": time.perf_counter}
CLOCK_NAMES = {"cpu": "process_time", "wall": "perf_counter"}
DEFAULT_MODELS = "resnet50,shufflenet,bvlc_alexnet,squeezenet"
TOLERANCE = 1e-3
"""Largest |dlir - onnxruntime| over onnxruntime's largest magnitude."""

ORT_SCRIPT = r"""
import json, statistics, sys, time
import numpy as np, onnxruntime as ort
directory, repeat, clock = sys.argv[1], int(sys.argv[2]), getattr(time, sys.argv[3])
options = ort.SessionOptions()
options.intra_op_num_threads = 1
options.inter_op_num_threads = 1
options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
results = {}
for key in sys.argv[4:]:
    session = ort.InferenceSession(f"{directory}/{key}.onnx", options, providers=["CPUExecutionProvider"])
    feeds = {"x": np.load(f"{directory}/{key}.x.npy")}
    np.save(f"{directory}/{key}.ort.npy", session.run(None, feeds)[0])
    times = []
    for _ in range(repeat):
        start = clock()
        session.run(None, feeds)
        times.append(clock() - start)
    results[key] = statistics.median(times) * 1e3
print(json.dumps(results))
"""


@dataclass(frozen=True)
class Layer:
    """A Conv (NCHW input, OIHW weight) or a Gemm (`x[1, k] @ w[n, k]^T + b`)."""

    op: str
    input: tuple[int, ...]
    weight: tuple[int, ...]
    output: tuple[int, ...]
    strides: tuple[int, int] = (1, 1)
    pads: tuple[int, int, int, int] = (0, 0, 0, 0)
    groups: int = 1

    @property
    def key(self) -> str:
        if self.op == "Gemm":
            return f"gemm_{self.input[1]}x{self.weight[0]}"
        _, c, h, w = self.input
        o, _, kh, kw = self.weight
        text = f"conv{kh}x{kw}_{c}x{h}x{w}_o{o}_s{self.strides[0]}"
        return text + (f"_g{self.groups}" if self.groups > 1 else "")

    @property
    def flop(self) -> int:
        if self.op == "Gemm":
            return 2 * self.input[0] * self.input[1] * self.weight[0]
        _, cg, kh, kw = self.weight
        return 2 * int(np.prod(self.output)) * cg * kh * kw

    def graph_text(self) -> str:
        x, w, y = (_tensor(s) for s in (self.input, self.weight, self.output))
        if self.op == "Gemm":
            wt = _tensor((self.weight[1], self.weight[0]))
            b = _tensor((self.weight[0],))
            return f"""graph.func @layer(%x: {x}, %w: {wt}, %b: {b}) -> {y} {{
  %m = graph.matmul %x, %w : ({x}, {wt}) -> {y}
  %y = graph.add %m, %b : ({y}, {b}) -> {y}
  graph.return %y : {y}
}}"""
        b = _tensor((self.weight[0],))
        attrs = f"strides [{self.strides[0]}, {self.strides[1]}] "
        attrs += f"pads [{', '.join(map(str, self.pads))}] groups {self.groups}"
        return f"""graph.func @layer(%x: {x}, %w: {w}, %b: {b}) -> {y} {{
  %c = graph.conv2d %x, %w, %b {attrs} : ({x}, {w}, {b}) -> {y}
  %y = graph.relu %c : {y}
  graph.return %y : {y}
}}"""

    def onnx_model(self, w: Array, b: Array) -> onnx.ModelProto:
        x = helper.make_tensor_value_info("x", TensorProto.FLOAT, list(self.input))
        y = helper.make_tensor_value_info("y", TensorProto.FLOAT, list(self.output))
        weights = [numpy_helper.from_array(w, "w"), numpy_helper.from_array(b, "b")]
        if self.op == "Gemm":
            nodes = [helper.make_node("Gemm", ["x", "w", "b"], ["y"], transB=1)]
        else:
            conv = helper.make_node(
                "Conv",
                ["x", "w", "b"],
                ["c"],
                strides=list(self.strides),
                pads=list(self.pads),
                group=self.groups,
            )
            nodes = [conv, helper.make_node("Relu", ["c"], ["y"])]
        graph = helper.make_graph(nodes, "layer", [x], [y], weights)
        model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
        model.ir_version = 8
        return model


def _tensor(shape: tuple[int, ...]) -> str:
    return f"tensor<{'x'.join(map(str, shape))}xf32>"


def model_layers(name: str) -> Counter[Layer]:
    """The distinct Conv and Gemm layers of light model `name`, with how often each runs."""
    model = shape_inference.infer_shapes(load_light(name))
    shapes: dict[str, tuple[int, ...]] = {}
    for info in [*model.graph.value_info, *model.graph.input, *model.graph.output]:
        shapes[info.name] = tuple(d.dim_value for d in info.type.tensor_type.shape.dim)
    for tensor in model.graph.initializer:
        shapes[tensor.name] = tuple(tensor.dims)
    layers: Counter[Layer] = Counter()
    for node in model.graph.node:
        if node.op_type not in ("Conv", "Gemm"):
            continue
        attrs = {a.name: helper.get_attribute_value(a) for a in node.attribute}
        shape_in, weight, out = (shapes[n] for n in (node.input[0], node.input[1], node.output[0]))
        if node.op_type == "Gemm":
            if not attrs.get("transB", 0) or attrs.get("transA", 0):
                raise ValueError(f"{name}: only Gemm with transB=1 is benchmarked")
            layers[Layer("Gemm", shape_in, weight, out)] += 1
            continue
        kh, kw = weight[2:]
        strides = tuple(attrs.get("strides", (1, 1)))
        pads = tuple(attrs.get("pads", (0, 0, 0, 0)))
        # auto_pad "SAME_*"/"VALID" layers are not in these models; the shapes say so
        if (shape_in[2] + pads[0] + pads[2] - kh) // strides[0] + 1 != out[2]:
            raise ValueError(f"{name}: Conv {node.name} has padding this script cannot read")
        assert len(strides) == 2 and len(pads) == 4 and kw > 0
        layers[
            Layer(
                "Conv",
                shape_in,
                weight,
                out,
                (strides[0], strides[1]),
                (pads[0], pads[1], pads[2], pads[3]),
                int(attrs.get("group", 1)),
            )
        ] += 1
    return layers


def chosen_rules(layer: Layer) -> str:
    """The rule te-auto-schedule picks for the layer's reduction stage."""
    module = parse_module(layer.graph_text())
    run_pipeline("graph-fold-empty,graph-fuse,graph-to-te", module)
    rules: list[str] = []
    for op in module.ops:
        if isinstance(op, KernelOp):
            _, choices = auto_schedule(op)
            rules += [c.rule for c in choices if c.kind in ("convolution", "contraction")]
    return ",".join(rules) or "-"


@dataclass
class Row:
    model: str
    layer: Layer
    count: int
    rule: str = "-"
    dlir_ms: float | None = None
    ort_ms: float | None = None
    error: float | None = None

    def gflops(self, ms: float | None) -> str:
        return "-" if ms is None else f"{self.layer.flop / ms / 1e6:.1f}"


def time_dlir(layer: Layer, inputs: list[Array], repeat: int, clock: str) -> tuple[float, Array]:
    program = dlir.compile(layer.graph_text())
    entry = program["layer"]
    result = np.asarray(entry(*inputs))
    times: list[float] = []
    now = CLOCKS[clock]
    for _ in range(repeat):
        start = now()
        entry(*inputs)
        times.append(now() - start)
    return statistics.median(times) * 1e3, result


def random_inputs(layer: Layer, seed: int) -> tuple[Array, Array, Array]:
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(layer.input).astype(np.float32)
    w = rng.standard_normal(layer.weight).astype(np.float32)
    w /= np.float32(np.sqrt(np.prod(layer.weight[1:])))
    b = rng.standard_normal(layer.weight[0]).astype(np.float32)
    return x, w, b


def run_ort(python: str, rows: list[Row], args: argparse.Namespace, tmp: Path) -> None:
    for row in rows:
        x, w, b = random_inputs(row.layer, args.seed)
        (tmp / f"{row.layer.key}.onnx").write_bytes(row.layer.onnx_model(w, b).SerializeToString())
        np.save(tmp / f"{row.layer.key}.x.npy", x)
    keys = sorted({row.layer.key for row in rows})
    cmd = [python, "-c", ORT_SCRIPT, str(tmp), str(args.repeat), CLOCK_NAMES[args.clock], *keys]
    env = dict(os.environ, OMP_NUM_THREADS="1")
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=1800, env=env)
    if proc.returncode != 0:
        raise RuntimeError(f"onnxruntime failed: {proc.stderr.strip()[-400:]}")
    times = json.loads(proc.stdout.strip().splitlines()[-1])
    for row in rows:
        row.ort_ms = float(times[row.layer.key])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--models", default=DEFAULT_MODELS, help="comma-separated light models")
    parser.add_argument("--only", default="", help="substring of the layer keys to run")
    parser.add_argument("--repeat", type=int, default=7, help="timed calls per system")
    parser.add_argument("--peers-python", help="a python with onnxruntime")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--clock",
        choices=sorted(CLOCKS),
        default="cpu",
        help="cpu: the process's CPU time (steadier on a shared machine); wall: elapsed time",
    )
    parser.add_argument("--list", action="store_true", help="list the layers and exit")
    args = parser.parse_args(argv)
    unknown = sorted(set(args.models.split(",")) - set(LIGHT_MODELS))
    if unknown:
        parser.error(f"unknown models {unknown}; expected some of {', '.join(LIGHT_MODELS)}")
    if args.peers_python is not None and not Path(args.peers_python).exists():
        parser.error(f"--peers-python {args.peers_python} does not exist")
    rows = [
        Row(model, layer, count)
        for model in args.models.split(",")
        for layer, count in model_layers(model).items()
        if args.only in layer.key
    ]
    if args.list:
        for row in rows:
            print(f"{row.model:13} {row.count:3} x {row.layer.key:36} {chosen_rules(row.layer)}")
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        if args.peers_python is not None:
            run_ort(args.peers_python, rows, args, Path(tmp))
        results: dict[str, tuple[float, Array]] = {}
        for row in rows:
            if row.layer.key not in results:
                inputs = list(random_inputs(row.layer, args.seed))
                if row.layer.op == "Gemm":
                    inputs[1] = np.ascontiguousarray(inputs[1].T)
                results[row.layer.key] = time_dlir(row.layer, inputs, args.repeat, args.clock)
            row.dlir_ms, result = results[row.layer.key]
            row.rule = chosen_rules(row.layer)
            reference = Path(tmp) / f"{row.layer.key}.ort.npy"
            if reference.exists():
                expected = np.load(reference)
                scale = max(float(np.abs(expected).max()), 1e-30)
                row.error = float(np.abs(result - expected).max()) / scale
            print(json.dumps(_summary(row)), file=sys.stderr, flush=True)
    print(table(rows))
    return 0 if all(r.error is None or r.error <= TOLERANCE for r in rows) else 1


def _summary(row: Row) -> dict[str, Any]:
    return {
        "model": row.model,
        "layer": row.layer.key,
        "dlir_ms": row.dlir_ms,
        "ort_ms": row.ort_ms,
    }


def table(rows: list[Row]) -> str:
    totals: defaultdict[str, float] = defaultdict(float)
    ort_totals: defaultdict[str, float] = defaultdict(float)
    for row in rows:
        totals[row.model] += (row.dlir_ms or 0.0) * row.count
        ort_totals[row.model] += (row.ort_ms or 0.0) * row.count
    lines = [
        "| model | n | layer | rule | dlir ms | ort ms | dlir GFLOP/s | ort GFLOP/s | x ort "
        "| share | error |",
        "|---|---:|---|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for row in rows:
        ratio = "-" if not row.ort_ms or not row.dlir_ms else f"{row.ort_ms / row.dlir_ms:.2f}"
        share = (row.dlir_ms or 0.0) * row.count / max(totals[row.model], 1e-30)
        error = "-" if row.error is None else f"{row.error:.0e}"
        if row.error is not None and row.error > TOLERANCE:
            error = f"WRONG {row.error:.1e}"
        lines.append(
            f"| {row.model} | {row.count} | {row.layer.key} | {row.rule} "
            f"| {row.dlir_ms or 0:.3f} | {row.ort_ms or 0:.3f} | {row.gflops(row.dlir_ms)} "
            f"| {row.gflops(row.ort_ms)} | {ratio} | {share:.0%} | {error} |"
        )
    for model, total in totals.items():
        ort = ort_totals[model]
        ratio = f"{ort / total:.2f}" if ort and total else "-"
        lines.append(
            f"| {model} | | all layers (time x n) | | {total:.1f} | {ort:.1f} | | | {ratio} | | |"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
