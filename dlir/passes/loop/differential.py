"""Differential check of a loop transform: the loop IR before and after, both as native code.

    transformed = check_transform(text, "loop-unroll,loop-vectorize")

Both modules go through `loop-to-llvm` and the JIT and run on the same random arguments
(outputs start with the same random contents, so kernels that read their outputs, like
accumulations, are compared too); every output must agree. The spine of the loop passes'
tests, usable for any pass on loop IR.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray
from xdsl.dialects.builtin import (
    AnyFloat,
    BFloat16Type,
    IndexType,
    IntegerType,
    MemRefType,
    ModuleOp,
)
from xdsl.ir import Attribute
from xdsl.utils.hints import isa

from dlir.dialects.loop import FuncOp

Array = NDArray[np.generic]
Argument = Array | float | int


def random_arguments(func: FuncOp, seed: int = 0, index_value: int = 3) -> list[Argument]:
    """Random arguments for `func`: normal floats, small integers (-5..5), random bools
    for i1, `index_value` for index scalars."""
    rng = np.random.default_rng(seed)
    arguments: list[Argument] = []
    for type in func.function_type.inputs.data:
        element: Attribute = type
        shape: tuple[int, ...] = ()
        if isa(type, MemRefType):
            element, shape = type.get_element_type(), tuple(type.get_shape())
        if isinstance(element, AnyFloat):
            # bf16 buffers take float32 arrays (the callable rounds them to bf16)
            dtypes = {64: np.float64, 16: np.float16}
            dtype = (
                np.float32
                if isinstance(element, BFloat16Type)
                else dtypes.get(element.bitwidth, np.float32)
            )
            value = rng.standard_normal(shape).astype(dtype)
        elif isinstance(element, IndexType):
            value = np.full(shape, index_value, dtype=np.int64)
        elif isinstance(element, IntegerType) and element.bitwidth == 1:
            value = rng.integers(0, 2, size=shape).astype(np.bool_)
        else:
            assert isinstance(element, IntegerType)
            value = rng.integers(-5, 6, size=shape).astype(f"int{max(element.bitwidth, 8)}")
        arguments.append(value if shape or isa(type, MemRefType) else value.item())
    return arguments


def run_native(module: ModuleOp, name: str, arguments: Sequence[Argument]) -> list[Array]:
    """Lower a copy of `module` with `loop-to-llvm`, run `@name` on copies of `arguments`,
    and return every buffer argument as the call left it."""
    from dlir.backends.llvm.callable import jit_function
    from dlir.passes import run_pipeline

    lowered = module.clone()
    run_pipeline("loop-to-llvm", lowered)
    copies = [a.copy() if isinstance(a, np.ndarray) else a for a in arguments]
    jit_function(lowered, name)(*copies)
    return [a for a in copies if isinstance(a, np.ndarray)]


def check_transform(
    module: ModuleOp | str,
    pipeline: str,
    seed: int = 0,
    rtol: float = 1e-5,
    index_value: int = 3,
) -> ModuleOp:
    """Run `pipeline` on (a copy of) the module and compare its first `loop.func` natively
    before and after; returns the transformed module (before `loop-to-llvm`)."""
    from dlir.parser import parse_module
    from dlir.passes import run_pipeline

    original = parse_module(module) if isinstance(module, str) else module.clone()
    func = next(op for op in original.ops if isinstance(op, FuncOp))
    name = func.sym_name.data
    arguments = random_arguments(func, seed, index_value)
    expected = run_native(original, name, arguments)
    transformed = original.clone()
    run_pipeline(pipeline, transformed)
    got = run_native(transformed, name, arguments)
    for index, (g, e) in enumerate(zip(got, expected, strict=True)):
        np.testing.assert_allclose(
            np.asarray(g, np.float64),
            np.asarray(e, np.float64),
            rtol=rtol,
            atol=rtol,
            err_msg=f"buffer argument #{index} of @{name} after {pipeline}",
        )
    return transformed
