"""One te.kernel -> one loop.func: buffers, then each stage's nest in order.

    %M = te.compute "M" ... ; %Y = te.compute "Y" ... ; te.return %Y
    ->
    loop.func @k(%X: memref<..>, %Y: memref<..>) {
      %M = loop.alloc "global" align 64 : memref<..>
      <nest of M> ; <nest of Y> ; loop.free %M
    }

A stage at root gets its nest at the top level of the function; a stage computed at a
consumer's loop (compute_at) gets its nest at the top of that loop's body, over the region
the consumer reads there (`attach.py`), into a buffer of that region allocated at the
store level (store_at; by default the compute level) and freed at the end of that loop's
body; an inlined stage gets none (`body.py` emits it where it is read). Stages added by
cache_read, cache_write and rfactor are te.compute ops of the rewritten kernel
(`rewrite.py`); their buffers are allocated in their memory scope.
"""

from __future__ import annotations

from dataclasses import replace

from xdsl.builder import Builder
from xdsl.dialects import arith, math
from xdsl.dialects.builtin import (
    AnyFloatConstr,
    IntegerType,
    MemRefType,
    NoneAttr,
    Signedness,
    StringAttr,
    TensorType,
)
from xdsl.ir import Attribute, Block, Operation, SSAValue
from xdsl.ir.affine import AffineDimExpr, AffineExpr
from xdsl.rewriter import InsertPoint
from xdsl.transforms.common_subexpression_elimination import cse
from xdsl.utils.hints import isa

from dlir.dialects.loop import AllocOp, FreeOp, FuncOp, IndexExpr, LoadOp, LoopKind, StoreOp
from dlir.dialects.loop import ReturnOp as LoopReturnOp
from dlir.dialects.te.compute import ComputeOp
from dlir.dialects.te.kernel import KernelOp, ReturnOp
from dlir.dialects.te.schedule import ScheduleOp
from dlir.passes.lowering.te_to_loop.attach import (
    Reader,
    Region,
    infer_region,
    place,
    reads_in_place,
)
from dlir.passes.lowering.te_to_loop.body import BodyEmitter, element_constant
from dlir.passes.lowering.te_to_loop.default_schedule import default_plan
from dlir.passes.lowering.te_to_loop.hoist import hoist_invariants
from dlir.passes.lowering.te_to_loop.nest import Enter, build_nest, to_index
from dlir.passes.lowering.te_to_loop.plan import PlanLoop, StagePlan, simplify
from dlir.passes.lowering.te_to_loop.schedule import ScheduledKernel, scheduled_plans

ALIGNMENT = 64
"""Bytes: the alignment of intermediate buffers (a cache line, and any vector width)."""


def lower_kernel(kernel: KernelOp, schedule: ScheduleOp | None, *, parallel: bool) -> FuncOp:
    """The loop.func computing `kernel` under `schedule` (or the default schedule)."""
    scheduled = scheduled_plans(kernel, schedule) if schedule is not None else None
    work = scheduled.kernel if scheduled is not None else kernel
    return _KernelLowering(work, _Planner(scheduled, parallel)).run()


class _Planner:
    """The plan of each stage: the schedule's for a stage whose loops it changed, else
    the default schedule's; both placed (inline, compute_at, store_at, scope) as the
    schedule says."""

    def __init__(self, scheduled: ScheduledKernel | None, parallel: bool) -> None:
        self.scheduled = scheduled
        self.parallel = parallel

    def plan(self, stage: ComputeOp, extents: dict[str, int] | None = None) -> StagePlan:
        """`stage`'s plan; `extents` gives the sizes of its spatial axes over the region
        it computes at a consumer's loop."""
        name = stage.stage.data
        if self.scheduled is None:
            return default_plan(stage, self.parallel)
        given = self.scheduled.plan(name, extents)
        if self.scheduled.touched(name):
            return given
        # no parallel loop inside a consumer's loop: the consumer's outer loop has it
        plan = default_plan(stage, self.parallel and given.attach is None)
        if extents is not None:
            if not all(isinstance(e, AffineDimExpr) for e in plan.axes.values()):
                return given
            plan.loops = [
                PlanLoop(loop.name, extents.get(loop.name, loop.extent), loop.is_reduction)
                for loop in plan.loops
            ]
        plan.inline, plan.attach, plan.store = given.inline, given.attach, given.store
        plan.axis_bounds = given.axis_bounds
        plan.scope = given.scope
        return plan


class _KernelLowering:
    def __init__(self, kernel: KernelOp, planner: _Planner) -> None:
        self.kernel = kernel
        self.planner = planner
        self.stages = kernel.stages()
        self.plans = {s.stage.data: planner.plan(s) for s in self.stages}
        self.results = _returned(kernel)
        self.name = kernel.sym_name.data
        inputs = [_memref(a.type) for a in kernel.args]
        self.func = FuncOp(self.name, inputs, [_memref(v.type) for v in self.results])
        args = self.func.body.block.args
        for arg, old in zip(args, kernel.args, strict=False):
            arg.name_hint = old.name_hint
        self.outputs = args[len(inputs) :]
        self.buffers: dict[SSAValue, SSAValue] = dict(zip(kernel.args, args, strict=False))
        self.origins: dict[SSAValue, list[IndexExpr]] = {}
        self.stored: dict[SSAValue, Region] = {}
        self.inlined: dict[SSAValue, ComputeOp] = {}
        self.written: set[int] = set()
        self.loop_allocs: list[tuple[AllocOp, Block]] = []

    def run(self) -> FuncOp:
        terminator = self.func.body.block.last_op
        assert isinstance(terminator, LoopReturnOp)
        builder = Builder(InsertPoint.before(terminator))
        for stage in self.stages:
            plan = self.plans[stage.stage.data]
            if plan.inline:
                self.inlined[stage.result] = stage
                continue
            if plan.attach is None:
                self.buffers[stage.result] = self._buffer(builder, stage, plan.scope)
                self._emit(builder, stage, plan, {})
        for index, value in enumerate(self.results):
            if index not in self.written:
                _copy(builder, self.buffers[value], self.outputs[index])
        for alloc, block in self.loop_allocs:
            last = block.last_op
            assert last is not None
            block.insert_op_before(FreeOp(alloc.memref), last)
        _free_after_last_use(self.func)
        hoist_invariants(self.func)
        cse(self.func)
        return self.func

    def _buffer(self, builder: Builder, stage: ComputeOp, scope: str) -> SSAValue:
        """The first output the stage is returned in (claimed), else a new buffer."""
        for index, result in enumerate(self.results):
            if result is stage.result and index not in self.written:
                self.written.add(index)
                self.outputs[index].name_hint = stage.result.name_hint
                return self.outputs[index]
        alloc = builder.insert(AllocOp(_memref(stage.result.type, scope), scope, ALIGNMENT))
        alloc.memref.name_hint = stage.result.name_hint
        return alloc.memref

    def _emit(
        self, builder: Builder, stage: ComputeOp, plan: StagePlan, ivs: dict[int, SSAValue]
    ) -> None:
        """The nest of `stage` at `builder`; `ivs` holds the values of dims past its loops."""
        buffer = self.buffers[stage.result]
        emitter = BodyEmitter(builder, self.buffers, self.inlined, self.name, self.origins)
        spatial = [a.data for a in stage.spatial_axes.data]
        names = stage.axis_names()
        loops = plan.loops
        enter = self._enter(stage, plan)
        origin = plan.origin or tuple(AffineExpr.constant(0) for _ in spatial)
        where = [simplify(plan.axes[s] - o) for s, o in zip(spatial, origin, strict=True)]

        def point(ivs: dict[int, SSAValue]) -> list[IndexExpr]:
            return [to_index(w, ivs) for w in where]

        def value(b: Builder, ivs: dict[int, SSAValue]) -> SSAValue:
            emitter.builder = b
            return emitter.emit(stage, [to_index(plan.axes[a], ivs) for a in names])

        def compute(b: Builder, ivs: dict[int, SSAValue]) -> None:
            b.insert(StoreOp(value(b, ivs), buffer, point(ivs)))

        def initialize(b: Builder, ivs: dict[int, SSAValue]) -> None:
            assert stage.init is not None
            b.insert(StoreOp(element_constant(b, stage.init), buffer, point(ivs)))

        bounds = plan.all_bounds()
        if stage.init is not None and _bounds_a_point(stage, plan):
            # an rfactor stage's points past the reduction (f >= K for f = fuse(ko, ki))
            # are never computed: they hold the identity, the stage reducing them adds it
            spatial_loops = [p for p, loop in enumerate(loops) if not loop.is_reduction]
            build_nest(builder, loops, spatial_loops, plan.bounds, ivs, initialize)
        first = plan.first_reduction()
        if first is None:
            everything = range(len(loops))
            build_nest(builder, loops, everything, bounds, ivs, compute, enter=enter)
            return
        assert stage.combiner is not None
        combiner = stage.combiner.data

        def accumulate(b: Builder, ivs: dict[int, SSAValue]) -> None:
            new = value(b, ivs)
            where = point(ivs)
            old = b.insert(LoadOp(buffer, where)).result
            b.insert(StoreOp(combine(b, combiner, old, new), buffer, where))

        def reduce_at(b: Builder, ivs: dict[int, SSAValue]) -> None:
            inside = range(first, len(loops))
            init_loops = [p for p in inside if not loops[p].is_reduction]
            # an intrinsic's behavior is the update: the init nest stays loops
            plain = [replace(loop, tensorize=None) for loop in loops]
            build_nest(b, plain, init_loops, bounds, ivs, initialize)
            build_nest(b, loops, inside, bounds, ivs, accumulate, enter=enter)

        build_nest(builder, loops, range(first), bounds, ivs, reduce_at, enter=enter)

    def _enter(self, consumer: ComputeOp, plan: StagePlan) -> Enter | None:
        """At each loop of `consumer`: the buffers of the stages stored there, then the
        nests of the stages computed there, over the region the consumer reads."""
        computed: dict[str, list[ComputeOp]] = {}
        stored: dict[str, list[ComputeOp]] = {}
        for stage in self.stages:
            stage_plan = self.plans[stage.stage.data]
            at = stage_plan.attach
            if at is None or at[0] != consumer.stage.data:
                continue
            computed.setdefault(at[1], []).append(stage)
            stored.setdefault((stage_plan.store or at)[1], []).append(stage)
        if not computed:
            return None

        names = [loop.name for loop in plan.loops]

        def others(producer: ComputeOp) -> list[Reader]:
            # the producer's other readers, computed at loops of the consumer or nested in
            # stages computed there (the schedule replay checked they are inside the
            # producer's level), each with the chain down from the consumer's loop
            found: list[Reader] = []
            for level, stages in computed.items():
                for chain in self._chains(stages):
                    if any(r.tensor is producer.result for r in chain[-1].reads()):
                        found.append((chain, names.index(level)))
            return found

        def enter(position: int, builder: Builder, ivs: dict[int, SSAValue]) -> None:
            loop = plan.loops[position].name
            here: dict[SSAValue, Region] = {}
            for producer in stored.get(loop, []):
                readers = others(producer)
                region = infer_region(
                    builder, producer, consumer, plan, position, ivs, None, readers
                )
                here[producer.result] = region
                if self._in_place(producer, consumer, loop, position, readers):
                    self._store_in_place(producer, consumer, region)
                else:
                    self._allocate(builder, producer, region)
            for producer in computed.get(loop, []):
                region = here.get(producer.result)
                if region is None:
                    # stored outside this loop: slide when the storage is just outside
                    store = self.plans[producer.stage.data].store
                    outside = position > 0 and store == (
                        consumer.stage.data,
                        plan.loops[position - 1].name,
                    )
                    serial = plan.loops[position].kind == LoopKind.SERIAL
                    readers = others(producer)
                    slide = position if outside and serial and not readers else None
                    region = infer_region(
                        builder, producer, consumer, plan, position, ivs, slide, readers
                    )
                spatial = [a.data for a in producer.spatial_axes.data]
                extents = dict(zip(spatial, region.sizes, strict=True))
                producer_plan = self.planner.plan(producer, extents)
                placed, extra = place(producer_plan, producer, region, self.stored[producer.result])
                self._emit(builder, producer, placed, extra)

        return enter

    def _chains(self, tops: list[ComputeOp]) -> list[list[ComputeOp]]:
        """Each of `tops`, then each chain of stages computed at a loop of the one before
        (`[sum]`, `[sum, sum_rf]` for an rfactored sum computed at a loop of Y)."""
        chains: list[list[ComputeOp]] = []
        for top in tops:
            chains.append([top])
            nested = [
                stage
                for stage in self.stages
                if (at := self.plans[stage.stage.data].attach) is not None
                and at[0] == top.stage.data
            ]
            chains += [[top, *chain] for chain in self._chains(nested)]
        return chains

    def _in_place(
        self,
        producer: ComputeOp,
        consumer: ComputeOp,
        loop: str,
        position: int,
        readers: list[Reader],
    ) -> bool:
        """Whether `producer`, stored and computed at `consumer`'s `loop`, lives in the
        output `consumer` writes (`reads_in_place`): softmax's exp written into Y's row and
        scaled there, its output traffic overlapping the exp pass (4096 x 1024: 6-12% less
        CPU time than with a row buffer). Only for a producer with other readers, all computed at
        that same loop (done before `consumer` overwrites an element: sum reads exp); one
        read by `consumer` alone keeps the tile buffer its schedule placed."""
        plan = self.plans[producer.stage.data]
        target = self.buffers.get(consumer.result)
        return (
            plan.scope == "global"
            and plan.attach == (consumer.stage.data, loop)
            and plan.store in (None, plan.attach)
            and producer.result not in self.results
            and any(target is output for output in self.outputs)
            and bool(readers)
            and all(level == position for _, level in readers)
            and reads_in_place(consumer, producer)
        )

    def _store_in_place(self, producer: ComputeOp, consumer: ComputeOp, region: Region) -> None:
        # exp computed at Y's row loop: loop.alloc memref<1x1024xf32> -> Y's row itself
        self.buffers[producer.result] = self.buffers[consumer.result]
        self.origins.pop(producer.result, None)
        zero = [IndexExpr.of(0) for _ in region.sizes]
        self.stored[producer.result] = Region(zero, region.sizes, region.limits)

    def _allocate(self, builder: Builder, stage: ComputeOp, region: Region) -> None:
        """A buffer for `region` of `stage`, freed at the end of the enclosing loop body."""
        scope = self.plans[stage.stage.data].scope
        memref = MemRefType(stage.element_type(), region.sizes, memory_space=_space(scope))
        alloc = builder.insert(AllocOp(memref, scope, ALIGNMENT))
        alloc.memref.name_hint = stage.result.name_hint
        self.buffers[stage.result] = alloc.memref
        self.origins[stage.result] = region.origins
        self.stored[stage.result] = region
        block = builder.insertion_point.block
        self.loop_allocs.append((alloc, block))


def _bounds_a_point(stage: ComputeOp, plan: StagePlan) -> bool:
    """Whether an axis bound of `plan` uses only spatial axes: it skips whole points."""
    spatial = {a.data for a in stage.spatial_axes.data}
    return any(set(b.axes) <= spatial for b in plan.axis_bounds)


def _returned(kernel: KernelOp) -> list[SSAValue]:
    for op in kernel.body.block.ops:
        if isinstance(op, ReturnOp):
            return list(op.values)
    return []


def _memref(t: Attribute, scope: str = "global") -> MemRefType:
    assert isa(t, TensorType[Attribute])
    return MemRefType(t.get_element_type(), t.get_shape(), memory_space=_space(scope))


def _space(scope: str) -> Attribute:
    """An accelerator SRAM scope is the buffer's memory space (`memref<1x16xi8, "vta.inp">`):
    intrinsics match on it; host scopes leave the memref without one."""
    return StringAttr(scope) if scope.startswith("vta.") else NoneAttr()


def combine(builder: Builder, combiner: str, acc: SSAValue, value: SSAValue) -> SSAValue:
    """`acc <combiner> value`, with numpy's semantics (float max/min propagate NaN).

    max on f32 -> %keep = (acc > value) | isnan(acc) ; select %keep, %acc, %value
    """
    if acc.type == IntegerType(1):
        # numpy bool: max and sum are `or`, min and product `and` (as signed i1, true is -1,
        # and addi is xor)
        logic = arith.AndIOp if combiner in ("min", "mul") else arith.OrIOp
        return builder.insert(logic(acc, value)).result
    is_float = AnyFloatConstr.verifies(acc.type)
    product = value.owner
    if combiner == "add" and isinstance(product, arith.MulfOp) and not value.uses:
        # acc + a * b -> fma(a, b, acc): one rounding, and the FMA units (a contraction's
        # accumulation is where they matter; the interpreter's separate rounding differs
        # by at most an ulp per step)
        lhs, rhs = product.lhs, product.rhs
        product.detach()
        product.erase()
        return builder.insert(math.FmaOp(lhs, rhs, acc)).result
    if combiner in ("add", "mul"):
        if is_float:
            op = arith.AddfOp(acc, value) if combiner == "add" else arith.MulfOp(acc, value)
        else:
            op = arith.AddiOp(acc, value) if combiner == "add" else arith.MuliOp(acc, value)
        return builder.insert(op).result
    if not is_float and _unsigned(acc.type):  # ui8..ui64
        op = arith.MaxUIOp(acc, value) if combiner == "max" else arith.MinUIOp(acc, value)
        return builder.insert(op).result
    if not is_float:
        op = arith.MaxSIOp(acc, value) if combiner == "max" else arith.MinSIOp(acc, value)
        return builder.insert(op).result
    wins = builder.insert(arith.CmpfOp(acc, value, "ogt" if combiner == "max" else "olt"))
    nan = builder.insert(arith.CmpfOp(acc, acc, "uno"))
    keep = builder.insert(arith.OrIOp(wins, nan))
    return builder.insert(arith.SelectOp(keep, acc, value)).result


def _unsigned(t: Attribute) -> bool:
    return t in _UNSIGNED


_UNSIGNED = frozenset(IntegerType(w, Signedness.UNSIGNED) for w in (2, 4, 8, 16, 32, 64))


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
