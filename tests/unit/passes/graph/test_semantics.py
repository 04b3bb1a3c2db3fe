"""Each graph pass keeps what a function computes: same outputs before and after, through
the reference interpreter (`dlir.interpret`), on random inputs."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from numpy.typing import NDArray
from xdsl.dialects.builtin import TensorType
from xdsl.ir import Attribute
from xdsl.utils.hints import isa

from dlir.dialects.graph import FuncOp
from dlir.interpreter import interpret
from dlir.interpreter.common import dtype_of
from dlir.ir.context import make_context
from dlir.ir.verify import verify
from dlir.parser import parse_module, print_module
from dlir.passes import run_pipeline

# One function exercising the rewrites of every pass: identities with splat constants
# (and one that broadcasts, which must stay), transpose/reshape chains, no-op casts,
# duplicated subexpressions, dead ops, and a constant subgraph.
PROGRAM = """
graph.func @f(%x: tensor<2x3xf32>, %y: tensor<3xf32>, %w: tensor<3x4xf32>) -> (tensor<2x4xf32>, tensor<4x3x2xf32>, tensor<6xf32>) {
  %zero = graph.constant dense<0.0> : tensor<3xf32>
  %one = graph.constant dense<1.0> : tensor<f32>
  %k = graph.constant dense<[[1.0, -2.0, 3.0], [0.5, 0.25, -1.0]]> : tensor<2x3xf32>
  %k2 = graph.mul %k, %k : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  %a = graph.add %x, %zero : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  %b = graph.mul %one, %a : (tensor<f32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  %c = graph.add %b, %y : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  %c2 = graph.add %b, %y : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  %d = graph.sub %c, %c2 : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  %e = graph.add %d, %k2 : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  %r1 = graph.relu %e : tensor<2x3xf32>
  %r2 = graph.relu %r1 : tensor<2x3xf32>
  %m = graph.matmul %r2, %w : (tensor<2x3xf32>, tensor<3x4xf32>) -> tensor<2x4xf32>
  %n = graph.div %m, %one : (tensor<2x4xf32>, tensor<f32>) -> tensor<2x4xf32>
  %t1 = graph.transpose %c perm [1, 0] : tensor<2x3xf32> -> tensor<3x2xf32>
  %t2 = graph.broadcast_to %t1 : tensor<3x2xf32> -> tensor<4x3x2xf32>
  %t3 = graph.transpose %t2 perm [2, 1, 0] : tensor<4x3x2xf32> -> tensor<2x3x4xf32>
  %t4 = graph.transpose %t3 perm [2, 1, 0] : tensor<2x3x4xf32> -> tensor<4x3x2xf32>
  %s1 = graph.reshape %c : tensor<2x3xf32> -> tensor<3x2xf32>
  %s2 = graph.reshape %s1 : tensor<3x2xf32> -> tensor<6xf32>
  %s3 = graph.cast %s2 : tensor<6xf32> to tensor<6xf32>
  %grow = graph.add %y, %zero : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  %dead = graph.exp %grow : tensor<3xf32>
  graph.return %n, %t4, %s3 : tensor<2x4xf32>, tensor<4x3x2xf32>, tensor<6xf32>
}
"""

PIPELINES = [
    "graph-dce",
    "graph-cse",
    "graph-canonicalize",
    "graph-fold-constants",
    "graph-fold-constants{size_limit=0}",
    "graph-infer-shapes",
    "graph-canonicalize,graph-cse,graph-fold-constants,graph-dce",
]


def random_inputs(func: FuncOp, seed: int) -> list[NDArray[Any]]:
    rng = np.random.default_rng(seed)
    inputs: list[NDArray[Any]] = []
    for t in func.function_type.inputs.data:
        assert isa(t, TensorType[Attribute])
        inputs.append(rng.standard_normal(t.get_shape()).astype(dtype_of(t)))
    return inputs


def outputs(result: NDArray[Any] | tuple[NDArray[Any], ...]) -> tuple[NDArray[Any], ...]:
    return result if isinstance(result, tuple) else (result,)


@pytest.mark.parametrize("pipeline", PIPELINES)
def test_pass_keeps_the_outputs(pipeline: str) -> None:
    ctx = make_context()
    module = parse_module(PROGRAM, "program.mlir", ctx)
    func = module.body.block.first_op
    assert isinstance(func, FuncOp)
    runs = [random_inputs(func, seed) for seed in range(3)]
    before = [outputs(interpret(module, "f", *args, ctx=ctx)) for args in runs]
    text = print_module(module)

    run_pipeline(pipeline, module, ctx)
    verify(module)

    for args, expected in zip(runs, before, strict=True):
        found = outputs(interpret(module, "f", *args, ctx=ctx))
        for e, f in zip(expected, found, strict=True):
            assert e.dtype == f.dtype and e.shape == f.shape
            np.testing.assert_array_equal(f, e)
    # Verified IR already has the inferred types; a zero size limit folds nothing.
    unchanged = pipeline in ("graph-infer-shapes", "graph-fold-constants{size_limit=0}")
    assert (print_module(module) == text) == unchanged
