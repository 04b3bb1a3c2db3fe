"""Native runs of arith/math ops against the interpreter's numpy semantics, for the
`test_arith_native_*` tests of loop-to-llvm.

Each case is a `loop.func` whose loop body loads the inputs, applies a few ops and stores
the result; the reference evaluates the same body ops with `dlir.interpreter.arith_ops` on
whole arrays:

    check("%y = arith.addf %x0, %x1 : {t0}", {"t0": "f32", "t1": "f32", "r": "f32"}, [a, b], 8)

`{t0}`, `{r}`... in a body stand for the scalar type, or `vector<8xT>` with 8 lanes. The
inputs are edge cases (0, -0, +-inf, NaN, subnormals, out-of-range values): `float_pairs`,
`int_pairs`, `padded` to whole vectors.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
from xdsl.dialects import arith
from xdsl.dialects.builtin import ModuleOp
from xdsl.ir import Operation, SSAValue

from dlir.backends.llvm.callable import jit_function
from dlir.dialects import loop
from dlir.interpreter.arith_ops import ARITH_OPS
from dlir.ir.context import make_context
from dlir.parser import parse_module
from dlir.passes.lowering.loop_to_llvm_pass import LoopToLLVMPass

Array = npt.NDArray[Any]
DTYPES: dict[str, Any] = {
    "f32": np.float32,
    "f64": np.float64,
    "i8": np.int8,
    "i16": np.int16,
    "i32": np.int32,
    "i64": np.int64,
    "index": np.int64,
}


def kernel(body: str, inputs: Sequence[str], output: str, lanes: int, n: int) -> str:
    """`loop.func @k(%a0.., %out)`: out[i] = body(a0[i], ...); the body reads %x0.. and
    defines %y, with `{v}` in it standing for the value type of each element type."""
    args = [f"%a{k}: memref<{n}x{t}>" for k, t in enumerate(inputs)]
    lines: list[str] = []
    for k, t in enumerate(inputs):
        if lanes == 1:
            lines.append(f"    %x{k} = loop.load %a{k}[%i] : memref<{n}x{t}>")
        else:
            lines.append(
                f"    %x{k} = loop.vload %a{k}[%i * {lanes}] : memref<{n}x{t}>, vector<{lanes}x{t}>"
            )
    lines.extend("    " + line for line in body.strip().splitlines())
    if lanes == 1:
        lines.append(f"    loop.store %y, %out[%i] : memref<{n}x{output}>")
    else:
        lines.append(
            f"    loop.vstore %y, %out[%i * {lanes}] : memref<{n}x{output}>, vector<{lanes}x{output}>"
        )
    text = (
        f"loop.func @k({', '.join(args)}, %out: memref<{n}x{output}>) attributes {{num_outputs = 1 : i64}} {{\n"
        "  %c0 = arith.constant 0 : index\n"
        "  %c1 = arith.constant 1 : index\n"
        f"  %n = arith.constant {n // lanes} : index\n"
        "  loop.for %i = %c0 to %n step %c1 {\n" + "\n".join(lines) + "\n  }\n  loop.return\n}\n"
    )
    return text


def typed(body: str, types: dict[str, str], lanes: int) -> str:
    """Substitute {f32}-like placeholders by the scalar or vector<lanes x T> type."""
    names = {k: (v if lanes == 1 else f"vector<{lanes}x{v}>") for k, v in types.items()}
    # arith.select names the condition's type only when it is a vector
    names["sel"] = names.get("t0", "") if lanes == 1 else f"{names.get('b')}, {names.get('t0')}"
    names["sel_r"] = names.get("r", "") if lanes == 1 else f"{names.get('b')}, {names.get('r')}"
    names["one"], names["zero"] = ("1", "0") if lanes == 1 else ("dense<1>", "dense<0>")
    return body.format(**names)


def loop_body(module: ModuleOp) -> list[Operation]:
    for op in module.walk():
        if isinstance(op, loop.ForOp):
            return list(op.body.block.ops)
    raise AssertionError("no loop.for")


def reference(module: ModuleOp, inputs: Sequence[Array]) -> Array:
    """The loop body evaluated by the interpreter's arith/math table on whole arrays."""
    values: dict[SSAValue, Array] = {}
    loads = iter(inputs)
    for op in loop_body(module):
        if isinstance(op, loop.LoadOp | loop.VLoadOp):
            values[op.results[0]] = next(loads)
        elif isinstance(op, loop.StoreOp | loop.VStoreOp):
            return values[op.operands[0]]
        else:
            evaluate = ARITH_OPS.lookup(op)
            assert evaluate is not None, op.name
            with np.errstate(all="ignore"):
                values[op.results[0]] = np.asarray(evaluate(op, [values[v] for v in op.operands]))
    raise AssertionError("no store")


def run_native(text: str, inputs: Sequence[Array], output: str) -> Array:
    module = parse_module(text)
    LoopToLLVMPass().apply(make_context(), module)
    module.verify()
    assert all(op is module or op.name.startswith("llvm.") for op in module.walk())
    out = np.zeros(inputs[0].shape, DTYPES[output])
    jit_function(module, "k")(*inputs, out)
    return out


def check(
    body: str,
    types: dict[str, str],
    inputs: Sequence[Array],
    lanes: int,
    expected: Callable[[Sequence[Array]], Array] | None = None,
) -> None:
    """Compile `body` for scalars or vectors of `lanes`, run it, compare bit for bit (NaN
    payloads aside) with the interpreter, or with `expected` when given."""
    in_types = [types[f"t{k}"] for k in range(len(inputs))]
    text = kernel(typed(body, types, lanes), in_types, types["r"], lanes, inputs[0].size)
    got = run_native(text, inputs, types["r"])
    if expected is None:
        want = reference(
            parse_module(kernel(typed(body, types, 1), in_types, types["r"], 1, inputs[0].size)),
            inputs,
        )
    else:
        with np.errstate(all="ignore"):
            want = expected(inputs)
    want = np.broadcast_to(np.asarray(want).astype(got.dtype), got.shape)
    mismatch = ~(
        (got == want) | (np.isnan(got) & np.isnan(want)) if got.dtype.kind == "f" else got == want
    )
    if got.dtype.kind == "f":
        same_zero_sign = np.signbit(got[want == 0]) == np.signbit(want[want == 0])
        assert same_zero_sign.all(), "sign of a zero differs"
    where = np.flatnonzero(mismatch)[:5]
    assert not mismatch.any(), (
        f"{body}: inputs {[x[where] for x in inputs]} got {got[where]} want {want[where]}"
    )


def padded(values: Array, lanes: int = 8) -> Array:
    """`values` repeated up to a multiple of `lanes` (the vector kernels have no tail)."""
    size = -(-values.size // lanes) * lanes
    return np.resize(values, size)


FLOATS = [
    *(0.0, -0.0, 1.0, -1.0, 0.5, -0.5, 1.5, -2.5, 2.5, 3.0, -3.0, 7.0, 13.0, 33.0, -33.5),
    *(np.inf, -np.inf, np.nan, 1e-45, -1e-45, 1e-40, 3e38, -3e38, 1e30, 0.49999997),
    *(2.0**31, -(2.0**31), 2.0**31 - 128, 3e9, -3e9, 2.0**63, -(2.0**63), 300.7, -200.5, 1e10),
]


def float_values(dtype: type[np.generic]) -> Array:
    extra = (
        [5e-324, -5e-324, 1.7e308, -1.7e308, 2.0**64, 0.49999999999999994]
        if dtype == np.float64
        else []
    )
    return np.array(FLOATS + extra, dtype=dtype)


def float_pairs(dtype: type[np.generic]) -> tuple[Array, Array]:
    values = float_values(dtype)
    pairs = np.array(list(itertools.product(range(values.size), repeat=2)))
    return padded(values[pairs[:, 0]]), padded(values[pairs[:, 1]])


LANES = [1, 8]


INT_EDGES = [0, 1, -1, 2, -2, 3, -3, 7, -7, 13, 33, -33, 31, 32, 63, 64, 100, -100]


def int_pairs(dtype: type[np.integer[Any]]) -> tuple[Array, Array]:
    info = np.iinfo(dtype)
    values = np.array([*INT_EDGES, info.min, info.max, info.min + 1, info.max - 1], dtype=dtype)
    pairs = np.array(list(itertools.product(range(values.size), repeat=2)))
    return padded(values[pairs[:, 0]]), padded(values[pairs[:, 1]])


def with_vector_select(text: str) -> ModuleOp:
    """Parse `text`, whose body computes `%c = arith.cmpf ...` and stores `%y = <op> %p, %q`,
    and make %y `arith.select %c, %p, %q`: xDSL 0.74's arith.select takes a scalar i1 only,
    so a vector condition is built past its verifier (the lowering handles it)."""
    module = parse_module(text)
    body = loop_body(module)
    cmpf = next(op for op in body if isinstance(op, arith.CmpfOp))
    store = next(op for op in body if isinstance(op, loop.StoreOp | loop.VStoreOp))
    placeholder = store.operands[0].owner
    assert isinstance(placeholder, Operation) and placeholder.parent is not None
    lhs, rhs = placeholder.operands
    chosen = arith.SelectOp.create(operands=[cmpf.result, lhs, rhs], result_types=[lhs.type])
    placeholder.parent.insert_op_before(chosen, placeholder)
    placeholder.results[0].replace_all_uses_with(chosen.result)
    placeholder.detach()
    placeholder.erase()
    return module
