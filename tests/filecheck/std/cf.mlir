// RUN: DL_ROUNDTRIP

/// Round trip of every `cf` op xDSL 0.74 registers. All use `assembly_format` (cf.switch with
/// the custom directive `SwitchOpCases`).

/// Check br with and without block arguments, and a loop back-edge.
// CHECK-LABEL: func.func @br(%n: i32) -> i32 {
// CHECK-NEXT:    %zero = arith.constant 0 : i32
// CHECK-NEXT:    cf.br ^loop(%zero, %zero : i32, i32)
// CHECK-NEXT:  ^loop(%i: i32, %acc: i32):
// CHECK-NEXT:    %done = arith.cmpi sge, %i, %n : i32
// CHECK-NEXT:    cf.cond_br %done, ^exit, ^body
// CHECK-NEXT:  ^body:
// CHECK-NEXT:    %acc1 = arith.addi %acc, %i : i32
// CHECK-NEXT:    %one = arith.constant 1 : i32
// CHECK-NEXT:    %i1 = arith.addi %i, %one : i32
// CHECK-NEXT:    cf.br ^loop(%i1, %acc1 : i32, i32)
// CHECK-NEXT:  ^exit:
// CHECK-NEXT:    cf.br ^ret
// CHECK-NEXT:  ^ret:
// CHECK-NEXT:    func.return %acc : i32
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

// -----

/// Check cond_br with arguments on both, one or neither successor.
// CHECK-LABEL: func.func @cond_br(%c: i1, %a: i32, %x: f32) -> i32 {
// CHECK-NEXT:    cf.cond_br %c, ^then(%a : i32), ^else(%a, %x : i32, f32)
// CHECK-NEXT:  ^then(%t: i32):
// CHECK-NEXT:    cf.cond_br %c, ^done(%t : i32), ^done(%a : i32)
// CHECK-NEXT:  ^else(%e: i32, %f: f32):
// CHECK-NEXT:    cf.cond_br %c, ^done(%e : i32), ^fin {dl.weights = array<i32: 3, 1>}
// CHECK-NEXT:  ^fin:
// CHECK-NEXT:    cf.br ^done(%a : i32)
// CHECK-NEXT:  ^done(%r: i32):
// CHECK-NEXT:    func.return %r : i32
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

// -----

/// Check switch with a default only, and with cases carrying arguments.
// CHECK-LABEL: func.func @switch(%flag: i32, %a: f32) -> f32 {
// CHECK-NEXT:    cf.switch %flag : i32, [
// CHECK-NEXT:    default: ^bb1(%a : f32),
// CHECK-NEXT:      42: ^bb2,
// CHECK-NEXT:      -7: ^bb1(%a : f32)
// CHECK-NEXT:    ]
// CHECK-NEXT:  ^bb1(%x: f32):
// CHECK-NEXT:    func.return %x : f32
// CHECK-NEXT:  ^bb2:
// CHECK-NEXT:    cf.switch %flag : i32, [
// CHECK-NEXT:    default: ^bb1(%a : f32)
// CHECK-NEXT:    ]
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

// -----

/// Check assert.
// CHECK-LABEL: func.func @assert(%c: i1) {
// CHECK-NEXT:    cf.assert %c, "must hold"
// CHECK-NEXT:    cf.assert %c, "with \22quotes\22"
// CHECK-NEXT:    func.return
// CHECK-NEXT:  }
func.func @assert(%c: i1) {
  cf.assert %c, "must hold"
  cf.assert %c, "with \"quotes\""
  func.return
}
