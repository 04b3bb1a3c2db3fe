// RUN: not dl-opt %s --emit=llvm 2>&1 | filecheck %s

/// Check that a module not yet in the llvm dialect is refused with a message saying what is legal.
// CHECK: error: cannot emit llvm: cannot translate 'func.func' to LLVM IR: the module's top level may hold only 'llvm.func' and 'llvm.mlir.global' (lower the module to the llvm dialect first)
func.func @f() {
  func.return
}
