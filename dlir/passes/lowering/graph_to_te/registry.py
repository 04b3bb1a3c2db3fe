"""Where each graph op's tensor-expression definition is registered.

A definition builds the te stages of one graph op into a `KernelBuilder` whose arguments
are the op's operands (named `X0`, `X1`, ...), and returns the stage results that become
the kernel's results, in the order of the op's results:

    @te_definition(graph.ReluOp)
    def relu(op: graph.ReluOp, kb: KernelBuilder, inputs: Sequence[SSAValue]) -> list[SSAValue]:
        ...
        return [kb.compute("Y", axes, body)]

    graph.relu %x : tensor<4x8xf32>
    ->  te.kernel @relu_4x8xf32(%X0: tensor<4x8xf32>) -> tensor<4x8xf32> {
          %Y = te.compute "Y" (%i0: 4, %i1: 8) { ... } : tensor<4x8xf32>
          te.return %Y : tensor<4x8xf32>
        }

The `graph-to-te` pass (`pass_.py`) turns every graph op with a definition into a
`graph.call_dps` of its kernel.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from xdsl.ir import Operation, SSAValue

from dlir.dialects.te.builder import KernelBuilder

Definition = Callable[[Any, KernelBuilder, Sequence[SSAValue]], Sequence[SSAValue]]
"""`fn(op, kb, inputs) -> results`: the te stages of `op`, built into `kb`."""

TE_DEFINITIONS: dict[type[Operation], Definition] = {}
"""Graph op class -> its te definition. Filled by the modules of this package."""

_F = TypeVar("_F", bound=Definition)


def te_definition(*op_types: type[Operation]) -> Callable[[_F], _F]:
    """Decorator: register `fn` as the te definition of each of `op_types`."""

    def register(fn: _F) -> _F:
        for op_type in op_types:
            if op_type in TE_DEFINITIONS:
                raise ValueError(f"{op_type.name} already has a te definition")
            TE_DEFINITIONS[op_type] = fn
        return fn

    return register
