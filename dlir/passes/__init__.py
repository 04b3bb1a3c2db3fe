"""The pass registry shared by `dl-opt` and Python.

Each entry maps a kebab-case pass name to `"module:Class"`; the class is imported only
when the pass is used, so listing passes stays cheap.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module

from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp
from xdsl.passes import ModulePass, PassPipeline
from xdsl.utils.exceptions import DiagnosticException

from dlir.ir.diagnostics import DiagnosticError

PASSES: dict[str, str] = {
    "canonicalize": "xdsl.transforms.canonicalize:CanonicalizePass",
    "cse": "xdsl.transforms.common_subexpression_elimination:CommonSubexpressionElimination",
    "dce": "xdsl.transforms.dead_code_elimination:DeadCodeElimination",
}


_REGISTERED: dict[str, type[ModulePass]] = {}


def register_pass(cls: type[ModulePass]) -> type[ModulePass]:
    """Class decorator: make a pass available to `dl-opt -p` and pipelines by its name."""
    if cls.name in PASSES and PASSES[cls.name] != f"{cls.__module__}:{cls.__qualname__}":
        raise ValueError(f"a pass named '{cls.name}' is already registered ({PASSES[cls.name]})")
    PASSES[cls.name] = f"{cls.__module__}:{cls.__qualname__}"
    _REGISTERED[cls.name] = cls
    return cls


def load_pass(name: str) -> type[ModulePass]:
    """Import and return the pass class registered as `name`."""
    if name in _REGISTERED:
        return _REGISTERED[name]
    module, _, cls = PASSES[name].partition(":")
    return getattr(import_module(module), cls)


def available_passes() -> dict[str, Callable[[], type[ModulePass]]]:
    """Registry in the form `xdsl.passes.PassPipeline.parse_spec` expects."""
    return {name: (lambda n=name: load_pass(n)) for name in PASSES}


def describe(name: str) -> str:
    """First line of the pass's docstring."""
    doc = load_pass(name).__doc__ or ""
    return doc.strip().splitlines()[0] if doc.strip() else ""


def run_pipeline(spec: str, module: ModuleOp, ctx: Context | None = None) -> None:
    """Run `spec` (e.g. `"canonicalize,cse"`) on `module` in place.

    An unknown pass, a bad option or a failing pass raises `DiagnosticError`.
    """
    from dlir.ir.context import make_context

    try:
        pipeline = PassPipeline.parse_spec(available_passes(), spec)
    except Exception as err:
        raise DiagnosticError.at(f"invalid pass pipeline '{spec}': {err}") from err
    ctx = ctx or make_context()
    for p in pipeline.passes:
        try:
            p.apply(ctx, module)
        except DiagnosticException as err:
            raise DiagnosticError.at(f"pass '{p.name}' failed: {err}") from err
