"""Parameters of the VTA-like accelerator: tile shape, on-chip buffers, DRAM, costs, queues.

One gemm step multiplies a (BATCH x BLOCK_IN) int8 input tile by a (BLOCK_OUT x BLOCK_IN)
int8 weight tile (stored output-major, as VTA does) into a (BATCH x BLOCK_OUT) int32
accumulator tile. Buffers are counted in tiles; DRAM offsets in elements.

    VTAConfig()                                   # 1x16x16, VTA's default sizes
    VTAConfig(block_in=8, block_out=8)            # an 8x8 gemm core
    VTAConfig().tile_elems(INP)                   # 16 (int8 elements per input tile)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

# Memory scopes: the strings memrefs carry as their memory space (`memref<1x16xi8, "vta.inp">`).
INP = "vta.inp"
WGT = "vta.wgt"
ACC = "vta.acc"
SCOPES = (INP, WGT, ACC)

Scope = Literal["vta.inp", "vta.wgt", "vta.acc"]

# The three modules that run concurrently, in the order the timed model visits them.
Module = Literal["load", "compute", "store"]
MODULES: tuple[Module, ...] = ("load", "compute", "store")


@dataclass(frozen=True)
class VTAConfig:
    """Shape, sizes and costs of one accelerator instance (defaults follow VTA's 1x16x16)."""

    batch: int = 1
    block_in: int = 16
    block_out: int = 16
    # On-chip buffers, in tiles (VTA default: 32 KiB inp, 256 KiB wgt, 128 KiB acc).
    inp_buffer_tiles: int = 2048
    wgt_buffer_tiles: int = 1024
    acc_buffer_tiles: int = 2048
    # An instruction's affine loop nest has at most this many levels (VTA: two levels plus a
    # micro-op sequence; here three affine levels stand for both).
    max_loop_levels: int = 3
    # DRAM: bytes per cycle, and fixed cycles to set up one 2-D DMA transfer.
    dram_bytes_per_cycle: int = 8
    dma_setup_cycles: int = 16
    # Writing one zero padding tile into SRAM.
    pad_cycles_per_tile: int = 1
    # Compute module: a pipeline fill per instruction, then cycles per tile operation.
    gemm_setup_cycles: int = 4
    gemm_cycles_per_tile: int = 1
    alu_setup_cycles: int = 4
    alu_cycles_per_tile: int = 1
    finish_cycles: int = 1
    # Depth of each of the four dependency token queues.
    queue_depth: int = 8

    def __post_init__(self) -> None:
        for name, value in vars(self).items():
            if not isinstance(value, int) or value < 0:
                raise ValueError(f"VTAConfig.{name} must be a non-negative int, got {value!r}")
        for name in ("batch", "block_in", "block_out", "dram_bytes_per_cycle", "queue_depth"):
            if getattr(self, name) < 1:
                raise ValueError(f"VTAConfig.{name} must be >= 1, got {getattr(self, name)}")

    def tile_shape(self, scope: str) -> tuple[int, int]:
        """(rows, cols) of one tile of `scope`: inp (batch, block_in), wgt (block_out,
        block_in), acc (batch, block_out)."""
        if scope == INP:
            return (self.batch, self.block_in)
        if scope == WGT:
            return (self.block_out, self.block_in)
        if scope == ACC:
            return (self.batch, self.block_out)
        raise ValueError(f"unknown memory scope {scope!r}; expected one of {', '.join(SCOPES)}")

    def tile_elems(self, scope: str) -> int:
        rows, cols = self.tile_shape(scope)
        return rows * cols

    def buffer_tiles(self, scope: str) -> int:
        if scope == INP:
            return self.inp_buffer_tiles
        if scope == WGT:
            return self.wgt_buffer_tiles
        if scope == ACC:
            return self.acc_buffer_tiles
        raise ValueError(f"unknown memory scope {scope!r}; expected one of {', '.join(SCOPES)}")

    def sram_bytes_per_tile(self, scope: str) -> int:
        """Bytes of one tile on chip: int8 for inp/wgt, int32 for acc."""
        return self.tile_elems(scope) * (4 if scope == ACC else 1)


DEFAULT_CONFIG = VTAConfig()
