"""canonicalize + cse + dce on random small graphs: same values, no more ops, a fixpoint.

The graphs mix the ops the identities touch (add/sub/mul/div with splat 0/1 constants,
transposes, reshapes, no-op casts and broadcasts, relu chains) with duplicated ops for
CSE and unused ops for DCE. Their values come from a small numpy evaluator written here,
independent of the passes and of `dlir.interpreter` (which is checked against it), so a
wrong rewrite shows up as a different output, not only as a changed structure.
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import permutations
from math import prod
from typing import Any

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.typing import NDArray
from xdsl.context import Context
from xdsl.dialects.builtin import FunctionType, ModuleOp, f32
from xdsl.ir import Operation, SSAValue

from dlir.dialects.graph import (
    AddOp,
    BroadcastToOp,
    CastOp,
    ConstantOp,
    DivOp,
    FuncOp,
    MulOp,
    ReluOp,
    ReshapeOp,
    ReturnOp,
    SubOp,
    TanhOp,
    TransposeOp,
    constant,
    constant_value,
    tensor,
)
from dlir.dialects.graph.common import broadcast_shapes, tensor_type
from dlir.interpreter import interpret
from dlir.ir.verify import verify
from dlir.parser import print_module
from dlir.passes.graph.canonicalize import GraphCanonicalizePass
from dlir.passes.graph.common import is_graph_value_op
from dlir.passes.graph.cse import GraphCSEPass, value_key
from dlir.passes.graph.dce import GraphDCEPass

Array = NDArray[Any]

ARG_SHAPES = ((2, 3), (3,), (3, 2))


def transpose_perm(op: Operation) -> tuple[int, ...]:
    assert isinstance(op, TransposeOp)
    return op.perm.get_values()


EVAL: dict[type[Operation], Callable[[Operation, list[Array]], Array]] = {
    AddOp: lambda _, a: a[0] + a[1],
    SubOp: lambda _, a: a[0] - a[1],
    MulOp: lambda _, a: a[0] * a[1],
    DivOp: lambda _, a: a[0] / a[1],
    ReluOp: lambda _, a: np.maximum(a[0], np.float32(0)),
    TanhOp: lambda _, a: np.tanh(a[0]),
    CastOp: lambda _, a: a[0],
    ReshapeOp: lambda op, a: a[0].reshape(tensor_type(op.results[0]).get_shape()),
    BroadcastToOp: lambda op, a: np.broadcast_to(a[0], tensor_type(op.results[0]).get_shape()),
    TransposeOp: lambda op, a: np.transpose(a[0], transpose_perm(op)),
}


def evaluate(func: FuncOp, args: list[Array]) -> list[Array]:
    """Run a graph function of the ops above on numpy arrays."""
    env: dict[SSAValue, Array] = dict(zip(func.body.block.args, args, strict=True))
    with np.errstate(all="ignore"):  # x / 0 is inf or nan on both sides alike
        return _run(func, env)


def _run(func: FuncOp, env: dict[SSAValue, Array]) -> list[Array]:
    for op in func.body.block.ops:
        if isinstance(op, ReturnOp):
            return [env[v] for v in op.operands]
        if isinstance(op, ConstantOp):
            env[op.result] = constant_value(op)
            continue
        env[op.results[0]] = EVAL[type(op)](op, [env[v] for v in op.operands])
    raise AssertionError("graph function without graph.return")


Step = tuple[str, int, int, int]
"""One op of a recipe: (kind, operand index, second operand index, choice)."""

KINDS = ("binary", "splat", "relu", "tanh", "transpose", "reshape", "cast", "broadcast", "dup")

steps = st.lists(
    st.tuples(
        st.sampled_from(KINDS),
        st.integers(0, 63),
        st.integers(0, 63),
        st.integers(0, 63),
    ),
    min_size=1,
    max_size=12,
)


def build(recipe: list[Step], returns: list[int]) -> ModuleOp:
    """A graph function over ARG_SHAPES built from `recipe`, returning its last value and `returns`.

    Recipes, not modules, are what hypothesis draws: they shrink well and print small.
    """
    func = FuncOp("f", ([tensor(*s) for s in ARG_SHAPES], []))
    block = func.body.block
    pool: list[SSAValue] = list(block.args)

    def add(op: Operation) -> None:
        block.add_op(op)
        pool.append(op.results[0])

    def pick(k: int) -> SSAValue:
        # Mostly one of the last few values, so ops chain and meet the constants.
        return pool[-1 - k % min(len(pool), 3)] if k < 48 else pool[k % len(pool)]

    for kind, i, j, choice in recipe:
        x, y = pick(i), pick(j)
        shape = tensor_type(x).get_shape()
        if kind == "binary":
            if broadcast_shapes(shape, tensor_type(y).get_shape()) is None:
                continue
            cls = (AddOp, SubOp, MulOp, DivOp)[choice % 4]
            add(cls(x, y) if choice % 8 < 4 else cls(y, x))
        elif kind == "splat":
            value = (0.0, 1.0, 2.0)[choice % 3]
            splat_shape = (shape, (), shape[-1:])[choice // 3 % 3]
            add(constant(np.full(splat_shape, value, np.float32)))
        elif kind == "relu":
            add(ReluOp(x))
        elif kind == "tanh":
            add(TanhOp(x))
        elif kind == "transpose":
            perms = list(permutations(range(len(shape))))
            add(TransposeOp(x, perms[choice % len(perms)]))
        elif kind == "reshape":
            add(ReshapeOp(x, (shape, shape[::-1], (prod(shape),))[choice % 3]))
        elif kind == "cast":
            add(CastOp(x, f32))
        elif kind == "broadcast":
            add(BroadcastToOp(x, shape))
        else:
            ops = [o for o in block.ops if is_graph_value_op(o)]
            if ops:
                add(ops[choice % len(ops)].clone())
    results = [pool[-1]] + [pool[r % len(pool)] for r in returns]
    block.add_op(ReturnOp(*results))
    func.function_type = FunctionType.from_lists(
        func.function_type.inputs.data, [r.type for r in results]
    )
    return ModuleOp([func])


def cleanup(module: ModuleOp) -> None:
    ctx = Context()
    for p in (GraphCanonicalizePass(), GraphCSEPass(), GraphDCEPass()):
        p.apply(ctx, module)


def only_func(module: ModuleOp) -> FuncOp:
    func = module.body.block.first_op
    assert isinstance(func, FuncOp)
    return func


@settings(max_examples=80, deadline=None)
@given(steps, st.lists(st.integers(0, 63), max_size=1), st.integers(0, 2**32 - 1))
def test_cleanup_keeps_values_and_shrinks(
    recipe: list[Step], returns: list[int], seed: int
) -> None:
    module = build(recipe, returns)
    verify(module)
    rng = np.random.default_rng(seed)
    args = [rng.standard_normal(s).astype(np.float32) for s in ARG_SHAPES]
    before = evaluate(only_func(module), args)
    count_before = len(list(only_func(module).body.block.ops))

    cleanup(module)
    verify(module)
    func = only_func(module)
    after = evaluate(func, args)

    assert len(before) == len(after)
    for b, a in zip(before, after, strict=True):
        assert a.shape == b.shape and a.dtype == b.dtype
        np.testing.assert_array_equal(a, b)
    # The reference interpreter agrees with this file's evaluator on the cleaned graph.
    interpreted = interpret(module, "f", *args)
    for i, a in zip(
        interpreted if isinstance(interpreted, tuple) else (interpreted,), after, strict=True
    ):
        np.testing.assert_array_equal(i, a)
    ops = [o for o in func.body.block.ops if is_graph_value_op(o)]
    assert len(ops) + 1 <= count_before
    assert all(any(r.uses for r in o.results) for o in ops), "a dead op survived graph-dce"
    keys = [value_key(o) for o in ops]
    assert len(set(keys)) == len(keys), "two equal ops survived graph-cse"
    text = print_module(module)
    cleanup(module)
    assert print_module(module) == text, "canonicalize+cse+dce is not a fixpoint"
