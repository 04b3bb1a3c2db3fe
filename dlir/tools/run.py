"""`dl-opt --run`: execute an entry function with the reference interpreter.

    dl-opt examples/mlp.mlir --run --seed 1                  # random inputs, print summaries
    dl-opt model.mlir --run --run-entry main --run-input x.npz --run-out out.npz

Inputs come from `.npy` files (one argument each) and `.npz` files (their arrays in stored
order), in the order given, or are drawn at random from `--seed` when none are given:
standard normal for floats, integers in [-8, 8), booleans. Each result is summarised on
stdout; `--run-out FILE.npz` saves them as `result0`, `result1`, ...
"""

from __future__ import annotations

import argparse
from typing import Any, cast

import numpy as np
from xdsl.context import Context
from xdsl.dialects.builtin import FunctionType, ModuleOp, TensorType
from xdsl.ir import Attribute
from xdsl.utils.hints import isa

from dlir.interpreter import InterpreterError, interpret
from dlir.interpreter.common import dtype_of
from dlir.ir.diagnostics import DiagnosticError
from dlir.ir.module import IRModule
from dlir.ir.variants import Variant

Array = np.ndarray[Any, np.dtype[Any]]
RUNNABLE = (Variant.GRAPH, Variant.FUNC, Variant.TE)


def run(module: ModuleOp, ctx: Context, args: argparse.Namespace) -> str:
    """Run the entry function of `module` as `args` say; the summary text to print."""
    ir = IRModule(module)
    name = entry_name(ir, args.run_entry)
    ftype = ir[name].properties.get("function_type")
    if not isinstance(ftype, FunctionType):
        raise DiagnosticError.at(f"@{name} has no function type to run")
    inputs = load_inputs(args.run_input) if args.run_input else random_inputs(ftype.inputs.data, args.seed)
    try:
        results = interpret(ir, name, *inputs, ctx=ctx)
    except InterpreterError as err:
        raise DiagnosticError.at(f"cannot run @{name}: {err}") from err
    outputs = list(results) if isinstance(results, tuple) else [results]
    if args.run_out:
        named: dict[str, Any] = {f"result{i}": r for i, r in enumerate(outputs)}
        np.savez(args.run_out, **named)
    lines = [f"@{name}: {len(inputs)} inputs ({'files' if args.run_input else f'random, seed {args.seed}'})"]
    lines.extend(summarize(i, r, t) for i, (r, t) in enumerate(zip(outputs, ftype.outputs.data, strict=True)))
    return "\n".join(lines) + "\n"


def entry_name(module: IRModule, requested: str | None) -> str:
    """`requested`, else `main`, else the first function the interpreter can run."""
    runnable = [n for n, op in module.functions() if module.variant(n) in RUNNABLE and op.regions[0].blocks]
    if requested is not None:
        if requested not in module:
            raise DiagnosticError.at(f"no function @{requested} to run; runnable: {_names(runnable)}")
        return requested
    if "main" in runnable:
        return "main"
    if not runnable:
        raise DiagnosticError.at("nothing to run: the module has no graph.func, func.func or te.kernel with a body")
    return runnable[0]


def load_inputs(paths: list[str]) -> list[Array]:
    arrays: list[Array] = []
    for path in paths:
        try:
            loaded = np.load(path, allow_pickle=False)
        except (OSError, ValueError) as err:
            raise DiagnosticError.at(f"cannot read input '{path}': {err}") from err
        if isinstance(loaded, np.lib.npyio.NpzFile):
            for key in loaded.files:
                arrays.append(cast(Array, loaded[key]))
        else:
            arrays.append(loaded)
    return arrays


def random_inputs(types: tuple[Attribute, ...], seed: int) -> list[Array]:
    rng = np.random.default_rng(seed)
    arrays: list[Array] = []
    for t in types:
        shape = tuple(t.get_shape()) if isa(t, TensorType[Attribute]) else ()
        dtype = dtype_of(t)
        if dtype == np.bool_:
            arrays.append(rng.integers(0, 2, shape).astype(np.bool_))
        elif np.issubdtype(dtype, np.integer):
            arrays.append(rng.integers(-8, 8, shape).astype(dtype))
        else:
            arrays.append(rng.standard_normal(shape).astype(dtype))
    return arrays


def summarize(index: int, value: Array, t: Attribute) -> str:
    flat = value.reshape(-1)
    head = ", ".join(f"{v:.6g}" if isinstance(v, float) else str(v) for v in flat[:8].tolist())
    more = ", ..." if flat.size > 8 else ""
    stats = ""
    if flat.size and value.dtype != np.bool_:
        as_float = flat.astype(np.float64)
        stats = f" min {as_float.min():.6g} max {as_float.max():.6g} mean {as_float.mean():.6g}"
    return f"  result #{index}: {t}{stats} [{head}{more}]"


def _names(names: list[str]) -> str:
    return ", ".join(f"@{n}" for n in names) or "none"
