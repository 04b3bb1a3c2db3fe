"""te-to-loop on issue 5's primitives: cache_read, cache_write, store_at, rfactor and
compute_at of split/fused/reducing producers, each run natively against the interpreter
on sizes that no factor divides, plus the shape of the loop IR they produce."""

from __future__ import annotations

import pytest
from xdsl.dialects.builtin import ModuleOp

from dlir.dialects.loop import AllocOp, ForOp, LoopKind
from dlir.dialects.te.builder import Schedule, matmul_kernel
from dlir.parser import parse_module
from dlir.passes.lowering.te_to_loop import differential

# odd sizes make some directives no-ops (vectorize a 1-wide axis): warnings, not errors
pytestmark = [
    pytest.mark.filterwarnings("ignore::dlir.dialects.te.model.ScheduleWarning"),
    pytest.mark.filterwarnings("ignore::dlir.passes.manager.PassWarning"),  # the same, via passes
]


def check(text: str, rtol: float = 1e-5) -> ModuleOp:
    """Parse `text`, run it both ways, return the loop IR."""
    return differential.check_native(parse_module(text), None, "te-to-loop", rtol)


def matmul(m: int, n: int, k: int, schedule: str) -> str:
    return f"""
te.kernel @mm(%A: tensor<{m}x{k}xf32>, %B: tensor<{k}x{n}xf32>) -> tensor<{m}x{n}xf32> {{
  %C = te.compute "C" (%i: {m}, %j: {n}) reduce (%k: {k}) combiner add init 0.0 : f32 {{
    %a = te.read %A[%i, %k] : tensor<{m}x{k}xf32> -> f32
    %b = te.read %B[%k, %j] : tensor<{k}x{n}xf32> -> f32
    %p = arith.mulf %a, %b : f32
    te.yield %p : f32
  }} : tensor<{m}x{n}xf32>
  te.return %C : tensor<{m}x{n}xf32>
}}
te.schedule @mm {{
{schedule}
}}
"""


def row_sum(rows: int, cols: int, schedule: str, init: str = "0.0") -> str:
    return f"""
te.kernel @rs(%X: tensor<{rows}x{cols}xf32>) -> tensor<{rows}xf32> {{
  %S = te.compute "S" (%i: {rows}) reduce (%k: {cols}) combiner add init {init} : f32 {{
    %x = te.read %X[%i, %k] : tensor<{rows}x{cols}xf32> -> f32
    te.yield %x : f32
  }} : tensor<{rows}xf32>
  te.return %S : tensor<{rows}xf32>
}}
te.schedule @rs {{
{schedule}
}}
"""


def blur(h: int, w: int, schedule: str) -> str:
    """B: horizontal 3-tap on A, C: vertical 3-tap on B (Halide's blur)."""
    return f"""
te.kernel @blur(%A: tensor<{h + 2}x{w + 2}xf32>) -> tensor<{h}x{w}xf32> {{
  %B = te.compute "B" (%y: {h + 2}, %x: {w}) {{
    %c1 = arith.constant 1 : index
    %c2 = arith.constant 2 : index
    %x1 = arith.addi %x, %c1 : index
    %x2 = arith.addi %x, %c2 : index
    %a0 = te.read %A[%y, %x] : tensor<{h + 2}x{w + 2}xf32> -> f32
    %a1 = te.read %A[%y, %x1] : tensor<{h + 2}x{w + 2}xf32> -> f32
    %a2 = te.read %A[%y, %x2] : tensor<{h + 2}x{w + 2}xf32> -> f32
    %s = arith.addf %a0, %a1 : f32
    %t = arith.addf %s, %a2 : f32
    te.yield %t : f32
  }} : tensor<{h + 2}x{w}xf32>
  %C = te.compute "C" (%i: {h}, %j: {w}) {{
    %c1 = arith.constant 1 : index
    %c2 = arith.constant 2 : index
    %i1 = arith.addi %i, %c1 : index
    %i2 = arith.addi %i, %c2 : index
    %b0 = te.read %B[%i, %j] : tensor<{h + 2}x{w}xf32> -> f32
    %b1 = te.read %B[%i1, %j] : tensor<{h + 2}x{w}xf32> -> f32
    %b2 = te.read %B[%i2, %j] : tensor<{h + 2}x{w}xf32> -> f32
    %s = arith.addf %b0, %b1 : f32
    %t = arith.addf %s, %b2 : f32
    te.yield %t : f32
  }} : tensor<{h}x{w}xf32>
  te.return %C : tensor<{h}x{w}xf32>
}}
te.schedule @blur {{
{schedule}
}}
"""


def allocs(module: ModuleOp) -> list[AllocOp]:
    return [op for op in module.walk() if isinstance(op, AllocOp)]


def loop_depth(op: AllocOp) -> int:
    depth, parent = 0, op.parent_op()
    while parent is not None:
        depth += isinstance(parent, ForOp)
        parent = parent.parent_op()
    return depth


# -- cache_write -------------------------------------------------------------------------

REGISTER_TILE = """
  te.cache_write "C" "local" -> "CL"
  te.tile "C" ("i", "j") by (4, 8) -> ("io", "jo", "ii", "ji")
  te.compute_at "CL" at "C" "jo"
  te.split "CL" "k" by 4 -> "ko", "ki"
  te.reorder "CL" ["ko", "ki", "i", "j"]
  te.vectorize "CL" "j"
  te.unroll "CL" "i"
  te.unroll "CL" "ki"
  te.vectorize "C" "ji"
  te.parallel "C" "io"
"""


@pytest.mark.parametrize("m, n, k", [(16, 32, 8), (13, 33, 7), (5, 1, 9)])
def test_cache_write_local_register_tile(m: int, n: int, k: int):
    """The classic accumulator tile: cache_write local + compute_at + vectorize + unroll."""
    lowered = check(matmul(m, n, k, REGISTER_TILE))
    # one tile, or one per peeled copy of the jo loop (a tail when 4 or 8 does not divide)
    for tile in allocs(lowered):
        assert tile.scope.data == "local"
        assert tile.memref.type.get_shape() == (min(4, m), min(8, n))
        assert loop_depth(tile) == 2  # inside io and jo
    kinds = [op.kind.data for op in lowered.walk() if isinstance(op, ForOp)]
    assert LoopKind.VECTORIZED in kinds and LoopKind.UNROLLED in kinds


def test_cache_write_divisible_tile_has_constant_loops():
    """When the tile divides the output, the tile's loops have constant bounds (no
    clamping), and C reads the tile at its own inner indices."""
    lowered = check(matmul(16, 32, 8, REGISTER_TILE))
    text = str(lowered)
    assert "loop.min" not in text and "loop.max" not in text
    assert "loop.load %CL[%ii, %ji]" in text


def test_cache_write_with_builder_matches_text():
    kernel = matmul_kernel("mm", 13, 33, 7)
    module = ModuleOp([kernel])
    s = Schedule(kernel)
    cl = s["C"].cache_write("local", "CL")
    _, jo, _, ji = s["C"].tile("i", "j", 4, 8)
    cl.compute_at("C", jo)
    cl.reorder("k", "i", "j")
    cl.vectorize("j")
    cl.unroll("i")
    s["C"].vectorize(ji)
    text = str(s.op)
    assert 'te.cache_write "C" "local" -> "CL"' in text
    assert 'te.compute_at "CL" at "C" "jo"' in text
    differential.check_native(module)


def test_cache_write_root_global():
    """Without compute_at, the cache stage is a whole buffer in its scope at root."""
    lowered = check(matmul(7, 9, 5, '  te.cache_write "C" "global" -> "CG"'))
    (buffer,) = allocs(lowered)
    assert buffer.memref.type.get_shape() == (7, 9) and loop_depth(buffer) == 0


# -- cache_read --------------------------------------------------------------------------


@pytest.mark.parametrize("m, n, k", [(16, 16, 16), (13, 17, 11)])
def test_cache_read_packs_a_panel_per_tile(m: int, n: int, k: int):
    """B packed per (jo, ko) tile: a panel of 4 rows x 8 columns copied before use."""
    schedule = """
  te.cache_read "B" "packed" for ["C"] -> "BP"
  te.tile "C" ("i", "j") by (4, 8) -> ("io", "jo", "ii", "ji")
  te.split "C" "k" by 4 -> "ko", "ki"
  te.reorder "C" ["jo", "io", "ko", "ii", "ki", "ji"]
  te.compute_at "BP" at "C" "ko"
  te.vectorize "BP" "ax1"
"""
    lowered = check(matmul(m, n, k, schedule), rtol=1e-4)
    (panel,) = allocs(lowered)
    assert panel.scope.data == "packed"
    assert panel.memref.type.get_shape() == (4, 8)
    assert loop_depth(panel) == 3


@pytest.mark.parametrize("m, n, k", [(13, 17, 11), (7, 33, 5), (20, 16, 9)])
def test_a_packed_copy_split_by_a_non_divisor_is_padded(m: int, n: int, k: int):
    """A in panels of 6 rows, B of 16 columns, whatever m and n: Ap[i / 6, k, i % 6] and
    Bp[j / 16, k, j % 16] rounded up, their padding repeating A's last row, B's last
    column (min(io * 6 + ii, m - 1)), never read; packed per k block and row block."""
    schedule = """
  te.split "C" "i" by 6 -> "io", "ii"
  te.split "C" "j" by 16 -> "jo", "ji"
  te.split "C" "k" by 4 -> "ko", "ki"
  te.reorder "C" ["ko", "io", "jo", "ki", "ii", "ji"]
  te.cache_read "A" "packed" for ["C"] -> "AP"
  te.split "AP" "ax0" by 6 -> "ax0o", "ax0i"
  te.reorder "AP" ["ax0o", "ax1", "ax0i"]
  te.compute_at "AP" at "C" "io"
  te.cache_read "B" "packed" for ["C"] -> "BP"
  te.split "BP" "ax1" by 16 -> "ax1o", "ax1i"
  te.reorder "BP" ["ax1o", "ax0", "ax1i"]
  te.compute_at "BP" at "C" "ko"
"""
    lowered = check(matmul(m, n, k, schedule), rtol=1e-4)
    b_panel, a_panel = allocs(lowered)  # BP at ko, outside AP at io
    assert a_panel.memref.type.get_shape() == (1, 4, 6)
    assert b_panel.memref.type.get_shape() == (-(-n // 16), 4, 16)


def test_cache_read_of_a_stage_for_one_of_two_readers():
    text = """
te.kernel @two(%A: tensor<6x5xf32>) -> (tensor<6x5xf32>, tensor<6x5xf32>) {
  %B = te.compute "B" (%i: 6, %j: 5) {
    %a = te.read %A[%i, %j] : tensor<6x5xf32> -> f32
    %b = arith.mulf %a, %a : f32
    te.yield %b : f32
  } : tensor<6x5xf32>
  %C = te.compute "C" (%i: 6, %j: 5) {
    %b = te.read %B[%i, %j] : tensor<6x5xf32> -> f32
    %c = arith.addf %b, %b : f32
    te.yield %c : f32
  } : tensor<6x5xf32>
  %D = te.compute "D" (%i: 6, %j: 5) {
    %b = te.read %B[%i, %j] : tensor<6x5xf32> -> f32
    %d = arith.subf %b, %b : f32
    te.yield %d : f32
  } : tensor<6x5xf32>
  te.return %C, %D : tensor<6x5xf32>, tensor<6x5xf32>
}
te.schedule @two {
  te.cache_read "B" "local" for ["D"] -> "BL"
  te.compute_at "BL" at "D" "i"
}
"""
    lowered = check(text)
    shapes = sorted(a.memref.type.get_shape() for a in allocs(lowered))
    assert shapes == [(1, 5), (6, 5)]  # BL: one row per row of D; B: whole


# -- store_at ----------------------------------------------------------------------------


@pytest.mark.parametrize("h, w", [(8, 8), (11, 7), (1, 1)])
def test_store_at_outside_compute_at(h: int, w: int):
    """B computed per row strip of C (ii) but stored per block of 4 rows (io): the
    buffer holds the block's 6 rows, the nest computes 3 rows at a time."""
    schedule = """
  te.split "C" "i" by 4 -> "io", "ii"
  te.compute_at "B" at "C" "ii"
  te.store_at "B" at "C" "io"
  te.vectorize "C" "j"
"""
    lowered = check(blur(h, w, schedule))
    (buffer,) = allocs(lowered)
    assert buffer.memref.type.get_shape() == (min(6, h + 2), w)
    assert loop_depth(buffer) == 1


# -- rfactor -----------------------------------------------------------------------------


@pytest.mark.parametrize("rows, cols", [(4, 32), (3, 13), (1, 1)])
def test_rfactor_vectorizes_a_row_sum(rows: int, cols: int):
    """S = sum over k: k split by 8, the 8 lanes factored into Srf (vectorized), then
    summed; a split that does not divide leaves the missing lanes at 0."""
    schedule = """
  te.split "S" "k" by 8 -> "ko", "ki"
  te.rfactor "S" "ki" -> "Srf"
  te.vectorize "Srf" "ki"
  te.compute_at "Srf" at "S" "i"
"""
    lowered = check(row_sum(rows, cols, schedule), rtol=1e-4)
    (partial,) = allocs(lowered)
    assert partial.memref.type.get_shape() == (1, 8)


def test_rfactor_keeps_a_non_identity_init_once():
    schedule = """
  te.split "S" "k" by 4 -> "ko", "ki"
  te.rfactor "S" "ki" -> "Srf"
"""
    check(row_sum(3, 10, schedule, init="1.5"))


def test_rfactor_of_an_unsplit_axis_of_matmul():
    schedule = """
  te.rfactor "C" "k" -> "Crf"
  te.parallel "Crf" "k"
"""
    check(matmul(5, 6, 7, schedule))


# -- compute_at, generalised -------------------------------------------------------------


SPLIT_X = 'te.split "B" "x" by 4 -> "xo", "xi"\n  te.vectorize "B" "xi"'
FUSED = 'te.fuse "B" ("y", "x") -> "yx"'
SPLIT_Y = 'te.split "B" "y" by 2 -> "yo", "yi"\n  te.reorder "B" ["x", "yo", "yi"]'


@pytest.mark.parametrize(
    "producer, level",
    [
        (SPLIT_X, '"C" "io"'),
        (SPLIT_X, '"C" "j"'),
        (FUSED, '"C" "ii"'),
        (SPLIT_Y, '"C" "io"'),
        (SPLIT_Y, '"C" "ii"'),
    ],
)
def test_compute_at_of_a_split_or_fused_producer(producer: str, level: str):
    schedule = f"""
  te.split "C" "i" by 3 -> "io", "ii"
  {producer}
  te.compute_at "B" at {level}
"""
    check(blur(7, 9, schedule))


def test_compute_at_of_a_reduction_producer():
    """A row sum computed per row of the stage that normalises by it."""
    text = """
te.kernel @norm(%X: tensor<5x9xf32>) -> tensor<5x9xf32> {
  %S = te.compute "S" (%i: 5) reduce (%k: 9) combiner add init 0.0 : f32 {
    %x = te.read %X[%i, %k] : tensor<5x9xf32> -> f32
    te.yield %x : f32
  } : tensor<5xf32>
  %Y = te.compute "Y" (%i: 5, %j: 9) {
    %x = te.read %X[%i, %j] : tensor<5x9xf32> -> f32
    %s = te.read %S[%i] : tensor<5xf32> -> f32
    %y = arith.divf %x, %s : f32
    te.yield %y : f32
  } : tensor<5x9xf32>
  te.return %Y : tensor<5x9xf32>
}
te.schedule @norm {
  te.split "S" "k" by 4 -> "ko", "ki"
  te.compute_at "S" at "Y" "i"
}
"""
    lowered = check(text)
    (row,) = allocs(lowered)
    assert row.memref.type.get_shape() == (1,)


def test_compute_at_chain_with_cache_write():
    """cache_write inside a chain: CL at C.jo, and A_local (cache_read) at CL.k."""
    schedule = """
  te.cache_write "C" "local" -> "CL"
  te.cache_read "A" "local" for ["CL"] -> "AL"
  te.tile "C" ("i", "j") by (4, 4) -> ("io", "jo", "ii", "ji")
  te.compute_at "CL" at "C" "jo"
  te.reorder "CL" ["k", "i", "j"]
  te.compute_at "AL" at "CL" "k"
"""
    lowered = check(matmul(9, 10, 6, schedule))
    shapes = sorted(a.memref.type.get_shape() for a in allocs(lowered))
    assert shapes == [(4, 1), (4, 4)]


UNION = """
te.kernel @union(%A: tensor<9x8xf32>) -> tensor<7x7xf32> {
  %B = te.compute "B" (%y: 9, %x: 8) {
    %a = te.read %A[%y, %x] : tensor<9x8xf32> -> f32
    %s = arith.mulf %a, %a : f32
    te.yield %s : f32
  } : tensor<9x8xf32>
  %D = te.compute "D" (%i: 7, %j: 7) {
    %c2 = arith.constant 2 : index
    %i2 = arith.addi %i, %c2 : index
    %b = te.read %B[%i2, %j] : tensor<9x8xf32> -> f32
    %d = arith.addf %b, %b : f32
    te.yield %d : f32
  } : tensor<7x7xf32>
  %C = te.compute "C" (%i: 7, %j: 7) {
    %c1 = arith.constant 1 : index
    %j1 = arith.addi %j, %c1 : index
    %b = te.read %B[%i, %j1] : tensor<9x8xf32> -> f32
    %d = te.read %D[%i, %j] : tensor<7x7xf32> -> f32
    %c = arith.subf %b, %d : f32
    te.yield %c : f32
  } : tensor<7x7xf32>
  te.return %C : tensor<7x7xf32>
}
te.schedule @union {
SCHEDULE
}
"""


@pytest.mark.parametrize(
    "schedule, rows",
    [
        # C reads B's row i, D (at C.i) row i + 2: B holds rows i .. i + 2
        ('te.compute_at "D" at "C" "i"\n  te.compute_at "B" at "C" "i"', 3),
        # per block of 3 rows of C: rows io * 3 .. io * 3 + 4
        (
            'te.split "C" "i" by 3 -> "io", "ii"\n  te.compute_at "D" at "C" "ii"\n'
            '  te.compute_at "B" at "C" "io"',
            5,
        ),
    ],
)
def test_compute_at_of_a_producer_with_two_readers_takes_the_union(schedule: str, rows: int):
    lowered = check(UNION.replace("SCHEDULE", schedule))
    b = next(a for a in allocs(lowered) if a.memref.name_hint == "B")
    assert b.memref.type.get_shape() == (rows, 8)


def test_rfactor_of_fused_reduction_axes_with_max():
    """Two reduction axes fused then split: the factored stage rebuilds a and b from
    ko * 4 + ki by floordiv/mod; max's -inf init and NaN rule hold in both stages."""
    text = """
te.kernel @r(%X: tensor<3x5x7xf32>) -> tensor<3xf32> {
  %S = te.compute "S" (%i: 3) reduce (%a: 5, %b: 7) combiner max init 0xFF800000 : f32 {
    %x = te.read %X[%i, %a, %b] : tensor<3x5x7xf32> -> f32
    te.yield %x : f32
  } : tensor<3xf32>
  te.return %S : tensor<3xf32>
}
te.schedule @r {
  te.fuse "S" ("a", "b") -> "ab"
  te.split "S" "ab" by 4 -> "ko", "ki"
  te.rfactor "S" "ki" -> "Srf"
  te.vectorize "Srf" "ki"
  te.parallel "Srf" "i"
}
"""
    check(text)
