"""The onnx wheel's light_* CNNs compiled natively: their expected outputs, and random
weights against onnx's ReferenceEvaluator (their own weights are one splat per layer, so
an indexing bug would not show).

CI runs squeezenet; `DLIR_LIGHT_MODELS=all` (or a comma-separated list) adds the others,
each a minute or more to compile: `DLIR_LIGHT_MODELS=shufflenet,resnet50 pytest ...`.
"""

from __future__ import annotations

import os
from typing import Any

import numpy as np
import pytest
from numpy.typing import NDArray
from onnx.reference import ReferenceEvaluator

import dlir
from dlir.frontend.onnx import from_onnx
from dlir.frontend.onnx.light import (
    LIGHT_MODELS,
    data_input,
    expected_output,
    load_light,
    random_input,
    randomized,
    runner_input,
)

Array = NDArray[Any]
CI_MODELS = ("squeezenet",)


def selected_models() -> list[str]:
    chosen = os.environ.get("DLIR_LIGHT_MODELS", "")
    extra = list(LIGHT_MODELS) if chosen == "all" else [m for m in chosen.split(",") if m]
    return list(CI_MODELS) + [m for m in extra if m not in CI_MODELS]


def run_native(model: Any, x: Array) -> list[Array]:
    result = dlir.compile(from_onnx(model))["main"](x)
    return [np.asarray(r) for r in result] if isinstance(result, tuple) else [np.asarray(result)]


def legacy_softmax(logits: Array) -> Array:
    """Softmax-1..12 at axis 1: over everything from axis 1 on, flattened."""
    flat = logits.reshape(logits.shape[0], -1).astype(np.float64)
    e = np.exp(flat - flat.max(axis=1, keepdims=True))
    return (e / e.sum(axis=1, keepdims=True)).reshape(logits.shape).astype(np.float32)


@pytest.mark.parametrize("name", selected_models())
def test_expected_output(name: str) -> None:
    model = load_light(name)
    (got,) = run_native(model, runner_input(model))
    np.testing.assert_allclose(got, expected_output(name), rtol=1e-3, atol=1e-7)


@pytest.mark.parametrize("name", selected_models())
def test_random_weights_match_the_reference_evaluator(name: str) -> None:
    model = randomized(load_light(name), seed=1)
    x = random_input(model, seed=2)
    evaluator: Any = ReferenceEvaluator(model)
    # the evaluator's Softmax has opset 13's semantics whatever the opset (on [1,1000,1,1]
    # it returns ones): its logits are the reference, the probabilities follow from them
    _, logits = evaluator.run(None, {data_input(model).name: x})
    probabilities, got_logits = run_native(model, x)
    scale = float(np.abs(logits).max())
    assert scale > 1.0  # random weights: the logits are far from the splat model's
    np.testing.assert_allclose(got_logits, logits, rtol=1e-3, atol=1e-4 * scale)
    np.testing.assert_allclose(probabilities, legacy_softmax(logits), rtol=1e-3, atol=1e-6)


def test_randomized_replaces_every_splat_weight() -> None:
    model = load_light("squeezenet")
    first, again, other = randomized(model, 0), randomized(model, 0), randomized(model, 1)
    assert not [n for n in first.graph.node if n.op_type == "ConstantOfShape"]
    assert [o.name for o in first.graph.output] == ["softmaxout_1", "r65"]
    weights = {t.name: t for t in first.graph.initializer}
    kernel = np.frombuffer(weights["conv1_w_0"].raw_data, np.float32)
    assert len(np.unique(kernel)) == kernel.size == 64 * 3 * 3 * 3
    assert first.SerializeToString() == again.SerializeToString()
    assert first.SerializeToString() != other.SerializeToString()


def test_unknown_model_lists_the_light_models() -> None:
    with pytest.raises(ValueError, match="unknown light model 'resnet'; expected one of"):
        load_light("resnet")
