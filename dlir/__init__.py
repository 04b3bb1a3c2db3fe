"""dlir: a deep-learning compiler built as an MLIR-style multi-level IR on xDSL.

Heavy modules (xDSL, Lark, llvmlite) are imported lazily so that `dl-opt --version`
starts fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # for type checkers only: at run time `__getattr__` imports it on first use
    from dlir.interpreter import interpret as interpret
    from dlir.runtime import compile as compile

__version__ = "0.1.0"


def __getattr__(name: str) -> object:
    # `dlir.interpret` imports xDSL and numpy only when first used.
    if name == "interpret":
        from dlir.interpreter import interpret

        return interpret
    # `dlir.compile` imports xDSL, the pass pipeline and llvmlite only when first used.
    if name == "compile":
        from dlir.runtime import compile

        return compile
    raise AttributeError(f"module 'dlir' has no attribute {name!r}")
