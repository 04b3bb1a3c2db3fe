"""Diagnostics that point into source text: `file:line:col: error: ...` plus a caret.

    bad.mlir:3:8: error: contracting dims differ: 8 vs 7
      %c = graph.matmul %a, %b : (tensor<4x8xf32>, tensor<7x16xf32>) -> tensor<4x16xf32>
           ^
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Severity = Literal["error", "warning", "note", "remark"]


@dataclass(frozen=True)
class SourceLoc:
    """A 1-based position in a named source buffer."""

    file: str
    line: int
    col: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.col}"


@dataclass
class Diagnostic:
    """One message about the input, optionally anchored at a source location."""

    message: str
    loc: SourceLoc | None = None
    severity: Severity = "error"
    notes: list[Diagnostic] = field(default_factory=list["Diagnostic"])

    def render(self, source: str | None = None) -> str:
        """The message as a compiler prints it, with the source line and a caret."""
        head = f"{self.loc}: " if self.loc else ""
        lines = [f"{head}{self.severity}: {self.message}"]
        if self.loc is not None and source is not None:
            src_lines = source.splitlines()
            if 1 <= self.loc.line <= len(src_lines):
                text = src_lines[self.loc.line - 1].expandtabs(1)
                lines.append(text)
                lines.append(" " * max(self.loc.col - 1, 0) + "^")
        lines.extend(note.render(source) for note in self.notes)
        return "\n".join(lines)


class DiagnosticWarning(UserWarning):
    """A warning about user input, carrying its located `Diagnostic` (severity "warning").

    `warnings.warn(DiagnosticWarning(Diagnostic("has no effect", loc, "warning")))`; the pass
    manager hands it to its `warn` callback, and dl-opt prints it with the source line.
    """

    def __init__(self, diagnostic: Diagnostic | str) -> None:
        if isinstance(diagnostic, str):
            diagnostic = Diagnostic(diagnostic, None, "warning")
        super().__init__(diagnostic.message)
        self.diagnostic = diagnostic


class DiagnosticError(Exception):
    """An error about user input; tools print it and exit 1, never with a traceback."""

    def __init__(self, diagnostic: Diagnostic) -> None:
        super().__init__(diagnostic.message)
        self.diagnostic = diagnostic

    @classmethod
    def at(cls, message: str, loc: SourceLoc | None = None) -> DiagnosticError:
        return cls(Diagnostic(message, loc))
