"""Compile an llvm-dialect module to host machine code with llvmlite, and keep it runnable.

    compiled = compile_module(module)          # translate, verify, O3 for the host CPU, MCJIT
    compiled.llvm_ir()                         # optimised LLVM IR text
    compiled.assembly()                        # host assembly (vaddps/vfmadd231ps on AVX2+FMA)
    compiled.address("vadd")                   # entry address of @vadd, for ctypes

The target machine is the host's (`get_host_cpu_name()`, `get_host_cpu_features()`), so O3
vectorises for the CPU we run on. Optimisation uses llvmlite 0.50's new pass manager
(`create_pass_builder(tm, pto).getModulePassManager()`). A module that calls the runtime
(`dlir_parallel_for`, the thread pool of parallel loops) gets it from
`runtime.load_runtime()`, JIT-compiled once per process; `emit` leaves such calls external. A `CompiledModule` owns its MCJIT
engine; every callable made from it holds a reference to it, so the code stays mapped as long
as any callable is alive (and the engine owns its own target machine).

Weights never pass through LLVM IR text in the JIT: large constant globals are declared
`external` by `translate_module(externals=...)`, copied once into aligned numpy buffers that
the `CompiledModule` keeps (`constants`), and bound to their symbol names with
`llvm.add_symbol` before MCJIT resolves them. So `llvm_ir()`, `assembly()` and
`object_code()` of a `CompiledModule` show those globals as external; `emit` (what
`dl-opt --emit` uses) keeps every definition, so its output stands alone.

`phase_seconds` says where the time went: translate (llvm dialect -> llvmlite IR), print
(IR text), parse (LLVM reads and verifies it), optimize (O3), codegen (MCJIT).
"""
# llvmlite ships no type information: its members are Unknown to pyright (as Lark in dlir/parser).
# pyright: reportUnknownMemberType=false, reportUnknownVariableType=false, reportUnknownArgumentType=false, reportAttributeAccessIssue=false

from __future__ import annotations

import time
from dataclasses import dataclass, field
from functools import cache

import llvmlite.binding as llvm
import numpy as np
import numpy.typing as npt
from xdsl.dialects.builtin import ModuleOp

from dlir.backends.llvm.runtime import RUNTIME_SYMBOLS, load_runtime
from dlir.backends.llvm.translate import ExternalConstant, TranslationError, translate_module


class JitError(Exception):
    """LLVM rejected the translated module, or a symbol is missing from it."""


@cache
def _initialize() -> None:
    llvm.initialize_native_target()
    llvm.initialize_native_asmprinter()


def host_target_machine(opt_level: int = 3) -> llvm.TargetMachine:
    """A new target machine for this CPU, with all its features (e.g. +avx2,+fma).

    Not shared: an MCJIT engine takes ownership of its target machine and frees it with itself.
    """
    _initialize()
    target = llvm.Target.from_default_triple()
    return target.create_target_machine(
        cpu=llvm.get_host_cpu_name(),
        features=llvm.get_host_cpu_features().flatten(),
        opt=opt_level,
        reloc="pic",
        codemodel="jitdefault",
        jit=True,
    )


def host_has_features(*names: str) -> bool:
    """Whether the host CPU has all the named features, e.g. `host_has_features("avx2", "fma")`."""
    features = llvm.get_host_cpu_features()
    return all(features.get(name, False) for name in names)


def parse_and_verify(ir_text: str) -> llvm.ModuleRef:
    """LLVM IR text -> a verified llvmlite module (JitError with LLVM's message otherwise)."""
    try:
        module = llvm.parse_assembly(ir_text)
        module.verify()
    except RuntimeError as err:
        raise JitError(f"LLVM rejected the translated module: {err}") from err
    return module


def optimize(module: llvm.ModuleRef, machine: llvm.TargetMachine, speed_level: int = 3) -> None:
    """Run LLVM's default `O<speed_level>` module pipeline in place."""
    tuning = llvm.create_pipeline_tuning_options(speed_level=speed_level)
    tuning.loop_vectorization = speed_level >= 2
    tuning.slp_vectorization = speed_level >= 2
    builder = llvm.create_pass_builder(machine, tuning)
    builder.getModulePassManager().run(module, builder)


@dataclass
class CompiledModule:
    """An optimised module, finalised in an MCJIT engine; `compile_seconds` is the wall time
    from llvm-dialect IR to finalised machine code, `phase_seconds` its parts (module doc).
    `constants` are the buffers the external globals are bound to: they live as long as
    this object, hence as long as any callable made from it."""

    module: llvm.ModuleRef
    engine: llvm.ExecutionEngine
    machine: llvm.TargetMachine
    compile_seconds: float
    _names: frozenset[str] = field(default_factory=frozenset[str])
    constants: dict[str, npt.NDArray[np.uint8]] = field(
        default_factory=dict[str, npt.NDArray[np.uint8]]
    )
    phase_seconds: dict[str, float] = field(default_factory=dict[str, float])

    def llvm_ir(self) -> str:
        return str(self.module)

    def assembly(self) -> str:
        return self.machine.emit_assembly(self.module)

    def object_code(self) -> bytes:
        return self.machine.emit_object(self.module)

    def address(self, name: str) -> int:
        """The entry address of function `name` (JitError if it is not defined here)."""
        if name not in self._names:
            known = ", ".join(f"@{n}" for n in sorted(self._names)) or "none"
            raise JitError(f"no function @{name} in the compiled module (defined: {known})")
        return self.engine.get_function_address(name)


class _Phases:
    """Wall time per named phase: `with phases("parse"): ...`."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self._name = ""
        self._start = 0.0

    def __call__(self, name: str) -> _Phases:
        self._name = name
        return self

    def __enter__(self) -> None:
        self._start = time.perf_counter()

    def __exit__(self, *_: object) -> None:
        elapsed = time.perf_counter() - self._start
        self.seconds[self._name] = self.seconds.get(self._name, 0.0) + elapsed


def _optimized(
    module: ModuleOp,
    machine: llvm.TargetMachine,
    speed_level: int,
    *,
    externals: dict[str, ExternalConstant] | None = None,
    phases: _Phases | None = None,
) -> llvm.ModuleRef:
    """`module` translated for `machine`, verified and optimised at O`speed_level`."""
    phases = phases or _Phases()
    with phases("translate"):
        try:
            ir_module = translate_module(module, triple=machine.triple, externals=externals)
        except TranslationError as err:
            raise JitError(str(err)) from err
        ir_module.data_layout = str(machine.target_data)
    with phases("print"):
        text = str(ir_module)
    with phases("parse"):
        llvm_module = parse_and_verify(text)
    with phases("optimize"):
        optimize(llvm_module, machine, speed_level)
    return llvm_module


def _bind(externals: dict[str, ExternalConstant]) -> dict[str, npt.NDArray[np.uint8]]:
    """Copy each external constant into an aligned buffer and bind its symbol to it."""
    buffers: dict[str, npt.NDArray[np.uint8]] = {}
    for name, constant in externals.items():
        align = max(constant.align, 64)
        storage = np.empty(len(constant.data) + align, np.uint8)
        start = -storage.ctypes.data % align
        buffer = storage[start : start + len(constant.data)]
        buffer[:] = np.frombuffer(constant.data, np.uint8)
        buffer.flags.writeable = False
        llvm.add_symbol(name, buffer.ctypes.data)
        buffers[name] = buffer  # a view: it keeps `storage` alive
    return buffers


def compile_module(module: ModuleOp, *, speed_level: int = 3) -> CompiledModule:
    """Translate, verify, optimise at O`speed_level` for the host, and JIT `module`."""
    start = time.perf_counter()
    phases = _Phases()
    machine = host_target_machine()
    externals: dict[str, ExternalConstant] = {}
    llvm_module = _optimized(module, machine, speed_level, externals=externals, phases=phases)
    with phases("codegen"):
        constants = _bind(externals)
        if any(f.is_declaration and f.name in RUNTIME_SYMBOLS for f in llvm_module.functions):
            load_runtime()  # exports dlir_parallel_for & co. before MCJIT resolves symbols
        engine = llvm.create_mcjit_compiler(llvm_module, machine)
        engine.finalize_object()
        engine.run_static_constructors()
    names = frozenset(f.name for f in llvm_module.functions if not f.is_declaration)
    seconds = time.perf_counter() - start
    return CompiledModule(
        llvm_module, engine, machine, seconds, names, constants, dict(phases.seconds)
    )


def emit(module: ModuleOp, kind: str, *, speed_level: int = 3) -> str | bytes:
    """The optimised module as `kind`: "llvm" (IR text), "asm" (host assembly) or "obj" (bytes).

    Every constant global keeps its definition: the output needs nothing bound at run time."""
    machine = host_target_machine()
    llvm_module = _optimized(module, machine, speed_level)
    if kind == "llvm":
        return str(llvm_module)
    if kind == "asm":
        return machine.emit_assembly(llvm_module)
    if kind == "obj":
        return machine.emit_object(llvm_module)
    raise ValueError(f"unknown emit kind '{kind}': expected 'llvm', 'asm' or 'obj'")
