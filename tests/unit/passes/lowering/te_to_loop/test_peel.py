"""Peeled tails of register tiles (te-to-loop's `nest.py`): on odd shapes the main tiles
get constant bounds and the tail the rest, and the kernel still computes what the
interpreter computes, through the loop passes of compile-cpu (unroll, vectorize), natively.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from xdsl.dialects.builtin import ModuleOp

from dlir.dialects.loop import ForOp, LoopKind, MinOp, constant_index
from dlir.dialects.te.builder import Schedule, matmul_kernel
from dlir.parser import parse_module
from dlir.passes.lowering.te_to_loop.differential import check_native

pytestmark = [
    pytest.mark.filterwarnings("ignore::dlir.dialects.te.model.ScheduleWarning"),
    pytest.mark.filterwarnings("ignore::dlir.passes.manager.PassWarning"),
]

PIPELINE = "te-to-loop,loop-unroll,loop-vectorize"
"""The kernel passes of compile-cpu: the register tiles are really unrolled and vectorized."""


def tiled_matmul(m: int, n: int, k: int, rows: int, columns: int, *, packed: bool) -> ModuleOp:
    """The default contraction's recipe: ko?, jo, io, ki, ii (unrolled), ji (vectorized)."""
    kernel = matmul_kernel("mm", m, n, k)
    module = ModuleOp([kernel])
    s = Schedule(kernel)
    jo, ji = s["C"].split("j", columns)
    ko, ki = s["C"].split("k", 4)
    io, ii = s["C"].split("i", rows)
    s["C"].reorder(ko, jo, io, ki, ii, ji)
    s["C"].unroll(ii)
    s["C"].vectorize(ji)
    s["C"].parallel(jo)
    if packed:
        s["B"].cache_read("local", [s["C"]]).compute_at(s["C"], jo)
        s["A"].cache_read("local", [s["C"]]).compute_at(s["C"], ko)
    return module


def constant_trips(module: ModuleOp, kind: LoopKind) -> list[int | None]:
    """The trip count of each loop of `kind` (None: a runtime bound)."""
    trips: list[int | None] = []
    for loop in module.walk():
        if isinstance(loop, ForOp) and loop.loop_kind == kind:
            lb, ub = constant_index(loop.lb), constant_index(loop.ub)
            trips.append(None if lb is None or ub is None else ub - lb)
    return trips


@pytest.mark.parametrize("m", [1, 7, 13, 33])
@pytest.mark.parametrize("packed", [False, True])
def test_matmul_row_tail(m: int, packed: bool):
    """6 rows per tile: 13 = 2 x 6 + 1, 33 = 5 x 6 + 3, 7 = 6 + 1, 1 = all tail."""
    module = tiled_matmul(m, 32, 12, 6, 16, packed=packed)
    lowered = check_native(module, pipeline="te-to-loop")
    # te-to-loop alone: every unrolled row loop has a constant trip count, and no bound
    # is left (k = 12 is a multiple of its split, 4)
    rows = constant_trips(lowered, LoopKind.UNROLLED)
    assert rows and None not in rows
    assert not any(isinstance(op, MinOp) for op in lowered.walk())


@pytest.mark.parametrize("m, n, k", [(13, 20, 7), (33, 40, 5), (7, 33, 13), (1, 9, 3)])
def test_matmul_row_and_column_tails_native(m: int, n: int, k: int):
    """Both tile dims do not divide: the main column panels peel their row tail, the last
    (partial) column panel keeps loop.min bounds; unrolled and vectorized for real."""
    check_native(tiled_matmul(m, n, k, 6, 16, packed=True), pipeline=PIPELINE, rtol=1e-4)


def test_matmul_1025_rows_native():
    """1025 = 170 x 6 + 5: the shape the benchmark's tile would see with one more row."""
    check_native(tiled_matmul(1025, 16, 8, 6, 16, packed=True), pipeline=PIPELINE, rtol=1e-4)


DENSE = """
te.kernel @dense(%X: tensor<{m}x{k}xf32>, %W: tensor<{k}x{n}xf32>, %B: tensor<{n}xf32>) -> tensor<{m}x{n}xf32> {{
  %Acc = te.compute "Acc" (%i: {m}, %j: {n}) reduce (%k: {k}) combiner add init 0.0 : f32 {{
    %x = te.read %X[%i, %k] : tensor<{m}x{k}xf32> -> f32
    %w = te.read %W[%k, %j] : tensor<{k}x{n}xf32> -> f32
    %p = arith.mulf %x, %w : f32
    te.yield %p : f32
  }} : tensor<{m}x{n}xf32>
  %Y = te.compute "Y" (%i: {m}, %j: {n}) {{
    %a = te.read %Acc[%i, %j] : tensor<{m}x{n}xf32> -> f32
    %b = te.read %B[%j] : tensor<{n}xf32> -> f32
    %s = arith.addf %a, %b : f32
    %zero = arith.constant 0.000000e+00 : f32
    %r = arith.maximumf %s, %zero : f32
    te.yield %r : f32
  }} : tensor<{m}x{n}xf32>
  te.return %Y : tensor<{m}x{n}xf32>
}}
te.schedule @dense {{
  te.split "Acc" "j" by 16 -> "jo", "ji"
  te.split "Acc" "i" by 6 -> "io", "ii"
  te.reorder "Acc" ["jo", "io", "k", "ii", "ji"]
  te.unroll "Acc" "ii"
  te.vectorize "Acc" "ji"
  te.parallel "Acc" "jo"
  te.cache_read "W" "local" for ["Acc"] -> "W_local"
  te.compute_at "W_local" at "Acc" "jo"
  te.split "Y" "j" by 8 -> "jo", "ji"
  te.vectorize "Y" "ji"
}}
"""


@pytest.mark.parametrize("m, n, k", [(13, 33, 7), (7, 20, 16), (1, 17, 3)])
def test_dense_bias_relu_broadcast_native(m: int, n: int, k: int):
    """The bias broadcast along rows, the epilogue's column tail peeled too."""
    module = parse_module(DENSE.format(m=m, n=n, k=k))
    check_native(module, pipeline=PIPELINE, rtol=1e-4)


REGION = """
te.kernel @region(%A: tensor<{m}x{n}xf32>) -> tensor<{m}x{n}xf32> {{
  %B = te.compute "B" (%i: {m}, %j: {n}) {{
    %a = te.read %A[%i, %j] : tensor<{m}x{n}xf32> -> f32
    %b = arith.mulf %a, %a : f32
    te.yield %b : f32
  }} : tensor<{m}x{n}xf32>
  %C = te.compute "C" (%i: {m}, %j: {n}) {{
    %b0 = te.read %B[%i, %j] : tensor<{m}x{n}xf32> -> f32
    %c = arith.addf %b0, %b0 : f32
    te.yield %c : f32
  }} : tensor<{m}x{n}xf32>
  te.return %C : tensor<{m}x{n}xf32>
}}
te.schedule @region {{
  te.split "C" "i" by 4 -> "io", "ii"
  te.compute_at "B" at "C" "io"
  te.split "B" "i" by 3 -> "bo", "bi"
  te.unroll "B" "bi"
  te.split "B" "j" by 8 -> "bjo", "bji"
  te.vectorize "B" "bji"
}}
"""


@pytest.mark.parametrize("m, n", [(13, 8), (5, 20), (1, 3), (16, 16)])
def test_compute_at_region_tail_native(m: int, n: int):
    """A tile of a stage computed at a consumer's loop, whose region is clamped at the
    edge: the main end is a runtime value; the tail keeps both bounds."""
    check_native(parse_module(REGION.format(m=m, n=n)), pipeline=PIPELINE)


ROWSUM = """
te.kernel @rowsum(%X: tensor<{m}x{n}xf32>) -> tensor<{m}xf32> {{
  %S = te.compute "S" (%i: {m}) reduce (%k: {n}) combiner add init 0.0 : f32 {{
    %x = te.read %X[%i, %k] : tensor<{m}x{n}xf32> -> f32
    te.yield %x : f32
  }} : tensor<{m}xf32>
  te.return %S : tensor<{m}xf32>
}}
te.schedule @rowsum {{
  te.split "S" "k" by 8 -> "ko", "ki"
  te.rfactor "S" "ki" -> "Srf"
  te.vectorize "Srf" "ki"
  te.compute_at "Srf" at "S" "i"
}}
"""


@pytest.mark.parametrize("m, n", [(3, 13), (2, 7), (1, 33)])
def test_rfactor_vector_tail_native(m: int, n: int):
    """The rfactor stage's lanes (13 = 8 + 5): the tail block is peeled, its partial sums
    past the reduction keep the identity."""
    check_native(parse_module(ROWSUM.format(m=m, n=n)), pipeline=PIPELINE, rtol=1e-4)


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    m=st.integers(1, 20),
    n=st.integers(1, 40),
    k=st.integers(1, 9),
    rows=st.sampled_from([2, 3, 4, 6, 8]),
    columns=st.sampled_from([4, 8, 16]),
    packed=st.booleans(),
)
def test_peeled_tiles_match_the_interpreter(
    m: int, n: int, k: int, rows: int, columns: int, packed: bool
):
    """Any tile over any shape: the peeled kernel computes the product."""
    module = tiled_matmul(m, n, k, rows, columns, packed=packed)
    check_native(module, pipeline=PIPELINE, rtol=1e-4)


def test_tails_hold_the_right_rows():
    """The tail rows are written once, the rows past them never (a 99 sentinel would show
    if a main tile ran into the tail or the tail missed a row)."""
    module = tiled_matmul(13, 16, 4, 6, 16, packed=False)
    a = np.arange(13 * 4, dtype=np.float32).reshape(13, 4)
    b = np.ones((4, 16), dtype=np.float32)
    check_native(module, [a, b], pipeline=PIPELINE)
