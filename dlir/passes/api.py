"""Writing a pass in a few lines: a pattern-based one, or a walk over each function.

Pattern-based — decorate a rewrite pattern and it becomes a registered pass:

    @pattern_pass("add-to-shift", anchor="func.func")
    class AddToShift(RewritePattern):
        # x + x -> x << 1
        @op_type_rewrite_pattern
        def match_and_rewrite(self, op: arith.AddiOp, rewriter: PatternRewriter, /) -> None:
            ...

Walk-based — subclass `FunctionPass`, set `name`, `anchor` and options, and write
`run_on_function`; the pass manager calls it on every op the pass is anchored on:

    @register_pass
    @dataclass(frozen=True)
    class CountOps(FunctionPass):
        name = "count-ops"
        anchor: ClassVar[str] = "graph.func"
        def run_on_function(self, ctx: Context, func: Operation) -> None:
            statistic("ops", sum(1 for _ in func.walk()))
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import ClassVar, TypeVar

from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp
from xdsl.ir import Operation
from xdsl.passes import ModulePass
from xdsl.pattern_rewriter import (
    GreedyRewritePatternApplier,
    PatternRewriter,
    PatternRewriteWalker,
    RewritePattern,
)

from dlir.passes.manager import statistic
from dlir.passes.registry import MODULE_ANCHOR, register_pass


class Counted(RewritePattern):
    """`inner`, counting each rewrite it makes under its class name (`--pass-statistics`)."""

    def __init__(self, inner: RewritePattern) -> None:
        self.inner = inner

    def match_and_rewrite(self, op: Operation, rewriter: PatternRewriter, /) -> None:
        acted_before = rewriter.has_done_action
        self.inner.match_and_rewrite(op, rewriter)
        if rewriter.has_done_action and not acted_before:
            statistic(type(self.inner).__name__)


def counted(patterns: Sequence[RewritePattern]) -> GreedyRewritePatternApplier:
    """Apply `patterns` greedily, counting the rewrites of each one."""
    return GreedyRewritePatternApplier([Counted(p) for p in patterns])


@dataclass(frozen=True)
class FunctionPass(ModulePass):
    """A pass that runs `run_on_function` on every op named `anchor` (one function at a time)."""

    anchor: ClassVar[str] = MODULE_ANCHOR

    def run_on_function(self, ctx: Context, func: Operation) -> None:
        raise NotImplementedError(f"{type(self).__name__} must define run_on_function")

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        if self.anchor == MODULE_ANCHOR:
            self.run_on_function(ctx, op)
            return
        for func in [o for o in op.walk() if o.name == self.anchor]:
            self.run_on_function(ctx, func)

    def apply_to_op(self, ctx: Context, op: Operation) -> None:
        """Called by the pass manager on each anchored op, in place."""
        self.run_on_function(ctx, op)


@dataclass(frozen=True)
class PatternPass(FunctionPass):
    """A pass that applies `patterns()` greedily inside each anchored op until none fires;
    `--pass-statistics` shows how often each pattern rewrote."""

    def patterns(self) -> Sequence[RewritePattern]:
        raise NotImplementedError(f"{type(self).__name__} must define patterns")

    def run_on_function(self, ctx: Context, func: Operation) -> None:
        walker = PatternRewriteWalker(counted(self.patterns()))
        for region in func.regions:
            walker.rewrite_region(region)


PatternT = TypeVar("PatternT", bound=RewritePattern)


def pattern_pass(
    name: str, anchor: str = MODULE_ANCHOR, description: str | None = None
) -> Callable[[type[PatternT]], type[PatternT]]:
    """Class decorator: register a pass `name` that applies this pattern (see the module doc).

    The pattern class is returned unchanged; the generated pass class is its `pass_class`.
    """

    def wrap(pattern: type[PatternT]) -> type[PatternT]:
        doc = description or (pattern.__doc__ or "").strip() or f"Apply {pattern.__name__}."

        def patterns(self: PatternPass) -> Sequence[RewritePattern]:
            return [pattern()]

        generated = dataclass(frozen=True)(
            type(
                f"{pattern.__name__}Pass",
                (PatternPass,),
                {
                    "name": name,
                    "anchor": anchor,
                    "patterns": patterns,
                    "__doc__": doc,
                    "__module__": pattern.__module__,
                    "__qualname__": f"{pattern.__qualname__}Pass",
                },
            )
        )
        register_pass(generated)
        setattr(pattern, "pass_class", generated)  # noqa: B010 (an attribute the class did not declare)
        return pattern

    return wrap
