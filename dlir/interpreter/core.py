"""The interpreter's walk: look a function up, check the arguments, run its body op by op.

    dlir.interpret(module, "mlp", x, w1, b1, ...)   ->  np.ndarray (or a tuple for several results)

A function body is a list of ops over values held in an environment (SSA value ->
numpy array). `graph.func` and `func.func` bodies run op by op through the evaluator
tables (`graph_ops.GRAPH_OPS`, `arith_ops.ARITH_OPS`); `graph.call_dps` and `func.call`
call another function of the module, of any variant this interpreter runs: graph.func,
func.func or te.kernel (`te_kernels.py`). loop.func is not interpreted yet.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

import numpy as np
from xdsl.context import Context
from xdsl.dialects import func
from xdsl.dialects.builtin import FunctionType, ModuleOp, TensorType
from xdsl.ir import Attribute, Operation, SSAValue
from xdsl.utils.hints import isa

from dlir.dialects import graph
from dlir.dialects.graph.constants import constant_value
from dlir.dialects.te.kernel import KernelOp
from dlir.interpreter.arith_ops import ARITH_OPS
from dlir.interpreter.common import Array, InterpreterError, conform, dtype_of, element_type
from dlir.interpreter.graph_ops import GRAPH_OPS
from dlir.interpreter.te_kernels import run_kernel
from dlir.ir.module import IRModule

MAX_CALL_DEPTH = 64


def interpret(
    module: ModuleOp | IRModule, name: str, *args: Any, ctx: Context | None = None
) -> Array | tuple[Array, ...]:
    """Run function `@name` of `module` on numpy arrays; one result is returned bare.

    Arguments must match the signature exactly: `tensor<4x8xf32>` takes a float32 array
    of shape (4, 8). bf16 tensors take and return float32 arrays (rounded to bf16). `ctx`
    is the context whose builtin dialect holds the `dense_resource` blobs (default: xDSL's).
    """
    results = Interpreter(module, ctx).call(name, list(args))
    copies = tuple(np.array(r, copy=True) for r in results)
    return copies[0] if len(copies) == 1 else copies


class Interpreter:
    """Runs the functions of one module; `call` is the entry point."""

    def __init__(self, module: ModuleOp | IRModule, ctx: Context | None = None) -> None:
        self.module = module if isinstance(module, IRModule) else IRModule(module)
        self.ctx = ctx
        self.depth = 0

    def function(self, name: str) -> Operation:
        try:
            return self.module[name]
        except KeyError as error:
            raise InterpreterError(str(error.args[0])) from None

    def call(self, name: str, args: Sequence[Any]) -> list[Array]:
        """Check `args` against `@name`'s signature, run it and conform its results."""
        op = self.function(name)
        ftype = op.properties.get("function_type")
        if op.name == "loop.func":
            raise InterpreterError(
                f"cannot interpret loop.func yet (@{name}): the interpreter runs graph.func, "
                "func.func and te.kernel; compile loop.func natively instead"
            )
        if not isinstance(op, graph.FuncOp | func.FuncOp | KernelOp) or not isinstance(
            ftype, FunctionType
        ):
            raise InterpreterError(
                f"cannot interpret @{name}, a '{op.name}': the interpreter runs graph.func, "
                "func.func and te.kernel"
            )
        arrays = check_arguments(name, ftype.inputs.data, args)
        self.depth += 1
        if self.depth > MAX_CALL_DEPTH:
            raise InterpreterError(f"calls nested deeper than {MAX_CALL_DEPTH} at @{name}")
        try:
            with np.errstate(all="ignore"):  # IEEE semantics: overflow to inf, 0/0 to NaN
                if isinstance(op, KernelOp):
                    results = run_kernel(op, arrays)
                else:
                    results = self.run_body(op, name, arrays)
        finally:
            self.depth -= 1
        outputs = ftype.outputs.data
        if len(results) != len(outputs):
            raise InterpreterError(
                f"@{name} returned {len(results)} values, its type says {len(outputs)}"
            )
        return [
            conform(r, t, f"result #{i} of @{name}")
            for i, (r, t) in enumerate(zip(results, outputs, strict=True))
        ]

    def run_body(self, op: graph.FuncOp | func.FuncOp, name: str, args: list[Array]) -> list[Array]:
        """Run a graph.func or func.func body over tensors, op by op."""
        if len(op.body.blocks) != 1:
            raise InterpreterError(
                f"@{name} has {len(op.body.blocks)} blocks; the interpreter runs single-block "
                "bodies (a declaration has none)"
            )
        block = op.body.blocks.first
        assert block is not None
        env: dict[SSAValue, Array] = dict(zip(block.args, args, strict=True))
        for inner in block.ops:
            if isinstance(inner, graph.ReturnOp | func.ReturnOp):
                return [env[v] for v in inner.operands]
            operands = [env[v] for v in inner.operands]
            results = self.evaluate(inner, operands, name)
            for result, value in zip(inner.results, results, strict=True):
                env[result] = conform(value, result.type, f"{inner.name} in @{name}")
        raise InterpreterError(f"@{name} does not end with a return")

    def evaluate(self, op: Operation, operands: list[Array], name: str) -> list[Array]:
        """The results of one op of a function body."""
        if isinstance(op, graph.CallDpsOp | func.CallOp):
            return self.call(op.callee.root_reference.data, operands)
        if isinstance(op, graph.ConstantOp):
            try:
                return [constant_value(op, self.ctx)]
            except ValueError as error:
                raise InterpreterError(f"graph.constant in @{name}: {error}") from error
        evaluate = GRAPH_OPS.lookup(op) or ARITH_OPS.lookup(op)
        if evaluate is None or len(op.results) != 1:
            raise InterpreterError(
                f"cannot interpret {op.name} in @{name}: the interpreter knows the graph ops, "
                "graph.call_dps, func.call and the arith/math ops"
            )
        try:
            return [evaluate(op, operands)]
        except (ValueError, TypeError, IndexError) as error:
            raise InterpreterError(f"{op.name} in @{name} failed: {error}") from error


def check_arguments(name: str, types: Sequence[Attribute], args: Sequence[Any]) -> list[Array]:
    """The arguments as arrays, when each has the dtype and shape of its type.

    argument #1 of @f expects tensor<4x8xf32>, got float64 array of shape (4, 9)
    """
    if len(args) != len(types):
        expected = ", ".join(str(t) for t in types)
        raise InterpreterError(
            f"@{name} takes {len(types)} arguments ({expected}), got {len(args)}"
        )
    arrays: list[Array] = []
    for index, (arg, t) in enumerate(zip(args, types, strict=True)):
        shape: tuple[int, ...] = tuple(t.get_shape()) if isa(t, TensorType[Attribute]) else ()
        if not isinstance(arg, np.ndarray | np.generic):
            raise InterpreterError(
                f"argument #{index} of @{name} expects {t}, got a {type(arg).__name__}; "
                "pass numpy arrays"
            )
        array: Array = np.asarray(cast(Array, arg))
        wanted = dtype_of(element_type(t))
        if array.dtype != wanted or array.shape != shape:
            raise InterpreterError(
                f"argument #{index} of @{name} expects {t} (a {wanted} array of shape {shape}), "
                f"got {array.dtype} array of shape {array.shape}"
            )
        arrays.append(array)
    return arrays
