"""graph-to-loop: host functions with planned workspaces.

The planner alone (reuse, alignment, never two live buffers on the same bytes: a
property over random lifetimes), the pass on random DAGs of kernel calls (the views it
emits never overlap while live, read back from the IR), its statistics and errors, and
random DAGs compiled to native code against numpy.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.typing import NDArray
from xdsl.dialects import arith, memref
from xdsl.dialects.builtin import IntegerAttr, MemRefType, ModuleOp
from xdsl.ir import Attribute
from xdsl.utils.hints import isa

import dlir
from dlir.dialects import loop
from dlir.ir.context import make_context
from dlir.parser import parse_module
from dlir.passes import PASSES, PassManager
from dlir.passes.instrument import PassStatistics
from dlir.passes.lowering.graph_to_loop import buffer_bytes
from dlir.passes.lowering.memory_plan import Buffer, plan_buffers
from dlir.passes.manager import PassFailure

SHAPE = (7, 13)
TENSOR = "tensor<7x13xf32>"
MEMREF = "memref<7x13xf32>"

Array = NDArray[Any]


def elementwise_kernel(name: str, arity: int, expr: str, index: str) -> str:
    """A loop.func computing `expr` over `arity` 7x13 inputs (%v0, %v1 are the elements
    read at `index`) into out[%i, %j]."""
    args = ", ".join(f"%a{i}: {MEMREF}" for i in range(arity))
    loads = "\n".join(f"      %v{i} = loop.load %a{i}[{index}] : {MEMREF}" for i in range(arity))
    return f"""
loop.func @{name}({args}, %out: {MEMREF}) attributes {{num_outputs = 1 : i64}} {{
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c7 = arith.constant 7 : index
  %c13 = arith.constant 13 : index
  %half = arith.constant 0.5 : f32
  %one = arith.constant 1.0 : f32
  loop.for %i = %c0 to %c7 step %c1 {{
    loop.for %j = %c0 to %c13 step %c1 {{
{loads}
      {expr}
      loop.store %r, %out[%i, %j] : {MEMREF}
    }}
  }}
  loop.return
}}"""


def np_add(a: Array, b: Array) -> Array:
    return a + b


def np_mul(a: Array, b: Array) -> Array:
    return a * b


def np_affine(a: Array) -> Array:
    return a * np.float32(0.5) + np.float32(1.0)


def np_flip(a: Array) -> Array:
    return a[::-1, ::-1] + np.float32(1.0)


ELEMENTWISE = "%i, %j"
# name -> (arity, body computing %r, index of the loads, numpy equivalent)
KERNELS: dict[str, tuple[int, str, str, Callable[..., Array]]] = {
    "add": (2, "%r = arith.addf %v0, %v1 : f32", ELEMENTWISE, np_add),
    "mul": (2, "%r = arith.mulf %v0, %v1 : f32", ELEMENTWISE, np_mul),
    "affine": (
        1,
        "%s = arith.mulf %v0, %half : f32\n      %r = arith.addf %s, %one : f32",
        ELEMENTWISE,
        np_affine,
    ),
    # Not elementwise: run in place (its output on its input's bytes) it would read
    # elements it already overwrote, so a plan that overlaps live buffers shows.
    "flip": (1, "%r = arith.addf %v0, %one : f32", "6 - %i, 12 - %j", np_flip),
}
KERNEL_TEXT = "".join(
    elementwise_kernel(name, arity, body, index)
    for name, (arity, body, index, _) in KERNELS.items()
)
CONSTANT = np.arange(91, dtype=np.float32).reshape(SHAPE) / 8


@dataclass(frozen=True)
class Dag:
    """`inputs` arguments, one constant, then `nodes` (kernel, operand indices); values are
    numbered inputs first, then the constant, then the nodes; `returns` index values."""

    inputs: int
    nodes: tuple[tuple[str, tuple[int, ...]], ...]
    returns: tuple[int, ...]

    def text(self) -> str:
        names = [f"%x{i}" for i in range(self.inputs)] + ["%cst"]
        body = [f"  %cst = graph.constant dense<{CONSTANT.tolist()}> : {TENSOR}"]
        for index, (kernel, operands) in enumerate(self.nodes):
            args = ", ".join(names[o] for o in operands)
            types = ", ".join([TENSOR] * len(operands))
            body.append(f"  %n{index} = graph.call_dps @{kernel}({args}) : ({types}) -> {TENSOR}")
            names.append(f"%n{index}")
        returned = ", ".join(names[r] for r in self.returns)
        types = ", ".join([TENSOR] * len(self.returns))
        body.append(f"  graph.return {returned} : {types}")
        params = ", ".join(f"%x{i}: {TENSOR}" for i in range(self.inputs))
        lines = "\n".join(body)
        return f"{KERNEL_TEXT}\ngraph.func @main({params}) -> ({types}) {{\n{lines}\n}}\n"

    def evaluate(self, inputs: list[Array]) -> list[Array]:
        values = [*inputs, CONSTANT]
        for kernel, operands in self.nodes:
            values.append(KERNELS[kernel][3](*(values[o] for o in operands)))
        return [values[r] for r in self.returns]


@st.composite
def dags(draw: st.DrawFn) -> Dag:
    inputs = draw(st.integers(1, 3))
    nodes: list[tuple[str, tuple[int, ...]]] = []
    for index in range(draw(st.integers(1, 9))):
        available = inputs + 1 + index
        kernel = draw(st.sampled_from(sorted(KERNELS)))
        arity = KERNELS[kernel][0]
        operands = tuple(draw(st.integers(0, available - 1)) for _ in range(arity))
        nodes.append((kernel, operands))
    total = inputs + 1 + len(nodes)
    returns = draw(st.lists(st.integers(0, total - 1), min_size=1, max_size=3))
    # Mostly return the last node, as a model does.
    if draw(st.booleans()):
        returns[0] = total - 1
    return Dag(inputs, tuple(nodes), tuple(returns))


def lower(text: str) -> tuple[ModuleOp, str]:
    ctx = make_context()
    module = parse_module(text, ctx=ctx)
    stats = PassStatistics()
    PassManager.parse("graph-to-loop", ctx, instruments=[stats]).run(module)
    return module, stats.report()


def host(module: ModuleOp, name: str = "main") -> loop.FuncOp:
    return next(op for op in module.ops if isinstance(op, loop.FuncOp) and op.sym_name.data == name)


# ---------------------------------------------------------------------------------------
# The planner


def test_chain_reuses_the_dead_buffer():
    buffers = [Buffer(4096, 0, 1), Buffer(4096, 1, 2), Buffer(4096, 2, 3)]
    plan = plan_buffers(buffers)
    assert plan.offsets == (0, 4096, 0)
    assert (plan.arena_bytes, plan.unplanned_bytes, plan.live_peak_bytes) == (8192, 12288, 8192)


def test_sizes_round_up_to_the_alignment_and_small_ones_fill_gaps():
    # a big buffer dies at step 1; two small ones live later fit in its bytes
    buffers = [Buffer(1000, 0, 1), Buffer(10, 2, 3), Buffer(10, 2, 3), Buffer(500, 0, 3)]
    plan = plan_buffers(buffers, alignment=64)
    assert plan.arena_bytes == 1024 + 512
    assert all(offset % 64 == 0 for offset in plan.offsets)
    assert plan.offsets[1] != plan.offsets[2]


def test_planner_rejects_bad_input():
    with pytest.raises(ValueError, match="alignment must be a power of two, found 48"):
        plan_buffers([], alignment=48)
    with pytest.raises(ValueError, match="expected size >= 0 and start <= end"):
        plan_buffers([Buffer(4, 3, 2)])
    assert plan_buffers([]).arena_bytes == 0


def overlapping_live_pairs(
    live: list[tuple[int, int, int, int]],
) -> list[tuple[int, int]]:
    """Pairs of (first step, last step, offset, bytes) entries live together on shared bytes."""
    bad: list[tuple[int, int]] = []
    for i, (s1, e1, o1, n1) in enumerate(live):
        for j, (s2, e2, o2, n2) in enumerate(live[:i]):
            if s1 <= e2 and s2 <= e1 and o1 < o2 + n2 and o2 < o1 + n1:
                bad.append((j, i))
    return bad


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 5000), st.integers(0, 20), st.integers(0, 6)),
        max_size=25,
    ),
    st.sampled_from([1, 8, 64]),
)
def test_plan_never_overlaps_live_buffers(raw: list[tuple[int, int, int]], alignment: int):
    buffers = [Buffer(size, start, start + length) for size, start, length in raw]
    plan = plan_buffers(buffers, alignment)
    live = [(b.start, b.end, o, b.size) for b, o in zip(buffers, plan.offsets, strict=True)]
    assert overlapping_live_pairs(live) == []
    assert all(
        o % alignment == 0 and o + b.size <= plan.arena_bytes
        for b, o in zip(buffers, plan.offsets, strict=True)
    )
    assert plan.live_peak_bytes <= plan.arena_bytes <= plan.unplanned_bytes


# ---------------------------------------------------------------------------------------
# The pass


def view_lifetimes(func: loop.FuncOp) -> list[tuple[int, int, int, int]]:
    """(first call, last call, byte offset, bytes) of every workspace view, from the IR."""
    calls = [op for op in func.body.block.ops if isinstance(op, loop.CallOp)]
    result: list[tuple[int, int, int, int]] = []
    for op in func.body.block.ops:
        if not isinstance(op, memref.ViewOp):
            continue
        shift = op.byte_shift.owner
        assert isinstance(shift, arith.ConstantOp) and isinstance(shift.value, IntegerAttr)
        steps = [i for i, call in enumerate(calls) if op.result in call.args]
        assert steps, "a view no call uses"
        view_type = op.result.type
        assert isa(view_type, MemRefType[Attribute])
        result.append((min(steps), max(steps), shift.value.value.data, buffer_bytes(view_type)))
    return result


@settings(max_examples=60, deadline=None)
@given(dags())
def test_views_of_live_values_never_overlap(dag: Dag):
    module, report = lower(dag.text())
    func = host(module)
    assert func.num_outputs.value.data == len(dag.returns)
    lifetimes = view_lifetimes(func)
    assert overlapping_live_pairs(lifetimes) == []
    # Each value that is not returned is written into the workspace by its call.
    returned = {r for r in dag.returns}
    first = dag.inputs + 1
    temps = sum(1 for i in range(len(dag.nodes)) if first + i not in returned)
    assert len(lifetimes) == temps
    before = int(report.split(") peak bytes before")[0].rsplit("(", 1)[1])
    after = int(report.split(") peak bytes after")[0].rsplit("(", 1)[1])
    assert after <= before == temps * 384  # 7 * 13 * 4 = 364 bytes, 64-aligned


def test_statistics_report_peak_bytes_before_and_after_planning():
    dag = Dag(1, (("affine", (0,)), ("affine", (2,)), ("affine", (3,)), ("affine", (4,))), (5,))
    _, report = lower(dag.text())
    assert "(1) functions lowered" in report
    assert "(1152) peak bytes before planning" in report
    assert "(768) peak bytes after planning" in report


def test_registered():
    assert PASSES["graph-to-loop"] == "dlir.passes.lowering.graph_to_loop:GraphToLoopPass"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            f"%y = graph.relu %x : {TENSOR}",
            "@main still holds 'graph.relu': run graph-to-te and te-to-loop first",
        ),
        (
            f"%y = graph.call_dps @kernel(%x) : ({TENSOR}) -> {TENSOR}",
            "callee @kernel of @main is still a te.kernel: run te-to-loop first",
        ),
    ],
)
def test_errors_name_the_op_and_the_pass_to_run_first(body: str, message: str):
    text = f"""
te.kernel @kernel(%a: {TENSOR}) -> {TENSOR} {{
  te.return %a : {TENSOR}
}}
graph.func @main(%x: {TENSOR}) -> {TENSOR} {{
  {body}
  graph.return %y : {TENSOR}
}}
"""
    with pytest.raises(PassFailure, match=message):
        lower(text)


# ---------------------------------------------------------------------------------------
# Native runs


@settings(max_examples=12, deadline=None)
@given(dags(), st.integers(0, 2**16))
def test_random_dags_run_natively_like_numpy(dag: Dag, seed: int):
    program = dlir.compile(dag.text(), "graph-to-loop,loop-to-llvm")
    rng = np.random.default_rng(seed)
    inputs = [rng.standard_normal(SHAPE, dtype=np.float32) for _ in range(dag.inputs)]
    got = program["main"](*inputs)
    got_list = list(got) if isinstance(got, tuple) else [got]
    want = dag.evaluate(inputs)
    assert len(got_list) == len(want)
    for g, w in zip(got_list, want, strict=True):
        assert isinstance(g, np.ndarray)
        np.testing.assert_allclose(g, w, rtol=1e-6, atol=1e-6)


def test_reused_bytes_never_feed_the_call_that_writes_them():
    # flip reads mirrored elements: were a result planned on its own input's bytes (the
    # input dies at that very call), the second half would read overwritten values.
    dag = Dag(1, (("affine", (0,)), ("flip", (2,)), ("flip", (3,)), ("flip", (4,))), (5,))
    program = dlir.compile(dag.text(), "graph-to-loop,loop-to-llvm")
    x = np.linspace(-3, 3, 91, dtype=np.float32).reshape(SHAPE)
    np.testing.assert_allclose(program.main(x), dag.evaluate([x])[0], rtol=1e-6)


def test_a_graph_func_callee_runs_natively():
    text = f"""{KERNEL_TEXT}
graph.func @inner(%a: {TENSOR}, %b: {TENSOR}) -> {TENSOR} {{
  %s = graph.call_dps @add(%a, %b) : ({TENSOR}, {TENSOR}) -> {TENSOR}
  %t = graph.call_dps @affine(%s) : ({TENSOR}) -> {TENSOR}
  graph.return %t : {TENSOR}
}}
graph.func @main(%x: {TENSOR}) -> ({TENSOR}, {TENSOR}) {{
  %y = graph.call_dps @inner(%x, %x) : ({TENSOR}, {TENSOR}) -> {TENSOR}
  %z = graph.call_dps @mul(%y, %x) : ({TENSOR}, {TENSOR}) -> {TENSOR}
  graph.return %z, %y : {TENSOR}, {TENSOR}
}}
"""
    program = dlir.compile(text, "graph-to-loop,loop-to-llvm")
    x = np.linspace(-2, 2, 91, dtype=np.float32).reshape(SHAPE)
    y = (x + x) * np.float32(0.5) + np.float32(1)
    z, y_got = program.main(x)
    np.testing.assert_allclose(y_got, y, rtol=1e-6)
    np.testing.assert_allclose(z, y * x, rtol=1e-6)
    np.testing.assert_allclose(program.inner(x, x), y, rtol=1e-6)
