"""The reference interpreter: run graph.func, func.func and te.kernel functions on numpy arrays.

    y = dlir.interpret(module, "mlp", x, w1, b1, w2, b2, w3, b3)

It gives every level above loops an executable meaning, so a lowering or a schedule is
tested by running both sides on the same inputs. One evaluator per op: `graph_ops.py`
(the graph dialect), `arith_ops.py` (arith and math, in stage bodies and on tensors),
`te_kernels.py` (te stages over their index spaces), `core.py` (the walk and the calls).
"""

from __future__ import annotations

from dlir.interpreter.common import InterpreterError
from dlir.interpreter.core import Interpreter, interpret

__all__ = ["Interpreter", "InterpreterError", "interpret"]
