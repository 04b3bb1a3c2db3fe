"""graph-to-te: kernel naming and sharing, options, and the elementwise ops' te definitions
checked against the interpreter (the converted module must compute what the graph did)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import mutually_broadcastable_shapes
from numpy.typing import NDArray
from xdsl.dialects.builtin import IntegerType, ModuleOp
from xdsl.ir import SSAValue

import dlir
from dlir.dialects.graph import CallDpsOp
from dlir.dialects.graph.common import tensor
from dlir.dialects.te.builder import KernelBuilder, StageBody
from dlir.dialects.te.kernel import KernelOp
from dlir.ir.module import IRModule
from dlir.parser import parse_module
from dlir.passes import run_pipeline
from dlir.passes.lowering.graph_to_te.elementwise import integer_power
from dlir.passes.lowering.graph_to_te.registry import TE_DEFINITIONS
from dlir.testing.tensors import DTYPES, ttype

Array = NDArray[Any]
RNG = np.random.default_rng(0)


def func(op: str, inputs: Sequence[str], result: str) -> str:
    """`graph.func @f` applying `op` (with `{x}` for its operands) to arguments of `inputs`."""
    params = ", ".join(f"%a{n}: {t}" for n, t in enumerate(inputs))
    operands = ", ".join(f"%a{n}" for n in range(len(inputs)))
    return (
        f"graph.func @f({params}) -> {result} {{\n"
        f"  %r = {op.format(x=operands)}\n"
        f"  graph.return %r : {result}\n"
        "}\n"
    )


def rand(shape: Sequence[int], element: str, low: float = -4, high: float = 4) -> Array:
    dtype = DTYPES[element]
    if dtype == np.bool_:
        return RNG.random(shape) < 0.5
    if np.issubdtype(dtype, np.integer):
        return RNG.integers(int(low), int(high) + 1, size=shape).astype(dtype)
    return RNG.uniform(low, high, size=shape).astype(dtype)


def convert(text: str) -> ModuleOp:
    module = parse_module(text)
    run_pipeline("graph-to-te", module)
    left = {op.name for op in module.walk() if op.name.startswith("graph.")}
    assert left <= {"graph.func", "graph.return", "graph.call_dps"}, left
    return module


def check(text: str, *args: Array) -> ModuleOp:
    """Run `@f` before and after graph-to-te on `args`: the results must be equal."""
    expected = dlir.interpret(parse_module(text), "f", *args)
    module = convert(text)
    got = dlir.interpret(module, "f", *args)
    assert isinstance(got, np.ndarray) and isinstance(expected, np.ndarray)
    assert got.dtype == expected.dtype and got.shape == expected.shape
    np.testing.assert_array_equal(got, expected)
    return module


def kernels(module: ModuleOp) -> list[str]:
    return [op.sym_name.data for op in module.body.block.ops if isinstance(op, KernelOp)]


# --- the pass ---------------------------------------------------------------------------------

MLP = """
graph.func @f(%x: tensor<4x8xf32>, %b: tensor<8xf32>) -> tensor<4x8xf32> {
  %0 = graph.add %x, %b : (tensor<4x8xf32>, tensor<8xf32>) -> tensor<4x8xf32>
  %1 = graph.relu %0 : tensor<4x8xf32>
  %2 = graph.relu %x : tensor<4x8xf32>
  %3 = graph.add %1, %2 : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  %4 = graph.add %3, %b : (tensor<4x8xf32>, tensor<8xf32>) -> tensor<4x8xf32>
  graph.return %4 : tensor<4x8xf32>
}
"""


def test_equal_kernels_are_shared_and_different_ones_numbered() -> None:
    module = check(MLP, rand((4, 8), "f32"), rand((8,), "f32"))
    assert kernels(module) == ["add_4x8xf32", "relu_4x8xf32", "add_4x8xf32_1"]
    calls = [op.callee.root_reference.data for op in module.walk() if isinstance(op, CallDpsOp)]
    assert calls == ["add_4x8xf32", "relu_4x8xf32", "relu_4x8xf32", "add_4x8xf32_1", "add_4x8xf32"]
    # kernels come before the function that calls them
    assert list(IRModule(module))[-1] == "f"


def test_names_never_clash_and_existing_equal_kernels_are_reused() -> None:
    text = """
    graph.func @relu_4xf32(%x: tensor<4xf32>) -> tensor<4xf32> {
      %y = graph.relu %x : tensor<4xf32>
      graph.return %y : tensor<4xf32>
    }
    """
    module = convert(text)
    assert kernels(module) == ["relu_4xf32_1"]
    # a graph function added later reuses the kernel the first run made
    extra = parse_module(func("graph.relu {x} : tensor<4xf32>", ["tensor<4xf32>"], "tensor<4xf32>"))
    IRModule(module).add(IRModule(extra).remove("f"))
    run_pipeline("graph-to-te", module)
    assert kernels(module) == ["relu_4xf32_1"]
    got = dlir.interpret(module, "f", np.array([-1, 2, -3, 4], np.float32))
    np.testing.assert_array_equal(got, [0, 2, 0, 4])


def test_ops_option_restricts_the_conversion() -> None:
    module = parse_module(MLP)
    run_pipeline("graph-to-te{ops=relu}", module)
    assert kernels(module) == ["relu_4x8xf32"]
    assert sum(op.name == "graph.add" for op in module.walk()) == 3


def test_ops_option_rejects_unknown_ops() -> None:
    with pytest.raises(Exception, match=r"no te definition for graph\.frobnicate; legal: .*relu"):
        run_pipeline("graph-to-te{ops=frobnicate}", parse_module(MLP))


def test_ops_without_a_definition_and_empty_results_stay() -> None:
    text = """
    graph.func @f(%x: tensor<0x3xf32>, %c: tensor<2xf32>) -> (tensor<0x3xf32>, tensor<2xf32>) {
      %y = graph.relu %x : tensor<0x3xf32>
      %z = graph.call_dps @g(%c) : (tensor<2xf32>) -> tensor<2xf32>
      graph.return %y, %z : tensor<0x3xf32>, tensor<2xf32>
    }
    graph.func @g(%c: tensor<2xf32>) -> tensor<2xf32> {
      graph.return %c : tensor<2xf32>
    }
    """
    module = parse_module(text)
    run_pipeline("graph-to-te", module)
    assert kernels(module) == []
    assert sum(op.name == "graph.relu" for op in module.walk()) == 1


def test_every_elementwise_and_shape_op_has_a_definition() -> None:
    names = {cls.name for cls in TE_DEFINITIONS}
    for op in [
        "add",
        "sub",
        "mul",
        "div",
        "pow",
        "maximum",
        "minimum",
        "relu",
        "sigmoid",
        "tanh",
        "exp",
        "log",
        "sqrt",
        "erf",
        "gelu",
        "clip",
        "cast",
        "reshape",
        "transpose",
        "concat",
        "flatten",
        "pad",
        "slice",
        "broadcast_to",
    ]:
        assert f"graph.{op}" in names


# --- binary ops, broadcasting --------------------------------------------------------------

BINARY = ["add", "sub", "mul", "div", "maximum", "minimum"]
SHAPES = [
    ((4, 8), (8,)),
    ((7, 1), (1, 13)),
    ((), (3,)),
    ((1,), ()),
    ((2, 1, 3, 1), (5, 1, 4)),
    ((33,), (33,)),
]


def binary_func(op: str, a: Sequence[int], b: Sequence[int], element: str) -> str:
    out = np.broadcast_shapes(tuple(a), tuple(b))
    ta, tb, tr = ttype(a, element), ttype(b, element), ttype(out, element)
    return func(f"graph.{op} {{x}} : ({ta}, {tb}) -> {tr}", [ta, tb], tr)


@pytest.mark.parametrize("op", BINARY)
@pytest.mark.parametrize("shapes", SHAPES)
def test_binary_f32_broadcasting(op: str, shapes: tuple[tuple[int, ...], tuple[int, ...]]) -> None:
    a, b = shapes
    check(binary_func(op, a, b, "f32"), rand(a, "f32"), rand(b, "f32"))


@pytest.mark.parametrize("op", BINARY)
@pytest.mark.parametrize("element", ["i8", "i32", "i64", "f16", "f64", "bf16"])
def test_binary_other_types(op: str, element: str) -> None:
    a, b = (3, 5), (5,)
    y = rand(b, element, 1, 4)  # no division by zero
    if op == "div" and np.issubdtype(y.dtype, np.integer):
        y = y * np.where(RNG.random(b) < 0.5, -1, 1).astype(y.dtype)  # truncation of negatives
    check(binary_func(op, a, b, element), rand(a, element, -20, 20), y)


@pytest.mark.parametrize("op", ["add", "mul", "div", "maximum", "minimum", "pow"])
def test_binary_i1_is_numpy_bool(op: str) -> None:
    x, y = np.array([[True, False, True, False]]), np.array([True, True, False, False])
    check(binary_func(op, (1, 4), (4,), "i1"), x, y)


@pytest.mark.parametrize("element", ["i8", "i32", "i64"])
def test_integer_division_by_zero_and_minus_one_is_numpy_s(element: str) -> None:
    low = {"i8": -(2**7), "i32": -(2**31), "i64": -(2**63)}[element]
    x = np.array([7, -7, 5, low, low, 0, -9], dtype=DTYPES[element])
    y = np.array([0, 0, -1, -1, 2, 0, 4], dtype=DTYPES[element])
    with np.errstate(all="ignore"):
        check(binary_func("div", (7,), (7,), element), x, y)


def test_maximum_and_relu_propagate_nan() -> None:
    x = np.array([np.nan, 1.0, -1.0, np.nan], dtype=np.float32)
    y = np.array([0.0, np.nan, 2.0, np.nan], dtype=np.float32)
    check(binary_func("maximum", (4,), (4,), "f32"), x, y)
    check(binary_func("minimum", (4,), (4,), "f32"), x, y)
    check(func("graph.relu {x} : tensor<4xf32>", ["tensor<4xf32>"], "tensor<4xf32>"), x)


@settings(max_examples=25, deadline=None)
@given(
    shapes=mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=4, max_side=5),
    op=st.sampled_from(BINARY),
)
def test_binary_broadcasting_property(shapes: Any, op: str) -> None:
    a, b = shapes.input_shapes
    check(binary_func(op, a, b, "f32"), rand(a, "f32"), rand(b, "f32"))


def test_pow_float_and_integer() -> None:
    base = rand((3, 7), "f32", 0.1, 3)
    check(binary_func("pow", (3, 7), (7,), "f32"), base, rand((7,), "f32", -3, 3))
    for element in ("i8", "i32", "i64"):
        x, e = rand((5, 13), element, -9, 9), rand((13,), element, 0, 40)
        check(binary_func("pow", (5, 13), (13,), element), x, e)


def test_integer_power_of_negative_exponents_is_the_truncated_reciprocal() -> None:
    t = tensor(6, element_type=IntegerType(32))
    kb = KernelBuilder("p", [("X0", t), ("X1", t)])

    def element(body: StageBody, i: SSAValue) -> SSAValue:
        return integer_power(body, body.read(kb["X0"], i), body.read(kb["X1"], i))

    y = kb.compute("Y", [("i", 6)], element)
    module = ModuleOp([kb.finish(y)])
    x = np.array([1, -1, -1, 2, -3, 0], dtype=np.int32)
    e = np.array([-5, -3, -2, -1, -2, 3], dtype=np.int32)
    got = dlir.interpret(module, "p", x, e)
    np.testing.assert_array_equal(got, [1, -1, 1, 0, 0, 0])


# --- unary ops ------------------------------------------------------------------------------

UNARY = ["relu", "sigmoid", "tanh", "exp", "log", "sqrt", "erf", "gelu", 'gelu approximate "tanh"']


@pytest.mark.parametrize("op", UNARY)
@pytest.mark.parametrize("shape", [(), (1,), (7,), (13, 33), (2, 3, 1, 5)])
def test_unary_f32(op: str, shape: tuple[int, ...]) -> None:
    name, _, attrs = op.partition(" ")
    t = ttype(shape, "f32")
    low = 0.01 if name in ("log", "sqrt") else -6
    text = func(f"graph.{name} {{x}} {attrs} : {t}".replace("  ", " "), [t], t)
    check(text, rand(shape, "f32", low, 6))


@pytest.mark.parametrize("op", UNARY)
@pytest.mark.parametrize("element", ["f16", "f64"])
def test_unary_other_floats(op: str, element: str) -> None:
    name, _, attrs = op.partition(" ")
    t = ttype((3, 5), element)
    low = 0.01 if name in ("log", "sqrt") else -6
    check(func(f"graph.{name} {{x}} {attrs} : {t}", [t], t), rand((3, 5), element, low, 6))


def test_sigmoid_never_overflows() -> None:
    x = np.array([-1000.0, -90.0, -0.0, 0.0, 90.0, 1000.0, np.inf, -np.inf], dtype=np.float32)
    check(func("graph.sigmoid {x} : tensor<8xf32>", ["tensor<8xf32>"], "tensor<8xf32>"), x)


@pytest.mark.parametrize("element", ["i1", "i8", "i32", "i64"])
def test_relu_integers(element: str) -> None:
    t = ttype((4, 9), element)
    check(func(f"graph.relu {{x}} : {t}", [t], t), rand((4, 9), element, -100, 100))


@pytest.mark.parametrize(
    ("element", "low", "high"),
    [
        ("f32", "0.0", "6.0"),
        ("f32", "-0.5", "0.25"),
        ("f64", "-1.0e+00", "1.0e+00"),
        ("i32", "-2.5", "3.5"),
        ("i8", "-1.0e+02", "1.27e+02"),
        ("i64", "0.0", "0.0"),
        ("i1", "0.0", "1.0"),
        ("i1", "-1.0", "1.0"),
        ("i1", "0.0", "0.5"),
    ],
)
def test_clip(element: str, low: str, high: str) -> None:
    t = ttype((5, 7), element)
    x = rand((5, 7), element, -120, 120)
    if element == "f32":
        x[0, 0] = np.nan
    check(func(f"graph.clip {{x}} min {low} max {high} : {t}", [t], t), x)


CASTS = [
    ("f32", "i32"),
    ("f32", "i8"),
    ("f32", "i1"),
    ("f64", "f32"),
    ("f32", "f64"),
    ("f32", "f16"),
    ("f16", "f32"),
    ("f32", "bf16"),
    ("bf16", "f16"),
    ("f16", "bf16"),
    ("i1", "f32"),
    ("i1", "i32"),
    ("i32", "i1"),
    ("i32", "i8"),
    ("i8", "i64"),
    ("i32", "f64"),
    ("f32", "f32"),
]


@pytest.mark.parametrize(("source", "target"), CASTS)
def test_cast(source: str, target: str) -> None:
    s, t = ttype((3, 11), source), ttype((3, 11), target)
    x = rand((3, 11), source, -100, 100)
    if source.startswith("f"):
        x[0, :3] = [0.0, -0.0, -2.75]
        if target == "i1":
            x[0, 3] = np.nan
    check(func(f"graph.cast {{x}} : {s} to {t}", [s], t), x)


def test_a_value_named_like_another_stages_axis_is_renamed():
    """`%c = graph.conv2d` fused with its relu: the conv's stage may not be called `c`,
    the axis of its pad stage (the kernel would not verify)."""
    text = """
graph.func @f(%x: tensor<1x16x7x7xf32>, %w: tensor<16x16x3x3xf32>) -> tensor<1x16x7x7xf32> {
  %c = graph.conv2d %x, %w pads [1, 1, 1, 1] : (tensor<1x16x7x7xf32>, tensor<16x16x3x3xf32>) -> tensor<1x16x7x7xf32>
  %h = graph.relu %c : tensor<1x16x7x7xf32>
  graph.return %h : tensor<1x16x7x7xf32>
}"""
    module = parse_module(text)
    run_pipeline("graph-fuse,graph-to-te", module)
    kernel = next(op for op in module.ops if isinstance(op, KernelOp))
    names = [stage.stage.data for stage in kernel.stages()]
    assert "c" not in names and "c1" in names
    rng = np.random.default_rng(0)
    x = rng.standard_normal((1, 16, 7, 7), dtype=np.float32)
    w = rng.standard_normal((16, 16, 3, 3), dtype=np.float32)
    got = dlir.compile(text)["f"](x, w)
    np.testing.assert_allclose(got, dlir.interpret(parse_module(text), "f", x, w), atol=1e-4)
