"""The VTA-like accelerator on a GEMM and a conv2d, with and without virtual threads.

    python benchmarks/vta.py                       # default workloads, markdown table
    python benchmarks/vta.py --only gemm --config 8x8
    python benchmarks/vta.py --lowered             # also te -> loop -> VTA (lower_to_vta)
    python benchmarks/vta.py --lowered --summary   # + busy time and stalls by cause per run

For each workload and 1 or 2 virtual threads (2 = double buffering: loads of the next
stage and stores of the previous block overlap the gemms), the program runs on the timed
simulator; its outputs are checked against numpy. Columns: total cycles, gemm cycles
(compute busy in non-reset Gemm), utilization = gemm / total, each module's busy share,
and the speedup of 2 threads over 1. Programs are the hand-built ones of
`dlir.backends.vta.programs` (and, with --lowered, those `lower_to_vta` makes from te
kernels scheduled by `dlir.backends.vta.kernels`). Cycle counts are deterministic: no
repeats needed.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from dlir.backends.vta import Program, Stats, VTAConfig, run_timed
from dlir.backends.vta.programs import (
    conv2d_inputs,
    conv2d_program,
    conv2d_reference,
    gemm_inputs,
    gemm_output,
    gemm_program,
)

Check = Callable[[dict[str, npt.NDArray[np.signedinteger]]], bool]


@dataclass(frozen=True)
class Row:
    workload: str
    source: str
    threads: int
    stats: Stats
    correct: bool
    seconds: float


def requantize(values: npt.NDArray[np.int64], shift: int) -> npt.NDArray[np.int64]:
    return np.clip(np.maximum(values >> shift, 0), -128, 127)


def gemm_case(
    size: int, threads: int, config: VTAConfig
) -> tuple[Program, dict[str, npt.NDArray[np.generic]], Check]:
    rng = np.random.default_rng(0)
    a, w = rng.integers(-128, 128, (size, size)), rng.integers(-128, 128, (size, size))
    program = gemm_program(
        size, size, size, config=config, block=(32, 4, 4), threads=threads, relu=True, shift=8
    )
    expected = requantize(a @ w.T, 8)
    return (
        program,
        gemm_inputs(a, w, config),
        lambda out: bool((gemm_output(out) == expected).all()),
    )


def conv_case(
    size: int, channels: int, threads: int, config: VTAConfig
) -> tuple[Program, dict[str, npt.NDArray[np.generic]], Check]:
    rng = np.random.default_rng(0)
    x = rng.integers(-128, 128, (size, size, channels))
    w = rng.integers(-128, 128, (channels, 3, 3, channels))
    program = conv2d_program(
        size, size, channels, channels, config=config, rows=2, threads=threads, relu=True, shift=8
    )
    expected = requantize(conv2d_reference(x, w), 8)

    def check(out: dict[str, npt.NDArray[np.signedinteger]]) -> bool:
        return bool((out["Y"].reshape(size, size, channels) == expected).all())

    return program, conv2d_inputs(x, w, config), check


def lowered_gemm(size: int, threads: int, config: VTAConfig) -> tuple[Stats, bool]:
    """te gemm kernel + VTA schedule -> te-to-loop -> lower_to_vta -> timed simulator."""
    from dlir.backends.vta import kernels
    from dlir.backends.vta.isa import pack_tiles, unpack_tiles
    from dlir.backends.vta.runtime import run_te

    kernel = kernels.gemm_kernel(size, size, size, shift=8, config=config)
    module = kernels.with_intrinsics(kernel, config)
    kernels.schedule_gemm(kernel, tile_m=64, tile_n=8, tile_k=8, vthreads=threads, tensorize=True)
    rng = np.random.default_rng(0)
    a, w = rng.integers(-128, 128, (size, size)), rng.integers(-128, 128, (size, size))
    a_t = pack_tiles(a, config.batch, config.block_in)
    w_t = pack_tiles(w, config.block_out, config.block_in)
    (out,), stats = run_te(module, "gemm", a_t, w_t, config=config)
    assert stats is not None
    return stats, bool((unpack_tiles(out) == requantize(a @ w.T, 8)).all())


def lowered_conv(size: int, channels: int, threads: int, config: VTAConfig) -> tuple[Stats, bool]:
    """The same for the conv: te conv2d (NCHW-blocked, pre-padded input) + VTA schedule."""
    from dlir.backends.vta import kernels
    from dlir.backends.vta.runtime import run_te

    bi, bo = config.block_in, config.block_out
    kernel = kernels.conv2d_kernel(
        1, channels, channels, size + 2, size + 2, shift=8, config=config
    )
    module = kernels.with_intrinsics(kernel, config)
    tile_y = next(t for t in (7, 4, 2, 1) if size % t == 0)
    kernels.schedule_conv2d(
        kernel, tile_co=2, tile_y=tile_y, tile_ci=2, vthreads=threads, tensorize=True
    )
    rng = np.random.default_rng(0)
    x = rng.integers(-128, 128, (size, size, channels))
    w = rng.integers(-128, 128, (channels, 3, 3, channels))
    padded = np.pad(x, ((1, 1), (1, 1), (0, 0)))
    d = padded.reshape(size + 2, size + 2, channels // bi, bi).transpose(2, 0, 1, 3)
    k = w.reshape(channels // bo, bo, 3, 3, channels // bi, bi).transpose(0, 4, 2, 3, 1, 5)
    (out,), stats = run_te(module, "conv2d", d[None, :, :, :, None, :], k, config=config)
    assert stats is not None
    y = out[0, :, :, :, 0, :].transpose(1, 2, 0, 3).reshape(size, size, channels)
    return stats, bool((y == requantize(conv2d_reference(x, w), 8)).all())


def measure(args: argparse.Namespace, config: VTAConfig) -> list[Row]:
    rows: list[Row] = []
    for workload in args.only.split(","):
        for threads in (1, 2):
            if workload == "gemm":
                program, inputs, check = gemm_case(args.gemm, threads, config)
                label = f"gemm {args.gemm}^3"
            elif workload == "conv2d":
                program, inputs, check = conv_case(
                    args.conv_size, args.conv_channels, threads, config
                )
                label = f"conv2d 3x3 {args.conv_channels}->{args.conv_channels} @{args.conv_size}^2"
            else:
                raise SystemExit(f"unknown workload {workload!r}; expected gemm or conv2d")
            start = time.perf_counter()
            outputs, stats = run_timed(program, inputs)
            rows.append(
                Row(label, "hand", threads, stats, check(outputs), time.perf_counter() - start)
            )
            if args.lowered:
                start = time.perf_counter()
                if workload == "gemm":
                    lowered, correct = lowered_gemm(args.gemm, threads, config)
                else:
                    lowered, correct = lowered_conv(
                        args.conv_size, args.conv_channels, threads, config
                    )
                rows.append(
                    Row(label, "lowered", threads, lowered, correct, time.perf_counter() - start)
                )
    return rows


def table(rows: list[Row]) -> str:
    lines = [
        "| workload | program | vthreads | cycles | gemm cycles | utilization | load busy | "
        "store busy | speedup | correct | sim s |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---|---:|",
    ]
    base: dict[tuple[str, str], int] = {}
    for row in rows:
        s = row.stats
        if row.threads == 1:
            base[(row.workload, row.source)] = s.cycles
        speedup = base.get((row.workload, row.source), s.cycles) / s.cycles
        lines.append(
            f"| {row.workload} | {row.source} | {row.threads} | {s.cycles} | {s.gemm_cycles} | "
            f"{100 * s.utilization:.1f}% | {100 * s.busy['load'] / s.cycles:.1f}% | "
            f"{100 * s.busy['store'] / s.cycles:.1f}% | {speedup:.2f}x | "
            f"{'yes' if row.correct else 'NO'} | {row.seconds:.1f} |"
        )
    return "\n".join(lines)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--only", default="gemm,conv2d", help="comma-separated: gemm, conv2d")
    parser.add_argument("--gemm", type=int, default=256, help="GEMM size (m = n = k)")
    parser.add_argument("--conv-size", type=int, default=28, help="conv2d image height = width")
    parser.add_argument("--conv-channels", type=int, default=64, help="conv2d in = out channels")
    parser.add_argument("--config", default="16x16", help="gemm core: 16x16 or 8x8")
    parser.add_argument("--bandwidth", type=int, default=8, help="DRAM bytes per cycle")
    parser.add_argument("--lowered", action="store_true", help="also run the te lowering")
    parser.add_argument("--summary", action="store_true", help="print each run's summary()")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    block = {"16x16": 16, "8x8": 8}.get(args.config)
    if block is None:
        raise SystemExit(f"unknown --config {args.config!r}; expected 16x16 or 8x8")
    config = VTAConfig(block_in=block, block_out=block, dram_bytes_per_cycle=args.bandwidth)
    rows = measure(args, config)
    print(table(rows))
    if args.summary:
        for row in rows:
            print(
                f"\n{row.workload}, {row.source}, {row.threads} vthread(s):\n{row.stats.summary()}"
            )
    return 0 if all(row.correct for row in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
