"""Parse throughput: dlir's Lark parser against xDSL's own parser, on the same files.

    python benchmarks/parse_speed.py                       # 50k ops, best of 3, CPU time
    python benchmarks/parse_speed.py --ops 5000 --repeat 2
    python benchmarks/parse_speed.py --write-results       # also update benchmarks/RESULTS.md

Inputs come from `gen_ops.py` (funcs of ~40 arith/memref ops plus an `scf.for` with
`iter_args`), printed by xDSL in custom and in generic form. When dlir's parser cannot
read the custom file (a hand-written op form is missing), the declarative-only variant
is used instead and the report says so. Timings are CPU time (`time.process_time`) of
the parse alone, best of N, with the grammar already loaded.
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import re
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from gen_ops import generate
from xdsl.dialects.builtin import ModuleOp
from xdsl.parser import Parser

from dlir.ir.context import make_context
from dlir.ir.diagnostics import DiagnosticError
from dlir.parser.lark_parser import get_parser, parse_module_lark

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"
BEGIN, END = "<!-- parse-speed:begin -->", "<!-- parse-speed:end -->"


@dataclass
class Row:
    form: str
    parser: str
    ops: int
    seconds: float

    @property
    def rate(self) -> float:
        return self.ops / self.seconds


def best_time(parse: Callable[[], ModuleOp], repeat: int) -> tuple[float, int]:
    """Best CPU time of `repeat` parses, and the op count of the result."""
    best, ops = float("inf"), 0
    for _ in range(repeat):
        gc.collect()
        start = time.process_time()
        module = parse()
        best = min(best, time.process_time() - start)
        ops = sum(1 for _ in module.walk())
        del module
    return best, ops


def measure(text: str, form: str, repeat: int) -> list[Row]:
    rows: list[Row] = []

    def xdsl() -> ModuleOp:
        return Parser(make_context(), text, "bench.mlir").parse_module()

    def lark() -> ModuleOp:
        return parse_module_lark(text, "bench.mlir", make_context())

    for name, fn in (("xDSL", xdsl), ("dlir Lark", lark)):
        seconds, ops = best_time(fn, repeat)
        rows.append(Row(form, name, ops, seconds))
    return rows


def report(rows: list[Row], note: str) -> str:
    lines = [
        "| form | parser | ops | CPU s (best) | ops/s | vs xDSL |",
        "|---|---|---|---|---|---|",
    ]
    for row in rows:
        ref = next(r for r in rows if r.form == row.form and r.parser == "xDSL")
        lines.append(
            f"| {row.form} | {row.parser} | {row.ops} | {row.seconds:.2f} | {row.rate:,.0f} | {row.rate / ref.rate:.2f}x |"
        )
    return "\n".join(lines) + ("\n\n" + note if note else "")


def _cpu() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def write_results(table: str, command: str) -> None:
    machine = f"{_cpu()} ({os.cpu_count()} cores, {platform.machine()}), Python {platform.python_version()}"
    section = "\n".join(
        [
            BEGIN,
            "## Parser throughput (`benchmarks/parse_speed.py`)",
            "",
            f"Command: `{command}`  ",
            f"Machine: {machine}; xdsl {version('xdsl')}, lark {version('lark')}; "
            f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}",
            "",
            table,
            END,
        ]
    )
    old = RESULTS.read_text() if RESULTS.exists() else "# Benchmark results\n"
    if BEGIN in old:
        new = re.sub(re.escape(BEGIN) + ".*?" + re.escape(END), lambda _: section, old, flags=re.S)
    else:
        new = old.rstrip("\n") + "\n\n" + section + "\n"
    RESULTS.write_text(new)


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--ops", type=int, default=50_000)
    ap.add_argument("--repeat", type=int, default=3, help="best of N")
    ap.add_argument("--write-results", action="store_true", help=f"update {RESULTS.name}")
    args = ap.parse_args()

    get_parser()  # load (or build and cache) the grammar outside the timings
    custom, generic, _ = generate(args.ops)
    note = ""
    try:
        parse_module_lark(
            custom[:20000].rsplit("\n  func.func", 1)[0] + "\n}\n", "probe", make_context()
        )
    except DiagnosticError as err:
        note = (
            "The custom file uses only ops with declarative formats (`gen_ops.py "
            f"--declarative-only`): dlir's parser lacks a hand-written form ({err.diagnostic.message})."
        )
        custom, generic, _ = generate(args.ops, declarative_only=True)
    rows = measure(custom, "custom", args.repeat) + measure(generic, "generic", args.repeat)
    table = report(rows, note)
    print(table)
    if args.write_results:
        write_results(table, "python " + " ".join(sys.argv))


if __name__ == "__main__":
    main()
