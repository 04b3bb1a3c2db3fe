"""The `loop-tensorize` pass: loop nests -> `hw.call`s of intrinsics whose behavior they
compute, on windows (`loop.subview`) of their buffers.

    loop.for %ii = %c0 to %c6 step %c1 {                      %a = loop.subview %A[%io * 6, %ko * 4] : ...
      loop.for %ki = %c0 to %c4 step %c1 {           ->       %b = loop.subview %B[%ko * 4, %jo * 16] : ...
        loop.for %ji = %c0 to %c16 step %c1 { ... }           %c = loop.subview %C[%io * 6, %jo * 16] : ...
    } {tensorize = @gemm_6x16}                                hw.call @gemm_6x16(%a, %b, %c) : (...) -> ()

A `loop.for` carrying `tensorize = @intr` (te-to-loop puts it on the loop of a
`te.tensorize`d axis) must match: otherwise the pass fails at the loop's location (the
`te.tensorize` primitive's, for te) with both normalized nests side by side, what
differs, and the split or reorder that would make them match. With `intrinsic=@name`,
untagged nests are tried too, outermost first, and each one that matches is replaced
(an error when none does). With `explain=true`, each match is explained on stderr:
which loop is which behavior loop, which window of which buffer each behavior buffer is.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from typing import ClassVar

from xdsl.context import Context
from xdsl.dialects.builtin import MemRefType, ModuleOp, SymbolRefAttr
from xdsl.ir import Operation, SSAValue
from xdsl.ir.affine import AffineConstantExpr, AffineExpr
from xdsl.passes import ModulePass
from xdsl.rewriter import InsertPoint, Rewriter
from xdsl.traits import SymbolTable
from xdsl.utils.hints import isa

from dlir.dialects import hw
from dlir.dialects.loop import ForOp, FuncOp, IndexExpr, SubviewOp
from dlir.dialects.loop.view import subview_type
from dlir.ir.diagnostics import Diagnostic, DiagnosticError
from dlir.ir.verify import source_loc
from dlir.passes.loop.tensorize.explain import explain_match, explain_mismatch
from dlir.passes.loop.tensorize.normalize import Nest, NotNormal, normalize
from dlir.passes.loop.tensorize.unify import Match, Mismatch, unify
from dlir.passes.manager import statistic

TENSORIZE_ATTR = "tensorize"
"""The `loop.for` attribute naming the intrinsic its nest must become."""


@dataclass(frozen=True)
class LoopTensorizePass(ModulePass):
    """Replace loop nests tagged `tensorize = @intr` (or matching `intrinsic`) by hw.call."""

    name = "loop-tensorize"
    requires: ClassVar[tuple[str, ...]] = ("loop", "hw")
    produces: ClassVar[tuple[str, ...]] = ("loop", "hw")

    intrinsic: str = field(
        default="",
        metadata={"help": "also replace the outermost untagged nests matching this intrinsic"},
    )
    explain: bool = field(default=False, metadata={"help": "print how each match unifies (stderr)"})

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        tagged = [f for f in op.walk() if isinstance(f, ForOp) and TENSORIZE_ATTR in f.attributes]
        for loop in tagged:
            target = loop.attributes[TENSORIZE_ATTR]
            if not isinstance(target, SymbolRefAttr):
                raise _error(loop, f"'{TENSORIZE_ATTR}' must be a symbol (@name), found {target}")
            self._tensorize(op, loop, target.root_reference.data)
        if self.intrinsic:
            self._search(op, self.intrinsic.removeprefix("@"), bool(tagged))

    def _tensorize(self, module: ModuleOp, loop: ForOp, name: str) -> None:
        intrinsic = _intrinsic(module, loop, name)
        behavior = _behavior(intrinsic, loop)
        try:
            nest = normalize(loop)
        except NotNormal as err:
            raise _error(loop, f"cannot tensorize this nest with @{name}: {err}") from None
        found = unify(nest, behavior, intrinsic.buffers, f"@{name}")
        if isinstance(found, Mismatch):
            raise _error(loop, explain_mismatch(nest, behavior, f"@{name}", found))
        self._replace(loop, nest, behavior, intrinsic, found)

    def _search(self, module: ModuleOp, name: str, tagged: bool) -> None:
        funcs = [f for f in module.walk() if isinstance(f, FuncOp)]
        first: ForOp | None = None
        replaced = 0
        for func in funcs:
            pending: list[Operation] = list(func.body.block.ops)
            while pending:
                current = pending.pop(0)
                if not isinstance(current, ForOp):
                    continue
                first = first or current
                intrinsic = _intrinsic(module, current, name)
                behavior = _behavior(intrinsic, current)
                try:
                    nest = normalize(current)
                except NotNormal:
                    nest = None
                found = unify(nest, behavior, intrinsic.buffers, f"@{name}") if nest else None
                if nest is not None and isinstance(found, Match):
                    self._replace(current, nest, behavior, intrinsic, found)
                    replaced += 1
                else:
                    pending[:0] = list(current.body.block.ops)
        if replaced or tagged:
            return
        if first is not None:
            self._tensorize(module, first, name)  # raises, with the explanation
            raise DiagnosticError(Diagnostic(f"no loop nest matches @{name}: there are no loops"))

    def _replace(
        self, loop: ForOp, nest: Nest, behavior: Nest, intrinsic: hw.IntrinsicOp, match: Match
    ) -> None:
        name = intrinsic.sym_name.data
        if self.explain:
            print(
                f"{source_loc(loop) or 'loop'}: "
                + explain_match(nest, behavior, intrinsic.buffers, f"@{name}", match),
                file=sys.stderr,
            )
        operands: list[SSAValue] = []
        for p, param in enumerate(intrinsic.buffers):
            binding = match.bindings.get(p)
            if binding is None:
                raise _error(
                    loop,
                    f"@{name}'s buffer {param.name_hint or p} is never accessed by its behavior",
                )
            operands.append(
                _window(loop, nest, binding.buffer, binding.kept, binding.offsets, param)
            )
        Rewriter.insert_op(hw.CallOp(name, operands), InsertPoint.before(loop))
        Rewriter.erase_op(loop, safe_erase=False)
        for op in reversed(nest.sunk):
            if all(not r.uses for r in op.results):
                Rewriter.erase_op(op)
        statistic("tensorized")


def _window(
    loop: ForOp,
    nest: Nest,
    buffer: SSAValue,
    kept: tuple[int, ...],
    offsets: tuple[AffineExpr, ...],
    param: SSAValue,
) -> SSAValue:
    """`buffer` itself when it is the window, else a `loop.subview` of it before `loop`."""
    source, target = buffer.type, param.type
    assert isa(source, MemRefType) and isa(target, MemRefType)
    constants = [e.value if isinstance(e, AffineConstantExpr) else None for e in offsets]
    if source == target and all(c == 0 for c in constants):
        return buffer
    offset = source.get_offset()
    strides = source.get_strides() or []
    for value, stride in zip(constants, strides, strict=True):
        offset = (
            None if offset is None or value is None or stride is None else offset + value * stride
        )
    values = tuple(nest.outer)
    as_dims = [AffineExpr.dimension(k) for k in range(len(values))]
    indices = [IndexExpr(values, e.replace_dims_and_symbols([], as_dims)) for e in offsets]
    view = SubviewOp(buffer, indices, subview_type(source, kept, target.get_shape(), offset))
    view.result.name_hint = param.name_hint
    Rewriter.insert_op(view, InsertPoint.before(loop))
    return view.result


def _intrinsic(module: ModuleOp, loop: ForOp, name: str) -> hw.IntrinsicOp:
    found = SymbolTable.lookup_symbol(module, name)
    if not isinstance(found, hw.IntrinsicOp):
        what = "nothing" if found is None else f"a {found.name}"
        raise _error(loop, f"cannot tensorize with @{name}: it is {what}, not an hw.intrinsic")
    return found


def _behavior(intrinsic: hw.IntrinsicOp, loop: ForOp) -> Nest:
    try:
        return normalize(intrinsic)
    except NotNormal as err:
        raise _error(
            loop, f"the behavior of @{intrinsic.sym_name.data} cannot be matched: {err}"
        ) from None


def _error(op: Operation, message: str) -> DiagnosticError:
    return DiagnosticError(Diagnostic(message, source_loc(op)))
