"""Static memory planning: place buffers with known lifetimes at offsets of one arena.

    buffers  a: 4096 B live [0, 1]   b: 4096 B live [1, 2]   c: 4096 B live [2, 3]
    ->       a @ 0, b @ 4096, c @ 0          arena 8192 B instead of 12288 B

A buffer is live from the step that writes it to the last step that reads it, both
inclusive; two buffers may share bytes only if their lifetimes are disjoint. So a
destination never overlaps an input of the same step: the input is still live there.

Placement is greedy by size (as TFLite's arena planner): the largest buffer first,
each at the best-fitting gap (the smallest that holds it, lowest offset on ties) left
between the buffers already placed whose lifetimes overlap its own, or after the last
of them. Offsets and sizes are multiples of the alignment.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Buffer:
    """A buffer of `size` bytes written at step `start` and last read at step `end`."""

    size: int
    start: int
    end: int

    def overlaps(self, other: Buffer) -> bool:
        """Whether the two lifetimes share a step."""
        return self.start <= other.end and other.start <= self.end


@dataclass(frozen=True)
class Plan:
    """Where each buffer goes, and what the plan saves.

    `unplanned_bytes` is the memory without reuse (every buffer its own allocation),
    `arena_bytes` the size of the planned arena and `live_peak_bytes` the most bytes live
    at one step (a lower bound of any plan).
    """

    offsets: tuple[int, ...]
    arena_bytes: int
    unplanned_bytes: int
    live_peak_bytes: int


def _round_up(value: int, alignment: int) -> int:
    return (value + alignment - 1) // alignment * alignment


def plan_buffers(buffers: Sequence[Buffer], alignment: int = 64) -> Plan:
    """Place `buffers` in one arena, reusing the bytes of buffers that are dead."""
    if alignment <= 0 or alignment & (alignment - 1):
        raise ValueError(f"alignment must be a power of two, found {alignment}")
    for buffer in buffers:
        if buffer.size < 0 or buffer.start > buffer.end:
            raise ValueError(f"bad buffer {buffer}: expected size >= 0 and start <= end")
    sizes = [_round_up(max(b.size, 1), alignment) for b in buffers]
    order = sorted(range(len(buffers)), key=lambda i: (-sizes[i], buffers[i].start, i))
    offsets: dict[int, int] = {}
    for index in order:
        offsets[index] = _best_fit(index, buffers, sizes, offsets)
    arena = max((offsets[i] + sizes[i] for i in offsets), default=0)
    steps = sorted({b.start for b in buffers})
    live_peak = max(
        (
            sum(s for b, s in zip(buffers, sizes, strict=True) if b.start <= t <= b.end)
            for t in steps
        ),
        default=0,
    )
    return Plan(
        offsets=tuple(offsets[i] for i in range(len(buffers))),
        arena_bytes=arena,
        unplanned_bytes=sum(sizes),
        live_peak_bytes=live_peak,
    )


def _best_fit(
    index: int, buffers: Sequence[Buffer], sizes: Sequence[int], placed: dict[int, int]
) -> int:
    """The offset of the smallest gap that holds buffer `index` among the placed buffers
    live at the same time (lowest offset on ties), or the end of the last of them."""
    busy = sorted(
        (placed[other], placed[other] + sizes[other])
        for other in placed
        if buffers[other].overlaps(buffers[index])
    )
    size = sizes[index]
    best: tuple[int, int] | None = None  # (gap size, offset)
    cursor = 0
    for begin, end in busy:
        gap = begin - cursor
        if gap >= size and (best is None or gap < best[0]):
            best = (gap, cursor)
        cursor = max(cursor, end)
    return cursor if best is None else best[1]
