"""Passes: the registry, the pipeline parser and the pass manager.

    from dlir.passes import register_pass, run_pipeline
    run_pipeline("graph.func(graph-cse,graph-dce),canonicalize", module)

`registry` maps kebab-case names to `"module:Class"` and imports a pass only when it is
used; `manager` checks a pipeline before running it and verifies after each pass.
"""

from __future__ import annotations

from dlir.passes.api import FunctionPass, PatternPass, pattern_pass
from dlir.passes.manager import PassFailure, PassManager, PassWarning, Step, run_pipeline, statistic
from dlir.passes.registry import (
    PASSES,
    PIPELINES,
    describe,
    load_pass,
    pass_info,
    register_pass,
    register_pipeline,
)

__all__ = [
    "PASSES",
    "PIPELINES",
    "FunctionPass",
    "PassFailure",
    "PassManager",
    "PassWarning",
    "PatternPass",
    "Step",
    "describe",
    "load_pass",
    "pass_info",
    "pattern_pass",
    "register_pass",
    "register_pipeline",
    "run_pipeline",
    "statistic",
]
