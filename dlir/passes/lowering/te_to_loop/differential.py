"""Differential check of a te lowering: the interpreter against native code.

    module = ModuleOp([matmul_kernel("mm", 7, 33, 13)])
    check_native(module)                  # interpret, te-to-loop + loop-to-llvm, JIT, compare

The spine of te-to-loop's tests (and of anyone adding te definitions or schedules): the
kernel runs in the reference interpreter and, lowered through `pipeline` and
`loop-to-llvm`, as native code on the same inputs; the outputs must agree.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray
from xdsl.dialects.builtin import AnyFloatConstr, ModuleOp, TensorType
from xdsl.ir import Attribute
from xdsl.utils.hints import isa

from dlir.dialects.te.kernel import KernelOp

Array = NDArray[np.generic]


def random_inputs(kernel: KernelOp, seed: int = 0) -> list[Array]:
    """Random arguments for `kernel`: normal floats, small integers (-5..5)."""
    rng = np.random.default_rng(seed)
    arrays: list[Array] = []
    for t in kernel.function_type.inputs.data:
        assert isa(t, TensorType[Attribute])
        shape = tuple(t.get_shape())
        element = t.get_element_type()
        if AnyFloatConstr.verifies(element):
            dtype = np.float64 if str(element) == "f64" else np.float32
            arrays.append(rng.standard_normal(shape).astype(dtype))
        else:
            width = getattr(element, "bitwidth", 64)
            arrays.append(rng.integers(-5, 6, size=shape).astype(f"int{max(width, 8)}"))
    return arrays


def check_native(
    module: ModuleOp,
    inputs: Sequence[Array] | None = None,
    pipeline: str = "te-to-loop",
    rtol: float = 1e-5,
) -> ModuleOp:
    """Run the module's first te.kernel both ways and assert the results agree; returns
    the module as `pipeline` left it (before loop-to-llvm)."""
    from dlir import interpret
    from dlir.backends.llvm.callable import jit_function
    from dlir.passes import run_pipeline

    kernel = next(op for op in module.ops if isinstance(op, KernelOp))
    name = kernel.sym_name.data
    args = list(inputs) if inputs is not None else random_inputs(kernel)
    result = interpret(module, name, *args)
    expected: list[Array] = list(result) if isinstance(result, tuple | list) else [result]
    run_pipeline(pipeline, module)
    lowered = module.clone()
    run_pipeline("loop-to-llvm", module)
    outputs = [np.full(e.shape, 99, dtype=e.dtype) for e in expected]
    jit_function(module, name)(*args, *outputs)
    for index, (got, want) in enumerate(zip(outputs, expected, strict=True)):
        np.testing.assert_allclose(
            np.asarray(got, np.float64),
            np.asarray(want, np.float64),
            rtol=rtol,
            atol=rtol,
            err_msg=f"result #{index} of @{name}",
        )
    return lowered
