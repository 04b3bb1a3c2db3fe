"""Verification that reports the failing op at its source location.

xDSL's `Operation.verify` folds the whole module into its message; here the first
failing op is reported with its own message and its `loc`, as MLIR does:

    input.mlir:4:8: error: contracting dims differ: 8 vs 7
"""

from __future__ import annotations

from xdsl.dialects.builtin import FileLineColLoc
from xdsl.ir import Operation
from xdsl.traits import NoTerminator
from xdsl.utils.exceptions import VerifyException

from dlir.ir.diagnostics import Diagnostic, DiagnosticError, SourceLoc


def source_loc(op: Operation) -> SourceLoc | None:
    """The op's `loc("file":line:col)` as a `SourceLoc`, if it has one."""
    loc = op.location
    if isinstance(loc, FileLineColLoc):
        return SourceLoc(loc.filename.data, loc.line.data, loc.column.data)
    return None


def verification_error(op: Operation, *, nested: bool = True) -> Diagnostic | None:
    """The first problem found in `op` and (unless `nested=False`) the ops nested in it."""
    for inner in op.walk() if nested else [op]:
        message = _verify_one(inner)
        if message is not None:
            return Diagnostic(message, source_loc(inner))
    return None


def verify(op: Operation) -> None:
    """Raise `DiagnosticError` at the first op that does not verify."""
    diagnostic = verification_error(op)
    if diagnostic is not None:
        raise DiagnosticError(diagnostic)


def _verify_one(op: Operation) -> str | None:
    try:
        op.verify(verify_nested_ops=False)
    except VerifyException as err:
        cause = err.__cause__
        detail = str(cause) if isinstance(cause, VerifyException) else str(err)
        return f"'{op.name}' op {detail}"
    for region in op.regions:
        if (
            len(region.blocks) == 1
            and region.block.first_op is None
            and not op.has_trait(NoTerminator)
        ):
            return f"'{op.name}' op expects a terminator in its single-block region"
    return None
