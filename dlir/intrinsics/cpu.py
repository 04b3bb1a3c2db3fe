"""x86 AVX2 + FMA intrinsics: the register-blocked GEMM micro-kernel.

    gemm = gemm_microkernel(kc=256)           # 6 x 16 tile, packed A and B panels
    gemm.op                                   # hw.intrinsic @gemm_6x16_k256_packed_packed
    gemm.implementation                       # llvm.func @gemm_6x16_k256_packed_packed_avx2

The behavior is `C[i, j] += A[i, k] * B[k, j]` over an `mr x nr` tile of C (any row stride)
and `kc` steps of k. The implementation keeps the tile in `mr * nr / 8` vector registers
(12 for 6 x 16), and per k loads `nr / 8` vectors of B, broadcasts `mr` values of A and
issues `mr * nr / 8` independent FMAs (`llvm.intr.fma` on `vector<8xf32>`), the k loop an
LLVM CFG loop unrolled `unroll` times:

    ^entry:            prefetch C + r * ldc (each row's first and last element); acc = 0
    ^loop(k, acc...):  b[v] = load <8 x f32> B(k) + 8 v
                       a = broadcast (load f32 A(r, k)) ; acc[r][v] = fma(a, b[v], acc[r][v])
                       cond_br (k + 1 < kc), ^loop(k + 1, acc...), ^done(acc...)
    ^done(acc...):     store (load C + r * ldc + 8 v) + acc[r][v] -> C + r * ldc + 8 v

C is read only after the k loop, by when the prefetches have brought its lines to L1: a
tile of a large C (rows 4 KiB apart) would otherwise stall the first FMAs on 6 misses per
call.

Panel layouts (`a_layout`, `b_layout`):

* A "packed": `memref<kc x mr>` read as `A[k, i]`, strides `[mr, 1]`: the `mr` values of A
  one k step needs are contiguous (te-to-loop's `Ap[i / 6, k, i % 6]`, sliced at one io);
  "strided": `memref<mr x kc, strided<[?, 1]>>` read as `A[i, k]` (rows of a row-major A).
* B "packed": `memref<kc x nr>`, strides `[nr, 1]` (te-to-loop's `Bp[j / 16, k, j % 16]`);
  "strided": `memref<kc x nr, strided<[?, 1]>>` (a column panel of a row-major B).
* C: `memref<mr x nr, strided<[?, 1]>>` always.

Every buffer type has `offset: ?`: an `hw.call` passes views whose first element is
anywhere in their source. The implementation's ABI is the `hw` dialect's: one pointer per
buffer, then one i64 per dynamic stride (the strided panels' row strides, then ldc).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property

from xdsl.dialects import llvm
from xdsl.dialects.builtin import (
    ArrayAttr,
    DenseIntOrFPElementsAttr,
    DictionaryAttr,
    IntegerAttr,
    MemRefType,
    StridedLayoutAttr,
    UnitAttr,
    f32,
    i64,
)
from xdsl.ir import Attribute, Block, Operation, Region, SSAValue

from dlir.dialects.hw import IntrinsicOp, ReturnOp
from dlir.dialects.loop import ForOp, LoadOp
from dlir.intrinsics.behavior import index_constant, insert, multiply_accumulate
from dlir.intrinsics.emitter import LANES, KernelEmitter

TARGET = "x86-avx2-fma"
FEATURES = ("avx2", "fma")
MAX_ACCUMULATORS = 12
"""Accumulator registers a tile may take: AVX2 has 16 ymm registers, and one k step also
needs the B vectors and one broadcast of A."""
LAYOUTS = ("packed", "strided")
SLT = 2  # llvm.icmp "slt"


class IntrinsicError(ValueError):
    """Parameters no intrinsic can be built for (says which and what is accepted)."""


@dataclass(frozen=True)
class Intrinsic:
    """An `hw.intrinsic` and the `llvm.func` implementing it, ready to add to a module.
    The implementation (a thousand ops for a conv kernel) is built when first asked for:
    `declare` does not build it for a module that already has the intrinsic."""

    op: IntrinsicOp
    build_implementation: Callable[[], llvm.FuncOp] | None

    @property
    def name(self) -> str:
        return self.op.sym_name.data

    @cached_property
    def implementation(self) -> llvm.FuncOp | None:
        return None if self.build_implementation is None else self.build_implementation()

    def ops(self) -> list[Operation]:
        """The module-level ops to add: the intrinsic, then its implementation."""
        return [self.op] if self.implementation is None else [self.op, self.implementation]


def panel_types(
    mr: int, nr: int, kc: int, a_layout: str, b_layout: str
) -> tuple[MemRefType, MemRefType, MemRefType]:
    """The behavior's buffer types A, B, C for these tile sizes and panel layouts."""

    def view(shape: Sequence[int], strides: Sequence[int | None]) -> MemRefType:
        return MemRefType(f32, shape, StridedLayoutAttr(strides, None))

    a = view([kc, mr], [mr, 1]) if a_layout == "packed" else view([mr, kc], [None, 1])
    b = view([kc, nr], [nr, 1]) if b_layout == "packed" else view([kc, nr], [None, 1])
    return a, b, view([mr, nr], [None, 1])


def gemm_microkernel(
    *,
    mr: int = 6,
    nr: int = 16,
    kc: int,
    a_layout: str = "packed",
    b_layout: str = "packed",
    unroll: int = 4,
) -> Intrinsic:
    """The `mr x nr` f32 GEMM micro-kernel over `kc` steps of k (see the module docstring).
    The name spells the contract (tile, kc, layouts); `unroll` only shapes the
    implementation, so a module keeps the first one declared under a name.

    hw.intrinsic @gemm_6x16_k256_packed_packed(%a: memref<256x6xf32, strided<[6, 1], offset: ?>>,
        %b: memref<256x16xf32, strided<[16, 1], offset: ?>>, %c: memref<6x16xf32, strided<[?, 1], offset: ?>>)
        attributes {features = ["avx2", "fma"], implementation = @gemm_6x16_k256_packed_packed_avx2, ...}
    """
    if mr < 1 or nr < LANES or nr % LANES:
        raise IntrinsicError(
            f"gemm micro-kernel {mr}x{nr}: expected mr >= 1 and nr a multiple of {LANES}"
        )
    if mr * (nr // LANES) > MAX_ACCUMULATORS:
        raise IntrinsicError(
            f"gemm micro-kernel {mr}x{nr} needs {mr * (nr // LANES)} accumulator registers; "
            f"at most {MAX_ACCUMULATORS} fit in AVX2's 16 (e.g. 6x16, 4x24, 12x8)"
        )
    if kc < 1:
        raise IntrinsicError(f"gemm micro-kernel: kc must be at least 1, found {kc}")
    for what, layout in (("a_layout", a_layout), ("b_layout", b_layout)):
        if layout not in LAYOUTS:
            raise IntrinsicError(f"{what} '{layout}' is unknown: expected one of {LAYOUTS}")
    if unroll < 1:
        raise IntrinsicError(f"unroll must be at least 1, found {unroll}")
    name = f"gemm_{mr}x{nr}_k{kc}_{a_layout}_{b_layout}"
    types = panel_types(mr, nr, kc, a_layout, b_layout)
    impl_name = f"{name}_avx2"
    op = IntrinsicOp(
        name,
        types,
        1,
        TARGET,
        features=FEATURES,
        implementation=impl_name,
        body=_behavior(types, mr, nr, kc, a_layout),
    )
    kernel = _Kernel(mr, nr, kc, a_layout == "packed", b_layout == "packed", min(unroll, kc))
    return Intrinsic(op, lambda: kernel.function(impl_name))


def _behavior(
    types: tuple[MemRefType, MemRefType, MemRefType], mr: int, nr: int, kc: int, a_layout: str
) -> Region:
    """Loop IR of `C[i, j] += A[i, k] * B[k, j]`: loops i, j, k, one multiply-add each."""
    block = Block(arg_types=types)
    a, b, c = block.args
    for arg, hint in zip(block.args, "abc", strict=True):
        arg.name_hint = hint
    zero, one = index_constant(0), index_constant(1)
    bounds = [index_constant(n) for n in (mr, nr, kc)]
    for op, hint in zip([zero, one, *bounds], ["c0", "c1", "mr", "nr", "kc"], strict=True):
        op.result.name_hint = hint
    block.add_ops([zero, one, *bounds])
    parent, ivs = block, list[SSAValue]()
    for bound in bounds:
        loop = ForOp(zero, bound, one)
        insert(parent, loop)
        parent = loop.body.block
        ivs.append(parent.args[0])
    for iv, hint in zip(ivs, "ijk", strict=True):
        iv.name_hint = hint
    i, j, k = ivs
    lhs = LoadOp(a, [k, i] if a_layout == "packed" else [i, k])
    multiply_accumulate(parent, lhs, LoadOp(b, [k, j]), c, [i, j])
    block.add_op(ReturnOp())
    return Region(block)


class _Kernel(KernelEmitter):
    """Builds the llvm.func of one micro-kernel: blocks `entry`, `loop`, `done`."""

    def __init__(
        self, mr: int, nr: int, kc: int, a_packed: bool, b_packed: bool, unroll: int
    ) -> None:
        super().__init__()
        self.mr, self.nr, self.kc = mr, nr, kc
        self.a_packed, self.b_packed = a_packed, b_packed
        self.unroll = unroll
        self.vectors = nr // LANES

    # --- the function ----------------------------------------------------------------

    def function(self, name: str) -> llvm.FuncOp:
        ptr = llvm.LLVMPointerType()
        strides = [not self.a_packed, not self.b_packed, True]
        inputs: list[Attribute] = [ptr, ptr, ptr, *([i64] * sum(strides))]
        entry = Block(arg_types=inputs)
        a, b, c = entry.args[:3]
        dynamic = iter(entry.args[3:])
        lda = next(dynamic) if strides[0] else None
        ldb = next(dynamic) if strides[1] else None
        ldc = next(dynamic)
        count = self.mr * self.vectors
        loop = Block(arg_types=[i64] + [self.vector] * count)
        done = Block(arg_types=[self.vector] * count)
        names = [f"acc{r}{v}" for r in range(self.mr) for v in range(self.vectors)]
        for arg, hint in zip(
            entry.args, ["a", "b", "c", *self._stride_names(strides)], strict=True
        ):
            arg.name_hint = hint
        for arg, hint in zip(loop.args, ["k", *names], strict=True):
            arg.name_hint = hint
        for arg, hint in zip(done.args, names, strict=True):
            arg.name_hint = hint

        # ^entry: the tile's row pointers, prefetched (C is read only after the k loop,
        # by then in L1), and the accumulators zeroed
        rows = [self.gep(c, self.mul(ldc, self.const(r), "c_off"), f"c{r}") for r in range(self.mr)]
        for r, row in enumerate(rows):
            # the row's first and last element: its one or two cache lines
            for offset in (0, self.nr - 1):
                self.prefetch(self.gep(row, offset, f"c{r}_{offset}"))
        splat = DenseIntOrFPElementsAttr.from_list(self.vector, [0.0] * LANES)
        zero = self.emit(llvm.ConstantOp(splat, self.vector), "zero")
        accs = [zero] * count
        a_rows = (
            [self.gep(a, self.mul(lda, self.const(r), "a_off"), f"a{r}") for r in range(self.mr)]
            if lda is not None
            else []
        )
        steps, rest = divmod(self.kc, self.unroll)
        start = self.const(0)
        if steps:
            self.ops.append(llvm.BrOp(loop, start, *accs))
        else:
            self.ops.append(llvm.BrOp(done, *accs))
        self.flush(entry)

        # ^loop(k, accs): `unroll` steps of k, then the back edge
        if steps:
            k, carried = loop.args[0], list[SSAValue](loop.args[1:])
            for step in range(self.unroll):
                index = self.add(k, self.const(step), "k") if step else k
                carried = self._step(index, carried, a, b, a_rows, ldb)
            next_k = self.add(k, self.const(self.unroll), "k_next")
            bound = self.const(steps * self.unroll)
            more = self.emit(llvm.ICmpOp(next_k, bound, IntegerAttr(SLT, i64)), "more")
            self.ops.append(llvm.CondBrOp(more, loop, [next_k, *carried], done, carried))
            self.flush(loop)

        # ^done(accs): the last kc % unroll steps, then the tile back to C
        carried = list[SSAValue](done.args)
        for step in range(rest):
            carried = self._step(self.const(steps * self.unroll + step), carried, a, b, a_rows, ldb)
        for index, acc in enumerate(carried):
            row, v = divmod(index, self.vectors)
            pointer = self.gep(rows[row], v * LANES, f"c{row}_{v}")
            tile = self.load(pointer, self.vector, f"c{row}{v}")
            total = self.emit(llvm.FAddOp(tile, acc), f"sum{row}{v}")
            self.ops.append(llvm.StoreOp(total, pointer, alignment=4))
        self.ops.append(llvm.ReturnOp())
        self.flush(done)

        blocks = [entry, loop, done] if steps else [entry, done]
        noalias = DictionaryAttr({"llvm.noalias": UnitAttr()})
        arg_attrs = ArrayAttr(
            [DictionaryAttr({})] * 2 + [noalias] + [DictionaryAttr({})] * sum(strides)
        )
        return llvm.FuncOp(
            name,
            llvm.LLVMFunctionType(inputs),
            linkage=llvm.LinkageAttr("internal"),
            body=Region(blocks),
            other_props={"arg_attrs": arg_attrs},
        )

    @staticmethod
    def _stride_names(strides: list[bool]) -> list[str]:
        return [
            name for name, dynamic in zip(("lda", "ldb", "ldc"), strides, strict=True) if dynamic
        ]

    def _step(
        self,
        k: SSAValue,
        accs: list[SSAValue],
        a: SSAValue,
        b: SSAValue,
        a_rows: list[SSAValue],
        ldb: SSAValue | None,
    ) -> list[SSAValue]:
        """One k step: load B's row of the panel, then per row of A one broadcast and FMAs."""
        if ldb is None:
            b_row = self.gep(b, self.mul(k, self.const(self.nr), "b_off"), "b_k")
        else:
            b_row = self.gep(b, self.mul(k, ldb, "b_off"), "b_k")
        bs = [
            self.load(self.gep(b_row, v * LANES, f"b_k{v}"), self.vector, f"b{v}")
            for v in range(self.vectors)
        ]
        # packed A: the mr values of this k are contiguous; strided A: one per row pointer
        a_col = self.gep(a, self.mul(k, self.const(self.mr), "a_off"), "a_k")
        new: list[SSAValue] = []
        for r in range(self.mr):
            if self.a_packed:
                scalar = self.load(self.gep(a_col, r, f"a_k{r}"), f32, f"a{r}")
            else:
                scalar = self.load(self.gep(a_rows[r], k, f"a_k{r}"), f32, f"a{r}")
            splat = self.broadcast(scalar, f"a{r}_splat")
            for v in range(self.vectors):
                acc = accs[r * self.vectors + v]
                new.append(self.emit(llvm.FMAOp(splat, bs[v], acc), f"acc{r}{v}"))
        return new
