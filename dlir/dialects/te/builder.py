"""Python builders for te: kernels stage by stage, schedules primitive by primitive.

    kernel = matmul_kernel("matmul", 1024, 1024, 1024)
    s = Schedule(kernel)                      # inserted after the kernel, when it has a block
    io, jo, ii, ji = s["C"].tile("i", "j", 64, 64)
    ko, ki = s["C"].split("k", 4)
    s["C"].reorder(io, jo, ko, ii, ki, ji)
    s["C"].vectorize(ji)

The builder produces exactly the IR the text would, and checks each primitive as it is
added, raising the same `ScheduleError` (a `VerifyException`) the verifier would; a
primitive with no effect (split by 1...) is a `ScheduleWarning`, as in te-to-loop.
"""

from __future__ import annotations

import copy
import math
import warnings
from collections.abc import Callable, Sequence
from typing import TypeVar

from xdsl.dialects import arith
from xdsl.dialects.builtin import (
    AnyFloatConstr,
    FloatAttr,
    IndexType,
    IntegerAttr,
    IntegerType,
    Signedness,
    TensorType,
    f32,
)
from xdsl.ir import Attribute, Block, Operation, OpResult, Region, SSAValue
from xdsl.utils.hints import isa

from dlir.dialects.te import loops, stages
from dlir.dialects.te.kernel import (
    ComputeOp,
    KernelOp,
    ReadOp,
    ReturnOp,
    YieldOp,
    is_valid_axis_name,
)
from dlir.dialects.te.model import ScheduleState, ScheduleWarning, module_has_symbol
from dlir.dialects.te.schedule import PrimitiveOp, ScheduleOp

_OpT = TypeVar("_OpT", bound=Operation)
_PrimT = TypeVar("_PrimT", bound=PrimitiveOp)


class StageBody:
    """Where a stage's body is built: `read` tensors, `insert` scalar ops."""

    def __init__(self, block: Block) -> None:
        self.block = block

    def insert(self, op: _OpT) -> _OpT:
        self.block.add_op(op)
        return op

    def read(self, tensor: SSAValue, *indices: SSAValue) -> SSAValue:
        return self.insert(ReadOp(tensor, indices)).result

    def index(self, value: int) -> SSAValue:
        """An `index` constant."""
        return self.insert(arith.ConstantOp(IntegerAttr(value, IndexType()))).result

    def offset(self, index: SSAValue, delta: int) -> SSAValue:
        """`index + delta`, for stencils."""
        return self.insert(arith.AddiOp(index, self.index(delta))).result


BodyFn = Callable[..., SSAValue]
"""`fn(body: StageBody, *indices) -> value`: spatial indices first, then reduction ones."""


def identity_of(combiner: str, element_type: Attribute) -> Attribute:
    """The init value that makes `combiner` start from nothing: 0, 1, -inf or +inf."""
    if AnyFloatConstr.verifies(element_type):
        value = {"add": 0.0, "mul": 1.0, "max": -math.inf, "min": math.inf}[combiner]
        return FloatAttr(value, element_type)
    int_type = _int_type(element_type)
    if int_type is not None:
        width = 64 if isinstance(int_type, IndexType) else int_type.bitwidth
        # i1 holds booleans (numpy's bool): false < true, whatever its two's-complement reading.
        low, high = (0, 1) if width == 1 else (-(2 ** (width - 1)), 2 ** (width - 1) - 1)
        if isinstance(int_type, IntegerType) and int_type.signedness.data == Signedness.UNSIGNED:
            low, high = 0, 2**width - 1
        value = {"add": 0, "mul": 1, "max": low, "min": high}[combiner]
        return IntegerAttr(value, int_type)
    raise ValueError(f"no identity for combiner '{combiner}' on {element_type}")


class KernelBuilder:
    """Build a te.kernel: name its arguments, add stages, then `finish` with the results.

        kb = KernelBuilder("scale", [("A", TensorType(f32, [4]))])
        b = kb.compute("B", [("i", 4)], lambda body, i: body.read(kb["A"], i))
        kernel = kb.finish(b)
    """

    def __init__(self, name: str, inputs: Sequence[tuple[str, Attribute]]) -> None:
        self.name = name
        self.block = Block(arg_types=[t for _, t in inputs])
        self.args: dict[str, SSAValue] = {}
        for arg, (arg_name, _) in zip(self.block.args, inputs, strict=True):
            arg.name_hint = arg_name
            self.args[arg_name] = arg

    def __getitem__(self, name: str) -> SSAValue:
        return self.args[name]

    def compute(
        self,
        stage: str,
        axes: Sequence[tuple[str, int]],
        fn: BodyFn,
        *,
        reduce: Sequence[tuple[str, int]] = (),
        combiner: str | None = None,
        init: Attribute | float | None = None,
    ) -> OpResult:
        """Add a stage; with `reduce` axes, `combiner` defaults to add, `init` to its identity."""
        block = Block(arg_types=[IndexType()] * (len(axes) + len(reduce)))
        body = StageBody(block)
        value = fn(body, *block.args)
        body.insert(YieldOp(value))
        element_type = value.type
        if reduce:
            combiner = combiner or "add"
            if init is None:
                init = identity_of(combiner, element_type)
            elif not isinstance(init, Attribute):
                init = _typed(init, element_type)
        op = ComputeOp(
            stage,
            axes,
            element_type,
            Region(block),
            reduce=reduce,
            combiner=combiner,
            init=init if isinstance(init, Attribute) else None,
        )
        if is_valid_axis_name(stage):
            op.result.name_hint = stage
        self.block.add_op(op)
        return op.result

    def finish(self, *results: SSAValue) -> KernelOp:
        self.block.add_op(ReturnOp(*results))
        inputs = [a.type for a in self.block.args]
        return KernelOp(self.name, inputs, [r.type for r in results], Region(self.block))


def _int_type(t: Attribute) -> IntegerType[int, Signedness] | IndexType | None:
    if isa(t, IntegerType[int, Signedness]) or isinstance(t, IndexType):
        return t
    return None


def _typed(value: float, element_type: Attribute) -> Attribute:
    if AnyFloatConstr.verifies(element_type):
        return FloatAttr(value, element_type)
    int_type = _int_type(element_type)
    if int_type is not None:
        return IntegerAttr(int(value), int_type)
    raise ValueError(f"cannot make an init value of type {element_type}")


def matmul_kernel(
    name: str, m: int, n: int, k: int, element_type: Attribute = f32
) -> KernelOp:
    """`C[i, j] = sum over k of A[i, k] * B[k, j]` as a one-stage kernel.

        te.kernel @matmul(%A: tensor<MxKxf32>, %B: tensor<KxNxf32>) -> tensor<MxNxf32>
    """
    a_type, b_type = TensorType(element_type, [m, k]), TensorType(element_type, [k, n])
    kb = KernelBuilder(name, [("A", a_type), ("B", b_type)])

    def product(body: StageBody, i: SSAValue, j: SSAValue, kk: SSAValue) -> SSAValue:
        a, b = body.read(kb["A"], i, kk), body.read(kb["B"], kk, j)
        a.name_hint, b.name_hint = "a", "b"
        mul = arith.MulfOp(a, b) if AnyFloatConstr.verifies(element_type) else arith.MuliOp(a, b)
        mul.result.name_hint = "p"
        return body.insert(mul).result

    c = kb.compute("C", [("i", m), ("j", n)], product, reduce=[("k", k)])
    return kb.finish(c)


class Schedule:
    """A te.schedule under construction; `s["C"]` schedules stage C.

    Each primitive is checked against the schedule so far before it is added: on a
    `ScheduleError` nothing is added and the schedule is unchanged.
    """

    def __init__(self, kernel: KernelOp, *, insert: bool = True) -> None:
        self.kernel = kernel
        self.op = ScheduleOp(kernel.sym_name.data)
        self.state = ScheduleState.from_kernel(kernel, lambda n: module_has_symbol(kernel, n))
        block = kernel.parent_block()
        if insert and block is not None:
            block.insert_op_after(self.op, kernel)

    def __getitem__(self, stage: str) -> StageSchedule:
        return StageSchedule(self, stage)

    def apply(self, primitive: _PrimT) -> _PrimT:
        """Check `primitive` against the schedule so far, then append it."""
        trial = copy.deepcopy(self.state)
        primitive.apply(trial)
        for message in trial.warnings[len(self.state.warnings) :]:
            warnings.warn(message, ScheduleWarning, stacklevel=3)
        self.state = trial
        self.op.append(primitive)
        return primitive

    def fresh_axis(self, stage: str, base: str) -> str:
        model = self.state.stages.get(stage)
        taken = set(model.axis_names()) if model is not None else set[str]()
        return _fresh(base, taken)

    def fresh_stage(self, base: str) -> str:
        return _fresh(base, set(self.state.stages) | set(self.state.tensors))

    def cache_read(
        self, source: str, scope: str, readers: Sequence[str], name: str | None = None
    ) -> StageSchedule:
        name = name or self.fresh_stage(f"{source}_{scope}")
        self.apply(stages.CacheReadOp(source, scope, readers, name))
        return self[name]



def _fresh(base: str, taken: set[str]) -> str:
    name, n = base, 1
    while name in taken:
        name, n = f"{base}{n}", n + 1
    return name


class StageSchedule:
    """The primitives of one stage; methods return the names they create."""

    def __init__(self, schedule: Schedule, name: str) -> None:
        self.schedule = schedule
        self.name = name

    def split(
        self, axis: str, factor: int, outer: str | None = None, inner: str | None = None
    ) -> tuple[str, str]:
        outer = outer or self.schedule.fresh_axis(self.name, f"{axis}o")
        inner = inner or _fresh(f"{axis}i", {outer} | self._axes())
        self.schedule.apply(loops.SplitOp(self.name, axis, factor, outer, inner))
        return outer, inner

    def tile(
        self,
        x: str,
        y: str,
        x_factor: int,
        y_factor: int,
        names: tuple[str, str, str, str] | None = None,
    ) -> tuple[str, str, str, str]:
        if names is None:
            taken = self._axes()
            fresh: list[str] = []
            for base in (f"{x}o", f"{y}o", f"{x}i", f"{y}i"):
                fresh.append(_fresh(base, taken | set(fresh)))
            names = (fresh[0], fresh[1], fresh[2], fresh[3])
        self.schedule.apply(loops.TileOp(self.name, (x, y), (x_factor, y_factor), names))
        return names

    def reorder(self, *axes: str) -> None:
        self.schedule.apply(loops.ReorderOp(self.name, axes))

    def fuse(self, outer: str, inner: str, fused: str | None = None) -> str:
        fused = fused or self.schedule.fresh_axis(self.name, f"{outer}_{inner}")
        self.schedule.apply(loops.FuseOp(self.name, outer, inner, fused))
        return fused

    def unroll(self, axis: str, factor: int | None = None) -> None:
        self.schedule.apply(loops.UnrollOp(self.name, axis, factor))

    def vectorize(self, axis: str) -> None:
        self.schedule.apply(loops.VectorizeOp(self.name, axis))

    def parallel(self, axis: str) -> None:
        self.schedule.apply(loops.ParallelOp(self.name, axis))

    def compute_at(self, target: str | StageSchedule, axis: str) -> None:
        self.schedule.apply(stages.ComputeAtOp(self.name, _stage_name(target), axis))

    def store_at(self, target: str | StageSchedule, axis: str) -> None:
        self.schedule.apply(stages.StoreAtOp(self.name, _stage_name(target), axis))

    def compute_inline(self) -> None:
        self.schedule.apply(stages.ComputeInlineOp(self.name))

    def compute_root(self) -> None:
        self.schedule.apply(stages.ComputeRootOp(self.name))

    def cache_read(
        self, scope: str, readers: Sequence[str | StageSchedule], name: str | None = None
    ) -> StageSchedule:
        """Cache this tensor or stage for `readers`; the new stage's handle."""
        return self.schedule.cache_read(self.name, scope, [_stage_name(r) for r in readers], name)

    def cache_write(self, scope: str, name: str | None = None) -> StageSchedule:
        name = name or self.schedule.fresh_stage(f"{self.name}_{scope}")
        self.schedule.apply(stages.CacheWriteOp(self.name, scope, name))
        return self.schedule[name]

    def set_scope(self, scope: str) -> None:
        self.schedule.apply(stages.SetScopeOp(self.name, scope))

    def rfactor(self, axis: str, name: str | None = None) -> StageSchedule:
        name = name or self.schedule.fresh_stage(f"{self.name}_rf")
        self.schedule.apply(stages.RFactorOp(self.name, axis, name))
        return self.schedule[name]

    def virtual_thread(self, axis: str, threads: int) -> None:
        self.schedule.apply(loops.VirtualThreadOp(self.name, axis, threads))

    def tensorize(self, axis: str, intrinsic: str) -> None:
        self.schedule.apply(loops.TensorizeOp(self.name, axis, intrinsic))

    def axes(self) -> list[str]:
        """The stage's current loop axes, outermost first."""
        return self.schedule.state.stage(self.name).axis_names()

    def _axes(self) -> set[str]:
        model = self.schedule.state.stages.get(self.name)
        return set(model.axis_names()) if model is not None else set()


def _stage_name(stage: str | StageSchedule) -> str:
    return stage if isinstance(stage, str) else stage.name

