"""`hw-inline`: each `hw.call` -> its intrinsic's behavior, on the underlying buffers.

    %c = loop.subview %C[%io * 6, %jo * 16] : memref<12x32xf32> to memref<6x16xf32, strided<[32, 1], offset: ?>>
    hw.call @gemm_6x16(%a, %b, %c) : (...) -> ()
    ->
    loop.for %i = %c0 to %c6 step %c1 {
      ... loop.load %C[%io * 6 + %i, %jo * 16 + %j] : memref<12x32xf32> ...
    }

The behavior's loops are copied in place of the call, with every access of a window
(`loop.subview`, also of a window) rewritten onto the window's source at the window's
offset plus the access's index. The windows left unused are erased, and so are
intrinsics no call uses any more (with their implementation when nothing else refers to
it). It runs any intrinsic natively: the reference its implementations are tested
against, and how a target without the implementation runs it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from xdsl.context import Context
from xdsl.dialects.builtin import AffineMapAttr, MemRefType, ModuleOp, SymbolRefAttr
from xdsl.ir import Operation, SSAValue
from xdsl.ir.affine import AffineExpr, AffineMap
from xdsl.passes import ModulePass
from xdsl.rewriter import InsertPoint, Rewriter
from xdsl.traits import SymbolTable
from xdsl.utils.hints import isa

from dlir.dialects import hw
from dlir.dialects.loop import SubviewOp, canonical_access
from dlir.dialects.loop.memory import AccessOp
from dlir.dialects.loop.view import kept_dims
from dlir.ir.diagnostics import Diagnostic, DiagnosticError
from dlir.ir.verify import source_loc
from dlir.passes.manager import statistic


@dataclass(frozen=True)
class HwInlinePass(ModulePass):
    """Replace each hw.call by its intrinsic's behavior on the underlying buffers."""

    name = "hw-inline"
    requires: ClassVar[tuple[str, ...]] = ("hw", "loop")
    produces: ClassVar[tuple[str, ...]] = ("loop",)

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        for call in [c for c in op.walk() if isinstance(c, hw.CallOp)]:
            inline_call(op, call)
            statistic("inlined")
        _erase_unused_intrinsics(op)


def inline_call(module: ModuleOp, call: hw.CallOp) -> None:
    """Put `call`'s behavior in its place, on the buffers under its windows."""
    intrinsic = SymbolTable.lookup_symbol(module, call.callee)
    if not isinstance(intrinsic, hw.IntrinsicOp):
        raise DiagnosticError(
            Diagnostic(f"{call.callee} is not an hw.intrinsic: cannot inline it", source_loc(call))
        )
    mapper: dict[SSAValue, SSAValue] = dict(zip(intrinsic.buffers, call.buffers, strict=True))
    copied: list[Operation] = []
    for op in intrinsic.body.block.ops:
        if isinstance(op, hw.ReturnOp):
            continue
        clone = op.clone(value_mapper=mapper)
        Rewriter.insert_op(clone, InsertPoint.before(call))
        copied.append(clone)
    windows = [v.owner for v in call.buffers if isinstance(v.owner, SubviewOp)]
    Rewriter.erase_op(call)
    for top in copied:
        for inner in list(top.walk()):
            if isinstance(inner, AccessOp):
                _through_windows(inner)
    for window in windows:
        _erase_if_unused(window)


def _through_windows(access: AccessOp) -> None:
    # %w = loop.subview %R[o0, o1] ; loop.load %w[i]  ->  loop.load %R[o0, o1 + i]   (dim 0 dropped)
    while isinstance(window := access.memref.owner, SubviewOp):
        source, result = window.source.type, window.result.type
        assert isa(source, MemRefType) and isa(result, MemRefType)
        kept = kept_dims(source, result)
        assert kept is not None, "a verified loop.subview keeps some dims"
        outer = window.map.data
        inner = access.map.data
        shift = [AffineExpr.dimension(outer.num_dims + k) for k in range(inner.num_dims)]
        moved = [e.replace_dims_and_symbols(shift, []) for e in inner.results]
        results = list(outer.results)
        for e, d in zip(moved, kept, strict=True):
            results[d] = results[d] + e
        operands = [*window.indices, *access.indices]
        map, indices = canonical_access(AffineMap(len(operands), 0, tuple(results)), operands)
        values = [access.operands[0]] if access.STORES else []
        replacement = type(access).create(
            operands=[*values, window.source, *indices],
            properties={"map": AffineMapAttr(map)},
            result_types=[r.type for r in access.results],
        )
        Rewriter.replace_op(access, replacement)
        _erase_if_unused(window)
        access = replacement


def _erase_if_unused(window: SubviewOp) -> None:
    if window.parent is not None and not window.result.uses:
        source = window.source.owner
        Rewriter.erase_op(window)
        if isinstance(source, SubviewOp):
            _erase_if_unused(source)


def _erase_unused_intrinsics(module: ModuleOp) -> None:
    """Erase intrinsics nothing refers to any more, then their unreferenced implementations."""
    referenced = _references(module)
    for intrinsic in [o for o in module.ops if isinstance(o, hw.IntrinsicOp)]:
        if intrinsic.sym_name.data in referenced:
            continue
        implementation = intrinsic.implementation
        Rewriter.erase_op(intrinsic)
        if implementation is None:
            continue
        name = implementation.root_reference.data
        if name in _references(module):
            continue
        target = SymbolTable.lookup_symbol(module, name)
        if target is not None:
            Rewriter.erase_op(target)


def _references(module: ModuleOp) -> set[str]:
    """The symbols any op of `module` names in a property or attribute."""
    found: set[str] = set()
    for op in module.walk():
        for attr in [*op.properties.values(), *op.attributes.values()]:
            if isinstance(attr, SymbolRefAttr):
                found.add(attr.root_reference.data)
    return found
