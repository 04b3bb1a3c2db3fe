"""`loop.subview` from Python: building windows, rank reduction, and verifier messages."""

from __future__ import annotations

import pytest
from xdsl.dialects.builtin import IndexType, MemRefType, StridedLayoutAttr, f32
from xdsl.utils.exceptions import VerifyException
from xdsl.utils.test_value import create_ssa_value

from dlir.dialects.loop import IndexExpr, SubviewOp
from dlir.dialects.loop.view import kept_dims, subview_type


def test_a_tile_window_at_an_affine_offset_verifies():
    source = create_ssa_value(MemRefType(f32, [64, 64]))
    i = IndexExpr.of(create_ssa_value(IndexType()))
    view = SubviewOp(
        source, [i * 6, i + 16], subview_type(MemRefType(f32, [64, 64]), [0, 1], [6, 16])
    )
    view.verify()
    assert view.result.type == MemRefType(f32, [6, 16], StridedLayoutAttr([64, 1], None))


def test_rank_reduction_keeps_the_dims_whose_strides_fit():
    source = MemRefType(f32, [1, 8, 5, 6])
    assert kept_dims(source, MemRefType(f32, [4], StridedLayoutAttr([30], None))) == [1]
    assert kept_dims(source, MemRefType(f32, [5, 6], StridedLayoutAttr([6, 1], None))) == [2, 3]
    assert kept_dims(source, MemRefType(f32, [4], StridedLayoutAttr([7], None))) is None


def test_a_constant_window_has_its_exact_offset():
    source = create_ssa_value(MemRefType(f32, [64, 64]))
    wrong = SubviewOp(source, [1, 2], MemRefType(f32, [6, 16], StridedLayoutAttr([64, 1], 5)))
    with pytest.raises(VerifyException, match=r"result offset 5 is wrong: expected \? or 66"):
        wrong.verify()
    SubviewOp(source, [1, 2], MemRefType(f32, [6, 16], StridedLayoutAttr([64, 1], 66))).verify()
