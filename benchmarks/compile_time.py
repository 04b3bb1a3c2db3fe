"""Where compile time goes: per-phase wall times of `dlir.compile` on the light ONNX models.

    python benchmarks/compile_time.py                          # resnet50, squeezenet, alexnet, shufflenet
    python benchmarks/compile_time.py --models resnet50 --repeat 3 --markdown
    python benchmarks/compile_time.py --no-verify              # what verification costs

Phases, in order: `import` (`from_onnx`), `verify input`, each pass of the pipeline
(its own time; the verification after it is counted in `verify`), `verify` (after every
pass, `PassManager.verify_seconds`), then the LLVM backend (`CompiledModule.phase_seconds`):
`translate` (llvm dialect -> llvmlite IR), `print` (IR text), `parse` (LLVM parses and
verifies it), `optimize` (O3), `codegen` (binding weights, MCJIT). `total` is the wall
time from ONNX model to callable, as `benchmarks/models.py`'s "compile s" (import + build),
which is what TVM's 5.3 s for resnet50 counts. With `--repeat`, each phase's median.

`--clock cpu` times everything with this process's CPU time instead of wall time (every
phase, LLVM's included, runs in this process and thread): on a loaded machine the wall
times of one phase vary several-fold, its CPU time hardly.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from dataclasses import dataclass, field

from xdsl.ir import Operation

from dlir.frontend.onnx import from_onnx
from dlir.frontend.onnx.light import LIGHT_MODELS, load_light
from dlir.ir.context import make_context
from dlir.ir.verify import verify
from dlir.passes import PassManager
from dlir.passes.instrument import PassInstrumentation
from dlir.passes.manager import Step
from dlir.runtime import DEFAULT_PIPELINE, entry_names, load

DEFAULT_MODELS = "resnet50,squeezenet,bvlc_alexnet,shufflenet"


@dataclass
class PassClock(PassInstrumentation):
    """Wall time of each pass, verification after it included (subtracted by `measure`)."""

    seconds: dict[str, float] = field(default_factory=dict[str, float])
    _start: float = 0.0

    def run_before_pass(self, step: Step, op: Operation) -> None:
        self._start = time.perf_counter()

    def run_after_pass(self, step: Step, op: Operation) -> None:
        elapsed = time.perf_counter() - self._start
        self.seconds[step.label] = self.seconds.get(step.label, 0.0) + elapsed


def measure(name: str, pipeline: str, verify_each: bool) -> dict[str, float]:
    """One compile of model `name`: seconds per phase (module doc), in order."""
    phases: dict[str, float] = {}
    model = load_light(name)
    start = time.perf_counter()
    module = from_onnx(model).op
    phases["import"] = time.perf_counter() - start
    verify(module)
    phases["verify input"] = time.perf_counter() - start - phases["import"]
    entries = entry_names(module)
    clock = PassClock()
    manager = PassManager.parse(
        pipeline, make_context(), instruments=[clock], verify_each=verify_each
    )
    manager.run(module)
    for label, seconds in clock.seconds.items():
        phases[label] = seconds - manager.verify_seconds.get(label, 0.0)
    phases["verify"] = sum(manager.verify_seconds.values())
    program = load(module, entries)
    phases.update(program.compiled.phase_seconds)
    phases["total"] = time.perf_counter() - start
    return phases


def median_phases(runs: list[dict[str, float]]) -> dict[str, float]:
    return {key: statistics.median(run.get(key, 0.0) for run in runs) for key in runs[0]}


def markdown(results: dict[str, dict[str, float]]) -> str:
    """One row per phase, one column per model, and each phase's share of the total."""
    models = list(results)
    phases = list(dict.fromkeys(key for result in results.values() for key in result))
    lines = [
        "| phase | " + " | ".join(f"{m} s | %" for m in models) + " |",
        "|---|" + "---:|---:|" * len(models),
    ]
    for phase in phases:
        cells: list[str] = []
        for model in models:
            seconds = results[model].get(phase, 0.0)
            share = 100.0 * seconds / results[model]["total"]
            cells.append(f"{seconds:.2f} | {share:.0f}")
        lines.append(f"| {phase} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--models", default=DEFAULT_MODELS, help="comma-separated light models")
    parser.add_argument("--pipeline", default=DEFAULT_PIPELINE)
    parser.add_argument("--repeat", type=int, default=1, help="compiles per model (median)")
    parser.add_argument("--no-verify", action="store_true", help="no verification after passes")
    parser.add_argument("--markdown", action="store_true", help="print only the table")
    parser.add_argument("--clock", choices=("wall", "cpu"), default="wall", help="module doc")
    args = parser.parse_args(argv)
    unknown = sorted(set(args.models.split(",")) - set(LIGHT_MODELS))
    if unknown:
        parser.error(f"unknown models {unknown}; expected some of {', '.join(LIGHT_MODELS)}")
    if args.repeat < 1:
        parser.error(f"--repeat must be at least 1, got {args.repeat}")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.clock == "cpu":
        # dlir's timers (pass manager, JIT phases) and ours all read time.perf_counter.
        time.perf_counter = time.process_time
    results: dict[str, dict[str, float]] = {}
    for name in args.models.split(","):
        runs = [measure(name, args.pipeline, not args.no_verify) for _ in range(args.repeat)]
        results[name] = median_phases(runs)
        if not args.markdown:
            rounded = {key: round(value, 3) for key, value in results[name].items()}
            print(json.dumps({"model": name, **rounded}), flush=True)
    print(markdown(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
