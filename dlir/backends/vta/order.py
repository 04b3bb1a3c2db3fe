"""Issue order: the load module's instructions in the order their consumers need them.

The load module runs its stream in order, so a load issued before another one that is
needed earlier delays the compute waiting for the latter. Lockstep virtual threads emit
each statement once per thread, which puts thread 1's weights before the input tile both
threads share:

    load wgt W0      (gemm 0)              load wgt W0      (gemm 0)
    load wgt W1      (gemm 1)       ->     load inp A       (gemm 0, gemm 1)
    load inp A       (gemm 0, gemm 1)      load wgt W1      (gemm 1)
    gemm 0                                 gemm 0           now waits for W0 and A only
    gemm 1                                 gemm 1

`order_loads` moves each load of the load module earlier in program order, past
instructions it does not conflict with (no tile or DRAM buffer one writes and the other
touches), while the load it passes is first read later than itself. Every dependence
keeps its order, so the functional result is unchanged; the tokens are derived after.
"""

from __future__ import annotations

from collections.abc import Sequence

from dlir.backends.vta.statements import Emitted


def order_loads(emitted: Sequence[Emitted]) -> list[Emitted]:
    """`emitted` with each load-module instruction issued before the loads needed later."""
    need = _first_readers(emitted)
    order: list[int] = []
    for index, record in enumerate(emitted):
        position = len(order)
        if _is_load(record):
            passed_load = False
            while position > 0:
                before = order[position - 1]
                if _conflict(emitted[before], record):
                    break
                if _is_load(emitted[before]):
                    if need[before] <= need[index]:
                        break
                    passed_load = True
                position -= 1
            if not passed_load:
                position = len(order)
            while position < len(order) and not _is_load(emitted[order[position]]):
                position += 1  # stay after the compute instructions before the passed load
        order.insert(position, index)
    return [emitted[i] for i in order]


def _is_load(record: Emitted) -> bool:
    return record.instruction.module == "load"


def _first_readers(emitted: Sequence[Emitted]) -> list[int]:
    """For each instruction, the first later one reading a tile it wrote (or the end)."""
    need = [len(emitted)] * len(emitted)
    pending: dict[tuple[str, int], int] = {}
    for index, record in enumerate(emitted):
        for tile in record.reads:
            writer = pending.pop(tile, None)
            if writer is not None:
                need[writer] = min(need[writer], index)
        for tile in record.writes:
            pending[tile] = index
    return need


def _conflict(a: Emitted, b: Emitted) -> bool:
    """Whether `a` and `b` touch a tile or DRAM buffer that one of them writes."""
    if a.writes & (b.reads | b.writes) or b.writes & a.reads:
        return True
    return bool(a.dram_writes & (b.dram_reads | b.dram_writes) or b.dram_writes & a.dram_reads)
