"""The examples run under the interpreter; bad calls fail with messages that say why."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from numpy.typing import NDArray
from xdsl.dialects.builtin import ModuleOp

import dlir
from dlir.interpreter import InterpreterError
from dlir.parser import parse_module

Array = NDArray[Any]
EXAMPLES = Path(__file__).parent.parent.parent.parent / "examples"
rng = np.random.default_rng(3)


def rand(*shape: int, scale: float = 1.0) -> Array:
    return (rng.uniform(-1, 1, size=shape) * scale).astype(np.float32)


def example(name: str) -> ModuleOp:
    return parse_module((EXAMPLES / name).read_text(), name)


def test_mlp() -> None:
    x = rand(64, 784)
    w1, b1 = rand(784, 256, scale=0.1), rand(256)
    w2, b2 = rand(256, 128, scale=0.1), rand(128)
    w3, b3 = rand(128, 10, scale=0.1), rand(10)
    out = dlir.interpret(example("mlp.mlir"), "mlp", x, w1, b1, w2, b2, w3, b3)
    h = np.maximum(x.astype(np.float64) @ w1 + b1, 0)
    h = np.maximum(h @ w2 + b2, 0)
    logits = h @ w3 + b3
    e = np.exp(logits - logits.max(axis=1, keepdims=True))
    assert isinstance(out, np.ndarray) and out.shape == (64, 10) and out.dtype == np.float32
    np.testing.assert_allclose(out, e / e.sum(axis=1, keepdims=True), rtol=1e-4, atol=1e-6)


def conv_same(x: Array, w: Array) -> Array:
    """3x3 convolution with padding 1, by shifting the padded input once per kernel position."""
    n, _, h, wd = x.shape
    xp = np.pad(x, [(0, 0), (0, 0), (1, 1), (1, 1)])
    out = np.zeros((n, w.shape[0], h, wd))
    for p in range(3):
        for q in range(3):
            out += np.tensordot(
                xp[:, :, p : p + h, q : q + wd], w[:, :, p, q], axes=([1], [1])
            ).transpose(0, 3, 1, 2)
    return out


def test_cnn() -> None:
    def stats(c: int) -> list[Array]:
        return [rand(c), rand(c), rand(c), rand(c) + 1.5]

    x, w1, b1 = rand(8, 3, 32, 32), rand(16, 3, 3, 3), rand(16)
    s1, w2, s2 = stats(16), rand(32, 16, 3, 3, scale=0.3), stats(32)
    wd, bd = rand(32, 10), rand(10)
    out = dlir.interpret(example("cnn.mlir"), "cnn", x, w1, b1, *s1, w2, *s2, wd, bd)

    def bn(y: Array, s: list[Array]) -> Array:
        g, beta, m, v = (a.reshape(1, -1, 1, 1) for a in s)
        return (y - m) / np.sqrt(v + 1e-5) * g + beta

    y = np.maximum(bn(conv_same(x, w1) + b1.reshape(1, -1, 1, 1), s1), 0)
    y = y.reshape(8, 16, 16, 2, 16, 2).max(axis=(3, 5))
    y = np.maximum(bn(conv_same(y, w2), s2), 0)
    expected = y.mean(axis=(2, 3)) @ wd + bd
    np.testing.assert_allclose(out, expected, rtol=1e-4, atol=1e-4)


def test_unified_kernel_runs_and_loop_func_is_refused() -> None:
    module = example("unified.mlir")
    x, w = rand(64, 256), rand(256, 128)
    out = dlir.interpret(module, "dense_relu", x, w)
    np.testing.assert_allclose(out, np.maximum(x @ w, 0), rtol=1e-4, atol=1e-5)
    with pytest.raises(InterpreterError, match=r"cannot interpret loop.func yet \(@halve\)"):
        dlir.interpret(module, "layer", x, w)
    with pytest.raises(InterpreterError, match=r"cannot interpret loop\.func yet"):
        dlir.interpret(module, "halve", out)


F = """
graph.func @f(%a: tensor<4x8xf32>, %b: tensor<8xf32>) -> tensor<4x8xf32> {
  %c = graph.add %a, %b : (tensor<4x8xf32>, tensor<8xf32>) -> tensor<4x8xf32>
  graph.return %c : tensor<4x8xf32>
}
"""


def test_argument_errors() -> None:
    module = parse_module(F)
    a, b = rand(4, 8), rand(8)
    with pytest.raises(
        InterpreterError,
        match=r"argument #1 of @f expects tensor<8xf32> \(a float32 array of shape \(8,\)\), "
        r"got float64 array of shape \(9,\)",
    ):
        dlir.interpret(module, "f", a, np.zeros(9))
    with pytest.raises(InterpreterError, match=r"argument #0 of @f .* got float16 array"):
        dlir.interpret(module, "f", a.astype(np.float16), b)
    with pytest.raises(
        InterpreterError, match=r"@f takes 2 arguments \(tensor<4x8xf32>, tensor<8xf32>\), got 1"
    ):
        dlir.interpret(module, "f", a)
    with pytest.raises(InterpreterError, match="got a list; pass numpy arrays"):
        dlir.interpret(module, "f", a, [0.0] * 8)
    with pytest.raises(InterpreterError, match="no symbol @g in the module"):
        dlir.interpret(module, "g", a, b)


def test_inputs_are_not_modified_and_results_are_fresh() -> None:
    text = F.replace(
        "%c = graph.add %a, %b : (tensor<4x8xf32>, tensor<8xf32>) -> tensor<4x8xf32>", ""
    )
    module = parse_module(text.replace("graph.return %c", "graph.return %a"))
    a, b = rand(4, 8), rand(8)
    out = dlir.interpret(module, "f", a, b)
    assert isinstance(out, np.ndarray)
    out[0, 0] = 42
    assert a[0, 0] != 42


def test_unknown_ops_are_reported() -> None:
    text = """
    func.func @f(%a: tensor<4xi32>) -> tensor<4xi32> {
      %e = math.ctlz %a : tensor<4xi32>
      func.return %e : tensor<4xi32>
    }
    """
    with pytest.raises(InterpreterError, match=r"cannot interpret math\.ctlz in @f"):
        dlir.interpret(parse_module(text), "f", np.arange(4, dtype=np.int32))


def test_lazy_attribute_keeps_import_light() -> None:
    import subprocess
    import sys

    code = "import dlir, sys; assert 'xdsl' not in sys.modules and 'numpy' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)
    assert callable(dlir.interpret)
