"""The `graph-to-te` pass: every graph op with a te definition becomes a call of a te.kernel.

    graph.func @f(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
      %y = graph.relu %x : tensor<4x8xf32>
      graph.return %y : tensor<4x8xf32>
    }
    ->
    te.kernel @relu_4x8xf32(%X0: tensor<4x8xf32>) -> tensor<4x8xf32> {
      %Y = te.compute "Y" (%i0: 4, %i1: 8) { ... } : tensor<4x8xf32>
      te.return %Y : tensor<4x8xf32>
    }
    graph.func @f(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
      %y = graph.call_dps @relu_4x8xf32(%x) : (tensor<4x8xf32>) -> tensor<4x8xf32>
      graph.return %y : tensor<4x8xf32>
    }

Kernels are named after the op and its result types (`add_64x256xf32`); structurally
equal kernels are one kernel shared by all their call sites, existing te.kernels
included; different kernels with one base name get `_1`, `_2`, ... Ops without a
definition (and ops a definition cannot express, such as empty results) stay as they are.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import ClassVar

from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp, StringAttr, SymbolRefAttr, TensorType
from xdsl.ir import Attribute, Operation
from xdsl.passes import ModulePass
from xdsl.rewriter import Rewriter
from xdsl.utils.hints import isa

from dlir.dialects import graph
from dlir.dialects.te.builder import KernelBuilder
from dlir.dialects.te.kernel import KernelOp
from dlir.ir.module import structural_hash, symbol_name
from dlir.passes.graph.fuse import is_fused
from dlir.passes.lowering.graph_to_te.common import NotConvertible
from dlir.passes.lowering.graph_to_te.fused import build_fused_kernel
from dlir.passes.lowering.graph_to_te.registry import TE_DEFINITIONS
from dlir.passes.manager import statistic


def type_suffix(t: Attribute) -> str:
    """`tensor<64x256xf32>` -> `64x256xf32`; `tensor<f32>` -> `f32`."""
    if isa(t, TensorType[Attribute]):
        return "x".join([*(str(d) for d in t.get_shape()), str(t.get_element_type())])
    return re.sub(r"\W+", "_", str(t)).strip("_")


def kernel_base_name(op: Operation) -> str:
    """`graph.add` with result `tensor<64x256xf32>` -> `add_64x256xf32`."""
    op_name = op.name.split(".", 1)[-1]
    return "_".join([op_name, *(type_suffix(r.type) for r in op.results)])


def kernel_key(kernel: KernelOp) -> str:
    """A structural hash of `kernel` that ignores its name."""
    anonymous = kernel.clone()
    anonymous.sym_name = StringAttr("")
    return structural_hash(anonymous)


class KernelTable:
    """The te.kernels of a module, by structure, and the symbol names already taken."""

    def __init__(self, module: ModuleOp) -> None:
        self.module = module
        self.taken: set[str] = set()
        self.by_key: dict[str, str] = {}
        for op in module.body.block.ops:
            name = symbol_name(op)
            if name is None:
                continue
            self.taken.add(name)
            if isinstance(op, KernelOp):
                self.by_key.setdefault(kernel_key(op), name)

    def fresh_name(self, base: str) -> str:
        name, n = base, 1
        while name in self.taken:
            name, n = f"{base}_{n}", n + 1
        return name

    def intern(self, kernel: KernelOp, before: Operation) -> tuple[str, bool]:
        """The name of a kernel equal to `kernel`: an existing one, or `kernel` itself,
        renamed to a fresh name and inserted before `before`. The flag says it is new."""
        key = kernel_key(kernel)
        existing = self.by_key.get(key)
        if existing is not None:
            return existing, False
        name = self.fresh_name(kernel.sym_name.data)
        kernel.sym_name = StringAttr(name)
        self.module.body.block.insert_op_before(kernel, before)
        self.taken.add(name)
        self.by_key[key] = name
        return name, True


def build_kernel(op: Operation) -> KernelOp | None:
    """The te.kernel computing `op` (arguments X0, X1, ...), or None when it has no
    te definition or its definition cannot express this instance."""
    definition = TE_DEFINITIONS.get(type(op))
    if definition is None:
        return None
    inputs = [(f"X{n}", operand.type) for n, operand in enumerate(op.operands)]
    kb = KernelBuilder(kernel_base_name(op), inputs)
    args = [kb[name] for name, _ in inputs]
    try:
        results = definition(op, kb, args)
    except NotConvertible:
        return None
    return kb.finish(*results)


def op_names(ops: tuple[str, ...]) -> set[str]:
    """`("relu", "graph.add")` -> `{"graph.relu", "graph.add"}`, checked against the ops
    that have a te definition."""
    known = {cls.name for cls in TE_DEFINITIONS}
    names = {o if o.startswith("graph.") else f"graph.{o}" for o in ops}
    unknown = sorted(names - known)
    if unknown:
        legal = ", ".join(sorted(n.removeprefix("graph.") for n in known))
        raise ValueError(f"ops: no te definition for {', '.join(unknown)}; legal: {legal}")
    return names


@dataclass(frozen=True)
class GraphToTePass(ModulePass):
    """Replace graph ops by graph.call_dps of te.kernels that define them (shared when equal).

    %y = graph.relu %x : tensor<4x8xf32>
      -> %y = graph.call_dps @relu_4x8xf32(%x) : (tensor<4x8xf32>) -> tensor<4x8xf32>
         (and te.kernel @relu_4x8xf32 added before the graph.func)
    """

    name = "graph-to-te"
    requires: ClassVar[tuple[str, ...]] = ("graph",)
    produces: ClassVar[tuple[str, ...]] = ("graph", "te")

    ops: tuple[str, ...] = field(
        default=(), metadata={"help": "convert only these ops (e.g. relu,add); default: all"}
    )

    def __post_init__(self) -> None:
        op_names(self.ops)  # reject unknown names before anything runs

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        selected = op_names(self.ops) if self.ops else None
        table = KernelTable(op)
        if selected is None:
            convert_fused_functions(op, table)
        for func in [f for f in op.body.block.ops if isinstance(f, graph.FuncOp)]:
            for inner in list(func.body.walk()):
                if selected is not None and inner.name not in selected:
                    continue
                convert_op(inner, func, table)


def convert_op(op: Operation, func: graph.FuncOp, table: KernelTable) -> bool:
    """Replace `op` by a call of its kernel; False when it has no kernel."""
    kernel = build_kernel(op)
    if kernel is None:
        return False
    name, created = table.intern(kernel, func)
    if created:
        statistic("kernels created")
    call = graph.CallDpsOp(name, list(op.operands), [r.type for r in op.results])
    Rewriter.replace_op(op, call)
    statistic("calls")
    return True


def convert_fused_functions(module: ModuleOp, table: KernelTable) -> None:
    """Each fused graph.func (from `graph-fuse`) -> one te.kernel of the same name.

    graph.func private @fused_matmul_add_relu(...) attributes {graph.fused} {...}
      -> te.kernel @fused_matmul_add_relu(...)   (see `fused.py`; calls unchanged)

    When an equal kernel exists already, the calls move to it. A fused function whose
    ops cannot all be expressed stays, and its ops are converted one by one.
    """
    fused = [f for f in module.body.block.ops if isinstance(f, graph.FuncOp) and is_fused(f)]
    for func in fused:
        old = func.sym_name.data
        kernel = build_fused_kernel(func, old)
        if kernel is None:
            continue
        table.taken.discard(old)
        name, created = table.intern(kernel, func)
        statistic("fused kernels")
        if created:
            statistic("kernels created")
        if name != old:
            for call in module.walk():
                if isinstance(call, graph.CallDpsOp) and call.callee.root_reference.data == old:
                    call.callee = SymbolRefAttr(name)
        func.detach()
        func.erase()
