"""te definitions of matmul, batch_matmul, conv2d and the poolings, run against the graph ops.

Each case builds one graph op in a `graph.func @graph`, its te definition into a
`te.kernel @kernel` of the same module, and compares the interpreter on both, on random
inputs of odd shapes; hypothesis draws the convolution and pooling parameters.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from xdsl.dialects import llvm
from xdsl.dialects.builtin import ModuleOp, TensorType, f16, f32, f64, i32
from xdsl.ir import Attribute, Block, Operation, Region, SSAValue
from xdsl.utils.exceptions import VerifyException

import dlir
from dlir.backends.llvm.callable import CompiledFunction, Signature
from dlir.backends.llvm.jit import compile_module
from dlir.dialects import graph
from dlir.dialects.graph.common import tensor_type
from dlir.dialects.te.builder import KernelBuilder
from dlir.dialects.te.kernel import KernelOp
from dlir.interpreter.common import Array
from dlir.parser import parse_module, print_module
from dlir.passes import run_pipeline
from dlir.passes.lowering.graph_to_te import linalg
from dlir.passes.lowering.graph_to_te.common import NotConvertible
from dlir.passes.lowering.graph_to_te.registry import TE_DEFINITIONS

MakeOp = Callable[..., Operation]


def build(
    make: MakeOp, types: Sequence[TensorType[Attribute]], kernel_name: str = "kernel"
) -> ModuleOp:
    """`graph.func @graph` holding `make(args...)` and `te.kernel @kernel`, its definition."""
    block = Block(arg_types=types)
    op = make(*block.args)
    block.add_ops([op, graph.ReturnOp(op.results[0])])
    func = graph.FuncOp("graph", (types, [op.results[0].type]), Region(block))
    kb = KernelBuilder(kernel_name, [(f"X{i}", t) for i, t in enumerate(types)])
    inputs = [kb[f"X{i}"] for i in range(len(types))]
    kernel = kb.finish(*TE_DEFINITIONS[type(op)](op, kb, inputs))
    module = ModuleOp([func, kernel])
    module.verify()
    return module


def random_input(t: TensorType[Attribute], rng: np.random.Generator) -> Array:
    shape = tuple(t.get_shape())
    if t.element_type == i32:
        return rng.integers(-9, 10, shape, dtype=np.int32)
    values = rng.standard_normal(shape)
    if t.element_type == f64:
        return values
    return values.astype(np.float16 if t.element_type == f16 else np.float32)


def check(
    make: MakeOp,
    shapes: Sequence[Sequence[int]],
    element: Attribute = f32,
    *,
    seed: int = 0,
    positive: Sequence[int] = (),
) -> ModuleOp:
    """The kernel of `make`'s op computes what the op does; its text round-trips.

    The arguments numbered in `positive` are drawn above 0.1 (variances, say).
    """
    types = [TensorType(element, shape) for shape in shapes]
    module = build(make, types)
    reparsed = parse_module(print_module(module))
    reparsed.verify()
    rng = np.random.default_rng(seed)
    args = [random_input(t, rng) for t in types]
    for index in positive:
        args[index] = np.abs(args[index]) + args[index].dtype.type(0.1)
    expected = dlir.interpret(module, "graph", *args)
    found = dlir.interpret(reparsed, "kernel", *args)
    assert isinstance(expected, np.ndarray) and isinstance(found, np.ndarray)
    assert found.shape == expected.shape and found.dtype == expected.dtype
    if element == i32:
        np.testing.assert_array_equal(found, expected)
    elif element == f16:  # sums rounded in another order: a few ulps of the largest value
        atol = 4e-3 * max(1.0, float(np.abs(expected).max()))
        np.testing.assert_allclose(found, expected, rtol=4e-3, atol=atol)
    else:
        tolerance = 1e-12 if element == f64 else 1e-5
        np.testing.assert_allclose(found, expected, rtol=tolerance, atol=tolerance)
    return module


@dataclass
class NativeCase:
    """One op's module (graph and kernel) and its kernel compiled to native code."""

    module: ModuleOp
    types: list[TensorType[Attribute]]
    function: CompiledFunction
    positive: Sequence[int] = ()


NativeCases = dict[str, tuple[MakeOp, Sequence[Sequence[int]], Sequence[int]]]
"""name -> (make, argument shapes, arguments drawn positive)"""


def compile_natively(cases: NativeCases) -> dict[str, NativeCase]:
    """Every case's kernel lowered (te-to-loop, loop-to-llvm) and compiled in one module."""
    modules: dict[str, tuple[ModuleOp, list[TensorType[Attribute]]]] = {}
    native = ModuleOp([])
    for name, (make, shapes, _) in cases.items():
        types: list[TensorType[Attribute]] = [TensorType(f32, shape) for shape in shapes]
        module = build(make, types, name)
        kernel = kernel_of(module).clone()
        native.body.block.add_op(kernel)
        modules[name] = module, types
    run_pipeline("te-to-loop,loop-to-llvm", native)
    compiled = compile_module(native)
    functions = {op.sym_name.data: op for op in native.ops if isinstance(op, llvm.FuncOp)}
    return {
        name: NativeCase(
            module,
            types,
            CompiledFunction(compiled, name, Signature.from_function(functions[name])),
            cases[name][2],
        )
        for name, (module, types) in modules.items()
    }


def check_native(case: NativeCase, seed: int = 0) -> None:
    """The native kernel computes what the interpreter computes for the graph op."""
    rng = np.random.default_rng(seed)
    args = [random_input(t, rng) for t in case.types]
    for index in case.positive:
        args[index] = np.abs(args[index]) + args[index].dtype.type(0.1)
    expected = dlir.interpret(case.module, "graph", *args)
    found: Array = case.function.call_dps(*args)[0]
    assert isinstance(expected, np.ndarray)
    assert found.shape == expected.shape and found.dtype == expected.dtype
    np.testing.assert_allclose(found, expected, rtol=1e-5, atol=1e-5)


def kernel_of(module: ModuleOp) -> KernelOp:
    kernels = [op for op in module.ops if isinstance(op, KernelOp)]
    assert len(kernels) == 1
    return kernels[0]


def stage_names(module: ModuleOp) -> list[str]:
    return [stage.stage.data for stage in kernel_of(module).stages()]


# --- products ---------------------------------------------------------------------------


def matmul(a: SSAValue, b: SSAValue) -> Operation:
    return graph.MatmulOp(a, b)


def batch_matmul(a: SSAValue, b: SSAValue) -> Operation:
    return graph.BatchMatmulOp(a, b)


def test_definitions_are_registered() -> None:
    assert TE_DEFINITIONS[graph.MatmulOp] is linalg.matmul
    assert TE_DEFINITIONS[graph.Conv2dOp] is linalg.conv2d
    assert TE_DEFINITIONS[graph.AvgPool2dOp] is linalg.avg_pool2d


@pytest.mark.parametrize("m, k, n", [(1, 1, 1), (7, 13, 33), (3, 5, 7), (1, 33, 2)])
def test_matmul(m: int, k: int, n: int) -> None:
    module = check(matmul, [(m, k), (k, n)])
    assert stage_names(module) == ["Y"]


@pytest.mark.parametrize("element", [i32, f64])
def test_matmul_other_element_types(element: Attribute) -> None:
    check(matmul, [(7, 5), (5, 3)], element)


@pytest.mark.parametrize(
    "lhs, rhs",
    [
        ((2, 3, 5), (2, 5, 4)),
        ((2, 1, 3, 5), (4, 5, 7)),  # lhs batch dim 1 broadcasts, rhs has fewer dims
        ((3, 4, 5), (5, 2)),  # a rank-2 rhs is shared by the whole batch
        ((7, 1), (3, 1, 13)),
        ((1, 3, 2), (5, 2, 3)),
        ((4, 5), (4, 5, 6)),
    ],
)
def test_batch_matmul_broadcasts_like_numpy(lhs: tuple[int, ...], rhs: tuple[int, ...]) -> None:
    check(batch_matmul, [lhs, rhs])


def test_batch_matmul_integers() -> None:
    check(batch_matmul, [(3, 2, 4), (1, 4, 5)], i32)


# --- convolution ------------------------------------------------------------------------


def conv(
    strides: int | Sequence[int] = 1,
    pads: int | Sequence[int] = 0,
    dilations: int | Sequence[int] = 1,
    groups: int = 1,
) -> MakeOp:
    def make(x: SSAValue, w: SSAValue, b: SSAValue | None = None) -> Operation:
        return graph.Conv2dOp(
            x, w, b, strides=strides, pads=pads, dilations=dilations, groups=groups
        )

    return make


@pytest.mark.parametrize("batch", [1, 3])
@pytest.mark.parametrize("bias", [False, True])
def test_conv2d_odd_everything(batch: int, bias: bool) -> None:
    # 7x7 input, stride 2, dilation 2, 2 groups, asymmetric pads
    shapes = [(batch, 4, 7, 7), (6, 2, 3, 2)] + ([(6,)] if bias else [])
    make = conv(strides=2, pads=(1, 0, 2, 1), dilations=2, groups=2)
    module = check(make, shapes)
    assert stage_names(module) == ["pad", "conv", "Y"] if bias else ["pad", "Y"]


@pytest.mark.parametrize(
    "x, w, make",
    [
        ((1, 3, 7, 7), (5, 3, 3, 3), conv()),
        ((1, 3, 7, 7), (5, 3, 3, 3), conv(pads=1)),
        ((2, 1, 13, 5), (3, 1, 1, 1), conv(strides=(3, 2))),
        ((1, 6, 5, 5), (6, 1, 3, 3), conv(pads=1, groups=6)),  # depthwise
        ((1, 2, 3, 3), (1, 2, 2, 2), conv(pads=(2, 3, 0, 0))),  # pads larger than the kernel
        ((1, 2, 1, 1), (4, 2, 1, 1), conv(pads=(0, 0, 1, 1))),  # only bottom/right padding
    ],
)
def test_conv2d_cases(x: tuple[int, ...], w: tuple[int, ...], make: MakeOp) -> None:
    check(make, [x, w])


def test_conv2d_unpadded_has_no_pad_stage() -> None:
    assert stage_names(check(conv(strides=2), [(1, 2, 7, 7), (3, 2, 3, 3)])) == ["Y"]


def test_conv2d_unused_bottom_padding_needs_no_bounds_test() -> None:
    # 7 rows, kernel 3, stride 2, pads bottom/right 1: the windows never reach the padding
    module = check(conv(strides=2, pads=(0, 0, 1, 1)), [(1, 1, 7, 7), (1, 1, 3, 3)])
    assert stage_names(module) == ["Y"]


def test_conv2d_integers() -> None:
    check(conv(strides=2, pads=1, groups=2), [(2, 4, 7, 6), (4, 2, 3, 3), (4,)], i32)


@st.composite
def conv_cases(draw: st.DrawFn) -> tuple[list[tuple[int, ...]], MakeOp]:
    groups = draw(st.integers(1, 3))
    cg, og = draw(st.integers(1, 2)), draw(st.integers(1, 2))
    n, h, w = draw(st.integers(1, 2)), draw(st.integers(1, 8)), draw(st.integers(1, 8))
    kh, kw = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    strides = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    dilations = (draw(st.integers(1, 2)), draw(st.integers(1, 2)))
    pads = tuple(draw(st.integers(0, 2)) for _ in range(4))
    try:
        graph.Conv2dOp.infer_type(
            TensorType(f32, (n, cg * groups, h, w)),
            TensorType(f32, (og * groups, cg, kh, kw)),
            None,
            strides,
            pads,
            dilations,
            groups,
        )
    except VerifyException:
        assume(False)
    shapes: list[tuple[int, ...]] = [(n, cg * groups, h, w), (og * groups, cg, kh, kw)]
    if draw(st.booleans()):
        shapes.append((og * groups,))
    return shapes, conv(strides, pads, dilations, groups)


@settings(max_examples=30, deadline=None)
@given(conv_cases())
def test_conv2d_matches_interpreter(case: tuple[list[tuple[int, ...]], MakeOp]) -> None:
    shapes, make = case
    check(make, shapes)


# --- pooling ----------------------------------------------------------------------------


def pool(
    kind: str,
    kernel: int | Sequence[int],
    strides: int | Sequence[int] = 1,
    pads: int | Sequence[int] = 0,
    ceil_mode: bool = False,
) -> MakeOp:
    """A max pool, or an avg pool (`avg_include_pad`: counting the padding)."""

    def make(x: SSAValue) -> Operation:
        if kind == "max":
            return graph.MaxPool2dOp(x, kernel, strides=strides, pads=pads, ceil_mode=ceil_mode)
        return graph.AvgPool2dOp(
            x,
            kernel,
            strides=strides,
            pads=pads,
            ceil_mode=ceil_mode,
            count_include_pad=kind == "avg_include_pad",
        )

    return make


Window = tuple[tuple[int, int], tuple[int, int], tuple[int, int, int, int], bool]
"""kernel, strides, pads, ceil_mode"""


@pytest.mark.parametrize("kind", ["max", "avg", "avg_include_pad"])
@pytest.mark.parametrize(
    "window",
    [
        ((2, 2), (2, 2), (0, 0, 0, 0), False),
        ((3, 3), (2, 2), (1, 1, 1, 1), False),
        ((3, 3), (2, 2), (1, 0, 0, 1), True),  # ceil mode: the last window hangs over
        ((1, 3), (1, 3), (0, 0, 0, 0), True),
        ((3, 3), (1, 1), (2, 2, 1, 0), False),
        ((3, 2), (3, 1), (1, 1, 1, 1), True),
    ],
)
def test_pooling(kind: str, window: Window) -> None:
    kernel, strides, pads, ceil_mode = window
    make = pool(kind, kernel, strides, pads, ceil_mode)
    check(make, [(3, 2, 7, 7)])
    check(make, [(1, 1, 1, 13)] if kernel[0] == 1 else [(1, 3, 5, 4)], seed=1)


@pytest.mark.parametrize(
    "make, shapes",
    [
        (matmul, [(7, 13), (13, 5)]),
        (conv(2, 1), [(1, 2, 7, 7), (3, 2, 3, 3), (3,)]),
        (pool("max", 3, 2, 1), [(1, 2, 7, 7)]),
        (pool("avg", 3, 2, 1, True), [(1, 2, 7, 7)]),
    ],
)
def test_half_precision(make: MakeOp, shapes: list[tuple[int, ...]]) -> None:
    check(make, shapes, f16)


def test_max_pool_integers_pad_with_the_minimum() -> None:
    module = check(pool("max", 3, 2, 1), [(2, 3, 7, 7)], i32)
    assert stage_names(module) == ["pad", "Y"]


def test_max_pool_of_all_negative_inputs_ignores_padding() -> None:
    module = build(pool("max", 3, 1, 1), [TensorType(f32, (1, 1, 2, 2))])
    x = -np.arange(1, 5, dtype=np.float32).reshape(1, 1, 2, 2)
    found = dlir.interpret(module, "kernel", x)
    np.testing.assert_array_equal(found, np.full((1, 1, 2, 2), -1, dtype=np.float32))


def test_avg_pool_unclipped_windows_divide_by_a_constant() -> None:
    module = check(pool("avg_include_pad", 3, 2, 1), [(1, 2, 7, 7)])
    assert stage_names(module) == ["pad", "sum", "Y"]
    final = kernel_of(module).stages()[-1]
    assert "arith.index_cast" not in {op.name for op in final.body.walk()}


@st.composite
def pool_cases(draw: st.DrawFn) -> tuple[tuple[int, ...], MakeOp]:
    kind = draw(st.sampled_from(["max", "avg", "avg_include_pad"]))
    kernel = (draw(st.integers(1, 4)), draw(st.integers(1, 4)))
    strides = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    pads = (
        draw(st.integers(0, kernel[0] - 1)),
        draw(st.integers(0, kernel[1] - 1)),
        draw(st.integers(0, kernel[0] - 1)),
        draw(st.integers(0, kernel[1] - 1)),
    )
    ceil_mode = draw(st.booleans())
    shape = (draw(st.integers(1, 2)), draw(st.integers(1, 3)), draw(st.integers(1, 9)))
    shape += (draw(st.integers(1, 9)),)
    try:
        graph.MaxPool2dOp.infer_type(TensorType(f32, shape), kernel, strides, pads, ceil_mode)
    except VerifyException:
        assume(False)
    return shape, pool(kind, kernel, strides, pads, ceil_mode)


@settings(max_examples=40, deadline=None)
@given(pool_cases())
def test_pooling_matches_interpreter(case: tuple[tuple[int, ...], MakeOp]) -> None:
    shape, make = case
    check(make, [shape])


def global_avg_pool(x: SSAValue) -> Operation:
    return graph.GlobalAvgPool2dOp(x)


@pytest.mark.parametrize("shape", [(1, 1, 1, 1), (3, 5, 7, 2), (2, 3, 13, 1)])
def test_global_avg_pool(shape: tuple[int, ...]) -> None:
    module = check(global_avg_pool, [shape])
    assert stage_names(module) == ["sum", "Y"]


# --- what stays a graph op --------------------------------------------------------------


@pytest.mark.parametrize(
    "make, shapes",
    [
        (matmul, [(3, 0), (0, 4)]),
        (batch_matmul, [(0, 3, 2), (2, 4)]),
        (conv(), [(0, 2, 3, 3), (1, 2, 1, 1)]),
        (pool("max", 2), [(1, 0, 4, 4)]),
        (global_avg_pool, [(1, 2, 0, 3)]),
    ],
)
def test_empty_tensors_are_not_convertible(make: MakeOp, shapes: list[tuple[int, ...]]) -> None:
    with pytest.raises(NotConvertible, match="empty shape"):
        build(make, [TensorType(f32, shape) for shape in shapes])


# --- the graph-to-te pass on whole models -----------------------------------------------

EXAMPLES = Path(__file__).parents[4] / "examples"


@pytest.mark.parametrize("name", ["mlp", "cnn"])
def test_graph_to_te_on_examples(name: str) -> None:
    text = (EXAMPLES / f"{name}.mlir").read_text()
    reference, lowered = parse_module(text), parse_module(text)
    run_pipeline("graph-to-te", lowered)
    func = lowered.body.block.last_op
    assert isinstance(func, graph.FuncOp)
    # every op became a kernel call (flatten is H1's; all the others are this file's or norm's)
    assert {op.name for op in func.body.block.ops} == {"graph.call_dps", "graph.return"}
    lowered = parse_module(print_module(lowered))
    rng = np.random.default_rng(0)
    args = [random_input(tensor_type(a), rng) for a in func.args]
    if name == "cnn":  # the batch_norm variances
        for index in (6, 11):
            args[index] = np.abs(args[index]) + np.float32(0.1)
    expected = dlir.interpret(reference, name, *args)
    found = dlir.interpret(lowered, name, *args)
    assert isinstance(expected, np.ndarray) and isinstance(found, np.ndarray)
    np.testing.assert_allclose(
        found, expected, rtol=1e-5, atol=1e-5 * float(np.abs(expected).max())
    )


# --- native code ------------------------------------------------------------------------

NATIVE: NativeCases = {
    "matmul": (matmul, [(7, 13), (13, 33)], ()),
    "batch_matmul": (batch_matmul, [(2, 1, 3, 5), (4, 5, 7)], ()),
    "conv": (conv(2, (1, 0, 2, 1), 2), [(3, 4, 7, 7), (6, 4, 3, 2), (6,)], ()),
    "conv_groups": (conv(2, (1, 0, 2, 1), 2, 2), [(1, 4, 7, 7), (6, 2, 3, 2)], ()),
    "conv_depthwise": (conv(1, 1, 1, 3), [(2, 3, 5, 13), (3, 1, 3, 3), (3,)], ()),
    "max_pool": (pool("max", 3, 2, 1, True), [(2, 3, 7, 7)], ()),
    "avg_pool": (pool("avg", 3, 2, (1, 0, 1, 1), True), [(2, 3, 7, 6)], ()),
    "avg_pool_include_pad": (pool("avg_include_pad", 3, 2, 1), [(1, 3, 7, 7)], ()),
    # (2, 3, 5, 7) would do too, but LLVM's O3 then takes 2 s on the outlined parallel loop
    "global_avg_pool": (global_avg_pool, [(2, 3, 13, 5)], ()),
}


@pytest.fixture(scope="module")
def native() -> dict[str, NativeCase]:
    return compile_natively(NATIVE)


@pytest.mark.parametrize("name", list(NATIVE))
def test_native_kernels(native: dict[str, NativeCase], name: str) -> None:
    check_native(native[name])
    check_native(native[name], seed=1)
