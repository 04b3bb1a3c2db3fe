"""Dependency tokens between the load, compute and store modules.

Each module runs its instructions in order, so only dependences between modules need
tokens. Walking the stream in program order, an instruction that reads a tile another
module wrote last (RAW), or writes a tile another module wrote or read since (WAW, WAR),
depends on the latest such instruction of that module; the producer pushes a token to
the consumer's module and the consumer pops it. Tokens pair up first-in first-out, so a
dependence on an instruction at or before one already waited for needs no new token:

    0 load inp[0]         ; push_next        (gemm 2 reads inp[0])
    1 load inp[1]
    2 gemm acc[0] inp[0]  ; pop_prev         (waits for 0; gemm 3 then waits for 1 itself)
    3 gemm acc[1] inp[1]  ; pop_prev         ... and 1 pushes

The load and store modules have no queue between them: a dependence there (a buffer
stored, then loaded again) is refused.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from dlir.backends.vta.config import Module
from dlir.backends.vta.isa import Finish, Instruction, Store
from dlir.backends.vta.statements import Emitted

# (producer module, consumer module) -> (producer's push flag, consumer's pop flag)
_FLAGS: dict[tuple[Module, Module], tuple[str, str]] = {
    ("load", "compute"): ("push_next", "pop_prev"),
    ("compute", "load"): ("push_prev", "pop_next"),
    ("compute", "store"): ("push_next", "pop_prev"),
    ("store", "compute"): ("push_prev", "pop_next"),
}


class TokenError(ValueError):
    """A dependence the queues cannot carry (between load and store)."""


def insert_tokens(emitted: Sequence[Emitted]) -> list[Instruction]:
    """The instructions of `emitted` with the flags their dependences need."""
    flags: list[set[str]] = [set() for _ in emitted]
    writer: dict[tuple[str, int], int] = {}
    readers: dict[tuple[str, int], dict[Module, int]] = {}
    synced: dict[tuple[Module, Module], int] = {}
    dram_stored: dict[int, int] = {}
    last_store = -1
    for index, record in enumerate(emitted):
        module = record.instruction.module
        producers: list[int] = [writer[t] for t in record.reads | record.writes if t in writer]
        for tile in record.writes:
            producers += readers.get(tile, {}).values()
        for buffer in record.dram_reads:
            if buffer in dram_stored:
                raise TokenError(
                    f"DRAM buffer {buffer} is stored and then loaded again in one program; the "
                    "load and store modules share no dependency queue"
                )
        if isinstance(record.instruction, Finish) and last_store >= 0:
            producers.append(last_store)
        needs: dict[Module, int] = {}
        for other in producers:
            other_module = emitted[other].instruction.module
            if other_module != module:
                needs[other_module] = max(needs.get(other_module, -1), other)
        for other_module, producer in needs.items():
            key = (other_module, module)
            if key not in _FLAGS:
                raise TokenError(
                    f"instruction {index} ({record.instruction.mnemonic}) depends on "
                    f"instruction {producer} of the {other_module} module; the load and "
                    "store modules share no dependency queue"
                )
            if producer <= synced.get(key, -1):
                continue
            push, pop = _FLAGS[key]
            flags[producer].add(push)
            flags[index].add(pop)
            synced[key] = producer
        for tile in record.writes:
            writer[tile] = index
            readers.pop(tile, None)
        for tile in record.reads:
            readers.setdefault(tile, {})[module] = index
        for buffer in record.dram_writes:
            dram_stored[buffer] = index
        if isinstance(record.instruction, Store):
            last_store = index
    return [
        dataclasses.replace(record.instruction, **{flag: True for flag in flags[n]})
        for n, record in enumerate(emitted)
    ]
