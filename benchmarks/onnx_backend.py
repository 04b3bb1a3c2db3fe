"""The ONNX backend node tests on dlir: pass count, failures grouped by cause, a table.

    python benchmarks/onnx_backend.py                  # native (compile-cpu), 2 processes
    python benchmarks/onnx_backend.py --mode interpret --jobs 1
    python benchmarks/onnx_backend.py --markdown       # the table for RESULTS.md
    python benchmarks/onnx_backend.py --only test_relu --verbose

Tests are selected by the operators in their graphs (`dlir/frontend/onnx/suite.py`: every
node in the 48-operator subset of issue 6 plus LRN; never by name). Each test runs in a
forked process, so a crash or a hang (`--timeout`) is one failed test, not a lost run.
Exit status 0 when the pass rate reaches `--target` (default 95%).
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import sys
import time
import warnings
from multiprocessing.connection import Connection
from typing import Any

from onnx.backend.test.case.test_case import TestCase

from dlir.frontend.onnx.backend import MODES, Mode
from dlir.frontend.onnx.suite import Outcome, load_cases, run_case, selected, summarize

_CASES: list[TestCase] = []  # filled before forking; the children read it


def _child(index: int, mode: Mode, conn: Connection) -> None:
    warnings.simplefilter("ignore")
    conn.send(run_case(_CASES[index], mode))
    conn.close()


def run_all(mode: Mode, jobs: int, timeout: float, verbose: bool) -> list[Outcome]:
    """Every case of `_CASES` in its own forked process, `jobs` at a time."""
    ctx = mp.get_context("fork")
    pending = list(range(len(_CASES)))
    running: dict[int, tuple[Any, Connection, float]] = {}
    outcomes: dict[int, Outcome] = {}
    while pending or running:
        while pending and len(running) < jobs:
            index = pending.pop(0)
            parent, child = ctx.Pipe(duplex=False)
            proc = ctx.Process(target=_child, args=(index, mode, child))
            proc.start()
            child.close()
            running[index] = (proc, parent, time.monotonic())
        for index, (proc, conn, started) in list(running.items()):
            name = _CASES[index].name
            outcome: Outcome | None = None
            if conn.poll(0.01):
                try:
                    outcome = conn.recv()
                except EOFError:
                    proc.join()
                    outcome = Outcome(name, False, f"crash: exit status {proc.exitcode}")
            elif not proc.is_alive():
                proc.join()
                outcome = Outcome(name, False, f"crash: exit status {proc.exitcode}")
            elif time.monotonic() - started > timeout:
                proc.kill()
                outcome = Outcome(name, False, f"timeout: over {timeout:g} s")
            if outcome is None:
                continue
            proc.join()
            conn.close()
            del running[index]
            outcomes[index] = outcome
            if verbose:
                status = "ok" if outcome.passed else f"FAIL {outcome.cause}\n    {outcome.detail}"
                print(f"{name}: {status}", flush=True)
    return [outcomes[i] for i in range(len(_CASES))]


def report(outcomes: list[Outcome], mode: Mode, seconds: float) -> str:
    passed = sum(o.passed for o in outcomes)
    total = len(outcomes)
    lines = [
        f"ONNX node tests on dlir ({mode}): {passed} / {total} passed "
        f"({100 * passed / max(total, 1):.1f}%) in {seconds:.0f} s",
        f"  of the passes, {sum(o.folded for o in outcomes)} bound every input as a constant "
        "(outputs computed at import): " + ", ".join(o.name for o in outcomes if o.folded),
    ]
    for cause, names in summarize(outcomes).items():
        lines.append(f"  {len(names):4d}  {cause}")
        lines.append("        " + ", ".join(names))
    return "\n".join(lines)


def markdown(outcomes: list[Outcome], mode: Mode) -> str:
    passed = sum(o.passed for o in outcomes)
    total = len(outcomes)
    rows = [
        "| ONNX node tests (onnx 1.23.2, ops all in the subset) | passed | rate |",
        "|---|---:|---:|",
        f"| dlir {mode} | {passed} / {total} | {100 * passed / max(total, 1):.1f}% |",
        "",
        "| failure cause | tests |",
        "|---|---:|",
    ]
    for cause, names in summarize(outcomes).items():
        rows.append(f"| {cause.replace('|', '/')} | {len(names)} |")
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="The ONNX backend node tests on dlir.")
    parser.add_argument("--mode", choices=MODES, default="native")
    parser.add_argument("--jobs", type=int, default=2, help="processes at a time (default 2)")
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds per test")
    parser.add_argument("--only", action="append", default=[], help="run this test (repeatable)")
    parser.add_argument("--markdown", action="store_true", help="also print the RESULTS.md table")
    parser.add_argument("--target", type=float, default=95.0, help="pass rate to reach, percent")
    parser.add_argument("--verbose", "-v", action="store_true", help="print every test")
    args = parser.parse_args(argv)
    os.environ.setdefault("DLIR_NUM_THREADS", "1")
    warnings.simplefilter("ignore")
    start = time.monotonic()
    cases = selected(load_cases())
    if args.only:
        known = {c.name for c in cases}
        unknown = [n for n in args.only if n not in known]
        if unknown:
            print(f"not a selected node test: {', '.join(unknown)}", file=sys.stderr)
            return 2
        cases = [c for c in cases if c.name in args.only]
    _CASES[:] = cases
    print(f"{len(cases)} node tests selected by their operators", flush=True)
    outcomes = run_all(args.mode, max(args.jobs, 1), args.timeout, args.verbose)
    print(report(outcomes, args.mode, time.monotonic() - start))
    if args.markdown:
        print()
        print(markdown(outcomes, args.mode))
    rate = 100 * sum(o.passed for o in outcomes) / max(len(outcomes), 1)
    return 0 if rate >= args.target else 1


if __name__ == "__main__":
    sys.exit(main())
