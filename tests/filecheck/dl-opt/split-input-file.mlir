// RUN: dl-opt %s --split-input-file | filecheck %s

/// Each chunk is parsed, verified and printed on its own, separated by `// -----`.
// CHECK:      func.func @first
// CHECK:      // -----
// CHECK:      func.func @second
func.func @first() {
  func.return
}

// -----

func.func @second() {
  func.return
}
