"""The kernel workloads of the benchmark harness, each a dlir graph program plus its numpy twins.

A workload carries the graph text that `dlir.compile` builds, random inputs, a float64
reference, a numpy implementation into preallocated buffers (the baseline every system is
compared with), its work (flop or compulsory bytes, counted as `/work/shared/ANCHORS.md`
does) and where the peers' scripts report the same kernel. For instance the matmul:

    graph.func @matmul(%a: tensor<1024x1024xf32>, %b: tensor<1024x1024xf32>) -> tensor<1024x1024xf32> {
      %c = graph.matmul %a, %b : (tensor<1024x1024xf32>, tensor<1024x1024xf32>) -> tensor<1024x1024xf32>
      graph.return %c : tensor<1024x1024xf32>
    }

`full()` gives the issue's sizes, `quick()` small odd sizes for the smoke test. A hand
schedule for a workload, if there is one, is `schedules/<name>.mlir` (`schedule_file`): the
same function written as a `te.kernel` with a `te.schedule`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from numpy.lib.stride_tricks import sliding_window_view

F32 = npt.NDArray[np.float32]
F64 = npt.NDArray[np.float64]
Array = npt.NDArray[Any]  # an input: F32, or int16 for the u16 blur

SCHEDULES = Path(__file__).resolve().parent / "schedules"


@dataclass(frozen=True)
class Peer:
    """Where the peers report this workload: a script of the peers directory and its name there."""

    script: str
    workload: str
    systems: tuple[str, ...]
    env: dict[str, str] = field(default_factory=dict[str, str])


@dataclass(frozen=True)
class Workload:
    """One kernel: its dlir graph program and the numpy baseline it is checked and timed against."""

    name: str
    title: str
    func: str
    text: str
    shapes: tuple[tuple[int, ...], ...]
    reference: Callable[[Sequence[Array]], F64]
    numpy_impl: Callable[[Sequence[Array]], Callable[[], Array]]
    work: float
    unit: str  # "GFLOP/s" (work in flop) or "GB/s" (work in bytes)
    tol: float  # max |dlir - reference| / max |reference| accepted
    peer: Peer | None = None
    dtype: str = "float32"  # of the inputs: "float32", or "int16" holding values 0..4095

    def inputs(self, seed: int = 0) -> list[Array]:
        rng = np.random.default_rng(seed)
        if self.dtype == "int16":
            # u16 images of 12-bit pixels, as the peers' blur: sums of three stay below
            # 2^15, so signless i16 arithmetic and Halide's u16 agree bit for bit.
            return [rng.integers(0, 1 << 12, shape).astype(np.int16) for shape in self.shapes]
        return [rng.standard_normal(shape, dtype=np.float32) for shape in self.shapes]

    def schedule_file(self, directory: Path = SCHEDULES) -> Path:
        """Where the hand schedule of this workload is (the file may not exist)."""
        return directory / f"{self.name}.mlir"


def _tensor(shape: Sequence[int]) -> str:
    return "tensor<" + "x".join(str(d) for d in shape) + "xf32>"


def _f64(x: Array) -> F64:
    return x.astype(np.float64)


# --- matmul -------------------------------------------------------------------------------


def matmul(n: int) -> Workload:
    """C = A @ B, square, f32."""
    t = _tensor((n, n))
    text = f"""graph.func @matmul(%a: {t}, %b: {t}) -> {t} {{
  %c = graph.matmul %a, %b : ({t}, {t}) -> {t}
  graph.return %c : {t}
}}
"""

    def numpy_impl(xs: Sequence[Array]) -> Callable[[], Array]:
        a, b = xs
        out = np.empty((n, n), np.float32)
        return lambda: np.matmul(a, b, out=out)

    return Workload(
        name=f"matmul_{n}",
        title=f"matmul {n}x{n}x{n}",
        func="matmul",
        text=text,
        shapes=((n, n), (n, n)),
        reference=lambda xs: _f64(xs[0]) @ _f64(xs[1]),
        numpy_impl=numpy_impl,
        work=2.0 * n**3,
        unit="GFLOP/s",
        tol=1e-4,
        peer=Peer(
            "bench_matmul.py",
            f"matmul_{n}",
            ("numpy", "ort", "tvm", "tvm_ms", "halide", "halide_blas"),
            {"PEERS_MATMUL_SIZES": str(n)},
        ),
    )


# --- conv2d -------------------------------------------------------------------------------


def conv2d(ci: int, co: int, h: int, w: int, k: int = 3) -> Workload:
    """k x k convolution (k odd), stride 1, "same" padding, NCHW input, OIHW weight, batch 1."""
    x, wt, y = _tensor((1, ci, h, w)), _tensor((co, ci, k, k)), _tensor((1, co, h, w))
    pad = (k - 1) // 2
    pads = "" if pad == 0 else f" pads [{pad}, {pad}, {pad}, {pad}]"
    text = f"""graph.func @conv2d(%x: {x}, %w: {wt}) -> {y} {{
  %y = graph.conv2d %x, %w{pads} : ({x}, {wt}) -> {y}
  graph.return %y : {y}
}}
"""

    def reference(xs: Sequence[Array]) -> F64:
        padded = np.pad(_f64(xs[0][0]), ((0, 0), (pad, pad), (pad, pad)))
        windows = sliding_window_view(padded, (k, k), axis=(1, 2))  # ci, h, w, k, k
        return np.einsum("cyxhw,ochw->oyx", windows, _f64(xs[1]))[None]

    def numpy_impl(xs: Sequence[Array]) -> Callable[[], Array]:
        # im2col copy + one sgemm, as the peers' numpy baseline does (1x1: the sgemm alone).
        image, weight = xs
        w2 = weight.reshape(co, ci * k * k)
        cols = np.empty((ci, k, k, h, w), np.float32)
        out = np.empty((co, h * w), np.float32)

        def run() -> Array:
            if k == 1:
                np.matmul(w2, image.reshape(ci, h * w), out=out)
                return out.reshape(1, co, h, w)
            padded = np.pad(image[0], ((0, 0), (pad, pad), (pad, pad)))
            windows = sliding_window_view(padded, (k, k), axis=(1, 2))
            np.copyto(cols, windows.transpose(0, 3, 4, 1, 2))
            np.matmul(w2, cols.reshape(ci * k * k, h * w), out=out)
            return out.reshape(1, co, h, w)

        return run

    return Workload(
        name=f"conv2d_{k}x{k}_{ci}x{h}x{w}_{co}",
        title=f"conv2d {k}x{k} 1x{ci}x{h}x{w} -> {co}" + (f", pad {pad}" if pad else ""),
        func="conv2d",
        text=text,
        shapes=((1, ci, h, w), (co, ci, k, k)),
        reference=reference,
        numpy_impl=numpy_impl,
        work=2.0 * co * ci * k * k * h * w,
        unit="GFLOP/s",
        tol=1e-4,
        peer=Peer(
            "bench_conv2d.py",
            f"conv{k}x{k}_1x{ci}x{h}x{w}_{co}",
            ("numpy", "ort", "tvm", "tvm_ms", "halide"),
        ),
    )


# --- 3x3 blur -------------------------------------------------------------------------------


def blur(h: int, w: int, u16: bool = False) -> Workload:
    """Halide's 3x3 box blur on an (h+2)x(w+2) input: a row stage then a column stage, each /3.

    As graph ops: three shifted `graph.slice`s, two `graph.add`s and a `graph.div` by a
    rank-0 constant per stage (the intermediate `blur_x` is a tensor of its own). With
    `u16`, the image is 16-bit integers below 2^12 (signless i16 in dlir, uint16 for the
    peers: the same bits and results) and /3 is integer division, as in Halide's apps/blur.
    """
    element, three = ("i16", "dense<3>") if u16 else ("f32", "dense<3.0>")

    def tensor(*shape: int) -> str:
        return "tensor<" + "".join(f"{d}x" for d in shape) + element + ">"

    x, bx, y, scalar = tensor(h + 2, w + 2), tensor(h + 2, w), tensor(h, w), tensor()
    lines = [
        f"graph.func @blur(%x: {x}) -> {y} {{",
        f"  %three = graph.constant {three} : {scalar}",
    ]
    for i in range(3):
        lines.append(
            f"  %c{i} = graph.slice %x starts [0, {i}] ends [{h + 2}, {w + i}] steps [1, 1]"
            f" : {x} -> {bx}"
        )
    lines += [
        f"  %cs = graph.add %c0, %c1 : ({bx}, {bx}) -> {bx}",
        f"  %csum = graph.add %cs, %c2 : ({bx}, {bx}) -> {bx}",
        f"  %blur_x = graph.div %csum, %three : ({bx}, {scalar}) -> {bx}",
    ]
    for i in range(3):
        lines.append(
            f"  %r{i} = graph.slice %blur_x starts [{i}, 0] ends [{h + i}, {w}] steps [1, 1]"
            f" : {bx} -> {y}"
        )
    lines += [
        f"  %rs = graph.add %r0, %r1 : ({y}, {y}) -> {y}",
        f"  %rsum = graph.add %rs, %r2 : ({y}, {y}) -> {y}",
        f"  %blur_y = graph.div %rsum, %three : ({y}, {scalar}) -> {y}",
        f"  graph.return %blur_y : {y}",
        "}",
    ]

    def reference(xs: Sequence[Array]) -> F64:
        img = _f64(xs[0])
        if u16:
            blur_x = (img[:, :-2] + img[:, 1:-1] + img[:, 2:]) // 3
            return (blur_x[:-2] + blur_x[1:-1] + blur_x[2:]) // 3
        blur_x = (img[:, :-2] + img[:, 1:-1] + img[:, 2:]) / 3
        return (blur_x[:-2] + blur_x[1:-1] + blur_x[2:]) / 3

    def numpy_impl(xs: Sequence[Array]) -> Callable[[], Array]:
        img = xs[0]
        blur_x = np.empty((h + 2, w), img.dtype)
        out = np.empty((h, w), img.dtype)
        divide = np.floor_divide if u16 else np.divide
        three = img.dtype.type(3)

        def run() -> Array:
            np.add(img[:, :-2], img[:, 1:-1], out=blur_x)
            np.add(blur_x, img[:, 2:], out=blur_x)
            divide(blur_x, three, out=blur_x)
            np.add(blur_x[:-2], blur_x[1:-1], out=out)
            np.add(out, blur_x[2:], out=out)
            divide(out, three, out=out)
            return out

        return run

    size = 2 if u16 else 4
    return Workload(
        name=f"blur3x3_{h}x{w}" + ("_u16" if u16 else ""),
        title=f"3x3 blur {h}x{w} {'u16' if u16 else 'f32'} (two stages)",
        func="blur",
        text="\n".join(lines) + "\n",
        shapes=((h + 2, w + 2),),
        reference=reference,
        numpy_impl=numpy_impl,
        work=size * ((h + 2) * (w + 2) + h * w),
        unit="GB/s",
        tol=0.0 if u16 else 1e-5,
        peer=Peer(
            "bench_blur.py",
            f"blur3x3_{w}x{h}_{'uint16' if u16 else 'float32'}",
            ("numpy", "halide_tile", "halide_slide", "tvm"),
        ),
        dtype="int16" if u16 else "float32",
    )


# --- dense + bias + relu --------------------------------------------------------------------


def dense(m: int, k: int, n: int) -> Workload:
    """max(X @ W + b, 0) with W and b passed as arguments (the peers may pre-pack them)."""
    x, wt, b, y = _tensor((m, k)), _tensor((k, n)), _tensor((n,)), _tensor((m, n))
    text = f"""graph.func @dense(%x: {x}, %w: {wt}, %b: {b}) -> {y} {{
  %0 = graph.matmul %x, %w : ({x}, {wt}) -> {y}
  %1 = graph.add %0, %b : ({y}, {b}) -> {y}
  %2 = graph.relu %1 : {y}
  graph.return %2 : {y}
}}
"""

    def numpy_impl(xs: Sequence[Array]) -> Callable[[], Array]:
        xv, wv, bv = xs
        out = np.empty((m, n), np.float32)

        def run() -> Array:
            np.matmul(xv, wv, out=out)
            np.add(out, bv, out=out)
            np.maximum(out, np.float32(0), out=out)
            return out

        return run

    return Workload(
        name=f"dense_bias_relu_{m}x{k}x{n}",
        title=f"dense+bias+relu {m}x{k} . {k}x{n}",
        func="dense",
        text=text,
        shapes=((m, k), (k, n), (n,)),
        reference=lambda xs: np.maximum(_f64(xs[0]) @ _f64(xs[1]) + _f64(xs[2]), 0.0),
        numpy_impl=numpy_impl,
        work=2.0 * m * n * k + 2.0 * m * n,
        unit="GFLOP/s",
        tol=1e-4,
        peer=Peer(
            "bench_dense.py",
            f"dense_bias_relu_{m}x{k}x{n}",
            ("numpy", "ort", "tvm", "tvm_ms", "halide", "halide_blas"),
        ),
    )


# --- softmax ----------------------------------------------------------------------------------


def softmax(m: int, n: int) -> Workload:
    """Numerically stable softmax of each row of an m x n matrix."""
    t = _tensor((m, n))
    text = f"""graph.func @softmax(%x: {t}) -> {t} {{
  %y = graph.softmax %x : {t}
  graph.return %y : {t}
}}
"""

    def reference(xs: Sequence[Array]) -> F64:
        x = _f64(xs[0])
        e = np.exp(x - x.max(axis=1, keepdims=True))
        return e / e.sum(axis=1, keepdims=True)

    def numpy_impl(xs: Sequence[Array]) -> Callable[[], Array]:
        x = xs[0]
        e = np.empty((m, n), np.float32)
        row_max = np.empty((m, 1), np.float32)
        row_sum = np.empty((m, 1), np.float32)

        def run() -> Array:
            np.max(x, axis=1, keepdims=True, out=row_max)
            np.subtract(x, row_max, out=e)
            np.exp(e, out=e)
            np.sum(e, axis=1, keepdims=True, out=row_sum)
            np.divide(e, row_sum, out=e)
            return e

        return run

    return Workload(
        name=f"softmax_{m}x{n}",
        title=f"softmax {m}x{n} (rows)",
        func="softmax",
        text=text,
        shapes=((m, n),),
        reference=reference,
        numpy_impl=numpy_impl,
        work=8.0 * m * n,
        unit="GB/s",
        tol=1e-5,
        peer=Peer(
            "bench_softmax.py",
            f"softmax_{m}x{n}",
            ("numpy", "ort", "tvm", "tvm_fastexp", "tvm_ms", "halide", "halide_fastexp"),
        ),
    )


def full() -> list[Workload]:
    """The issue's workloads at their real sizes."""
    return [
        matmul(1024),
        matmul(2048),
        conv2d(64, 64, 56, 56),
        conv2d(256, 64, 56, 56, k=1),
        blur(2048, 2048),
        blur(2048, 2048, u16=True),
        dense(128, 1024, 1024),
        softmax(4096, 1024),
    ]


def quick() -> list[Workload]:
    """The same kernels at small, odd sizes (seconds in total, for the smoke test)."""
    return [
        matmul(33),
        conv2d(3, 5, 7, 13),
        conv2d(6, 5, 7, 9, k=1),
        blur(13, 7),
        blur(13, 7, u16=True),
        dense(7, 33, 13),
        softmax(13, 33),
    ]
