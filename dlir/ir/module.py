"""`IRModule`: the unified module that holds every function variant of a program.

    builtin.module {
      graph.func @mlp(%x: tensor<64x784xf32>, ...) -> tensor<64x256xf32> {
        %0 = graph.call_dps @fused_matmul_add_relu(%x, %w, %b) : (...) -> tensor<64x256xf32>
        graph.return %0 : tensor<64x256xf32>
      }
      te.kernel @fused_matmul_add_relu(...) -> tensor<64x256xf32> { ... }
    }

It wraps a `builtin.module` without copying it: look functions up by symbol, tell their
variant, add, replace, remove and iterate them, clone the whole module, and compare or
hash modules structurally (SSA names, name hints and source locations do not count).
"""

from __future__ import annotations

import difflib
import hashlib
from collections.abc import Iterator

from xdsl.dialects.builtin import LocationAttr, ModuleOp, StringAttr
from xdsl.ir import Attribute, Block, Operation, SSAValue

from dlir.ir.variants import Variant, variant_of


class IRModule:
    """A `builtin.module` seen as a table of named functions of any variant."""

    def __init__(self, op: ModuleOp | None = None) -> None:
        self.op = op if op is not None else ModuleOp([])

    @classmethod
    def parse(cls, text: str, filename: str = "<string>") -> IRModule:
        """Parse MLIR text (dlir's parser) into a module."""
        from dlir.parser import parse_module

        return cls(parse_module(text, filename))

    # --- symbols -------------------------------------------------------------------

    def __iter__(self) -> Iterator[str]:
        """Symbol names of the module's top-level functions, in order."""
        return (name for name, _ in self.items())

    def items(self) -> Iterator[tuple[str, Operation]]:
        """`(symbol name, op)` for each top-level op that defines a symbol."""
        for op in self.op.body.block.ops:
            name = symbol_name(op)
            if name is not None:
                yield name, op

    def __len__(self) -> int:
        return sum(1 for _ in self.items())

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and self.get(name) is not None

    def get(self, name: str) -> Operation | None:
        """The op defining symbol `name`, or None."""
        return next((op for n, op in self.items() if n == name), None)

    def __getitem__(self, name: str) -> Operation:
        op = self.get(name)
        if op is None:
            close = difflib.get_close_matches(name, list(self), n=1)
            hint = f"; did you mean @{close[0]}?" if close else ""
            raise KeyError(f"no symbol @{name} in the module{hint}")
        return op

    def variant(self, name: str) -> Variant | None:
        """The variant of function `name` (graph, te, loop, hw, func, llvm)."""
        return variant_of(self[name])

    def functions(self, variant: Variant | None = None) -> Iterator[tuple[str, Operation]]:
        """Callable symbols, optionally only those of one variant."""
        for name, op in self.items():
            v = variant_of(op)
            if v is not None and (variant is None or v is variant):
                yield name, op

    # --- edits -----------------------------------------------------------------------

    def add(self, op: Operation) -> Operation:
        """Append a symbol-defining op; its name must be new."""
        name = symbol_name(op)
        if name is None:
            raise ValueError(f"'{op.name}' defines no symbol (no sym_name)")
        if name in self:
            raise ValueError(f"symbol @{name} is already defined in the module")
        self.op.body.block.add_op(op)
        return op

    def replace(self, name: str, new: Operation) -> Operation:
        """Put `new` where function `name` was (e.g. a lowered variant of it)."""
        old = self[name]
        new_name = symbol_name(new)
        if new_name != name and new_name in self:
            raise ValueError(f"symbol @{new_name} is already defined in the module")
        block = self.op.body.block
        block.insert_op_before(new, old)
        block.erase_op(old)
        return new

    def remove(self, name: str) -> Operation:
        """Detach function `name` from the module and return it."""
        op = self[name]
        op.detach()
        return op

    def clone(self) -> IRModule:
        return IRModule(self.op.clone())

    # --- comparison --------------------------------------------------------------------

    def __eq__(self, other: object) -> bool:
        return isinstance(other, IRModule) and self.op.is_structurally_equivalent(other.op)

    def __hash__(self) -> int:
        return int(self.structural_hash()[:16], 16)

    def structural_hash(self) -> str:
        """A hex digest that is equal for structurally equal modules, in any process."""
        return structural_hash(self.op)

    def __str__(self) -> str:
        from dlir.parser import print_module

        return print_module(self.op)


def symbol_name(op: Operation) -> str | None:
    """The `sym_name` an op defines, if any."""
    attr = op.properties.get("sym_name") or op.attributes.get("sym_name")
    return attr.data if isinstance(attr, StringAttr) else None


def structural_hash(op: Operation) -> str:
    """SHA-256 of a canonical walk: op names, attributes, types, value and block numbering."""
    digest = hashlib.sha256()
    values: dict[SSAValue, int] = {}
    blocks: dict[Block, int] = {}

    def feed(text: str) -> None:
        digest.update(text.encode())
        digest.update(b"\x00")

    def number(value: SSAValue) -> int:
        return values.setdefault(value, len(values))

    def attrs(items: dict[str, Attribute]) -> None:
        for key in sorted(items):
            if not isinstance(items[key], LocationAttr):
                feed(f"{key}={items[key]}")

    def visit(op: Operation) -> None:
        feed(op.name)
        feed(",".join(str(number(v)) for v in op.operands))
        attrs(op.properties)
        feed("|")
        attrs(op.attributes)
        feed(",".join(f"{number(r)}:{r.type}" for r in op.results))
        feed(",".join(str(blocks.setdefault(b, len(blocks))) for b in op.successors))
        for region in op.regions:
            feed("{")
            for block in region.blocks:
                blocks.setdefault(block, len(blocks))
            for block in region.blocks:
                feed(f"^{blocks[block]}(" + ",".join(f"{number(a)}:{a.type}" for a in block.args))
                for inner in block.ops:
                    visit(inner)
            feed("}")

    visit(op)
    return digest.hexdigest()
