"""`dl-opt`: read MLIR text, verify, run a pass pipeline, print the result.

    dl-opt input.mlir -p canonicalize,cse -o out.mlir
    dl-opt bad.mlir --verify-diagnostics --split-input-file

Imports are lazy: `dl-opt --version` must not pay for xDSL.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from xdsl.context import Context

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
    p.add_argument("--list-passes", action="store_true", help="list registered passes and exit")
    p.add_argument("--version", action="store_true", help="print the version and exit")
    p.add_argument("--debug", action="store_true", help="show Python tracebacks on internal errors")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = build_arg_parser().parse_args(argv)
    if args.version:
        from importlib.metadata import version

        from dlir import __version__

        print(f"dl-opt {__version__} (xdsl {version('xdsl')})")
        return 0
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
    from dlir.passes import PASSES, describe

    width = max(map(len, PASSES), default=0)
    for name in sorted(PASSES):
        print(f"  {name.ljust(width)}  {describe(name)}")
    return 0


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


def _run(args: argparse.Namespace) -> int:
    from dlir.ir.context import make_context
    from dlir.ir.diagnostics import DiagnosticError
    from dlir.tools.expected_diagnostics import check_diagnostics, collect_expectations

    try:
        text, filename = _read_input(args.input)
    except OSError as err:
        print(f"dl-opt: error: cannot read '{args.input}': {err.strerror}", file=sys.stderr)
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
    _write_output(args.output, "// -----\n".join(outputs))
    return 1 if failed else 0


def _process(chunk: str, filename: str, ctx: Context, args: argparse.Namespace) -> str:
    from dlir.ir.verify import verify
    from dlir.parser import parse_module, parse_module_xdsl, print_module

    parse = parse_module_xdsl if args.parser == "xdsl" else parse_module
    module = parse(chunk, filename, ctx)
    verify(module)
    if args.passes:
        from dlir.passes import run_pipeline

        run_pipeline(args.passes, module, ctx)
        verify(module)
    if args.verify_roundtrip:
        from dlir.ir.diagnostics import DiagnosticError
        from dlir.parser.roundtrip import roundtrip_error

        problem = roundtrip_error(module, parse, ctx)
        if problem is not None:
            raise DiagnosticError.at(f"round trip failed: {problem}")
    return print_module(module, generic=args.print_op_generic)


def _write_output(path: str, text: str) -> None:
    out: TextIO
    if path == "-":
        sys.stdout.write(text)
        return
    # Write to a temporary file first: a failure must not leave a half-written output.
    import tempfile

    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=".dl-opt-", suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(text)
    os.replace(tmp, path)


if __name__ == "__main__":
    sys.exit(main())
