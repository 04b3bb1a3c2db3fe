"""`dl-opt --run`: execute an entry function natively or with the reference interpreter.

    dl-opt examples/mlp.mlir -p compile-cpu --run --check   # native code, checked
    dl-opt examples/mlp.mlir --run --seed 1                  # interpreter, random inputs
    dl-opt model.mlir --run --run-entry main --run-input x.npz --run-out out.npz

The entry runs as what the pipeline left: an `llvm.func` (or a `loop.func`, lowered on the
fly with `loop-to-llvm`) is JIT-compiled and run natively; a graph.func, te.kernel or
func.func is run by the interpreter. `--check` runs the interpreter on the module as it was
read, before the pipeline, on the same inputs, and reports each result's max absolute and
relative error (max |native - reference| / max |reference|); more than `--check-tolerance`
(default 1e-5) is an error.

Inputs come from `.npy` files (one argument each) and `.npz` files (their arrays in stored
order), in the order given, or are drawn at random from `--seed` when none are given:
standard normal for floats (uniform in `--run-range LOW,HIGH` if given), integers in
[-8, 8), booleans. Each result is summarised on
stdout; `--run-out FILE.npz` saves them as `result0`, `result1`, ...
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast

import numpy as np
from xdsl.context import Context
from xdsl.dialects.builtin import FunctionType, IntegerAttr, MemRefType, ModuleOp, TensorType
from xdsl.ir import Attribute, Operation
from xdsl.utils.hints import isa

from dlir.interpreter import InterpreterError, interpret
from dlir.interpreter.common import dtype_of
from dlir.ir.diagnostics import DiagnosticError
from dlir.ir.module import IRModule
from dlir.ir.variants import Variant

Array = np.ndarray[Any, np.dtype[Any]]
INTERPRETED = (Variant.GRAPH, Variant.FUNC, Variant.TE)
NATIVE = (Variant.LOOP, Variant.LLVM)


@dataclass(frozen=True)
class Operand:
    """An input or result of the entry: its shape, dtype and type as printed."""

    shape: tuple[int, ...]
    dtype: np.dtype[Any]
    label: str


def run(module: ModuleOp, source: ModuleOp, ctx: Context, args: argparse.Namespace) -> str:
    """Run the entry of `module` (after the pipeline) as `args` say; the text to print.

    `source` is the module as read, before the pipeline: it names the entry, types its
    inputs and is what `--check` interprets.
    """
    name = entry_name(IRModule(source), args.run_entry)
    inputs_spec, results_spec = operands_of(IRModule(source)[name])
    inputs = load_inputs(args.run_input) if args.run_input else random_inputs(inputs_spec, args.seed, args.run_range)
    variant = IRModule(module).variant(name) if name in IRModule(module) else None
    native = variant in NATIVE
    if variant is None:
        raise DiagnosticError.at(f"the pipeline removed @{name}: nothing to run")
    outputs = run_native(module, name, inputs, ctx) if native else run_interpreter(module, name, inputs, ctx)
    if args.run_out:
        named: dict[str, Any] = {f"result{i}": r for i, r in enumerate(outputs)}
        np.savez(args.run_out, **named)
    how = "native code" if native else "interpreter"
    origin = "files" if args.run_input else f"random, seed {args.seed}"
    if args.run_range is not None and not args.run_input:
        origin += f", floats in [{args.run_range[0]:g}, {args.run_range[1]:g})"
    lines = [f"@{name}: {len(inputs)} inputs ({origin}), {how}"]
    lines.extend(summarize(i, r, s.label) for i, (r, s) in enumerate(zip(outputs, results_spec, strict=True)))
    if args.check:
        if not native:
            raise DiagnosticError.at(
                f"--check compares native code with the interpreter, but @{name} is still a "
                f"{variant.value if variant else 'missing'} function: lower it first (e.g. -p compile-cpu)"
            )
        source_variant = IRModule(source).variant(name)
        if source_variant not in INTERPRETED:
            raise DiagnosticError.at(
                f"--check needs an input the interpreter can run, but @{name} is read as a "
                f"{source_variant.value if source_variant else 'unknown'} function (the interpreter runs graph.func, te.kernel and func.func)"
            )
        reference = run_interpreter(source, name, inputs, ctx)
        report, worst = compare(outputs, reference)
        lines.append(f"check against the interpreter (tolerance {args.check_tolerance:g}):")
        lines.extend(report)
        if worst > args.check_tolerance:
            print("\n".join(lines))
            raise DiagnosticError.at(
                f"@{name}: native results differ from the interpreter: max relative error "
                f"{worst:.3g} > {args.check_tolerance:g}"
            )
    return "\n".join(lines) + "\n"


def run_interpreter(module: ModuleOp, name: str, inputs: Sequence[Array], ctx: Context) -> list[Array]:
    try:
        results = interpret(IRModule(module), name, *inputs, ctx=ctx)
    except InterpreterError as err:
        raise DiagnosticError.at(f"cannot run @{name}: {err}") from err
    return list(results) if isinstance(results, tuple) else [results]


def run_native(module: ModuleOp, name: str, inputs: Sequence[Array], ctx: Context) -> list[Array]:
    """JIT `module` (lowering its loop.funcs first) and call @name on `inputs`."""
    from dlir.backends.llvm.callable import ArgumentError
    from dlir.backends.llvm.jit import JitError
    from dlir.passes.manager import PassFailure, PassManager
    from dlir.runtime import load

    if IRModule(module).variant(name) is Variant.LOOP:
        module = module.clone()
        try:
            PassManager.parse("loop-to-llvm", ctx).run(module)
        except PassFailure as err:
            raise DiagnosticError.at(f"cannot run @{name} natively: {err}") from err
    try:
        results = load(module, [name])[name](*inputs)
    except (ArgumentError, JitError) as err:
        raise DiagnosticError.at(f"cannot run @{name}: {err}") from err
    if isinstance(results, tuple):
        return [cast(Array, r) for r in cast(tuple[object, ...], results)]
    return [cast(Array, results)]


def compare(outputs: Sequence[Array], reference: Sequence[Array]) -> tuple[list[str], float]:
    """One line per result with its max absolute and relative error; the worst relative one."""
    lines: list[str] = []
    worst = 0.0
    for index, (got, want) in enumerate(zip(outputs, reference, strict=True)):
        if got.shape != want.shape:
            lines.append(f"  result #{index}: shape {list(got.shape)}, expected {list(want.shape)}")
            worst = float("inf")
            continue
        if got.size == 0:
            lines.append(f"  result #{index}: empty")
            continue
        diff = np.abs(got.astype(np.float64) - want.astype(np.float64))
        nan_mismatch = np.isnan(got.astype(np.float64)) != np.isnan(want.astype(np.float64))
        absolute = float(np.nanmax(diff)) if not np.all(np.isnan(diff)) else 0.0
        scale = float(np.nanmax(np.abs(want.astype(np.float64)))) if not np.all(np.isnan(want.astype(np.float64))) else 0.0
        relative = absolute / scale if scale > 0 else absolute
        if np.any(nan_mismatch):
            relative = float("inf")
        worst = max(worst, relative)
        nan_note = f", {int(nan_mismatch.sum())} NaN mismatches" if np.any(nan_mismatch) else ""
        lines.append(f"  result #{index}: max abs error {absolute:.3g}, max rel error {relative:.3g}{nan_note}")
    return lines, worst


def entry_name(module: IRModule, requested: str | None) -> str:
    """`requested`, else `main`, else the first function with a body that can run."""
    runnable = [
        n
        for n, op in module.functions()
        if module.variant(n) in (*INTERPRETED, *NATIVE) and op.regions[0].blocks
    ]
    if requested is not None:
        if requested not in module:
            raise DiagnosticError.at(f"no function @{requested} to run; runnable: {_names(runnable)}")
        return requested
    if "main" in runnable:
        return "main"
    if not runnable:
        raise DiagnosticError.at(
            "nothing to run: the module has no graph.func, te.kernel, func.func, loop.func or llvm.func with a body"
        )
    return runnable[0]


def operands_of(op: Operation) -> tuple[list[Operand], list[Operand]]:
    """The inputs and results of a function of any variant, as shapes and dtypes."""
    if op.name == "llvm.func":
        from dlir.backends.llvm.callable import BufferArg, Signature

        signature = Signature.from_function(cast(Any, op))

        def of(arg: object) -> Operand:
            if isinstance(arg, BufferArg):
                shape = tuple(d or 1 for d in arg.shape)
                return Operand(shape, arg.dtype, arg.describe())
            return Operand((), cast(Any, arg).dtype, cast(Any, arg).describe())

        return [of(a) for a in signature.inputs], [of(a) for a in signature.outputs]
    ftype = op.properties.get("function_type")
    if not isinstance(ftype, FunctionType):
        raise DiagnosticError.at(f"@{op.properties.get('sym_name')} has no function type to run")
    types = list(ftype.inputs.data)
    results = list(ftype.outputs.data)
    num_outputs = op.attributes.get("num_outputs") or op.properties.get("num_outputs")
    if isinstance(num_outputs, IntegerAttr):  # a loop.func: the last arguments are its results
        count = num_outputs.value.data
        types, results = types[: len(types) - count], types[len(types) - count :]
    return [_operand(t) for t in types], [_operand(t) for t in results]


def _operand(t: Attribute) -> Operand:
    if isa(t, TensorType[Attribute]) or isa(t, MemRefType[Attribute]):
        return Operand(tuple(t.get_shape()), dtype_of(t.get_element_type()), str(t))
    return Operand((), dtype_of(t), str(t))


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


def random_inputs(
    specs: Sequence[Operand], seed: int, float_range: tuple[float, float] | None = None
) -> list[Array]:
    rng = np.random.default_rng(seed)
    arrays: list[Array] = []
    for spec in specs:
        if spec.dtype == np.bool_:
            arrays.append(rng.integers(0, 2, spec.shape).astype(np.bool_))
        elif np.issubdtype(spec.dtype, np.integer):
            arrays.append(rng.integers(-8, 8, spec.shape).astype(spec.dtype))
        elif float_range is not None:
            arrays.append(rng.uniform(*float_range, spec.shape).astype(spec.dtype))
        else:
            arrays.append(rng.standard_normal(spec.shape).astype(spec.dtype))
    return arrays


def summarize(index: int, value: Array, label: str) -> str:
    flat = value.reshape(-1)
    head = ", ".join(f"{v:.6g}" if isinstance(v, float) else str(v) for v in flat[:8].tolist())
    more = ", ..." if flat.size > 8 else ""
    stats = ""
    if flat.size and value.dtype != np.bool_:
        as_float = flat.astype(np.float64)
        stats = f" min {as_float.min():.6g} max {as_float.max():.6g} mean {as_float.mean():.6g}"
    return f"  result #{index}: {label}{stats} [{head}{more}]"


def _names(names: list[str]) -> str:
    return ", ".join(f"@{n}" for n in names) or "none"
