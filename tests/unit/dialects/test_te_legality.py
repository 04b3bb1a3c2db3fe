"""Legality of schedules built from Python: the builder raises the verifier's errors
eagerly (and changes nothing), warns on directives with no effect, and builds the IR the
text would."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from xdsl.dialects import arith
from xdsl.dialects.builtin import ModuleOp, TensorType, f32
from xdsl.ir import SSAValue
from xdsl.utils.exceptions import VerifyException

from dlir.dialects.te import loops, stages
from dlir.dialects.te.builder import BodyFn, KernelBuilder, Schedule, StageBody, matmul_kernel
from dlir.dialects.te.kernel import KernelOp
from dlir.dialects.te.model import ScheduleError, ScheduleWarning
from dlir.dialects.te.schedule import PrimitiveOp, ScheduleOp
from dlir.parser import parse_module, print_module


def copy_of(tensor: SSAValue) -> BodyFn:
    """A stage body reading `tensor` at the stage's axes."""

    def body(b: StageBody, *axes: SSAValue) -> SSAValue:
        return b.read(tensor, *axes)

    return body


def two_stage() -> KernelOp:
    """P = A, C = P @ B: P has one consumer, C is the result."""
    kb = KernelBuilder("k", [("A", TensorType(f32, [8, 8])), ("B", TensorType(f32, [8, 8]))])
    p = kb.compute("P", [("i", 8), ("j", 8)], copy_of(kb["A"]))

    def product(b: StageBody, i: SSAValue, j: SSAValue, k: SSAValue) -> SSAValue:
        return b.insert(arith.MulfOp(b.read(p, i, k), b.read(kb["B"], k, j))).result

    c = kb.compute("C", [("i", 8), ("j", 8)], product, reduce=[("k", 8)])
    return kb.finish(c)


def schedule() -> tuple[ModuleOp, Schedule]:
    kernel = two_stage()
    module = ModuleOp([kernel])
    return module, Schedule(kernel)


def verifier_message(module: ModuleOp, primitive: PrimitiveOp) -> str:
    """What the verifier says about `primitive` appended to the module's schedule."""
    schedule_op = next(op for op in module.walk() if isinstance(op, ScheduleOp))
    schedule_op.append(primitive)
    with pytest.raises(VerifyException) as info:
        module.verify()
    primitive.detach()
    return str(info.value)


@pytest.mark.parametrize(
    "prepare, primitive, message",
    [
        (
            [],
            stages.StoreAtOp("P", "C", "i"),
            "cannot store 'P' at C.i: it is computed at root; compute_at 'P' at a loop of "
            "'C' first",
        ),
        (
            [loops.SplitOp("C", "i", 4, "io", "ii")],
            stages.RFactorOp("C", "k", "Crf"),
            "cannot rfactor 'k' of stage 'C': its spatial axes were changed (they are io, "
            "ii, j, defined as i, j)",
        ),
        (
            [stages.CacheWriteOp("C", "local", "CL")],
            loops.ParallelOp("CL", "k"),
            "cannot parallelize reduction axis 'k' of stage 'CL'",
        ),
        (
            [],
            stages.ComputeAtOp("P", "C", "q"),
            "stage 'C' has no axis 'q'; legal levels for 'P' are root, C.i, C.j, C.k",
        ),
        (
            [],
            stages.CacheReadOp("A", "register", ["P"], "AR"),
            "unknown memory scope 'register'; legal scopes are global, local, packed, shared",
        ),
        (
            [stages.ComputeAtOp("P", "C", "j")],
            stages.StoreAtOp("P", "C", "k"),
            "'P' would be stored at C.k, inside where it is computed (C.j)",
        ),
    ],
)
def test_builder_and_verifier_raise_the_same_error(
    prepare: list[PrimitiveOp], primitive: PrimitiveOp, message: str
):
    module, s = schedule()
    for op in prepare:
        s.apply(op)
    before = print_module(module)
    with pytest.raises(ScheduleError, match=re.escape(message)) as info:
        s.apply(primitive)
    assert print_module(module) == before  # nothing was added
    assert verifier_message(module, primitive.clone()) == str(info.value)


def test_compute_at_of_a_kernel_result_lists_root():
    kb = KernelBuilder("k", [("A", TensorType(f32, [4]))])
    p = kb.compute("P", [("i", 4)], copy_of(kb["A"]))
    c = kb.compute("C", [("i", 4)], copy_of(p))
    s = Schedule(kb.finish(c, p))
    with pytest.raises(ScheduleError, match="it is a kernel result, which is computed whole; "):
        s["P"].compute_at("C", "i")


def split_by_one(s: Schedule) -> None:
    s["C"].split("i", 1)


def unroll_by_one(s: Schedule) -> None:
    s["C"].unroll("k", 1)


def compute_root_again(s: Schedule) -> None:
    s["P"].compute_root()


def reorder_in_place(s: Schedule) -> None:
    s["C"].reorder("i", "j")


@pytest.mark.parametrize(
    "directive, message",
    [
        (split_by_one, "split of axis 'i' of stage 'C' by 1 has no effect"),
        (unroll_by_one, "unroll of axis 'k' of stage 'C' has no effect"),
        (compute_root_again, "compute_root of 'P' has no effect"),
        (reorder_in_place, "reorder of stage 'C' has no effect"),
    ],
)
def test_builder_warns_on_directives_without_effect(
    directive: Callable[[Schedule], None], message: str
):
    _, s = schedule()
    with pytest.warns(ScheduleWarning, match=re.escape(message)):
        directive(s)
    assert len(s.op.primitives()) == 1  # a warning, not an error: the primitive is kept


def test_builder_builds_the_text_of_every_stage_primitive():
    kernel = matmul_kernel("mm", 16, 16, 16)
    module = ModuleOp([kernel])
    s = Schedule(kernel)
    bp = s["B"].cache_read("packed", ["C"])
    cl = s["C"].cache_write("local")
    io, jo, _, _ = s["C"].tile("i", "j", 4, 8)
    cl.compute_at("C", jo)
    ko, _ = cl.split("k", 4)
    bp.compute_at(cl, ko)
    bp.vectorize("ax1")
    s["C"].parallel(io)
    expected = """te.schedule @mm {
  te.cache_read "B" "packed" for ["C"] -> "B_packed"
  te.cache_write "C" "local" -> "C_local"
  te.tile "C" ("i", "j") by (4, 8) -> ("io", "jo", "ii", "ji")
  te.compute_at "C_local" at "C" "jo"
  te.split "C_local" "k" by 4 -> "ko", "ki"
  te.compute_at "B_packed" at "C_local" "ko"
  te.vectorize "B_packed" "ax1"
  te.parallel "C" "io"
}"""
    assert str(s.op) == expected
    reparsed = parse_module(print_module(module))
    assert print_module(reparsed) == print_module(module)


def test_builder_rfactor_names_and_axes():
    kernel = matmul_kernel("mm", 4, 4, 12)
    s = Schedule(kernel)
    _, ki = s["C"].split("k", 4)
    rf = s["C"].rfactor(ki)
    assert rf.name == "C_rf"
    assert rf.axes() == ["i", "j", "ko", "ki"]
    assert s["C"].axes() == ["i", "j", "ki"]
    rf.vectorize("ki")  # the factored axis is spatial in the new stage
    with pytest.raises(ScheduleError, match="cannot vectorize reduction axis 'ki' of stage 'C'"):
        s["C"].vectorize("ki")
