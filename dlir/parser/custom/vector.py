"""Custom forms of `vector.transfer_read` and `vector.transfer_write` (hand-written in xDSL),
and of `vector.extract` / `vector.insert` (declarative, with `custom<DynamicIndexList>`).

    %e = vector.extract %v[%i, 1] {attrs} : f32 from vector<4x8xf32>
    %w = vector.insert %s, %v [1, %i] {attrs} : f32 into vector<4x8xf32>

    %v = vector.transfer_read %m[%i, %j], %pad [, %mask] {in_bounds = [true], permutation_map = ...} : memref<16x16xf32>, vector<8xf32>
    [%t =] vector.transfer_write %v, %m[%i, %j] [, %mask] {attrs} : vector<8xf32>, memref<16x16xf32>

As in xDSL: `permutation_map` defaults to the minor identity of the shaped type, `in_bounds`
to all false; the mask's type is inferred from the vector type and the permutation map; the
write has a result exactly when it writes into a tensor. Other dictionary entries are
dropped, as xDSL's parser drops them.
"""

# pyright: reportUnknownMemberType=false, reportUnknownVariableType=false, reportUnknownArgumentType=false, reportMissingTypeStubs=false
from __future__ import annotations

from typing import cast

from lark import Token
from xdsl.dialects.builtin import (
    AffineMapAttr,
    ArrayAttr,
    BoolAttr,
    DenseArrayBase,
    IndexType,
    MemRefType,
    TensorType,
    VectorType,
    i64,
)
from xdsl.dialects.vector import (
    ExtractOp,
    InsertOp,
    TransferReadOp,
    TransferWriteOp,
    VectorTransferOperation,
)
from xdsl.ir import Attribute, Operation, SSAValue
from xdsl.utils.hints import isa

from dlir.parser.custom._util import (
    index_list_callbacks,
    index_list_grammar,
    split_index_list,
    use_all,
)
from dlir.parser.plugin import CustomForm
from dlir.parser.state import ParseState

TRANSFER_READ_GRAMMAR = """
vector_transfer_read: OP_VECTOR_TRANSFER_READ VALUE_ID "[" [value_list] "]" "," VALUE_ID ["," VALUE_ID] [attr_dict] ":" type "," type
"""

TRANSFER_WRITE_GRAMMAR = """
vector_transfer_write: OP_VECTOR_TRANSFER_WRITE VALUE_ID "," VALUE_ID "[" [value_list] "]" ["," VALUE_ID] [attr_dict] ":" type "," type
"""

EXTRACT_GRAMMAR = """
vector_extract: OP_VECTOR_EXTRACT VALUE_ID vector_extract_index_list [attr_dict] ":" type "from" type
""" + index_list_grammar("vector_extract")

INSERT_GRAMMAR = """
vector_insert: OP_VECTOR_INSERT VALUE_ID "," VALUE_ID vector_insert_index_list [attr_dict] ":" type "into" type
""" + index_list_grammar("vector_insert")

_INDEX = IndexType()


def _types(
    p: ParseState, name: Token, shaped: Attribute, vector: Attribute
) -> tuple[MemRefType | TensorType, VectorType]:
    if not isa(shaped, MemRefType | TensorType):
        raise p.error(f"requires memref or ranked tensor type, got {shaped}", name)
    if not isa(vector, VectorType):
        raise p.error(f"requires vector type, got {vector}", name)
    return shaped, vector


def _attrs(
    p: ParseState,
    name: Token,
    attrs: dict[str, Attribute] | None,
    shaped: MemRefType | TensorType,
    vector: VectorType,
    mask: Token | None,
) -> tuple[AffineMapAttr, ArrayAttr[BoolAttr], SSAValue | None]:
    """What xDSL's `VectorTransferOperation.resolve_attrs` does."""
    attrs = attrs or {}
    perm = attrs.get("permutation_map")
    if perm is None:
        perm = AffineMapAttr(
            VectorTransferOperation.get_transfer_minor_identity_map(shaped, vector)
        )
    elif not isinstance(perm, AffineMapAttr):
        raise p.error(f"expected an affine map for 'permutation_map', got {perm}", name)
    in_bounds = attrs.get("in_bounds")
    if in_bounds is None:
        in_bounds = ArrayAttr((BoolAttr.from_bool(False),) * len(perm.data.results))
    if mask is None:
        return perm, cast(ArrayAttr[BoolAttr], in_bounds), None
    if isa(shaped.element_type, VectorType):
        raise p.error("does not support masks with vector element type", mask)
    if vector.get_num_dims() != len(perm.data.results):
        raise p.error(
            "expected the same rank for the vector and the results of the permutation map", name
        )
    mask_type = VectorTransferOperation.infer_transfer_op_mask_type(vector, perm.data)
    return perm, cast(ArrayAttr[BoolAttr], in_bounds), p.use(mask, mask_type)


def _read(
    p: ParseState,
    name: Token,
    source: Token,
    indices: list[Token] | None,
    padding: Token,
    mask: Token | None,
    attrs: dict[str, Attribute] | None,
    shaped_type: Attribute,
    vector_type: Attribute,
) -> Operation:
    shaped, vector = _types(p, name, shaped_type, vector_type)
    index_values = use_all(p, indices or [], _INDEX)
    perm, in_bounds, mask_value = _attrs(p, name, attrs, shaped, vector, mask)
    op = TransferReadOp(
        p.use(source, shaped),
        index_values,
        p.use(padding, shaped.element_type),
        vector,
        in_bounds,
        perm,
        mask_value,
    )
    return p.located(op, name)


def _write(
    p: ParseState,
    name: Token,
    value: Token,
    dest: Token,
    indices: list[Token] | None,
    mask: Token | None,
    attrs: dict[str, Attribute] | None,
    vector_type: Attribute,
    shaped_type: Attribute,
) -> Operation:
    shaped, vector = _types(p, name, shaped_type, vector_type)
    vector_value = p.use(value, vector)
    dest_value = p.use(dest, shaped)
    index_values = use_all(p, indices or [], _INDEX)
    perm, in_bounds, mask_value = _attrs(p, name, attrs, shaped, vector, mask)
    op = TransferWriteOp(
        vector_value,
        dest_value,
        index_values,
        in_bounds,
        mask_value,
        perm,
        shaped if isinstance(shaped, TensorType) else None,
    )
    return p.located(op, name)


def _extract(
    p: ParseState,
    name: Token,
    vector: Token,
    position: list[Token | int],
    attrs: dict[str, Attribute] | None,
    result_type: Attribute,
    vector_type: Attribute,
) -> Operation:
    vector_value = p.use(vector, vector_type)
    dynamic, static = split_index_list(p, position, _INDEX)
    op = ExtractOp.build(
        operands=[vector_value, dynamic],
        result_types=[result_type],
        properties={"static_position": DenseArrayBase.from_list(i64, static)},
        attributes=attrs or {},
    )
    return p.located(op, name)


def _insert(
    p: ParseState,
    name: Token,
    source: Token,
    dest: Token,
    position: list[Token | int],
    attrs: dict[str, Attribute] | None,
    source_type: Attribute,
    dest_type: Attribute,
) -> Operation:
    source_value = p.use(source, source_type)
    dest_value = p.use(dest, dest_type)
    dynamic, static = split_index_list(p, position, _INDEX)
    op = InsertOp.build(
        operands=[source_value, dest_value, dynamic],
        result_types=[dest_type],
        properties={"static_position": DenseArrayBase.from_list(i64, static)},
        attributes=attrs or {},
    )
    return p.located(op, name)


FORMS: tuple[CustomForm, ...] = (
    CustomForm(
        "vector.extract",
        "vector_extract",
        EXTRACT_GRAMMAR,
        {"vector_extract": _extract, **index_list_callbacks("vector_extract")},
    ),
    CustomForm(
        "vector.insert",
        "vector_insert",
        INSERT_GRAMMAR,
        {"vector_insert": _insert, **index_list_callbacks("vector_insert")},
    ),
    CustomForm(
        "vector.transfer_read",
        "vector_transfer_read",
        TRANSFER_READ_GRAMMAR,
        {"vector_transfer_read": _read},
    ),
    CustomForm(
        "vector.transfer_write",
        "vector_transfer_write",
        TRANSFER_WRITE_GRAMMAR,
        {"vector_transfer_write": _write},
    ),
)
