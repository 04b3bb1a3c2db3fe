"""Core IR: the unified module, function variants, diagnostics and verification."""

from __future__ import annotations

from dlir.ir.module import IRModule, structural_hash, symbol_name
from dlir.ir.variants import CalleeSignature, Variant, callee_signature, check_call, variant_of

__all__ = [
    "CalleeSignature",
    "IRModule",
    "Variant",
    "callee_signature",
    "check_call",
    "structural_hash",
    "symbol_name",
    "variant_of",
]
