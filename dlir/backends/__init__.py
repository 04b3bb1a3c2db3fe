"""Backends: `dlir.backends.llvm` turns an llvm-dialect module into native code through
llvmlite (O3 for the host CPU, in-memory JIT) and calls its functions on numpy arrays."""
