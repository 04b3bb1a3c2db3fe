"""One te.kernel for a fused `graph.func` (made by `graph-fuse`): a stage per op, the
cheap intermediate stages inlined into their readers.

    graph.func private @fused_matmul_add_relu(%x: tensor<64x32xf32>, %w: tensor<32x16xf32>, %b: tensor<16xf32>) -> tensor<64x16xf32> attributes {graph.fused} {
      %0 = graph.matmul %x, %w ... ; %1 = graph.add %0, %b ... ; %2 = graph.relu %1 ...
      graph.return %2 : tensor<64x16xf32>
    }
    ->
    te.kernel @fused_matmul_add_relu(%X0: ..., %X1: ..., %X2: ...) -> tensor<64x16xf32> {
      %matmul = te.compute "matmul" (%i: 64, %j: 16) reduce (%k: 32) ... : tensor<64x16xf32>
      %Y = te.compute "Y" (%i0: 64, %i1: 16) {
        %m = te.read %matmul[%i0, %i1] ...   // the add, then the relu, on the fly
        %b = te.read %X2[%i1] ...
        ...
      } : tensor<64x16xf32>
      te.return %Y : tensor<64x16xf32>
    }

Stages are named after their op's result (`%blur_x` -> `blur_x`) or else the op (`matmul`,
`add`; a definition's inner stages `<op>_<stage>`, e.g. `conv2d_pad`); the kernel's
results are `Y` (or `Y0`, `Y1`, ...).

The stages inside one op's definition stay as the definition made them (conv2d's `pad`).
An op's own stage is inlined (`inline_stages`) when it is not a result, has no reduction
axes, and either only moves data (its body reads, indexes and selects: slices, pads,
transposes) or is read at a single place (one reader, one set of indices: `%e * %e`
reads `e` once) by a stage that reads each of its elements at most once per own
iteration (the reader has no reduction, or every one of its axes reaches the indices).

What stays is computed at root unless a te.schedule places it: graph-to-te writes none,
so that `te-auto-schedule` (or a hand schedule) decides, e.g.
`te.compute_at "matmul" at "Y" "io"` for the epilogue, `te.compute_at "blur_x" at "Y" "yo"`.
"""

from __future__ import annotations

from xdsl.dialects import arith
from xdsl.dialects.builtin import IndexType, StringAttr, i1
from xdsl.ir import BlockArgument, Operation, SSAValue

from dlir.dialects import graph
from dlir.dialects.te.builder import KernelBuilder
from dlir.dialects.te.compute import ComputeOp, ReadOp, YieldOp, is_valid_axis_name
from dlir.dialects.te.kernel import KernelOp, ReturnOp
from dlir.passes.lowering.graph_to_te.common import NotConvertible
from dlir.passes.lowering.graph_to_te.registry import TE_DEFINITIONS


def build_fused_kernel(func: graph.FuncOp, name: str) -> KernelOp | None:
    """The te.kernel `name` computing the body of `func`, or None when an op of the body
    has no te definition or its definition cannot express it."""
    block = func.body.block
    inputs = [(f"X{n}", arg.type) for n, arg in enumerate(block.args)]
    kb = KernelBuilder(name, inputs)
    values: dict[SSAValue, SSAValue] = {
        arg: kb[arg_name] for arg, (arg_name, _) in zip(block.args, inputs, strict=True)
    }
    names = _StageNames()
    own_stages: set[ComputeOp] = set()
    returned: list[SSAValue] = []
    for op in block.ops:
        if isinstance(op, graph.ReturnOp):
            returned = list(op.arguments)
            break
        definition = TE_DEFINITIONS.get(type(op))
        if definition is None:
            return None
        before = set(kb.block.ops)
        try:
            results = definition(op, kb, [values[v] for v in op.operands])
        except NotConvertible:
            return None
        short = op.name.split(".", 1)[-1]
        hint = op.results[0].name_hint if len(op.results) == 1 else None
        own_name = hint if hint is not None and is_valid_axis_name(hint) else short
        for stage in kb.block.ops:
            if isinstance(stage, ComputeOp) and stage not in before:
                own = stage.result in results
                names.rename(stage, own_name if own else f"{short}_{stage.stage.data}")
                if own:
                    own_stages.add(stage)
        for old, new in zip(op.results, results, strict=True):
            values[old] = new
    outputs = [values[v] for v in returned]
    if any(isinstance(v, BlockArgument) for v in outputs) or len(set(outputs)) != len(outputs):
        return None  # graph-fuse never returns an argument or a value twice
    for n, value in enumerate(outputs):
        stage = value.owner
        assert isinstance(stage, ComputeOp)
        names.rename(stage, "Y" if len(outputs) == 1 else f"Y{n}")
    # a stage named after a graph value must not take another stage's axis name either
    # (`%c = graph.conv2d ...`: its pad stage has an axis c)
    stages = [op for op in kb.block.ops if isinstance(op, ComputeOp)]
    axes = {axis for stage in stages for axis in stage.axis_names()}
    for stage in stages:
        if stage.stage.data in axes:
            names.rename(stage, stage.stage.data, avoid=axes)
    kernel = kb.finish(*outputs)
    inline_stages(kernel, own_stages)
    return kernel


class _StageNames:
    """Unique stage names: `add`, then `add1`, `add2`, ...; never one of the stage's own
    axis names (a conv2d result `%y` names its stage `y1`: its axes are n, o, y, x)."""

    def __init__(self) -> None:
        self.taken: set[str] = set()

    def rename(self, stage: ComputeOp, base: str, avoid: set[str] | None = None) -> None:
        self.taken.discard(stage.stage.data)
        axes = set(stage.axis_names()) | (avoid or set())
        name, n = base, 1
        while name in self.taken or name in axes:
            name, n = f"{base}{n}", n + 1
        self.taken.add(name)
        stage.stage = StringAttr(name)
        stage.result.name_hint = name


def inline_stages(kernel: KernelOp, candidates: set[ComputeOp]) -> None:
    """Inline those of `candidates` the module docstring says, last stage first (so the
    reads of a stage are counted where they finally are, in readers inlined themselves)."""
    returned: set[SSAValue] = set()
    for op in kernel.body.block.ops:
        if isinstance(op, ReturnOp):
            returned = set(op.values)
    for stage in reversed(kernel.stages()):
        if stage not in candidates or stage.result in returned or stage.reduce_axes.data:
            continue
        reads = _reads_in_order(stage)
        if reads is None:
            continue
        sites = {(r.parent_block(), tuple(r.indices)) for r in reads}
        if _moves_data(stage):
            for read in reads:
                _substitute(stage, read, [read])
        elif len(sites) == 1 and _reads_once(reads[0]):
            _substitute(stage, reads[0], reads)
        else:
            continue
        stage.detach()
        stage.erase()


def _reads_in_order(stage: ComputeOp) -> list[ReadOp] | None:
    """The te.reads of `stage`, in program order; None if something else uses it."""
    reads: list[ReadOp] = []
    for use in stage.result.uses:
        if not isinstance(use.operation, ReadOp):
            return None
        reads.append(use.operation)
    if not reads:
        return None
    kernel = stage.parent_op()
    assert kernel is not None
    order = {op: n for n, op in enumerate(kernel.walk())}
    return sorted(reads, key=lambda r: order[r])


def _moves_data(stage: ComputeOp) -> bool:
    """Whether `stage` only reads, indexes and selects: recomputing it costs a load."""
    for op in stage.body.block.ops:
        if isinstance(op, ReadOp | YieldOp | arith.ConstantOp | arith.SelectOp):
            continue
        if not all(isinstance(r.type, IndexType) or r.type == i1 for r in op.results):
            return False
    return True


def _reads_once(read: ReadOp) -> bool:
    """Whether the reader of `read` reads each element at most once per own iteration:
    it has no reduction, or every one of its axes reaches the read's indices."""
    reader = read.parent_op()
    assert isinstance(reader, ComputeOp)
    if not reader.reduce_axes.data:
        return True
    used: set[SSAValue] = set()
    pending: list[SSAValue] = list(read.indices)
    while pending:
        value = pending.pop()
        if value in used:
            continue
        used.add(value)
        if isinstance(value.owner, Operation):
            pending.extend(value.owner.operands)
    return all(arg in used for arg in reader.body.block.args)


def _substitute(stage: ComputeOp, read: ReadOp, same: list[ReadOp]) -> None:
    """Replace `read` (of `stage`, at some indices) by `stage`'s body at those indices,
    and the reads `same` (later reads at the same indices, `read` included) by its value.

    %v = te.read %S[%a, %b]   ->   (S's body with its axes := %a, %b) ; uses of %v := its yield
    """
    body = stage.body.block
    mapping: dict[SSAValue, SSAValue] = dict(zip(body.args, read.indices, strict=True))
    block = read.parent_block()
    assert block is not None
    value: SSAValue | None = None
    for op in body.ops:
        if isinstance(op, YieldOp):
            value = mapping.get(op.value, op.value)
            break
        block.insert_op_before(op.clone(value_mapper=mapping), read)
    assert value is not None
    for each in same:
        each.result.replace_all_uses_with(value)
        each.detach()
        each.erase()
