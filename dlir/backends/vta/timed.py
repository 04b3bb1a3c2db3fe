"""The timed simulator: load, compute and store modules running concurrently.

Event-driven and deterministic. Each module executes its in-order stream one instruction at
a time. An instruction starts when its module is free, every queue it pops holds a token,
and every queue it pushes has room (a running instruction reserves its slot); it pops at
start and pushes when it completes. At each event time, completions are handled first, then
modules start work in the order load, compute, store, until none can. Each instruction's
effect is the functional simulator's (`Machine.execute`), applied when it starts, so a
race-free program (which `validate()` guarantees) computes exactly what `run_functional`
does.

Costs (cycles, from `VTAConfig`):

    Load/Store  dma_setup_cycles + ceil(dram bytes / dram_bytes_per_cycle)
                + pad_cycles_per_tile * padding tiles
    Gemm        gemm_setup_cycles + gemm_cycles_per_tile * iterations   (reset too)
    Alu         alu_setup_cycles + alu_cycles_per_tile * iterations
    Finish      finish_cycles

    outputs, stats = simulate(program, inputs)
    print(stats.summary())
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal, overload

import numpy.typing as npt

from dlir.backends.vta.config import MODULES, Module
from dlir.backends.vta.functional import IntBuf, Machine, run_functional
from dlir.backends.vta.isa import (
    QUEUES,
    Alu,
    Finish,
    Gemm,
    Instruction,
    Load,
    Program,
    Queue,
    Store,
    VTAProgramError,
)
from dlir.backends.vta.validate import blocked_reason, module_streams


def instruction_cycles(program: Program, instr: Instruction) -> int:
    """Cycles `instr` occupies its module (see the module docstring), at least 1."""
    config = program.config
    if isinstance(instr, Load | Store):
        itemsize = 1 if program.buffers[instr.buffer].dtype == "int8" else 4
        nbytes = instr.y_size * instr.x_size * config.tile_elems(instr.scope) * itemsize
        cycles = config.dma_setup_cycles + -(-nbytes // config.dram_bytes_per_cycle)
        if isinstance(instr, Load):
            cycles += config.pad_cycles_per_tile * instr.pad_tiles
    elif isinstance(instr, Gemm):
        cycles = config.gemm_setup_cycles + config.gemm_cycles_per_tile * instr.iterations
    elif isinstance(instr, Alu):
        cycles = config.alu_setup_cycles + config.alu_cycles_per_tile * instr.iterations
    elif isinstance(instr, Finish):
        cycles = config.finish_cycles
    else:
        raise VTAProgramError(f"not a VTA instruction: {type(instr).__name__}")
    return max(1, cycles)


@dataclass(frozen=True)
class TraceEntry:
    """When instruction `index` ran on `module`: cycles [start, end)."""

    index: int
    module: Module
    start: int
    end: int


@dataclass(frozen=True)
class Stats:
    """What the timed model measured.

    `cycles` is when the last instruction completes; `busy[m]` the cycles module m executed
    something; `gemm_cycles` the compute module's cycles in non-reset Gemm instructions;
    `stalls[(m, cause)]` the cycles module m had work left but could not start it, with
    cause "wait <queue>" (no token yet) or "<queue> full"; a module waiting on nothing is
    simply done."""

    cycles: int
    busy: Mapping[Module, int]
    gemm_cycles: int
    stalls: Mapping[tuple[Module, str], int]
    counts: Mapping[str, int]
    trace: tuple[TraceEntry, ...]

    @property
    def utilization(self) -> float:
        """Compute utilization: gemm cycles / total cycles."""
        return self.gemm_cycles / self.cycles if self.cycles else 0.0

    def summary(self) -> str:
        """A few lines for a terminal, e.g.

        cycles 5120  gemm utilization 62.5%  (3200 gemm cycles)
        busy     load 4600 (89.8%)  compute 3400 (66.4%)  store 600 (11.7%)
        stalls   compute: wait load->compute 1700  store: wait compute->store 4500
        program  64 load, 40 gemm, 8 alu, 8 store, 1 finish
        """
        total = max(self.cycles, 1)
        lines = [
            f"cycles {self.cycles}  gemm utilization {100 * self.utilization:.1f}%  "
            f"({self.gemm_cycles} gemm cycles)",
            "busy     "
            + "  ".join(f"{m} {self.busy[m]} ({100 * self.busy[m] / total:.1f}%)" for m in MODULES),
        ]
        stalls = [f"{m}: {cause} {n}" for (m, cause), n in sorted(self.stalls.items()) if n]
        lines.append("stalls   " + ("  ".join(stalls) if stalls else "none"))
        lines.append("program  " + ", ".join(f"{n} {kind}" for kind, n in self.counts.items()))
        return "\n".join(lines)


def run_timed(
    program: Program, inputs: Mapping[str, npt.ArrayLike], *, validate: bool = True
) -> tuple[dict[str, IntBuf], Stats]:
    """Simulate `program` cycle by cycle on `inputs`; return the stored buffers and Stats."""
    if validate:
        program.validate()
    machine = Machine.create(program, inputs)
    depth = program.config.queue_depth
    streams = module_streams(program)
    heads: dict[Module, int] = {m: 0 for m in MODULES}
    running: dict[Module, tuple[int, int]] = {}  # module -> (instruction index, end cycle)
    available: dict[Queue, int] = {q: 0 for q in QUEUES}
    occupied: dict[Queue, int] = {q: 0 for q in QUEUES}
    busy: dict[Module, int] = {m: 0 for m in MODULES}
    stalls: dict[tuple[Module, str], int] = {}
    trace: list[TraceEntry] = []
    gemm_cycles = 0
    now = 0
    while True:
        for module in MODULES:
            if module in running and running[module][1] == now:
                index, _ = running.pop(module)
                for queue in program.instructions[index].pushes():
                    available[queue] += 1
        causes: dict[Module, str] = {}
        started = True
        while started:
            started = False
            for module in MODULES:
                if module in running or heads[module] == len(streams[module]):
                    continue
                index = streams[module][heads[module]]
                instr = program.instructions[index]
                reason = blocked_reason(instr, available, occupied, depth)
                if reason is not None:
                    causes[module] = reason
                    continue
                causes.pop(module, None)
                for queue in instr.pops():
                    available[queue] -= 1
                    occupied[queue] -= 1
                for queue in instr.pushes():
                    occupied[queue] += 1
                machine.execute(instr)
                cycles = instruction_cycles(program, instr)
                running[module] = (index, now + cycles)
                busy[module] += cycles
                if isinstance(instr, Gemm) and not instr.reset:
                    gemm_cycles += cycles
                trace.append(TraceEntry(index, module, now, now + cycles))
                heads[module] += 1
                started = True
        if not running:
            if causes:
                stuck = ", ".join(
                    f"{m} at #{streams[m][heads[m]]} ({c})" for m, c in causes.items()
                )
                raise VTAProgramError(f"deadlock at cycle {now}: {stuck}")
            break
        later = min(end for _, end in running.values())
        for module, cause in causes.items():
            stalls[(module, cause)] = stalls.get((module, cause), 0) + later - now
        now = later
    counts: dict[str, int] = {}
    for instr in program.instructions:
        counts[instr.mnemonic] = counts.get(instr.mnemonic, 0) + 1
    stats = Stats(now, busy, gemm_cycles, stalls, counts, tuple(trace))
    return machine.outputs(), stats


@overload
def simulate(
    program: Program, inputs: Mapping[str, npt.ArrayLike], *, timed: Literal[True] = True
) -> tuple[dict[str, IntBuf], Stats]: ...


@overload
def simulate(
    program: Program, inputs: Mapping[str, npt.ArrayLike], *, timed: Literal[False]
) -> tuple[dict[str, IntBuf], None]: ...


def simulate(
    program: Program, inputs: Mapping[str, npt.ArrayLike], *, timed: bool = True
) -> tuple[dict[str, IntBuf], Stats | None]:
    """Validate and run `program`: timed (outputs, Stats) or functional only (outputs, None)."""
    if timed:
        return run_timed(program, inputs)
    return run_functional(program, inputs), None
