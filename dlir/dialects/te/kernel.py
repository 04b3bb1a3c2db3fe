"""te algorithm ops: a kernel is a list of stages, each a pure function of its coordinates.

    te.kernel @matmul(%A: tensor<64x32xf32>, %B: tensor<32x16xf32>) -> tensor<64x16xf32> {
      %C = te.compute "C" (%i: 64, %j: 16) reduce (%k: 32) combiner add init 0.000000e+00 : f32 {
        %a = te.read %A[%i, %k] : tensor<64x32xf32> -> f32
        %b = te.read %B[%k, %j] : tensor<32x16xf32> -> f32
        %p = arith.mulf %a, %b : f32
        te.yield %p : f32
      } : tensor<64x16xf32>
      te.return %C : tensor<64x16xf32>
    }

No loops and no storage: *when* and *where* each stage runs is a `te.schedule`.
"""

from __future__ import annotations

from collections.abc import Sequence

from xdsl.dialects.builtin import ArrayAttr, DictionaryAttr, FunctionType, TensorType
from xdsl.ir import Attribute, Block, Region, SSAValue
from xdsl.irdl import IRDLOperation, irdl_op_definition, region_def, traits_def, var_operand_def
from xdsl.traits import (
    HasParent,
    IsolatedFromAbove,
    IsTerminator,
    Pure,
    ReturnLike,
    SymbolOpInterface,
)
from xdsl.utils.exceptions import VerifyException
from xdsl.utils.hints import isa

from dlir.dialects.func_like import SymbolFuncOp, symbol_func_properties, type_list
from dlir.dialects.te.compute import (
    COMBINERS,
    ComputeOp,
    ReadOp,
    YieldOp,
    is_scalar_type,
    is_valid_axis_name,
)

__all__ = [
    "COMBINERS",
    "ComputeOp",
    "KernelOp",
    "ReadOp",
    "ReturnOp",
    "YieldOp",
    "is_scalar_type",
    "is_valid_axis_name",
]


def _is_static_tensor(t: Attribute) -> bool:
    return isa(t, TensorType[Attribute]) and all(d >= 0 for d in t.get_shape())


@irdl_op_definition
class KernelOp(SymbolFuncOp):
    """A tensor-expression kernel: tensors in, tensors out, a body of `te.compute` stages.

        te.kernel @double(%A: tensor<4xf32>) -> tensor<4xf32> {
          %B = te.compute "B" (%i: 4) {
            %a = te.read %A[%i] : tensor<4xf32> -> f32
            %b = arith.addf %a, %a : f32
            te.yield %b : f32
          } : tensor<4xf32>
          te.return %B : tensor<4xf32>
        }

    It prints exactly like `func.func`; the syntax is `SymbolFuncOp`'s (`func_like.py`).
    """

    name = "te.kernel"

    body = region_def("single_block")

    traits = traits_def(IsolatedFromAbove(), SymbolOpInterface())

    def __init__(
        self,
        name: str,
        inputs: Sequence[Attribute],
        outputs: Sequence[Attribute],
        region: Region | None = None,
        *,
        arg_names: Sequence[str] | None = None,
        visibility: str | None = None,
        arg_attrs: ArrayAttr[DictionaryAttr] | None = None,
        res_attrs: ArrayAttr[DictionaryAttr] | None = None,
    ) -> None:
        if region is None:
            block = Block(arg_types=inputs)
            for arg, arg_name in zip(block.args, arg_names or (), strict=False):
                arg.name_hint = arg_name
            region = Region(block)
        function_type = FunctionType.from_lists(inputs, outputs)
        properties = symbol_func_properties(name, function_type, visibility, arg_attrs, res_attrs)
        super().__init__(properties=properties, regions=[region])

    def stages(self) -> list[ComputeOp]:
        """The kernel's stages, in order."""
        return [op for op in self.body.block.ops if isinstance(op, ComputeOp)]

    def verify_(self) -> None:
        inputs, outputs = self.function_type.inputs.data, self.function_type.outputs.data
        block = self.body.block
        if tuple(block.arg_types) != inputs:
            raise VerifyException(
                f"entry block argument types {type_list(block.arg_types)} do not match "
                f"the signature inputs {type_list(inputs)}"
            )
        for kind, types in (("argument", inputs), ("result", outputs)):
            for index, t in enumerate(types):
                if not _is_static_tensor(t):
                    raise VerifyException(
                        f"{kind} #{index} has type {t}; kernel {kind}s must be "
                        "statically shaped tensors"
                    )
        stage_names: dict[str, int] = {}
        for index, op in enumerate(block.ops):
            if isinstance(op, ComputeOp):
                name = op.stage.data
                if name in stage_names:
                    raise VerifyException(
                        f"duplicate stage name '{name}' (ops #{stage_names[name]} and #{index})"
                    )
                stage_names[name] = index
            elif not isinstance(op, ReturnOp):
                raise VerifyException(
                    f"a kernel body holds only te.compute stages and te.return, found "
                    f"{op.name} (index arithmetic belongs inside a te.compute body)"
                )
        self._verify_no_shadowing()

    def _verify_no_shadowing(self) -> None:
        # The printer names each index value after its axis; an axis with the name of a
        # kernel-level value would shadow it inside the stage body.
        outer: dict[str, str] = {}
        for arg in self.args:
            if arg.name_hint is not None:
                outer[arg.name_hint] = f"kernel argument %{arg.name_hint}"
        for stage in self.stages():
            if stage.result.name_hint is not None:
                outer[stage.result.name_hint] = f"the result %{stage.result.name_hint}"
        for stage in self.stages():
            for axis in stage.axis_names():
                if axis in outer:
                    raise VerifyException(
                        f"axis '{axis}' of stage '{stage.stage.data}' has the name of "
                        f"{outer[axis]}; rename one of them"
                    )


@irdl_op_definition
class ReturnOp(IRDLOperation):
    """The kernel's results.

        te.return %C : tensor<64x16xf32>
    """

    name = "te.return"

    values = var_operand_def()

    traits = traits_def(HasParent(KernelOp), IsTerminator(), ReturnLike(), Pure())
    assembly_format = "attr-dict ($values^ `:` type($values))?"

    def __init__(self, *values: SSAValue) -> None:
        super().__init__(operands=[values])

    def verify_(self) -> None:
        kernel = self.parent_op()
        if not isinstance(kernel, KernelOp):
            return
        expected = kernel.function_type.outputs.data
        found = tuple(self.values.types)
        if found != expected:
            raise VerifyException(
                f"returns {type_list(found)}, but the kernel signature says {type_list(expected)}"
            )
