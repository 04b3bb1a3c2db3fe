"""compute_at regions inside a peeled main loop (`attach.py` with `nest.py`'s tail
peeling): a register tile computed at a split loop whose tail is peeled has a constant
size on full tiles (no `loop.min`, so it unrolls and stays in registers), and the tail of
one tile has a constant origin; native code matches the interpreter on odd shapes."""

from __future__ import annotations

import pytest
from xdsl.dialects.builtin import ModuleOp

from dlir.parser import parse_module, print_module
from dlir.passes.lowering.te_to_loop.differential import check_native


def conv(
    c: int, o: int, w: int, *, columns: int, block: int, stride: int = 1, lanes: int = 0
) -> ModuleOp:
    """Y = conv2d 3x3 (no padding) of a 1 x c x 5 x w input, scheduled as the blocked conv
    rule does but with `columns` columns per tile (Y's column loop unrolled, so peeled);
    with `lanes`, the tile's channels split by them, that loop outside the columns (the
    tile laid out [o / lanes][x][o % lanes], read by Y through divsi/remsi)."""
    tile = [
        'te.reorder "YP" ["n", "y", "rc", "ry", "rx", "x", "o"]',
        'te.unroll "YP" "x"',
        'te.vectorize "YP" "o"',
    ]
    if lanes:
        tile = [
            f'te.split "YP" "o" by {lanes} -> "oq", "ov"',
            'te.reorder "YP" ["n", "y", "rc", "ry", "rx", "oq", "x", "ov"]',
            'te.unroll "YP" "oq"',
            'te.unroll "YP" "x"',
            'te.vectorize "YP" "ov"',
        ]
    tile_text = "".join(f"  {line}\n" for line in tile)
    oh, ow = (5 - 3) // stride + 1, (w - 3) // stride + 1
    x, wt, y = f"1x{c}x5x{w}", f"{o}x{c}x3x3", f"1x{o}x{oh}x{ow}"
    text = f"""te.kernel @k(%X: tensor<{x}xf32>, %W: tensor<{wt}xf32>) -> tensor<{y}xf32> {{
  %Y = te.compute "Y" (%n: 1, %o: {o}, %y: {oh}, %x: {ow}) reduce (%rc: {c}, %ry: 3, %rx: 3) combiner add init 0.0 : f32 {{
    %s = arith.constant {stride} : index
    %ys = arith.muli %y, %s : index
    %xs = arith.muli %x, %s : index
    %yy = arith.addi %ys, %ry : index
    %xx = arith.addi %xs, %rx : index
    %a = te.read %X[%n, %rc, %yy, %xx] : tensor<{x}xf32> -> f32
    %b = te.read %W[%o, %rc, %ry, %rx] : tensor<{wt}xf32> -> f32
    %m = arith.mulf %a, %b : f32
    te.yield %m : f32
  }} : tensor<{y}xf32>
  te.return %Y : tensor<{y}xf32>
}}
te.schedule @k {{
  te.cache_read "W" "packed" for ["Y"] -> "Wp"
  te.split "Wp" "ax0" by {block} -> "oo", "oi"
  te.reorder "Wp" ["oo", "ax1", "ax2", "ax3", "oi"]
  te.cache_write "Y" "packed" -> "YP"
  te.split "Y" "o" by {block} -> "oo", "oi"
  te.split "Y" "x" by {columns} -> "xo", "xi"
  te.reorder "Y" ["n", "oo", "y", "xo", "oi", "xi"]
  te.compute_at "YP" at "Y" "xo"
{tile_text}  te.unroll "Y" "xi"
}}"""
    return parse_module(text)


def test_the_tile_of_a_peeled_main_loop_has_a_constant_size():
    # 56 columns by 6: 9 full tiles (x < 6, no loop.min) then one tile of 2 (x < 2)
    module = check_native(conv(3, 16, 58, columns=6, block=16), rtol=1e-4)
    main, peeled, tail = print_module(module).partition("loop.for %xo_1 = %c9 to %c10")
    assert peeled, "the column loop is peeled"
    full = main.split("loop.for %xo = %c0 to %c9 step %c1")[1]
    assert "loop.min" not in full
    assert "unrolled<" not in full  # a bounded unroll is `unrolled<6>`, a full one `unrolled`
    assert full.count("to %c6 step %c1 unrolled") == 3  # YP's init, YP's FMA, Y's copy-out
    # the tail of one tile (xo = 9): its region starts at the constant column 54
    assert "%xo_1 * 6 + %xi_1 - 54" in tail


@pytest.mark.parametrize(
    "c,o,w,columns,block,stride",
    [
        (1, 16, 9, 6, 16, 1),
        (3, 32, 15, 6, 16, 1),
        (13, 16, 58, 6, 16, 1),
        (16, 16, 59, 6, 16, 1),
        (17, 32, 7, 3, 32, 1),
        (33, 16, 35, 6, 8, 1),
        (3, 16, 15, 6, 16, 2),
        (5, 16, 29, 3, 16, 2),
    ],
)
def test_peeled_tiles_match_the_interpreter(
    c: int, o: int, w: int, columns: int, block: int, stride: int
):
    check_native(conv(c, o, w, columns=columns, block=block, stride=stride), rtol=1e-4)


@pytest.mark.parametrize("c,o,w,columns,block", [(3, 32, 58, 3, 32), (17, 64, 13, 3, 32)])
def test_a_tile_laid_out_by_vectors_holds_one_block(
    c: int, o: int, w: int, columns: int, block: int
):
    # Y reads YP[(oo * 32 + oi) divsi 8][x][(oo * 32 + oi) remsi 8]: the region under xo is
    # the block (4 x 3 x 8), not all the channels (8 x 3 x 8 for 64)
    module = check_native(conv(c, o, w, columns=columns, block=block, lanes=8), rtol=1e-4)
    assert f"memref<1x1x{block // 8}x{columns}x8xf32>" in print_module(module)
