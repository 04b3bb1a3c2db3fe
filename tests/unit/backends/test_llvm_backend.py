"""The LLVM backend on hand-written llvm-dialect kernels (what the lowering produces),
compared with numpy: translate, O3 + MCJIT for the host, numpy calls checked at the boundary."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pytest
from xdsl.dialects.builtin import ModuleOp

from dlir.backends.llvm.callable import (
    ArgumentError,
    BufferArg,
    CompiledFunction,
    Signature,
    jit_function,
)
from dlir.backends.llvm.jit import JitError, compile_module, emit, host_has_features
from dlir.backends.llvm.translate import TranslationError, translate_module
from dlir.ir.context import make_context
from dlir.parser import parse_module_xdsl

# c[i] = a[i] + b[i] for i < n: a cf-style loop over scalar f32, vectorised by LLVM at O3.
VADD = """
llvm.func @vadd(%a: !llvm.ptr {llvm.noalias}, %b: !llvm.ptr {llvm.noalias}, %c: !llvm.ptr {llvm.noalias}, %n: i64)
    attributes {dlir.signature = [memref<?xf32>, memref<?xf32>, memref<?xf32>, index]} {
  %zero = llvm.mlir.constant(0 : i64) : i64
  %one = llvm.mlir.constant(1 : i64) : i64
  llvm.br ^head(%zero : i64)
^head(%i: i64):
  %cont = llvm.icmp "slt" %i, %n : i64
  llvm.cond_br %cont, ^body, ^exit
^body:
  %pa = llvm.getelementptr inbounds %a[%i] : (!llvm.ptr, i64) -> !llvm.ptr, f32
  %pb = llvm.getelementptr inbounds %b[%i] : (!llvm.ptr, i64) -> !llvm.ptr, f32
  %pc = llvm.getelementptr inbounds %c[%i] : (!llvm.ptr, i64) -> !llvm.ptr, f32
  %x = llvm.load %pa {alignment = 4 : i64} : !llvm.ptr -> f32
  %y = llvm.load %pb {alignment = 4 : i64} : !llvm.ptr -> f32
  %s = llvm.fadd %x, %y : f32
  llvm.store %s, %pc {alignment = 4 : i64} : f32, !llvm.ptr
  %next = llvm.add %i, %one : i64
  llvm.br ^head(%next : i64)
^exit:
  llvm.return
}
"""

# sum(a[0:n]) in f64, the accumulator carried as a block argument (a phi).
SUM = """
llvm.func @sum(%a: !llvm.ptr, %n: i64) -> f64 {
  %zero = llvm.mlir.constant(0 : i64) : i64
  %one = llvm.mlir.constant(1 : i64) : i64
  %init = llvm.mlir.constant(0.0 : f64) : f64
  llvm.br ^head(%zero, %init : i64, f64)
^head(%i: i64, %acc: f64):
  %cont = llvm.icmp "slt" %i, %n : i64
  llvm.cond_br %cont, ^body, ^exit
^body:
  %p = llvm.getelementptr inbounds %a[%i] : (!llvm.ptr, i64) -> !llvm.ptr, f64
  %x = llvm.load %p {alignment = 8 : i64} : !llvm.ptr -> f64
  %acc2 = llvm.fadd %acc, %x : f64
  %next = llvm.add %i, %one : i64
  llvm.br ^head(%next, %acc2 : i64, f64)
^exit:
  llvm.return %acc : f64
}
"""


def vfma(align: str) -> str:
    """c[8k:8k+8] = fma(a, b, c) on `<8 x float>` for k < n8; `align` is the load/store attr-dict."""
    return f"""
llvm.func @vfma(%a: !llvm.ptr {{llvm.noalias}}, %b: !llvm.ptr {{llvm.noalias}}, %c: !llvm.ptr {{llvm.noalias}}, %n8: i64) {{
  %zero = llvm.mlir.constant(0 : i64) : i64
  %one = llvm.mlir.constant(1 : i64) : i64
  llvm.br ^head(%zero : i64)
^head(%k: i64):
  %cont = llvm.icmp "slt" %k, %n8 : i64
  llvm.cond_br %cont, ^body, ^exit
^body:
  %pa = llvm.getelementptr inbounds %a[%k] : (!llvm.ptr, i64) -> !llvm.ptr, vector<8xf32>
  %pb = llvm.getelementptr inbounds %b[%k] : (!llvm.ptr, i64) -> !llvm.ptr, vector<8xf32>
  %pc = llvm.getelementptr inbounds %c[%k] : (!llvm.ptr, i64) -> !llvm.ptr, vector<8xf32>
  %x = llvm.load %pa {align} : !llvm.ptr -> vector<8xf32>
  %y = llvm.load %pb {align} : !llvm.ptr -> vector<8xf32>
  %z = llvm.load %pc {align} : !llvm.ptr -> vector<8xf32>
  %r = llvm.intr.fma(%x, %y, %z) : (vector<8xf32>, vector<8xf32>, vector<8xf32>) -> vector<8xf32>
  llvm.store %r, %pc {align} : vector<8xf32>, !llvm.ptr
  %next = llvm.add %k, %one : i64
  llvm.br ^head(%next : i64)
^exit:
  llvm.return
}}
"""


def module(*functions: str) -> str:
    return "builtin.module {\n" + "\n".join(functions) + "\n}\n"


def parse(text: str) -> ModuleOp:
    return parse_module_xdsl(text, "<test>", make_context())


def offset_f32(n: int, offset_bytes: int, rng: np.random.Generator) -> npt.NDArray[np.float32]:
    """n float32 values starting `offset_bytes` after a 32-byte boundary (numpy can't ask this)."""
    raw = np.zeros(n * 4 + 64 + offset_bytes, dtype=np.uint8)
    start = (-raw.ctypes.data) % 32 + offset_bytes
    array = raw[start : start + n * 4].view(np.float32)
    array[:] = rng.standard_normal(n).astype(np.float32)
    assert array.ctypes.data % 32 == offset_bytes
    return array


def test_vadd_matches_numpy_and_is_vectorised():
    vadd = jit_function(parse(module(VADD)), "vadd")
    rng = np.random.default_rng(0)
    a, b = (
        rng.standard_normal(1027).astype(np.float32),
        rng.standard_normal(1027).astype(np.float32),
    )
    c = np.zeros_like(a)
    assert vadd(a, b, c, 1027) is None
    np.testing.assert_array_equal(c, a + b)
    if host_has_features("avx2"):
        assert "vaddps" in vadd.compiled.assembly()


def test_signature_comes_from_dlir_signature():
    vadd = jit_function(parse(module(VADD)), "vadd")
    assert vadd.signature.args[0] == BufferArg((None,), np.dtype(np.float32))
    assert vadd.signature.describe() == "(float32[?], float32[?], float32[?], int64) -> void"


def test_sum_reduction_returns_a_scalar():
    total = jit_function(parse(module(SUM)), "sum", Signature.parse("f64[?], i64 -> f64"))
    a = np.random.default_rng(1).standard_normal(999)
    assert total(a, a.size) == pytest.approx(float(a.sum()), rel=1e-12)
    assert total(a, 0) == 0.0


@pytest.mark.parametrize("align", ["{alignment = 4 : i64}", ""])
def test_vector_fma_on_arrays_4_bytes_off_32_byte_alignment(align: str):
    """`<8 x float>` loads at 4 mod 32: `align 4` (explicit, or our default for vector accesses
    without `alignment`) makes LLVM emit unaligned moves, so this must not fault."""
    compiled = compile_module(parse(module(vfma(align))))
    assert "load <8 x float>, ptr %" in compiled.llvm_ir() and "align 4" in compiled.llvm_ir()
    if host_has_features("avx2"):
        assert "vmovaps" not in compiled.assembly()
    sig = Signature.parse("f32[64], f32[64], f32[64], i64")
    vfma_fn = CompiledFunction(compiled, "vfma", sig)
    rng = np.random.default_rng(2)
    a, b, c = (offset_f32(64, 4, rng) for _ in range(3))
    expected = a.astype(np.float64) * b + c
    vfma_fn(a, b, c, 8)
    np.testing.assert_allclose(c, expected, rtol=1e-6, atol=1e-6)


def test_translate_gives_unaligned_vector_access_element_alignment():
    text = str(translate_module(parse(module(vfma("")))))
    assert text.count("align 4") == 4  # 3 loads and 1 store of <8 x float>


def test_translate_copies_passthrough_attributes():
    src = module(
        'llvm.func @f() attributes {passthrough = ["nounwind", "noinline"]} {\n  llvm.return\n}'
    )
    text = str(translate_module(parse(src)))
    assert 'define void @"f"() noinline nounwind' in text


def test_translate_mangles_float_intrinsics_used_on_several_types():
    # xDSL declares `llvm.sqrt` unmangled: f32, f64 and vector uses in one module would clash.
    src = module(
        """llvm.func @f(%x: f32, %v: vector<8xf32>, %d: f64) -> f64 {
  %s = llvm.intr.sqrt(%x) : (f32) -> f32
  %w = llvm.intr.sqrt(%v) : (vector<8xf32>) -> vector<8xf32>
  %e = llvm.intr.sqrt(%d) : (f64) -> f64
  %m = llvm.intr.maxnum(%e, %d) : (f64, f64) -> f64
  llvm.return %m : f64
}"""
    )
    original = parse(src)
    text = str(translate_module(original))
    for name in ("llvm.sqrt.f32", "llvm.sqrt.v8f32", "llvm.sqrt.f64", "llvm.maxnum.f64"):
        assert f'@"{name}"' in text
    assert "llvm.intr.sqrt" in str(original)  # the caller's module is left as it was


def test_translate_rejects_non_llvm_ops():
    src = "func.func @f() {\n  func.return\n}\n"
    with pytest.raises(TranslationError, match=r"may hold only 'llvm.func' and 'llvm.mlir.global'"):
        translate_module(parse(src))


@pytest.mark.parametrize("kind", ["llvm", "asm", "obj"])
def test_emit_kinds(kind: str):
    out = emit(parse(module(VADD)), kind)
    if kind == "obj":
        assert isinstance(out, bytes) and out[:4] == b"\x7fELF"
    else:
        assert isinstance(out, str) and "vadd" in out


def test_unknown_function_is_a_jit_error():
    compiled = compile_module(parse(module(VADD)))
    with pytest.raises(
        JitError, match=r"no function @nope in the compiled module \(defined: @vadd\)"
    ):
        compiled.address("nope")


def test_pointer_without_signature_asks_for_one():
    with pytest.raises(
        ArgumentError, match=r"argument 0 is a pointer .* pass an explicit Signature"
    ):
        jit_function(parse(module(SUM)), "sum")


@pytest.fixture(scope="module")
def vadd4() -> CompiledFunction:
    return jit_function(parse(module(VADD)), "vadd", Signature.parse("f32[4], f32[4], f32[4], i64"))


def f32(*shape: int) -> npt.NDArray[np.float32]:
    return np.zeros(shape, dtype=np.float32)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((f32(4), f32(4), f32(4)), r"takes 4 arguments \(float32\[4\], .*got 3"),
        (
            (f32(4), f32(5), f32(4), 4),
            r"argument 1: expected shape float32\[4\], got \(5,\) \(dim 0: 5 != 4\)",
        ),
        ((f32(4), np.zeros(4), f32(4), 4), r"argument 1: expected dtype float32, got float64"),
        (
            (f32(4), f32(2, 2), f32(4), 4),
            r"argument 1: expected rank 1 float32\[4\], got shape \(2, 2\)",
        ),
        ((f32(4), f32(8)[::2], f32(4), 4), r"argument 1: the array must be C-contiguous"),
        (
            ([0.0] * 4, f32(4), f32(4), 4),
            r"argument 0: expected a numpy array float32\[4\], got list",
        ),
        ((f32(4), f32(4), f32(4), 4.0), r"argument 3: expected an integer int64, got float 4.0"),
        (
            (f32(4), f32(4), f32(4), 1 << 63),
            r"argument 3: 9223372036854775808 does not fit in int64",
        ),
        ((f32(4), f32(4), f32(4), f32(1)), r"argument 3: expected a scalar int64, got ndarray"),
    ],
)
def test_wrong_arguments_raise_before_the_call(
    vadd4: CompiledFunction, args: tuple[object, ...], message: str
):
    with pytest.raises(ArgumentError, match=message):
        vadd4(*args)


def test_read_only_array_is_rejected(vadd4: CompiledFunction):
    frozen = f32(4)
    frozen.flags.writeable = False
    with pytest.raises(ArgumentError, match="argument 2: the array is read-only"):
        vadd4(f32(4), f32(4), frozen, 4)


def test_numpy_scalars_are_accepted(vadd4: CompiledFunction):
    a, b, c = np.arange(4, dtype=np.float32), np.ones(4, dtype=np.float32), f32(4)
    vadd4(a, b, c, np.int64(4))
    np.testing.assert_array_equal(c, a + 1)


def test_engine_outlives_the_module_object():
    """The callable alone keeps the JIT engine (and so the machine code) alive."""
    import gc

    fn = jit_function(parse(module(VADD)), "vadd", Signature.parse("f32[2], f32[2], f32[2], i64"))
    gc.collect()
    a = np.ones(2, dtype=np.float32)
    c = f32(2)
    fn(a, a, c, 2)
    np.testing.assert_array_equal(c, [2, 2])
