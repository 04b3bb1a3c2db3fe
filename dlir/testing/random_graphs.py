"""Random `graph.func @g` programs for property tests: chains, diamonds, shared values.

    @given(random_graphs())
    def test_pass_keeps_values(module: ModuleOp) -> None: ...

`@g` takes two n x n tensors and returns the last value plus up to two earlier ones.
Its ops cover every fusion category: elementwise (relu, tanh, add, mul), injective
(transpose), reduction (a row sum broadcast back with an add), out-fusable (matmul,
softmax) and opaque (a `graph.call_dps` of `@ext`, a graph function computing `x * x`).
Operands are drawn mostly from the last few values, so diamonds are common.
"""

from __future__ import annotations

from hypothesis import strategies as st
from xdsl.dialects.builtin import ModuleOp, TensorType, f32
from xdsl.ir import Operation, SSAValue

from dlir.dialects import graph


def _unary(name: str, value: SSAValue) -> Operation:
    match name:
        case "relu":
            return graph.ReluOp(value)
        case "tanh":
            return graph.TanhOp(value)
        case "transpose":
            return graph.TransposeOp(value, [1, 0])
        case "softmax":
            return graph.SoftmaxOp(value)
        case _:
            return graph.CallDpsOp("ext", [value], [value.type])


def _binary(name: str, lhs: SSAValue, rhs: SSAValue) -> list[Operation]:
    match name:
        case "add":
            return [graph.AddOp(lhs, rhs)]
        case "mul":
            return [graph.MulOp(lhs, rhs)]
        case "matmul":
            return [graph.MatmulOp(lhs, rhs)]
        case _:  # a row sum broadcast back: a reduction read by a broadcast
            row_sum = graph.ReduceSumOp(rhs, [1], True)
            return [row_sum, graph.AddOp(lhs, row_sum)]


UNARY = ("relu", "tanh", "transpose", "softmax", "call")
BINARY = ("add", "mul", "matmul", "add_row_sum")


def ext(n: int) -> graph.FuncOp:
    """The opaque callee `@ext(x) = x * x`."""
    square = TensorType(f32, [n, n])
    func = graph.FuncOp("ext", ([square], [square]))
    block = func.body.block
    mul = graph.MulOp(block.args[0], block.args[0])
    block.add_ops([mul, graph.ReturnOp(mul.result)])
    return func


@st.composite
def random_graphs(draw: st.DrawFn, n: int = 5, max_ops: int = 12) -> ModuleOp:
    """A module with `@g(x, y)` over n x n f32 tensors and its callee `@ext`."""
    square = TensorType(f32, [n, n])
    func = graph.FuncOp("g", ([square, square], []))
    block = func.body.block
    values: list[SSAValue] = list(block.args)
    for _ in range(draw(st.integers(2, max_ops))):
        pick = st.integers(max(0, len(values) - 4), len(values) - 1)
        if draw(st.booleans()):
            ops = [_unary(draw(st.sampled_from(UNARY)), values[draw(pick)])]
        else:
            name = draw(st.sampled_from(BINARY))
            ops = _binary(name, values[draw(pick)], values[draw(pick)])
        block.add_ops(ops)
        values.append(ops[-1].results[0])
    outputs = [values[-1]]
    extra = draw(st.lists(st.integers(2, len(values) - 1), max_size=2, unique=True))
    outputs += [values[i] for i in extra if values[i] is not values[-1]]
    block.add_op(graph.ReturnOp(*outputs))
    func.function_type = graph.FuncOp(
        "g", ([square, square], [square] * len(outputs))
    ).function_type
    module = ModuleOp([func, ext(n)])
    module.verify()
    return module
