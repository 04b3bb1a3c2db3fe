"""Helpers that build intrinsic behaviors (loop IR over the intrinsic's buffers).

nest = [ForOp(c0, c6, c1), ...]            # built by the intrinsic's factory
multiply_accumulate(body, LoadOp(a, [k, i]), LoadOp(b, [k, j]), c, [i, j])
  -> %x = loop.load %a[%k, %i]  %y = loop.load %b[%k, %j]  %z = loop.load %c[%i, %j]
     %p = arith.mulf %x, %y  %s = arith.addf %z, %p  loop.store %s, %c[%i, %j]
"""

from __future__ import annotations

from collections.abc import Sequence

from xdsl.dialects import arith
from xdsl.dialects.builtin import IndexType, IntegerAttr
from xdsl.ir import Block, Operation, SSAValue

from dlir.dialects.loop import LoadOp, StoreOp, YieldOp


def index_constant(value: int) -> arith.ConstantOp:
    """`arith.constant value : index`."""
    return arith.ConstantOp(IntegerAttr(value, IndexType()))


def insert(block: Block, op: Operation) -> None:
    """Add `op` to `block`, before its terminator (a loop body's `loop.yield`) if any."""
    last = block.last_op
    if isinstance(last, YieldOp):
        block.insert_op_before(op, last)
    else:
        block.add_op(op)


def multiply_accumulate(
    block: Block,
    lhs: LoadOp,
    rhs: LoadOp,
    out: SSAValue,
    indices: Sequence[SSAValue],
    hints: str = "xyzps",
) -> None:
    """`out[indices] += lhs * rhs` in f32, into `block` (named by `hints`: the two loads,
    the load of `out`, the product, the sum)."""
    old = LoadOp(out, indices)
    product = arith.MulfOp(lhs, rhs)
    total = arith.AddfOp(old, product)
    for op, hint in zip((lhs, rhs, old, product, total), hints, strict=True):
        op.results[0].name_hint = hint
    for op in (lhs, rhs, old, product, total, StoreOp(total, out, indices)):
        insert(block, op)
