"""Random kernels x random legal schedules, compiled natively and compared with the
interpreter (issue 5): elementwise chains, reductions, contractions, stencils and
multi-stage kernels, f32 and i32, odd extents; every schedule primitive the model knows.

Kernels are lowered as compile-cpu lowers them (a kernel left unscheduled gets the
default schedule). Illegal draws must raise `ScheduleError` with a message (checked while
drawing); every schedule the model accepts must lower (legality is decided before
anything changes: te-to-loop refuses nothing the model accepted). The examples here are derandomized (the same ones each run, so CI is stable);
thousands of fresh cases run outside CI with `benchmarks/fuzz_schedules.py`, and what
they find is minimised into test_schedule_regressions.py.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from xdsl.dialects.builtin import ModuleOp, TensorType, f32, i32
from xdsl.ir import Attribute, SSAValue

from dlir.dialects.te.builder import KernelBuilder, Schedule, StageBody
from dlir.dialects.te.model import ScheduleError
from dlir.testing.schedules import PRIMITIVES, ScheduleCase, check_case, schedule_cases
from dlir.testing.te_kernels import FAMILIES, RandomKernel, random_kernels

SLOW = [HealthCheck.too_slow, HealthCheck.data_too_large]


@settings(max_examples=24, deadline=None, derandomize=True, suppress_health_check=SLOW)
@given(schedule_cases())
def test_random_schedules_keep_results(case: ScheduleCase):
    """Up to three kernels of any family, each with up to eight drawn primitives."""
    outcome = check_case(case)
    assert not outcome.refused
    assert outcome.compared == len(case.kernels)


@pytest.mark.parametrize("family", list(FAMILIES))
def test_each_family_compiles_unscheduled(family: str):
    """Every family, f32 and i32, with the default schedule: the baseline of the property."""

    @settings(max_examples=2, deadline=None, derandomize=True, suppress_health_check=SLOW)
    @given(schedule_cases(max_kernels=3, max_steps=0, families=[family]))
    def check(case: ScheduleCase):
        assert check_case(case).compared == len(case.kernels)

    check()


PLACEMENT = ("compute_inline", "compute_root", "compute_at", "store_at")


@pytest.mark.parametrize("primitive", PRIMITIVES)
def test_each_primitive_on_its_own(primitive: str):
    """Schedules of mostly one primitive, on kernels it applies to (hypothesis starts from
    the first primitive listed): it is applied, and results are kept."""
    # store_at needs a compute_at before it (legal only once the stage's other readers,
    # if any, are computed inside the level)
    primitives = (
        ["compute_at", primitive, "split"] if primitive == "store_at" else [primitive, "split"]
    )
    families = list(FAMILIES)
    if primitive in PLACEMENT:
        families = ["multi-stage"]
    elif primitive == "rfactor":
        families = ["reduction", "contraction"]
    applied: list[str] = []

    @settings(max_examples=3, deadline=None, derandomize=True, suppress_health_check=SLOW)
    @given(schedule_cases(2, 4, families, primitives, min_steps=2))
    def check(case: ScheduleCase):
        assert not check_case(case, seed=1).refused
        applied.extend(case.applied)

    check()
    assert primitive in applied


@settings(max_examples=30, deadline=None, suppress_health_check=SLOW)
@given(st.data())
def test_illegal_primitives_raise_schedule_errors_with_messages(data: st.DataObject):
    """Primitives with made-up names or factors <= 0 are refused, and leave the schedule
    as it was."""
    kernel = data.draw(random_kernels("k"))
    s = Schedule(kernel.op, insert=False)
    stage = data.draw(st.sampled_from(sorted(s.state.stages)))
    before = s.state.stages[stage].axis_names()
    axis = data.draw(st.sampled_from([*before, "nope"]))
    bad = data.draw(st.sampled_from(["split0", "split-unknown", "vectorize-unknown", "at-self"]))
    with pytest.raises(ScheduleError) as info:
        if bad == "split0":
            s[stage].split(axis, data.draw(st.integers(-3, 0)))
        elif bad == "split-unknown":
            s[stage].split("nope", 2)
        elif bad == "vectorize-unknown":
            s[stage].vectorize("nope")
        else:
            s[stage].compute_at(stage, before[0])
    assert str(info.value).strip()
    assert s.state.stages[stage].axis_names() == before
    assert not list(s.op.primitives())


@pytest.mark.parametrize("element", [f32, i32])
def test_a_wrong_result_is_caught(element: Attribute, monkeypatch: pytest.MonkeyPatch):
    """The comparison can fail: an interpreter off by one in one element is a mismatch."""
    import dlir
    from dlir.interpreter import interpret

    def off_by_one(module: ModuleOp, name: str, *args: Any) -> Any:
        result = interpret(module, name, *args)
        first = result[0] if isinstance(result, tuple) else result
        first.flat[-1] += 1
        return result

    monkeypatch.setattr(dlir, "interpret", off_by_one, raising=False)
    kb = KernelBuilder("k0", [("A", TensorType(element, [3, 5]))])

    def body(b: StageBody, i: SSAValue, j: SSAValue) -> SSAValue:
        return b.read(kb["A"], i, j)

    copy = kb.compute("B", [("i", 3), ("j", 5)], body)
    kernel = RandomKernel(kb.finish(copy), "elementwise")
    with pytest.raises(
        AssertionError, match=r"@k0 \(elementwise\): result #0 differs: 1 of 15 elements"
    ):
        check_case(ScheduleCase(ModuleOp([kernel.op]), [kernel]))
