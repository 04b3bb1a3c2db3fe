"""Pipeline text -> a tree of passes and nests, with positions for caret errors.

Both the flat form and MLIR's nested form are accepted:

    graph-cse,loop-tile{tile=64 sizes=4,8}
    builtin.module(graph.func(graph-cse,graph-dce),loop.func(loop-tile{tile=64}))

An element followed by `(` is a nest: the passes inside run on each op of that name.
A flat pipeline is a nest anchored on `builtin.module`. Option values run to the next
space or `}`; a list is written `sizes=4,8`; a value with spaces is quoted: `msg="a b"`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from dlir.ir.diagnostics import Diagnostic, DiagnosticError

MODULE_ANCHOR = "builtin.module"
_NAME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.")


class PipelineError(DiagnosticError):
    """A problem in pipeline text, shown with the text and a caret under the culprit:

        error: unknown pass 'graph-cs'; did you mean 'graph-cse'?
          graph-cs,graph-dce
          ^
    """

    def __init__(self, message: str, spec: str, pos: int) -> None:
        self.spec, self.pos, self.reason = spec, pos, message
        super().__init__(Diagnostic(f"{message}\n  {spec}\n  {' ' * pos}^"))


@dataclass
class OptionText:
    """`key=value` as written; `value` is None for a bare `key` (a true flag)."""

    key: str
    value: str | None
    pos: int


@dataclass
class PassText:
    """One pass as written: `loop-tile{tile=64}` at offset `pos` of the spec."""

    name: str
    options: list[OptionText] = field(default_factory=list[OptionText])
    pos: int = 0

    def __str__(self) -> str:
        if not self.options:
            return self.name
        opts = " ".join(o.key if o.value is None else f"{o.key}={_quote(o.value)}" for o in self.options)
        return f"{self.name}{{{opts}}}"


@dataclass
class NestText:
    """`graph.func(a,b)`: run the items on each `graph.func`."""

    anchor: str
    items: list[PassText | NestText] = field(default_factory=list["PassText | NestText"])
    pos: int = 0

    def __str__(self) -> str:
        return f"{self.anchor}({','.join(str(i) for i in self.items)})"


def _quote(value: str) -> str:
    return f'"{value}"' if value == "" or " " in value or "}" in value else value


def parse_pipeline(spec: str) -> NestText:
    """Parse pipeline text into a tree rooted at a `builtin.module` nest.

    `a,b` -> builtin.module(a,b);   `builtin.module(graph.func(a))` -> itself
    """
    parser = _Parser(spec)
    items = parser.items(top=True)
    if len(items) == 1 and isinstance(items[0], NestText) and items[0].anchor == MODULE_ANCHOR:
        return items[0]
    return NestText(MODULE_ANCHOR, items, 0)


class _Parser:
    def __init__(self, spec: str) -> None:
        self.spec, self.i = spec, 0

    def error(self, message: str, pos: int | None = None) -> PipelineError:
        return PipelineError(message, self.spec, self.i if pos is None else pos)

    def skip_spaces(self) -> None:
        while self.i < len(self.spec) and self.spec[self.i].isspace():
            self.i += 1

    def peek(self) -> str:
        self.skip_spaces()
        return self.spec[self.i] if self.i < len(self.spec) else ""

    def items(self, top: bool) -> list[PassText | NestText]:
        result: list[PassText | NestText] = []
        if self.peek() in ("", ")"):
            if top and self.peek() == ")":
                raise self.error("unbalanced ')': no nest to close here")
            return result
        while True:
            result.append(self.element())
            c = self.peek()
            if c == ",":
                self.i += 1
                continue
            if c == "" or (c == ")" and not top):
                return result
            expected = "',' or end of pipeline" if top else "',' or ')'"
            found = f"'{c}'" if c else "end of pipeline"
            raise self.error(f"expected {expected}, found {found}")

    def name(self) -> tuple[str, int]:
        self.skip_spaces()
        start = self.i
        while self.i < len(self.spec) and self.spec[self.i] in _NAME_CHARS:
            self.i += 1
        if self.i == start:
            found = f"'{self.spec[self.i]}'" if self.i < len(self.spec) else "end of pipeline"
            raise self.error(f"expected a pass or op name, found {found}")
        return self.spec[start : self.i], start

    def element(self) -> PassText | NestText:
        name, pos = self.name()
        if self.peek() == "(":
            self.i += 1
            items = self.items(top=False)
            if self.peek() != ")":
                raise self.error(f"expected ')' to close '{name}(' opened here", pos)
            self.i += 1
            return NestText(name, items, pos)
        options: list[OptionText] = []
        if self.peek() == "{":
            self.i += 1
            options = self.options(name, pos)
        return PassText(name, options, pos)

    def options(self, owner: str, owner_pos: int) -> list[OptionText]:
        result: list[OptionText] = []
        while True:
            c = self.peek()
            if c == "}":
                self.i += 1
                return result
            if c == "":
                raise self.error(f"expected '}}' to close the options of '{owner}'", owner_pos)
            key, pos = self.name()
            value: str | None = None
            if self.peek() == "=":
                self.i += 1
                value = self.value()
            result.append(OptionText(key, value, pos))

    def value(self) -> str:
        self.skip_spaces()
        start = self.i
        if self.i < len(self.spec) and self.spec[self.i] == '"':
            end = self.spec.find('"', self.i + 1)
            if end < 0:
                raise self.error("unterminated string in option value")
            self.i = end + 1
            return self.spec[start + 1 : end]
        while self.i < len(self.spec) and not self.spec[self.i].isspace() and self.spec[self.i] != "}":
            self.i += 1
        return self.spec[start : self.i]
