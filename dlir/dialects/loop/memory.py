"""Buffers at loop level: allocation with a memory scope, affine loads and stores."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar, Self

from xdsl.dialects.builtin import (
    I64,
    AffineMapAttr,
    IndexType,
    IntegerAttr,
    MemRefType,
    NoneAttr,
    StringAttr,
    VectorType,
)
from xdsl.ir import Attribute, Operation, SSAValue
from xdsl.ir.affine import AffineMap
from xdsl.irdl import (
    IRDLOperation,
    irdl_op_definition,
    operand_def,
    opt_prop_def,
    prop_def,
    result_def,
    traits_def,
    var_operand_def,
)
from xdsl.parser import Parser, UnresolvedOperand
from xdsl.printer import Printer
from xdsl.traits import MemoryAllocEffect, MemoryFreeEffect, MemoryReadEffect, MemoryWriteEffect
from xdsl.utils.exceptions import VerifyException
from xdsl.utils.hints import isa

from dlir.dialects.loop.access import (
    IndexLike,
    build_access,
    canonical_access,
    parse_access,
    print_access,
    verify_access,
)

MEMORY_SCOPES = (
    "global",
    "local",
    "packed",
    "shared",
    "input",
    "weight",
    "acc",
    "vta.inp",
    "vta.wgt",
    "vta.acc",
)
"""Where a `loop.alloc` may place a buffer: host memory (`global`), a thread-local scratch
tile (`local`), a re-laid-out copy (`packed`), memory shared by a parallel loop's
iterations (`shared`), and an accelerator's input, weight and accumulator buffers (the
VTA target's on-chip SRAMs are `vta.inp`, `vta.wgt`, `vta.acc`)."""


@irdl_op_definition
class AllocOp(IRDLOperation):
    """Allocate a statically shaped buffer in a memory scope.

        %tile = loop.alloc "local" align 64 : memref<6x16xf32>

    The memref's memory space, if it has one, must be the scope as a string
    (`memref<16x16xi8, "input">`).
    """

    name = "loop.alloc"

    scope = prop_def(StringAttr)
    alignment = opt_prop_def(IntegerAttr[I64])
    memref = result_def(MemRefType)

    traits = traits_def(MemoryAllocEffect())
    assembly_format = "$scope (`align` $alignment^)? attr-dict `:` type($memref)"

    def __init__(self, type: MemRefType, scope: str = "global", alignment: int | None = None):
        super().__init__(
            properties={
                "scope": StringAttr(scope),
                "alignment": None if alignment is None else IntegerAttr(alignment, 64),
            },
            result_types=[type],
        )

    def verify_(self) -> None:
        scope = self.scope.data
        if scope not in MEMORY_SCOPES:
            raise VerifyException(
                f"unknown memory scope '{scope}': expected one of {', '.join(MEMORY_SCOPES)}"
            )
        assert isa(self.memref.type, MemRefType)
        if not self.memref.type.has_static_shape():
            raise VerifyException(f"expected a static shape, found {self.memref.type}")
        space = self.memref.type.memory_space
        if not isinstance(space, NoneAttr) and space != self.scope:
            raise VerifyException(
                f"memory space differs from the scope: expected {self.scope}, found {space}"
            )
        if self.alignment is not None:
            align = self.alignment.value.data
            if align <= 0 or align & (align - 1):
                raise VerifyException(f"alignment must be a power of two, found {align}")


@irdl_op_definition
class FreeOp(IRDLOperation):
    """Release a buffer made by `loop.alloc`.

        loop.free %tile : memref<6x16xf32>
    """

    name = "loop.free"

    memref = operand_def(MemRefType)

    traits = traits_def(MemoryFreeEffect())
    assembly_format = "$memref attr-dict `:` type($memref)"

    def __init__(self, memref: SSAValue | Operation):
        super().__init__(operands=[memref])


def _memref_type(value: SSAValue) -> MemRefType:
    assert isa(value.type, MemRefType)
    return value.type


def _parse_memref_type(parser: Parser) -> MemRefType:
    pos = parser.pos
    type = parser.parse_type()
    if not isa(type, MemRefType):
        parser.raise_error(f"expected a memref type, found {type}", pos, parser.pos)
    return type


def _verify_vector(vector: Attribute, memref: MemRefType) -> None:
    assert isa(vector, VectorType)
    if vector.get_num_dims() != 1:
        raise VerifyException(f"expected a 1-D vector, found {vector}")
    if vector.get_element_type() != memref.get_element_type():
        raise VerifyException(
            f"element types differ: {vector.get_element_type()} (vector) vs "
            f"{memref.get_element_type()} (memref)"
        )
    if memref.get_num_dims() == 0:
        raise VerifyException("expected a memref of rank at least 1 for a vector access")
    lanes, inner = vector.get_shape()[0], memref.get_shape()[-1]
    if inner >= 0 and lanes > inner:
        raise VerifyException(
            f"vector of {lanes} elements does not fit the innermost dimension of size {inner}"
        )


def _access_parts(
    memref: SSAValue | Operation, indices: Sequence[IndexLike]
) -> tuple[SSAValue, tuple[SSAValue, ...], AffineMapAttr]:
    map, operands = build_access(indices)
    return SSAValue.get(memref), operands, AffineMapAttr(map)


class AccessOp(IRDLOperation):
    """Base of the loads and stores: a buffer element (or vector) at an affine index.

    Hand-written syntax, one for all four (index-list: see `access.py`):

        access ::= op-name (ssa-use `,`)? ssa-use index-list `:` memref-type (`,` vector-type)?

    A store names its value first; a vector access ends with its vector type. Subclasses
    declare the stored `value` operand or the loaded `result`; IRDL collects a subclass's
    fields before its base's, so a stored value comes before the memref.
    """

    memref = operand_def(MemRefType)
    indices = var_operand_def(IndexType)
    map = prop_def(AffineMapAttr)

    # Whether the op writes the buffer (its first operand is the value stored) ...
    STORES: ClassVar[bool] = False
    # ... and whether it moves a 1-D vector rather than one element.
    VECTOR: ClassVar[bool] = False

    def data_type(self) -> Attribute:
        """The type of the value stored or loaded."""
        return self.operands[0].type if self.STORES else self.results[0].type

    def verify_(self) -> None:
        memref = _memref_type(self.memref)
        verify_access(self.map.data, self.indices, memref.get_num_dims())
        if self.VECTOR:
            _verify_vector(self.data_type(), memref)
        elif self.data_type() != memref.get_element_type():
            what = "stored value" if self.STORES else "result"
            raise VerifyException(
                f"{what} type differs from the memref element type: "
                f"{self.data_type()} vs {memref.get_element_type()}"
            )

    @classmethod
    def parse(cls, parser: Parser) -> Self:
        value: UnresolvedOperand | None = None
        if cls.STORES:
            value = parser.parse_unresolved_operand()
            parser.parse_punctuation(",")
        memref = parser.parse_unresolved_operand()
        map, indices = parse_access(parser)
        parser.parse_punctuation(":")
        type = _parse_memref_type(parser)
        data_type = type.get_element_type()
        if cls.VECTOR:
            parser.parse_punctuation(",")
            data_type = parser.parse_type()
        operands: list[SSAValue] = []
        if value is not None:
            operands.append(parser.resolve_operand(value, data_type))
        operands += [parser.resolve_operand(memref, type), *indices]
        return cls.create(
            operands=operands,
            properties={"map": AffineMapAttr(map)},
            result_types=[] if cls.STORES else [data_type],
        )

    def print(self, printer: Printer) -> None:
        printer.print_string(" ")
        if self.STORES:
            printer.print_ssa_value(self.operands[0])
            printer.print_string(", ")
        printer.print_ssa_value(self.memref)
        print_access(printer, self.map.data, self.indices)
        printer.print_string(" : ")
        printer.print_attribute(self.memref.type)
        if self.VECTOR:
            printer.print_string(", ")
            printer.print_attribute(self.data_type())


@irdl_op_definition
class LoadOp(AccessOp):
    """Read one element at an affine index.

        %v = loop.load %A[%io * 64 + %ii, %k] : memref<1024x1024xf32>

    Syntax: `loop.load` ssa-use index-list `:` memref-type (see `AccessOp`).
    """

    name = "loop.load"

    result = result_def()

    traits = traits_def(MemoryReadEffect())

    def __init__(self, memref: SSAValue | Operation, indices: Sequence[IndexLike]):
        buffer, operands, map = _access_parts(memref, indices)
        super().__init__(
            operands=[buffer, operands],
            properties={"map": map},
            result_types=[_memref_type(buffer).get_element_type()],
        )

    @classmethod
    def from_map(
        cls, memref: SSAValue | Operation, map: AffineMap, operands: Sequence[SSAValue]
    ) -> LoadOp:
        """A load at `map` applied to `operands`, put in canonical form."""
        map, operands = canonical_access(map, operands)
        buffer = SSAValue.get(memref)
        return cls.create(
            operands=[buffer, *operands],
            properties={"map": AffineMapAttr(map)},
            result_types=[_memref_type(buffer).get_element_type()],
        )


@irdl_op_definition
class StoreOp(AccessOp):
    """Write one element at an affine index.

        loop.store %v, %C[%i, %j + 1] : memref<64x64xf32>

    Syntax: `loop.store` ssa-use `,` ssa-use index-list `:` memref-type (see `AccessOp`).
    """

    name = "loop.store"

    value = operand_def()

    traits = traits_def(MemoryWriteEffect())

    STORES: ClassVar[bool] = True

    def __init__(
        self,
        value: SSAValue | Operation,
        memref: SSAValue | Operation,
        indices: Sequence[IndexLike],
    ):
        buffer, operands, map = _access_parts(memref, indices)
        super().__init__(operands=[value, buffer, operands], properties={"map": map})


@irdl_op_definition
class VLoadOp(AccessOp):
    """Read consecutive elements of the innermost dimension into a 1-D vector.

        %v = loop.vload %B[%k, %j * 8] : memref<64x64xf32>, vector<8xf32>

    Syntax: `loop.vload` ssa-use index-list `:` memref-type `,` vector-type (see
    `AccessOp`). The index is the first element read.
    """

    name = "loop.vload"

    result = result_def(VectorType)

    traits = traits_def(MemoryReadEffect())

    VECTOR: ClassVar[bool] = True

    def __init__(
        self, memref: SSAValue | Operation, indices: Sequence[IndexLike], type: VectorType
    ):
        buffer, operands, map = _access_parts(memref, indices)
        super().__init__(
            operands=[buffer, operands], properties={"map": map}, result_types=[type]
        )


@irdl_op_definition
class VStoreOp(AccessOp):
    """Write a 1-D vector to consecutive elements of the innermost dimension.

        loop.vstore %v, %C[%i, %j * 8] : memref<64x64xf32>, vector<8xf32>

    Syntax: `loop.vstore` ssa-use `,` ssa-use index-list `:` memref-type `,` vector-type
    (see `AccessOp`).
    """

    name = "loop.vstore"

    value = operand_def(VectorType)

    traits = traits_def(MemoryWriteEffect())

    STORES: ClassVar[bool] = True
    VECTOR: ClassVar[bool] = True

    def __init__(
        self,
        value: SSAValue | Operation,
        memref: SSAValue | Operation,
        indices: Sequence[IndexLike],
    ):
        buffer, operands, map = _access_parts(memref, indices)
        super().__init__(operands=[value, buffer, operands], properties={"map": map})
