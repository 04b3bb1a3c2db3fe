// RUN: dl-opt %s -p loop-to-llvm --split-input-file | filecheck %s

/// Memref arguments become bare pointers; only DPS outputs are noalias; the original
/// types are kept in dlir.signature; index scalars become i64.
// CHECK-LABEL: llvm.func @kernel
// CHECK-SAME:    (%{{.*}}: !llvm.ptr, %{{.*}}: i64, %{{.*}}: !llvm.ptr {llvm.noalias})
// CHECK-SAME:    attributes {dlir.signature = [memref<4x8xf32>, index, memref<8xf32>], dlir.num_outputs = 1 : i64}
// CHECK-NEXT:    llvm.return
// CHECK-NEXT:  }
loop.func @kernel(%a: memref<4x8xf32>, %n: index, %c: memref<8xf32>) attributes {num_outputs = 1 : i64} {
  loop.return
}

// -----

/// func.func keeps its result; no argument is noalias.
// CHECK-LABEL: llvm.func @helper
// CHECK-SAME:    (%[[X:.*]]: f32, %{{.*}}: !llvm.ptr) -> f32
// CHECK-SAME:    attributes {dlir.signature = [f32, memref<2xf32>]}
// CHECK-NOT:     noalias
// CHECK-NEXT:    llvm.return %[[X]] : f32
func.func @helper(%x: f32, %m: memref<2xf32>) -> f32 {
  func.return %x : f32
}

// -----

/// A declaration stays a declaration; func.call becomes llvm.call with i64 for index.
// CHECK:       llvm.func @ext(i64) -> f32 attributes {dlir.signature = [index]}
// CHECK-LABEL: llvm.func @caller
// CHECK-SAME:    (%[[N:.*]]: i64) -> f32
// CHECK-NEXT:    %[[R:.*]] = llvm.call @ext(%[[N]]) : (i64) -> f32
// CHECK-NEXT:    llvm.return %[[R]] : f32
func.func private @ext(%x: index) -> f32
func.func @caller(%n: index) -> f32 {
  %r = func.call @ext(%n) : (index) -> f32
  func.return %r : f32
}
