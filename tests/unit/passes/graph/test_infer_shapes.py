"""graph-infer-shapes from Python: change a function's argument types, re-infer the rest."""

from __future__ import annotations

import pytest
from xdsl.context import Context
from xdsl.dialects.builtin import FunctionType, ModuleOp, i1, i32, i64
from xdsl.ir import Attribute
from xdsl.pattern_rewriter import PatternRewriter
from xdsl.rewriter import InsertPoint

from dlir.dialects.graph import (
    AddOp,
    CallDpsOp,
    ConcatOp,
    ExpOp,
    FlattenOp,
    FuncOp,
    GatherOp,
    GlobalAvgPool2dOp,
    LessOp,
    LrnOp,
    MatmulOp,
    ReduceSumOp,
    ReluOp,
    ReshapeOp,
    ReturnOp,
    TransposeOp,
    WhereOp,
    tensor,
)
from dlir.ir.verify import verify
from dlir.passes.graph.infer_shapes import GraphInferShapesPass, ShapeInferenceError


def retype_args(func: FuncOp, *types: Attribute) -> None:
    """What a re-batching caller does: give the entry block new argument types."""
    block = func.body.block
    rewriter = PatternRewriter(InsertPoint.at_start(block))
    for arg, t in zip(list(block.args), types, strict=True):
        rewriter.replace_value_with_new_type(arg, t)


def mlp() -> tuple[ModuleOp, FuncOp]:
    """relu(x @ w + b) summed over axis 1, also returned transposed, as a graph function."""
    x_t, w_t, b_t = tensor(2, 8), tensor(8, 4), tensor(4)
    func = FuncOp("mlp", ([x_t, w_t, b_t], []))
    x, w, b = func.body.block.args
    ops = [mm := MatmulOp(x, w), add := AddOp(mm, b), relu := ReluOp(add)]
    ops += [s := ReduceSumOp(relu, [1]), t := TransposeOp(relu, [1, 0])]
    func.body.block.add_ops([*ops, ReturnOp(s, t)])
    func.function_type = FunctionType.from_lists([x_t, w_t, b_t], [s.result.type, t.result.type])
    module = ModuleOp([func])
    verify(module)
    return module, func


def test_new_batch_size_propagates_to_the_signature() -> None:
    module, func = mlp()
    retype_args(func, tensor(16, 8), tensor(8, 4), tensor(4))
    GraphInferShapesPass().apply(Context(), module)
    verify(module)
    assert [r.type for r in (op.results[0] for op in func.body.block.ops if op.results)] == [
        tensor(16, 4),
        tensor(16, 4),
        tensor(16, 4),
        tensor(16),
        tensor(4, 16),
    ]
    assert func.function_type.outputs.data == (tensor(16), tensor(4, 16))
    assert func.function_type.inputs.data == (tensor(16, 8), tensor(8, 4), tensor(4))


def test_verified_ir_is_unchanged() -> None:
    module, func = mlp()
    before = str(module)
    GraphInferShapesPass().apply(Context(), module)
    assert str(module) == before
    assert func.function_type.outputs.data == (tensor(2), tensor(4, 2))


def test_impossible_operands_say_which_op_and_why() -> None:
    module, func = mlp()
    retype_args(func, tensor(2, 9), tensor(8, 4), tensor(4))
    with pytest.raises(
        ShapeInferenceError,
        match=r"cannot infer the result type of 'graph.matmul' in @mlp from operands "
        r"\(tensor<2x9xf32>, tensor<8x4xf32>\): contracting dims differ",
    ):
        GraphInferShapesPass().apply(Context(), module)


def test_reshape_keeps_its_target_and_rejects_a_new_element_count() -> None:
    func = FuncOp("f", ([tensor(2, 6)], [tensor(12)]))
    (x,) = func.body.block.args
    r = ReshapeOp(x, [12])
    func.body.block.add_ops([r, ReturnOp(r)])
    module = ModuleOp([func])
    retype_args(func, tensor(3, 4))
    GraphInferShapesPass().apply(Context(), module)
    assert r.result.type == tensor(12)
    retype_args(func, tensor(5, 4))
    with pytest.raises(ShapeInferenceError, match="element count differs: 20"):
        GraphInferShapesPass().apply(Context(), module)


def test_shape_ops_and_pooling_follow_the_input() -> None:
    func = FuncOp("f", ([tensor(1, 3, 5, 5), tensor(1, 3)], []))
    x, y = func.body.block.args
    ops = [g := GlobalAvgPool2dOp(x), f := FlattenOp(g), c := ConcatOp([f, y], 0)]
    func.body.block.add_ops([*ops, ReturnOp(c)])
    func.function_type = FunctionType.from_lists(
        [tensor(1, 3, 5, 5), tensor(1, 3)], [c.result.type]
    )
    module = ModuleOp([func])
    verify(module)
    retype_args(func, tensor(4, 3, 7, 7), tensor(2, 3))
    GraphInferShapesPass().apply(Context(), module)
    verify(module)
    assert func.function_type.outputs.data == (tensor(6, 3),)


def test_onnx_ops_follow_the_input() -> None:
    # lrn(x)[gather rows by ids] where less(x, y) else x: a new batch size reaches the result
    x_t, ids_t, y_t = tensor(2, 4, 3, 3), tensor(5, element_type=i64), tensor(3)
    func = FuncOp("f", ([x_t, ids_t, y_t], []))
    x, ids, y = func.body.block.args
    ops = [n := LrnOp(x, 3), g := GatherOp(n, ids, axis=1), lt := LessOp(g, y)]
    ops += [w := WhereOp(lt, g, y)]
    func.body.block.add_ops([*ops, ReturnOp(w)])
    func.function_type = FunctionType.from_lists([x_t, ids_t, y_t], [w.result.type])
    module = ModuleOp([func])
    verify(module)
    retype_args(func, tensor(6, 4, 3, 3), tensor(2, 7, element_type=i64), y_t)
    GraphInferShapesPass().apply(Context(), module)
    verify(module)
    assert lt.result.type == tensor(6, 2, 7, 3, 3, element_type=i1)
    assert func.function_type.outputs.data == (tensor(6, 2, 7, 3, 3),)


def test_calls_keep_the_callee_types() -> None:
    kernel = FuncOp("k", ([tensor(4)], [tensor(4)]))
    kernel.body.block.add_op(ReturnOp(kernel.body.block.args[0]))
    func = FuncOp("f", ([tensor(4)], [tensor(4)]))
    call = CallDpsOp("k", [func.body.block.args[0]], [tensor(4)])
    func.body.block.add_ops([call, ReturnOp(call)])
    module = ModuleOp([func, kernel])
    verify(module)
    GraphInferShapesPass().apply(Context(), module)
    verify(module)
    assert call.outputs[0].type == tensor(4)


def test_a_call_whose_callee_no_longer_fits_is_an_error() -> None:
    kernel = FuncOp("k", ([tensor(4)], [tensor(4)]))
    kernel.body.block.add_op(ReturnOp(kernel.body.block.args[0]))
    func = FuncOp("f", ([tensor(4)], [tensor(4)]))
    call = CallDpsOp("k", [func.body.block.args[0]], [tensor(4)])
    func.body.block.add_ops([call, ReturnOp(call)])
    module = ModuleOp([func, kernel])
    retype_args(func, tensor(8))
    with pytest.raises(
        ShapeInferenceError, match=r"'graph.call_dps' in @f from operands \(tensor<8xf32>\)"
    ):
        GraphInferShapesPass().apply(Context(), module)


def test_element_type_rules_still_apply() -> None:
    func = FuncOp("f", ([tensor(4)], [tensor(4)]))
    (x,) = func.body.block.args
    e = ExpOp(x)
    func.body.block.add_ops([e, ReturnOp(e)])
    module = ModuleOp([func])
    retype_args(func, tensor(4, element_type=i32))
    with pytest.raises(
        ShapeInferenceError, match="expected a floating-point element type, found i32"
    ):
        GraphInferShapesPass().apply(Context(), module)
