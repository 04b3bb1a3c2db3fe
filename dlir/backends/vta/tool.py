"""`dl-opt --target vta`: run (or list) a kernel on the simulated VTA accelerator.

    dl-opt examples/vta_gemm.mlir -p te-to-loop,loop-tensorize --target vta --run --check
    dl-opt examples/vta_gemm.mlir -p te-to-loop,loop-tensorize --target vta --emit vta

After the pipeline the entry must be a `loop.func` (`lower.py` says what it may hold);
`--run` lowers it to a VTA program, runs it on the timed simulator and prints the
results and the stats (cycles, utilization); `--check` compares with the interpreter on
the module as read (exact: VTA computes in integers); `--emit vta` prints the listing.
"""

from __future__ import annotations

import argparse
from typing import Any

import numpy as np
from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp

from dlir.backends.vta.isa import Program, VTAProgramError
from dlir.backends.vta.lower import lower_to_vta
from dlir.backends.vta.runtime import execute
from dlir.ir.diagnostics import DiagnosticError
from dlir.ir.module import IRModule
from dlir.ir.variants import Variant
from dlir.tools.run import (
    compare,
    entry_name,
    load_inputs,
    operands_of,
    run_interpreter,
    summarize,
)


def listing(module: ModuleOp, args: argparse.Namespace) -> str:
    """The instruction listing of the entry (`--emit vta`)."""
    return _program(module, entry_name(IRModule(module), args.run_entry)).listing() + "\n"


def run(module: ModuleOp, source: ModuleOp, ctx: Context, args: argparse.Namespace) -> str:
    """Run the entry on the simulator; results, stats and `--check` lines to print."""
    name = entry_name(IRModule(source), args.run_entry)
    inputs_spec, results_spec = operands_of(IRModule(source)[name])
    if args.run_input:
        inputs = load_inputs(args.run_input)
    else:
        rng = np.random.default_rng(args.seed)
        inputs = [rng.integers(-128, 128, size=s.shape).astype(s.dtype) for s in inputs_spec]
    program = _program(module, name)
    try:
        outputs, stats = execute(program, len(results_spec), inputs)
    except (ValueError, VTAProgramError) as err:
        raise DiagnosticError.at(f"cannot run @{name} on VTA: {err}") from err
    origin = "files" if args.run_input else f"random int8, seed {args.seed}"
    lines = [f"@{name}: {len(inputs)} inputs ({origin}), VTA simulator"]
    lines += [
        summarize(i, r, s.label) for i, (r, s) in enumerate(zip(outputs, results_spec, strict=True))
    ]
    if stats is not None:
        lines.append(stats.summary())
    if args.run_out:
        named: dict[str, Any] = {f"result{i}": r for i, r in enumerate(outputs)}
        np.savez(args.run_out, **named)
    if args.check:
        if IRModule(source).variant(name) not in (Variant.GRAPH, Variant.FUNC, Variant.TE):
            raise DiagnosticError.at(
                f"--check needs an input the interpreter can run; @{name} is read as loop IR"
            )
        report, worst = compare(outputs, run_interpreter(source, name, inputs, ctx))
        lines.append("check against the interpreter (exact):")
        lines.extend(report)
        if worst > 0:
            print("\n".join(lines))
            raise DiagnosticError.at(f"@{name}: VTA results differ from the interpreter")
    return "\n".join(lines) + "\n"


def _program(module: ModuleOp, name: str) -> Program:
    if IRModule(module).variant(name) is not Variant.LOOP:
        raise DiagnosticError.at(
            f"--target vta runs a loop.func; @{name} is not one yet: lower it first "
            "(e.g. -p te-to-loop,loop-tensorize)"
        )
    return lower_to_vta(module, name)
