"""The pass manager: resolve pipeline text against the registry, then run it.

    pm = PassManager.parse("graph.func(graph-cse,graph-dce),canonicalize", ctx)
    pm.run(module)   # verifies after each pass; on failure `module` is left as it was

Every problem in the text (unknown pass or option, a badly typed value, a pass nested
under an op it cannot run on, an anchor that is no registered op) is reported before any
pass runs, with the text and a caret. A function-anchored pass (`anchor = "graph.func"`)
runs on each matching op: through its `apply_to_op(ctx, op)` when it has one, else
through `apply(ctx, scratch)` on a scratch module holding only that function (so such
a pass must not look up other functions; a pass that needs them anchors on the module). Nested
pipelines are flattened: `graph.func(a,b)` runs `a` on every graph.func, then `b`.
"""

from __future__ import annotations

import dataclasses
import difflib
import time
import warnings
from collections.abc import Callable, Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp
from xdsl.ir import Operation
from xdsl.passes import ModulePass

from dlir.ir.diagnostics import Diagnostic, DiagnosticError, DiagnosticWarning
from dlir.ir.verify import verification_error
from dlir.passes import registry
from dlir.passes.instrument import PassInstrumentation, PassStatistics, op_label
from dlir.passes.pipeline import MODULE_ANCHOR, NestText, PassText, PipelineError, parse_pipeline
from dlir.passes.verification import IncrementalVerifier

_STATS: ContextVar[dict[str, int] | None] = ContextVar("dlir_pass_stats", default=None)


def statistic(key: str, amount: int = 1) -> None:
    """Count `amount` under `key` for the running pass (shown by `--pass-statistics`).

    statistic("ops-erased", len(dead))
    """
    counts = _STATS.get()
    if counts is not None:
        counts[key] = counts.get(key, 0) + amount


class PassWarning(UserWarning):
    """A pass matched nothing: the pipeline ran, but maybe not as intended."""


class PassFailure(DiagnosticError):
    """A pass raised or left invalid IR; carries the IR from before that pass."""

    def __init__(self, diagnostic: Diagnostic, step: Step, ir_before: str | None) -> None:
        super().__init__(diagnostic)
        self.step, self.ir_before = step, ir_before


@dataclass
class Step:
    """One pass instance and where it runs: `graph-cse` on each `graph.func`."""

    name: str
    instance: ModulePass
    anchor: str
    text: PassText

    @property
    def label(self) -> str:
        return str(self.text)

    def pipeline(self) -> str:
        """The step alone as pipeline text: `builtin.module(graph.func(graph-cse))`."""
        inner = self.label if self.anchor == MODULE_ANCHOR else f"{self.anchor}({self.label})"
        return f"{MODULE_ANCHOR}({inner})"


def _did_you_mean(word: str, choices: Sequence[str]) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1)
    return f"; did you mean '{close[0]}'?" if close else ""


def _convert(value: str, option: registry.OptionInfo, owner: str) -> Any:
    """`"64"` for `tile: int` -> 64; `"4,8"` for `sizes: tuple[int, ...]` -> (4, 8)."""
    if option.optional and value == "none":
        return None
    parts = [p.strip() for p in value.split(",")] if option.is_list else [value]
    if option.is_list and value == "":
        parts = []
    converted: list[object] = []
    for part in parts:
        if option.kind is bool:
            if part.lower() not in ("true", "false", "1", "0"):
                raise ValueError(
                    f"option '{option.spelled}' of '{owner}' expects a bool (true or false), got '{part}'"
                )
            converted.append(part.lower() in ("true", "1"))
        elif option.kind in (int, float):
            kind_name = "an int" if option.kind is int else "a float"
            try:
                converted.append(option.kind(part))
            except ValueError:
                raise ValueError(
                    f"option '{option.spelled}' of '{owner}' expects {kind_name}, got '{part}'"
                ) from None
        else:
            converted.append(part)
    return tuple(converted) if option.is_list else converted[0]


def _instantiate(text: PassText, spec: str) -> ModulePass:
    info = registry.pass_info(text.name)
    kwargs: dict[str, Any] = {}
    for opt in text.options:
        option = info.option(opt.key)
        if option is None:
            legal = ", ".join(f"{o.spelled}: {o.type_name}" for o in info.options) or "none"
            raise PipelineError(
                f"'{text.name}' has no option '{opt.key}' (its options: {legal})", spec, opt.pos
            )
        if opt.value is None and option.kind is not bool:
            raise PipelineError(
                f"option '{opt.key}' of '{text.name}' needs a value ({opt.key}=<{option.type_name}>)",
                spec,
                opt.pos,
            )
        try:
            kwargs[option.name] = (
                True if opt.value is None else _convert(opt.value, option, text.name)
            )
        except ValueError as err:
            raise PipelineError(str(err), spec, opt.pos) from None
    for option in info.options:
        if option.name not in kwargs and option.default is dataclasses.MISSING:
            raise PipelineError(
                f"'{text.name}' needs option '{option.spelled}' ({option.type_name})",
                spec,
                text.pos,
            )
    try:
        return info.cls(**kwargs)
    except (ValueError, TypeError) as err:  # the pass rejects its option values
        raise PipelineError(f"'{text.name}': {err}", spec, text.pos) from None


def _flatten(
    nest: NestText, spec: str, ctx: Context | None, expanding: tuple[str, ...] = ()
) -> list[Step]:
    steps: list[Step] = []
    for item in nest.items:
        if isinstance(item, NestText):
            if nest.anchor != MODULE_ANCHOR:
                raise PipelineError(
                    f"'{item.anchor}' can only be nested directly under {MODULE_ANCHOR}",
                    spec,
                    item.pos,
                )
            if (
                ctx is not None
                and item.anchor != MODULE_ANCHOR
                and ctx.get_optional_op(item.anchor) is None
            ):
                raise PipelineError(
                    f"'{item.anchor}' is not a registered op: this nest can never match",
                    spec,
                    item.pos,
                )
            steps.extend(_flatten(item, spec, ctx, expanding))
            continue
        if item.name in registry.PIPELINES:
            if item.name in expanding:
                raise PipelineError(
                    f"named pipeline '{item.name}' expands to itself", spec, item.pos
                )
            inner = parse_pipeline(registry.PIPELINES[item.name][0])
            if nest.anchor != MODULE_ANCHOR:
                inner = NestText(MODULE_ANCHOR, [NestText(nest.anchor, inner.items)])
            try:
                steps.extend(
                    _flatten(inner, registry.PIPELINES[item.name][0], ctx, (*expanding, item.name))
                )
            except PipelineError as err:
                raise PipelineError(
                    f"in named pipeline '{item.name}': {err.reason}", spec, item.pos
                ) from None
            continue
        if item.name not in registry.PASSES:
            registry.load_entry_point_plugins()
        if item.name not in registry.PASSES:
            hint = _did_you_mean(item.name, [*registry.PASSES, *registry.PIPELINES])
            raise PipelineError(f"unknown pass '{item.name}'{hint}", spec, item.pos)
        instance = _instantiate(item, spec)
        anchor = str(getattr(type(instance), "anchor", MODULE_ANCHOR))
        if nest.anchor != MODULE_ANCHOR and anchor != nest.anchor:
            raise PipelineError(
                f"'{item.name}' runs on {anchor}, it cannot be nested under '{nest.anchor}'",
                spec,
                item.pos,
            )
        if ctx is not None and anchor != MODULE_ANCHOR and ctx.get_optional_op(anchor) is None:
            raise PipelineError(
                f"'{item.name}' is anchored on '{anchor}', which is not a registered op: it can never match",
                spec,
                item.pos,
            )
        steps.append(Step(item.name, instance, anchor, item))
    return steps


class PassManager:
    """A resolved pipeline plus instruments; `run(module)` applies it."""

    def __init__(
        self,
        steps: list[Step],
        ctx: Context,
        instruments: Sequence[PassInstrumentation] = (),
        verify_each: bool = True,
        keep_ir_before: bool = False,
        warn: Callable[[Diagnostic], None] | None = None,
    ) -> None:
        self.steps, self.ctx, self.instruments = steps, ctx, list(instruments)
        self.verify_each, self.keep_ir_before = verify_each, keep_ir_before
        self.warn: Callable[[Diagnostic], None] = warn or _warn
        self.verify_seconds: dict[str, float] = {}
        self._verifier: IncrementalVerifier | None = None

    @classmethod
    def parse(cls, spec: str, ctx: Context, **kwargs: Any) -> PassManager:
        """Check the whole pipeline text and build the manager; raises `PipelineError`."""
        return cls(_flatten(parse_pipeline(spec), spec, ctx), ctx, **kwargs)

    def pipeline(self) -> str:
        """The resolved pipeline as text, in the nested form."""
        parts = [
            s.label if s.anchor == MODULE_ANCHOR else f"{s.anchor}({s.label})" for s in self.steps
        ]
        return f"{MODULE_ANCHOR}({','.join(parts)})"

    def run(self, module: ModuleOp) -> None:
        """Run every step; on a failure restore `module` and raise `PassFailure`.

        With `verify_each`, what each step changed is verified after it (and what depends
        on that: `dlir.passes.verification`); `verify_seconds` sums that time per step."""
        backup = module.clone()
        self._verifier = IncrementalVerifier(module) if self.verify_each else None
        try:
            for step in self.steps:
                self._run_step(step, module)
        except PassFailure:
            _restore(module, backup)
            raise
        finally:
            self._verifier = None

    def _targets(self, step: Step, module: ModuleOp) -> list[Operation]:
        if step.anchor == MODULE_ANCHOR:
            return [module]
        return [op for op in module.walk() if op.name == step.anchor]

    def _run_step(self, step: Step, module: ModuleOp) -> None:
        targets = self._targets(step, module)
        if not targets:
            self.warn(Diagnostic(f"pass '{step.name}' matched no {step.anchor}", None, "warning"))
            return
        per_op = getattr(step.instance, "apply_to_op", None)
        for index, op in enumerate(targets):
            ir_before = _print(module) if self.keep_ir_before else None
            for inst in self.instruments:
                inst.run_before_pass(step, op)
            counts: dict[str, int] = {}
            token = _STATS.set(counts)
            try:
                with warnings.catch_warnings(record=True) as caught:
                    warnings.simplefilter("always")
                    if op is module:
                        step.instance.apply(self.ctx, module)
                    elif callable(per_op):
                        per_op(self.ctx, op)
                    else:
                        _apply_isolated(step.instance, self.ctx, op)
                self._forward(caught)
                self._verify_after(step, op, module, last=index == len(targets) - 1)
            except Exception as err:
                for inst in self.instruments:
                    inst.run_after_pass_failed(step, op, err)
                raise self._failure(step, op, err, ir_before) from err
            finally:
                _STATS.reset(token)
            for inst in self.instruments:
                if isinstance(inst, PassStatistics):
                    for key, amount in counts.items():
                        inst.record(step, key, amount)
                inst.run_after_pass(step, op)

    def _verify_after(self, step: Step, op: Operation, module: ModuleOp, *, last: bool) -> None:
        """Raise `_InvalidIR` when `step`, just run on `op`, left invalid IR."""
        verifier = self._verifier
        if verifier is None:
            return
        start = time.perf_counter()
        try:
            if op is not module and op.parent is module.body.block:
                # A function-anchored pass: check its op whole, and at the end of the step
                # the ops that depend on it.
                diagnostic = verification_error(op)
                if diagnostic is not None:
                    raise _InvalidIR(diagnostic, op)
                verifier.accept(op)
                if not last:
                    return
            problem = verifier.check(module)  # also when a pass replaced its op
            if problem is not None:
                raise _InvalidIR(*problem)
        finally:
            elapsed = time.perf_counter() - start
            self.verify_seconds[step.label] = self.verify_seconds.get(step.label, 0.0) + elapsed

    def _forward(self, caught: list[warnings.WarningMessage]) -> None:
        """A pass's user warnings go to `warn` (with their location when they carry a
        `Diagnostic`); others (deprecations) are re-raised under the caller's filters."""
        for w in caught:
            if isinstance(w.message, DiagnosticWarning):
                self.warn(w.message.diagnostic)
            elif issubclass(w.category, UserWarning):
                self.warn(Diagnostic(str(w.message), None, "warning"))
            else:
                warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)

    def _failure(
        self, step: Step, op: Operation, err: Exception, ir_before: str | None
    ) -> PassFailure:
        where = op_label(op)
        if isinstance(err, _InvalidIR):
            where = op_label(err.op)
            diag = Diagnostic(
                f"pass '{step.name}' left invalid IR in {where}: {err.diagnostic.message}",
                err.diagnostic.loc,
            )
        elif isinstance(err, DiagnosticError):
            diag = Diagnostic(
                f"pass '{step.name}' failed on {where}: {err.diagnostic.message}",
                err.diagnostic.loc,
            )
        else:
            diag = Diagnostic(f"pass '{step.name}' failed on {where}: {type(err).__name__}: {err}")
        return PassFailure(diag, step, ir_before)


def _apply_isolated(instance: ModulePass, ctx: Context, op: Operation) -> None:
    """Run a module pass on one function: move `op` into a scratch module, apply, move
    whatever the pass left there back to where `op` was."""
    block, anchor = op.parent_block(), op.next_op
    if block is None:
        raise ValueError(f"{op_label(op)} is not inside a module")
    op.detach()
    scratch = ModuleOp([op])
    try:
        instance.apply(ctx, scratch)
    finally:
        for moved in list(scratch.body.block.ops):
            moved.detach()
            if anchor is None:
                block.add_op(moved)
            else:
                block.insert_op_before(moved, anchor)


def _warn(diagnostic: Diagnostic) -> None:
    warnings.warn(diagnostic.render(), PassWarning, stacklevel=4)


class _InvalidIR(DiagnosticError):
    def __init__(self, diagnostic: Diagnostic, op: Operation) -> None:
        super().__init__(diagnostic)
        self.op = op


def _print(module: ModuleOp) -> str:
    from dlir.parser import print_module

    return print_module(module)


def _restore(module: ModuleOp, backup: ModuleOp) -> None:
    """Put `backup`'s body and attributes back into `module` (same object for callers)."""
    old, new = module.body.block, backup.body.block
    backup.body.detach_block(new)
    module.body.insert_block_before(new, old)
    module.body.detach_block(old)
    old.erase(safe_erase=False)
    module.attributes = dict(backup.attributes)
    module.properties = dict(backup.properties)


def write_reproducer(path: str | Path, failure: PassFailure) -> None:
    """Write the IR from before the failing pass under a `// dl-opt -p '...'` header;
    `dl-opt FILE` reads the header back and replays the failure."""
    header = f"// dl-opt -p '{failure.step.pipeline()}'\n"
    Path(path).write_text(header + (failure.ir_before or "") + "\n")


def run_pipeline(spec: str, module: ModuleOp, ctx: Context | None = None) -> None:
    """Run `spec` (e.g. `"canonicalize,cse"`) on `module` in place.

    An unknown pass, a bad option or a failing pass raises `DiagnosticError`.
    """
    from dlir.ir.context import make_context

    ctx = ctx or make_context()
    PassManager.parse(spec, ctx).run(module)


def reproducer_pipeline(text: str) -> str | None:
    """The pipeline of a reproducer's `// dl-opt -p '...'` first line, if it has one."""
    first = text.split("\n", 1)[0]
    prefix = "// dl-opt -p '"
    if first.startswith(prefix) and first.rstrip().endswith("'"):
        return first.rstrip()[len(prefix) : -1]
    return None
