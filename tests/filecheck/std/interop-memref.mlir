// REQUIRES: mlir-opt
// RUN: dl-opt %s | %mlir-opt --mlir-print-local-scope | filecheck %s
// RUN: dl-opt %s --print-op-generic | %mlir-opt --mlir-print-local-scope | filecheck %s

/// Interop: MLIR 22 (mlir-opt-22) accepts what dl-opt prints for `memref`, in custom and generic
/// form, and reads it as the same ops (checked on mlir-opt's own output). The cases are
/// those of memref.mlir.

/// Check alloc/alloca with static and dynamic sizes, symbol operands and alignment, and dealloc.
// CHECK-LABEL: func.func @alloc(%arg0: index, %arg1: index, %arg2: index) {
// CHECK-NEXT:    %alloc = memref.alloc() : memref<16x16xf32>
// CHECK-NEXT:    %alloc_0 = memref.alloc(%arg0) : memref<?x8xf32>
// CHECK-NEXT:    %alloc_1 = memref.alloc(%arg0, %arg1) {alignment = 64 : i64} : memref<?x?xf32>
// CHECK-NEXT:    %alloc_2 = memref.alloc(%arg0)[%arg2] : memref<?xf32, affine_map<(d0)[s0] -> (d0 + s0)>>
// CHECK-NEXT:    %alloc_3 = memref.alloc() {alignment = 32 : i64, dl.scope = "local"} : memref<8xi8, 1>
// CHECK-NEXT:    %alloca = memref.alloca() : memref<4xf32>
// CHECK-NEXT:    %alloca_4 = memref.alloca(%arg0) {alignment = 16 : i64} : memref<?xf64>
// CHECK-NEXT:    %alloca_5 = memref.alloca(%arg0)[%arg2] : memref<?xf32, affine_map<(d0)[s0] -> (d0 + s0)>>
// CHECK-NEXT:    memref.dealloc %alloc : memref<16x16xf32>
// CHECK-NEXT:    memref.dealloc %alloc_0 : memref<?x8xf32>
// CHECK-NEXT:    return
// CHECK-NEXT:  }
func.func @alloc(%n: index, %m: index, %s: index) {
  %a = memref.alloc() : memref<16x16xf32>
  %b = memref.alloc(%n) : memref<?x8xf32>
  %c = memref.alloc(%n, %m) {alignment = 64 : i64} : memref<?x?xf32>
  %d = memref.alloc(%n)[%s] : memref<?xf32, affine_map<(d0)[s0] -> (d0 + s0)>>
  %e = memref.alloc() {alignment = 32 : i64, dl.scope = "local"} : memref<8xi8, 1 : i64>
  %f = memref.alloca() : memref<4xf32>
  %g = memref.alloca(%n) {alignment = 16 : i64} : memref<?xf64>
  %h = memref.alloca(%n)[%s] : memref<?xf32, affine_map<(d0)[s0] -> (d0 + s0)>>
  memref.dealloc %a : memref<16x16xf32>
  memref.dealloc %b : memref<?x8xf32>
  func.return
}

/// Check load and store, including rank-0 memrefs and the nontemporal flag.
// CHECK-LABEL: func.func @load_store(%arg0: memref<4x8xf32>, %arg1: memref<f32>, %arg2: index, %arg3: index) {
// CHECK-NEXT:    %0 = memref.load %arg0[%arg2, %arg3] : memref<4x8xf32>
// CHECK-NEXT:    %1 = memref.load %arg1[] : memref<f32>
// CHECK-NEXT:    %2 = memref.load %arg0[%arg2, %arg3] {nontemporal = true} : memref<4x8xf32>
// CHECK-NEXT:    memref.store %0, %arg0[%arg3, %arg2] : memref<4x8xf32>
// CHECK-NEXT:    memref.store %1, %arg1[] : memref<f32>
// CHECK-NEXT:    memref.store %0, %arg0[%arg2, %arg3] {nontemporal = true} : memref<4x8xf32>
// CHECK-NEXT:    return
// CHECK-NEXT:  }
func.func @load_store(%m: memref<4x8xf32>, %z: memref<f32>, %i: index, %j: index) {
  %v = memref.load %m[%i, %j] : memref<4x8xf32>
  %w = memref.load %z[] : memref<f32>
  %nt = memref.load %m[%i, %j] {nontemporal = true} : memref<4x8xf32>
  memref.store %v, %m[%j, %i] : memref<4x8xf32>
  memref.store %w, %z[] : memref<f32>
  memref.store %v, %m[%i, %j] {nontemporal = true} : memref<4x8xf32>
  func.return
}

/// Check subview with static and dynamic offsets, sizes and strides.
// CHECK-LABEL: func.func @subview(%arg0: memref<64x64xf32>, %arg1: index, %arg2: index) {
// CHECK-NEXT:    %subview = memref.subview %arg0[0, 0] [8, 8] [1, 1] : memref<64x64xf32> to memref<8x8xf32, strided<[64, 1]>>
// CHECK-NEXT:    %subview_0 = memref.subview %arg0[%arg1, 4] [%arg2, 16] [1, 2] : memref<64x64xf32> to memref<?x16xf32, strided<[64, 2], offset: ?>>
// CHECK-NEXT:    %subview_1 = memref.subview %arg0[8, 0] [1, 64] [1, 1] : memref<64x64xf32> to memref<64xf32, strided<[1], offset: 512>>
// CHECK-NEXT:    return
// CHECK-NEXT:  }
func.func @subview(%m: memref<64x64xf32>, %i: index, %n: index) {
  %s = memref.subview %m[0, 0] [8, 8] [1, 1] : memref<64x64xf32> to memref<8x8xf32, strided<[64, 1]>>
  %t = memref.subview %m[%i, 4] [%n, 16] [1, 2] : memref<64x64xf32> to memref<?x16xf32, strided<[64, 2], offset: ?>>
  %u = memref.subview %m[8, 0] [1, 64] [1, 1] : memref<64x64xf32> to memref<64xf32, strided<[1], offset: 512>>
  func.return
}

/// Check globals (generic form) and get_global.
// CHECK-LABEL: memref.global "private" constant @weights : memref<4xf32> = dense<[1.000000e+00, 2.000000e+00, 3.000000e+00, 4.000000e+00]> {alignment = 64 : i64}
// CHECK-LABEL: memref.global "public" @scratch : memref<2x2xi32> = uninitialized
// CHECK-LABEL: func.func @globals() -> memref<4xf32> {
// CHECK-NEXT:    %0 = memref.get_global @weights : memref<4xf32>
// CHECK-NEXT:    %1 = memref.get_global @scratch : memref<2x2xi32>
// CHECK-NEXT:    return %0 : memref<4xf32>
// CHECK-NEXT:  }
"memref.global"() <{sym_name = "weights", sym_visibility = "private", type = memref<4xf32>, initial_value = dense<[1.000000e+00, 2.000000e+00, 3.000000e+00, 4.000000e+00]> : tensor<4xf32>, constant, alignment = 64 : i64}> : () -> ()
"memref.global"() <{sym_name = "scratch", sym_visibility = "public", type = memref<2x2xi32>, initial_value}> : () -> ()
func.func @globals() -> memref<4xf32> {
  %w = memref.get_global @weights : memref<4xf32>
  %s = memref.get_global @scratch : memref<2x2xi32>
  func.return %w : memref<4xf32>
}

/// Check reinterpret_cast, view, collapse_shape, expand_shape and cast.
// CHECK-LABEL: func.func @reshape(%arg0: memref<4x8xf32>, %arg1: memref<2048xi8>, %arg2: index, %arg3: index) {
// CHECK-NEXT:    %reinterpret_cast = memref.reinterpret_cast %arg0 to offset: [0], sizes: [32], strides: [1] : memref<4x8xf32> to memref<32xf32, strided<[1]>>
// CHECK-NEXT:    %reinterpret_cast_0 = memref.reinterpret_cast %arg0 to offset: [%arg2], sizes: [%arg3, 8], strides: [8, 1] : memref<4x8xf32> to memref<?x8xf32, strided<[8, 1], offset: ?>>
// CHECK-NEXT:    %view = memref.view %arg1[%arg2][] : memref<2048xi8> to memref<16x16xf32>
// CHECK-NEXT:    %view_1 = memref.view %arg1[%arg2][%arg3] : memref<2048xi8> to memref<?x4xf32>
// CHECK-NEXT:    %collapse_shape = memref.collapse_shape %arg0 {{\[\[}}0, 1]] : memref<4x8xf32> into memref<32xf32>
// CHECK-NEXT:    %expand_shape = memref.expand_shape %collapse_shape {{\[\[}}0, 1, 2]] output_shape [2, 2, 8] : memref<32xf32> into memref<2x2x8xf32>
// CHECK-NEXT:    %cast = memref.cast %arg0 : memref<4x8xf32> to memref<?x?xf32>
// CHECK-NEXT:    %cast_2 = memref.cast %arg0 : memref<4x8xf32> to memref<*xf32>
// CHECK-NEXT:    %memspacecast = memref.memory_space_cast %arg0 : memref<4x8xf32> to memref<4x8xf32, 1>
// CHECK-NEXT:    return
// CHECK-NEXT:  }
func.func @reshape(%m: memref<4x8xf32>, %bytes: memref<2048xi8>, %i: index, %n: index) {
  %r = memref.reinterpret_cast %m to offset: [0], sizes: [32], strides: [1] : memref<4x8xf32> to memref<32xf32, strided<[1]>>
  %d = memref.reinterpret_cast %m to offset: [%i], sizes: [%n, 8], strides: [8, 1] : memref<4x8xf32> to memref<?x8xf32, strided<[8, 1], offset: ?>>
  %v = memref.view %bytes[%i][] : memref<2048xi8> to memref<16x16xf32>
  %w = memref.view %bytes[%i][%n] : memref<2048xi8> to memref<?x4xf32>
  %c = memref.collapse_shape %m [[0, 1]] : memref<4x8xf32> into memref<32xf32>
  %e = memref.expand_shape %c [[0, 1, 2]] output_shape [2, 2, 8] : memref<32xf32> into memref<2x2x8xf32>
  %cast = "memref.cast"(%m) : (memref<4x8xf32>) -> memref<?x?xf32>
  %unranked = "memref.cast"(%m) : (memref<4x8xf32>) -> memref<*xf32>
  %space = "memref.memory_space_cast"(%m) : (memref<4x8xf32>) -> memref<4x8xf32, 1 : i64>
  func.return
}

/// Check copy, dim, rank, extract_strided_metadata, extract_aligned_pointer_as_index and
/// assume_alignment.
// CHECK-LABEL: func.func @queries(%arg0: memref<4x?xf32>, %arg1: memref<4x?xf32>, %arg2: index) {
// CHECK-NEXT:    memref.copy %arg0, %arg1 : memref<4x?xf32> to memref<4x?xf32>
// CHECK-NEXT:    %dim = memref.dim %arg0, %arg2 : memref<4x?xf32>
// CHECK-NEXT:    %0 = memref.rank %arg0 : memref<4x?xf32>
// CHECK-NEXT:    %base_buffer, %offset, %sizes:2, %strides:2 = memref.extract_strided_metadata %arg0 : memref<4x?xf32> -> memref<f32>, index, index, index, index, index
// CHECK-NEXT:    %intptr = memref.extract_aligned_pointer_as_index %arg0 : memref<4x?xf32> -> index
// CHECK-NEXT:    %assume_align = memref.assume_alignment %arg0, 64 : memref<4x?xf32>
// CHECK-NEXT:    return
// CHECK-NEXT:  }
func.func @queries(%m: memref<4x?xf32>, %o: memref<4x?xf32>, %i: index) {
  "memref.copy"(%m, %o) : (memref<4x?xf32>, memref<4x?xf32>) -> ()
  %dim = memref.dim %m, %i : memref<4x?xf32>
  %rank = "memref.rank"(%m) : (memref<4x?xf32>) -> index
  %base, %offset, %sizes:2, %strides:2 = memref.extract_strided_metadata %m : memref<4x?xf32> -> memref<f32>, index, index, index, index, index
  %ptr = "memref.extract_aligned_pointer_as_index"(%m) : (memref<4x?xf32>) -> index
  %aligned = memref.assume_alignment %m, 64 : memref<4x?xf32>
  func.return
}

/// Check atomic_rmw, alloca_scope and its return (all generic form).
// CHECK-LABEL: func.func @atomic_and_scope(%arg0: memref<8xf32>, %arg1: f32, %arg2: index) -> f32 {
// CHECK-NEXT:    %0 = memref.atomic_rmw addf %arg1, %arg0[%arg2] : (f32, memref<8xf32>) -> f32
// CHECK-NEXT:    %1 = memref.alloca_scope  -> (f32) {
// CHECK-NEXT:      %alloca = memref.alloca() : memref<4xf32>
// CHECK-NEXT:      memref.alloca_scope.return %0 : f32
// CHECK-NEXT:    }
// CHECK-NEXT:    return %1 : f32
// CHECK-NEXT:  }
func.func @atomic_and_scope(%m: memref<8xf32>, %x: f32, %i: index) -> f32 {
  %old = "memref.atomic_rmw"(%x, %m, %i) <{kind = 0 : i64}> : (f32, memref<8xf32>, index) -> f32
  %r = "memref.alloca_scope"() ({
    %tmp = memref.alloca() : memref<4xf32>
    "memref.alloca_scope.return"(%old) : (f32) -> ()
  }) : () -> f32
  func.return %r : f32
}

/// Check dma_start and dma_wait (generic form).
// CHECK-LABEL: func.func @dma(%arg0: memref<64xf32>, %arg1: memref<64xf32, 1>, %arg2: memref<1xi32>, %arg3: index, %arg4: index) {
// CHECK-NEXT:    memref.dma_start %arg0[%arg3], %arg1[%arg3], %arg4, %arg2[%arg3] {operandSegmentSizes = array<i32: 1, 1, 1, 1, 1, 1, 1>} : memref<64xf32>, memref<64xf32, 1>, memref<1xi32>
// CHECK-NEXT:    memref.dma_wait %arg2[%arg3], %arg4 : memref<1xi32>
// CHECK-NEXT:    return
// CHECK-NEXT:  }
func.func @dma(%src: memref<64xf32>, %dst: memref<64xf32, 1 : i64>, %tag: memref<1xi32>, %i: index, %n: index) {
  "memref.dma_start"(%src, %i, %dst, %i, %n, %tag, %i) {operandSegmentSizes = array<i32: 1, 1, 1, 1, 1, 1, 1>} : (memref<64xf32>, index, memref<64xf32, 1 : i64>, index, index, memref<1xi32>, index) -> ()
  "memref.dma_wait"(%tag, %i, %n) : (memref<1xi32>, index, index) -> ()
  func.return
}
