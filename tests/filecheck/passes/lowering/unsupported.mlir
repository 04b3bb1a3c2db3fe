// RUN: not dl-opt %s -p loop-to-llvm --split-input-file 2>&1 | filecheck %s

/// exp/log/tanh/erf are inline f32/f64 polynomials (f16 and bf16 computed in f32): other
/// types are refused, never a silent libm call.
// CHECK: loop-to-llvm lowers math.exp on f32, f64 and 1-D vectors of them, got f80
func.func @exp(%x: f80) -> f80 {
  %y = math.exp %x : f80
  func.return %y : f80
}

// -----

/// sin/cos/... have no inline lowering yet: refused up front, naming the op.
// CHECK: loop-to-llvm cannot lower math.sin: would be a libm call per lane
func.func @sin(%x: f32) -> f32 {
  %y = math.sin %x : f32
  func.return %y : f32
}

// -----

/// An op with no pattern at all is named, not left behind.
// CHECK: loop-to-llvm has no lowering for math.ctlz (in @ctlz)
func.func @ctlz(%x: i32) -> i32 {
  %z = math.ctlz %x : i32
  func.return %z : i32
}
