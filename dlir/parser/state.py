"""What the parser knows while it reads one buffer: SSA names, blocks, regions, aliases.

Builder callbacks (`builder.py`, `formats.py`, custom forms) receive a `ParseState` as `p`
and use its small API (`use`, `uses`, `set_entry_args`, `located`, `error`, ...), see
INTERFACE.md. Scoping follows MLIR: a region sees the names of its enclosing regions, its
own names vanish when it closes, a name may be used before its definition (forward
reference), and regions of an IsolatedFromAbove op see nothing from above.
"""

# pyright: reportUnknownMemberType=false, reportUnknownVariableType=false, reportUnknownArgumentType=false
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from lark import Token
from xdsl.context import Context
from xdsl.dialect_interfaces.op_asm import OpAsmDialectInterface
from xdsl.dialects.builtin import FileLineColLoc, IntAttr, LocationAttr, StringAttr, UnregisteredOp
from xdsl.ir import Attribute, Block, Operation, Region, SSAValue
from xdsl.parser.core import ForwardDeclaredValue
from xdsl.traits import IsolatedFromAbove
from xdsl.utils.lexer import Input
from xdsl.utils.mlir_lexer import StringLiteral

from dlir.ir.diagnostics import DiagnosticError, SourceLoc
from dlir.parser.plugin import Argument
from dlir.parser.resources import ResourceLoader

_INT_ATTRS: dict[int, IntAttr] = {}


def token_at(tok: Token, offset: int, text: str | None = None) -> Token:
    """A token positioned `offset` characters into `text` (default: `tok`'s), which starts
    where `tok` does."""
    text = str(tok) if text is None else text
    newline = text.rfind("\n", 0, offset)
    if newline < 0:
        return Token("X", "", line=tok.line or 1, column=(tok.column or 1) + offset)
    line = (tok.line or 1) + text.count("\n", 0, offset)
    return Token("X", "", line=line, column=offset - newline)


def int_attr(value: int) -> IntAttr:
    """A shared `IntAttr` (attributes are immutable, so sharing is safe and cheap)."""
    attr = _INT_ATTRS.get(value)
    if attr is None:
        attr = _INT_ATTRS[value] = IntAttr(value)
    return attr


@dataclass
class _RegionScope:
    """One open region: its blocks and the SSA names it defined."""

    region: Region
    depth: int
    block: Block | None = None
    blocks: dict[str, tuple[Block, Token | None]] = field(
        default_factory=dict[str, tuple[Block, Token | None]]
    )
    defined: list[str] = field(default_factory=list[str])
    captures: list[tuple[Token, int]] = field(default_factory=list[tuple[Token, int]])


class ParseState:
    """Per-parse state shared by all builder callbacks (the `p` of INTERFACE.md)."""

    def __init__(self, ctx: Context, filename: str, text: str) -> None:
        self.ctx = ctx
        self.filename = filename
        self.text = text
        self.aliases: dict[str, Attribute] = {}
        self.attr_cache: dict[str, Attribute] = {}
        self.dialect_resources: set[tuple[str, str]] = set()
        # blobs are stored by content, as by the reference parser (dlir.parser.resources)
        self.resources = ResourceLoader()
        self.top_ops: list[Operation] = []
        # name -> (values, depth of the region that defined them)
        self.values: dict[str, tuple[tuple[SSAValue, ...], int]] = {}
        self.forward: dict[str, dict[int, tuple[ForwardDeclaredValue[Attribute], Token]]] = {}
        self.scopes: list[_RegionScope] = []
        self.pending_args: Sequence[Argument] | None = None
        self.region_captures: dict[int, list[tuple[Token, int]]] = {}
        self._file_attr = StringAttr(filename)

    # ------------------------------------------------------------ errors, locations
    def error(self, message: str, tok: Token | None = None) -> DiagnosticError:
        """A diagnostic at `tok` (or without position), for the callback to raise."""
        if tok is None or tok.line is None:
            return DiagnosticError.at(message)
        return DiagnosticError.at(message, SourceLoc(self.filename, tok.line, tok.column or 1))

    def error_inside(
        self, message: str, tok: Token, offset: int, text: str | None = None
    ) -> DiagnosticError:
        """A diagnostic `offset` characters into `text` (default: `tok`'s), which starts
        where `tok` does and may span lines."""
        return self.error(message, token_at(tok, offset, text))

    def loc_of(self, tok: Token) -> FileLineColLoc:
        return FileLineColLoc(self._file_attr, int_attr(tok.line or 0), int_attr(tok.column or 0))

    def located(self, op: Operation, tok: Token) -> Operation:
        """Set `op.location` to the position of `tok` (the op name) and return `op`."""
        op.location = FileLineColLoc(
            self._file_attr, int_attr(tok.line or 0), int_attr(tok.column or 0)
        )
        return op

    # ------------------------------------------------------------ literals
    def string(self, tok: Token) -> str:
        """The unescaped contents of a STRING token."""
        text = str(tok)
        if "\\" not in text:
            return text[1:-1]
        return StringLiteral(0, len(text), Input(text, self.filename)).string_contents

    def symbol_name(self, tok: Token) -> str:
        """`@foo` -> `foo`, `@"a b"` -> `a b`."""
        text = str(tok)
        if text[1] == '"':
            return StringLiteral(1, len(text), Input(text, self.filename)).string_contents
        return text[1:]

    def resource_interface(self, dialect: str, tok: Token) -> OpAsmDialectInterface:
        """Where `dialect` stores resource blobs (`dense_resource<...>` handles)."""
        found = self.ctx.get_optional_dialect(dialect)
        if found is None:
            raise self.error(f"dialect '{dialect}' is not registered", tok)
        interface = found.get_interface(OpAsmDialectInterface)
        if interface is None:
            raise self.error(f"dialect '{dialect}' has no OpAsmDialectInterface for resources", tok)
        return interface

    # ------------------------------------------------------------ ops
    def op_class(self, name: str, tok: Token) -> type[Operation]:
        op_type = self.ctx.get_optional_op(name)
        if op_type is None:
            raise self.error(f"unknown operation '{name}' (its dialect is not registered)", tok)
        return op_type

    def argument(self, tok: Token, type: Attribute, loc: LocationAttr | None = None) -> Argument:
        return Argument(tok, type, None, loc)

    def add_op(self, op: Operation) -> None:
        """Append a finished top-level or nested op to the block being parsed."""
        if not self.scopes:
            self.top_ops.append(op)
            return
        scope = self.scopes[-1]
        block = scope.block
        if block is None:
            block = scope.block = Block()
            scope.region.add_block(block)
        block.add_op(op)

    # ------------------------------------------------------------ SSA values
    def use(self, tok: Token, type: Attribute) -> SSAValue:
        """The value `tok` names (`%x` or `%x#2`), checked to have type `type`."""
        text = str(tok)
        hash_at = text.find("#", 1)
        if hash_at < 0:
            name, index = text[1:], 0
        else:
            name, index = text[1:hash_at], int(text[hash_at + 1 :])
        entry = self.values.get(name)
        if entry is None:
            refs = self.forward.setdefault(name, {})
            ref = refs.get(index)
            if ref is None:
                value = ForwardDeclaredValue(type)
                refs[index] = (value, tok)
                return value
            value = ref[0]
        else:
            values, depth = entry
            if index >= len(values):
                raise self.error(
                    f"result #{index} of %{name} does not exist: it has {len(values)} values", tok
                )
            value = values[index]
            if self.scopes and depth < self.scopes[-1].depth:
                self.scopes[-1].captures.append((tok, depth))
        if value.type != type:  # MLIR's wording, plus the reference (xDSL) parser's
            raise self.error(
                f"use of value '%{name}' expects different type than prior uses: "
                f"'{type}' vs '{value.type}' (operand is used with type {type})",
                tok,
            )
        return value

    def uses(
        self, toks: Sequence[Token], types: Sequence[Attribute], where: Token | None
    ) -> list[SSAValue]:
        if len(toks) != len(types):
            raise self.error(f"expected {len(toks)} operand types but had {len(types)}", where)
        use = self.use
        return [use(t, ty) for t, ty in zip(toks, types, strict=False)]

    def define(self, tok: Token, values: Sequence[SSAValue]) -> None:
        """Bind the name of `tok` (`%x`) to `values` in the current region."""
        name = str(tok)[1:]
        if name in self.values:
            raise self.error(f"redefinition of SSA value '%{name}'", tok)
        depth = len(self.scopes)
        self.values[name] = (tuple(values), depth)
        if self.scopes:
            self.scopes[-1].defined.append(name)
        refs = self.forward.pop(name, None)
        if refs is not None:
            for index, (placeholder, use_tok) in refs.items():
                if index >= len(values):
                    raise self.error(
                        f"result #{index} of %{name} does not exist: it has {len(values)} values",
                        use_tok,
                    )
                value = values[index]
                if value.type != placeholder.type:
                    raise self.error(
                        f"use of value '%{name}' expects different type than prior uses: "
                        f"'{placeholder.type}' vs '{value.type}' (it is defined with type "
                        f"{value.type})",
                        use_tok,
                    )
                placeholder.replace_all_uses_with(value)
        if SSAValue.is_valid_name(name):
            for value in values:
                value.name_hint = name

    def define_results(self, results: list[tuple[Token, int]], op: Operation, at: Token) -> None:
        bound = sum(size for _, size in results)
        if bound != len(op.results):
            name = op.op_name.data if isinstance(op, UnregisteredOp) else op.name
            raise self.error(
                f"operation '{name}' defines {len(op.results)} results but {bound} names were bound",
                at,
            )
        start = 0
        for tok, size in results:
            self.define(tok, op.results[start : start + size])
            start += size

    # ------------------------------------------------------------ regions and blocks
    def set_entry_args(self, args: Sequence[Argument]) -> None:
        """Declare the entry-block arguments of the next region to open."""
        self.pending_args = args

    def open_region(self) -> None:
        region = Region()
        scope = _RegionScope(region, len(self.scopes) + 1)
        self.scopes.append(scope)
        args = self.pending_args
        if args is not None:
            self.pending_args = None
            block = scope.block = Block(arg_types=[a.type for a in args])
            region.add_block(block)
            for block_arg, arg in zip(block.args, args, strict=False):
                if arg.loc is not None:
                    block_arg.location = arg.loc
                self.define(arg.name, (block_arg,))

    def block_label(self, tok: Token, args: Sequence[Argument] | None) -> None:
        scope = self.scopes[-1]
        name = str(tok)[1:]
        entry = scope.blocks.get(name)
        if entry is None:
            block = Block()
            if not Block.is_default_block_name(name):
                block.name_hint = name
        else:
            block, first_use = entry
            if first_use is None:
                raise self.error(f"redefinition of block '^{name}'", tok)
        if (
            scope.block is not None
            and not scope.region.blocks[0].ops
            and len(scope.region.blocks) == 1
            and scope.region.blocks[0].args
        ):
            raise self.error("invalid block name in region with named arguments", tok)
        scope.blocks[name] = (block, None)
        scope.region.add_block(block)
        scope.block = block
        for arg in args or ():
            block_arg = block.insert_arg(arg.type, len(block.args), arg.loc)
            self.define(arg.name, (block_arg,))

    def successor(self, tok: Token) -> Block:
        scope = self.scopes[-1] if self.scopes else None
        if scope is None:
            raise self.error("successors are only allowed inside a region", tok)
        name = str(tok)[1:]
        entry = scope.blocks.get(name)
        if entry is None:
            block = Block()
            if not Block.is_default_block_name(name):
                block.name_hint = name
            scope.blocks[name] = (block, tok)
            return block
        return entry[0]

    def close_region(self) -> Region:
        scope = self.scopes.pop()
        for name, (_, first_use) in scope.blocks.items():
            if first_use is not None:
                raise self.error(f"reference to an undefined block '^{name}'", first_use)
        values = self.values
        for name in scope.defined:
            del values[name]
        outer = [c for c in scope.captures if c[1] < scope.depth - 1]
        if outer and self.scopes:
            self.scopes[-1].captures.extend(outer)
        self.region_captures[id(scope.region)] = scope.captures
        return scope.region

    def check_isolation(self, op: Operation) -> None:
        """Regions of an IsolatedFromAbove op must not use values defined above it."""
        if not op.regions:
            return
        captures = self.region_captures
        if not isinstance(op, UnregisteredOp) and op.has_trait(IsolatedFromAbove):
            for region in op.regions:
                for tok, _ in captures.get(id(region), ()):
                    raise self.error(
                        f"use of undefined value {tok} (values defined above '{op.name}' "
                        "are not visible: it is IsolatedFromAbove)",
                        tok,
                    )
        for region in op.regions:
            captures.pop(id(region), None)

    def finish(self) -> None:
        """Report forward references that were never defined."""
        if self.forward:
            refs = [tok for r in self.forward.values() for _, tok in r.values()]
            first = min(refs, key=lambda t: (t.line or 0, t.column or 0))
            raise self.error(f"use of undefined value {str(first).split('#')[0]}", first)
