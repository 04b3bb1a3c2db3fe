"""te.tensorize through te-to-loop, loop-tensorize and hw-inline, natively, against the
interpreter: GEMM and conv2d with intrinsics, odd shapes whose tails stay plain loops."""

from __future__ import annotations

from pathlib import Path

import pytest
from xdsl.dialects.builtin import ModuleOp

from dlir.dialects import hw
from dlir.dialects.te.builder import Schedule, matmul_kernel
from dlir.dialects.te.kernel import KernelOp
from dlir.parser import parse_module
from dlir.passes import run_pipeline
from dlir.passes.lowering.te_to_loop.differential import check_native
from dlir.passes.registry import PIPELINES

# compile-cpu's kernel passes, with the intrinsics run by their behavior (check_native
# adds loop-to-llvm)
PIPELINE = ",".join(
    "loop-tensorize,hw-inline" if name == "loop-tensorize" else name
    for name in PIPELINES["compile-cpu"][0].split(",")
    if not name.startswith("graph-") and name != "loop-to-llvm"
)

GEMM_6X16X4 = """
hw.intrinsic @gemm_6x16(%a: memref<6x4xf32, strided<[?, 1], offset: ?>>, %b: memref<4x16xf32, strided<[?, 1], offset: ?>>, %c: memref<6x16xf32, strided<[?, 1], offset: ?>>) attributes {num_outputs = 1 : i64, target = "vta"} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c6 = arith.constant 6 : index
  %c16 = arith.constant 16 : index
  loop.for %i = %c0 to %c6 step %c1 {
    loop.for %j = %c0 to %c16 step %c1 {
      loop.for %k = %c0 to %c4 step %c1 {
        %x = loop.load %a[%i, %k] : memref<6x4xf32, strided<[?, 1], offset: ?>>
        %y = loop.load %b[%k, %j] : memref<4x16xf32, strided<[?, 1], offset: ?>>
        %z = loop.load %c[%i, %j] : memref<6x16xf32, strided<[?, 1], offset: ?>>
        %p = arith.mulf %x, %y : f32
        %s = arith.addf %z, %p : f32
        loop.store %s, %c[%i, %j] : memref<6x16xf32, strided<[?, 1], offset: ?>>
      }
    }
  }
  hw.return
}
"""

# o[f] += w[f, c] * x[c]: 4 output channels from 4 input channels, any strides
CHANNEL_BLOCK = """
hw.intrinsic @channels_4x4(%w: memref<4x4xf32, strided<[?, ?], offset: ?>>, %x: memref<4xf32, strided<[?], offset: ?>>, %o: memref<4xf32, strided<[?], offset: ?>>) attributes {num_outputs = 1 : i64, target = "vta"} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  loop.for %f = %c0 to %c4 step %c1 {
    loop.for %c = %c0 to %c4 step %c1 {
      %a = loop.load %w[%f, %c] : memref<4x4xf32, strided<[?, ?], offset: ?>>
      %b = loop.load %x[%c] : memref<4xf32, strided<[?], offset: ?>>
      %s = loop.load %o[%f] : memref<4xf32, strided<[?], offset: ?>>
      %p = arith.mulf %b, %a : f32
      %t = arith.addf %p, %s : f32
      loop.store %t, %o[%f] : memref<4xf32, strided<[?], offset: ?>>
    }
  }
  hw.return
}
"""


def conv_kernel(c: int, f: int, h: int, w: int) -> str:
    """A 3x3 NCHW convolution without padding, as te text."""
    y, x = h - 2, w - 2
    return f"""
te.kernel @conv(%I: tensor<1x{c}x{h}x{w}xf32>, %W: tensor<{f}x{c}x3x3xf32>) -> tensor<1x{f}x{y}x{x}xf32> {{
  %O = te.compute "O" (%n: 1, %o: {f}, %y: {y}, %x: {x}) reduce (%c: {c}, %ry: 3, %rx: 3) combiner add init 0.000000e+00 : f32 {{
    %yy = arith.addi %y, %ry : index
    %xx = arith.addi %x, %rx : index
    %a = te.read %I[%n, %c, %yy, %xx] : tensor<1x{c}x{h}x{w}xf32> -> f32
    %b = te.read %W[%o, %c, %ry, %rx] : tensor<{f}x{c}x3x3xf32> -> f32
    %p = arith.mulf %a, %b : f32
    te.yield %p : f32
  }} : tensor<1x{f}x{y}x{x}xf32>
  te.return %O : tensor<1x{f}x{y}x{x}xf32>
}}
te.schedule @conv {{
  te.split "O" "o" by 4 -> "oo", "oi"
  te.split "O" "c" by 4 -> "co", "ci"
  te.reorder "O" ["n", "oo", "y", "x", "co", "ry", "rx", "oi", "ci"]
  te.tensorize "O" "oi" with @channels_4x4
}}
"""


def calls_after_tensorize(module: ModuleOp) -> int:
    """How many hw.call ops (each in the loops over full tiles) loop-tensorize makes."""
    copy = module.clone()
    run_pipeline("te-to-loop,loop-tensorize", copy)
    return sum(isinstance(op, hw.CallOp) for op in copy.walk())


@pytest.mark.parametrize(
    ("m", "n", "k", "calls"),
    # (1, 16, 4): no full 6-row tile, all tail; the others: one call in the full tiles
    [(12, 32, 8, 1), (13, 33, 8, 1), (7, 16, 13, 1), (1, 16, 4, 0), (6, 17, 5, 1)],
)
def test_gemm_6x16(m: int, n: int, k: int, calls: int):
    module = parse_module(GEMM_6X16X4)
    kernel = matmul_kernel("mm", m, n, k)
    module.body.block.add_op(kernel)
    s = Schedule(kernel)
    s["C"].tile("i", "j", 6, 16)
    s["C"].split("k", 4)
    s["C"].reorder("io", "jo", "ko", "ii", "ki", "ji")
    s["C"].tensorize("ii", "gemm_6x16")
    assert calls_after_tensorize(module) == calls
    check_native(module, None, PIPELINE, rtol=1e-4)


def test_gemm_6x16_with_annotated_tails():
    # the loops inside the tensorized axis are vectorized and unrolled: the full tiles
    # ignore it (an intrinsic is one call), the peeled tails keep it
    module = parse_module(GEMM_6X16X4)
    kernel = matmul_kernel("mm", 13, 40, 10)
    module.body.block.add_op(kernel)
    s = Schedule(kernel)
    s["C"].tile("i", "j", 6, 16)
    s["C"].split("k", 4)
    s["C"].reorder("io", "jo", "ko", "ii", "ki", "ji")
    s["C"].vectorize("ji")
    s["C"].unroll("ki")
    s["C"].parallel("io")
    s["C"].tensorize("ii", "gemm_6x16")
    assert calls_after_tensorize(module) == 1
    check_native(module, None, PIPELINE, rtol=1e-4)


@pytest.mark.parametrize(
    ("c", "f", "h", "w", "calls"),
    [(8, 8, 5, 6, 1), (6, 7, 4, 4, 1), (4, 3, 3, 3, 0)],
)
def test_conv2d_channel_blocks(c: int, f: int, h: int, w: int, calls: int):
    module = parse_module(CHANNEL_BLOCK + conv_kernel(c, f, h, w))
    assert calls_after_tensorize(module) == calls
    lowered = check_native(module, None, PIPELINE, rtol=1e-4)
    assert not any(isinstance(op, KernelOp | hw.CallOp) for op in lowered.walk())


def test_gemm_into_a_local_cache_write_tile():
    # the last case of the FileCheck test: C's 4x4 tiles accumulate in a "local" buffer
    path = Path(__file__).parents[5] / "tests/filecheck/passes/loop-tensorize/te-tensorize.mlir"
    module = parse_module(path.read_text().split("// -----")[-1])
    assert calls_after_tensorize(module) == 1
    check_native(module, None, PIPELINE, rtol=1e-4)
