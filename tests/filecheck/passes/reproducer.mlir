// RUN: rm -f %t.repro.mlir
// RUN: not dl-opt %s --load-pass-plugin %S/Inputs/test_passes.py -p 'cse,test-fail-on-bad' --reproducer=%t.repro.mlir 2>&1 | filecheck %s --check-prefix=FAIL
// RUN: filecheck %s --check-prefix=REPRO < %t.repro.mlir
// RUN: not dl-opt %t.repro.mlir --load-pass-plugin %S/Inputs/test_passes.py 2>&1 | filecheck %s --check-prefix=REPLAY
// RUN: not dl-opt %s --load-pass-plugin %S/Inputs/test_passes.py -p 'test-fail-on-bad' --print-ir-after-failure 2>&1 | filecheck %s --check-prefix=DUMP

/// Check that a failing pass is named with the function it failed on, and that the
/// reproducer holds the IR from before that pass (after cse) plus a pipeline to replay it.
// FAIL:       error: pass 'test-fail-on-bad' failed on func.func @bad: ValueError: this function is bad
// FAIL-NEXT:  note: reproducer written to {{.*}}.repro.mlir
// REPRO:      // dl-opt -p 'builtin.module(func.func(test-fail-on-bad))'
// REPRO:      func.func @good
// REPRO:      func.func @bad
// REPRO-COUNT-1: arith.muli
// REPRO-NOT:  arith.muli
// REPLAY:     error: pass 'test-fail-on-bad' failed on func.func @bad
// DUMP:       // -----// IR Dump After Failure test-fail-on-bad (func.func @bad) //----- //
// DUMP-NEXT:  func.func @bad
func.func @good(%a: i32) -> i32 {
  func.return %a : i32
}
func.func @bad(%a: i32) -> i32 {
  %b = arith.muli %a, %a : i32
  %c = arith.muli %a, %a : i32
  func.return %b : i32
}
