"""Lark custom forms of the `te` ops whose xDSL syntax is hand-written (INTERFACE.md).

    te.kernel private @k(%A: tensor<4xf32>) -> tensor<4xf32> attributes {a} { ... }
    %C = te.compute "C" (%i: 4) reduce (%k: 8) combiner add init 0.0 : f32 { ... } : tensor<4xf32>

`te.kernel` is spelled exactly like `func.func` (with a body). In `te.compute` the header's
`%i: 4` entries are the entry-block arguments (of type index), named after their axes.
"""

# pyright: reportUnknownMemberType=false, reportUnknownVariableType=false
# pyright: reportUnknownArgumentType=false, reportMissingTypeStubs=false
from __future__ import annotations

from typing import Any

from lark import Token
from xdsl.dialects.builtin import ArrayAttr, DictionaryAttr, IndexType, TensorType
from xdsl.ir import Attribute, Operation, Region

from dlir.dialects.te.kernel import ComputeOp, KernelOp
from dlir.parser.plugin import Argument, CustomForm
from dlir.parser.state import ParseState

KERNEL_GRAMMAR = """
te_kernel: te_kernel_header region
te_kernel_header: OP_TE_KERNEL [te_kernel_visibility] SYMBOL "(" [arg ("," arg)*] ")" \
    ["->" te_kernel_results] [attr_dict_kw]
!te_kernel_visibility: "public" | "private" | "nested"
te_kernel_results: non_fn_type | "(" [te_kernel_result ("," te_kernel_result)*] ")"
te_kernel_result: type [attr_dict]
"""

COMPUTE_GRAMMAR = """
te_compute: te_compute_header region ":" type
te_compute_header: OP_TE_COMPUTE STRING te_compute_axes [te_compute_reduce] [attr_dict_kw]
te_compute_axes: "(" [te_compute_axis ("," te_compute_axis)*] ")"
te_compute_axis: VALUE_ID ":" int_lit
te_compute_reduce: "reduce" te_compute_axes "combiner" BARE_ID "init" attribute
"""

_RESERVED = ("sym_name", "function_type", "sym_visibility")

# ------------------------------------------------------------------ te.kernel


def _visibility(p: ParseState, tok: Token) -> Token:
    return tok


def _kernel_result(
    p: ParseState, type: Attribute, attrs: dict[str, Attribute] | None
) -> tuple[Attribute, dict[str, Attribute]]:
    return type, attrs or {}


def _kernel_results(p: ParseState, *items: Any) -> list[tuple[Attribute, dict[str, Attribute]]]:
    if len(items) == 1 and isinstance(items[0], Attribute):
        return [(items[0], {})]
    return [item for item in items if item is not None]


def _kernel_header(
    p: ParseState, name: Token, visibility: Token | None, sym: Token, *rest: Any
) -> Any:
    *raw_args, results, attrs = rest
    args: list[Argument] = [a for a in raw_args if a is not None]
    p.set_entry_args(args)
    if attrs is not None:
        for key in _RESERVED:
            if key in attrs:
                raise p.error(
                    f"attribute '{key}' is defined by the kernel syntax; remove it from "
                    "'attributes'",
                    sym,
                )
    return name, visibility, sym, args, results or [], attrs


def _kernel(p: ParseState, header: Any, region: Region) -> Operation:
    name, visibility, sym, args, results, attrs = header
    arg_attrs = None
    if any(a.attrs for a in args):
        arg_attrs = ArrayAttr(DictionaryAttr(a.attrs or {}) for a in args)
    res_attrs = None
    if any(r[1] for r in results):
        res_attrs = ArrayAttr(DictionaryAttr(r[1]) for r in results)
    op = KernelOp(
        p.symbol_name(sym),
        [a.type for a in args],
        [r[0] for r in results],
        region,
        visibility=None if visibility is None else str(visibility),
        arg_attrs=arg_attrs,
        res_attrs=res_attrs,
    )
    if attrs:
        op.attributes |= attrs
    return p.located(op, name)


# ------------------------------------------------------------------ te.compute

_INDEX = IndexType()


def _axis(p: ParseState, tok: Token, extent: int) -> tuple[Token, int]:
    return tok, extent


def _axes(p: ParseState, *axes: tuple[Token, int] | None) -> list[tuple[Token, int]]:
    return [a for a in axes if a is not None]


def _reduce(p: ParseState, axes: list[tuple[Token, int]], combiner: Token, init: Attribute) -> Any:
    return axes, str(combiner), init


def _compute_header(
    p: ParseState,
    name: Token,
    stage: Token,
    spatial: list[tuple[Token, int]],
    reduce: tuple[list[tuple[Token, int]], str, Attribute] | None,
    attrs: dict[str, Attribute] | None,
) -> Any:
    reduce_axes = reduce[0] if reduce is not None else []
    p.set_entry_args([p.argument(tok, _INDEX) for tok, _ in (*spatial, *reduce_axes)])
    return name, stage, spatial, reduce, attrs


def _compute(p: ParseState, header: Any, region: Region, result_type: Attribute) -> Operation:
    name, stage, spatial, reduce, attrs = header
    if not isinstance(result_type, TensorType):
        raise p.error(f"expected a tensor type, found {result_type}", name)
    shape = list(result_type.get_shape())
    extents = [extent for _, extent in spatial]
    if shape != extents:
        raise p.error(f"spatial extents {extents} do not match the result shape {shape}", stage)
    reduce_axes, combiner, init = reduce if reduce is not None else ([], None, None)
    op = ComputeOp(
        p.string(stage),
        [(str(tok)[1:], extent) for tok, extent in spatial],
        result_type.get_element_type(),
        region,
        reduce=[(str(tok)[1:], extent) for tok, extent in reduce_axes],
        combiner=combiner,
        init=init,
    )
    if attrs:
        op.attributes |= attrs
    return p.located(op, name)


FORMS: tuple[CustomForm, ...] = (
    CustomForm(
        "te.kernel",
        "te_kernel",
        KERNEL_GRAMMAR,
        {
            "te_kernel": _kernel,
            "te_kernel_header": _kernel_header,
            "te_kernel_visibility": _visibility,
            "te_kernel_results": _kernel_results,
            "te_kernel_result": _kernel_result,
        },
    ),
    CustomForm(
        "te.compute",
        "te_compute",
        COMPUTE_GRAMMAR,
        {
            "te_compute": _compute,
            "te_compute_header": _compute_header,
            "te_compute_axes": _axes,
            "te_compute_axis": _axis,
            "te_compute_reduce": _reduce,
        },
    ),
)
