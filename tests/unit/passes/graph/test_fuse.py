"""`graph-fuse` + `graph-to-te`: fused programs against unfused ones and the interpreter.

    dense + bias + relu, 3x3 blur, the mlp and cnn examples, random graphs
    ->  interpret(original) == interpret(fused graph) == native fused == native unfused

The pipelines are spelled out (not `compile-cpu`) so that fusion is the only difference
between the two native programs.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from numpy.typing import NDArray
from xdsl.dialects.builtin import ModuleOp, TensorType, f32
from xdsl.ir import Operation, SSAValue

import dlir
from dlir.dialects import graph
from dlir.dialects.graph.common import tensor_type
from dlir.dialects.te.kernel import KernelOp
from dlir.ir.context import make_context
from dlir.parser import parse_module
from dlir.passes import PIPELINES, PassManager
from dlir.passes.graph.fuse import fusion_groups, is_fused

Array = NDArray[Any]

LOWER = "graph-to-te,te-to-loop,graph-to-loop,loop-to-llvm"
FUSED = f"graph-fuse,{LOWER}"
EXAMPLES = Path(__file__).parents[4] / "examples"
KEPT = ("graph.func", "graph.return", "graph.call_dps", "graph.constant")


def dense_text(m: int, k: int, n: int, bias: tuple[int, ...]) -> str:
    x, w, b, y = (f"tensor<{'x'.join(map(str, s))}xf32>" for s in ((m, k), (k, n), bias, (m, n)))
    return f"""graph.func @dense(%x: {x}, %w: {w}, %b: {b}) -> {y} {{
  %0 = graph.matmul %x, %w : ({x}, {w}) -> {y}
  %1 = graph.add %0, %b : ({y}, {b}) -> {y}
  %2 = graph.relu %1 : {y}
  graph.return %2 : {y}
}}
"""


def blur_text(h: int, w: int) -> str:
    """The benchmark's 3x3 blur: two stencils of slices, adds and a division by 3."""
    x, bx, y = f"tensor<{h + 2}x{w + 2}xf32>", f"tensor<{h + 2}x{w}xf32>", f"tensor<{h}x{w}xf32>"
    lines = [
        f"graph.func @blur(%x: {x}) -> {y} {{",
        "  %three = graph.constant dense<3.0> : tensor<f32>",
    ]
    for i in range(3):
        lines.append(
            f"  %c{i} = graph.slice %x starts [0, {i}] ends [{h + 2}, {w + i}] steps [1, 1] : {x} -> {bx}"
        )
    lines += [
        f"  %cs = graph.add %c0, %c1 : ({bx}, {bx}) -> {bx}",
        f"  %csum = graph.add %cs, %c2 : ({bx}, {bx}) -> {bx}",
        f"  %blur_x = graph.div %csum, %three : ({bx}, tensor<f32>) -> {bx}",
    ]
    for i in range(3):
        lines.append(
            f"  %r{i} = graph.slice %blur_x starts [{i}, 0] ends [{h + i}, {w}] steps [1, 1] : {bx} -> {y}"
        )
    lines += [
        f"  %rs = graph.add %r0, %r1 : ({y}, {y}) -> {y}",
        f"  %rsum = graph.add %rs, %r2 : ({y}, {y}) -> {y}",
        f"  %blur_y = graph.div %rsum, %three : ({y}, tensor<f32>) -> {y}",
        f"  graph.return %blur_y : {y}",
        "}",
    ]
    return "\n".join(lines) + "\n"


def random_inputs(module: ModuleOp, name: str, low: float = -1.0) -> list[Array]:
    func = next(f for f in module.ops if isinstance(f, graph.FuncOp) and f.sym_name.data == name)
    rng = np.random.default_rng(0)
    shapes = [tuple(tensor_type(a).get_shape()) for a in func.body.block.args]
    return [rng.uniform(low, 1, s).astype(np.float32) for s in shapes]


def run_pipeline(module: ModuleOp, pipeline: str) -> ModuleOp:
    result = module.clone()
    PassManager.parse(pipeline, make_context()).run(result)
    return result


def kernel_count(module: ModuleOp, fuse: bool) -> int:
    """Kernel calls the graph functions make after graph-to-te (all kernels, no graph op left)."""
    lowered = run_pipeline(module, "graph-fuse,graph-to-te" if fuse else "graph-to-te")
    calls = 0
    for op in lowered.walk():
        assert not op.name.startswith("graph.") or op.name in KEPT, op.name
        calls += isinstance(op, graph.CallDpsOp)
    assert any(isinstance(op, KernelOp) for op in lowered.ops)
    return calls


def assert_close(got: Array, want: Array, what: str, tol: float = 1e-5) -> None:
    scale = max(1.0, float(np.max(np.abs(want), initial=0.0)))
    error = float(np.max(np.abs(got.astype(np.float64) - want), initial=0.0))
    assert got.shape == want.shape, f"{what}: shape {got.shape}, want {want.shape}"
    assert error <= tol * scale, f"{what}: max error {error:.3g} (scale {scale:.3g})"


def check_all_ways(
    module: ModuleOp, name: str, *, unfused: bool = True, tol: float = 1e-5, low: float = -1.0
) -> None:
    """interpret(original) == interpret(fused graph) == native fused (== native unfused).

    `tol` allows for float32 sums in another order than numpy's (long dot products)."""
    inputs = random_inputs(module, name, low)
    want = dlir.interpret(module, name, *inputs)
    assert isinstance(want, np.ndarray)
    fused_graph = run_pipeline(module, "graph-fuse")
    assert_close(np.asarray(dlir.interpret(fused_graph, name, *inputs)), want, "fused graph")
    got = dlir.compile(module, FUSED)[name](*inputs)
    assert isinstance(got, np.ndarray)
    assert_close(got, want, "native fused", tol)
    if unfused:
        plain = dlir.compile(module, LOWER)[name](*inputs)
        assert isinstance(plain, np.ndarray)
        assert_close(plain, got, "native unfused vs fused", tol)


def test_dense_bias_relu_is_one_kernel_and_matches() -> None:
    module = parse_module(dense_text(7, 13, 33, (33,)))
    assert (kernel_count(module, False), kernel_count(module, True)) == (3, 1)
    check_all_ways(module, "dense")


def test_dense_with_column_bias_matches() -> None:
    check_all_ways(parse_module(dense_text(5, 3, 1, (5, 1))), "dense")


def test_blur_is_one_kernel_and_matches() -> None:
    module = parse_module(blur_text(13, 7))
    assert (kernel_count(module, False), kernel_count(module, True)) == (12, 1)
    check_all_ways(module, "blur")


def test_mlp_example_matches() -> None:
    module = parse_module((EXAMPLES / "mlp.mlir").read_text())
    assert kernel_count(module, True) < kernel_count(module, False)
    check_all_ways(module, "mlp", unfused=False, tol=1e-4)  # dot products of 784 terms


def test_cnn_example_matches() -> None:
    module = parse_module((EXAMPLES / "cnn.mlir").read_text())
    assert kernel_count(module, True) < kernel_count(module, False)
    check_all_ways(module, "cnn", unfused=False, tol=1e-4, low=0.1)  # variances > 0


def test_a_stage_named_like_one_of_its_axes_is_renamed() -> None:
    # a conv2d result %y would name its stage "y", one of its own axes (n, o, y, x)
    module = parse_module(
        """graph.func @f(%x: tensor<1x2x5x5xf32>, %w: tensor<3x2x3x3xf32>) -> tensor<1x3x3x3xf32> {
  %y = graph.conv2d %x, %w : (tensor<1x2x5x5xf32>, tensor<3x2x3x3xf32>) -> tensor<1x3x3x3xf32>
  %x1 = graph.relu %y : tensor<1x3x3x3xf32>
  graph.return %x1 : tensor<1x3x3x3xf32>
}"""
    )
    assert kernel_count(module, True) == 1
    check_all_ways(module, "f")


UNARY: dict[str, Callable[[SSAValue], Operation]] = {
    "relu": graph.ReluOp,
    "tanh": graph.TanhOp,
    "sigmoid": graph.SigmoidOp,
    "softmax": graph.SoftmaxOp,
    "row_sum": lambda v: graph.ReduceSumOp(v, [1], True),
    "transpose": lambda v: graph.TransposeOp(v, [1, 0]),
}
BINARY: dict[str, Callable[[SSAValue, SSAValue], Operation]] = {
    "add": graph.AddOp,
    "mul": graph.MulOp,
    "maximum": graph.MaximumOp,
}
sizes = st.sampled_from([1, 2, 3, 5, 8, 13])


def _shape(value: SSAValue) -> tuple[int, ...]:
    return tuple(tensor_type(value).get_shape())


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_random_graph_fused_matches_interpreter(data: st.DataObject) -> None:
    """Chains with reuse (a value read by several later ops, or returned and read) fused
    and compiled agree with the interpreter on the original graph."""
    rows, cols = data.draw(sizes, "rows"), data.draw(sizes, "cols")
    func = graph.FuncOp("g", ([TensorType(f32, [rows, cols])], []))
    block = func.body.block
    values: list[SSAValue] = [block.args[0]]

    def add(op: Operation) -> SSAValue:
        block.add_op(op)
        return op.results[0]

    for step in range(data.draw(st.integers(2, 7), "steps")):
        current = values[-1] if data.draw(st.booleans(), f"last {step}") else values[0]
        kind = data.draw(st.sampled_from(["unary", "binary", "matmul"]), f"kind {step}")
        if kind == "unary":
            name = data.draw(st.sampled_from(sorted(UNARY)), f"unary {step}")
            values.append(add(UNARY[name](current)))
        elif kind == "binary":
            name = data.draw(st.sampled_from(sorted(BINARY)), f"binary {step}")
            m, n = _shape(current)
            same = [v for v in values if _shape(v) in ((m, n), (n,), (m, 1), (1, n))]
            other = data.draw(st.sampled_from(same), f"rhs {step}")
            values.append(add(BINARY[name](current, other)))
        else:
            k = _shape(current)[1]
            n = data.draw(sizes, f"width {step}")
            weight = block.insert_arg(TensorType(f32, [k, n]), len(block.args))
            values.append(add(graph.MatmulOp(current, weight)))
    outputs = [values[-1]]
    if len(values) > 2 and data.draw(st.booleans(), "two results"):
        outputs.insert(0, values[len(values) // 2])
    block.add_op(graph.ReturnOp(*outputs))
    func.function_type = graph.FuncOp(
        "g", ([a.type for a in block.args], [v.type for v in outputs])
    ).function_type
    module = ModuleOp([func])
    module.verify()

    inputs = random_inputs(module, "g")
    want = dlir.interpret(module, "g", *inputs)
    wants: list[Array] = list(want) if isinstance(want, tuple | list) else [want]
    fused = run_pipeline(module, "graph-fuse")
    fused.verify()
    same = dlir.interpret(fused, "g", *inputs)  # the same numpy ops, grouped: bit-identical
    for s, w in zip(same if isinstance(same, tuple | list) else [same], wants, strict=True):
        np.testing.assert_array_equal(s, w)
    got = dlir.compile(module, FUSED)["g"](*inputs)
    gots: list[Array] = list(got) if isinstance(got, tuple | list) else [got]
    for index, (g, w) in enumerate(zip(gots, wants, strict=True)):
        assert_close(np.asarray(g), np.asarray(w), f"result #{index}")


def test_fusion_groups_keep_each_value_computed_once() -> None:
    """Every non-final op of a group has all its users inside the group."""
    module = parse_module((EXAMPLES / "cnn.mlir").read_text())
    func = next(f for f in module.ops if isinstance(f, graph.FuncOp))
    groups = fusion_groups(func)
    assert groups
    for ops in groups:
        members = set(ops)
        for op in ops[:-1]:
            assert all(u.operation in members for r in op.results for u in r.uses), op.name


def test_fused_functions_are_private_and_marked() -> None:
    fused = run_pipeline(parse_module(dense_text(4, 4, 4, (4,))), "graph-fuse")
    funcs = [f for f in fused.ops if isinstance(f, graph.FuncOp)]
    marked = [f for f in funcs if is_fused(f)]
    assert [f.sym_name.data for f in marked] == ["fused_matmul_add_relu"]
    assert marked[0].sym_visibility is not None and marked[0].sym_visibility.data == "private"


def test_default_pipeline_fuses() -> None:
    """`dlir.compile`'s default pipeline folds batch norms, then fuses: the blur runs as one kernel."""
    assert (
        "graph-fold-batch-norm,graph-alter-layout,graph-fuse,graph-to-te,"
        in PIPELINES["compile-cpu"][0]
    )
    module = parse_module(blur_text(5, 9))
    inputs = random_inputs(module, "blur")
    want = dlir.interpret(module, "blur", *inputs)
    got = dlir.compile(module)["blur"](*inputs)
    assert isinstance(got, np.ndarray) and isinstance(want, np.ndarray)
    assert_close(got, want, "compile-cpu")
