"""Functions, constants and calls of the `graph` dialect.

`graph.func` prints exactly like `func.func`, so one grammar rule covers every
function-like op. `graph.call_dps` calls a kernel of any variant in destination-passing
style; it is checked against the callee's signature in tensor terms.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from xdsl.dialects.builtin import (
    ArrayAttr,
    DenseIntOrFPElementsAttr,
    DenseResourceAttr,
    DictionaryAttr,
    FlatSymbolRefAttrConstr,
    FunctionType,
    SymbolRefAttr,
)
from xdsl.ir import Attribute, Block, Operation, Region, SSAValue
from xdsl.irdl import (
    AnyAttr,
    IRDLOperation,
    ParamAttrConstraint,
    VarConstraint,
    VerificationContext,
    irdl_op_definition,
    prop_def,
    result_def,
    traits_def,
    var_operand_def,
    var_result_def,
)
from xdsl.traits import (
    ConstantLike,
    HasParent,
    IsolatedFromAbove,
    IsTerminator,
    Pure,
    ReturnLike,
    SymbolOpInterface,
    SymbolTable,
)
from xdsl.utils.exceptions import VerifyException

from dlir.dialects.func_like import (
    FuncLikeCallable,
    SymbolFuncOp,
    symbol_func_properties,
    type_list,
)
from dlir.dialects.graph.common import GraphTensor
from dlir.dialects.graph.fusion import FusionCategory, FusionTrait
from dlir.ir.variants import callee_signature, check_call


@irdl_op_definition
class FuncOp(SymbolFuncOp):
    """A function over tensors whose body is pure dataflow, ended by `graph.return`.

    graph.func @mlp(%x: tensor<64x784xf32>, %w: tensor<784x256xf32>) -> tensor<64x256xf32> {
      %0 = graph.matmul %x, %w : (tensor<64x784xf32>, tensor<784x256xf32>) -> tensor<64x256xf32>
      graph.return %0 : tensor<64x256xf32>
    }

    Syntax (hand-written, exactly func.func's, via xDSL's `print_func_op_like`):
    `graph.func` visibility? `@`name `(` (`%`arg `:` type attr-dict?),* `)`
    (`->` (type | `(` (type attr-dict?),* `)`))? (`attributes` attr-dict)? region?
    """

    name = "graph.func"

    traits = traits_def(IsolatedFromAbove(), SymbolOpInterface(), FuncLikeCallable())

    def __init__(
        self,
        name: str,
        function_type: FunctionType | tuple[Sequence[Attribute], Sequence[Attribute]],
        region: Region | None = None,
        visibility: str | None = None,
        *,
        arg_attrs: ArrayAttr[DictionaryAttr] | None = None,
        res_attrs: ArrayAttr[DictionaryAttr] | None = None,
    ) -> None:
        if isinstance(function_type, tuple):
            function_type = FunctionType.from_lists(*function_type)
        if region is None:
            region = Region(Block(arg_types=function_type.inputs))
        super().__init__(
            regions=[region],
            properties=symbol_func_properties(
                name, function_type, visibility, arg_attrs, res_attrs
            ),
        )

    def verify_(self) -> None:
        for t in (*self.function_type.inputs.data, *self.function_type.outputs.data):
            GraphTensor.verify(t, VerificationContext())
        entry = self.body.blocks.first
        if entry is None:  # a declaration
            return
        if len(self.body.blocks) != 1:
            raise VerifyException(f"expected a single block, found {len(self.body.blocks)}")
        if entry.arg_types != self.function_type.inputs.data:
            raise VerifyException(
                f"entry block argument types expected "
                f"{type_list(self.function_type.inputs.data)}, "
                f"found {type_list(entry.arg_types)}"
            )


@irdl_op_definition
class ReturnOp(IRDLOperation):
    """Return values from a `graph.func`; their types are the function's result types.

    graph.return %y : tensor<64x10xf32>
    """

    name = "graph.return"

    arguments = var_operand_def(GraphTensor)

    traits = traits_def(HasParent(FuncOp), IsTerminator(), ReturnLike(), Pure())
    assembly_format = "attr-dict ($arguments^ `:` type($arguments))?"

    def __init__(self, *values: SSAValue | Operation) -> None:
        super().__init__(operands=[values])

    def verify_(self) -> None:
        func = self.parent_op()
        assert isinstance(func, FuncOp)
        expected = func.function_type.outputs.data
        found = tuple(v.type for v in self.arguments)
        if found != expected:
            raise VerifyException(
                f"returned types expected {type_list(expected)} from the "
                f"signature of @{func.sym_name.data}, found {type_list(found)}"
            )


@irdl_op_definition
class ConstantOp(IRDLOperation):
    """A constant tensor: inline `dense<...>` values, or a `dense_resource<...>` blob.

    %c = graph.constant dense<[1.0, 2.0]> : tensor<2xf32>
    %z = graph.constant dense<0.0> : tensor<4x8xf32>
    %w = graph.constant dense_resource<fc1_weight> : tensor<784x256xf32>

    Blobs are kept by the builtin dialect and printed in the `{-# dialect_resources #-}`
    section; `constant(array)` and `constant_value(op)` build and read both forms.
    """

    name = "graph.constant"

    T: ClassVar = VarConstraint("T", GraphTensor)
    result = result_def(T)
    value = prop_def(
        ParamAttrConstraint(DenseIntOrFPElementsAttr, (T, AnyAttr()))
        | ParamAttrConstraint(DenseResourceAttr, (AnyAttr(), T))
    )

    traits = traits_def(Pure(), ConstantLike())
    assembly_format = "attr-dict $value"

    def __init__(self, value: DenseIntOrFPElementsAttr | DenseResourceAttr) -> None:
        super().__init__(result_types=[value.get_type()], properties={"value": value})


@irdl_op_definition
class CallDpsOp(IRDLOperation):
    """Call a kernel of any variant in destination-passing style: inputs in, results out.

    %y = graph.call_dps @fused_matmul_add_relu(%x, %w, %b) : (tensor<64x784xf32>, tensor<784x256xf32>, tensor<256xf32>) -> tensor<64x256xf32>

    The callee may be a graph.func, te.kernel, func.func, loop.func (outputs as its last
    arguments) or llvm.func (only the argument count is checked). The call has value
    semantics: the kernel writes fresh destinations, never the inputs, so it is Pure.
    """

    name = "graph.call_dps"

    callee = prop_def(FlatSymbolRefAttrConstr)
    inputs = var_operand_def(GraphTensor)
    outputs = var_result_def(GraphTensor)

    # An already-fused kernel: the fusion pass must leave it alone.
    traits = traits_def(Pure(), FusionTrait(FusionCategory.OPAQUE))
    assembly_format = "$callee `(` $inputs `)` attr-dict `:` functional-type($inputs, $outputs)"

    def __init__(
        self,
        callee: str | SymbolRefAttr,
        inputs: Sequence[SSAValue | Operation],
        result_types: Sequence[Attribute],
    ) -> None:
        if isinstance(callee, str):
            callee = SymbolRefAttr(callee)
        super().__init__(
            operands=[inputs], result_types=[result_types], properties={"callee": callee}
        )

    def verify_(self) -> None:
        name = self.callee.root_reference.data
        try:
            found = SymbolTable.lookup_symbol(self, self.callee)
        except ValueError:
            raise VerifyException(f"no symbol table around the call to @{name}") from None
        if found is None:
            raise VerifyException(f"callee @{name} not found")
        sig = callee_signature(found)
        if sig is None:
            raise VerifyException(f"@{name} is a '{found.name}', which cannot be called")
        problem = check_call(
            name, sig, [v.type for v in self.inputs], [r.type for r in self.outputs]
        )
        if problem is not None:
            raise VerifyException(problem)
