"""The functional simulator: executes a `Program` exactly on numpy arrays, in program order.

int8 x int8 products accumulate in int32 and wrap like the hardware; ALU add/mul wrap;
stores into int8 buffers clip to [-128, 127]. Inputs are given per DRAM buffer name; the
outputs are the buffers some `Store` writes.

    outputs = run_functional(program, {"A": a_packed, "W": w_packed})
    c = unpack_tiles(outputs["C"])
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from dlir.backends.vta.config import ACC, INP, WGT
from dlir.backends.vta.isa import (
    Alu,
    AluLoop,
    Finish,
    Gemm,
    GemmLoop,
    Instruction,
    Load,
    Program,
    Store,
    VTAProgramError,
)

IntArray = npt.NDArray[np.int64]
# A DRAM buffer or SRAM scope: int8 or int32.
IntBuf = npt.NDArray[np.signedinteger[Any]]


@dataclass
class Machine:
    """On-chip buffers (tiles x tile rows x tile cols) and DRAM (one flat array per buffer)."""

    program: Program
    sram: dict[str, IntBuf]
    dram: list[IntBuf]

    @staticmethod
    def create(program: Program, inputs: Mapping[str, npt.ArrayLike]) -> Machine:
        """Zeroed SRAM; DRAM from `inputs` (checked against the buffer table), zero elsewhere."""
        config = program.config
        names = {b.name for b in program.buffers}
        unknown = sorted(set(inputs) - names)
        if unknown:
            raise VTAProgramError(
                f"inputs name unknown DRAM buffers {unknown}; the program has {sorted(names)}"
            )
        read = {i.buffer for i in program.instructions if isinstance(i, Load)}
        dram: list[IntBuf] = []
        for index, buffer in enumerate(program.buffers):
            if buffer.name not in inputs:
                if index in read:
                    raise VTAProgramError(f"DRAM buffer {buffer.name} is loaded but no input given")
                dram.append(np.zeros(buffer.size, dtype=buffer.np_dtype))
                continue
            array = np.asarray(inputs[buffer.name])
            if array.shape != buffer.shape:
                raise VTAProgramError(
                    f"input {buffer.name}: expected shape {buffer.shape}, got {array.shape}"
                )
            if not np.issubdtype(array.dtype, np.integer):
                raise VTAProgramError(
                    f"input {buffer.name}: expected {buffer.dtype} values, got {array.dtype}"
                )
            info = np.iinfo(buffer.np_dtype)
            if array.size and (array.min() < info.min or array.max() > info.max):
                raise VTAProgramError(
                    f"input {buffer.name}: values outside the {buffer.dtype} range "
                    f"[{info.min}, {info.max}]"
                )
            dram.append(array.astype(buffer.np_dtype).ravel())
        sram: dict[str, IntBuf] = {
            scope: np.zeros(
                (config.buffer_tiles(scope), *config.tile_shape(scope)),
                dtype=np.int32 if scope == ACC else np.int8,
            )
            for scope in (INP, WGT, ACC)
        }
        return Machine(program, sram, dram)

    def outputs(self) -> dict[str, IntBuf]:
        """Every buffer some Store writes, in its declared shape."""
        stored = {i.buffer for i in self.program.instructions if isinstance(i, Store)}
        return {
            buffer.name: self.dram[index].reshape(buffer.shape).copy()
            for index, buffer in enumerate(self.program.buffers)
            if index in stored
        }

    def execute(self, instr: Instruction) -> None:
        """Apply one instruction's effect (its dependency flags play no part here)."""
        if isinstance(instr, Load):
            self._load(instr)
        elif isinstance(instr, Store):
            self._store(instr)
        elif isinstance(instr, Gemm):
            self._gemm(instr)
        elif isinstance(instr, Alu):
            self._alu(instr)
        elif not isinstance(instr, Finish):
            raise VTAProgramError(f"not a VTA instruction: {type(instr).__name__}")

    def _load(self, instr: Load) -> None:
        tile = self.program.config.tile_shape(instr.scope)
        sram = self.sram[instr.scope]
        block = sram[instr.sram_offset : instr.sram_offset + instr.sram_tiles]
        block = block.reshape(instr.sram_rows, instr.sram_cols, *tile)
        block[...] = 0
        source = self.dram[instr.buffer]
        row = instr.x_size * tile[0] * tile[1]
        for r in range(instr.y_size):
            start = instr.dram_offset + r * instr.x_stride
            data = source[start : start + row].reshape(instr.x_size, *tile)
            # An int8 bias loaded into the int32 accumulators is sign-extended by astype.
            block[instr.pad_top + r, instr.pad_left : instr.pad_left + instr.x_size] = data

    def _store(self, instr: Store) -> None:
        tile = self.program.config.tile_shape(ACC)
        tiles = instr.y_size * instr.x_size
        acc = self.sram[ACC][instr.sram_offset : instr.sram_offset + tiles]
        target = self.dram[instr.buffer]
        if target.dtype == np.int8:
            values = np.clip(acc, -128, 127).astype(np.int8)
        else:
            values = acc.astype(np.int32)
        rows = values.reshape(instr.y_size, instr.x_size * tile[0] * tile[1])
        for r in range(instr.y_size):
            start = instr.dram_offset + r * instr.x_stride
            target[start : start + rows.shape[1]] = rows[r]

    def _gemm(self, instr: Gemm) -> None:
        acc_idx = affine_offsets(instr.acc, instr.loops, "acc")
        acc = self.sram[ACC]
        if instr.reset:
            acc[acc_idx] = 0
            return
        inp = self.sram[INP][affine_offsets(instr.inp, instr.loops, "inp")].astype(np.int64)
        wgt = self.sram[WGT][affine_offsets(instr.wgt, instr.loops, "wgt")].astype(np.int64)
        products = np.einsum("sbi,soi->sbo", inp, wgt)
        # Addition modulo 2**32 is associative, so summing the steps that hit the same acc
        # tile in any order, then wrapping once, equals the hardware's step-by-step wrap.
        touched, slot = np.unique(acc_idx, return_inverse=True)
        total = acc[touched].astype(np.int64)
        np.add.at(total, slot, products)
        acc[touched] = wrap_int32(total)

    def _alu(self, instr: Alu) -> None:
        acc = self.sram[ACC]
        dst_idx = affine_offsets(instr.dst, instr.loops, "dst")
        src_idx = affine_offsets(instr.src, instr.loops, "src")
        unique = len(np.unique(dst_idx)) == len(dst_idx)
        independent = (
            instr.imm is not None
            or np.array_equal(src_idx, dst_idx)
            or not np.intersect1d(src_idx, dst_idx).size
        )
        if unique and independent:
            acc[dst_idx] = alu_apply(instr.op, acc[dst_idx], self._alu_rhs(instr, acc, src_idx))
            return
        # Steps read what earlier steps wrote: run them one by one, as the hardware does.
        for d, s in zip(dst_idx.tolist(), src_idx.tolist(), strict=True):
            acc[d] = alu_apply(instr.op, acc[d], self._alu_rhs(instr, acc, np.array(s)))

    @staticmethod
    def _alu_rhs(instr: Alu, acc: IntBuf, src: IntArray) -> IntArray:
        if instr.imm is not None:
            return np.array(instr.imm, dtype=np.int64)
        return acc[src].astype(np.int64)


def affine_offsets(
    base: int, loops: tuple[GemmLoop, ...] | tuple[AluLoop, ...], field: str
) -> IntArray:
    """The tile offsets `base + sum(k_l * loop_l.<field>)` of every loop point, loops[0]
    outermost, as a flat array in execution order."""
    offsets = np.array(base, dtype=np.int64)
    for level, loop in enumerate(loops):
        shape = [1] * len(loops)
        shape[level] = loop.extent
        stride: int = getattr(loop, field)
        offsets = offsets + np.arange(loop.extent, dtype=np.int64).reshape(shape) * stride
    return offsets.reshape(-1)


def wrap_int32(values: IntArray) -> npt.NDArray[np.int32]:
    """Two's-complement wrap of int64 values to int32."""
    return ((values + 2**31) % 2**32 - 2**31).astype(np.int32)


def alu_apply(op: str, lhs: npt.ArrayLike, rhs: npt.ArrayLike) -> npt.NDArray[np.int32]:
    """One ALU operation on int32 tiles: add/mul wrap, shr shifts arithmetically (a negative
    amount shifts left, wrapping; amounts saturate at 31)."""
    a = np.asarray(lhs, dtype=np.int64)
    b = np.asarray(rhs, dtype=np.int64)
    if op == "add":
        return wrap_int32(a + b)
    if op == "mul":
        return wrap_int32(a * b)
    if op == "max":
        return np.maximum(a, b).astype(np.int32)
    if op == "min":
        return np.minimum(a, b).astype(np.int32)
    if op == "shr":
        amount = np.clip(b, -31, 31)
        right = a >> np.maximum(amount, 0)
        left = wrap_int32(a << np.maximum(-amount, 0)).astype(np.int64)
        return np.where(amount >= 0, right, left).astype(np.int32)
    raise VTAProgramError(f"unknown alu op {op!r}; expected add, max, min, shr or mul")


def run_functional(
    program: Program, inputs: Mapping[str, npt.ArrayLike], *, validate: bool = True
) -> dict[str, IntBuf]:
    """Execute `program` in program order; return the stored DRAM buffers by name."""
    if validate:
        program.validate()
    machine = Machine.create(program, inputs)
    for instr in program.instructions:
        machine.execute(instr)
    return machine.outputs()
