"""Edge cases of integer division, rounding and integer powers: interpreter == native code."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import dlir
from dlir.backends.llvm.callable import jit_function
from dlir.ir import IRModule
from dlir.passes import run_pipeline

FUNCTIONS = """
func.func @ceildivsi(%a: i32, %b: i32) -> i32 {
  %r = arith.ceildivsi %a, %b : i32
  func.return %r : i32
}
func.func @ceildivui(%a: i32, %b: i32) -> i32 {
  %r = arith.ceildivui %a, %b : i32
  func.return %r : i32
}
func.func @round(%x: f32) -> f32 {
  %r = math.round %x : f32
  func.return %r : f32
}
func.func @ipowi(%x: i32, %n: i32) -> i32 {
  %r = math.ipowi %x, %n : i32
  func.return %r : i32
}
"""
I32_MIN = -(2**31)
CASES: list[tuple[str, tuple[Any, ...], Any]] = [
    ("ceildivsi", (I32_MIN, 3), -715827882),
    ("ceildivsi", (7, -2), -3),
    ("ceildivsi", (-7, 2), -3),
    ("ceildivsi", (6, 3), 2),
    ("ceildivui", (-1, 2), 2**31),  # 0xffffffff / 2 rounded up, read back as i32
    ("round", (np.float32(0.49999997),), 0.0),
    ("round", (np.float32(-2.5),), -3.0),
    ("round", (np.float32(8388609.0),), 8388609.0),  # odd and above 2**23: already whole
    ("ipowi", (3, 4), 81),
    ("ipowi", (-1, -3), -1),
    ("ipowi", (2, -1), 0),
    ("ipowi", (1, -5), 1),
]


@pytest.fixture(scope="module")
def native() -> IRModule:
    module = IRModule.parse(FUNCTIONS)
    run_pipeline("loop-to-llvm", module.op)
    return module


@pytest.mark.parametrize(("name", "args", "expected"), CASES)
def test_interpreter_and_native_agree(
    native: IRModule, name: str, args: tuple[Any, ...], expected: Any
) -> None:
    dtype = np.float32 if name == "round" else np.int32
    arrays = [np.array(a).astype(dtype) for a in args]
    want = np.array(expected).astype(np.int64).astype(dtype) if dtype is np.int32 else dtype(expected)
    interpreted = dlir.interpret(IRModule.parse(FUNCTIONS), name, *arrays)
    assert interpreted == want
    assert jit_function(native.op, name)(*[a.item() for a in arrays]) == want
