"""te definition of `graph.lrn` (ONNX LRN): a window sum of squares across channels, then
the normalisation. Three stages, as the poolings: the squares padded with zeros along the
channels, their window sums, and the output.

    %y = graph.lrn %x size 3 alpha 1.0e-04 beta 7.5e-01 bias 1.0 : tensor<1x6x5x5xf32>
    ->
    %square = te.compute "square" (%i0: 1, %i1: 8, %i2: 5, %i3: 5) {   (x^2, 0 off [0, 6))
    %sum = te.compute "sum" (%i0: 1, %i1: 6, %i2: 5, %i3: 5) reduce (%r: 3) combiner add ... {
      %s = te.read %square[%i0, %i1 + %r, %i2, %i3] ...
    }
    %Y = te.compute "Y" (...) { x / (bias + alpha / size * sum) ^ beta }     (see `power`)
"""

from __future__ import annotations

from collections.abc import Sequence

from xdsl.dialects import arith, math
from xdsl.ir import SSAValue

from dlir.dialects import graph
from dlir.dialects.te.builder import KernelBuilder, StageBody
from dlir.passes.lowering.graph_to_te.common import (
    NotConvertible,
    axes,
    binary,
    clamp_index,
    constant,
    element_of,
    elementwise,
    in_range,
    index_add,
    select,
    shape_of,
)
from dlir.passes.lowering.graph_to_te.registry import te_definition


@te_definition(graph.LrnOp)
def lrn(op: graph.LrnOp, kb: KernelBuilder, inputs: Sequence[SSAValue]) -> list[SSAValue]:
    """`square[c'] = x[c' - before]^2` (0 outside the channels), `sum[c] = sum over r < size
    of square[c + r]`, `Y = x / (bias + alpha / size * sum) ^ beta`, where the window of
    channel `c` is `[c - before, c + after]`, `before = (size - 1) // 2`, `after = size // 2`.
    """
    (x,) = inputs
    shape, t = shape_of(x), element_of(x)
    if 0 in shape:
        raise NotConvertible(f"a te stage cannot have the empty shape {list(shape)}")
    size, channels = op.size.value.data, shape[1]
    before, after = (size - 1) // 2, size // 2
    padded_shape = (shape[0], channels + before + after, *shape[2:])

    def square(body: StageBody, idx: Sequence[SSAValue]) -> SSAValue:
        c = index_add(body, idx[1], -before)
        if size == 1:  # nothing padded
            value = body.read(x, *idx)
            return binary(body, "mul", value, value)
        # padded: read at a clamped channel, keep 0 outside the channels
        value = body.read(x, idx[0], clamp_index(body, c, 0, channels - 1), *idx[2:])
        inside = in_range(body, c, channels)
        return select(body, inside, binary(body, "mul", value, value), constant(body, 0, t))

    squares = elementwise(kb, "square", padded_shape, square)

    def window(body: StageBody, *idx: SSAValue) -> SSAValue:
        *point, r = idx
        channel = body.insert(arith.AddiOp(point[1], r)).result
        return body.read(squares, point[0], channel, *point[2:])

    total = kb.compute("sum", axes(shape), window, reduce=[("r", size)])
    scale = op.alpha.value.data / size
    bias, beta = op.bias.value.data, op.beta.value.data

    def normalize(body: StageBody, idx: Sequence[SSAValue]) -> SSAValue:
        value, summed = body.read(x, *idx), body.read(total, *idx)
        scaled = binary(body, "mul", constant(body, scale, t), summed)
        base = binary(body, "add", constant(body, bias, t), scaled)
        return binary(body, "div", value, power(body, base, beta))

    return [elementwise(kb, "Y", shape, normalize)]


def power(body: StageBody, base: SSAValue, beta: float) -> SSAValue:
    """`base ^ beta`; the common exponents by square roots (a few cycles, where powf costs
    an exp and a log): 0.75 (AlexNet's, ONNX's default) is `sqrt(b) * sqrt(sqrt(b))`.

    Within 2 ulp of powf for `base >= 0`; NaN for `base < 0`, as powf."""
    if beta == 1:
        return base
    if beta in (0.25, 0.5, 0.75):
        root = body.insert(math.SqrtOp(base)).result
        if beta == 0.5:
            return root
        fourth = body.insert(math.SqrtOp(root)).result
        return fourth if beta == 0.25 else binary(body, "mul", root, fourth)
    exponent = constant(body, beta, base.type)
    return body.insert(math.PowFOp(base, exponent)).result
