"""The LLVM backend: llvm-dialect module -> llvmlite IR -> optimised native code.

    module = parse_module(text, "k.mlir", make_context())      # llvm.func ... in the llvm dialect
    compiled = compile_module(module)                          # O3 for the host CPU, MCJIT
    vadd = compiled.function("vadd", Signature.parse("f32[1024], f32[1024], f32[1024], i64"))
    vadd(a, b, c, 1024)

The pieces: `translate` (xDSL's converter plus our fixes), `jit` (verify, optimise, emit,
MCJIT), `callable` (numpy arguments checked at the boundary, ctypes call).
"""
