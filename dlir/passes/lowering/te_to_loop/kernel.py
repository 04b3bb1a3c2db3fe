"""One te.kernel -> one loop.func: buffers, then each stage's nest in order.

    %M = te.compute "M" ... ; %Y = te.compute "Y" ... ; te.return %Y
    ->
    loop.func @k(%X: memref<..>, %Y: memref<..>) {
      %M = loop.alloc "global" align 64 : memref<..>
      <nest of M> ; <nest of Y> ; loop.free %M
    }

A stage at root gets its nest at the top level of the function; a stage computed at a
consumer's loop (compute_at) gets its nest at the top of that loop's body, over the region
the consumer reads there (`attach.py`); an inlined stage gets none (`body.py` emits it
where it is read).
"""

from __future__ import annotations

from xdsl.builder import Builder
from xdsl.dialects import arith
from xdsl.dialects.builtin import AnyFloatConstr, MemRefType, TensorType
from xdsl.ir import Attribute, Operation, SSAValue
from xdsl.rewriter import InsertPoint
from xdsl.transforms.common_subexpression_elimination import cse
from xdsl.utils.hints import isa

from dlir.dialects.loop import AllocOp, FreeOp, FuncOp, IndexExpr, LoadOp, StoreOp
from dlir.dialects.loop import ReturnOp as LoopReturnOp
from dlir.dialects.te.compute import ComputeOp
from dlir.dialects.te.kernel import KernelOp, ReturnOp
from dlir.dialects.te.schedule import ScheduleOp
from dlir.passes.lowering.te_to_loop.attach import check_attachable, read_spans, region
from dlir.passes.lowering.te_to_loop.body import BodyEmitter, element_constant
from dlir.passes.lowering.te_to_loop.default_schedule import default_plan
from dlir.passes.lowering.te_to_loop.hoist import hoist_invariants
from dlir.passes.lowering.te_to_loop.nest import Enter, build_nest, to_index
from dlir.passes.lowering.te_to_loop.plan import PlanLoop, StagePlan
from dlir.passes.lowering.te_to_loop.schedule import scheduled_plans

ALIGNMENT = 64
"""Bytes: the alignment of intermediate buffers (a cache line, and any vector width)."""


def lower_kernel(kernel: KernelOp, schedule: ScheduleOp | None, *, parallel: bool) -> FuncOp:
    """The loop.func computing `kernel` under `schedule` (or the default schedule)."""
    return _KernelLowering(kernel, _plans(kernel, schedule, parallel)).run()


def _plans(kernel: KernelOp, schedule: ScheduleOp | None, parallel: bool) -> dict[str, StagePlan]:
    """The schedule's plan for each stage it changed the loops of, else the default."""
    scheduled: dict[str, StagePlan] = {}
    touched: set[str] = set()
    if schedule is not None:
        _, scheduled, touched = scheduled_plans(kernel, schedule)
    plans: dict[str, StagePlan] = {}
    for stage in kernel.stages():
        name = stage.stage.data
        given = scheduled.get(name)
        if given is not None and name in touched:
            plans[name] = given
            continue
        attach = given.attach if given is not None else None
        # no parallel loop inside a consumer's loop: the consumer's outer loop has it
        plan = default_plan(stage, parallel and attach is None)
        if given is not None:
            plan.inline, plan.attach = given.inline, given.attach
        plans[name] = plan
    return plans


class _KernelLowering:
    def __init__(self, kernel: KernelOp, plans: dict[str, StagePlan]) -> None:
        self.kernel = kernel
        self.plans = plans
        self.stages = kernel.stages()
        self.by_name = {s.stage.data: s for s in self.stages}
        self.results = _returned(kernel)
        self.name = kernel.sym_name.data
        inputs = [_memref(a.type) for a in kernel.args]
        self.func = FuncOp(self.name, inputs, [_memref(v.type) for v in self.results])
        args = self.func.body.block.args
        for arg, old in zip(args, kernel.args, strict=False):
            arg.name_hint = old.name_hint
        self.outputs = args[len(inputs) :]
        self.buffers: dict[SSAValue, SSAValue] = dict(zip(kernel.args, args, strict=False))
        self.inlined: dict[SSAValue, ComputeOp] = {}
        self.written: set[int] = set()

    def run(self) -> FuncOp:
        terminator = self.func.body.block.last_op
        assert isinstance(terminator, LoopReturnOp)
        builder = Builder(InsertPoint.before(terminator))
        for stage in self.stages:
            plan = self.plans[stage.stage.data]
            if plan.inline:
                self.inlined[stage.result] = stage
                continue
            self.buffers[stage.result] = self._buffer(builder, stage)
            if plan.attach is None:
                self._emit(builder, stage, plan, {}, None)
        for index, value in enumerate(self.results):
            if index not in self.written:
                _copy(builder, self.buffers[value], self.outputs[index])
        _free_after_last_use(self.func)
        hoist_invariants(self.func)
        cse(self.func)
        return self.func

    def _buffer(self, builder: Builder, stage: ComputeOp) -> SSAValue:
        """The first output the stage is returned in (claimed), else a new buffer."""
        for index, result in enumerate(self.results):
            if result is stage.result and index not in self.written:
                self.written.add(index)
                self.outputs[index].name_hint = stage.result.name_hint
                return self.outputs[index]
        alloc = builder.insert(AllocOp(_memref(stage.result.type), "global", ALIGNMENT))
        alloc.memref.name_hint = stage.result.name_hint
        return alloc.memref

    def _emit(
        self,
        builder: Builder,
        stage: ComputeOp,
        plan: StagePlan,
        ivs: dict[int, SSAValue],
        ranges: dict[int, tuple[SSAValue, SSAValue]] | None,
    ) -> None:
        """The nest of `stage` at `builder`, over `ranges` for its spatial loops if given."""
        buffer = self.buffers[stage.result]
        emitter = BodyEmitter(builder, self.buffers, self.inlined, self.name)
        spatial = [a.data for a in stage.spatial_axes.data]
        names = stage.axis_names()
        loops = plan.loops
        enter = self._enter(stage, plan)

        def point(ivs: dict[int, SSAValue]) -> list[IndexExpr]:
            return [to_index(plan.axes[s], ivs) for s in spatial]

        def value(b: Builder, ivs: dict[int, SSAValue]) -> SSAValue:
            emitter.builder = b
            return emitter.emit(stage, [to_index(plan.axes[a], ivs) for a in names])

        def compute(b: Builder, ivs: dict[int, SSAValue]) -> None:
            b.insert(StoreOp(value(b, ivs), buffer, point(ivs)))

        first = plan.first_reduction()
        if first is None:
            everything = range(len(loops))
            build_nest(
                builder, loops, everything, plan.bounds, ivs, compute, ranges=ranges, enter=enter
            )
            return
        assert stage.combiner is not None and stage.init is not None
        combiner, init = stage.combiner.data, stage.init

        def initialize(b: Builder, ivs: dict[int, SSAValue]) -> None:
            b.insert(StoreOp(element_constant(b, init), buffer, point(ivs)))

        def accumulate(b: Builder, ivs: dict[int, SSAValue]) -> None:
            new = value(b, ivs)
            where = point(ivs)
            old = b.insert(LoadOp(buffer, where)).result
            b.insert(StoreOp(combine(b, combiner, old, new), buffer, where))

        def reduce_at(b: Builder, ivs: dict[int, SSAValue]) -> None:
            inside = range(first, len(loops))
            init_loops = [p for p in inside if not loops[p].is_reduction]
            build_nest(b, loops, init_loops, plan.bounds, ivs, initialize, ranges=ranges)
            build_nest(b, loops, inside, plan.bounds, ivs, accumulate, ranges=ranges, enter=enter)

        prefix = range(first)
        build_nest(builder, loops, prefix, plan.bounds, ivs, reduce_at, ranges=ranges, enter=enter)

    def _enter(self, consumer: ComputeOp, plan: StagePlan) -> Enter | None:
        """At each loop of `consumer`, the nests of the stages computed at it."""
        attached: dict[str, list[ComputeOp]] = {}
        for stage in self.stages:
            at = self.plans[stage.stage.data].attach
            if at is not None and at[0] == consumer.stage.data:
                attached.setdefault(at[1], []).append(stage)
        if not attached:
            return None

        def enter(position: int, builder: Builder, ivs: dict[int, SSAValue]) -> None:
            for producer in attached.get(plan.loops[position].name, []):
                producer_plan = self.plans[producer.stage.data]
                check_attachable(producer_plan, producer)
                spans = read_spans(producer, consumer, plan, position)
                bounds = region(builder, spans, producer.spatial_extents(), ivs)
                spatial = [a.data for a in producer.spatial_axes.data]
                ranges: dict[int, tuple[SSAValue, SSAValue]] = {}
                for axis, span in zip(spatial, bounds, strict=True):
                    dim = producer_plan.axes[axis]
                    ranges[min(dim.used_dims())] = span
                self._emit(builder, producer, producer_plan, {}, ranges)

        return enter


def _returned(kernel: KernelOp) -> list[SSAValue]:
    for op in kernel.body.block.ops:
        if isinstance(op, ReturnOp):
            return list(op.values)
    return []


def _memref(t: Attribute) -> MemRefType:
    assert isa(t, TensorType[Attribute])
    return MemRefType(t.get_element_type(), t.get_shape())


def combine(builder: Builder, combiner: str, acc: SSAValue, value: SSAValue) -> SSAValue:
    """`acc <combiner> value`, with numpy's semantics (float max/min propagate NaN).

    max on f32 -> %keep = (acc > value) | isnan(acc) ; select %keep, %acc, %value
    """
    is_float = AnyFloatConstr.verifies(acc.type)
    if combiner in ("add", "mul"):
        if is_float:
            op = arith.AddfOp(acc, value) if combiner == "add" else arith.MulfOp(acc, value)
        else:
            op = arith.AddiOp(acc, value) if combiner == "add" else arith.MuliOp(acc, value)
        return builder.insert(op).result
    if not is_float:
        op = arith.MaxSIOp(acc, value) if combiner == "max" else arith.MinSIOp(acc, value)
        return builder.insert(op).result
    wins = builder.insert(arith.CmpfOp(acc, value, "ogt" if combiner == "max" else "olt"))
    nan = builder.insert(arith.CmpfOp(acc, acc, "uno"))
    keep = builder.insert(arith.OrIOp(wins, nan))
    return builder.insert(arith.SelectOp(keep, acc, value)).result


def _copy(builder: Builder, source: SSAValue, target: SSAValue) -> None:
    """A nest copying `source` into `target` (a result returned twice, or an argument)."""
    assert isa(target.type, MemRefType)
    shape = target.type.get_shape()
    loops = [PlanLoop(f"c{n}", extent, False) for n, extent in enumerate(shape)]

    def leaf(b: Builder, ivs: dict[int, SSAValue]) -> None:
        where = [IndexExpr.of(ivs[n]) for n in range(len(shape))]
        b.insert(StoreOp(b.insert(LoadOp(source, where)).result, target, where))

    build_nest(builder, loops, range(len(loops)), [], {}, leaf)


def _free_after_last_use(func: FuncOp) -> None:
    block = func.body.block
    for op in list(block.ops):
        if not isinstance(op, AllocOp):
            continue
        last: Operation = op
        for use in op.memref.uses:
            user: Operation | None = use.operation
            while user is not None and user.parent_block() is not block:
                user = user.parent_op()
            if user is not None and last.is_before_in_block(user):
                last = user
        block.insert_op_after(FreeOp(op.memref), last)
