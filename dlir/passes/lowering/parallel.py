"""Outline parallel loops into tasks for the thread pool of `dlir.backends.llvm.runtime`.

The first step of `loop-to-llvm`. Each outermost `loop.for ... parallel` of a `loop.func` or
`func.func` moves into a new function that runs the iterations of `[begin, end)` serially,
and the loop becomes one call to the runtime, which splits `[lb, ub)` over the threads:

    loop.func @k(%x: memref<64xf32>, %s: f32, %y: memref<64xf32>) attributes {num_outputs = 1 : i64} {
      loop.for %i = %c0 to %c64 step %c1 parallel { ... %x ... %s ... %y ... }
    }
    ->
    loop.func @k(%x: memref<64xf32>, %s: f32, %y: memref<64xf32>) attributes {num_outputs = 1 : i64} {
      %ctx = llvm.alloca %c3 x !llvm.ptr {alignment = 64}                  (in the entry block)
      llvm.store %x, (llvm.getelementptr %ctx[0] : !llvm.ptr)            (byte 0)
      llvm.store %s, (llvm.getelementptr %ctx[2] : f32)                  (byte 8)
      llvm.store %y, (llvm.getelementptr %ctx[2] : !llvm.ptr)            (byte 16)
      %fn = llvm.mlir.addressof @k__parallel0_task : !llvm.ptr
      llvm.call @dlir_parallel_for(%fn, %ctx, %c0, %c64, %c1, %work)
    }
    loop.func @k__parallel0(%begin: index, %end: index, %x: memref<64xf32>, %s: f32,
                            %y: memref<64xf32>) attributes {num_outputs = 1 : i64} {
      %c1 = arith.constant 1 : index                                 (constants are cloned)
      %b = loop.max (loop.min %begin, %c64), %c0                     (no-op clamps)
      %e = loop.max (loop.min %end, %c64), %c0
      loop.for %i = %b to %e step %c1 { ... %x ... %s ... %y ... }
    }
    llvm.func @k__parallel0_task(%ctx: !llvm.ptr, %begin: i64, %end: i64) {
      llvm.call @k__parallel0(%begin, %end, (llvm.load %ctx[0]), (llvm.load %ctx[2]), ...)
    }

The rest of `loop-to-llvm` lowers the new `loop.func` like any other (GEP addressing and
alignments included), so LLVM vectorises the outlined body as it did the loop. `%begin` and
`%end`, and the captured induction variables of enclosing loops, are clamped to their known
ranges at the top of the body: no-ops that let LLVM prove that the index arithmetic does
not wrap, so that register tiles stay in registers (`_clamp_bounds`). The outlined function
stays external (xDSL's translation drops `llvm.func` linkage, and that is what we want
here): made `internal`, LLVM inlines a large body into its only caller, the task, and then
unrolls the register tile past the register file (a 3x3 conv ran 31 GFLOP/s instead of 46).
The values the body uses from outside travel in a context on the stack, allocated once in
the entry block; constants are cloned instead, so LLVM still sees constant inner trip
counts. The captured buffers that are `noalias` in the parent (its outputs, and its
`loop.alloc`s, which are fresh) are the outlined function's outputs, hence `noalias` there
too; other buffers are not. The llvm ops emitted here take loop-level
values (`index`, `memref`) as operands; the rest of the pass gives those values their llvm
types.

Nested parallel loops run serially inside the outlined body (the runtime also runs a
parallel loop serially when it is called while the pool is busy). `%work`, the estimated
cost of one iteration (`estimate_work`), lets the runtime keep small loops serial.
"""

from __future__ import annotations

from collections.abc import Iterable

from xdsl.dialects import arith, func, llvm
from xdsl.dialects.builtin import (
    ArrayAttr,
    IndexType,
    IntegerAttr,
    IntegerType,
    MemRefType,
    ModuleOp,
    StringAttr,
    VectorType,
    i64,
)
from xdsl.ir import Attribute, Block, BlockArgument, Operation, Region, SSAValue
from xdsl.rewriter import InsertPoint, Rewriter
from xdsl.traits import SymbolOpInterface
from xdsl.utils.exceptions import DiagnosticException
from xdsl.utils.hints import isa

from dlir.dialects.loop import ForOp, LoopKind, MaxOp, MinOp, YieldOp, constant_index
from dlir.dialects.loop import FuncOp as LoopFuncOp
from dlir.dialects.loop import ReturnOp as LoopReturnOp
from dlir.passes.lowering.types import byte_size, llvm_type

PARALLEL_FOR = "dlir_parallel_for"
TASK_SUFFIX = "_task"
# Iterations assumed for an inner loop whose bounds are not constants.
DYNAMIC_TRIP_GUESS = 16
_WORK_CAP = 1 << 62
CONTEXT_ALIGNMENT = 64
# Ops whose result is a buffer of its own, distinct from every other (a fresh allocation or
# a constant global); `loop.constant` is named, not imported, to keep this file independent.
_FRESH_BUFFER_OPS = ("loop.alloc", "loop.constant")


def estimate_work(block: Block) -> int:
    """Static cost of running `block` once, in ops: constants and terminators are free, a
    nested loop costs its trip count (`DYNAMIC_TRIP_GUESS` if not constant; divided by the
    width of a vectorized loop) times its body.

        loop.for %j = %c0 to %c64 step %c1 vectorized<8> { load; addf; store }  ->  1 + 8 x 3
    """
    total = 0
    for op in block.ops:
        total = min(_WORK_CAP, total + _op_work(op))
    return total


def _op_work(op: Operation) -> int:
    if isinstance(op, arith.ConstantOp | YieldOp):
        return 0
    if isinstance(op, ForOp):
        trips = op.trip_count()
        if trips is None:
            trips = DYNAMIC_TRIP_GUESS
        if op.vector_width is not None:
            width = op.vector_width.value.data
            trips = -(-trips // width)
        return min(_WORK_CAP, 1 + trips * estimate_work(op.body.block))
    return 1 + sum(estimate_work(block) for region in op.regions for block in region.blocks)


def outline_parallel_loops(module: ModuleOp) -> list[str]:
    """Outline every outermost parallel loop of the module's functions; return the names of
    the outlined functions (each with its `<name>_task` entry point)."""
    taken = {name for op in module.ops if (name := _symbol(op)) is not None}
    outlined: list[str] = []
    for function in list(module.ops):
        if not isinstance(function, LoopFuncOp | func.FuncOp) or not function.body.blocks:
            continue
        loops = [
            op
            for op in function.walk()
            if isinstance(op, ForOp)
            and op.loop_kind == LoopKind.PARALLEL
            and not _inside_parallel(op, function)
        ]
        after: Operation = function
        for loop in loops:
            name = _fresh_name(f"{function.sym_name.data}__parallel", taken)
            after = _outline(module, function, loop, name, after)
            outlined.append(name)
    return outlined


def _symbol(op: Operation) -> str | None:
    trait = op.get_trait(SymbolOpInterface)
    if trait is None:
        return None
    name = trait.get_sym_attr_name(op)
    return None if name is None else name.data


def _fresh_name(prefix: str, taken: set[str]) -> str:
    index = 0
    while f"{prefix}{index}" in taken or f"{prefix}{index}{TASK_SUFFIX}" in taken:
        index += 1
    name = f"{prefix}{index}"
    taken.update((name, name + TASK_SUFFIX))
    return name


def _inside_parallel(loop: ForOp, function: Operation) -> bool:
    parent = loop.parent_op()
    while parent is not None and parent is not function:
        if isinstance(parent, ForOp) and parent.loop_kind == LoopKind.PARALLEL:
            return True
        parent = parent.parent_op()
    return False


def _outside_values(loop: ForOp) -> list[SSAValue]:
    """Values used inside `loop`'s body (and its step) but defined outside it, in first-use
    order."""
    seen: dict[SSAValue, None] = {loop.step: None}
    for op in loop.body.walk():
        for value in op.operands:
            if value not in seen and not _defined_inside(value, loop):
                seen[value] = None
    return list(seen)


def _defined_inside(value: SSAValue, loop: ForOp) -> bool:
    owner = value.owner
    if isinstance(value, BlockArgument):
        assert isinstance(owner, Block)
        return loop.is_ancestor(owner)
    assert isinstance(owner, Operation)
    return loop.is_ancestor(owner)


def _noalias_buffers(captured: list[SSAValue], function: Operation) -> set[SSAValue]:
    """The captured buffers that are `noalias` in `function`: its outputs (a `loop.func` is
    in destination-passing style) and its fresh allocations. None at all when a captured
    buffer may point into another one (a view, or any buffer of unknown origin)."""
    entry = function.regions[0].blocks[0]
    buffers = [v for v in captured if isinstance(v.type, MemRefType)]
    for value in buffers:
        is_argument = isinstance(value, BlockArgument) and value.owner is entry
        is_fresh = isinstance(value.owner, Operation) and value.owner.name in _FRESH_BUFFER_OPS
        if not is_argument and not is_fresh:
            return set()
    noalias: set[SSAValue] = set()
    outputs = function.num_outputs.value.data if isinstance(function, LoopFuncOp) else 0
    for value in buffers:
        if isinstance(value, BlockArgument):
            if value.index >= len(entry.args) - outputs:
                noalias.add(value)
        else:
            noalias.add(value)
    return noalias


def _is_constant(value: SSAValue) -> bool:
    return isinstance(value.owner, arith.ConstantOp)


def _outline(
    module: ModuleOp,
    function: LoopFuncOp | func.FuncOp,
    loop: ForOp,
    name: str,
    after: Operation,
) -> Operation:
    """Replace `loop` by a call to the runtime; put the outlined function and its task
    after `after` in the module, and return the task."""
    outside = _outside_values(loop)
    constants = [v for v in outside if _is_constant(v)]
    captured = [v for v in outside if not _is_constant(v)]
    noalias = _noalias_buffers(captured, function)
    shared = [v for v in captured if v not in noalias]
    private = [v for v in captured if v in noalias]
    captured = shared + private
    work = estimate_work(loop.body.block)

    body_function = _body_function(name, loop, constants, shared, private)
    task = _task_function(name, [v.type for v in captured])
    Rewriter.insert_op([body_function, task], InsertPoint.after(after))

    # The call site: pack the captured values, call the runtime, drop the loop.
    ops: list[Operation] = []
    if captured:
        fields, size = _layout([v.type for v in captured])
        ctx = _context_alloca(function, size)
        for value, (type, slot) in zip(captured, fields, strict=True):
            field = llvm.GEPOp(ctx, [slot], type, inbounds=True)
            store = llvm.StoreOp(value, field.result, alignment=_alignment(type))
            ops.extend([field, store])
    else:
        null = llvm.ZeroOp.create(result_types=[llvm.LLVMPointerType()])
        ops.append(null)
        ctx = null.res
    fn = llvm.AddressOfOp(name + TASK_SUFFIX, llvm.LLVMPointerType())
    cost = llvm.ConstantOp(IntegerAttr(work, i64), i64)
    call = llvm.CallOp(PARALLEL_FOR, fn.result, ctx, loop.lb, loop.ub, loop.step, cost.result)
    Rewriter.insert_op([*ops, fn, cost, call], InsertPoint.before(loop))
    Rewriter.erase_op(loop)
    _declare_parallel_for(module)
    return task


def _body_function(
    name: str,
    loop: ForOp,
    constants: list[SSAValue],
    shared: list[SSAValue],
    private: list[SSAValue],
) -> LoopFuncOp:
    # loop.for %i = %lb to %ub step %s parallel { body }
    #   -> loop.func @name(%begin, %end, shared..., private...) {num_outputs = len(private)}
    #        { constants; clamps; loop.for %i = %b to %e step %s { body }; loop.return }
    # with %b, %e = %begin, %end clamped to [%lb, %ub] and each captured induction variable
    # clamped to its loop's range (see `_clamp_bounds`).
    index = IndexType()
    types = [index, index, *(v.type for v in shared), *(v.type for v in private)]
    block = Block(arg_types=types)
    begin, end = block.args[0], block.args[1]
    begin.name_hint, end.name_hint = "begin", "end"
    mapping: dict[SSAValue, SSAValue] = dict(zip([*shared, *private], block.args[2:], strict=True))
    for value in constants:
        owner = value.owner
        assert isinstance(owner, Operation)
        clone = owner.clone()
        block.add_op(clone)
        mapping[value] = clone.results[0]
    begin, end = _clamp_bounds(block, loop, begin, end)
    for value in shared:
        span = _index_span(value)
        if span is not None:
            mapping[value] = _clamp(block, mapping[value], *span)
    region = Region()
    loop.body.move_blocks(region)
    step = mapping[loop.step]
    new_loop = ForOp(begin, end, step, region, LoopKind.SERIAL)
    block.add_ops([new_loop, LoopReturnOp()])
    for old, new in mapping.items():
        old.replace_uses_with_if(new, lambda use: new_loop.is_ancestor(use.operation))
    split = len(types) - len(private)
    return LoopFuncOp(name, types[:split], types[split:], Region(block))


def _clamp(block: Block, value: SSAValue, low: int | None, high: int | None) -> SSAValue:
    # %v -> loop.max (loop.min %v, %high), %low   (either side left out when it is None)
    for bound, op_type in ((high, MinOp), (low, MaxOp)):
        if bound is None:
            continue
        constant = arith.ConstantOp(IntegerAttr(bound, IndexType()))
        clamp = op_type(value, constant.result)
        block.add_ops([constant, clamp])
        value = clamp.result
    return value


def _clamp_bounds(
    block: Block, loop: ForOp, begin: SSAValue, end: SSAValue
) -> tuple[SSAValue, SSAValue]:
    """`%begin` and `%end` clamped to `[lb, ub]` when the loop's bounds are constants.

        (%begin, %end) -> (loop.max (loop.min %begin, %c16), %c0,
                           loop.max (loop.min %end, %c16), %c0)

    A no-op, since the runtime only passes sub-ranges of `[lb, ub)`, but one that keeps the
    body as fast as the serial loop: with bounded `%begin` and `%end` LLVM bounds the
    induction variable, marks the index arithmetic built on it `nsw`/`nuw`, and from that
    proves that the accesses of a register tile (`Y[4 * %oo + 0, ..]`, `Y[4 * %oo + 1, ..]`)
    do not overlap; without them it keeps a load and a store around every multiply-add.
    Captured induction variables get the same treatment (`_index_span`): in the serial
    nest `%n` of `loop.for %n = %c0 to %c1` is known to be 0, in the outlined body it is a
    parameter.
    """
    lb, ub = constant_index(loop.lb), constant_index(loop.ub)
    return _clamp(block, begin, lb, ub), _clamp(block, end, lb, ub)


def _index_span(value: SSAValue) -> tuple[int, int] | None:
    """The first and last values of a captured induction variable of an enclosing loop
    (`None` for any other value)."""
    owner = value.owner
    if not isinstance(owner, Block):
        return None
    enclosing = owner.parent_op()
    return _loop_span(enclosing) if isinstance(enclosing, ForOp) else None


def _loop_span(loop: ForOp) -> tuple[int, int] | None:
    """The first and last values of `loop`'s induction variable, when its bounds and step
    are constants and it runs at least once."""
    lb, step, trips = constant_index(loop.lb), constant_index(loop.step), loop.trip_count()
    if lb is None or step is None or not trips:
        return None
    return lb, lb + (trips - 1) * step


def _task_function(name: str, types: list[Attribute]) -> llvm.FuncOp:
    # -> llvm.func @name_task(%ctx: !llvm.ptr, %begin: i64, %end: i64)
    #      { llvm.call @name(%begin, %end, load ctx[0, 0], load ctx[0, 1], ...); llvm.return }
    ptr = llvm.LLVMPointerType()
    block = Block(arg_types=[ptr, i64, i64])
    ctx, begin, end = block.args
    ctx.name_hint, begin.name_hint, end.name_hint = "ctx", "begin", "end"
    fields, _ = _layout(types)
    loaded: list[SSAValue] = []
    for type, slot in fields:
        field = llvm.GEPOp(ctx, [slot], type, inbounds=True)
        load = llvm.LoadOp(field.result, type, alignment=_alignment(type))
        block.add_ops([field, load])
        loaded.append(load.dereferenced_value)
    block.add_ops([llvm.CallOp(name, begin, end, *loaded), llvm.ReturnOp()])
    function_type = llvm.LLVMFunctionType([ptr, i64, i64], llvm.LLVMVoidType())
    return llvm.FuncOp(
        name + TASK_SUFFIX,
        function_type,
        linkage=llvm.LinkageAttr("external"),
        body=Region(block),
        extra_attrs={"passthrough": _strings(["nounwind"])},
    )


def _strings(items: Iterable[str]) -> ArrayAttr[StringAttr]:
    return ArrayAttr([StringAttr(item) for item in items])


def _layout(types: list[Attribute]) -> tuple[list[tuple[Attribute, int]], int]:
    """Where each captured value lives in the context: its llvm type and its slot, the
    index of a GEP on that type (the byte offset, a multiple of the size, over the size),
    and the total size in bytes.

        (memref<..>, f32, index) -> [(!llvm.ptr, 0), (f32, 2), (i64, 2)], 24

    (Slots rather than a `!llvm.struct`: xDSL's converter types a struct GEP as a pointer
    to the struct, and llvmlite then refuses to store a field through it.)
    """
    fields: list[tuple[Attribute, int]] = []
    offset = 0
    for type in types:
        lowered = llvm_type(type)
        size = _size(lowered)
        offset = -(-offset // size) * size
        fields.append((lowered, offset // size))
        offset += size
    return fields, max(offset, 1)


def _size(type: Attribute) -> int:
    if isinstance(type, llvm.LLVMPointerType):
        return 8
    if isa(type, VectorType[Attribute]):
        element: Attribute = type.element_type
        if isa(element, IntegerType) and element.bitwidth % 8 != 0:
            raise DiagnosticException(
                f"a parallel loop body cannot use a {type} computed outside the loop: "
                "compute it inside the loop (vectors of whole bytes can be passed)"
            )
        return byte_size(element) * type.element_count()
    return byte_size(type)


def _alignment(type: Attribute) -> int:
    """The alignment of a context access: the element size, as for every access (memory.py)."""
    if isinstance(type, llvm.LLVMPointerType):
        return 8
    return byte_size(type)


def _context_alloca(function: LoopFuncOp | func.FuncOp, size: int) -> SSAValue:
    """`llvm.alloca` of the context (`size` bytes in pointer-sized slots, 64-aligned) at the
    start of the entry block, so a parallel loop inside a serial loop reuses one context
    instead of growing the stack.

    (Pointer slots, not bytes: llvmlite types an alloca as a pointer to its element type, and
    accepts a store of a `ptr` field only through a pointer to `ptr`.)
    """
    entry = function.body.blocks[0]
    slots = llvm.ConstantOp(IntegerAttr(-(-size // 8), i64), i64)
    alloca = llvm.AllocaOp(slots.result, llvm.LLVMPointerType(), alignment=CONTEXT_ALIGNMENT)
    if entry.first_op is None:
        entry.add_ops([slots, alloca])
    else:
        Rewriter.insert_op([slots, alloca], InsertPoint.before(entry.first_op))
    return alloca.res


def _declare_parallel_for(module: ModuleOp) -> None:
    # -> llvm.func @dlir_parallel_for(!llvm.ptr, !llvm.ptr, i64, i64, i64, i64)
    if any(_symbol(op) == PARALLEL_FOR for op in module.ops):
        return
    ptr = llvm.LLVMPointerType()
    function_type = llvm.LLVMFunctionType([ptr, ptr, i64, i64, i64, i64], llvm.LLVMVoidType())
    module.body.block.add_op(
        llvm.FuncOp(PARALLEL_FOR, function_type, linkage=llvm.LinkageAttr("external"))
    )
