// RUN: not dl-opt %s --verify-diagnostics 2>&1 | filecheck %s

/// An expectation that is not met fails the run and says so.
// CHECK: error: expected error "this never happens" was not produced
// expected-error @+1 {{this never happens}}
func.func @fine() {
  func.return
}
