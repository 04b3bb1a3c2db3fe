// RUN: dl-opt %s | filecheck %s
// RUN: dl-opt %s --print-op-generic | dl-opt | filecheck %s

/// Locations are parsed (file:line:col, names, call sites, fused, aliases) and dropped
/// from the printed output, as xDSL prints no debug info; ops and arguments keep them.
// CHECK-LABEL: func.func @located(%a: i32) -> i32 {
// CHECK-NEXT:    %0 = arith.addi %a, %a : i32
// CHECK-NEXT:    %1 = arith.muli %0, %0 : i32
// CHECK-NEXT:    %2 = arith.subi %1, %0 : i32
// CHECK-NEXT:    func.return %2 : i32
#loc = loc("model.py":12:3)
func.func @located(%a: i32 loc("in.mlir":1:2)) -> i32 {
  %0 = arith.addi %a, %a : i32 loc(#loc)
  %1 = arith.muli %0, %0 : i32 loc(callsite("f" at "caller.py":4:5))
  %2 = arith.subi %1, %0 : i32 loc(fused["a.py":1:1, "b"])
  func.return %2 : i32 loc(unknown)
}
