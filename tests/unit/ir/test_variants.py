"""Callee signatures in tensor terms, for destination-passing calls into any variant."""

from __future__ import annotations

from xdsl.dialects import func, llvm
from xdsl.dialects.builtin import FunctionType, IntegerAttr, MemRefType, TensorType, f32, i64

from dlir.ir import CalleeSignature, callee_signature, check_call

T4 = TensorType(f32, [4])
M4 = MemRefType(f32, [4])


def test_tensor_function_signature() -> None:
    f = func.FuncOp("f", FunctionType.from_lists([T4, T4], [T4]))
    sig = callee_signature(f)
    assert sig is not None and sig == CalleeSignature((T4, T4), (T4,), 3)
    assert check_call("f", sig, [T4, T4], [T4]) is None
    assert check_call("f", sig, [T4], [T4]) == "callee @f has 2 inputs, the call has 1"


def test_destination_passing_memref_signature() -> None:
    f = func.FuncOp("k", FunctionType.from_lists([M4, M4, M4], []))
    f.attributes["num_outputs"] = IntegerAttr(1, i64)
    sig = callee_signature(f)
    assert sig is not None and sig.inputs == (T4, T4) and sig.outputs == (T4,)
    bad = check_call("k", sig, [T4, TensorType(f32, [5])], [T4])
    assert bad == "callee @k input #1 has type tensor<4xf32>, the call has tensor<5xf32>"


def test_llvm_callee_checks_arity_only() -> None:
    ptr = llvm.LLVMPointerType()
    f = llvm.FuncOp("k", llvm.LLVMFunctionType([ptr, ptr]))
    sig = callee_signature(f)
    assert sig is not None and not sig.shaped
    assert check_call("k", sig, [T4], [T4]) is None
    assert "takes 2 arguments" in (check_call("k", sig, [T4, T4], [T4]) or "")
