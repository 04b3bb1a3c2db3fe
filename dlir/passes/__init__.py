"""The pass registry shared by `dl-opt` and Python.

Each entry maps a kebab-case pass name to `"module:Class"`; the class is imported only
when the pass is used, so listing passes stays cheap.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module

from xdsl.passes import ModulePass

PASSES: dict[str, str] = {
    "canonicalize": "xdsl.transforms.canonicalize:CanonicalizePass",
    "cse": "xdsl.transforms.common_subexpression_elimination:CommonSubexpressionElimination",
    "dce": "xdsl.transforms.dead_code_elimination:DeadCodeElimination",
}


def load_pass(name: str) -> type[ModulePass]:
    """Import and return the pass class registered as `name`."""
    module, _, cls = PASSES[name].partition(":")
    return getattr(import_module(module), cls)


def available_passes() -> dict[str, Callable[[], type[ModulePass]]]:
    """Registry in the form `xdsl.passes.PassPipeline.parse_spec` expects."""
    return {name: (lambda n=name: load_pass(n)) for name in PASSES}


def describe(name: str) -> str:
    """First line of the pass's docstring."""
    doc = load_pass(name).__doc__ or ""
    return doc.strip().splitlines()[0] if doc.strip() else ""
