"""Graph programs compiled to native code by `dlir.compile`, against the interpreter.

Every graph op over its cases (odd sizes, broadcasting, rank 0, integer types, attribute
variants; one module per op, so one compilation each), and random small graphs. A case is
a graph op applied to function arguments of given shapes and dtypes:

    Case("add_row", graph.AddOp, [F32((4, 3)), F32((3,))])
    ->  graph.func @add_row(%0: tensor<4x3xf32>, %1: tensor<3xf32>) -> tensor<4x3xf32> {
          %2 = graph.add %0, %1 : ...
          graph.return %2 : tensor<4x3xf32>
        }

Inputs are drawn by each argument's `Arg.draw` (some ops need positive or nonzero inputs).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from numpy.typing import NDArray
from xdsl.dialects.builtin import (
    Float64Type,
    ModuleOp,
    TensorType,
    f32,
    f64,
    i1,
    i32,
    i64,
)
from xdsl.ir import Attribute, Operation, SSAValue

import dlir
from dlir.dialects import graph
from dlir.dialects.graph.common import tensor_type

Array = NDArray[Any]


@dataclass(frozen=True)
class Arg:
    """A function argument: shape, element type and the range its random values come from."""

    shape: tuple[int, ...]
    element: Attribute = f32
    low: float = -2.0
    high: float = 2.0
    nonzero: bool = False
    whole: bool = False  # floats drawn as whole numbers, so that comparisons find ties

    def draw(self, rng: np.random.Generator) -> Array:
        dtype = INTEGER_DTYPES.get(self.element)
        if dtype is not None:
            values = rng.integers(int(self.low), int(self.high) + 1, self.shape).astype(dtype)
            if self.nonzero:
                values[values == 0] = 1
            return values
        dtype = np.float64 if isinstance(self.element, Float64Type) else np.float32
        values = rng.uniform(self.low, self.high, self.shape)
        if self.whole:
            values = np.asarray(np.round(values))
        if self.nonzero:
            values = np.where(np.abs(values) < 0.25, 0.25, values)
        return values.astype(dtype)


INTEGER_DTYPES: dict[Attribute, type[np.generic]] = {
    i1: np.bool_,
    i32: np.int32,
    i64: np.int64,
}


def F32(shape: tuple[int, ...], low: float = -2.0, high: float = 2.0, nonzero: bool = False) -> Arg:
    return Arg(shape, f32, low, high, nonzero)


def F64(shape: tuple[int, ...]) -> Arg:
    return Arg(shape, f64)


def I32(shape: tuple[int, ...], low: int = -9, high: int = 9, nonzero: bool = False) -> Arg:
    return Arg(shape, i32, low, high, nonzero)


def I64(shape: tuple[int, ...], low: int = -9, high: int = 9) -> Arg:
    return Arg(shape, i64, low, high)


def BOOL(shape: tuple[int, ...]) -> Arg:
    return Arg(shape, i1, 0, 1)


def WHOLE(shape: tuple[int, ...]) -> Arg:
    """f32 whole numbers in [-3, 3]: equal and unequal elements both occur."""
    return Arg(shape, f32, -3.0, 3.0, whole=True)


V = SSAValue
Build = (
    Callable[[V], Operation]
    | Callable[[V, V], Operation]
    | Callable[[V, V, V], Operation]
    | Callable[[V, V, V, V, V], Operation]
)
"""Makes the case's op from the function's arguments (one to five of them)."""


@dataclass(frozen=True)
class Case:
    name: str
    build: Build
    args: Sequence[Arg]

    def func(self) -> graph.FuncOp:
        types = [TensorType(a.element, a.shape) for a in self.args]
        probe = graph.FuncOp(self.name, (types, []))
        block = probe.body.block
        op = self.build(*block.args)
        block.add_op(op)
        block.add_op(graph.ReturnOp(*op.results))
        return graph.FuncOp(
            self.name, (types, [r.type for r in op.results]), probe.detach_region(probe.body)
        )

    def inputs(self, seed: int = 0) -> list[Array]:
        rng = np.random.default_rng(seed)
        return [a.draw(rng) for a in self.args]


def module_of(cases: Sequence[Case]) -> ModuleOp:
    """One module holding every case's function."""
    return ModuleOp([c.func() for c in cases])


def _binary(
    make: Callable[[SSAValue, SSAValue], Operation], name: str, nonzero: bool = False
) -> list[Case]:
    return [
        Case(f"{name}_same", make, [F32((7, 13)), F32((7, 13), nonzero=nonzero)]),
        Case(f"{name}_row", make, [F32((4, 3)), F32((3,), nonzero=nonzero)]),
        Case(f"{name}_outer", make, [F32((1, 5)), F32((6, 1), nonzero=nonzero)]),
        Case(f"{name}_scalar", make, [F32((2, 3, 5)), F32((), nonzero=nonzero)]),
        Case(f"{name}_rank0", make, [F32(()), F32((), nonzero=nonzero)]),
        Case(f"{name}_i32", make, [I32((3, 33)), I32((33,), nonzero=nonzero)]),
    ]


def _compare(make: Callable[[SSAValue, SSAValue], Operation], name: str) -> list[Case]:
    return [
        Case(f"{name}_same", make, [WHOLE((7, 13)), WHOLE((7, 13))]),
        Case(f"{name}_row", make, [WHOLE((4, 3)), WHOLE((3,))]),
        Case(f"{name}_outer", make, [WHOLE((1, 5)), WHOLE((6, 1))]),
        Case(f"{name}_rank0", make, [WHOLE(()), WHOLE(())]),
        Case(f"{name}_i32", make, [I32((3, 33), -3, 3), I32((33,), -3, 3)]),
        Case(f"{name}_i64_scalar", make, [I64((2, 3, 5), -3, 3), I64((), -3, 3)]),
        Case(f"{name}_i1", make, [BOOL((7, 13)), BOOL((13,))]),
    ]


def _unary(
    make: Callable[[SSAValue], Operation], name: str, low: float = -3.0, high: float = 3.0
) -> list[Case]:
    return [
        Case(f"{name}_2d", make, [F32((7, 13), low, high)]),
        Case(f"{name}_1d", make, [F32((1001,), low, high)]),
        Case(f"{name}_4d", make, [F32((1, 3, 1, 5), low, high)]),
        Case(f"{name}_rank0", make, [F32((), low, high)]),
    ]


CASES: dict[str, list[Case]] = {
    "add": _binary(graph.AddOp, "add"),
    "sub": _binary(graph.SubOp, "sub"),
    "mul": _binary(graph.MulOp, "mul"),
    "div": _binary(graph.DivOp, "div", nonzero=True),
    "maximum": _binary(graph.MaximumOp, "maximum"),
    "minimum": _binary(graph.MinimumOp, "minimum"),
    "equal": _compare(graph.EqualOp, "equal"),
    "less": _compare(graph.LessOp, "less"),
    "greater": _compare(graph.GreaterOp, "greater"),
    "where": [
        Case("where_same", graph.WhereOp, [BOOL((7, 13)), F32((7, 13)), F32((7, 13))]),
        Case("where_broadcast", graph.WhereOp, [BOOL((4, 1)), F32((1, 5)), F32((5,))]),
        Case("where_rank0_condition", graph.WhereOp, [BOOL(()), F32((3, 33)), F32((33,))]),
        Case("where_i32", graph.WhereOp, [BOOL((6, 1, 5)), I32((1, 7, 1)), I32((5,))]),
        Case("where_i1", graph.WhereOp, [BOOL((13,)), BOOL((7, 13)), BOOL((7, 1))]),
    ],
    "pow": [
        Case("pow_positive", graph.PowOp, [F32((7, 13), 0.1, 3.0), F32((13,), -2.0, 2.0)]),
        Case("pow_integer_exponent", graph.PowOp, [F32((5, 4), -3.0, 3.0), Arg((), f32, 3.0, 3.0)]),
    ],
    "relu": _unary(graph.ReluOp, "relu"),
    "sigmoid": _unary(graph.SigmoidOp, "sigmoid", -12.0, 12.0),
    "tanh": _unary(graph.TanhOp, "tanh", -6.0, 6.0),
    "exp": _unary(graph.ExpOp, "exp", -20.0, 20.0),
    "log": _unary(graph.LogOp, "log", 1e-3, 1e3),
    "sqrt": _unary(graph.SqrtOp, "sqrt", 0.0, 100.0),
    "erf": _unary(graph.ErfOp, "erf", -4.0, 4.0),
    "gelu": [
        *_unary(graph.GeluOp, "gelu", -5.0, 5.0),
        Case("gelu_tanh", lambda x: graph.GeluOp(x, "tanh"), [F32((7, 13), -5.0, 5.0)]),
    ],
    "clip": [
        Case("clip", lambda x: graph.ClipOp(x, -1.0, 1.5), [F32((7, 13))]),
        Case("clip_i32", lambda x: graph.ClipOp(x, -3.0, 4.0), [I32((33,))]),
    ],
    "cast": [
        Case("cast_f32_i32", lambda x: graph.CastOp(x, i32), [F32((7, 13), -100.0, 100.0)]),
        Case("cast_i32_f32", lambda x: graph.CastOp(x, f32), [I32((33,), -1000, 1000)]),
        Case("cast_f32_f64", lambda x: graph.CastOp(x, f64), [F32((3, 5))]),
        Case("cast_f64_f32", lambda x: graph.CastOp(x, f32), [F64((3, 5))]),
    ],
    "matmul": [
        Case("matmul_odd", graph.MatmulOp, [F32((7, 5)), F32((5, 3))]),
        Case("matmul_vector_like", graph.MatmulOp, [F32((1, 33)), F32((33, 1))]),
        Case("matmul_square", graph.MatmulOp, [F32((32, 32)), F32((32, 32))]),
        Case("matmul_i32", graph.MatmulOp, [I32((4, 6)), I32((6, 5))]),
    ],
    "batch_matmul": [
        Case("batch_matmul", graph.BatchMatmulOp, [F32((2, 4, 16)), F32((2, 16, 8))]),
        Case("batch_matmul_broadcast", graph.BatchMatmulOp, [F32((3, 1, 4, 7)), F32((2, 7, 5))]),
    ],
    "conv2d": [
        Case("conv2d_valid", graph.Conv2dOp, [F32((1, 3, 9, 9)), F32((4, 3, 3, 3))]),
        Case(
            "conv2d_pad_bias",
            lambda x, w, b: graph.Conv2dOp(x, w, b, pads=1),
            [F32((2, 3, 7, 7)), F32((5, 3, 3, 3)), F32((5,))],
        ),
        Case(
            "conv2d_stride_asym_pad",
            lambda x, w: graph.Conv2dOp(x, w, strides=2, pads=[0, 1, 2, 1]),
            [F32((1, 2, 9, 8)), F32((3, 2, 3, 2))],
        ),
        Case(
            "conv2d_dilation",
            lambda x, w: graph.Conv2dOp(x, w, dilations=2),
            [F32((1, 2, 11, 11)), F32((2, 2, 3, 3))],
        ),
        Case(
            "conv2d_groups",
            lambda x, w: graph.Conv2dOp(x, w, groups=2, pads=1),
            [F32((3, 4, 7, 7)), F32((6, 2, 3, 3))],
        ),
    ],
    "conv2d_nchwc": [
        Case(
            "conv2d_nchwc_pad_bias",
            lambda x, w, b: graph.Conv2dNchwcOp(x, w, b, pads=(1, 1, 1, 1)),
            [F32((1, 2, 7, 7, 8)), F32((3, 2, 3, 3, 8, 8)), F32((3, 8))],
        ),
        Case(
            "conv2d_nchwc_stride_asym_pad",
            lambda x, w: graph.Conv2dNchwcOp(x, w, strides=(2, 2), pads=(0, 1, 2, 1)),
            [F32((2, 1, 9, 8, 16)), F32((2, 1, 3, 2, 16, 8))],
        ),
    ],
    "layout_transform": [
        Case(
            "layout_transform_block",
            lambda x: graph.LayoutTransformOp(x, "NCHW", "NCHW8c"),
            [F32((2, 16, 3, 5))],
        ),
        Case(
            "layout_transform_unblock",
            lambda x: graph.LayoutTransformOp(x, "NCHW16c", "NCHW"),
            [F32((1, 2, 7, 3, 16))],
        ),
    ],
    "max_pool2d": [
        Case("max_pool2d", lambda x: graph.MaxPool2dOp(x, 2, strides=2), [F32((2, 3, 8, 8))]),
        Case(
            "max_pool2d_pad_odd",
            lambda x: graph.MaxPool2dOp(x, 3, strides=2, pads=1),
            [F32((1, 2, 7, 7))],
        ),
        Case(
            "max_pool2d_ceil",
            lambda x: graph.MaxPool2dOp(x, 2, strides=2, ceil_mode=True),
            [F32((1, 3, 7, 7))],
        ),
    ],
    "avg_pool2d": [
        Case("avg_pool2d", lambda x: graph.AvgPool2dOp(x, 2, strides=2), [F32((2, 3, 8, 8))]),
        Case(
            "avg_pool2d_pad_excluded",
            lambda x: graph.AvgPool2dOp(x, 3, pads=1),
            [F32((1, 2, 7, 7))],
        ),
        Case(
            "avg_pool2d_pad_included",
            lambda x: graph.AvgPool2dOp(x, 3, strides=2, pads=1, count_include_pad=True),
            [F32((1, 2, 7, 7))],
        ),
    ],
    "global_avg_pool2d": [
        Case("global_avg_pool2d", graph.GlobalAvgPool2dOp, [F32((2, 3, 7, 5))]),
    ],
    "softmax": [
        Case("softmax_rows", graph.SoftmaxOp, [F32((7, 13), -30.0, 30.0)]),
        Case("softmax_axis1", lambda x: graph.SoftmaxOp(x, 1), [F32((2, 5, 3))]),
        Case("softmax_1d", graph.SoftmaxOp, [F32((1001,))]),
    ],
    "layer_norm": [
        Case("layer_norm", graph.LayerNormOp, [F32((4, 33)), F32((33,)), F32((33,))]),
        Case(
            "layer_norm_axis",
            lambda x, g, b: graph.LayerNormOp(x, g, b, axis=1),
            [F32((2, 3, 5)), F32((3, 5)), F32((3, 5))],
        ),
    ],
    "batch_norm": [
        Case(
            "batch_norm",
            graph.BatchNormOp,
            [F32((2, 3, 5, 5)), F32((3,)), F32((3,)), F32((3,)), F32((3,), 0.1, 2.0)],
        ),
    ],
    "lrn": [
        Case("lrn", lambda x: graph.LrnOp(x, 5), [F32((1, 6, 5, 5))]),
        Case("lrn_rank3", lambda x: graph.LrnOp(x, 3, beta=0.3), [F32((2, 7, 3))]),
        Case(
            "lrn_even_size",
            lambda x: graph.LrnOp(x, 4, alpha=0.01, beta=0.5, bias=2.0),
            [F32((1, 13, 2, 2))],
        ),
        Case("lrn_size1_rank2", lambda x: graph.LrnOp(x, 1, alpha=0.5, beta=0.25), [F32((3, 7))]),
        Case("lrn_beta1", lambda x: graph.LrnOp(x, 2, beta=1.0), [F32((1, 5, 33))]),
        Case("lrn_window_wider_than_channels", lambda x: graph.LrnOp(x, 9), [F32((1, 3, 4, 4))]),
    ],
    "reduce_sum": [
        Case("reduce_sum", lambda x: graph.ReduceSumOp(x, [1]), [F32((4, 9, 2))]),
        Case(
            "reduce_sum_all_keep", lambda x: graph.ReduceSumOp(x, [0, 1, 2], True), [F32((4, 9, 2))]
        ),
        Case("reduce_sum_i32", lambda x: graph.ReduceSumOp(x, [-1]), [I32((5, 7))]),
    ],
    "reduce_mean": [
        Case("reduce_mean", lambda x: graph.ReduceMeanOp(x, [0, -1], True), [F32((4, 8, 3))]),
    ],
    "reduce_max": [
        Case("reduce_max", lambda x: graph.ReduceMaxOp(x, [-1]), [F32((4, 8, 3))]),
        Case("reduce_max_i32", lambda x: graph.ReduceMaxOp(x, [0]), [I32((6, 5))]),
    ],
    "reshape": [
        Case("reshape_merge", lambda x: graph.ReshapeOp(x, [6, 4]), [F32((2, 3, 4))]),
        Case("reshape_general", lambda x: graph.ReshapeOp(x, [4, 3, 5]), [F32((6, 10))]),
    ],
    "transpose": [
        Case("transpose_2d", lambda x: graph.TransposeOp(x, [1, 0]), [F32((7, 13))]),
        Case("transpose_3d", lambda x: graph.TransposeOp(x, [2, 0, 1]), [F32((2, 3, 5))]),
    ],
    "concat": [
        Case("concat", lambda a, b: graph.ConcatOp([a, b], 1), [F32((4, 6)), F32((4, 3))]),
        Case(
            "concat_three",
            lambda a, b, c: graph.ConcatOp([a, b, c], 0),
            [F32((1, 5)), F32((3, 5)), F32((2, 5))],
        ),
    ],
    "flatten": [
        Case("flatten", graph.FlattenOp, [F32((2, 3, 4))]),
        Case("flatten_axis2", lambda x: graph.FlattenOp(x, 2), [F32((2, 3, 4, 5))]),
    ],
    "pad": [
        Case("pad", lambda x: graph.PadOp(x, [1, 0], [2, 3]), [F32((4, 5))]),
        Case(
            "pad_value",
            lambda x: graph.PadOp(x, [0, 2, 1], [1, 0, 1], value=-1.5),
            [F32((2, 3, 4))],
        ),
        Case("pad_rank0", lambda x: graph.PadOp(x, [], []), [F32(())]),
        Case("pad_edge", lambda x: graph.PadOp(x, [2, 1], [1, 3], mode="edge"), [F32((4, 5))]),
        Case(
            "pad_reflect", lambda x: graph.PadOp(x, [2, 1], [1, 3], mode="reflect"), [F32((4, 5))]
        ),
    ],
    "slice": [
        Case("slice", lambda x: graph.SliceOp(x, [1, 2], [4, 7]), [F32((5, 9))]),
        Case("slice_steps", lambda x: graph.SliceOp(x, [0, 7], [4, 0], [2, -3]), [F32((4, 8))]),
    ],
    "gather": [
        Case("gather_rows", graph.GatherOp, [F32((10, 8)), I64((2, 3), -10, 9)]),
        Case(
            "gather_last_axis",
            lambda x, i: graph.GatherOp(x, i, -1),
            [F32((3, 7, 13)), I32((5,), -13, 12)],
        ),
        Case(
            "gather_rank0_index",
            lambda x, i: graph.GatherOp(x, i, 1),
            [F32((10, 8)), I64((), -8, 7)],
        ),
        Case(
            "gather_middle_axis",
            lambda x, i: graph.GatherOp(x, i, 1),
            [F32((2, 5, 3)), I32((4, 2), -5, 4)],
        ),
        Case("gather_i32_data", graph.GatherOp, [I32((33,)), I64((7,), -33, 32)]),
        Case("gather_one_row", graph.GatherOp, [F32((1, 7)), I32((3,), -1, 0)]),
    ],
    "broadcast_to": [
        Case("broadcast_to", lambda x: graph.BroadcastToOp(x, [2, 4, 8]), [F32((4, 1))]),
        Case("broadcast_to_rank0", lambda x: graph.BroadcastToOp(x, [3, 5]), [F32(())]),
    ],
}
"""Cases per graph op name (without the `graph.` prefix)."""


RTOL = 1e-5


def assert_close(got: Array, want: Array, what: str) -> None:
    """Exact for integers; for floats max |got - want| <= RTOL * max(1, max |want|)."""
    assert got.shape == want.shape and got.dtype == want.dtype, (
        f"{what}: got {got.dtype}{list(got.shape)}, want {want.dtype}{list(want.shape)}"
    )
    if not np.issubdtype(want.dtype, np.floating):
        np.testing.assert_array_equal(got, want, err_msg=what)
        return
    assert np.array_equal(np.isnan(got), np.isnan(want)), f"{what}: NaNs differ"
    finite = ~np.isnan(want)
    scale = max(1.0, float(np.max(np.abs(want[finite]), initial=0.0)))
    error = float(np.max(np.abs(got[finite].astype(np.float64) - want[finite]), initial=0.0))
    assert error <= RTOL * scale, f"{what}: max error {error:.3g} > {RTOL:g} x {scale:.3g}"


def test_every_graph_op_has_cases() -> None:
    ops = {
        op.name.removeprefix("graph.")
        for op in graph.Graph.operations
        if op.name not in ("graph.func", "graph.return", "graph.constant", "graph.call_dps")
    }
    assert ops == set(CASES)


@pytest.mark.parametrize("op", sorted(CASES))
def test_graph_op_compiled_matches_interpreter(op: str) -> None:
    cases = CASES[op]
    module = module_of(cases)
    program = dlir.compile(module.clone())
    for case in cases:
        inputs = case.inputs(seed=1)
        want = dlir.interpret(module, case.name, *inputs)
        got = program[case.name](*inputs)
        assert isinstance(got, np.ndarray) and isinstance(want, np.ndarray)
        assert_close(got, want, case.name)


def _shape(value: SSAValue) -> tuple[int, ...]:
    return tuple(tensor_type(value).get_shape())


def _reversed_rows(v: SSAValue) -> Operation:
    """gather of every row in reverse order, by negative indices (-1 is the last row)."""
    rows = _shape(v)[0]
    return graph.GatherOp(v, graph.constant(np.arange(-1, -rows - 1, -1, dtype=np.int64)))


RANDOM_UNARY: dict[str, Callable[[SSAValue], Operation]] = {
    "relu": graph.ReluOp,
    "tanh": graph.TanhOp,
    "sigmoid": graph.SigmoidOp,
    "exp": lambda v: graph.ExpOp(graph.ClipOp(v, -10.0, 10.0)),
    "softmax": graph.SoftmaxOp,
    "transpose": lambda v: graph.TransposeOp(v, [1, 0]),
    "row_sum": lambda v: graph.ReduceSumOp(v, [1], True),
    "gelu": graph.GeluOp,
    "reversed_rows": _reversed_rows,
    "lrn": lambda v: graph.LrnOp(v, 3, alpha=0.5),
}
RANDOM_BINARY: dict[str, Callable[[SSAValue, SSAValue], Operation]] = {
    "add": graph.AddOp,
    "sub": graph.SubOp,
    "mul": graph.MulOp,
    "maximum": graph.MaximumOp,
    "where_less": lambda a, b: graph.WhereOp(graph.LessOp(a, b), a, b),
}
sizes = st.sampled_from([1, 2, 3, 5, 8, 13])


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
            name = data.draw(st.sampled_from(sorted(RANDOM_UNARY)), f"unary {step}")
            values.append(add(RANDOM_UNARY[name](current)))
        elif kind == "binary":
            name = data.draw(st.sampled_from(sorted(RANDOM_BINARY)), f"binary {step}")
            m, n = _shape(current)
            other_shape = data.draw(
                st.sampled_from([(m, n), (n,), (m, 1), (1, n), ()]), f"rhs {step}"
            )
            same = [v for v in values if _shape(v) == other_shape]
            other = same[0] if same and data.draw(st.booleans()) else new_argument(other_shape)
            values.append(add(RANDOM_BINARY[name](current, other)))
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
    inputs: list[Array] = [rng.uniform(-1, 1, _shape(arg)).astype(np.float32) for arg in block.args]
    want = dlir.interpret(module, "g", *inputs)
    got = dlir.compile(module.clone())["g"](*inputs)
    assert isinstance(got, np.ndarray) and isinstance(want, np.ndarray)
    assert_close(got, want, "random graph")
