"""loop-vectorize, run natively against the loop it rewrote: elementwise bodies with
invariant operands, reductions with each combiner, odd and dynamic trip counts, loops it
must leave alone (with the reason counted), and random bodies (hypothesis)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dlir.dialects.loop import ForOp, LoopKind, VLoadOp
from dlir.ir.context import make_context
from dlir.parser import parse_module
from dlir.passes import PassManager
from dlir.passes.instrument import PassStatistics
from dlir.passes.loop.differential import check_transform
from dlir.passes.loop.vectorize import NotVectorizable, vectorize


def elementwise(n: int, width: int, dynamic: bool = False) -> str:
    # b[i, j] = max(a[i, j] * s[i], a[i, j]) - 0.5, over j < n (or j < min(%m, n))
    ub = "%ub" if dynamic else "%cn"
    return f"""
loop.func @k(%a: memref<3x{n}xf32>, %s: memref<3xf32>, %m: index, %b: memref<3x{n}xf32>) attributes {{num_outputs = 1 : i64}} {{
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c3 = arith.constant 3 : index
  %cn = arith.constant {n} : index
  %half = arith.constant 0.5 : f32
  %ub = loop.min %m, %cn
  loop.for %i = %c0 to %c3 step %c1 {{
    %t = loop.load %s[%i] : memref<3xf32>
    loop.for %j = %c0 to {ub} step %c1 vectorized<{width}> {{
      %x = loop.load %a[%i, %j] : memref<3x{n}xf32>
      %y = arith.mulf %x, %t : f32
      %z = arith.maximumf %y, %x : f32
      %w = arith.subf %z, %half : f32
      loop.store %w, %b[%i, %j] : memref<3x{n}xf32>
    }}
  }}
  loop.return
}}"""


def reduction(n: int, width: int, combiner: str, element: str = "f32") -> str:
    # acc[i] = acc[i] <combiner> f(a[i, j]) over j < n
    return f"""
loop.func @k(%a: memref<3x{n}x{element}>, %acc: memref<3x{element}>) attributes {{num_outputs = 1 : i64}} {{
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c3 = arith.constant 3 : index
  %cn = arith.constant {n} : index
  loop.for %i = %c0 to %c3 step %c1 {{
    loop.for %j = %c0 to %cn step %c1 vectorized<{width}> {{
      %x = loop.load %a[%i, %j] : memref<3x{n}x{element}>
      %o = loop.load %acc[%i] : memref<3x{element}>
      %r = arith.{combiner} %o, %x : {element}
      loop.store %r, %acc[%i] : memref<3x{element}>
    }}
  }}
  loop.return
}}"""


def vectorized_loops(text: str) -> int:
    module = parse_module(text)
    return sum(
        1 for op in module.walk() if isinstance(op, ForOp) and op.loop_kind == LoopKind.VECTORIZED
    )


@pytest.mark.parametrize("n", [1, 7, 13, 33])
@pytest.mark.parametrize("width", [4, 8, 16])
def test_elementwise_matches_the_scalar_loop(n: int, width: int):
    result = check_transform(elementwise(n, width), "loop-vectorize", index_value=n)
    assert not any(
        isinstance(op, ForOp) and op.loop_kind == LoopKind.VECTORIZED for op in result.walk()
    )
    assert any(isinstance(op, VLoadOp) for op in result.walk()) == (n >= min(width, 8))


@pytest.mark.parametrize("m", [0, 1, 6, 17, 40])
def test_dynamic_bounds_from_loop_min(m: int):
    check_transform(elementwise(33, 8, dynamic=True), "loop-vectorize", index_value=m)


def narrow_rows(n: int, width: int, wide: int) -> str:
    # out[i, j] = a[i, j] + w[i, j] over j < min(%m, n, wide), where w's rows are `wide` long
    return f"""
loop.func @k(%a: memref<3x{n}xf32>, %w: memref<3x{wide}xf32>, %m: index, %out: memref<3x{n}xf32>) attributes {{num_outputs = 1 : i64}} {{
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c3 = arith.constant 3 : index
  %cn = arith.constant {min(n, wide)} : index
  %ub = loop.min %m, %cn
  loop.for %i = %c0 to %c3 step %c1 {{
    loop.for %j = %c0 to %ub step %c1 vectorized<{width}> {{
      %x = loop.load %a[%i, %j] : memref<3x{n}xf32>
      %y = loop.load %w[%i, %j] : memref<3x{wide}xf32>
      %z = arith.addf %x, %y : f32
      loop.store %z, %out[%i, %j] : memref<3x{n}xf32>
    }}
  }}
  loop.return
}}"""


def vectorize_statistics(text: str) -> dict[str, int]:
    module = parse_module(text)
    stats = PassStatistics()
    PassManager.parse("loop-vectorize", make_context(), instruments=[stats]).run(module)
    module.verify()
    return stats.counts["loop-vectorize"]


@pytest.mark.parametrize(("n", "width"), [(1, 2), (1, 8), (5, 8), (7, 8), (3, 4)])
@pytest.mark.parametrize("m", [0, 1, 3, 40])
def test_vector_wider_than_the_row_leaves_a_serial_loop(n: int, width: int, m: int):
    # a split by `width` of an axis of n < width: no vector of `width` lanes fits a row
    text = elementwise(n, width, dynamic=True)
    result = check_transform(text, "loop-vectorize", index_value=m)
    loops = [op for op in result.walk() if isinstance(op, ForOp)]
    assert [loop.loop_kind for loop in loops] == [LoopKind.SERIAL, LoopKind.SERIAL]
    assert "vector" not in str(result)
    reason = f"a vector of {width} lanes is wider than the innermost dimension ({n}) of an access"
    assert vectorize_statistics(text) == {f"not-vectorized: {reason}": 1}


@pytest.mark.parametrize(("n", "wide"), [(13, 5), (5, 13), (33, 8)])
@pytest.mark.parametrize("m", [4, 13, 40])
def test_the_narrowest_row_decides(n: int, wide: int, m: int):
    # vectorized<8> fits a row of 8 or more, whichever access it is
    text = narrow_rows(n, 8, wide)
    result = check_transform(text, "loop-vectorize", index_value=m)
    vectorized = min(n, wide) >= 8
    assert any(isinstance(op, VLoadOp) for op in result.walk()) == vectorized
    assert ("vectorized" in vectorize_statistics(text)) == vectorized


@pytest.mark.parametrize("n", [1, 3, 7])
def test_reduction_wider_than_the_row(n: int):
    result = check_transform(reduction(n, 8, "addf"), "loop-vectorize")
    assert "vector" not in str(result)


@pytest.mark.parametrize(
    ("combiner", "element"),
    [("addf", "f32"), ("mulf", "f32"), ("maximumf", "f32"), ("minimumf", "f64"), ("addi", "i32")],
)
@pytest.mark.parametrize("n", [1, 13, 33])
def test_reductions_match_the_scalar_loop(combiner: str, element: str, n: int):
    check_transform(reduction(n, 8, combiner, element), "loop-vectorize", rtol=1e-5)


def test_fma_off_keeps_multiply_and_add():
    text = reduction(16, 8, "addf").replace(
        "%r = arith.addf %o, %x", "%p = arith.mulf %x, %x : f32\n      %r = arith.addf %o, %p"
    )
    with_fma = check_transform(text, "loop-vectorize")
    without = check_transform(text, "loop-vectorize{fma=false}")
    assert "vector.fma" in str(with_fma) and "vector.fma" not in str(without)


NOT_VECTORIZABLE = {
    "the induction variable is used as a value (by arith.index_cast)": """
    %v = arith.index_cast %j : index to i64
    %f = arith.sitofp %v : i64 to f32
    loop.store %f, %b[%j] : memref<16xf32>""",
    "the induction variable indexes a dimension other than the innermost": """
    %x = loop.load %m[%j, %c0] : memref<16x16xf32>
    loop.store %x, %b[%j] : memref<16xf32>""",
    "an access is not contiguous in the induction variable": """
    %x = loop.load %a[%j floordiv 2] : memref<16xf32>
    loop.store %x, %b[%j] : memref<16xf32>""",
    "a store to an address invariant in the loop": """
    %x = loop.load %a[%j] : memref<16xf32>
    loop.store %x, %b[%c0] : memref<16xf32>""",
    "two accesses to a written buffer may overlap across lanes": """
    %x = loop.load %b[%j + 1] : memref<16xf32>
    loop.store %x, %b[%j] : memref<16xf32>""",
    "arith.cmpf on bf16 has no vector form": """
    %x = loop.load %a[%j] : memref<16xf32>
    %h = arith.truncf %x : f32 to bf16
    %p = arith.cmpf olt, %h, %h : bf16
    %y = arith.select %p, %x, %x : f32
    loop.store %y, %b[%j] : memref<16xf32>""",
}


@pytest.mark.parametrize("reason", sorted(NOT_VECTORIZABLE))
def test_loops_that_stay_scalar_say_why(reason: str):
    text = f"""
loop.func @k(%a: memref<16xf32>, %m: memref<16x16xf32>, %b: memref<16xf32>) attributes {{num_outputs = 1 : i64}} {{
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c15 = arith.constant 15 : index
  loop.for %j = %c0 to %c15 step %c1 vectorized<8> {{{NOT_VECTORIZABLE[reason]}
  }}
  loop.return
}}"""
    module = parse_module(text)
    loop = next(op for op in module.walk() if isinstance(op, ForOp))
    before = str(module)
    with pytest.raises(NotVectorizable, match=reason.replace("(", r"\(").replace(")", r"\)")):
        vectorize(loop)
    assert str(module) == before
    module.verify()
    ctx = make_context()
    stats = PassStatistics()
    PassManager.parse("loop-vectorize", ctx, instruments=[stats]).run(module)
    assert stats.counts == {"loop-vectorize": {f"not-vectorized: {reason}": 1}}
    check_transform(text, "loop-vectorize")


OPS = ["addf", "subf", "mulf", "maximumf", "minimumf"]


@st.composite
def bodies(draw: st.DrawFn) -> str:
    """A random straight-line body over a[i, j], b[i, j] and the invariant s[i], storing to
    out[i, j] and, sometimes, reducing into acc[i]."""
    n = draw(st.integers(1, 40))
    width = draw(st.sampled_from([2, 4, 8, 16]))
    pool = ["%x", "%y", "%t"]
    lines: list[str] = []
    for index in range(draw(st.integers(1, 5))):
        op = draw(st.sampled_from(OPS))
        lhs, rhs = draw(st.sampled_from(pool)), draw(st.sampled_from(pool))
        lines.append(f"%v{index} = arith.{op} {lhs}, {rhs} : f32")
        pool.append(f"%v{index}")
    result = pool[-1]
    lines.append(f"loop.store {result}, %out[%i, %j] : memref<2x{n}xf32>")
    if draw(st.booleans()):
        # max/min reduce exactly in any order; sums are checked on fixed data above
        combiner = draw(st.sampled_from(["maximumf", "minimumf"]))
        lines += [
            "%o = loop.load %acc[%i] : memref<2xf32>",
            f"%r = arith.{combiner} %o, {result} : f32",
            "loop.store %r, %acc[%i] : memref<2xf32>",
        ]
    body = "\n      ".join(lines)
    return f"""
loop.func @k(%a: memref<2x{n}xf32>, %b: memref<2x{n}xf32>, %s: memref<2xf32>, %out: memref<2x{n}xf32>, %acc: memref<2xf32>) attributes {{num_outputs = 2 : i64}} {{
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %cn = arith.constant {n} : index
  loop.for %i = %c0 to %c2 step %c1 {{
    %t = loop.load %s[%i] : memref<2xf32>
    loop.for %j = %c0 to %cn step %c1 vectorized<{width}> {{
      %x = loop.load %a[%i, %j] : memref<2x{n}xf32>
      %y = loop.load %b[%i, %j] : memref<2x{n}xf32>
      {body}
    }}
  }}
  loop.return
}}"""


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(bodies(), st.integers(0, 2**16))
def test_random_bodies_match_the_scalar_loop(text: str, seed: int):
    assert vectorized_loops(text) == 1
    # without fma contraction every lane computes exactly what the scalar loop does
    result = check_transform(text, "loop-vectorize{fma=false}", seed=seed, rtol=1e-6)
    assert not any(
        isinstance(op, ForOp) and op.loop_kind == LoopKind.VECTORIZED for op in result.walk()
    )
