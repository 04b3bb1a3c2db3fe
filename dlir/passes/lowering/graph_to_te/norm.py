"""te definitions of softmax, the normalisations and the reductions of `graph`.

    graph.softmax %x axis 1 : tensor<4x10xf32>
    ->  %max = te.compute "max" (%i0: 4) reduce (%r1: 10) combiner max init -inf : f32 {
          X0[i0, r1] }
        %exp = te.compute "exp" (%i0: 4, %i1: 10) { exp(X0[i0, i1] - max[i0]) }
        %sum = te.compute "sum" (%i0: 4) reduce (%r1: 10) combiner add init 0.0 : f32 {
          exp[i0, r1] }
        %Y = te.compute "Y" (%i0: 4, %i1: 10) { exp[i0, i1] * (1 / sum[i0]) }

Axes keep the number of the input dim they run over: spatial `i<d>`, reduction `r<d>`.
A reduction stage drops the dims it reduces (a statistic per row has the rows' shape);
the final stage "Y" has the op's result shape, `keepdims` ones included.

Softmax computes `exp` once per element, in its own stage "exp" that "sum" and "Y" read
(it subtracts the max first, like the interpreter, so exp never overflows): the row
pattern of `te-auto-schedule` computes it at Y's row loop, a row buffer in L1 (where
that pattern does not apply, a softmax over axis 0 of a matrix, it is a full-size
intermediate tensor). layer_norm and batch_norm
turn their statistics into a factor per row or channel in small stages, so that the
full-size stage "Y" multiplies instead of dividing by a square root:
`(x - mean) * rstd * scale + bias`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from math import prod

from xdsl.dialects import arith, math
from xdsl.ir import OpResult, SSAValue

from dlir.dialects import graph
from dlir.dialects.graph.common import ints
from dlir.dialects.te.builder import KernelBuilder, StageBody
from dlir.passes.lowering.graph_to_te.common import (
    binary,
    constant,
    element_of,
    shape_of,
)
from dlir.passes.lowering.graph_to_te.linalg import check_nonempty, lowest
from dlir.passes.lowering.graph_to_te.registry import te_definition

FullFn = Callable[[StageBody, list[SSAValue]], SSAValue]
"""`fn(body, indices) -> value`, `indices` one per dim of the reduced input."""


def reduction(
    kb: KernelBuilder,
    name: str,
    shape: Sequence[int],
    reduced: Sequence[int],
    fn: FullFn,
    *,
    combiner: str = "add",
    init: float | None = None,
    keepdims: bool = False,
) -> OpResult:
    """Stage `name`: `fn` over `shape`, combined along the dims `reduced` (none: a copy).

        shape (4, 10), reduced [1]  ->  te.compute name (%i0: 4) reduce (%r1: 10) ...

    With `keepdims` the reduced dims stay as spatial axes of extent 1. `init` defaults to
    the combiner's identity.
    """
    rank = len(shape)
    spatial = list(range(rank)) if keepdims else [d for d in range(rank) if d not in reduced]
    axes = [(f"i{d}", 1 if d in reduced else shape[d]) for d in spatial]
    reduce = [(f"r{d}", shape[d]) for d in reduced]

    def body_fn(body: StageBody, *indices: SSAValue) -> SSAValue:
        by_dim = dict(zip(spatial, indices[: len(spatial)], strict=True))
        by_dim |= dict(zip(reduced, indices[len(spatial) :], strict=True))
        return fn(body, [by_dim[d] for d in range(rank)])

    if not reduced:
        return kb.compute(name, axes, body_fn)
    return kb.compute(name, axes, body_fn, reduce=reduce, combiner=combiner, init=init)


def outer(indices: Sequence[SSAValue], reduced: Sequence[int]) -> list[SSAValue]:
    """The indices of a statistic that dropped the dims `reduced` (`[i0, r1]` -> `[i0]`)."""
    return [index for d, index in enumerate(indices) if d not in reduced]


def _exp(body: StageBody, x: SSAValue) -> SSAValue:
    return body.insert(math.ExpOp(x)).result


def _rsqrt(body: StageBody, x: SSAValue) -> SSAValue:
    """`1 / sqrt(x)` (math.rsqrt has no lowering; this is what it would lower to)."""
    root = body.insert(math.SqrtOp(x)).result
    return body.insert(arith.DivfOp(constant(body, 1, x.type), root)).result


# --- softmax ------------------------------------------------------------------------------


@te_definition(graph.SoftmaxOp)
def softmax(op: graph.SoftmaxOp, kb: KernelBuilder, inputs: Sequence[SSAValue]) -> list[SSAValue]:
    """Stage "max" per row along `axis`, "exp" per element, "sum" per row, then "Y":

        max[..] = max over r of X0[.., r, ..]
        exp[.., i, ..] = exp(X0[.., i, ..] - max[..])
        sum[..] = sum over r of exp[.., r, ..]
        Y[.., i, ..] = exp[.., i, ..] * (1 / sum[..])

    The largest exponent is 0, so exp never overflows (the interpreter's formula). One
    reciprocal per row and a product per element instead of a division (within an ulp
    of it: 1 / s is correctly rounded, the product adds one rounding).
    """
    (x,) = inputs
    shape, element = shape_of(x), element_of(x)
    check_nonempty(shape)
    row = [op.axis.value.data % len(shape)]

    def element_fn(body: StageBody, indices: list[SSAValue]) -> SSAValue:
        return body.read(x, *indices)

    top = reduction(kb, "max", shape, row, element_fn, combiner="max", init=lowest(element))

    def exp_fn(body: StageBody, indices: list[SSAValue]) -> SSAValue:
        value = body.read(x, *indices)
        return _exp(body, binary(body, "sub", value, body.read(top, *outer(indices, row))))

    exp = reduction(kb, "exp", shape, [], exp_fn)

    def exp_at(body: StageBody, indices: list[SSAValue]) -> SSAValue:
        return body.read(exp, *indices)

    total = reduction(kb, "sum", shape, row, exp_at)

    def normalized(body: StageBody, indices: list[SSAValue]) -> SSAValue:
        sum_at = body.read(total, *outer(indices, row))
        inverse = binary(body, "div", constant(body, 1, element), sum_at)
        return binary(body, "mul", body.read(exp, *indices), inverse)

    return [reduction(kb, "Y", shape, [], normalized)]


# --- normalisations -----------------------------------------------------------------------


@te_definition(graph.LayerNormOp)
def layer_norm(
    op: graph.LayerNormOp, kb: KernelBuilder, inputs: Sequence[SSAValue]
) -> list[SSAValue]:
    """Statistics over the dims from `axis` on, in four small stages, then "Y":

        sum[o..] = sum over r.. of X0[o.., r..]          mean[o..] = sum[o..] / n
        sqdev[o..] = sum over r.. of (X0[o.., r..] - mean[o..])^2
        rstd[o..] = 1 / sqrt(sqdev[o..] / n + epsilon)
        Y[o.., i..] = (X0[o.., i..] - mean[o..]) * rstd[o..] * X1[i..] + X2[i..]

    `o..` are the dims before `axis`, `i..` and `r..` the `n` normalised elements.
    """
    x, scale, bias = inputs
    shape, element = shape_of(x), element_of(x)
    check_nonempty(shape)
    first = op.axis.value.data % len(shape)
    inner = list(range(first, len(shape)))
    count = prod(shape[first:])

    def element_fn(body: StageBody, indices: list[SSAValue]) -> SSAValue:
        return body.read(x, *indices)

    total = reduction(kb, "sum", shape, inner, element_fn)
    rows = shape[:first]

    def mean_fn(body: StageBody, indices: list[SSAValue]) -> SSAValue:
        return binary(body, "div", body.read(total, *indices), constant(body, count, element))

    mean = reduction(kb, "mean", rows, [], mean_fn)

    def centered(body: StageBody, indices: list[SSAValue]) -> SSAValue:
        value = body.read(x, *indices)
        return binary(body, "sub", value, body.read(mean, *outer(indices, inner)))

    def square_fn(body: StageBody, indices: list[SSAValue]) -> SSAValue:
        value = centered(body, indices)
        return binary(body, "mul", value, value)

    sqdev = reduction(kb, "sqdev", shape, inner, square_fn)

    def rstd_fn(body: StageBody, indices: list[SSAValue]) -> SSAValue:
        var = binary(body, "div", body.read(sqdev, *indices), constant(body, count, element))
        epsilon = constant(body, op.epsilon.value.data, element)
        return _rsqrt(body, binary(body, "add", var, epsilon))

    rstd = reduction(kb, "rstd", rows, [], rstd_fn)

    def normalized(body: StageBody, indices: list[SSAValue]) -> SSAValue:
        value = binary(body, "mul", centered(body, indices), body.read(rstd, *indices[:first]))
        value = binary(body, "mul", value, body.read(scale, *indices[first:]))
        return binary(body, "add", value, body.read(bias, *indices[first:]))

    return [reduction(kb, "Y", shape, [], normalized)]


@te_definition(graph.BatchNormOp)
def batch_norm(
    op: graph.BatchNormOp, kb: KernelBuilder, inputs: Sequence[SSAValue]
) -> list[SSAValue]:
    """A factor per channel, then one multiply-add per element:

        factor[c] = X1[c] / sqrt(X4[c] + epsilon)          (scale / sqrt(var + epsilon))
        Y[n, c, ..] = (X0[n, c, ..] - X3[c]) * factor[c] + X2[c]

    The arguments are x, scale, bias, mean and var, in the op's order.
    """
    x, scale, bias, mean, var = inputs
    shape, element = shape_of(x), element_of(x)
    check_nonempty(shape)

    def factor_fn(body: StageBody, indices: list[SSAValue]) -> SSAValue:
        epsilon = constant(body, op.epsilon.value.data, element)
        shifted = binary(body, "add", body.read(var, *indices), epsilon)
        root = body.insert(math.SqrtOp(shifted)).result
        return binary(body, "div", body.read(scale, *indices), root)

    factor = reduction(kb, "factor", shape[1:2], [], factor_fn)

    def normalized(body: StageBody, indices: list[SSAValue]) -> SSAValue:
        channel = indices[1]
        value = binary(body, "sub", body.read(x, *indices), body.read(mean, channel))
        value = binary(body, "mul", value, body.read(factor, channel))
        return binary(body, "add", value, body.read(bias, channel))

    return [reduction(kb, "Y", shape, [], normalized)]


# --- reductions ---------------------------------------------------------------------------


def _reduced(op: graph.ReduceSumOp | graph.ReduceMeanOp | graph.ReduceMaxOp) -> list[int]:
    rank = len(shape_of(op.input))
    return sorted(a % rank for a in ints(op.axes))


@te_definition(graph.ReduceSumOp, graph.ReduceMaxOp)
def reduce_sum_max(
    op: graph.ReduceSumOp | graph.ReduceMaxOp, kb: KernelBuilder, inputs: Sequence[SSAValue]
) -> list[SSAValue]:
    """`Y[kept..] = sum (or max) over the reduced dims of X0[..]`, in one stage."""
    (x,) = inputs
    shape = shape_of(x)
    check_nonempty(shape)

    def element_fn(body: StageBody, indices: list[SSAValue]) -> SSAValue:
        return body.read(x, *indices)

    keepdims = op.keepdims is not None
    reduced = _reduced(op)
    if isinstance(op, graph.ReduceSumOp):
        return [reduction(kb, "Y", shape, reduced, element_fn, keepdims=keepdims)]
    # from the lowest value, not the builder's identity: i1's would be -1, that is true
    init = lowest(element_of(x))
    stage = reduction(
        kb, "Y", shape, reduced, element_fn, combiner="max", init=init, keepdims=keepdims
    )
    return [stage]


@te_definition(graph.ReduceMeanOp)
def reduce_mean(
    op: graph.ReduceMeanOp, kb: KernelBuilder, inputs: Sequence[SSAValue]
) -> list[SSAValue]:
    """Stage "sum" over the reduced dims, then "Y" = sum / count.

        sum[kept..] = sum over r.. of X0[..]         Y[kept..] = sum[kept..] / n

    `n` is the number of elements reduced into each one; no reduced dims is a copy.
    """
    (x,) = inputs
    shape, element = shape_of(x), element_of(x)
    check_nonempty(shape)
    reduced = _reduced(op)
    keepdims = op.keepdims is not None

    def element_fn(body: StageBody, indices: list[SSAValue]) -> SSAValue:
        return body.read(x, *indices)

    if not reduced:
        return [reduction(kb, "Y", shape, [], element_fn)]
    total = reduction(kb, "sum", shape, reduced, element_fn)
    count = prod(shape[d] for d in reduced)

    def mean_fn(body: StageBody, indices: list[SSAValue]) -> SSAValue:
        # with keepdims, "Y" also has the reduced dims (extent 1), which "sum" dropped
        value = body.read(total, *(outer(indices, reduced) if keepdims else indices))
        return binary(body, "div", value, constant(body, count, element))

    return [reduction(kb, "Y", shape_of(op.result), [], mean_fn)]
