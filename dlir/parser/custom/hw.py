"""Custom form of `hw.intrinsic` (spelled exactly like `func.func`, without results).

hw.intrinsic @fill_acc(%acc: memref<16x16xi32, "acc">) attributes {num_outputs = 1 : i64, target = "vta"} { ... }
"""

from __future__ import annotations

from xdsl.dialects.builtin import FunctionType, StringAttr
from xdsl.ir import Operation

from dlir.dialects.hw import IntrinsicOp
from dlir.parser.custom.func_like import FuncParts, func_like_form, no_visibility
from dlir.parser.plugin import CustomForm
from dlir.parser.state import ParseState


def _intrinsic(p: ParseState, parts: FuncParts) -> Operation:
    no_visibility(p, parts)
    if (
        parts.function_type.outputs.data
        or parts.arg_attrs is not None
        or parts.res_attrs is not None
    ):
        raise p.error("hw.intrinsic takes no result types and no argument attributes", parts.name)
    return IntrinsicOp.create(
        properties={
            "sym_name": StringAttr(parts.sym_name),
            "function_type": FunctionType.from_lists(parts.function_type.inputs.data, []),
        },
        attributes=dict(parts.attributes or {}),
        regions=[parts.body],
    )


FORMS: tuple[CustomForm, ...] = (
    func_like_form("hw.intrinsic", _intrinsic, ("sym_name", "function_type")),
)
