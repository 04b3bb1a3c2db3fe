"""te-auto-schedule: stage kinds, the rule chosen per kind, and semantics: every rule's
schedule runs natively against the interpreter on odd shapes (1, 7, 13, 33, 100)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from xdsl.dialects import arith
from xdsl.dialects.builtin import ModuleOp, TensorType, f32
from xdsl.ir import SSAValue

import dlir
from dlir.dialects.te import loops, stages
from dlir.dialects.te.builder import BodyFn, KernelBuilder, StageBody, matmul_kernel
from dlir.dialects.te.kernel import KernelOp
from dlir.dialects.te.model import ScheduleState
from dlir.dialects.te.schedule import ScheduleOp
from dlir.dialects.te.stages import ComputeAtOp
from dlir.parser import parse_module
from dlir.passes import run_pipeline
from dlir.passes.lowering.auto_schedule.classify import Kind, classify
from dlir.passes.lowering.auto_schedule.rules import Options
from dlir.passes.lowering.auto_schedule.schedule import auto_schedule
from dlir.passes.lowering.te_to_loop.differential import check_native
from dlir.testing.graph_kernels import graph_kernels, only_kernel

AUTO = "te-auto-schedule,te-to-loop"
GENERATED = Options(microkernel=False)
"""The rules without the GEMM micro-kernel (tests/unit/intrinsics/test_auto_microkernel.py)."""


def schedule_of(module: ModuleOp) -> ScheduleOp:
    run_pipeline("te-auto-schedule", module)
    return next(op for op in module.ops if isinstance(op, ScheduleOp))


def elementwise_kernel(rows: int, cols: int) -> KernelOp:
    """Y[i, j] = X[i, j] + B[j]: a broadcasting add."""
    kb = KernelBuilder(
        "bias", [("X", TensorType(f32, [rows, cols])), ("B", TensorType(f32, [cols]))]
    )

    def add(b: StageBody, i: SSAValue, j: SSAValue) -> SSAValue:
        return b.insert(arith.AddfOp(b.read(kb["X"], i, j), b.read(kb["B"], j))).result

    return kb.finish(kb.compute("Y", [("i", rows), ("j", cols)], add))


def stencil_kernel(rows: int, cols: int) -> KernelOp:
    """A 3x3 box blur in two stages (Halide's): T sums 3 columns, Y sums 3 rows of T."""
    kb = KernelBuilder("blur", [("X", TensorType(f32, [rows + 2, cols + 2]))])

    def three(b: StageBody, source: SSAValue, i: SSAValue, j: SSAValue, rows: bool) -> SSAValue:
        total = b.read(source, i, j)
        for delta in (1, 2):
            at = (b.offset(i, delta), j) if rows else (i, b.offset(j, delta))
            total = b.insert(arith.AddfOp(total, b.read(source, *at))).result
        return total

    def columns(b: StageBody, i: SSAValue, j: SSAValue) -> SSAValue:
        return three(b, kb["X"], i, j, False)

    t = kb.compute("T", [("i", rows + 2), ("j", cols)], columns)

    def rows_of_t(b: StageBody, i: SSAValue, j: SSAValue) -> SSAValue:
        return three(b, t, i, j, True)

    return kb.finish(kb.compute("Y", [("i", rows), ("j", cols)], rows_of_t))


def read_at(tensor: SSAValue, *order: int) -> BodyFn:
    """A stage body reading `tensor` at its axes (permuted by `order`, if given)."""

    def body(b: StageBody, *axes: SSAValue) -> SSAValue:
        return b.read(tensor, *([axes[n] for n in order] if order else axes))

    return body


def row_sum_kernel(rows: int, cols: int, *, columns: bool = False) -> KernelOp:
    """S[i] = sum over k of X[i, k] (or, with `columns`, S[j] = sum over k of X[k, j])."""
    kb = KernelBuilder("rowsum", [("X", TensorType(f32, [rows, cols]))])
    extent = cols if columns else rows
    reduce = rows if columns else cols

    def read(b: StageBody, i: SSAValue, k: SSAValue) -> SSAValue:
        return b.read(kb["X"], k, i) if columns else b.read(kb["X"], i, k)

    return kb.finish(kb.compute("S", [("i", extent)], read, reduce=[("k", reduce)]))


CONV = """graph.func @f(%x: tensor<{n}x{c}x{h}x{w}xf32>, %k: tensor<{o}x{c}x3x3xf32>) -> tensor<{n}x{o}x{h}x{w}xf32> {{
  %y = graph.conv2d %x, %k pads [1, 1, 1, 1] : (tensor<{n}x{c}x{h}x{w}xf32>, tensor<{o}x{c}x3x3xf32>) -> tensor<{n}x{o}x{h}x{w}xf32>
  graph.return %y : tensor<{n}x{o}x{h}x{w}xf32>
}}"""

CONV_1X1 = """graph.func @f(%x: tensor<1x{c}x{h}x{w}xf32>, %k: tensor<{o}x{c}x1x1xf32>) -> tensor<1x{o}x{h}x{w}xf32> {{
  %y = graph.conv2d %x, %k : (tensor<1x{c}x{h}x{w}xf32>, tensor<{o}x{c}x1x1xf32>) -> tensor<1x{o}x{h}x{w}xf32>
  graph.return %y : tensor<1x{o}x{h}x{w}xf32>
}}"""

BATCH_MATMUL = """graph.func @f(%a: tensor<3x{m}x{k}xf32>, %b: tensor<3x{k}x{n}xf32>) -> tensor<3x{m}x{n}xf32> {{
  %c = graph.batch_matmul %a, %b : (tensor<3x{m}x{k}xf32>, tensor<3x{k}x{n}xf32>) -> tensor<3x{m}x{n}xf32>
  graph.return %c : tensor<3x{m}x{n}xf32>
}}"""

SOFTMAX = """graph.func @f(%a: tensor<{m}x{n}xf32>) -> tensor<{m}x{n}xf32> {{
  %s = graph.softmax %a : tensor<{m}x{n}xf32>
  graph.return %s : tensor<{m}x{n}xf32>
}}"""


# -- kinds -----------------------------------------------------------------------------


def test_kinds_of_stages():
    assert classify(elementwise_kernel(4, 8).stages()[0]).kind == Kind.ELEMENTWISE
    assert [classify(s).kind for s in stencil_kernel(4, 8).stages()] == [Kind.STENCIL] * 2
    assert classify(row_sum_kernel(4, 8).stages()[0]).kind == Kind.REDUCTION
    assert classify(matmul_kernel("mm", 4, 8, 16).stages()[0]).kind == Kind.CONTRACTION
    conv = only_kernel(graph_kernels(CONV.format(n=1, c=4, h=8, w=8, o=4)))
    assert [classify(s).kind for s in conv.stages()] == [Kind.ELEMENTWISE, Kind.CONVOLUTION]
    batched = only_kernel(graph_kernels(BATCH_MATMUL.format(m=4, k=8, n=16)))
    assert classify(batched.stages()[0]).kind == Kind.CONTRACTION


def test_vector_lanes_follow_the_element_type():
    assert classify(elementwise_kernel(4, 8).stages()[0]).lanes == 8
    module = graph_kernels(
        "graph.func @f(%a: tensor<4x8xf64>) -> tensor<4x8xf64> {\n"
        "  %b = graph.relu %a : tensor<4x8xf64>\n  graph.return %b : tensor<4x8xf64>\n}"
    )
    assert classify(only_kernel(module).stages()[0]).lanes == 4


# -- the rule per kind -----------------------------------------------------------------


def primitives(schedule: ScheduleOp) -> list[str]:
    return [op.name for op in schedule.primitives()]


def test_elementwise_is_vectorized_and_parallel():
    schedule, choices = auto_schedule(elementwise_kernel(64, 256))
    assert [c.rule for c in choices] == ["elementwise"]
    assert primitives(schedule) == ["te.vectorize", "te.parallel"]


def test_axes_shorter_than_a_vector_are_not_vectorized():
    schedule, _ = auto_schedule(elementwise_kernel(7, 5))
    assert primitives(schedule) == ["te.parallel"]


def test_non_contiguous_axes_are_not_vectorized():
    kb = KernelBuilder("transpose", [("X", TensorType(f32, [16, 32]))])
    y = kb.compute("Y", [("i", 32), ("j", 16)], read_at(kb["X"], 1, 0))
    schedule, _ = auto_schedule(kb.finish(y))
    assert primitives(schedule) == ["te.parallel"]


def test_matmul_is_blocked_in_panels():
    """Many rows: B packed in panels of 16 columns at root, A's blocks of 192 rows copied
    at each row block, a 6 x 16 register tile summing all of k."""
    schedule, choices = auto_schedule(matmul_kernel("mm", 1024, 1024, 1024), GENERATED)
    assert [c.rule for c in choices] == ["contraction-panels"]
    reorder = next(op for op in schedule.primitives() if isinstance(op, loops.ReorderOp))
    assert [a.data for a in reorder.axes] == ["io", "jo", "iio", "k", "iii", "ji"]
    reads = [op for op in schedule.primitives() if isinstance(op, stages.CacheReadOp)]
    assert [op.scope.data for op in reads] == ["packed", "local"]
    packs = [op for op in schedule.primitives() if isinstance(op, ComputeAtOp)]
    assert [op.axis.data for op in packs] == ["io"]


@pytest.mark.parametrize("m, n, k", [(200, 32, 9), (389, 48, 5)])
def test_matmul_panels_on_odd_rows_native(m: int, n: int, k: int):
    """Row blocks (192) and register blocks (6) that do not divide the rows: peeled."""
    module = ModuleOp([matmul_kernel("mm", m, n, k)])
    _, choices = auto_schedule(only_kernel(module), GENERATED)
    assert [c.rule for c in choices] == ["contraction-panels"]
    pipeline = AUTO.replace("te-auto-schedule", "te-auto-schedule{microkernel=false}")
    check_native(module, pipeline=pipeline, rtol=1e-4)


def test_matmul_is_register_blocked_cache_tiled_and_packed():
    """Few rows: B's panels packed per column block, A's per reduction block."""
    schedule, choices = auto_schedule(matmul_kernel("mm", 128, 1024, 1024))
    assert [c.rule for c in choices] == ["contraction-packed"]
    reorder = next(op for op in schedule.primitives() if isinstance(op, loops.ReorderOp))
    assert [a.data for a in reorder.axes] == ["ko", "jo", "io", "ki", "ii", "ji"]
    names = primitives(schedule)
    assert names.count("te.split") == 3 and "te.unroll" in names and "te.vectorize" in names
    # B's 512 x 16 panel packed at jo, the 1024 x 512 block of A at ko
    assert names[-4:] == ["te.cache_read", "te.compute_at"] * 2
    splits = [op for op in schedule.primitives() if isinstance(op, loops.SplitOp)]
    assert {op.axis.data: op.factor.value.data for op in splits}["k"] == 512
    packs = [op for op in schedule.primitives() if isinstance(op, ComputeAtOp)]
    assert [op.axis.data for op in packs] == ["jo", "ko"]


SQUARE = """te.kernel @sq(%A: tensor<512x512xf32>) -> tensor<512x512xf32> {
  %C = te.compute "C" (%i: 512, %j: 512) reduce (%k: 512) combiner add init 0.0 : f32 {
    %a = te.read %A[%i, %k] : tensor<512x512xf32> -> f32
    %b = te.read %A[%k, %j] : tensor<512x512xf32> -> f32
    %p = arith.mulf %a, %b : f32
    te.yield %p : f32
  } : tensor<512x512xf32>
  te.return %C : tensor<512x512xf32>
}"""


def test_matmul_of_a_tensor_with_itself_packs_it_once():
    """A . A: one tensor is both operands; its column panel is packed, not a second copy."""
    schedule, choices = auto_schedule(only_kernel(parse_module(SQUARE)))
    assert [c.rule for c in choices] == ["contraction-panels"]
    assert primitives(schedule).count("te.cache_read") == 1
    check_native(parse_module(SQUARE), pipeline=AUTO, rtol=1e-4)


def test_matmul_with_a_short_reduction_is_not_packed():
    _, choices = auto_schedule(matmul_kernel("mm", 64, 64, 100))
    assert [c.rule for c in choices] == ["contraction"]


def test_matmul_with_a_column_tail_is_still_register_blocked():
    """10 columns: a vector of 8, then a peeled tail of 2 (te-to-loop)."""
    module = ModuleOp([matmul_kernel("mm", 64, 10, 128)])
    _, choices = auto_schedule(only_kernel(module))
    assert [c.rule for c in choices] == ["contraction"]
    check_native(module, pipeline=AUTO, rtol=1e-4)


def test_matmul_with_fewer_columns_than_lanes_falls_back_to_a_streaming_reduction():
    _, choices = auto_schedule(matmul_kernel("mm", 64, 6, 128))
    assert [c.rule for c in choices] == ["reduction"]


@pytest.mark.parametrize(
    "window", [CONV_1X1.format(c=4, h=8, w=16, o=12), CONV.format(n=1, c=4, h=7, w=16, o=12)]
)
def test_serial_convolution_is_register_blocked_over_channels_and_columns(window: str):
    # 12 output channels are not a multiple of the lanes: no channel vectors (the blocked
    # rule, tests/unit/passes/lowering/test_auto_schedule_conv.py), column vectors
    conv = only_kernel(graph_kernels(window))
    schedule, choices = auto_schedule(conv, Options(parallel=False))
    assert choices[-1].rule == "convolution"
    reorder = next(op for op in schedule.primitives() if isinstance(op, loops.ReorderOp))
    order = ["n", "oo", "y", "rc", "ry", "xo", "rx", "oi", "xi"]
    assert [a.data for a in reorder.axes] == order


def test_parallel_convolution_is_register_blocked_with_channel_blocks_in_parallel():
    # outlined parallel bodies keep their register tiles (parallel.py clamps the ranges)
    conv = only_kernel(graph_kernels(CONV.format(n=1, c=4, h=7, w=16, o=12)))
    schedule, choices = auto_schedule(conv)
    # the pad read by the convolution is not inlined (it would be redone per reduction step)
    assert [c.rule for c in choices] == ["elementwise", "convolution"]
    reorder = next(op for op in schedule.primitives() if isinstance(op, loops.ReorderOp))
    assert [a.data for a in reorder.axes] == ["n", "oo", "y", "rc", "ry", "xo", "rx", "oi", "xi"]
    parallel = [op for op in schedule.primitives() if isinstance(op, loops.ParallelOp)]
    assert [(op.stage.data, op.axis.data) for op in parallel][-1] == ("Y", "oo")


def test_convolution_with_ragged_rows_keeps_the_streaming_order():
    conv = only_kernel(graph_kernels(CONV.format(n=1, c=4, h=7, w=13, o=12)))
    schedule, choices = auto_schedule(conv)
    assert [c.rule for c in choices] == ["elementwise", "reduction"]
    reorder = next(op for op in schedule.primitives() if isinstance(op, loops.ReorderOp))
    assert [a.data for a in reorder.axes] == ["n", "o", "y", "rc", "ry", "rx", "x"]


def test_intermediate_stage_read_at_one_point_is_inlined():
    kb = KernelBuilder("chain", [("X", TensorType(f32, [8, 16]))])
    t = kb.compute("T", [("i", 8), ("j", 16)], read_at(kb["X"]))
    y = kb.compute("Y", [("i", 8), ("j", 16)], read_at(t))
    _, choices = auto_schedule(kb.finish(y))
    assert [c.rule for c in choices] == ["inline", "elementwise"]


def test_stencil_producer_read_at_several_points_stays_at_root():
    _, choices = auto_schedule(stencil_kernel(16, 64))
    assert [c.rule for c in choices] == ["elementwise", "elementwise"]


def test_options_turn_off_threads_and_vectors():
    schedule, _ = auto_schedule(
        elementwise_kernel(64, 256), Options(parallel=False, vectorize=False)
    )
    assert primitives(schedule) == []


def test_every_unroll_is_bounded():
    """No rule unrolls a loop of more than 8 iterations (compile time stays small)."""
    for kernel in (matmul_kernel("mm", 1024, 1024, 1024), matmul_kernel("mm", 6, 1000, 30)):
        schedule, _ = auto_schedule(kernel)
        state = ScheduleState.from_kernel(kernel)
        unrolled = 0
        for op in schedule.primitives():
            if isinstance(op, loops.UnrollOp):
                stage = state.stage(op.stage.data)
                assert stage.axes[stage.index(op.axis.data) or 0].extent <= 8
                unrolled += 1
            op.apply(state)
        assert unrolled == 1


def test_pass_leaves_scheduled_kernels_alone():
    module = ModuleOp([matmul_kernel("mm", 8, 16, 8)])
    run_pipeline("te-auto-schedule", module)
    first = [op for op in module.ops if isinstance(op, ScheduleOp)]
    run_pipeline("te-auto-schedule", module)
    assert [op for op in module.ops if isinstance(op, ScheduleOp)] == first and len(first) == 1


# -- semantics: native code against the interpreter ------------------------------------

ODD = [1, 7, 13, 33, 100]


@pytest.mark.parametrize("rows,cols", [(1, 8), (7, 13), (13, 100), (33, 64)])
def test_elementwise_native(rows: int, cols: int):
    check_native(ModuleOp([elementwise_kernel(rows, cols)]), pipeline=AUTO)


@pytest.mark.parametrize("rows,cols", [(1, 8), (7, 33), (13, 64)])
def test_stencil_native(rows: int, cols: int):
    check_native(ModuleOp([stencil_kernel(rows, cols)]), pipeline=AUTO)


@pytest.mark.parametrize("rows,cols,columns", [(7, 13, False), (33, 64, False), (13, 100, True)])
def test_reduction_native(rows: int, cols: int, columns: bool):
    check_native(ModuleOp([row_sum_kernel(rows, cols, columns=columns)]), pipeline=AUTO, rtol=1e-4)


@pytest.mark.parametrize(
    "m,n,k",
    [
        (1, 16, 7),
        (7, 13, 33),
        (13, 32, 100),
        (33, 48, 512),
        (100, 16, 1),
        (8, 64, 13),
        (7, 32, 768),
    ],
)
def test_matmul_native(m: int, n: int, k: int):
    check_native(ModuleOp([matmul_kernel("mm", m, n, k)]), pipeline=AUTO, rtol=1e-4)


@pytest.mark.parametrize("m,k,n", [(7, 13, 32), (5, 512, 16)])
def test_batch_matmul_native(m: int, k: int, n: int):
    module = graph_kernels(BATCH_MATMUL.format(m=m, k=k, n=n))
    check_native(module, pipeline=AUTO, rtol=1e-4)


@pytest.mark.parametrize("n,c,h,w,o", [(1, 3, 7, 13, 5), (2, 4, 8, 16, 8), (1, 7, 5, 8, 6)])
@pytest.mark.parametrize("threads", [True, False])
def test_conv2d_native(n: int, c: int, h: int, w: int, o: int, threads: bool):
    pipeline = AUTO if threads else "te-auto-schedule{parallel=false},te-to-loop"
    check_native(graph_kernels(CONV.format(n=n, c=c, h=h, w=w, o=o)), pipeline=pipeline, rtol=1e-4)


@pytest.mark.parametrize("c,h,w,o", [(7, 3, 8, 4), (13, 2, 16, 6), (33, 1, 12, 7)])
def test_conv2d_1x1_native(c: int, h: int, w: int, o: int):
    module = graph_kernels(CONV_1X1.format(c=c, h=h, w=w, o=o))
    check_native(module, pipeline="te-auto-schedule{parallel=false},te-to-loop", rtol=1e-4)


OTHERS = """graph.func @f(%x: tensor<2x3x9x16xf32>, %g: tensor<16xf32>, %b: tensor<16xf32>) -> (tensor<2x3x9x16xf32>, tensor<2x3x7x14xf32>, tensor<3x16xf32>) {
  %n = graph.layer_norm %x, %g, %b axis 3 epsilon 1.0e-05 : (tensor<2x3x9x16xf32>, tensor<16xf32>, tensor<16xf32>) -> tensor<2x3x9x16xf32>
  %p = graph.max_pool2d %x kernel [3, 3] strides [1, 1] : tensor<2x3x9x16xf32> -> tensor<2x3x7x14xf32>
  %s = graph.reduce_sum %x axes [0, 2] : tensor<2x3x9x16xf32> -> tensor<3x16xf32>
  graph.return %n, %p, %s : tensor<2x3x9x16xf32>, tensor<2x3x7x14xf32>, tensor<3x16xf32>
}"""


def test_norm_pool_and_reductions_through_compile_cpu():
    rng = np.random.default_rng(1)
    args = [rng.standard_normal(s).astype(np.float32) for s in ((2, 3, 9, 16), (16,), (16,))]
    expected = dlir.interpret(parse_module(OTHERS), "f", *args)
    got = dlir.compile(OTHERS).f(*args)
    for g, e in zip(got, expected, strict=True):
        np.testing.assert_allclose(g, e, rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("m,n", [(1, 7), (13, 100), (4, 64)])
def test_softmax_native(m: int, n: int):
    check_native(graph_kernels(SOFTMAX.format(m=m, n=n)), pipeline=AUTO, rtol=1e-4)


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    m=st.sampled_from([*ODD, 4, 8]),
    n=st.sampled_from([*ODD, 8, 16, 48]),
    k=st.sampled_from([*ODD, 256, 512]),
)
def test_matmul_any_shape_native(m: int, n: int, k: int):
    check_native(ModuleOp([matmul_kernel("mm", m, n, k)]), pipeline=AUTO, rtol=1e-4)


def test_compile_cpu_runs_the_auto_schedules():
    """The mlp example through the default pipeline (te-auto-schedule on) equals the interpreter."""
    text = (
        "graph.func @mlp(%x: tensor<7x33xf32>, %w: tensor<33x16xf32>, %b: tensor<16xf32>) -> tensor<7x16xf32> {\n"
        "  %0 = graph.matmul %x, %w : (tensor<7x33xf32>, tensor<33x16xf32>) -> tensor<7x16xf32>\n"
        "  %1 = graph.add %0, %b : (tensor<7x16xf32>, tensor<16xf32>) -> tensor<7x16xf32>\n"
        "  %2 = graph.relu %1 : tensor<7x16xf32>\n"
        "  %3 = graph.softmax %2 : tensor<7x16xf32>\n"
        "  graph.return %3 : tensor<7x16xf32>\n}"
    )
    rng = np.random.default_rng(0)
    args = [rng.standard_normal(s).astype(np.float32) for s in ((7, 33), (33, 16), (16,))]
    expected = dlir.interpret(parse_module(text), "mlp", *args)
    got = dlir.compile(text).mlp(*args)
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-5)
