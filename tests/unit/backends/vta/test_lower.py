"""vta-codegen: te kernels scheduled for VTA, lowered to instructions and simulated, equal
the interpreter exactly; virtual threads raise utilization; what VTA cannot run is a
clear error naming the op."""

from __future__ import annotations

import re
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from xdsl.dialects.builtin import ModuleOp, TensorType
from xdsl.ir import Attribute
from xdsl.utils.hints import isa

import dlir
from dlir.backends.vta import kernels
from dlir.backends.vta.config import VTAConfig
from dlir.backends.vta.lower import VTALoweringError, lower_to_vta
from dlir.backends.vta.runtime import lower_te, run, run_te
from dlir.dialects.te.kernel import KernelOp
from dlir.dialects.te.model import ScheduleWarning
from dlir.parser import parse_module

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")


def _inputs(kernel: KernelOp, seed: int = 0) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    shapes = [a.type.get_shape() for a in kernel.args if isa(a.type, TensorType[Attribute])]
    return [rng.integers(-128, 128, size=shape).astype(np.int8) for shape in shapes]


def _check(module: ModuleOp, kernel: KernelOp, *, timed: bool = True) -> float:
    """Run on VTA (timed: instructions start in the order the tokens allow) and with the
    interpreter; equal; the gemm utilization."""
    name = kernel.sym_name.data
    inputs = _inputs(kernel)
    expected = np.asarray(dlir.interpret(module, name, *inputs))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ScheduleWarning)
        outputs, stats = run_te(module, name, *inputs, timed=timed)
    np.testing.assert_array_equal(outputs[0], expected)
    return stats.utilization if stats is not None else 0.0


@pytest.mark.parametrize(
    ("m", "n", "k", "tiles", "tensorize"),
    [
        (32, 32, 32, (16, 2, 2), True),  # square, several tiles of each loop
        (48, 16, 80, (16, 1, 5), False),  # non-square, one output column block
        (16, 64, 48, (8, 2, 3), True),  # wide, three k blocks per step
        (16, 16, 16, (1, 1, 1), True),  # a single tile
    ],
)
def test_gemm_matches_interpreter(
    m: int, n: int, k: int, tiles: tuple[int, int, int], tensorize: bool
) -> None:
    kernel = kernels.gemm_kernel(m, n, k)
    module = kernels.with_intrinsics(kernel)
    tm, tn, tk = tiles
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ScheduleWarning)
        kernels.schedule_gemm(kernel, tile_m=tm, tile_n=tn, tile_k=tk, tensorize=tensorize)
    _check(module, kernel)


@settings(max_examples=4, deadline=None)
@given(
    blocks=st.tuples(st.integers(1, 4), st.integers(1, 4), st.integers(1, 4)),
    tiles=st.tuples(st.integers(1, 4), st.integers(1, 4), st.integers(1, 4)),
    vthreads=st.sampled_from([1, 2]),
)
def test_random_gemm_schedules_match(
    blocks: tuple[int, int, int], tiles: tuple[int, int, int], vthreads: int
) -> None:
    """Any tiling that divides the blocks, with or without virtual threads, computes the
    interpreter's result (the dependency tokens order every SRAM reuse)."""
    mb, nb, kb = blocks
    tm, tn, tk = (t if b % t == 0 else 1 for t, b in zip(tiles, blocks, strict=True))
    if vthreads == 2 and (nb // tn) % 2:
        vthreads = 1
    kernel = kernels.gemm_kernel(4 * mb, 16 * nb, 16 * kb)
    module = kernels.with_intrinsics(kernel)
    kernels.schedule_gemm(kernel, tile_m=4 * tm, tile_n=tn, tile_k=tk, vthreads=vthreads)
    _check(module, kernel)


def test_gemm_8x8_config() -> None:
    config = VTAConfig(block_in=8, block_out=8)
    kernel = kernels.gemm_kernel(16, 24, 16, config=config)
    module = kernels.with_intrinsics(kernel, config)
    kernels.schedule_gemm(kernel, tile_m=8, tile_n=3, tile_k=2)
    inputs = _inputs(kernel)
    expected = np.asarray(dlir.interpret(module, "gemm", *inputs))
    outputs, _ = run(lower_te(module), "gemm", *inputs, timed=False, config=config)
    np.testing.assert_array_equal(outputs[0], expected)


@pytest.mark.parametrize(
    ("shape", "tiles", "vthreads", "tensorize"),
    [
        ((1, 16, 32, 9, 9), (2, 7, 1), 1, True),  # 1x16x9x9 (padded 7x7 output) -> 32 channels
        ((1, 32, 64, 10, 8), (2, 4, 2), 2, False),  # non-square image, two threads
    ],
)
def test_conv2d_matches_interpreter(
    shape: tuple[int, int, int, int, int],
    tiles: tuple[int, int, int],
    vthreads: int,
    tensorize: bool,
) -> None:
    kernel = kernels.conv2d_kernel(*shape)
    module = kernels.with_intrinsics(kernel)
    co, y, ci = tiles
    kernels.schedule_conv2d(
        kernel, tile_co=co, tile_y=y, tile_ci=ci, vthreads=vthreads, tensorize=tensorize
    )
    _check(module, kernel)


def test_virtual_threads_raise_utilization() -> None:
    """The same GEMM with two virtual threads: equal results, fewer cycles, more
    compute utilization (one thread's loads overlap the other's gemms)."""
    utilization: list[float] = []
    for vthreads in (1, 2):
        kernel = kernels.gemm_kernel(32, 64, 128)
        module = kernels.with_intrinsics(kernel)
        kernels.schedule_gemm(kernel, tile_m=16, tile_n=2, tile_k=4, vthreads=vthreads)
        utilization.append(_check(module, kernel, timed=True))
    assert utilization[1] > utilization[0] * 1.1


def _loop_module(body: str, args: str = "%A: memref<4x1x16xi8>, %O: memref<4x1x16xi8>") -> ModuleOp:
    return parse_module(
        f"loop.func @k({args}) attributes {{num_outputs = 1 : i64}} {{\n"
        "  %c0 = arith.constant 0 : index\n  %c1 = arith.constant 1 : index\n"
        "  %c4 = arith.constant 4 : index\n  %c16 = arith.constant 16 : index\n"
        f"{body}\n  loop.return\n}}\n"
    )


def test_sram_overflow_is_an_error() -> None:
    config = VTAConfig(inp_buffer_tiles=16)
    kernel = kernels.gemm_kernel(64, 16, 32)
    module = kernels.with_intrinsics(kernel, config)
    kernels.schedule_gemm(kernel, tile_m=16, tile_n=1, tile_k=2, vthreads=1)
    with pytest.raises(
        VTALoweringError, match=re.escape("needs 32 tiles of vta.inp but only 16 of its 16")
    ):
        lower_to_vta(lower_te(module), "gemm", config)


def test_virtual_threads_need_room_for_each_copy() -> None:
    config = VTAConfig(acc_buffer_tiles=24)
    kernel = kernels.gemm_kernel(32, 32, 16)
    module = kernels.with_intrinsics(kernel, config)
    kernels.schedule_gemm(kernel, tile_m=16, tile_n=1, tile_k=1, vthreads=2)
    with pytest.raises(
        VTALoweringError, match=re.escape("needs 16 tiles of vta.acc but only 8 of its 24")
    ):
        lower_to_vta(lower_te(module), "gemm", config)


def test_bound_read_from_memory_is_an_error() -> None:
    module = _loop_module(
        '  %n = loop.alloc "vta.acc" : memref<1x16xi32, "vta.acc">\n'
        "  %v = loop.load %A[0, 0, 0] : memref<4x1x16xi8>\n"
        "  %w = arith.index_cast %v : i8 to index\n"
        "  loop.for %i = %c0 to %w step %c1 {\n"
        "    loop.for %j = %c0 to %c16 step %c1 {\n"
        "      %z = arith.constant 0 : i32\n"
        '      loop.store %z, %n[0, %j] : memref<1x16xi32, "vta.acc">\n    }\n  }'
    )
    with pytest.raises(VTALoweringError, match="host cannot read a buffer at compile time"):
        lower_to_vta(module, "k")


def test_bound_varying_inside_a_statement_is_an_error() -> None:
    module = _loop_module(
        '  %n = loop.alloc "vta.acc" : memref<1x16xi32, "vta.acc">\n'
        "  loop.for %i = %c0 to %c4 step %c1 {\n"
        "    %e = arith.addi %i, %i : index\n"
        "    loop.for %j = %c0 to %e step %c1 {\n"
        "      %k = arith.muli %j, %j : index\n"
        "      loop.for %l = %c0 to %k step %c1 {\n"
        "        %z = arith.constant 0 : i32\n"
        '        loop.store %z, %n[0, %l] : memref<1x16xi32, "vta.acc">\n      }\n    }\n  }'
    )
    with pytest.raises(VTALoweringError, match="upper bound is not known at compile time"):
        lower_to_vta(module, "k")


def test_intrinsic_of_another_shape_is_an_error() -> None:
    """An 8x8 gemm intrinsic called on a 16x16 accelerator."""
    small = VTAConfig(block_in=8, block_out=8)
    kernel = kernels.gemm_kernel(16, 16, 16, config=small)
    module = kernels.with_intrinsics(kernel, small)
    kernels.schedule_gemm(kernel, tile_m=16, tile_n=2, tile_k=2, tensorize=True)
    with pytest.raises(
        VTALoweringError,
        match=re.escape(
            "@vta_gemm: a vta.inp tile is 1x16 with this accelerator, found a 1x8 buffer"
        ),
    ):
        lower_to_vta(lower_te(module), "gemm")


def test_wrapping_narrowing_is_an_error() -> None:
    """trunci wraps, VTA's store clips: the epilogue must clip first."""
    module = _loop_module(
        '  %acc = loop.alloc "vta.acc" : memref<4x1x16xi32, "vta.acc">\n'
        "  loop.for %i = %c0 to %c4 step %c1 {\n"
        "    loop.for %j = %c0 to %c16 step %c1 {\n"
        '      %v = loop.load %acc[%i, 0, %j] : memref<4x1x16xi32, "vta.acc">\n'
        "      %t = arith.trunci %v : i32 to i8\n"
        "      loop.store %t, %O[%i, 0, %j] : memref<4x1x16xi8>\n    }\n  }"
    )
    with pytest.raises(VTALoweringError, match=r"trunci wraps values outside \[-128, 127\]"):
        lower_to_vta(module, "k")


def test_host_scope_alloc_is_an_error() -> None:
    module = _loop_module('  %t = loop.alloc "global" : memref<16xi8>')
    with pytest.raises(
        VTALoweringError, match="allocates in scope 'global'; a VTA kernel allocates only on chip"
    ):
        lower_to_vta(module, "k")


def test_partial_tile_is_an_error() -> None:
    module = _loop_module(
        "  %c8 = arith.constant 8 : index\n"
        '  %inp = loop.alloc "vta.inp" : memref<4x1x16xi8, "vta.inp">\n'
        "  loop.for %i = %c0 to %c4 step %c1 {\n"
        "    loop.for %j = %c0 to %c8 step %c1 {\n"
        "      %v = loop.load %A[%i, 0, %j] : memref<4x1x16xi8>\n"
        '      loop.store %v, %inp[%i, 0, %j] : memref<4x1x16xi8, "vta.inp">\n    }\n  }'
    )
    with pytest.raises(
        VTALoweringError, match=re.escape("does not cover whole vta.inp tiles of 16 elements")
    ):
        lower_to_vta(module, "k")


def test_unknown_function_is_an_error() -> None:
    with pytest.raises(VTALoweringError, match=re.escape("no loop.func @nope; loop.funcs are @k")):
        lower_to_vta(_loop_module(""), "nope")


def test_epilogue_on_an_accumulator_read_later_is_an_error() -> None:
    """The ALU works in place: an accumulator shifted while stored must not be read again."""
    module = _loop_module(
        '  %acc = loop.alloc "vta.acc" : memref<4x1x16xi32, "vta.acc">\n'
        "  loop.for %i = %c0 to %c4 step %c1 {\n"
        "    loop.for %j = %c0 to %c16 step %c1 {\n"
        '      %v = loop.load %acc[%i, 0, %j] : memref<4x1x16xi32, "vta.acc">\n'
        "      %c2 = arith.constant 2 : i32\n"
        "      %s = arith.muli %v, %c2 : i32\n"
        "      loop.store %s, %P[%i, 0, %j] : memref<4x1x16xi32>\n    }\n  }\n"
        "  loop.for %i = %c0 to %c4 step %c1 {\n"
        "    loop.for %j = %c0 to %c16 step %c1 {\n"
        '      %v = loop.load %acc[%i, 0, %j] : memref<4x1x16xi32, "vta.acc">\n'
        "      loop.store %v, %O[%i, 0, %j] : memref<4x1x16xi32>\n    }\n  }",
        "%P: memref<4x1x16xi32>, %O: memref<4x1x16xi32>",
    )
    with pytest.raises(VTALoweringError, match="update the accumulator they read in place"):
        lower_to_vta(module, "k")


def test_alu_in_place_and_int32_store() -> None:
    """acc = 0; acc = acc + 5 (an ALU statement in place); O (i32) = acc: raw accumulators."""
    module = _loop_module(
        '  %acc = loop.alloc "vta.acc" : memref<4x1x16xi32, "vta.acc">\n'
        "  loop.for %i = %c0 to %c4 step %c1 {\n"
        "    loop.for %j = %c0 to %c16 step %c1 {\n"
        "      %z = arith.constant 0 : i32\n"
        '      loop.store %z, %acc[%i, 0, %j] : memref<4x1x16xi32, "vta.acc">\n    }\n  }\n'
        "  loop.for %i = %c0 to %c4 step %c1 {\n"
        "    loop.for %j = %c0 to %c16 step %c1 {\n"
        '      %v = loop.load %acc[%i, 0, %j] : memref<4x1x16xi32, "vta.acc">\n'
        "      %c5 = arith.constant 5 : i32\n"
        "      %s = arith.addi %v, %c5 : i32\n"
        '      loop.store %s, %acc[%i, 0, %j] : memref<4x1x16xi32, "vta.acc">\n    }\n  }\n'
        "  loop.for %i = %c0 to %c4 step %c1 {\n"
        "    loop.for %j = %c0 to %c16 step %c1 {\n"
        '      %v = loop.load %acc[%i, 0, %j] : memref<4x1x16xi32, "vta.acc">\n'
        "      loop.store %v, %O[%i, 0, %j] : memref<4x1x16xi32>\n    }\n  }",
        "%O: memref<4x1x16xi32>",
    )
    program = lower_to_vta(module, "k")
    kinds = [type(i).__name__ for i in program.instructions]
    assert kinds == ["Gemm", "Alu", "Store", "Finish"]
    (out,), _ = run(module, "k")
    np.testing.assert_array_equal(out, np.full((4, 1, 16), 5, np.int32))
