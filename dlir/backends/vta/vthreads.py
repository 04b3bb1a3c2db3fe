"""Which parts of a virtual-thread loop differ between its threads (TVM's InjectVirtualThread).

vta-codegen runs the N iterations of a `loop.for {vthread = N}` in lockstep. An op whose
operands do not depend on the thread (the loop's induction variable, or a buffer some
thread writes with thread-dependent data) computes the same thing in every thread, so it
runs once: a buffer only filled with thread-invariant data is allocated and loaded once
and read by every thread.

    loop.for %jo = 0 to 2 {vthread = 2} {                thread-dependent: %jo, %W_wgt, %C
      %A_inp = loop.alloc "vta.inp"                        shared: A does not depend on %jo
      %W_wgt = loop.alloc "vta.wgt"
      A_inp[..] = A[%io * 64 + .., ..]                     -> one Load, read by both threads
      W_wgt[..] = W[%jo * 8 + .., ..]                      -> one Load per thread
      hw.call @vta_gemm(A_inp[..], W_wgt[..], C[..])       -> one Gemm per thread
    }

`ThreadDependence.of(loop)` computes the thread-dependent values as a fixed point:
the induction variable; results of ops with a dependent operand; induction variables of
loops with dependent bounds; every buffer (an alloc, through its subviews) that a store
or an `hw.call` writes with a dependent operand, including the accumulators an
epilogue's ALU ops update in place on the way to a thread-dependent store.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from xdsl.ir import Operation, SSAValue

from dlir.backends.vta.config import ACC
from dlir.dialects.hw import CallOp as HwCallOp
from dlir.dialects.loop import AllocOp, ForOp, LoadOp, StoreOp
from dlir.dialects.loop.view import SubviewOp
from dlir.intrinsics.vta import instruction_of


@dataclass(frozen=True)
class ThreadDependence:
    """The values of one virtual-thread loop's body that differ between its threads."""

    induction_var: SSAValue
    dependent: frozenset[SSAValue]

    @staticmethod
    def of(loop: ForOp) -> ThreadDependence:
        """The thread-dependent values of `loop`'s body (see the module docstring)."""
        dependent: set[SSAValue] = {loop.induction_var}
        per_thread: set[SSAValue] = set()
        ops = list(loop.body.walk())
        changed = True
        while changed:
            changed = False
            for op in ops:
                for value in _newly_dependent(op, dependent, per_thread):
                    if value not in dependent:
                        dependent.add(value)
                        changed = True
                written = _written_buffers(op)
                if written and any(v in dependent for v in op.operands):
                    for buffer in written:
                        root = _root(buffer)
                        if root not in per_thread:
                            per_thread.add(root)
                            changed = True
        return ThreadDependence(loop.induction_var, frozenset(dependent))

    def varies(self, values: Iterable[SSAValue]) -> bool:
        """Whether any of `values` differs between the threads."""
        return any(v in self.dependent for v in values)


def used_values(op: Operation) -> list[SSAValue]:
    """The operands of `op` and of every op nested in it (a statement's inputs)."""
    return [v for inner in op.walk() for v in inner.operands]


def thread_key(
    stack: Iterable[ThreadDependence], values: Iterable[SSAValue], env: Mapping[SSAValue, object]
) -> tuple[object, ...]:
    """Which copy of an op `env` runs: the thread indices of the enclosing virtual-thread
    loops the op's `values` depend on (threads with equal keys share one copy)."""
    used = list(values)
    return tuple(env[d.induction_var] for d in stack if d.varies(used))


def _newly_dependent(
    op: Operation, dependent: set[SSAValue], per_thread: set[SSAValue]
) -> list[SSAValue]:
    if isinstance(op, AllocOp):
        return [op.memref] if op.memref in per_thread else []
    if isinstance(op, ForOp):
        bounds = (op.lb, op.ub, op.step)
        return [op.induction_var] if any(v in dependent for v in bounds) else []
    if any(v in dependent for v in op.operands):
        return list(op.results)
    return []


def _written_buffers(op: Operation) -> list[SSAValue]:
    if isinstance(op, StoreOp):
        # the ALU ops of an epilogue update the accumulators they read in place
        return [op.memref, *_accumulators_read(op.value)]
    if isinstance(op, HwCallOp):
        buffers = list(op.buffers)
        # a VTA intrinsic writes its last buffer; anything else: assume all of them
        return buffers[-1:] if instruction_of(op.callee.root_reference.data) else buffers
    return []


def _accumulators_read(value: SSAValue) -> list[SSAValue]:
    """The "vta.acc" buffers loaded on the way to `value`."""
    found: list[SSAValue] = []
    stack, seen = [value], {value}
    while stack:
        owner = stack.pop().owner
        if isinstance(owner, LoadOp):
            root = _root(owner.memref)
            if isinstance(root.owner, AllocOp) and root.owner.scope.data == ACC:
                found.append(root)
        elif isinstance(owner, Operation):
            for operand in owner.operands:
                if operand not in seen:
                    seen.add(operand)
                    stack.append(operand)
    return found


def _root(buffer: SSAValue) -> SSAValue:
    """The allocation (or argument) a buffer value views."""
    owner = buffer.owner
    while isinstance(owner, SubviewOp):
        buffer = owner.source
        owner = buffer.owner
    return buffer
