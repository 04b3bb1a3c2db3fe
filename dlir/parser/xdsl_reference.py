"""xDSL's own parser, used as the reference in differential tests and by `--parser xdsl`.

Two adjustments keep it comparable with dlir's parser: every op without an explicit
`loc(...)` gets `loc("file":line:col)`, and resource blobs are stored by content
(`dlir.parser.resources`) instead of xDSL 0.74's renaming, which loses a blob when the
same handle is parsed twice in one process.
"""

from __future__ import annotations

from xdsl.context import Context
from xdsl.dialect_interfaces.op_asm import OpAsmDialectInterface
from xdsl.dialects.builtin import UNKNOWN_LOC, FileLineColLoc, IntAttr, ModuleOp, StringAttr
from xdsl.ir import Operation
from xdsl.parser import Parser
from xdsl.utils.exceptions import VerifyException
from xdsl.utils.lexer import Span

from dlir.parser.resources import ResourceLoader


class LocatingParser(Parser):
    """xDSL's parser with source locations on ops and content-addressed resources."""

    def __init__(self, ctx: Context, text: str, name: str = "<unknown>") -> None:
        super().__init__(ctx, text, name)
        self.resources = ResourceLoader()

    def parse_module(self, allow_implicit_module: bool = True) -> ModuleOp:
        module = super().parse_module(allow_implicit_module)
        self.resources.finish(module)
        return module

    def parse_operation(self) -> Operation:
        start = self.pos
        where = Span(start, start, self.lexer.input).get_location()
        try:
            op = super().parse_operation()
        except VerifyException as err:  # raised by type inference in custom formats
            self.raise_error(str(err), start, self.pos)
        if op.location == UNKNOWN_LOC:
            op.location = FileLineColLoc(StringAttr(where.file), IntAttr(where.line), IntAttr(where.col))
        return op

    def _parse_dialect_resource_handle(
        self, dialect_name: str, interface: OpAsmDialectInterface
    ) -> str:
        key = self.resources.handle(interface, self.parse_identifier(" for resource handle"))
        self.dialect_resources.add((dialect_name, key))
        return key

    def _parse_resource(self, dialect_name: str, interface: OpAsmDialectInterface) -> None:
        key = self.parse_identifier(" for resource handle")
        self.parse_punctuation(":")
        value = self.parse_str_literal()
        try:
            self.resources.blob(interface, key, value)
        except ValueError as err:
            self.raise_error(str(err))
