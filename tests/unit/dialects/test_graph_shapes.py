"""Shape inference agrees with numpy: each property computes numpy's answer on zero arrays
(broadcasting, matmul, a real grouped convolution, pooling windows, reshape, transpose,
slicing, ...) and checks that the op infers the same shape, or rejects what numpy rejects."""

from __future__ import annotations

from typing import Any, Literal

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.lib.stride_tricks import sliding_window_view
from numpy.typing import NDArray
from xdsl.ir import SSAValue
from xdsl.utils.exceptions import VerifyException
from xdsl.utils.test_value import create_ssa_value

from dlir.dialects.graph import (
    AddOp,
    AvgPool2dOp,
    BatchMatmulOp,
    BroadcastToOp,
    ConcatOp,
    Conv2dOp,
    FlattenOp,
    MatmulOp,
    MaxPool2dOp,
    PadOp,
    ReduceSumOp,
    ReshapeOp,
    SliceOp,
    TransposeOp,
    tensor,
)

# Small, fast runs: shape inference is cheap, but the machine is shared.
small = settings(max_examples=60, deadline=None)

dims = st.integers(1, 5)
shapes = st.lists(dims, min_size=0, max_size=4).map(tuple)


def value(shape: tuple[int, ...]) -> SSAValue:
    return create_ssa_value(tensor(*shape))


def zeros(shape: tuple[int, ...]) -> NDArray[Any]:
    return np.zeros(shape, np.float32)


def shape_of(op: Any) -> tuple[int, ...]:
    return op.result.type.get_shape()


@st.composite
def broadcast_pair(draw: st.DrawFn) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """Two shapes that often broadcast: the second is the first with dims dropped or set to 1."""
    a = draw(shapes)
    b = [d if draw(st.booleans()) else draw(st.sampled_from([1, d, d + 1])) for d in a]
    return a, tuple(b[draw(st.integers(0, len(b))) :])


@small
@given(broadcast_pair(), st.booleans())
def test_binary_broadcasting_matches_numpy(pair: tuple[Any, Any], swap: bool) -> None:
    a, b = reversed(pair) if swap else pair
    try:
        expected = (zeros(a) + zeros(b)).shape
    except ValueError:
        try:
            AddOp(value(a), value(b))
        except VerifyException as err:
            assert "operands not broadcastable" in str(err)
            return
        raise AssertionError(f"{a} and {b} do not broadcast in numpy") from None
    assert shape_of(AddOp(value(a), value(b))) == expected


@small
@given(broadcast_pair())
def test_broadcast_to_matches_numpy(pair: tuple[Any, Any]) -> None:
    target, source = pair
    try:
        expected = np.broadcast_to(zeros(source), target).shape
    except ValueError:
        try:
            BroadcastToOp(value(source), target)
        except VerifyException:
            return
        raise AssertionError(f"{source} does not broadcast to {target} in numpy") from None
    assert shape_of(BroadcastToOp(value(source), target)) == expected


@small
@given(dims, dims, dims, st.integers(0, 1))
def test_matmul_matches_numpy(m: int, k: int, n: int, off: int) -> None:
    a, b = (m, k), (k + off, n)
    if off:
        try:
            MatmulOp(value(a), value(b))
        except VerifyException as err:
            assert f"contracting dims differ: {k} vs {k + off}" in str(err)
            return
        raise AssertionError("mismatched contraction accepted")
    assert shape_of(MatmulOp(value(a), value(b))) == (zeros(a) @ zeros(b)).shape


@small
@given(broadcast_pair(), dims, dims, dims)
def test_batch_matmul_matches_numpy(batch: tuple[Any, Any], m: int, k: int, n: int) -> None:
    a, b = (*batch[0], m, k), (*batch[1], k, n)
    try:
        expected = np.matmul(zeros(a), zeros(b)).shape
    except ValueError:
        try:
            BatchMatmulOp(value(a), value(b))
        except VerifyException as err:
            assert "batch dims not broadcastable" in str(err)
            return
        raise AssertionError(f"numpy rejects {a} @ {b}") from None
    assert shape_of(BatchMatmulOp(value(a), value(b))) == expected


def windows(
    x: NDArray[Any],
    kernel: tuple[int, int],
    strides: tuple[int, int],
    pads: tuple[int, int, int, int],
    dilations: tuple[int, int] = (1, 1),
) -> NDArray[Any]:
    """All (dilated, strided) windows of a zero-padded NCHW array: (n, c, oh, ow, kh, kw)."""
    top, left, bottom, right = pads
    padded = np.pad(x, ((0, 0), (0, 0), (top, bottom), (left, right)))
    span = tuple(d * (k - 1) + 1 for k, d in zip(kernel, dilations, strict=True))
    view = sliding_window_view(padded, span, axis=(2, 3))
    return view[:, :, :: strides[0], :: strides[1], :: dilations[0], :: dilations[1]]


@small
@given(
    n=st.integers(1, 2),
    groups=st.integers(1, 3),
    in_per_group=st.integers(1, 2),
    out_per_group=st.integers(1, 2),
    size=st.tuples(st.integers(1, 9), st.integers(1, 9)),
    kernel=st.tuples(st.integers(1, 4), st.integers(1, 4)),
    strides=st.tuples(st.integers(1, 3), st.integers(1, 3)),
    pads=st.tuples(*[st.integers(0, 2)] * 4),
    dilations=st.tuples(st.integers(1, 2), st.integers(1, 2)),
)
def test_conv2d_matches_a_numpy_convolution(
    n: int,
    groups: int,
    in_per_group: int,
    out_per_group: int,
    size: tuple[int, int],
    kernel: tuple[int, int],
    strides: tuple[int, int],
    pads: tuple[int, int, int, int],
    dilations: tuple[int, int],
) -> None:
    c, o = groups * in_per_group, groups * out_per_group
    x_shape, w_shape = (n, c, *size), (o, in_per_group, *kernel)

    def build() -> Conv2dOp:
        return Conv2dOp(
            value(x_shape),
            value(w_shape),
            value((o,)),
            strides=strides,
            pads=pads,
            dilations=dilations,
            groups=groups,
        )

    try:
        win = windows(zeros(x_shape), kernel, strides, pads, dilations)
    except ValueError:  # the dilated kernel is larger than the padded image
        try:
            build()
        except VerifyException as err:
            assert "does not fit in padded size" in str(err)
            return
        raise AssertionError("conv2d accepted a kernel larger than its input") from None
    _, _, oh, ow, kh, kw = win.shape
    grouped = win.reshape(n, groups, in_per_group, oh, ow, kh, kw)
    weight = zeros(w_shape).reshape(groups, out_per_group, in_per_group, kh, kw)
    out = np.einsum("ngcyxij,gocij->ngoyx", grouped, weight).reshape(n, o, oh, ow)
    op = build()
    assert shape_of(op) == out.shape
    op.verify()


@small
@given(
    size=st.tuples(st.integers(1, 9), st.integers(1, 9)),
    kernel=st.tuples(st.integers(1, 4), st.integers(1, 4)),
    strides=st.tuples(st.integers(1, 3), st.integers(1, 3)),
    pads=st.tuples(*[st.integers(0, 3)] * 4),
    average=st.booleans(),
)
def test_pooling_matches_numpy_windows(
    size: tuple[int, int],
    kernel: tuple[int, int],
    strides: tuple[int, int],
    pads: tuple[int, int, int, int],
    average: bool,
) -> None:
    shape = (1, 2, *size)
    pool = AvgPool2dOp if average else MaxPool2dOp
    top, left, bottom, right = pads
    if max(top, bottom) >= kernel[0] or max(left, right) >= kernel[1]:
        try:
            pool(value(shape), kernel, strides=strides, pads=pads)
        except VerifyException as err:
            assert "must be smaller than the kernel" in str(err)
            return
        raise AssertionError("a window entirely in the padding was accepted")
    try:
        expected = windows(zeros(shape), kernel, strides, pads).max(axis=(-2, -1)).shape
    except ValueError:
        try:
            pool(value(shape), kernel, strides=strides, pads=pads)
        except VerifyException:
            return
        raise AssertionError("a kernel larger than its input was accepted") from None
    assert shape_of(pool(value(shape), kernel, strides=strides, pads=pads)) == expected


@small
@given(
    size=st.integers(1, 12),
    kernel=st.integers(1, 4),
    stride=st.integers(1, 4),
    lead=st.integers(0, 3),
    trail=st.integers(0, 3),
)
def test_ceil_mode_keeps_windows_that_start_inside(
    size: int, kernel: int, stride: int, lead: int, trail: int
) -> None:
    if max(lead, trail) >= kernel or lead + size + trail < kernel:
        return
    # ceil_mode pads the end by up to stride - 1 more; PyTorch then keeps only the windows
    # that start inside the input or its leading padding.
    extended = np.zeros(lead + size + trail + stride - 1)
    starts = range(0, len(sliding_window_view(extended, kernel)), stride)
    expected = sum(1 for p in starts if p < lead + size)
    op = MaxPool2dOp(
        value((1, 1, size, 1)),
        (kernel, 1),
        strides=(stride, 1),
        pads=(lead, 0, trail, 0),
        ceil_mode=True,
    )
    assert shape_of(op)[2] == expected


@small
@given(shapes, st.data())
def test_reshape_matches_numpy(shape: tuple[int, ...], data: st.DataObject) -> None:
    target = data.draw(st.one_of(st.permutations(shape).map(tuple), shapes))
    try:
        expected = zeros(shape).reshape(target).shape
    except ValueError:
        try:
            ReshapeOp(value(shape), target)
        except VerifyException as err:
            assert "element count differs" in str(err)
            return
        raise AssertionError(f"reshape {shape} -> {target} accepted") from None
    assert shape_of(ReshapeOp(value(shape), target)) == expected


@small
@given(shapes, st.data())
def test_transpose_matches_numpy(shape: tuple[int, ...], data: st.DataObject) -> None:
    perm = tuple(data.draw(st.permutations(range(len(shape)))))
    assert shape_of(TransposeOp(value(shape), perm)) == np.transpose(zeros(shape), perm).shape


@small
@given(shapes, st.data())
def test_slice_matches_numpy(shape: tuple[int, ...], data: st.DataObject) -> None:
    starts: list[int] = []
    ends: list[int] = []
    steps: list[int] = []
    for d in shape:
        starts.append(data.draw(st.integers(-d - 2, d + 2)))
        ends.append(data.draw(st.integers(-d - 2, d + 2)))
        steps.append(data.draw(st.integers(-3, 3).filter(bool)))
    index = tuple(slice(*s) for s in zip(starts, ends, steps, strict=True))
    op = SliceOp(value(shape), starts, ends, steps)
    assert shape_of(op) == zeros(shape)[index].shape
    op.verify()


@small
@given(shapes, st.data(), st.booleans())
def test_reduce_matches_numpy(shape: tuple[int, ...], data: st.DataObject, keep: bool) -> None:
    rank = len(shape)
    axes: list[int] = []
    if rank:
        axes = data.draw(st.lists(st.integers(-rank, rank - 1), unique_by=lambda a: a % rank))
    expected = np.sum(zeros(shape), axis=tuple(axes), keepdims=keep).shape
    assert shape_of(ReduceSumOp(value(shape), axes, keepdims=keep)) == expected


@small
@given(st.lists(dims, min_size=1, max_size=4), st.data())
def test_concat_matches_numpy(shape: list[int], data: st.DataObject) -> None:
    axis = data.draw(st.integers(-len(shape), len(shape) - 1))
    parts: list[tuple[int, ...]] = []
    for _ in range(data.draw(st.integers(1, 3))):
        part = list(shape)
        part[axis] = data.draw(dims)
        parts.append(tuple(part))
    expected = np.concatenate([zeros(p) for p in parts], axis=axis).shape
    assert shape_of(ConcatOp([value(p) for p in parts], axis)) == expected


@small
@given(shapes, st.data())
def test_flatten_matches_onnx(shape: tuple[int, ...], data: st.DataObject) -> None:
    axis = data.draw(st.integers(-len(shape), len(shape)))
    split = axis + len(shape) if axis < 0 else axis
    expected = zeros(shape).reshape(int(np.prod(shape[:split])), int(np.prod(shape[split:]))).shape
    assert shape_of(FlattenOp(value(shape), axis)) == expected


@small
@given(
    st.lists(dims, min_size=1, max_size=4).map(tuple),
    st.data(),
    st.sampled_from(["constant", "reflect", "edge"]),
)
def test_pad_matches_numpy(
    shape: tuple[int, ...], data: st.DataObject, mode: Literal["constant", "reflect", "edge"]
) -> None:
    low = [data.draw(st.integers(0, 3)) for _ in shape]
    high = [data.draw(st.integers(0, 3)) for _ in shape]
    if mode == "reflect" and any(
        max(lo, hi) >= d for d, lo, hi in zip(shape, low, high, strict=True)
    ):
        # numpy reflects repeatedly; graph.pad reflects once, so padding must stay within the dim.
        try:
            PadOp(value(shape), low, high, mode)
        except VerifyException as err:
            assert "reflect padding" in str(err)
            return
        raise AssertionError("reflect padding larger than the dim accepted")
    expected = np.pad(zeros(shape), list(zip(low, high, strict=True)), mode=mode).shape
    assert shape_of(PadOp(value(shape), low, high, mode)) == expected
