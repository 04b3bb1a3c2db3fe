"""dlir: a deep-learning compiler built as an MLIR-style multi-level IR on xDSL.

Heavy modules (xDSL, Lark, llvmlite) are imported lazily so that `dl-opt --version`
starts fast.
"""

from __future__ import annotations

__version__ = "0.1.0"
