"""The dialects dlir understands: its own four plus the xDSL standard dialects it reuses.

Dialects are loaded on demand; `DIALECTS` maps a dialect name to a loader.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module

from xdsl.ir import Dialect


def _loader(module: str, attr: str) -> Callable[[], Dialect]:
    def load() -> Dialect:
        return getattr(import_module(module), attr)

    return load


DLIR_DIALECTS: dict[str, Callable[[], Dialect]] = {
    "graph": _loader("dlir.dialects.graph", "Graph"),
    "te": _loader("dlir.dialects.te", "TE"),
    "loop": _loader("dlir.dialects.loop", "Loop"),
    "hw": _loader("dlir.dialects.hw", "HW"),
}

STANDARD_DIALECTS: dict[str, Callable[[], Dialect]] = {
    "builtin": _loader("xdsl.dialects.builtin", "Builtin"),
    "func": _loader("xdsl.dialects.func", "Func"),
    "arith": _loader("xdsl.dialects.arith", "Arith"),
    "math": _loader("xdsl.dialects.math", "Math"),
    "scf": _loader("xdsl.dialects.scf", "Scf"),
    "cf": _loader("xdsl.dialects.cf", "Cf"),
    "memref": _loader("xdsl.dialects.memref", "MemRef"),
    "vector": _loader("xdsl.dialects.vector", "Vector"),
    "llvm": _loader("xdsl.dialects.llvm", "LLVM"),
}

DIALECTS: dict[str, Callable[[], Dialect]] = {**STANDARD_DIALECTS, **DLIR_DIALECTS}
