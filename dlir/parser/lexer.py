"""The lexer of dlir's MLIR grammar: one master regex, then a per-state choice of terminal.

Lark's contextual lexer tries, at every position, the regex alternation of all terminals
the parser state accepts (hundreds where an op may start). This lexer matches one small
regex of token *shapes* (value, identifier, number, string, punctuation, ...) and then picks
the terminal by a dictionary lookup against the parser state's accepted terminals — the
same contextual behaviour (a keyword is a keyword only where the grammar expects it) at a
fraction of the cost. A `<` where the grammar accepts `ANGLE_BODY` takes the whole
balanced `<...>` text as one token (the body of a dialect type or attribute; builtin
attributes such as `dense<...>` and `affine_map<...>` are lexed token by token), and a
flat run of numbers where it accepts `DENSE_NUMBERS` is one token (`[1, 2, 3]` in a
`dense<...>`).

Two more context rules, as in MLIR's parser:

* **Default dialects.** An op name without its dialect prefix (`return` inside `func.func`)
  is looked up as written, then prefixed by the dialect of each enclosing op, innermost
  first, then `builtin` (xDSL's `Context.get_optional_op` with the parser's dialect
  stack). The lexer tracks the enclosing ops itself: every `{` opened after an op name
  (custom or generic) belongs to that op, and a `}` makes the op that owned the `{`
  current again (for `} else {`).
* **Minus signs.** `-1` is one negative-integer token where the grammar accepts one; where
  it accepts a binary `-` instead (`%i -1` in an index expression, `d0 -1` in an affine
  map), it is `-` then `1`.
"""

# pyright: reportUnknownMemberType=false, reportUnknownVariableType=false, reportUnknownArgumentType=false, reportMissingTypeStubs=false, reportIncompatibleMethodOverride=false
from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from lark import Token
from lark.exceptions import UnexpectedCharacters
from lark.lexer import Lexer, LexerState, PatternStr

_SHAPES = re.compile(
    r"""(?P<ws>(?:[ \t\r\n]+|//[^\n]*)+)
    |(?P<value>%[\w$.\-]+(?:\#[0-9]+)?)
    |(?P<ident>[A-Za-z_][\w$.]*)
    |(?P<float>-?[0-9]+\.[0-9]*(?:[eE][+-]?[0-9]+)?)
    |(?P<int>-?(?:0x[0-9a-fA-F]+|[0-9]+))
    |(?P<string>"(?:[^"\\\n]|\\.)*")
    |(?P<block>\^[\w$.\-]+)
    |(?P<symbol>@(?:[A-Za-z_$.][\w$.\-]*|"(?:[^"\\\n]|\\.)*"))
    |(?P<excl>![A-Za-z_][\w$.]*)
    |(?P<hash>\#[A-Za-z_][\w$.]*)
    |(?P<punct>->|::|\.\.\.|\{-\#|\#-\}|[-(){}\[\]<>,:=*?+|])""",
    re.VERBOSE,
)
_INT_TYPE = re.compile(r"[su]?i[0-9]+")
_SHAPES_DIMS = (
    ("SHAPE", re.compile(r"(?:(?:[0-9]+|\?)x)+")),
    ("VECTOR_SHAPE", re.compile(r"(?:(?:[0-9]+|\[[0-9]+\])x)+")),
    ("UNRANKED", re.compile(r"\*x")),
)


class MLIRLexer(Lexer):
    """A contextual lexer for `mlir.lark` (Lark custom-lexer interface 2)."""

    __future_interface__ = 2

    def __init__(self, lexer_conf: Any) -> None:
        self.keywords: dict[str, str] = {}
        angle = None
        numbers = r"(?!)"  # matches nothing: a grammar without dense literals
        for term in lexer_conf.terminals:
            if isinstance(term.pattern, PatternStr):
                self.keywords[term.pattern.value] = term.name
            elif term.name == "ANGLE_BODY":
                angle = term.pattern.value
            elif term.name == "DENSE_NUMBERS":
                numbers = term.pattern.value
        assert angle is not None, "the grammar must define ANGLE_BODY"
        self.angle = re.compile(angle)
        self.numbers = re.compile(numbers)
        self.last_token: Token | None = None
        self.minus = self.keywords.get("-", "-")  # the binary minus terminal, if any

    def lex(self, lexer_state: LexerState, parser_state: Any) -> Iterator[Token]:
        text: str = lexer_state.text.text
        states = parser_state.parse_conf.states
        stack = parser_state.state_stack
        keywords = self.keywords
        match = _SHAPES.match
        angle = self.angle.match
        numbers = self.numbers.match
        pos, end = lexer_state.text.start, lexer_state.text.end
        line, line_start = 1, 0
        # the dialect of the op owning each open `{`, and of the op named last
        enclosing: list[str] = []
        current = "builtin"
        while pos < end:
            m = match(text, pos)
            if m is None:
                acc = states[stack[-1]]
                raise UnexpectedCharacters(
                    text, pos, line, pos - line_start + 1, allowed=set(acc), state=parser_state
                )
            kind = m.lastgroup
            value = m.group()
            if kind == "ws":
                newlines = value.count("\n")
                if newlines:
                    line += newlines
                    line_start = pos + value.rindex("\n") + 1
                pos = m.end()
                continue
            acc = states[stack[-1]]
            if "DENSE_NUMBERS" in acc:  # `1, 2.5, -3` up to the `]` of a dense literal
                nm = numbers(text, pos)
                if nm is not None:
                    value = nm.group()
                    tok = Token("DENSE_NUMBERS", value, pos, line, pos - line_start + 1)
                    self.last_token = tok
                    yield tok
                    newlines = value.count("\n")
                    if newlines:
                        line += newlines
                        line_start = pos + value.rindex("\n") + 1
                    pos = nm.end()
                    continue
            if "SHAPE" in acc or "VECTOR_SHAPE" in acc:
                dims = self._dims(text, pos, acc)
                if dims is not None:
                    type_, value = dims
                    tok = Token(type_, value, pos, line, pos - line_start + 1)
                    yield tok
                    pos += len(value)
                    continue
            if kind == "value":
                type_ = "VALUE_ID"
            elif kind == "ident":
                type_ = keywords.get(value, "BARE_ID")
                if type_ not in acc:
                    if "_OP_START" in acc:
                        if type_.startswith("OP_"):
                            op, dialect = type_, value.split(".", 1)[0]
                        else:
                            op, dialect = self._op(value, enclosing)
                        if op:
                            current = dialect
                            column = pos - line_start + 1
                            yield Token("_OP_START", "", pos, line, column)
                            tok = Token(op, value, pos, line, column)
                            self.last_token = tok
                            yield tok
                            pos = m.end()
                            continue
                    type_ = self._ident(value, acc)
            elif kind == "punct":
                if value == "<" and "ANGLE_BODY" in acc:
                    am = angle(text, pos)
                    if am is not None:
                        value = am.group()
                        yield Token("ANGLE_BODY", value, pos, line, pos - line_start + 1)
                        newlines = value.count("\n")
                        if newlines:
                            line += newlines
                            line_start = pos + value.rindex("\n") + 1
                        pos = am.end()
                        continue
                type_ = keywords.get(value, value)
                if value == "{":
                    enclosing.append(current)
                elif value == "}" and enclosing:
                    current = enclosing.pop()
            elif kind == "int" or kind == "float":
                type_ = "FLOAT" if kind == "float" else "NEG_INT" if value[0] == "-" else "INT"
                if value[0] == "-" and type_ not in acc and self.minus in acc:
                    # a binary minus: `-` then the number
                    yield Token(self.minus, "-", pos, line, pos - line_start + 1)
                    pos += 1
                    value = value[1:]
                    type_ = "FLOAT" if kind == "float" else "INT"
            elif kind == "string":
                type_ = "STRING"
                if "_OP_START" in acc:  # a generic op's name, or an attribute name
                    current = value[1:].split(".", 1)[0]
            elif kind == "excl":
                type_ = keywords.get(value, "EXCL_ID")
                if type_ not in acc:
                    type_ = "EXCL_ID"
            elif kind == "hash":
                type_ = "HASH_ID"
            elif kind == "symbol":
                type_ = "SYMBOL"
            else:
                type_ = "BLOCK_ID"
            tok = Token(type_, value, pos, line, pos - line_start + 1)
            self.last_token = tok
            yield tok
            pos = m.end()

    def _op(self, name: str, enclosing: list[str]) -> tuple[str, str]:
        """The op terminal and dialect of an op name written without its dialect."""
        keywords = self.keywords
        for dialect in (*reversed(enclosing), "builtin"):
            op = keywords.get(f"{dialect}.{name}", "")
            if op.startswith("OP_"):
                return op, dialect
        return "", ""

    @staticmethod
    def _dims(text: str, pos: int, acc: Any) -> tuple[str, str] | None:
        """A dimension list (`4x?x`, `4x[8]x`, `*x`) where the grammar accepts one."""
        for name, pattern in _SHAPES_DIMS:
            if name in acc:
                m = pattern.match(text, pos)
                if m is not None:
                    return name, m.group()
        return None

    def _ident(self, value: str, acc: Any) -> str:
        """The terminal of an identifier that is not an accepted keyword as spelled."""
        if "INT_TYPE" in acc and _INT_TYPE.fullmatch(value):
            return "INT_TYPE"
        builtin = self.keywords.get("builtin." + value)
        if builtin is not None and builtin in acc:
            return builtin
        return "BARE_ID"
