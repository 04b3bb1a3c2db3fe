"""Element types and tensor types in tests' IR text, with the numpy dtype that holds each.

ttype((4, 8), "f32")   -> "tensor<4x8xf32>"
DTYPES["bf16"]         -> np.float32 (the interpreter's bf16 values, rounded, in float32)
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

DTYPES: dict[str, type[np.generic]] = {
    "f16": np.float16,
    "bf16": np.float32,
    "f32": np.float32,
    "f64": np.float64,
    "i1": np.bool_,
    "i8": np.int8,
    "i32": np.int32,
    "i64": np.int64,
}


def ttype(shape: Sequence[int], element: str) -> str:
    """The text of a `tensor<...>` type."""
    return f"tensor<{'x'.join([*map(str, shape), element])}>"
