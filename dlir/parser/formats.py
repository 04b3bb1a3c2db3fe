"""Lark rules generated from xDSL declarative assembly formats, and their builder.

For every op of `DIALECTS` with an `assembly_format`, xDSL compiles a `FormatProgram` (a
list of directives). Each directive becomes grammar items that yield exactly one child
(or none, for punctuation, keywords and whitespace), so the builder can walk the
directives and the children side by side:

    arith.addi:  $lhs `,` $rhs (`overflow` `` $overflowFlags^)? attr-dict `:` type($result)
    fmt_arith_addi: OP_ARITH_ADDI VALUE_ID "," VALUE_ID [fmt_arith_addi__g0] [attr_dict] ":" type
    fmt_arith_addi__g0: "overflow" ANGLE_BODY

Shift/reduce conflicts of the generated rules, all resolved by Lark's shift, i.e. an
optional item is taken whenever the next token can start it. That is exactly xDSL's
parser (recursive descent, every `parse_optional_*` greedy on its first token), which
defines these formats, so the shift is provably the xDSL reading:

* lookahead `%x` after an op whose optional operands come last (`func.return`,
  `scf.yield`, `loop.min` ...): the value is an operand of that op, as in xDSL and MLIR
  (a terminator is last in its block, so the next token is `}` or `^bb` in valid IR);
* lookahead `!t` after a `:` or `->` whose type list is optional (`value_list ":"
  [type_list]`): the type list, as xDSL's variadic type parsing; reducing would only let
  a top-level type alias `!t = ...` follow the op;
* lookahead `"s"`, `!t`, `#a` or `loc` after `{...}` in `[attr_dict] attribute`
  (`arith.constant`): the dictionary is the attr-dict and the token starts the value, as
  xDSL's `parse_optional_attr_dict` takes a `{` first;
* lookahead `"s"` after a keyword introducing an optional attribute (`te.unroll ... by
  $factor`): the attribute, as xDSL's `parse_optional_attribute`.

The one case where the greedy shift would *not* be xDSL's reading is an `attr-dict`
right after an optional or variadic region (`scf.reduce`): xDSL reads any `{` there as a
region, so that attr-dict is never parsed and is left out of the rule (`_dead_attr_dict`).

The builder fills xDSL's `ParsingState` with what was parsed, then runs the program's own
`resolve_constraint_variables` / `resolve_operand_types` / `resolve_result_types`, so
type inference is exactly xDSL's.
"""

# pyright: reportUnknownMemberType=false, reportUnknownVariableType=false, reportUnknownArgumentType=false, reportPrivateUsage=false
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

from lark import Token
from xdsl.dialects.builtin import AnyFloat, FloatAttr, IntAttr, StringAttr
from xdsl.ir import Attribute, Data, Operation, ParametrizedAttribute
from xdsl.irdl import IRDLOperation
from xdsl.irdl.declarative_assembly_format import (
    AttrDictDirective,
    AttributeVariable,
    DenseArrayAttributeVariable,
    FormatDirective,
    FormatProgram,
    FunctionalTypeDirective,
    KeywordDirective,
    OperandsDirective,
    OperandVariable,
    OptionalGroupDirective,
    OptionalOperandVariable,
    OptionalRegionVariable,
    OptionalResultVariable,
    OptionalSuccessorVariable,
    OptionalUnitAttrVariable,
    ParsingState,
    PunctuationDirective,
    RegionVariable,
    ResultsDirective,
    ResultVariable,
    SuccessorVariable,
    SymbolNameAttributeVariable,
    TypedAttributeVariable,
    TypeDirective,
    UniqueBaseAttributeVariable,
    VariadicOperandVariable,
    VariadicRegionVariable,
    VariadicResultVariable,
    VariadicSuccessorVariable,
    WhitespaceDirective,
)
from xdsl.irdl.operations import VarIRConstruct
from xdsl.parser import Parser
from xdsl.utils.exceptions import ParseError, VerifyException

from dlir.parser.builder import Builder, Children
from dlir.parser.builtin_attrs import float_from_hex
from dlir.parser.plugin import op_terminal


class Unsupported(Exception):
    """A directive this generator cannot turn into grammar (the op stays generic-only)."""


def rule_name(op_name: str) -> str:
    return "fmt_" + op_name.replace(".", "_").replace("-", "_").lower()


def _text_kind(d: AttributeVariable) -> str:
    """How the attribute variable is spelled: which core symbol captures its text."""
    if isinstance(d, OptionalUnitAttrVariable):
        return "none"
    if isinstance(d, SymbolNameAttributeVariable):
        return "SYMBOL"
    if isinstance(d, DenseArrayAttributeVariable):
        return "bracket_literals"
    if isinstance(d, TypedAttributeVariable):
        return "literal_text"
    if isinstance(d, UniqueBaseAttributeVariable):
        base = d.unique_base
        if issubclass(base, ParametrizedAttribute):
            return "ANGLE_BODY?"
        if issubclass(base, StringAttr):
            return "STRING"
        if issubclass(base, IntAttr):
            return "literal_text"
        if issubclass(base, Data):
            return "ANGLE_BODY?"
        raise Unsupported(f"unique base {base.__name__}")
    return "attribute"


@dataclass
class _RuleWriter:
    """Turns a directive list into Lark items, adding sub-rules for optional groups."""

    rule: str
    subrules: list[str] = field(default_factory=list[str])

    def items(self, stmts: Sequence[FormatDirective], first_required: bool = False) -> list[str]:
        out: list[str] = []
        for i, d in enumerate(stmts):
            if _dead_attr_dict(stmts, i):
                continue
            item = self.item(d, required=first_required and i == 0)
            if item:
                out.append(item)
        return out

    def item(self, d: FormatDirective, required: bool) -> str:
        def opt(x: str) -> str:
            return x if required else f"[{x}]"

        match d:
            case WhitespaceDirective():
                return ""
            case PunctuationDirective():
                return f'"{d.punctuation}"'
            case KeywordDirective():
                return f'"{d.keyword}"'
            case OperandVariable():
                return "VALUE_ID"
            case OptionalOperandVariable():
                return opt("VALUE_ID")
            case VariadicOperandVariable() | OperandsDirective():
                return opt("value_list")
            case TypeDirective():
                inner = d.inner
                if isinstance(inner, OperandVariable | ResultVariable):
                    return "type"
                if isinstance(inner, OptionalOperandVariable | OptionalResultVariable):
                    return opt("type")
                if isinstance(
                    inner,
                    VariadicOperandVariable
                    | VariadicResultVariable
                    | OperandsDirective
                    | ResultsDirective,
                ):
                    return opt("type_list")
                raise Unsupported(f"type({type(inner).__name__})")
            case FunctionalTypeDirective():
                return "fn_type"
            case AttrDictDirective():
                return opt("attr_dict_kw" if d.with_keyword else "attr_dict")
            case OptionalUnitAttrVariable():
                return ""
            case AttributeVariable():
                kind = _text_kind(d)
                if kind == "ANGLE_BODY?":
                    return "[ANGLE_BODY]"
                if d.is_optional:
                    return opt(kind)
                return kind
            case RegionVariable():
                return "region"
            case OptionalRegionVariable():
                return opt("region")
            case VariadicRegionVariable():
                return opt("region_seq")
            case SuccessorVariable():
                return "successor"
            case OptionalSuccessorVariable():
                return opt("successor")
            case VariadicSuccessorVariable():
                return opt("successor_seq")
            case OptionalGroupDirective():
                index = len(self.subrules)
                then_rule = f"{self.rule}__g{index}"
                then_items = self.items((d.then_first, *d.then_elements), first_required=True)
                self.subrules.append(f"{then_rule}: {' '.join(then_items)}")
                if not d.else_elements:
                    return f"[{then_rule}]"
                else_rule = f"{self.rule}__e{index}"
                else_items = self.items(d.else_elements)
                self.subrules.append(f"{else_rule}: {' '.join(else_items)}")
                return f"({then_rule} | {else_rule})"
            case _:
                raise Unsupported(type(d).__name__)


def _dead_attr_dict(stmts: Sequence[FormatDirective], i: int) -> bool:
    """Whether `stmts[i]` is an `attr-dict` right after an optional or variadic region.

    xDSL (like MLIR) reads every `{` there as one more region, so such an attr-dict can
    never be parsed (`scf.reduce`: `... $reductions attr-dict`). The grammar leaves it out
    too: with it, `{` after the regions would be a shift/reduce conflict, and Lark's
    shift would read `{}` and `{"a" = 1}` as the attr-dict where xDSL reads a region.
    """
    d = stmts[i]
    if not isinstance(d, AttrDictDirective) or d.with_keyword:
        return False
    before = [s for s in stmts[:i] if not isinstance(s, WhitespaceDirective)]
    return bool(before) and isinstance(before[-1], OptionalRegionVariable | VariadicRegionVariable)


def format_program(op_type: type[Operation]) -> FormatProgram | None:
    if not issubclass(op_type, IRDLOperation):
        return None
    op_def = op_type.get_irdl_definition()
    if op_def.assembly_format is None:
        return None
    return FormatProgram.from_str(op_def.assembly_format, op_def)


@dataclass
class GeneratedRules:
    rules: list[tuple[str, str, str]]  # (op name, rule name, grammar text)
    skipped: dict[str, str]  # op name -> why


def generate_format_rules(exclude: set[str]) -> GeneratedRules:
    """Rules for every declarative-format op of the registered dialects."""
    from dlir.dialects import DIALECTS

    out = GeneratedRules([], {})
    for loader in DIALECTS.values():
        try:
            dialect = loader()
        except Exception as err:  # a dialect still being written must not break parsing
            out.skipped[str(loader)] = f"cannot load: {err}"
            continue
        for op_type in dialect.operations:
            if op_type.name in exclude:
                continue
            program = format_program(op_type)
            if program is None:
                continue
            rule = rule_name(op_type.name)
            writer = _RuleWriter(rule)
            try:
                items = writer.items(program.stmts)
            except Unsupported as err:
                out.skipped[op_type.name] = str(err)
                continue
            body = " ".join([op_terminal(op_type.name), *items])
            out.rules.append((op_type.name, rule, "\n".join([f"{rule}: {body}", *writer.subrules])))
    return out


@dataclass(frozen=True)
class _Boxed:
    tok: Token


@dataclass
class _Group:
    """The children of an optional group, tagged with the branch that was parsed."""

    then: bool
    children: Children


class _OpBuilder:
    """Builds one op kind from the children of its generated rule."""

    def __init__(
        self, builder: Builder, op_type: type[IRDLOperation], program: FormatProgram
    ) -> None:
        self.builder = builder
        self.op_type = op_type
        self.op_def = op_type.get_irdl_definition()
        self.program = program
        self.attr_memo: dict[tuple[int, str], Attribute] = {}
        self.inferred: dict[tuple[Any, ...], tuple[Sequence[Any], Sequence[Any]]] = {}

    def __call__(self, children: Children) -> Operation:
        p = self.builder.p
        name_tok: Token = children[0]
        state = ParsingState(self.op_type)
        try:
            self._fill(self.program.stmts, children, 1, state, name_tok)
            operand_types, result_types = self._resolve(state)
        except VerifyException as err:
            raise p.error(str(err), name_tok) from None
        use = p.use
        operands: list[Sequence[Any]] = []
        for toks, types in zip(state.operands, operand_types, strict=True):
            toks = cast(Sequence[Token], toks)
            if len(toks) != len(types):
                raise p.error(f"expected {len(toks)} operand types but had {len(types)}", name_tok)
            operands.append([use(t, ty) for t, ty in zip(toks, types, strict=False)])
        op = self.op_type.build(
            result_types=result_types,
            operands=operands,
            attributes=state.attributes,
            properties=state.properties,
            regions=state.regions,
            successors=state.successors,
        )
        return p.located(op, name_tok)

    def _resolve(self, state: ParsingState) -> tuple[Sequence[Any], Sequence[Any]]:
        """xDSL's type inference for what was parsed, memoised on everything it reads:
        the parsed types, the operand counts, the properties and attributes."""
        try:
            key = (
                tuple(None if t is None else tuple(t) for t in state.operand_types),
                tuple(None if t is None else tuple(t) for t in state.result_types),
                tuple(-1 if o is None else len(o) for o in state.operands),
                tuple(state.properties.items()),
                tuple(state.attributes.items()),
            )
            found = self.inferred.get(key)
        except TypeError:  # an unhashable attribute: infer without the memo
            key, found = None, None
        if found is not None:
            return found
        program, op_def = self.program, self.op_def
        program.resolve_constraint_variables(state, op_def)
        found = (
            program.resolve_operand_types(state, op_def),
            program.resolve_result_types(state, op_def),
        )
        if key is not None:
            self.inferred[key] = found
        return found

    def _fill(
        self,
        stmts: Sequence[FormatDirective],
        children: Children,
        at: int,
        state: ParsingState,
        tok: Token,
    ) -> int:
        for i, d in enumerate(stmts):
            if isinstance(d, WhitespaceDirective | PunctuationDirective | KeywordDirective):
                continue
            if _dead_attr_dict(stmts, i):
                continue
            if isinstance(d, OptionalUnitAttrVariable):
                d.set(state, _unit())
                continue
            child = children[at]
            at += 1
            self._set(d, child, state, tok)
        return at

    def _set(self, d: FormatDirective, child: Any, state: ParsingState, tok: Token) -> None:
        match d:
            case OperandVariable():
                d.set(state, child)
            case OptionalOperandVariable():
                d.set(state, child)
            case VariadicOperandVariable():
                d.set(state, child or ())
            case OperandsDirective():
                # Tokens are `str`s, hence `Sequence`s: box them while xDSL splits them
                # over the operand definitions, so each counts as one operand.
                boxed: list[Any] = [_Boxed(t) for t in child or ()]
                d._set_using_variadic_index(
                    state.op_type, state.operands, VarIRConstruct.OPERAND, "operand", boxed
                )
                unboxed: list[Any] = [
                    None if group is None else tuple(cast(_Boxed, b).tok for b in group)
                    for group in state.operands
                ]
                state.operands = unboxed
            case TypeDirective():
                inner = d.inner
                if isinstance(inner, OperandVariable | ResultVariable):
                    inner.set_types(state, (child,))
                elif isinstance(inner, OptionalOperandVariable | OptionalResultVariable):
                    inner.set_types(state, () if child is None else (child,))
                else:
                    inner.set_types(state, child or ())
            case FunctionalTypeDirective():
                d.operand_typeable_directive.set_types(state, child.inputs.data)
                d.result_typeable_directive.set_types(state, child.outputs.data)
            case AttrDictDirective():
                self._attr_dict(d, child or {}, state, tok)
            case AttributeVariable():
                attr = self._attribute(d, child, tok)
                if attr is not None:
                    d.set(state, attr)
            case RegionVariable() | OptionalRegionVariable():
                d.set(state, child)
            case VariadicRegionVariable():
                d.set(state, child or ())
            case SuccessorVariable() | OptionalSuccessorVariable():
                d.set(state, child)
            case VariadicSuccessorVariable():
                d.set(state, child or ())
            case OptionalGroupDirective():
                group = _Group(False, []) if child is None else cast(_Group, child)
                if group.then:
                    self._fill((d.then_first, *d.then_elements), group.children, 0, state, tok)
                    for element in d.else_elements:
                        element.set_empty(state)
                else:
                    d.then_first.set_empty(state)
                    for element in d.then_elements:
                        element.set_empty(state)
                    self._fill(d.else_elements, group.children, 0, state, tok)
            case _:
                raise Unsupported(type(d).__name__)

    def _attr_dict(
        self, d: AttrDictDirective, attrs: dict[str, Attribute], state: ParsingState, tok: Token
    ) -> None:
        reserved = d.reserved_attr_names & attrs.keys()
        if reserved:
            raise self.builder.p.error(
                f"attributes {', '.join(sorted(reserved))} are defined in other parts of the "
                "assembly format, and thus should not be defined in the attribute dictionary.",
                tok,
            )
        for name in [k for k in attrs if k in d.expected_properties]:
            state.properties[name] = attrs.pop(name)
        state.attributes |= attrs

    def _attribute(self, d: AttributeVariable, child: Any, tok: Token) -> Attribute | None:
        if child is None and not isinstance(d, UniqueBaseAttributeVariable):
            return None
        if isinstance(d, SymbolNameAttributeVariable):
            return StringAttr(self.builder.p.symbol_name(cast(Token, child)))
        kind = _text_kind(d)
        if kind == "attribute":
            return child
        text = "" if child is None else str(child)
        key = (id(d), text)
        attr = self.attr_memo.get(key)
        if attr is None and _is_hex_float(d, text):
            # `value 0x7ff0000000000000`: the bit pattern, as MLIR reads it (xDSL prints
            # inf/NaN so but its `parse_float` rejects it)
            assert isinstance(d, TypedAttributeVariable)
            float_type = cast(AnyFloat, d.unique_type)
            try:
                attr = FloatAttr(float_from_hex(text, float_type), float_type)
            except ValueError as err:
                raise self.builder.p.error(str(err), child) from None
        if attr is None:
            p = self.builder.p
            parser = Parser(p.ctx, text, p.filename)
            parser.attribute_aliases = p.aliases
            parser.dialect_resources = p.dialect_resources
            where = child if isinstance(child, Token) else tok
            try:
                attr = d.parse_attr(parser)
            except ParseError as err:
                raise p.error(err.msg, where) from None
            if attr is None:
                raise p.error(f"expected a value for '{d.name}'", where)
            if "#" not in text and "!" not in text:
                self.attr_memo[key] = attr
        return attr


def _is_hex_float(d: AttributeVariable, text: str) -> bool:
    """Whether `text` is a hex literal for a float attribute of known type."""
    return (
        (text[:2] in ("0x", "0X") or text[:3] in ("-0x", "-0X"))
        and isinstance(d, TypedAttributeVariable)
        and isinstance(d.unique_type, AnyFloat)
    )


def _unit() -> Attribute:
    from xdsl.dialects.builtin import UnitAttr

    return UnitAttr()


def format_callback(builder: Builder, op_name: str) -> Callable[[Children], object]:
    """The callback of `op_name`'s generated rule; the op class loads on first use."""
    built: list[_OpBuilder] = []

    def call(children: Children) -> Operation:
        if not built:
            op_type = builder.p.op_class(op_name, children[0])
            program = format_program(op_type)
            assert program is not None and issubclass(op_type, IRDLOperation)
            built.append(_OpBuilder(builder, op_type, program))
        return built[0](children)

    return call


def group_callbacks(rules: list[str]) -> dict[str, Callable[[Children], object]]:
    """Callbacks of the optional-group sub-rules (`...__gN` then, `...__eN` else)."""
    out: dict[str, Callable[[Children], object]] = {}
    for rule in rules:
        then = "__g" in rule
        out[rule] = _group_fn(then)
    return out


def _group_fn(then: bool) -> Callable[[Children], object]:
    def make(children: Children) -> _Group:
        return _Group(then, children)

    return make
