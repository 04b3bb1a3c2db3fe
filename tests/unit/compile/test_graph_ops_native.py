"""Every graph op, compiled to native code by `dlir.compile`, against the interpreter.

One module per op holds all its cases (odd sizes, broadcasting, rank 0, integer types,
attribute variants), so each op costs one compilation.
"""

from __future__ import annotations

import numpy as np
import pytest
from graph_cases import CASES, Array, module_of

import dlir
from dlir.dialects import graph

RTOL = 1e-5


def assert_close(got: Array, want: Array, what: str) -> None:
    """Exact for integers; for floats max |got - want| <= RTOL * max(1, max |want|)."""
    assert got.shape == want.shape and got.dtype == want.dtype, (
        f"{what}: got {got.dtype}{list(got.shape)}, want {want.dtype}{list(want.shape)}"
    )
    if not np.issubdtype(want.dtype, np.floating):
        np.testing.assert_array_equal(got, want, err_msg=what)
        return
    assert np.array_equal(np.isnan(got), np.isnan(want)), f"{what}: NaNs differ"
    finite = ~np.isnan(want)
    scale = max(1.0, float(np.max(np.abs(want[finite]), initial=0.0)))
    error = float(np.max(np.abs(got[finite].astype(np.float64) - want[finite]), initial=0.0))
    assert error <= RTOL * scale, f"{what}: max error {error:.3g} > {RTOL:g} x {scale:.3g}"


def test_every_graph_op_has_cases() -> None:
    ops = {
        op.name.removeprefix("graph.")
        for op in graph.Graph.operations
        if op.name not in ("graph.func", "graph.return", "graph.constant", "graph.call_dps")
    }
    assert ops == set(CASES)


@pytest.mark.parametrize("op", sorted(CASES))
def test_graph_op_compiled_matches_interpreter(op: str) -> None:
    cases = CASES[op]
    module = module_of(cases)
    program = dlir.compile(module.clone())
    for case in cases:
        inputs = case.inputs(seed=1)
        want = dlir.interpret(module, case.name, *inputs)
        got = program[case.name](*inputs)
        assert isinstance(got, np.ndarray) and isinstance(want, np.ndarray)
        assert_close(got, want, case.name)
