"""Property: a tiled matmul nest, its loops split and permuted at random, either matches a
2x4x3 GEMM intrinsic, or matches after the fixes the mismatch suggests (split, reorder,
move out), or the explanation names the loop that differs."""

from __future__ import annotations

from dataclasses import dataclass, field

from hypothesis import given, settings
from hypothesis import strategies as st

from dlir.dialects import hw
from dlir.dialects.loop import ForOp
from dlir.parser import parse_module
from dlir.passes.loop.tensorize.normalize import normalize
from dlir.passes.loop.tensorize.unify import Match, Mismatch, MoveOut, Reorder, Split, unify

SIZES = {"i": 4, "j": 8, "k": 6}
INTRINSIC = {"i": 2, "j": 4, "k": 3}

GEMM = """
hw.intrinsic @g(%a: memref<2x3xf32, strided<[?, 1], offset: ?>>, %b: memref<3x4xf32, strided<[?, 1], offset: ?>>, %c: memref<2x4xf32, strided<[?, 1], offset: ?>>) attributes {num_outputs = 1 : i64, target = "vta"} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c3 = arith.constant 3 : index
  %c4 = arith.constant 4 : index
  loop.for %i = %c0 to %c2 step %c1 {
    loop.for %j = %c0 to %c4 step %c1 {
      loop.for %k = %c0 to %c3 step %c1 {
        %x = loop.load %a[%i, %k] : memref<2x3xf32, strided<[?, 1], offset: ?>>
        %y = loop.load %b[%k, %j] : memref<3x4xf32, strided<[?, 1], offset: ?>>
        %z = loop.load %c[%i, %j] : memref<2x4xf32, strided<[?, 1], offset: ?>>
        %p = arith.mulf %x, %y : f32
        %s = arith.addf %z, %p : f32
        loop.store %s, %c[%i, %j] : memref<2x4xf32, strided<[?, 1], offset: ?>>
      }
    }
  }
  hw.return
}
"""


@dataclass
class Nest:
    """Each axis split by `factors[axis]` into `<axis>o` (outside) and `<axis>i`; `band`
    is the order of the loops from the tagged one inward."""

    factors: dict[str, int]
    band: list[str]
    outside: list[str] = field(default_factory=list[str])

    def text(self) -> str:
        extents = {f"{a}i": f for a, f in self.factors.items()}
        extents |= {f"{a}o": SIZES[a] // f for a, f in self.factors.items()}
        index = {
            a: f"%{a}o * {f} + %{a}i" if extents[f"{a}o"] > 1 else f"%{a}i"
            for a, f in self.factors.items()
        }
        lines = [
            "loop.func @mm(%A: memref<4x6xf32>, %B: memref<6x8xf32>, %C: memref<4x8xf32>) "
            "attributes {num_outputs = 1 : i64} {",
            "  %c0 = arith.constant 0 : index",
            "  %c1 = arith.constant 1 : index",
        ]
        lines += [
            f"  %c{e} = arith.constant {e} : index" for e in sorted(set(extents.values()) - {0, 1})
        ]
        # outer loops of one iteration are left out; the others are somewhere
        self.outside = [o for o in self.outside if extents[o] > 1]
        self.band = [b for b in self.band if b.endswith("i") or extents[b] > 1]
        placed = self.outside + self.band
        self.outside = [
            f"{a}o" for a in "ijk" if f"{a}o" not in placed and extents[f"{a}o"] > 1
        ] + self.outside
        order = self.outside + self.band
        for depth, loop in enumerate(order):
            lines.append(
                f"{'  ' * (depth + 1)}loop.for %{loop} = %c0 to %c{extents[loop]} step %c1 {{"
            )
        pad = "  " * (len(order) + 1)
        lines += [
            f"{pad}%x = loop.load %A[{index['i']}, {index['k']}] : memref<4x6xf32>",
            f"{pad}%y = loop.load %B[{index['k']}, {index['j']}] : memref<6x8xf32>",
            f"{pad}%z = loop.load %C[{index['i']}, {index['j']}] : memref<4x8xf32>",
            f"{pad}%p = arith.mulf %x, %y : f32",
            f"{pad}%s = arith.addf %z, %p : f32",
            f"{pad}loop.store %s, %C[{index['i']}, {index['j']}] : memref<4x8xf32>",
        ]
        for depth in reversed(range(len(order))):
            tag = " {tensorize = @g}" if depth == len(self.outside) else ""
            lines.append(f"{'  ' * (depth + 1)}}}{tag}")
        lines += ["  loop.return", "}"]
        return GEMM + "\n".join(lines)

    def apply(self, fix: Split | Reorder | MoveOut) -> None:
        match fix:
            case Split(loop=loop, factor=factor):
                self.factors[loop.removeprefix("%")[0]] = factor
            case Reorder(order=order):
                self.band = [name.removeprefix("%") for name in order]
            case MoveOut(loop=loop):
                self.band.remove(loop.removeprefix("%"))
                self.outside.append(loop.removeprefix("%"))


def match(nest: Nest) -> Match | Mismatch:
    module = parse_module(nest.text())
    intrinsic = next(op for op in module.ops if isinstance(op, hw.IntrinsicOp))
    loop = next(
        op for op in module.walk() if isinstance(op, ForOp) and "tensorize" in op.attributes
    )
    return unify(normalize(loop), normalize(intrinsic), intrinsic.buffers, "@g")


@st.composite
def nests(draw: st.DrawFn) -> Nest:
    factors = {
        a: draw(st.sampled_from([d for d in range(2, n + 1) if n % d == 0]))
        for a, n in SIZES.items()
    }
    band = draw(st.permutations(["ii", "ji", "ki"]))
    outside = ["io", "jo", "ko"]
    if draw(st.booleans()):  # an outer loop inside the band
        moved = draw(
            st.sampled_from([o for o in outside if SIZES[o[0]] // factors[o[0]] > 1] or ["io"])
        )
        if SIZES[moved[0]] // factors[moved[0]] > 1:
            outside.remove(moved)
            band.insert(draw(st.integers(1, len(band))), moved)
    return Nest(factors, band, outside)


@settings(max_examples=40, deadline=None)
@given(nests())
def test_a_nest_matches_after_the_suggested_fixes_or_the_explanation_names_the_loop(nest: Nest):
    # each tile a multiple of the intrinsic's: splits, reorders and moves always fix it
    fixable = all(f % INTRINSIC[a] == 0 for a, f in nest.factors.items())
    for _ in range(3):
        found = match(nest)
        if isinstance(found, Match):
            return
        assert found.differences
        if not found.suggestions:
            assert not fixable, (nest, found.differences)
            text = " ".join(found.differences)
            assert any(f"%{loop}" in text for loop in nest.band), text
            return
        for fix in found.suggestions:
            nest.apply(fix)
    assert isinstance(match(nest), Match), nest


def test_the_intrinsic_tile_in_order_matches():
    found = match(Nest(dict(INTRINSIC), ["ii", "ji", "ki"], ["io", "jo", "ko"]))
    assert isinstance(found, Match)
    assert sorted(b.buffer.name_hint or "" for b in found.bindings.values()) == ["A", "B", "C"]
