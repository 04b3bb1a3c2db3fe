"""Kernels at loop level: `loop.func` and its terminator `loop.return`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from xdsl.dialects.builtin import AnyFloat, IndexType, IntegerAttr, IntegerType, MemRefType
from xdsl.ir import Attribute, Block, BlockArgument, Region
from xdsl.irdl import IRDLOperation, irdl_op_definition, lazy_traits_def, region_def, traits_def
from xdsl.traits import HasParent, IsolatedFromAbove, IsTerminator, Pure, SymbolOpInterface
from xdsl.utils.exceptions import VerifyException

from dlir.dialects.func_like import BufferFuncOp, FuncLikeCallable, buffer_func_properties


@irdl_op_definition
class ReturnOp(IRDLOperation):
    """Terminator of a `loop.func` body; results live in the output buffers.

        loop.return
    """

    name = "loop.return"

    traits = lazy_traits_def(lambda: (IsTerminator(), HasParent(FuncOp), Pure()))
    assembly_format = "attr-dict"


def is_scalar(type: Attribute) -> bool:
    """Whether `type` is a scalar a loop kernel may take: index, integer or float."""
    return isinstance(type, IndexType | IntegerType | AnyFloat)


@irdl_op_definition
class FuncOp(BufferFuncOp):
    """A loop-level kernel in destination-passing style: inputs, then output buffers.

        loop.func @add(%a: memref<16xf32>, %b: memref<16xf32>, %c: memref<16xf32>)
            attributes {num_outputs = 1 : i64} {
          ...
          loop.return
        }

    It prints exactly like `func.func` (with no result types; the syntax is
    `BufferFuncOp`'s, in `func_like.py`); the last `num_outputs` arguments are the output
    buffers, which must be memrefs. The other arguments are memrefs or scalars (index,
    integer, float).
    """

    name = "loop.func"

    body = region_def("single_block")

    traits = traits_def(IsolatedFromAbove(), SymbolOpInterface(), FuncLikeCallable())

    # A missing `num_outputs` is a parse error, not only a verification error.
    REQUIRED_ATTRIBUTES: ClassVar[tuple[str, ...]] = ("num_outputs",)

    def __init__(
        self,
        name: str,
        inputs: Sequence[Attribute],
        outputs: Sequence[Attribute],
        body: Region | None = None,
    ):
        types = [*inputs, *outputs]
        if body is None:
            body = Region(Block([ReturnOp()], arg_types=types))
        super().__init__(
            properties=buffer_func_properties(name, types),
            attributes={"num_outputs": IntegerAttr(len(outputs), 64)},
            regions=[body],
        )

    @property
    def inputs(self) -> tuple[BlockArgument, ...]:
        """The arguments that are read: all but the last `num_outputs`."""
        return self.args[: len(self.args) - self.num_outputs.value.data]

    def verify_(self) -> None:
        self.verify_signature("outputs are buffer arguments", "entry block")
        types = self.function_type.inputs.data
        count = self.num_outputs.value.data
        if not 0 <= count <= len(types):
            raise VerifyException(
                f"num_outputs = {count} is out of range: the function has {len(types)} arguments"
            )
        for index, type in enumerate(types):
            if index >= len(types) - count and not isinstance(type, MemRefType):
                raise VerifyException(
                    f"output {index - (len(types) - count)} (argument {index}) must be a "
                    f"memref, found {type}"
                )
            if not isinstance(type, MemRefType) and not is_scalar(type):
                raise VerifyException(
                    f"argument {index} must be a memref, index, integer or float, found {type}"
                )
