"""The rule of a large f32 contraction on an AVX2+FMA host: GotoBLAS's blocking around
the GEMM micro-kernel (`dlir/intrinsics/cpu.py`), onto which te.tensorize maps each
6 x 16 tile of C.

    C[i, j] = sum over k of A[i, k] * B[k, j]                       (1024^3)
      -> loops ko (256 steps of k; 1024 on one thread), ib (192 rows), jo (parallel, 16
       columns), io (6 rows):
         hw.call @gemm_6x16_k256_packed_packed(Ap[io], Bp[jo], C[6 io.., 16 jo..])
         Bp[j / 16, k, j % 16] = B[k, j]   B's 256 rows packed at ko, panels in parallel
         Ap[i / 6, k, i % 6]  = A[i, k]    A's 192 x 256 block packed at ib, in parallel
                                           (1024 = 170 x 6 + 4: the last tile padded, its
                                           rows run as loops)

The kernel sums kc steps of k in 12 vector registers and adds the tile into C once per
call. `te-auto-schedule{microkernel=false}` turns the rule off (the generated 6 x 16
tile of `contraction-panels` then runs). Measurements: docs/intrinsics.md.
"""

from __future__ import annotations

from xdsl.dialects.builtin import ModuleOp
from xdsl.ir.affine import AffineExpr

from dlir.backends.llvm.jit import host_has_features
from dlir.backends.llvm.runtime import threads_from_environment
from dlir.dialects.te.builder import StageSchedule
from dlir.intrinsics import declare
from dlir.intrinsics.cpu import FEATURES, LANES
from dlir.passes.lowering.auto_schedule import rules
from dlir.passes.lowering.auto_schedule.classify import Read, StageInfo, contraction_axes

MICROKERNEL_K = 256
"""The most k steps per micro-kernel call (kc) on several threads: A's block of 192 rows
x 256 (192 KiB) stays in L2 while the threads stream B's panels past it (2048^3 on 2
threads: 152 GFLOP/s against 105 with kc 1024, whose 768 KiB block of A each thread
re-reads from L3)."""
MICROKERNEL_K_ONE_THREAD = 1024
"""kc on one thread: C is read and written K / kc times, and one thread's stream of A
from L3 keeps up (1024^3: 1.04x numpy against 0.99x with 512 and 0.94x with 256, one
process, 41 runs each)."""
MICROKERNEL_ROWS = 96
"""The fewest rows the micro-kernel rule takes (B's packing is paid once per row block)."""


def _microkernel_contraction(s: StageSchedule, info: StageInfo, options: rules.Options) -> None:
    # C[i, j] = sum over k of A[i, k] * B[k, j]      (f32 on an AVX2+FMA host; 1024^3, 2048^3)
    #   -> GotoBLAS's blocking around the micro-kernel:
    #      loops ko (kc steps of k), ib (192 rows), jo (parallel), io; the nest ki, ii, ji
    #      tensorized: hw.call @gemm_6x16_k<kc>_packed_packed(Ap tile, Bp panel, C tile)
    #      Bp[j / 16, k, j % 16]: B's kc rows packed at ko, panels in parallel (at jo
    #                             when the rows are one block: each panel packed right
    #                             before its use)
    #      Ap[i / 6, k, i % 6]:   A's 192 x kc block packed at ib, panels in parallel
    #                             (the last 6-row tile padded when 6 does not divide)
    if not options.microkernel or not options.vectorize or not host_has_features(*FEATURES):
        raise rules.NotApplicable("the micro-kernel needs vector lanes and an AVX2+FMA host")
    axes = contraction_axes(info.reads, info.n_spatial, len(info.extents))
    if axes is None or info.lanes != LANES or len(info.extents) != info.n_spatial + 1:
        raise rules.NotApplicable("not an f32 contraction over one reduction axis")
    i, j = axes
    k = info.n_spatial
    names, extents = info.names, info.extents
    a = next(read for read in info.reads if read.uses(i))
    b = next(read for read in info.reads if read.uses(j))
    a_name, b_name = info.tensor_names.get(a.source), info.tensor_names.get(b.source)
    if a_name is None or b_name is None or a_name == b_name:
        raise rules.NotApplicable("A and B are not two tensors the kernel can pack")
    if extents[i] < MICROKERNEL_ROWS:
        raise rules.NotApplicable(f"{extents[i]} rows use the packed panels too little")
    module = s.schedule.kernel.parent_op()
    if not isinstance(module, ModuleOp):
        raise rules.NotApplicable("no module to declare the micro-kernel in")
    columns = LANES * rules.MATMUL_COLUMN_VECTORS
    threads = (options.threads or threads_from_environment()) if options.parallel else 1
    kc = reduction_block(extents[k], MICROKERNEL_K_ONE_THREAD if threads == 1 else MICROKERNEL_K)
    batch = [names[n] for n in range(info.n_spatial) if n not in (i, j)]
    order = list(batch)
    inner_k = names[k]
    if kc < extents[k]:
        ko, inner_k = s.split(names[k], kc)
        order.append(ko)
    else:
        ko = None
    rows, ib = names[i], None
    if extents[i] > rules.MATMUL_ROW_BLOCK:
        ib, rows = s.split(names[i], rules.MATMUL_ROW_BLOCK)
        order.append(ib)
    io, ii = s.split(rows, rules.MATMUL_ROWS)
    jo, ji = s.split(names[j], columns)
    order += [jo, io, inner_k, ii, ji]
    s.reorder(*order)
    # declared before te.tensorize names it; an intrinsic a rejected rule leaves behind
    # is never called, and loop-to-llvm drops it
    intrinsic = declare(module, "gemm_microkernel", kc=kc)
    s.tensorize(inner_k, intrinsic.sym_name.data)
    s.vectorize(ji)  # C's init, and the tiles of the last rows (fewer than 6)
    b_panels, b_outer = _pack_panels(s, b_name, b, j, k, columns, vectorize=True)
    a_panels, a_outer = _pack_panels(s, a_name, a, i, k, rules.MATMUL_ROWS, vectorize=False)
    if ib is None:
        b_panels.compute_at(s, jo)  # one row block: each panel packed right before its use
    else:
        if ko is not None:
            b_panels.compute_at(s, ko)
        if options.parallel:  # packed by all threads, outside the parallel loop jo
            b_panels.parallel(b_outer)
    a_at = ib or ko  # A's block per row block, else per k block, else once
    if a_at is not None:
        a_panels.compute_at(s, a_at)
    if options.parallel:
        a_panels.parallel(a_outer)
    spatial = [*batch, jo]
    spatial_extents = [*(extents[n] for n in range(info.n_spatial) if n not in (i, j))]
    rules.parallel_outermost(
        s, spatial, [*spatial_extents, -(-extents[j] // columns)], len(spatial), options
    )


def reduction_block(extent: int, limit: int = MICROKERNEL_K) -> int:
    """The k steps of one micro-kernel call: the reduction in the fewest blocks of at
    most `limit` steps, equal ones if some count up to twice that many divides
    it (1024 -> 4 x 256, 1500 -> 6 x 250); else te-to-loop peels the last, shorter
    block, which runs as loops."""
    blocks = -(-extent // limit)
    count = next((c for c in range(blocks, 2 * blocks + 1) if extent % c == 0), blocks)
    return -(-extent // count)


def _pack_panels(
    s: StageSchedule, tensor: str, read: Read, axis: int, k: int, width: int, *, vectorize: bool
) -> tuple[StageSchedule, str]:
    """`tensor` packed in panels of `width` along the dimension it reads `axis` by, then
    the one it reads `k` by: X[k, j] -> Xp[j / width, k, j % width] (other dimensions
    outside, in order). A last panel `width` does not divide is padded. Returns the
    packing stage and its loop over the panels."""
    dims = [
        next(d for d, x in enumerate(read.indices) if x == AffineExpr.dimension(n))
        for n in (axis, k)
    ]
    panel = s.schedule[tensor].cache_read("packed", [s])
    outer, inner = panel.split(f"ax{dims[0]}", width)
    batch = [f"ax{d}" for d in range(len(read.indices)) if d not in dims]
    panel.reorder(*batch, outer, f"ax{dims[1]}", inner)
    if vectorize:
        panel.vectorize(inner)
    return panel, outer


def microkernel_rules(info: StageInfo) -> list[tuple[str, rules.Rule]]:
    """The micro-kernel rule, for an f32 contraction with enough rows (checked when run)."""
    if info.kind != rules.Kind.CONTRACTION:
        return []
    return [("contraction-microkernel", _microkernel_contraction)]
