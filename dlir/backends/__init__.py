"""Backends: the llvm dialect -> llvmlite -> machine code path and the runtime that calls
compiled functions on numpy arrays. Empty until native code generation lands."""
