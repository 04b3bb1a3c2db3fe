"""The `graph` dialect's Python API: builders with inferred result types, verifiers, fusion
categories, the function and call ops."""

from __future__ import annotations

import pytest
from xdsl.dialects import func
from xdsl.dialects.builtin import FunctionType, ModuleOp, bf16, f16, f32, i32
from xdsl.ir import Attribute, Block, Region, SSAValue
from xdsl.utils.exceptions import VerifyException
from xdsl.utils.test_value import create_ssa_value

from dlir.dialects.graph import (
    AddOp,
    AvgPool2dOp,
    BatchMatmulOp,
    BatchNormOp,
    BroadcastToOp,
    CallDpsOp,
    CastOp,
    ClipOp,
    ConcatOp,
    Conv2dOp,
    FlattenOp,
    FuncOp,
    FusionCategory,
    FusionTrait,
    GeluOp,
    GlobalAvgPool2dOp,
    Graph,
    LayerNormOp,
    MatmulOp,
    MaxPool2dOp,
    PadOp,
    ReduceMeanOp,
    ReduceSumOp,
    ReluOp,
    ReshapeOp,
    ReturnOp,
    SliceOp,
    SoftmaxOp,
    TransposeOp,
    fusion_category,
    tensor,
)
from dlir.parser import parse_module, print_module


def value(*shape: int, element_type: Attribute = f32) -> SSAValue:
    """A value of type `tensor<shape x element_type>` with no defining op."""
    return create_ssa_value(tensor(*shape, element_type=element_type))


# --- builders infer their result types ----------------------------------------------------


def test_matmul_infers_result() -> None:
    op = MatmulOp(value(4, 8), value(8, 16))
    assert op.result.type == tensor(4, 16)
    op.verify()


def test_matmul_rejects_mismatched_contraction() -> None:
    with pytest.raises(VerifyException, match="contracting dims differ: 8 vs 7"):
        MatmulOp(value(4, 8), value(7, 16))


def test_explicit_wrong_result_type_fails_verification() -> None:
    op = MatmulOp(value(4, 8), value(8, 16), tensor(4, 15))
    with pytest.raises(
        VerifyException, match=r"result type expected tensor<4x16xf32>, found tensor<4x15xf32>"
    ):
        op.verify()


def test_add_broadcasts_and_names_both_operands() -> None:
    assert AddOp(value(4, 1), value(3)).result.type == tensor(4, 3)
    with pytest.raises(
        VerifyException,
        match=r"operands not broadcastable: tensor<3x4xf32> vs tensor<5xf32>",
    ):
        AddOp(value(3, 4), value(5))


def test_element_types_must_agree() -> None:
    with pytest.raises(VerifyException, match="element types differ: f32 vs f16"):
        AddOp(value(4), value(4, element_type=f16))


def test_batch_matmul_broadcasts_batch_dims() -> None:
    op = BatchMatmulOp(value(8, 1, 4, 16), value(3, 16, 32))
    assert op.result.type == tensor(8, 3, 4, 32)


def test_conv2d_builder_normalises_padding_and_strides() -> None:
    op = Conv2dOp(value(1, 3, 32, 32), value(16, 3, 3, 3), value(16), strides=2, pads=1)
    assert op.strides.get_values() == (2, 2)
    assert op.pads.get_values() == (1, 1, 1, 1)
    assert op.result.type == tensor(1, 16, 16, 16)
    asymmetric = Conv2dOp(value(1, 3, 8, 8), value(4, 3, 3, 3), pads=(0, 1, 2, 1))
    assert asymmetric.result.type == tensor(1, 4, 8, 8)
    op.verify()


def test_conv2d_groups() -> None:
    op = Conv2dOp(value(1, 8, 8, 8), value(8, 1, 3, 3), groups=8, pads=1)
    assert op.result.type == tensor(1, 8, 8, 8)
    with pytest.raises(VerifyException, match="input channels differ: 8 vs weight 2 x groups 2"):
        Conv2dOp(value(1, 8, 8, 8), value(8, 2, 3, 3), groups=2)


def test_pooling_builders() -> None:
    assert MaxPool2dOp(value(1, 8, 7, 7), 2, strides=2).result.type == tensor(1, 8, 3, 3)
    ceil = MaxPool2dOp(value(1, 8, 7, 7), 2, strides=2, ceil_mode=True)
    assert ceil.result.type == tensor(1, 8, 4, 4)
    avg = AvgPool2dOp(value(1, 8, 7, 7), 3, pads=1, count_include_pad=True)
    assert avg.result.type == tensor(1, 8, 7, 7) and avg.count_include_pad is not None
    avg.verify()
    assert GlobalAvgPool2dOp(value(2, 8, 7, 7)).result.type == tensor(2, 8, 1, 1)


def test_ceil_mode_drops_a_window_that_starts_in_the_padding() -> None:
    # PyTorch: MaxPool2d(2, stride=2, padding=1, ceil_mode=True) on 4x4 gives 3x3, not 4x4.
    op = MaxPool2dOp(value(1, 1, 4, 4), 2, strides=2, pads=1, ceil_mode=True)
    assert op.result.type == tensor(1, 1, 3, 3)


def test_avg_pool_needs_floats() -> None:
    op = AvgPool2dOp(value(1, 1, 4, 4, element_type=i32), 2)
    with pytest.raises(VerifyException, match="expected a floating-point element type"):
        op.verify()


def test_norms_and_softmax() -> None:
    x = value(8, 128, 768)
    ln = LayerNormOp(x, value(768), value(768), epsilon=1e-6)
    assert ln.result.type == tensor(8, 128, 768)
    assert ln.epsilon.value.data == 1e-6
    with pytest.raises(VerifyException, match=r"scale type expected tensor<128x768xf32>"):
        LayerNormOp(x, value(768), value(768), axis=1)
    c = value(16)
    assert BatchNormOp(value(2, 16, 4, 4), c, c, c, c).result.type == tensor(2, 16, 4, 4)
    assert SoftmaxOp(value(4, 10), axis=0).axis.value.data == 0
    with pytest.raises(VerifyException, match="axis -3 is out of range for rank 2"):
        SoftmaxOp(value(4, 10), axis=-3)


def test_unary_ops() -> None:
    assert ReluOp(value(3, element_type=i32)).result.type == tensor(3, element_type=i32)
    assert GeluOp(value(3), "tanh").approximate.data == "tanh"
    clip = ClipOp(value(3), 0.0, 6.0)
    assert (clip.min.value.data, clip.max.value.data) == (0.0, 6.0)
    assert CastOp(value(2, 3), bf16).result.type == tensor(2, 3, element_type=bf16)


def test_reductions() -> None:
    assert ReduceSumOp(value(4, 8, 2), [1]).result.type == tensor(4, 2)
    keep = ReduceMeanOp(value(4, 8, 2), [0, -1], keepdims=True)
    assert keep.result.type == tensor(1, 8, 1)
    with pytest.raises(VerifyException, match=r"axes \[1, -1\] name a dim twice"):
        ReduceSumOp(value(4, 8), [1, -1])


def test_shape_ops() -> None:
    x = value(2, 3, 4)
    assert ReshapeOp(x, [6, 4]).result.type == tensor(6, 4)
    assert TransposeOp(x, [2, 0, 1]).result.type == tensor(4, 2, 3)
    with pytest.raises(VerifyException, match=r"perm \[0, 0, 1\] is not a permutation"):
        TransposeOp(x, [0, 0, 1])
    assert ConcatOp([x, value(2, 5, 4)], axis=-2).result.type == tensor(2, 8, 4)
    assert FlattenOp(x).result.type == tensor(2, 12)
    assert FlattenOp(x, axis=-1).result.type == tensor(6, 4)
    assert FlattenOp(x, axis=3).result.type == tensor(24, 1)
    assert PadOp(value(4, 8), [0, 1], [2, 0]).result.type == tensor(6, 9)
    assert SliceOp(value(4, 8), [0, 7], [4, 0], [2, -3]).result.type == tensor(2, 3)
    assert SliceOp(value(4, 8), [1, 2], [3, 8]).steps.get_values() == (1, 1)
    assert BroadcastToOp(value(4, 1), [2, 4, 8]).result.type == tensor(2, 4, 8)


# --- fusion categories --------------------------------------------------------------------


def test_every_operator_declares_a_fusion_category() -> None:
    not_operators = {"graph.func", "graph.return", "graph.constant"}
    for op_class in Graph.operations:
        declared = op_class.get_trait(FusionTrait) is not None
        assert declared == (op_class.name not in not_operators), op_class.name


def test_fusion_categories_follow_tvm() -> None:
    x = value(4, 8)
    assert fusion_category(ReluOp(x)) is FusionCategory.ELEMENTWISE
    assert fusion_category(AddOp(x, value(8))) is FusionCategory.BROADCAST
    assert fusion_category(TransposeOp(x, [1, 0])) is FusionCategory.INJECTIVE
    assert fusion_category(ReduceSumOp(x, [1])) is FusionCategory.REDUCTION
    assert fusion_category(MatmulOp(x, value(8, 2))) is FusionCategory.OUT_FUSABLE
    assert fusion_category(CallDpsOp("k", [x], [tensor(4, 8)])) is FusionCategory.OPAQUE
    assert fusion_category(ReturnOp(x)) is None
    assert str(FusionCategory.OUT_FUSABLE) == "out_fusable"
    assert FusionCategory.ELEMENTWISE < FusionCategory.OPAQUE


# --- functions and calls ------------------------------------------------------------------


def mlp_func() -> FuncOp:
    f = FuncOp("mlp", ([tensor(4, 8), tensor(8, 16), tensor(16)], [tensor(4, 16)]))
    x, w, b = f.args
    block = f.body.block
    mm = MatmulOp(x, w)
    add = AddOp(mm, b)
    relu = ReluOp(add)
    block.add_ops([mm, add, relu, ReturnOp(relu)])
    return f


def test_built_function_prints_like_func_func_and_round_trips() -> None:
    module = ModuleOp([mlp_func()])
    module.verify()
    text = print_module(module)
    assert text.splitlines()[1:3] == [
        "  graph.func @mlp(%0: tensor<4x8xf32>, %1: tensor<8x16xf32>, %2: tensor<16xf32>)"
        " -> tensor<4x16xf32> {",
        "    %3 = graph.matmul %0, %1 : (tensor<4x8xf32>, tensor<8x16xf32>) -> tensor<4x16xf32>",
    ]
    assert print_module(parse_module(text)) == text


def test_return_must_match_the_signature() -> None:
    f = FuncOp("f", ([tensor(4)], [tensor(5)]))
    f.body.block.add_op(ReturnOp(f.args[0]))
    with pytest.raises(VerifyException, match=r"returned types expected \(tensor<5xf32>\)"):
        ModuleOp([f]).verify()


def test_call_dps_checks_the_callee_of_any_variant() -> None:
    kernel = func.FuncOp("kernel", FunctionType.from_lists([tensor(4)], [tensor(4)]))
    kernel.body.block.add_op(func.ReturnOp(kernel.args[0]))
    caller = FuncOp("caller", ([tensor(4)], [tensor(4)]))
    call = CallDpsOp("kernel", [caller.args[0]], [tensor(4)])
    caller.body.block.add_ops([call, ReturnOp(call)])
    ModuleOp([kernel, caller]).verify()

    bad_caller = FuncOp("bad", ([tensor(5)], []))
    bad = CallDpsOp("kernel", [bad_caller.args[0]], [tensor(4)])
    bad_caller.body.block.add_ops([bad, ReturnOp()])
    module = ModuleOp([kernel.clone(), bad_caller])
    with pytest.raises(VerifyException, match=r"callee @kernel input #0 has type tensor<4xf32>"):
        module.verify()


def test_call_dps_outside_a_symbol_table() -> None:
    call = CallDpsOp("kernel", [value(4)], [tensor(4)])
    with pytest.raises(VerifyException, match="no symbol table around the call to @kernel"):
        call.verify()


def test_func_without_body_is_a_declaration() -> None:
    f = FuncOp("external", ([tensor(4)], [tensor(4)]), Region(), "private")
    f.verify()
    assert "graph.func private @external(tensor<4xf32>) -> tensor<4xf32>" in print_module(
        ModuleOp([f])
    )


def test_func_entry_block_must_match_the_signature() -> None:
    f = FuncOp("f", ([tensor(4)], []), Region(Block(arg_types=[tensor(5)])))
    f.body.block.add_op(ReturnOp())
    with pytest.raises(VerifyException, match="entry block argument types expected"):
        f.verify()
