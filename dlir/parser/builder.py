"""Builder callbacks of the core grammar (`mlir.lark`): each rule reduction builds IR.

The LALR parser calls `Builder.<rule>(children)` on every reduction (Lark's inline
`transformer=`), so no parse tree is ever built. Builtin types (integers, floats, shaped
types, tuples, functions) and the LLVM types the pipeline lowers into have grammar rules
and are memoised by their parts. The builtin attributes with a structured body
(`dense<...>`, `array<...>`, `affine_map<...>`, `strided<...>`, ...) are built by the
callbacks of `builtin_attrs.py` (mixed in). Bodies of dialect types/attributes
(`#llvm.fastmath<fast>`) are lexed as one balanced `<...>` token and handed to the
attribute's own parser (xDSL's), as MLIR hands them to the dialect, memoised by text.
"""

# pyright: reportUnknownMemberType=false, reportUnknownVariableType=false, reportUnknownArgumentType=false
from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from lark import Token
from xdsl.dialects.builtin import (
    DYNAMIC_INDEX,
    AnyFloat,
    ArrayAttr,
    BoolAttr,
    CallSiteLoc,
    ComplexType,
    DictionaryAttr,
    FileLineColLoc,
    Float64Type,
    FloatAttr,
    FunctionType,
    FusedLoc,
    IndexType,
    IntegerAttr,
    IntegerType,
    LocationAttr,
    MemRefLayoutAttr,
    MemRefType,
    NameLoc,
    NoneAttr,
    NoneType,
    Signedness,
    StringAttr,
    SymbolRefAttr,
    TensorType,
    TupleType,
    UnitAttr,
    UnknownLoc,
    UnrankedMemRefType,
    UnrankedTensorType,
    VectorType,
)
from xdsl.dialects.llvm import (
    LLVMArrayType,
    LLVMFunctionType,
    LLVMPointerType,
    LLVMStructType,
    LLVMVoidType,
)
from xdsl.ir import Attribute, Block, Operation, Region
from xdsl.irdl import IRDLOperation
from xdsl.parser import Parser
from xdsl.parser.attribute_parser import AttrParser
from xdsl.utils.exceptions import ParseError
from xdsl.utils.mlir_lexer import MLIRTokenKind

from dlir.parser.builtin_attrs import BuiltinAttrs
from dlir.parser.plugin import Argument
from dlir.parser.state import ParseState, int_attr

Children = list[Any]
_VARIADIC = object()

_FLOAT_TYPES: dict[str, Attribute] = dict(AttrParser._builtin_float_types)  # pyright: ignore[reportPrivateUsage]
_INDEX = IndexType()
_NONE = NoneType()
_UNIT = UnitAttr()
_I1 = IntegerType(1)
_I64 = IntegerType(64)
_TRUE = IntegerAttr(1, _I1)
_PTR = LLVMPointerType()
_F64 = Float64Type()
_FALSE = IntegerAttr(0, _I1)
_SIGNEDNESS = {"s": Signedness.SIGNED, "u": Signedness.UNSIGNED, "i": Signedness.SIGNLESS}

# Attributes and types whose text does not depend on the aliases of a buffer, shared by
# all parses (the same `memref<4xf32>` is parsed once per process).
_GLOBAL_ATTRS: dict[str, Attribute] = {}
_INT_TYPES: dict[str, Attribute] = {}
_INT_ATTRS: dict[tuple[str, Attribute], Attribute] = {}
_SHAPED: dict[tuple[Any, ...], Attribute] = {}
_FN_TYPES: dict[tuple[tuple[Attribute, ...], tuple[Attribute, ...]], FunctionType] = {}


def _int_type(text: str) -> Attribute:
    attr = _INT_TYPES.get(text)
    if attr is None:
        if text[0] == "i":
            attr = IntegerType(int(text[1:]))
        else:
            attr = IntegerType(int(text[2:]), _SIGNEDNESS[text[0]])
        _INT_TYPES[text] = attr
    return attr


def _shape(dims: str | None) -> list[int]:
    """`4x?x` -> [4, -1] (`?` is xDSL's DYNAMIC_INDEX)."""
    if dims is None:
        return []
    return [DYNAMIC_INDEX if d == "?" else int(d) for d in dims.split("x")[:-1]]


def parse_int(text: str) -> int:
    neg = text[0] == "-"
    body = text[1:] if neg else text
    value = int(body, 16) if body[:2] in ("0x", "0X") else int(body)
    return -value if neg else value


class Builder(BuiltinAttrs):
    """The callbacks of the core rules; `p` is the state of the parse in progress."""

    def __init__(self) -> None:
        super().__init__()
        self.p: ParseState = cast(ParseState, None)

    def add_callbacks(self, callbacks: dict[str, Callable[[Children], object]]) -> None:
        for name, fn in callbacks.items():
            setattr(self, name, fn)

    # ------------------------------------------------------------ delegated sub-texts
    def sub_parse(self, text: str, tok: Token, is_type: bool) -> Attribute:
        """Parse a type/attribute text with xDSL's attribute parser, memoised."""
        p = self.p
        shareable = (
            "#" not in text
            and "!" not in text
            and "distinct" not in text
            and "dense_resource" not in text
        )
        cache = _GLOBAL_ATTRS if shareable else p.attr_cache
        key = ("!" if is_type else "#") + text
        attr = cache.get(key)
        if attr is not None:
            return attr
        parser = Parser(p.ctx, text, p.filename)
        parser.attribute_aliases = p.aliases
        parser.dialect_resources = p.dialect_resources
        try:
            attr = parser.parse_type() if is_type else parser.parse_attribute()
            if parser._current_token.kind != MLIRTokenKind.EOF:  # pyright: ignore[reportPrivateUsage]
                parser.raise_error("unexpected text after the attribute")
        except ParseError as err:
            raise p.error_inside(err.msg, tok, err.span.start, text) from None
        cache[key] = attr
        return attr

    # ------------------------------------------------------------ types
    def int_type(self, c: Children) -> Attribute:
        return _int_type(c[0])

    def float_type(self, c: Children) -> Attribute:
        return _FLOAT_TYPES[c[0]]

    def index_type(self, c: Children) -> Attribute:
        return _INDEX

    def none_type(self, c: Children) -> Attribute:
        return _NONE

    # Shaped types are memoised by their parts: `memref<1024xf32>` is built once.
    def type_tensor(self, c: Children) -> Attribute:
        key = ("tensor", c[0], c[1], c[2])
        found = _SHAPED.get(key)
        if found is None:
            shape = _shape(c[0])
            found = TensorType(c[1], shape) if c[2] is None else TensorType(c[1], shape, c[2])
            _SHAPED[key] = found
        return found

    def type_unranked_tensor(self, c: Children) -> Attribute:
        return UnrankedTensorType(c[1])

    def type_memref(self, c: Children) -> Attribute:
        key = ("memref", c[0], c[1], c[2], c[3])
        found = _SHAPED.get(key)
        if found is None:
            found = _SHAPED[key] = self._memref(_shape(c[0]), c[1], c[2], c[3])
        return found

    def _memref(
        self, shape: list[int], elt: Attribute, first: Attribute | None, second: Attribute | None
    ) -> Attribute:
        # as xDSL reads them: `layout, space`, or one attribute that is a layout or a space
        if first is None:
            return MemRefType(elt, shape)
        if second is not None:
            if not isinstance(first, MemRefLayoutAttr):
                raise self.p.error("Expected a MemRef layout attribute", None)
            return MemRefType(elt, shape, first, second)
        if isinstance(first, MemRefLayoutAttr):
            return MemRefType(elt, shape, layout=first)
        return MemRefType(elt, shape, memory_space=first)

    def type_unranked_memref(self, c: Children) -> Attribute:
        if c[2] is None:
            return UnrankedMemRefType.from_type(c[1])
        return UnrankedMemRefType.from_type(c[1], c[2])

    def type_vector(self, c: Children) -> Attribute:
        key = ("vector", c[0], c[1])
        found = _SHAPED.get(key)
        if found is None:
            dims: list[int] = []
            scalable: list[bool] = []
            for dim in (c[0] or "").split("x")[:-1]:
                scalable.append(dim[0] == "[")
                dims.append(int(dim.strip("[]")))
            found = VectorType(c[1], dims, ArrayAttr(BoolAttr.from_bool(s) for s in scalable))
            _SHAPED[key] = found
        return found

    def type_complex(self, c: Children) -> Attribute:
        if not isinstance(c[0], IntegerType | AnyFloat):
            raise self.p.error(
                "Complex type must be parameterized by an integer or float type!", None
            )
        return ComplexType(c[0])

    def type_tuple(self, c: Children) -> Attribute:
        return TupleType(tuple(c[0] or ()))

    def dialect_type(self, c: Children) -> Attribute:
        name: Token = c[0]
        body: Token | None = c[1]
        if body is None and "." not in name:
            alias = self.p.aliases.get(name)
            if alias is None:
                raise self.p.error(f"undefined type alias '{name}'", name)
            return alias
        return self.sub_parse(name if body is None else name + body, name, True)

    def type_llvm_ptr(self, c: Children) -> Attribute:
        return _PTR if c[0] is None else LLVMPointerType(int_attr(c[0]))

    def type_llvm_addr_space(self, c: Children) -> int:
        return int(c[0])

    def type_llvm_void(self, c: Children) -> Attribute:
        return LLVMVoidType()

    def type_llvm_struct(self, c: Children) -> Attribute:
        name = StringAttr(self.p.string(c[0])) if c[0] is not None else StringAttr("")
        return LLVMStructType(name, ArrayAttr(c[1] or ()))

    def type_llvm_packed_struct(self, c: Children) -> Attribute:
        raise self.p.error("packed LLVM structs are not supported by xDSL", None)

    def type_llvm_array(self, c: Children) -> Attribute:
        return LLVMArrayType(int_attr(int(c[0])), c[1])

    def type_llvm_elems(self, c: Children) -> list[Attribute]:
        return c

    def type_llvm_fn_params(self, c: Children) -> tuple[list[Attribute], bool]:
        types = [t for t in c if t is not None and t is not _VARIADIC]
        return types, any(t is _VARIADIC for t in c)

    def type_llvm_variadic(self, c: Children) -> object:
        return _VARIADIC

    def type_llvm_func(self, c: Children) -> Attribute:
        params, variadic = c[1] if c[1] is not None else ([], False)
        return LLVMFunctionType(params, c[0], variadic)

    def fn_type(self, c: Children) -> FunctionType:
        key = (tuple(c[0]), tuple(c[1]))
        fn = _FN_TYPES.get(key)
        if fn is None:
            fn = _FN_TYPES[key] = FunctionType.from_lists(c[0], c[1])
        return fn

    def paren_type_list(self, c: Children) -> list[Attribute]:
        return c[0] or []

    def result_types(self, c: Children) -> list[Attribute]:
        return c[0] if isinstance(c[0], list) else [c[0]]

    def type_list(self, c: Children) -> list[Attribute]:
        return c

    # ------------------------------------------------------------ attributes
    def int_lit(self, c: Children) -> int:
        return parse_int(c[0])

    def float_lit(self, c: Children) -> float:
        return float(c[0])

    def int_attr(self, c: Children) -> Attribute:
        tok: Token = c[0]
        type: Attribute = c[1] or _I64
        key = (tok.value, type)
        attr = _INT_ATTRS.get(key)
        if attr is None:
            attr = self._number_attr(tok, type)
            _INT_ATTRS[key] = attr
        return attr

    def _number_attr(self, tok: Token, type: Attribute) -> Attribute:
        if isinstance(type, IntegerType | IndexType):
            try:
                return IntegerAttr(parse_int(tok), type)
            except Exception as err:
                raise self.p.error(str(err), tok) from None
        # `1 : f32` is 1.0, `0x3F800000 : f32` is a bit pattern: xDSL decides
        return self.sub_parse(f"{tok} : {type}", tok, False)

    def float_attr(self, c: Children) -> Attribute:
        type = c[1] or _F64
        try:
            return FloatAttr(float(c[0]), type)
        except Exception as err:
            raise self.p.error(str(err), c[0]) from None

    def true_attr(self, c: Children) -> Attribute:
        return _TRUE

    def false_attr(self, c: Children) -> Attribute:
        return _FALSE

    def string_attr(self, c: Children) -> Attribute:
        if "\\" in c[0]:  # escapes: xDSL decides between StringAttr and BytesAttr
            return self.sub_parse(c[0], c[0], False)
        return StringAttr(c[0][1:-1])

    def array_attr(self, c: Children) -> Attribute:
        if len(c) == 1 and c[0] is None:
            return ArrayAttr(())
        return ArrayAttr(c)

    def dict_attr(self, c: Children) -> Attribute:
        return DictionaryAttr(c[0])

    def symbol_ref(self, c: Children) -> Attribute:
        name = self.p.symbol_name
        return SymbolRefAttr(name(c[0]), [name(t) for t in c[1:]])

    def unit_attr(self, c: Children) -> Attribute:
        return _UNIT

    def distinct_attr(self, c: Children) -> Attribute:
        return self.sub_parse(f"distinct[{c[0]}]{c[1]}", c[0], False)

    def dialect_attr(self, c: Children) -> Attribute:
        name: Token = c[0]
        body: Token | None = c[1]
        if body is None and "." not in name:
            alias = self.p.aliases.get(name)
            if alias is None:
                raise self.p.error(f"undefined attribute alias '{name}'", name)
            return alias
        return self.sub_parse(name if body is None else name + body, name, False)

    def type_attr(self, c: Children) -> Attribute:
        return c[0]

    def attr_dict(self, c: Children) -> dict[str, Attribute]:
        if c[0] is None:
            return {}
        return dict(c)

    def attr_entry(self, c: Children) -> tuple[str, Attribute]:
        key: Token = c[0]
        name = self.p.string(key) if key[0] == '"' else str(key)
        return name, _UNIT if c[1] is None else c[1]

    def attr_dict_kw(self, c: Children) -> dict[str, Attribute]:
        return c[0]

    # ------------------------------------------------------------ locations
    def location(self, c: Children) -> Attribute:
        return c[0]

    def loc_unknown(self, c: Children) -> Attribute:
        return UnknownLoc()

    def loc_file(self, c: Children) -> Attribute:
        return FileLineColLoc(
            StringAttr(self.p.string(c[0])), int_attr(int(c[1])), int_attr(int(c[2]))
        )

    def loc_name(self, c: Children) -> Attribute:
        return NameLoc(StringAttr(self.p.string(c[0])), NoneAttr() if c[1] is None else c[1])

    def loc_callsite(self, c: Children) -> Attribute:
        return CallSiteLoc(c[0], c[1])

    def loc_fused(self, c: Children) -> Attribute:
        return FusedLoc(tuple(c[1:]), NoneAttr() if c[0] is None else c[0])

    def loc_alias(self, c: Children) -> Attribute:
        alias = self.p.aliases.get(c[0])
        if not isinstance(alias, LocationAttr):
            raise self.p.error(f"undefined location alias '{c[0]}'", c[0])
        return alias

    # ------------------------------------------------------------ aliases, resources
    def alias_def(self, c: Children) -> None:
        name: Token = c[0]
        if name in self.p.aliases:
            raise self.p.error(f"redefinition of alias '{name}'", name)
        self.p.aliases[str(name)] = c[1]

    def resource_section(self, c: Children) -> None:
        return None

    def resource_entry(self, c: Children) -> None:
        if c[0] != "dialect_resources":
            raise self.p.error(f"unsupported file metadata section '{c[0]}'", c[0])

    def resource_dialect(self, c: Children) -> None:
        p = self.p
        name: Token = c[0]
        interface = p.resource_interface(str(name), name)
        for blob in c[1:]:
            if blob is None:
                continue
            key_tok, value_tok = blob
            key = p.string(key_tok) if key_tok[0] == '"' else str(key_tok)
            try:
                p.resources.blob(interface, key, p.string(value_tok))
            except Exception as err:
                raise p.error(f"invalid resource '{key}': {err}", value_tok) from None

    def resource_blob(self, c: Children) -> tuple[Token, Token]:
        return c[0], c[1]

    # ------------------------------------------------------------ operations
    def value_list(self, c: Children) -> list[Token]:
        return c

    def result(self, c: Children) -> tuple[Token, int]:
        return c[0], 1 if c[1] is None else int(c[1])

    def result_list(self, c: Children) -> list[tuple[Token, int]]:
        return c

    def operation(self, c: Children) -> None:
        op: Operation = c[1]
        p = self.p
        results = c[0]
        if results is not None:
            p.define_results(results, op, results[0][0])
        if c[2] is not None:
            op.location = c[2]
        if op.regions:
            p.check_isolation(op)
        p.add_op(op)

    def generic_name(self, c: Children) -> Token:
        return c[0]

    def generic_op(self, c: Children) -> Operation:
        p = self.p
        name_tok: Token = c[0]
        name = p.string(name_tok)
        op_type = p.op_class(name, name_tok)
        fn: FunctionType = c[6]
        operand_toks = c[1] or ()
        inputs = fn.inputs.data
        if len(operand_toks) != len(inputs):
            raise p.error(
                f"expected {len(operand_toks)} operand types but had {len(inputs)}", name_tok
            )
        use = p.use
        operands = [use(t, ty) for t, ty in zip(operand_toks, inputs, strict=False)]
        properties: dict[str, Attribute] = c[3] or {}
        attributes: dict[str, Attribute] = c[5] or {}
        if attributes and issubclass(op_type, IRDLOperation):
            # as xDSL does: properties written in the attribute dictionary move over
            for prop_name in op_type.get_irdl_definition().properties:
                if prop_name in attributes and prop_name not in properties:
                    properties[prop_name] = attributes.pop(prop_name)
        op = op_type.create(
            operands=operands,
            result_types=fn.outputs.data,
            properties=properties,
            attributes=attributes,
            successors=c[2] or (),
            regions=c[4] or (),
        )
        return p.located(op, name_tok)

    def successor(self, c: Children) -> Block:
        return self.p.successor(c[0])

    def successor_list(self, c: Children) -> list[Block]:
        return c

    def properties(self, c: Children) -> dict[str, Attribute]:
        return c[0]

    def region_list(self, c: Children) -> list[Region]:
        return c

    def region_open(self, c: Children) -> None:
        self.p.open_region()

    def region(self, c: Children) -> Region:
        return self.p.close_region()

    def block_label(self, c: Children) -> None:
        self.p.block_label(c[0], c[1])

    def arg(self, c: Children) -> Argument:
        return Argument(c[0], c[1], c[2], c[3])

    def arg_list(self, c: Children) -> list[Argument]:
        if c[0] is None:
            return []
        return c

    def start(self, c: Children) -> None:
        return None

    def region_seq(self, c: Children) -> list[Region]:
        return c

    def successor_seq(self, c: Children) -> list[Block]:
        return c

    def literal_text(self, c: Children) -> Token:
        return c[0]

    def bracket_literals(self, c: Children) -> str:
        return " ".join(str(t) for t in c if t is not None)
