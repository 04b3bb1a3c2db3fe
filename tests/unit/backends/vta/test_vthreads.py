"""Virtual threads in vta-codegen: tiles the threads share are loaded once, each thread's
buffers rotate (double buffering), loads issue in the order they are needed, and the
lowered GEMM/conv hide their load latency (cycles of the deterministic timed simulator),
with results equal to numpy."""

from __future__ import annotations

import warnings

import numpy as np
import numpy.typing as npt
import pytest

from dlir.backends.vta import kernels
from dlir.backends.vta.config import ACC, INP, WGT, VTAConfig
from dlir.backends.vta.isa import Alu, Gemm, Load, Program, Store, pack_tiles, unpack_tiles
from dlir.backends.vta.lower import lower_to_vta
from dlir.backends.vta.order import order_loads
from dlir.backends.vta.programs import conv2d_reference
from dlir.backends.vta.runtime import execute, lower_te
from dlir.backends.vta.statements import Emitted
from dlir.backends.vta.timed import Stats
from dlir.backends.vta.vthreads import ThreadDependence
from dlir.dialects.loop import AllocOp, ForOp
from dlir.dialects.te.model import ScheduleWarning
from dlir.parser import parse_module

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")


def _gemm_program(
    size: tuple[int, int, int], tiles: tuple[int, int, int], vthreads: int
) -> Program:
    kernel = kernels.gemm_kernel(*size)
    module = kernels.with_intrinsics(kernel)
    tm, tn, tk = tiles
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ScheduleWarning)
        kernels.schedule_gemm(
            kernel, tile_m=tm, tile_n=tn, tile_k=tk, vthreads=vthreads, tensorize=True
        )
    return lower_to_vta(lower_te(module), "gemm")


def _loads(program: Program, scope: str) -> list[Load]:
    return [i for i in program.instructions if isinstance(i, Load) and i.scope == scope]


def _requantize(values: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    return np.clip(np.maximum(values >> 8, 0), -128, 127)


def test_shared_input_tiles_are_loaded_once() -> None:
    """The A tile of an output row block is the same for both column threads: one Load per
    (row block, k step) instead of one per thread, read by both threads' gemms."""
    # 64x64x64: 4 row blocks (tile_m = 16) x 4 column blocks (2 threads x 2) x 2 k steps
    one = _gemm_program((64, 64, 64), (16, 1, 2), vthreads=1)
    two = _gemm_program((64, 64, 64), (16, 1, 2), vthreads=2)
    assert len(_loads(one, INP)) == 4 * 4 * 2  # reloaded for every column block
    assert len(_loads(two, INP)) == 4 * 2 * 2  # once per pair of threads
    assert len(_loads(two, WGT)) == len(_loads(one, WGT))  # weights differ per thread
    gemms = [i for i in two.instructions if isinstance(i, Gemm) and not i.reset]
    first = _loads(two, INP)[0].sram_offset
    assert [g.inp for g in gemms[:2]] == [first, first]  # both threads read one copy


def test_buffers_rotate_between_steps_with_virtual_threads_only() -> None:
    """With virtual threads a buffer freed and allocated again takes the next free range
    (its next loads need not wait for the gemms reading the previous ones); without, the
    same range is reused (no double buffering)."""
    two = _gemm_program((64, 64, 64), (16, 1, 2), vthreads=2)
    offsets = [i.sram_offset for i in _loads(two, INP)]
    assert offsets[:4] == [0, 32, 64, 96]
    resets = [i.acc for i in two.instructions if isinstance(i, Gemm) and i.reset]
    assert resets[:4] == [0, 16, 32, 48]
    one = _gemm_program((64, 64, 64), (16, 1, 2), vthreads=1)
    assert {i.sram_offset for i in _loads(one, INP)} == {0}


def _gemm_case(vthreads: int) -> tuple[Stats, bool]:
    """benchmarks/vta.py --lowered's GEMM: 256^3, tiles 64 x 8 x 8 blocks."""
    config = VTAConfig()
    program = _gemm_program((256, 256, 256), (64, 8, 8), vthreads)
    rng = np.random.default_rng(0)
    a, w = rng.integers(-128, 128, (256, 256)), rng.integers(-128, 128, (256, 256))
    feeds = [pack_tiles(a, config.batch, config.block_in), pack_tiles(w, config.block_out, 16)]
    (out,), stats = execute(program, 1, feeds)
    assert stats is not None
    return stats, bool((unpack_tiles(out) == _requantize(a @ w.T)).all())


def test_lowered_gemm_hides_latency_with_two_threads() -> None:
    """Two virtual threads take at most 72% of one thread's cycles (1.39x; measured 0.69)
    and keep the GEMM core busy at least 78% of the time, with exact results."""
    (one, exact_one), (two, exact_two) = _gemm_case(1), _gemm_case(2)
    assert exact_one and exact_two
    assert two.cycles <= 0.72 * one.cycles
    assert two.utilization >= 0.78
    compute_waits = sum(n for (m, _), n in two.stalls.items() if m == "compute")
    assert compute_waits <= 0.05 * two.cycles  # only the first loads and the last store


def _conv_case(vthreads: int) -> tuple[Stats, bool]:
    size, channels = 14, 64
    kernel = kernels.conv2d_kernel(1, channels, channels, size + 2, size + 2)
    module = kernels.with_intrinsics(kernel)
    kernels.schedule_conv2d(
        kernel, tile_co=2, tile_y=7, tile_ci=2, vthreads=vthreads, tensorize=True
    )
    program = lower_to_vta(lower_te(module), "conv2d")
    rng = np.random.default_rng(1)
    x = rng.integers(-128, 128, (size, size, channels))
    w = rng.integers(-128, 128, (channels, 3, 3, channels))
    padded = np.pad(x, ((1, 1), (1, 1), (0, 0)))
    d = padded.reshape(size + 2, size + 2, 4, 16).transpose(2, 0, 1, 3)[None, :, :, :, None, :]
    k = w.reshape(4, 16, 3, 3, 4, 16).transpose(0, 4, 2, 3, 1, 5)
    (out,), stats = execute(program, 1, [d, k])
    assert stats is not None
    y = out[0, :, :, :, 0, :].transpose(1, 2, 0, 3).reshape(size, size, channels)
    return stats, bool((y == _requantize(conv2d_reference(x, w))).all())


def test_lowered_conv_hides_latency_with_two_threads() -> None:
    """conv2d 3x3 64->64 @14^2: two threads share the input tile, at most 80% of one
    thread's cycles (measured 0.75), exact."""
    (one, exact_one), (two, exact_two) = _conv_case(1), _conv_case(2)
    assert exact_one and exact_two
    assert two.cycles <= 0.80 * one.cycles
    assert two.utilization >= 0.85


def test_thread_dependence_of_a_lockstep_loop() -> None:
    """A's tile does not depend on the thread (shared); W's and C's do (one per thread)."""
    module = parse_module("""
loop.func @k(%A: memref<2x1x16xi8>, %W: memref<2x16x16xi8>) attributes {num_outputs = 0 : i64} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c16 = arith.constant 16 : index
  loop.for %t = %c0 to %c2 step %c1 {
    %a = loop.alloc "vta.inp" : memref<1x16xi8, "vta.inp">
    %w = loop.alloc "vta.wgt" : memref<16x16xi8, "vta.wgt">
    %c = loop.alloc "vta.acc" : memref<1x16xi32, "vta.acc">
    loop.for %i = %c0 to %c16 step %c1 {
      %v = loop.load %A[%c1, 0, %i] : memref<2x1x16xi8>
      loop.store %v, %a[0, %i] : memref<1x16xi8, "vta.inp">
    }
    loop.for %i = %c0 to %c16 step %c1 {
      %v = loop.load %W[%t, 0, %i] : memref<2x16x16xi8>
      loop.store %v, %w[0, %i] : memref<16x16xi8, "vta.wgt">
    }
    hw.call @vta_gemm(%a, %w, %c) : (memref<1x16xi8, "vta.inp">, memref<16x16xi8, "vta.wgt">, memref<1x16xi32, "vta.acc">) -> ()
  } {vthread = 2 : i64}
  loop.return
}
""")
    loop = next(op for op in module.walk() if isinstance(op, ForOp) and "vthread" in op.attributes)
    dependence = ThreadDependence.of(loop)
    allocs = {op.scope.data: op.memref for op in loop.body.block.ops if isinstance(op, AllocOp)}
    assert not dependence.varies([allocs[INP]])
    assert dependence.varies([allocs[WGT]]) and dependence.varies([allocs[ACC]])


def _load(scope: str, tile: int) -> Emitted:
    load = Load(
        scope=scope, buffer=0, dram_offset=0, y_size=1, x_size=1, x_stride=1, sram_offset=tile
    )
    return Emitted(load, writes={(scope, tile)}, dram_reads={0})


def test_order_loads_issues_the_needed_load_first() -> None:
    """W1 (needed by the second gemm) moves after A (needed by the first); a load never
    moves above a reader of the tiles it overwrites."""
    w0, w1, a = _load(WGT, 0), _load(WGT, 1), _load(INP, 0)
    g0 = Emitted(Gemm(), reads={(INP, 0), (WGT, 0), (ACC, 0)}, writes={(ACC, 0)})
    g1 = Emitted(Gemm(acc=1, wgt=1), reads={(INP, 0), (WGT, 1), (ACC, 1)}, writes={(ACC, 1)})
    assert order_loads([w0, w1, a, g0, g1]) == [w0, a, w1, g0, g1]
    again, w2 = _load(INP, 0), _load(WGT, 2)
    g2 = Emitted(Gemm(wgt=2), reads={(INP, 0), (WGT, 2)}, writes={(ACC, 0)})
    stream = [w0, a, g0, w2, again, g2]  # `again` overwrites what g0 reads: stays after it
    assert order_loads(stream) == stream


def _epilogue(high: int) -> Program:
    module = parse_module(f"""
loop.func @k(%O: memref<4x1x16xi8>) attributes {{num_outputs = 1 : i64}} {{
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c16 = arith.constant 16 : index
  %acc = loop.alloc "vta.acc" : memref<4x1x16xi32, "vta.acc">
  loop.for %i = %c0 to %c4 step %c1 {{
    loop.for %j = %c0 to %c16 step %c1 {{
      %z = arith.constant 0 : i32
      loop.store %z, %acc[%i, 0, %j] : memref<4x1x16xi32, "vta.acc">
    }}
  }}
  loop.for %i = %c0 to %c4 step %c1 {{
    loop.for %j = %c0 to %c16 step %c1 {{
      %v = loop.load %acc[%i, 0, %j] : memref<4x1x16xi32, "vta.acc">
      %lo = arith.constant -128 : i32
      %hi = arith.constant {high} : i32
      %m = arith.maxsi %v, %lo : i32
      %n = arith.minsi %m, %hi : i32
      %t = arith.trunci %n : i32 to i8
      loop.store %t, %O[%i, 0, %j] : memref<4x1x16xi8>
    }}
  }}
  loop.return
}}
""")
    return lower_to_vta(module, "k")


def test_clip_before_an_int8_store_is_the_store_s() -> None:
    """max #-128, min #127 before an int8 store: the store clips, no Alu; min #100 stays."""
    assert not [i for i in _epilogue(127).instructions if isinstance(i, Alu)]
    kept = [(i.op, i.imm) for i in _epilogue(100).instructions if isinstance(i, Alu)]
    assert kept == [("max", -128), ("min", 100)]
    assert any(isinstance(i, Store) for i in _epilogue(127).instructions)


def test_epilogue_of_a_shared_accumulator_runs_per_thread() -> None:
    """acc does not depend on the thread, but each thread's epilogue shifts it in place
    before storing to its own rows: acc is one per thread, not shifted twice."""
    module = parse_module("""
loop.func @k(%B: memref<1x1x16xi32>, %O: memref<2x1x16xi8>) attributes {num_outputs = 1 : i64} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c16 = arith.constant 16 : index
  loop.for %t = %c0 to %c2 step %c1 {
    %acc = loop.alloc "vta.acc" : memref<1x1x16xi32, "vta.acc">
    loop.for %j = %c0 to %c16 step %c1 {
      %v = loop.load %B[0, 0, %j] : memref<1x1x16xi32>
      loop.store %v, %acc[0, 0, %j] : memref<1x1x16xi32, "vta.acc">
    }
    loop.for %j = %c0 to %c16 step %c1 {
      %v = loop.load %acc[0, 0, %j] : memref<1x1x16xi32, "vta.acc">
      %one = arith.constant 1 : i32
      %lo = arith.constant -128 : i32
      %hi = arith.constant 127 : i32
      %s = arith.shrsi %v, %one : i32
      %m = arith.maxsi %s, %lo : i32
      %n = arith.minsi %m, %hi : i32
      %r = arith.trunci %n : i32 to i8
      loop.store %r, %O[%t, 0, %j] : memref<2x1x16xi8>
    }
    loop.free %acc : memref<1x1x16xi32, "vta.acc">
  } {vthread = 2 : i64}
  loop.return
}
""")
    b = np.arange(-160, 160, 20, dtype=np.int32).reshape(1, 1, 16)
    program = lower_to_vta(module, "k")
    assert len([i for i in program.instructions if isinstance(i, Load)]) == 2
    (out,), _ = execute(program, 1, [b])
    expected = np.clip(b >> 1, -128, 127).astype(np.int8)
    np.testing.assert_array_equal(out, np.concatenate([expected, expected]))
