"""te-to-loop with te.schedule: every primitive it honours, with factors that do not
divide, checked by running the scheduled kernel natively against the interpreter; and
random schedules (hypothesis) that must not change the result."""

from __future__ import annotations

import itertools
import random
import re
from collections.abc import Sequence
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from xdsl.dialects import arith
from xdsl.dialects.builtin import ModuleOp, TensorType, f32
from xdsl.ir import SSAValue

from dlir.dialects.loop import ForOp, LoopKind, MinOp
from dlir.dialects.te.builder import BodyFn, KernelBuilder, Schedule, StageBody, matmul_kernel
from dlir.dialects.te.kernel import KernelOp
from dlir.dialects.te.model import ScheduleError
from dlir.dialects.te.schedule import ScheduleOp
from dlir.ir.diagnostics import DiagnosticError
from dlir.parser import parse_module, print_module
from dlir.passes import run_pipeline
from dlir.passes.lowering.te_to_loop import differential
from dlir.testing.te_kernels import softmax_kernel

EXAMPLE = Path(__file__).parents[4] / "examples" / "matmul_te.mlir"


def read_at(tensor: SSAValue, *order: int) -> BodyFn:
    """A stage body reading `tensor` at its axes (permuted by `order`, if given)."""

    def body(b: StageBody, *axes: SSAValue) -> SSAValue:
        picked = [axes[n] for n in order] if order else list(axes)
        return b.read(tensor, *picked)

    return body


def check_native(module: ModuleOp, pipeline: str = "te-to-loop", rtol: float = 1e-5) -> ModuleOp:
    return differential.check_native(module, None, pipeline, rtol)


def scheduled(kernel: KernelOp) -> tuple[ModuleOp, Schedule]:
    module = ModuleOp([kernel])
    return module, Schedule(kernel)


def loops_of(module: ModuleOp) -> list[ForOp]:
    return [
        op
        for op in module.walk()
        if isinstance(op, ForOp) and op.induction_var.name_hint != "guard"
    ]


def elementwise_kernel(rows: int, cols: int) -> KernelOp:
    kb = KernelBuilder("ew", [("A", TensorType(f32, [rows, cols]))])
    a = kb["A"]

    def body(b: StageBody, i: SSAValue, j: SSAValue) -> SSAValue:
        x = b.read(a, i, j)
        return b.insert(arith.MulfOp(x, b.insert(arith.AddfOp(x, x)).result)).result

    return kb.finish(kb.compute("B", [("i", rows), ("j", cols)], body))


def test_split_that_does_not_divide_caps_the_inner_loop():
    module, s = scheduled(matmul_kernel("mm", 7, 5, 4))
    s["C"].split("i", 3)
    lowered = check_native(module)
    assert any(isinstance(op, MinOp) for op in lowered.walk())
    assert [loop.induction_var.name_hint for loop in loops_of(lowered)][:2] == ["io", "ii"]


def test_split_that_divides_has_no_tail():
    module, s = scheduled(matmul_kernel("mm", 8, 5, 4))
    s["C"].split("i", 4)
    lowered = check_native(module)
    assert not any(isinstance(op, MinOp) for op in lowered.walk())


def test_inner_axis_outside_its_outer_axis():
    """ii outside io: io's bound is ceildiv(10 - ii, 4)."""
    module, s = scheduled(elementwise_kernel(10, 3))
    io, ii = s["B"].split("i", 4)
    s["B"].reorder(ii, io)
    lowered = check_native(module)
    assert "arith.divsi" in print_module(lowered)


def test_tile_reorder_split_reduction():
    module, s = scheduled(matmul_kernel("mm", 13, 11, 9))
    io, jo, ii, ji = s["C"].tile("i", "j", 4, 8)
    ko, ki = s["C"].split("k", 2)
    s["C"].reorder(ko, io, jo, ki, ii, ji)
    check_native(module)


def test_fused_outer_axes_cap_the_inner_tails():
    """io, jo fused after splits that do not divide: ii and ji are capped by io_jo."""
    module, s = scheduled(matmul_kernel("mm", 7, 9, 3))
    io, jo, _, _ = s["C"].tile("i", "j", 3, 4)
    s["C"].parallel(s["C"].fuse(io, jo))
    text = print_module(check_native(module))
    assert "arith.remsi" in text and "loop.min" in text
    assert "te_to_loop.guard" not in text


def test_fused_padded_inner_axes_are_guarded():
    """ii, ji fused after splits that do not divide: the body runs under a guard."""
    module, s = scheduled(matmul_kernel("mm", 7, 9, 3))
    _, _, ii, ji = s["C"].tile("i", "j", 3, 4)
    s["C"].vectorize(s["C"].fuse(ii, ji))
    text = print_module(check_native(module))
    assert text.count("te_to_loop.guard") == 1 and "arith.andi" in text


def test_fuse_plain_axes():
    module, s = scheduled(elementwise_kernel(5, 7))
    fused = s["B"].fuse("i", "j")
    s["B"].vectorize(fused)
    lowered = check_native(module)
    (loop,) = loops_of(lowered)
    assert loop.trip_count() == 35 and loop.loop_kind == LoopKind.VECTORIZED
    assert "te_to_loop.guard" not in print_module(lowered)


def test_unroll_vectorize_parallel_kinds():
    module, s = scheduled(matmul_kernel("mm", 8, 16, 6))
    io, jo, ii, ji = s["C"].tile("i", "j", 4, 8)
    ko, ki = s["C"].split("k", 4)  # 6 = 4 + 2: an unrolled tail, peeled
    s["C"].reorder(io, jo, ko, ii, ki, ji)
    s["C"].vectorize(ji)
    s["C"].unroll(ki)
    s["C"].unroll(ii, 2)
    s["C"].parallel(io)
    lowered = check_native(module)
    kinds = {
        loop.induction_var.name_hint: (loop.loop_kind, loop.vector_width, loop.unroll_factor)
        for loop in loops_of(lowered)
    }
    assert kinds["io"][0] == LoopKind.PARALLEL
    vector = kinds["ji"]
    assert vector[0] == LoopKind.VECTORIZED and vector[1] is not None
    assert vector[1].value.data == 8
    unrolled = kinds["ki"]
    # full unrolls: the main tile's ki runs 4 iterations, the peeled tail's 2
    assert unrolled[0] == LoopKind.UNROLLED and unrolled[2] is None
    ki_loops = [loop for loop in loops_of(lowered) if loop.induction_var.name_hint == "ki"]
    trips = sorted(loop.trip_count() or 0 for loop in ki_loops)
    assert trips == [2, 4]
    assert kinds["ii"][2] is not None and kinds["ii"][2].value.data == 2


def test_compute_inline_softmax():
    kernel = softmax_kernel(6, 10)
    module = ModuleOp([kernel])
    s = Schedule(kernel)
    s["E"].compute_inline()
    s["Y"].split("j", 4)
    lowered = check_native(module)
    text = print_module(lowered)
    assert "loop.alloc" in text and "%E" not in text  # E has no buffer
    assert text.count("math.exp") == 2  # once in S, once in Y


def test_compute_inline_chain_and_compute_root():
    kb = KernelBuilder("chain", [("A", TensorType(f32, [4, 6]))])
    a = kb["A"]

    def twice(b: StageBody, i: SSAValue, j: SSAValue) -> SSAValue:
        return b.insert(arith.AddfOp(b.read(a, i, j), b.read(a, i, j))).result

    def shift(b: StageBody, i: SSAValue, j: SSAValue) -> SSAValue:
        return b.read(plus, i, b.offset(j, 1))

    def product(b: StageBody, i: SSAValue, j: SSAValue) -> SSAValue:
        return b.insert(arith.MulfOp(b.read(shifted, i, j), b.read(plus, i, j))).result

    plus = kb.compute("P", [("i", 4), ("j", 6)], twice)
    shifted = kb.compute("Q", [("i", 4), ("j", 5)], shift)
    out = kb.compute("R", [("i", 4), ("j", 5)], product)
    kernel = kb.finish(out)
    module = ModuleOp([kernel])
    s = Schedule(kernel)
    s["P"].compute_inline()
    s["Q"].compute_inline()
    s["R"].compute_root()
    lowered = check_native(module)
    assert "loop.alloc" not in print_module(lowered)
    assert re.search(r"loop.load %A\[%i, %j \+ 1\]", print_module(lowered))


def test_schedule_is_erased_and_unscheduled_stages_keep_the_default():
    kernel = softmax_kernel(3, 4)
    module = ModuleOp([kernel])
    s = Schedule(kernel)
    s["Y"].split("j", 3)
    lowered = check_native(module, pipeline="te-to-loop")
    assert not any(isinstance(op, ScheduleOp) for op in lowered.walk())
    kinds = [loop.loop_kind for loop in loops_of(lowered)]
    # M, E and S run their outer loop in parallel (default); Y only as scheduled
    assert kinds.count(LoopKind.PARALLEL) == 3


BLUR = """
te.kernel @blur(%A: tensor<9x12xf32>) -> tensor<7x10xf32> {
  %B = te.compute "B" (%y: 9, %x: 10) {
    %c1 = arith.constant 1 : index
    %c2 = arith.constant 2 : index
    %x1 = arith.addi %x, %c1 : index
    %x2 = arith.addi %x, %c2 : index
    %a0 = te.read %A[%y, %x] : tensor<9x12xf32> -> f32
    %a1 = te.read %A[%y, %x1] : tensor<9x12xf32> -> f32
    %a2 = te.read %A[%y, %x2] : tensor<9x12xf32> -> f32
    %s = arith.addf %a0, %a1 : f32
    %t = arith.addf %s, %a2 : f32
    te.yield %t : f32
  } : tensor<9x10xf32>
  %C = te.compute "C" (%i: 7, %j: 10) {
    %c1 = arith.constant 1 : index
    %c2 = arith.constant 2 : index
    %i1 = arith.addi %i, %c1 : index
    %i2 = arith.addi %i, %c2 : index
    %b0 = te.read %B[%i, %j] : tensor<9x10xf32> -> f32
    %b1 = te.read %B[%i1, %j] : tensor<9x10xf32> -> f32
    %b2 = te.read %B[%i2, %j] : tensor<9x10xf32> -> f32
    %s = arith.addf %b0, %b1 : f32
    %t = arith.addf %s, %b2 : f32
    te.yield %t : f32
  } : tensor<7x10xf32>
  te.return %C : tensor<7x10xf32>
}
"""


@pytest.mark.parametrize(
    "schedule",
    [
        'te.compute_at "B" at "C" "i"',  # rows i .. i + 2 of B per row of C
        'te.compute_at "B" at "C" "j"',  # a 3x1 column of B per element of C
        'te.split "C" "i" by 3 -> "io", "ii"\n  te.compute_at "B" at "C" "io"',  # 5 rows
        'te.reorder "C" ["j", "i"]\n  te.compute_at "B" at "C" "j"',  # a 9x1 column
    ],
)
def test_compute_at_blur(schedule: str):
    module = parse_module(BLUR + f"te.schedule @blur {{\n  {schedule}\n}}\n")
    text = print_module(check_native(module))
    # B's loops are inside C's: C's first loop encloses B's nest
    assert text.index("loop.for") < text.index("loop.store %t, %B")
    assert text.index("loop.store %t, %B") < text.index("loop.store %t_1, %C")


def test_compute_at_reductions_in_softmax():
    """M (a row max) at E's row loop, S (a row sum) at Y's row loop."""
    kernel = softmax_kernel(5, 9)
    module = ModuleOp([kernel])
    s = Schedule(kernel)
    s["M"].compute_at("E", "i")
    s["S"].compute_at("Y", "i")
    lowered = check_native(module)
    loops = loops_of(lowered)
    names = [loop.induction_var.name_hint for loop in loops]
    # E.i { M.i { M.k }  E.j }  Y.i { S.i { S.k }  Y.j }: M and S over one row each
    assert names == ["i", "i", "k", "j", "i", "i", "k", "j"]


def test_compute_at_chain():
    """P at Q's loop, Q at R's loop: P's nest ends up two levels deep."""
    kb = KernelBuilder("chain", [("A", TensorType(f32, [6, 8]))])
    a = kb["A"]

    def square(b: StageBody, i: SSAValue, j: SSAValue) -> SSAValue:
        x = b.read(a, i, j)
        return b.insert(arith.MulfOp(x, x)).result

    def shift(b: StageBody, i: SSAValue, j: SSAValue) -> SSAValue:
        return b.read(p, i, b.offset(j, 1))

    def pair(b: StageBody, i: SSAValue, j: SSAValue) -> SSAValue:
        return b.insert(arith.AddfOp(b.read(q, i, j), b.read(q, i, b.offset(j, 1)))).result

    p = kb.compute("P", [("i", 6), ("j", 8)], square)
    q = kb.compute("Q", [("i", 6), ("j", 7)], shift)
    kernel = kb.finish(kb.compute("R", [("i", 6), ("j", 6)], pair))
    module = ModuleOp([kernel])
    s = Schedule(kernel)
    s["P"].compute_at("Q", "i")
    s["Q"].compute_at("R", "i")
    lowered = check_native(module)
    names = [loop.induction_var.name_hint for loop in loops_of(lowered)]
    assert names == ["i", "i", "i", "j", "j", "j"]


@pytest.mark.parametrize(
    "schedule, message",
    [
        (
            'te.compute_at "E" at "S" "i"',
            "cannot compute 'E' at S.i: it is also read by 'Y'",
        ),
    ],
)
def test_compute_at_errors(schedule: str, message: str):
    module = ModuleOp([softmax_kernel(4, 5)])
    text = print_module(module).replace("builtin.module {", "", 1).rstrip().removesuffix("}")
    module = parse_module(text + f"te.schedule @softmax {{\n  {schedule}\n}}\n", "s.mlir")
    with pytest.raises(DiagnosticError, match=re.escape(message)):
        run_pipeline("te-to-loop", module)


def test_example_matmul_schedule_on_a_size_the_tiles_do_not_divide():
    text = EXAMPLE.read_text().replace("1024", "72")
    module = parse_module(text)
    lowered = check_native(module, rtol=1e-4)  # sums of 72 products
    names = [loop.induction_var.name_hint for loop in loops_of(lowered)]
    # jo is peeled for the vector loop ji (72 = 64 + 8): a main and a tail copy of its body
    body = ["ii", "ji", "ko", "ii", "ki", "ji"]
    assert names == ["io", "jo", *body, "jo", *body]


@pytest.mark.parametrize(
    "primitive",
    [
        'te.compute_at "B" at "C" "i"\n  te.store_at "B" at "C" "i"',
        'te.cache_read "A" "local" for ["B"] -> "A_local"',
        'te.cache_write "C" "local" -> "C_local"',
        'te.rfactor "C" "k" -> "C_rf"',
    ],
)
def test_stage_primitives_lower(primitive: str):
    """The primitives issue 5 added lower and keep the kernel's meaning (more in
    test_te_to_loop_primitives.py)."""
    module = parse_module(
        f"""te.kernel @k(%A: tensor<4x3xf32>) -> tensor<4xf32> {{
  %B = te.compute "B" (%i: 4, %j: 3) {{
    %a = te.read %A[%i, %j] : tensor<4x3xf32> -> f32
    te.yield %a : f32
  }} : tensor<4x3xf32>
  %C = te.compute "C" (%i: 4) reduce (%k: 3) combiner add init 0.000000e+00 : f32 {{
    %b = te.read %B[%i, %k] : tensor<4x3xf32> -> f32
    te.yield %b : f32
  }} : tensor<4xf32>
  te.return %C : tensor<4xf32>
}}
te.schedule @k {{
  {primitive}
}}
""",
        "sched.mlir",
    )
    check_native(module)


# -- random schedules --------------------------------------------------------------------


PRIMITIVES = ("split", "reorder", "fuse", "unroll", "vectorize", "parallel")

Step = tuple[str, int, int, int]
"""A primitive, which axis (modulo the axis count), a factor, a seed for reorder."""

steps = st.lists(
    st.tuples(
        st.sampled_from(PRIMITIVES), st.integers(0, 9), st.integers(1, 6), st.integers(0, 99)
    ),
    max_size=7,
)


def apply_random(s: Schedule, stage: str, plan: Sequence[Step]) -> list[str]:
    """Apply the steps that are legal where they come; the primitives applied."""
    handle = s[stage]
    applied: list[str] = []
    for kind, pick, factor, seed in plan:
        axes = handle.axes()
        axis = axes[pick % len(axes)]
        try:
            if kind == "split":
                handle.split(axis, factor)
            elif kind == "reorder":
                order = list(axes)
                random.Random(seed).shuffle(order)
                handle.reorder(*order)
            elif kind == "fuse":
                model = s.state.stages[stage].axes
                pairs = [
                    (a.name, b.name)
                    for a, b in itertools.pairwise(model)
                    if a.kind == b.kind and a.annotation is None and b.annotation is None
                ]
                if not pairs:
                    continue
                handle.fuse(*pairs[pick % len(pairs)])
            elif kind == "unroll":
                handle.unroll(axis, factor if factor > 1 else None)
            elif kind == "vectorize":
                handle.vectorize(axis)
            else:
                handle.parallel(axis)
        except ScheduleError:
            continue
        applied.append(kind)
    return applied


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_random_schedules_keep_matmul_results(data: st.DataObject):
    kernel = matmul_kernel("mm", 5, 7, 6)
    module = ModuleOp([kernel])
    s = Schedule(kernel)
    apply_random(s, "C", data.draw(steps))
    check_native(module, pipeline="te-to-loop")


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_random_schedules_keep_elementwise_results(data: st.DataObject):
    kernel = elementwise_kernel(7, 9)
    module = ModuleOp([kernel])
    s = Schedule(kernel)
    apply_random(s, "B", data.draw(steps))
    check_native(module, pipeline="te-to-loop")


def stencil_kernel() -> KernelOp:
    """P = A * A, then C[i, j] = P[i + 1, j] * P[i, j + 2]: a producer with one reader."""
    kb = KernelBuilder("stencil", [("A", TensorType(f32, [8, 9]))])
    a = kb["A"]

    def square(b: StageBody, i: SSAValue, j: SSAValue) -> SSAValue:
        x = b.read(a, i, j)
        return b.insert(arith.MulfOp(x, x)).result

    def combine(b: StageBody, i: SSAValue, j: SSAValue) -> SSAValue:
        below, right = b.read(p, b.offset(i, 1), j), b.read(p, i, b.offset(j, 2))
        return b.insert(arith.MulfOp(below, right)).result

    p = kb.compute("P", [("i", 8), ("j", 9)], square)
    return kb.finish(kb.compute("C", [("i", 7), ("j", 7)], combine))


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), placement=st.sampled_from(["root", "inline", "at"]), level=st.integers(0, 9))
def test_random_schedules_with_a_placed_producer(data: st.DataObject, placement: str, level: int):
    kernel = stencil_kernel()
    module = ModuleOp([kernel])
    s = Schedule(kernel)
    apply_random(s, "C", data.draw(steps))
    if placement == "inline":
        s["P"].compute_inline()
    elif placement == "at":
        axes = s["C"].axes()
        s["P"].compute_at("C", axes[level % len(axes)])
    check_native(module)
