"""The VTA instruction set: listing, packing, and `validate()` errors naming the instruction."""

from __future__ import annotations

import textwrap

import numpy as np
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
    Instruction,
    Load,
    Program,
    Store,
    VTAConfig,
    VTAProgramError,
    pack_tiles,
    unpack_tiles,
)
from dlir.backends.vta.programs import gemm_program, serialize

BUFFERS = (
    Buffer("A", (4, 16), "int8"),
    Buffer("W", (2, 16, 16), "int8"),
    Buffer("C", (4, 32), "int8"),
    Buffer("B", (1, 16), "int32"),
)


def program(*instructions: Instruction, config: VTAConfig | None = None) -> Program:
    return Program(tuple(instructions), BUFFERS, config or VTAConfig())


def load_a(
    *,
    dram_offset: int = 0,
    y_size: int = 1,
    x_size: int = 1,
    x_stride: int = 16,
    sram_offset: int = 0,
    buffer: int = 0,
    pop_prev: bool = False,
    pop_next: bool = False,
    push_next: bool = False,
) -> Load:
    """A load of A's tiles into vta.inp."""
    return Load(
        scope=INP,
        buffer=buffer,
        dram_offset=dram_offset,
        y_size=y_size,
        x_size=x_size,
        x_stride=x_stride,
        sram_offset=sram_offset,
        pop_prev=pop_prev,
        pop_next=pop_next,
        push_next=push_next,
    )


def test_modules_and_queues_follow_vta():
    assert load_a().module == "load"
    assert Load(scope=ACC, buffer=0, dram_offset=0, y_size=1, x_size=1, x_stride=0,
                sram_offset=0).module == "compute"  # fmt: skip
    assert Gemm(pop_prev=True, pop_next=True).pops() == ("load->compute", "store->compute")
    assert Gemm(push_prev=True, push_next=True).pushes() == ("compute->load", "compute->store")
    assert load_a(pop_next=True, push_next=True).pops() == ("compute->load",)
    assert Store(buffer=2, dram_offset=0, y_size=1, x_size=1, x_stride=0, sram_offset=0,
                 push_prev=True).pushes() == ("store->compute",)  # fmt: skip


def test_listing_is_one_line_per_instruction():
    text = str(gemm_program(16, 32, 32, block=(16, 2, 2), threads=2, relu=True))
    lines = text.splitlines()
    assert lines[0].split()[:2] == ["0", "gemm"] and "reset acc[0] (32: acc+1)" in lines[0]
    assert "load    vta.inp[0] <- A[0]  16x2 tiles, stride 32" in lines[1]
    assert lines[2].endswith("; push_next")
    assert (
        "gemm    acc[0] inp[0] wgt[0] (16: acc+2 inp+2) (2: acc+1 wgt+2) (2: inp+1 wgt+1)"
        in lines[3]
    )
    assert "alu     max acc[0], #0 (32: dst+1)" in text
    assert lines[-1].split()[1] == "finish" and lines[-1].endswith("; pop_next")


def test_pack_tiles_round_trips_and_makes_tiles_contiguous():
    matrix = np.arange(32 * 48).reshape(32, 48)
    packed = pack_tiles(matrix, 16, 16)
    assert packed.shape == (2, 3, 16, 16)
    np.testing.assert_array_equal(packed[1, 2], matrix[16:32, 32:48])
    np.testing.assert_array_equal(unpack_tiles(packed), matrix)
    with pytest.raises(ValueError, match="not a multiple of the 16x16 tile"):
        pack_tiles(np.zeros((20, 16)), 16, 16)


def test_config_tiles_and_8x8():
    config = VTAConfig(block_in=8, block_out=8)
    assert config.tile_shape(INP) == (1, 8) and config.tile_shape(WGT) == (8, 8)
    assert config.sram_bytes_per_tile(ACC) == 32
    with pytest.raises(ValueError, match="block_in must be >= 1"):
        VTAConfig(block_in=0)
    with pytest.raises(ValueError, match=r"unknown memory scope 'vta\.out'"):
        config.tile_elems("vta.out")


def test_valid_program_passes():
    serial = serialize([load_a(), Gemm(reset=True), Gemm(), Finish()])
    program(*serial).validate()
    gemm_program(64, 64, 64, threads=2).validate()


@pytest.mark.parametrize(
    ("instructions", "message"),
    [
        (
            [load_a(sram_offset=2047, x_size=2, x_stride=32), Finish()],
            r"#0 load \(load\): vta.inp tiles \[2047, 2049\) exceed the buffer's 2048 tiles",
        ),
        (
            [load_a(dram_offset=40, y_size=2), Finish()],
            r"#0 load \(load\): DRAM elements \[40, 72\) exceed buffer A of 64 elements",
        ),
        (
            [Gemm(acc=2040, loops=(GemmLoop(3, acc=4),)), Finish()],
            r"#0 gemm \(compute\): vta.acc tiles \[2040, 2049\) exceed",
        ),
        (
            [Gemm(inp=5, loops=(GemmLoop(3, inp=-3),)), Finish()],
            r"vta.inp tiles \[-1, 6\) exceed",
        ),
        (
            [
                Store(buffer=2, dram_offset=0, y_size=2, x_size=2, x_stride=16, sram_offset=0),
                Finish(),
            ],
            r"#0 store \(store\): stored rows overlap: x_stride 16 < row of 32 elements",
        ),
        (
            [
                Load(
                    scope=WGT,
                    buffer=3,
                    dram_offset=0,
                    y_size=1,
                    x_size=1,
                    x_stride=0,
                    sram_offset=0,
                ),
                Finish(),
            ],
            r"vta.wgt loads int8 data, but buffer B is int32",
        ),
        ([load_a(buffer=7), Finish()], r"DRAM buffer id 7 out of range; the program has 4"),
        ([load_a(pop_prev=True), Finish()], r"flag pop_prev is illegal on the load module"),
        ([Gemm()], r"#0 gemm \(compute\): the program must end with exactly one Finish"),
        ([Finish(), Finish()], r"#0 .*found one before the end"),
        ([Alu(op="div"), Finish()], r"unknown alu op 'div'; expected one of add, max, min"),
        ([Alu(op="add", imm=2**31), Finish()], r"immediate 2147483648 does not fit in int32"),
        (
            [Gemm(loops=(GemmLoop(1), GemmLoop(1), GemmLoop(1), GemmLoop(1))), Finish()],
            r"4 loop levels, the hardware has 3",
        ),
        (
            [load_a(), Gemm(pop_prev=True), Finish()],
            r"#1 gemm \(compute\): pops load->compute, but no earlier instruction pushed",
        ),
        (
            [Gemm(pop_prev=True), load_a(push_next=True), Finish()],
            r"#0 gemm \(compute\): pops load->compute.*\(unmatched pop\)",
        ),
        (
            [load_a(push_next=True), Finish()],
            r"#0 load \(load\): pushes load->compute, but no later instruction pops it",
        ),
        (
            [load_a(), Gemm(), Finish()],
            r"#1 gemm \(compute\) reads vta.inp tile 0 written by #0 load \(load\) with no "
            r"dependency token ordering them \(a race\)",
        ),
        (
            # The gemm reads tile 0 under a token, but the second load overwrites it unordered.
            [load_a(push_next=True), Gemm(pop_prev=True), load_a(), Finish()],
            r"#2 load \(load\) writes vta.inp tile 0 read by #1 gemm \(compute\)",
        ),
        (
            [
                Gemm(reset=True),
                Store(buffer=2, dram_offset=0, y_size=1, x_size=1, x_stride=16, sram_offset=0),
                Finish(),
            ],
            r"#1 store \(store\) reads vta.acc tile 0 written by #0 gemm \(compute\)",
        ),
    ],
)
def test_validate_errors(instructions: list[Instruction], message: str):
    with pytest.raises(VTAProgramError, match=message):
        program(*instructions).validate()


def test_deadlock_from_full_queues_names_each_stalled_module():
    # c2l and l2c of depth 1: load blocks pushing its second token until compute pops,
    # and compute cannot start #3 (pop l2c, push c2l) while c2l is full.
    instructions = [
        Alu(op="add", dst=5, imm=1, push_prev=True),
        load_a(push_next=True),
        load_a(sram_offset=1, push_next=True),
        Gemm(pop_prev=True, push_prev=True),
        Gemm(inp=1, acc=1, pop_prev=True),
        load_a(sram_offset=2, pop_next=True),
        load_a(sram_offset=3, pop_next=True),
        Finish(),
    ]
    program(*instructions).validate()  # depth 8: fine
    with pytest.raises(
        VTAProgramError,
        match=r"deadlock with queue depth 1: load stalls at #2 \(load->compute full\), "
        r"compute stalls at #3 \(compute->load full\)",
    ):
        program(*instructions, config=VTAConfig(queue_depth=1)).validate()


def test_serialize_refuses_adjacent_load_and_store():
    store = Store(buffer=2, dram_offset=0, y_size=1, x_size=1, x_stride=16, sram_offset=0)
    with pytest.raises(ValueError, match="#0 \\(load\\) and #1 \\(store\\) share no token queue"):
        serialize([load_a(), store, Finish()])
    alu = Alu(op="max", dst=0, imm=0, loops=(AluLoop(1),))
    flags = [i.flags() for i in serialize([load_a(), alu, store, Finish()])]
    assert flags == [("push_next",), ("pop_prev", "push_next"), ("pop_prev", "push_prev"),
                     ("pop_next",)]  # fmt: skip


def test_module_docstring_example_lists_as_documented():
    import dlir.backends.vta.isa as isa

    doc = isa.__doc__ or ""
    code = doc[doc.index("    program = Program(") : doc.index("    program.validate()")]
    namespace = dict(vars(isa))
    exec(textwrap.dedent(code), namespace)
    built = namespace["program"]
    assert isinstance(built, Program)
    built.validate()
    listing = doc[doc.index("    print(program)\n") :].splitlines()[1:]
    documented = [line[4:] for line in listing if line.strip()]
    assert str(built).splitlines() == documented
