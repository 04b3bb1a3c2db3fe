"""What the function-like ops share: a symbol name, a signature, a body and func.func's syntax.

`graph.func`, `te.kernel`, `loop.func` and `hw.intrinsic` print exactly like `func.func`
(xDSL's `print_func_op_like` / `parse_func_op_like`), so one grammar rule covers them all:

    graph.func private @f(%x: tensor<4xf32>) -> tensor<4xf32> attributes {a} { ... }
    loop.func @k(%a: memref<16xf32>, %c: memref<16xf32>) attributes {num_outputs = 1 : i64} { ... }

They come in two flavours, each with its syntax written once here:

* `SymbolFuncOp` (`graph.func`, `te.kernel`): tensors in, tensors out; an optional
  visibility and argument and result attributes, as `func.func`.
* `BufferFuncOp` (`loop.func`, `hw.intrinsic`): destination-passing style over buffers;
  no result types, no visibility and no argument attributes; the last `num_outputs`
  arguments are the outputs.

Each op keeps its own verifier and builder: what the signature may hold differs per level.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar, Self

from xdsl.dialects.builtin import (
    I64,
    ArrayAttr,
    DictionaryAttr,
    FunctionType,
    IntegerAttr,
    StringAttr,
    SymbolNameConstraint,
)
from xdsl.dialects.utils import parse_func_op_like, print_func_op_like
from xdsl.ir import Attribute, BlockArgument, Operation, Region
from xdsl.irdl import IRDLOperation, attr_def, opt_prop_def, prop_def, region_def
from xdsl.parser import Parser
from xdsl.printer import Printer
from xdsl.traits import CallableOpInterface
from xdsl.utils.exceptions import VerifyException


def type_list(types: Sequence[Attribute]) -> str:
    """`(tensor<4xf32>, f32)`: a list of types as the verifiers' messages show it."""
    return f"({', '.join(map(str, types))})"


class FuncLikeOp(IRDLOperation):
    """Base of the ops with a symbol name, a function type and a body (see the module)."""

    # Subclasses whose body is one block redeclare it as `region_def("single_block")`.
    body = region_def()
    sym_name = prop_def(SymbolNameConstraint())
    function_type = prop_def(FunctionType)

    @property
    def args(self) -> tuple[BlockArgument, ...]:
        """The entry block's arguments."""
        return self.body.block.args


class FuncLikeCallable(CallableOpInterface):
    """A function-like op is callable: its body, with its function type's inputs and outputs."""

    @classmethod
    def get_callable_region(cls, op: Operation) -> Region:
        assert isinstance(op, FuncLikeOp)
        return op.body

    @classmethod
    def get_argument_types(cls, op: Operation) -> tuple[Attribute, ...]:
        assert isinstance(op, FuncLikeOp)
        return op.function_type.inputs.data

    @classmethod
    def get_result_types(cls, op: Operation) -> tuple[Attribute, ...]:
        assert isinstance(op, FuncLikeOp)
        return op.function_type.outputs.data


def symbol_func_properties(
    name: str,
    function_type: FunctionType,
    visibility: str | None = None,
    arg_attrs: ArrayAttr[DictionaryAttr] | None = None,
    res_attrs: ArrayAttr[DictionaryAttr] | None = None,
) -> dict[str, Attribute]:
    """The properties of a `SymbolFuncOp`; absent optional ones are left out."""
    properties: dict[str, Attribute | None] = {
        "sym_name": StringAttr(name),
        "function_type": function_type,
        "sym_visibility": None if visibility is None else StringAttr(visibility),
        "arg_attrs": arg_attrs,
        "res_attrs": res_attrs,
    }
    return {key: value for key, value in properties.items() if value is not None}


class SymbolFuncOp(FuncLikeOp):
    """Base of `graph.func` and `te.kernel`: func.func's syntax in full.

    Syntax (hand-written, exactly func.func's, via xDSL's `print_func_op_like`):
    op-name visibility? `@`name `(` (`%`arg `:` type attr-dict?),* `)`
    (`->` (type | `(` (type attr-dict?),* `)`))? (`attributes` attr-dict)? region?
    """

    sym_visibility = opt_prop_def(StringAttr)
    arg_attrs = opt_prop_def(ArrayAttr[DictionaryAttr])
    res_attrs = opt_prop_def(ArrayAttr[DictionaryAttr])

    @classmethod
    def parse(cls, parser: Parser) -> Self:
        visibility = parser.parse_optional_visibility_keyword()
        name, inputs, outputs, region, extra_attrs, arg_attrs, res_attrs = parse_func_op_like(
            parser, reserved_attr_names=("sym_name", "function_type", "sym_visibility")
        )
        properties = symbol_func_properties(
            name,
            FunctionType.from_lists(inputs, outputs),
            None if visibility is None else visibility.data,
            arg_attrs,
            res_attrs,
        )
        op = cls.create(properties=properties, regions=[region])
        if extra_attrs is not None:
            op.attributes |= extra_attrs.data
        return op

    def print(self, printer: Printer) -> None:
        if self.sym_visibility is not None:
            printer.print_string(f" {self.sym_visibility.data}")
        print_func_op_like(
            printer,
            self.sym_name,
            self.function_type,
            self.body,
            self.attributes,
            arg_attrs=self.arg_attrs,
            res_attrs=self.res_attrs,
            reserved_attr_names=("sym_name", "function_type", "sym_visibility", "arg_attrs"),
        )


def buffer_func_properties(name: str, buffers: Sequence[Attribute]) -> dict[str, Attribute]:
    """The properties of a `BufferFuncOp` whose arguments have types `buffers`."""
    return {"sym_name": StringAttr(name), "function_type": FunctionType.from_lists(buffers, [])}


class BufferFuncOp(FuncLikeOp):
    """Base of `loop.func` and `hw.intrinsic`: destination-passing style, no result types.

    Syntax (hand-written, func.func's without results, via xDSL's `print_func_op_like`):
    op-name `@`name `(` (`%`arg `:` type),* `)` (`attributes` attr-dict)? region
    The attributes hold `num_outputs = N : i64`, how many trailing arguments are outputs.
    Result types or argument attributes are a parse error ("loop.func takes no result
    types and no argument attributes").
    """

    num_outputs = attr_def(IntegerAttr[I64])

    # Attributes whose absence `parse` reports itself, before the op is verified.
    REQUIRED_ATTRIBUTES: ClassVar[tuple[str, ...]] = ()

    @property
    def outputs(self) -> tuple[BlockArgument, ...]:
        """The buffers the op writes: the last `num_outputs` arguments."""
        return self.args[len(self.args) - self.num_outputs.value.data :]

    def verify_signature(self, outputs_are: str, block: str) -> None:
        """No result types, and the entry block takes the function type's inputs.

        `outputs_are` and `block` are how the op's messages name its outputs and its
        entry block: "expected no results (outputs are buffers), found 1".
        """
        results = self.function_type.outputs.data
        if results:
            raise VerifyException(f"expected no results ({outputs_are}), found {len(results)}")
        types = self.function_type.inputs.data
        block_types = tuple(self.body.block.arg_types)
        if block_types != types:
            raise VerifyException(
                f"{block} argument types differ from the function type: "
                f"{type_list(block_types)} vs {type_list(types)}"
            )

    @classmethod
    def parse(cls, parser: Parser) -> Self:
        pos = parser.pos
        name, inputs, results, body, extra, arg_attrs, res_attrs = parse_func_op_like(
            parser, reserved_attr_names=("sym_name", "function_type")
        )
        if results or arg_attrs is not None or res_attrs is not None:
            parser.raise_error(
                f"{cls.name} takes no result types and no argument attributes", pos, parser.pos
            )
        attributes = {} if extra is None else dict(extra.data)
        for required in cls.REQUIRED_ATTRIBUTES:
            if required not in attributes:
                parser.raise_error(
                    f"{cls.name} needs '{required}' in its attributes", pos, parser.pos
                )
        return cls.create(
            properties=buffer_func_properties(name, inputs),
            attributes=attributes,
            regions=[body],
        )

    def print(self, printer: Printer) -> None:
        print_func_op_like(
            printer,
            self.sym_name,
            self.function_type,
            self.body,
            self.attributes,
            reserved_attr_names=("sym_name", "function_type"),
        )
