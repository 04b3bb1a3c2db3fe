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
    return parse_module_xdsl(text, filename, ctx)


def parse_module_xdsl(
    text: str, filename: str = "<stdin>", ctx: Context | None = None
) -> ModuleOp:
    """Parse with xDSL's own recursive-descent parser (the reference)."""
    from xdsl.parser import Parser

    from dlir.ir.context import make_context

    try:
        return Parser(ctx or make_context(), text, filename).parse_module()
    except ParseError as err:
        where = err.span.get_location()
        raise DiagnosticError.at(err.msg, SourceLoc(filename, where.line, where.col)) from err


def print_module(op: Operation, generic: bool = False) -> str:
    """Print `op` in custom form (or generic form) followed by a newline."""
    out = StringIO()
    Printer(stream=out, print_generic_format=generic).print_op(op)
    out.write("\n")
    return out.getvalue()
