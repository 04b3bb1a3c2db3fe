"""loop-to-llvm on `hw.call`, `loop.subview` and strided memrefs: what the IR becomes,
accesses through views run natively, and the errors for what cannot be lowered."""

from __future__ import annotations

import numpy as np
import pytest
from xdsl.dialects import llvm
from xdsl.dialects.builtin import IntegerAttr, ModuleOp, i64
from xdsl.utils.exceptions import DiagnosticException

from dlir.backends.llvm.callable import jit_function
from dlir.intrinsics import declare
from dlir.ir.context import make_context
from dlir.parser import parse_module
from dlir.passes import run_pipeline
from dlir.passes.lowering import intrinsics as lowering
from dlir.passes.lowering.loop_to_llvm_pass import LoopToLLVMPass

VIEW = "memref<6x16xf32, strided<[?, 1], offset: ?>>"


def lower(module: ModuleOp) -> None:
    LoopToLLVMPass().apply(make_context(), module)


def _gemm_caller(c_type: str, c_source: str = "memref<12x40xf32>") -> ModuleOp:
    module = parse_module(f"""
loop.func @f(%A: memref<4x6xf32>, %B: memref<4x16xf32>, %C: {c_source}) attributes {{num_outputs = 1 : i64}} {{
  %c = loop.subview %C[6, 8] : {c_source} to {c_type}
  hw.call @gemm_6x16_k4_packed_packed(%A, %B, %c) : (memref<4x6xf32>, memref<4x16xf32>, {c_type}) -> ()
  loop.return
}}
""")
    declare(module, "gemm_microkernel", kc=4)
    module.verify()
    return module


def test_call_becomes_a_call_of_the_implementation_with_the_row_stride() -> None:
    module = _gemm_caller("memref<6x16xf32, strided<[40, 1], offset: 248>>")
    run_pipeline("loop-to-llvm", module)
    assert not any(op.name.startswith(("hw.", "loop.")) for op in module.walk())
    caller = next(
        op for op in module.ops if isinstance(op, llvm.FuncOp) and op.sym_name.data == "f"
    )
    [call] = [op for op in caller.walk() if isinstance(op, llvm.CallOp)]
    assert call.callee is not None
    assert call.callee.root_reference.data == "gemm_6x16_k4_packed_packed_avx2"
    ldc = call.args[3].owner
    assert isinstance(ldc, llvm.ConstantOp) and ldc.value == IntegerAttr(40, i64)


def test_call_through_views_runs_natively() -> None:
    module = _gemm_caller("memref<6x16xf32, strided<[40, 1], offset: ?>>")
    run_pipeline("loop-to-llvm", module)
    rng = np.random.default_rng(3)
    a = rng.standard_normal((4, 6), dtype=np.float32)  # packed: A[k, i]
    b = rng.standard_normal((4, 16), dtype=np.float32)
    c = rng.standard_normal((12, 40), dtype=np.float32)
    expected = c.astype(np.float64)
    expected[6:12, 8:24] += a.T.astype(np.float64) @ b
    jit_function(module, "f")(a, b, c)
    np.testing.assert_allclose(c, expected, rtol=1e-5, atol=1e-5)


def test_loads_and_stores_on_views_use_the_layout_strides() -> None:
    # a window of a 3-D buffer, rank-reduced, read and written with vector accesses
    module = parse_module("""
loop.func @f(%X: memref<3x5x16xf32>, %Y: memref<3x5x16xf32>) attributes {num_outputs = 1 : i64} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  loop.for %i = %c0 to %c4 step %c1 {
    %x = loop.subview %X[2, %i, 0] : memref<3x5x16xf32> to memref<2x16xf32, strided<[16, 1], offset: ?>>
    %y = loop.subview %Y[1, %i + 1, 0] : memref<3x5x16xf32> to memref<16xf32, strided<[1], offset: ?>>
    %v = loop.vload %x[1, 8] : memref<2x16xf32, strided<[16, 1], offset: ?>>, vector<8xf32>
    loop.vstore %v, %y[0] : memref<16xf32, strided<[1], offset: ?>>, vector<8xf32>
    %s = loop.load %x[0, 3] : memref<2x16xf32, strided<[16, 1], offset: ?>>
    loop.store %s, %y[15] : memref<16xf32, strided<[1], offset: ?>>
  }
  loop.return
}
""")
    run_pipeline("loop-to-llvm", module)
    x = np.arange(3 * 5 * 16, dtype=np.float32).reshape(3, 5, 16)
    y = np.zeros_like(x)
    jit_function(module, "f")(x, y)
    expected = np.zeros_like(x)
    for i in range(4):
        expected[1, i + 1, 0:8] = x[2, i + 1, 8:16]
        expected[1, i + 1, 15] = x[2, i, 3]
    np.testing.assert_array_equal(y, expected)


def test_intrinsics_without_calls_are_dropped() -> None:
    module = ModuleOp([])
    declare(module, "gemm_microkernel", kc=4)
    run_pipeline("loop-to-llvm", module)
    assert [op.name for op in module.ops] == ["llvm.func"]


def test_a_simulated_target_is_refused() -> None:
    module = parse_module("""
hw.intrinsic @vta_fill(%acc: memref<16xi32, "acc">) attributes {num_outputs = 1 : i64, target = "vta"} {
  hw.return
}
loop.func @f() attributes {num_outputs = 0 : i64} {
  %acc = loop.alloc "acc" : memref<16xi32, "acc">
  hw.call @vta_fill(%acc) : (memref<16xi32, "acc">) -> ()
  loop.return
}
""")
    with pytest.raises(
        DiagnosticException,
        match="intrinsic @vta_fill targets vta; run hw-inline or the vta backend",
    ):
        lower(module)


def test_a_host_without_the_features_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    def host_has_features(*names: str) -> bool:
        return "fma" not in names

    monkeypatch.setattr(lowering, "host_has_features", host_has_features)
    module = _gemm_caller(VIEW.replace("?, 1", "40, 1"))
    with pytest.raises(
        DiagnosticException,
        match=r"needs CPU features avx2, fma; this host lacks fma",
    ):
        lower(module)


def test_a_dynamic_stride_at_the_call_is_refused() -> None:
    source = "memref<12x40xf32, strided<[?, 1]>>"
    module = _gemm_caller(VIEW, source)
    with pytest.raises(
        DiagnosticException, match=r"buffer 2 .* has no static stride in dimension 0"
    ):
        lower(module)


def test_an_access_with_dynamic_strides_is_refused() -> None:
    module = parse_module("""
loop.func @f(%X: memref<4x4xf32, strided<[?, 1]>>, %Y: memref<4xf32>) attributes {num_outputs = 1 : i64} {
  %x = loop.load %X[1, 2] : memref<4x4xf32, strided<[?, 1]>>
  loop.store %x, %Y[0] : memref<4xf32>
  loop.return
}
""")
    with pytest.raises(DiagnosticException, match="expected static strides"):
        lower(module)


def test_a_func_implementation_cannot_take_dynamic_strides() -> None:
    module = parse_module(f"""
hw.intrinsic @k(%c: {VIEW}) attributes {{implementation = @impl, num_outputs = 1 : i64, target = "x86-avx2-fma"}} {{
  hw.return
}}
func.func @impl(%c: {VIEW}) {{
  func.return
}}
loop.func @f(%C: memref<6x16xf32>) attributes {{num_outputs = 1 : i64}} {{
  hw.call @k(%C) : (memref<6x16xf32>) -> ()
  loop.return
}}
""")
    with pytest.raises(DiagnosticException, match=r"a func\.func implementation cannot receive"):
        lower(module)
