"""te-to-loop under the default schedule: every kernel is run by the reference
interpreter and, lowered to loops and compiled natively, on the same random inputs."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

import numpy as np
import pytest
from xdsl.dialects import arith
from xdsl.dialects.builtin import (
    FloatAttr,
    IntegerAttr,
    ModuleOp,
    TensorType,
    f32,
    f64,
    i32,
)
from xdsl.ir import Attribute, SSAValue

from dlir.backends.llvm.callable import jit_function
from dlir.dialects.loop import AllocOp, ForOp, FreeOp, FuncOp, LoopKind
from dlir.dialects.te.builder import BodyFn, KernelBuilder, StageBody, matmul_kernel
from dlir.dialects.te.kernel import KernelOp
from dlir.ir.diagnostics import DiagnosticError
from dlir.parser import parse_module, print_module
from dlir.passes import PASSES, run_pipeline
from dlir.passes.lowering import LOWERING_PASSES
from dlir.passes.lowering.te_to_loop import differential
from dlir.testing.te_kernels import softmax_kernel

Array = differential.Array

RNG = np.random.default_rng(7)


def read_at(tensor: SSAValue, *order: int) -> BodyFn:
    """A stage body reading `tensor` at its axes (permuted by `order`, if given)."""

    def body(b: StageBody, *axes: SSAValue) -> SSAValue:
        picked = [axes[n] for n in order] if order else list(axes)
        return b.read(tensor, *picked)

    return body


def random_input(t: TensorType) -> Array:
    shape = tuple(t.get_shape())
    if t.get_element_type() == f32:
        return RNG.standard_normal(shape).astype(np.float32)
    return RNG.integers(-5, 6, size=shape).astype(np.int32)


def check_native(
    kernel: KernelOp | ModuleOp,
    inputs: Sequence[Array] | None = None,
    pipeline: str = "te-to-loop{parallel=false}",
) -> ModuleOp:
    module = kernel if isinstance(kernel, ModuleOp) else ModuleOp([kernel])
    return differential.check_native(module, inputs, pipeline)


def test_registered():
    assert PASSES["te-to-loop"] == LOWERING_PASSES["te-to-loop"]


@pytest.mark.parametrize("m, n, k", [(1, 1, 1), (7, 33, 13), (33, 7, 100), (100, 33, 7)])
def test_matmul_odd_sizes(m: int, n: int, k: int):
    lowered = check_native(matmul_kernel("mm", m, n, k))
    func = next(op for op in lowered.ops if isinstance(op, FuncOp))
    # default order i, k, j (after the init nest over j): the innermost loop walks B and C rows
    loops = [op for op in func.walk() if isinstance(op, ForOp)]
    assert [loop.induction_var.name_hint for loop in loops] == ["i", "j", "k", "j"]


@pytest.mark.parametrize("m", [1, 7])
def test_default_outermost_spatial_loop_is_parallel(m: int):
    lowered = check_native(matmul_kernel("mm", m, 5, 3), pipeline="te-to-loop")
    kinds = [op.loop_kind for op in lowered.walk() if isinstance(op, ForOp)]
    outer = LoopKind.PARALLEL if m > 1 else LoopKind.SERIAL
    assert kinds == [outer, LoopKind.SERIAL, LoopKind.SERIAL, LoopKind.SERIAL]


def test_default_parallel_loop_skips_loops_of_one_iteration():
    # a batch of 1 (conv2d's N) must not keep the channels from running in parallel
    x_type = TensorType(f32, [1, 6, 5])
    kb = KernelBuilder("copy", [("X", x_type)])
    kernel = kb.finish(kb.compute("Y", [("n", 1), ("c", 6), ("w", 5)], read_at(kb["X"])))
    lowered = check_native(kernel, pipeline="te-to-loop")
    kinds = [op.loop_kind for op in lowered.walk() if isinstance(op, ForOp)]
    assert kinds == [LoopKind.SERIAL, LoopKind.PARALLEL, LoopKind.SERIAL]


@pytest.mark.parametrize("element", [i32, f64])
def test_matmul_other_element_types(element: Attribute):
    check_native(matmul_kernel("mm", 5, 9, 3, element))


def test_matmul_serial_option():
    lowered = check_native(matmul_kernel("mm", 4, 4, 4), pipeline="te-to-loop{parallel=false}")
    kinds = {op.loop_kind for op in lowered.walk() if isinstance(op, ForOp)}
    assert kinds == {LoopKind.SERIAL}


@pytest.mark.parametrize("rows, cols", [(1, 1), (7, 33), (13, 100)])
def test_softmax(rows: int, cols: int):
    lowered = check_native(softmax_kernel(rows, cols))
    func = next(op for op in lowered.ops if isinstance(op, FuncOp))
    allocs = [op for op in func.body.block.ops if isinstance(op, AllocOp)]
    frees = [op for op in func.body.block.ops if isinstance(op, FreeOp)]
    assert [a.memref.name_hint for a in allocs] == ["M", "E", "S"]
    assert all(a.alignment is not None and a.alignment.value.data == 64 for a in allocs)
    assert len(frees) == 3
    # each buffer is freed after the last nest that reads it: M after E, E and S after Y
    ops = list(func.body.block.ops)
    last_nest = max(n for n, op in enumerate(ops) if isinstance(op, ForOp))
    assert all(ops.index(f) > last_nest for f in frees if f.memref.name_hint != "M")
    free_m = next(f for f in frees if f.memref.name_hint == "M")
    assert ops.index(free_m) < last_nest


def test_elementwise_stages_with_broadcast():
    kb = KernelBuilder("ew", [("A", TensorType(f32, [5, 7])), ("v", TensorType(f32, [7]))])
    a, v = kb["A"], kb["v"]

    def double(b: StageBody, i: SSAValue, j: SSAValue) -> SSAValue:
        x = b.read(a, i, j)
        return b.insert(arith.AddfOp(x, x)).result

    def add_row(b: StageBody, i: SSAValue, j: SSAValue) -> SSAValue:
        return b.insert(arith.AddfOp(b.read(twice, i, j), b.read(v, j))).result

    twice = kb.compute("T", [("i", 5), ("j", 7)], double)
    out = kb.compute("O", [("i", 5), ("j", 7)], add_row)
    check_native(kb.finish(out))


def test_stencil_blur():
    height, width = 9, 13
    kb = KernelBuilder("blur", [("A", TensorType(f32, [height + 2, width + 2]))])
    a = kb["A"]

    def blur_x(b: StageBody, i: SSAValue, j: SSAValue) -> SSAValue:
        s = b.insert(arith.AddfOp(b.read(a, i, j), b.read(a, i, b.offset(j, 1)))).result
        s = b.insert(arith.AddfOp(s, b.read(a, i, b.offset(j, 2)))).result
        third = b.insert(arith.ConstantOp(FloatAttr(1 / 3, f32))).result
        return b.insert(arith.MulfOp(s, third)).result

    bx = kb.compute("BX", [("y", height + 2), ("x", width)], blur_x)

    def blur_y(b: StageBody, i: SSAValue, j: SSAValue) -> SSAValue:
        s = b.insert(arith.AddfOp(b.read(bx, i, j), b.read(bx, b.offset(i, 1), j))).result
        return b.insert(arith.AddfOp(s, b.read(bx, b.offset(i, 2), j))).result

    lowered = check_native(kb.finish(kb.compute("BY", [("y", height), ("x", width)], blur_y)))
    # offsets fold into the access expressions
    assert re.search(r"loop.load %BX\[%y(_\d+)? \+ 2, %x(_\d+)?\]", print_module(lowered))


def reduction_kernel(combiner: str, element: TensorType, axis_sizes: tuple[int, int]) -> KernelOp:
    kb = KernelBuilder("red", [("A", element)])
    a = kb["A"]
    rows, cols = axis_sizes
    out = kb.compute("R", [("i", rows)], read_at(a), reduce=[("k", cols)], combiner=combiner)
    return kb.finish(out)


@pytest.mark.parametrize("combiner", ["add", "mul", "max", "min"])
@pytest.mark.parametrize("element", [f32, i32])
def test_reduction_combiners(combiner: str, element: Attribute):
    t = TensorType(element, [6, 11])
    data = random_input(t)
    if combiner == "mul":  # keep products of 11 values in range
        data = (
            RNG.uniform(0.8, 1.25, size=(6, 11)).astype(np.float32)
            if element == f32
            else np.sign(data).astype(np.int32)
        )
    check_native(reduction_kernel(combiner, t, (6, 11)), [data])


@pytest.mark.parametrize("combiner", ["max", "min"])
def test_float_max_min_propagate_nan_like_numpy(combiner: str):
    t = TensorType(f32, [4, 5])
    data = RNG.standard_normal((4, 5)).astype(np.float32)
    data[1, 3] = np.nan
    data[2, 0] = np.nan
    data[3, 4] = np.inf if combiner == "min" else -np.inf
    expected = (np.max if combiner == "max" else np.min)(data, axis=1)
    module = ModuleOp([reduction_kernel(combiner, t, (4, 5))])
    run_pipeline("te-to-loop{parallel=false},loop-to-llvm", module)
    out = np.zeros(4, np.float32)
    jit_function(module, "red")(data, out)
    np.testing.assert_array_equal(out, expected)


def test_column_sums_put_the_spatial_axis_innermost():
    kb = KernelBuilder("colsum", [("A", TensorType(f32, [9, 17]))])
    a = kb["A"]
    out = kb.compute("S", [("j", 17)], read_at(a, 1, 0), reduce=[("i", 9)])
    lowered = check_native(kb.finish(out))
    loops = [op.induction_var.name_hint for op in lowered.walk() if isinstance(op, ForOp)]
    assert loops == ["j", "i", "j"]  # init nest, then i outside j


def test_rank0_output():
    kb = KernelBuilder("total", [("A", TensorType(f32, [3, 7]))])
    a = kb["A"]
    out = kb.compute("T", [], read_at(a), reduce=[("i", 3), ("j", 7)])
    check_native(kb.finish(out))


def test_rank0_elementwise():
    kb = KernelBuilder("neg", [("A", TensorType(f32, []))])
    a = kb["A"]

    def negate(b: StageBody) -> SSAValue:
        return b.insert(arith.NegfOp(b.read(a))).result

    out = kb.compute("N", [], negate)
    check_native(kb.finish(out))


def test_returned_argument_and_stage_twice():
    module = parse_module(
        """
te.kernel @multi(%A: tensor<3x5xi32>) -> (tensor<3x5xi32>, tensor<3x5xi32>, tensor<3x5xi32>) {
  %B = te.compute "B" (%i: 3, %j: 5) {
    %a = te.read %A[%i, %j] : tensor<3x5xi32> -> i32
    %b = arith.muli %a, %a : i32
    te.yield %b : i32
  } : tensor<3x5xi32>
  te.return %B, %A, %B : tensor<3x5xi32>, tensor<3x5xi32>, tensor<3x5xi32>
}
"""
    )
    check_native(module)


def test_gather_index_from_data():
    """An index read from a tensor stays an SSA operand of the access."""
    module = parse_module(
        """
te.kernel @gather(%T: tensor<10xf32>, %I: tensor<6xi32>) -> tensor<6xf32> {
  %G = te.compute "G" (%i: 6) {
    %n = te.read %I[%i] : tensor<6xi32> -> i32
    %x = arith.index_cast %n : i32 to index
    %v = te.read %T[%x] : tensor<10xf32> -> f32
    te.yield %v : f32
  } : tensor<6xf32>
  te.return %G : tensor<6xf32>
}
"""
    )
    table = RNG.standard_normal(10).astype(np.float32)
    indices = np.array([3, 0, 9, 9, 1, 4], np.int32)
    lowered = check_native(module, [table, indices])
    assert "loop.load %T[%x]" in print_module(lowered)


def test_index_element_arithmetic_is_cloned():
    """Index math that is not affine (a product of two axes) is computed with arith."""
    kb = KernelBuilder("iota", [("A", TensorType(i32, [4, 6]))])
    a = kb["A"]

    def body(b: StageBody, i: SSAValue, j: SSAValue) -> SSAValue:
        product = b.insert(arith.MuliOp(i, j)).result
        as_int = b.insert(arith.IndexCastOp(product, i32)).result
        return b.insert(arith.AddiOp(as_int, b.read(a, i, j))).result

    check_native(kb.finish(kb.compute("P", [("i", 4), ("j", 6)], body)))


def test_invariant_loads_leave_inner_loops():
    lowered = check_native(matmul_kernel("mm", 4, 8, 3))
    text = print_module(lowered)
    # A[i, k] is loaded in the k loop, outside the j loop
    k_loop = text.index("loop.for %k")
    j_loop = text.index("loop.for %j", k_loop)
    assert k_loop < text.index("loop.load %A") < j_loop


def test_init_values_of_each_type():
    kb = KernelBuilder("mins", [("A", TensorType(i32, [2, 3]))])
    a = kb["A"]
    out = kb.compute(
        "M",
        [("i", 2)],
        read_at(a),
        reduce=[("k", 3)],
        combiner="min",
        init=IntegerAttr(4, i32),
    )
    check_native(kb.finish(out))
    kb = KernelBuilder("maxs", [("A", TensorType(f32, [2, 3]))])
    a = kb["A"]
    out = kb.compute(
        "M",
        [("i", 2)],
        read_at(a),
        reduce=[("k", 3)],
        combiner="max",
        init=FloatAttr(-math.inf, f32),
    )
    check_native(kb.finish(out))


def test_unsupported_body_op_is_a_located_error():
    module = parse_module(
        """
te.kernel @bad(%A: tensor<4xf32>) -> tensor<4xf32> {
  %B = te.compute "B" (%i: 4) {
    %a = te.read %A[%i] : tensor<4xf32> -> f32
    %v = vector.broadcast %a : f32 to vector<4xf32>
    te.yield %a : f32
  } : tensor<4xf32>
  te.return %B : tensor<4xf32>
}
""",
        "bad.mlir",
    )
    with pytest.raises(DiagnosticError) as info:
        run_pipeline("te-to-loop", module)
    message = str(info.value.diagnostic.message)
    assert "cannot lower vector.broadcast in stage 'B' of @bad" in message
    assert info.value.diagnostic.loc is not None and info.value.diagnostic.loc.line == 5
