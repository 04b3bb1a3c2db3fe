"""The official ONNX node tests that dlir is measured on, and one run of a test.

    cases = selected(load_cases())          # 548 with onnx 1.23.2
    outcome = run_case(cases[0], "native")  # Outcome(name, passed, cause, detail)

Selection rule: a node test (`onnx.backend.test.loader.load_model_tests(kind="node")`,
generated in memory by onnx 1.23's case modules, including the `_expanded` variants
that spell a function op in primitive nodes) is selected when every node of its graph is
in the default domain and its operator is in `SUPPORTED_OPS` (the 48 operators of issue 6
plus LRN). Names are never matched: `test_exp*` would catch Expand, and an `_expanded`
LayerNormalization test is selected because its nodes are all in the subset while
`test_logsoftmax_*_expanded` is selected although LogSoftmax is not.

`run_case` runs a test as `onnx.backend.test.runner.Runner` does (same data sets, same
`assert_similar_outputs` and tolerances) and names the cause of a failure: the stage
(import, compile, run, compare) and the error with its specifics removed, so that
failures group.
"""

from __future__ import annotations

import importlib
import re
import sys
import traceback
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, cast

from onnx import GraphProto, ModelProto
from onnx.backend.test.case import node as case_node
from onnx.backend.test.case.test_case import TestCase
from onnx.backend.test.loader import load_model_tests
from onnx.backend.test.runner import (
    Runner,
    _normalize_tensor,  # pyright: ignore[reportPrivateUsage]
)

from dlir.frontend.onnx.backend import DlirBackend, Mode
from dlir.frontend.onnx.registry import CONVERTERS, OnnxImportError

_DEFAULT_DOMAINS = ("", "ai.onnx")


def load_cases(modules: Iterable[str] | None = None) -> list[TestCase]:
    """The generated node tests: all of them, or those of some case modules of
    `onnx.backend.test.case.node` (`["relu", "conv"]`, much faster to generate; all of
    them when one of those modules was imported before)."""
    if modules is None:
        return list(load_model_tests(kind="node"))
    generated = cast(list[TestCase], getattr(case_node, "_NodeTestCases"))  # noqa: B009
    names = [f"onnx.backend.test.case.node.{m}" for m in modules]
    if any(name in sys.modules for name in names):  # generated before: cannot be told apart
        return list(load_model_tests(kind="node"))
    before = len(generated)
    for name in names:
        importlib.import_module(name)
    return list(generated[before:])


def graph_ops(g: GraphProto) -> set[str]:
    """Operators of `g` and its subgraphs: `Relu`, or `domain::Op` outside the default."""
    ops: set[str] = set()
    for node in g.node:
        ops.add(
            node.op_type if node.domain in _DEFAULT_DOMAINS else f"{node.domain}::{node.op_type}"
        )
        for attr in node.attribute:
            for sub in (attr.g, *attr.graphs) if attr.HasField("g") else attr.graphs:
                ops |= graph_ops(sub)
    return ops


def in_subset(model: ModelProto) -> bool:
    return graph_ops(model.graph) <= set(CONVERTERS)


def selected(cases: Iterable[TestCase]) -> list[TestCase]:
    """The cases whose graphs use only supported operators, sorted by name."""
    return sorted((c for c in cases if c.model is not None and in_subset(c.model)), key=_name)


def _name(case: TestCase) -> str:
    return case.name


@dataclass(frozen=True)
class Outcome:
    """One test's result: `cause` groups failures (empty when passed)."""

    name: str
    passed: bool
    cause: str = ""
    detail: str = ""
    folded: bool = False
    """Every graph input was bound as a constant: dlir computed the outputs at import."""


def run_case(case: TestCase, mode: Mode = "native") -> Outcome:
    """Run every data set of `case` on dlir and compare as the ONNX runner does."""
    assert case.model is not None and case.data_sets is not None
    stage = "run"
    try:
        rep = DlirBackend.prepare(case.model, "CPU", mode=mode)
        for inputs, expected in case.data_sets:
            feeds: list[Any] = [_normalize(x) for x in inputs]
            want: list[Any] = [_normalize(x) for x in expected]
            stage = "run"
            got = rep.run(feeds)
            stage = "compare"
            Runner.assert_similar_outputs(want, list(got), rtol=case.rtol, atol=case.atol)
    except Exception as err:  # every failure is a result to report, not a crash
        return Outcome(case.name, False, cause_of(stage, err), _detail(err))
    folded = bool(rep.input_names) and rep.bound == set(rep.input_names)
    return Outcome(case.name, True, folded=folded)


def _normalize(value: Any) -> Any:
    """A data set's entry as the runner feeds it (TensorProto -> array)."""
    return _normalize_tensor(value)


def cause_of(stage: str, err: BaseException) -> str:
    """`stage: Error: message` with names, numbers and shapes blanked, so causes group."""
    if isinstance(err, AssertionError) and stage == "compare":
        text = str(err)
        if "Mismatched elements" in text or "Not equal to tolerance" in text:
            return "compare: values differ beyond tolerance"
        if "shape" in text:
            return "compare: shapes differ"
        if "dtype" in text or "type" in text:
            return "compare: element types differ"
        return "compare: " + _generalize(text.splitlines()[0] if text else "assertion failed")
    if stage == "run":
        stage = "import" if isinstance(err, OnnxImportError) else "compile/run"
    first = str(err).strip().splitlines()[0] if str(err).strip() else ""
    return f"{stage}: {type(err).__name__}: {_generalize(first)}"


def _generalize(message: str) -> str:
    message = re.sub(r"^\w+ node #\d+ \(output '[^']*'\): ", "", message)
    message = re.sub(r"'[^']*'", "'…'", message)
    message = re.sub(r"\b\d+(x\d+)*\b", "N", message)
    message = re.sub(r"\[[^\]]*\]", "[…]", message)
    return message[:160]


def _detail(err: BaseException) -> str:
    lines = traceback.format_exception_only(type(err), err)
    return "".join(lines).strip()[:2000]


def summarize(outcomes: Sequence[Outcome]) -> dict[str, list[str]]:
    """Failure cause -> names of the tests failing with it, most frequent first."""
    groups: dict[str, list[str]] = {}
    for o in outcomes:
        if not o.passed:
            groups.setdefault(o.cause, []).append(o.name)
    return dict(sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0])))
