"""Generate the parser benchmark inputs: many functions of arith/memref ops plus a loop.

    python benchmarks/gen_ops.py --ops 50000 --out /tmp/bench        # bench.mlir + bench.generic.mlir
    python benchmarks/gen_ops.py --ops 5000 --declarative-only ...    # no hand-written op syntax

Each function has ~40 arith/memref ops and one `scf.for` with `iter_args` (the workload of
XDSL-NOTES §4). The custom file is xDSL's own printing of the module and the generic
file its `--print-op-generic` printing, so both parsers read exactly the same IR.
`--declarative-only` replaces `arith.constant`, `arith.cmpi` and `scf.for` (whose syntax is
hand-written in xDSL) by ops with declarative formats, for parsers that lack those forms.
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

from dlir.ir.context import make_context
from dlir.parser import parse_module_xdsl, print_module

_BINARY_F = ("arith.addf", "arith.mulf", "arith.subf", "arith.maximumf")
_BINARY_I = ("arith.addi", "arith.muli", "arith.subi", "arith.andi")


def gen_function(index: int, rng: random.Random, declarative_only: bool) -> tuple[str, int]:
    """One function's text and its op count (including nested ops and the terminator)."""
    lines = [
        f"func.func @f{index}(%m: memref<1024xf32>, %a: f32, %b: f32, %i: index, %j: index, %n: i32) -> f32 {{"
    ]
    floats, ints, indices = ["%a", "%b"], ["%n"], ["%i", "%j"]
    ops = 0
    for k in range(40):
        kind = rng.randrange(6)
        name = f"%v{k}"
        if kind == 0:
            lines.append(f"  {name} = memref.load %m[{rng.choice(indices)}] : memref<1024xf32>")
            floats.append(name)
        elif kind == 1:
            lines.append(
                f"  memref.store {rng.choice(floats)}, %m[{rng.choice(indices)}] : memref<1024xf32>"
            )
        elif kind == 2 and not declarative_only:
            lines.append(f"  {name} = arith.constant {rng.randrange(100)} : i32")
            ints.append(name)
        elif kind == 3:
            op = rng.choice(_BINARY_I)
            lines.append(f"  {name} = {op} {rng.choice(ints)}, {rng.choice(ints)} : i32")
            ints.append(name)
        elif kind == 4 and not declarative_only:
            lines.append(
                f"  {name} = arith.cmpf olt, {rng.choice(floats)}, {rng.choice(floats)} : f32"
            )
            lines.append(
                f"  {name}s = arith.select {name}, {rng.choice(floats)}, {rng.choice(floats)} : f32"
            )
            floats.append(f"{name}s")
            ops += 1
        else:
            op = rng.choice(_BINARY_F)
            lines.append(f"  {name} = {op} {rng.choice(floats)}, {rng.choice(floats)} : f32")
            floats.append(name)
        ops += 1
    if declarative_only:
        lines.append(f"  %r = arith.addf {floats[-1]}, %a : f32")
        ops += 1
    else:
        lines += [
            "  %c0 = arith.constant 0 : index",
            "  %c1 = arith.constant 1 : index",
            "  %c64 = arith.constant 64 : index",
            f"  %r = scf.for %k = %c0 to %c64 step %c1 iter_args(%acc = {floats[-1]}) -> (f32) {{",
            "    %x = memref.load %m[%k] : memref<1024xf32>",
            "    %y = arith.addf %acc, %x : f32",
            "    scf.yield %y : f32",
            "  }",
        ]
        ops += 7
    lines += ["  func.return %r : f32", "}"]
    return "\n".join(lines), ops + 2  # + func.func and func.return


def generate(n_ops: int, seed: int = 0, declarative_only: bool = False) -> tuple[str, str, int]:
    """(custom text, generic text, op count) for about `n_ops` ops, printed by xDSL."""
    rng = random.Random(seed)
    funcs: list[str] = []
    total = 1  # the module
    while total < n_ops:
        text, count = gen_function(len(funcs), rng, declarative_only)
        funcs.append(text)
        total += count
    module = parse_module_xdsl("\n".join(funcs), "<gen>", make_context())
    return print_module(module), print_module(module, generic=True), total


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--ops", type=int, default=50_000, help="approximate number of ops")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument(
        "--declarative-only", action="store_true", help="avoid hand-written op syntaxes"
    )
    ap.add_argument("--out", default="bench", help="output path prefix")
    args = ap.parse_args()
    custom, generic, total = generate(args.ops, args.seed, args.declarative_only)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    Path(f"{out}.mlir").write_text(custom)
    Path(f"{out}.generic.mlir").write_text(generic)
    print(
        f"{total} ops -> {out}.mlir ({len(custom)} bytes), {out}.generic.mlir ({len(generic)} bytes)"
    )


if __name__ == "__main__":
    main()
