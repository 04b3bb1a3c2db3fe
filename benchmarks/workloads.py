"""The kernel workloads of the benchmark harness, each a dlir graph program plus its numpy twins.

A workload carries the graph text that `dlir.compile` builds, random inputs, a float64
reference, a numpy implementation into preallocated buffers (the baseline every system is
compared with), its work (flop or compulsory bytes, counted as `/work/shared/ANCHORS.md`
does) and where the peers' scripts report the same kernel. For instance the matmul:

    graph.func @matmul(%a: tensor<1024x1024xf32>, %b: tensor<1024x1024xf32>) -> tensor<1024x1024xf32> {
      %c = graph.matmul %a, %b : (tensor<1024x1024xf32>, tensor<1024x1024xf32>) -> tensor<1024x1024xf32>
      graph.return %c : tensor<1024x1024xf32>
    }

`full()` gives the issue's sizes, `quick()` small odd sizes for the smoke test.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
from numpy.lib.stride_tricks import sliding_window_view

F32 = npt.NDArray[np.float32]
F64 = npt.NDArray[np.float64]


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
    reference: Callable[[Sequence[F32]], F64]
    numpy_impl: Callable[[Sequence[F32]], Callable[[], F32]]
    work: float
    unit: str  # "GFLOP/s" (work in flop) or "GB/s" (work in bytes)
    tol: float  # max |dlir - reference| / max |reference| accepted
    peer: Peer | None = None

    def inputs(self, seed: int = 0) -> list[F32]:
        rng = np.random.default_rng(seed)
        return [rng.standard_normal(shape, dtype=np.float32) for shape in self.shapes]


def _tensor(shape: Sequence[int]) -> str:
    return "tensor<" + "x".join(str(d) for d in shape) + "xf32>"


def _f64(x: F32) -> F64:
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

    def numpy_impl(xs: Sequence[F32]) -> Callable[[], F32]:
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


def conv2d(ci: int, co: int, h: int, w: int) -> Workload:
    """3x3 convolution, stride 1, pad 1, NCHW input and OIHW weight, batch 1, no bias."""
    x, k, y = _tensor((1, ci, h, w)), _tensor((co, ci, 3, 3)), _tensor((1, co, h, w))
    text = f"""graph.func @conv2d(%x: {x}, %w: {k}) -> {y} {{
  %y = graph.conv2d %x, %w pads [1, 1, 1, 1] : ({x}, {k}) -> {y}
  graph.return %y : {y}
}}
"""

    def reference(xs: Sequence[F32]) -> F64:
        padded = np.pad(_f64(xs[0][0]), ((0, 0), (1, 1), (1, 1)))
        windows = sliding_window_view(padded, (3, 3), axis=(1, 2))  # ci, h, w, 3, 3
        return np.einsum("cyxhw,ochw->oyx", windows, _f64(xs[1]))[None]

    def numpy_impl(xs: Sequence[F32]) -> Callable[[], F32]:
        # im2col copy + one sgemm, as the peers' numpy baseline does.
        image, weight = xs
        w2 = weight.reshape(co, ci * 9)
        cols = np.empty((ci, 3, 3, h, w), np.float32)
        out = np.empty((co, h * w), np.float32)

        def run() -> F32:
            padded = np.pad(image[0], ((0, 0), (1, 1), (1, 1)))
            windows = sliding_window_view(padded, (3, 3), axis=(1, 2))
            np.copyto(cols, windows.transpose(0, 3, 4, 1, 2))
            np.matmul(w2, cols.reshape(ci * 9, h * w), out=out)
            return out.reshape(1, co, h, w)

        return run

    return Workload(
        name=f"conv2d_3x3_{ci}x{h}x{w}_{co}",
        title=f"conv2d 3x3 1x{ci}x{h}x{w} -> {co}, pad 1",
        func="conv2d",
        text=text,
        shapes=((1, ci, h, w), (co, ci, 3, 3)),
        reference=reference,
        numpy_impl=numpy_impl,
        work=2.0 * co * ci * 9 * h * w,
        unit="GFLOP/s",
        tol=1e-4,
        peer=Peer(
            "bench_conv2d.py",
            f"conv3x3_1x{ci}x{h}x{w}_{co}",
            ("numpy", "ort", "tvm", "tvm_ms", "halide"),
        ),
    )


# --- 3x3 blur -------------------------------------------------------------------------------


def blur(h: int, w: int) -> Workload:
    """Halide's 3x3 box blur on an (h+2)x(w+2) input: a row stage then a column stage, each /3.

    As graph ops: three shifted `graph.slice`s, two `graph.add`s and a `graph.div` by a
    rank-0 constant per stage (the intermediate `blur_x` is a tensor of its own).
    """
    x, bx, y = _tensor((h + 2, w + 2)), _tensor((h + 2, w)), _tensor((h, w))
    lines = [
        f"graph.func @blur(%x: {x}) -> {y} {{",
        "  %three = graph.constant dense<3.0> : tensor<f32>",
    ]
    for i in range(3):
        lines.append(
            f"  %c{i} = graph.slice %x starts [0, {i}] ends [{h + 2}, {w + i}] steps [1, 1]"
            f" : {x} -> {bx}"
        )
    lines += [
        f"  %cs = graph.add %c0, %c1 : ({bx}, {bx}) -> {bx}",
        f"  %csum = graph.add %cs, %c2 : ({bx}, {bx}) -> {bx}",
        f"  %blur_x = graph.div %csum, %three : ({bx}, tensor<f32>) -> {bx}",
    ]
    for i in range(3):
        lines.append(
            f"  %r{i} = graph.slice %blur_x starts [{i}, 0] ends [{h + i}, {w}] steps [1, 1]"
            f" : {bx} -> {y}"
        )
    lines += [
        f"  %rs = graph.add %r0, %r1 : ({y}, {y}) -> {y}",
        f"  %rsum = graph.add %rs, %r2 : ({y}, {y}) -> {y}",
        f"  %blur_y = graph.div %rsum, %three : ({y}, tensor<f32>) -> {y}",
        f"  graph.return %blur_y : {y}",
        "}",
    ]

    def reference(xs: Sequence[F32]) -> F64:
        img = _f64(xs[0])
        blur_x = (img[:, :-2] + img[:, 1:-1] + img[:, 2:]) / 3
        return (blur_x[:-2] + blur_x[1:-1] + blur_x[2:]) / 3

    def numpy_impl(xs: Sequence[F32]) -> Callable[[], F32]:
        img = xs[0]
        blur_x = np.empty((h + 2, w), np.float32)
        out = np.empty((h, w), np.float32)
        three = np.float32(3)

        def run() -> F32:
            np.add(img[:, :-2], img[:, 1:-1], out=blur_x)
            np.add(blur_x, img[:, 2:], out=blur_x)
            np.divide(blur_x, three, out=blur_x)
            np.add(blur_x[:-2], blur_x[1:-1], out=out)
            np.add(out, blur_x[2:], out=out)
            np.divide(out, three, out=out)
            return out

        return run

    return Workload(
        name=f"blur3x3_{h}x{w}",
        title=f"3x3 blur {h}x{w} (two stages)",
        func="blur",
        text="\n".join(lines) + "\n",
        shapes=((h + 2, w + 2),),
        reference=reference,
        numpy_impl=numpy_impl,
        work=4.0 * ((h + 2) * (w + 2) + h * w),
        unit="GB/s",
        tol=1e-5,
        peer=Peer(
            "bench_blur.py",
            f"blur3x3_{w}x{h}_float32",
            ("numpy", "halide_tile", "halide_slide", "tvm"),
        ),
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

    def numpy_impl(xs: Sequence[F32]) -> Callable[[], F32]:
        xv, wv, bv = xs
        out = np.empty((m, n), np.float32)

        def run() -> F32:
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

    def reference(xs: Sequence[F32]) -> F64:
        x = _f64(xs[0])
        e = np.exp(x - x.max(axis=1, keepdims=True))
        return e / e.sum(axis=1, keepdims=True)

    def numpy_impl(xs: Sequence[F32]) -> Callable[[], F32]:
        x = xs[0]
        e = np.empty((m, n), np.float32)
        row_max = np.empty((m, 1), np.float32)
        row_sum = np.empty((m, 1), np.float32)

        def run() -> F32:
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
        conv2d(64, 64, 56, 56),
        blur(2048, 2048),
        dense(128, 1024, 1024),
        softmax(4096, 1024),
    ]


def quick() -> list[Workload]:
    """The same kernels at small, odd sizes (seconds in total, for the smoke test)."""
    return [matmul(33), conv2d(3, 5, 7, 13), blur(13, 7), dense(7, 33, 13), softmax(13, 33)]
