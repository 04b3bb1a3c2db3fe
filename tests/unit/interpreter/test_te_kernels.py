"""te kernels evaluated over their index spaces, compared with numpy; calls into them."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from numpy.typing import NDArray

import dlir
from dlir.dialects.te.builder import matmul_kernel
from dlir.interpreter import InterpreterError, te_kernels
from dlir.ir import IRModule
from dlir.parser import parse_module

Array = NDArray[Any]
rng = np.random.default_rng(2)


def rand(*shape: int) -> Array:
    return rng.uniform(-1, 1, size=shape).astype(np.float32)


@pytest.mark.parametrize(("m", "n", "k"), [(1, 1, 1), (3, 7, 13), (13, 3, 1)])
def test_matmul_kernel(m: int, n: int, k: int) -> None:
    module = IRModule()
    module.add(matmul_kernel("mm", m, n, k))
    a, b = rand(m, k), rand(k, n)
    out = dlir.interpret(module, "mm", a, b)
    assert isinstance(out, np.ndarray) and out.dtype == np.float32
    np.testing.assert_allclose(out, a.astype(np.float64) @ b, rtol=1e-5, atol=1e-6)


def test_matmul_split_into_boxes(monkeypatch: pytest.MonkeyPatch) -> None:
    # A tiny box limit cuts both spatial and reduction axes; the result must not change.
    monkeypatch.setattr(te_kernels, "BOX_LIMIT", 5)
    module = IRModule()
    module.add(matmul_kernel("mm", 7, 3, 13))
    a, b = rand(7, 13), rand(13, 3)
    np.testing.assert_allclose(dlir.interpret(module, "mm", a, b), a @ b, rtol=1e-5, atol=1e-6)


CHAIN = """
te.kernel @chain(%A: tensor<3x7xf32>, %B: tensor<7xf32>) -> tensor<3x7xf32> {
  %S = te.compute "S" (%i: 3, %j: 7) {
    %a = te.read %A[%i, %j] : tensor<3x7xf32> -> f32
    %b = te.read %B[%j] : tensor<7xf32> -> f32
    %s = arith.addf %a, %b : f32
    %two = arith.constant 2.0 : f32
    %m = arith.mulf %s, %two : f32
    %e = math.exp %m : f32
    %n = arith.negf %e : f32
    %t = math.tanh %n : f32
    te.yield %t : f32
  } : tensor<3x7xf32>
  %R = te.compute "R" (%i: 3, %j: 7) {
    %s = te.read %S[%i, %j] : tensor<3x7xf32> -> f32
    %zero = arith.constant -0.5 : f32
    %gt = arith.cmpf ogt, %s, %zero : f32
    %r = arith.select %gt, %s, %zero : f32
    te.yield %r : f32
  } : tensor<3x7xf32>
  te.return %R : tensor<3x7xf32>
}
"""


def test_elementwise_chain() -> None:
    a, b = rand(3, 7), rand(7)
    s = np.tanh(-np.exp((a + b) * 2))
    expected = np.where(s > -0.5, s, -0.5)
    out = dlir.interpret(parse_module(CHAIN), "chain", a, b)
    np.testing.assert_allclose(out, expected, rtol=1e-6)


STENCIL = """
te.kernel @blur(%A: tensor<13xf32>) -> tensor<11xf32> {
  %B = te.compute "B" (%i: 11) {
    %c1 = arith.constant 1 : index
    %c2 = arith.constant 2 : index
    %i1 = arith.addi %i, %c1 : index
    %i2 = arith.addi %i, %c2 : index
    %a0 = te.read %A[%i] : tensor<13xf32> -> f32
    %a1 = te.read %A[%i1] : tensor<13xf32> -> f32
    %a2 = te.read %A[%i2] : tensor<13xf32> -> f32
    %s = arith.addf %a0, %a1 : f32
    %t = arith.addf %s, %a2 : f32
    %three = arith.constant 3.0 : f32
    %m = arith.divf %t, %three : f32
    te.yield %m : f32
  } : tensor<11xf32>
  te.return %B : tensor<11xf32>
}
"""


def test_stencil() -> None:
    a = rand(13)
    expected = np.array([(a[i] + a[i + 1] + a[i + 2]) / 3 for i in range(11)])
    np.testing.assert_allclose(
        dlir.interpret(parse_module(STENCIL), "blur", a), expected, rtol=1e-6
    )


def test_out_of_bounds_read_is_an_error() -> None:
    text = STENCIL.replace("tensor<11xf32>", "tensor<12xf32>").replace("(%i: 11)", "(%i: 12)")
    with pytest.raises(InterpreterError, match=r"reads index 13 of dim 0 .* must be in \[0, 13\)"):
        dlir.interpret(parse_module(text), "blur", rand(13))


ROWMAX = """
te.kernel @rowmax(%A: tensor<7x13xf32>) -> tensor<7xf32> {
  %M = te.compute "M" (%i: 7) reduce (%k: 13) combiner max init 0xFF800000 : f32 {
    %a = te.read %A[%i, %k] : tensor<7x13xf32> -> f32
    te.yield %a : f32
  } : tensor<7xf32>
  te.return %M : tensor<7xf32>
}
"""


def test_max_reduction() -> None:
    a = rand(7, 13) - 5  # all below zero: the -inf init must not win
    out = dlir.interpret(parse_module(ROWMAX), "rowmax", a)
    np.testing.assert_array_equal(out, a.max(axis=1))


INTEGERS = """
te.kernel @ints(%A: tensor<6xi32>, %B: tensor<6xi32>) -> (tensor<6xi32>, tensor<6xf32>) {
  %Q = te.compute "Q" (%i: 6) {
    %a = te.read %A[%i] : tensor<6xi32> -> i32
    %b = te.read %B[%i] : tensor<6xi32> -> i32
    %q = arith.divsi %a, %b : i32
    %r = arith.remsi %a, %b : i32
    %f = arith.floordivsi %a, %b : i32
    %ten = arith.constant 10 : i32
    %qr = arith.muli %q, %ten : i32
    %s = arith.addi %qr, %r : i32
    %t = arith.muli %s, %ten : i32
    %u = arith.addi %t, %f : i32
    te.yield %u : i32
  } : tensor<6xi32>
  %F = te.compute "F" (%i: 6) reduce (%k: 6) combiner add init 0.0 : f32 {
    %a = te.read %A[%k] : tensor<6xi32> -> i32
    %x = arith.sitofp %a : i32 to f32
    %ii = arith.index_cast %i : index to i32
    %ki = arith.index_cast %k : index to i32
    %le = arith.cmpi sle, %ki, %ii : i32
    %zero = arith.constant 0.0 : f32
    %v = arith.select %le, %x, %zero : f32
    te.yield %v : f32
  } : tensor<6xf32>
  te.return %Q, %F : tensor<6xi32>, tensor<6xf32>
}
"""


def test_integer_ops_and_two_results() -> None:
    a = np.array([7, -7, 7, -7, 9, -1], dtype=np.int32)
    b = np.array([2, 2, -2, -2, 3, 4], dtype=np.int32)
    q, f = dlir.interpret(parse_module(INTEGERS), "ints", a, b)
    trunc = [int(x / y) for x, y in zip(a.tolist(), b.tolist(), strict=True)]
    rem = [x - t * y for x, y, t in zip(a.tolist(), b.tolist(), trunc, strict=True)]
    floor = [x // y for x, y in zip(a.tolist(), b.tolist(), strict=True)]
    assert q.tolist() == [
        (t * 10 + r) * 10 + fl for t, r, fl in zip(trunc, rem, floor, strict=True)
    ]
    assert f.dtype == np.float32 and f.tolist() == np.cumsum(a).astype(np.float32).tolist()


CALLS = """
graph.func @main(%x: tensor<3x7xf32>, %w: tensor<7x13xf32>, %b: tensor<13xf32>) -> tensor<3x13xf32> {
  %y = graph.call_dps @dense(%x, %w) : (tensor<3x7xf32>, tensor<7x13xf32>) -> tensor<3x13xf32>
  %z = graph.call_dps @bias_relu(%y, %b) : (tensor<3x13xf32>, tensor<13xf32>) -> tensor<3x13xf32>
  graph.return %z : tensor<3x13xf32>
}
te.kernel @dense(%X: tensor<3x7xf32>, %W: tensor<7x13xf32>) -> tensor<3x13xf32> {
  %D = te.compute "D" (%i: 3, %j: 13) reduce (%k: 7) combiner add init 0.0 : f32 {
    %a = te.read %X[%i, %k] : tensor<3x7xf32> -> f32
    %b = te.read %W[%k, %j] : tensor<7x13xf32> -> f32
    %p = arith.mulf %a, %b : f32
    te.yield %p : f32
  } : tensor<3x13xf32>
  te.return %D : tensor<3x13xf32>
}
func.func @bias_relu(%y: tensor<3x13xf32>, %b: tensor<13xf32>) -> tensor<3x13xf32> {
  %s = graph.add %y, %b : (tensor<3x13xf32>, tensor<13xf32>) -> tensor<3x13xf32>
  %r = graph.relu %s : tensor<3x13xf32>
  func.return %r : tensor<3x13xf32>
}
func.func @twice(%y: tensor<3x13xf32>, %b: tensor<13xf32>) -> tensor<3x13xf32> {
  %r = func.call @bias_relu(%y, %b) : (tensor<3x13xf32>, tensor<13xf32>) -> tensor<3x13xf32>
  %s = func.call @bias_relu(%r, %b) : (tensor<3x13xf32>, tensor<13xf32>) -> tensor<3x13xf32>
  func.return %s : tensor<3x13xf32>
}
"""


def test_call_dps_graph_to_te_and_func() -> None:
    x, w, b = rand(3, 7), rand(7, 13), rand(13)
    out = dlir.interpret(parse_module(CALLS), "main", x, w, b)
    np.testing.assert_allclose(out, np.maximum(x @ w + b, 0), rtol=1e-5, atol=1e-6)
    y = rand(3, 13)
    twice = dlir.interpret(parse_module(CALLS), "twice", y, b)
    np.testing.assert_allclose(twice, np.maximum(np.maximum(y + b, 0) + b, 0), rtol=1e-6)


TENSOR_ARITH = """
func.func @scale(%x: tensor<2x3xf16>) -> (tensor<2x3xf16>, tensor<2x3xbf16>) {
  %c = arith.constant dense<[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]> : tensor<2x3xf16>
  %y = arith.mulf %x, %c : tensor<2x3xf16>
  %z = graph.cast %y : tensor<2x3xf16> to tensor<2x3xbf16>
  func.return %y, %z : tensor<2x3xf16>, tensor<2x3xbf16>
}
"""


def test_arith_on_tensors_in_f16_and_bf16() -> None:
    # f16 computes natively; bf16 values are float32 arrays rounded to bf16's 8-bit mantissa.
    x = np.array([[1.5, -2.25, 3.1], [0.1, 1000.3, -7.0]], dtype=np.float16)
    y, z = dlir.interpret(parse_module(TENSOR_ARITH), "scale", x)
    expected = x * np.array([[1, 2, 3], [4, 5, 6]], dtype=np.float16)
    assert y.dtype == np.float16 and np.array_equal(y, expected)
    assert z.dtype == np.float32
    bits = z.view(np.uint32)
    assert np.all(bits & 0xFFFF == 0)  # representable in bf16
    np.testing.assert_allclose(z, expected.astype(np.float32), rtol=2**-8)
