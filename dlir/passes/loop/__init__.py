"""Loop-level passes: rewrites of `loop` IR that make the code fast, before `loop-to-llvm`.

loop-unroll       unrolled<N> / unrolled loops -> N copies of the body (+ tail), jammed
loop-vectorize    vectorized<N> loops -> loops over vector loads, arithmetic and stores
loop-tensorize    nests tagged `tensorize = @intr` -> hw.call on loop.subview windows
hw-inline         hw.call -> the intrinsic's behavior on the underlying buffers
"""

from __future__ import annotations

LOOP_PASSES: dict[str, str] = {
    "loop-unroll": "dlir.passes.loop.unroll:LoopUnrollPass",
    "loop-vectorize": "dlir.passes.loop.vectorize:LoopVectorizePass",
    "loop-tensorize": "dlir.passes.loop.tensorize:LoopTensorizePass",
    "hw-inline": "dlir.passes.loop.inline_intrinsics:HwInlinePass",
}
