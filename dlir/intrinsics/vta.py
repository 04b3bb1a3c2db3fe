"""VTA intrinsics: the accelerator's instructions declared as `hw.intrinsic` behaviors.

Each intrinsic is one tile-level operation of the VTA-like accelerator
(`dlir/backends/vta/`), described in loop IR over its tiles so that `loop-tensorize` can
match a scheduled nest against it and `hw-inline` can run it natively. Target "vta" is
simulated: there is no implementation, `vta-codegen` (`dlir/backends/vta/lower.py`)
turns each `hw.call` into instructions. Sizes come from a `VTAConfig` (default 1x16x16):

    vta_fill_zero(acc)             acc[b, o] = 0                                (Gemm reset)
    vta_gemm(inp, wgt, acc)        acc[b, o] += inp[b, i] * wgt[o, i]   i8 x i8 -> i32
    vta_gemm_add(inp, wgt, bias, acc)   acc[b, o] += bias[b, o] + inp[b, i] * wgt[o, i]
    vta_load_inp(src, inp)         one DRAM tile -> vta.inp  (dma_copy2d; wgt, acc alike)
    vta_store(acc, dst)            dst[b, o] = clip(acc[b, o], -128, 127) as i8 (dma_copy2d)
    vta_alu_add(src, dst)          dst = dst + src on acc tiles (max, min alike)
    vta_alu_shr_imm<N>(dst)        dst = dst >> N (add, max, min, mul alike; `alu_imm`)

On-chip tiles are contiguous (`strided<[16, 1], offset: ?>` in `"vta.inp"`); DRAM tiles
any row stride (`strided<[?, 1], offset: ?>`, no memory space). The sign extension of
int8 reads is written as te stage bodies write it (`index_cast` through index: xDSL's
`arith.extsi` is not Pure, so te bodies cannot use it), so that a te GEMM's nest unifies
with `vta_gemm`. `vta.mlir` beside this file is the default library as text.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from xdsl.dialects import arith
from xdsl.dialects.builtin import (
    IndexType,
    IntegerAttr,
    IntegerType,
    MemRefType,
    NoneAttr,
    StridedLayoutAttr,
    StringAttr,
    i8,
    i32,
)
from xdsl.ir import Attribute, Block, Operation, Region, SSAValue

from dlir.backends.vta.config import ACC, DEFAULT_CONFIG, INP, WGT, VTAConfig
from dlir.dialects.hw import IntrinsicOp, ReturnOp
from dlir.dialects.loop import ForOp, LoadOp, StoreOp
from dlir.intrinsics.behavior import index_constant, insert

TARGET = "vta"

ALU_BINARY = ("add", "max", "min")
"""ALU ops between two acc tiles (`vta_alu_<op>`)."""
ALU_IMMEDIATE = ("add", "max", "min", "shr", "mul")
"""ALU ops with an immediate (`alu_imm(op, value)`)."""

_ALU_ARITH: dict[str, type[arith.SignlessIntegerBinaryOperation]] = {
    "add": arith.AddiOp,
    "max": arith.MaxSIOp,
    "min": arith.MinSIOp,
    "shr": arith.ShRSIOp,
    "mul": arith.MuliOp,
}

Body = Callable[[Block, list[SSAValue], list[SSAValue]], None]
"""Fills the innermost loop body: `(block, buffers, loop indices)`."""


def tile_type(config: VTAConfig, scope: str, element: Attribute | None = None) -> MemRefType:
    """An on-chip tile of `scope`: `memref<1x16xi8, strided<[16, 1], offset: ?>, "vta.inp">`."""
    rows, cols = config.tile_shape(scope)
    element = element or (i32 if scope == ACC else i8)
    layout = StridedLayoutAttr([cols, 1], None)
    return MemRefType(element, [rows, cols], layout, StringAttr(scope))


def dram_type(config: VTAConfig, scope: str, element: Attribute) -> MemRefType:
    """A tile of a DRAM buffer, any row stride: `memref<1x16xi8, strided<[?, 1], offset: ?>>`."""
    rows, cols = config.tile_shape(scope)
    return MemRefType(element, [rows, cols], StridedLayoutAttr([None, 1], None), NoneAttr())


def fill_zero(config: VTAConfig = DEFAULT_CONFIG) -> IntrinsicOp:
    """`acc[b, o] = 0`: VTA's gemm with the reset flag.

    hw.intrinsic @vta_fill_zero(%acc: memref<1x16xi32, strided<[16, 1], offset: ?>, "vta.acc">)
    """
    b, o = config.tile_shape(ACC)

    def body(block: Block, buffers: list[SSAValue], ivs: list[SSAValue]) -> None:
        zero = _add(block, arith.ConstantOp(IntegerAttr(0, i32)))
        insert(block, StoreOp(zero, buffers[0], ivs))

    return _intrinsic("vta_fill_zero", [tile_type(config, ACC)], [b, o], body, ["acc"])


def gemm(config: VTAConfig = DEFAULT_CONFIG) -> IntrinsicOp:
    """`acc[b, o] += inp[b, i] * wgt[o, i]`, int8 x int8 accumulated in int32.

    hw.intrinsic @vta_gemm(%inp: memref<1x16xi8, ..., "vta.inp">,
                           %wgt: memref<16x16xi8, ..., "vta.wgt">,
                           %acc: memref<1x16xi32, ..., "vta.acc">)
    """
    types = [tile_type(config, INP), tile_type(config, WGT), tile_type(config, ACC)]

    def body(block: Block, buffers: list[SSAValue], ivs: list[SSAValue]) -> None:
        inp, wgt, acc = buffers
        b, o, i = ivs
        product = _product(block, inp, wgt, b, o, i)
        old = _add(block, LoadOp(acc, [b, o]))
        insert(block, StoreOp(_add(block, arith.AddiOp(old, product)), acc, [b, o]))

    shape = [config.batch, config.block_out, config.block_in]
    return _intrinsic("vta_gemm", types, shape, body, ["inp", "wgt", "acc"])


def gemm_add(config: VTAConfig = DEFAULT_CONFIG) -> IntrinsicOp:
    """`acc[b, o] += bias[b, o] + inp[b, i] * wgt[o, i]`: a gemm fused with a bias add
    (one Alu add, then the Gemm). The bias is an acc tile.

        hw.intrinsic @vta_gemm_add(%inp, %wgt, %bias: memref<1x16xi32, ..., "vta.acc">, %acc)
    """
    acc_type = tile_type(config, ACC)
    types = [tile_type(config, INP), tile_type(config, WGT), acc_type, acc_type]
    b_, o_ = config.tile_shape(ACC)
    block = Block(arg_types=types)
    inp, wgt, bias, acc = block.args
    for buffer, hint in zip(block.args, ("inp", "wgt", "bias", "acc"), strict=True):
        buffer.name_hint = hint

    def add_bias(inner: Block, ivs: list[SSAValue]) -> None:
        b, o = ivs
        old = _add(inner, LoadOp(acc, [b, o]))
        extra = _add(inner, LoadOp(bias, [b, o]))
        insert(inner, StoreOp(_add(inner, arith.AddiOp(old, extra)), acc, [b, o]))

    def accumulate(inner: Block, ivs: list[SSAValue]) -> None:
        b, o, i = ivs
        product = _product(inner, inp, wgt, b, o, i)
        old = _add(inner, LoadOp(acc, [b, o]))
        insert(inner, StoreOp(_add(inner, arith.AddiOp(old, product)), acc, [b, o]))

    _nest(block, [b_, o_], add_bias, ("bb", "bo"))
    _nest(block, [config.batch, config.block_out, config.block_in], accumulate)
    block.add_op(ReturnOp())
    return IntrinsicOp("vta_gemm_add", types, 1, TARGET, body=Region(block))


def load(
    scope: str, config: VTAConfig = DEFAULT_CONFIG, element: Attribute | None = None
) -> IntrinsicOp:
    """A DRAM tile copied on chip (dma_copy2d): `vta_load_inp`, `vta_load_wgt`,
    `vta_load_acc` (an int32 bias; with `element = i8` `vta_load_acc_i8`, sign-extended).

        hw.intrinsic @vta_load_inp(%src: memref<1x16xi8, strided<[?, 1], offset: ?>>,
                                   %dst: memref<1x16xi8, strided<[16, 1], offset: ?>, "vta.inp">)
    """
    source_element = element or (i32 if scope == ACC else i8)
    types = [dram_type(config, scope, source_element), tile_type(config, scope)]
    widen = scope == ACC and source_element != i32

    def body(block: Block, buffers: list[SSAValue], ivs: list[SSAValue]) -> None:
        value = _add(block, LoadOp(buffers[0], ivs))
        if widen:
            value = _sign_extend(block, value)
        insert(block, StoreOp(value, buffers[1], ivs))

    suffix = "_i8" if widen else ""
    name = f"vta_load_{scope.removeprefix('vta.')}{suffix}"
    return _intrinsic(name, types, list(config.tile_shape(scope)), body, ["src", "dst"])


def store(config: VTAConfig = DEFAULT_CONFIG) -> IntrinsicOp:
    """An acc tile stored to DRAM as int8, clipped to [-128, 127] (dma_copy2d).

    hw.intrinsic @vta_store(%src: memref<1x16xi32, ..., "vta.acc">,
                            %dst: memref<1x16xi8, strided<[?, 1], offset: ?>>)
    """
    types = [tile_type(config, ACC), dram_type(config, ACC, i8)]

    def body(block: Block, buffers: list[SSAValue], ivs: list[SSAValue]) -> None:
        value = _add(block, LoadOp(buffers[0], ivs))
        low = _add(block, arith.ConstantOp(IntegerAttr(-128, i32)))
        high = _add(block, arith.ConstantOp(IntegerAttr(127, i32)))
        value = _add(block, arith.MaxSIOp(value, low))
        value = _add(block, arith.MinSIOp(value, high))
        narrow = _add(block, arith.TruncIOp(value, i8))
        insert(block, StoreOp(narrow, buffers[1], ivs))

    return _intrinsic("vta_store", types, list(config.tile_shape(ACC)), body, ["src", "dst"])


def alu(op: str, config: VTAConfig = DEFAULT_CONFIG) -> IntrinsicOp:
    """`dst = dst <op> src` on two acc tiles: `vta_alu_add`, `vta_alu_max`, `vta_alu_min`
    (the written tile last, as every intrinsic's output).

        hw.intrinsic @vta_alu_add(%src: memref<1x16xi32, ..., "vta.acc">, %dst: ...)
    """
    if op not in ALU_BINARY:
        raise ValueError(f"no ALU op '{op}' between tiles; expected one of {', '.join(ALU_BINARY)}")
    acc_type = tile_type(config, ACC)

    def body(block: Block, buffers: list[SSAValue], ivs: list[SSAValue]) -> None:
        src, dst = buffers
        old = _add(block, LoadOp(dst, ivs))
        other = _add(block, LoadOp(src, ivs))
        insert(block, StoreOp(_add(block, _ALU_ARITH[op](old, other)), dst, ivs))

    shape = list(config.tile_shape(ACC))
    return _intrinsic(f"vta_alu_{op}", [acc_type, acc_type], shape, body, ["src", "dst"])


def alu_imm(op: str, value: int, config: VTAConfig = DEFAULT_CONFIG) -> IntrinsicOp:
    """`dst = dst <op> value` on an acc tile: `vta_alu_max_imm0` (relu), `vta_alu_shr_imm8`,
    `vta_alu_min_imm_n127` (a negative immediate is spelled `n127`).

        hw.intrinsic @vta_alu_max_imm0(%dst: memref<1x16xi32, ..., "vta.acc">)
    """
    if op not in ALU_IMMEDIATE:
        raise ValueError(
            f"no ALU op '{op}' with an immediate; expected one of {', '.join(ALU_IMMEDIATE)}"
        )

    def body(block: Block, buffers: list[SSAValue], ivs: list[SSAValue]) -> None:
        old = _add(block, LoadOp(buffers[0], ivs))
        imm = _add(block, arith.ConstantOp(IntegerAttr(value, i32)))
        insert(block, StoreOp(_add(block, _ALU_ARITH[op](old, imm)), buffers[0], ivs))

    spelled = f"n{-value}" if value < 0 else str(value)
    name = f"vta_alu_{op}_imm{'_' if value < 0 else ''}{spelled}"
    shape = list(config.tile_shape(ACC))
    return _intrinsic(name, [tile_type(config, ACC)], shape, body, ["dst"])


def library(config: VTAConfig = DEFAULT_CONFIG) -> list[IntrinsicOp]:
    """The VTA intrinsics `vta.mlir` ships: fill, gemm, gemm_add, loads, store, the
    tile-tile ALU ops and relu (`vta_alu_max_imm0`)."""
    return [
        fill_zero(config),
        gemm(config),
        gemm_add(config),
        load(INP, config),
        load(WGT, config),
        load(ACC, config),
        load(ACC, config, i8),
        store(config),
        *(alu(op, config) for op in ALU_BINARY),
        alu_imm("max", 0, config),
    ]


def library_text(config: VTAConfig = DEFAULT_CONFIG) -> str:
    """The library as `.mlir` text (what `vta.mlir` holds for the default config)."""
    from xdsl.dialects.builtin import ModuleOp

    from dlir.parser import print_module

    return print_module(ModuleOp(library(config)))


SHIPPED = Path(__file__).with_name("vta.mlir")
"""The default library as text: `dl-opt` reads it like any module."""


def instruction_of(name: str) -> tuple[str, str | None, int | None] | None:
    """What an intrinsic of this library does, from its name: (kind, op or scope, imm).

    vta_gemm -> ("gemm", None, None)        vta_alu_shr_imm8 -> ("alu", "shr", 8)
    vta_load_acc_i8 -> ("load", "vta.acc", None)
    """
    if name in ("vta_fill_zero", "vta_gemm", "vta_gemm_add", "vta_store"):
        return name.removeprefix("vta_"), None, None
    if name.startswith("vta_load_"):
        scope = "vta." + name.removeprefix("vta_load_").removesuffix("_i8")
        return ("load", scope, None) if scope in (INP, WGT, ACC) else None
    if name.startswith("vta_alu_"):
        rest = name.removeprefix("vta_alu_")
        if rest in ALU_BINARY:
            return "alu", rest, None
        op, _, imm = rest.partition("_imm")
        if op in ALU_IMMEDIATE and imm:
            text = imm.removeprefix("_n")
            negative = imm.startswith("_n")
            if text.isdigit():
                return "alu", op, -int(text) if negative else int(text)
    return None


# -- building behaviors --------------------------------------------------------------------


def _intrinsic(
    name: str,
    types: Sequence[MemRefType],
    extents: Sequence[int],
    body: Body,
    buffer_names: Sequence[str] = (),
) -> IntrinsicOp:
    """An intrinsic whose behavior is one loop nest over `extents` (outermost first),
    with `body` innermost; its last buffer is its output."""
    block = Block(arg_types=types)
    buffers: list[SSAValue] = list(block.args)
    for buffer, hint in zip(buffers, buffer_names, strict=False):
        buffer.name_hint = hint
    _nest(block, extents, lambda inner, ivs: body(inner, buffers, ivs))
    block.add_op(ReturnOp())
    return IntrinsicOp(name, types, 1, TARGET, body=Region(block))


def _nest(
    block: Block,
    extents: Sequence[int],
    body: Callable[[Block, list[SSAValue]], None],
    names: Sequence[str] = ("b", "o", "i"),
) -> None:
    constants: dict[int, SSAValue] = {}

    def index(value: int) -> SSAValue:
        if value not in constants:
            constants[value] = _add(block, index_constant(value))
            constants[value].name_hint = f"c{value}"
        return constants[value]

    zero, one = index(0), index(1)
    bounds = [index(extent) for extent in extents]
    parent, ivs = block, list[SSAValue]()
    for bound, name in zip(bounds, names, strict=False):
        loop = ForOp(zero, bound, one)
        insert(parent, loop)
        parent = loop.body.block
        loop.induction_var.name_hint = name
        ivs.append(loop.induction_var)
    body(parent, ivs)


def _product(
    block: Block, inp: SSAValue, wgt: SSAValue, b: SSAValue, o: SSAValue, i: SSAValue
) -> SSAValue:
    x = _add(block, LoadOp(inp, [b, i]))
    w = _add(block, LoadOp(wgt, [o, i]))
    return _add(block, arith.MuliOp(_sign_extend(block, x), _sign_extend(block, w)))


def _sign_extend(block: Block, value: SSAValue) -> SSAValue:
    # i8 -> index -> i32, as graph-to-te writes a signed widening in stage bodies
    wide = _add(block, arith.IndexCastOp(value, IndexType()))
    return _add(block, arith.IndexCastOp(wide, IntegerType(32)))


def _add(block: Block, op: Operation) -> SSAValue:
    """Insert an op with one result; its result."""
    insert(block, op)
    return op.results[0]
