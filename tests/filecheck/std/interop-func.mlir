// REQUIRES: mlir-opt
// RUN: dl-opt %s | %mlir-opt --mlir-print-local-scope | filecheck %s
// RUN: dl-opt %s --print-op-generic | %mlir-opt --mlir-print-local-scope | filecheck %s

/// Interop: MLIR 22 (mlir-opt-22) accepts what dl-opt prints for `func`, in custom and generic
/// form, and reads it as the same ops (checked on mlir-opt's own output). The cases are
/// those of func.mlir.

/// Check a declaration (no body) and its visibility.
// CHECK-LABEL: func.func private @decl(i32, f32) -> i64
func.func private @decl(i32, f32) -> i64

/// Check a public function with no results and an empty return.
// CHECK-LABEL: func.func @empty() {
// CHECK-NEXT:    return
// CHECK-NEXT:  }
func.func @empty() {
  func.return
}

/// Check multiple results, argument and result attributes, and function attributes.
// CHECK-LABEL: func.func @multi(%arg0: i32 {dl.tag = "lhs"}, %arg1: f32) -> (i32 {dl.res = 1 : i64}, f32) attributes {dl.kernel, dl.level = 2 : i64} {
// CHECK-NEXT:    return %arg0, %arg1 : i32, f32
// CHECK-NEXT:  }
func.func @multi(%a: i32 {dl.tag = "lhs"}, %b: f32) -> (i32 {dl.res = 1 : i64}, f32) attributes {dl.kernel, dl.level = 2 : i64} {
  func.return %a, %b : i32, f32
}

/// Check calls: with no results, one result and several results.
// CHECK-LABEL: func.func private @sink(i32)
// CHECK-LABEL: func.func private @one(i32) -> i32
// CHECK-LABEL: func.func private @two() -> (i32, f32)
// CHECK-LABEL: func.func @caller(%arg0: i32) -> i32 {
// CHECK-NEXT:    call @sink(%arg0) : (i32) -> ()
// CHECK-NEXT:    %0 = call @one(%arg0) : (i32) -> i32
// CHECK-NEXT:    %1:2 = call @two() : () -> (i32, f32)
// CHECK-NEXT:    %2 = call @one(%0) {dl.hot} : (i32) -> i32
// CHECK-NEXT:    return %2 : i32
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

/// Check a nested symbol visibility and a function with several blocks.
// CHECK-LABEL: func.func nested @inner(%arg0: i1, %arg1: index) -> index {
// CHECK-NEXT:    cf.cond_br %arg0, ^bb1, ^bb2(%arg1 : index)
// CHECK-NEXT:  ^bb1:  // pred: ^bb0
// CHECK-NEXT:    return %arg1 : index
// CHECK-NEXT:  ^bb2(%0: index):  // pred: ^bb0
// CHECK-NEXT:    return %0 : index
// CHECK-NEXT:  }
func.func nested @inner(%c: i1, %x: index) -> index {
  cf.cond_br %c, ^bb1, ^bb2(%x : index)
^bb1:
  func.return %x : index
^bb2(%y: index):
  func.return %y : index
}

/// Check tensors and memrefs as argument and result types.
// CHECK-LABEL: func.func @shaped(%arg0: tensor<?x4xf32>, %arg1: memref<8x?xi8, strided<[?, 1]>>) -> tensor<*xf32> {
// CHECK-NEXT:    %0 = builtin.unrealized_conversion_cast %arg0 : tensor<?x4xf32> to tensor<*xf32>
// CHECK-NEXT:    return %0 : tensor<*xf32>
// CHECK-NEXT:  }
func.func @shaped(%t: tensor<?x4xf32>, %m: memref<8x?xi8, strided<[?, 1]>>) -> tensor<*xf32> {
  %u = builtin.unrealized_conversion_cast %t : tensor<?x4xf32> to tensor<*xf32>
  func.return %u : tensor<*xf32>
}
