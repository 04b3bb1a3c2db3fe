"""Data-movement `graph` operators: reshape, transpose, concat, flatten, pad, slice, gather,
broadcast_to.

All of them are injective (each output element reads one input element) except
broadcast_to, a broadcast. Each op class is the one place for its semantics: result
type (`infer_type`), fusion category (`FusionTrait`), and, in a later issue, its
tensor-expression definition.
"""

from __future__ import annotations

from collections.abc import Sequence

from xdsl.dialects.builtin import StringAttr, i32, i64
from xdsl.ir import Operation, SSAValue
from xdsl.irdl import (
    IRDLOperation,
    irdl_op_definition,
    operand_def,
    prop_def,
    result_def,
    traits_def,
    var_operand_def,
)
from xdsl.traits import Pure
from xdsl.utils.exceptions import VerifyException

from dlir.dialects.graph.common import (
    F64Attr,
    GraphTensor,
    I64Array,
    I64Attr,
    Shape,
    Tensor,
    broadcast_shapes,
    check_count,
    check_result_type,
    check_same_element_type,
    f64_attr,
    i64_array,
    i64_attr,
    ints,
    normalize_axis,
    num_elements,
    tensor_type,
)
from dlir.dialects.graph.fusion import FusionCategory, FusionTrait


class ToShapeOp(IRDLOperation):
    """Base of the ops whose result shape is given by the result type: reshape, broadcast_to.

    %y = graph.reshape %x : tensor<2x3x4xf32> -> tensor<6x4xf32>

    The builder takes the shape; each subclass gives `infer_type(input, shape)`.
    """

    input = operand_def(GraphTensor)
    result = result_def(GraphTensor)

    assembly_format = "$input attr-dict `:` type($input) `->` type($result)"

    def __init__(self, input: SSAValue | Operation, shape: Sequence[int]) -> None:
        result_type = self.infer_type(tensor_type(input), tuple(shape))
        super().__init__(operands=[input], result_types=[result_type])

    @staticmethod
    def infer_type(input: Tensor, shape: Shape) -> Tensor:
        raise NotImplementedError("each ToShapeOp defines its infer_type")

    def verify_(self) -> None:
        result = tensor_type(self.result)
        expected = self.infer_type(tensor_type(self.input), result.get_shape())
        check_result_type(result, expected)


@irdl_op_definition
class ReshapeOp(ToShapeOp):
    """The same elements, in row-major order, under another shape (given by the result type).

    %y = graph.reshape %x : tensor<2x3x4xf32> -> tensor<6x4xf32>
    """

    name = "graph.reshape"

    traits = traits_def(Pure(), FusionTrait(FusionCategory.INJECTIVE))

    @staticmethod
    def infer_type(input: Tensor, shape: Shape) -> Tensor:
        if num_elements(shape) != num_elements(input.get_shape()):
            raise VerifyException(
                f"element count differs: {num_elements(input.get_shape())} in {input} "
                f"vs {num_elements(shape)} in shape {list(shape)}"
            )
        return Tensor(input.element_type, shape)


@irdl_op_definition
class TransposeOp(IRDLOperation):
    """Permute dims: result dim `i` is input dim `perm[i]` (numpy.transpose).

    %y = graph.transpose %x perm [1, 0] : tensor<2x3xf32> -> tensor<3x2xf32>
    """

    name = "graph.transpose"

    input = operand_def(GraphTensor)
    result = result_def(GraphTensor)
    perm = prop_def(I64Array)

    traits = traits_def(Pure(), FusionTrait(FusionCategory.INJECTIVE))
    assembly_format = "$input `perm` $perm attr-dict `:` type($input) `->` type($result)"

    def __init__(self, input: SSAValue | Operation, perm: Sequence[int]) -> None:
        result_type = self.infer_type(tensor_type(input), tuple(perm))
        super().__init__(
            operands=[input], result_types=[result_type], properties={"perm": i64_array(perm)}
        )

    @staticmethod
    def infer_type(input: Tensor, perm: Shape) -> Tensor:
        if sorted(perm) != list(range(input.get_num_dims())):
            raise VerifyException(
                f"perm {list(perm)} is not a permutation of the {input.get_num_dims()} dims "
                f"of {input}"
            )
        shape = input.get_shape()
        return Tensor(input.element_type, tuple(shape[p] for p in perm))

    def verify_(self) -> None:
        expected = self.infer_type(tensor_type(self.input), ints(self.perm))
        check_result_type(self.result.type, expected)


@irdl_op_definition
class ConcatOp(IRDLOperation):
    """Join tensors along `axis`; all other dims must agree.

    %y = graph.concat %a, %b axis 1 : (tensor<2x3xf32>, tensor<2x5xf32>) -> tensor<2x8xf32>
    """

    name = "graph.concat"

    inputs = var_operand_def(GraphTensor)
    result = result_def(GraphTensor)
    axis = prop_def(I64Attr)

    traits = traits_def(Pure(), FusionTrait(FusionCategory.INJECTIVE))
    assembly_format = "$inputs `axis` $axis attr-dict `:` functional-type($inputs, $result)"

    def __init__(self, inputs: Sequence[SSAValue | Operation], axis: int) -> None:
        result_type = self.infer_type([tensor_type(v) for v in inputs], axis)
        super().__init__(
            operands=[inputs], result_types=[result_type], properties={"axis": i64_attr(axis)}
        )

    @staticmethod
    def infer_type(inputs: Sequence[Tensor], axis: int) -> Tensor:
        if not inputs:
            raise VerifyException("expected at least one input")
        first = inputs[0]
        check_same_element_type(*inputs)
        rank = first.get_num_dims()
        dim = normalize_axis(axis, rank)
        total = 0
        for t in inputs:
            shape = t.get_shape()
            others = (*shape[:dim], *shape[dim + 1 :]) if len(shape) == rank else None
            if others != (*first.get_shape()[:dim], *first.get_shape()[dim + 1 :]):
                raise VerifyException(f"shapes differ off axis {axis}: {first} vs {t}")
            total += shape[dim]
        shape = list(first.get_shape())
        shape[dim] = total
        return Tensor(first.element_type, shape)

    def verify_(self) -> None:
        expected = self.infer_type([tensor_type(v) for v in self.inputs], self.axis.value.data)
        check_result_type(self.result.type, expected)


@irdl_op_definition
class FlattenOp(IRDLOperation):
    """Collapse to rank 2: dims before `axis` form the rows, the rest the columns (ONNX Flatten).

    %y = graph.flatten %x : tensor<1x512x1x1xf32> -> tensor<1x512xf32>
    %z = graph.flatten %x axis 2 : tensor<1x512x1x1xf32> -> tensor<512x1xf32>
    """

    name = "graph.flatten"

    input = operand_def(GraphTensor)
    result = result_def(GraphTensor)
    axis = prop_def(I64Attr, default_value=i64_attr(1))

    traits = traits_def(Pure(), FusionTrait(FusionCategory.INJECTIVE))
    assembly_format = "$input (`axis` $axis^)? attr-dict `:` type($input) `->` type($result)"

    def __init__(self, input: SSAValue | Operation, axis: int = 1) -> None:
        super().__init__(
            operands=[input],
            result_types=[self.infer_type(tensor_type(input), axis)],
            properties={"axis": i64_attr(axis)},
        )

    @staticmethod
    def infer_type(input: Tensor, axis: int) -> Tensor:
        rank = input.get_num_dims()
        if not -rank <= axis <= rank:
            raise VerifyException(f"axis {axis} is out of range for flattening rank {rank}")
        split = axis + rank if axis < 0 else axis
        shape = input.get_shape()
        return Tensor(
            input.element_type, (num_elements(shape[:split]), num_elements(shape[split:]))
        )

    def verify_(self) -> None:
        check_result_type(
            self.result.type, self.infer_type(tensor_type(self.input), self.axis.value.data)
        )


PAD_MODES = ("constant", "reflect", "edge")


@irdl_op_definition
class PadOp(IRDLOperation):
    """Pad every dim by `low[i]` elements before and `high[i]` after.

    Modes as numpy.pad: `constant` (with `value`, default 0), `reflect`, `edge`.

    %y = graph.pad %x low [0, 1] high [0, 2] : tensor<2x3xf32> -> tensor<2x6xf32>
    %z = graph.pad %x low [1, 1] high [1, 1] mode "reflect" : tensor<2x3xf32> -> tensor<4x5xf32>
    """

    name = "graph.pad"

    input = operand_def(GraphTensor)
    result = result_def(GraphTensor)
    low = prop_def(I64Array)
    high = prop_def(I64Array)
    mode = prop_def(StringAttr, default_value=StringAttr("constant"))
    value = prop_def(F64Attr, default_value=f64_attr(0.0))

    traits = traits_def(Pure(), FusionTrait(FusionCategory.INJECTIVE))
    assembly_format = (
        "$input `low` $low `high` $high (`mode` $mode^)? (`value` $value^)? attr-dict"
        " `:` type($input) `->` type($result)"
    )

    def __init__(
        self,
        input: SSAValue | Operation,
        low: Sequence[int],
        high: Sequence[int],
        mode: str = "constant",
        value: float = 0.0,
    ) -> None:
        result_type = self.infer_type(tensor_type(input), tuple(low), tuple(high), mode)
        super().__init__(
            operands=[input],
            result_types=[result_type],
            properties={
                "low": i64_array(low),
                "high": i64_array(high),
                "mode": StringAttr(mode),
                "value": f64_attr(value),
            },
        )

    @staticmethod
    def infer_type(input: Tensor, low: Shape, high: Shape, mode: str) -> Tensor:
        shape = input.get_shape()
        for what, pads in (("low", low), ("high", high)):
            check_count(what, pads, len(shape))
            if min(pads, default=0) < 0:
                raise VerifyException(f"{what} pads must be non-negative, found {list(pads)}")
        if mode not in PAD_MODES:
            raise VerifyException(f'mode expected "constant", "reflect" or "edge", found "{mode}"')
        for axis, (size, lo, hi) in enumerate(zip(shape, low, high, strict=True)):
            if mode == "reflect" and max(lo, hi) >= size:
                raise VerifyException(
                    f"reflect padding {max(lo, hi)} on axis {axis} needs a dim larger than "
                    f"the padding, found {size}"
                )
            if mode == "edge" and size == 0 and max(lo, hi) > 0:
                raise VerifyException(f"edge padding of the empty axis {axis}")
        out = tuple(size + lo + hi for size, lo, hi in zip(shape, low, high, strict=True))
        return Tensor(input.element_type, out)

    def verify_(self) -> None:
        if self.mode.data != "constant" and self.value.value.data != 0.0:
            raise VerifyException(
                f'value is only meaningful in mode "constant", not "{self.mode.data}"'
            )
        expected = self.infer_type(
            tensor_type(self.input), ints(self.low), ints(self.high), self.mode.data
        )
        check_result_type(self.result.type, expected)


@irdl_op_definition
class SliceOp(IRDLOperation):
    """`x[starts[0]:ends[0]:steps[0], ...]` with Python's rules (negative indices and steps).

    %y = graph.slice %x starts [0, 3] ends [2, -5] steps [1, -1] : tensor<2x4xf32> -> tensor<2x3xf32>
    """

    name = "graph.slice"

    input = operand_def(GraphTensor)
    result = result_def(GraphTensor)
    starts = prop_def(I64Array)
    ends = prop_def(I64Array)
    steps = prop_def(I64Array)

    traits = traits_def(Pure(), FusionTrait(FusionCategory.INJECTIVE))
    assembly_format = (
        "$input `starts` $starts `ends` $ends `steps` $steps attr-dict"
        " `:` type($input) `->` type($result)"
    )

    def __init__(
        self,
        input: SSAValue | Operation,
        starts: Sequence[int],
        ends: Sequence[int],
        steps: Sequence[int] | None = None,
    ) -> None:
        step_values = tuple(steps) if steps is not None else (1,) * len(starts)
        result_type = self.infer_type(tensor_type(input), tuple(starts), tuple(ends), step_values)
        super().__init__(
            operands=[input],
            result_types=[result_type],
            properties={
                "starts": i64_array(starts),
                "ends": i64_array(ends),
                "steps": i64_array(step_values),
            },
        )

    @staticmethod
    def infer_type(input: Tensor, starts: Shape, ends: Shape, steps: Shape) -> Tensor:
        shape = input.get_shape()
        for what, values in (("starts", starts), ("ends", ends), ("steps", steps)):
            check_count(what, values, len(shape))
        if 0 in steps:
            raise VerifyException(f"steps must be non-zero, found {list(steps)}")
        out = tuple(
            len(range(*slice(start, end, step).indices(size)))
            for size, start, end, step in zip(shape, starts, ends, steps, strict=True)
        )
        return Tensor(input.element_type, out)

    def verify_(self) -> None:
        expected = self.infer_type(
            tensor_type(self.input), ints(self.starts), ints(self.ends), ints(self.steps)
        )
        check_result_type(self.result.type, expected)


GATHER_INDEX_TYPES = (i32, i64)


@irdl_op_definition
class GatherOp(IRDLOperation):
    """Pick slices of `data` along `axis` at the positions `indices` holds (ONNX Gather,
    numpy.take): the result shape is `data.shape[:axis] + indices.shape + data.shape[axis+1:]`.

    `axis` may be negative (from the end). Indices are i32 or i64; a negative index counts
    from the end of the axis, once (`-1` is the last). An index outside `[-n, n)` for an
    axis of size `n` is an error in the interpreter; native code clamps it into `[0, n)`
    (after the one wrap), so it never reads outside `data`.

    %y = graph.gather %w, %ids axis 0 : (tensor<1000x64xf32>, tensor<2x7xi64>) -> tensor<2x7x64xf32>
    """

    name = "graph.gather"

    data = operand_def(GraphTensor)
    indices = operand_def(GraphTensor)
    result = result_def(GraphTensor)
    axis = prop_def(I64Attr)

    traits = traits_def(Pure(), FusionTrait(FusionCategory.INJECTIVE))
    assembly_format = (
        "$data `,` $indices `axis` $axis attr-dict `:` functional-type(operands, results)"
    )

    def __init__(
        self, data: SSAValue | Operation, indices: SSAValue | Operation, axis: int = 0
    ) -> None:
        result_type = self.infer_type(tensor_type(data), tensor_type(indices), axis)
        super().__init__(
            operands=[data, indices],
            result_types=[result_type],
            properties={"axis": i64_attr(axis)},
        )

    @staticmethod
    def infer_type(data: Tensor, indices: Tensor, axis: int) -> Tensor:
        if indices.element_type not in GATHER_INDEX_TYPES:
            raise VerifyException(
                f"indices expected element type i32 or i64, found {indices.element_type}"
            )
        if data.get_num_dims() == 0:
            raise VerifyException(f"expected data of rank 1 or more, found {data}")
        dim = normalize_axis(axis, data.get_num_dims())
        shape = data.get_shape()
        if shape[dim] == 0 and num_elements(indices.get_shape()) > 0:
            raise VerifyException(f"gathers from the empty axis {axis} of {data}")
        return Tensor(data.element_type, (*shape[:dim], *indices.get_shape(), *shape[dim + 1 :]))

    def verify_(self) -> None:
        expected = self.infer_type(
            tensor_type(self.data), tensor_type(self.indices), self.axis.value.data
        )
        check_result_type(self.result.type, expected)


@irdl_op_definition
class BroadcastToOp(ToShapeOp):
    """Broadcast to the result type's shape with numpy's rules (numpy.broadcast_to).

    %y = graph.broadcast_to %x : tensor<3x1xf32> -> tensor<2x3x4xf32>
    """

    name = "graph.broadcast_to"

    traits = traits_def(Pure(), FusionTrait(FusionCategory.BROADCAST))

    @staticmethod
    def infer_type(input: Tensor, shape: Shape) -> Tensor:
        if broadcast_shapes(input.get_shape(), shape) != shape:
            raise VerifyException(f"{input} does not broadcast to shape {list(shape)}")
        return Tensor(input.element_type, shape)
