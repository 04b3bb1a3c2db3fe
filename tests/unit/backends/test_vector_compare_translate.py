"""translate.py's fixes for what xDSL's llvm dialect cannot say: vector compares and
selects become LLVM's own `fcmp` / `select` instructions, and bf16 is LLVM's `bfloat`."""

from __future__ import annotations

import re

from dlir.backends.llvm.translate import BFloatType, translate_module
from dlir.parser import parse_module
from dlir.passes import run_pipeline
from dlir.testing.arith_native import with_vector_select

VECTOR_SELECT = """
loop.func @k(%a: memref<16xf32>, %b: memref<16xf32>, %y: memref<16xf32>) attributes {num_outputs = 1 : i64} {
  %c0 = arith.constant 0 : index
  %c8 = arith.constant 8 : index
  %c16 = arith.constant 16 : index
  loop.for %i = %c0 to %c16 step %c8 {
    %x = loop.vload %a[%i] : memref<16xf32>, vector<8xf32>
    %z = loop.vload %b[%i] : memref<16xf32>, vector<8xf32>
    %c = arith.cmpf ult, %x, %z : vector<8xf32>
    %p = arith.addf %x, %z : vector<8xf32>
    loop.vstore %p, %y[%i] : memref<16xf32>, vector<8xf32>
  }
  loop.return
}
"""


def test_vector_fcmp_and_select_are_llvm_instructions() -> None:
    module = with_vector_select(VECTOR_SELECT)
    run_pipeline("loop-to-llvm", module)
    text = str(translate_module(module))
    assert "fcmp ult <8 x float>" in text
    assert re.search(r"= select\s+<8 x i1>", text)
    body = text.split("declare")[0]
    assert "llvm.dlir" not in text and "vp.select" not in body


BF16 = """
loop.func @k(%a: memref<4xbf16>, %y: memref<4xbf16>) attributes {num_outputs = 1 : i64} {
  %c0 = arith.constant 0 : index
  %one = arith.constant 1.0 : bf16
  %x = loop.load %a[%c0] : memref<4xbf16>
  %c = arith.cmpf olt, %x, %one : bf16
  %r = arith.select %c, %one, %x : bf16
  loop.store %r, %y[%c0] : memref<4xbf16>
  loop.return
}
"""


def test_bf16_is_bfloat_with_hex_constants() -> None:
    module = parse_module(BF16)
    run_pipeline("loop-to-llvm", module)
    text = str(translate_module(module))
    assert "load bfloat" in text and "store bfloat" in text
    assert "0xR3F80" in text  # 1.0


def test_bfloat_constants_round_to_nearest_even() -> None:
    t = BFloatType()
    assert t.format_constant(1.0) == "0xR3F80"
    assert t.format_constant(-2.0) == "0xRC000"
    assert t.format_constant(1.0 + 2.0**-8) == "0xR3F80"  # a tie: to the even 1.0
    assert t.format_constant(1.0 + 3 * 2.0**-8) == "0xR3F82"  # a tie: to the even 1 + 2^-6
    assert t.format_constant(float("inf")) == "0xR7F80"
    assert t.format_constant(float("nan")) in ("0xR7FC0", "0xRFFC0")
