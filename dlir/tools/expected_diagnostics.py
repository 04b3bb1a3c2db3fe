"""MLIR's `--verify-diagnostics`: match produced diagnostics against annotations.

    // expected-error @+1 {{contracting dims differ: 8 vs 7}}
    %c = graph.matmul %a, %b : ...

`@+N` / `@-N` are relative to the comment's line, `@above` / `@below` mean -1 / +1, and
no `@` means the comment's own line. Every diagnostic must be expected, and every
expectation must be met.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from dlir.ir.diagnostics import Diagnostic, SourceLoc

_EXPECTED = re.compile(
    r"expected-(?P<sev>error|warning|note|remark)\s*"
    r"(?:@(?P<where>[+-]\d+|above|below))?\s*\{\{(?P<text>.*?)\}\}"
)


@dataclass
class Expectation:
    severity: str
    line: int
    text: str
    comment_loc: SourceLoc
    met: bool = False


def collect_expectations(source: str, filename: str) -> list[Expectation]:
    """All `expected-*` annotations in `source`, with the line each one refers to."""
    found: list[Expectation] = []
    for number, line in enumerate(source.splitlines(), start=1):
        for match in _EXPECTED.finditer(line):
            where = match.group("where")
            offset = {None: 0, "above": -1, "below": 1}.get(where)
            if offset is None:
                offset = int(where)
            loc = SourceLoc(filename, number, match.start() + 1)
            found.append(Expectation(match.group("sev"), number + offset, match.group("text"), loc))
    return found


def check_diagnostics(
    produced: list[Diagnostic], expectations: list[Expectation]
) -> list[Diagnostic]:
    """Mismatches, as diagnostics: unexpected ones first, then unmet expectations."""
    problems: list[Diagnostic] = []
    for diag in produced:
        line = diag.loc.line if diag.loc else None
        match = next(
            (
                e
                for e in expectations
                if not e.met
                and e.severity == diag.severity
                and e.line == line
                and e.text in diag.message
            ),
            None,
        )
        if match is None:
            problems.append(Diagnostic(f"unexpected {diag.severity}: {diag.message}", diag.loc))
        else:
            match.met = True
    for e in expectations:
        if not e.met:
            problems.append(
                Diagnostic(f'expected {e.severity} "{e.text}" was not produced', e.comment_loc)
            )
    return problems
