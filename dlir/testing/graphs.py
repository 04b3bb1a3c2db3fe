"""Typing of the interpreter tests' `run_graph` fixture (tests/unit/interpreter/conftest.py).

def test_relu(run_graph: RunGraph) -> None:
    y = run_graph(graph.ReluOp, x)      # builds `graph.func @f`, interprets it on `x`
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Protocol, overload

from numpy.typing import NDArray
from xdsl.ir import Operation, SSAValue

Array = NDArray[Any]
Made = Operation | Sequence[Operation]
"""What a test's `make` builds: the op whose result is returned, or ops ending with it."""


class RunGraph(Protocol):
    """The `run_graph` fixture: build `@f` from `make`, interpret it on the arrays."""

    @overload
    def __call__(self, make: Callable[[SSAValue], Made], a: Array, /) -> Array: ...
    @overload
    def __call__(
        self, make: Callable[[SSAValue, SSAValue], Made], a: Array, b: Array, /
    ) -> Array: ...
    @overload
    def __call__(
        self, make: Callable[[SSAValue, SSAValue, SSAValue], Made], a: Array, b: Array, c: Array, /
    ) -> Array: ...
    @overload
    def __call__(self, make: Callable[..., Made], /, *arrays: Array) -> Array: ...
