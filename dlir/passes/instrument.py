"""Pass instrumentation: hooks around every pass run, and the built-in instruments.

    class CountRuns(PassInstrumentation):
        def run_before_pass(self, step: Step, op: Operation) -> None:
            self.runs += 1

    PassManager.parse("graph-cse", ctx, instruments=[CountRuns()]).run(module)

`op` is the op the pass runs on: the module, or one function for a function-anchored pass.
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from xdsl.ir import Operation

if TYPE_CHECKING:
    from dlir.passes.manager import Step


def op_label(op: Operation) -> str:
    """`graph.func @f` for a symbol op, else the op name."""
    sym = op.attributes.get("sym_name") or op.properties.get("sym_name")
    text = getattr(sym, "data", None)
    return f"{op.name} @{text}" if isinstance(text, str) else op.name


class PassInstrumentation:
    """Override any of the hooks; the default does nothing."""

    def run_before_pass(self, step: Step, op: Operation) -> None:
        """Called before `step` runs on `op`."""

    def run_after_pass(self, step: Step, op: Operation) -> None:
        """Called after `step` succeeded on `op` (and the result verified)."""

    def run_after_pass_failed(self, step: Step, op: Operation, error: Exception) -> None:
        """Called when `step` raised, or left `op` invalid; `op` is as the pass left it."""


def _print_ir(op: Operation) -> str:
    from dlir.parser import print_module

    return print_module(op)


@dataclass
class PrintIR(PassInstrumentation):
    """`--print-ir-before=a,b`, `--print-ir-after*`, `--print-ir-tree-dir`.

    Dumps go to `out` (stderr) headed like MLIR's `// -----// IR Dump After cse //----- //`.
    """

    before: frozenset[str] = frozenset()
    after: frozenset[str] = frozenset()
    after_all: bool = False
    after_change: bool = False
    after_failure: bool = False
    tree_dir: Path | None = None
    out: TextIO = field(default_factory=lambda: sys.stderr)
    _before_text: dict[int, str] = field(default_factory=dict[int, str])
    _count: int = 0

    def _wants_after(self, step: Step) -> bool:
        return self.after_all or self.after_change or step.name in self.after or self.tree_dir is not None

    def _dump(self, when: str, step: Step, op: Operation, text: str) -> None:
        self.out.write(f"// -----// IR Dump {when} {step.name} ({op_label(op)}) //----- //\n{text}\n")

    def run_before_pass(self, step: Step, op: Operation) -> None:
        if step.name in self.before:
            self._dump("Before", step, op, _print_ir(op))
        if self.after_change:
            self._before_text[id(op)] = _print_ir(op)

    def run_after_pass(self, step: Step, op: Operation) -> None:
        if not self._wants_after(step):
            return
        text = _print_ir(op)
        before = self._before_text.pop(id(op), None)
        if self.tree_dir is not None:
            self._count += 1
            self.tree_dir.mkdir(parents=True, exist_ok=True)
            label = op_label(op).replace(" @", "_").replace(".", "_")
            (self.tree_dir / f"{self._count:03d}_{step.name}_{label}.mlir").write_text(text + "\n")
        if self.after_all or step.name in self.after or (self.after_change and before != text):
            self._dump("After", step, op, text)

    def run_after_pass_failed(self, step: Step, op: Operation, error: Exception) -> None:
        self._before_text.pop(id(op), None)
        if self.after_failure:
            self._dump("After Failure", step, op, _print_ir(op))


@dataclass
class _TimerNode:
    name: str
    seconds: float = 0.0
    children: dict[str, _TimerNode] = field(default_factory=dict[str, "_TimerNode"])


@dataclass
class TimePasses(PassInstrumentation):
    """`--time-passes`: wall time per pass, grouped by anchor, with percentages.

        ===-------------------------------------------------------------------------===
                              ... Pass execution timing report ...
        ===-------------------------------------------------------------------------===
          Total Execution Time: 0.0123 seconds
           Wall Time (%)   Name
           0.0100 ( 81.3%)  graph.func
           0.0060 ( 48.8%)    graph-cse
    """

    root: _TimerNode = field(default_factory=lambda: _TimerNode("root"))
    _started: dict[int, float] = field(default_factory=dict[int, float])

    def run_before_pass(self, step: Step, op: Operation) -> None:
        self._started[id(op)] = time.perf_counter()

    def _stop(self, step: Step, op: Operation) -> None:
        elapsed = time.perf_counter() - self._started.pop(id(op), time.perf_counter())
        node = self.root
        if step.anchor != "builtin.module":
            node = node.children.setdefault(step.anchor, _TimerNode(step.anchor))
            node.seconds += elapsed
        leaf = node.children.setdefault(step.label, _TimerNode(step.label))
        leaf.seconds += elapsed
        self.root.seconds += elapsed

    def run_after_pass(self, step: Step, op: Operation) -> None:
        self._stop(step, op)

    def run_after_pass_failed(self, step: Step, op: Operation, error: Exception) -> None:
        self._stop(step, op)

    def report(self) -> str:
        total = self.root.seconds or 1e-12
        bar = "===" + "-" * 73 + "==="
        lines = [bar, "... Pass execution timing report ...".center(79).rstrip(), bar]
        lines.append(f"  Total Execution Time: {self.root.seconds:.4f} seconds")
        lines.append("   Wall Time (%)   Name")

        def emit(node: _TimerNode, depth: int) -> None:
            for child in node.children.values():
                pct = 100.0 * child.seconds / total
                lines.append(f"   {child.seconds:.4f} ({pct:5.1f}%)  {'  ' * depth}{child.name}")
                emit(child, depth + 1)

        emit(self.root, 0)
        lines.append(f"   {self.root.seconds:.4f} (100.0%)  Total")
        return "\n".join(lines) + "\n"


@dataclass
class PassStatistics(PassInstrumentation):
    """`--pass-statistics`: the counters passes bump with `dlir.passes.statistic(...)`."""

    counts: dict[str, dict[str, int]] = field(default_factory=dict[str, dict[str, int]])

    def record(self, step: Step, key: str, amount: int) -> None:
        per_pass = self.counts.setdefault(step.label, {})
        per_pass[key] = per_pass.get(key, 0) + amount

    def report(self) -> str:
        bar = "===" + "-" * 73 + "==="
        lines = [bar, "... Pass statistics report ...".center(79).rstrip(), bar]
        for label, stats in self.counts.items():
            lines.append(label)
            lines.extend(f"  ({count}) {key}" for key, count in stats.items())
        return "\n".join(lines) + "\n"
