"""te-auto-schedule's row pattern (`auto_schedule/patterns.py`): which kernels it takes,
the schedule it writes, and semantics: the compiled program (`compile-cpu`) against the
graph interpreter on odd shapes, per axis of rank-3 inputs."""

from __future__ import annotations

import numpy as np
import pytest
from xdsl.dialects import arith
from xdsl.dialects.builtin import ModuleOp, TensorType, f32
from xdsl.ir import Attribute, SSAValue
from xdsl.utils.hints import isa

import dlir
from dlir.dialects.graph import FuncOp as GraphFuncOp
from dlir.dialects.te import loops
from dlir.dialects.te.builder import KernelBuilder, Schedule, StageBody, matmul_kernel
from dlir.dialects.te.kernel import KernelOp
from dlir.dialects.te.schedule import ScheduleOp
from dlir.dialects.te.stages import ComputeAtOp
from dlir.parser import parse_module
from dlir.passes import run_pipeline
from dlir.passes.lowering.auto_schedule.rules import Options
from dlir.passes.lowering.auto_schedule.schedule import auto_schedule
from dlir.passes.lowering.te_to_loop.differential import check_native


def kernels(text: str) -> list[KernelOp]:
    """The te kernels graph-to-te makes of a graph module."""
    module = parse_module(text)
    run_pipeline("graph-fuse,graph-to-te", module)
    return [op for op in module.ops if isinstance(op, KernelOp)]


def graph(op: str, shapes: list[tuple[int, ...]], out: tuple[int, ...] | None = None) -> str:
    """`graph.func @f` applying `op` (text with `{t0}`, `{t1}`... for the types) to its args."""
    types = [f"tensor<{'x'.join(map(str, s))}xf32>" for s in shapes]
    result = types[0] if out is None else f"tensor<{'x'.join(map(str, out))}xf32>"
    args = ", ".join(f"%a{n}: {t}" for n, t in enumerate(types))
    body = op.format(*[f"%a{n}" for n in range(len(shapes))], t=types, r=result)
    return f"graph.func @f({args}) -> {result} {{\n  %y = {body}\n  graph.return %y : {result}\n}}"


def softmax(shape: tuple[int, ...], axis: int = -1) -> str:
    return graph("graph.softmax {0} axis " + str(axis) + " : {r}", [shape])


def layer_norm(shape: tuple[int, ...], axis: int = -1) -> str:
    norm = shape[axis % len(shape) :]
    op = "graph.layer_norm {0}, {1}, {2} axis " + str(axis) + " : ({t[0]}, {t[1]}, {t[2]}) -> {r}"
    return graph(op, [shape, norm, norm])


def check(text: str, rtol: float = 1e-5) -> None:
    """`compile-cpu`'s program equals the graph interpreter on random inputs."""
    module = parse_module(text)
    func = next(op for op in module.ops if isinstance(op, GraphFuncOp))
    rng = np.random.default_rng(0)
    shapes = [tensor_shape(arg.type) for arg in func.body.block.args]
    args = [(3 * rng.standard_normal(shape)).astype(np.float32) for shape in shapes]
    expected = dlir.interpret(module, "f", *args)
    got = dlir.compile(text).f(*args)
    np.testing.assert_allclose(got, expected, rtol=rtol, atol=1e-6)


def rules(text: str) -> list[str]:
    (kernel,) = kernels(text)
    return [choice.rule for choice in auto_schedule(kernel)[1]]


def placements(schedule: ScheduleOp) -> list[tuple[str, str, str]]:
    return [
        (op.stage.data, op.target.data, op.axis.data)
        for op in schedule.primitives()
        if isinstance(op, ComputeAtOp)
    ]


def split_factors(schedule: ScheduleOp) -> dict[str, int]:
    return {
        op.stage.data: op.factor.value.data
        for op in schedule.primitives()
        if isinstance(op, loops.SplitOp)
    }


def tensor_shape(t: Attribute) -> tuple[int, ...]:
    assert isa(t, TensorType[Attribute])
    return tuple(t.get_shape())


# -- which kernels, which schedule -----------------------------------------------------


def test_softmax_statistics_are_computed_at_the_row():
    (kernel,) = kernels(softmax((64, 1024)))
    schedule, choices = auto_schedule(kernel)
    assert {c.rule for c in choices} == {"row"}
    assert placements(schedule) == [
        ("sum_rf", "sum", "i0"),
        ("sum", "Y", "i0"),
        ("exp", "Y", "i0"),
        ("max_rf", "max", "i0"),
        ("max", "exp", "i0"),
    ]


def test_layer_norm_statistics_are_computed_at_the_row():
    (kernel,) = kernels(layer_norm((2, 3, 40)))
    schedule, choices = auto_schedule(kernel)
    assert {c.rule for c in choices} == {"row"}
    assert [(s, t, a) for s, t, a in placements(schedule) if t == "Y"] == [
        ("rstd", "Y", "i1"),
        ("mean", "Y", "i1"),
    ]


def test_softmax_over_a_middle_axis_runs_rows_outside_the_normalised_axis():
    """axis 0 of a 3-d tensor: Y's loops i1 (rows, parallel), i0 (normalised), i2 (vector)."""
    (kernel,) = kernels(softmax((5, 7, 33), axis=0))
    schedule, _ = auto_schedule(kernel)
    reorder = next(op for op in schedule.primitives() if isinstance(op, loops.ReorderOp))
    assert [a.data for a in reorder.axes] == ["i1", "i0", "i2"]
    assert ("sum", "Y", "i1") in placements(schedule)


def test_rows_run_four_vectors_at_a_time():
    """The reductions have 4 vector accumulators; the elementwise passes 4 vectors per
    iteration when that divides the row."""
    (kernel,) = kernels(softmax((8, 1024)))
    schedule, _ = auto_schedule(kernel)
    assert split_factors(schedule) == {"Y": 32, "sum": 32, "exp": 32, "max": 32}


def test_short_rows_use_fewer_vectors():
    (kernel,) = kernels(softmax((8, 20)))
    schedule, _ = auto_schedule(kernel)
    assert split_factors(schedule) == {"sum": 8, "max": 8}
    (kernel,) = kernels(softmax((8, 48)))
    schedule, _ = auto_schedule(kernel)
    assert split_factors(schedule) == {"Y": 16, "sum": 16, "exp": 16, "max": 16}


def test_matmul_and_its_epilogue_keep_their_own_rules():
    text = graph(
        "graph.matmul {0}, {1} : ({t[0]}, {t[1]}) -> {r}", [(64, 32), (32, 16)], out=(64, 16)
    )
    assert "row" not in rules(text)
    assert "row" not in [c.rule for c in auto_schedule(matmul_kernel("mm", 8, 16, 8))[1]]


def test_a_plain_row_sum_keeps_the_reduction_rule():
    text = graph("graph.reduce_sum {0} axes [1] : {t[0]} -> {r}", [(8, 64)], out=(8,))
    assert rules(text) == ["reduction-rfactor"]


def test_options_without_threads_or_vectors_still_compute_at_the_row():
    (kernel,) = kernels(softmax((16, 64)))
    schedule, choices = auto_schedule(kernel, Options(parallel=False, vectorize=False))
    assert {c.rule for c in choices} == {"row"}
    names = {op.name for op in schedule.primitives()}
    assert names == {"te.compute_at"}


def test_te_to_loop_lowers_the_row_schedule_in_place():
    module = ModuleOp([kernel.clone() for kernel in kernels(softmax((64, 1024)))])
    run_pipeline("te-auto-schedule,te-to-loop", module)
    allocs = [op for op in module.walk() if op.name == "loop.alloc"]
    shapes = {str(op.results[0].type) for op in allocs}
    # exp is neither a 64x1024 tensor nor a row buffer: it lives in Y's row (written
    # there, summed, scaled in place), as onnxruntime's softmax does
    assert not any("x1024xf32>" in shape for shape in shapes), shapes
    func = next(op for op in module.walk() if op.name == "loop.func")
    output = func.regions[0].blocks[0].args[-1]
    assert any(op.name == "loop.load" and op.operands[0] is output for op in module.walk())


# -- semantics: compiled against the graph interpreter ---------------------------------


@pytest.mark.parametrize("shape", [(1, 1), (3, 7), (5, 1000), (33, 1025)])
def test_softmax_native(shape: tuple[int, int]):
    check(softmax(shape))


@pytest.mark.parametrize("axis", [0, 1, 2])
def test_softmax_rank_3_native(axis: int):
    check(softmax((5, 7, 33), axis))


@pytest.mark.parametrize(
    "shape, axis", [((1, 1), -1), ((3, 7), -1), ((5, 1000), -1), ((2, 3, 33), -1), ((2, 5, 9), 1)]
)
def test_layer_norm_native(shape: tuple[int, ...], axis: int):
    check(layer_norm(shape, axis), rtol=1e-4)


def test_softmax_with_an_elementwise_consumer_native():
    text = graph("graph.softmax {0} : {r}", [(7, 33)])
    text = text.replace(
        "  graph.return %y",
        "  %z = graph.mul %y, %y : (tensor<7x33xf32>, tensor<7x33xf32>) -> tensor<7x33xf32>\n"
        "  graph.return %z",
    )
    assert rules(text) == ["row"] * 4
    check(text)


@pytest.mark.parametrize(
    "op, shape, out",
    [
        (
            "graph.avg_pool2d {0} kernel [3, 3] strides [1, 1] : {t[0]} -> {r}",
            (2, 3, 9, 16),
            (2, 3, 7, 14),
        ),
        (
            "graph.avg_pool2d {0} kernel [2, 2] strides [2, 2] : {t[0]} -> {r}",
            (1, 2, 7, 13),
            (1, 2, 3, 6),
        ),
        ("graph.global_avg_pool2d {0} : {t[0]} -> {r}", (2, 3, 9, 16), (2, 3, 1, 1)),
        ("graph.reduce_mean {0} axes [2] keepdims : {t[0]} -> {r}", (3, 5, 33), (3, 5, 1)),
    ],
)
def test_pooling_and_means_native(op: str, shape: tuple[int, ...], out: tuple[int, ...]):
    check(graph(op, [shape], out=out), rtol=1e-5)


# -- te-to-loop: a producer read by a stage nested in another one ----------------------


def shifted_kernel(rows: int, cols: int) -> KernelOp:
    """A[i, k] = 2 X[i, k] over cols + 1 columns; B[i] = sum over k of A[i, k];
    Y[i, j] = A[i, j + 1] * B[i]: Y reads columns 1.., B (through B_rf) 0.."""
    kb = KernelBuilder("shifted", [("X", TensorType(f32, [rows, cols + 1]))])

    def double(b: StageBody, i: SSAValue, k: SSAValue) -> SSAValue:
        x = b.read(kb["X"], i, k)
        return b.insert(arith.AddfOp(x, x)).result

    a = kb.compute("A", [("i", rows), ("k", cols + 1)], double)

    def total(b: StageBody, i: SSAValue, k: SSAValue) -> SSAValue:
        return b.read(a, i, k)

    s = kb.compute("B", [("i", rows)], total, reduce=[("k", cols + 1)])

    def scaled(b: StageBody, i: SSAValue, j: SSAValue) -> SSAValue:
        shifted = b.read(a, i, b.offset(j, 1))
        return b.insert(arith.MulfOp(shifted, b.read(s, i))).result

    return kb.finish(kb.compute("Y", [("i", rows), ("j", cols)], scaled))


@pytest.mark.parametrize("rows, cols", [(1, 1), (3, 7), (5, 40)])
def test_region_of_a_producer_includes_what_a_nested_reader_reads(rows: int, cols: int):
    """A at Y.i is read by Y (columns 1..cols) and by B_rf, computed at B.i with B at Y.i
    (columns 0..cols): A's row buffer holds their union."""
    kernel = shifted_kernel(rows, cols)
    module = ModuleOp([kernel])
    schedule = Schedule(kernel)
    _, inner = schedule["B"].split("k", 4)
    partial = schedule["B"].rfactor(inner)
    partial.vectorize(inner)
    partial.compute_at("B", "i")
    schedule["B"].compute_at("Y", "i")
    schedule["A"].compute_at("Y", "i")
    lowered = check_native(module, rtol=1e-5)
    shapes = {str(op.results[0].type) for op in lowered.walk() if op.name == "loop.alloc"}
    assert f"memref<1x{cols + 1}xf32>" in shapes
