"""A VTA-like int8 accelerator: its instruction set (`isa`), a functional simulator (numpy,
exact) and a timed one (load/compute/store modules running concurrently on dependency token
queues). See docs/vta.md.

    from dlir.backends.vta import simulate
    outputs, stats = simulate(program, {"A": a, "W": w})
    print(stats.summary())
"""

from dlir.backends.vta.config import ACC, DEFAULT_CONFIG, INP, WGT, VTAConfig
from dlir.backends.vta.functional import run_functional
from dlir.backends.vta.isa import (
    Alu,
    AluLoop,
    Buffer,
    Finish,
    Gemm,
    GemmLoop,
    Instruction,
    Load,
    Program,
    Store,
    VTAProgramError,
    pack_tiles,
    unpack_tiles,
)
from dlir.backends.vta.timed import Stats, run_timed, simulate

__all__ = [
    "ACC",
    "DEFAULT_CONFIG",
    "INP",
    "WGT",
    "Alu",
    "AluLoop",
    "Buffer",
    "Finish",
    "Gemm",
    "GemmLoop",
    "Instruction",
    "Load",
    "Program",
    "Stats",
    "Store",
    "VTAConfig",
    "VTAProgramError",
    "pack_tiles",
    "run_functional",
    "run_timed",
    "simulate",
    "unpack_tiles",
]
