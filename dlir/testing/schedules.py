"""Random legal schedules for random te kernels, checked natively against the interpreter.

A case is a module of a few random kernels (`dlir.testing.te_kernels`), each followed by
a `te.schedule` drawn primitive by primitive from the schedule state so far
(`ScheduleState` knows each stage's current axes and consumers), so most draws are legal:

    te.schedule @k0 {
      te.split "S0" "j" by 5 -> "jo", "ji"       (13 = 5 + 5 + 3: a tail)
      te.compute_at "P" at "C" "i"
      te.vectorize "S0" "ji"
    }

A draw that is illegal must raise `ScheduleError` with a message; it is recorded and left
out. `check_case` lowers each kernel as `compile-cpu` does (`kernel_pipeline()`: a kernel
left unscheduled gets the default schedule), JITs them all in one module (the
compile is the cost), runs each on random inputs and compares with the interpreter:
exactly for i32, within `RandomKernel.atol` for f32. A kernel whose schedule the lowering
refuses with a diagnostic is recorded in the outcome, not compared.
"""

from __future__ import annotations

import itertools
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from hypothesis import strategies as st
from numpy.typing import NDArray
from xdsl.dialects.builtin import ModuleOp, TensorType
from xdsl.ir import Attribute
from xdsl.utils.hints import isa

from dlir.dialects.te.builder import Schedule
from dlir.dialects.te.model import Axis, ScheduleError, ScheduleState, ScheduleWarning
from dlir.ir.diagnostics import DiagnosticError
from dlir.testing.te_kernels import FAMILIES, RandomKernel, random_kernels

Array = NDArray[np.generic]

PRIMITIVES = (
    "split",
    "tile",
    "reorder",
    "fuse",
    "unroll",
    "vectorize",
    "parallel",
    "compute_inline",
    "compute_root",
    "compute_at",
    "store_at",
    "cache_read",
    "cache_write",
    "rfactor",
)
SCOPES = ("local", "global")


class ScheduleCase:
    """Kernels with their schedules in one module; its repr is the module's text (what
    hypothesis shows for a falsifying example)."""

    def __init__(self, module: ModuleOp, kernels: list[RandomKernel]) -> None:
        self.module = module
        self.kernels = kernels
        self.applied: list[str] = []
        """The primitives added to the schedules, in order (`split`, `compute_at`, ...)."""
        self.illegal: list[str] = []
        """The ScheduleError messages of the draws left out."""

    def text(self) -> str:
        from dlir.parser import print_module

        return print_module(self.module)

    def __repr__(self) -> str:
        return "\n" + self.text()


@st.composite
def factors(draw: st.DrawFn, extent: int) -> int:
    """A split factor for `extent`: a divisor, any size up to past it, rarely 0 (illegal)."""
    divisors = [d for d in range(1, extent + 1) if extent % d == 0]
    return draw(st.sampled_from(divisors) | st.integers(0, extent + 3))


@st.composite
def _axis(draw: st.DrawFn, axes: Sequence[Axis], favour: int | None = None) -> str:
    names = [a.name for a in axes] or ["none"]
    if favour is not None and axes:
        names.append(axes[favour].name)  # innermost (-1) or outermost (0) twice as likely
    return draw(st.sampled_from(names))


def draw_primitive(draw: st.DrawFn, s: Schedule, stage: str, primitive: str) -> None:
    """Add `primitive` to stage `stage` of `s`, its arguments drawn from the state;
    raises ScheduleError (and adds nothing) when the draw is illegal."""
    state = s.state
    every = state.stages[stage].axes
    axes = [a for a in every if a.annotation is None] or every
    handle = s[stage]
    if primitive == "split":
        axis = draw(_axis(axes))
        extent = next((a.extent for a in axes if a.name == axis), 1)
        handle.split(axis, draw(factors(extent)))
    elif primitive == "tile":
        x = draw(_axis(axes))
        y = draw(_axis([a for a in axes if a.name != x] or axes))
        ex = next((a.extent for a in axes if a.name == x), 1)
        ey = next((a.extent for a in axes if a.name == y), 1)
        handle.tile(x, y, draw(factors(ex)), draw(factors(ey)))
    elif primitive == "reorder":
        names = [a.name for a in every]
        least = min(2, len(names))
        handle.reorder(*draw(st.lists(st.sampled_from(names), min_size=least, unique=True)))
    elif primitive == "fuse":
        pairs = [
            (a.name, b.name)
            for a, b in itertools.pairwise(every)
            if a.kind == b.kind and a.annotation is None and b.annotation is None
        ]
        pairs = pairs or [(a.name, b.name) for a, b in itertools.pairwise(every)]
        outer, inner = draw(st.sampled_from(pairs)) if pairs else (every[0].name, every[0].name)
        handle.fuse(outer, inner)
    elif primitive == "unroll":
        handle.unroll(draw(_axis(axes, -1)), draw(st.sampled_from([None, 2, 3, 4])))
    elif primitive == "vectorize":
        handle.vectorize(draw(_axis(_spatial_first(axes), -1)))
    elif primitive == "parallel":
        handle.parallel(draw(_axis(_spatial_first(axes), 0)))
    elif primitive == "compute_inline":
        handle.compute_inline()
    elif primitive == "compute_root":
        handle.compute_root()
    elif primitive in ("compute_at", "store_at"):
        consumers = state.consumers(stage) or list(state.stages)
        target = draw(st.sampled_from(consumers))
        axis = draw(_axis(state.stages[target].axes))
        if primitive == "compute_at":
            handle.compute_at(target, axis)
        else:
            handle.store_at(target, axis)
    elif primitive == "cache_read":
        sources = [n for n in [*state.tensors, *state.stages] if state.consumers(n)]
        source = draw(st.sampled_from(sources))
        readers = draw(st.lists(st.sampled_from(state.consumers(source)), min_size=1, unique=True))
        s.cache_read(source, draw(st.sampled_from(SCOPES)), readers)
    elif primitive == "cache_write":
        handle.cache_write(draw(st.sampled_from(SCOPES)))
    else:
        reduce = [a for a in axes if a.kind == "reduce"]
        handle.rfactor(draw(_axis(reduce or axes)))


def _spatial_first(axes: Sequence[Axis]) -> Sequence[Axis]:
    """The spatial axes (annotating a reduction axis is illegal), rarely all of them."""
    spatial = [a for a in axes if a.kind == "spatial"]
    return spatial if spatial and len(spatial) != len(axes) - 1 else axes


def candidate_stages(state: ScheduleState, primitive: str) -> list[str]:
    """The stages `primitive` may apply to, judged from their kind and placement."""
    stages = list(state.stages.values())
    if primitive in ("compute_inline", "compute_root", "compute_at", "store_at"):
        picked = [s for s in stages if not s.is_output and state.consumers(s.name)]
        if primitive == "compute_inline":
            picked = [s for s in picked if all(a.kind == "spatial" for a in s.axes)]
        elif primitive == "store_at":
            picked = [s for s in picked if s.attach not in ("root", "inline")]
    elif primitive == "rfactor":
        picked = [
            s for s in stages if s.attach != "inline" and any(a.kind == "reduce" for a in s.axes)
        ]
    else:
        picked = [s for s in stages if s.attach != "inline"]
        if primitive in ("tile", "fuse"):
            picked = [s for s in picked if len(s.axes) >= 2]
        elif primitive == "cache_write":
            picked = [s for s in picked if s.changed_by is None]
    return sorted(s.name for s in picked)


@st.composite
def schedule_steps(
    draw: st.DrawFn,
    s: Schedule,
    case: ScheduleCase,
    max_steps: int = 8,
    primitives: Sequence[str] = PRIMITIVES,
    min_steps: int = 0,
) -> None:
    """Draw `min_steps` to `max_steps` of `primitives` into `s`, recording what was added or
    refused (hypothesis shrinks towards the first primitive of the list)."""
    for _ in range(draw(st.integers(min_steps, max_steps))):
        usable = [p for p in primitives if candidate_stages(s.state, p)]
        primitive = draw(st.sampled_from(usable or list(primitives)))
        candidates = candidate_stages(s.state, primitive)
        if not candidates or draw(st.integers(0, 9)) == 0:
            candidates = sorted(s.state.stages)  # any stage: often an illegal draw
        stage = draw(st.sampled_from(candidates))
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ScheduleWarning)  # no-effect directives
                draw_primitive(draw, s, stage, primitive)
        except ScheduleError as err:
            message = str(err)
            assert message.strip(), (
                f"{primitive} on '{stage}' raised a ScheduleError with no message"
            )
            case.illegal.append(f"{primitive}: {message}")
            continue
        case.applied.append(primitive)


@st.composite
def schedule_cases(
    draw: st.DrawFn,
    max_kernels: int = 3,
    max_steps: int = 8,
    families: Sequence[str] = tuple(FAMILIES),
    primitives: Sequence[str] = PRIMITIVES,
    min_steps: int = 0,
) -> ScheduleCase:
    """One to `max_kernels` random kernels @k0, @k1, ..., each with a random schedule."""
    count = draw(st.integers(1, max_kernels))
    kernels = [draw(random_kernels(f"k{n}", families)) for n in range(count)]
    case = ScheduleCase(ModuleOp([k.op for k in kernels]), kernels)
    for kernel in kernels:
        s = Schedule(kernel.op)
        draw(schedule_steps(s, case, max_steps, primitives, min_steps))
        if not s.op.primitives():
            s.op.detach()  # unscheduled: the pipeline's default schedule applies
            s.op.erase()
    return case


# -- running a case ----------------------------------------------------------------------


@dataclass
class Outcome:
    """What `check_case` did: kernels compared, and kernels the lowering refused (why)."""

    compared: int = 0
    refused: list[str] = field(default_factory=list[str])


def random_inputs(kernel: RandomKernel, rng: np.random.Generator) -> list[Array]:
    """Uniform floats in [-1, 1] (the bounds assume it) or integers in -9..9."""
    arrays: list[Array] = []
    for t in kernel.op.function_type.inputs.data:
        assert isa(t, TensorType[Attribute])
        shape = tuple(t.get_shape())
        if kernel.is_float:
            arrays.append(rng.uniform(-1, 1, shape).astype(np.float32))
        else:
            arrays.append(rng.integers(-9, 10, shape).astype(np.int32))
    return arrays


def kernel_pipeline() -> str:
    """What `compile-cpu` runs on te kernels: its passes between graph-to-te and
    graph-to-loop (a default schedule for a kernel without one, te-to-loop, loop passes)."""
    from dlir.passes.registry import PIPELINES

    steps = PIPELINES["compile-cpu"][0].split(",")
    return ",".join(steps[steps.index("graph-to-te") + 1 : steps.index("graph-to-loop")])


def check_case(case: ScheduleCase, seed: int = 0, pipeline: str | None = None) -> Outcome:
    """Lower every kernel of `case` with its schedule through `pipeline` (default:
    `kernel_pipeline()`), then loop-to-llvm; run it natively and compare with the
    interpreter. An AssertionError names the kernel, the result and the elements."""
    from dlir import interpret
    from dlir.dialects.te.kernel import KernelOp
    from dlir.passes import run_pipeline
    from dlir.passes.manager import PassWarning
    from dlir.runtime import load

    pipeline = pipeline or kernel_pipeline()
    rng = np.random.default_rng(seed)
    outcome = Outcome()
    lowered = ModuleOp([])
    runs: list[tuple[RandomKernel, list[Array], list[Array]]] = []
    for kernel in case.kernels:
        # Each kernel alone: a schedule the lowering refuses must not hide the others.
        single = kernel_module(case, kernel)
        assert any(isinstance(op, KernelOp) for op in single.ops)
        try:
            with warnings.catch_warnings():
                # Directives that have no effect, as the pass manager forwards them.
                warnings.simplefilter("ignore", ScheduleWarning)
                warnings.simplefilter("ignore", PassWarning)
                run_pipeline(pipeline, single)
        except DiagnosticError as err:
            if not _is_refusal(err):
                raise _failure(case, kernel, f"lowering crashed: {err.diagnostic.message}") from err
            outcome.refused.append(f"@{kernel.name}: {err.diagnostic.message}")
            continue
        for op in list(single.ops):
            op.detach()
            lowered.body.block.add_op(op)
        inputs = random_inputs(kernel, rng)
        result = interpret(case.module, kernel.name, *inputs)
        expected = list(result) if isinstance(result, tuple) else [result]
        runs.append((kernel, inputs, expected))
    if not runs:
        return outcome
    run_pipeline("loop-to-llvm", lowered)
    program = load(lowered, [k.name for k, _, _ in runs])
    for kernel, inputs, expected in runs:
        outputs = [_poisoned(e) for e in expected]
        program[kernel.name].function(*inputs, *outputs)
        for index, (got, want) in enumerate(zip(outputs, expected, strict=True)):
            mismatch = _mismatch(kernel, got, want)
            if mismatch is not None:
                raise _failure(case, kernel, f"result #{index} differs: {mismatch}")
        outcome.compared += 1
    return outcome


def kernel_module(case: ScheduleCase, kernel: RandomKernel) -> ModuleOp:
    """A module of copies of `kernel` and its schedule alone."""
    return ModuleOp(
        [
            op.clone()
            for op in case.module.ops
            if op.properties.get("sym_name") == kernel.op.sym_name
            or getattr(op, "kernel_name", None) == kernel.name
        ]
    )


def _failure(case: ScheduleCase, kernel: RandomKernel, what: str) -> AssertionError:
    """An error naming the kernel, with its text and schedule (the whole reproducer)."""
    from dlir.parser import print_module

    text = print_module(kernel_module(case, kernel))
    return AssertionError(f"@{kernel.name} ({kernel.family}): {what}\n{text}")


def _is_refusal(err: DiagnosticError) -> bool:
    """A refusal is a diagnostic raised by a pass; a Python exception inside one (or IR
    that does not verify after it) is a crash."""
    cause = err.__cause__
    return isinstance(cause, ScheduleError) or (
        isinstance(cause, DiagnosticError) and "left invalid IR" not in err.diagnostic.message
    )


def _poisoned(like: Array) -> Array:
    """An output buffer full of a value no kernel computes, so unwritten elements show."""
    if np.issubdtype(like.dtype, np.floating):
        return np.full(like.shape, np.nan, like.dtype)
    return np.full(like.shape, -(2**31) + 7, like.dtype)


def _mismatch(kernel: RandomKernel, got: Array, want: Array) -> str | None:
    """How `got` differs from `want`: exactly for integers, within `atol` and a relative
    1e-5 for floats; None if it does not."""
    if kernel.is_float:
        wide_got, wide_want = np.asarray(got, np.float64), np.asarray(want, np.float64)
        close = np.isclose(wide_got, wide_want, rtol=1e-5, atol=kernel.atol(), equal_nan=True)
    else:
        close = got == want
    if bool(np.all(close)):
        return None
    bad = np.argwhere(~close)
    first = tuple(int(n) for n in bad[0])
    return (
        f"{len(bad)} of {want.size} elements; first at {first}: native {got[first]}, "
        f"interpreter {want[first]}"
    )
