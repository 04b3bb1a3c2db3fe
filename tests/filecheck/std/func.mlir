// RUN: DL_ROUNDTRIP

/// Round trip of `func.func` (hand-written syntax), `func.call` and `func.return`.

/// Check a declaration (no body) and its visibility.
// CHECK-LABEL: func.func private @decl(i32, f32) -> i64
func.func private @decl(i32, f32) -> i64

// -----

/// Check a public function with no results and an empty return.
// CHECK-LABEL: func.func @empty() {
// CHECK-NEXT:    func.return
// CHECK-NEXT:  }
func.func @empty() {
  func.return
}

// -----

/// Check multiple results, argument and result attributes, and function attributes.
// CHECK-LABEL: func.func @multi(%a: i32 {dl.tag = "lhs"}, %b: f32) -> (i32 {dl.res = 1 : i64}, f32) attributes {dl.kernel, dl.level = 2 : i64} {
// CHECK-NEXT:    func.return %a, %b : i32, f32
// CHECK-NEXT:  }
func.func @multi(%a: i32 {dl.tag = "lhs"}, %b: f32) -> (i32 {dl.res = 1 : i64}, f32) attributes {dl.kernel, dl.level = 2 : i64} {
  func.return %a, %b : i32, f32
}

// -----

/// Check calls: with no results, one result and several results.
// CHECK-LABEL: func.func private @sink(i32) -> ()
// CHECK-LABEL: func.func private @one(i32) -> i32
// CHECK-LABEL: func.func private @two() -> (i32, f32)
// CHECK-LABEL: func.func @caller(%x: i32) -> i32 {
// CHECK-NEXT:    func.call @sink(%x) : (i32) -> ()
// CHECK-NEXT:    %y = func.call @one(%x) : (i32) -> i32
// CHECK-NEXT:    %p, %q = func.call @two() : () -> (i32, f32)
// CHECK-NEXT:    %z = func.call @one(%y) {dl.hot} : (i32) -> i32
// CHECK-NEXT:    func.return %z : i32
// CHECK-NEXT:  }
func.func private @sink(i32)
func.func private @one(i32) -> i32
func.func private @two() -> (i32, f32)
func.func @caller(%x: i32) -> i32 {
  func.call @sink(%x) : (i32) -> ()
  %y = func.call @one(%x) : (i32) -> i32
  %p, %q = func.call @two() : () -> (i32, f32)
  %z = func.call @one(%y) {dl.hot} : (i32) -> i32
  func.return %z : i32
}

// -----

/// Check a nested symbol visibility and a function with several blocks.
// CHECK-LABEL: func.func nested @inner(%c: i1, %x: index) -> index {
// CHECK-NEXT:    cf.cond_br %c, ^bb1, ^bb2(%x : index)
// CHECK-NEXT:  ^bb1:
// CHECK-NEXT:    func.return %x : index
// CHECK-NEXT:  ^bb2(%y: index):
// CHECK-NEXT:    func.return %y : index
// CHECK-NEXT:  }
func.func nested @inner(%c: i1, %x: index) -> index {
  cf.cond_br %c, ^bb1, ^bb2(%x : index)
^bb1:
  func.return %x : index
^bb2(%y: index):
  func.return %y : index
}

// -----

/// Check tensors and memrefs as argument and result types.
// CHECK-LABEL: func.func @shaped(%t: tensor<?x4xf32>, %m: memref<8x?xi8, strided<[?, 1]>>) -> tensor<*xf32> {
// CHECK-NEXT:    %u = builtin.unrealized_conversion_cast %t : tensor<?x4xf32> to tensor<*xf32>
// CHECK-NEXT:    func.return %u : tensor<*xf32>
// CHECK-NEXT:  }
func.func @shaped(%t: tensor<?x4xf32>, %m: memref<8x?xi8, strided<[?, 1]>>) -> tensor<*xf32> {
  %u = builtin.unrealized_conversion_cast %t : tensor<?x4xf32> to tensor<*xf32>
  func.return %u : tensor<*xf32>
}
