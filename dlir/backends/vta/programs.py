"""Hand-built reference programs: a blocked GEMM and a 3x3 conv2d, with 1 or 2 virtual
threads (2 = double buffering: alternate halves of the on-chip buffers, so loads of the next
stage and stores of the previous block overlap the current gemms).

Token pattern (VTA's, for `threads` contexts): a stage's first load pops compute->load once
the buffer half is reused (stage >= threads) and its last load pushes load->compute; its
first gemm pops load->compute and its last gemm pushes compute->load if a later stage
reuses the half. A block's reset pops store->compute once its acc half is reused, its last
compute instruction pushes compute->store, its store pops that and pushes store->compute for
the block that reuses the half (and for Finish after the last block).

    program = gemm_program(64, 64, 64, threads=2)
    outputs, stats = simulate(program, gemm_inputs(a, w, program.config))
    c = gemm_output(outputs)                          # (64, 64) int8, = clip(a @ w.T)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

import numpy as np
import numpy.typing as npt

from dlir.backends.vta.config import ACC, DEFAULT_CONFIG, INP, WGT, VTAConfig
from dlir.backends.vta.isa import (
    Alu,
    AluLoop,
    Buffer,
    DType,
    Finish,
    Gemm,
    GemmLoop,
    Instruction,
    Load,
    Program,
    Store,
    pack_tiles,
    unpack_tiles,
)


@dataclass
class Stage:
    """Loads into one inp/wgt context, then the gemms that read them."""

    loads: list[Load]
    gemms: list[Gemm]


@dataclass
class Block:
    """One acc context: reset, stages, elementwise epilogue, stores."""

    reset: Gemm
    stages: list[Stage]
    epilogue: list[Alu] = field(default_factory=list[Alu])
    stores: list[Store] = field(default_factory=list[Store])


def with_flags(instr: Instruction, **flags: bool) -> Instruction:
    """`instr` with the given flags or-ed in."""
    merged = {name: value or getattr(instr, name) for name, value in flags.items()}
    return replace(instr, **merged)


def emit(blocks: Sequence[Block], threads: int, prologue: Sequence[Load] = ()) -> list[Instruction]:
    """The instruction stream of `blocks` with the dependency flags of `threads` contexts.
    `prologue` loads (e.g. weights kept on chip) run first, ordered by the load stream."""
    total_stages = sum(len(b.stages) for b in blocks)
    out: list[Instruction] = list(prologue)
    stage_index = 0
    for b, block in enumerate(blocks):
        out.append(with_flags(block.reset, pop_next=b >= threads))
        last_compute: int = len(out) - 1
        for stage in block.stages:
            for i, load in enumerate(stage.loads):
                first, last = i == 0, i == len(stage.loads) - 1
                out.append(
                    with_flags(load, pop_next=first and stage_index >= threads, push_next=last)
                )
            for i, gemm in enumerate(stage.gemms):
                first, last = i == 0, i == len(stage.gemms) - 1
                release = last and stage_index + threads < total_stages
                out.append(with_flags(gemm, pop_prev=first, push_prev=release))
                last_compute = len(out) - 1
            stage_index += 1
        for alu in block.epilogue:
            out.append(alu)
            last_compute = len(out) - 1
        out[last_compute] = with_flags(out[last_compute], push_next=True)
        for i, store in enumerate(block.stores):
            first, last = i == 0, i == len(block.stores) - 1
            release = last and (b + threads < len(blocks) or b == len(blocks) - 1)
            out.append(with_flags(store, pop_prev=first, push_prev=release))
    out.append(Finish(pop_next=True))
    return out


def serialize(instructions: Sequence[Instruction]) -> list[Instruction]:
    """`instructions` (ending with Finish) with tokens between every two consecutive ones on
    different modules, so they run one after another: the simplest race-free program.
    Load and store share no queue, so a compute instruction must separate them."""
    out = list(instructions)
    for i in range(len(out) - 1):
        here, there = out[i].module, out[i + 1].module
        if here == there:
            continue
        if {here, there} == {"load", "store"}:
            raise ValueError(
                f"#{i} ({here}) and #{i + 1} ({there}) share no token queue; "
                "put a compute instruction between them"
            )
        towards_next = (here, there) in (("load", "compute"), ("compute", "store"))
        if towards_next:
            out[i] = with_flags(out[i], push_next=True)
            out[i + 1] = with_flags(out[i + 1], pop_prev=True)
        else:
            out[i] = with_flags(out[i], push_prev=True)
            out[i + 1] = with_flags(out[i + 1], pop_next=True)
    return out


def epilogue(acc: int, tiles: int, *, relu: bool, shift: int | None) -> list[Alu]:
    """Requantize (shr then clip to int8) and/or relu over `tiles` consecutive acc tiles."""
    loops = (AluLoop(tiles, dst=1),)
    alus: list[Alu] = []
    if shift is not None:
        alus.append(Alu(op="shr", dst=acc, imm=shift, loops=loops))
        alus.append(Alu(op="min", dst=acc, imm=127, loops=loops))
        alus.append(Alu(op="max", dst=acc, imm=0 if relu else -128, loops=loops))
    elif relu:
        alus.append(Alu(op="max", dst=acc, imm=0, loops=loops))
    return alus


def gemm_program(
    m: int,
    n: int,
    k: int,
    *,
    config: VTAConfig = DEFAULT_CONFIG,
    block: tuple[int, int, int] = (16, 4, 4),
    threads: int = 1,
    relu: bool = False,
    shift: int | None = None,
    out_dtype: DType = "int8",
) -> Program:
    """C (m x n) = A (m x k) . W (n x k)^T on packed tiles, blocked (tm, tn, tk) in tiles of
    (batch, block_out, block_in); each block of C is reset, accumulated over k chunks (one
    stage each: load A and W chunk, one 3-level Gemm), optionally requantized/relu-ed, and
    stored. m, n, k must be multiples of the tile; blocks are clipped at the edges."""
    mt, nt, kt = _tiles(m, config.batch), _tiles(n, config.block_out), _tiles(k, config.block_in)
    tm, tn, tk = min(block[0], mt), min(block[1], nt), min(block[2], kt)
    inp_half = config.inp_buffer_tiles // threads
    wgt_half = config.wgt_buffer_tiles // threads
    acc_half = config.acc_buffer_tiles // threads
    blocks: list[Block] = []
    stage_index = 0
    for bi, (m0, n0) in enumerate((m0, n0) for m0 in range(0, mt, tm) for n0 in range(0, nt, tn)):
        bm, bn = min(tm, mt - m0), min(tn, nt - n0)
        acc = (bi % threads) * acc_half
        stages: list[Stage] = []
        for k0 in range(0, kt, tk):
            bk = min(tk, kt - k0)
            inp = (stage_index % threads) * inp_half
            wgt = (stage_index % threads) * wgt_half
            loads = [
                Load(scope=INP, buffer=0, dram_offset=(m0 * kt + k0) * config.tile_elems(INP),
                     y_size=bm, x_size=bk, x_stride=kt * config.tile_elems(INP), sram_offset=inp),
                Load(scope=WGT, buffer=1, dram_offset=(n0 * kt + k0) * config.tile_elems(WGT),
                     y_size=bn, x_size=bk, x_stride=kt * config.tile_elems(WGT), sram_offset=wgt),
            ]  # fmt: skip
            loops = (
                GemmLoop(bm, acc=bn, inp=bk),
                GemmLoop(bn, acc=1, wgt=bk),
                GemmLoop(bk, inp=1, wgt=1),
            )
            stages.append(Stage(loads, [Gemm(acc=acc, inp=inp, wgt=wgt, loops=loops)]))
            stage_index += 1
        reset = Gemm(reset=True, acc=acc, loops=(GemmLoop(bm * bn, acc=1),))
        store = Store(buffer=2, dram_offset=(m0 * nt + n0) * config.tile_elems(ACC),
                      y_size=bm, x_size=bn, x_stride=nt * config.tile_elems(ACC), sram_offset=acc)  # fmt: skip
        alus = epilogue(acc, bm * bn, relu=relu, shift=shift)
        blocks.append(Block(reset, stages, alus, [store]))
    buffers = (
        Buffer("A", (mt, kt, *config.tile_shape(INP)), "int8"),
        Buffer("W", (nt, kt, *config.tile_shape(WGT)), "int8"),
        Buffer("C", (mt, nt, *config.tile_shape(ACC)), out_dtype),
    )
    return Program(tuple(emit(blocks, threads)), buffers, config)


def gemm_inputs(
    a: npt.ArrayLike, w: npt.ArrayLike, config: VTAConfig = DEFAULT_CONFIG
) -> dict[str, npt.NDArray[np.generic]]:
    """Pack A (m x k) and W (n x k) for `gemm_program`."""
    return {
        "A": pack_tiles(a, *config.tile_shape(INP)),
        "W": pack_tiles(w, *config.tile_shape(WGT)),
    }


def gemm_output(outputs: Mapping[str, npt.ArrayLike]) -> npt.NDArray[np.generic]:
    """C (m x n) from `gemm_program`'s packed output."""
    return unpack_tiles(outputs["C"])


def conv2d_program(
    h: int,
    w: int,
    c: int,
    n: int,
    *,
    config: VTAConfig = DEFAULT_CONFIG,
    rows: int = 2,
    threads: int = 1,
    relu: bool = False,
    shift: int | None = None,
    out_dtype: DType = "int8",
) -> Program:
    """A 3x3, stride 1, pad 1 convolution Y (h, w, n) = X (h, w, c) * W (n, 3, 3, c),
    batch 1, channels in tiles of block_in / block_out. Weights stay on chip (prologue);
    each block computes `rows` output rows: load rows-1 .. rows+1 of X with zero padding by
    the DMA, reset, one Gemm per (row, ky, kx) with loops (x, out tile, in tile), epilogue,
    store."""
    if config.batch != 1:
        raise ValueError(f"conv2d_program needs batch 1 tiles, got batch {config.batch}")
    ct, nt = _tiles(c, config.block_in), _tiles(n, config.block_out)
    inp_half = config.inp_buffer_tiles // threads
    acc_half = config.acc_buffer_tiles // threads
    row_tiles = (w + 2) * ct
    if (rows + 2) * row_tiles > inp_half or rows * w * nt > acc_half:
        raise ValueError(f"{rows} rows of a {w}-wide image do not fit {threads} contexts")
    if nt * 9 * ct > config.wgt_buffer_tiles:
        raise ValueError(f"{nt * 9 * ct} weight tiles exceed the wgt buffer")
    te_inp, te_acc = config.tile_elems(INP), config.tile_elems(ACC)
    weights = Load(scope=WGT, buffer=1, dram_offset=0, y_size=1, x_size=nt * 9 * ct,
                   x_stride=nt * 9 * ct * config.tile_elems(WGT), sram_offset=0)  # fmt: skip
    blocks: list[Block] = []
    for bi, r0 in enumerate(range(0, h, rows)):
        br = min(rows, h - r0)
        inp = (bi % threads) * inp_half
        acc = (bi % threads) * acc_half
        top, bottom = max(r0 - 1, 0), min(r0 + br + 1, h)
        load = Load(scope=INP, buffer=0, dram_offset=top * w * ct * te_inp, y_size=bottom - top,
                    x_size=w * ct, x_stride=w * ct * te_inp, sram_offset=inp,
                    pad_top=1 if r0 == 0 else 0, pad_bottom=1 if r0 + br == h else 0,
                    pad_left=ct, pad_right=ct)  # fmt: skip
        gemms = [
            Gemm(
                acc=acc + oy * w * nt,
                inp=inp + (oy + ky) * row_tiles + kx * ct,
                wgt=(ky * 3 + kx) * ct,
                loops=(
                    GemmLoop(w, acc=nt, inp=ct),
                    GemmLoop(nt, acc=1, wgt=9 * ct),
                    GemmLoop(ct, inp=1, wgt=1),
                ),
            )
            for oy in range(br)
            for ky in range(3)
            for kx in range(3)
        ]
        reset = Gemm(reset=True, acc=acc, loops=(GemmLoop(br * w * nt, acc=1),))
        store = Store(buffer=2, dram_offset=r0 * w * nt * te_acc, y_size=br, x_size=w * nt,
                      x_stride=w * nt * te_acc, sram_offset=acc)  # fmt: skip
        alus = epilogue(acc, br * w * nt, relu=relu, shift=shift)
        blocks.append(Block(reset, [Stage([load], gemms)], alus, [store]))
    buffers = (
        Buffer("X", (h, w, ct, config.block_in), "int8"),
        Buffer("W", (nt, 3, 3, ct, config.block_out, config.block_in), "int8"),
        Buffer("Y", (h, w, nt, config.block_out), out_dtype),
    )
    return Program(tuple(emit(blocks, threads, prologue=[weights])), buffers, config)


def conv2d_inputs(
    x: npt.ArrayLike, weight: npt.ArrayLike, config: VTAConfig = DEFAULT_CONFIG
) -> dict[str, npt.NDArray[np.generic]]:
    """Pack X (h, w, c) and W (n, 3, 3, c) for `conv2d_program`."""
    xa, wa = np.asarray(x), np.asarray(weight)
    h, w, c = xa.shape
    n = wa.shape[0]
    ct, nt = c // config.block_in, n // config.block_out
    packed_w = wa.reshape(nt, config.block_out, 3, 3, ct, config.block_in)
    return {
        "X": xa.reshape(h, w, ct, config.block_in),
        "W": np.ascontiguousarray(packed_w.transpose(0, 2, 3, 4, 1, 5)),
    }


def conv2d_reference(x: npt.ArrayLike, weight: npt.ArrayLike) -> npt.NDArray[np.int64]:
    """numpy 3x3 pad-1 convolution in int64: Y[y, x, o] = sum X[y+ky-1, x+kx-1, c] W[o, ky, kx, c]."""
    xa = np.asarray(x, dtype=np.int64)
    wa = np.asarray(weight, dtype=np.int64)
    h, w, _ = xa.shape
    padded = np.pad(xa, ((1, 1), (1, 1), (0, 0)))
    out = np.zeros((h, w, wa.shape[0]), dtype=np.int64)
    for ky in range(3):
        for kx in range(3):
            out += np.einsum("yxc,oc->yxo", padded[ky : ky + h, kx : kx + w], wa[:, ky, kx])
    return out


def _tiles(extent: int, tile: int) -> int:
    if extent < 1 or extent % tile:
        raise ValueError(f"extent {extent} is not a positive multiple of the tile size {tile}")
    return extent // tile
