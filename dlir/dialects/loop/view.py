"""Sub-buffers: `loop.subview`, a statically shaped window into a buffer.

    %t = loop.subview %C[%i * 6, %j * 16] : memref<1024x1024xf32> to memref<6x16xf32, strided<[1024, 1], offset: ?>>

The window starts at the affine index (same syntax and canonical form as `loop.load`'s,
see `access.py`) and has the result's static shape; it steps by one element in every
dimension, so its strides are the source's. The result may drop unit dimensions (rank
reduction, as in MLIR): a `memref<16xf32, strided<[1]>>` row of a 64x16 buffer. It is how
tensorization hands a region of a buffer to an `hw.call`; no data moves.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Self

from xdsl.dialects.builtin import AffineMapAttr, IndexType, MemRefType, StridedLayoutAttr
from xdsl.ir import Operation, SSAValue
from xdsl.ir.affine import AffineConstantExpr
from xdsl.irdl import (
    IRDLOperation,
    irdl_op_definition,
    operand_def,
    prop_def,
    result_def,
    traits_def,
    var_operand_def,
)
from xdsl.parser import Parser
from xdsl.printer import Printer
from xdsl.traits import Pure
from xdsl.utils.exceptions import VerifyException
from xdsl.utils.hints import isa

from dlir.dialects.loop.access import (
    IndexLike,
    build_access,
    parse_access,
    print_access,
    verify_access,
)


def _format(values: Sequence[int | None]) -> str:
    return "[" + ", ".join("?" if v is None else str(v) for v in values) + "]"


def kept_dims(source: MemRefType, result: MemRefType) -> list[int] | None:
    """The source dims the result keeps, in order (the others have size 1), chosen so
    that the strides and sizes fit; None when no choice does."""
    src_strides, res_strides = source.get_strides(), result.get_strides()
    if src_strides is None or res_strides is None:
        return None
    src_shape, res_shape = source.get_shape(), result.get_shape()

    def search(d: int, e: int) -> list[int] | None:
        if e == len(res_shape):
            return [] if all(size != 0 for size in src_shape[d:]) else None
        if d == len(src_shape):
            return None
        fits = (src_shape[d] < 0 or res_shape[e] <= src_shape[d]) and src_strides[d] == res_strides[
            e
        ]
        if fits and (rest := search(d + 1, e + 1)) is not None:
            return [d, *rest]
        return search(d + 1, e)

    return search(0, 0)


def subview_type(
    source: MemRefType, kept: Sequence[int], shape: Sequence[int], offset: int | None = None
) -> MemRefType:
    """The type of a `shape` window into `source` keeping the source dims `kept` (the
    others: size 1, dropped), at element `offset` (None: dynamic, `?`)."""
    strides = source.get_strides()
    assert strides is not None
    return MemRefType(
        source.get_element_type(),
        shape,
        StridedLayoutAttr([strides[d] for d in kept], offset),
        source.memory_space,
    )


@irdl_op_definition
class SubviewOp(IRDLOperation):
    """A window of a buffer at an affine index, shaped like the result.

        %t = loop.subview %C[%i * 6, %j * 16] : memref<1024x1024xf32> to memref<6x16xf32, strided<[1024, 1], offset: ?>>

    Syntax: `loop.subview` ssa-use index-list `:` memref-type `to` memref-type. The
    result's strides are the source's (of the dims it keeps: it may drop unit dims); its
    offset is `?`, or the exact element offset when every index is a constant.
    """

    name = "loop.subview"

    source = operand_def(MemRefType)
    indices = var_operand_def(IndexType)
    map = prop_def(AffineMapAttr)
    result = result_def(MemRefType)

    traits = traits_def(Pure())

    def __init__(
        self, source: SSAValue | Operation, indices: Sequence[IndexLike], type: MemRefType
    ):
        map, operands = build_access(indices)
        super().__init__(
            operands=[source, operands],
            properties={"map": AffineMapAttr(map)},
            result_types=[type],
        )

    def verify_(self) -> None:
        assert isa(self.source.type, MemRefType) and isa(self.result.type, MemRefType)
        source, result = self.source.type, self.result.type
        verify_access(self.map.data, self.indices, source.get_num_dims())
        if source.get_element_type() != result.get_element_type():
            raise VerifyException(
                f"element type differs: {result.get_element_type()} (result) vs "
                f"{source.get_element_type()} (source)"
            )
        if source.memory_space != result.memory_space:
            raise VerifyException(
                f"memory space differs: {result.memory_space} (result) vs "
                f"{source.memory_space} (source)"
            )
        if not result.has_static_shape():
            raise VerifyException(f"the result must have a static shape, found {result}")
        src_strides, res_strides = source.get_strides(), result.get_strides()
        if src_strides is None or res_strides is None:
            raise VerifyException("source and result must have strided layouts")
        if result.get_num_dims() > source.get_num_dims():
            raise VerifyException(
                f"the result has rank {result.get_num_dims()}, more than the source's "
                f"{source.get_num_dims()}"
            )
        kept = kept_dims(source, result)
        if kept is None:
            raise VerifyException(
                f"result shape {_format(result.get_shape())} with strides "
                f"{_format(res_strides)} is not a window of the source (shape "
                f"{_format(source.get_shape())}, strides {_format(src_strides)}): expected "
                f"the source's strides for the dims kept, sizes at most the source's, and "
                f"size 1 for the dims dropped"
            )
        offsets = [
            e.value if isinstance(e, AffineConstantExpr) else None for e in self.map.data.results
        ]
        self._verify_bounds(source, result, kept, offsets)
        found = result.get_offset()
        if found is None:
            return
        expected = source.get_offset()
        for offset, stride in zip(offsets, src_strides, strict=True):
            if expected is None or offset is None or stride is None:
                expected = None
                break
            expected += offset * stride
        if expected != found:
            legal = "?" if expected is None else f"? or {expected}"
            raise VerifyException(f"result offset {found} is wrong: expected {legal}")

    def _verify_bounds(
        self, source: MemRefType, result: MemRefType, kept: list[int], offsets: list[int | None]
    ) -> None:
        sizes = [1] * source.get_num_dims()
        for d, size in zip(kept, result.get_shape(), strict=True):
            sizes[d] = size
        for d, (offset, size, extent) in enumerate(
            zip(offsets, sizes, source.get_shape(), strict=True)
        ):
            if offset is None:
                continue
            if offset < 0 or (extent >= 0 and offset + size > extent):
                raise VerifyException(
                    f"window [{offset}, {offset + size}) of dim {d} is outside the source's "
                    f"[0, {extent})"
                )

    @classmethod
    def parse(cls, parser: Parser) -> Self:
        source = parser.parse_unresolved_operand()
        map, indices = parse_access(parser)
        parser.parse_punctuation(":")
        pos = parser.pos
        source_type = parser.parse_type()
        if not isa(source_type, MemRefType):
            parser.raise_error(f"expected a memref type, found {source_type}", pos, parser.pos)
        parser.parse_keyword("to")
        pos = parser.pos
        result_type = parser.parse_type()
        if not isa(result_type, MemRefType):
            parser.raise_error(f"expected a memref type, found {result_type}", pos, parser.pos)
        return cls.create(
            operands=[parser.resolve_operand(source, source_type), *indices],
            properties={"map": AffineMapAttr(map)},
            result_types=[result_type],
        )

    def print(self, printer: Printer) -> None:
        printer.print_string(" ")
        printer.print_ssa_value(self.source)
        print_access(printer, self.map.data, self.indices)
        printer.print_string(" : ")
        printer.print_attribute(self.source.type)
        printer.print_string(" to ")
        printer.print_attribute(self.result.type)
