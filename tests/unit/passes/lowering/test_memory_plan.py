"""Static memory planning of a model's intermediates (`memory_plan.py`, used by graph-to-loop).

    random graphs -> graph-fuse, graph-to-te, te-to-loop, graph-to-loop
    ->  the workspace never exceeds the naive plan (every intermediate its own bytes),
        never puts two live intermediates on the same bytes, and is what
        `--pass-statistics` reports; on chains the bytes are reused (peak < naive),
        and compiled graphs still compute what the interpreter does

The planner alone: with buffers of one size it is optimal (arena == most bytes live).
"""

from __future__ import annotations

from typing import Any, cast

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from xdsl.dialects import arith, memref
from xdsl.dialects.builtin import IntegerAttr, MemRefType, ModuleOp
from xdsl.ir import Attribute
from xdsl.utils.hints import isa

import dlir
from dlir.dialects import loop
from dlir.ir.context import make_context
from dlir.parser import parse_module
from dlir.passes import PassManager
from dlir.passes.instrument import PassStatistics
from dlir.passes.lowering.graph_to_loop import ARENA_ALIGNMENT, buffer_bytes
from dlir.passes.lowering.memory_plan import Buffer, plan_buffers
from dlir.testing.random_graphs import random_graphs

LOWER = "graph-fuse,graph-to-te,te-to-loop,graph-to-loop"


def lower(module: ModuleOp) -> tuple[ModuleOp, dict[str, int]]:
    """The module after LOWER, and graph-to-loop's statistics."""
    lowered = module.clone()
    stats = PassStatistics()
    PassManager.parse(LOWER, make_context(), instruments=[stats]).run(lowered)
    counts: dict[str, int] = {}
    for line in stats.report().splitlines():
        if "peak bytes" in line:
            number, _, key = line.strip().partition(") ")
            counts[key] = int(number.lstrip("("))
    return lowered, counts


def round_up(size: int) -> int:
    return (size + ARENA_ALIGNMENT - 1) // ARENA_ALIGNMENT * ARENA_ALIGNMENT


def workspace(func: loop.FuncOp) -> tuple[int, list[tuple[int, int, int, int]]]:
    """The arena bytes of a host function, and (first call, last call, offset, bytes)
    of every view into it, read back from the IR."""
    ops = list(func.body.block.ops)
    arena = sum(buffer_bytes(op.memref.type) for op in ops if isinstance(op, loop.AllocOp))
    calls = [op for op in ops if isinstance(op, loop.CallOp)]
    views: list[tuple[int, int, int, int]] = []
    for op in ops:
        if not isinstance(op, memref.ViewOp):
            continue
        shift = op.byte_shift.owner
        assert isinstance(shift, arith.ConstantOp) and isinstance(shift.value, IntegerAttr)
        steps = [i for i, call in enumerate(calls) if op.result in call.args]
        view_type = op.result.type
        assert steps and isa(view_type, MemRefType[Attribute])
        views.append((min(steps), max(steps), shift.value.value.data, buffer_bytes(view_type)))
    return arena, views


def shares_live_bytes(views: list[tuple[int, int, int, int]]) -> bool:
    for i, (s1, e1, o1, n1) in enumerate(views):
        for s2, e2, o2, n2 in views[:i]:
            if s1 <= e2 and s2 <= e1 and o1 < o2 + n2 and o2 < o1 + n1:
                return True
    return False


@settings(max_examples=15, deadline=None)
@given(random_graphs(7))
def test_workspace_never_exceeds_the_naive_plan(module: ModuleOp) -> None:
    lowered, counts = lower(module)
    hosts = [
        op for op in lowered.ops if isinstance(op, loop.FuncOp) and op.sym_name.data in ("g", "ext")
    ]
    assert len(hosts) == 2
    total_arena = total_naive = 0
    for host in hosts:
        arena, views = workspace(host)
        naive = sum(round_up(size) for *_, size in views)
        assert not shares_live_bytes(views)
        assert arena <= naive
        assert all(offset + size <= arena for _, _, offset, size in views)
        total_arena, total_naive = total_arena + arena, total_naive + naive
    assert counts == {
        "peak bytes before planning": total_naive,
        "peak bytes after planning": total_arena,
    }


def chain_text(length: int, n: int = 13) -> str:
    """`length` softmaxes in a row: each its own kernel (an out-fusable op takes no
    out-fusable producer), so `length - 1` intermediates of n x n floats."""
    t = f"tensor<{n}x{n}xf32>"
    lines = [f"graph.func @chain(%v0: {t}) -> {t} {{"]
    lines += [f"  %v{i + 1} = graph.softmax %v{i} : {t}" for i in range(length)]
    lines += [f"  graph.return %v{length} : {t}", "}"]
    return "\n".join(lines) + "\n"


CHAINS = [(2, 1), (3, 2), (4, 2), (7, 2)]  # (softmaxes, buffers the plan needs)


def test_chains_reuse_dead_buffers() -> None:
    """Two buffers suffice for a chain of any length: a value dies once read."""
    one = round_up(13 * 13 * 4)
    for length, buffers in CHAINS:
        _, counts = lower(parse_module(chain_text(length)))
        assert counts["peak bytes before planning"] == (length - 1) * one
        assert counts["peak bytes after planning"] == buffers * one
        if length > 3:
            assert counts["peak bytes after planning"] < counts["peak bytes before planning"]


def test_reused_buffers_compute_the_same_values() -> None:
    module = parse_module(chain_text(7))
    x = np.random.default_rng(0).standard_normal((13, 13)).astype(np.float32)
    want = dlir.interpret(module, "chain", x)
    got = dlir.compile(module, f"{LOWER},loop-to-llvm")["chain"](x)
    np.testing.assert_allclose(np.asarray(got), np.asarray(want), rtol=1e-5, atol=1e-6)


@settings(max_examples=4, deadline=None)
@given(random_graphs(7, max_ops=8), st.integers(0, 2**16))
def test_random_graphs_run_natively_on_the_planned_workspace(module: ModuleOp, seed: int) -> None:
    rng = np.random.default_rng(seed)
    inputs = [rng.uniform(-1, 1, (7, 7)).astype(np.float32) for _ in range(2)]
    want = results(dlir.interpret(module, "g", *inputs))
    got = results(dlir.compile(module, f"{LOWER},loop-to-llvm")["g"](*inputs))
    for g, w in zip(got, want, strict=True):
        scale = max(1.0, float(np.max(np.abs(w))))
        np.testing.assert_allclose(g, w, rtol=0, atol=1e-5 * scale)


def results(value: object) -> list[Any]:
    items = list(cast(tuple[Any, ...], value)) if isinstance(value, tuple) else [value]
    return [np.asarray(v, dtype=np.float64) for v in items]


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 20), st.integers(0, 6)), max_size=30),
    st.sampled_from([64, 256, 4096]),
)
def test_buffers_of_one_size_pack_optimally(lifetimes: list[tuple[int, int]], size: int) -> None:
    """With one size, the arena is exactly the most bytes live at one step."""
    buffers = [Buffer(size, start, start + length) for start, length in lifetimes]
    plan = plan_buffers(buffers, alignment=64)
    assert plan.arena_bytes == plan.live_peak_bytes <= plan.unplanned_bytes
