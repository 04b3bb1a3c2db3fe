"""xDSL's own parser, used as the reference in differential tests and by `--parser xdsl`."""

from __future__ import annotations

from xdsl.dialects.builtin import UNKNOWN_LOC, FileLineColLoc, IntAttr, StringAttr
from xdsl.ir import Operation
from xdsl.parser import Parser
from xdsl.utils.lexer import Span


class LocatingParser(Parser):
    """xDSL's parser, plus `loc("file":line:col)` on every op that has no explicit loc,
    so that verifier errors can point at the op as they do with dlir's parser."""

    def parse_operation(self) -> Operation:
        where = Span(self.pos, self.pos, self.lexer.input).get_location()
        op = super().parse_operation()
        if op.location == UNKNOWN_LOC:
            op.location = FileLineColLoc(StringAttr(where.file), IntAttr(where.line), IntAttr(where.col))
        return op
