"""Resource blobs: `dense_resource<w>` handles and the `{-# dialect_resources #-}` section.

    %w = graph.constant dense_resource<w> : tensor<1024x1024xf32>
    {-# dialect_resources: { builtin: { w: "0x04000000..." } } #-}

Blobs live in the dialect's `OpAsmDialectInterface` store, which is shared by every module
of the process. A blob's identity is its content: a handle that is already stored with the
same bytes is reused, and one stored with *different* bytes gets a fresh name, which is
then substituted in the module just parsed. So parsing two files that both call their
weight `w` never mixes them up, and re-parsing printed text gives back the same handles.
"""

from __future__ import annotations

from xdsl.dialect_interfaces.op_asm import OpAsmDialectInterface
from xdsl.dialects.builtin import DenseResourceAttr, ModuleOp
from xdsl.ir import Attribute


class ResourceLoader:
    """The resource bookkeeping of one parse."""

    def __init__(self) -> None:
        self.renames: dict[str, str] = {}

    def handle(self, interface: OpAsmDialectInterface, key: str) -> str:
        """A `dense_resource<key>` reference: declare the key if the store lacks it."""
        if interface.lookup(key) is None:
            interface.declare_resource(key)
        return key

    def blob(self, interface: OpAsmDialectInterface, key: str, value: str) -> None:
        """A `key: "0x..."` entry of the resources section."""
        if not value.startswith("0x"):
            raise ValueError(f"resource '{key}' must be a hex string \"0x...\"")
        stored = interface.lookup(key)
        if stored is None or stored == "":
            if stored is None:
                interface.declare_resource(key)
            interface.parse_resource(key, value)
        elif stored != value:
            fresh = interface.declare_resource(key)
            interface.parse_resource(fresh, value)
            self.renames[key] = fresh

    def finish(self, module: ModuleOp) -> None:
        """Point renamed handles in `module` at their fresh names."""
        if not self.renames:
            return
        for op in module.walk():
            for attrs in (op.properties, op.attributes):
                for name, attr in attrs.items():
                    attrs[name] = self._renamed(attr)

    def _renamed(self, attr: Attribute) -> Attribute:
        if isinstance(attr, DenseResourceAttr) and attr.resource_handle.data in self.renames:
            return DenseResourceAttr.from_params(
                self.renames[attr.resource_handle.data], attr.type
            )
        return attr
