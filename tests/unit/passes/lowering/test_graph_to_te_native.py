"""graph-to-te kernels compiled to native code (te-to-loop, loop-to-llvm, llvmlite) compute
what the interpreter computes for the original graph op, on odd shapes and broadcasts.

All cases share one module, compiled once: each case is a `graph.func @caseN` holding one
op; after graph-to-te its kernel is the callee of the function's single call.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pytest
from numpy.typing import NDArray
from xdsl.dialects import llvm
from xdsl.dialects.builtin import ModuleOp

import dlir
from dlir.backends.llvm.callable import CompiledFunction, Signature
from dlir.backends.llvm.jit import compile_module
from dlir.dialects import graph
from dlir.parser import parse_module
from dlir.passes import run_pipeline

Array = NDArray[Any]
RNG = np.random.default_rng(2)


def ttype(shape: Sequence[int], element: str = "f32") -> str:
    return f"tensor<{'x'.join([*map(str, shape), element])}>"


def uniform(low: float, high: float, dtype: Any = np.float32) -> Callable[[tuple[int, ...]], Array]:
    def make(shape: tuple[int, ...]) -> Array:
        if np.issubdtype(dtype, np.integer):
            return RNG.integers(int(low), int(high) + 1, size=shape).astype(dtype)
        return RNG.uniform(low, high, size=shape).astype(dtype)

    return make


Maker = Callable[[tuple[int, ...]], Array]
STANDARD = uniform(-4, 4)


@dataclass(frozen=True)
class Case:
    """`op` (with `{x}` for the operands) on arguments of `inputs`, made by `make`."""

    op: str
    inputs: tuple[tuple[tuple[int, ...], str], ...]
    result: tuple[tuple[int, ...], str]
    make: tuple[Maker, ...] = (STANDARD,)  # one per input, or one for all
    rtol: float = 0.0  # exact unless the native math is a polynomial approximation

    def text(self, name: str) -> str:
        params = ", ".join(f"%a{n}: {ttype(*t)}" for n, t in enumerate(self.inputs))
        operands = ", ".join(f"%a{n}" for n in range(len(self.inputs)))
        result = ttype(*self.result)
        return (
            f"graph.func @{name}({params}) -> {result} {{\n"
            f"  %r = {self.op.format(x=operands)}\n"
            f"  graph.return %r : {result}\n"
            "}\n"
        )

    def arrays(self) -> list[Array]:
        makers = self.make if len(self.make) == len(self.inputs) else self.make * len(self.inputs)
        return [make(shape) for make, (shape, _) in zip(makers, self.inputs, strict=True)]


def binary(
    op: str, a: tuple[int, ...], b: tuple[int, ...], element: str = "f32", **kw: Any
) -> Case:
    out = tuple(np.broadcast_shapes(a, b))
    sig = f"({ttype(a, element)}, {ttype(b, element)}) -> {ttype(out, element)}"
    return Case(f"graph.{op} {{x}} : {sig}", ((a, element), (b, element)), (out, element), **kw)


def unary(op: str, shape: tuple[int, ...], element: str = "f32", **kw: Any) -> Case:
    name, _, attrs = op.partition(" ")
    t = ttype(shape, element)
    text = f"graph.{name} {{x}} {attrs} : {t}" if attrs else f"graph.{name} {{x}} : {t}"
    return Case(text, ((shape, element),), (shape, element), **kw)


def shaped(op: str, source: tuple[int, ...], target: tuple[int, ...], element: str = "f32") -> Case:
    s, t = ttype(source, element), ttype(target, element)
    return Case(f"{op} : {s} -> {t}", ((source, element),), (target, element))


POSITIVE = uniform(0.05, 4)
NONZERO_INT = uniform(1, 9, np.int32)


def EXTREME_I32(shape: tuple[int, ...]) -> Array:
    values = uniform(-50, 50, np.int32)(shape)
    values.flat[::3] = np.iinfo(np.int32).min
    return values


CASES: dict[str, Case] = {
    "add_bcast": binary("add", (7, 13), (13,)),
    "sub_bcast": binary("sub", (7, 1), (1, 33)),
    "mul_rank0": binary("mul", (2, 3, 5), ()),
    "div": binary("div", (13,), (13,), make=(uniform(-4, 4), POSITIVE)),
    "div_i32": binary("div", (3, 7), (7,), "i32", make=(uniform(-50, 50, np.int32), NONZERO_INT)),
    # divisors 0 and -1 (which would fault in hardware) and the most negative dividend
    "div_i32_unsafe": binary(
        "div", (2, 9), (9,), "i32", make=(EXTREME_I32, uniform(-1, 1, np.int32))
    ),
    "maximum": binary("maximum", (1, 7), (5, 1)),
    "minimum_i8": binary("minimum", (9,), (9,), "i8", make=(uniform(-100, 100, np.int8),)),
    "pow": binary("pow", (4, 7), (7,), make=(POSITIVE, uniform(-2, 2)), rtol=1e-5),
    "relu": unary("relu", (7, 33)),
    "relu_i32": unary("relu", (13,), "i32", make=(uniform(-9, 9, np.int32),)),
    "sigmoid": unary("sigmoid", (33,), make=(uniform(-30, 30),), rtol=1e-5),
    "tanh": unary("tanh", (3, 13), rtol=1e-5),
    "exp": unary("exp", (1,), rtol=1e-5),
    "log": unary("log", (13,), make=(POSITIVE,), rtol=1e-5),
    "sqrt": unary("sqrt", (5, 7), make=(POSITIVE,)),
    "erf": unary("erf", (33,), rtol=1e-5),
    "gelu": unary("gelu", (4, 9), rtol=1e-5),
    "gelu_tanh": unary('gelu approximate "tanh"', (4, 9), rtol=1e-5),
    "clip": unary("clip min -1.5 max 2.0", (7, 7)),
    "clip_i32": unary("clip min -2.5 max 3.5", (7,), "i32", make=(uniform(-9, 9, np.int32),)),
    "cast_f32_i32": Case(
        "graph.cast {x} : tensor<13xf32> to tensor<13xi32>", (((13,), "f32"),), ((13,), "i32")
    ),
    "cast_i32_f64": Case(
        "graph.cast {x} : tensor<13xi32> to tensor<13xf64>",
        (((13,), "i32"),),
        ((13,), "f64"),
        (uniform(-99, 99, np.int32),),
    ),
    "cast_i32_i8": Case(
        "graph.cast {x} : tensor<13xi32> to tensor<13xi8>",
        (((13,), "i32"),),
        ((13,), "i8"),
        (uniform(-999, 999, np.int32),),
    ),
    "cast_i8_i64": Case(
        "graph.cast {x} : tensor<13xi8> to tensor<13xi64>",
        (((13,), "i8"),),
        ((13,), "i64"),
        (uniform(-128, 127, np.int8),),
    ),
    "reshape_split": shaped("graph.reshape {x}", (6, 7), (2, 3, 7)),
    "reshape_merge": shaped("graph.reshape {x}", (2, 3, 7), (6, 7)),
    "reshape_mixed": shaped("graph.reshape {x}", (33, 2), (2, 3, 11)),
    "flatten": shaped("graph.flatten {x}", (2, 3, 1, 5), (2, 15)),
    "transpose": shaped("graph.transpose {x} perm [2, 0, 1]", (3, 5, 7), (7, 3, 5)),
    "broadcast_to": shaped("graph.broadcast_to {x}", (3, 1), (2, 3, 13)),
    "pad_constant": shaped("graph.pad {x} low [1, 0] high [2, 3] value 1.5", (5, 7), (8, 10)),
    "pad_reflect": shaped('graph.pad {x} low [2, 1] high [1, 3] mode "reflect"', (3, 5), (6, 9)),
    "pad_edge": shaped('graph.pad {x} low [3] high [4] mode "edge"', (1,), (8,)),
    "slice": shaped("graph.slice {x} starts [0, 12] ends [2, -100] steps [1, -5]", (2, 13), (2, 3)),
    "concat": Case(
        "graph.concat {x} axis 1 : (tensor<2x3xf32>, tensor<2x1xf32>, tensor<2x7xf32>) -> tensor<2x11xf32>",
        (((2, 3), "f32"), ((2, 1), "f32"), ((2, 7), "f32")),
        ((2, 11), "f32"),
    ),
}


@dataclass
class Compiled:
    original: ModuleOp
    functions: dict[str, CompiledFunction]


def compile_cases(names: Sequence[str]) -> dict[str, CompiledFunction]:
    """The kernel of each case, compiled together in one module."""
    module = parse_module("".join(CASES[name].text(name) for name in names))
    run_pipeline("graph-to-te", module)
    callees: dict[str, str] = {}
    for op in list(module.body.block.ops):
        if isinstance(op, graph.FuncOp):
            calls = [c for c in op.walk() if isinstance(c, graph.CallDpsOp)]
            assert len(calls) == 1, f"@{op.sym_name.data} was not converted"
            callees[op.sym_name.data] = calls[0].callee.root_reference.data
            op.detach()
    run_pipeline("te-to-loop,loop-to-llvm", module)
    native = compile_module(module)
    llvm_funcs = {op.sym_name.data: op for op in module.ops if isinstance(op, llvm.FuncOp)}
    return {
        case: CompiledFunction(native, kernel, Signature.from_function(llvm_funcs[kernel]))
        for case, kernel in callees.items()
    }


@pytest.fixture(scope="module")
def compiled() -> Compiled:
    original = parse_module("".join(case.text(name) for name, case in CASES.items()))
    functions = compile_cases(list(CASES))
    return Compiled(original, functions)


@pytest.mark.parametrize("name", list(CASES))
def test_native_kernel_matches_the_interpreter(compiled: Compiled, name: str) -> None:
    case = CASES[name]
    args = case.arrays()
    expected = dlir.interpret(compiled.original, name, *args)
    (output,) = compiled.functions[name].call_dps(*args)
    got: Array = np.asarray(output)
    assert isinstance(expected, np.ndarray)
    assert got.dtype == expected.dtype and got.shape == expected.shape
    if case.rtol:
        np.testing.assert_allclose(got, expected, rtol=case.rtol, atol=1e-6)
    else:
        np.testing.assert_array_equal(got, expected)
