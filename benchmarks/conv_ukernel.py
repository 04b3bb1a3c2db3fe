"""Convolutions through the NCHWc micro-kernel against the generated register tile and
onnxruntime, 1 thread.

    python benchmarks/conv_ukernel.py --peers-python /work/peers-venv/bin/python
    python benchmarks/conv_ukernel.py --layers conv3x3_64x56x56_o64_s1 --repeat 41
    python benchmarks/conv_ukernel.py --layout nchwc          # the blocked op alone

Per layer (by default 3x3 64->64 @56^2, issue 7's target, and resnet50's distinct
convolutions from `conv_layers.py`) one process compiles the layer twice through
compile-cpu: "ukernel" by default (`convolution-nchwc-microkernel`; for NCHW layers
`convolution-microkernel`, off by default for 3x3, turned on here with
`te-auto-schedule{microkernel_nchw=true}`: each output row is an
`hw.call` of `conv2d_nchwc_microkernel`), "generated" with
`te-auto-schedule{microkernel=false}` (the generated 4 x 16 register tiles). Both are checked against each other, then timed
round-robin: median and best of `--repeat` calls each (`--clock cpu`: the process's CPU
time, steadier on a shared machine). "uk/gen" is generated's time over the
micro-kernel's (median; higher is better), "x ort" onnxruntime's median time over the
micro-kernel's, onnxruntime run as in `conv_layers.py` (Conv + Relu with 1 thread).

`--layout nchw` (default) times the layers as `conv_layers.py` does: conv + bias + relu on
an NCHW input with the weights as arguments, so the call packs the weights OIHW16i16o
and the input NCHW16c. `--layout nchwc` times `graph.conv2d_nchwc` on blocked arguments
(what a model runs after graph-alter-layout, the layout transforms aside).
"""

from __future__ import annotations

import os

os.environ["DLIR_NUM_THREADS"] = "1"  # before dlir's runtime reads it
os.environ.setdefault("OMP_NUM_THREADS", "1")

import argparse
import statistics
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from conv_layers import CLOCKS, Layer, Row, model_layers, random_inputs, run_ort
from numpy.typing import NDArray

import dlir
from dlir.passes.registry import PIPELINES

Array = NDArray[Any]
GENERATED = PIPELINES["compile-cpu"][0].replace(
    "te-auto-schedule", "te-auto-schedule{microkernel=false}"
)
"""compile-cpu without the micro-kernel rules: the generated register tiles."""
UKERNEL = PIPELINES["compile-cpu"][0].replace(
    "te-auto-schedule", "te-auto-schedule{microkernel_nchw=true}"
)
"""compile-cpu with NCHW convs larger than 1x1 on the micro-kernel too."""
TARGET = Layer("Conv", (1, 64, 56, 56), (64, 64, 3, 3), (1, 64, 56, 56), (1, 1), (1, 1, 1, 1))
"""Issue 7's target: 3x3 64 -> 64 at 56^2, pad 1 (ANCHORS: onnxruntime 2.59 ms)."""


def nchwc_text(layer: Layer) -> tuple[str, list[tuple[int, ...]]]:
    """`graph.conv2d_nchwc` of the layer on NCHW16c / OIHW16i16o arguments, and their shapes."""
    _, c, h, w = layer.input
    o, _, kh, kw = layer.weight
    _, _, oh, ow = layer.output
    shapes = [(1, c // 16, h, w, 16), (o // 16, c // 16, kh, kw, 16, 16), (1, o // 16, oh, ow, 16)]
    x, wt, y = (f"tensor<{'x'.join(map(str, s))}xf32>" for s in shapes)
    pads = ", ".join(map(str, layer.pads))
    text = f"""graph.func @layer(%x: {x}, %w: {wt}) -> {y} {{
  %y = graph.conv2d_nchwc %x, %w strides [{layer.strides[0]}, {layer.strides[1]}] pads [{pads}] : ({x}, {wt}) -> {y}
  graph.return %y : {y}
}}"""
    return text, shapes[:2]


@dataclass
class Result:
    layer: Layer
    times: dict[str, list[float]]
    ort_ms: float | None = None

    def median(self, system: str) -> float:
        return statistics.median(self.times[system]) * 1e3

    def best(self, system: str) -> float:
        return min(self.times[system]) * 1e3


def measure(layer: Layer, layout: str, repeat: int, clock: str, seed: int) -> Result:
    """Compile the layer both ways, check one against the other, time them round-robin."""
    if layout == "nchw":
        text = layer.graph_text()
        inputs = list(random_inputs(layer, seed))
    else:
        text, shapes = nchwc_text(layer)
        rng = np.random.default_rng(seed)
        inputs = [rng.standard_normal(s).astype(np.float32) for s in shapes]
        inputs[1] /= np.float32(np.sqrt(np.prod(shapes[1][1:5])))
    programs: dict[str, Callable[..., Any]] = {"ukernel": dlir.compile(text, UKERNEL)["layer"]}
    programs["generated"] = dlir.compile(text, GENERATED)["layer"]
    got, expected = (np.asarray(programs[s](*inputs)) for s in ("ukernel", "generated"))
    scale = max(float(np.abs(expected).max()), 1e-30)
    if float(np.abs(got - expected).max()) / scale > 1e-4:
        raise RuntimeError(
            f"{layer.key}: the micro-kernel's result differs from the generated tile's"
        )
    now = CLOCKS[clock]
    times: dict[str, list[float]] = {name: [] for name in programs}
    for _ in range(repeat):
        for name, program in programs.items():
            start = now()
            program(*inputs)
            times[name].append(now() - start)
    return Result(layer, times)


def table(results: list[Result]) -> str:
    lines = [
        "| layer | generated ms (best) | ukernel ms (best) | generated GFLOP/s | ukernel GFLOP/s "
        "| uk/gen | ort ms | x ort |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        gen, uk = r.median("generated"), r.median("ukernel")
        ort = "-" if r.ort_ms is None else f"{r.ort_ms:.3f}"
        x_ort = "-" if r.ort_ms is None else f"{r.ort_ms / uk:.2f}"
        lines.append(
            f"| {r.layer.key} | {gen:.3f} ({r.best('generated'):.3f}) | {uk:.3f} "
            f"({r.best('ukernel'):.3f}) | {r.layer.flop / gen / 1e6:.1f} | "
            f"{r.layer.flop / uk / 1e6:.1f} | {gen / uk:.2f} | {ort} | {x_ort} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--layers", default="", help="comma-separated layer keys (default all)")
    parser.add_argument("--models", default="resnet50", help="models whose convs to add")
    parser.add_argument("--layout", choices=("nchw", "nchwc"), default="nchw")
    parser.add_argument("--repeat", type=int, default=15, help="timed calls per system")
    parser.add_argument("--clock", choices=sorted(CLOCKS), default="cpu")
    parser.add_argument("--peers-python", help="a python with onnxruntime")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    layers = [TARGET]
    for model in filter(None, args.models.split(",")):
        layers += [layer for layer in model_layers(model) if layer not in layers]
    wanted: set[str] = {key for key in str(args.layers).split(",") if key}
    layers = [
        layer
        for layer in layers
        if layer.op == "Conv"
        and layer.groups == 1
        and (not wanted or layer.key in wanted)
        and (args.layout == "nchw" or layer.input[1] % 16 == 0)
    ]
    if wanted - {layer.key for layer in layers}:
        parser.error(f"unknown layers {sorted(wanted - {layer.key for layer in layers})}")
    results: list[Result] = []
    for layer in layers:
        results.append(measure(layer, args.layout, args.repeat, args.clock, args.seed))
        r = results[-1]
        print(
            f"{layer.key}: generated {r.median('generated'):.3f} ms, "
            f"ukernel {r.median('ukernel'):.3f} ms",
            file=sys.stderr,
            flush=True,
        )
    if args.peers_python is not None:
        rows = [Row("-", r.layer, 1) for r in results]
        with tempfile.TemporaryDirectory() as tmp:
            run_ort(args.peers_python, rows, args, Path(tmp))
        for r, row in zip(results, rows, strict=True):
            r.ort_ms = row.ort_ms
    print(table(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
