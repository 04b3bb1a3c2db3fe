// RUN: not dl-opt %s --load-pass-plugin %S/Inputs/test_passes.py -p 'test-drop-return,cse' --time-passes 2>&1 | filecheck %s
// RUN: not dl-opt %s --load-pass-plugin %S/Inputs/test_passes.py -p 'test-drop-return,cse' --disable-verify 2>&1 | filecheck %s --check-prefix=NOVERIFY

/// Check that the IR is verified after each pass, naming the pass and the function
/// (and that the timing report, printed first, survives the failure).
// CHECK:         ... Pass execution timing report ...
// CHECK:         test-drop-return
// CHECK:         error: pass 'test-drop-return' left invalid IR in func.func @f: 'func.func' op expects a terminator
/// Check that with --disable-verify the pipeline runs through and only the final check fails.
// NOVERIFY-NOT:  left invalid IR
// NOVERIFY:      error: 'func.func' op expects a terminator
func.func @f(%a: i32) -> i32 {
  func.return %a : i32
}
