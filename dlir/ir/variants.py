"""Function variants: the same computation at different levels of the pipeline.

A module holds callables of several variants at once; lowering changes a callee's
variant, never the meaning of a call to it. `callee_signature` views every variant in
tensor terms so that a destination-passing call can be checked against any of them:

    graph.func @f(%x: tensor<4xf32>) -> tensor<4xf32>                      inputs [4xf32], outputs [4xf32]
    loop.func @f(%x: memref<4xf32>, %y: memref<4xf32>) {num_outputs = 1}   inputs [4xf32], outputs [4xf32]
    llvm.func @f(!llvm.ptr, !llvm.ptr)                                     two pointers, shapes unknown
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from xdsl.dialects.builtin import FunctionType, IntegerAttr, MemRefType, TensorType
from xdsl.ir import Attribute, Operation
from xdsl.utils.hints import isa


class Variant(StrEnum):
    """The level a callable lives at."""

    GRAPH = "graph"  # graph.func: tensor dataflow
    TE = "te"  # te.kernel: tensor expressions (+ schedule)
    LOOP = "loop"  # loop.func: loop nests over buffers
    HW = "hw"  # hw.intrinsic: a hardware intrinsic
    FUNC = "func"  # func.func: standard MLIR functions
    LLVM = "llvm"  # llvm.func: ready for machine code


VARIANT_OF_OP: dict[str, Variant] = {
    "graph.func": Variant.GRAPH,
    "te.kernel": Variant.TE,
    "loop.func": Variant.LOOP,
    "hw.intrinsic": Variant.HW,
    "func.func": Variant.FUNC,
    "llvm.func": Variant.LLVM,
}


def variant_of(op: Operation) -> Variant | None:
    """The variant of a callable op, or None when `op` is not one."""
    return VARIANT_OF_OP.get(op.name)


@dataclass(frozen=True)
class CalleeSignature:
    """A callee in destination-passing terms: the tensors it reads and the ones it writes.

    `arity` alone is known for callees whose arguments carry no shape (`llvm.func` takes
    bare pointers); `inputs` and `outputs` are then empty and `shaped` is False.
    """

    inputs: tuple[Attribute, ...]
    outputs: tuple[Attribute, ...]
    arity: int
    shaped: bool = True


def as_tensor(t: Attribute) -> Attribute:
    """`memref<4x8xf32>` and `tensor<4x8xf32>` denote the same value; others stay as they are."""
    if isa(t, MemRefType[Attribute]):
        return TensorType(t.get_element_type(), t.get_shape())
    return t


def num_outputs(op: Operation) -> int | None:
    """The `num_outputs` of a destination-passing callee (loop.func and friends)."""
    attr = op.properties.get("num_outputs") or op.attributes.get("num_outputs")
    return attr.value.data if isinstance(attr, IntegerAttr) else None


def callee_signature(callee: Operation) -> CalleeSignature | None:
    """The signature of any callable variant in tensor terms, or None if not callable."""
    variant = variant_of(callee)
    if variant is None or variant is Variant.HW:
        return None
    ftype = _function_type(callee)
    if ftype is None:
        return None
    args = tuple(as_tensor(t) for t in ftype.inputs.data)
    results = tuple(as_tensor(t) for t in ftype.outputs.data)
    if variant is Variant.LLVM:
        return CalleeSignature((), (), len(args), shaped=False)
    n_out = num_outputs(callee)
    if n_out is not None and not results:  # destination passing: outputs are the last args
        split = len(args) - n_out
        return CalleeSignature(args[:split], args[split:], len(args))
    return CalleeSignature(args, results, len(args) + len(results))


def check_call(
    name: str,
    sig: CalleeSignature,
    operand_types: Sequence[Attribute],
    result_types: Sequence[Attribute],
) -> str | None:
    """Why a destination-passing call `(operands) -> results` does not fit `sig`, or None."""
    if not sig.shaped:
        wanted = len(operand_types) + len(result_types)
        if sig.arity != wanted:
            return (
                f"callee @{name} takes {_count(sig.arity, 'arguments')}, but the call passes "
                f"{_count(len(operand_types), 'inputs')} and {_count(len(result_types), 'outputs')}"
            )
        return None
    for kind, expected, found in (
        ("inputs", sig.inputs, tuple(as_tensor(t) for t in operand_types)),
        ("outputs", sig.outputs, tuple(as_tensor(t) for t in result_types)),
    ):
        if len(expected) != len(found):
            return (
                f"callee @{name} has {_count(len(expected), kind)}, "
                f"the call has {len(found)}"
            )
        for i, (e, f) in enumerate(zip(expected, found, strict=True)):
            if e != f:
                return f"callee @{name} {kind[:-1]} #{i} has type {e}, the call has {f}"
    return None


def _count(n: int, plural: str) -> str:
    return f"{n} {plural if n != 1 else plural[:-1]}"


def _function_type(callee: Operation) -> FunctionType | None:
    """The callee's `function_type`; an llvm function type is read as its argument list."""
    from xdsl.dialects.llvm import LLVMFunctionType

    attr = callee.properties.get("function_type") or callee.attributes.get("function_type")
    if isinstance(attr, LLVMFunctionType):
        return FunctionType.from_lists(list(attr.inputs.data), [])
    return attr if isinstance(attr, FunctionType) else None
