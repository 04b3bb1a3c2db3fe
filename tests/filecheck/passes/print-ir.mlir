// RUN: dl-opt %s -p 'cse,dce' --print-ir-before=cse --print-ir-after=dce 2>&1 >/dev/null | filecheck %s --check-prefix=NAMED
// RUN: dl-opt %s -p 'cse,dce' --print-ir-after-all 2>&1 >/dev/null | filecheck %s --check-prefix=ALL
// RUN: dl-opt %s -p 'cse,dce' --print-ir-after-change 2>&1 >/dev/null | filecheck %s --check-prefix=CHANGE
// RUN: rm -rf %t && dl-opt %s -p 'cse,dce' --print-ir-tree-dir=%t >/dev/null && ls %t | filecheck %s --check-prefix=TREE

/// Check that IR dumps go to stderr, headed by the pass and the op it ran on.
// NAMED:      // -----// IR Dump Before cse (builtin.module) //----- //
// NAMED:      %c = arith.addi
// NAMED:      // -----// IR Dump After dce (builtin.module) //----- //
// NAMED-NOT:  %c = arith.addi
// ALL:        IR Dump After cse
// ALL:        IR Dump After dce
/// Check that only cse changed the IR (dce finds nothing left to remove).
// CHANGE:     IR Dump After cse
// CHANGE-NOT: IR Dump After dce
// TREE:       001_cse_builtin_module.mlir
// TREE-NEXT:  002_dce_builtin_module.mlir
func.func @f(%a: i32) -> i32 {
  %b = arith.addi %a, %a : i32
  %c = arith.addi %a, %a : i32
  func.return %b : i32
}
