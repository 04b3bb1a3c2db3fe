"""The GEMM micro-kernel alone, on L1-resident panels: GFLOP/s and % of the FMA peak.

    python benchmarks/ukernel.py                      # 6x16, kc 256, unroll 1/2/4
    python benchmarks/ukernel.py --kc 128,256,512 --unroll 4 --threads 1

A `loop.func` calls the intrinsic `--calls` times on the same packed panels (A: kc x 6,
B: kc x 16, 22 KiB at kc = 256, inside the 32 KiB L1) and one 6 x 16 tile of C, through
`hw.call` on `loop.subview`s, compiled with loop-to-llvm like any kernel. The result is
checked against numpy once (C += calls x A.B), then timed: median and best of `--repeat`
runs (the machine is shared: the best run is the one that had the core).
The peak is ANCHORS.md's measured 126.6 GFLOP/s (a C loop of independent AVX2 FMAs on one
core of this machine).
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

from dlir.backends.llvm.callable import jit_function
from dlir.intrinsics import build, declare
from dlir.parser import parse_module
from dlir.passes import run_pipeline

FMA_PEAK_GFLOPS = 126.6


def bench_program(name: str, kc: int, mr: int, nr: int, calls: int) -> str:
    """`@bench(A: kc x mr, B: kc x nr, C: mr x nr)`: `calls` times C += A^T-packed . B."""
    a = f"memref<{kc}x{mr}xf32>"
    b = f"memref<{kc}x{nr}xf32>"
    c = f"memref<{mr}x{nr}xf32>"
    av = f"memref<{kc}x{mr}xf32, strided<[{mr}, 1], offset: ?>>"
    bv = f"memref<{kc}x{nr}xf32, strided<[{nr}, 1], offset: ?>>"
    cv = f"memref<{mr}x{nr}xf32, strided<[{nr}, 1], offset: ?>>"
    return f"""
loop.func @bench(%A: {a}, %B: {b}, %C: {c}) attributes {{num_outputs = 1 : i64}} {{
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %n = arith.constant {calls} : index
  loop.for %r = %c0 to %n step %c1 {{
    %a = loop.subview %A[0, 0] : {a} to {av}
    %b = loop.subview %B[0, 0] : {b} to {bv}
    %c = loop.subview %C[0, 0] : {c} to {cv}
    hw.call @{name}(%a, %b, %c) : ({av}, {bv}, {cv}) -> ()
  }}
  loop.return
}}
"""


def measure(kc: int, unroll: int, mr: int, nr: int, calls: int, repeat: int) -> tuple[float, float]:
    """GFLOP/s of the micro-kernel: (median, best) of `repeat` timed runs."""
    name = build("gemm_microkernel", mr=mr, nr=nr, kc=kc, unroll=unroll).name
    module = parse_module(bench_program(name, kc, mr, nr, calls))
    declare(module, "gemm_microkernel", mr=mr, nr=nr, kc=kc, unroll=unroll)
    run_pipeline("loop-to-llvm", module)
    bench = jit_function(module, "bench")
    rng = np.random.default_rng(0)
    a = rng.uniform(-1, 1, (kc, mr)).astype(np.float32) / kc
    b = rng.uniform(-1, 1, (kc, nr)).astype(np.float32)
    c = np.zeros((mr, nr), np.float32)
    bench(a, b, c)
    expected = calls * (a.T.astype(np.float64) @ b)
    # `calls` f32 additions into C: bound the rounding by a few % of the magnitude summed
    scale = calls * (abs(a.T.astype(np.float64)) @ abs(b))
    if not (abs(c - expected) <= 0.05 * scale).all():
        raise SystemExit(
            f"kc={kc} unroll={unroll}: wrong result, max error {abs(c - expected).max()}"
        )
    times: list[float] = []
    for _ in range(repeat):
        start = time.perf_counter()
        bench(a, b, c)
        times.append(time.perf_counter() - start)
    flops = 2 * mr * nr * kc * calls
    return flops / statistics.median(times) / 1e9, flops / min(times) / 1e9


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--kc", default="256", help="comma list of k extents (default 256)")
    parser.add_argument("--unroll", default="1,2,4", help="comma list of k unroll factors")
    parser.add_argument("--tile", default="6x16", help="mr x nr (default 6x16)")
    parser.add_argument("--flops", type=float, default=5e8, help="flops per timed run")
    parser.add_argument("--repeat", type=int, default=21)
    args = parser.parse_args()
    mr, nr = (int(x) for x in args.tile.split("x"))
    print(
        f"{'tile':>6} {'kc':>5} {'unroll':>6} {'median GFLOP/s':>15} {'best':>6} {'% peak (best)':>14}"
    )
    for kc in (int(x) for x in args.kc.split(",")):
        for unroll in (int(x) for x in args.unroll.split(",")):
            calls = max(1, int(args.flops / (2 * mr * nr * kc)))
            median, best = measure(kc, unroll, mr, nr, calls, args.repeat)
            percent = 100 * best / FMA_PEAK_GFLOPS
            print(
                f"{args.tile:>6} {kc:>5} {unroll:>6} {median:>15.1f} {best:>6.1f} {percent:>13.1f}%"
            )


if __name__ == "__main__":
    main()
