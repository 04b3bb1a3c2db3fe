// REQUIRES: mlir-opt
// RUN: dl-opt %s | %mlir-opt --mlir-print-local-scope | filecheck %s
// RUN: dl-opt %s --print-op-generic | %mlir-opt --mlir-print-local-scope | filecheck %s

/// Interop: MLIR 22 (mlir-opt-22) accepts what dl-opt prints for `scf`, in custom and generic
/// form, and reads it as the same ops (checked on mlir-opt's own output). The cases are
/// those of scf.mlir.

/// Check a plain loop over index (no iter_args: the yield is implicit).
// CHECK-LABEL: func.func @for_plain(%arg0: index, %arg1: index, %arg2: index, %arg3: memref<16xf32>, %arg4: f32) {
// CHECK-NEXT:    scf.for %arg5 = %arg0 to %arg1 step %arg2 {
// CHECK-NEXT:      memref.store %arg4, %arg3[%arg5] : memref<16xf32>
// CHECK-NEXT:    }
// CHECK-NEXT:    return
// CHECK-NEXT:  }
func.func @for_plain(%lb: index, %ub: index, %step: index, %m: memref<16xf32>, %x: f32) {
  scf.for %i = %lb to %ub step %step {
    memref.store %x, %m[%i] : memref<16xf32>
  }
  func.return
}

/// Check a loop with iter_args and results, and a loop over a signless integer type.
// CHECK-LABEL: func.func @for_iter_args(%arg0: index, %arg1: index, %arg2: index, %arg3: f32, %arg4: i32) -> (f32, i32) {
// CHECK-NEXT:    %0:2 = scf.for %arg5 = %arg0 to %arg1 step %arg2 iter_args(%arg6 = %arg3, %arg7 = %arg4) -> (f32, i32) {
// CHECK-NEXT:      %2 = arith.addf %arg6, %arg6 : f32
// CHECK-NEXT:      scf.yield %2, %arg7 : f32, i32
// CHECK-NEXT:    }
// CHECK-NEXT:    %c0_i32 = arith.constant 0 : i32
// CHECK-NEXT:    %1 = scf.for %arg5 = %c0_i32 to %arg4 step %arg4 iter_args(%arg6 = %0#1) -> (i32)  : i32 {
// CHECK-NEXT:      %2 = arith.addi %arg6, %arg5 : i32
// CHECK-NEXT:      scf.yield %2 : i32
// CHECK-NEXT:    }
// CHECK-NEXT:    scf.for %arg5 = %c0_i32 to %arg4 step %arg4  : i32 {
// CHECK-NEXT:    } {dl.unroll = 4 : i64}
// CHECK-NEXT:    return %0#0, %1 : f32, i32
// CHECK-NEXT:  }
func.func @for_iter_args(%lb: index, %ub: index, %step: index, %init: f32, %n: i32) -> (f32, i32) {
  %sum, %count = scf.for %i = %lb to %ub step %step iter_args(%acc = %init, %c = %n) -> (f32, i32) {
    %next = arith.addf %acc, %acc : f32
    scf.yield %next, %c : f32, i32
  }
  %zero = arith.constant 0 : i32
  %r = scf.for %j = %zero to %n step %n iter_args(%k = %count) -> (i32) : i32 {
    %k1 = arith.addi %k, %j : i32
    scf.yield %k1 : i32
  }
  scf.for %j = %zero to %n step %n : i32 {
  } {dl.unroll = 4 : i64}
  func.return %sum, %r : f32, i32
}

/// Check if without else, if/else with results, and attributes on if.
// CHECK-LABEL: func.func @if(%arg0: i1, %arg1: i32, %arg2: i32) -> i32 {
// CHECK-NEXT:    scf.if %arg0 {
// CHECK-NEXT:      %2 = arith.addi %arg1, %arg2 : i32
// CHECK-NEXT:    }
// CHECK-NEXT:    %0 = scf.if %arg0 -> (i32) {
// CHECK-NEXT:      scf.yield %arg1 : i32
// CHECK-NEXT:    } else {
// CHECK-NEXT:      scf.yield %arg2 : i32
// CHECK-NEXT:    }
// CHECK-NEXT:    %1:2 = scf.if %arg0 -> (i32, i32) {
// CHECK-NEXT:      scf.yield %arg1, %arg2 : i32, i32
// CHECK-NEXT:    } else {
// CHECK-NEXT:      scf.yield %arg2, %arg1 : i32, i32
// CHECK-NEXT:    } {dl.likely}
// CHECK-NEXT:    scf.if %arg0 {
// CHECK-NEXT:    } else {
// CHECK-NEXT:      %2 = arith.muli %arg1, %arg2 : i32
// CHECK-NEXT:    }
// CHECK-NEXT:    return %0 : i32
// CHECK-NEXT:  }
func.func @if(%c: i1, %a: i32, %b: i32) -> i32 {
  scf.if %c {
    %x = arith.addi %a, %b : i32
  }
  %r = scf.if %c -> (i32) {
    scf.yield %a : i32
  } else {
    scf.yield %b : i32
  }
  %p, %q = scf.if %c -> (i32, i32) {
    scf.yield %a, %b : i32, i32
  } else {
    scf.yield %b, %a : i32, i32
  } {dl.likely}
  scf.if %c {
  } else {
    %y = arith.muli %a, %b : i32
  }
  func.return %r : i32
}

/// Check a while loop: the `before` region ends in scf.condition, `after` in scf.yield.
// CHECK-LABEL: func.func @while(%arg0: i32, %arg1: i32) -> i32 {
// CHECK-NEXT:    %0 = scf.while (%arg2 = %arg0) : (i32) -> i32 {
// CHECK-NEXT:      %1 = arith.cmpi slt, %arg2, %arg1 : i32
// CHECK-NEXT:      scf.condition(%1) %arg2 : i32
// CHECK-NEXT:    } do {
// CHECK-NEXT:    ^bb0(%arg2: i32):
// CHECK-NEXT:      %c1_i32 = arith.constant 1 : i32
// CHECK-NEXT:      %1 = arith.addi %arg2, %c1_i32 : i32
// CHECK-NEXT:      scf.yield %1 : i32
// CHECK-NEXT:    }
// CHECK-NEXT:    return %0 : i32
// CHECK-NEXT:  }
func.func @while(%init: i32, %limit: i32) -> i32 {
  %res = scf.while (%arg = %init) : (i32) -> i32 {
    %cond = arith.cmpi slt, %arg, %limit : i32
    scf.condition(%cond) %arg : i32
  } do {
  ^bb0(%x: i32):
    %one = arith.constant 1 : i32
    %next = arith.addi %x, %one : i32
    scf.yield %next : i32
  }
  func.return %res : i32
}

/// Check a while loop with no values and a result type different from its argument types.
// CHECK-LABEL: func.func @while_mixed(%arg0: i32, %arg1: i1) -> f32 {
// CHECK-NEXT:    scf.while : () -> () {
// CHECK-NEXT:      scf.condition(%arg1)
// CHECK-NEXT:    } do {
// CHECK-NEXT:      scf.yield
// CHECK-NEXT:    }
// CHECK-NEXT:    %0 = scf.while (%arg2 = %arg0) : (i32) -> f32 {
// CHECK-NEXT:      %1 = arith.sitofp %arg2 : i32 to f32
// CHECK-NEXT:      scf.condition(%arg1) %1 : f32
// CHECK-NEXT:    } do {
// CHECK-NEXT:    ^bb0(%arg2: f32):
// CHECK-NEXT:      %1 = arith.fptosi %arg2 : f32 to i32
// CHECK-NEXT:      scf.yield %1 : i32
// CHECK-NEXT:    } attributes {dl.tag}
// CHECK-NEXT:    return %0 : f32
// CHECK-NEXT:  }
func.func @while_mixed(%init: i32, %flag: i1) -> f32 {
  scf.while () : () -> () {
    scf.condition(%flag)
  } do {
    scf.yield
  }
  %f = scf.while (%a = %init) : (i32) -> f32 {
    %x = arith.sitofp %a : i32 to f32
    scf.condition(%flag) %x : f32
  } do {
  ^bb0(%y: f32):
    %z = arith.fptosi %y : f32 to i32
    scf.yield %z : i32
  } attributes {dl.tag}
  func.return %f : f32
}

/// Check execute_region with results. (Without results xDSL 0.74 prints the region without its
/// scf.yield and parses it back without one, so that form does not round-trip; and xDSL's
/// parser drops a trailing attribute dictionary, which dlir's keeps: neither is tested here.)
// CHECK-LABEL: func.func @execute_region(%arg0: i32) -> i32 {
// CHECK-NEXT:    %0 = scf.execute_region -> i32 {
// CHECK-NEXT:      scf.yield %arg0 : i32
// CHECK-NEXT:    }
// CHECK-NEXT:    %1:2 = scf.execute_region -> (i32, i32) {
// CHECK-NEXT:      %2 = arith.addi %arg0, %arg0 : i32
// CHECK-NEXT:      scf.yield %arg0, %2 : i32, i32
// CHECK-NEXT:    }
// CHECK-NEXT:    return %0 : i32
// CHECK-NEXT:  }
func.func @execute_region(%a: i32) -> i32 {
  %r = scf.execute_region -> (i32) {
    scf.yield %a : i32
  }
  %p, %q = scf.execute_region -> (i32, i32) {
    %b = arith.addi %a, %a : i32
    scf.yield %a, %b : i32, i32
  }
  func.return %r : i32
}

/// Check index_switch with results, several cases and a default.
// CHECK-LABEL: func.func @index_switch(%arg0: index, %arg1: i32, %arg2: i32) -> i32 {
// CHECK-NEXT:    %0 = scf.index_switch %arg0 -> i32
// CHECK-NEXT:    case 0 {
// CHECK-NEXT:      scf.yield %arg1 : i32
// CHECK-NEXT:    }
// CHECK-NEXT:    case 2 {
// CHECK-NEXT:      scf.yield %arg2 : i32
// CHECK-NEXT:    }
// CHECK-NEXT:    default {
// CHECK-NEXT:      scf.yield %arg1 : i32
// CHECK-NEXT:    }
// CHECK-NEXT:    scf.index_switch %arg0
// CHECK-NEXT:    default {
// CHECK-NEXT:    }
// CHECK-NEXT:    return %0 : i32
// CHECK-NEXT:  }
func.func @index_switch(%i: index, %a: i32, %b: i32) -> i32 {
  %r = scf.index_switch %i -> i32
  case 0 {
    scf.yield %a : i32
  }
  case 2 {
    scf.yield %b : i32
  }
  default {
    scf.yield %a : i32
  }
  scf.index_switch %i
  default {
    scf.yield
  }
  func.return %r : i32
}

/// Check scf.parallel (generic form only in xDSL 0.74) with scf.reduce and reduce.return.
// CHECK-LABEL: func.func @parallel(%arg0: index, %arg1: index, %arg2: index, %arg3: f32, %arg4: memref<8x8xf32>) -> f32 {
// CHECK-NEXT:    %0 = scf.parallel (%arg5, %arg6) = (%arg0, %arg0) to (%arg1, %arg1) step (%arg2, %arg2) init (%arg3) -> f32 {
// CHECK-NEXT:      %1 = memref.load %arg4[%arg5, %arg6] : memref<8x8xf32>
// CHECK-NEXT:      scf.reduce(%1 : f32) {
// CHECK-NEXT:      ^bb0(%arg7: f32, %arg8: f32):
// CHECK-NEXT:        %2 = arith.addf %arg7, %arg8 : f32
// CHECK-NEXT:        scf.reduce.return %2 : f32
// CHECK-NEXT:      }
// CHECK-NEXT:    }
// CHECK-NEXT:    scf.parallel (%arg5) = (%arg0) to (%arg1) step (%arg2) {
// CHECK-NEXT:      scf.reduce
// CHECK-NEXT:    }
// CHECK-NEXT:    return %0 : f32
// CHECK-NEXT:  }
func.func @parallel(%lb: index, %ub: index, %step: index, %init: f32, %m: memref<8x8xf32>) -> f32 {
  %sum = "scf.parallel"(%lb, %lb, %ub, %ub, %step, %step, %init) <{operandSegmentSizes = array<i32: 2, 2, 2, 1>}> ({
  ^bb0(%i: index, %j: index):
    %v = memref.load %m[%i, %j] : memref<8x8xf32>
    scf.reduce(%v : f32) {
    ^bb1(%l: f32, %r: f32):
      %s = arith.addf %l, %r : f32
      scf.reduce.return %s : f32
    }
  }) : (index, index, index, index, index, index, f32) -> f32
  "scf.parallel"(%lb, %ub, %step) <{operandSegmentSizes = array<i32: 1, 1, 1, 0>}> ({
  ^bb0(%i: index):
    scf.reduce
  }) : (index, index, index) -> ()
  func.return %sum : f32
}
