"""`dl-import`: an ONNX model as `graph` IR text.

    dl-import model.onnx -o model.mlir
    dl-import model.onnx --input-shape data=1,3,224,224 -o model.mlir
    dl-opt model.mlir -p compile-cpu --run --check

Errors (unsupported operators, symbolic dims, unreadable files) are one message on
stderr and exit status 1; the output file is written whole or not at all.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence


def _input_shape(text: str) -> tuple[str, tuple[int, ...]]:
    """`data=1,3,224,224` -> ("data", (1, 3, 224, 224)); `x=` is a scalar."""
    name, sep, dims = text.rpartition("=")
    try:
        shape = tuple(int(d) for d in dims.split(",") if d.strip())
    except ValueError:
        shape = (-1,)
    if not sep or not name or any(d < 0 for d in shape):
        raise argparse.ArgumentTypeError(
            f"expected NAME=D0,D1,... with non-negative sizes (e.g. data=1,3,224,224), got '{text}'"
        )
    return name, shape


def build_arg_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="dl-import", description="Import an ONNX model as dlir graph IR (MLIR text)."
    )
    p.add_argument("input", help="the .onnx model")
    p.add_argument("-o", "--output", default="-", help="output .mlir file ('-' for stdout)")
    p.add_argument(
        "--input-shape",
        type=_input_shape,
        action="append",
        default=[],
        metavar="NAME=D0,D1,...",
        help="static shape of an input with symbolic dims; repeatable",
    )
    p.add_argument("--name", default="main", help="name of the graph.func (default: main)")
    p.add_argument("--print-op-generic", action="store_true", help="print ops in generic form")
    p.add_argument("--debug", action="store_true", help="show Python tracebacks on internal errors")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = build_arg_parser().parse_args(argv)
    try:
        return _run(args)
    except Exception as err:  # an internal error: a bug in dlir, not in the model
        if args.debug:
            raise
        print(
            f"dl-import: internal error: {type(err).__name__}: {err} (rerun with --debug)",
            file=sys.stderr,
        )
        return 1


def _run(args: argparse.Namespace) -> int:
    try:
        from dlir.frontend.onnx import OnnxImportError, from_onnx
    except ImportError as err:
        print(
            f"dl-import: error: the onnx package is needed ({err}); install dlir[onnx]",
            file=sys.stderr,
        )
        return 1
    from dlir.parser import print_module
    from dlir.tools.output import write_output

    shapes = dict(args.input_shape)
    try:
        module = from_onnx(args.input, name=args.name, input_shapes=shapes)
    except OnnxImportError as err:
        print(f"dl-import: error: {err}", file=sys.stderr)
        return 1
    text = print_module(module.op, generic=args.print_op_generic)
    try:
        write_output(args.output, text, prefix=".dl-import-")
    except OSError as err:
        print(f"dl-import: error: cannot write '{args.output}': {err.strerror}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
