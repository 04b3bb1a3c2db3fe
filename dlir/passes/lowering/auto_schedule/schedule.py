"""A kernel's rule-based schedule: a kernel-level pattern (`patterns.py`) when one matches
and te-to-loop accepts it, else per stage the first rule te-to-loop accepts.

    te.kernel @add_64x100xf32(...) { %Y = te.compute "Y" (%i0: 64, %i1: 100) {...} }
    ->
    te.schedule @add_64x100xf32 {
      te.split "Y" "i1" by 4 -> "i1o", "i1i"
      te.vectorize "Y" "i1i"
      te.parallel "Y" "i0"
    }

Stages are scheduled in order. A stage without reductions that non-reducing stages read
at one point each, contiguously along their innermost axis, is inlined into them (a
stencil's producer, read at several points, would be recomputed at each: measured 2.4x
slower on the 3x3 blur, so it stays at root). For each, the rules of its kind (`rules.py`) are tried
best first on top of the stages already decided: a rule is kept when the `Schedule`
builder accepts its primitives and te-to-loop's replay can lower the whole schedule.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from xdsl.ir import SSAValue
from xdsl.ir.affine import AffineExpr

from dlir.dialects.te.builder import Schedule
from dlir.dialects.te.kernel import KernelOp
from dlir.dialects.te.model import ScheduleError
from dlir.dialects.te.schedule import ScheduleOp
from dlir.ir.diagnostics import DiagnosticError
from dlir.passes.lowering.auto_schedule.classify import StageInfo, classify
from dlir.passes.lowering.auto_schedule.patterns import row_schedule
from dlir.passes.lowering.auto_schedule.rules import NotApplicable, Options, Rule, rules_for
from dlir.passes.lowering.te_to_loop.schedule import scheduled_plans


@dataclass(frozen=True)
class Choice:
    """The rule chosen for one stage."""

    stage: str
    kind: str
    rule: str


def auto_schedule(
    kernel: KernelOp, options: Options | None = None
) -> tuple[ScheduleOp, list[Choice]]:
    """The rule-based schedule of `kernel` (not inserted anywhere) and the rule per stage."""
    options = options or Options()
    infos = [classify(stage) for stage in kernel.stages()]
    inlinable = _inlinable(kernel, infos)
    pattern = row_schedule(kernel, infos, inlinable, options)
    if pattern is not None and _replays(kernel, pattern.op):
        return pattern.op, [Choice(info.name, info.kind.value, "row") for info in infos]
    chosen: list[tuple[StageInfo, Rule]] = []
    choices: list[Choice] = []
    for info in infos:
        for name, rule in rules_for(info, info.name in inlinable):
            if _build(kernel, [*chosen, (info, rule)], options) is not None:
                chosen.append((info, rule))
                choices.append(Choice(info.name, info.kind.value, name))
                break
        else:
            choices.append(Choice(info.name, info.kind.value, "default"))
    schedule = _build(kernel, chosen, options)
    assert schedule is not None, "a prefix of accepted rules is accepted"
    return schedule, choices


def _build(
    kernel: KernelOp, rules: Sequence[tuple[StageInfo, Rule]], options: Options
) -> ScheduleOp | None:
    """The schedule made by `rules`, or None when a rule does not apply or te-to-loop
    cannot lower the result."""
    schedule = Schedule(kernel, insert=False)
    try:
        for info, rule in rules:
            rule(schedule[info.name], info, options)
        scheduled_plans(kernel, schedule.op)
    except (NotApplicable, ScheduleError, DiagnosticError):
        return None
    return schedule.op


def _replays(kernel: KernelOp, schedule: ScheduleOp) -> bool:
    """Whether te-to-loop's replay accepts `schedule` (as for the rules: lowering it
    whole here too would cost 30-140 ms per kernel)."""
    try:
        scheduled_plans(kernel, schedule)
    except (ScheduleError, DiagnosticError):
        return False
    return True


def _inlinable(kernel: KernelOp, infos: Sequence[StageInfo]) -> set[str]:
    """Stages that are not results, have no reduction, and whose readers reduce nothing
    (inlining a pad into a convolution would redo it for every reduction step)."""
    results = {
        value for op in kernel.body.block.ops if op.name == "te.return" for value in op.operands
    }
    by_value: dict[SSAValue, StageInfo] = {info.stage.result: info for info in infos}
    readers: dict[str, list[StageInfo]] = {info.name: [] for info in infos}
    streaming: dict[str, bool] = {info.name: _streams(info) for info in infos}
    for info in infos:
        points: dict[str, set[tuple[AffineExpr | None, ...]]] = {}
        for read in info.reads:
            producer = by_value.get(read.source)
            if producer is not None:
                readers[producer.name].append(info)
                points.setdefault(producer.name, set()).add(read.indices)
                inner = info.n_spatial - 1
                streaming[producer.name] &= inner >= 0 and read.contiguous_along(inner)
        for name, read_at in points.items():
            # a stencil's producer read at several points would be recomputed at each
            streaming[name] &= len(read_at) == 1
    return {
        info.name
        for info in infos
        if info.stage.result not in results
        and not info.is_reduction
        and readers[info.name]
        and not any(reader.is_reduction for reader in readers[info.name])
        and streaming[info.name]
    }


def _streams(info: StageInfo) -> bool:
    """Whether the stage reads contiguously along its innermost axis, so that inlining it
    keeps its readers' vector loops contiguous."""
    return info.n_spatial > 0 and info.contiguous_along(info.n_spatial - 1)
