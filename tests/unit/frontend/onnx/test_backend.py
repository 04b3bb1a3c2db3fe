"""The ONNX backend API (`DlirBackend`): inputs bound as constants, the program cache, modes."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from onnx import helper

from dlir.frontend.onnx import OnnxImportError
from dlir.frontend.onnx.backend import DlirBackend, graph_inputs_reaching
from dlir.frontend.onnx.suite import Outcome, cause_of, run_case, selected, summarize
from tests.unit.frontend.onnx.conftest import make_model, rand


def i64(*values: int) -> np.ndarray:
    return np.array(values, dtype=np.int64)


def _reshape_model() -> Any:
    """y = Reshape(x + 1, shape) with `shape` a graph input, as the node tests feed it."""
    nodes = [
        helper.make_node("Add", ["x", "one"], ["x1"]),
        helper.make_node("Reshape", ["x1", "shape"], ["y"]),
    ]
    one = np.ones((), np.float32)
    return make_model(nodes, {"x": rand(2, 3, 4), "shape": i64(0, 0)}, initializers={"one": one})


@pytest.mark.parametrize("mode", ["native", "interpret"])
def test_shape_input_is_bound_and_programs_are_cached_per_value(mode: str) -> None:
    rep = DlirBackend.prepare(_reshape_model(), "CPU", mode=mode)
    x = rand(2, 3, 4, seed=1)
    (a,) = rep.run([x, i64(6, 4)])
    (b,) = rep.run({"shape": i64(4, -1), "x": x})
    (c,) = rep.run([x + 1, i64(6, 4)])
    assert rep.bound == {"shape"}
    assert len(rep._programs) == 2  # pyright: ignore[reportPrivateUsage]
    np.testing.assert_allclose(a, (x + 1).reshape(6, 4), rtol=1e-6)
    np.testing.assert_allclose(b, (x + 1).reshape(4, 6), rtol=1e-6)
    np.testing.assert_allclose(c, (x + 2).reshape(6, 4), rtol=1e-6)


def test_data_inputs_stay_arguments() -> None:
    """Only inputs a converter needs as constants are bound: Add's operands never are."""
    x = rand(3, 5)
    model = make_model(helper.make_node("Add", ["x", "y"], ["z"]), {"x": x, "y": x})
    rep = DlirBackend.prepare(model)
    (z,) = rep.run([x, 2 * x])
    assert rep.bound == set()
    np.testing.assert_allclose(z, 3 * x, rtol=1e-6)


def test_shape_computed_from_data_binds_that_data() -> None:
    """A Reshape whose shape is computed from an input binds that input: the program is
    specialized on its value (and the suite reports such tests as folded)."""
    nodes = [
        helper.make_node("Cast", ["x"], ["s"], to=7),
        helper.make_node("Reshape", ["x", "s"], ["y"]),
    ]
    x = np.array([2.0, 1.0], np.float32)
    rep = DlirBackend.prepare(make_model(nodes, {"x": x}))
    (y,) = rep.run([x])
    assert rep.bound == {"x"}
    np.testing.assert_array_equal(y, x.reshape(2, 1))


def test_graph_inputs_reaching() -> None:
    g = _reshape_model().graph
    assert graph_inputs_reaching(g, "y") == {"x", "shape"}
    assert graph_inputs_reaching(g, "shape") == {"shape"}
    assert graph_inputs_reaching(g, "one") == set()


def test_wrong_inputs_are_clear_errors() -> None:
    rep = DlirBackend.prepare(_reshape_model())
    with pytest.raises(OnnxImportError, match=r"takes 2 inputs \(x, shape\), 1 were given"):
        rep.run([rand(2, 3, 4)])
    with pytest.raises(OnnxImportError, match="inputs not given: shape"):
        rep.run({"x": rand(2, 3, 4)})


def test_devices_and_modes() -> None:
    assert DlirBackend.supports_device("CPU") and not DlirBackend.supports_device("CUDA")
    with pytest.raises(ValueError, match="CPU only"):
        DlirBackend.prepare(_reshape_model(), "CUDA")
    with pytest.raises(ValueError, match="mode 'jit' is not one of native, interpret"):
        DlirBackend.prepare(_reshape_model(), mode="jit")


def test_is_compatible_lists_the_subset() -> None:
    x = rand(2, 2)
    assert DlirBackend.is_compatible(make_model(helper.make_node("Relu", ["x"], ["y"]), {"x": x}))
    tile = helper.make_node("Tile", ["x", "r"], ["y"])
    assert not DlirBackend.is_compatible(make_model(tile, {"x": x, "r": i64(1, 2)}))


def test_run_node() -> None:
    x = rand(4, 7)
    node = helper.make_node("Softmax", ["x"], ["y"], axis=0)
    (y,) = DlirBackend.run_node(node, [x], opset_version=13)
    e = np.exp(x - x.max(axis=0))
    np.testing.assert_allclose(y, e / e.sum(axis=0), rtol=1e-5)


def test_suite_selects_by_operators_and_groups_failures() -> None:
    """Selection reads the graphs: a test named like Exp but computing Expand is judged by
    Expand, and one unsupported node excludes a test."""
    from onnx.backend.test.case.test_case import TestCase

    x = rand(3, 1)
    expand = make_model(helper.make_node("Expand", ["x", "s"], ["y"]), {"x": x, "s": i64(3, 4)})
    tile = make_model(helper.make_node("Tile", ["x", "s"], ["y"]), {"x": x, "s": i64(1, 4)})
    data = [([x, i64(3, 4)], [np.broadcast_to(x, (3, 4)).copy()])]
    cases = [
        TestCase("test_exp_like", "", "", None, model, data, "node", 1e-3, 1e-7)
        for model in (expand, tile)
    ]
    chosen = selected(cases)
    assert [c.model for c in chosen] == [expand]
    assert run_case(chosen[0], "native") == Outcome("test_exp_like", True)
    wrong = TestCase("test_bad", "", "", None, expand, [([x, i64(3, 4)], [x])], "node", 1e-3, 1e-7)
    outcome = run_case(wrong, "interpret")
    assert not outcome.passed and outcome.cause.startswith("compare:")
    assert summarize([outcome, outcome]) == {outcome.cause: ["test_bad", "test_bad"]}
    err = OnnxImportError("Pad node #0 (output 'y'): mode 'wrap' is not supported [1, 2]")
    assert cause_of("run", err) == "import: OnnxImportError: mode '…' is not supported […]"
