"""`dl-opt`: read MLIR text, verify, run a pass pipeline, print the result.

    dl-opt input.mlir -p canonicalize,cse -o out.mlir
    dl-opt bad.mlir --verify-diagnostics --split-input-file
    dl-opt in.mlir -p 'graph.func(graph-cse),canonicalize' --time-passes --reproducer=r.mlir
    dl-opt r.mlir                      # replays the pipeline in r.mlir's `// dl-opt -p` header

Imports are lazy: `dl-opt --version` must not pay for xDSL.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from xdsl.context import Context
    from xdsl.dialects.builtin import ModuleOp

    from dlir.ir.diagnostics import Diagnostic

SPLIT_MARKER = re.compile(r"^// -----\s*$", re.MULTILINE)


def build_arg_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="dl-opt", description="dlir's pass driver (like mlir-opt).")
    p.add_argument("input", nargs="?", default="-", help="input .mlir file ('-' for stdin)")
    p.add_argument("-o", "--output", default="-", help="output file ('-' for stdout)")
    p.add_argument("-p", "--passes", default="", help="pass pipeline, e.g. 'canonicalize,cse'")
    p.add_argument("--split-input-file", action="store_true", help="process '// -----' chunks separately")
    p.add_argument("--verify-diagnostics", action="store_true", help="check '// expected-error' annotations")
    p.add_argument("--print-op-generic", action="store_true", help="print ops in generic form")
    p.add_argument("--allow-unregistered-dialect", action="store_true", help="accept unknown ops")
    p.add_argument("--verify-roundtrip", action="store_true", help="check that the output re-parses to the same IR")
    p.add_argument(
        "--parser",
        choices=("lark", "xdsl"),
        default=os.environ.get("DLIR_PARSER", "lark"),
        help="text parser: dlir's Lark parser, or xDSL's (the reference); env DLIR_PARSER",
    )
    p.add_argument("--list-passes", action="store_true", help="list registered passes (with options and anchor) and exit")
    p.add_argument("--load-pass-plugin", action="append", default=[], metavar="FILE.py", help="import a Python file that registers passes")
    p.add_argument("--disable-verify", action="store_true", help="do not verify the IR after each pass")
    p.add_argument("--print-ir-before", default="", metavar="A,B", help="print the IR before the named passes (stderr)")
    p.add_argument("--print-ir-after", default="", metavar="A,B", help="print the IR after the named passes (stderr)")
    p.add_argument("--print-ir-after-all", action="store_true", help="print the IR after every pass (stderr)")
    p.add_argument("--print-ir-after-change", action="store_true", help="print the IR after each pass that changed it")
    p.add_argument("--print-ir-after-failure", action="store_true", help="print the IR a failing pass left behind")
    p.add_argument("--print-ir-tree-dir", default=None, metavar="DIR", help="write the IR after each pass to one file per pass in DIR")
    p.add_argument("--time-passes", action="store_true", help="print a pass timing tree to stderr")
    p.add_argument("--pass-statistics", action="store_true", help="print the counters passes reported to stderr")
    p.add_argument("--fusion-report", action="store_true", help="print every group graph-fuse made and every fusion it refused, with the rule and the ops' locations (stderr)")
    p.add_argument("--reproducer", default=None, metavar="FILE", help="on a pass failure, write the IR before it and its pipeline to FILE")
    run = p.add_argument_group("running (native code after lowering, else the reference interpreter)")
    run.add_argument("--run", action="store_true", help="run the entry function and print its results instead of the IR")
    run.add_argument("--run-entry", metavar="NAME", help="function to run (default: @main, else the first function with a body)")
    run.add_argument("--run-input", metavar="FILE", action="append", default=[], help="inputs from .npy (one argument) or .npz (all its arrays); repeatable")
    run.add_argument("--seed", type=int, default=0, help="seed of the random inputs used when no --run-input is given")
    run.add_argument("--run-range", type=_float_range, default=None, metavar="LOW,HIGH", help="draw random float inputs uniformly from [LOW, HIGH) instead of a standard normal")
    run.add_argument("--run-out", metavar="FILE.npz", help="save the results to an .npz file")
    run.add_argument("--target", choices=("cpu", "vta"), default="cpu", help="where --run runs a loop.func: native code on this CPU, or the simulated VTA accelerator (see docs/vta.md)")
    run.add_argument("--check", action="store_true", help="with --run on native code: compare with the interpreter on the input module and report the max error")
    run.add_argument("--check-tolerance", type=float, default=1e-5, metavar="REL", help="largest max relative error --check accepts (default 1e-5)")
    p.add_argument(
        "--emit",
        choices=("llvm", "asm", "obj", "vta"),
        default=None,
        help="after the pipeline, write the llvm-dialect module as optimised LLVM IR, host assembly, or an object file (obj needs -o); vta: the loop.func's VTA instruction listing",
    )
    p.add_argument("--version", action="store_true", help="print the version and exit")
    p.add_argument("--debug", action="store_true", help="show Python tracebacks on internal errors")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    try:
        return _main(argv)
    except BrokenPipeError:  # `dl-opt ... | head`: the reader left, which is not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


def _main(argv: Sequence[str] | None) -> int:
    args = build_arg_parser().parse_args(argv)
    if args.version:
        from importlib.metadata import version

        from dlir import __version__

        print(f"dl-opt {__version__} (xdsl {version('xdsl')})")
        return 0
    if args.load_pass_plugin:
        from dlir.passes.registry import load_plugin_file

        for path in args.load_pass_plugin:
            try:
                load_plugin_file(path)
            except (OSError, ImportError) as err:
                print(f"dl-opt: error: cannot load pass plugin: {err}", file=sys.stderr)
                return 1
    if args.list_passes:
        return _list_passes()
    try:
        return _run(args)
    except Exception as err:  # an internal error: a bug in dlir, not in the input
        if args.debug:
            raise
        print(f"dl-opt: internal error: {type(err).__name__}: {err} (rerun with --debug)", file=sys.stderr)
        return 1


def _list_passes() -> int:
    """Each pass with its anchor and options, then the named pipelines:

      graph-cse  (on graph.func)  Common subexpression elimination for graph ops.
        --size-limit=<int>  default 1024: max elements of a folded result
    """
    import dataclasses

    from dlir.passes.registry import PASSES, PIPELINES, load_entry_point_plugins, pass_info

    load_entry_point_plugins()
    print("Passes:")
    for name in sorted(PASSES):
        info = pass_info(name)
        print(f"  {name}  (on {info.anchor})  {info.description or '(no description)'}")
        if info.requires or info.produces:
            print(f"    requires: {', '.join(info.requires) or '-'}  produces: {', '.join(info.produces) or '-'}")
        for opt in info.options:
            default = "required" if opt.default is dataclasses.MISSING else f"default {_show(opt.default)}"
            help_text = f": {opt.help}" if opt.help else ""
            print(f"    {opt.spelled}=<{opt.type_name}>  {default}{help_text}")
    print("Pipelines:")
    for name in sorted(PIPELINES):
        spec, description = PIPELINES[name]
        print(f"  {name}  = '{spec}'  {description}")
    return 0


def _show(value: object) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, tuple):
        from typing import cast

        return ",".join(_show(v) for v in cast(tuple[object, ...], value))
    return str(value)


def _read_input(path: str) -> tuple[str, str]:
    if path == "-":
        return sys.stdin.read(), "<stdin>"
    with open(path, encoding="utf-8") as f:
        return f.read(), path


def _chunks(text: str, split: bool) -> list[str]:
    """Split on `// -----`, padding each chunk so line numbers stay those of the file."""
    if not split:
        return [text]
    chunks: list[str] = []
    start, line = 0, 0
    for marker in SPLIT_MARKER.finditer(text):
        chunks.append("\n" * line + text[start : marker.start()])
        line += text.count("\n", start, marker.end())
        start = marker.end()
    chunks.append("\n" * line + text[start:])
    return chunks


def _float_range(text: str) -> tuple[float, float]:
    """`--run-range 0.1,1` -> (0.1, 1.0)."""
    low, _, high = text.partition(",")
    try:
        bounds = float(low), float(high)
    except ValueError:
        bounds = (1.0, 0.0)
    if bounds[0] >= bounds[1]:
        raise argparse.ArgumentTypeError(f"expected LOW,HIGH with LOW < HIGH (e.g. 0.1,1), got '{text}'")
    return bounds


def _run(args: argparse.Namespace) -> int:
    from dlir.ir.context import make_context
    from dlir.ir.diagnostics import DiagnosticError
    from dlir.tools.expected_diagnostics import check_diagnostics, collect_expectations
    from dlir.tools.output import write_output

    try:
        text, filename = _read_input(args.input)
    except OSError as err:
        print(f"dl-opt: error: cannot read '{args.input}': {err.strerror}", file=sys.stderr)
        return 1
    if args.emit == "obj" and (args.output == "-" or args.split_input_file):
        print("dl-opt: error: --emit=obj writes one binary object file: give -o FILE.o and no --split-input-file", file=sys.stderr)
        return 1
    if args.check and not args.run:
        print("dl-opt: error: --check compares the results of --run with the interpreter: add --run", file=sys.stderr)
        return 1
    ctx = make_context(allow_unregistered=args.allow_unregistered_dialect)

    outputs: list[str] = []
    failed = False
    for chunk in _chunks(text, args.split_input_file):
        produced: list[Diagnostic] = []
        try:
            outputs.append(_process(chunk, filename, ctx, args))
        except DiagnosticError as err:
            produced.append(err.diagnostic)
        if args.verify_diagnostics:
            problems = check_diagnostics(produced, collect_expectations(chunk, filename))
        else:
            problems = produced
        for diag in problems:
            print(diag.render(text), file=sys.stderr)
        failed |= bool(problems)

    if failed and not args.verify_diagnostics:
        return 1
    if args.emit != "obj":  # an object file was written by _emit already
        write_output(args.output, "// -----\n".join(outputs), prefix=".dl-opt-")
    return 1 if failed else 0


def _process(chunk: str, filename: str, ctx: Context, args: argparse.Namespace) -> str:
    from dlir.ir.verify import verify
    from dlir.parser import parse_module, parse_module_xdsl, print_module

    parse = parse_module_xdsl if args.parser == "xdsl" else parse_module
    module = parse(chunk, filename, ctx)
    verify(module)
    source = module.clone() if args.run else module
    spec = args.passes
    if not spec:
        from dlir.passes.manager import reproducer_pipeline

        spec = reproducer_pipeline(chunk.lstrip("\n")) or ""
    if spec:
        _run_passes(spec, module, ctx, args, chunk)
        verify(module)
    if args.verify_roundtrip:
        from dlir.ir.diagnostics import DiagnosticError
        from dlir.parser.roundtrip import roundtrip_error

        problem = roundtrip_error(module, parse, ctx)
        if problem is not None:
            raise DiagnosticError.at(f"round trip failed: {problem}")
    if (args.target == "vta" and args.run) or args.emit == "vta":
        from dlir.backends.vta import tool

        return tool.run(module, source, ctx, args) if args.run else tool.listing(module, args)
    if args.run:
        from dlir.tools.run import run

        return run(module, source, ctx, args)
    if args.emit:
        return _emit(module, args.emit, args.output)
    return print_module(module, generic=args.print_op_generic)


def _emit(module: ModuleOp, kind: str, output: str) -> str:
    """LLVM IR or assembly as text for the output; an object file is written to `output` here."""
    from dlir.backends.llvm.jit import JitError, emit
    from dlir.ir.diagnostics import DiagnosticError

    try:
        produced = emit(module, kind)
    except JitError as err:
        raise DiagnosticError.at(f"cannot emit {kind}: {err}") from err
    if isinstance(produced, str):
        return produced
    with open(output, "wb") as f:
        f.write(produced)
    return ""


def _run_passes(spec: str, module: ModuleOp, ctx: Context, args: argparse.Namespace, source: str) -> None:
    from pathlib import Path

    from dlir.ir.diagnostics import Diagnostic
    from dlir.passes.instrument import PassInstrumentation, PassStatistics, PrintIR, TimePasses
    from dlir.passes.manager import PassFailure, PassManager, write_reproducer

    def names(text: str) -> frozenset[str]:
        return frozenset(n.strip() for n in text.split(",") if n.strip())

    instruments: list[PassInstrumentation] = []
    printer = PrintIR(
        before=names(args.print_ir_before),
        after=names(args.print_ir_after),
        after_all=args.print_ir_after_all,
        after_change=args.print_ir_after_change,
        after_failure=args.print_ir_after_failure,
        tree_dir=Path(args.print_ir_tree_dir) if args.print_ir_tree_dir else None,
    )
    if printer.before or printer.after or printer.after_all or printer.after_change or printer.after_failure or printer.tree_dir:
        instruments.append(printer)
    timer = TimePasses() if args.time_passes else None
    stats = PassStatistics() if args.pass_statistics else None
    instruments.extend(i for i in (timer, stats) if i is not None)

    def warn(diagnostic: Diagnostic) -> None:
        print(diagnostic.render(source), file=sys.stderr)

    manager = PassManager.parse(
        spec,
        ctx,
        instruments=instruments,
        verify_each=not args.disable_verify,
        keep_ir_before=args.reproducer is not None,
        warn=warn,
    )
    from contextlib import nullcontext

    from dlir.passes.graph.fusion_report import collect_fusion_reports

    reports = collect_fusion_reports() if args.fusion_report else nullcontext(list[str]())
    try:
        with reports as fusion_reports:
            manager.run(module)
        sys.stderr.write("".join(fusion_reports))
    except PassFailure as failure:
        if args.reproducer:
            write_reproducer(args.reproducer, failure)
            failure.diagnostic.notes.append(Diagnostic(f"reproducer written to {args.reproducer}", severity="note"))
        raise
    finally:
        if timer is not None:
            sys.stderr.write(timer.report())
        if stats is not None:
            sys.stderr.write(stats.report())


if __name__ == "__main__":
    sys.exit(main())
