"""The timed simulator: exact cycle counts by hand, overlap from double buffering, and
properties (same outputs as the functional model, consistent accounting) on random programs."""

from __future__ import annotations

from itertools import pairwise

import numpy as np
import numpy.typing as npt
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

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
    Instruction,
    Load,
    Program,
    Store,
    VTAConfig,
    VTAProgramError,
    pack_tiles,
    run_functional,
    run_timed,
    simulate,
)
from dlir.backends.vta.config import MODULES
from dlir.backends.vta.programs import (
    Block,
    Stage,
    conv2d_inputs,
    conv2d_program,
    conv2d_reference,
    emit,
    gemm_inputs,
    gemm_program,
    serialize,
)
from dlir.backends.vta.timed import Stats, instruction_cycles
from dlir.backends.vta.validate import match_tokens

# Costs that are easy to add up: a byte per... 16 bytes per cycle, no setup latencies.
SIMPLE = VTAConfig(
    dram_bytes_per_cycle=16, dma_setup_cycles=0, gemm_setup_cycles=0, alu_setup_cycles=0
)
BUFFERS = (
    Buffer("A", (3, 4, 16), "int8"),
    Buffer("W", (1, 16, 16), "int8"),
    Buffer("C", (1, 16), "int8"),
)
RNG = np.random.default_rng(3)


def tiny_inputs() -> dict[str, npt.NDArray[np.int64]]:
    return {"A": RNG.integers(-128, 128, (3, 4, 16)), "W": RNG.integers(-128, 128, (1, 16, 16))}


def three_stage_program(threads: int) -> Program:
    """Weights once (16 cycles), then 3 stages of: load 4 input tiles (4 cycles) into context
    s % threads, one Gemm over them (4 cycles); reset 1, store 1, finish 1."""
    stages = [
        Stage(
            [
                Load(
                    scope=INP,
                    buffer=0,
                    dram_offset=64 * s,
                    y_size=1,
                    x_size=4,
                    x_stride=64,
                    sram_offset=4 * (s % threads),
                )
            ],
            [Gemm(acc=0, inp=4 * (s % threads), wgt=0, loops=(GemmLoop(4, inp=1),))],
        )
        for s in range(3)
    ]
    store = Store(buffer=2, dram_offset=0, y_size=1, x_size=1, x_stride=16, sram_offset=0)
    block = Block(Gemm(reset=True, acc=0), stages, [], [store])
    weights = Load(scope=WGT, buffer=1, dram_offset=0, y_size=1, x_size=1, x_stride=256,
                   sram_offset=0)  # fmt: skip
    return Program(tuple(emit([block], threads, prologue=[weights])), BUFFERS, SIMPLE)


def check_accounting(program: Program, stats: Stats) -> None:
    """Busy + stalls of a module add up to when it finishes; tokens and module order hold."""
    costs = [instruction_cycles(program, i) for i in program.instructions]
    assert sum(stats.busy.values()) == sum(costs)
    assert stats.cycles == max(e.end for e in stats.trace)
    assert max(stats.busy.values()) <= stats.cycles <= sum(costs)
    end: dict[int, int] = {}
    for entry in stats.trace:
        assert entry.end - entry.start == costs[entry.index]
        end[entry.index] = entry.end
    for module in MODULES:
        entries = [e for e in stats.trace if e.module == module]
        assert [e.index for e in entries] == sorted(e.index for e in entries)
        assert all(a.end <= b.start for a, b in pairwise(entries))
        stalled = sum(n for (m, _), n in stats.stalls.items() if m == module)
        finish = entries[-1].end if entries else 0
        assert stats.busy[module] + stalled == finish
    start = {e.index: e.start for e in stats.trace}
    for index, producers in enumerate(match_tokens(program).producers):
        assert all(end[p] <= start[index] for p in producers)


def test_serial_program_takes_the_sum_of_its_instructions():
    instructions = serialize(
        [
            Load(scope=WGT, buffer=1, dram_offset=0, y_size=1, x_size=1, x_stride=0, sram_offset=0),
            Load(
                scope=INP, buffer=0, dram_offset=0, y_size=2, x_size=4, x_stride=64, sram_offset=0
            ),
            Gemm(reset=True, acc=0),
            Gemm(acc=0, inp=0, wgt=0, loops=(GemmLoop(8, inp=1),)),
            Alu(op="max", dst=0, imm=0),
            Store(buffer=2, dram_offset=0, y_size=1, x_size=1, x_stride=16, sram_offset=0),
            Finish(),
        ]
    )
    program = Program(tuple(instructions), BUFFERS, SIMPLE)
    inputs = tiny_inputs()
    outputs, stats = simulate(program, inputs)
    # load W 256 B = 16, load A 128 B = 8, reset 1, gemm 8, alu 1, store 1, finish 1
    assert stats.cycles == 16 + 8 + 1 + 8 + 1 + 1 + 1 == 36
    assert stats.gemm_cycles == 8 and stats.utilization == pytest.approx(8 / 36)
    assert stats.stalls[("compute", "wait load->compute")] == 24
    assert stats.stalls[("store", "wait compute->store")] == 34
    check_accounting(program, stats)
    np.testing.assert_array_equal(outputs["C"], run_functional(program, inputs)["C"])


def test_double_buffering_overlaps_load_and_compute_exactly():
    inputs = tiny_inputs()
    out1, single = run_timed(three_stage_program(1), inputs)
    out2, double = run_timed(three_stage_program(2), inputs)
    np.testing.assert_array_equal(out1["C"], out2["C"])
    # 1 context: W 0-16, then load/gemm alternate: L0 16-20 G0 20-24 L1 24-28 G1 28-32
    # L2 32-36 G2 36-40, store 40-41, finish 41-42.
    assert [(e.start, e.end) for e in single.trace if e.module == "load"] == [
        (0, 16), (16, 20), (24, 28), (32, 36)
    ]  # fmt: skip
    assert single.cycles == 42
    # 2 contexts: L1 loads 20-24 while G0 runs; L2 waits only for G0 to free context 0 (24),
    # G1 24-28, G2 28-32, store 32-33, finish 33-34.
    assert [(e.start, e.end) for e in double.trace if e.module == "load"] == [
        (0, 16), (16, 20), (20, 24), (24, 28)
    ]  # fmt: skip
    assert double.cycles == 34
    assert single.gemm_cycles == double.gemm_cycles == 12
    assert single.utilization == pytest.approx(12 / 42)
    assert double.utilization == pytest.approx(12 / 34)
    for threads, stats in ((1, single), (2, double)):
        check_accounting(three_stage_program(threads), stats)


@pytest.mark.parametrize("workload", ["gemm", "conv2d"])
def test_virtual_threads_raise_utilization_and_keep_results(workload: str):
    rng = np.random.default_rng(5)
    if workload == "gemm":
        a, w = rng.integers(-128, 128, (32, 64)), rng.integers(-128, 128, (64, 64))
        inputs, expected = gemm_inputs(a, w), np.maximum(a @ w.T, 0)
    else:
        x, w = rng.integers(-128, 128, (6, 6, 16)), rng.integers(-128, 128, (32, 3, 3, 16))
        inputs, expected = conv2d_inputs(x, w), conv2d_reference(x, w) >> 4
    results: list[Stats] = []
    for threads in (1, 2):
        if workload == "gemm":
            program = gemm_program(32, 64, 64, block=(8, 2, 2), threads=threads, relu=True)
            packed = pack_tiles(np.clip(expected, -128, 127), 1, 16)
        else:
            program = conv2d_program(6, 6, 16, 32, rows=1, threads=threads, shift=4)
            packed = np.clip(expected, -128, 127).reshape(6, 6, 2, 16)
        outputs, stats = run_timed(program, inputs)
        (output,) = outputs.values()
        np.testing.assert_array_equal(output, packed)
        check_accounting(program, stats)
        results.append(stats)
    single, double = results
    assert double.gemm_cycles == single.gemm_cycles
    assert double.cycles < single.cycles and double.utilization > single.utilization


def test_timed_model_is_deterministic_and_summarises():
    program = gemm_program(16, 32, 32, block=(4, 1, 1), threads=2)
    inputs = gemm_inputs(RNG.integers(-128, 128, (16, 32)), RNG.integers(-128, 128, (32, 32)))
    first, second = run_timed(program, inputs)[1], run_timed(program, inputs)[1]
    assert first == second
    text = first.summary()
    assert text.startswith(f"cycles {first.cycles}  gemm utilization ")
    assert "busy     load " in text and "stalls   compute: wait load->compute" in text
    assert "program  24 gemm, 32 load, 8 store, 1 finish" in text
    outputs, stats = simulate(program, inputs, timed=False)
    assert stats is None and set(outputs) == {"C"}


@settings(max_examples=25, deadline=None)
@given(
    m=st.integers(1, 12),
    n_tiles=st.integers(1, 3),
    k_tiles=st.integers(1, 4),
    block=st.tuples(st.integers(1, 5), st.integers(1, 3), st.integers(1, 3)),
    threads=st.integers(1, 3),
    depth=st.integers(2, 4),
    epilogue=st.sampled_from([(False, None), (True, None), (True, 3), (False, 7)]),
    bandwidth=st.sampled_from([1, 4, 64]),
    seed=st.integers(0, 2**16),
)
def test_random_programs_same_outputs_timed_and_functional(
    m: int,
    n_tiles: int,
    k_tiles: int,
    block: tuple[int, int, int],
    threads: int,
    depth: int,
    epilogue: tuple[bool, int | None],
    bandwidth: int,
    seed: int,
):
    config = VTAConfig(block_in=8, block_out=8, queue_depth=depth, dram_bytes_per_cycle=bandwidth)
    relu, shift = epilogue
    n, k = 8 * n_tiles, 8 * k_tiles
    program = gemm_program(
        m, n, k, config=config, block=block, threads=threads, relu=relu, shift=shift
    )
    rng = np.random.default_rng(seed)
    a, w = rng.integers(-128, 128, (m, k)), rng.integers(-128, 128, (n, k))
    inputs = gemm_inputs(a, w, config)
    outputs, stats = run_timed(program, inputs)
    expected = a @ w.T
    if shift is not None:
        expected >>= shift
    if relu:
        expected = np.maximum(expected, 0)
    np.testing.assert_array_equal(outputs["C"], run_functional(program, inputs)["C"])
    assert (outputs["C"] == np.clip(expected, -128, 127).reshape(outputs["C"].shape)).all()
    check_accounting(program, stats)


SOUP_CONFIG = dict(block_in=8, block_out=8, inp_buffer_tiles=6, wgt_buffer_tiles=3,
                   acc_buffer_tiles=6)  # fmt: skip
SOUP_BUFFERS = (
    Buffer("I", (128,), "int8"),
    Buffer("B", (48,), "int32"),
    Buffer("O", (48,), "int8"),
    Buffer("P", (48,), "int32"),
)


@st.composite
def soup_instruction(draw: st.DrawFn) -> Instruction:
    """A random instruction on small buffers, in range, without flags."""
    kind = draw(st.sampled_from(["inp", "wgt", "acc", "gemm", "reset", "alu", "store"]))
    if kind in ("inp", "wgt", "acc"):
        scope = {"inp": INP, "wgt": WGT, "acc": ACC}[kind]
        tile = 64 if kind == "wgt" else 8
        tiles = {"inp": 6, "wgt": 3, "acc": 6}[kind]
        pads = draw(st.tuples(*[st.integers(0, 1)] * 4)) if kind == "inp" else (0, 0, 0, 0)
        y = draw(st.integers(1, 2))
        x = draw(st.integers(1, 2))
        rows, cols = pads[0] + y + pads[1], pads[2] + x + pads[3]
        assume(rows * cols <= tiles)
        stride = draw(st.integers(x * tile, 2 * x * tile))
        buffer = 1 if kind == "acc" and draw(st.booleans()) else 0
        size = SOUP_BUFFERS[buffer].size
        assume((y - 1) * stride + x * tile <= size)
        return Load(scope=scope, buffer=buffer,
                    dram_offset=draw(st.integers(0, size - (y - 1) * stride - x * tile)),
                    y_size=y, x_size=x, x_stride=stride,
                    sram_offset=draw(st.integers(0, tiles - rows * cols)),
                    pad_top=pads[0], pad_bottom=pads[1], pad_left=pads[2], pad_right=pads[3])  # fmt: skip
    if kind in ("gemm", "reset"):
        extent = draw(st.integers(1, 3))
        loops = (GemmLoop(extent, acc=draw(st.integers(0, 2)), inp=draw(st.integers(0, 2)),
                          wgt=draw(st.integers(0, 1))),)  # fmt: skip
        return Gemm(reset=kind == "reset", loops=loops,
                    acc=draw(st.integers(0, 5 - (extent - 1) * loops[0].acc)),
                    inp=draw(st.integers(0, 5 - (extent - 1) * loops[0].inp)),
                    wgt=draw(st.integers(0, 2 - (extent - 1) * loops[0].wgt)))  # fmt: skip
    if kind == "alu":
        extent = draw(st.integers(1, 3))
        loop = AluLoop(extent, dst=draw(st.integers(0, 1)), src=draw(st.integers(0, 1)))
        op = draw(st.sampled_from(["add", "max", "min", "shr", "mul"]))
        imm = draw(st.one_of(st.none(), st.integers(-9, 9)))
        return Alu(op=op, imm=imm, loops=(loop,),
                   dst=draw(st.integers(0, 5 - (extent - 1) * loop.dst)),
                   src=draw(st.integers(0, 5 - (extent - 1) * loop.src)))  # fmt: skip
    y, x = draw(st.integers(1, 2)), draw(st.integers(1, 2))
    stride = draw(st.integers(x * 8, 2 * x * 8))
    assume((y - 1) * stride + x * 8 <= 48)
    return Store(buffer=draw(st.sampled_from([2, 3])),
                 dram_offset=draw(st.integers(0, 48 - (y - 1) * stride - x * 8)),
                 y_size=y, x_size=x, x_stride=stride,
                 sram_offset=draw(st.integers(0, 6 - y * x)))  # fmt: skip


@settings(max_examples=60, deadline=None)
@given(
    body=st.lists(soup_instruction(), min_size=2, max_size=10),
    links=st.lists(st.booleans(), min_size=10, max_size=10),
    depth=st.integers(1, 3),
    bandwidth=st.sampled_from([1, 8]),
    seed=st.integers(0, 2**16),
)
def test_programs_validate_accepts_run_the_same_timed_and_functional(
    body: list[Instruction], links: list[bool], depth: int, bandwidth: int, seed: int
):
    """Random instructions, each consecutive pair on different modules ordered by a token
    or not: whenever `validate()` accepts (no race, no deadlock), the timed model computes
    exactly the functional result."""
    instructions = [*body, Finish()]
    for i in range(len(instructions) - 1):
        modules = {instructions[i].module, instructions[i + 1].module}
        if links[i] and modules != {"load", "store"}:
            instructions[i : i + 2] = serialize(instructions[i : i + 2])
    config = VTAConfig(**SOUP_CONFIG, queue_depth=depth, dram_bytes_per_cycle=bandwidth)
    program = Program(tuple(instructions), SOUP_BUFFERS, config)
    try:
        program.validate()
    except VTAProgramError:
        assume(False)
    rng = np.random.default_rng(seed)
    inputs = {"I": rng.integers(-128, 128, 128), "B": rng.integers(-(2**31), 2**31, 48)}
    outputs, stats = run_timed(program, inputs, validate=False)
    expected = run_functional(program, inputs, validate=False)
    for name in expected:
        np.testing.assert_array_equal(outputs[name], expected[name])
    check_accounting(program, stats)
