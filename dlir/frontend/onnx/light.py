"""The nine `light_*` CNNs of the onnx wheel: loading, their test input, random weights.

    from dlir.frontend.onnx.light import load_light, runner_input, expected_output, randomized
    model = load_light("squeezenet")         # .../backend/test/data/light/light_squeezenet.onnx
    x = runner_input(model)                  # what onnx's backend test runner feeds it
    expected = expected_output("squeezenet")  # light_squeezenet_output_0.pb
    random_model = randomized(model, seed=0)  # same graph, random weights, logits exposed

Their weights are `ConstantOfShape` splats (one value per layer), so their expected
outputs cannot catch an indexing bug: `randomized` replaces every float weight with random
values (He-scaled for kernels, in [0.5, 1.5) for per-channel vectors so batch-norm
variances stay positive) and adds the input of the final Softmax as a second output, since
a saturated softmax hides errors in the logits.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np
import onnx
from numpy.typing import NDArray
from onnx import ModelProto, TensorProto, helper, numpy_helper

LIGHT_MODELS: tuple[str, ...] = (
    "squeezenet",
    "shufflenet",
    "bvlc_alexnet",
    "zfnet512",
    "inception_v1",
    "resnet50",
    "inception_v2",
    "densenet121",
    "vgg19",
)
"""Names of the light models, roughly by compile cost."""

LIGHT_DIR = Path(os.path.dirname(onnx.__file__)) / "backend" / "test" / "data" / "light"


def light_path(name: str) -> Path:
    """Path of `light_<name>.onnx`; an unknown name lists the legal ones."""
    if name not in LIGHT_MODELS:
        raise ValueError(f"unknown light model {name!r}; expected one of {', '.join(LIGHT_MODELS)}")
    return LIGHT_DIR / f"light_{name}.onnx"


def load_light(name: str) -> ModelProto:
    """The model `light_<name>.onnx` shipped in the onnx wheel."""
    model = ModelProto()
    model.ParseFromString(light_path(name).read_bytes())
    return model


def data_input(model: ModelProto) -> onnx.ValueInfoProto:
    """The one graph input that is not an initializer (the image)."""
    initialized = {t.name for t in model.graph.initializer}
    inputs = [i for i in model.graph.input if i.name not in initialized]
    if len(inputs) != 1:
        raise ValueError(f"expected one data input, found {[i.name for i in inputs]}")
    return inputs[0]


def runner_input(model: ModelProto) -> NDArray[np.float32]:
    """The input onnx's backend test runner feeds a light model: `arange(n) / n`."""
    dims = data_input(model).type.tensor_type.shape.dim
    shape = tuple(d.dim_value if d.HasField("dim_value") else 1 for d in dims)
    n = int(np.prod(shape))
    return (np.arange(n).reshape(shape) / n).astype(np.float32)


def random_input(model: ModelProto, seed: int = 0) -> NDArray[np.float32]:
    """A uniform [0, 1) input of the data input's shape."""
    shape = runner_input(model).shape
    return np.random.default_rng(seed).random(shape, dtype=np.float32)


def expected_output(name: str) -> NDArray[Any]:
    """`light_<name>_output_0.pb`: the model's output on `runner_input`."""
    path = LIGHT_DIR / f"light_{name}_output_0.pb"
    tensor = TensorProto()
    tensor.ParseFromString(path.read_bytes())
    return numpy_helper.to_array(tensor)


def randomized(model: ModelProto, seed: int = 0) -> ModelProto:
    """`model` with every float weight random (deterministic in `seed`) and the logits
    (the input of the last Softmax) as a second output.

    `ConstantOfShape` weights become initializers: light_resnet50's

        %w = ConstantOfShape(%w__SHAPE) {value = 0.02}   ->   initializer w: f32[64,3,7,7]
    """
    rng = np.random.default_rng(seed)
    graph = model.graph
    known = {t.name: numpy_helper.to_array(t) for t in graph.initializer}
    fan_in = _fan_in_by_weight(model)
    weights: dict[str, NDArray[np.float32]] = {}
    kept: list[onnx.NodeProto] = []
    for node in graph.node:
        value = _splat_value(node)
        if value is not None and value.dtype == np.float32 and node.input[0] in known:
            weights[node.output[0]] = np.zeros(tuple(known[node.input[0]]), np.float32)
        else:
            kept.append(node)
    for name, array in known.items():
        if array.dtype == np.float32:
            weights[name] = array
    initializers = [t for t in graph.initializer if t.name not in weights]
    for name in sorted(weights):
        array = _random_weight(rng, weights[name].shape, fan_in.get(name))
        initializers.append(numpy_helper.from_array(array, name))
    outputs = list(graph.output)
    softmaxes = [n for n in kept if n.op_type == "Softmax"]
    if softmaxes:
        outputs.append(helper.make_empty_tensor_value_info(softmaxes[-1].input[0]))
    new_graph = helper.make_graph(kept, graph.name, list(graph.input), outputs, initializers)
    result = helper.make_model(new_graph, opset_imports=list(model.opset_import))
    result.ir_version = model.ir_version
    return result


def _splat_value(node: onnx.NodeProto) -> NDArray[Any] | None:
    if node.op_type != "ConstantOfShape":
        return None
    for attr in node.attribute:
        if attr.name == "value":
            return numpy_helper.to_array(attr.t)
    return np.zeros((1,), np.float32)


def _fan_in_by_weight(model: ModelProto) -> dict[str, int | None]:
    """For each Conv/Gemm/MatMul weight, the axis of its reduced dim K (None: every axis
    but the first, as in conv kernels)."""
    fan_in: dict[str, int | None] = {}
    for node in model.graph.node:
        if node.op_type in ("Conv", "Gemm", "MatMul") and len(node.input) > 1:
            attrs = {a.name: helper.get_attribute_value(a) for a in node.attribute}
            if node.op_type == "Conv":  # [O, I/groups, kh, kw]: all but dim 0
                fan_in[node.input[1]] = None
            elif node.op_type == "Gemm" and attrs.get("transB", 0):  # [N, K]
                fan_in[node.input[1]] = 1
            else:  # [K, N]
                fan_in[node.input[1]] = 0
    return fan_in


def _random_weight(
    rng: np.random.Generator, shape: tuple[int, ...], axis_of_k: int | None
) -> NDArray[np.float32]:
    if len(shape) <= 1:  # biases, batch-norm scale/shift/mean/var: positive, per channel
        return rng.uniform(0.5, 1.5, shape).astype(np.float32)
    fan = int(np.prod(shape[1:])) if axis_of_k is None else shape[axis_of_k]
    std = np.sqrt(2.0 / max(fan, 1))
    return (rng.standard_normal(shape, dtype=np.float32) * std).astype(np.float32)


__all__ = [
    "LIGHT_DIR",
    "LIGHT_MODELS",
    "data_input",
    "expected_output",
    "light_path",
    "load_light",
    "random_input",
    "randomized",
    "runner_input",
]
