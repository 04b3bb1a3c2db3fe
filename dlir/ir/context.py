"""The xDSL `Context` with every dialect dlir knows, registered lazily."""

from __future__ import annotations

from xdsl.context import Context

from dlir.dialects import DIALECTS


def make_context(allow_unregistered: bool = False) -> Context:
    """A context where all dlir and standard dialects load on first use."""
    ctx = Context(allow_unregistered=allow_unregistered)
    for name, load in DIALECTS.items():
        if name not in ctx.registered_dialect_names:
            ctx.register_dialect(name, load)
    return ctx
