"""Shared fixtures: build a one-function module around graph ops and interpret it."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeAlias

import numpy as np
import pytest
from numpy.typing import NDArray
from xdsl.dialects.builtin import ModuleOp, TensorType
from xdsl.ir import Operation, SSAValue

import dlir
from dlir.dialects import graph
from dlir.dialects.graph.constants import element_type_of

Array: TypeAlias = NDArray[Any]
MakeOps: TypeAlias = Callable[..., Operation | Sequence[Operation]]
RunGraph: TypeAlias = Callable[..., Array]


def graph_module(arrays: Sequence[Array], make: MakeOps) -> ModuleOp:
    """`graph.func @f(<one arg per array>)` whose body is `make(*args)`; the last op is returned."""
    types = [TensorType(element_type_of(a.dtype), a.shape) for a in arrays]
    func = graph.FuncOp("f", (types, []))
    block = func.body.block
    made = make(*block.args)
    ops = [made] if isinstance(made, Operation) else list(made)
    for op in ops:
        block.add_op(op)
    results: list[SSAValue] = list(ops[-1].results)
    block.add_op(graph.ReturnOp(*results))
    func.function_type = graph.FuncOp("f", (types, [r.type for r in results])).function_type
    module = ModuleOp([func])
    module.verify()
    return module


@pytest.fixture
def run_graph() -> RunGraph:
    """`run_graph(make, *arrays)`: interpret `graph_module(arrays, make)` on the arrays."""

    def run(make: MakeOps, *arrays: Array) -> Array:
        result = dlir.interpret(graph_module(arrays, make), "f", *arrays)
        assert isinstance(result, np.ndarray)
        return result

    return run
