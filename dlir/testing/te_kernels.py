"""Random te kernels for property tests, built with `KernelBuilder`, with odd extents.

Five families: elementwise chains with broadcasting reads, reductions (each combiner over
one or two axes), contractions (matmul-like, batched, transposed operands), stencils
(offsets, or clamped indices) and multi-stage kernels (a producer read by one or two
consumers, one or two results). Elements are f32 or i32.

    kernel = data.draw(random_kernels("k0"))     # a RandomKernel
    kernel.op                                    # te.kernel @k0(%A0: tensor<7x13xf32>, ...)

Each kernel carries a bound on the magnitude of its results for inputs in [-1, 1] and its
longest reduction, from which `atol` allows for reassociated float reductions.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from hypothesis import strategies as st
from xdsl.dialects import arith, math
from xdsl.dialects.builtin import TensorType, f32, i32
from xdsl.ir import Attribute, Operation, SSAValue
from xdsl.utils.hints import isa

from dlir.dialects.te.builder import KernelBuilder, StageBody
from dlir.dialects.te.kernel import KernelOp

FLOAT_EPSILON = 2.0**-23
ODD_EXTENTS = (1, 2, 3, 5, 7, 13, 16, 33)
AXIS_NAMES = ("i", "j", "l")
BINARY_OPS = ("add", "sub", "mul", "max", "min")
COMBINERS = ("add", "mul", "max", "min")
ITERATION_BUDGET = 6000
"""Most iterations (output elements x reduction length) of one stage: the interpreter is
the slow side of each comparison."""

_FLOAT_OPS: dict[str, Callable[[SSAValue, SSAValue], Operation]] = {
    "add": arith.AddfOp,
    "sub": arith.SubfOp,
    "mul": arith.MulfOp,
    "max": arith.MaximumfOp,
    "min": arith.MinimumfOp,
}
_INT_OPS: dict[str, Callable[[SSAValue, SSAValue], Operation]] = {
    "add": arith.AddiOp,
    "sub": arith.SubiOp,
    "mul": arith.MuliOp,
    "max": arith.MaxSIOp,
    "min": arith.MinSIOp,
}


@dataclass
class RandomKernel:
    """A drawn kernel, its family, and what bounds its float rounding."""

    op: KernelOp
    family: str
    bound: float = 1.0
    """Largest magnitude of any value it computes, for inputs in [-1, 1]."""
    reduce_length: int = 0
    """Longest reduction (product of a stage's reduction extents)."""

    @property
    def name(self) -> str:
        return self.op.sym_name.data

    @property
    def is_float(self) -> bool:
        result = self.op.function_type.outputs.data[0]
        assert isa(result, TensorType[Attribute])
        return result.get_element_type() == f32

    def atol(self) -> float:
        """Room for reassociating float sums: n terms, each rounded, each <= the bound."""
        return 4 * FLOAT_EPSILON * (self.reduce_length + 4) * max(self.bound, 1.0)


@dataclass
class _Builder:
    """A KernelBuilder and the magnitude bound of each stage and argument."""

    kb: KernelBuilder
    element: Attribute
    bounds: dict[SSAValue, float] = field(default_factory=dict[SSAValue, float])
    reduce_length: int = 0

    @property
    def is_float(self) -> bool:
        return self.element == f32

    def arg(self, name: str) -> SSAValue:
        value = self.kb[name]
        self.bounds.setdefault(value, 1.0)
        return value

    def binary(self, body: StageBody, kind: str, a: SSAValue, b: SSAValue) -> SSAValue:
        ops = _FLOAT_OPS if self.is_float else _INT_OPS
        return body.insert(ops[kind](a, b)).results[0]

    def compute(
        self,
        stage: str,
        axes: Sequence[tuple[str, int]],
        fn: Callable[..., SSAValue],
        bound: float,
        *,
        reduce: Sequence[tuple[str, int]] = (),
        combiner: str | None = None,
        init: float | None = None,
    ) -> SSAValue:
        value = self.kb.compute(stage, axes, fn, reduce=reduce, combiner=combiner, init=init)
        length = 1
        for _, extent in reduce:
            length *= extent
        if reduce:
            self.reduce_length = max(self.reduce_length, length)
        self.bounds[value] = bound
        return value


def combined_bound(kind: str, a: float, b: float) -> float:
    return a * b if kind == "mul" else a + b if kind in ("add", "sub") else max(a, b)


def _tensor(element: Attribute, shape: Sequence[int]) -> TensorType[Attribute]:
    return TensorType(element, list(shape))


@st.composite
def shapes(draw: st.DrawFn, rank: int, budget: int = 1200) -> tuple[int, ...]:
    """`rank` extents in 1..40, odd ones favoured, whose product stays within `budget`."""
    dims: list[int] = []
    volume = 1
    for _ in range(rank):
        cap = max(1, min(40, budget // volume))
        odd = [e for e in ODD_EXTENTS if e <= cap]
        extent = draw(st.sampled_from(odd) | st.integers(1, cap))
        dims.append(extent)
        volume *= extent
    return tuple(dims)


def broadcast_read(
    body: StageBody, tensor: SSAValue, indices: Sequence[SSAValue], out: Sequence[int]
) -> SSAValue:
    """Read `tensor` (shape aligned to the right of `out`, 1 for a broadcast dim) as numpy
    broadcasting does: `A[0, j]` for a `1xN` tensor in a `MxN` loop."""
    assert isa(tensor.type, TensorType[Attribute])
    shape = tensor.type.get_shape()
    skip = len(out) - len(shape)
    picked = [
        body.index(0) if extent == 1 and out[skip + n] != 1 else indices[skip + n]
        for n, extent in enumerate(shape)
    ]
    return body.read(tensor, *picked)


@st.composite
def elementwise_chain(draw: st.DrawFn, name: str, element: Attribute) -> RandomKernel:
    """S0 = A0 op A1, S1 = S0 op A2, ...: one to three stages over inputs that broadcast."""
    out = draw(shapes(draw(st.integers(1, 3)), ITERATION_BUDGET))
    inputs = [out]
    for _ in range(draw(st.integers(0, 2))):
        dropped = draw(st.integers(0, len(out) - 1))
        ones = draw(st.lists(st.booleans(), min_size=len(out), max_size=len(out)))
        inputs.append(tuple(1 if one else e for e, one in zip(out, ones, strict=True))[dropped:])
    b = _Builder(
        KernelBuilder(name, [(f"A{n}", _tensor(element, s)) for n, s in enumerate(inputs)]), element
    )
    axes = list(zip(AXIS_NAMES, out, strict=False))
    value = b.arg("A0")
    for t in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(BINARY_OPS))
        other = b.arg(f"A{draw(st.integers(0, len(inputs) - 1))}")
        value = b.compute(
            f"S{t}",
            axes,
            _elementwise_body(b, kind, value, other, out),
            combined_bound(kind, b.bounds[value], b.bounds[other]),
        )
    return RandomKernel(b.kb.finish(value), "elementwise", b.bounds[value], b.reduce_length)


def _elementwise_body(
    b: _Builder, kind: str, first: SSAValue, second: SSAValue, out: Sequence[int]
) -> Callable[..., SSAValue]:
    def body(s: StageBody, *indices: SSAValue) -> SSAValue:
        x = broadcast_read(s, first, indices, out)
        y = broadcast_read(s, second, indices, out)
        return b.binary(s, kind, x, y)

    return body


@st.composite
def reduction(draw: st.DrawFn, name: str, element: Attribute) -> RandomKernel:
    """R[spatial] = combine over one or two reduced axes of A (any axes, any order)."""
    rank = draw(st.integers(2, 3))
    reduced = draw(st.integers(1, rank - 1))
    shape = draw(shapes(rank, ITERATION_BUDGET))
    order = draw(st.permutations(list(range(rank))))
    spatial_dims, reduce_dims = sorted(order[reduced:]), order[:reduced]
    combiner = draw(st.sampled_from(COMBINERS))
    init = draw(st.sampled_from([None, 2]))
    square = combiner != "mul" and draw(st.booleans())
    b = _Builder(KernelBuilder(name, [("A", _tensor(element, shape))]), element)
    a = b.arg("A")

    def body(s: StageBody, *indices: SSAValue) -> SSAValue:
        by_dim = dict(zip([*spatial_dims, *reduce_dims], indices, strict=True))
        x = s.read(a, *[by_dim[d] for d in range(rank)])
        return b.binary(s, "mul", x, x) if square else x

    spatial = [(AXIS_NAMES[n], shape[d]) for n, d in enumerate(spatial_dims)]
    reduce = [(f"k{n}", shape[d]) for n, d in enumerate(reduce_dims)]
    length = 1
    for _, extent in reduce:
        length *= extent
    start = abs(init) if init is not None else 0.0
    bound = {"add": length + start, "mul": max(1.0, start), "max": max(1.0, start)}
    value = b.compute(
        "R",
        spatial,
        body,
        bound.get(combiner, max(1.0, start)),
        reduce=reduce,
        combiner=combiner,
        init=init,
    )
    return RandomKernel(b.kb.finish(value), f"reduce-{combiner}", b.bounds[value], b.reduce_length)


@st.composite
def contraction(draw: st.DrawFn, name: str, element: Attribute) -> RandomKernel:
    """C[(b,) i, j] = sum over k of A[(b,) i, k] * B[(b,) k, j], operands maybe transposed,
    B maybe shared by the batch; maybe a bias epilogue D = C op bias[j]."""
    batch = draw(st.sampled_from([0, 0, 1, 2, 3]))
    m, n = draw(shapes(2, ITERATION_BUDGET // max(batch, 1)))
    k = draw(st.integers(1, max(1, min(40, ITERATION_BUDGET // (max(batch, 1) * m * n)))))
    a_t, b_t, shared_b = draw(st.booleans()), draw(st.booleans()), draw(st.booleans())
    lead = [batch] if batch else []
    a_shape = [*lead, *((k, m) if a_t else (m, k))]
    b_shape = [*([] if shared_b else lead), *((n, k) if b_t else (k, n))]
    epilogue = draw(st.sampled_from([None, *BINARY_OPS]))
    args = [("A", _tensor(element, a_shape)), ("B", _tensor(element, b_shape))]
    if epilogue is not None:
        args.append(("bias", _tensor(element, [n])))
    b = _Builder(KernelBuilder(name, args), element)
    a_arg, b_arg = b.arg("A"), b.arg("B")

    def product(s: StageBody, *indices: SSAValue) -> SSAValue:
        *outer, i, j, kk = indices
        x = s.read(a_arg, *outer, *((kk, i) if a_t else (i, kk)))
        y = s.read(b_arg, *([] if shared_b else outer), *((j, kk) if b_t else (kk, j)))
        return b.binary(s, "mul", x, y)

    axes = [*([("b", batch)] if batch else []), ("i", m), ("j", n)]
    value = b.compute("C", axes, product, float(k), reduce=[("k", k)])
    if epilogue is not None:
        bias = b.arg("bias")
        out = [e for _, e in axes]
        value = b.compute(
            "D",
            axes,
            _elementwise_body(b, epilogue, value, bias, out),
            combined_bound(epilogue, float(k), 1.0),
        )
    return RandomKernel(b.kb.finish(value), "contraction", b.bounds[value], b.reduce_length)


@st.composite
def stencil(draw: st.DrawFn, name: str, element: Attribute) -> RandomKernel:
    """C[i(, j)] = a sum of taps of A (or of a producer P = A op A) at constant offsets,
    either inside the input (it is larger) or clamped to its edges."""
    rank = draw(st.integers(1, 2))
    out = draw(shapes(rank, ITERATION_BUDGET // 4))
    clamp = draw(st.booleans())
    taps = draw(
        st.lists(
            st.tuples(*[st.integers(-1, 1) if clamp else st.integers(0, 2)] * rank),
            min_size=2,
            max_size=4,
            unique=True,
        )
    )
    shape = out if clamp else tuple(e + max(t[d] for t in taps) for d, e in enumerate(out))
    b = _Builder(KernelBuilder(name, [("A", _tensor(element, shape))]), element)
    source = b.arg("A")
    producer = draw(st.sampled_from([None, "add", "mul", "max"]))
    axes = list(zip(AXIS_NAMES, shape, strict=False))
    if producer is not None:
        p_body = _elementwise_body(b, producer, source, source, shape)
        source = b.compute("P", axes, p_body, combined_bound(producer, 1.0, 1.0))

    def body(s: StageBody, *indices: SSAValue) -> SSAValue:
        total: SSAValue | None = None
        for tap in taps:
            picked = [
                _tap_index(b, s, i, o, e, clamp)
                for i, o, e in zip(indices, tap, shape, strict=True)
            ]
            x = s.read(source, *picked)
            total = x if total is None else b.binary(s, "add", total, x)
        assert total is not None
        return total

    value = b.compute(
        "C", list(zip(AXIS_NAMES, out, strict=False)), body, len(taps) * b.bounds[source]
    )
    return RandomKernel(b.kb.finish(value), "stencil", b.bounds[value], b.reduce_length)


def _tap_index(
    b: _Builder, s: StageBody, index: SSAValue, offset: int, extent: int, clamp: bool
) -> SSAValue:
    """`index + offset`, clamped to [0, extent - 1] with arith.maxsi/minsi if asked."""
    if offset == 0:
        return index
    moved = s.offset(index, offset)
    if not clamp:
        return moved
    low = s.insert(arith.MaxSIOp(moved, s.index(0))).result
    return s.insert(arith.MinSIOp(low, s.index(extent - 1))).result


@st.composite
def multi_stage(draw: st.DrawFn, name: str, element: Attribute) -> RandomKernel:
    """P = A op A; C1 reads P twice (shifted, flipped, halved or clamped: see `ACCESSES`),
    or reduces it over its last axis; maybe C2 reads P and C1; the results are C1, C2 or
    both."""
    rows, cols = draw(shapes(2, ITERATION_BUDGET // 2))
    shift = draw(st.integers(0, 2))
    reduce_c1 = draw(st.booleans())
    access = draw(st.sampled_from(ACCESSES))
    p_shape = (rows, cols + (shift if access == "shift" and not reduce_c1 else 0))
    b = _Builder(KernelBuilder(name, [("A", _tensor(element, p_shape))]), element)
    a = b.arg("A")
    kind = draw(st.sampled_from(BINARY_OPS))
    p_axes = list(zip(AXIS_NAMES, p_shape, strict=False))
    p = b.compute(
        "P", p_axes, _elementwise_body(b, kind, a, a, p_shape), combined_bound(kind, 1, 1)
    )
    if reduce_c1:
        combiner = draw(st.sampled_from(["add", "max", "min"]))

        def row(s: StageBody, i: SSAValue, k: SSAValue) -> SSAValue:
            return s.read(p, i, k)

        bound = b.bounds[p] * (cols if combiner == "add" else 1)
        c1 = b.compute("C1", [("i", rows)], row, bound, reduce=[("k", cols)], combiner=combiner)
    else:

        def pair(s: StageBody, i: SSAValue, j: SSAValue) -> SSAValue:
            other = _access(s, access, i, j, (rows, cols), shift)
            return b.binary(s, "add", s.read(p, i, j), s.read(p, *other))

        c1 = b.compute("C1", [("i", rows), ("j", cols)], pair, 2 * b.bounds[p])
    results = [c1]
    if draw(st.booleans()):
        second = draw(st.sampled_from(BINARY_OPS))

        def mix(s: StageBody, i: SSAValue, j: SSAValue) -> SSAValue:
            y = s.read(c1, i) if reduce_c1 else s.read(c1, i, j)
            return b.binary(s, second, s.read(p, i, j), y)

        c2 = b.compute(
            "C2", [("i", rows), ("j", cols)], mix, combined_bound(second, b.bounds[p], b.bounds[c1])
        )
        results = [c2] if draw(st.booleans()) else [c1, c2]
    bound = max(b.bounds[r] for r in results)
    return RandomKernel(b.kb.finish(*results), "multi-stage", bound, b.reduce_length)


ACCESSES = ("shift", "flip", "half", "clamp")
"""How C1 of a multi-stage kernel reads P a second time, at (i, j):
(i, j + shift), (rows - 1 - i, cols - 1 - j), (i, j floordiv 2), (i, min(j + 2, cols - 1))."""


def _access(
    s: StageBody, access: str, i: SSAValue, j: SSAValue, shape: tuple[int, int], shift: int
) -> tuple[SSAValue, SSAValue]:
    rows, cols = shape
    if access == "shift":
        return i, s.offset(j, shift)
    if access == "flip":
        flipped_i = s.insert(arith.SubiOp(s.index(rows - 1), i)).result
        return flipped_i, s.insert(arith.SubiOp(s.index(cols - 1), j)).result
    if access == "half":
        return i, s.insert(arith.FloorDivSIOp(j, s.index(2))).result
    return i, s.insert(arith.MinSIOp(s.offset(j, 2), s.index(cols - 1))).result


FAMILIES = {
    "elementwise": elementwise_chain,
    "reduction": reduction,
    "contraction": contraction,
    "stencil": stencil,
    "multi-stage": multi_stage,
}


@st.composite
def random_kernels(
    draw: st.DrawFn, name: str, families: Sequence[str] = tuple(FAMILIES)
) -> RandomKernel:
    """A kernel `@name` of one of `families`, with f32 or i32 elements."""
    family = draw(st.sampled_from(list(families)))
    element = draw(st.sampled_from([f32, i32]))
    return draw(FAMILIES[family](name, element))


def softmax_kernel(rows: int, cols: int) -> KernelOp:
    """Row softmax as four stages, two of them reductions over a row: max, exp, sum, divide.

    M[i] = max_k X[i, k]; E[i, j] = exp(X[i, j] - M[i]); S[i] = sum_k E[i, k]; Y = E / S
    """
    x_type = TensorType(f32, [rows, cols])
    kb = KernelBuilder("softmax", [("X", x_type)])
    x = kb["X"]

    def element(b: StageBody, i: SSAValue, k: SSAValue) -> SSAValue:
        return b.read(x, i, k)

    row_max = kb.compute("M", [("i", rows)], element, reduce=[("k", cols)], combiner="max")

    def exp(b: StageBody, i: SSAValue, j: SSAValue) -> SSAValue:
        shifted = b.insert(arith.SubfOp(b.read(x, i, j), b.read(row_max, i))).result
        return b.insert(math.ExpOp(shifted)).result

    e = kb.compute("E", [("i", rows), ("j", cols)], exp)

    def exp_at(b: StageBody, i: SSAValue, k: SSAValue) -> SSAValue:
        return b.read(e, i, k)

    total = kb.compute("S", [("i", rows)], exp_at, reduce=[("k", cols)])

    def divide(b: StageBody, i: SSAValue, j: SSAValue) -> SSAValue:
        return b.insert(arith.DivfOp(b.read(e, i, j), b.read(total, i))).result

    return kb.finish(kb.compute("Y", [("i", rows), ("j", cols)], divide))
