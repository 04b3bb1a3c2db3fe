"""DMA statements: copies between DRAM and the on-chip buffers -> Load / Store.

    SRAM[..] = DRAM[..]        ->  Load  (a 2-D DMA per run of contiguous tiles)
    DRAM[..] = acc[..]         ->  Store (int8 clips, int32 copies)

The innermost loops contiguous in both memories form a DMA row (`x_size` tiles), the
next loop contiguous on chip its rows (`y_size`, with the DRAM stride); the remaining
loops are unrolled into several instructions.
"""

from __future__ import annotations

from collections.abc import Iterator

from dlir.backends.vta.config import ACC
from dlir.backends.vta.isa import Load, Store
from dlir.backends.vta.statements.base import Access, Emitted, StatementBase, StatementError


class DmaStatements(StatementBase):
    """Load and Store instructions of a statement."""

    def _copy_in(self, source: Access, target: Access) -> list[Emitted]:
        loops, intra = self._split([target], dram=source)
        self._whole_tiles(target, intra, source)
        return self._dma_load(source, target, loops)

    def _dma_load(self, dram: Access, sram: Access, loops: list[int]) -> list[Emitted]:
        scope = sram.view.scope
        emitted: list[Emitted] = []
        for dram_offset, sram_offset, y, x, stride in self._dma(dram, sram, loops):
            instr = Load(
                scope=scope,
                buffer=dram.view.buffer,
                dram_offset=dram_offset,
                y_size=y,
                x_size=x,
                x_stride=stride,
                sram_offset=sram_offset,
            )
            record = Emitted(instr, dram_reads={dram.view.buffer})
            record.writes.update((scope, sram_offset + t) for t in range(y * x))
            emitted.append(record)
        return emitted

    def _dma_store(self, sram: Access, dram: Access, loops: list[int]) -> list[Emitted]:
        emitted: list[Emitted] = []
        for dram_offset, sram_offset, y, x, stride in self._dma(dram, sram, loops):
            instr = Store(
                buffer=dram.view.buffer,
                dram_offset=dram_offset,
                y_size=y,
                x_size=x,
                x_stride=stride,
                sram_offset=sram_offset,
            )
            record = Emitted(instr, dram_writes={dram.view.buffer})
            record.reads.update((ACC, sram_offset + t) for t in range(y * x))
            emitted.append(record)
        return emitted

    def _dma(
        self, dram: Access, sram: Access, loops: list[int]
    ) -> Iterator[tuple[int, int, int, int, int]]:
        """2-D DMAs moving the tiles of `loops`: (dram offset, sram offset, y, x, stride).

        x: the innermost loops contiguous in both memories; y: the next loop, contiguous
        on chip; the remaining loops are unrolled."""
        size = self.config.tile_elems(sram.view.scope)
        on_chip = sram.tiles(self.config, loops)
        rest = list(loops)
        x = 1
        while rest and dram.address.coeff(rest[-1]) == x * size and on_chip.coeff(rest[-1]) == x:
            x *= self.loops[rest.pop()]
        y, stride = 1, x * size
        if rest and on_chip.coeff(rest[-1]) == x:
            position = rest.pop()
            y, stride = self.loops[position], dram.address.coeff(position)
        for base, _ in self._levels(rest, 0):
            yield dram.address.at(base), on_chip.at(base), y, x, stride

    def _check_dram_tile(self, access: Access, callee: str) -> None:
        if access.on_chip:
            raise StatementError(
                f"@{callee}: expected a DRAM buffer, found {access.view.scope}", self.leaf
            )
        shape = [1, *access.view.shape]
        rows, cols = shape[-2], shape[-1]
        if rows > 1 and access.view.strides[-2] != cols:
            raise StatementError(
                f"@{callee}: the DRAM tile's rows are {access.view.strides[-2]} elements apart; "
                "VTA's DMA moves contiguous tiles: store the tensor tile by tile (isa.pack_tiles)",
                self.leaf,
            )
