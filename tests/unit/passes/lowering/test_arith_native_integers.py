"""Integer arith/math ops loop-to-llvm lowers, run natively against the interpreter (or
exact Python integers where numpy overflows) on edge cases (0, +-1, INT_MIN, INT_MAX), as
scalars and as vectors of 8: binary ops, division and remainder of every rounding, index
division, absi. Helpers: `dlir.testing.arith_native`."""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dlir.backends.llvm.callable import jit_function
from dlir.ir.context import make_context
from dlir.parser import parse_module
from dlir.passes.lowering.loop_to_llvm_pass import LoopToLLVMPass
from dlir.testing.arith_native import (
    DTYPES,
    LANES,
    Array,
    check,
    int_pairs,
    kernel,
)


@pytest.mark.parametrize("lanes", LANES)
@pytest.mark.parametrize("t", ["i32", "i64"])
@pytest.mark.parametrize(
    "op",
    [
        "divsi",
        "remsi",
        "divui",
        "remui",
        "floordivsi",
        "ceildivsi",
        "shli",
        "shrsi",
        "shrui",
        "maxsi",
        "minsi",
        "maxui",
        "minui",
        "muli",
        "subi",
    ],
)
def test_integer_binary(op: str, t: str, lanes: int) -> None:
    a, b = int_pairs(DTYPES[t])
    expected: Callable[[Sequence[Array]], Array] | None = None
    if op == "ceildivsi":
        # exact in Python integers: the interpreter's -floor_divide(-a, b) overflows at INT_MIN
        def exact(x: Sequence[Array]) -> Array:
            bits = x[0].dtype.itemsize * 8
            exact = [
                0 if q == 0 else -(-p // q)
                for p, q in zip(x[0].tolist(), x[1].tolist(), strict=True)
            ]
            wrapped = [(v + 2 ** (bits - 1)) % 2**bits - 2 ** (bits - 1) for v in exact]
            return np.array(wrapped, dtype=x[0].dtype)

        expected = exact

    check(f"%y = arith.{op} %x0, %x1 : {{t0}}", {"t0": t, "t1": t, "r": t}, [a, b], lanes, expected)


def test_ceildivui_and_index_division() -> None:
    a, b = int_pairs(np.int64)

    def ceildivui(x: Sequence[Array]) -> Array:
        ua, ub = x[0].view(np.uint64), x[1].view(np.uint64)
        safe = np.where(ub == 0, 1, ub)
        return np.where(ub == 0, 0, ua // safe + (ua % safe != 0)).view(np.int64)

    check(
        "%y = arith.ceildivui %x0, %x1 : {t0}",
        {"t0": "i64", "t1": "i64", "r": "i64"},
        [a, b],
        8,
        ceildivui,
    )
    body = (
        "%p = arith.index_cast %x0 : i64 to index\n%q = arith.index_cast %x1 : i64 to index\n"
        "%d = arith.floordivsi %p, %q : index\n%y = arith.index_cast %d : index to i64"
    )
    check(body, {"t0": "i64", "t1": "i64", "r": "i64"}, [a, b], 1)


@functools.cache
def compiled_binary(op: str, t: str, n: int = 64) -> Callable[[Array, Array], Array]:
    text = kernel(f"%y = arith.{op} %x0, %x1 : vector<8x{t}>", [t, t], t, 8, n)
    module = parse_module(text)
    LoopToLLVMPass().apply(make_context(), module)
    function = jit_function(module, "k")

    def run(a: Array, b: Array) -> Array:
        out = np.zeros_like(a)
        function(a, b, out)
        return out

    return run


def _wrap(value: int) -> int:
    return (value + 2**63) % 2**64 - 2**63


def _python_division(op: str, a: int, b: int) -> int:
    """The integer semantics of the lowering, in exact Python integers."""
    if b == 0:
        return a if op == "remsi" else 0
    floor = a // b
    truncated = floor + 1 if floor < 0 and floor * b != a else floor
    exact = {
        "floordivsi": floor,
        "ceildivsi": -(-a // b),
        "divsi": truncated,
        "remsi": a - truncated * b,
    }[op]
    return _wrap(exact)


INT64 = st.integers(-(2**63), 2**63 - 1)
SMALL = st.integers(-40, 40)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(INT64 | SMALL, INT64 | SMALL), min_size=1, max_size=64))
def test_signed_division_matches_exact_integers(pairs: list[tuple[int, int]]) -> None:
    a = np.resize(np.array([p for p, _ in pairs], np.int64), 64)
    b = np.resize(np.array([q for _, q in pairs], np.int64), 64)
    for op in ("floordivsi", "ceildivsi", "divsi", "remsi"):
        got = compiled_binary(op, "i64")(a, b)
        want = [_python_division(op, p, q) for p, q in zip(a.tolist(), b.tolist(), strict=True)]
        assert got.tolist() == want, op


@pytest.mark.parametrize("lanes", LANES)
@pytest.mark.parametrize("t", ["i32", "i64"])
def test_absi_keeps_int_min(t: str, lanes: int) -> None:
    a, _ = int_pairs(DTYPES[t])
    check("%y = math.absi %x0 : {t0}", {"t0": t, "r": t}, [a], lanes)
