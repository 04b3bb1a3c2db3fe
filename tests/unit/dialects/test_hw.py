"""The `hw` dialect's Python API: building intrinsics and calls, and their checks."""

from __future__ import annotations

import pytest
from xdsl.dialects import func, llvm
from xdsl.dialects.builtin import MemRefType, ModuleOp, StringAttr, f16, f32, i8, i32
from xdsl.utils.exceptions import VerifyException

from dlir.dialects.hw import CallOp, IntrinsicOp
from dlir.dialects.loop import FuncOp as LoopFuncOp

A, B, C = MemRefType(f32, [6, 4]), MemRefType(f32, [4, 16]), MemRefType(f32, [6, 16])


def impl_func(name: str, types: list[MemRefType]) -> func.FuncOp:
    fn = func.FuncOp(name, (types, []))
    fn.body.block.add_op(func.ReturnOp())
    return fn


def caller(callee: str, types: list[MemRefType]) -> LoopFuncOp:
    fn = LoopFuncOp("caller", types[:-1], types[-1:])
    ret = fn.body.block.last_op
    assert ret is not None
    fn.body.block.insert_op_before(CallOp(callee, fn.args), ret)
    return fn


def test_intrinsic_builder_and_accessors() -> None:
    gemm = IntrinsicOp(
        "gemm_6x16",
        [A, B, C],
        1,
        "x86-avx2-fma",
        features=["avx2", "fma"],
        implementation="gemm_6x16_avx2",
    )
    assert [b.type for b in gemm.buffers] == [A, B, C]
    assert [b.index for b in gemm.outputs] == [2]
    assert gemm.feature_names == ("avx2", "fma")
    assert gemm.implementation is not None
    assert gemm.implementation.root_reference.data == "gemm_6x16_avx2"


def test_module_with_intrinsic_implementation_and_call_verifies() -> None:
    module = ModuleOp(
        [
            IntrinsicOp("gemm", [A, B, C], 1, "x86-avx2-fma", implementation="gemm_impl"),
            impl_func("gemm_impl", [A, B, C]),
            caller("gemm", [A, B, C]),
        ]
    )
    module.verify()


def test_llvm_implementation_takes_pointers() -> None:
    ptr = llvm.LLVMPointerType()
    good = llvm.FuncOp("impl", llvm.LLVMFunctionType([ptr, ptr, ptr]))
    ModuleOp([IntrinsicOp("gemm", [A, B, C], 1, "x86-avx2-fma", implementation="impl"), good]).verify()
    bad = llvm.FuncOp("impl", llvm.LLVMFunctionType([ptr, i32, ptr]))
    module = ModuleOp(
        [IntrinsicOp("gemm", [A, B, C], 1, "x86-avx2-fma", implementation="impl"), bad]
    )
    with pytest.raises(VerifyException, match=r"implementation argument 1 must be !llvm\.ptr"):
        module.verify()


def test_simulated_target_needs_no_implementation() -> None:
    acc = MemRefType(i32, [16], memory_space=StringAttr("acc"))
    inp = MemRefType(i8, [16], memory_space=StringAttr("input"))
    ModuleOp([IntrinsicOp("vta_fill", [inp, acc], 1, "vta")]).verify()
    with pytest.raises(VerifyException, match="needs an implementation"):
        IntrinsicOp("cpu", [inp, acc], 1, "x86-avx2-fma").verify()


def test_call_checks_element_types_against_the_behavior() -> None:
    half = MemRefType(f16, [6, 16])
    module = ModuleOp([IntrinsicOp("k", [C], 1, "vta"), caller("k", [half])])
    with pytest.raises(VerifyException, match="buffer 0 element type differs: expected f32, found f16"):
        module.verify()


def test_call_outside_a_symbol_table_cannot_resolve() -> None:
    fn = caller("k", [C])
    call = next(op for op in fn.walk() if isinstance(op, CallOp))
    with pytest.raises(VerifyException, match="cannot resolve @k: not inside a symbol table"):
        call.verify()
