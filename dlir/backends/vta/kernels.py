"""te kernels and VTA schedules for them: a blocked int8 GEMM and an NCHW-blocked conv2d.

    kernel, module = gemm_module(256, 256, 256)               # te.kernel @gemm + the intrinsics
    schedule_gemm(kernel, tile_m=64, tile_n=8, tile_k=8, vthreads=2)
    program = lower_to_vta(run te-to-loop on module, "gemm")

Tensors are laid out tile by tile (`isa.pack_tiles`), as VTA's DMA moves whole tiles:

    A  [M/B, K/BI, B, BI]  i8        (B = batch rows, BI = block_in)
    W  [N/BO, K/BI, BO, BI] i8       (BO = block_out; W is N x K, used transposed)
    C  [M/B, N/BO, B, BO]  i32       C[i, j] = sum over k of A[i, k] * W[j, k]   ("vta.acc")
    O  = i8(min(max(C >> shift, 0), 127))                        (the ALU, then the store)

The conv2d is NCHW with channels in blocks of 16 (TVM's VTA tutorial layout), on an input
already padded: D [N/B, CI/BI, H, W, B, BI], K [CO/BO, CI/BI, KH, KW, BO, BI], stride 1.

A schedule caches the inputs into "vta.inp"/"vta.wgt" at the outer reduction loop, keeps
C in "vta.acc" (`set_scope`) computed at the output tile, orders the gemm loops so the
tile loops are innermost (one Gemm instruction covers them), and can tensorize the gemm
block with @vta_gemm and run the output tiles on virtual threads.
"""

from __future__ import annotations

from xdsl.dialects import arith
from xdsl.dialects.builtin import IndexType, IntegerAttr, ModuleOp, TensorType, i8, i32
from xdsl.ir import SSAValue

from dlir.backends.vta.config import ACC, DEFAULT_CONFIG, INP, WGT, VTAConfig
from dlir.dialects.te.builder import KernelBuilder, Schedule, StageBody
from dlir.dialects.te.kernel import KernelOp
from dlir.intrinsics import vta as vta_intrinsics


def _widen(body: StageBody, value: SSAValue) -> SSAValue:
    # i8 -> i32 through index: te bodies cannot use arith.extsi (not Pure in xDSL 0.74)
    wide = body.insert(arith.IndexCastOp(value, IndexType())).result
    return body.insert(arith.IndexCastOp(wide, i32)).result


def _requantize(
    kb: KernelBuilder, c: SSAValue, axes: list[tuple[str, int]], shift: int
) -> SSAValue:
    """O = i8(min(max(C >> shift, 0), 127)): shr, relu and clip on the ALU, then the store."""

    def body(b: StageBody, *ivs: SSAValue) -> SSAValue:
        value = b.read(c, *ivs)
        amount = b.insert(arith.ConstantOp(IntegerAttr(shift, i32))).result
        zero = b.insert(arith.ConstantOp(IntegerAttr(0, i32))).result
        high = b.insert(arith.ConstantOp(IntegerAttr(127, i32))).result
        value = b.insert(arith.ShRSIOp(value, amount)).result
        value = b.insert(arith.MaxSIOp(value, zero)).result
        value = b.insert(arith.MinSIOp(value, high)).result
        return b.insert(arith.TruncIOp(value, i8)).result

    return kb.compute("O", axes, body)


def gemm_kernel(
    m: int,
    n: int,
    k: int,
    *,
    shift: int = 8,
    config: VTAConfig = DEFAULT_CONFIG,
    name: str = "gemm",
) -> KernelOp:
    """`O = requantize(A . W^T)` over tiled tensors (see the module docstring)."""
    b, bi, bo = config.batch, config.block_in, config.block_out
    for what, size, block in (("m", m, b), ("n", n, bo), ("k", k, bi)):
        if size % block:
            raise ValueError(f"gemm {what} = {size} is not a multiple of the VTA block {block}")
    a_type = TensorType(i8, [m // b, k // bi, b, bi])
    w_type = TensorType(i8, [n // bo, k // bi, bo, bi])
    kb = KernelBuilder(name, [("A", a_type), ("W", w_type)])

    def product(
        body: StageBody,
        i: SSAValue,
        j: SSAValue,
        ib: SSAValue,
        jb: SSAValue,
        ko: SSAValue,
        ki: SSAValue,
    ) -> SSAValue:
        a = _widen(body, body.read(kb["A"], i, ko, ib, ki))
        w = _widen(body, body.read(kb["W"], j, ko, jb, ki))
        return body.insert(arith.MuliOp(a, w)).result

    spatial = [("i", m // b), ("j", n // bo), ("ib", b), ("jb", bo)]
    c = kb.compute("C", spatial, product, reduce=[("ko", k // bi), ("ki", bi)])
    out = _requantize(kb, c, [("oi", m // b), ("oj", n // bo), ("ob", b), ("oc", bo)], shift)
    return kb.finish(out)


def conv2d_kernel(
    batch: int,
    in_channels: int,
    out_channels: int,
    height: int,
    width: int,
    kernel_size: int = 3,
    *,
    shift: int = 8,
    config: VTAConfig = DEFAULT_CONFIG,
    name: str = "conv2d",
) -> KernelOp:
    """A stride-1 conv2d of an already padded NCHW-blocked input (see the module docstring):
    the output is `(height - kernel_size + 1) x (width - kernel_size + 1)`."""
    b, bi, bo = config.batch, config.block_in, config.block_out
    if batch % b or in_channels % bi or out_channels % bo:
        raise ValueError(
            f"conv2d: batch {batch}, channels {in_channels} -> {out_channels} must be multiples "
            f"of the VTA blocks {b}, {bi}, {bo}"
        )
    oh, ow = height - kernel_size + 1, width - kernel_size + 1
    d_type = TensorType(i8, [batch // b, in_channels // bi, height, width, b, bi])
    k_type = TensorType(
        i8, [out_channels // bo, in_channels // bi, kernel_size, kernel_size, bo, bi]
    )
    kb = KernelBuilder(name, [("D", d_type), ("K", k_type)])

    def product(body: StageBody, *ivs: SSAValue) -> SSAValue:
        n, co, y, x, nb, cb, ci, dy, dx, ki = ivs
        row = body.insert(arith.AddiOp(y, dy)).result
        col = body.insert(arith.AddiOp(x, dx)).result
        d = _widen(body, body.read(kb["D"], n, ci, row, col, nb, ki))
        w = _widen(body, body.read(kb["K"], co, ci, dy, dx, cb, ki))
        return body.insert(arith.MuliOp(d, w)).result

    spatial = [
        ("n", batch // b),
        ("co", out_channels // bo),
        ("y", oh),
        ("x", ow),
        ("nb", b),
        ("cb", bo),
    ]
    reduce = [("ci", in_channels // bi), ("dy", kernel_size), ("dx", kernel_size), ("ki", bi)]
    c = kb.compute("C", spatial, product, reduce=reduce)
    axes = [
        ("on", batch // b),
        ("oc", out_channels // bo),
        ("oy", oh),
        ("ox", ow),
        ("onb", b),
        ("ocb", bo),
    ]
    out = _requantize(kb, c, axes, shift)
    return kb.finish(out)


def with_intrinsics(kernel: KernelOp, config: VTAConfig = DEFAULT_CONFIG) -> ModuleOp:
    """A module holding the VTA intrinsic library and `kernel` (schedule it after)."""
    return ModuleOp([*vta_intrinsics.library(config), kernel])


def schedule_gemm(
    kernel: KernelOp,
    *,
    tile_m: int,
    tile_n: int,
    tile_k: int,
    vthreads: int = 1,
    tensorize: bool = False,
) -> Schedule:
    """The VTA schedule of `gemm_kernel`: output tiles of `tile_m x tile_n` blocks, the
    reduction `tile_k` blocks at a time (tiles of A and W cached on chip per step),
    the gemm block tensorized with @vta_gemm, the tile columns on virtual threads."""
    s = Schedule(kernel)
    a = s.cache_read("A", INP, ["C"], "A_inp")
    w = s.cache_read("W", WGT, ["C"], "W_wgt")
    c, o = s["C"], s["O"]
    c.set_scope(ACC)
    o.split("oi", tile_m, "io", "ii")
    o.split("oj", tile_n, "jo", "ji")
    o.reorder("io", "jo", "ii", "ji")
    if vthreads > 1:
        o.virtual_thread("jo", vthreads)
    c.compute_at(o, "jo")
    c.split("ko", tile_k, "koo", "koi")
    c.reorder("koo", "koi", "i", "j", "ib", "jb", "ki")
    a.compute_at(c, "koo")
    w.compute_at(c, "koo")
    if tensorize:
        c.tensorize("ib", "vta_gemm")
    return s


def schedule_conv2d(
    kernel: KernelOp,
    *,
    tile_co: int,
    tile_y: int,
    tile_ci: int,
    vthreads: int = 1,
    tensorize: bool = False,
) -> Schedule:
    """The VTA schedule of `conv2d_kernel`: output tiles of `tile_co` channel blocks x
    `tile_y` rows (all columns), input channels `tile_ci` blocks at a time; the gemm's
    own loops are the output channels, rows and columns of the tile (TVM's VTA conv)."""
    s = Schedule(kernel)
    d = s.cache_read("D", INP, ["C"], "D_inp")
    k = s.cache_read("K", WGT, ["C"], "K_wgt")
    c, o = s["C"], s["O"]
    c.set_scope(ACC)
    o.split("oc", tile_co, "coo", "coi")
    o.split("oy", tile_y, "yo", "yi")
    o.reorder("on", "coo", "yo", "coi", "yi")
    if vthreads > 1:
        o.virtual_thread("coo", vthreads)
    c.compute_at(o, "yo")
    c.split("ci", tile_ci, "cio", "cii")
    c.reorder("cio", "cii", "dy", "dx", "n", "co", "y", "x", "nb", "cb", "ki")
    d.compute_at(c, "cio")
    k.compute_at(c, "cio")
    if tensorize:
        c.tensorize("nb", "vta_gemm")
    return s
