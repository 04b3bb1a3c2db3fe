"""loop-unroll, run natively against the loop it rewrote: full and partial unrolls with
tails (odd, dynamic trip counts, steps > 1), unroll-and-jam and when it is refused, and a
hand-written 6x16 register-tiled matmul through loop-unroll,loop-vectorize."""

from __future__ import annotations

import pytest

from dlir.dialects.loop import ForOp, LoopKind
from dlir.ir.context import make_context
from dlir.parser import parse_module
from dlir.passes import PassManager
from dlir.passes.instrument import PassStatistics
from dlir.passes.loop.differential import check_transform


def strided(trips: int, step: int, factor: int | None, dynamic: bool = False) -> str:
    # out[k] = a[k] * 2 + k-th prefix of a, for k = 0, step, 2 * step, ... < ub
    n = trips * step
    kind = "unrolled" if factor is None else f"unrolled<{factor}>"
    ub = "%ub" if dynamic else "%cn"
    return f"""
loop.func @k(%a: memref<{n + 1}xf32>, %m: index, %out: memref<{n + 1}xf32>) attributes {{num_outputs = 1 : i64}} {{
  %c0 = arith.constant 0 : index
  %c{step}_s = arith.constant {step} : index
  %cn = arith.constant {n} : index
  %ub = loop.min %m, %cn
  loop.for %k = %c0 to {ub} step %c{step}_s {kind} {{
    %x = loop.load %a[%k] : memref<{n + 1}xf32>
    %y = loop.load %a[%k + 1] : memref<{n + 1}xf32>
    %z = arith.addf %x, %y : f32
    %w = arith.mulf %z, %x : f32
    loop.store %w, %out[%k] : memref<{n + 1}xf32>
  }}
  loop.return
}}"""


def kinds(text: str) -> list[LoopKind]:
    return [op.loop_kind for op in parse_module(text).walk() if isinstance(op, ForOp)]


@pytest.mark.parametrize("trips", [1, 7, 13, 33])
@pytest.mark.parametrize(("step", "factor"), [(1, 2), (1, 4), (2, 3), (3, None)])
def test_unroll_matches_the_loop(trips: int, step: int, factor: int | None):
    if factor is None and trips > 13:
        factor = 5  # a full unroll of 33 copies is tested below
    result = check_transform(strided(trips, step, factor), "loop-unroll")
    loops = [op for op in result.walk() if isinstance(op, ForOp)]
    assert all(loop.loop_kind == LoopKind.SERIAL for loop in loops)
    expected = 0 if factor is None or trips <= factor else 1 + (trips % factor != 0)
    assert len(loops) == expected


def test_full_unroll_of_33():
    result = check_transform(strided(33, 1, None), "loop-unroll")
    assert not any(isinstance(op, ForOp) for op in result.walk())


@pytest.mark.parametrize("m", [0, 1, 5, 6, 20])
def test_dynamic_trip_count(m: int):
    check_transform(strided(7, 3, 2, dynamic=True), "loop-unroll", index_value=m)


def test_max_copies_keeps_the_loop():
    ctx = make_context()
    module = parse_module(strided(33, 1, None), ctx=ctx)
    stats = PassStatistics()
    PassManager.parse("loop-unroll{max-copies=8}", ctx, instruments=[stats]).run(module)
    assert stats.counts == {
        "loop-unroll{max-copies=8}": {"not-unrolled: 33 iterations is more than max-copies=8": 1}
    }


def rows(jam_breaker: str = "") -> str:
    # acc[i, j] += a[i, k] * b[k, j] with i unrolled outside the k loop (the jam case)
    return f"""
loop.func @k(%a: memref<3x9xf32>, %b: memref<9x5xf32>, %acc: memref<3x5xf32>) attributes {{num_outputs = 1 : i64}} {{
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c3 = arith.constant 3 : index
  %c5 = arith.constant 5 : index
  %c9 = arith.constant 9 : index
  loop.for %i = %c0 to %c3 step %c1 unrolled {{
    loop.for %k = %c0 to %c9 step %c1 {{
      %x = loop.load %a[%i, %k] : memref<3x9xf32>
      loop.for %j = %c0 to %c5 step %c1 vectorized<4> {{
        %y = loop.load %b[%k, %j] : memref<9x5xf32>
        %o = loop.load %acc[{jam_breaker or "%i"}, %j] : memref<3x5xf32>
        %p = arith.mulf %x, %y : f32
        %n = arith.addf %o, %p : f32
        loop.store %n, %acc[{jam_breaker or "%i"}, %j] : memref<3x5xf32>
      }}
    }}
  }}
  loop.return
}}"""


def test_unroll_and_jam_fuses_the_inner_loops():
    result = check_transform(rows(), "loop-unroll")
    outer = [
        op for op in result.walk() if isinstance(op, ForOp) and op.induction_var.name_hint == "k"
    ]
    assert len(outer) == 1
    check_transform(rows(), "loop-unroll,loop-vectorize", rtol=1e-5)


def test_no_jam_when_the_copies_share_elements():
    ctx = make_context()
    module = parse_module(rows(jam_breaker="%c0"), ctx=ctx)
    stats = PassStatistics()
    PassManager.parse("loop-unroll", ctx, instruments=[stats]).run(module)
    assert stats.counts["loop-unroll"] == {
        "not-jammed: the copies may write the same element": 1,
        "unrolled": 1,
    }
    check_transform(rows(jam_breaker="%c0"), "loop-unroll,loop-vectorize")


def register_tiled_matmul(n: int, rows: int, kc: int) -> str:
    """C = A @ B: R x 16 tiles of "local" accumulators, k blocked by kc, B packed per panel."""
    full, rest = divmod(n, rows)

    def nest(rows: int, row0: int, tiles: int) -> str:
        return f"""
  loop.for %kb = %c0 to %c{n // kc}_ step %c1 {{
    loop.for %jo = %c0 to %c{n // 16}_ step %c1 {{
      %bp = loop.alloc "packed" align 64 : memref<{kc}x16xf32>
      loop.for %kp = %c0 to %c{kc}_ step %c1 {{
        loop.for %jp = %c0 to %c16_ step %c1 vectorized<8> {{
          %w = loop.load %B[%kb * {kc} + %kp, %jo * 16 + %jp] : memref<{n}x{n}xf32>
          loop.store %w, %bp[%kp, %jp] : memref<{kc}x16xf32>
        }}
      }}
      loop.for %io = %c0 to %c{tiles}_ step %c1 {{
        %acc = loop.alloc "local" align 64 : memref<{rows}x16xf32>
        loop.for %ii = %c0 to %c{rows}_ step %c1 unrolled {{
          loop.for %ji = %c0 to %c16_ step %c1 vectorized<8> {{
            %v = loop.load %C[%io * {rows} + %ii + {row0}, %jo * 16 + %ji] : memref<{n}x{n}xf32>
            loop.store %v, %acc[%ii, %ji] : memref<{rows}x16xf32>
          }}
        }}
        loop.for %k = %c0 to %c{kc}_ step %c1 {{
          loop.for %i2 = %c0 to %c{rows}_ step %c1 unrolled {{
            %a = loop.load %A[%io * {rows} + %i2 + {row0}, %kb * {kc} + %k] : memref<{n}x{n}xf32>
            loop.for %j2 = %c0 to %c16_ step %c1 vectorized<8> {{
              %b = loop.load %bp[%k, %j2] : memref<{kc}x16xf32>
              %p = arith.mulf %a, %b : f32
              %o = loop.load %acc[%i2, %j2] : memref<{rows}x16xf32>
              %s = arith.addf %o, %p : f32
              loop.store %s, %acc[%i2, %j2] : memref<{rows}x16xf32>
            }}
          }}
        }}
        loop.for %i3 = %c0 to %c{rows}_ step %c1 unrolled {{
          loop.for %j3 = %c0 to %c16_ step %c1 vectorized<8> {{
            %v = loop.load %acc[%i3, %j3] : memref<{rows}x16xf32>
            loop.store %v, %C[%io * {rows} + %i3 + {row0}, %jo * 16 + %j3] : memref<{n}x{n}xf32>
          }}
        }}
        loop.free %acc : memref<{rows}x16xf32>
      }}
      loop.free %bp : memref<{kc}x16xf32>
    }}
  }}"""

    constants = {1, 16, n, n // 16, n // kc, kc, rows, full, rest}
    text = [
        f"loop.func @matmul(%A: memref<{n}x{n}xf32>, %B: memref<{n}x{n}xf32>, "
        f"%C: memref<{n}x{n}xf32>) attributes {{num_outputs = 1 : i64}} {{",
        "  %c0 = arith.constant 0 : index",
        "  %zero = arith.constant 0.0 : f32",
        *(f"  %c{c}_ = arith.constant {c} : index" for c in sorted(constants)),
        "  %c1 = arith.constant 1 : index",
        f"""  loop.for %i = %c0 to %c{n}_ step %c1 {{
    loop.for %j = %c0 to %c{n}_ step %c1 vectorized<8> {{
      loop.store %zero, %C[%i, %j] : memref<{n}x{n}xf32>
    }}
  }}""",
        nest(rows, 0, full),
        nest(rest, full * rows, 1) if rest else "",
        "  loop.return",
        "}",
    ]
    return "\n".join(text)


def test_register_tiled_matmul():
    text = register_tiled_matmul(32, 6, 16)
    result = check_transform(text, "loop-unroll,loop-vectorize", rtol=1e-4)
    printed = str(result)
    assert "unrolled" not in printed and "vectorized" not in printed
    # the k loop of the 6-row tile: 6 fmas on 16-wide vectors, nothing else computes
    assert printed.count("vector.fma") == 6 + 2
