// RUN: DL_ROUNDTRIP

/// Round trip of every `scf` op xDSL 0.74 registers. for, if, while, execute_region and
/// index_switch have hand-written syntax; yield, condition, reduce and reduce.return use
/// `assembly_format`; xDSL 0.74 has no custom syntax for scf.parallel, so it prints generically.

/// Check a plain loop over index (no iter_args: the yield is implicit).
// CHECK-LABEL: func.func @for_plain(%lb: index, %ub: index, %step: index, %m: memref<16xf32>, %x: f32) {
// CHECK-NEXT:    scf.for %i = %lb to %ub step %step {
// CHECK-NEXT:      memref.store %x, %m[%i] : memref<16xf32>
// CHECK-NEXT:    }
// CHECK-NEXT:    func.return
// CHECK-NEXT:  }
func.func @for_plain(%lb: index, %ub: index, %step: index, %m: memref<16xf32>, %x: f32) {
  scf.for %i = %lb to %ub step %step {
    memref.store %x, %m[%i] : memref<16xf32>
  }
  func.return
}

// -----

/// Check a loop with iter_args and results, and a loop over a signless integer type.
// CHECK-LABEL: func.func @for_iter_args(%lb: index, %ub: index, %step: index, %init: f32, %n: i32) -> (f32, i32) {
// CHECK-NEXT:    %sum, %count = scf.for %i = %lb to %ub step %step iter_args(%acc = %init, %c = %n) -> (f32, i32) {
// CHECK-NEXT:      %next = arith.addf %acc, %acc : f32
// CHECK-NEXT:      scf.yield %next, %c : f32, i32
// CHECK-NEXT:    }
// CHECK-NEXT:    %zero = arith.constant 0 : i32
// CHECK-NEXT:    %r = scf.for %j = %zero to %n step %n iter_args(%k = %count) -> (i32) : i32 {
// CHECK-NEXT:      %k1 = arith.addi %k, %j : i32
// CHECK-NEXT:      scf.yield %k1 : i32
// CHECK-NEXT:    }
// CHECK-NEXT:    scf.for %j_1 = %zero to %n step %n : i32 {
// CHECK-NEXT:    } {dl.unroll = 4 : i64}
// CHECK-NEXT:    func.return %sum, %r : f32, i32
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

// -----

/// Check if without else, if/else with results, and attributes on if.
// CHECK-LABEL: func.func @if(%c: i1, %a: i32, %b: i32) -> i32 {
// CHECK-NEXT:    scf.if %c {
// CHECK-NEXT:      %x = arith.addi %a, %b : i32
// CHECK-NEXT:    }
// CHECK-NEXT:    %r = scf.if %c -> (i32) {
// CHECK-NEXT:      scf.yield %a : i32
// CHECK-NEXT:    } else {
// CHECK-NEXT:      scf.yield %b : i32
// CHECK-NEXT:    }
// CHECK-NEXT:    %p, %q = scf.if %c -> (i32, i32) {
// CHECK-NEXT:      scf.yield %a, %b : i32, i32
// CHECK-NEXT:    } else {
// CHECK-NEXT:      scf.yield %b, %a : i32, i32
// CHECK-NEXT:    }{dl.likely}
// CHECK-NEXT:    scf.if %c {
// CHECK-NEXT:    } else {
// CHECK-NEXT:      %y = arith.muli %a, %b : i32
// CHECK-NEXT:    }
// CHECK-NEXT:    func.return %r : i32
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

// -----

/// Check a while loop: the `before` region ends in scf.condition, `after` in scf.yield.
// CHECK-LABEL: func.func @while(%init: i32, %limit: i32) -> i32 {
// CHECK-NEXT:    %res = scf.while (%arg = %init) : (i32) -> i32 {
// CHECK-NEXT:      %cond = arith.cmpi slt, %arg, %limit : i32
// CHECK-NEXT:      scf.condition(%cond) %arg : i32
// CHECK-NEXT:    } do {
// CHECK-NEXT:    ^bb0(%x: i32):
// CHECK-NEXT:      %one = arith.constant 1 : i32
// CHECK-NEXT:      %next = arith.addi %x, %one : i32
// CHECK-NEXT:      scf.yield %next : i32
// CHECK-NEXT:    }
// CHECK-NEXT:    func.return %res : i32
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

// -----

/// Check a while loop with no values and a result type different from its argument types.
// CHECK-LABEL: func.func @while_mixed(%init: i32, %flag: i1) -> f32 {
// CHECK-NEXT:    scf.while () : () -> () {
// CHECK-NEXT:      scf.condition(%flag)
// CHECK-NEXT:    } do {
// CHECK-NEXT:      scf.yield
// CHECK-NEXT:    }
// CHECK-NEXT:    %f = scf.while (%a = %init) : (i32) -> f32 {
// CHECK-NEXT:      %x = arith.sitofp %a : i32 to f32
// CHECK-NEXT:      scf.condition(%flag) %x : f32
// CHECK-NEXT:    } do {
// CHECK-NEXT:    ^bb0(%y: f32):
// CHECK-NEXT:      %z = arith.fptosi %y : f32 to i32
// CHECK-NEXT:      scf.yield %z : i32
// CHECK-NEXT:    } attributes {dl.tag}
// CHECK-NEXT:    func.return %f : f32
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

// -----

/// Check execute_region with results. (Without results xDSL 0.74 prints the region without its
/// scf.yield and parses it back without one, so that form does not round-trip; and xDSL's
/// parser drops a trailing attribute dictionary, which dlir's keeps: neither is tested here.)
// CHECK-LABEL: func.func @execute_region(%a: i32) -> i32 {
// CHECK-NEXT:    %r = scf.execute_region -> (i32) {
// CHECK-NEXT:      scf.yield %a : i32
// CHECK-NEXT:    }
// CHECK-NEXT:    %p, %q = scf.execute_region -> (i32, i32) {
// CHECK-NEXT:      %b = arith.addi %a, %a : i32
// CHECK-NEXT:      scf.yield %a, %b : i32, i32
// CHECK-NEXT:    }
// CHECK-NEXT:    func.return %r : i32
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

// -----

/// Check index_switch with results, several cases and a default.
// CHECK-LABEL: func.func @index_switch(%i: index, %a: i32, %b: i32) -> i32 {
// CHECK-NEXT:    %r = scf.index_switch %i -> i32
// CHECK-NEXT:    case 0 {
// CHECK-NEXT:      scf.yield %a : i32
// CHECK-NEXT:    }
// CHECK-NEXT:    case 2 {
// CHECK-NEXT:      scf.yield %b : i32
// CHECK-NEXT:    }
// CHECK-NEXT:    default {
// CHECK-NEXT:      scf.yield %a : i32
// CHECK-NEXT:    }
// CHECK-NEXT:    scf.index_switch %i
// CHECK-NEXT:    default {
// CHECK-NEXT:      scf.yield
// CHECK-NEXT:    }
// CHECK-NEXT:    func.return %r : i32
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

// -----

/// Check scf.parallel (generic form only in xDSL 0.74) with scf.reduce and reduce.return.
// CHECK-LABEL: func.func @parallel(%lb: index, %ub: index, %step: index, %init: f32, %m: memref<8x8xf32>) -> f32 {
// CHECK-NEXT:    %sum = "scf.parallel"(%lb, %lb, %ub, %ub, %step, %step, %init) <{operandSegmentSizes = array<i32: 2, 2, 2, 1>}> ({
// CHECK-NEXT:    ^bb0(%i: index, %j: index):
// CHECK-NEXT:      %v = memref.load %m[%i, %j] : memref<8x8xf32>
// CHECK-NEXT:      scf.reduce(%v : f32) {
// CHECK-NEXT:      ^bb0(%l: f32, %r: f32):
// CHECK-NEXT:        %s = arith.addf %l, %r : f32
// CHECK-NEXT:        scf.reduce.return %s : f32
// CHECK-NEXT:      }
// CHECK-NEXT:    }) : (index, index, index, index, index, index, f32) -> f32
// CHECK-NEXT:    "scf.parallel"(%lb, %ub, %step) <{operandSegmentSizes = array<i32: 1, 1, 1, 0>}> ({
// CHECK-NEXT:    ^bb0(%i_1: index):
// CHECK-NEXT:      scf.reduce
// CHECK-NEXT:    }) : (index, index, index) -> ()
// CHECK-NEXT:    func.return %sum : f32
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
