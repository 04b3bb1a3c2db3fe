"""`graph-infer-shapes`: recompute graph result types from operand types, then the signature.

The entry block's argument types are the truth: after a caller changes them (say, a new
batch size), the pass re-infers every op, in order, and updates the function type.

    graph.func @f(%x: tensor<8x4xf32>) -> tensor<2x4xf32> {      // %x changed from 2x4
      %y = graph.relu %x : tensor<2x4xf32>
      graph.return %y : tensor<2x4xf32>
    }
      ->
    graph.func @f(%x: tensor<8x4xf32>) -> tensor<8x4xf32> {
      %y = graph.relu %x : tensor<8x4xf32>
      graph.return %y : tensor<8x4xf32>
    }
"""

from __future__ import annotations

from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects.builtin import FunctionType
from xdsl.ir import Attribute, Operation
from xdsl.pattern_rewriter import PatternRewriter
from xdsl.rewriter import InsertPoint
from xdsl.utils.exceptions import DiagnosticException, VerifyException

from dlir.dialects.graph import (
    BatchNormOp,
    CallDpsOp,
    CastOp,
    ConcatOp,
    ConstantOp,
    Conv2dNchwcOp,
    Conv2dOp,
    FlattenOp,
    FuncOp,
    GatherOp,
    GlobalAvgPool2dOp,
    LayerNormOp,
    LayoutTransformOp,
    LrnOp,
    PadOp,
    ReturnOp,
    SliceOp,
    SoftmaxOp,
    TransposeOp,
    WhereOp,
)
from dlir.dialects.graph.common import Tensor, TwoTensorOp, ints, tensor_type
from dlir.dialects.graph.elementwise import SameTypeOp
from dlir.dialects.graph.nn import Pool2dOp
from dlir.dialects.graph.reduce import ReduceOp
from dlir.dialects.graph.shape import ToShapeOp
from dlir.passes.graph.common import GraphFuncPass


class ShapeInferenceError(DiagnosticException):
    """An op whose operand types admit no result type."""


def infer_result_type(op: Operation) -> Tensor | None:
    """The result type `op` gets from its operand types and properties.

    None for ops whose result types are not a function of their operands: constants
    (typed by their value) and calls (typed by the callee). Raises `VerifyException`
    when the operands admit no result.
    """
    match op:
        case ConstantOp() | CallDpsOp():
            return None
        case TwoTensorOp():
            return op.infer_type(tensor_type(op.lhs), tensor_type(op.rhs))
        case SameTypeOp():
            return tensor_type(op.operands[0])
        case CastOp():
            return CastOp.infer_type(tensor_type(op.input), tensor_type(op.result).element_type)
        case ToShapeOp():
            # reshape / broadcast_to: the target shape is the one written in the result type.
            return op.infer_type(tensor_type(op.input), tensor_type(op.result).get_shape())
        case TransposeOp():
            return TransposeOp.infer_type(tensor_type(op.input), ints(op.perm))
        case ConcatOp():
            return ConcatOp.infer_type([tensor_type(v) for v in op.inputs], op.axis.value.data)
        case FlattenOp():
            return FlattenOp.infer_type(tensor_type(op.input), op.axis.value.data)
        case PadOp():
            return PadOp.infer_type(
                tensor_type(op.input), ints(op.low), ints(op.high), op.mode.data
            )
        case SliceOp():
            return SliceOp.infer_type(
                tensor_type(op.input), ints(op.starts), ints(op.ends), ints(op.steps)
            )
        case Conv2dOp():
            return Conv2dOp.infer_type(
                tensor_type(op.input),
                tensor_type(op.weight),
                None if op.bias is None else tensor_type(op.bias),
                ints(op.strides),
                ints(op.pads),
                ints(op.dilations),
                op.groups.value.data,
            )
        case Pool2dOp():
            return Pool2dOp.infer_type(
                tensor_type(op.input),
                ints(op.kernel),
                ints(op.strides),
                ints(op.pads),
                op.ceil_mode is not None,
            )
        case GlobalAvgPool2dOp():
            return GlobalAvgPool2dOp.infer_type(tensor_type(op.input))
        case SoftmaxOp():
            return SoftmaxOp.infer_type(tensor_type(op.input), op.axis.value.data)
        case LayerNormOp():
            return LayerNormOp.infer_type(
                tensor_type(op.input),
                tensor_type(op.scale),
                tensor_type(op.bias),
                op.axis.value.data,
                op.epsilon.value.data,
            )
        case BatchNormOp():
            stats = [tensor_type(v) for v in (op.scale, op.bias, op.mean, op.var)]
            return BatchNormOp.infer_type(tensor_type(op.input), stats, op.epsilon.value.data)
        case ReduceOp():
            return ReduceOp.infer_type(
                tensor_type(op.input), ints(op.axes), op.keepdims is not None
            )
        case WhereOp():
            return WhereOp.infer_type(
                tensor_type(op.condition), tensor_type(op.true_value), tensor_type(op.false_value)
            )
        case GatherOp():
            return GatherOp.infer_type(
                tensor_type(op.data), tensor_type(op.indices), op.axis.value.data
            )
        case LrnOp():
            return LrnOp.infer_type(tensor_type(op.input), op.size.value.data)
        case LayoutTransformOp():
            return LayoutTransformOp.infer_type(tensor_type(op.input), op.src.data, op.dst.data)
        case Conv2dNchwcOp():
            return Conv2dNchwcOp.infer_type(
                tensor_type(op.input),
                tensor_type(op.weight),
                None if op.bias is None else tensor_type(op.bias),
                ints(op.strides),
                ints(op.pads),
                ints(op.dilations),
            )
        case _:
            raise ShapeInferenceError(
                f"graph-infer-shapes does not know how to infer the result of '{op.name}'; "
                "expected a graph operator"
            )


def infer_function(func: FuncOp) -> bool:
    """Re-infer every result type in `func` and its result signature; say whether any changed."""
    block = func.body.block
    rewriter = PatternRewriter(InsertPoint.at_start(block))
    changed = False
    for op in list(block.ops):
        if isinstance(op, ReturnOp) or not op.name.startswith("graph."):
            continue
        try:
            new_type = infer_result_type(op)
            if new_type is not None and new_type != op.results[0].type:
                rewriter.replace_value_with_new_type(op.results[0], new_type)
                changed = True
            # The op's other rules (element types, a call's callee signature) on the new types.
            op.verify()
        except VerifyException as err:
            operands = ", ".join(str(v.type) for v in op.operands)
            raise ShapeInferenceError(
                f"cannot infer the result type of '{op.name}' in @{func.sym_name.data} "
                f"from operands ({operands}): {err}"
            ) from err
    inputs: tuple[Attribute, ...] = tuple(block.arg_types)
    ret = block.last_op
    outputs: tuple[Attribute, ...] = (
        tuple(v.type for v in ret.operands) if isinstance(ret, ReturnOp) else ()
    )
    new_type = FunctionType.from_lists(inputs, outputs)
    if new_type != func.function_type:
        func.function_type = new_type
        rewriter.notify_op_modified(func)
        changed = True
    return changed


@dataclass(frozen=True)
class GraphInferShapesPass(GraphFuncPass):
    """Recompute graph result types from operand types and update each function's signature.

    Use after changing the argument types of a `graph.func` (from Python, or a pass
    that re-batches a model). On verified IR it changes nothing.
    """

    name = "graph-infer-shapes"

    def run_on_function(self, ctx: Context, func: FuncOp) -> None:
        infer_function(func)
