"""The te Python API: kernel builders, the Schedule builder, and the schedule model."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from xdsl.dialects import arith, func
from xdsl.dialects.builtin import (
    FloatAttr,
    IntegerAttr,
    IntegerType,
    ModuleOp,
    TensorType,
    f32,
    i8,
)
from xdsl.ir import SSAValue
from xdsl.utils.exceptions import VerifyException

from dlir.dialects.te.builder import (
    KernelBuilder,
    Schedule,
    StageBody,
    identity_of,
    matmul_kernel,
)
from dlir.dialects.te.kernel import ComputeOp, KernelOp
from dlir.dialects.te.loops import FuseOp, ReorderOp, SplitOp
from dlir.dialects.te.model import Level, ScheduleError
from dlir.dialects.te.schedule import PrimitiveOp, ScheduleOp, verify_schedule
from dlir.ir.verify import verification_error
from dlir.parser import parse_module, print_module

MATMUL = """\
builtin.module {
  te.kernel @matmul(%A: tensor<1024x1024xf32>, %B: tensor<1024x1024xf32>) -> tensor<1024x1024xf32> {
    %C = te.compute "C" (%i: 1024, %j: 1024) reduce (%k: 1024) combiner add init 0.000000e+00 : f32 {
      %a = te.read %A[%i, %k] : tensor<1024x1024xf32> -> f32
      %b = te.read %B[%k, %j] : tensor<1024x1024xf32> -> f32
      %p = arith.mulf %a, %b : f32
      te.yield %p : f32
    } : tensor<1024x1024xf32>
    te.return %C : tensor<1024x1024xf32>
  }
  te.schedule @matmul {
    te.tile "C" ("i", "j") by (64, 64) -> ("io", "jo", "ii", "ji")
    te.split "C" "k" by 4 -> "ko", "ki"
    te.reorder "C" ["io", "jo", "ko", "ii", "ki", "ji"]
    te.vectorize "C" "ji"
    te.unroll "C" "ki"
    te.parallel "C" "io"
  }
}
"""


def matmul_module(size: int = 1024) -> tuple[ModuleOp, KernelOp]:
    kernel = matmul_kernel("matmul", size, size, size)
    return ModuleOp([kernel]), kernel


def assert_verifies_and_round_trips(module: ModuleOp) -> None:
    error = verification_error(module)
    assert error is None, error.message
    text = print_module(module)
    again = parse_module(text)
    assert print_module(again) == text
    assert again.is_structurally_equivalent(module)


def test_schedule_builder_gives_the_ir_of_the_text() -> None:
    module, kernel = matmul_module()
    s = Schedule(kernel)
    io, jo, ii, ji = s["C"].tile("i", "j", 64, 64)
    ko, ki = s["C"].split("k", 4)
    s["C"].reorder(io, jo, ko, ii, ki, ji)
    s["C"].vectorize(ji)
    s["C"].unroll(ki)
    s["C"].parallel(io)
    assert print_module(module) == MATMUL
    assert module.is_structurally_equivalent(parse_module(MATMUL))
    assert_verifies_and_round_trips(module)


def test_builder_errors_are_eager_and_leave_the_schedule_unchanged() -> None:
    _, kernel = matmul_module(64)
    s = Schedule(kernel)
    s["C"].split("i", 8)
    before = s["C"].axes()
    with pytest.raises(ScheduleError, match="stage 'C' has no axis 'q'; axes are io, ii, j, k"):
        s["C"].split("q", 4)
    with pytest.raises(VerifyException, match="cannot parallelize reduction axis 'k'"):
        s["C"].parallel("k")
    # tile splits i then fails on the second axis: nothing of it may remain
    with pytest.raises(ScheduleError, match="stage 'C' has no axis 'zz'"):
        s["C"].tile("ii", "zz", 2, 2)
    assert s["C"].axes() == before
    assert [op.name for op in s.op.primitives()] == ["te.split"]


def test_builder_error_is_the_verifier_error() -> None:
    module, kernel = matmul_module(64)
    s = Schedule(kernel)
    s["C"].vectorize("j")
    with pytest.raises(ScheduleError) as raised:
        s["C"].split("j", 4)
    s.op.append(SplitOp("C", "j", 4, "jo", "ji"))
    error = verification_error(module)
    assert error is not None
    assert error.message == f"'te.split' op {raised.value}"


def test_default_names_avoid_existing_axes() -> None:
    _, kernel = matmul_module(64)
    s = Schedule(kernel)
    assert s["C"].split("i", 8) == ("io", "ii")
    assert s["C"].split("ii", 2) == ("iio", "iii")
    assert s["C"].split("j", 4, outer="io1") == ("io1", "ji")
    assert s["C"].fuse("io", "iio") == "io_iio"
    assert s["C"].axes() == ["io_iio", "iii", "io1", "ji", "k"]


def test_stage_primitives_update_the_model() -> None:
    module, kernel = matmul_module(64)
    module.body.block.add_op(func.FuncOp.external("gemm_4x4", [], []))
    s = Schedule(kernel)
    a_local = s["A"].cache_read("local", ["C"])
    c_local = s["C"].cache_write("local")
    ko, ki = c_local.split("k", 16)
    c_rf = c_local.rfactor(ki, "C_rf")
    a_local.compute_at(c_rf, "j")
    c_local.tensorize("j", "gemm_4x4")
    state = s.state
    assert (a_local.name, c_local.name, c_rf.name) == ("A_local", "C_local", "C_rf")
    assert state.stages["C"].reads == ["C_local"] and state.stages["C"].axis_names() == ["i", "j"]
    assert state.stages["C_local"].reads == ["C_rf"]
    assert [(a.name, a.kind) for a in state.stages["C_rf"].axes] == [
        ("i", "spatial"),
        ("j", "spatial"),
        (ko, "reduce"),
        (ki, "spatial"),
    ]
    assert state.stages["C_rf"].reads == ["A_local", "B"]
    assert state.stages["A_local"].attach == Level("C_rf", "j")
    assert verify_schedule(s.op).stages.keys() == state.stages.keys()
    assert_verifies_and_round_trips(module)


def test_tensorize_needs_the_symbol_in_the_module() -> None:
    _, kernel = matmul_module(64)
    with pytest.raises(ScheduleError, match="no symbol @gemm_4x4 in the module"):
        Schedule(kernel)["C"].tensorize("i", "gemm_4x4")


def test_schedule_is_inserted_after_its_kernel() -> None:
    module, kernel = matmul_module(8)
    module.body.block.add_op(func.FuncOp.external("other", [], []))
    s = Schedule(kernel)
    assert kernel.next_op is s.op
    detached = Schedule(matmul_kernel("m2", 4, 4, 4), insert=False)
    assert detached.op.parent is None


def blur_kernel() -> KernelOp:
    kb = KernelBuilder("blur", [("A", TensorType(f32, [8, 10]))])

    def blur(body: StageBody, y: SSAValue, x: SSAValue) -> SSAValue:
        total = body.read(kb["A"], y, x)
        for delta in (1, 2):
            value = body.read(kb["A"], y, body.offset(x, delta))
            total = body.insert(arith.AddfOp(total, value)).result
        return total

    return kb.finish(kb.compute("B", [("y", 8), ("x", 8)], blur))


def test_kernel_builder_stencil_round_trips() -> None:
    kernel = blur_kernel()
    module = ModuleOp([kernel])
    assert_verifies_and_round_trips(module)
    reads = kernel.stages()[0].reads()
    offsets = [read.indices[1].owner for read in reads]
    assert len(reads) == 3 and [type(o) for o in offsets[1:]] == [arith.AddiOp] * 2


def test_kernel_builder_reduction_defaults_to_the_combiner_identity() -> None:
    kb = KernelBuilder("row_max", [("A", TensorType(f32, [4, 16]))])

    def element(body: StageBody, i: SSAValue, k: SSAValue) -> SSAValue:
        return body.read(kb["A"], i, k)

    m = kb.compute("M", [("i", 4)], element, reduce=[("k", 16)], combiner="max")
    kernel = kb.finish(m)
    (stage,) = kernel.stages()
    assert stage.init == FloatAttr(-math.inf, f32)
    assert stage.combiner is not None and stage.combiner.data == "max"
    assert_verifies_and_round_trips(ModuleOp([kernel]))


def test_identity_of_integers_uses_the_type_range() -> None:
    assert identity_of("max", i8) == IntegerAttr(-128, i8)
    assert identity_of("min", i8) == IntegerAttr(127, i8)
    assert identity_of("mul", i8) == IntegerAttr(1, i8)


def test_identity_of_booleans_orders_false_before_true() -> None:
    # i1 is numpy's bool: max starts from false and min from true (not from -1 : i1 == true)
    assert identity_of("max", IntegerType(1)) == IntegerAttr(0, 1)
    assert identity_of("min", IntegerType(1)) == IntegerAttr(1, 1)


def test_compute_verifier_reports_duplicate_axes() -> None:
    kb = KernelBuilder("k", [("A", TensorType(f32, [4, 4]))])

    def element(body: StageBody, i: SSAValue, j: SSAValue) -> SSAValue:
        return body.read(kb["A"], i, j)

    kb.compute("B", [("i", 4), ("i", 4)], element)
    (stage,) = kb.block.ops
    assert isinstance(stage, ComputeOp)
    with pytest.raises(VerifyException, match="duplicate axis name 'i'"):
        stage.verify()


def test_every_primitive_class_is_registered() -> None:
    from dlir.dialects.te import PRIMITIVES, TE

    names = {op.name for op in TE.operations}
    assert {p.name for p in PRIMITIVES} <= names
    assert all(issubclass(p, PrimitiveOp) for p in PRIMITIVES)
    assert len(PRIMITIVES) == 17  # with set_scope and virtual_thread (VTA)


# -- property: any sequence of split / reorder / fuse either raises or stays valid -------


def random_primitive(data: st.DataObject, axes: list[str], n: int) -> PrimitiveOp:
    """A split, reorder or fuse of stage C on existing axes (or a missing one, "q")."""
    pool = st.sampled_from([*axes, "q"])
    kind = data.draw(st.sampled_from(["split", "reorder", "fuse"]))
    if kind == "split":
        return SplitOp("C", data.draw(pool), data.draw(st.integers(-1, 9)), f"o{n}", f"i{n}")
    if kind == "reorder":
        order = data.draw(st.permutations(axes))
        prefix = order[: data.draw(st.integers(1, len(order)))]
        garbled = st.lists(pool, min_size=1, max_size=4)
        return ReorderOp("C", data.draw(st.one_of(st.just(prefix), garbled)))
    outer = data.draw(pool)
    after = axes[axes.index(outer) + 1 : axes.index(outer) + 2] if outer in axes else []
    inner = data.draw(st.one_of(st.sampled_from(after), pool) if after else pool)
    return FuseOp("C", outer, inner, f"f{n}")


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_random_split_reorder_fuse_raise_or_verify(data: st.DataObject) -> None:
    """Each step is taken or refused with the verifier's own message; the result is valid."""
    module, kernel = matmul_module(16)
    s = Schedule(kernel)
    for n in range(data.draw(st.integers(0, 10))):
        before = s["C"].axes()
        op = random_primitive(data, before, n)
        try:
            s.apply(op)
        except ScheduleError as err:
            assert s["C"].axes() == before
            rejected = module.clone()
            schedule = next(o for o in rejected.walk() if isinstance(o, ScheduleOp))
            schedule.append(op)
            error = verification_error(rejected)
            assert error is not None and error.message == f"'{op.name}' op {err}"
    assert_verifies_and_round_trips(module)
    assert verify_schedule(s.op).stages["C"].axis_names() == s["C"].axes()
