"""`Program.validate()`: ranges, the dependency-token protocol, deadlock and race freedom.

Checks, in order, each failure a `VTAProgramError` naming the instruction index:

    #3 load (load): vta.inp tiles [2040, 2056) exceed the buffer's 2048 tiles
    #5 gemm (compute): pops load->compute, but no earlier instruction pushed a token left ...
    #1 load (load): pushes load->compute, but no later instruction pops it (unmatched push ...
    deadlock with queue depth 1: load stalls at #2 (load->compute full), compute stalls ...
    #4 gemm (compute) reads vta.inp tile 0 written by #1 load (load) with no dependency ...

Program order is the functional semantics, so every pop must match an earlier push (the
k-th pop of a queue takes the k-th push). Two accesses to the same SRAM tile or DRAM element
by different modules, one a write, must be ordered by tokens (happens-before through
push -> pop edges and each module's program order), or the timed model could reorder them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from dlir.backends.vta.config import ACC, INP, MODULES, SCOPES, WGT, Module
from dlir.backends.vta.functional import affine_offsets
from dlir.backends.vta.isa import (
    ALU_OPS,
    QUEUES,
    Alu,
    AluLoop,
    Finish,
    Gemm,
    GemmLoop,
    Instruction,
    Load,
    Program,
    Queue,
    Store,
    VTAProgramError,
)

INT32_MIN, INT32_MAX = -(2**31), 2**31 - 1


def validate_program(program: Program) -> None:
    """Raise `VTAProgramError` for the first problem found (see the module docstring)."""
    if not program.instructions:
        raise VTAProgramError("empty program: it must end with Finish")
    for index, instr in enumerate(program.instructions):
        _check_instruction(program, index, instr)
    matches = match_tokens(program)
    check_deadlock(program)
    check_races(program, matches)


def _where(index: int, instr: Instruction) -> str:
    return f"#{index} {instr.mnemonic} ({instr.module})"


def _check_instruction(program: Program, index: int, instr: Instruction) -> None:
    where = _where(index, instr)
    bad = instr.illegal_flags()
    if bad:
        raise VTAProgramError(
            f"{where}: flag {bad[0]} is illegal on the {instr.module} module "
            "(load has no prev neighbour, store no next)"
        )
    last = index == len(program.instructions) - 1
    if isinstance(instr, Finish) != last:
        raise VTAProgramError(
            f"{where}: the program must end with exactly one Finish"
            + ("" if last else ", found one before the end")
        )
    if isinstance(instr, Load | Store):
        _check_dma(program, where, instr)
    elif isinstance(instr, Gemm):
        _check_loops(program, where, instr.loops)
        if not instr.reset:
            _check_affine(
                program, where, INP, instr.inp, [(lp.extent, lp.inp) for lp in instr.loops]
            )
            _check_affine(
                program, where, WGT, instr.wgt, [(lp.extent, lp.wgt) for lp in instr.loops]
            )
        _check_affine(program, where, ACC, instr.acc, [(lp.extent, lp.acc) for lp in instr.loops])
    elif isinstance(instr, Alu):
        if instr.op not in ALU_OPS:
            raise VTAProgramError(
                f"{where}: unknown alu op {instr.op!r}; expected one of {', '.join(ALU_OPS)}"
            )
        _check_loops(program, where, instr.loops)
        _check_affine(program, where, ACC, instr.dst, [(lp.extent, lp.dst) for lp in instr.loops])
        if instr.imm is None:
            _check_affine(
                program, where, ACC, instr.src, [(lp.extent, lp.src) for lp in instr.loops]
            )
        elif not INT32_MIN <= instr.imm <= INT32_MAX:
            raise VTAProgramError(f"{where}: immediate {instr.imm} does not fit in int32")
    elif not isinstance(instr, Finish):
        raise VTAProgramError(f"{where}: not a VTA instruction: {type(instr).__name__}")


def _check_dma(program: Program, where: str, instr: Load | Store) -> None:
    config = program.config
    if instr.scope not in SCOPES:
        raise VTAProgramError(
            f"{where}: unknown memory scope {instr.scope!r}; expected one of {', '.join(SCOPES)}"
        )
    if not 0 <= instr.buffer < len(program.buffers):
        raise VTAProgramError(
            f"{where}: DRAM buffer id {instr.buffer} out of range; the program has "
            f"{len(program.buffers)} buffers"
        )
    buffer = program.buffers[instr.buffer]
    if instr.y_size < 1 or instr.x_size < 1:
        raise VTAProgramError(
            f"{where}: y_size and x_size must be >= 1, got {instr.y_size}x{instr.x_size}"
        )
    pads = (0, 0, 0, 0)
    if isinstance(instr, Load):
        pads = (instr.pad_top, instr.pad_bottom, instr.pad_left, instr.pad_right)
        if instr.scope in (INP, WGT) and buffer.dtype != "int8":
            raise VTAProgramError(
                f"{where}: {instr.scope} loads int8 data, but buffer {buffer.name} is {buffer.dtype}"
            )
    if min(pads) < 0 or instr.x_stride < 0 or instr.dram_offset < 0:
        raise VTAProgramError(f"{where}: padding, x_stride and dram_offset must be >= 0")
    row = instr.x_size * config.tile_elems(instr.scope)
    if isinstance(instr, Store) and instr.y_size > 1 and instr.x_stride < row:
        raise VTAProgramError(
            f"{where}: stored rows overlap: x_stride {instr.x_stride} < row of {row} elements"
        )
    end = instr.dram_offset + (instr.y_size - 1) * instr.x_stride + row
    if end > buffer.size:
        raise VTAProgramError(
            f"{where}: DRAM elements [{instr.dram_offset}, {end}) exceed buffer "
            f"{buffer.name} of {buffer.size} elements"
        )
    tiles = instr.sram_tiles if isinstance(instr, Load) else instr.y_size * instr.x_size
    _check_range(program, where, instr.scope, instr.sram_offset, instr.sram_offset + tiles)


def _check_loops(program: Program, where: str, loops: tuple[GemmLoop, ...] | tuple[AluLoop, ...]):
    limit = program.config.max_loop_levels
    if len(loops) > limit:
        raise VTAProgramError(f"{where}: {len(loops)} loop levels, the hardware has {limit}")
    for loop in loops:
        if loop.extent < 1:
            raise VTAProgramError(f"{where}: loop extent must be >= 1, got {loop.extent}")


def _check_affine(
    program: Program, where: str, scope: str, base: int, levels: list[tuple[int, int]]
) -> None:
    low = base + sum(min(0, (extent - 1) * stride) for extent, stride in levels)
    high = base + sum(max(0, (extent - 1) * stride) for extent, stride in levels)
    _check_range(program, where, scope, low, high + 1)


def _check_range(program: Program, where: str, scope: str, begin: int, end: int) -> None:
    size = program.config.buffer_tiles(scope)
    if begin < 0 or end > size:
        raise VTAProgramError(
            f"{where}: {scope} tiles [{begin}, {end}) exceed the buffer's {size} tiles"
        )


@dataclass(frozen=True)
class TokenMatch:
    """For each instruction, the indices of the instructions whose pushes its pops take."""

    producers: tuple[tuple[int, ...], ...]


def match_tokens(program: Program) -> TokenMatch:
    """Pair the k-th pop of each queue with its k-th push; pops must follow their push in
    program order and every push must be popped."""
    pending: dict[Queue, list[int]] = {q: [] for q in QUEUES}
    producers: list[tuple[int, ...]] = []
    for index, instr in enumerate(program.instructions):
        taken: list[int] = []
        for queue in instr.pops():
            if not pending[queue]:
                raise VTAProgramError(
                    f"{_where(index, instr)}: pops {queue}, but no earlier instruction pushed "
                    "a token left to pop (unmatched pop)"
                )
            taken.append(pending[queue].pop(0))
        producers.append(tuple(taken))
        for queue in instr.pushes():
            pending[queue].append(index)
    for queue in QUEUES:
        if pending[queue]:
            index = pending[queue][0]
            raise VTAProgramError(
                f"{_where(index, program.instructions[index])}: pushes {queue}, but no later "
                f"instruction pops it (unmatched push; {len(pending[queue])} left in {queue})"
            )
    return TokenMatch(tuple(producers))


def module_streams(program: Program) -> dict[Module, list[int]]:
    """Instruction indices of each module, in program order."""
    streams: dict[Module, list[int]] = {m: [] for m in MODULES}
    for index, instr in enumerate(program.instructions):
        streams[instr.module].append(index)
    return streams


def blocked_reason(
    instr: Instruction,
    available: Mapping[Queue, int],
    occupied: Mapping[Queue, int],
    depth: int,
) -> str | None:
    """Why `instr` cannot start now (`None` if it can): a queue it pops has no `available`
    token, or a queue it pushes has no room (`occupied` counts tokens plus the slots reserved
    by running instructions). Shared by the deadlock check and the timed model."""
    for queue in instr.pops():
        if available[queue] == 0:
            return f"wait {queue}"
    for queue in instr.pushes():
        # A module never pops and pushes the same queue, so its own pops free no room here.
        if occupied[queue] >= depth:
            return f"{queue} full"
    return None


def check_deadlock(program: Program) -> None:
    """Run the three in-order streams on tokens alone. A module's progress never disables
    another's (each queue has one producer and one consumer), so any maximal run decides."""
    depth = program.config.queue_depth
    streams = module_streams(program)
    heads: dict[Module, int] = {m: 0 for m in MODULES}
    tokens: dict[Queue, int] = {q: 0 for q in QUEUES}
    progress = True
    while progress:
        progress = False
        for module in MODULES:
            while heads[module] < len(streams[module]):
                instr = program.instructions[streams[module][heads[module]]]
                if blocked_reason(instr, tokens, tokens, depth) is not None:
                    break
                for queue in instr.pops():
                    tokens[queue] -= 1
                for queue in instr.pushes():
                    tokens[queue] += 1
                heads[module] += 1
                progress = True
    stuck: list[Module] = [m for m in MODULES if heads[m] < len(streams[m])]
    if stuck:
        parts: list[str] = []
        for module in stuck:
            index = streams[module][heads[module]]
            reason = blocked_reason(program.instructions[index], tokens, tokens, depth)
            parts.append(f"{module} stalls at #{index} ({reason})")
        raise VTAProgramError(f"deadlock with queue depth {depth}: " + ", ".join(parts))


# Half-open [start, end) runs, sorted and disjoint: tiles of an SRAM scope or elements of a
# DRAM buffer ("dram:<buffer id>").
Intervals = list[tuple[int, int]]


@dataclass(frozen=True)
class Footprint:
    """What one instruction reads and writes, per memory space."""

    reads: dict[str, Intervals]
    writes: dict[str, Intervals]


def _runs(offsets: npt.NDArray[np.int64]) -> Intervals:
    if not offsets.size:
        return []
    values = np.sort(offsets)
    values = values[np.concatenate(([True], np.diff(values) != 0))]
    breaks = np.flatnonzero(np.diff(values) != 1) + 1
    starts = np.concatenate(([0], breaks))
    ends = np.concatenate((breaks, [values.size]))
    return [(int(values[a]), int(values[b - 1]) + 1) for a, b in zip(starts, ends, strict=True)]


def footprint(program: Program, instr: Instruction) -> Footprint:
    """The SRAM tiles and DRAM elements `instr` reads and writes."""
    reads: dict[str, Intervals] = {}
    writes: dict[str, Intervals] = {}
    if isinstance(instr, Load | Store):
        row = instr.x_size * program.config.tile_elems(instr.scope)
        starts = [instr.dram_offset + r * instr.x_stride for r in range(instr.y_size)]
        dram = _runs(np.concatenate([np.arange(a, a + row, dtype=np.int64) for a in starts]))
        space = f"dram:{instr.buffer}"
        if isinstance(instr, Load):
            reads[space] = dram
            writes[instr.scope] = [(instr.sram_offset, instr.sram_offset + instr.sram_tiles)]
        else:
            writes[space] = dram
            end = instr.sram_offset + instr.y_size * instr.x_size
            reads[ACC] = [(instr.sram_offset, end)]
    elif isinstance(instr, Gemm):
        acc = _runs(affine_offsets(instr.acc, instr.loops, "acc"))
        writes[ACC] = acc
        if not instr.reset:
            reads[ACC] = acc
            reads[INP] = _runs(affine_offsets(instr.inp, instr.loops, "inp"))
            reads[WGT] = _runs(affine_offsets(instr.wgt, instr.loops, "wgt"))
    elif isinstance(instr, Alu):
        dst = affine_offsets(instr.dst, instr.loops, "dst")
        writes[ACC] = _runs(dst)
        if instr.imm is not None:
            reads[ACC] = writes[ACC]
        else:
            both = np.concatenate((dst, affine_offsets(instr.src, instr.loops, "src")))
            reads[ACC] = _runs(both)
    return Footprint(reads, writes)


def _first_overlap(x: Intervals, y: Intervals) -> int | None:
    i = j = 0
    while i < len(x) and j < len(y):
        start, end = max(x[i][0], y[j][0]), min(x[i][1], y[j][1])
        if start < end:
            return start
        if x[i][1] <= y[j][1]:
            i += 1
        else:
            j += 1
    return None


def _conflict(earlier: Footprint, later: Footprint) -> tuple[str, str, str, int] | None:
    """(later's verb, earlier's participle, space, first location) of a conflict, if any."""
    pairs = (
        ("writes", later.writes, "written", earlier.writes),
        ("writes", later.writes, "read", earlier.reads),
        ("reads", later.reads, "written", earlier.writes),
    )
    for verb, mine, how, theirs in pairs:
        for space, runs in mine.items():
            where = _first_overlap(runs, theirs.get(space, []))
            if where is not None:
                return verb, how, space, where
    return None


def check_races(program: Program, matches: TokenMatch) -> None:
    """Every conflicting pair of accesses from different modules is ordered by tokens.

    Vector clocks: clock[i][m] = how many instructions of module m happen before or at i
    (program order within a module, push -> matching pop across modules). The earlier
    instructions of module m not ordered before i are exactly m's stream past clock[i][m]
    up to i in program order: only those are compared with i."""
    order = {m: k for k, m in enumerate(MODULES)}
    streams: dict[Module, list[int]] = {m: [] for m in MODULES}
    clocks: list[tuple[int, ...]] = []
    prints: list[Footprint] = []
    for index, instr in enumerate(program.instructions):
        clock = [0, 0, 0]
        sources = list(matches.producers[index])
        if streams[instr.module]:
            sources.append(streams[instr.module][-1])
        for source in sources:
            clock = [max(a, b) for a, b in zip(clock, clocks[source], strict=True)]
        streams[instr.module].append(index)
        clock[order[instr.module]] = len(streams[instr.module])
        clocks.append(tuple(clock))
        prints.append(footprint(program, instr))
        for module in MODULES:
            if module == instr.module:
                continue
            for other in streams[module][clock[order[module]] :]:
                conflict = _conflict(prints[other], prints[index])
                if conflict is None:
                    continue
                verb, how, space, where = conflict
                raise VTAProgramError(
                    f"{_where(index, instr)} {verb} {_location_text(program, space, where)} "
                    f"{how} by {_where(other, program.instructions[other])} with no dependency "
                    "token ordering them (a race)"
                )


def _location_text(program: Program, space: str, offset: int) -> str:
    if space.startswith("dram:"):
        buffer = program.buffers[int(space.removeprefix("dram:"))]
        return f"element {offset} of DRAM buffer {buffer.name}"
    return f"{space} tile {offset}"
