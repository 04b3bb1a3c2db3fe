"""`from_onnx`: an ONNX model as one `graph.func` with static shapes.

    graph(x: float[1, 3, 8, 8]), initializers w, b:  c = Conv(x, w, b); y = Relu(c)
    ->  graph.func @main(%x: tensor<1x3x8x8xf32>) -> tensor<1x4x8x8xf32> {
          %w = graph.constant dense_resource<w> : tensor<4x3x3x3xf32>
          %b = graph.constant dense<[...]> : tensor<4xf32>
          %c = graph.conv2d %x, %w, %b pads [1, 1, 1, 1] : (...) -> tensor<1x4x8x8xf32>
          %y = graph.relu %c : tensor<1x4x8x8xf32>
          graph.return %y : tensor<1x4x8x8xf32>
        }

The graph inputs that are not initializers become the arguments; initializers become
`graph.constant`s (blobs in the resource section when large, one element when a splat)
where an op needs them. Nodes whose inputs are all known at import time (shape
computations) are folded, by their converter or onnx's reference evaluator. Symbolic
dims must be given by `input_shapes`. Each converted output is checked against the type
ONNX's shape inference gives it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from math import prod
from pathlib import Path
from typing import Any

import numpy as np
from google.protobuf.message import DecodeError
from numpy.typing import NDArray
from onnx import GraphProto, ModelProto, NodeProto, TypeProto, ValueInfoProto, numpy_helper
from onnx.external_data_helper import load_external_data_for_model
from onnx.reference import ReferenceEvaluator
from onnx.shape_inference import infer_shapes
from xdsl.dialects.builtin import ModuleOp
from xdsl.ir import Attribute, Block, Operation, Region, SSAValue
from xdsl.utils.exceptions import VerifyException

from dlir.dialects import graph
from dlir.dialects.graph.common import Tensor
from dlir.frontend.onnx.context import GraphBuilder, NodeContext, describe, tensor_of
from dlir.frontend.onnx.registry import CONVERTERS, OnnxImportError, Value
from dlir.frontend.onnx.types import (
    SUPPORTED_TYPES,
    element_type,
    element_type_of_dtype,
    numpy_dtype,
    onnx_type_name,
)
from dlir.ir.module import IRModule

_DEFAULT_DOMAINS = ("", "ai.onnx")


def from_onnx(
    model: ModelProto | str | Path,
    *,
    name: str | None = None,
    input_shapes: Mapping[str, Sequence[int]] | None = None,
    input_values: Mapping[str, NDArray[Any]] | None = None,
) -> IRModule:
    """Import an ONNX model (a `ModelProto` or a file path) as a module with one graph.func.

    The function is `@main` unless `name` is given. `input_shapes` fixes the shape of
    named inputs, which the model's symbolic dims (`batch`, `?`) require. `input_values`
    binds named inputs to constants (e.g. a Reshape's shape fed as an input): they are
    folded in and are no longer arguments.
    """
    proto = _load(model)
    opset = _default_opset(proto)
    _check_supported(proto.graph)
    values = {k: np.asarray(v) for k, v in (input_values or {}).items()}
    _bind_input_values(proto, values)
    proto = _with_static_inputs(proto, dict(input_shapes or {}))
    func = _build_function(proto.graph, opset, name or "main")
    return IRModule(ModuleOp([func]))


# --- loading and checking -----------------------------------------------------------------


def _load(model: ModelProto | str | Path) -> ModelProto:
    if isinstance(model, ModelProto):
        copy = ModelProto()
        copy.CopyFrom(model)
        return copy
    path = Path(model)
    try:
        proto = ModelProto.FromString(path.read_bytes())
    except OSError as err:
        raise OnnxImportError(f"cannot read '{model}': {err.strerror or err}") from None
    except DecodeError:
        raise OnnxImportError(
            f"'{model}' is not an ONNX model (protobuf decoding failed)"
        ) from None
    try:  # weights kept in files beside the model
        load_external_data_for_model(proto, str(path.parent))
    except OSError as err:
        raise OnnxImportError(f"cannot read the external data of '{model}': {err}") from None
    return proto


def _default_opset(model: ModelProto) -> int:
    for entry in model.opset_import:
        if entry.domain in _DEFAULT_DOMAINS:
            return int(entry.version)
    raise OnnxImportError("the model imports no version of the default ONNX domain (opset_import)")


def _check_supported(g: GraphProto) -> None:
    """One error that lists every unsupported operator with its node count."""
    unsupported: Counter[str] = Counter()
    for node in g.node:
        if node.domain not in _DEFAULT_DOMAINS:
            unsupported[f"{node.domain}::{node.op_type}"] += 1
        elif node.op_type not in CONVERTERS:
            unsupported[node.op_type] += 1
    if unsupported:
        listed = ", ".join(f"{op} (x{n})" for op, n in sorted(unsupported.items()))
        raise OnnxImportError(
            f"unsupported ONNX operators ({len(unsupported)} kinds, "
            f"{sum(unsupported.values())} nodes): {listed}; "
            f"supported: {', '.join(sorted(CONVERTERS))}"
        )


def _bind_input_values(model: ModelProto, values: dict[str, NDArray[Any]]) -> None:
    """Turn the inputs named in `values` into initializers holding those values."""
    names = [i.name for i in _runtime_inputs(model.graph)]
    for key, value in values.items():
        if key not in names:
            raise OnnxImportError(
                f"input_values names '{key}', which is not a graph input (inputs: {', '.join(names)})"
            )
        model.graph.initializer.append(numpy_helper.from_array(value, key))


def _dims(t: TypeProto) -> list[int | str] | None:
    """A tensor type's dims: ints where known, the symbol (or "?") where not; None if no rank."""
    if not t.tensor_type.HasField("shape"):
        return None
    dims: list[int | str] = []
    for d in t.tensor_type.shape.dim:
        if d.HasField("dim_value") and d.dim_value >= 0:
            dims.append(int(d.dim_value))
        else:
            dims.append(d.dim_param or "?")
    return dims


def _runtime_inputs(g: GraphProto) -> list[ValueInfoProto]:
    """The graph inputs fed at run time (older models also list initializers as inputs)."""
    initialized = {t.name for t in g.initializer}
    return [i for i in g.input if i.name not in initialized]


def _with_static_inputs(model: ModelProto, overrides: dict[str, Sequence[int]]) -> ModelProto:
    """Apply `overrides` to the input shapes, require every dim known, infer all shapes."""
    inputs = _runtime_inputs(model.graph)
    names = [i.name for i in inputs]
    for key in overrides:
        if key not in names:
            raise OnnxImportError(
                f"input_shapes names '{key}', which is not a graph input (inputs: {', '.join(names)})"
            )
    unknown: list[str] = []
    for info in inputs:
        if not info.type.HasField("tensor_type"):
            raise OnnxImportError(f"input '{info.name}' is not a tensor")
        dims = _dims(info.type)
        shape = overrides.get(info.name)
        if shape is not None:
            shape = [int(d) for d in shape]
            if dims is not None and len(dims) != len(shape):
                raise OnnxImportError(
                    f"input_shapes gives input '{info.name}' rank {len(shape)}, the model rank "
                    f"{len(dims)} ({_show(dims)})"
                )
            for axis, (given, known) in enumerate(zip(shape, dims or shape, strict=True)):
                if given < 0 or (isinstance(known, int) and known != given):
                    raise OnnxImportError(
                        f"input_shapes gives input '{info.name}' dim {axis} size {given}, "
                        f"the model {known}"
                    )
            info.type.tensor_type.shape.Clear()
            for d in shape:
                info.type.tensor_type.shape.dim.add().dim_value = d
        elif dims is None:
            unknown.append(f"'{info.name}' has no known rank")
        else:
            for axis, d in enumerate(dims):
                if isinstance(d, str):
                    unknown.append(f"'{info.name}' dim {axis} is '{d}' in {_show(dims)}")
    if unknown:
        raise OnnxImportError(
            "dlir needs static shapes, and these input dims are unknown: "
            + "; ".join(unknown)
            + " (give them with input_shapes={'name': (d0, d1, ...)} or dl-import --input-shape name=d0,d1,...)"
        )
    try:
        return infer_shapes(model, data_prop=True)
    except Exception:  # onnx raises several types; shapes then come from the converters only
        return model


def _show(dims: Sequence[int | str]) -> str:
    return "[" + ", ".join(str(d) for d in dims) + "]"


# --- building -----------------------------------------------------------------------------


def _tensor_type(info: ValueInfoProto) -> Tensor:
    onnx_elem = info.type.tensor_type.elem_type
    elem = element_type(onnx_elem)
    if elem is None:
        raise OnnxImportError(
            f"input '{info.name}' has element type {onnx_type_name(onnx_elem)} "
            f"(supported: {SUPPORTED_TYPES})"
        )
    dims = _dims(info.type) or []
    return Tensor(elem, [int(d) for d in dims])


def _known_types(g: GraphProto) -> dict[str, tuple[Attribute | None, list[int | str] | None]]:
    """What ONNX's shape inference says of each tensor: element type and dims."""
    known: dict[str, tuple[Attribute | None, list[int | str] | None]] = {}
    for info in (*g.value_info, *g.output):
        if info.type.HasField("tensor_type"):
            known[info.name] = (element_type(info.type.tensor_type.elem_type), _dims(info.type))
    return known


def _build_function(g: GraphProto, opset: int, name: str) -> graph.FuncOp:
    inputs = _runtime_inputs(g)
    arg_types = [_tensor_type(i) for i in inputs]
    block = Block(arg_types=arg_types)
    used = {t for node in g.node for t in node.input} | {out.name for out in g.output}
    builder = GraphBuilder(block, opset, used)
    for info, arg in zip(inputs, block.args, strict=True):
        arg.name_hint = _hint(info.name)
        builder.bind(info.name, arg)
    for init in g.initializer:
        builder.bind(init.name, numpy_helper.to_array(init))
    known = _known_types(g)
    for index, node in enumerate(g.node):
        outputs = _convert_node(builder, node, index)
        _bind_outputs(builder, node, index, outputs, known, used)
    results: list[SSAValue] = []
    for out in g.output:
        value = builder.values.get(out.name)
        if value is None:
            raise OnnxImportError(f"graph output '{out.name}' is not computed by any node")
        results.append(builder.materialize(value, out.name))
    block.add_op(graph.ReturnOp(*results))
    function_type = (arg_types, [r.type for r in results])
    func = graph.FuncOp(name, function_type, Region(block))
    try:
        func.verify()
    except VerifyException as err:
        raise OnnxImportError(f"the imported function does not verify: {err}") from None
    return func


def _hint(name: str) -> str | None:
    """An ONNX tensor name as an SSA name hint, when it is a valid one."""
    hint = "".join(c if c.isalnum() or c in "_$." else "_" for c in name)
    return hint if hint and (hint[0].isalpha() or hint[0] == "_") else None


# Converters that fold constant operands themselves, without expanding splats (the
# weights of onnx's light_* models are ConstantOfShape splats of up to 100M elements).
_SELF_FOLDING = frozenset(
    {"ConstantOfShape", "Shape", "Identity", "Dropout", "Reshape", "Flatten", "Squeeze"}
    | {"Unsqueeze", "Transpose", "Cast"}
)


def _convert_node(builder: GraphBuilder, node: NodeProto, index: int) -> Sequence[Value]:
    ctx = NodeContext(builder, node, index)
    known = all(not ctx.has_input(i) or ctx.is_const(i) for i in range(ctx.num_inputs))
    if node.input and known and node.op_type not in _SELF_FOLDING:
        folded = _fold(ctx)
        if folded is not None:
            return folded
    try:
        return CONVERTERS[node.op_type](ctx)
    except VerifyException as err:  # a builder's type inference rejected the operands
        raise ctx.error(f"cannot be expressed in the graph dialect: {err}") from None


def _fold(ctx: NodeContext) -> list[Value] | None:
    """Evaluate a node whose inputs are all known (a shape computation) at import time."""
    feeds: dict[str, NDArray[Any]] = {}
    for i, name in enumerate(ctx.node.input):
        if name:
            feeds[name] = ctx.const(i, "folded")
    try:
        evaluator: Any = ReferenceEvaluator(ctx.node, opsets={"": ctx.opset})
        results: list[Any] = list(evaluator.run(None, feeds))
    except Exception:  # the converter then builds ops on constants instead
        return None
    return [np.asarray(r) for r in results]


def _bind_outputs(
    builder: GraphBuilder,
    node: NodeProto,
    index: int,
    outputs: Sequence[Value],
    known: dict[str, tuple[Attribute | None, list[int | str] | None]],
    used: set[str],
) -> None:
    """Name the node's outputs; an output the converter does not compute may not be read."""
    for i, out_name in enumerate(node.output):
        if not out_name or (i >= len(outputs) and out_name not in used):
            continue
        if i >= len(outputs):
            raise OnnxImportError(
                f"{describe(node, index)}: output {i} '{out_name}' is not supported "
                f"(dlir computes only the first {len(outputs)})"
            )
        value = _empty_as_constant(outputs[i])
        _check_against_onnx(node, index, out_name, value, known.get(out_name))
        if isinstance(value, SSAValue) and value.name_hint is None:
            value.name_hint = _hint(out_name)
        builder.bind(out_name, value)


def _empty_as_constant(value: Value) -> Value:
    """A tensor without elements is known at import time: an empty array, never an op."""
    if not isinstance(value, SSAValue):
        return value
    t = tensor_of(value)
    if prod(t.get_shape()) != 0:
        return value
    empty = np.zeros(t.get_shape(), dtype=numpy_dtype(t.element_type))
    owner = value.owner
    if isinstance(owner, Operation) and all(not r.uses for r in owner.results):
        owner.detach()
        owner.erase()
    return empty


def _check_against_onnx(
    node: NodeProto,
    index: int,
    name: str,
    value: Value,
    expected: tuple[Attribute | None, list[int | str] | None] | None,
) -> None:
    """A converted output must have the type ONNX's shape inference gives it, where it does."""
    if expected is None:
        return
    if isinstance(value, SSAValue):
        t = tensor_of(value)
        elem, shape = t.element_type, list(t.get_shape())
    else:
        elem, shape = element_type_of_dtype(value.dtype), list(value.shape)
    want_elem, want_dims = expected
    if want_elem is not None and elem is not None and want_elem != elem:
        raise OnnxImportError(
            f"{describe(node, index)}: output '{name}' has element type {elem}, ONNX says {want_elem}"
        )
    if want_dims is not None and all(isinstance(d, int) for d in want_dims) and want_dims != shape:
        raise OnnxImportError(
            f"{describe(node, index)}: output '{name}' has shape {shape}, ONNX says {want_dims}"
        )
