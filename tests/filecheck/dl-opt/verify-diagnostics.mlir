// RUN: dl-opt %s --split-input-file --verify-diagnostics

/// A verifier failure is matched by `expected-error @+1` on the line before the op.
func.func @wrong_return(%a: i32) -> i32 {
  %b = arith.constant 1 : i64
  // expected-error @+1 {{expected}}
  func.return %b : i64
}

// -----

/// A parse error is matched too, at the line where it happens.
func.func @bad_type(%a: i32) {
  // expected-error @+1 {{operand is used with type i64}}
  %b = arith.addi %a, %a : i64
  func.return
}
