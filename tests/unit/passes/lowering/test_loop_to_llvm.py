"""loop-to-llvm from Python: registration, fully lowered and verified output, helpers,
errors, and the lowered examples run natively (dlir.backends.llvm) against numpy."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from xdsl.dialects import llvm
from xdsl.dialects.builtin import ArrayAttr, IndexType, MemRefType, ModuleOp, f32, f64, i8, i64
from xdsl.ir import Attribute
from xdsl.utils.exceptions import DiagnosticException
from xdsl.utils.hints import isa

from dlir.backends.llvm.callable import ArgumentError, jit_function
from dlir.ir.context import make_context
from dlir.parser import parse_module
from dlir.passes import PASSES, run_pipeline
from dlir.passes.lowering import LOWERING_PASSES
from dlir.passes.lowering.loop_to_llvm_pass import LoopToLLVMPass
from dlir.passes.lowering.types import byte_size, llvm_type

EXAMPLES = Path(__file__).parents[4] / "examples" / "loops.mlir"


def lowered_examples() -> ModuleOp:
    module = parse_module(EXAMPLES.read_text())
    LoopToLLVMPass().apply(make_context(), module)
    module.verify()
    return module


def test_registered_and_runs_through_the_pipeline():
    assert PASSES["loop-to-llvm"] == LOWERING_PASSES["loop-to-llvm"]
    module = parse_module(EXAMPLES.read_text())
    run_pipeline("loop-to-llvm", module)
    names = [op.sym_name.data for op in module.ops if isinstance(op, llvm.FuncOp)]
    # matmul's two parallel loops are outlined into tasks for the runtime's thread pool
    assert names == [
        "vadd",
        "matmul",
        "matmul__parallel0",
        "matmul__parallel0_task",
        "matmul__parallel1",
        "matmul__parallel1_task",
        "dlir_parallel_for",
        "aligned_alloc",
        "free",
    ]


def test_examples_lower_to_llvm_ops_only():
    module = lowered_examples()
    for op in module.walk():
        assert op is module or op.name.startswith("llvm."), op.name
    vadd = next(op for op in module.ops if isinstance(op, llvm.FuncOp))
    signature = vadd.attributes["dlir.signature"]
    assert isa(signature, ArrayAttr[Attribute])
    assert list(signature.data) == [MemRefType(f32, [1000])] * 3


def test_type_helpers():
    assert llvm_type(IndexType()) == i64
    assert llvm_type(MemRefType(f32, [4, 4])) == llvm.LLVMPointerType()
    assert [byte_size(t) for t in (f32, f64, i8, IndexType())] == [4, 8, 1, 8]


def test_two_results_are_rejected():
    module = parse_module(
        "func.func @two(%a: f32) -> (f32, f32) {\n  func.return %a, %a : f32, f32\n}\n"
    )
    with pytest.raises(DiagnosticException, match="at most one value, found 2 results"):
        LoopToLLVMPass().apply(make_context(), module)


def test_vadd_runs_natively() -> None:
    vadd = jit_function(lowered_examples(), "vadd")
    rng = np.random.default_rng(0)
    a, b = rng.random(1000, dtype=np.float32), rng.random(1000, dtype=np.float32)
    c = np.zeros(1000, dtype=np.float32)
    vadd(a, b, c)
    np.testing.assert_array_equal(c, a + b)


def test_matmul_runs_natively() -> None:
    matmul = jit_function(lowered_examples(), "matmul")
    rng = np.random.default_rng(1)
    a = rng.random((100, 128), dtype=np.float32)
    b = rng.random((128, 128), dtype=np.float32)
    c = np.zeros((100, 128), dtype=np.float32)
    matmul(a, b, c)
    np.testing.assert_allclose(c, a @ b, rtol=1e-5)


def test_lowered_signature_guards_the_native_call() -> None:
    vadd = jit_function(lowered_examples(), "vadd")
    short = np.zeros(999, dtype=np.float32)
    with pytest.raises(ArgumentError):
        vadd(short, short, short)
