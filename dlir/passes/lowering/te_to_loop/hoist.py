"""Loop-invariant code motion for the nests te-to-loop builds.

    loop.for %k ... {                          %a = loop.load %A[%i, %k]
      loop.for %j ... {              ->        loop.for %j ... {
        %a = loop.load %A[%i, %k]                %b = loop.load %B[%k, %j]
        %b = loop.load %B[%k, %j]                ...

An op moves out of a loop when none of its operands is defined inside it and it is an
index constant or computation, a pure arith/math op that cannot trap (an integer division
only by a positive constant), or a load from a buffer that the loop does not store to.
No load leaves a guard loop (it may be in bounds only under the guard).
"""

from __future__ import annotations

from xdsl.dialects import arith
from xdsl.ir import Block, Operation, SSAValue
from xdsl.traits import is_side_effect_free

from dlir.dialects.loop import ForOp, LoadOp, MaxOp, MinOp, StoreOp, VStoreOp, constant_index
from dlir.passes.lowering.te_to_loop.nest import GUARD_ATTR

_TRAPPING = (
    arith.DivSIOp,
    arith.DivUIOp,
    arith.RemSIOp,
    arith.RemUIOp,
    arith.FloorDivSIOp,
    arith.CeilDivSIOp,
    arith.CeilDivUIOp,
)


def hoist_invariants(root: Operation) -> None:
    """Move invariant ops out of every `loop.for` in `root`, innermost loops first."""
    loops = [op for op in root.walk() if isinstance(op, ForOp)]
    for loop in reversed(loops):
        guard = GUARD_ATTR in loop.attributes
        stored = {op.memref for op in loop.walk() if isinstance(op, StoreOp | VStoreOp)}
        for op in list(loop.body.block.ops):
            if guard and isinstance(op, LoadOp):
                continue
            if _movable(op, stored) and not any(_inside(v, loop) for v in op.operands):
                op.detach()
                block = loop.parent_block()
                assert block is not None
                block.insert_op_before(op, loop)


def _movable(op: Operation, stored: set[SSAValue]) -> bool:
    if isinstance(op, LoadOp):
        return op.memref not in stored
    if isinstance(op, MinOp | MaxOp):
        return True
    if isinstance(op, _TRAPPING):
        # a division by a positive constant cannot trap, whatever the loop's trip count
        divisor = constant_index(op.operands[1])
        return divisor is not None and divisor > 0
    if op.regions:
        return False
    return op.dialect_name() in ("arith", "math") and is_side_effect_free(op)


def _inside(value: SSAValue, loop: ForOp) -> bool:
    owner = value.owner
    op = owner.parent_op() if isinstance(owner, Block) else owner
    while op is not None:
        if op is loop:
            return True
        op = op.parent_op()
    return False
