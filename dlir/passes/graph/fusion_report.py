"""The fusion report: every group `graph-fuse` made and every fusion it refused, with the
ops' source locations (`dl-opt --fusion-report`, or `collect_fusion_reports()` in Python).

    fusion report for @reduce: 7 ops, 2 fused kernels, 1 op alone, 2 refusals
      kernel @fused_transpose_exp_reduce_sum_sqrt: 4 ops, anchor graph.reduce_sum
        f.mlir:3:8: graph.transpose (injective)
        f.mlir:5:8: graph.reduce_sum (reduction) [anchor]
        ...
      alone: f.mlir:7:8: graph.reduce_sum (reduction)
      refused: f.mlir:6:8: graph.sqrt (elementwise) -> graph.add (broadcast) at f.mlir:9:8 [diamond]: ...

A refusal names the producer that stayed out, the reader whose group it did not join,
the rule (`[tag]`, see `fusion_plan.Rule`) and the op that made the rule fail.
"""

from __future__ import annotations

from collections.abc import Generator
from contextlib import contextmanager
from contextvars import ContextVar

from dlir.passes.graph.fusion_plan import ANCHORS, FusionPlan, Group, OpInfo, Refusal, Rule

_REPORTS: ContextVar[list[str] | None] = ContextVar("dlir_fusion_reports", default=None)


@contextmanager
def collect_fusion_reports() -> Generator[list[str]]:
    """Collect the report of every function `graph-fuse` runs on inside the block.

    with collect_fusion_reports() as reports:
        dlir.compile(module)
    print("".join(reports))
    """
    reports: list[str] = []
    token = _REPORTS.set(reports)
    try:
        yield reports
    finally:
        _REPORTS.reset(token)


def reporting() -> bool:
    """Whether a caller collects fusion reports (so `graph-fuse` should write them)."""
    return _REPORTS.get() is not None


def add_report(text: str) -> None:
    """Hand one function's report to the active `collect_fusion_reports()`, if any."""
    reports = _REPORTS.get()
    if reports is not None:
        reports.append(text)


def render(func_name: str, plan: FusionPlan) -> str:
    """The report of one function, once its fused groups are named."""
    fused = plan.fused()
    alone = [g for g in plan.groups if len(g.ops) == 1]
    ops = sum(len(g.ops) for g in plan.groups)
    lines = [
        f"fusion report for @{func_name}: {_count(ops, 'op')}, {_count(len(fused), 'fused kernel')}, "
        f"{_count(len(alone), 'op')} alone, {_count(len(plan.refusals), 'refusal')}"
    ]
    for group in fused:
        anchor = (
            f"anchor {plan.info[group.anchor].name}" if group.anchor is not None else "no anchor"
        )
        lines.append(f"  kernel {_kernel(group)}: {len(group.ops)} ops, {anchor}")
        for op in group.ops:
            mark = " [anchor]" if op is group.anchor else ""
            lines.append(f"    {_located(plan.info[op])}{mark}")
    for group in alone:
        lines.append(f"  alone: {_located(plan.info[group.ops[0]])}")
    for refusal in plan.refusals:
        lines.append(
            f"  refused: {_located(refusal.producer)} -> {_short(refusal.reader)}"
            f" [{refusal.tag}]: {_reason(refusal)}"
        )
    return "\n".join(lines) + "\n"


def _count(n: int, what: str) -> str:
    return f"{n} {what}{'' if n == 1 else 's'}"


def _located(info: OpInfo) -> str:
    """`f.mlir:6:8: graph.sqrt (elementwise)`"""
    return f"{info.loc}: {info.name}{_kind(info)}"


def _kind(info: OpInfo) -> str:
    """` (out-fusable)`, or nothing for an op without a category."""
    return f" ({_category(info)})" if info.category is not None else ""


def _category(info: OpInfo) -> str:
    return str(info.category).replace("_", "-")


def _short(info: OpInfo) -> str:
    """`graph.add at f.mlir:9:8`"""
    return f"{info.name} at {info.loc}"


def _kernel(group: Group | None) -> str:
    if group is None:
        return "no group"
    if group.name is not None:
        return f"@{group.name}"
    return "alone"


def _reason(r: Refusal) -> str:
    reader, culprit = r.reader.name, _short(r.culprit) if r.culprit is not None else "?"
    match r.rule:
        case Rule.OPAQUE:
            return f"{r.producer.name} is opaque: it never fuses"
        case Rule.OPAQUE_READER:
            return f"its reader {reader} is opaque: it never fuses"
        case Rule.RETURNED:
            return (
                "its value is also returned by the function, so it is stored: it ends its own group"
            )
        case Rule.DIAMOND:
            return (
                f"its immediate post-dominator {reader} ({_kernel(r.reader_group)}) is also "
                f"reached through {culprit} ({_kernel(r.culprit_group)}): fused, "
                "it would be computed twice"
            )
        case Rule.SHARED:
            return (
                f"its readers {reader} ({_kernel(r.reader_group)}) and {culprit} "
                f"({_kernel(r.culprit_group)}) are in different groups that meet only at the "
                "function's end or at an opaque op: fused into one, it would be computed twice"
            )
        case Rule.OUT_FUSABLE_READER:
            return (
                f"read directly by out-fusable {reader}: inlined there, it would be "
                "recomputed at every reuse of that operand"
            )
        case Rule.AFTER:
            assert r.culprit is not None
            group = r.culprit_group
            where = f" (in {_kernel(group)})" if group is not None and group.name else ""
            if r.culprit.category in ANCHORS:
                return (
                    f"the group's anchor is already {culprit}{where}: "
                    "one reduction or out-fusable op per kernel"
                )
            return (
                "a reduction or out-fusable op takes only an elementwise or broadcast "
                f"epilogue, and {culprit}{where} is {_category(r.culprit)}"
            )
