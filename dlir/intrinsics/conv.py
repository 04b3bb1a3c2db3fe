"""x86 AVX2 + FMA intrinsics: the register-blocked NCHWc convolution micro-kernel.

    conv = conv2d_nchwc_microkernel(columns=56, channels=64)   # 3x3, stride 1, NCHW16c
    conv.op               # hw.intrinsic @conv_nchwc_56x16_c4x16_k3x3_s1_o16
    conv.implementation   # llvm.func @conv_nchwc_56x16_c4x16_k3x3_s1_o16_avx2

The behavior is an output row `O[x, co]` (`columns` x `nr` channels, any row stride)
accumulating a window of input channel blocks and kernel taps:

    O[x, co] += sum over cb, ry, rx, ci of I[cb, ry, x * stride + rx, ci] * W[cb, ry, rx, ci, co]

    I: an NCHW[ci]c input window (channel blocks, rows, columns of `block` channels)
    W: OIHW[ci]i[ob]o weights at one output block (`graph.conv2d_nchwc`'s; the conv
       rules pack NCHW convs' weights so), `nr` of its `ob` output channels

The implementation walks the row in register tiles of `register_columns` columns (6 for
16 channels: 12 `vector<8xf32>` accumulators), the last ones narrower when they do not
divide the row (never under 4 columns when the row is wider). A tile stays in registers
across the whole reduction: the channel blocks and taps are one LLVM CFG loop (`r` over
cb x kh x kw, decomposed by constant divisions), the block's channels unrolled; per
channel it loads `nr / 8` weight vectors, broadcasts one input per column and issues the
independent `llvm.intr.fma`s:

    ^tile(xb):         acc[x][v] = load <8 x f32> O + (xb * 6 + x) * ldo + 8 v
    ^loop(r, acc...):  i = I + cb(r) * s0 + ry(r) * s1 + rx(r) * block ; w = W + r * block * ob
                       per ci: w[v] = load <8 x f32> w + ci * ob + 8 v
                               a = broadcast (load f32 i + (xb * 6 + x) * stride * block + ci)
                               acc[x][v] = fma(a, w[v], acc[x][v])
                       cond_br (r + 1 < cb * kh * kw), ^loop(r + 1, acc...), ^store(acc...)
    ^store(acc...):    store acc[x][v] -> O + ... ; cond_br (xb + 1 < 8), ^tile(xb + 1), ^tile4(0)
    ^tile4(xb), ...:   the same for the narrower tiles that end the row (`tile_plan`:
                       56 = 8 x 6 + 2 x 4), one loop per width

The ABI is the `hw` dialect's: one pointer per buffer (I, W, O), then one i64 per dynamic
stride: I's channel-block and row strides (s0, s1), then O's row stride (ldo).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from xdsl.dialects import llvm
from xdsl.dialects.builtin import (
    ArrayAttr,
    DictionaryAttr,
    IntegerAttr,
    MemRefType,
    StridedLayoutAttr,
    UnitAttr,
    f32,
    i64,
)
from xdsl.ir import Attribute, Block, Region, SSAValue

from dlir.dialects.hw import IntrinsicOp, ReturnOp
from dlir.dialects.loop import ForOp, LoadOp
from dlir.dialects.loop.access import IndexExpr
from dlir.intrinsics.behavior import index_constant, insert, multiply_accumulate
from dlir.intrinsics.cpu import FEATURES, LANES, TARGET, Intrinsic, IntrinsicError
from dlir.intrinsics.emitter import KernelEmitter

BLOCKS = (8, 16)
"""Input channel blocks an NCHWc input may have (8: one vector, 16: two)."""
MAX_ACCUMULATORS = 12
"""Accumulator registers a register tile may take: AVX2 has 16 ymm registers, and a step
also needs the weight vectors and one broadcast input (14 accumulators measured spilling)."""
SLT = 2  # llvm.icmp "slt"


def conv2d_nchwc_microkernel(
    *,
    columns: int,
    nr: int = 16,
    channels: int,
    kh: int = 3,
    kw: int = 3,
    stride: int = 1,
    block: int = 16,
    ob: int | None = None,
    register_columns: int | None = None,
) -> Intrinsic:
    """The f32 NCHWc convolution micro-kernel of `columns` output columns x `nr` channels
    summing `channels` input channels (blocks of `block`) over `kh x kw` taps, from
    weights whose output block is `ob` (default `nr`); see the module docstring. The
    name spells the contract; `register_columns` (default 6 for 16 channels, 12 for 8)
    only shapes the implementation, so a module keeps the first one declared under a name.

    hw.intrinsic @conv_nchwc_56x16_c4x16_k3x3_s1_o16(
        %i: memref<4x3x58x16xf32, strided<[?, ?, 16, 1], offset: ?>>,
        %w: memref<4x3x3x16x16xf32, strided<[2304, 768, 256, 16, 1], offset: ?>>,
        %o: memref<56x16xf32, strided<[?, 1], offset: ?>>) attributes {...}
    """
    ob = nr if ob is None else ob
    if columns < 1 or nr < LANES or nr % LANES:
        raise IntrinsicError(
            f"conv micro-kernel {columns}x{nr}: expected columns >= 1 and nr a multiple of {LANES}"
        )
    vectors = nr // LANES
    rb = register_columns or max(1, MAX_ACCUMULATORS // vectors)
    if rb < 1 or rb * vectors > MAX_ACCUMULATORS:
        raise IntrinsicError(
            f"a register tile of {rb} columns x {nr} channels needs {rb * vectors} "
            f"accumulator registers; 1 to {MAX_ACCUMULATORS} fit in AVX2's 16 "
            "(e.g. 6 x 16, 12 x 8)"
        )
    if min(kh, kw, stride, channels) < 1:
        raise IntrinsicError(
            f"conv micro-kernel: kernel {kh}x{kw}, stride {stride} and {channels} channels "
            "must all be at least 1"
        )
    if ob < nr or ob % nr:
        raise IntrinsicError(f"the weights' output block {ob} is not a multiple of nr = {nr}")
    if block not in BLOCKS or channels % block:
        raise IntrinsicError(
            f"an NCHWc input block must be one of {BLOCKS} and divide the {channels} "
            f"channels, found {block}"
        )
    cb = channels // block
    name = intrinsic_name(columns, nr, channels, kh, kw, stride, block, ob)
    span = (columns - 1) * stride + kw
    w_strides = [kh * kw * block * ob, kw * block * ob, block * ob, ob, 1]
    types = (
        _view([cb, kh, span, block], [None, None, block, 1]),
        _view([cb, kh, kw, block, nr], w_strides),
        _view([columns, nr], [None, 1]),
    )
    op = IntrinsicOp(
        name,
        types,
        1,
        TARGET,
        features=FEATURES,
        implementation=f"{name}_avx2",
        body=_behavior(types, stride),
    )
    kernel = _Kernel(columns, nr, rb, stride, _Walk(cb, kh, kw, block, ob))
    return Intrinsic(op, lambda: kernel.function(f"{name}_avx2"))


def intrinsic_name(
    columns: int, nr: int, channels: int, kh: int, kw: int, stride: int, block: int, ob: int
) -> str:
    """The name `conv2d_nchwc_microkernel` gives its intrinsic for these parameters."""
    return f"conv_nchwc_{columns}x{nr}_c{channels // block}x{block}_k{kh}x{kw}_s{stride}_o{ob}"


@dataclass(frozen=True)
class _Walk:
    """The reduction the implementation walks: a CFG loop over `cb x kh x kw` (block,
    tap), the `block` channels of each unrolled, the weights of an iteration `block x
    ob` consecutive values."""

    cb: int
    kh: int
    kw: int
    block: int
    ob: int


TAIL_COLUMNS = 4
"""The narrowest register tile worth its own code: fewer columns than this leave FMA
latency exposed (2 x 16 is 4 independent accumulators), so a short remainder is merged
with the last full tile and the two split evenly (56 = 8 x 6 + 4 + 4, not 9 x 6 + 2)."""


def tile_plan(columns: int, rb: int) -> list[tuple[int, int]]:
    """The register tiles of a row, as `(count, width)` groups in order: `rb`-column
    tiles, then the narrower ones (each group one loop of the implementation).

        tile_plan(56, 6) == [(8, 6), (2, 4)]      tile_plan(13, 6) == [(1, 6), (1, 4), (1, 3)]
    """
    full, rest = divmod(columns, rb)
    if rest and full > 0 and rest < min(TAIL_COLUMNS, rb):
        full, rest = full - 1, rest + rb
        tails = [rest - rest // 2, rest // 2]
    else:
        tails = [rest]
    groups = [(full, rb)] if full else []
    if len(tails) == 2 and tails[0] == tails[1]:
        groups.append((2, tails[0]))
    else:
        groups += [(1, width) for width in tails if width]
    return groups


def _view(shape: Sequence[int], strides: Sequence[int | None]) -> MemRefType:
    return MemRefType(f32, shape, StridedLayoutAttr(strides, None))


def _behavior(types: tuple[MemRefType, MemRefType, MemRefType], stride: int) -> Region:
    """Loop IR of the sum: loops x, co, then the reduction cb, ry, rx, ci."""
    block = Block(arg_types=types)
    i_buf, w_buf, o_buf = block.args
    for arg, hint in zip(block.args, "iwo", strict=True):
        arg.name_hint = hint
    o_type = types[2]
    columns, nr = o_type.get_shape()
    w_shape = types[1].get_shape()
    names = ["x", "co", "cb", "ry", "rx", "ci"]
    extents = [columns, nr, *w_shape[:-1]]
    zero, one = index_constant(0), index_constant(1)
    zero.result.name_hint, one.result.name_hint = "c0", "c1"
    block.add_ops([zero, one])
    constants: dict[int, SSAValue] = {0: zero.result, 1: one.result}
    for extent in extents:
        if extent not in constants:
            op = index_constant(extent)
            op.result.name_hint = f"c{extent}"
            block.add_op(op)
            constants[extent] = op.result
    parent, ivs = block, list[SSAValue]()
    for extent, hint in zip(extents, names, strict=True):
        loop = ForOp(zero, constants[extent], one)
        insert(parent, loop)
        parent = loop.body.block
        parent.args[0].name_hint = hint
        ivs.append(parent.args[0])
    x, co, *reduction = ivs
    # the input column x * stride + rx, an affine index of the loads
    column = IndexExpr.of(x) * stride + reduction[2]
    cb, ry, rx, ci = reduction
    load_i = LoadOp(i_buf, [cb, ry, column, ci])
    load_w = LoadOp(w_buf, [cb, ry, rx, ci, co])
    multiply_accumulate(parent, load_i, load_w, o_buf, [x, co], hints="abzps")
    block.add_op(ReturnOp())
    return Region(block)


class _Kernel(KernelEmitter):
    """Builds the llvm.func of one micro-kernel: a CFG loop over the full register tiles
    of the row (`^tile(xb)`, its reduction loop `^loop`, `^store`), then the last,
    narrower tile straight after when `register_columns` does not divide the row."""

    def __init__(self, columns: int, nr: int, rb: int, stride: int, walk: _Walk) -> None:
        super().__init__()
        self.columns, self.nr, self.rb, self.stride = columns, nr, rb, stride
        self.walk = walk
        self.vectors = nr // LANES

    # --- the function ----------------------------------------------------------------

    def function(self, name: str) -> llvm.FuncOp:
        ptr = llvm.LLVMPointerType()
        inputs: list[Attribute] = [ptr, ptr, ptr, i64, i64, i64]
        entry = Block(arg_types=inputs)
        self.args = entry.args
        for arg, hint in zip(entry.args, ["i", "w", "o", "s0", "s1", "ldo"], strict=True):
            arg.name_hint = hint
        # shared by every broadcast: an undefined vector and lane 0
        groups = tile_plan(self.columns, self.rb)
        exit_block = Block()
        heads = [Block(arg_types=[i64] if count > 1 else []) for count, _ in groups]
        heads.append(exit_block)
        blocks: list[Block] = [entry]
        self._enter(heads[0])
        self.flush(entry)
        start = 0
        for n, (count, width) in enumerate(groups):
            head, following = heads[n], heads[n + 1]
            if count > 1:
                # ^tile(xb): `count` tiles of `width` columns, xb = 0 .. count - 1
                xb = head.args[0]
                xb.name_hint = "xb"
                x0 = self.mul(xb, width, "x0")
                if start:
                    x0 = self.add(x0, self.const(start), "x0")

                def finish(
                    xb: SSAValue = xb,
                    count: int = count,
                    head: Block = head,
                    following: Block = following,
                ) -> None:
                    after = self.add(xb, self.const(1), "xb_next")
                    limit = self.const(count)
                    more = self.emit(llvm.ICmpOp(after, limit, IntegerAttr(SLT, i64)), "more")
                    args = [self.const(0)] if following.args else []
                    self.ops.append(llvm.CondBrOp(more, head, [after], following, args))

                blocks += self._tile(head, x0, width, finish)
            else:
                blocks += self._tile(
                    head,
                    self.const(start),
                    width,
                    lambda following=following: self._enter(following),
                )
            start += count * width
        exit_block.add_op(llvm.ReturnOp())
        blocks.append(exit_block)

        noalias = DictionaryAttr({"llvm.noalias": UnitAttr()})
        arg_attrs = ArrayAttr([DictionaryAttr({})] * 2 + [noalias] + [DictionaryAttr({})] * 3)
        return llvm.FuncOp(
            name,
            llvm.LLVMFunctionType(inputs),
            linkage=llvm.LinkageAttr("internal"),
            body=Region(blocks),
            other_props={"arg_attrs": arg_attrs},
        )

    def _tile(
        self, head: Block, x0: SSAValue, width: int, finish: Callable[[], None]
    ) -> list[Block]:
        """The blocks of one register tile of `width` columns starting at column `x0`:
        `head` (pointers, accumulators loaded from O), the reduction loop, the stores,
        then `finish` (the branch on). Returns the blocks after `head`, `head` included."""
        i_buf, w_buf, o_buf, _, _, ldo = self.args
        count = width * self.vectors
        names = [f"acc{x}{v}" for x in range(width) for v in range(self.vectors)]
        column = self.stride * self.walk.block
        i_col = self.gep(i_buf, self.mul(x0, column, "i_x0"), "i_col")
        o_col = self.gep(o_buf, self.mul(x0, ldo, "o_x0"), "o_col")
        rows = [
            self.gep(o_col, self.mul(ldo, x, "o_off"), f"o{x}") if x else o_col
            for x in range(width)
        ]
        accs = [
            self.load(self.gep(row, v * LANES, f"o{x}_{v}"), self.vector, f"acc{x}{v}")
            for x, row in enumerate(rows)
            for v in range(self.vectors)
        ]
        blocks = [head]
        store = Block(arg_types=[self.vector] * count)
        for arg, hint in zip(store.args, names, strict=True):
            arg.name_hint = hint
        iterations = self.walk.cb * self.walk.kh * self.walk.kw
        if iterations > 1:
            loop = Block(arg_types=[i64] + [self.vector] * count)
            for arg, hint in zip(loop.args, ["r", *names], strict=True):
                arg.name_hint = hint
            self.ops.append(llvm.BrOp(loop, self.const(0), *accs))
            self.flush(head)
            # ^loop(r, accs): one iteration's steps, then the back edge
            r, carried = loop.args[0], list[SSAValue](loop.args[1:])
            carried = self._iteration(r, i_col, w_buf, carried, width)
            next_r = self.add(r, self.const(1), "r_next")
            bound = self.const(iterations)
            more = self.emit(llvm.ICmpOp(next_r, bound, IntegerAttr(SLT, i64)), "more")
            self.ops.append(llvm.CondBrOp(more, loop, [next_r, *carried], store, carried))
            self.flush(loop)
            blocks.append(loop)
        else:
            carried = self._iteration(self.const(0), i_col, w_buf, accs, width)
            self.ops.append(llvm.BrOp(store, *carried))
            self.flush(head)
        # ^store(accs): the tile back to O
        for index, acc in enumerate(store.args):
            x, v = divmod(index, self.vectors)
            pointer = self.gep(rows[x], v * LANES, f"o{x}_{v}")
            self.ops.append(llvm.StoreOp(acc, pointer, alignment=4))
        finish()
        self.flush(store)
        blocks.append(store)
        return blocks

    def _iteration(
        self, r: SSAValue, i_col: SSAValue, w_buf: SSAValue, accs: list[SSAValue], width: int
    ) -> list[SSAValue]:
        """Iteration `r` = (cb * kh + ry) * kw + rx: per channel of the block the weight
        vectors, then per column one broadcast input and its FMAs."""
        s0, s1 = self.args[3], self.args[4]
        walk = self.walk
        taps = walk.kh * walk.kw
        i_off = self.mul(r, s0, "i_cb")
        if taps > 1:
            cb = self.emit(llvm.UDivOp(r, self.const(taps)), "cb")
            tap = self.emit(llvm.URemOp(r, self.const(taps)), "tap")
            ry: SSAValue | None = tap
            rx: SSAValue | None = None
            if walk.kh == 1:
                ry, rx = None, tap
            elif walk.kw > 1:
                ry = self.emit(llvm.UDivOp(tap, self.const(walk.kw)), "ry")
                rx = self.emit(llvm.URemOp(tap, self.const(walk.kw)), "rx")
            i_off = self.mul(cb, s0, "i_cb")
            if ry is not None:
                i_off = self.add(i_off, self.mul(ry, s1, "i_ry"), "i_r_off")
            if rx is not None:
                i_off = self.add(i_off, self.mul(rx, walk.block, "i_rx"), "i_r_off")
        i_r = self.gep(i_col, i_off, "i_r")
        w_r = self.gep(w_buf, self.mul(r, walk.block * walk.ob, "w_r_off"), "w_r")
        column = self.stride * walk.block
        for ci in range(walk.block):
            ws = [
                self.load(self.gep(w_r, ci * walk.ob + v * LANES, f"w_{v}"), self.vector, f"w{v}")
                for v in range(self.vectors)
            ]
            new: list[SSAValue] = []
            for x in range(width):
                scalar = self.load(self.gep(i_r, ci + x * column, f"i_{x}"), f32, f"a{x}")
                splat = self.broadcast(scalar, f"a{x}_splat")
                for v in range(self.vectors):
                    acc = accs[x * self.vectors + v]
                    new.append(self.emit(llvm.FMAOp(splat, ws[v], acc), f"acc{x}{v}"))
            accs = new
        return accs

    def _enter(self, block: Block) -> None:
        """Branch to `block`, a tile loop's head (from tile 0) or the exit."""
        self.ops.append(llvm.BrOp(block, *([self.const(0)] if block.args else [])))
