"""What a converter sees: `NodeContext`, one ONNX node with its inputs, attributes and builder.

    X = Reshape(data, shape)   with `shape` an initializer [2, -1]
    ->  ctx.input(0)           the SSA value of `data`
        ctx.const(1, "shape")  numpy array([2, -1]), or a clear error if not a constant
        ctx.emit(graph.ReshapeOp(...))

Values known at import time (initializers, `Constant`s, shapes) stay numpy arrays until
an op needs them as operands; `materialize` then makes one `graph.constant` per array.
The helpers `reshape`, `transpose`, `cast`, ... fold when their operand is an array.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any, cast

import numpy as np
from numpy.typing import NDArray
from onnx import AttributeProto, NodeProto, numpy_helper
from xdsl.dialects.builtin import BFloat16Type, DenseIntOrFPElementsAttr, TensorType
from xdsl.ir import Attribute, Block, Operation, SSAValue

from dlir.dialects import graph
from dlir.dialects.graph.common import Tensor
from dlir.frontend.onnx.registry import NotConstantError, OnnxImportError, Value
from dlir.frontend.onnx.types import (
    SUPPORTED_TYPES,
    element_type_of_dtype,
    numpy_dtype,
)

_NOT_IDENTIFIER = re.compile(r"[^A-Za-z0-9_$.]")

_ATTRIBUTE_KINDS: dict[int, str] = {
    AttributeProto.INT: "int",
    AttributeProto.FLOAT: "float",
    AttributeProto.STRING: "string",
    AttributeProto.INTS: "ints",
    AttributeProto.FLOATS: "floats",
    AttributeProto.TENSOR: "tensor",
}


class GraphBuilder:
    """The state of one import: the block being filled and the value of each ONNX tensor."""

    def __init__(self, block: Block, opset: int, used: set[str]) -> None:
        self.block = block
        self.opset = opset
        self.used = used  # the tensor names some node or the graph output reads
        self.values: dict[str, Value] = {}
        # id(array) -> (array, its graph.constant); the array is kept so its id stays unique.
        self._constants: dict[int, tuple[NDArray[Any], SSAValue]] = {}
        # id(array) -> (array, the ONNX name it was bound to), to name its constant.
        self._names: dict[int, tuple[NDArray[Any], str]] = {}

    def bind(self, name: str, value: Value) -> None:
        """ONNX tensor `name` is `value`."""
        self.values[name] = value
        if not isinstance(value, SSAValue) and id(value) not in self._names:
            self._names[id(value)] = (value, name)

    def emit(self, op: Operation) -> SSAValue:
        """Append `op` to the function body; its single result."""
        self.block.add_op(op)
        return op.results[0]

    def derive(self, new: NDArray[Any], old: NDArray[Any]) -> NDArray[Any]:
        """`new`, computed from `old` at import time (a transposed weight), takes its name."""
        bound = self._names.get(id(old))
        if bound is not None and bound[0] is old and id(new) not in self._names:
            self._names[id(new)] = (new, bound[1])
        return new

    def materialize(self, value: Value, name: str) -> SSAValue:
        """`value` as an SSA value: an array becomes a `graph.constant` (once per array)."""
        if isinstance(value, SSAValue):
            return value
        known = self._constants.get(id(value))
        if known is not None and known[0] is value:
            return known[1]
        bound = self._names.get(id(value))
        if bound is not None and bound[0] is value:
            name = bound[1]
        element = element_type_of_dtype(value.dtype)
        if element is None:
            raise OnnxImportError(
                f"tensor '{name}' has element type {value.dtype}, which graph tensors cannot "
                f"hold (supported: {SUPPORTED_TYPES})"
            )
        array = value.astype(np.float32) if value.dtype.name == "bfloat16" else value
        handle = _NOT_IDENTIFIER.sub("_", name) or "weight"
        if not handle[0].isalpha() and handle[0] != "_":
            handle = "t_" + handle
        if is_splat(array):  # stored once, never expanded: dense<0.01> : tensor<4096x25088xf32>
            one = graph.constant(array.reshape(-1)[:1].copy(), element_type=element)
            assert isinstance(one.value, DenseIntOrFPElementsAttr)
            dense_type = TensorType(one.value.type.element_type, array.shape)
            dense = DenseIntOrFPElementsAttr(dense_type, one.value.data)
            result = self.emit(graph.ConstantOp(dense))
        else:
            result = self.emit(graph.constant(array, element_type=element, name=handle))
        result.name_hint = handle
        self._constants[id(value)] = (value, result)
        return result


def splat(value: Any, shape: Sequence[int], dtype: np.dtype[Any]) -> NDArray[Any]:
    """`shape` full of `value`, as a read-only broadcast view that holds one element."""
    return np.broadcast_to(np.array(value, dtype=dtype), tuple(shape))


def is_splat(array: NDArray[Any]) -> bool:
    """Whether `array` is a `splat` view (every stride 0), which folds without expanding."""
    return array.size > 1 and all(stride == 0 for stride in array.strides)


def describe(node: NodeProto, index: int) -> str:
    """How errors name a node: `Reshape node 'r1'`, or by position and output when unnamed."""
    if node.name:
        return f"{node.op_type} node '{node.name}'"
    first = node.output[0] if node.output else "?"
    return f"{node.op_type} node #{index} (output '{first}')"


class NodeContext:
    """One ONNX node being converted: its inputs, attributes, opset, and the builder."""

    def __init__(self, builder: GraphBuilder, node: NodeProto, index: int) -> None:
        self.builder = builder
        self.node = node
        self.index = index
        self.opset = builder.opset
        self.attrs: dict[str, AttributeProto] = {a.name: a for a in node.attribute}

    # --- errors ---------------------------------------------------------------------

    def error(self, message: str) -> OnnxImportError:
        return OnnxImportError(f"{describe(self.node, self.index)}: {message}")

    # --- inputs ---------------------------------------------------------------------

    @property
    def num_inputs(self) -> int:
        return len(self.node.input)

    def has_input(self, i: int) -> bool:
        """Whether optional input `i` is given (absent, or named "", means not)."""
        return i < len(self.node.input) and self.node.input[i] != ""

    def value(self, i: int) -> Value:
        """Input `i` as it is known: an SSA value or an array."""
        if not self.has_input(i):
            raise self.error(f"input {i} is required but not given")
        name = self.node.input[i]
        found = self.builder.values.get(name)
        if found is None:
            raise self.error(f"input {i} '{name}' is not defined before the node")
        return found

    def input(self, i: int) -> SSAValue:
        """Input `i` as an SSA value (a known array becomes a `graph.constant`)."""
        return self.builder.materialize(self.value(i), self.node.input[i])

    def inputs(self) -> list[SSAValue]:
        return [self.input(i) for i in range(self.num_inputs) if self.has_input(i)]

    def is_const(self, i: int) -> bool:
        return self.has_input(i) and not isinstance(self.value(i), SSAValue)

    def const(self, i: int, what: str) -> NDArray[Any]:
        """Input `i` as an array; an error says the converter needs `what` known at import."""
        value = self.value(i)
        if isinstance(value, SSAValue):
            name = self.node.input[i]
            message = (
                f"input {i} '{name}' ({what}) must be a constant (an initializer, "
                "a Constant or computed from shapes), but it is computed at run time"
            )
            raise NotConstantError(f"{describe(self.node, self.index)}: {message}", name)
        return value

    def const_ints(self, i: int, what: str) -> list[int]:
        return [int(v) for v in self.const(i, what).reshape(-1)]

    def shape(self, i: int) -> tuple[int, ...]:
        value = self.value(i)
        if isinstance(value, SSAValue):
            return tensor_of(value).get_shape()
        return tuple(value.shape)

    def element_type(self, i: int) -> Attribute:
        value = self.value(i)
        if isinstance(value, SSAValue):
            return tensor_of(value).element_type
        element = element_type_of_dtype(value.dtype)
        if element is None:
            raise self.error(
                f"input {i} has element type {value.dtype} (supported: {SUPPORTED_TYPES})"
            )
        return element

    def output_used(self, i: int) -> bool:
        """Whether output `i` is read (optional outputs cost work only when they are)."""
        return i < len(self.node.output) and self.node.output[i] in self.builder.used

    # --- attributes -----------------------------------------------------------------

    def has_attr(self, name: str) -> bool:
        return name in self.attrs

    def _attr(self, name: str, kind: int) -> AttributeProto | None:
        attr = self.attrs.get(name)
        if attr is not None and attr.type != kind:
            expected = _ATTRIBUTE_KINDS.get(kind, str(kind))
            raise self.error(f"attribute '{name}' expected type {expected}")
        return attr

    def attr_int(self, name: str, default: int) -> int:
        attr = self._attr(name, AttributeProto.INT)
        return default if attr is None else int(attr.i)

    def attr_float(self, name: str, default: float) -> float:
        attr = self._attr(name, AttributeProto.FLOAT)
        return default if attr is None else float(attr.f)

    def attr_str(self, name: str, default: str) -> str:
        attr = self._attr(name, AttributeProto.STRING)
        return default if attr is None else attr.s.decode()

    def attr_ints(self, name: str) -> list[int] | None:
        attr = self._attr(name, AttributeProto.INTS)
        return None if attr is None else [int(v) for v in attr.ints]

    def attr_tensor(self, name: str) -> NDArray[Any] | None:
        attr = self._attr(name, AttributeProto.TENSOR)
        return None if attr is None else numpy_helper.to_array(attr.t)

    # --- building -------------------------------------------------------------------

    def emit(self, op: Operation) -> SSAValue:
        """Append `op`, whose builder inferred its result type from the operands (checking
        them); the whole function is verified once at the end."""
        return self.builder.emit(op)

    def materialize(self, value: Value) -> SSAValue:
        """`value` as an SSA value; a new array's constant is named after the node's output."""
        return self.builder.materialize(value, self.node.output[0] if self.node.output else "c")

    def scalar(self, value: float, element: Attribute) -> SSAValue:
        """A rank-0 `graph.constant` of `element` type."""
        return self.materialize(np.array(value, dtype=numpy_dtype(element)))

    def reshape(self, value: Value, shape: Sequence[int]) -> Value:
        """`value` under `shape` (no op when the shape is already that; folded for arrays)."""
        if not isinstance(value, SSAValue):
            if is_splat(value):
                return self.builder.derive(splat(value.reshape(-1)[0], shape, value.dtype), value)
            return self.builder.derive(value.reshape(tuple(shape)), value)
        if tensor_of(value).get_shape() == tuple(shape):
            return value
        return self.emit(graph.ReshapeOp(value, shape))

    def transpose(self, value: Value, perm: Sequence[int]) -> Value:
        if not isinstance(value, SSAValue):
            transposed = np.transpose(value, tuple(perm))
            if not is_splat(value):
                transposed = np.ascontiguousarray(transposed)
            return self.builder.derive(transposed, value)
        if list(perm) == list(range(len(perm))):
            return value
        return self.emit(graph.TransposeOp(value, perm))

    def cast(self, value: Value, element: Attribute) -> Value:
        """`value` converted to `element` (no op when it already has that type)."""
        if not isinstance(value, SSAValue) and isinstance(element, BFloat16Type):
            value = self.materialize(value)  # numpy has no bf16: convert at run time
        if not isinstance(value, SSAValue):
            dtype = numpy_dtype(element)
            if value.dtype == dtype and value.dtype.name != "bfloat16":
                return value
            if is_splat(value):
                converted = splat(value.reshape(-1)[:1].astype(dtype)[0], value.shape, dtype)
                return self.builder.derive(converted, value)
            return self.builder.derive(value.astype(dtype), value)
        if tensor_of(value).element_type == element:
            return value
        return self.emit(graph.CastOp(value, element))


def tensor_of(value: SSAValue) -> Tensor:
    # isinstance, not xDSL's isa: this runs for every operand and isa is slow on generics.
    t = value.type
    assert isinstance(t, TensorType)
    return cast(Tensor, t)
