"""Statements: one perfect loop nest (or one `hw.call`) -> VTA instructions.

A *statement* is a perfect nest of `loop.for`s whose innermost body holds one
`hw.call` of a VTA intrinsic (what `loop-tensorize` leaves) or one `loop.store` of a
pattern the accelerator runs (as TVM's `dma_copy` and `alu` pragmas inject them):

    copy      SRAM[..] = DRAM[..] (or acc -> DRAM int32)            -> Load / Store
    fill      acc[..] = 0                                           -> Gemm reset
    gemm      acc[..] = acc[..] + ext(inp[..]) * ext(wgt[..])       -> Gemm
    epilogue  DRAM[..] = trunci(min(max(acc[..] >> 8, 0), 127))     -> Alu shr, max, min; Store
    alu       acc[..] = max(acc[..], 0)  /  acc[..] = acc[..] + acc[..]   -> Alu

Element accesses are linear forms over the nest's loops (`linear.py`). With a store, the
loops that move within one tile (every on-chip coefficient below the tile size) must
cover whole tiles, contiguously; the other loops step by whole tiles and become the
instruction's own loops (Gemm/Alu: up to `max_loop_levels`; Load/Store: a 2-D DMA), the
rest are unrolled into several instructions. With an `hw.call` every loop steps by tiles.

The DMA statements are in `dma.py`, Gemm and Alu in `compute.py`, the shared operand and
loop helpers in `base.py`.
"""

from __future__ import annotations

from collections.abc import Sequence

from xdsl.dialects import arith
from xdsl.ir import SSAValue

from dlir.backends.vta.config import ACC
from dlir.backends.vta.statements.base import (
    DRAM,
    Access,
    Emitted,
    Resolve,
    StatementBase,
    StatementError,
    describe,
    owner_of,
)
from dlir.backends.vta.statements.compute import ComputeStatements, alu_range
from dlir.backends.vta.statements.dma import DmaStatements
from dlir.dialects.loop import LoadOp, StoreOp
from dlir.intrinsics.vta import instruction_of

__all__ = [
    "DRAM",
    "Access",
    "Emitted",
    "Resolve",
    "Statement",
    "StatementBase",
    "StatementError",
]


class Statement(DmaStatements, ComputeStatements):
    """A statement: its loops, leaf op and resolver; `lower_call` / `lower_store` give
    its instructions."""

    # -- entry points ------------------------------------------------------------------------

    def lower_call(self, callee: str, buffers: Sequence[SSAValue]) -> list[Emitted]:
        """An `hw.call` of a VTA intrinsic, repeated over the nest's loops."""
        kind = instruction_of(callee)
        if kind is None:
            raise StatementError(
                f"@{callee} is not a VTA intrinsic (see dlir/intrinsics/vta.py: vta_gemm, "
                "vta_fill_zero, vta_load_*, vta_store, vta_alu_*)",
                self.leaf,
            )
        what, detail, imm = kind
        accesses = [self._buffer(b) for b in buffers]
        for access in accesses:
            if access.on_chip:
                self._check_tile_view(access, callee)
        loops = list(self.loops)
        if what == "gemm":
            inp, wgt, acc = accesses
            return self._gemm({"acc": acc, "inp": inp, "wgt": wgt}, loops)
        if what == "fill_zero":
            return self._gemm({"acc": accesses[0]}, loops, reset=True)
        if what == "gemm_add":
            inp, wgt, bias, acc = accesses
            added = self._alu("add", {"dst": acc, "src": bias}, loops, None)
            return added + self._gemm({"acc": acc, "inp": inp, "wgt": wgt}, loops)
        if what == "alu":
            assert detail is not None
            if imm is None:
                src, dst = accesses
                return self._alu(detail, {"dst": dst, "src": src}, loops, None)
            return self._alu(detail, {"dst": accesses[0]}, loops, imm)
        if what == "load":
            src, dst = accesses
            self._check_dram_tile(src, callee)
            return self._dma_load(src, dst, loops)
        src, dst = accesses
        self._check_dram_tile(dst, callee)
        return self._dma_store(src, dst, loops)

    def lower_store(self) -> list[Emitted]:
        """A `loop.store` statement: copy, fill, gemm, ALU or epilogue + store."""
        store = self.leaf
        assert isinstance(store, StoreOp)
        target = self._access(store)
        value = store.value
        if not target.on_chip:
            return self._to_dram(target, value)
        scope = target.view.scope
        source = owner_of(value)
        if isinstance(source, LoadOp) and not self._access(source).on_chip:
            return self._copy_in(self._access(source), target)
        if scope != ACC:
            raise StatementError(
                f"a store into {scope} must copy a DRAM tile (a dma load); found "
                f"{describe(source)}",
                store,
            )
        constant = self.resolve(value)
        if isinstance(constant, int):
            if constant != 0:
                raise StatementError(
                    f"an accumulator can be filled with 0 only (Gemm reset), found {constant}",
                    store,
                )
            loops, intra = self._split([target])
            self._whole_tiles(target, intra)
            return self._gemm({"acc": target}, loops, reset=True)
        gemm = self._match_gemm(value, target)
        if gemm is not None:
            return gemm
        return self._alu_chain(value, target)

    def _to_dram(self, target: Access, value: SSAValue) -> list[Emitted]:
        """DRAM[..] = [trunci](chain(acc[..])): ALU ops in place, then a Store."""
        narrow = owner_of(value)
        bits = target.view.element_bits
        if isinstance(narrow, arith.TruncIOp):
            value = narrow.input
        elif bits != 32:
            raise StatementError(
                f"a store to a DRAM i{bits} buffer must narrow an i32 accumulator with "
                "arith.trunci (VTA's store clips to int8)",
                self.leaf,
            )
        chain, source = self._chain(value)
        if isinstance(source, tuple):
            raise StatementError(source[0], self.leaf)
        if bits == 8:
            low, high = alu_range(chain)
            if low < -128 or high > 127:
                raise StatementError(
                    f"arith.trunci wraps values outside [-128, 127] but VTA's store clips them; "
                    f"the stored value ranges over [{low}, {high}]: clip it first "
                    "(arith.maxsi with -128, arith.minsi with 127)",
                    self.leaf,
                )
            chain = _without_final_clip(chain)
        extra = [a for _, a in chain if isinstance(a, Access)]
        loops, intra = self._split([source, *extra])
        self._whole_tiles(source, intra, target)
        emitted: list[Emitted] = []
        for op, operand in chain:
            if isinstance(operand, Access):
                emitted += self._alu(op, {"dst": source, "src": operand}, loops, None)
            else:
                emitted += self._alu(op, {"dst": source}, loops, operand)
        return emitted + self._dma_store(source, target, loops)


def _without_final_clip(
    chain: list[tuple[str, int | Access]],
) -> list[tuple[str, int | Access]]:
    """`chain` without its last ALU ops that an int8 store's clip to [-128, 127] makes
    redundant: `min #c` with c >= 127 and `max #c` with c <= -128.

        shr #8, max #0, min #127; store (clips)   ->   shr #8, max #0; store (clips)
    """
    kept = list(chain)
    while kept:
        op, operand = kept[-1]
        if not isinstance(operand, int):
            break
        if not ((op == "min" and operand >= 127) or (op == "max" and operand <= -128)):
            break
        kept.pop()
    return kept
