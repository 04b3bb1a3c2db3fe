"""The `graph-to-loop` pass: host functions. Each `graph.func` whose body calls kernels
becomes a `loop.func` of the same name that runs them on buffers, with no Python between
kernels.

    graph.func @f(%x: tensor<64x32xf32>) -> tensor<64x8xf32> {
      %w = graph.constant dense<...> : tensor<32x16xf32>
      %h = graph.call_dps @dense(%x, %w) : (...) -> tensor<64x16xf32>
      %y = graph.call_dps @head(%h) : (tensor<64x16xf32>) -> tensor<64x8xf32>
      graph.return %y : tensor<64x8xf32>
    }
    ->
    loop.func @f(%x: memref<64x32xf32>, %y: memref<64x8xf32>) attributes {num_outputs = 1 : i64} {
      %arena = loop.alloc "global" align 64 : memref<4096xi8>
      %w = loop.constant dense<...> : tensor<32x16xf32> -> memref<32x16xf32>
      %c0 = arith.constant 0 : index
      %h = memref.view %arena[%c0][] : memref<4096xi8> to memref<64x16xf32>
      loop.call @dense(%x, %w, %h) : (memref<64x32xf32>, memref<32x16xf32>, memref<64x16xf32>) -> ()
      loop.call @head(%h, %y) : (memref<64x16xf32>, memref<64x8xf32>) -> ()
      loop.free %arena : memref<4096xi8>
      loop.return
    }

Destinations: a returned call result is written straight into its output buffer. Every
other result gets a view into one arena (`loop.alloc` of bytes, freed before the return),
at an offset chosen by `memory_plan.plan_buffers` from the lifetimes over the
straight-line body: a buffer's bytes are reused once its last reader has run. The views
are standard `memref.view`s, lowered to pointer offsets. `--pass-statistics` shows the
intermediate bytes without reuse ("peak bytes before planning") and the arena's size
("peak bytes after planning").

Returns that no call writes — an input argument, a constant, a value returned a second
time — are copied into their output by a loop nest after the calls.

The input must be lowered already: graph ops other than `graph.call_dps`,
`graph.constant` and `graph.return` are an error asking for graph-to-te, callees that
are still `te.kernel`s one asking for te-to-loop. Callees that are `graph.func`s are
lowered by this same pass and called the same way.
"""

from __future__ import annotations

from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects import arith, memref
from xdsl.dialects.builtin import (
    FileLineColLoc,
    IndexType,
    IntegerAttr,
    MemRefType,
    ModuleOp,
    TensorType,
    i8,
)
from xdsl.ir import Attribute, Block, Operation, Region, SSAValue
from xdsl.passes import ModulePass
from xdsl.traits import SymbolTable
from xdsl.utils.exceptions import DiagnosticException
from xdsl.utils.hints import isa

from dlir.dialects import graph, loop
from dlir.ir.variants import Variant, variant_of
from dlir.passes.lowering.memory_plan import Buffer, plan_buffers
from dlir.passes.lowering.types import byte_size
from dlir.passes.manager import statistic

ARENA_ALIGNMENT = 64


def buffer_type(type: Attribute) -> MemRefType:
    """`tensor<4x8xf32>` -> `memref<4x8xf32>` (static shapes only)."""
    if not isa(type, TensorType[Attribute]) or not type.has_static_shape():
        raise DiagnosticException(f"graph-to-loop needs statically shaped tensors, found {type}")
    return MemRefType(type.element_type, type.get_shape())


def buffer_bytes(type: MemRefType) -> int:
    """Bytes of a statically shaped buffer."""
    size = byte_size(type.element_type)
    for dim in type.get_shape():
        size *= dim
    return size


def _empty_values(op: Operation) -> list[SSAValue]:
    """The zero-element tensors `op` reads or defines."""
    values = [*op.operands, *op.results]
    return [v for v in values if isa(v.type, TensorType[Attribute]) and 0 in v.type.get_shape()]


def _touches_empty(op: Operation) -> bool:
    return bool(_empty_values(op))


def _where(op: Operation) -> str:
    """` at file:line:col` when `op` has a file location."""
    loc = op.location
    if isinstance(loc, FileLineColLoc):
        return f" at {loc.filename.data}:{loc.line.data}:{loc.column.data}"
    return ""


def _check_body(func: graph.FuncOp, module: ModuleOp) -> None:
    """Fail on the first op or callee this pass cannot lower, saying which pass comes first."""
    name = func.sym_name.data
    for op in func.body.block.ops:
        if isinstance(op, graph.ConstantOp | graph.ReturnOp):
            continue
        if not isinstance(op, graph.CallDpsOp) and _touches_empty(op):
            raise DiagnosticException(
                f"graph-to-loop: @{name} holds '{op.name}'{_where(op)} on zero-element "
                f"tensors ({', '.join(sorted({str(v.type) for v in _empty_values(op)}))}): "
                "te kernels range over positive extents; run graph-fold-empty before "
                "graph-to-te (it folds ops with empty results and reductions over empty axes "
                "into constants)"
            )
        if not isinstance(op, graph.CallDpsOp):
            raise DiagnosticException(
                f"graph-to-loop: @{name} still holds '{op.name}': run graph-to-te and te-to-loop "
                "first (graph-to-loop takes only graph.call_dps, graph.constant and graph.return)"
            )
        callee_name = op.callee.root_reference.data
        callee = SymbolTable.lookup_symbol(module, op.callee)
        if callee is None:
            raise DiagnosticException(f"graph-to-loop: callee @{callee_name} of @{name} not found")
        variant = variant_of(callee)
        if variant is Variant.TE:
            raise DiagnosticException(
                f"graph-to-loop: callee @{callee_name} of @{name} is still a te.kernel: "
                "run te-to-loop first"
            )
        if variant is Variant.GRAPH and not callee.regions[0].blocks:
            raise DiagnosticException(
                f"graph-to-loop: callee @{callee_name} of @{name} is a graph.func declaration "
                "without a body: there is nothing to call"
            )


@dataclass
class _Lowering:
    """Lowers one graph.func body into the entry block of a new loop.func."""

    func: graph.FuncOp
    block: Block
    values: dict[SSAValue, SSAValue]

    def lower(self) -> tuple[int, int]:
        """Fill `block`; return the intermediate bytes before and after planning."""
        ops = list(self.func.body.block.ops)
        ret = ops[-1]
        assert isinstance(ret, graph.ReturnOp)
        num_inputs = len(self.func.function_type.inputs.data)
        outputs = self.block.args[num_inputs:]
        # Each returned call result writes its first output slot directly.
        direct: dict[SSAValue, SSAValue] = {}
        copies: list[tuple[SSAValue, SSAValue]] = []  # (returned graph value, output slot)
        for value, slot in zip(ret.arguments, outputs, strict=True):
            if isinstance(value.owner, graph.CallDpsOp) and value not in direct:
                direct[value] = slot
                slot.name_hint = value.name_hint or slot.name_hint
            else:
                copies.append((value, slot))
        step: dict[Operation, int] = {op: index for index, op in enumerate(ops)}
        temps = [
            result
            for op in ops
            if isinstance(op, graph.CallDpsOp)
            for result in op.outputs
            if result not in direct
        ]
        buffers: list[Buffer] = []
        for value in temps:
            written = step[value.op]
            last_read = max((step[use.operation] for use in value.uses), default=written)
            buffers.append(Buffer(buffer_bytes(buffer_type(value.type)), written, last_read))
        plan = plan_buffers(buffers, ARENA_ALIGNMENT)
        offsets = dict(zip(temps, plan.offsets, strict=True))
        arena: SSAValue | None = None
        if temps:
            alloc = loop.AllocOp(MemRefType(i8, [plan.arena_bytes]), "global", ARENA_ALIGNMENT)
            self.block.add_op(alloc)
            arena = alloc.memref
            arena.name_hint = "workspace"
        for op in ops[:-1]:
            if isinstance(op, graph.ConstantOp):
                constant = loop.ConstantOp(op.value)
                self.block.add_op(constant)
                constant.memref.name_hint = op.result.name_hint
                self.values[op.result] = constant.memref
                continue
            assert isinstance(op, graph.CallDpsOp)
            for result in op.outputs:
                if result in direct:
                    self.values[result] = direct[result]
                    continue
                assert arena is not None
                self.values[result] = self._view(arena, offsets[result], result.type)
                self.values[result].name_hint = result.name_hint
            args = [self.values[v] for v in (*op.inputs, *op.outputs)]
            self.block.add_op(loop.CallOp(op.callee, args))
        for value, slot in copies:
            source = direct.get(value) or self.values[value]
            self._copy(source, slot)
        if arena is not None:
            self.block.add_op(loop.FreeOp(arena))
        self.block.add_op(loop.ReturnOp())
        return plan.unplanned_bytes, plan.arena_bytes

    def _view(self, arena: SSAValue, offset: int, type: Attribute) -> SSAValue:
        # the bytes [offset, offset + size) of the arena, seen as a buffer of `type`
        shift = arith.ConstantOp(IntegerAttr(offset, IndexType()))
        view = memref.ViewOp(arena, shift, [], buffer_type(type))
        self.block.add_ops([shift, view])
        return view.result

    def _copy(self, source: SSAValue, target: SSAValue) -> None:
        """`target[i, j, ...] = source[i, j, ...]` as a serial loop nest."""
        assert isa(target.type, MemRefType)
        zero = arith.ConstantOp(IntegerAttr(0, IndexType()))
        one = arith.ConstantOp(IntegerAttr(1, IndexType()))
        bounds = [arith.ConstantOp(IntegerAttr(d, IndexType())) for d in target.type.get_shape()]
        self.block.add_ops([zero, one, *bounds])
        bodies = [Block(arg_types=[IndexType()]) for _ in bounds]
        indices = [body.args[0] for body in bodies]
        load = loop.LoadOp(source, indices)
        nest: list[Operation] = [load, loop.StoreOp(load.result, target, indices)]
        for body, bound in reversed(list(zip(bodies, bounds, strict=True))):
            body.add_ops([*nest, loop.YieldOp()])
            nest = [loop.ForOp(zero, bound, one, Region(body))]
        self.block.add_ops(nest)


def lower_function(func: graph.FuncOp, module: ModuleOp) -> tuple[loop.FuncOp, int, int]:
    """The loop.func of `func`, and its intermediate bytes before and after planning."""
    _check_body(func, module)
    ftype = func.function_type
    inputs = [buffer_type(t) for t in ftype.inputs.data]
    outputs = [buffer_type(t) for t in ftype.outputs.data]
    block = Block(arg_types=[*inputs, *outputs])
    for arg, new in zip(func.body.block.args, block.args, strict=False):
        new.name_hint = arg.name_hint
    for new in block.args[len(inputs) :]:
        new.name_hint = "out"
    values: dict[SSAValue, SSAValue] = dict(zip(func.body.block.args, block.args, strict=False))
    before, after = _Lowering(func, block, values).lower()
    new = loop.FuncOp(func.sym_name.data, inputs, outputs, Region(block))
    return new, before, after


@dataclass(frozen=True)
class GraphToLoopPass(ModulePass):
    """Lower each graph.func that calls kernels to a loop.func host function with a planned workspace."""

    name = "graph-to-loop"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        functions = [f for f in op.body.block.ops if isinstance(f, graph.FuncOp) and f.body.blocks]
        lowered: list[tuple[graph.FuncOp, loop.FuncOp]] = []
        before = after = 0
        for func in functions:
            new, unplanned, planned = lower_function(func, op)
            lowered.append((func, new))
            before += unplanned
            after += planned
        for func, new in lowered:
            op.body.block.insert_op_before(new, func)
            func.detach()
            func.erase()
        statistic("functions lowered", len(lowered))
        statistic("peak bytes before planning", before)
        statistic("peak bytes after planning", after)
