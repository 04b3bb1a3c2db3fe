"""Where each ONNX operator's converter is registered, and the error every converter raises.

A converter turns one ONNX node into `graph` ops through its `NodeContext` and returns
the node's outputs in order (SSA values, or numpy arrays for outputs known at import
time, such as `Shape` of a static tensor):

    @converter("Relu")
    def relu(ctx: NodeContext) -> list[Value]:
        return [ctx.emit(graph.ReluOp(ctx.input(0)))]

    Y = Relu(X)   ->   %Y = graph.relu %X : tensor<4x8xf32>
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, TypeAlias, TypeVar

from numpy.typing import NDArray
from xdsl.ir import SSAValue

if TYPE_CHECKING:
    from dlir.frontend.onnx.context import NodeContext

Value: TypeAlias = SSAValue | NDArray[Any]
"""An ONNX tensor during import: a graph SSA value, or a numpy array known at import time."""

Converter = Callable[["NodeContext"], Sequence[Value]]
"""`fn(ctx) -> outputs`: the graph ops of one ONNX node, built through `ctx`."""

CONVERTERS: dict[str, Converter] = {}
"""ONNX op type (default domain) -> its converter. Filled by the modules of this package."""

_F = TypeVar("_F", bound=Converter)


class OnnxImportError(Exception):
    """The model cannot be imported: says which node or tensor, what is wrong, what is legal."""


class NotConstantError(OnnxImportError):
    """A converter needs an input known at import time (a shape, axes) that is computed at
    run time. `tensor` names it, so a caller can bind the graph inputs it derives from
    (`from_onnx(..., input_values=...)`), as the ONNX backend does."""

    def __init__(self, message: str, tensor: str) -> None:
        super().__init__(message)
        self.tensor = tensor


def converter(*op_types: str) -> Callable[[_F], _F]:
    """Decorator: register `fn` as the converter of each of `op_types`."""

    def register(fn: _F) -> _F:
        for op_type in op_types:
            if op_type in CONVERTERS:
                raise ValueError(f"ONNX operator {op_type} already has a converter")
            CONVERTERS[op_type] = fn
        return fn

    return register
