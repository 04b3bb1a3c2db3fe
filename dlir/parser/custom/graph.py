"""Custom form of `graph.func` (spelled exactly like `func.func`: see `func_like.py`).

graph.func @mlp(%x: tensor<64x784xf32>, %w: tensor<784x256xf32>) -> tensor<64x256xf32> { ... }
"""

from __future__ import annotations

from xdsl.ir import Operation

from dlir.dialects.graph.func import FuncOp
from dlir.parser.custom.func_like import FuncParts, func_like_form
from dlir.parser.plugin import CustomForm
from dlir.parser.state import ParseState


def _graph_func(p: ParseState, parts: FuncParts) -> Operation:
    op = FuncOp(
        parts.sym_name,
        parts.function_type,
        parts.body,
        None if parts.visibility is None else str(parts.visibility),
        arg_attrs=parts.arg_attrs,
        res_attrs=parts.res_attrs,
    )
    op.attributes |= parts.attributes or {}
    return op


FORMS: tuple[CustomForm, ...] = (
    func_like_form("graph.func", _graph_func, ("sym_name", "function_type", "sym_visibility")),
)
