"""The instruction set of the VTA-like accelerator.

Three modules run concurrently, each executing its own in-order instruction stream:
**load** (`Load` into vta.inp / vta.wgt), **compute** (`Load` into vta.acc, `Gemm`, `Alu`,
`Finish`) and **store** (`Store`). They synchronise only through four dependency token
queues; each instruction carries VTA's four flags, interpreted relative to its module:

    module    prev      next      pop_prev            pop_next            push_prev          push_next
    load      -         compute   -                   compute->load       -                  load->compute
    compute   load      store     load->compute       store->compute      compute->load      compute->store
    store     compute   -         compute->store      -                   store->compute     -

An instruction starts when its module is free, the queues it pops hold a token and the
queues it pushes have room; it pushes when it completes. Units: SRAM offsets count tiles of
the scope, DRAM offsets and strides count elements of the buffer (flattened, row-major). A
DRAM tile is `tile_elems` contiguous elements (see `pack_tiles`). A blocked int8 GEMM
C[1x32] = A[1x16] . W[32x16]^T, with a relu, as a listing:

    program = Program(
        instructions=(
            Load(scope=WGT, buffer=1, dram_offset=0, y_size=1, x_size=2, x_stride=512, sram_offset=0),
            Load(scope=INP, buffer=0, dram_offset=0, y_size=1, x_size=1, x_stride=16, sram_offset=0,
                 push_next=True),
            Gemm(reset=True, acc=0, inp=0, wgt=0, loops=(GemmLoop(extent=2, acc=1, inp=0, wgt=0),),
                 pop_prev=True),
            Gemm(acc=0, inp=0, wgt=0, loops=(GemmLoop(extent=2, acc=1, inp=0, wgt=1),)),
            Alu(op="max", dst=0, imm=0, loops=(AluLoop(extent=2, dst=1, src=0),), push_next=True),
            Store(buffer=2, dram_offset=0, y_size=1, x_size=2, x_stride=32, sram_offset=0,
                  pop_prev=True, push_prev=True),
            Finish(pop_next=True),
        ),
        buffers=(Buffer("A", (1, 16), "int8"), Buffer("W", (2, 16, 16), "int8"),
                 Buffer("C", (1, 32), "int8")),
    )
    program.validate()
    print(program)
       0  load    vta.wgt[0] <- W[0]  1x2 tiles, stride 512
       1  load    vta.inp[0] <- A[0]  1x1 tiles, stride 16                   ; push_next
       2  gemm    reset acc[0] (2: acc+1)                                    ; pop_prev
       3  gemm    acc[0] inp[0] wgt[0] (2: acc+1 wgt+1)
       4  alu     max acc[0], #0 (2: dst+1)                                  ; push_next
       5  store   C[0] <- vta.acc[0]  1x2 tiles, stride 32                   ; pop_prev push_prev
       6  finish                                                             ; pop_next
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from itertools import product
from typing import Literal

import numpy as np
import numpy.typing as npt

from dlir.backends.vta.config import (
    ACC,
    DEFAULT_CONFIG,
    INP,
    SCOPES,
    WGT,
    Module,
    VTAConfig,
)

Queue = Literal["load->compute", "compute->load", "compute->store", "store->compute"]
QUEUES: tuple[Queue, ...] = ("load->compute", "compute->load", "compute->store", "store->compute")

AluOp = Literal["add", "max", "min", "shr", "mul"]
ALU_OPS: tuple[AluOp, ...] = ("add", "max", "min", "shr", "mul")

DType = Literal["int8", "int32"]

# (module, flag) -> the queue that flag pops or pushes; a missing entry is an illegal flag.
_POP_QUEUE: dict[tuple[Module, str], Queue] = {
    ("load", "pop_next"): "compute->load",
    ("compute", "pop_prev"): "load->compute",
    ("compute", "pop_next"): "store->compute",
    ("store", "pop_prev"): "compute->store",
}
_PUSH_QUEUE: dict[tuple[Module, str], Queue] = {
    ("load", "push_next"): "load->compute",
    ("compute", "push_prev"): "compute->load",
    ("compute", "push_next"): "compute->store",
    ("store", "push_prev"): "store->compute",
}


class VTAProgramError(ValueError):
    """An ill-formed program: the message names the instruction index and what is legal."""


@dataclass(frozen=True, kw_only=True)
class Instruction:
    """Base of all instructions: VTA's four dependency flags."""

    pop_prev: bool = False
    pop_next: bool = False
    push_prev: bool = False
    push_next: bool = False

    @property
    def module(self) -> Module:
        raise NotImplementedError(type(self).__name__)

    @property
    def mnemonic(self) -> str:
        return type(self).__name__.lower()

    def flags(self) -> tuple[str, ...]:
        """The set flags, in the order pop_prev, pop_next, push_prev, push_next."""
        names = ("pop_prev", "pop_next", "push_prev", "push_next")
        return tuple(name for name in names if getattr(self, name))

    def pops(self) -> tuple[Queue, ...]:
        """Queues this instruction pops a token from before it starts."""
        return tuple(
            _POP_QUEUE[(self.module, f)] for f in ("pop_prev", "pop_next") if getattr(self, f)
        )

    def pushes(self) -> tuple[Queue, ...]:
        """Queues this instruction pushes a token onto when it completes."""
        return tuple(
            _PUSH_QUEUE[(self.module, f)] for f in ("push_prev", "push_next") if getattr(self, f)
        )

    def illegal_flags(self) -> tuple[str, ...]:
        """Flags that name a neighbour this module does not have (load has no prev, store no
        next)."""
        return tuple(f for f in self.flags() if (self.module, f) not in _POP_QUEUE | _PUSH_QUEUE)


@dataclass(frozen=True, kw_only=True)
class Load(Instruction):
    """dma_copy2d DRAM -> SRAM: `y_size` rows of `x_size` tiles; row r starts at DRAM element
    `dram_offset + r * x_stride` and holds `x_size * tile_elems` contiguous elements. SRAM
    receives a (pad_top + y_size + pad_bottom) x (pad_left + x_size + pad_right) block of tiles,
    row-major from `sram_offset`, padding tiles zero. vta.inp/vta.wgt loads run on the load
    module, vta.acc loads (bias, int8 sign-extended or int32) on the compute module.

        Load(scope=INP, buffer=0, dram_offset=0, y_size=4, x_size=2, x_stride=64, sram_offset=8)
    """

    scope: str
    buffer: int
    dram_offset: int
    y_size: int
    x_size: int
    x_stride: int
    sram_offset: int
    pad_top: int = 0
    pad_bottom: int = 0
    pad_left: int = 0
    pad_right: int = 0

    @property
    def module(self) -> Module:
        return "compute" if self.scope == ACC else "load"

    @property
    def sram_rows(self) -> int:
        return self.pad_top + self.y_size + self.pad_bottom

    @property
    def sram_cols(self) -> int:
        return self.pad_left + self.x_size + self.pad_right

    @property
    def sram_tiles(self) -> int:
        """Tiles written on chip, padding included."""
        return self.sram_rows * self.sram_cols

    @property
    def pad_tiles(self) -> int:
        return self.sram_tiles - self.y_size * self.x_size


@dataclass(frozen=True, kw_only=True)
class Store(Instruction):
    """dma_copy2d vta.acc -> DRAM: `y_size * x_size` consecutive acc tiles from `sram_offset`
    go to `y_size` DRAM rows of `x_size` tiles at `dram_offset + r * x_stride`. An int8 buffer
    receives the values clipped to [-128, 127], an int32 buffer the raw accumulators.

        Store(buffer=2, dram_offset=0, y_size=1, x_size=4, x_stride=64, sram_offset=0)
    """

    buffer: int
    dram_offset: int
    y_size: int
    x_size: int
    x_stride: int
    sram_offset: int

    @property
    def module(self) -> Module:
        return "store"

    @property
    def scope(self) -> str:
        return ACC


@dataclass(frozen=True)
class GemmLoop:
    """One level of a Gemm's loop nest: `extent` iterations, each adding these tile strides."""

    extent: int
    acc: int = 0
    inp: int = 0
    wgt: int = 0


@dataclass(frozen=True)
class AluLoop:
    """One level of an Alu's loop nest: `extent` iterations, each adding these tile strides."""

    extent: int
    dst: int = 0
    src: int = 0


@dataclass(frozen=True, kw_only=True)
class Gemm(Instruction):
    """acc[a] += inp[i] . wgt[w]^T for every point of the loop nest (loops[0] outermost),
    with a = acc + sum(k_l * loop_l.acc) and likewise i, w; int8 x int8 products accumulate
    in int32, wrapping on overflow. With `reset`, each acc[a] is set to zero instead (inp and
    wgt are not read): VTA's fill_zero.

        Gemm(acc=0, inp=0, wgt=0, loops=(GemmLoop(4, acc=1, wgt=1), GemmLoop(2, inp=1, wgt=4)))
    """

    reset: bool = False
    acc: int = 0
    inp: int = 0
    wgt: int = 0
    loops: tuple[GemmLoop, ...] = ()

    @property
    def module(self) -> Module:
        return "compute"

    @property
    def iterations(self) -> int:
        return int(np.prod([loop.extent for loop in self.loops], dtype=np.int64))

    def steps(self) -> Iterator[tuple[int, int, int]]:
        """(acc, inp, wgt) tile offsets of every step, in execution order."""
        for point in product(*(range(loop.extent) for loop in self.loops)):
            yield (
                self.acc + sum(k * loop.acc for k, loop in zip(point, self.loops, strict=True)),
                self.inp + sum(k * loop.inp for k, loop in zip(point, self.loops, strict=True)),
                self.wgt + sum(k * loop.wgt for k, loop in zip(point, self.loops, strict=True)),
            )


@dataclass(frozen=True, kw_only=True)
class Alu(Instruction):
    """acc[d] = acc[d] <op> (imm if imm is not None else acc[s]) elementwise on int32, for
    every point of the loop nest. Ops: add, mul (wrapping), max, min, shr (arithmetic shift
    right; a negative amount shifts left). relu is `max` with imm 0; requantize is `shr`
    then `min`/`max` clipping.

        Alu(op="max", dst=0, imm=0, loops=(AluLoop(8, dst=1),))          # relu over 8 tiles
        Alu(op="add", dst=0, src=8, loops=(AluLoop(8, dst=1, src=1),))   # residual add
    """

    op: str
    dst: int = 0
    src: int = 0
    imm: int | None = None
    loops: tuple[AluLoop, ...] = ()

    @property
    def module(self) -> Module:
        return "compute"

    @property
    def iterations(self) -> int:
        return int(np.prod([loop.extent for loop in self.loops], dtype=np.int64))

    def steps(self) -> Iterator[tuple[int, int]]:
        """(dst, src) tile offsets of every step, in execution order."""
        for point in product(*(range(loop.extent) for loop in self.loops)):
            yield (
                self.dst + sum(k * loop.dst for k, loop in zip(point, self.loops, strict=True)),
                self.src + sum(k * loop.src for k, loop in zip(point, self.loops, strict=True)),
            )


@dataclass(frozen=True, kw_only=True)
class Finish(Instruction):
    """The end of the program, on the compute module; usually pops store->compute so the last
    store has completed."""

    @property
    def module(self) -> Module:
        return "compute"


@dataclass(frozen=True)
class Buffer:
    """A DRAM buffer: the program addresses its elements flattened, row-major."""

    name: str
    shape: tuple[int, ...]
    dtype: DType

    @property
    def size(self) -> int:
        return int(np.prod(self.shape, dtype=np.int64))

    @property
    def np_dtype(self) -> type[np.int8] | type[np.int32]:
        return np.int8 if self.dtype == "int8" else np.int32


@dataclass(frozen=True)
class Program:
    """An instruction stream plus its DRAM buffer table, for one accelerator configuration."""

    instructions: tuple[Instruction, ...]
    buffers: tuple[Buffer, ...]
    config: VTAConfig = field(default=DEFAULT_CONFIG)

    def buffer_id(self, name: str) -> int:
        for i, buffer in enumerate(self.buffers):
            if buffer.name == name:
                return i
        names = ", ".join(b.name for b in self.buffers)
        raise KeyError(f"no DRAM buffer named {name!r}; the program has: {names}")

    def validate(self) -> None:
        """Raise `VTAProgramError` unless every offset is in range and the dependency tokens
        are balanced, pushed before popped (in program order), and never deadlock."""
        from dlir.backends.vta.validate import validate_program

        validate_program(self)

    def listing(self) -> str:
        """One line per instruction, like an assembly listing."""
        return "\n".join(format_instruction(self, i) for i in range(len(self.instructions)))

    def __str__(self) -> str:
        return self.listing()


def _loops_text(loops: Sequence[GemmLoop] | Sequence[AluLoop]) -> str:
    parts: list[str] = []
    for loop in loops:
        strides = [(k, v) for k, v in vars(loop).items() if k != "extent" and v != 0]
        inner = " ".join(f"{k}{v:+d}" for k, v in strides)
        parts.append(f"({loop.extent}{': ' + inner if inner else ''})")
    return " ".join(parts)


def _buffer_name(program: Program, index: int) -> str:
    if 0 <= index < len(program.buffers):
        return program.buffers[index].name
    return f"<buffer {index}>"


def format_instruction(program: Program, index: int) -> str:
    """`   3  gemm    acc[0] inp[0] wgt[0] (4: acc+1 wgt+1)          ; pop_prev push_next`"""
    instr = program.instructions[index]
    if isinstance(instr, Load):
        pads = (instr.pad_top, instr.pad_bottom, instr.pad_left, instr.pad_right)
        text = (
            f"{instr.scope}[{instr.sram_offset}] <- {_buffer_name(program, instr.buffer)}"
            f"[{instr.dram_offset}]  {instr.y_size}x{instr.x_size} tiles, stride {instr.x_stride}"
        )
        if any(pads):
            text += f", pad {pads[0]},{pads[1]},{pads[2]},{pads[3]}"
    elif isinstance(instr, Store):
        text = (
            f"{_buffer_name(program, instr.buffer)}[{instr.dram_offset}] <- {ACC}"
            f"[{instr.sram_offset}]  {instr.y_size}x{instr.x_size} tiles, stride {instr.x_stride}"
        )
    elif isinstance(instr, Gemm):
        operands = f"acc[{instr.acc}]" + (
            "" if instr.reset else f" inp[{instr.inp}] wgt[{instr.wgt}]"
        )
        text = ("reset " if instr.reset else "") + operands + " " + _loops_text(instr.loops)
    elif isinstance(instr, Alu):
        rhs = f"#{instr.imm}" if instr.imm is not None else f"acc[{instr.src}]"
        text = f"{instr.op} acc[{instr.dst}], {rhs} {_loops_text(instr.loops)}"
    else:
        text = ""
    line = f"{index:4d}  {instr.mnemonic:<7s} {text.rstrip()}"
    if instr.flags():
        line = f"{line:<72s} ; {' '.join(instr.flags())}"
    return line.rstrip()


def pack_tiles(matrix: npt.ArrayLike, tile_rows: int, tile_cols: int) -> npt.NDArray[np.generic]:
    """A (R x C) matrix as (R/tile_rows, C/tile_cols, tile_rows, tile_cols): the DRAM layout
    whose tiles are contiguous, as `Load`/`Store` expect. Rows/cols must divide evenly.

        pack_tiles(w, cfg.block_out, cfg.block_in)      # W (N x K) -> (N/16, K/16, 16, 16)
    """
    array = np.asarray(matrix)
    if array.ndim != 2:
        raise ValueError(f"pack_tiles expects a rank-2 matrix, got shape {array.shape}")
    rows, cols = array.shape
    if rows % tile_rows or cols % tile_cols:
        raise ValueError(
            f"matrix {rows}x{cols} is not a multiple of the {tile_rows}x{tile_cols} tile; pad it"
        )
    tiled = array.reshape(rows // tile_rows, tile_rows, cols // tile_cols, tile_cols)
    return np.ascontiguousarray(tiled.transpose(0, 2, 1, 3))


def unpack_tiles(packed: npt.ArrayLike) -> npt.NDArray[np.generic]:
    """Inverse of `pack_tiles`: (R/tr, C/tc, tr, tc) -> (R x C)."""
    array = np.asarray(packed)
    if array.ndim != 4:
        raise ValueError(f"unpack_tiles expects a rank-4 tiled array, got shape {array.shape}")
    tr_count, tc_count, tile_rows, tile_cols = array.shape
    return array.transpose(0, 2, 1, 3).reshape(tr_count * tile_rows, tc_count * tile_cols)


__all__ = [
    "ACC",
    "ALU_OPS",
    "INP",
    "QUEUES",
    "SCOPES",
    "WGT",
    "Alu",
    "AluLoop",
    "AluOp",
    "Buffer",
    "Finish",
    "Gemm",
    "GemmLoop",
    "Instruction",
    "Load",
    "Program",
    "Queue",
    "Store",
    "VTAProgramError",
    "format_instruction",
    "pack_tiles",
    "unpack_tiles",
]
