// RUN: not dl-opt %s -p loop-to-llvm --split-input-file 2>&1 | filecheck %s

/// exp/log/tanh/erf are inline f32 polynomials: f64 is refused, never a silent libm call.
// CHECK: loop-to-llvm lowers math.exp on f32 and 1-D vector<Nxf32> only, got f64
func.func @exp(%x: f64) -> f64 {
  %y = math.exp %x : f64
  func.return %y : f64
}

// -----

/// xDSL 0.74's llvm dialect has no fptosi.
// CHECK: loop-to-llvm cannot lower arith.fptosi: xDSL 0.74's llvm dialect has no llvm.fptosi
func.func @fptosi(%x: f32) -> i32 {
  %y = arith.fptosi %x : f32 to i32
  func.return %y : i32
}

// -----

/// An op with no pattern at all is named, not left behind.
// CHECK: loop-to-llvm has no lowering for arith.floordivsi (in @floordiv)
func.func @floordiv(%x: i32, %y: i32) -> i32 {
  %z = arith.floordivsi %x, %y : i32
  func.return %z : i32
}

