"""The hand schedules of benchmarks/schedules/tensorize/ (matmul through te.tensorize onto
the GEMM micro-kernel) at small sizes: the kernel is really called, and the native code
matches the interpreter."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from xdsl.dialects import llvm
from xdsl.dialects.builtin import ModuleOp

from dlir.backends.llvm.jit import host_has_features
from dlir.dialects.hw import CallOp
from dlir.intrinsics import build
from dlir.parser import parse_module, print_module
from dlir.passes.lowering.te_to_loop.differential import check_native
from dlir.passes.registry import PIPELINES

SCHEDULES = sorted(
    (Path(__file__).resolve().parents[3] / "benchmarks" / "schedules" / "tensorize").glob("*.mlir")
)
# benchmarks/run.py's dlir-sched pipeline: compile-cpu from te-to-loop on (without the
# final loop-to-llvm, which check_native runs)
PASSES = PIPELINES["compile-cpu"][0].split(",")
PIPELINE = ",".join(PASSES[PASSES.index("te-to-loop") : -1])

pytestmark = pytest.mark.skipif(
    not host_has_features("avx2", "fma"), reason="the micro-kernel needs avx2 and fma"
)


def small(text: str) -> str:
    """The file at the sizes of its `// test sizes:` line (`i64` stays a type)."""
    found = re.search(r"^// test sizes: (.*)$", text, re.MULTILINE)
    assert found is not None
    for pair in found.group(1).split():
        big, little = pair.split("=")
        text = re.sub(rf"(?<![0-9i]){big}(?![0-9])", little, text)
    return text


def test_the_schedules_exist() -> None:
    assert [path.name for path in SCHEDULES] == ["matmul_1024.mlir", "matmul_2048.mlir"]


@pytest.mark.parametrize("path", SCHEDULES, ids=[p.stem for p in SCHEDULES])
def test_tensorized_schedule_calls_the_kernel_and_matches(path: Path) -> None:
    module = check_native(parse_module(small(path.read_text())), pipeline=PIPELINE)
    calls = [op for op in module.walk() if isinstance(op, CallOp)]
    assert calls and {c.callee.root_reference.data for c in calls} == {
        build("gemm_microkernel", kc=96).name  # kc = k: all of k per call
    }
    assert any(isinstance(op, llvm.FuncOp) for op in module.ops)  # the implementation


@pytest.mark.parametrize("path", SCHEDULES, ids=[p.stem for p in SCHEDULES])
def test_the_intrinsic_text_is_the_library_s(path: Path) -> None:
    # the file pastes print_module(declare(..., kc=n)): it must not drift from cpu.py
    n = int(path.stem.removeprefix("matmul_"))
    printed = print_module(ModuleOp(build("gemm_microkernel", kc=n).ops())).splitlines()
    body = "\n".join(line.removeprefix("  ") for line in printed[1:-1])
    assert body in path.read_text(), (
        "run benchmarks/schedules/tensorize/generate.py: the kernel changed"
    )
