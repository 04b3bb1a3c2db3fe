"""The op-by-op builder the micro-kernels' `llvm.func` implementations share.

    kernel = KernelEmitter()
    a0 = kernel.load(kernel.gep(a, 6, "a_k0"), f32, "a0")   # appended to kernel.ops
    kernel.flush(entry)                                      # ops -> the block, in order

Every value gets a name hint, so a printed kernel reads as its docstring. Pointers index
f32 elements; integers are i64.
"""

from __future__ import annotations

from xdsl.dialects import llvm
from xdsl.dialects.builtin import DenseArrayBase, IntegerAttr, VectorType, f32, i32, i64
from xdsl.ir import Attribute, Block, Operation, SSAValue

LANES = 8
"""f32 lanes of one AVX2 register."""


class KernelEmitter:
    """Appends llvm ops to `ops`; `flush` moves them into a block."""

    def __init__(self) -> None:
        self.ops: list[Operation] = []
        self.vector = VectorType(f32, [LANES])

    def emit(self, op: Operation, hint: str) -> SSAValue:
        self.ops.append(op)
        op.results[0].name_hint = hint
        return op.results[0]

    def const(self, value: int) -> SSAValue:
        return self.emit(llvm.ConstantOp(IntegerAttr(value, i64), i64), "cst")

    def add(self, lhs: SSAValue, rhs: SSAValue, hint: str) -> SSAValue:
        return self.emit(llvm.AddOp(lhs, rhs), hint)

    def mul(self, lhs: SSAValue, rhs: SSAValue | int, hint: str) -> SSAValue:
        """`lhs * rhs`; `lhs` itself for a constant 1."""
        if isinstance(rhs, int):
            if rhs == 1:
                return lhs
            rhs = self.const(rhs)
        return self.emit(llvm.MulOp(lhs, rhs), hint)

    def gep(self, base: SSAValue, offset: SSAValue | int, hint: str) -> SSAValue:
        """`base + offset` f32 elements; `base` itself for a constant 0."""
        if isinstance(offset, int):
            if offset == 0:
                return base
            return self.emit(llvm.GEPOp(base, [offset], f32, inbounds=True), hint)
        gep = llvm.GEPOp(base, [llvm.GEP_USE_SSA_VAL], f32, ssa_indices=[offset], inbounds=True)
        return self.emit(gep, hint)

    def load(self, ptr: SSAValue, type: Attribute, hint: str) -> SSAValue:
        return self.emit(llvm.LoadOp(ptr, type, alignment=4), hint)

    def prefetch(self, pointer: SSAValue) -> None:
        # llvm.prefetch(ptr, read = 0, locality = 3 (keep in all levels), data cache = 1)
        flags = [self.emit(llvm.ConstantOp(IntegerAttr(x, i32), i32), "pf") for x in (0, 3, 1)]
        self.ops.append(llvm.CallIntrinsicOp("llvm.prefetch.p0", [pointer, *flags], []))

    def broadcast(self, scalar: SSAValue, hint: str) -> SSAValue:
        # %v = vector<8xf32> with every lane %s: insertelement at 0, then a zero shuffle
        # mask (LLVM selects vbroadcastss from memory)
        undef = self.emit(llvm.UndefOp(self.vector), "undef")
        zero = self.emit(llvm.ConstantOp(IntegerAttr(0, i32), i32), "lane0")
        inserted = self.emit(llvm.InsertElementOp(undef, scalar, zero), hint)
        mask = DenseArrayBase.from_list(i32, [0] * LANES)
        return self.emit(llvm.ShuffleVectorOp(inserted, undef, mask, self.vector), hint)

    def flush(self, block: Block) -> None:
        block.add_ops(self.ops)
        self.ops = []
