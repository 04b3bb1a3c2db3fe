"""The runtime: compile a module to native entry points that take and return numpy arrays.

    program = dlir.compile(open("examples/mlp.mlir").read())   # compile-cpu, then JIT at O3
    probs = program["mlp"](x, w1, b1, w2, b2, w3, b3)          # or program.mlp(...)
    program.entries                                            # ("mlp",)
    print(program.llvm_ir)                                     # or program.asm

`compile` clones the module, runs the pipeline (`compile-cpu` by default: graph-to-te,
te-to-loop, graph-to-loop, loop-to-llvm) and JITs the result. Every function of the input
that is a `graph.func`, `te.kernel` or `loop.func` with a body is an entry. An entry is
called with its inputs only; it allocates its outputs as fresh arrays and returns the one
array, or a tuple when there are several. Inputs are checked (count, dtype, shape; an
`ArgumentError` says what was expected) and non-contiguous ones copied.

`load` does the last step alone, for a module already in the llvm dialect (what
`dl-opt --run` needs): `load(module, entries=["mlp"])`. It finds each entry's outputs
through the `dlir.num_outputs` attribute that `loop-to-llvm` leaves on lowered
`loop.func`s.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
from xdsl.context import Context
from xdsl.dialects import llvm
from xdsl.dialects.builtin import ModuleOp, StringAttr

from dlir.backends.llvm.callable import ArgumentError, CompiledFunction, Signature
from dlir.backends.llvm.jit import CompiledModule, JitError, compile_module
from dlir.ir.module import IRModule

__all__ = ["ArgumentError", "Entry", "Program", "compile", "load"]

DEFAULT_PIPELINE = "compile-cpu"

# The functions of the input module that become entry points.
_ENTRY_OPS = ("graph.func", "te.kernel", "loop.func")

Array = npt.NDArray[Any]


class Entry:
    """A native entry point: called with its inputs, returns its freshly allocated outputs.

    program["mlp"](x, w1, ...) -> ndarray            (one output)
    program["split"](x)        -> (ndarray, ndarray) (several)
    program["dot"](a, b)       -> 0-d ndarray        (a func.func with a scalar result)
    """

    def __init__(self, function: CompiledFunction) -> None:
        self.function = function
        self.name = function.name
        self.signature = function.signature

    def __call__(self, *inputs: object) -> Array | tuple[Array, ...]:
        if self.signature.num_outputs == 0:
            # Not destination-passing (a func.func or llvm.func): its scalar result, if any,
            # as a 0-d array; nothing is an empty tuple.
            result = self.function(*inputs)
            return () if result is None else np.asarray(result, self.signature.result)
        outputs = self.function.call_dps(*inputs)
        return outputs[0] if len(outputs) == 1 else outputs

    def __repr__(self) -> str:
        sig = self.signature
        if sig.num_outputs == 0:
            return f"<dlir entry @{self.name} {sig.describe()}>"
        inputs = ", ".join(a.describe() for a in sig.inputs)
        outputs = ", ".join(a.describe() for a in sig.outputs)
        return f"<dlir entry @{self.name} ({inputs}) -> ({outputs})>"


class Program:
    """Compiled entry points of one module, by name: `program["f"]` or `program.f`."""

    def __init__(self, compiled: CompiledModule, entries: dict[str, Entry]) -> None:
        self.compiled = compiled
        self._entries = entries

    @property
    def entries(self) -> tuple[str, ...]:
        """The names of the entry points, in module order."""
        return tuple(self._entries)

    @property
    def llvm_ir(self) -> str:
        """The optimised LLVM IR of the whole module; large constants are declared
        `external` there, their bytes bound from `compiled.constants` (see `jit`)."""
        return self.compiled.llvm_ir()

    @property
    def asm(self) -> str:
        """The host assembly of the whole module."""
        return self.compiled.assembly()

    def __getitem__(self, name: str) -> Entry:
        if name not in self._entries:
            known = ", ".join(f"@{n}" for n in self._entries) or "none"
            raise KeyError(f"no entry @{name} in the program (entries: {known})")
        return self._entries[name]

    def __getattr__(self, name: str) -> Entry:
        if name.startswith("_"):
            raise AttributeError(name)
        try:
            return self[name]
        except KeyError as err:
            raise AttributeError(err.args[0]) from None

    def __repr__(self) -> str:
        return f"<dlir program: {', '.join(f'@{n}' for n in self._entries)}>"


def entry_names(module: ModuleOp) -> list[str]:
    """The functions of `module` that `compile` makes entries of: graph.func, te.kernel
    and loop.func with a body."""
    names: list[str] = []
    for op in module.ops:
        symbol = op.properties.get("sym_name")
        if op.name in _ENTRY_OPS and isinstance(symbol, StringAttr) and op.regions[0].blocks:
            names.append(symbol.data)
    return names


def compile(  # shadows the builtin on purpose: `dlir.compile`, like `dlir.interpret`
    module: ModuleOp | IRModule | str,
    pipeline: str = DEFAULT_PIPELINE,
    *,
    ctx: Context | None = None,
) -> Program:
    """Lower `module` (IR or its text; left unchanged) with `pipeline` and JIT it for the host.

    Invalid input raises `DiagnosticError`; a failing pass `PassFailure`; a JIT problem
    `JitError`."""
    from dlir.ir.context import make_context
    from dlir.ir.verify import verify
    from dlir.parser import parse_module
    from dlir.passes import PassManager

    ctx = ctx or make_context()
    if isinstance(module, str):
        module = parse_module(module, ctx=ctx)
    else:
        module = (module.op if isinstance(module, IRModule) else module).clone()
    verify(module)  # as dl-opt does: a DiagnosticError names the op and what is wrong
    entries = entry_names(module)
    PassManager.parse(pipeline, ctx).run(module)
    return load(module, entries)


def load(module: ModuleOp, entries: Sequence[str] | None = None) -> Program:
    """JIT a module already in the llvm dialect; `entries` default to every defined
    llvm.func that carries a `dlir.signature`."""
    functions = {
        op.sym_name.data: op for op in module.ops if isinstance(op, llvm.FuncOp) and op.body.blocks
    }
    if entries is None:
        entries = [name for name, op in functions.items() if "dlir.signature" in op.attributes]
    for name in entries:
        if name not in functions:
            known = ", ".join(f"@{n}" for n in functions) or "none"
            raise JitError(f"no llvm.func @{name} with a body to load (defined: {known})")
    signatures = {name: Signature.from_function(functions[name]) for name in entries}
    compiled = compile_module(module)
    return Program(
        compiled,
        {name: Entry(CompiledFunction(compiled, name, signatures[name])) for name in entries},
    )
