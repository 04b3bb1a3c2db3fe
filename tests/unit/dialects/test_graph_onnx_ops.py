"""The graph ops ONNX models need: builders infer result types, verifiers reject bad operands,
fusion categories as TVM declares them (compare/where broadcast, gather injective, lrn
out-fusable like the poolings)."""

from __future__ import annotations

import pytest
from xdsl.dialects.builtin import f16, f32, i1, i8, i32, i64
from xdsl.ir import Attribute, SSAValue
from xdsl.utils.exceptions import VerifyException
from xdsl.utils.test_value import create_ssa_value

from dlir.dialects.graph import (
    EqualOp,
    FusionCategory,
    GatherOp,
    GreaterOp,
    LessOp,
    LrnOp,
    WhereOp,
    fusion_category,
    tensor,
)


def value(*shape: int, element_type: Attribute = f32) -> SSAValue:
    return create_ssa_value(tensor(*shape, element_type=element_type))


@pytest.mark.parametrize("op", [EqualOp, LessOp, GreaterOp])
def test_comparisons_broadcast_to_i1(op: type[EqualOp | LessOp | GreaterOp]) -> None:
    assert op(value(4, 1), value(3)).result.type == tensor(4, 3, element_type=i1)
    assert op(value(element_type=i64), value(element_type=i64)).result.type == tensor(
        element_type=i1
    )
    with pytest.raises(VerifyException, match="element types differ: f32 vs i32"):
        op(value(3), value(3, element_type=i32))


def test_where_broadcasts_three_operands() -> None:
    where = WhereOp(value(4, 1, 1, element_type=i1), value(1, 3, 1), value(2))
    assert where.result.type == tensor(4, 3, 2)
    with pytest.raises(VerifyException, match="condition expected element type i1, found i8"):
        WhereOp(value(4, element_type=i8), value(4), value(4))
    with pytest.raises(VerifyException, match="element types differ: f32 vs f16"):
        WhereOp(value(4, element_type=i1), value(4), value(4, element_type=f16))


def test_gather_result_shape() -> None:
    data = value(10, 8, 3)
    assert GatherOp(data, value(2, 5, element_type=i64)).result.type == tensor(2, 5, 8, 3)
    assert GatherOp(data, value(4, element_type=i32), 1).result.type == tensor(10, 4, 3)
    assert GatherOp(data, value(element_type=i64), -1).result.type == tensor(10, 8)
    with pytest.raises(VerifyException, match="indices expected element type i32 or i64"):
        GatherOp(data, value(4, element_type=i8))
    with pytest.raises(VerifyException, match="axis 3 is out of range for rank 3"):
        GatherOp(data, value(4, element_type=i32), 3)


def test_lrn_keeps_the_type_and_defaults_to_onnx() -> None:
    lrn = LrnOp(value(1, 16, 7, 7), 5)
    assert lrn.result.type == tensor(1, 16, 7, 7)
    assert (lrn.alpha.value.data, lrn.beta.value.data, lrn.bias.value.data) == (1e-4, 0.75, 1.0)
    with pytest.raises(VerifyException, match="size must be positive, found -1"):
        LrnOp(value(1, 16, 7, 7), -1)
    with pytest.raises(VerifyException, match="expected a floating-point element type"):
        LrnOp(value(1, 16, element_type=i32), 3)


def test_fusion_categories() -> None:
    x, c = value(4, 8), value(4, 8, element_type=i1)
    assert fusion_category(LessOp(x, x)) is FusionCategory.BROADCAST
    assert fusion_category(WhereOp(c, x, x)) is FusionCategory.BROADCAST
    assert fusion_category(GatherOp(x, value(3, element_type=i64))) is FusionCategory.INJECTIVE
    assert fusion_category(LrnOp(value(1, 4, 3, 3), 3)) is FusionCategory.OUT_FUSABLE
