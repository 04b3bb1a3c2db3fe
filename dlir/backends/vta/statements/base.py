"""What every statement kind shares: operands (`Access`), the emitted records (`Emitted`),
and `StatementBase`, a nest's loops with the checks and address helpers the DMA
(`dma.py`) and compute (`compute.py`) statements build on.

    base = StatementBase({0: 64, 1: 8}, leaf, resolve, config)
    loops, intra = base.split([acc, inp, wgt])     # loops stepping by tiles / inside one tile
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field

from xdsl.ir import Operation, SSAValue

from dlir.backends.vta.config import VTAConfig
from dlir.backends.vta.isa import Instruction
from dlir.backends.vta.linear import Linear, NotLinear, View, evaluate
from dlir.dialects.loop import LoadOp, StoreOp

DRAM = "dram"


class StatementError(ValueError):
    """A statement the accelerator cannot run; `op` is where to point the message."""

    def __init__(self, message: str, op: Operation | None = None) -> None:
        super().__init__(message)
        self.op = op


@dataclass
class Emitted:
    """An instruction and the on-chip tiles and DRAM buffers it reads and writes."""

    instruction: Instruction
    reads: set[tuple[str, int]] = field(default_factory=set[tuple[str, int]])
    writes: set[tuple[str, int]] = field(default_factory=set[tuple[str, int]])
    dram_reads: set[int] = field(default_factory=set[int])
    dram_writes: set[int] = field(default_factory=set[int])


@dataclass(frozen=True)
class Access:
    """An operand of a statement: its view and its address over the nest's loops
    (elements; on chip, `tiles()` gives it in tiles)."""

    view: View
    address: Linear
    op: Operation

    @property
    def on_chip(self) -> bool:
        return self.view.scope != DRAM

    def tiles(self, config: VTAConfig, loops: Sequence[int]) -> Linear:
        """The address in tiles, for a statement whose tile loops are `loops`."""
        size = config.tile_elems(self.view.scope)
        coeffs = {p: self.address.coeff(p) // size for p in loops}
        return Linear(self.address.const // size, coeffs)


Resolve = Callable[[SSAValue], "Linear | View | int | None"]
"""What the walker knows of a value: an index (over the nest's loops), a view, an
integer constant, or nothing."""


@dataclass
class StatementBase:
    """A nest's loops (position -> extent; unit loops dropped), its leaf op, and how
    the walker resolves the leaf's operands."""

    loops: dict[int, int]
    leaf: Operation
    resolve: Resolve
    config: VTAConfig

    def _levels(self, loops: list[int], keep: int) -> Iterator[tuple[dict[int, int], list[int]]]:
        """The innermost `keep` loops as an instruction's own; each point of the others."""
        cut = max(0, len(loops) - keep)
        outer, kept = loops[:cut], loops[cut:]
        for values in itertools.product(*(range(self.loops[p]) for p in outer)):
            yield dict(zip(outer, values, strict=True)), kept

    # -- checks ------------------------------------------------------------------------------

    def _split(
        self, accesses: Sequence[Access], dram: Access | None = None
    ) -> tuple[list[int], list[int]]:
        """The nest's loops that step by whole tiles, and those inside one tile."""
        tile_loops: list[int] = []
        intra: list[int] = []
        for position in self.loops:
            steps = [
                (a.address.coeff(position), self.config.tile_elems(a.view.scope))
                for a in accesses
                if a.on_chip
            ]
            if all(abs(c) < size for c, size in steps) and any(c for c, _ in steps):
                intra.append(position)
            elif all(c % size == 0 for c, size in steps):
                tile_loops.append(position)
            else:
                c, size = next((c, s) for c, s in steps if c % s)
                raise StatementError(
                    f"loop {position} of the statement steps by {c} elements through "
                    f"{size}-element tiles: it neither stays inside a tile nor moves by "
                    "whole tiles; tile the nest by the accelerator's tile shape",
                    self.leaf,
                )
        if dram is not None:
            for position in intra:
                if dram.address.coeff(position) != accesses[0].address.coeff(position):
                    raise StatementError(
                        "a DRAM tile must be contiguous (VTA's DMA moves whole tiles): "
                        "store the tensor tile by tile (isa.pack_tiles)",
                        self.leaf,
                    )
        return tile_loops, intra

    def _whole_tiles(self, access: Access, intra: list[int], dram: Access | None = None) -> None:
        """The loops inside a tile visit each of its elements once, in order."""
        size = self.config.tile_elems(access.view.scope)
        steps = sorted((access.address.coeff(p), self.loops[p], p) for p in intra)
        expected = 1
        for coeff, extent, _ in steps:
            if coeff != expected:
                break
            expected *= extent
        if expected != size or access.address.const % size:
            raise StatementError(
                f"the statement does not cover whole {access.view.scope} tiles of {size} "
                f"elements (its loops inside a tile cover {expected}); tile the nest by the "
                "accelerator's tile shape",
                self.leaf,
            )
        if dram is not None:
            for _, _, position in steps:
                if dram.address.coeff(position) != access.address.coeff(position):
                    raise StatementError(
                        "a DRAM tile must be contiguous (VTA's DMA moves whole tiles): "
                        "store the tensor tile by tile (isa.pack_tiles)",
                        self.leaf,
                    )

    def _check_tile_view(self, access: Access, callee: str) -> None:
        size = self.config.tile_elems(access.view.scope)
        rows, cols = self.config.tile_shape(access.view.scope)
        if access.view.shape[-2:] != (rows, cols) and access.view.shape != (rows * cols,):
            raise StatementError(
                f"@{callee}: a {access.view.scope} tile is {rows}x{cols} with this "
                f"accelerator, found a {'x'.join(map(str, access.view.shape))} buffer",
                self.leaf,
            )
        for position in self.loops:
            if access.address.coeff(position) % size:
                raise StatementError(
                    f"@{callee}: a loop moves its {access.view.scope} buffer by "
                    f"{access.address.coeff(position)} elements, not by whole tiles",
                    self.leaf,
                )
        if access.address.const % size:
            raise StatementError(
                f"@{callee}: its {access.view.scope} buffer starts inside a tile "
                f"(element {access.address.const})",
                self.leaf,
            )

    # -- operands ----------------------------------------------------------------------------

    def _access(self, op: LoadOp | StoreOp) -> Access:
        view = self.resolve(op.memref)
        if not isinstance(view, View):
            raise StatementError("the accessed buffer is not known at compile time", op)
        operands = [self.index(v, op) for v in op.indices]
        try:
            indices = [evaluate(e, operands) for e in op.map.data.results]
        except NotLinear as err:
            raise StatementError(f"{err}", op) from None
        return Access(view, view.address(indices), op)

    def index(self, value: SSAValue, op: Operation) -> Linear:
        """An index operand as a linear form over the nest's loops."""
        found = self.resolve(value)
        if isinstance(found, int):
            return Linear.of(found)
        if not isinstance(found, Linear):
            raise StatementError(f"an index of {op.name} is not known at compile time", op)
        return found

    def _buffer(self, value: SSAValue) -> Access:
        view = self.resolve(value)
        if not isinstance(view, View):
            raise StatementError("a buffer of the hw.call is not known at compile time", self.leaf)
        return Access(view, view.offset, self.leaf)


def owner_of(value: SSAValue) -> Operation | None:
    owner = value.owner
    return owner if isinstance(owner, Operation) else None


def describe(op: Operation | None) -> str:
    return "a block argument" if op is None else op.name
