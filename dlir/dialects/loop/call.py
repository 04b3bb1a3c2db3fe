"""Host-level ops of the `loop` dialect: calls to other kernels and constant buffers.

A host function (what `graph-to-loop` makes of a `graph.func`) is a `loop.func` that
calls its kernels in destination-passing style and reads its weights from constant
buffers:

    loop.func @mlp(%x: memref<4x8xf32>, %y: memref<4x2xf32>) attributes {num_outputs = 1 : i64} {
      %w = loop.constant dense<1.0> : tensor<8x2xf32> -> memref<8x2xf32>
      loop.call @dense(%x, %w, %y) : (memref<4x8xf32>, memref<8x2xf32>, memref<4x2xf32>) -> ()
      loop.return
    }
"""

from __future__ import annotations

from collections.abc import Sequence

from xdsl.dialects.builtin import (
    DenseIntOrFPElementsAttr,
    DenseResourceAttr,
    FlatSymbolRefAttrConstr,
    FunctionType,
    MemRefType,
    NoneAttr,
    SymbolRefAttr,
    TensorType,
)
from xdsl.dialects.llvm import LLVMFunctionType
from xdsl.ir import Attribute, Operation, SSAValue
from xdsl.irdl import (
    IRDLOperation,
    irdl_op_definition,
    prop_def,
    result_def,
    traits_def,
    var_operand_def,
)
from xdsl.traits import MemoryReadEffect, MemoryWriteEffect, Pure, SymbolTable
from xdsl.utils.exceptions import VerifyException
from xdsl.utils.hints import isa

from dlir.dialects.func_like import type_list
from dlir.ir.variants import Variant, variant_of

# The pass that turns a callee of each not-yet-lowered variant into a loop.func.
_LOWERED_BY = {Variant.GRAPH: "graph-to-loop", Variant.TE: "te-to-loop"}


@irdl_op_definition
class CallOp(IRDLOperation):
    """Call a kernel in destination-passing style: its inputs, then its output buffers.

        loop.call @matmul(%a, %b, %c) : (memref<4x8xf32>, memref<8x2xf32>, memref<4x2xf32>) -> ()

    The callee is a `loop.func` or `hw.intrinsic` (argument types must equal the
    callee's), a `func.func` without results (same), or an already lowered `llvm.func`
    (only the argument count is checked: it takes bare pointers).
    """

    name = "loop.call"

    callee = prop_def(FlatSymbolRefAttrConstr)
    args = var_operand_def()

    traits = traits_def(MemoryReadEffect(), MemoryWriteEffect())
    assembly_format = "$callee `(` $args `)` attr-dict `:` `(` type($args) `)` `->` `(` `)`"

    def __init__(self, callee: str | SymbolRefAttr, args: Sequence[SSAValue | Operation]):
        if isinstance(callee, str):
            callee = SymbolRefAttr(callee)
        super().__init__(operands=[args], properties={"callee": callee})

    def verify_(self) -> None:
        name = self.callee.root_reference.data
        try:
            callee = SymbolTable.lookup_symbol(self, self.callee)
        except ValueError:
            raise VerifyException(f"no symbol table around the call to @{name}") from None
        if callee is None:
            raise VerifyException(f"callee @{name} not found")
        variant = variant_of(callee)
        if variant in _LOWERED_BY:
            assert variant is not None
            raise VerifyException(
                f"callee @{name} is a '{callee.name}': run {_LOWERED_BY[variant]} first "
                "(loop.call takes a loop.func, hw.intrinsic, func.func or llvm.func)"
            )
        if variant not in (Variant.LOOP, Variant.HW, Variant.FUNC, Variant.LLVM):
            raise VerifyException(f"@{name} is a '{callee.name}', which cannot be called")
        found = tuple(arg.type for arg in self.args)
        expected = _argument_types(callee)
        if len(expected) != len(found):
            raise VerifyException(
                f"callee @{name} takes {len(expected)} arguments, the call passes {len(found)}"
            )
        if variant is Variant.LLVM:
            return
        if variant is Variant.FUNC and _result_types(callee):
            raise VerifyException(
                f"callee @{name} returns {type_list(_result_types(callee))}: loop.call "
                "takes functions without results (outputs are buffer arguments)"
            )
        for index, (want, got) in enumerate(zip(expected, found, strict=True)):
            if want != got:
                raise VerifyException(
                    f"argument #{index} of @{name} has type {want}, the call passes {got}"
                )


def _argument_types(callee: Operation) -> tuple[Attribute, ...]:
    ftype = callee.properties.get("function_type")
    if isinstance(ftype, FunctionType | LLVMFunctionType):
        return ftype.inputs.data
    return ()


def _result_types(callee: Operation) -> tuple[Attribute, ...]:
    ftype = callee.properties.get("function_type")
    return ftype.outputs.data if isinstance(ftype, FunctionType) else ()


@irdl_op_definition
class ConstantOp(IRDLOperation):
    """A read-only buffer holding constant data: inline `dense<...>` or a `dense_resource` blob.

        %b = loop.constant dense<[1.0, 2.0]> : tensor<2xf32> -> memref<2xf32>
        %w = loop.constant dense_resource<fc1> : tensor<784x256xf32> -> memref<784x256xf32>

    The value keeps its tensor type (dense attributes are tensors in MLIR); the buffer has
    the same shape and element type. `loop-to-llvm` makes it an aligned constant global of
    the raw bytes (one per distinct value). Writing to it is undefined behaviour: it lives
    in read-only memory.

    Why not `memref.global` + `memref.get_global`: xDSL's `memref.global` accepts only
    inline `dense<...>` initial values, not the `dense_resource` blobs that weights are,
    and it needs a module-level symbol per weight. Like `graph.constant`, this op keeps
    the value where it is used; the globals are made at the llvm level.
    """

    name = "loop.constant"

    value = prop_def(DenseIntOrFPElementsAttr | DenseResourceAttr)
    memref = result_def(MemRefType)

    traits = traits_def(Pure())
    assembly_format = "$value attr-dict `->` type($memref)"

    def __init__(self, value: DenseIntOrFPElementsAttr | DenseResourceAttr):
        tensor = value.get_type()
        assert isa(tensor, TensorType[Attribute])
        memref = MemRefType(tensor.get_element_type(), tensor.get_shape())
        super().__init__(properties={"value": value}, result_types=[memref])

    def verify_(self) -> None:
        tensor = self.value.get_type()
        memref = self.memref.type
        assert isa(memref, MemRefType)
        if not isa(tensor, TensorType[Attribute]):
            raise VerifyException(f"expected a value of tensor type, found {tensor}")
        if not memref.has_static_shape():
            raise VerifyException(f"expected a static shape, found {memref}")
        if not isinstance(memref.layout, NoneAttr) or not isinstance(memref.memory_space, NoneAttr):
            raise VerifyException(
                f"expected a plain row-major memref (no layout, no memory space), found {memref}"
            )
        if (
            tensor.get_shape() != memref.get_shape()
            or tensor.get_element_type() != memref.get_element_type()
        ):
            raise VerifyException(
                f"value type {tensor} and buffer type {memref} differ in shape or element type"
            )
