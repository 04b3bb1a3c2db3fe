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
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field

from xdsl.dialects import arith
from xdsl.ir import Operation, SSAValue

from dlir.backends.vta.config import ACC, INP, WGT, VTAConfig
from dlir.backends.vta.isa import Alu, AluLoop, Gemm, GemmLoop, Instruction, Load, Store
from dlir.backends.vta.linear import Linear, NotLinear, View, evaluate
from dlir.dialects.loop import LoadOp, StoreOp
from dlir.intrinsics.vta import instruction_of

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
class Statement:
    """A nest's loops (position -> extent; unit loops dropped), its leaf op, and how
    the walker resolves the leaf's operands."""

    loops: dict[int, int]
    leaf: Operation
    resolve: Resolve
    config: VTAConfig

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
        source = _owner(value)
        if isinstance(source, LoadOp) and not self._access(source).on_chip:
            return self._copy_in(self._access(source), target)
        if scope != ACC:
            raise StatementError(
                f"a store into {scope} must copy a DRAM tile (a dma load); found "
                f"{_describe(source)}",
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

    # -- patterns ----------------------------------------------------------------------------

    def _match_gemm(self, value: SSAValue, target: Access) -> list[Emitted] | None:
        # acc[x] + ext(inp[..]) * ext(wgt[..])  (either order)
        add = _owner(value)
        if not isinstance(add, arith.AddiOp):
            return None
        for old, product in ((add.lhs, add.rhs), (add.rhs, add.lhs)):
            load = _owner(old)
            mul = _owner(product)
            if not isinstance(load, LoadOp) or not isinstance(mul, arith.MuliOp):
                continue
            if self._access(load).address != target.address:
                continue
            factors = [_widened_load(mul.lhs), _widened_load(mul.rhs)]
            if any(f is None for f in factors):
                continue
            operands = {self._access(f).view.scope: self._access(f) for f in factors if f}
            if set(operands) != {INP, WGT}:
                continue
            return self._gemm_store(target, operands[INP], operands[WGT])
        return None

    def _gemm_store(self, acc: Access, inp: Access, wgt: Access) -> list[Emitted]:
        config = self.config
        loops, intra = self._split([acc, inp, wgt])
        expected = {
            (1, 0, config.block_in): config.block_out,
            (0, 1, 1): config.block_in,
        }
        if config.batch > 1:
            expected[(config.block_out, config.block_in, 0)] = config.batch
        found = {
            (acc.address.coeff(p), inp.address.coeff(p), wgt.address.coeff(p)): self.loops[p]
            for p in intra
        }
        if found != expected:
            raise StatementError(
                "the loops inside one tile do not form a VTA gemm "
                f"({config.batch}x{config.block_in} . {config.block_out}x{config.block_in}^T): "
                f"found (acc, inp, wgt) element strides and extents {_pairs(found)}, expected "
                f"{_pairs(expected)}; tile the nest by the gemm's shape",
                self.leaf,
            )
        return self._gemm({"acc": acc, "inp": inp, "wgt": wgt}, loops)

    def _alu_chain(self, value: SSAValue, target: Access) -> list[Emitted]:
        """acc[x] = op_n(...op_1(acc[x], imm)...) or acc[x] = op(acc[x], acc[y])."""
        chain, source = self._chain(value)
        if isinstance(source, tuple):
            raise StatementError(source[0], self.leaf)
        if source.address != target.address:
            raise StatementError(
                "an ALU statement updates its accumulator tile in place: it must read the "
                "tile it writes",
                self.leaf,
            )
        loops, intra = self._split([target, *(a for _, a in chain if isinstance(a, Access))])
        self._whole_tiles(target, intra)
        emitted: list[Emitted] = []
        for op, operand in chain:
            if isinstance(operand, Access):
                emitted += self._alu(op, {"dst": target, "src": operand}, loops, None)
            else:
                emitted += self._alu(op, {"dst": target}, loops, operand)
        return emitted

    def _to_dram(self, target: Access, value: SSAValue) -> list[Emitted]:
        """DRAM[..] = [trunci](chain(acc[..])): ALU ops in place, then a Store."""
        narrow = _owner(value)
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
            low, high = _range(chain)
            if low < -128 or high > 127:
                raise StatementError(
                    f"arith.trunci wraps values outside [-128, 127] but VTA's store clips them; "
                    f"the stored value ranges over [{low}, {high}]: clip it first "
                    "(arith.maxsi with -128, arith.minsi with 127)",
                    self.leaf,
                )
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

    def _copy_in(self, source: Access, target: Access) -> list[Emitted]:
        loops, intra = self._split([target], dram=source)
        self._whole_tiles(target, intra, source)
        return self._dma_load(source, target, loops)

    def _chain(self, value: SSAValue) -> tuple[list[tuple[str, int | Access]], Access | tuple[str]]:
        """The ALU ops from an acc load up to `value`, innermost first, and that load
        (or a message saying what is not an ALU op)."""
        ops: list[tuple[str, int | Access]] = []
        while True:
            owner = _owner(value)
            if isinstance(owner, LoadOp):
                access = self._access(owner)
                if access.view.scope != ACC:
                    return ops, (
                        f"the ALU reads accumulator tiles; found a read of {access.view.scope}",
                    )
                ops.reverse()
                return ops, access
            name = _ALU_OPS.get(type(owner)) if owner is not None else None
            if owner is None or name is None:
                return ops, (
                    f"{_describe(owner)} is not an ALU op (add, max, min, shr, mul of an "
                    "accumulator and an i32 constant or another accumulator tile)",
                )
            lhs, rhs = owner.operands
            for chained, other in ((lhs, rhs), (rhs, lhs)):
                if name == "shr" and chained is not lhs:
                    continue
                constant = self.resolve(other)
                if isinstance(constant, int):
                    ops.append((name, constant))
                    value = chained
                    break
                load = _owner(other)
                if isinstance(load, LoadOp) and _owner(chained) is not None and name != "shr":
                    access = self._access(load)
                    if access.view.scope == ACC and isinstance(_owner(chained), LoadOp):
                        ops.append((name, access))
                        value = chained
                        break
            else:
                return ops, (f"{owner.name} has no constant or accumulator operand",)

    # -- instructions ------------------------------------------------------------------------

    def _gemm(
        self, operands: dict[str, Access], loops: list[int], reset: bool = False
    ) -> list[Emitted]:
        tiles = {name: a.tiles(self.config, loops) for name, a in operands.items()}
        emitted: list[Emitted] = []
        for base, kept in self._levels(loops, self.config.max_loop_levels):
            gemm_loops = tuple(
                GemmLoop(
                    self.loops[p],
                    acc=tiles["acc"].coeff(p),
                    inp=tiles["inp"].coeff(p) if "inp" in tiles else 0,
                    wgt=tiles["wgt"].coeff(p) if "wgt" in tiles else 0,
                )
                for p in kept
            )
            acc = tiles["acc"].at(base)
            if reset:
                instr = Gemm(reset=True, acc=acc, loops=gemm_loops)
            else:
                instr = Gemm(
                    acc=acc, inp=tiles["inp"].at(base), wgt=tiles["wgt"].at(base), loops=gemm_loops
                )
            record = Emitted(instr)
            for a, i, w in instr.steps():
                record.writes.add((ACC, a))
                if not reset:
                    record.reads.update(((ACC, a), (INP, i), (WGT, w)))
            emitted.append(record)
        return emitted

    def _alu(
        self, op: str, operands: dict[str, Access], loops: list[int], imm: int | None
    ) -> list[Emitted]:
        tiles = {name: a.tiles(self.config, loops) for name, a in operands.items()}
        emitted: list[Emitted] = []
        for base, kept in self._levels(loops, self.config.max_loop_levels):
            alu_loops = tuple(
                AluLoop(
                    self.loops[p],
                    dst=tiles["dst"].coeff(p),
                    src=tiles["src"].coeff(p) if "src" in tiles else 0,
                )
                for p in kept
            )
            src = tiles["src"].at(base) if "src" in tiles else 0
            instr = Alu(op=op, dst=tiles["dst"].at(base), src=src, imm=imm, loops=alu_loops)
            record = Emitted(instr)
            for d, s in instr.steps():
                record.writes.add((ACC, d))
                record.reads.add((ACC, d))
                if imm is None:
                    record.reads.add((ACC, s))
            emitted.append(record)
        return emitted

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


_ALU_OPS: dict[type[Operation], str] = {
    arith.AddiOp: "add",
    arith.MaxSIOp: "max",
    arith.MinSIOp: "min",
    arith.ShRSIOp: "shr",
    arith.MuliOp: "mul",
}


def _owner(value: SSAValue) -> Operation | None:
    owner = value.owner
    return owner if isinstance(owner, Operation) else None


def _widened_load(value: SSAValue) -> LoadOp | None:
    """The int8 load under a sign extension (index_cast through index, or extsi)."""
    owner = _owner(value)
    if isinstance(owner, arith.ExtSIOp):
        owner = _owner(owner.input)
    elif isinstance(owner, arith.IndexCastOp):
        inner = _owner(owner.input)
        if isinstance(inner, arith.IndexCastOp):
            owner = _owner(inner.input)
    return owner if isinstance(owner, LoadOp) else None


def _range(chain: Sequence[tuple[str, int | Access]]) -> tuple[int, int]:
    """The values an int32 accumulator can take after the chain's immediate ops."""
    low, high = -(2**31), 2**31 - 1
    for op, operand in chain:
        if not isinstance(operand, int):
            return -(2**31), 2**31 - 1
        if op == "shr":
            low, high = low >> operand, high >> operand
        elif op == "max":
            low, high = max(low, operand), max(high, operand)
        elif op == "min":
            low, high = min(low, operand), min(high, operand)
        elif op == "add":
            low, high = low + operand, high + operand
        else:
            corners = (low * operand, high * operand)
            low, high = min(corners), max(corners)
    return low, high


def _describe(op: Operation | None) -> str:
    return "a block argument" if op is None else op.name


def _pairs(found: dict[tuple[int, int, int], int]) -> str:
    return ", ".join(f"{k} x {v}" for k, v in sorted(found.items())) or "none"
