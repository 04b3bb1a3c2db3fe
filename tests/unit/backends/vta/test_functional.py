"""The functional simulator: each instruction against numpy, then whole GEMM/conv programs."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import numpy.typing as npt
import pytest

from dlir.backends.vta import (
    ACC,
    INP,
    WGT,
    Alu,
    AluLoop,
    Buffer,
    Finish,
    Gemm,
    GemmLoop,
    Load,
    Program,
    Store,
    VTAConfig,
    VTAProgramError,
    run_functional,
)
from dlir.backends.vta.functional import Machine, alu_apply
from dlir.backends.vta.programs import (
    conv2d_inputs,
    conv2d_program,
    conv2d_reference,
    gemm_inputs,
    gemm_output,
    gemm_program,
)

RNG = np.random.default_rng(7)
BUFFERS = (
    Buffer("A", (6, 5, 16), "int8"),
    Buffer("W", (3, 16, 16), "int8"),
    Buffer("B", (4, 16), "int32"),
    Buffer("C", (4, 32), "int8"),
    Buffer("D", (4, 32), "int32"),
)


def machine(inputs: dict[str, npt.NDArray[np.int64]] | None = None) -> Machine:
    program = Program((Finish(),), BUFFERS, VTAConfig())
    return Machine.create(program, inputs or {})


def int8(*shape: int) -> npt.NDArray[np.int64]:
    return RNG.integers(-128, 128, shape)


def test_load_copies_2d_rows_with_stride_and_zero_padding():
    a = int8(6, 5, 16)
    m = machine({"A": a})
    m.sram[INP][:] = 99
    # Rows 1..3 of A, tiles 2..3 of each row (x_stride: one row of 5 tiles = 80 elements),
    # padded by one row on top and one tile left/right.
    load = Load(scope=INP, buffer=0, dram_offset=80 + 32, y_size=3, x_size=2, x_stride=80,
                sram_offset=10, pad_top=1, pad_left=1, pad_right=1)  # fmt: skip
    m.execute(load)
    block = m.sram[INP][10 : 10 + 4 * 4].reshape(4, 4, 16)
    expected = np.zeros((4, 4, 16), dtype=np.int64)
    expected[1:, 1:3] = a[1:4, 2:4]
    np.testing.assert_array_equal(block, expected)
    assert (m.sram[INP][9] == 99).all() and (m.sram[INP][26] == 99).all()


def test_load_weights_and_sign_extended_bias():
    w, bias = int8(3, 16, 16), RNG.integers(-(2**31), 2**31, (4, 16))
    m = machine({"W": w, "B": bias, "A": int8(6, 5, 16)})
    m.execute(Load(scope=WGT, buffer=1, dram_offset=256, y_size=1, x_size=2, x_stride=0,
                   sram_offset=3))  # fmt: skip
    np.testing.assert_array_equal(m.sram[WGT][3:5], w[1:3])
    m.execute(Load(scope=ACC, buffer=2, dram_offset=0, y_size=2, x_size=1, x_stride=32,
                   sram_offset=0))  # fmt: skip
    np.testing.assert_array_equal(m.sram[ACC][0:2, 0], bias[[0, 2]])
    m.execute(Load(scope=ACC, buffer=0, dram_offset=16, y_size=1, x_size=1, x_stride=0,
                   sram_offset=7))  # fmt: skip
    np.testing.assert_array_equal(m.sram[ACC][7, 0], np.asarray(m.dram[0][16:32]))


def test_gemm_two_level_loop_matches_numpy():
    m = machine()
    inp, wgt = int8(8, 1, 16), int8(8, 16, 16)
    m.sram[INP][:8], m.sram[WGT][:8] = inp, wgt
    acc0 = RNG.integers(-1000, 1000, (16, 1, 16))
    m.sram[ACC][:16] = acc0
    # acc[4i + j] += inp[2i] . wgt[j + 1]^T  for i < 3, j < 4
    gemm = Gemm(acc=0, inp=0, wgt=1, loops=(GemmLoop(3, acc=4, inp=2), GemmLoop(4, acc=1, wgt=1)))
    m.execute(gemm)
    expected = acc0.copy()
    for i in range(3):
        for j in range(4):
            expected[4 * i + j] += inp[2 * i] @ wgt[j + 1].T
    np.testing.assert_array_equal(m.sram[ACC][:16], expected)


def test_gemm_repeated_acc_accumulates_and_wraps_int32():
    m = machine()
    m.sram[INP][0], m.sram[WGT][0] = -128, -128  # each product 16384, 16 per step
    m.sram[ACC][0] = 2**31 - 1
    m.execute(Gemm(acc=0, inp=0, wgt=0, loops=(GemmLoop(3),)))
    expected = (2**31 - 1 + 3 * 16 * 16384 + 2**31) % 2**32 - 2**31
    assert (m.sram[ACC][0] == expected).all() and expected < 0


def test_gemm_reset_zeroes_only_its_tiles():
    m = machine()
    m.sram[ACC][:6] = 5
    m.execute(Gemm(reset=True, acc=1, loops=(GemmLoop(2, acc=2),)))
    assert [int(m.sram[ACC][t, 0, 0]) for t in range(6)] == [5, 0, 5, 0, 5, 5]


@pytest.mark.parametrize("op", ["add", "max", "min", "shr", "mul"])
def test_alu_ops_with_tile_operand_and_immediate(op: str):
    m = machine()
    lhs = RNG.integers(-(2**31), 2**31, (4, 1, 16))
    rhs = RNG.integers(-40, 40, (4, 1, 16))
    m.sram[ACC][:4], m.sram[ACC][8:12] = lhs, rhs
    m.execute(Alu(op=op, dst=0, src=8, loops=(AluLoop(4, dst=1, src=1),)))
    l64, r64 = lhs.astype(np.int64), rhs.astype(np.int64)
    amount = np.clip(r64, -31, 31)  # shift amounts saturate at 31 either way
    shifted = np.where(amount >= 0, l64 >> np.maximum(amount, 0), l64 << np.maximum(-amount, 0))
    reference = {
        "add": l64 + r64,
        "max": np.maximum(l64, r64),
        "min": np.minimum(l64, r64),
        "shr": shifted,
        "mul": l64 * r64,
    }[op]
    wrapped = (reference + 2**31) % 2**32 - 2**31
    np.testing.assert_array_equal(m.sram[ACC][:4], wrapped)
    m.execute(Alu(op=op, dst=8, imm=-3, loops=(AluLoop(2, dst=2),)))
    np.testing.assert_array_equal(m.sram[ACC][[8, 10]], alu_apply(op, rhs[[0, 2]], -3))
    np.testing.assert_array_equal(m.sram[ACC][[9, 11]], rhs[[1, 3]])


def test_alu_steps_that_read_earlier_results_run_in_order():
    m = machine()
    m.sram[ACC][:5] = np.arange(1, 6).reshape(5, 1, 1)
    # acc[i] += acc[i - 1] for i = 1..4: a running sum, step by step as the hardware does.
    m.execute(Alu(op="add", dst=1, src=0, loops=(AluLoop(4, dst=1, src=1),)))
    assert [int(m.sram[ACC][t, 0, 0]) for t in range(5)] == [1, 3, 6, 10, 15]


def test_alu_shr_saturates_shift_amounts():
    assert alu_apply("shr", [-(2**31), 2**30, 7], [40, -40, -1]).tolist() == [-1, 0, 14]


def test_store_clips_to_int8_or_keeps_int32():
    m = machine()
    values = RNG.integers(-1000, 1000, (4, 1, 16))
    m.sram[ACC][2:6] = values
    for buffer in (3, 4):
        m.execute(Store(buffer=buffer, dram_offset=32, y_size=2, x_size=2, x_stride=64,
                        sram_offset=2))  # fmt: skip
    rows = values.reshape(2, 32)
    c, d = m.dram[3].reshape(4, 32), m.dram[4].reshape(4, 32)
    np.testing.assert_array_equal(c[[1, 3]], np.clip(rows, -128, 127))
    np.testing.assert_array_equal(d[[1, 3]], rows)
    assert not c[[0, 2]].any() and c.dtype == np.int8 and d.dtype == np.int32


@pytest.mark.parametrize(
    ("inputs", "message"),
    [
        ({"Z": np.zeros(1)}, r"unknown DRAM buffers \['Z'\]"),
        ({"A": np.zeros((6, 80))}, r"input A: expected shape \(6, 5, 16\), got \(6, 80\)"),
        ({"A": np.full((6, 5, 16), 200)}, r"input A: values outside the int8 range \[-128, 127\]"),
        ({"A": np.zeros((6, 5, 16), dtype=np.float32)}, r"expected int8 values, got float32"),
        ({}, r"DRAM buffer A is loaded but no input given"),
    ],
)
def test_bad_inputs_are_reported(inputs: dict[str, npt.NDArray[np.generic]], message: str):
    load = Load(scope=INP, buffer=0, dram_offset=0, y_size=1, x_size=1, x_stride=0,
                sram_offset=0)  # fmt: skip
    program = Program((load, Finish()), BUFFERS, VTAConfig())
    with pytest.raises(VTAProgramError, match=message):
        run_functional(program, inputs)


@pytest.mark.parametrize("threads", [1, 2])
def test_blocked_gemm_64_equals_numpy(threads: int):
    a, w = int8(64, 64), int8(64, 64)
    program = gemm_program(64, 64, 64, block=(16, 2, 2), threads=threads, out_dtype="int32")
    outputs = run_functional(program, gemm_inputs(a, w))
    np.testing.assert_array_equal(gemm_output(outputs), a @ w.T)


@pytest.mark.parametrize(("m", "n", "k"), [(1, 8, 8), (7, 24, 40), (13, 8, 72), (33, 40, 8)])
def test_gemm_8x8_odd_shapes_requantized(m: int, n: int, k: int):
    config = VTAConfig(block_in=8, block_out=8)
    a, w = int8(m, k), int8(n, k)
    program = gemm_program(m, n, k, config=config, block=(5, 2, 3), relu=True, shift=6)
    outputs = run_functional(program, gemm_inputs(a, w, config))
    expected = np.clip(np.maximum((a @ w.T) >> 6, 0), -128, 127)
    np.testing.assert_array_equal(gemm_output(outputs), expected)


def test_gemm_int8_store_clips():
    a, w = int8(4, 16), int8(16, 16)
    outputs = run_functional(gemm_program(4, 16, 16), gemm_inputs(a, w))
    np.testing.assert_array_equal(gemm_output(outputs), np.clip(a @ w.T, -128, 127))


@pytest.mark.parametrize(("h", "w", "rows", "threads"), [(5, 7, 2, 1), (4, 3, 4, 2), (1, 1, 1, 2)])
def test_conv2d_3x3_equals_numpy(h: int, w: int, rows: int, threads: int):
    x, weight = int8(h, w, 32), int8(16, 3, 3, 32)
    program = conv2d_program(h, w, 32, 16, rows=rows, threads=threads, out_dtype="int32")
    outputs = run_functional(program, conv2d_inputs(x, weight))
    np.testing.assert_array_equal(outputs["Y"].reshape(h, w, 16), conv2d_reference(x, weight))


def test_bias_add_program_runs_in_program_order():
    a = int8(6, 5, 16)
    store = Store(buffer=3, dram_offset=0, y_size=1, x_size=1, x_stride=0, sram_offset=0)
    instructions = (
        Load(scope=ACC, buffer=0, dram_offset=0, y_size=1, x_size=1, x_stride=0, sram_offset=0),
        Alu(op="add", dst=0, imm=100),
        Alu(op="mul", dst=0, imm=3, push_next=True),
        replace(store, pop_prev=True, push_prev=True),
        Finish(pop_next=True),
    )
    outputs = run_functional(Program(instructions, BUFFERS, VTAConfig()), {"A": a})
    np.testing.assert_array_equal(outputs["C"][0, :16], np.clip((a[0, 0] + 100) * 3, -128, 127))
