// REQUIRES: mlir-opt
// RUN: dl-opt %s | %mlir-opt --mlir-print-local-scope | filecheck %s
// RUN: dl-opt %s --print-op-generic | %mlir-opt --mlir-print-local-scope | filecheck %s

/// Interop: MLIR 22 (mlir-opt-22) accepts what dl-opt prints for `cf`, in custom and generic
/// form, and reads it as the same ops (checked on mlir-opt's own output). The cases are
/// those of cf.mlir.

/// Check br with and without block arguments, and a loop back-edge.
// CHECK-LABEL: func.func @br(%arg0: i32) -> i32 {
// CHECK-NEXT:    %c0_i32 = arith.constant 0 : i32
// CHECK-NEXT:    cf.br ^bb1(%c0_i32, %c0_i32 : i32, i32)
// CHECK-NEXT:  ^bb1(%0: i32, %1: i32):  // 2 preds: ^bb0, ^bb2
// CHECK-NEXT:    %2 = arith.cmpi sge, %0, %arg0 : i32
// CHECK-NEXT:    cf.cond_br %2, ^bb3, ^bb2
// CHECK-NEXT:  ^bb2:  // pred: ^bb1
// CHECK-NEXT:    %3 = arith.addi %1, %0 : i32
// CHECK-NEXT:    %c1_i32 = arith.constant 1 : i32
// CHECK-NEXT:    %4 = arith.addi %0, %c1_i32 : i32
// CHECK-NEXT:    cf.br ^bb1(%4, %3 : i32, i32)
// CHECK-NEXT:  ^bb3:  // pred: ^bb1
// CHECK-NEXT:    cf.br ^bb4
// CHECK-NEXT:  ^bb4:  // pred: ^bb3
// CHECK-NEXT:    return %1 : i32
// CHECK-NEXT:  }
func.func @br(%n: i32) -> i32 {
  %zero = arith.constant 0 : i32
  cf.br ^loop(%zero, %zero : i32, i32)
^loop(%i: i32, %acc: i32):
  %done = arith.cmpi sge, %i, %n : i32
  cf.cond_br %done, ^exit, ^body
^body:
  %acc1 = arith.addi %acc, %i : i32
  %one = arith.constant 1 : i32
  %i1 = arith.addi %i, %one : i32
  cf.br ^loop(%i1, %acc1 : i32, i32)
^exit:
  cf.br ^ret
^ret:
  func.return %acc : i32
}

/// Check cond_br with arguments on both, one or neither successor.
// CHECK-LABEL: func.func @cond_br(%arg0: i1, %arg1: i32, %arg2: f32) -> i32 {
// CHECK-NEXT:    cf.cond_br %arg0, ^bb1(%arg1 : i32), ^bb2(%arg1, %arg2 : i32, f32)
// CHECK-NEXT:  ^bb1(%0: i32):  // pred: ^bb0
// CHECK-NEXT:    cf.cond_br %arg0, ^bb4(%0 : i32), ^bb4(%arg1 : i32)
// CHECK-NEXT:  ^bb2(%1: i32, %2: f32):  // pred: ^bb0
// CHECK-NEXT:    cf.cond_br %arg0, ^bb4(%1 : i32), ^bb3 {dl.weights = array<i32: 3, 1>}
// CHECK-NEXT:  ^bb3:  // pred: ^bb2
// CHECK-NEXT:    cf.br ^bb4(%arg1 : i32)
// CHECK-NEXT:  ^bb4(%3: i32):  // 4 preds: ^bb1, ^bb1, ^bb2, ^bb3
// CHECK-NEXT:    return %3 : i32
// CHECK-NEXT:  }
func.func @cond_br(%c: i1, %a: i32, %x: f32) -> i32 {
  cf.cond_br %c, ^then(%a : i32), ^else(%a, %x : i32, f32)
^then(%t: i32):
  cf.cond_br %c, ^done(%t : i32), ^done(%a : i32)
^else(%e: i32, %f: f32):
  cf.cond_br %c, ^done(%e : i32), ^fin {dl.weights = array<i32: 3, 1>}
^fin:
  cf.br ^done(%a : i32)
^done(%r: i32):
  func.return %r : i32
}

/// Check switch with a default only, and with cases carrying arguments.
// CHECK-LABEL: func.func @switch(%arg0: i32, %arg1: f32) -> f32 {
// CHECK-NEXT:    cf.switch %arg0 : i32, [
// CHECK-NEXT:      default: ^bb1(%arg1 : f32),
// CHECK-NEXT:      42: ^bb2,
// CHECK-NEXT:      4294967289: ^bb1(%arg1 : f32)
// CHECK-NEXT:    ]
// CHECK-NEXT:  ^bb1(%0: f32):  // 3 preds: ^bb0, ^bb0, ^bb2
// CHECK-NEXT:    return %0 : f32
// CHECK-NEXT:  ^bb2:  // pred: ^bb0
// CHECK-NEXT:    cf.switch %arg0 : i32, [
// CHECK-NEXT:      default: ^bb1(%arg1 : f32)]
// CHECK-NEXT:  }
func.func @switch(%flag: i32, %a: f32) -> f32 {
  cf.switch %flag : i32, [
    default: ^bb1(%a : f32),
    42: ^bb2,
    -7: ^bb1(%a : f32)
  ]
^bb1(%x: f32):
  func.return %x : f32
^bb2:
  cf.switch %flag : i32, [
    default: ^bb1(%a : f32)
  ]
}

/// Check assert.
// CHECK-LABEL: func.func @assert(%arg0: i1) {
// CHECK-NEXT:    cf.assert %arg0, "must hold"
// CHECK-NEXT:    cf.assert %arg0, "with \22quotes\22"
// CHECK-NEXT:    return
// CHECK-NEXT:  }
func.func @assert(%c: i1) {
  cf.assert %c, "must hold"
  cf.assert %c, "with \"quotes\""
  func.return
}
