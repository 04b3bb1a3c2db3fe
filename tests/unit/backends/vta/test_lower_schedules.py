"""The schedule primitives VTA needs: te.virtual_thread and te.set_scope (model legality,
builder, te-to-loop's marker), and the VTA intrinsic library."""

from __future__ import annotations

import pytest
from xdsl.dialects.builtin import IntegerAttr, ModuleOp

from dlir.backends.vta import kernels
from dlir.backends.vta.runtime import lower_te
from dlir.dialects.hw import IntrinsicOp
from dlir.dialects.loop import AllocOp, ForOp
from dlir.dialects.te.builder import Schedule
from dlir.dialects.te.model import ScheduleError
from dlir.intrinsics import vta
from dlir.parser import parse_module, print_module

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")


def test_virtual_thread_marks_the_loop() -> None:
    kernel = kernels.gemm_kernel(32, 64, 16)
    module = kernels.with_intrinsics(kernel)
    kernels.schedule_gemm(kernel, tile_m=16, tile_n=2, tile_k=1, vthreads=2)
    lowered = lower_te(module)
    marked = [op for op in lowered.walk() if isinstance(op, ForOp) and "vthread" in op.attributes]
    assert len(marked) == 1
    assert marked[0].attributes["vthread"] == IntegerAttr(2, 64)
    scopes = {op.scope.data for op in lowered.walk() if isinstance(op, AllocOp)}
    assert scopes == {"vta.inp", "vta.wgt", "vta.acc"}


def test_virtual_thread_text_round_trips() -> None:
    kernel = kernels.gemm_kernel(32, 64, 16)
    module = kernels.with_intrinsics(kernel)
    kernels.schedule_gemm(kernel, tile_m=16, tile_n=2, tile_k=1, vthreads=2)
    text = print_module(module)
    assert 'te.virtual_thread "O" "jo" 2' in text
    assert 'te.set_scope "C" "vta.acc"' in text
    assert print_module(parse_module(text)) == text


@pytest.mark.parametrize(
    ("axis", "threads", "message"),
    [
        ("ko", 2, "cannot run reduction axis 'ko' of stage 'C' on virtual threads"),
        ("i", 3, "axis 'i' of stage 'C' has 4 iterations, not a multiple of 3 virtual threads"),
        ("i", 1, "virtual threads must be at least 2, found 1"),
        ("q", 2, "stage 'C' has no axis 'q'"),
    ],
)
def test_virtual_thread_legality(axis: str, threads: int, message: str) -> None:
    kernel = kernels.gemm_kernel(4, 16, 32)
    ModuleOp([kernel])
    s = Schedule(kernel)
    with pytest.raises(ScheduleError, match=message):
        s["C"].virtual_thread(axis, threads)


def test_virtual_thread_twice_is_an_error() -> None:
    kernel = kernels.gemm_kernel(4, 16, 32)
    ModuleOp([kernel])
    s = Schedule(kernel)
    s["C"].virtual_thread("i", 2)
    with pytest.raises(ScheduleError, match="axis 'i' of stage 'C' is already virtual-threaded"):
        s["C"].virtual_thread("i", 2)


@pytest.mark.parametrize(
    ("stage", "scope", "message"),
    [
        ("O", "vta.acc", "cannot set the scope of 'O': it is a kernel result"),
        ("C", "vta.bogus", "unknown memory scope 'vta.bogus'; legal scopes are global, local"),
        ("C", "packed", "cannot set the scope of 'C' to packed"),
    ],
)
def test_set_scope_legality(stage: str, scope: str, message: str) -> None:
    kernel = kernels.gemm_kernel(4, 16, 32)
    ModuleOp([kernel])
    s = Schedule(kernel)
    with pytest.raises(ScheduleError, match=message):
        s[stage].set_scope(scope)


def test_shipped_library_text_is_the_library() -> None:
    text = vta.SHIPPED.read_text()
    body = "\n".join(line for line in text.splitlines() if not line.startswith("//"))
    assert body.strip() == vta.library_text().strip()
    module = parse_module(text)
    module.verify()
    names = [op.sym_name.data for op in module.ops if isinstance(op, IntrinsicOp)]
    assert names[:3] == ["vta_fill_zero", "vta_gemm", "vta_gemm_add"]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("vta_gemm", ("gemm", None, None)),
        ("vta_fill_zero", ("fill_zero", None, None)),
        ("vta_load_acc_i8", ("load", "vta.acc", None)),
        ("vta_alu_max_imm0", ("alu", "max", 0)),
        ("vta_alu_min_imm_n127", ("alu", "min", -127)),
        ("vta_alu_add", ("alu", "add", None)),
        ("vta_alu_div_imm2", None),
        ("gemm_6x16", None),
    ],
)
def test_instruction_of(name: str, expected: tuple[str, str | None, int | None] | None) -> None:
    assert vta.instruction_of(name) == expected


def test_alu_immediate_names_round_trip() -> None:
    for op, value in (("shr", 8), ("min", -127), ("max", 0)):
        intrinsic = vta.alu_imm(op, value)
        intrinsic.verify()
        assert vta.instruction_of(intrinsic.sym_name.data) == ("alu", op, value)


def test_behaviors_run_natively_through_hw_inline() -> None:
    """The intrinsics' behaviors are the reference: a gemm tensorized with @vta_gemm,
    inlined back (hw-inline) and compiled for the CPU, equals the interpreter."""
    import numpy as np

    import dlir
    from dlir.ir.context import make_context
    from dlir.passes.manager import run_pipeline
    from dlir.tools.run import run_native

    kernel = kernels.gemm_kernel(32, 32, 32)
    module = kernels.with_intrinsics(kernel)
    kernels.schedule_gemm(kernel, tile_m=16, tile_n=2, tile_k=2, tensorize=True)
    rng = np.random.default_rng(1)
    a = rng.integers(-128, 128, (32, 2, 1, 16)).astype(np.int8)
    w = rng.integers(-128, 128, (2, 2, 16, 16)).astype(np.int8)
    expected = np.asarray(dlir.interpret(module, "gemm", a, w))
    lowered = module.clone()
    run_pipeline("te-to-loop,loop-tensorize", lowered)
    assert any(op.name == "hw.call" for op in lowered.walk())
    run_pipeline("hw-inline", lowered)
    (native,) = run_native(lowered, "gemm", [a, w], make_context())
    np.testing.assert_array_equal(native, expected)
