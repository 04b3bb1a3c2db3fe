"""The intrinsic library: what ships, building and declaring by name, parameter errors,
the IR it builds (verifies, prints and parses back), and the hw dialect's ABI checks."""

from __future__ import annotations

import pytest
from xdsl.dialects import llvm
from xdsl.dialects.builtin import MemRefType, ModuleOp, StridedLayoutAttr, f32, i64
from xdsl.ir import Attribute
from xdsl.utils.exceptions import VerifyException

from dlir.dialects.hw import CallOp, IntrinsicOp, dynamic_strides
from dlir.dialects.loop import FuncOp as LoopFuncOp
from dlir.intrinsics import IntrinsicError, build, declare, library
from dlir.intrinsics.cpu import panel_types
from dlir.ir.module import IRModule
from dlir.parser import parse_module, print_module


def test_library_lists_the_gemm_microkernel_and_the_vta_tile_operations() -> None:
    entries = {entry.name: entry for entry in library()}
    assert list(entries) == [
        "conv2d_nchwc_microkernel",
        "gemm_microkernel",
        "vta_fill_zero",
        "vta_gemm",
        "vta_gemm_add",
        "vta_store",
    ]
    assert entries["gemm_microkernel"].target == "x86-avx2-fma"
    assert entries["gemm_microkernel"].features == ("avx2", "fma")
    for name in list(entries)[2:]:
        module = ModuleOp([])
        op = declare(module, name)
        assert op.target.data == "vta" and op.implementation is None
        module.verify()


def test_build_names_the_intrinsic_by_its_parameters() -> None:
    gemm = build("gemm_microkernel", kc=256)
    assert gemm.name == "gemm_6x16_k256_packed_packed"
    assert gemm.implementation is not None
    assert gemm.implementation.sym_name.data == "gemm_6x16_k256_packed_packed_avx2"
    assert gemm.op.feature_names == ("avx2", "fma")
    a, b, c = panel_types(6, 16, 256, "packed", "packed")
    assert [arg.type for arg in gemm.op.buffers] == [a, b, c]
    assert a.get_shape() == (256, 6)
    assert a.get_strides() == (6, 1) and b.get_strides() == (16, 1)
    assert c.get_strides() == (None, 1)


def test_panel_layouts_and_their_dynamic_strides() -> None:
    a, b, c = panel_types(4, 24, 9, "strided", "strided")
    assert a.get_shape() == (4, 9) and b.get_shape() == (9, 24) and c.get_shape() == (4, 24)
    assert [dynamic_strides(t) for t in (a, b, c)] == [(0,), (0,), (0,)]
    gemm = build("gemm_microkernel", mr=4, nr=24, kc=9, a_layout="strided", b_layout="strided")
    assert gemm.implementation is not None
    # one pointer per buffer, then lda, ldb, ldc
    assert list(gemm.implementation.function_type.inputs.data)[3:] == [i64, i64, i64]


def test_declare_adds_the_intrinsic_and_implementation_once() -> None:
    module = ModuleOp([])
    first = declare(module, "gemm_microkernel", kc=8)
    again = declare(IRModule(module), "gemm_microkernel", kc=8)
    assert first is again
    names = [op.sym_name.data for op in module.ops if isinstance(op, IntrinsicOp | llvm.FuncOp)]
    assert names == ["gemm_6x16_k8_packed_packed", "gemm_6x16_k8_packed_packed_avx2"]
    module.verify()


def test_declared_intrinsics_print_and_parse_back() -> None:
    module = ModuleOp([])
    declare(module, "gemm_microkernel", kc=5, unroll=2)
    declare(module, "gemm_microkernel", mr=1, nr=8, kc=3, a_layout="strided")
    text = print_module(module)
    again = parse_module(text)
    again.verify()
    assert print_module(again) == text


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"kc": 4, "nr": 12}, "nr a multiple of 8"),
        ({"kc": 4, "mr": 8, "nr": 16}, "needs 16 accumulator registers; at most 12"),
        ({"kc": 0}, "kc must be at least 1, found 0"),
        ({"kc": 4, "a_layout": "tiled"}, "a_layout 'tiled' is unknown"),
        ({"kc": 4, "unroll": 0}, "unroll must be at least 1"),
        ({"kx": 4}, "unexpected keyword argument 'kx'"),
    ],
)
def test_bad_parameters_are_refused(params: dict[str, int | str], message: str) -> None:
    with pytest.raises(IntrinsicError, match=message):
        build("gemm_microkernel", **params)


def test_unknown_intrinsic_names_the_library() -> None:
    with pytest.raises(IntrinsicError, match="no intrinsic 'sgemm' in the library: expected"):
        build("sgemm")


def test_declare_refuses_a_clashing_symbol() -> None:
    gemm = build("gemm_microkernel", kc=4)
    module = ModuleOp([LoopFuncOp(gemm.name, [], [])])
    with pytest.raises(
        IntrinsicError, match=r"the module's @gemm_6x16_k4_packed_packed is a loop\.func"
    ):
        declare(module, "gemm_microkernel", kc=4)


def _call_module(c_type: MemRefType[Attribute]) -> ModuleOp:
    module = ModuleOp([])
    op = declare(module, "gemm_microkernel", kc=4)
    a, b, _ = panel_types(6, 16, 4, "packed", "packed")
    fn = LoopFuncOp("caller", [a, b], [c_type])
    ret = fn.body.block.last_op
    assert ret is not None
    fn.body.block.insert_op_before(CallOp(op.sym_name.data, fn.args), ret)
    module.body.block.add_op(fn)
    return module


def test_call_matches_a_dynamic_stride_with_any_static_one() -> None:
    _call_module(MemRefType(f32, [6, 16], StridedLayoutAttr([37, 1], None))).verify()
    _call_module(MemRefType(f32, [6, 16])).verify()  # identity layout: strides [16, 1]


def test_call_refuses_a_different_static_stride() -> None:
    a_module = ModuleOp([])
    op = declare(a_module, "gemm_microkernel", kc=4)
    _, b, c = panel_types(6, 16, 4, "packed", "packed")
    wrong_a = MemRefType(f32, [4, 6], StridedLayoutAttr([7, 1], None))
    fn = LoopFuncOp("caller", [wrong_a, b], [c])
    ret = fn.body.block.last_op
    assert ret is not None
    fn.body.block.insert_op_before(CallOp(op.sym_name.data, fn.args), ret)
    a_module.body.block.add_op(fn)
    with pytest.raises(
        VerifyException, match=r"buffer 0 strides differ: expected \[6, 1\], found \[7, 1\]"
    ):
        a_module.verify()


def test_llvm_implementation_must_take_one_i64_per_dynamic_stride() -> None:
    gemm = build("gemm_microkernel", kc=4)
    ptr = llvm.LLVMPointerType()
    short = llvm.FuncOp("gemm_6x16_k4_packed_packed_avx2", llvm.LLVMFunctionType([ptr, ptr, ptr]))
    with pytest.raises(VerifyException, match=r"takes 3 arguments, expected 4 \(one !llvm.ptr"):
        ModuleOp([gemm.op, short]).verify()
    wrong = llvm.FuncOp(
        "gemm_6x16_k4_packed_packed_avx2", llvm.LLVMFunctionType([ptr, ptr, ptr, ptr])
    )
    gemm = build("gemm_microkernel", kc=4)
    with pytest.raises(VerifyException, match="argument 3 must be i64 \\(a dynamic stride\\)"):
        ModuleOp([gemm.op, wrong]).verify()
