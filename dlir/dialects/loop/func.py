"""Kernels at loop level: `loop.func` and its terminator `loop.return`."""

from __future__ import annotations

from collections.abc import Sequence

from xdsl.dialects.builtin import (
    I64,
    AnyFloat,
    FunctionType,
    IndexType,
    IntegerAttr,
    IntegerType,
    MemRefType,
    StringAttr,
    SymbolNameConstraint,
)
from xdsl.dialects.utils import parse_func_op_like, print_func_op_like
from xdsl.ir import Attribute, Block, BlockArgument, Operation, Region
from xdsl.irdl import (
    IRDLOperation,
    attr_def,
    irdl_op_definition,
    lazy_traits_def,
    prop_def,
    region_def,
    traits_def,
)
from xdsl.parser import Parser
from xdsl.printer import Printer
from xdsl.traits import (
    CallableOpInterface,
    HasParent,
    IsolatedFromAbove,
    IsTerminator,
    Pure,
    SymbolOpInterface,
)
from xdsl.utils.exceptions import VerifyException


class _FuncCallable(CallableOpInterface):
    @classmethod
    def get_callable_region(cls, op: Operation) -> Region:
        assert isinstance(op, FuncOp)
        return op.body

    @classmethod
    def get_argument_types(cls, op: Operation) -> tuple[Attribute, ...]:
        assert isinstance(op, FuncOp)
        return op.function_type.inputs.data

    @classmethod
    def get_result_types(cls, op: Operation) -> tuple[Attribute, ...]:
        return ()


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
class FuncOp(IRDLOperation):
    """A loop-level kernel in destination-passing style: inputs, then output buffers.

        loop.func @add(%a: memref<16xf32>, %b: memref<16xf32>, %c: memref<16xf32>)
            attributes {num_outputs = 1 : i64} {
          ...
          loop.return
        }

    It prints exactly like `func.func` (with no result types); the last `num_outputs`
    arguments are the output buffers, which must be memrefs. The other arguments are
    memrefs or scalars (index, integer, float).
    """

    name = "loop.func"

    body = region_def("single_block")
    sym_name = prop_def(SymbolNameConstraint())
    function_type = prop_def(FunctionType)
    num_outputs = attr_def(IntegerAttr[I64])

    traits = traits_def(IsolatedFromAbove(), SymbolOpInterface(), _FuncCallable())

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
            properties={
                "sym_name": StringAttr(name),
                "function_type": FunctionType.from_lists(types, []),
            },
            attributes={"num_outputs": IntegerAttr(len(outputs), 64)},
            regions=[body],
        )

    @property
    def args(self) -> tuple[BlockArgument, ...]:
        return self.body.block.args

    @property
    def inputs(self) -> tuple[BlockArgument, ...]:
        """The arguments that are read: all but the last `num_outputs`."""
        return self.args[: len(self.args) - self.num_outputs.value.data]

    @property
    def outputs(self) -> tuple[BlockArgument, ...]:
        """The output buffers: the last `num_outputs` arguments."""
        return self.args[len(self.args) - self.num_outputs.value.data :]

    def verify_(self) -> None:
        types = self.function_type.inputs.data
        if self.function_type.outputs.data:
            raise VerifyException(
                f"expected no results (outputs are buffer arguments), "
                f"found {len(self.function_type.outputs.data)}"
            )
        block_types = tuple(self.body.block.arg_types)
        if block_types != types:
            raise VerifyException(
                f"entry block argument types differ from the function type: "
                f"({', '.join(map(str, block_types))}) vs ({', '.join(map(str, types))})"
            )
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

    @classmethod
    def parse(cls, parser: Parser) -> FuncOp:
        pos = parser.pos
        name, inputs, results, body, extra, arg_attrs, res_attrs = parse_func_op_like(
            parser, reserved_attr_names=("sym_name", "function_type")
        )
        if results or arg_attrs is not None or res_attrs is not None:
            parser.raise_error(
                "loop.func takes no result types and no argument attributes", pos, parser.pos
            )
        attrs = {} if extra is None else dict(extra.data)
        if "num_outputs" not in attrs:
            parser.raise_error("loop.func needs 'num_outputs' in its attributes", pos, parser.pos)
        op = cls.create(
            properties={
                "sym_name": StringAttr(name),
                "function_type": FunctionType.from_lists(inputs, []),
            },
            attributes=attrs,
            regions=[body],
        )
        return op

    def print(self, printer: Printer) -> None:
        print_func_op_like(
            printer,
            self.sym_name,
            self.function_type,
            self.body,
            self.attributes,
            reserved_attr_names=("sym_name", "function_type"),
        )
