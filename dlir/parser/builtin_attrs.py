"""Builder callbacks of the structured builtin attributes (`builtin_attrs.lark`).

    dense<[[1, 2], [3, 4]]> : tensor<2x2xi32>      -> DenseIntOrFPElementsAttr
    array<i64: 1, 2>                               -> DenseArrayBase
    affine_map<(d0)[s0] -> (d0 + s0)>              -> AffineMapAttr
    affine_set<(d0) : (d0 - 1 >= 0)>               -> AffineSetAttr
    strided<[?, 1], offset: ?>                     -> StridedLayoutAttr
    opaque<"dialect", "0x00"> : i32                -> OpaqueAttr
    dense_resource<blob> : tensor<4xf32>           -> DenseResourceAttr

Each callback builds exactly what xDSL's attribute parser builds for the same text, and
reports xDSL's error messages at the offending token. Dense literals keep their elements
as tokens until the type is known, then convert them in one list and pack them with
`struct` (no attribute object per element).
"""

# pyright: reportUnknownMemberType=false, reportUnknownVariableType=false, reportUnknownArgumentType=false
from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Any, cast

from lark import Token
from xdsl.dialects.builtin import (
    DYNAMIC_INDEX,
    AffineMapAttr,
    AffineSetAttr,
    AnyFloat,
    BytesAttr,
    ComplexType,
    DenseArrayBase,
    DenseIntOrFPElementsAttr,
    DenseResourceAttr,
    IndexType,
    IntegerType,
    MemRefType,
    NoneAttr,
    OpaqueAttr,
    ShapedType,
    Signedness,
    StridedLayoutAttr,
    StringAttr,
    TensorType,
    VectorType,
)
from xdsl.ir import Attribute
from xdsl.ir.affine import (
    AffineConstraintExpr,
    AffineConstraintKind,
    AffineExpr,
    AffineMap,
    AffineSet,
)
from xdsl.utils.exceptions import VerifyException

from dlir.parser.state import ParseState, token_at

Children = list[Any]

_BOOLS = {"true": True, "false": False}
# one number of a dense literal, as the lexer reads INT, NEG_INT and FLOAT tokens
_NUMBER = r"-?(?:0x[0-9a-fA-F]+|[0-9]+(?:\.[0-9]*(?:[eE][+-]?[0-9]+)?)?)"
_NUMBER_RE = re.compile(_NUMBER)
_COMMA = re.compile(r"\s*,\s*")


def builtin_attrs_grammar() -> str:
    """The rules of `builtin_attrs.lark`, ready to be inserted in `mlir.lark`."""
    text = (Path(__file__).parent / "builtin_attrs.lark").read_text()
    return text.replace("@DENSE_NUMBER@", _NUMBER)


class DenseList:
    """A `[...]` of a dense literal: its items (tokens, complex pairs, sub-lists) and
    its first token (where a nesting error is reported; None when empty)."""

    __slots__ = ("items", "run", "where")

    def __init__(self, items: list[Any], where: Token | None, run: bool = False) -> None:
        self.items = items
        self.where = where
        self.run = run  # items are the texts of the numbers of the `DENSE_NUMBERS` `where`


class BuiltinAttrs:
    """Callbacks of `builtin_attrs.lark`, mixed into the core `Builder`."""

    p: ParseState

    def __init__(self) -> None:
        # the dimension and symbol names of the affine map/set being read
        self._affine_names: dict[str, AffineExpr] = {}

    # ------------------------------------------------------------ dense<...>
    def dense_list(self, c: Children) -> DenseList:
        if len(c) == 1 and c[0] is None:
            return DenseList([], None)
        return DenseList(c, _first_token(c))

    def dense_run(self, c: Children) -> DenseList:
        run: Token = c[0]
        return DenseList(_COMMA.split(run), run, run=True)

    def dense_complex(self, c: Children) -> tuple[Token, Token]:
        return c[0], c[1]

    def dense_open(self, c: Children) -> Token:
        return c[0]

    def dense_attr(self, c: Children) -> Attribute:
        kw: Token = c[0]
        body: Any = c[1]
        type: Attribute = c[2]
        p = self.p
        where = (body is not None and _first_token([body])) or kw
        if not isinstance(type, TensorType | VectorType | MemRefType) or not isinstance(
            type.element_type, IntegerType | IndexType | AnyFloat | ComplexType
        ):
            raise p.error(
                "Expected memref, vector or tensor type of integer, index, float, or complex type",
                kw,
            )
        shaped = cast(TensorType[Any], type)
        type_shape = list(shaped.get_shape())
        if DYNAMIC_INDEX in type_shape:
            raise p.error("Dense literal attribute should have a static shape.", kw)
        count = math.prod(type_shape)
        element = shaped.element_type
        if body is None:
            if count != 0:
                raise p.error(
                    "Expected at least one element in the dense literal, but got None", where
                )
            return DenseIntOrFPElementsAttr.from_list(shaped, [])
        if isinstance(body, Token) and body.type == "STRING":
            return self._dense_hex(body, shaped, element, count)
        if isinstance(body, DenseList):
            tokens, shape = _flatten(body, p)
        else:
            tokens, shape = [body], []
        values = _fast_convert(tokens, element)
        if values is None:  # hex, booleans, complex values or an error: one by one
            if isinstance(body, DenseList):
                tokens = _tokens(body)
            values = _convert(tokens, element, p)
        if shape and shape != type_shape:
            raise p.error(
                f"Shape mismatch in dense literal. Expected {type_shape} shape from the "
                f"type, but got {shape} shape.",
                where,
            )
        try:
            # one value is a splat: `from_list` repeats its bytes
            return DenseIntOrFPElementsAttr.from_list(shaped, values)
        except (VerifyException, ValueError, OverflowError) as err:
            raise p.error(str(err), where) from None

    def _dense_hex(self, tok: Token, type: TensorType[Any], element: Any, count: int) -> Attribute:
        p = self.p
        try:
            data = bytes.fromhex(p.string(tok)[2:])
        except ValueError:
            raise p.error("Hex string in denseAttr is invalid", tok) from None
        if len(data) == element.compile_time_size:  # a splat
            data *= count
        attr = DenseIntOrFPElementsAttr(type, BytesAttr(data))
        if count != len(attr):
            raise p.error(
                f"Shape mismatch in dense literal. Expected {count} elements from the "
                f"type, but got {len(attr)} elements.",
                tok,
            )
        return attr

    # ------------------------------------------------------------ dense_resource<...>
    def dense_resource_attr(self, c: Children) -> Attribute:
        p = self.p
        handle: Token = c[0]
        type: Attribute = c[1]
        if not isinstance(type, ShapedType):
            raise p.error(f"dense resource should have a shaped type, got: {type}", handle)
        interface = p.resource_interface("builtin", handle)
        return DenseResourceAttr.from_params(p.resources.handle(interface, str(handle)), type)

    # ------------------------------------------------------------ array<...>
    def array_dense_attr(self, c: Children) -> Attribute:
        p = self.p
        element: Attribute = c[0]
        tokens: list[Token] = [t for t in c[1:] if t is not None]
        if not isinstance(element, IntegerType | AnyFloat):
            raise p.error(
                "dense array element type must be an integer or floating point type",
                tokens[0] if tokens else None,
            )
        if isinstance(element, IntegerType):
            ints: list[int] = []
            for tok in tokens:
                value = _BOOLS.get(tok)
                if value is None:
                    if tok.type == "FLOAT":
                        raise p.error("Expected integer literal", tok)
                    value = _parse_int(tok)
                try:
                    element.verify_value(int(value))
                except VerifyException as err:
                    raise p.error(str(err), tok) from None
                ints.append(int(value))
            return DenseArrayBase.from_list(element, ints)
        floats: list[float] = []
        for tok in tokens:
            if tok.type != "FLOAT" and not _is_hex(tok):
                raise p.error("Expected float literal", tok)
            floats.append(_float_element(tok, element, p))
        return DenseArrayBase.from_list(element, floats)

    # ------------------------------------------------------------ strided<...>
    def strided_dim(self, c: Children) -> int | str:
        tok: Token = c[0]
        return "?" if tok == "?" else _parse_int(tok)

    def strided_attr(self, c: Children) -> Attribute:
        # `?` is "dynamic" (None); an absent offset is 0, as in xDSL
        strides = [None if s == "?" else s for s in c[:-1] if s is not None]
        offset = c[-1]
        return StridedLayoutAttr(
            strides, 0 if offset is None else None if offset == "?" else offset
        )

    # ------------------------------------------------------------ opaque<...>, sparse<...>
    def opaque_attr(self, c: Children) -> Attribute:
        p = self.p
        type: Attribute = NoneAttr() if c[2] is None else c[2]
        return OpaqueAttr(StringAttr(p.string(c[0])), StringAttr(p.string(c[1])), type)

    def sparse_attr(self, c: Children) -> Attribute:
        raise self.p.error("sparse elements attributes are not supported (no xDSL support)")

    # ------------------------------------------------------------ affine_map, affine_set
    def affine_space(self, c: Children) -> tuple[int, int]:
        dims: list[Token] = [t for t in c[:-1] if t is not None]
        syms: list[Token] = c[-1] or []
        names: dict[str, AffineExpr] = {}
        # xDSL looks a name up in the dimensions first: a repeated name is the first one
        for i, tok in reversed(list(enumerate(syms))):
            names[str(tok)] = AffineExpr.symbol(i)
        for i, tok in reversed(list(enumerate(dims))):
            names[str(tok)] = AffineExpr.dimension(i)
        self._affine_names = names
        return len(dims), len(syms)

    def affine_symbols(self, c: Children) -> list[Token]:
        return [t for t in c if t is not None]

    def affine_map_attr(self, c: Children) -> Attribute:
        dims, syms = c[0]
        exprs: list[AffineExpr] = [e for e in c[1:] if e is not None]
        return AffineMapAttr(AffineMap(dims, syms, tuple(exprs)))

    def affine_set_attr(self, c: Children) -> Attribute:
        dims, syms = c[0]
        constraints: list[AffineConstraintExpr] = [e for e in c[1:] if e is not None]
        return AffineSetAttr(AffineSet(dims, syms, tuple(constraints)))

    def affine_cmp(self, c: Children) -> AffineConstraintKind:
        return AffineConstraintKind(c[0] + c[1])

    def affine_constraint(self, c: Children) -> AffineConstraintExpr:
        return AffineConstraintExpr(c[1], c[0], c[2])

    def affine_id(self, c: Children) -> AffineExpr:
        expr = self._affine_names.get(c[0])
        if expr is None:
            raise self.p.error(f"Identifier not in space {c[0]}", c[0])
        return expr

    def affine_const(self, c: Children) -> AffineExpr:
        return AffineExpr.constant(_parse_int(c[0]))

    def affine_neg(self, c: Children) -> AffineExpr:
        return -c[0]

    def affine_add(self, c: Children) -> AffineExpr:
        return c[0] + c[1]

    def affine_sub(self, c: Children) -> AffineExpr:
        return c[0] - c[1]

    def affine_mul(self, c: Children) -> AffineExpr:
        return c[0] * c[1]

    def affine_floordiv(self, c: Children) -> AffineExpr:
        return c[0] // c[1]

    def affine_ceildiv(self, c: Children) -> AffineExpr:
        return c[0].ceil_div(c[1])

    def affine_mod(self, c: Children) -> AffineExpr:
        return c[0] % c[1]


def float_from_hex(text: str, type: AnyFloat) -> float:
    """The float whose bit pattern is the hex literal `text`, as MLIR reads a hex float.

    `0x7ff0000000000000` in f64 is inf, `0xff800000` in f32 is -inf, `0x7e00` in f16 is
    NaN. Raises ValueError (MLIR's message) for a leading minus or too many bits.
    """
    if text[0] == "-":
        raise ValueError("hexadecimal float literal should not have a leading minus")
    bits = int(text, 16)
    width = type.bitwidth
    if bits >> width:
        raise ValueError(f"hexadecimal float constant out of range for type {type}")
    return type.unpack(bits.to_bytes(width // 8, "little"), 1)[0]


def _is_hex(tok: str) -> bool:
    return tok[:2] in ("0x", "0X") or tok[:3] in ("-0x", "-0X")


def _float_element(tok: Token, type: AnyFloat, p: ParseState) -> float:
    """One element of a float dense literal: a decimal number, or a hex bit pattern."""
    if tok.type in ("INT", "NEG_INT") and _is_hex(tok):
        try:
            return float_from_hex(tok, type)
        except ValueError as err:
            raise p.error(str(err), tok) from None
    return float(_scalar(tok))


def _parse_int(text: str) -> int:
    neg = text[0] == "-"
    body = text[1:] if neg else text
    value = int(body, 16) if body[:2] in ("0x", "0X") else int(body)
    return -value if neg else value


def _first_token(items: list[Any]) -> Token | None:
    """The first token of a (nested) dense literal, where its errors are reported."""
    for item in items:
        if isinstance(item, Token):
            return item
        if isinstance(item, tuple):
            return cast(tuple[Token, Token], item)[0]
        if isinstance(item, DenseList) and item.where is not None:
            return item.where
    return None


def _flatten(top: DenseList, p: ParseState, depth: int = 0) -> tuple[list[Any], list[int]]:
    """The elements of a nested literal in row-major order, and its shape.

    `[[1, 2], [3, 4]]` -> ([1, 2, 3, 4], [2, 2]); every item must have the shape of
    the first one (else an error at the first item that does not).
    """
    items = top.items
    if not items:
        return [], [0]
    if not any(isinstance(item, DenseList) for item in items):
        return items, [len(items)]  # the common case: a 1-D list of scalars
    flat: list[Any] = []
    sub_shape: list[int] | None = None
    for item in items:
        if isinstance(item, DenseList):
            values, shape = _flatten(item, p, depth + 1)
            where = item.where or top.where
        else:
            values, shape = [item], []
            where = _first_token([item])
        if sub_shape is None:
            sub_shape = shape
        elif shape != sub_shape:
            raise p.error(_nesting_error(sub_shape, shape, depth + 1), where)
        flat.extend(values)
    assert sub_shape is not None
    return flat, [len(items), *sub_shape]


def _nesting_error(expected: list[int], found: list[int], dim: int) -> str:
    """Why an item of a dense literal does not have the shape of its first sibling."""
    if len(expected) == len(found):
        at = next(i for i, (e, f) in enumerate(zip(expected, found, strict=True)) if e != f)
        return (
            f"inconsistent dense literal: expected {expected[at]} elements in dimension "
            f"{dim + at}, found {found[at]}"
        )

    def spell(shape: list[int]) -> str:
        return f"a list of rank {len(shape)}" if shape else "a scalar"

    return f"inconsistent dense literal: expected {spell(expected)} in dimension {dim}, found {spell(found)}"


def _fast_convert(items: list[Any], element: Attribute) -> list[Any] | None:
    """Decimal numbers -> Python values of `element` in one comprehension, or None when
    an item needs a closer look (`_convert`)."""
    try:
        if isinstance(element, AnyFloat):
            return [float(x) for x in items]
        if isinstance(element, IntegerType | IndexType):
            values = [int(x) for x in items]
            unsigned = (
                isinstance(element, IntegerType) and element.signedness.data == Signedness.UNSIGNED
            )
            if unsigned and min(values, default=0) < 0:
                return None  # `_convert` reports the negative value
            return values
    except (ValueError, TypeError):
        return None
    return None


def _tokens(top: DenseList) -> list[Any]:
    """The elements of a nested literal as tokens, numbers runs split into positioned
    tokens (for `_convert`'s messages)."""
    found: list[Any] = []
    for item in top.items if not top.run else ():
        if isinstance(item, DenseList):
            found.extend(_tokens(item))
        else:
            found.append(item)
    if top.run:
        run = top.where
        assert run is not None
        for m in _NUMBER_RE.finditer(run):
            at = token_at(run, m.start())
            value = m.group()
            kind = "FLOAT" if "." in value else "NEG_INT" if value[0] == "-" else "INT"
            found.append(Token(kind, value, 0, at.line, at.column))
    return found


def _convert(tokens: list[Any], element: Attribute, p: ParseState) -> list[Any]:
    """Element tokens -> Python values of `element` (xDSL's checks, at the token)."""
    if isinstance(element, ComplexType):
        pairs: list[tuple[Any, Any]] = []
        part_type = element.element_type
        for item in tokens:
            if not isinstance(item, tuple):
                raise p.error("Expected a complex literal `(real, imag)`", item)
            real, imag = (_scalar(t) for t in cast(tuple[Token, Token], item))
            if type(real) is not type(imag):
                raise p.error("Complex value must be either (float, float) or (int, int)", item[0])
            if isinstance(part_type, IntegerType):
                pairs.append((int(real), int(imag)))
            else:
                pairs.append((float(real), float(imag)))
        return pairs
    for item in tokens:
        if isinstance(item, tuple):
            first = cast(tuple[Token, Token], item)[0]
            if isinstance(element, AnyFloat):
                raise p.error("No conversion from complex to float", first)
            raise p.error("Expected integer value", first)
    if isinstance(element, AnyFloat):
        return [_float_element(t, element, p) for t in tokens]
    if isinstance(element, IntegerType):
        allow_negative = element.signedness.data != Signedness.UNSIGNED
        allow_bool = element.width.data == 1
    else:
        allow_negative, allow_bool = True, False
    ints: list[int] = []
    for tok in tokens:
        kind = tok.type
        if kind == "INT":
            ints.append(_parse_int(tok))
        elif kind == "NEG_INT":
            if not allow_negative:
                raise p.error("Expected non-negative integer values", tok)
            ints.append(_parse_int(tok))
        elif kind == "FLOAT":
            if not allow_negative and tok[0] == "-":
                raise p.error("Expected non-negative integer values", tok)
            raise p.error("Expected integer value", tok)
        else:
            if not allow_bool:
                raise p.error("Boolean values are only allowed for i1 types", tok)
            ints.append(int(_BOOLS[tok]))
    return ints


def _scalar(tok: Token) -> int | float | bool:
    kind = tok.type
    if kind == "FLOAT":
        return float(tok)
    if kind == "INT" or kind == "NEG_INT":
        return _parse_int(tok)
    return _BOOLS[tok]
