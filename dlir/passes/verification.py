"""Verification after each pass, limited to what the pass changed.

    verifier = IncrementalVerifier(module)   # remembers the module as it is (not verified)
    run_some_pass(module)
    verifier.check(module)                   # the first problem in what changed, or None

A pass over a model touches a few functions, or a few ops of each: re-verifying all
35,000 ops of resnet50 after every one of ten passes was 18% of its compile time. The
verifier keeps a *snapshot* of every op at the top of the module (each nested op with its
operands, operand and result types, properties, attributes, successors and block), holding
the objects themselves, so no id can be reused while it is compared. After a pass it
verifies the module op itself (unique symbol names), then, whole, every top-level op that

* is new, or whose snapshot differs (the pass changed something inside it), or
* refers by symbol to an op that changed, appeared or disappeared (a call whose callee's
  signature changed), or to a symbol that a changed op also refers to (a second
  `te.schedule` of one kernel makes the first one invalid too).

Ops the pass left alone and that refer to nothing it changed verify as they did before:
their verifiers read only themselves, their nested ops and the symbols they refer to.
The input is taken as given (`dlir.compile` and `dl-opt` verify it before any pass).
"""

from __future__ import annotations

from typing import cast

from xdsl.dialects.builtin import ArrayAttr, ModuleOp, SymbolRefAttr
from xdsl.ir import Attribute, Operation

from dlir.ir.diagnostics import Diagnostic
from dlir.ir.verify import verification_error

Snapshot = tuple[object, ...]


def snapshot(top: Operation) -> Snapshot:
    """Everything a verifier of `top` or of an op nested in it can read, op by op."""
    parts: list[object] = []
    for op in top.walk():
        parts.append(op)
        parts.append(op.parent)
        parts.extend(op.operands)
        parts.extend(operand.type for operand in op.operands)
        parts.extend(result.type for result in op.results)
        parts.extend(op.properties.items())
        parts.extend(op.attributes.items())
        parts.extend(op.successors)
        for region in op.regions:
            for block in region.blocks:
                parts.append(block)
                parts.extend(arg.type for arg in block.args)
        parts.append(None)  # end of this op's parts
    return tuple(parts)


def symbol_refs(top: Operation) -> set[str]:
    """The root names of the symbols that `top` and its nested ops refer to."""
    names: set[str] = set()

    def add(value: Attribute) -> None:
        if isinstance(value, SymbolRefAttr):
            names.add(value.root_reference.data)
        elif isinstance(value, ArrayAttr):
            for item in cast(ArrayAttr[Attribute], value).data:
                add(item)

    for op in top.walk():
        for value in op.properties.values():
            add(value)
        for value in op.attributes.values():
            add(value)
    return names


def _symbol_name(op: Operation) -> str | None:
    name = op.properties.get("sym_name") or op.attributes.get("sym_name")
    data = getattr(name, "data", None)
    return data if isinstance(data, str) else None


class IncrementalVerifier:
    """Snapshots of a module's top-level ops; `check` verifies what changed since."""

    def __init__(self, module: ModuleOp) -> None:
        self._snapshots: dict[Operation, Snapshot] = {}
        self._names: dict[Operation, str | None] = {}
        self._refs: dict[Operation, set[str]] = {}
        self._pending: set[str] = set()
        for top in module.ops:
            self._remember(top, snapshot(top))

    def _remember(self, top: Operation, state: Snapshot) -> None:
        self._snapshots[top] = state
        self._names[top] = _symbol_name(top)
        self._refs[top] = symbol_refs(top)

    def _touches(self, top: Operation) -> set[str]:
        """The symbols whose users must be re-verified when `top` changes: its own name
        and those it refers to, as remembered."""
        name = self._names.get(top)
        return self._refs.get(top, set()) | ({name} if name is not None else set())

    def accept(self, top: Operation) -> None:
        """`top` was just verified whole (after a function-anchored pass): remember it, and
        re-verify the ops that depend on it at the next `check`."""
        state = snapshot(top)
        if self._snapshots.get(top) == state:
            return
        self._pending |= self._touches(top)
        self._remember(top, state)
        self._pending |= self._touches(top)

    def check(self, module: ModuleOp) -> tuple[Diagnostic, Operation] | None:
        """Verify the module op and the top-level ops a pass may have broken (module doc);
        the first problem and the op it is in, or None. The new state is remembered
        either way."""
        tops = list(module.ops)
        current = {top: snapshot(top) for top in tops}
        changed = [top for top in tops if self._snapshots.get(top) != current[top]]
        touched, self._pending = self._pending, set()
        for gone in self._snapshots.keys() - current.keys():
            touched |= self._touches(gone)
            del self._snapshots[gone], self._names[gone], self._refs[gone]
        for top in changed:
            touched |= self._touches(top)
            self._remember(top, current[top])
            touched |= self._touches(top)
        first = set(changed)
        dependents = [top for top in tops if top not in first and self._refs[top] & touched]
        diagnostic = verification_error(module, nested=False)
        if diagnostic is not None:
            return diagnostic, module
        for top in [*changed, *dependents]:
            diagnostic = verification_error(top)
            if diagnostic is not None:
                return diagnostic, top
        return None
