"""Fusion categories of `graph` operators, as TVM's operator patterns define them.

A fusion pass asks each op how it may be fused with its neighbours:

    %0 = graph.matmul %x, %w ...   out_fusable: elementwise consumers can be fused into it
    %1 = graph.add %0, %b ...      broadcast
    %2 = graph.relu %1 ...         elementwise
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

from xdsl.ir import Operation
from xdsl.traits import OpTrait


class FusionCategory(IntEnum):
    """How an operator fuses; ordered from most to least fusable, as in TVM's OpPatternKind."""

    ELEMENTWISE = 0  # out[i] = f(in[i]): same shape in and out
    BROADCAST = 1  # out[i] = f(in[g(i)]) with g a broadcast: an axis maps to itself or to 0
    INJECTIVE = 2  # each output element reads one input element (reshape, transpose, slice, ...)
    REDUCTION = 3  # output elements combine many input elements along some axes
    OUT_FUSABLE = 4  # complex kernels (matmul, conv2d) whose outputs elementwise ops can join
    OPAQUE = 5  # never fused

    def __str__(self) -> str:
        return self.name.lower()


@dataclass(frozen=True)
class FusionTrait(OpTrait):
    """Declares the op's fusion category: `traits_def(FusionTrait(FusionCategory.ELEMENTWISE))`."""

    category: FusionCategory


def fusion_category(op: Operation) -> FusionCategory | None:
    """The fusion category of `op`, or None for ops that declare none (func, return, ...)."""
    trait = op.get_trait(FusionTrait)
    return trait.category if trait is not None else None
