"""Random small elementwise/broadcast graphs, built with the graph builders, against numpy."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays, mutually_broadcastable_shapes
from numpy.typing import NDArray
from xdsl.dialects.builtin import ModuleOp, TensorType, f32
from xdsl.ir import Operation, SSAValue

import dlir
from dlir.dialects import graph

Array = NDArray[Any]

UNARY: dict[str, tuple[Callable[[SSAValue], Operation], Callable[[Array], Array]]] = {
    "relu": (graph.ReluOp, lambda x: np.maximum(x, 0)),
    "tanh": (graph.TanhOp, np.tanh),
    "sigmoid": (graph.SigmoidOp, lambda x: 1 / (1 + np.exp(-x))),
    "clip": (lambda v: graph.ClipOp(v, -1.0, 1.5), lambda x: np.clip(x, -1.0, 1.5)),
}
BINARY: dict[
    str, tuple[Callable[[SSAValue, SSAValue], Operation], Callable[[Array, Array], Array]]
] = {
    "add": (graph.AddOp, np.add),
    "sub": (graph.SubOp, np.subtract),
    "mul": (graph.MulOp, np.multiply),
    "maximum": (graph.MaximumOp, np.maximum),
    "minimum": (graph.MinimumOp, np.minimum),
}


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_random_elementwise_graph(data: st.DataObject) -> None:
    n_inputs = data.draw(st.integers(1, 3), "inputs")
    shapes = data.draw(mutually_broadcastable_shapes(num_shapes=n_inputs, max_dims=3, max_side=4))
    elements = st.floats(-2, 2, width=32)
    inputs = [data.draw(arrays(np.float32, s, elements=elements)) for s in shapes.input_shapes]

    func = graph.FuncOp("f", ([TensorType(f32, a.shape) for a in inputs], []))
    block = func.body.block
    values: list[SSAValue] = list(block.args)
    expected: list[Array] = [a.astype(np.float64) for a in inputs]
    for step in range(data.draw(st.integers(1, 6), "steps")):
        if data.draw(st.booleans(), f"binary {step}"):
            name = data.draw(st.sampled_from(sorted(BINARY)))
            i, j = (data.draw(st.integers(0, len(values) - 1)) for _ in range(2))
            make2, formula2 = BINARY[name]
            op = make2(values[i], values[j])
            expected.append(formula2(expected[i], expected[j]))
        else:
            name = data.draw(st.sampled_from(sorted(UNARY)))
            i = data.draw(st.integers(0, len(values) - 1))
            make1, formula1 = UNARY[name]
            op = make1(values[i])
            expected.append(formula1(expected[i]))
        block.add_op(op)
        values.append(op.results[0])
    block.add_op(graph.ReturnOp(values[-1]))
    func.function_type = graph.FuncOp(
        "f", ([a.type for a in block.args], [values[-1].type])
    ).function_type
    module = ModuleOp([func])
    module.verify()

    out = dlir.interpret(module, "f", *inputs)
    assert isinstance(out, np.ndarray) and out.dtype == np.float32
    assert out.shape == expected[-1].shape
    np.testing.assert_allclose(out, expected[-1], rtol=1e-4, atol=1e-4)
