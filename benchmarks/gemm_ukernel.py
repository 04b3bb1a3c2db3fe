"""matmul through the GEMM micro-kernel: GotoBLAS/BLIS blocking written as loop IR.

    python benchmarks/gemm_ukernel.py                      # 1024 and 2048, 1 thread, vs numpy
    python benchmarks/gemm_ukernel.py --sizes 1024 --mc 96,192 --kc 256,512
    python benchmarks/gemm_ukernel.py --print 1024 > /tmp/mm.mlir   # the loop IR

`gemm_program` writes the kernel `@matmul(A: M x K, B: K x N, C: M x N)` in the loop
dialect, with `hw.call`s of `gemm_microkernel` (6 x 16, packed panels) on `loop.subview`s:

    C = 0
    for pc in K by kc:                        B's kc x N block packed as [N / 16][kc][16]
      for ic in M by mc:                      A's mc x kc block packed as [mc / 6][kc][6]
        for jr in N / 16:                     a 16-column panel of B (L1)
          for ir in mc / 6:                   a 6-row panel of A (L2)
            hw.call @gemm_6x16_k{kc}(Ap[ir], Bp[jr], C[ic + 6 ir, 16 jr])

Rows past the last whole block of mc run as one shorter block; a last tile of fewer than
6 rows packs A's last row again and the kernel writes a 6 x 16 scratch tile, whose valid
rows are added to C. The program goes through `loop-vectorize,loop-to-llvm` (the packing
copies are vectorized loops) and is timed against numpy in the same process, alternating,
median and best of `--repeat` runs; GFLOP/s and % of the 126.6 GFLOP/s FMA peak.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Callable

import numpy as np

from dlir.backends.llvm.callable import jit_function
from dlir.intrinsics import build, declare
from dlir.parser import parse_module
from dlir.passes import run_pipeline

FMA_PEAK_GFLOPS = 126.6
MR, NR = 6, 16


def gemm_program(m: int, n: int, k: int, *, mc: int = 192, kc: int = 256) -> str:
    """The loop IR of `@matmul` (see the module docstring) for an m x k by k x n product."""
    if n % NR or k % kc or mc % MR:
        raise ValueError(f"expected n % {NR} == 0, k % kc == 0 and mc % {MR} == 0")
    kernel = build("gemm_microkernel", kc=kc).name
    f = "xf32"
    tiles_n = n // NR
    a_t, b_t, c_t = f"memref<{m}x{k}{f}>", f"memref<{k}x{n}{f}>", f"memref<{m}x{n}{f}>"
    bp_t = f"memref<{tiles_n}x{kc}x{NR}{f}>"
    av = f"memref<{kc}x{MR}{f}, strided<[{MR}, 1], offset: ?>>"
    bv = f"memref<{kc}x{NR}{f}, strided<[{NR}, 1], offset: ?>>"
    cv = f"memref<{MR}x{NR}{f}, strided<[{n}, 1], offset: ?>>"
    tv = f"memref<{MR}x{NR}{f}, strided<[{NR}, 1], offset: ?>>"
    consts: set[int] = {0, 1, m, n, k, kc, tiles_n, NR, MR}
    body: list[str] = []
    emit = body.append

    def c(value: int) -> str:
        consts.add(value)
        return f"%c{value}"

    # C = 0, vectorized along a row
    emit(f"loop.for %i = %c0 to {c(m)} step %c1 {{")
    emit(f"  loop.for %j = %c0 to {c(n)} step %c1 vectorized<{NR}> {{")
    emit(f"    loop.store %zero, %C[%i, %j] : {c_t}")
    emit("  }")
    emit("}")
    emit(f'%Bp = loop.alloc "packed" : {bp_t}')
    blocks = m // mc
    rest = m - blocks * mc
    ap_rows = max(mc, -(-rest // MR) * MR) // MR
    ap_t = f"memref<{ap_rows}x{kc}x{MR}{f}>"
    emit(f'%Ap = loop.alloc "packed" : {ap_t}')
    emit(f'%T = loop.alloc "local" : memref<{MR}x{NR}{f}>')
    emit(f"loop.for %pc = %c0 to {c(k // kc)} step %c1 {{")
    # Bp[jr, kk, jj] = B[pc * kc + kk, jr * 16 + jj]
    emit(f"  loop.for %jr = %c0 to {c(tiles_n)} step %c1 {{")
    emit(f"    loop.for %kk = %c0 to {c(kc)} step %c1 {{")
    emit(f"      loop.for %jj = %c0 to {c(NR)} step %c1 vectorized<{NR}> {{")
    emit(f"        %x = loop.load %B[%pc * {kc} + %kk, %jr * {NR} + %jj] : {b_t}")
    emit(f"        loop.store %x, %Bp[%jr, %kk, %jj] : {bp_t}")
    emit("      }")
    emit("    }")
    emit("  }")

    def block(first_row: str, rows: int) -> None:
        """Pack rows [first_row, first_row + rows) of A's panel, then the tiles' calls."""
        tiles, tail = divmod(rows, MR)
        packed = tiles + (1 if tail else 0)
        emit(f"  loop.for %ir = %c0 to {c(packed)} step %c1 {{")
        emit(f"    loop.for %kk = %c0 to {c(kc)} step %c1 {{")
        emit(f"      loop.for %ii = %c0 to {c(MR)} step %c1 unrolled<{MR}> {{")
        emit(f"        %r0 = arith.muli %ir, {c(MR)} : index")
        emit("        %r1 = arith.addi %r0, %ii : index")
        emit(f"        %r2 = arith.addi %r1, {first_row} : index")
        emit(f"        %r = loop.min %r2, {c(m - 1)}")
        emit(f"        %x = loop.load %A[%r, %pc * {kc} + %kk] : {a_t}")
        emit(f"        loop.store %x, %Ap[%ir, %kk, %ii] : {ap_t}")
        emit("      }")
        emit("    }")
        emit("  }")
        emit(f"  loop.for %jr = %c0 to {c(tiles_n)} step %c1 {{")
        emit(f"    %b = loop.subview %Bp[%jr, 0, 0] : {bp_t} to {bv}")
        if tiles:
            emit(f"    loop.for %ir = %c0 to {c(tiles)} step %c1 {{")
            emit(f"      %a = loop.subview %Ap[%ir, 0, 0] : {ap_t} to {av}")
            emit(f"      %ci = arith.muli %ir, {c(MR)} : index")
            emit(f"      %row = arith.addi %ci, {first_row} : index")
            emit(f"      %c = loop.subview %C[%row, %jr * {NR}] : {c_t} to {cv}")
            emit(f"      hw.call @{kernel}(%a, %b, %c) : ({av}, {bv}, {cv}) -> ()")
            emit("    }")
        if tail:
            # the last tile has `tail` rows: the kernel fills a zeroed scratch tile
            emit("    loop.for %i = %c0 to %c6 step %c1 {")
            emit(f"      loop.for %j = %c0 to {c(NR)} step %c1 vectorized<{NR}> {{")
            emit(f"        loop.store %zero, %T[%i, %j] : memref<{MR}x{NR}{f}>")
            emit("      }")
            emit("    }")
            emit(f"    %a = loop.subview %Ap[{tiles}, 0, 0] : {ap_t} to {av}")
            emit(f"    %t = loop.subview %T[0, 0] : memref<{MR}x{NR}{f}> to {tv}")
            emit(f"    hw.call @{kernel}(%a, %b, %t) : ({av}, {bv}, {tv}) -> ()")
            emit(f"    loop.for %i = %c0 to {c(tail)} step %c1 {{")
            emit(f"      loop.for %j = %c0 to {c(NR)} step %c1 vectorized<{NR}> {{")
            emit(f"        %row = arith.addi %i, {first_row} : index")
            emit(f"        %row2 = arith.addi %row, {c(tiles * MR)} : index")
            emit(f"        %x = loop.load %T[%i, %j] : memref<{MR}x{NR}{f}>")
            emit(f"        %y = loop.load %C[%row2, %jr * {NR} + %j] : {c_t}")
            emit("        %s = arith.addf %x, %y : f32")
            emit(f"        loop.store %s, %C[%row2, %jr * {NR} + %j] : {c_t}")
            emit("      }")
            emit("    }")
        emit("  }")

    if blocks:
        emit(f"  loop.for %ic = %c0 to {c(blocks)} step %c1 {{")
        emit(f"    %first = arith.muli %ic, {c(mc)} : index")
        start = len(body)
        block("%first", mc)
        body[start:] = ["  " + line for line in body[start:]]
        emit("  }")
    if rest:
        block(c(blocks * mc), rest)
    emit("}")
    emit(f"loop.free %T : memref<{MR}x{NR}{f}>")
    emit(f"loop.free %Ap : {ap_t}")
    emit(f"loop.free %Bp : {bp_t}")
    header = [
        f"loop.func @matmul(%A: {a_t}, %B: {b_t}, %C: {c_t}) attributes {{num_outputs = 1 : i64}} {{",
        "  %zero = arith.constant 0.0 : f32",
        *(f"  %c{value} = arith.constant {value} : index" for value in sorted(consts)),
    ]
    return "\n".join([*header, *("  " + line for line in body), "  loop.return", "}"])


def compile_gemm(m: int, n: int, k: int, mc: int, kc: int) -> Callable[..., object]:
    module = parse_module(gemm_program(m, n, k, mc=mc, kc=kc))
    declare(module, "gemm_microkernel", kc=kc)
    run_pipeline("loop-vectorize,loop-to-llvm", module)
    return jit_function(module, "matmul")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="1024,2048", help="comma list of M = N = K")
    parser.add_argument("--mc", default="192", help="comma list of row block sizes")
    parser.add_argument("--kc", default="256", help="comma list of k block sizes")
    parser.add_argument("--repeat", type=int, default=9)
    parser.add_argument("--print", type=int, metavar="SIZE", help="print the loop IR and exit")
    args = parser.parse_args()
    if args.print:
        print(gemm_program(args.print, args.print, args.print))
        return
    threads = os.environ.get("OPENBLAS_NUM_THREADS", "unset")
    print(f"OPENBLAS_NUM_THREADS={threads} (set it to 1 for 1-thread numpy)")
    header = f"{'size':>5} {'mc':>4} {'kc':>4} {'dlir ms':>8} {'numpy ms':>9} {'x numpy':>8}"
    print(f"{header} {'(best)':>7} {'GFLOP/s':>8} {'best':>6} {'% peak':>7}")
    for size in (int(s) for s in args.sizes.split(",")):
        rng = np.random.default_rng(0)
        a = rng.standard_normal((size, size), dtype=np.float32)
        b = rng.standard_normal((size, size), dtype=np.float32)
        reference = a.astype(np.float64) @ b
        for mc in (int(x) for x in args.mc.split(",")):
            for kc in (int(x) for x in args.kc.split(",")):
                kernel = compile_gemm(size, size, size, mc, kc)
                c = np.empty((size, size), np.float32)
                kernel(a, b, c)
                error = float(abs(c - reference).max() / abs(reference).max())
                if error > 1e-5:
                    raise SystemExit(f"size {size} mc {mc} kc {kc}: relative error {error}")
                ours: list[float] = []
                theirs: list[float] = []
                for _ in range(args.repeat):
                    start = time.perf_counter()
                    kernel(a, b, c)
                    ours.append(time.perf_counter() - start)
                    start = time.perf_counter()
                    np.matmul(a, b)
                    theirs.append(time.perf_counter() - start)
                flops = 2.0 * size**3
                median, numpy_median = statistics.median(ours), statistics.median(theirs)
                gflops, best = flops / median / 1e9, flops / min(ours) / 1e9
                print(
                    f"{size:>5} {mc:>4} {kc:>4} {median * 1e3:>8.1f} {numpy_median * 1e3:>9.1f} "
                    f"{numpy_median / median:>8.2f} {min(theirs) / min(ours):>7.2f} "
                    f"{gflops:>8.1f} {best:>6.1f} "
                    f"{100 * best / FMA_PEAK_GFLOPS:>6.1f}%"
                )


if __name__ == "__main__":
    main()
