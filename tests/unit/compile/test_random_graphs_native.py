"""Random small graphs compiled to native code agree with the interpreter.

Each example is a chain of 1-6 ops over 2-D float tensors: elementwise unary and
broadcasting binary ops, matmul with a fresh weight argument, transpose, softmax, a
keepdims reduction and reshape, so shapes change along the way and intermediates of
several sizes are planned and reused.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from graph_cases import Array
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_graph_ops_native import assert_close
from xdsl.dialects.builtin import ModuleOp, TensorType, f32
from xdsl.ir import Operation, SSAValue

import dlir
from dlir.dialects import graph
from dlir.dialects.graph.common import tensor_type

UNARY: dict[str, Callable[[SSAValue], Operation]] = {
    "relu": graph.ReluOp,
    "tanh": graph.TanhOp,
    "sigmoid": graph.SigmoidOp,
    "exp": lambda v: graph.ExpOp(graph.ClipOp(v, -10.0, 10.0)),
    "softmax": graph.SoftmaxOp,
    "transpose": lambda v: graph.TransposeOp(v, [1, 0]),
    "row_sum": lambda v: graph.ReduceSumOp(v, [1], True),
    "gelu": graph.GeluOp,
}
BINARY: dict[str, Callable[[SSAValue, SSAValue], Operation]] = {
    "add": graph.AddOp,
    "sub": graph.SubOp,
    "mul": graph.MulOp,
    "maximum": graph.MaximumOp,
}
sizes = st.sampled_from([1, 2, 3, 5, 8, 13])


def _shape(value: SSAValue) -> tuple[int, ...]:
    return tuple(tensor_type(value).get_shape())


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_random_graph_compiled_matches_interpreter(data: st.DataObject) -> None:
    rows, cols = data.draw(sizes, "rows"), data.draw(sizes, "cols")
    func = graph.FuncOp("g", ([TensorType(f32, [rows, cols])], []))
    block = func.body.block
    values: list[SSAValue] = [block.args[0]]

    def new_argument(shape: tuple[int, ...]) -> SSAValue:
        return block.insert_arg(TensorType(f32, shape), len(block.args))

    def add(op: Operation) -> SSAValue:
        # Builders may nest (exp of clip): add operands' defining ops first.
        for operand in op.operands:
            owner = operand.owner
            if isinstance(owner, Operation) and owner.parent is None:
                add(owner)
        block.add_op(op)
        return op.results[0]

    for step in range(data.draw(st.integers(1, 6), "steps")):
        current = values[-1]
        kind = data.draw(st.sampled_from(["unary", "binary", "matmul"]), f"kind {step}")
        if kind == "unary":
            name = data.draw(st.sampled_from(sorted(UNARY)), f"unary {step}")
            values.append(add(UNARY[name](current)))
        elif kind == "binary":
            name = data.draw(st.sampled_from(sorted(BINARY)), f"binary {step}")
            m, n = _shape(current)
            other_shape = data.draw(st.sampled_from([(m, n), (n,), (m, 1), (1, n), ()]), f"rhs {step}")
            same = [v for v in values if _shape(v) == other_shape]
            other = same[0] if same and data.draw(st.booleans()) else new_argument(other_shape)
            values.append(add(BINARY[name](current, other)))
        else:
            k = _shape(current)[1]
            weight = new_argument((k, data.draw(sizes, f"width {step}")))
            values.append(add(graph.MatmulOp(current, weight)))
    result = values[-1]
    block.add_op(graph.ReturnOp(result))
    func.function_type = graph.FuncOp(
        "g", ([a.type for a in block.args], [result.type])
    ).function_type
    module = ModuleOp([func])
    module.verify()

    rng = np.random.default_rng(0)
    inputs: list[Array] = [
        rng.uniform(-1, 1, _shape(arg)).astype(np.float32) for arg in block.args
    ]
    want = dlir.interpret(module, "g", *inputs)
    got = dlir.compile(module.clone())["g"](*inputs)
    assert isinstance(got, np.ndarray) and isinstance(want, np.ndarray)
    assert_close(got, want, "random graph")
