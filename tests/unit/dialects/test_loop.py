"""The `loop` dialect's Python API: builders, index expressions, helpers."""

from __future__ import annotations

from collections.abc import Sequence

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from xdsl.builder import Builder
from xdsl.dialects.arith import ConstantOp
from xdsl.dialects.builtin import (
    AffineMapAttr,
    IndexType,
    MemRefType,
    ModuleOp,
    StringAttr,
    VectorType,
    f32,
    i32,
)
from xdsl.ir import BlockArgument, SSAValue
from xdsl.ir.affine import AffineBinaryOpExpr, AffineBinaryOpKind, AffineExpr, AffineMap
from xdsl.utils.exceptions import VerifyException
from xdsl.utils.test_value import create_ssa_value

from dlir.dialects.loop import (
    AllocOp,
    ForOp,
    FuncOp,
    IndexExpr,
    LoadOp,
    LoopKind,
    MinOp,
    StoreOp,
    VLoadOp,
    build_access,
    canonical_access,
    constant_index,
)
from dlir.parser import parse_module_xdsl, print_module

d0, d1, d2 = AffineExpr.dimension(0), AffineExpr.dimension(1), AffineExpr.dimension(2)


def index() -> SSAValue:
    return create_ssa_value(IndexType())


def const(value: int) -> ConstantOp:
    return ConstantOp.from_int_and_width(value, IndexType())


def test_for_builder_makes_an_induction_variable_and_a_yield() -> None:
    lb, ub, step = const(0), const(10), const(3)
    loop = ForOp(lb, ub, step, kind=LoopKind.PARALLEL)
    loop.verify()
    assert isinstance(loop.induction_var.type, IndexType)
    assert loop.loop_kind == LoopKind.PARALLEL
    assert loop.body.block.last_op is not None and loop.body.block.last_op.name == "loop.yield"
    assert loop.trip_count() == 4


def test_for_builder_takes_width_and_factor() -> None:
    lb, ub, step = const(0), const(64), const(1)
    vec = ForOp(lb, ub, step, kind=LoopKind.VECTORIZED, vector_width=8)
    unr = ForOp(lb, ub, step, kind=LoopKind.UNROLLED, unroll_factor=4)
    vec.verify()
    unr.verify()
    assert vec.vector_width is not None and vec.vector_width.value.data == 8
    assert unr.unroll_factor is not None and unr.unroll_factor.value.data == 4


def test_for_with_body_fills_the_body_before_the_yield() -> None:
    buf = create_ssa_value(MemRefType(IndexType(), [64]))
    inner: list[ForOp] = []

    def outer_body(b: Builder, i: SSAValue) -> None:
        def inner_body(b: Builder, j: SSAValue) -> None:
            b.insert(StoreOp(j, buf, [IndexExpr.of(i) * 8 + j]))

        loop = ForOp.with_body(
            const(0), const(8), const(1), inner_body, LoopKind.VECTORIZED, vector_width=8
        )
        inner.append(b.insert(loop))

    outer = ForOp.with_body(const(0), const(8), const(1), outer_body, LoopKind.PARALLEL)
    outer.verify()
    assert [op.name for op in outer.body.block.ops] == ["loop.for", "loop.yield"]
    store = inner[0].body.block.first_op
    assert isinstance(store, StoreOp)
    assert tuple(store.indices) == (outer.induction_var, inner[0].induction_var)
    assert store.map.data == AffineMap(2, 0, (d0 * 8 + d1,))


def test_for_trip_count_is_none_for_dynamic_bounds() -> None:
    loop = ForOp(const(0), index(), const(1))
    assert loop.trip_count() is None
    with pytest.raises(VerifyException, match="fully unrolled loop needs constant bounds"):
        ForOp(const(0), index(), const(1), kind=LoopKind.UNROLLED).verify()


def test_for_rejects_width_on_a_parallel_loop() -> None:
    loop = ForOp(const(0), const(8), const(1), kind=LoopKind.PARALLEL, vector_width=8)
    with pytest.raises(VerifyException, match="only vectorized loops take a vector width"):
        loop.verify()


def test_constant_index() -> None:
    assert constant_index(const(7).result) == 7
    assert constant_index(index()) is None


def test_index_expr_builds_compound_access() -> None:
    io, ii, k = index(), index(), index()
    i = IndexExpr.of(io)
    map, operands = build_access([i * 64 + ii, k])
    assert operands == (io, ii, k)
    assert map == AffineMap(3, 0, (d0 * 64 + d1, d2))


def test_index_expr_merges_repeated_values_and_constants() -> None:
    i, j = index(), index()
    map, operands = build_access([IndexExpr.of(i) - j + i, 5, 2 * IndexExpr.of(j) % 4])
    assert operands == (i, j)
    assert map == AffineMap(2, 0, (d0 - d1 + d0, AffineExpr.constant(5), (d1 * 2) % 4))


def test_index_expr_rejects_non_positive_divisors() -> None:
    i = IndexExpr.of(index())
    with pytest.raises(ValueError, match="expected a positive divisor, found 0"):
        i.ceildiv(0)


def test_canonical_access_drops_unused_and_orders_by_first_use() -> None:
    a, b, c = index(), index(), index()
    map, operands = canonical_access(AffineMap(3, 0, (d2 + 1, d0 * 2)), [a, b, c])
    assert operands == (c, a)
    assert map == AffineMap(2, 0, (d0 + 1, d1 * 2))


def test_canonical_access_merges_duplicate_operands() -> None:
    a = index()
    map, operands = canonical_access(AffineMap(2, 0, (d0 + d1,)), [a, a])
    assert operands == (a,)
    assert map == AffineMap(1, 0, (d0 + d0,))


def test_load_from_map_canonicalises_and_verifies() -> None:
    buf = create_ssa_value(MemRefType(f32, [8, 8]))
    i, j = index(), index()
    load = LoadOp.from_map(buf, AffineMap(2, 0, (d1, d0)), [i, j])
    load.verify()
    assert tuple(load.indices) == (j, i)
    assert load.map.data == AffineMap.identity(2)
    assert load.result.type == f32


def test_load_rejects_a_non_canonical_map() -> None:
    buf = create_ssa_value(MemRefType(f32, [8, 8]))
    i, j = index(), index()
    reordered = LoadOp.create(
        operands=[buf, i, j],
        properties={"map": AffineMapAttr(AffineMap(2, 0, (d1, d0)))},
        result_types=[f32],
    )
    with pytest.raises(VerifyException, match="index map is not in canonical form"):
        reordered.verify()


def test_store_and_vload_builders() -> None:
    buf = create_ssa_value(MemRefType(f32, [4, 64]))
    i, j = index(), index()
    StoreOp(create_ssa_value(f32), buf, [i, IndexExpr.of(j) * 8]).verify()
    vload = VLoadOp(buf, [i, IndexExpr.of(j) * 8], VectorType(f32, [8]))
    vload.verify()


def test_func_inputs_and_outputs() -> None:
    mem = MemRefType(f32, [16])
    fn = FuncOp("k", [mem, IndexType()], [mem, mem])
    fn.verify()
    assert [a.index for a in fn.inputs] == [0, 1]
    assert [a.index for a in fn.outputs] == [2, 3]


def test_func_rejects_a_scalar_output() -> None:
    fn = FuncOp("k", [MemRefType(f32, [16])], [i32])
    with pytest.raises(VerifyException, match=r"output 0 \(argument 1\) must be a memref, found i32"):
        fn.verify()


def test_alloc_builder() -> None:
    alloc = AllocOp(MemRefType(f32, [6, 16], memory_space=StringAttr("local")), "local", 64)
    alloc.verify()
    assert alloc.scope.data == "local"
    with pytest.raises(VerifyException, match="memory space differs from the scope"):
        AllocOp(MemRefType(f32, [6, 16], memory_space=StringAttr("local")), "global").verify()


def test_min_needs_two_operands() -> None:
    MinOp(index(), index()).verify()
    with pytest.raises(VerifyException, match="expected at least 2 operands, found 1"):
        MinOp(index()).verify()


# Random affine expressions over four index values: printing then parsing gives the same map.
def _exprs(values: tuple[SSAValue, ...]) -> st.SearchStrategy[IndexExpr]:
    leaves = st.one_of(
        st.sampled_from(values).map(IndexExpr.of),
        st.integers(-20, 20).map(IndexExpr.of),
    )

    def extend(children: st.SearchStrategy[IndexExpr]) -> st.SearchStrategy[IndexExpr]:
        factor = st.integers(-5, 5)
        divisor = st.integers(1, 6)
        return st.one_of(
            st.tuples(children, children).map(lambda p: p[0] + p[1]),
            st.tuples(children, children).map(lambda p: p[0] - p[1]),
            st.tuples(children, factor).map(lambda p: p[0] * p[1]),
            st.tuples(children, divisor).map(lambda p: p[0] // p[1]),
            st.tuples(children, divisor).map(lambda p: p[0] % p[1]),
            st.tuples(children, divisor).map(lambda p: p[0].ceildiv(p[1])),
            children.map(lambda e: -e),
        )

    return st.recursive(leaves, extend, max_leaves=8)


def _arg_positions(values: Sequence[SSAValue]) -> list[int]:
    """Which function arguments `values` are (all of them must be arguments)."""
    positions = [v.index for v in values if isinstance(v, BlockArgument)]
    assert len(positions) == len(values)
    return positions


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_random_index_expressions_round_trip(data: st.DataObject) -> None:
    rank = data.draw(st.integers(1, 3))
    fn = FuncOp("k", [IndexType()] * 4, [MemRefType(f32, [64] * rank)])
    module = ModuleOp([fn])
    indices = [data.draw(_exprs(fn.args[:4])) for _ in range(rank)]
    load = LoadOp(fn.outputs[0], indices)
    ret = fn.body.block.last_op
    assert ret is not None
    fn.body.block.insert_op_before(load, ret)
    load.verify()

    text = print_module(module)
    again = parse_module_xdsl(text)
    assert print_module(again) == text
    reparsed = next(op for op in again.walk() if isinstance(op, LoadOp))
    assert reparsed.map.data == load.map.data
    assert _arg_positions(reparsed.indices) == _arg_positions(load.indices)


def test_load_rejects_non_affine_and_out_of_range_maps() -> None:
    buf = create_ssa_value(MemRefType(f32, [8]))
    i, j = index(), index()
    product = AffineBinaryOpExpr(AffineBinaryOpKind.Mul, d0, d1)
    cases = [
        (AffineMap(2, 0, (product,)), "index expression is not affine: "),
        (AffineMap(2, 0, (d2,)), "index expression d2 uses d2, but the map has 2 dims"),
    ]
    for map, message in cases:
        op = LoadOp.create(
            operands=[buf, i, j], properties={"map": AffineMapAttr(map)}, result_types=[f32]
        )
        with pytest.raises(VerifyException, match=message):
            op.verify()
