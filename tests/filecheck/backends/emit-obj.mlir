// RUN: dl-opt %s --emit=obj -o %t.o
// RUN: head -c 4 %t.o | od -c | filecheck %s --check-prefix=ELF
// RUN: not dl-opt %s --emit=obj 2>&1 | filecheck %s --check-prefix=STDOUT

/// Check that an object file is written (an ELF header), and only to a file.
// ELF: 177   E   L   F
// STDOUT: error: --emit=obj writes one binary object file: give -o FILE.o
builtin.module {
  llvm.func @one() -> i32 {
    %c = llvm.mlir.constant(1 : i32) : i32
    llvm.return %c : i32
  }
}
