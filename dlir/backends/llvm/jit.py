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
"""
# llvmlite ships no type information: its members are Unknown to pyright (as Lark in dlir/parser).
# pyright: reportUnknownMemberType=false, reportUnknownVariableType=false, reportUnknownArgumentType=false, reportAttributeAccessIssue=false

from __future__ import annotations

import time
from dataclasses import dataclass, field
from functools import cache

import llvmlite.binding as llvm
from xdsl.dialects.builtin import ModuleOp

from dlir.backends.llvm.runtime import RUNTIME_SYMBOLS, load_runtime
from dlir.backends.llvm.translate import TranslationError, translate_module


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
    from llvm-dialect IR to finalised machine code."""

    module: llvm.ModuleRef
    engine: llvm.ExecutionEngine
    machine: llvm.TargetMachine
    compile_seconds: float
    _names: frozenset[str] = field(default_factory=frozenset[str])

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


def _optimized(module: ModuleOp, machine: llvm.TargetMachine, speed_level: int) -> llvm.ModuleRef:
    """`module` translated for `machine`, verified and optimised at O`speed_level`."""
    try:
        ir_module = translate_module(module, triple=machine.triple)
    except TranslationError as err:
        raise JitError(str(err)) from err
    ir_module.data_layout = str(machine.target_data)
    llvm_module = parse_and_verify(str(ir_module))
    optimize(llvm_module, machine, speed_level)
    return llvm_module


def compile_module(module: ModuleOp, *, speed_level: int = 3) -> CompiledModule:
    """Translate, verify, optimise at O`speed_level` for the host, and JIT `module`."""
    start = time.perf_counter()
    machine = host_target_machine()
    llvm_module = _optimized(module, machine, speed_level)
    if any(f.is_declaration and f.name in RUNTIME_SYMBOLS for f in llvm_module.functions):
        load_runtime()  # exports dlir_parallel_for & co. before MCJIT resolves symbols
    engine = llvm.create_mcjit_compiler(llvm_module, machine)
    engine.finalize_object()
    engine.run_static_constructors()
    names = frozenset(f.name for f in llvm_module.functions if not f.is_declaration)
    return CompiledModule(llvm_module, engine, machine, time.perf_counter() - start, names)


def emit(module: ModuleOp, kind: str, *, speed_level: int = 3) -> str | bytes:
    """The optimised module as `kind`: "llvm" (IR text), "asm" (host assembly) or "obj" (bytes)."""
    machine = host_target_machine()
    llvm_module = _optimized(module, machine, speed_level)
    if kind == "llvm":
        return str(llvm_module)
    if kind == "asm":
        return machine.emit_assembly(llvm_module)
    if kind == "obj":
        return machine.emit_object(llvm_module)
    raise ValueError(f"unknown emit kind '{kind}': expected 'llvm', 'asm' or 'obj'")
