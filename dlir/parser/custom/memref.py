"""Custom forms of `memref.alloc` (hand-written in xDSL) and of the ops whose declarative
format uses xDSL's `custom<DynamicIndexList>` directive.

    %m = memref.alloc(%n, %k)[%s] {alignment = 64 : i64} : memref<?x?xf32, affine_map<...>>
    %s = memref.subview %m[%i, 4] [%n, 16] [1, 2] {attrs} : memref<64x64xf32> to memref<?x16xf32, strided<[64, 2], offset: ?>>
    %r = memref.reinterpret_cast %m to offset: [%i], sizes: [%n, 8], strides: [8, 1] {attrs} : memref<4x8xf32> to memref<?x8xf32, strided<[8, 1], offset: ?>>
    %e = memref.expand_shape %c [[0, 1, 2]] output_shape [2, %n, 8] {attrs} : memref<32xf32> into memref<2x?x8xf32>

As in xDSL, an `alignment` entry of alloc's attribute dictionary becomes the property.
"""

# pyright: reportUnknownMemberType=false, reportUnknownVariableType=false, reportUnknownArgumentType=false, reportMissingTypeStubs=false
from __future__ import annotations

from collections.abc import Callable

from lark import Token
from xdsl.dialects.builtin import DenseArrayBase, IndexType, i64
from xdsl.dialects.memref import AllocOp, ExpandShapeOp, ReinterpretCastOp, SubviewOp
from xdsl.ir import Attribute, Operation

from dlir.parser.custom._util import (
    index_list_callbacks,
    index_list_grammar,
    split_index_list,
    use_all,
)
from dlir.parser.plugin import CustomForm
from dlir.parser.state import ParseState

ALLOC_GRAMMAR = """
memref_alloc: OP_MEMREF_ALLOC "(" [value_list] ")" ["[" value_list "]"] [attr_dict] ":" type
"""

_INDEX = IndexType()


def _alloc(
    p: ParseState,
    name: Token,
    sizes: list[Token] | None,
    symbols: list[Token] | None,
    attrs: dict[str, Attribute] | None,
    type: Attribute,
) -> Operation:
    extra = dict(attrs or {})
    alignment = extra.pop("alignment", None)
    op = AllocOp(
        use_all(p, sizes or [], _INDEX), use_all(p, symbols or [], _INDEX), type, alignment
    )
    op.attributes |= extra
    return p.located(op, name)


SUBVIEW_GRAMMAR = """
memref_subview: OP_MEMREF_SUBVIEW VALUE_ID memref_subview_index_list memref_subview_index_list memref_subview_index_list [attr_dict] ":" type "to" type
""" + index_list_grammar("memref_subview")

REINTERPRET_CAST_GRAMMAR = """
memref_reinterpret_cast: OP_MEMREF_REINTERPRET_CAST VALUE_ID "to" "offset" ":" memref_reinterpret_cast_index_list "," "sizes" ":" memref_reinterpret_cast_index_list "," "strides" ":" memref_reinterpret_cast_index_list [attr_dict] ":" type "to" type
""" + index_list_grammar("memref_reinterpret_cast")

EXPAND_SHAPE_GRAMMAR = """
memref_expand_shape: OP_MEMREF_EXPAND_SHAPE VALUE_ID attribute "output_shape" memref_expand_shape_index_list [attr_dict] ":" type "into" type
""" + index_list_grammar("memref_expand_shape")

_Items = list[Token | int]


def _offsets_sizes_strides(
    op_type: type[SubviewOp] | type[ReinterpretCastOp],
) -> Callable[..., Operation]:
    """The callback of a form with offsets, sizes and strides lists (subview, reinterpret_cast)."""

    def build(
        p: ParseState,
        name: Token,
        source: Token,
        offsets: _Items,
        sizes: _Items,
        strides: _Items,
        attrs: dict[str, Attribute] | None,
        source_type: Attribute,
        result_type: Attribute,
    ) -> Operation:
        source_value = p.use(source, source_type)
        (dyn_offsets, static_offsets), (dyn_sizes, static_sizes), (dyn_strides, static_strides) = (
            split_index_list(p, items, _INDEX) for items in (offsets, sizes, strides)
        )
        op = op_type.build(
            operands=[source_value, dyn_offsets, dyn_sizes, dyn_strides],
            result_types=[result_type],
            properties={
                "static_offsets": DenseArrayBase.from_list(i64, static_offsets),
                "static_sizes": DenseArrayBase.from_list(i64, static_sizes),
                "static_strides": DenseArrayBase.from_list(i64, static_strides),
            },
            attributes=attrs or {},
        )
        return p.located(op, name)

    return build


def _expand_shape(
    p: ParseState,
    name: Token,
    source: Token,
    reassociation: Attribute,
    shape: _Items,
    attrs: dict[str, Attribute] | None,
    source_type: Attribute,
    result_type: Attribute,
) -> Operation:
    source_value = p.use(source, source_type)
    dynamic, static = split_index_list(p, shape, _INDEX)
    op = ExpandShapeOp.build(
        operands=[source_value, dynamic],
        result_types=[result_type],
        properties={
            "reassociation": reassociation,
            "static_output_shape": DenseArrayBase.from_list(i64, static),
        },
        attributes=attrs or {},
    )
    return p.located(op, name)


FORMS: tuple[CustomForm, ...] = (
    CustomForm("memref.alloc", "memref_alloc", ALLOC_GRAMMAR, {"memref_alloc": _alloc}),
    CustomForm(
        "memref.subview",
        "memref_subview",
        SUBVIEW_GRAMMAR,
        {
            "memref_subview": _offsets_sizes_strides(SubviewOp),
            **index_list_callbacks("memref_subview"),
        },
    ),
    CustomForm(
        "memref.reinterpret_cast",
        "memref_reinterpret_cast",
        REINTERPRET_CAST_GRAMMAR,
        {
            "memref_reinterpret_cast": _offsets_sizes_strides(ReinterpretCastOp),
            **index_list_callbacks("memref_reinterpret_cast"),
        },
    ),
    CustomForm(
        "memref.expand_shape",
        "memref_expand_shape",
        EXPAND_SHAPE_GRAMMAR,
        {"memref_expand_shape": _expand_shape, **index_list_callbacks("memref_expand_shape")},
    ),
)
