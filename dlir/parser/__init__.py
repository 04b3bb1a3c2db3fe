"""Text <-> IR.

`parse_module` reads MLIR text (generic and custom forms) into xDSL IR with dlir's Lark
parser; `print_module` writes it back. `parse_module_xdsl` is xDSL's own parser, kept as
the reference for differential tests.
"""

from __future__ import annotations

from io import StringIO

from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp
from xdsl.ir import Operation
from xdsl.printer import Printer
from xdsl.utils.exceptions import ParseError

from dlir.ir.diagnostics import DiagnosticError, SourceLoc


def parse_module(text: str, filename: str = "<stdin>", ctx: Context | None = None) -> ModuleOp:
    """Parse a whole buffer; a top level without `builtin.module` gets one implicitly."""
    from dlir.parser.lark_parser import parse_module_lark

    return parse_module_lark(text, filename, ctx)


def parse_module_xdsl(text: str, filename: str = "<stdin>", ctx: Context | None = None) -> ModuleOp:
    """Parse with xDSL's own recursive-descent parser (the reference)."""
    from dlir.ir.context import make_context
    from dlir.parser.xdsl_reference import LocatingParser

    try:
        return LocatingParser(ctx or make_context(), text, filename).parse_module()
    except ParseError as err:
        where = err.span.get_location()
        raise DiagnosticError.at(err.msg, SourceLoc(filename, where.line, where.col)) from err


def print_module(op: Operation, generic: bool = False) -> str:
    """Print `op` in custom (or generic) form, then the `{-# dialect_resources #-}` blobs
    it references (large constants), followed by a newline."""
    from xdsl.dialects.builtin import Builtin

    out = StringIO()
    printer = Printer(stream=out, print_generic_format=generic)
    printer.print_op(op)
    printer.print_metadata([Builtin])
    out.write("\n")
    return out.getvalue()
