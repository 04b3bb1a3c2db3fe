"""The NCHWc convolution micro-kernel: its parameters, its IR (prints and parses back), and
its implementation run natively against its behavior (`hw-inline`, also compiled) and
numpy, on windows of larger buffers at odd sizes (register-tile tails, 8- and 16-channel
blocks, strides 1 and 2, 1x1 and 3x3 kernels, several channel blocks)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from numpy.typing import NDArray
from xdsl.dialects.builtin import ModuleOp

from dlir.backends.llvm.callable import jit_function
from dlir.backends.llvm.jit import host_has_features
from dlir.intrinsics import IntrinsicError, build, declare
from dlir.intrinsics.conv import tile_plan
from dlir.parser import parse_module, print_module
from dlir.passes import run_pipeline

Array = NDArray[np.float32]


def _shape(dims: list[int]) -> str:
    return "x".join(map(str, dims))


def _strides(dims: list[int]) -> list[int]:
    out: list[int] = []
    step = 1
    for d in reversed(dims):
        out.append(step)
        step *= d
    return out[::-1]


def conv_program(name: str, types: list[str], big: list[list[int]], at: list[list[int]]) -> str:
    """`loop.func @run(I, W, O)` calling `@name` once on windows of the three buffers at
    offsets `at` (the windows keep the last dims of each buffer)."""
    args = ", ".join(
        f"%{v}: memref<{_shape(dims)}xf32>" for v, dims in zip("IWO", big, strict=True)
    )
    lines = [f"loop.func @run({args}) attributes {{num_outputs = 1 : i64}} {{"]
    for v, dims, offsets, view in zip("IWO", big, at, types, strict=True):
        index = ", ".join(map(str, offsets))
        lines.append(
            f"  %{v.lower()} = loop.subview %{v}[{index}] : memref<{_shape(dims)}xf32> to {view}"
        )
    lines.append(f"  hw.call @{name}(%i, %w, %o) : ({', '.join(types)}) -> ()")
    lines += ["  loop.return", "}"]
    return "\n".join(lines)


def view_types(
    columns: int, nr: int, cb: int, block: int, kh: int, kw: int, stride: int, ob: int
) -> tuple[list[list[int]], list[str]]:
    """Buffers larger than the windows (an extra channel block, rows, columns, an output
    row stride > nr) and the windows' static types."""
    span = (columns - 1) * stride + kw
    big_i = [cb + 1, kh + 2, span + 3, block]
    big_w = [2, cb + 1, kh, kw, block, ob]
    big_o = [columns + 1, ob + 8]
    si, sw, so = _strides(big_i), _strides(big_w), _strides(big_o)
    types = [
        f"memref<{cb}x{kh}x{span}x{block}xf32, strided<{si}, offset: ?>>",
        f"memref<{cb}x{kh}x{kw}x{block}x{nr}xf32, strided<{sw[1:]}, offset: ?>>",
        f"memref<{columns}x{nr}xf32, strided<{so}, offset: ?>>",
    ]
    return [big_i, big_w, big_o], types


def run_conv(
    *,
    columns: int,
    nr: int = 16,
    cb: int = 1,
    block: int = 16,
    kh: int = 3,
    kw: int = 3,
    stride: int = 1,
    ob: int | None = None,
    seed: int = 0,
) -> None:
    ob = ob or nr
    params: dict[str, int | str] = dict(
        columns=columns, nr=nr, channels=cb * block, kh=kh, kw=kw, stride=stride, block=block, ob=ob
    )
    intrinsic = build("conv2d_nchwc_microkernel", **params)
    big, types = view_types(columns, nr, cb, block, kh, kw, stride, ob)
    at = [[1, 1, 2, 0], [1, 1, 0, 0, 0, ob - nr], [1, 8 if ob + 8 - nr >= 8 else 0]]
    text = conv_program(intrinsic.name, types, big, at)
    rng = np.random.default_rng(seed)
    i, w, o = (rng.standard_normal(dims).astype(np.float32) for dims in big)
    results: list[Array] = []
    for inline in (False, True):
        module = parse_module(text)
        declare(module, "conv2d_nchwc_microkernel", **params)
        run_pipeline("hw-inline,loop-to-llvm" if inline else "loop-to-llvm", module)
        out = o.copy()
        jit_function(module, "run")(i, w, out)
        results.append(out)
    # numpy: the windows, then O[x, co] += sum I[cb, ry, x * stride + rx, ci] W[cb, ry, rx, ci, co]
    span = (columns - 1) * stride + kw
    iw = i[1 : 1 + cb, 1 : 1 + kh, 2 : 2 + span, :].astype(np.float64)
    ww = w[1, 1 : 1 + cb, :, :, :, ob - nr : ob].astype(np.float64)
    expected = o.astype(np.float64)
    c0 = at[2][1]
    for x in range(columns):
        window = iw[:, :, x * stride : x * stride + kw, :]
        expected[1 + x, c0 : c0 + nr] += np.einsum("abcd,abcde->e", window, ww)
    native, inlined = results
    np.testing.assert_allclose(native, expected, rtol=2e-5, atol=2e-4)
    np.testing.assert_allclose(inlined, expected, rtol=2e-5, atol=2e-4)
    # outside the window O is untouched
    mask = np.ones(o.shape, bool)
    mask[1 : 1 + columns, c0 : c0 + nr] = False
    assert np.array_equal(native[mask], o[mask])


native = pytest.mark.skipif(
    not host_has_features("avx2", "fma"), reason="the micro-kernel needs avx2 and fma"
)


@native
@pytest.mark.parametrize(
    "params",
    [
        dict(columns=13),  # 6 + 4 + 3 columns: a full register tile, then two tails
        dict(columns=1, kh=1, kw=1),
        dict(columns=7, cb=3, block=8, stride=2),
        dict(columns=12, nr=8, cb=2, block=8, kh=1, kw=3),  # one 12 x 8 register tile
        dict(columns=9, nr=16, ob=32, kh=3, kw=1),  # 16 of the weights' 32 channels
        dict(columns=56, cb=2, kh=3, kw=3),  # 8 x 6 + 4 + 4
    ],
    ids=["tails", "1x1", "block8-stride2", "nr8", "ob32", "row56"],
)
def test_kernel_matches_its_behavior_and_numpy(params: dict[str, int]) -> None:
    run_conv(**params)


@native
@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    columns=st.integers(1, 15),
    cb=st.integers(1, 2),
    block=st.sampled_from([8, 16]),
    k=st.sampled_from([1, 3]),
    stride=st.integers(1, 2),
    nr=st.sampled_from([8, 16]),
    seed=st.integers(0, 100),
)
def test_random_windows(
    columns: int, cb: int, block: int, k: int, stride: int, nr: int, seed: int
) -> None:
    run_conv(columns=columns, cb=cb, block=block, kh=k, kw=k, stride=stride, nr=nr, seed=seed)


def test_tile_plan_leaves_no_narrow_tail() -> None:
    assert tile_plan(56, 6) == [(8, 6), (2, 4)]
    assert tile_plan(13, 6) == [(1, 6), (1, 4), (1, 3)]
    assert tile_plan(28, 6) == [(4, 6), (1, 4)]
    assert tile_plan(12, 6) == [(2, 6)]
    assert tile_plan(2, 6) == [(1, 2)]
    for columns in range(1, 40):
        groups = tile_plan(columns, 6)
        assert sum(count * width for count, width in groups) == columns
        assert all(width <= 6 and count >= 1 for count, width in groups)
        assert columns < 4 or all(width >= 3 for _, width in groups)


def test_the_name_spells_the_contract_and_the_ir_parses_back() -> None:
    conv = build("conv2d_nchwc_microkernel", columns=56, channels=64)
    assert conv.name == "conv_nchwc_56x16_c4x16_k3x3_s1_o16"
    i, w, o = (arg.type for arg in conv.op.buffers)
    assert str(i) == "memref<4x3x58x16xf32, strided<[?, ?, 16, 1], offset: ?>>"
    assert str(w) == "memref<4x3x3x16x16xf32, strided<[2304, 768, 256, 16, 1], offset: ?>>"
    assert str(o) == "memref<56x16xf32, strided<[?, 1], offset: ?>>"
    module = ModuleOp([])
    declare(module, "conv2d_nchwc_microkernel", columns=7, channels=8, block=8, stride=2)
    module.verify()
    text = print_module(module)
    assert print_module(parse_module(text)) == text


@pytest.mark.parametrize(
    ("params", "message"),
    [
        (dict(columns=4, channels=24), "must be one of (8, 16) and divide the 24 channels"),
        (dict(columns=4, channels=16, nr=12), "nr a multiple of 8"),
        (dict(columns=4, channels=16, register_columns=7), "needs 14 accumulator registers"),
        (dict(columns=4, channels=16, nr=16, ob=24), "output block 24 is not a multiple"),
        (dict(columns=4, channels=16, stride=0), "must all be at least 1"),
    ],
)
def test_bad_parameters_are_refused(params: dict[str, int], message: str) -> None:
    with pytest.raises(IntrinsicError, match=message.replace("(", r"\(").replace(")", r"\)")):
        build("conv2d_nchwc_microkernel", **params)
