"""te schedules as IR: `te.schedule @kernel { primitives }`, one op class per primitive.

    te.schedule @matmul {
      te.tile "C" ("i", "j") by (64, 64) -> ("io", "jo", "ii", "ji")
      te.split "C" "k" by 4 -> "ko", "ki"
      te.reorder "C" ["io", "jo", "ko", "ii", "ki", "ji"]
      te.vectorize "C" "ji"
      te.unroll "C" "ki"
      te.parallel "C" "io"
    }

Stages and axes are named by strings. Every primitive names the stage it schedules first.
A primitive verifies by replaying the schedule up to itself on a `ScheduleState`
(`model.py`), so each error points at the primitive that is wrong. Adding a primitive
is one class (in `loops.py` or `stages.py`: its syntax and its `apply_` on the model)
plus its tests.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from typing import TypeVar

from xdsl.dialects.builtin import (
    ArrayAttr,
    FlatSymbolRefAttrConstr,
    IntegerAttr,
    StringAttr,
    SymbolRefAttr,
)
from xdsl.ir import Attribute, Block, Operation, Region
from xdsl.irdl import (
    IRDLOperation,
    irdl_op_definition,
    prop_def,
    region_def,
    traits_def,
)
from xdsl.traits import HasParent, NoTerminator, SymbolTable
from xdsl.utils.exceptions import VerifyException

from dlir.dialects.te.kernel import KernelOp
from dlir.dialects.te.model import (
    ScheduleError,
    ScheduleState,
    module_has_symbol,
)

_OpT = TypeVar("_OpT", bound=Operation)


@irdl_op_definition
class ScheduleOp(IRDLOperation):
    """The schedule of a te.kernel: its primitives, applied in order.

        te.schedule @matmul {
          te.split "C" "i" by 32 -> "io", "ii"
          te.parallel "C" "io"
        }
    """

    name = "te.schedule"

    kernel = prop_def(FlatSymbolRefAttrConstr)
    body = region_def()

    traits = traits_def(NoTerminator())
    assembly_format = "$kernel attr-dict-with-keyword $body"

    def __init__(self, kernel: str, primitives: Sequence[PrimitiveOp] = ()) -> None:
        # no primitives, no block: prints `{}` as a parsed empty schedule does (an
        # empty block would print `^bb0:`)
        body = Region(Block(primitives)) if primitives else Region()
        super().__init__(properties={"kernel": SymbolRefAttr(kernel)}, regions=[body])

    @property
    def kernel_name(self) -> str:
        return self.kernel.root_reference.data

    def primitives(self) -> list[PrimitiveOp]:
        """The primitives in order (an empty `{}` body has no block at all)."""
        return [op for b in self.body.blocks for op in b.ops if isinstance(op, PrimitiveOp)]

    def append(self, primitive: PrimitiveOp) -> None:
        if not self.body.blocks:
            self.body.add_block(Block())
        self.body.block.add_op(primitive)

    def kernel_op(self) -> KernelOp | None:
        """The scheduled kernel, looked up in the enclosing symbol table."""
        found = _lookup(self, self.kernel_name)
        return found if isinstance(found, KernelOp) else None

    def initial_state(self) -> ScheduleState | None:
        """The unscheduled kernel as a model, or None when the kernel is missing."""
        kernel = self.kernel_op()
        if kernel is None:
            return None
        return ScheduleState.from_kernel(kernel, lambda name: module_has_symbol(self, name))

    def verify_(self) -> None:
        found = _lookup(self, self.kernel_name)
        if found is None:
            kernels = [f"@{k.sym_name.data}" for k in _siblings(self, KernelOp)]
            raise VerifyException(
                f"no te.kernel named @{self.kernel_name}; kernels are "
                f"{', '.join(kernels) if kernels else 'none'}"
            )
        if not isinstance(found, KernelOp):
            raise VerifyException(f"@{self.kernel_name} is a {found.name}, not a te.kernel")
        for other in _siblings(self, ScheduleOp):
            if other is self:
                break
            if other.kernel_name == self.kernel_name:
                raise VerifyException(f"kernel @{self.kernel_name} already has a schedule")
        if len(self.body.blocks) > 1:
            raise VerifyException(f"a schedule has one block, found {len(self.body.blocks)}")
        for op in self.body.walk():
            if not isinstance(op, PrimitiveOp):
                raise VerifyException(
                    f"found {op.name} in a schedule; a schedule holds only te primitives"
                )


def verify_schedule(schedule: ScheduleOp) -> ScheduleState:
    """Replay every primitive of `schedule`; the final state, or the first `ScheduleError`."""
    state = schedule.initial_state()
    if state is None:
        raise ScheduleError(f"no te.kernel named @{schedule.kernel_name}")
    for primitive in schedule.primitives():
        primitive.apply(state)
    return state


class PrimitiveOp(IRDLOperation, ABC):
    """A schedule primitive: names its stage first, and knows how to change the model."""

    stage = prop_def(StringAttr)

    traits = traits_def(HasParent(ScheduleOp))

    def apply(self, state: ScheduleState) -> None:
        """Apply this primitive to `state`, or raise `ScheduleError` saying why it can't:
        its own preconditions (`apply_`), then that every stage computed at a loop still
        precedes all its reads there (a cache_write or a reorder can break that)."""
        self.apply_(state)
        state.check_placements(self.name.removeprefix("te."), self.stage.data)

    @abstractmethod
    def apply_(self, state: ScheduleState) -> None:
        """Change `state` as this primitive does, or raise `ScheduleError` saying why it
        can't (and what would be legal)."""

    def verify_(self) -> None:
        schedule = self.parent_op()
        if not isinstance(schedule, ScheduleOp):
            return
        state = schedule.initial_state()
        if state is None:
            return  # te.schedule reports the missing kernel
        for op in schedule.primitives():
            if op is self:
                self.apply(state)
                return
            try:
                op.apply(state)
            except ScheduleError:
                return  # that primitive reports its own error


def primitive_props(**values: str | int | Sequence[str] | None) -> dict[str, Attribute | None]:
    """Properties from plain values: str -> StringAttr, int -> i64, list -> [strings]."""
    props: dict[str, Attribute | None] = {}
    for key, value in values.items():
        if value is None:
            props[key] = None
        elif isinstance(value, str):
            props[key] = StringAttr(value)
        elif isinstance(value, int):
            props[key] = IntegerAttr(value, 64)
        else:
            props[key] = ArrayAttr(StringAttr(v) for v in value)
    return props


def _lookup(op: Operation, name: str) -> Operation | None:
    anchor = op.parent_op()
    while anchor is not None and not anchor.has_trait(SymbolTable):
        anchor = anchor.parent_op()
    if anchor is None:
        return None
    return SymbolTable.lookup_symbol(anchor, name)


def _siblings(op: Operation, kind: type[_OpT]) -> list[_OpT]:
    block = op.parent_block()
    if block is None:
        return []
    return [o for o in block.ops if isinstance(o, kind)]
