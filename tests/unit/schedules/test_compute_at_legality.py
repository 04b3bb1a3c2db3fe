"""compute_at of a stage that several stages read, decided by the schedule model before
te-to-loop runs: the Python builder raises the verifier's error (naming the primitive's
problem and the legal levels) and changes nothing; every placement the model accepts
lowers and computes what the interpreter does (odd shapes, shifted reads, a reader
nested in a stage computed at the level). The IR-level errors are in
tests/filecheck/dialects/te/compute-at-legality.mlir."""

from __future__ import annotations

import re
import warnings

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from xdsl.dialects import arith
from xdsl.dialects.builtin import ModuleOp, TensorType, f32
from xdsl.ir import SSAValue
from xdsl.utils.exceptions import VerifyException

from dlir.dialects.te import loops, stages
from dlir.dialects.te.builder import KernelBuilder, Schedule, StageBody
from dlir.dialects.te.kernel import KernelOp
from dlir.dialects.te.model import ScheduleError, ScheduleWarning
from dlir.dialects.te.schedule import PrimitiveOp, ScheduleOp
from dlir.parser import parse_module, print_module
from dlir.testing.schedules import ScheduleCase, check_case
from dlir.testing.te_kernels import RandomKernel


def shared_kernel(rows: int = 4, cols: int = 8, shift: int = 0) -> KernelOp:
    """B = A; D = B[i, j] + B[i, j + shift]; C = B * D: B is read by C and D, D by C."""
    a_type = TensorType(f32, [rows, cols + shift])
    kb = KernelBuilder("k", [("A", a_type)])

    def copy(s: StageBody, i: SSAValue, j: SSAValue) -> SSAValue:
        return s.read(kb["A"], i, j)

    b = kb.compute("B", [("i", rows), ("j", cols + shift)], copy)

    def pair(s: StageBody, i: SSAValue, j: SSAValue) -> SSAValue:
        return s.insert(arith.AddfOp(s.read(b, i, j), s.read(b, i, s.offset(j, shift)))).result

    d = kb.compute("D", [("i", rows), ("j", cols)], pair)

    def product(s: StageBody, i: SSAValue, j: SSAValue) -> SSAValue:
        return s.insert(arith.MulfOp(s.read(b, i, j), s.read(d, i, j))).result

    return kb.finish(kb.compute("C", [("i", rows), ("j", cols)], product))


def verifier_message(kernel: KernelOp, done: list[PrimitiveOp], primitive: PrimitiveOp) -> str:
    """What the verifier says about `primitive` after `done`, in a module of its own."""
    copy = kernel.clone()
    module = ModuleOp([copy, ScheduleOp("k", [p.clone() for p in [*done, primitive]])])
    with pytest.raises(VerifyException) as info:
        module.verify()
    return str(info.value)


def at(stage: str, target: str, axis: str) -> PrimitiveOp:
    return stages.ComputeAtOp(stage, target, axis)


ILLEGAL: list[tuple[list[PrimitiveOp], PrimitiveOp, str]] = [
    (
        [],
        at("B", "C", "i"),
        "cannot compute 'B' at C.i: it is also read by 'D', which is computed at root, not "
        "inside C.i; legal levels for 'B' are root (compute_at 'D' at C.i or a loop of 'C' "
        "inside it first)",
    ),
    (
        [at("D", "C", "i")],
        at("B", "C", "j"),
        "cannot compute 'B' at C.j: it is also read by 'D', which is computed at C.i, not "
        "inside C.j; legal levels for 'B' are root, C.i",
    ),
    (
        [at("D", "C", "j"), at("B", "C", "i")],
        stages.ComputeRootOp("D"),
        "cannot compute_root 'D': it would leave 'B' computed at C.i while it is also read "
        "by 'D', which is computed at root, not inside C.i; legal levels for 'B' would be "
        "root: move 'B' first",
    ),
    (
        [at("D", "C", "j"), at("B", "C", "i")],
        loops.ReorderOp("C", ["j", "i"]),
        "cannot reorder 'C': it would leave 'B' computed at C.i while it is also read by "
        "'D', which is computed at C.j, not inside C.i; legal levels for 'B' would be root, "
        "C.j: move 'B' first",
    ),
    (
        [at("D", "C", "j"), at("B", "C", "i")],
        stages.CacheWriteOp("C", "local", "CL"),
        "cannot cache_write 'C': it would leave 'B' computed at C.i while it is also read by "
        "'CL', which is computed at root, not inside C.i",
    ),
    (
        [at("D", "C", "j"), at("B", "C", "i")],
        stages.CacheReadOp("B", "local", ["D"], "BL"),
        "cannot cache_read 'B': it would leave 'B' computed at C.i while it is also read by "
        "'BL', which is computed at root, not inside C.i",
    ),
]


@pytest.mark.parametrize("done, primitive, message", ILLEGAL)
def test_builder_refuses_what_the_verifier_refuses(
    done: list[PrimitiveOp], primitive: PrimitiveOp, message: str
):
    kernel = shared_kernel()
    module = ModuleOp([kernel])
    s = Schedule(kernel)
    for op in done:
        s.apply(op.clone())
    before = print_module(module)
    with pytest.raises(ScheduleError, match=re.escape(message)) as info:
        s.apply(primitive.clone())
    assert print_module(module) == before  # nothing was added
    assert verifier_message(kernel, done, primitive) == str(info.value)


def test_legal_levels_are_those_enclosing_every_read():
    s = Schedule(shared_kernel(), insert=False)
    s["C"].split("j", 4)
    assert s.state.legal_levels("B") == ["root"]
    s["D"].compute_at("C", "jo")
    assert s.state.legal_levels("B") == ["root", "C.i", "C.jo"]
    s["D"].compute_at("C", "ji")
    assert s.state.legal_levels("B") == ["root", "C.i", "C.jo", "C.ji"]
    assert s.state.legal_levels("D") == ["root", "C.i", "C.jo", "C.ji"]
    s["B"].compute_at("C", "jo")
    with pytest.raises(
        ScheduleError,
        match=re.escape(
            "'D', which is computed at C.i, not inside C.jo; legal levels for 'B' would be root, C.i:"
        ),
    ):
        s["D"].compute_at("C", "i")


def test_a_kernel_result_is_legal_at_root_only():
    kb = KernelBuilder("k", [("A", TensorType(f32, [4]))])

    def copy_a(s: StageBody, i: SSAValue) -> SSAValue:
        return s.read(kb["A"], i)

    p = kb.compute("P", [("i", 4)], copy_a)

    def copy_p(s: StageBody, i: SSAValue) -> SSAValue:
        return s.read(p, i)

    c = kb.compute("C", [("i", 4)], copy_p)
    s = Schedule(kb.finish(c, p), insert=False)
    assert s.state.legal_levels("P") == ["root"]


def run(module: ModuleOp, kernel: KernelOp) -> None:
    """Lower `kernel` with its schedule (both in `module`), run it natively and compare
    with the interpreter: the lowering must not refuse it."""
    outcome = check_case(ScheduleCase(module, [RandomKernel(kernel, "shared", bound=4.0)]))
    assert outcome.compared == 1, outcome.refused


def module_of(kernel: KernelOp) -> tuple[ModuleOp, Schedule]:
    module = ModuleOp([kernel])
    return module, Schedule(kernel)


@pytest.mark.parametrize("rows, cols, shift", [(1, 1, 0), (7, 13, 1), (5, 33, 2)])
def test_a_stage_computed_for_two_readers_at_one_loop(rows: int, cols: int, shift: int):
    """D at C's column tile, B at C's row: B's region is the union of C's and D's reads
    (D reads `shift` columns further)."""
    kernel = shared_kernel(rows, cols, shift)
    module, s = module_of(kernel)
    jo, _ = s["C"].split("j", 4)
    s["D"].compute_at("C", jo)
    s["B"].compute_at("C", "i")
    run(module, kernel)


def test_a_reader_nested_in_a_stage_computed_at_the_level():
    """BL (B cached for D) at D's column, D at C's column, B at C's row."""
    kernel = shared_kernel(7, 13, 2)
    module, s = module_of(kernel)
    s["D"].compute_at("C", "j")
    cache = s["B"].cache_read("local", ["D"])
    cache.compute_at("D", "j")
    s["B"].compute_at("C", "i")
    s["B"].store_at("C", "i")
    run(module, kernel)


def test_the_same_schedule_in_the_other_order_is_refused():
    """The model is checked primitive by primitive: a stage goes inside a loop after its
    other readers (as store_at goes after compute_at)."""
    s = Schedule(shared_kernel(), insert=False)
    with pytest.raises(
        ScheduleError, match=re.escape("compute_at 'D' at C.i or a loop of 'C' inside")
    ):
        s["B"].compute_at("C", "i")
    s["D"].compute_at("C", "i")
    s["B"].compute_at("C", "i")
    assert not s.state.warnings


PLACEMENTS = (
    "D at C",
    "B at C",
    "B at D",
    "cache B for D",
    "split C",
    "reorder C",
    "D at root",
    "inline D",
)
"""Placement steps: a drawn schedule starts with a split of C, D at a loop of C and B at
a loop of C (each likely, not certain), then any steps (which may break them)."""


@st.composite
def placed_schedules(draw: st.DrawFn) -> tuple[ModuleOp, Schedule, list[str]]:
    """The shared kernel (odd shapes, shifted reads) with drawn placement steps at C's and
    D's loops; the model refuses the illegal ones (recorded)."""
    rows, cols = draw(st.sampled_from([1, 3, 7])), draw(st.sampled_from([1, 5, 13]))
    module, s = module_of(shared_kernel(rows, cols, draw(st.integers(0, 2))))
    refused: list[str] = []
    likely = [p for p in ("split C", "D at C", "B at C") if draw(st.integers(0, 4)) > 0]
    for step in likely + draw(st.lists(st.sampled_from(PLACEMENTS), max_size=4)):
        c_axes = s.state.stages["C"].axis_names()
        d_axes = s.state.stages["D"].axis_names() or ["i"]
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ScheduleWarning)
                if step == "D at C":
                    s["D"].compute_at("C", draw(st.sampled_from(c_axes)))
                elif step == "B at C":
                    s["B"].compute_at("C", draw(st.sampled_from(c_axes)))
                elif step == "B at D":
                    s["B"].compute_at("D", draw(st.sampled_from(d_axes)))
                elif step == "cache B for D":
                    cache = s["B"].cache_read("local", ["D"])
                    cache.compute_at("D", draw(st.sampled_from(d_axes)))
                elif step == "split C":
                    s["C"].split(draw(st.sampled_from(c_axes)), draw(st.integers(2, 4)))
                elif step == "reorder C":
                    s["C"].reorder(*draw(st.permutations(c_axes)))
                elif step == "D at root":
                    s["D"].compute_root()
                else:
                    s["D"].compute_inline()
        except ScheduleError as err:
            refused.append(str(err))
    return module, s, refused


@settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(placed_schedules())
def test_every_placement_the_model_accepts_lowers(drawn: tuple[ModuleOp, Schedule, list[str]]):
    module, s, refused = drawn
    assert all(message.strip() for message in refused)
    run(module, s.kernel)


def test_an_empty_schedule_prints_as_a_parsed_one():
    """`Schedule(kernel)` with no primitives prints `{}` (no `^bb0:`) and round-trips."""
    kernel = shared_kernel()
    module = ModuleOp([kernel])
    Schedule(kernel)
    text = print_module(module)
    assert "^bb0" not in text
    assert text.endswith("te.schedule @k {\n  }\n}\n"), text[-60:]
    parsed = parse_module(text)
    assert print_module(parsed) == text
    assert parsed.is_structurally_equivalent(module)
    parsed.verify()


def test_a_schedule_gets_its_block_with_its_first_primitive():
    kernel = shared_kernel()
    module = ModuleOp([kernel])
    s = Schedule(kernel)
    s["C"].split("i", 2)
    text = print_module(module)
    assert 'te.schedule @k {\n    te.split "C" "i" by 2 -> "io", "ii"\n  }' in text
    assert print_module(parse_module(text)) == text
