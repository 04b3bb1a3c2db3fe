// RUN: DL_ROUNDTRIP

/// Round trip of every `memref` op xDSL 0.74 registers. memref.alloc has hand-written syntax;
/// copy, cast, global, rank, memory_space_cast, atomic_rmw, alloca_scope(.return),
/// extract_aligned_pointer_as_index, dma_start and dma_wait have none in xDSL 0.74 and print
/// generically; all others use `assembly_format`.

/// Check alloc/alloca with static and dynamic sizes, symbol operands and alignment, and dealloc.
// CHECK-LABEL: func.func @alloc(%n: index, %m: index, %s: index) {
// CHECK-NEXT:    %a = memref.alloc() : memref<16x16xf32>
// CHECK-NEXT:    %b = memref.alloc(%n) : memref<?x8xf32>
// CHECK-NEXT:    %c = memref.alloc(%n, %m) {alignment = 64 : i64} : memref<?x?xf32>
// CHECK-NEXT:    %d = memref.alloc(%n)[%s] : memref<?xf32, affine_map<(d0)[s0] -> ((d0 + s0))>>
// CHECK-NEXT:    %e = memref.alloc() {alignment = 32 : i64, dl.scope = "local"} : memref<8xi8, 1 : i64>
// CHECK-NEXT:    %f = memref.alloca() : memref<4xf32>
// CHECK-NEXT:    %g = memref.alloca(%n) {alignment = 16 : i64} : memref<?xf64>
// CHECK-NEXT:    %h = memref.alloca(%n)[%s] : memref<?xf32, affine_map<(d0)[s0] -> ((d0 + s0))>>
// CHECK-NEXT:    memref.dealloc %a : memref<16x16xf32>
// CHECK-NEXT:    memref.dealloc %b : memref<?x8xf32>
// CHECK-NEXT:    func.return
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

// -----

/// Check load and store, including rank-0 memrefs and the nontemporal flag.
// CHECK-LABEL: func.func @load_store(%m: memref<4x8xf32>, %z: memref<f32>, %i: index, %j: index) {
// CHECK-NEXT:    %v = memref.load %m[%i, %j] : memref<4x8xf32>
// CHECK-NEXT:    %w = memref.load %z[] : memref<f32>
// CHECK-NEXT:    %nt = memref.load %m[%i, %j] {nontemporal = true} : memref<4x8xf32>
// CHECK-NEXT:    memref.store %v, %m[%j, %i] : memref<4x8xf32>
// CHECK-NEXT:    memref.store %w, %z[] : memref<f32>
// CHECK-NEXT:    memref.store %v, %m[%i, %j] {nontemporal = true} : memref<4x8xf32>
// CHECK-NEXT:    func.return
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

// -----

/// Check subview with static and dynamic offsets, sizes and strides.
// CHECK-LABEL: func.func @subview(%m: memref<64x64xf32>, %i: index, %n: index) {
// CHECK-NEXT:    %s = memref.subview %m[0, 0] [8, 8] [1, 1] : memref<64x64xf32> to memref<8x8xf32, strided<[64, 1]>>
// CHECK-NEXT:    %t = memref.subview %m[%i, 4] [%n, 16] [1, 2] : memref<64x64xf32> to memref<?x16xf32, strided<[64, 2], offset: ?>>
// CHECK-NEXT:    %u = memref.subview %m[8, 0] [1, 64] [1, 1] : memref<64x64xf32> to memref<64xf32, strided<[1], offset: 512>>
// CHECK-NEXT:    func.return
// CHECK-NEXT:  }
func.func @subview(%m: memref<64x64xf32>, %i: index, %n: index) {
  %s = memref.subview %m[0, 0] [8, 8] [1, 1] : memref<64x64xf32> to memref<8x8xf32, strided<[64, 1]>>
  %t = memref.subview %m[%i, 4] [%n, 16] [1, 2] : memref<64x64xf32> to memref<?x16xf32, strided<[64, 2], offset: ?>>
  %u = memref.subview %m[8, 0] [1, 64] [1, 1] : memref<64x64xf32> to memref<64xf32, strided<[1], offset: 512>>
  func.return
}

// -----

/// Check globals (generic form) and get_global.
// CHECK:       "memref.global"() <{sym_name = "weights", sym_visibility = "private", type = memref<4xf32>, initial_value = dense<[1.000000e+00, 2.000000e+00, 3.000000e+00, 4.000000e+00]> : tensor<4xf32>, constant, alignment = 64 : i64}> : () -> ()
// CHECK-NEXT:  "memref.global"() <{sym_name = "scratch", sym_visibility = "public", type = memref<2x2xi32>, initial_value}> : () -> ()
// CHECK-LABEL: func.func @globals() -> memref<4xf32> {
// CHECK-NEXT:    %w = memref.get_global @weights : memref<4xf32>
// CHECK-NEXT:    %s = memref.get_global @scratch : memref<2x2xi32>
// CHECK-NEXT:    func.return %w : memref<4xf32>
// CHECK-NEXT:  }
"memref.global"() <{sym_name = "weights", sym_visibility = "private", type = memref<4xf32>, initial_value = dense<[1.000000e+00, 2.000000e+00, 3.000000e+00, 4.000000e+00]> : tensor<4xf32>, constant, alignment = 64 : i64}> : () -> ()
"memref.global"() <{sym_name = "scratch", sym_visibility = "public", type = memref<2x2xi32>, initial_value}> : () -> ()
func.func @globals() -> memref<4xf32> {
  %w = memref.get_global @weights : memref<4xf32>
  %s = memref.get_global @scratch : memref<2x2xi32>
  func.return %w : memref<4xf32>
}

// -----

/// Check reinterpret_cast, view, collapse_shape, expand_shape and cast.
// CHECK-LABEL: func.func @reshape(%m: memref<4x8xf32>, %bytes: memref<2048xi8>, %i: index, %n: index) {
// CHECK-NEXT:    %r = memref.reinterpret_cast %m to offset: [0], sizes: [32], strides: [1] : memref<4x8xf32> to memref<32xf32, strided<[1]>>
// CHECK-NEXT:    %d = memref.reinterpret_cast %m to offset: [%i], sizes: [%n, 8], strides: [8, 1] : memref<4x8xf32> to memref<?x8xf32, strided<[8, 1], offset: ?>>
// CHECK-NEXT:    %v = memref.view %bytes[%i][] : memref<2048xi8> to memref<16x16xf32>
// CHECK-NEXT:    %w = memref.view %bytes[%i][%n] : memref<2048xi8> to memref<?x4xf32>
// CHECK-NEXT:    %c = memref.collapse_shape %m {{\[\[}}0 : i64, 1 : i64]] : memref<4x8xf32> into memref<32xf32>
// CHECK-NEXT:    %e = memref.expand_shape %c {{\[\[}}0 : i64, 1 : i64, 2 : i64]] output_shape [2, 2, 8] : memref<32xf32> into memref<2x2x8xf32>
// CHECK-NEXT:    %cast = "memref.cast"(%m) : (memref<4x8xf32>) -> memref<?x?xf32>
// CHECK-NEXT:    %unranked = "memref.cast"(%m) : (memref<4x8xf32>) -> memref<*xf32>
// CHECK-NEXT:    %space = "memref.memory_space_cast"(%m) : (memref<4x8xf32>) -> memref<4x8xf32, 1 : i64>
// CHECK-NEXT:    func.return
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

// -----

/// Check copy, dim, rank, extract_strided_metadata, extract_aligned_pointer_as_index and
/// assume_alignment.
// CHECK-LABEL: func.func @queries(%m: memref<4x?xf32>, %o: memref<4x?xf32>, %i: index) {
// CHECK-NEXT:    "memref.copy"(%m, %o) : (memref<4x?xf32>, memref<4x?xf32>) -> ()
// CHECK-NEXT:    %dim = memref.dim %m, %i : memref<4x?xf32>
// CHECK-NEXT:    %rank = "memref.rank"(%m) : (memref<4x?xf32>) -> index
// CHECK-NEXT:    %base, %offset, %sizes, %sizes_1, %strides, %strides_1 = memref.extract_strided_metadata %m : memref<4x?xf32> -> memref<f32>, index, index, index, index, index
// CHECK-NEXT:    %ptr = "memref.extract_aligned_pointer_as_index"(%m) : (memref<4x?xf32>) -> index
// CHECK-NEXT:    %aligned = memref.assume_alignment %m, 64 : memref<4x?xf32>
// CHECK-NEXT:    func.return
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

// -----

/// Check atomic_rmw, alloca_scope and its return (all generic form).
// CHECK-LABEL: func.func @atomic_and_scope(%m: memref<8xf32>, %x: f32, %i: index) -> f32 {
// CHECK-NEXT:    %old = "memref.atomic_rmw"(%x, %m, %i) <{kind = 0 : i64}> : (f32, memref<8xf32>, index) -> f32
// CHECK-NEXT:    %r = "memref.alloca_scope"() ({
// CHECK-NEXT:      %tmp = memref.alloca() : memref<4xf32>
// CHECK-NEXT:      "memref.alloca_scope.return"(%old) : (f32) -> ()
// CHECK-NEXT:    }) : () -> f32
// CHECK-NEXT:    func.return %r : f32
// CHECK-NEXT:  }
func.func @atomic_and_scope(%m: memref<8xf32>, %x: f32, %i: index) -> f32 {
  %old = "memref.atomic_rmw"(%x, %m, %i) <{kind = 0 : i64}> : (f32, memref<8xf32>, index) -> f32
  %r = "memref.alloca_scope"() ({
    %tmp = memref.alloca() : memref<4xf32>
    "memref.alloca_scope.return"(%old) : (f32) -> ()
  }) : () -> f32
  func.return %r : f32
}

// -----

/// Check dma_start and dma_wait (generic form).
// CHECK-LABEL: func.func @dma(%src: memref<64xf32>, %dst: memref<64xf32, 1 : i64>, %tag: memref<1xi32>, %i: index, %n: index) {
// CHECK-NEXT:    "memref.dma_start"(%src, %i, %dst, %i, %n, %tag, %i) {operandSegmentSizes = array<i32: 1, 1, 1, 1, 1, 1, 1>} : (memref<64xf32>, index, memref<64xf32, 1 : i64>, index, index, memref<1xi32>, index) -> ()
// CHECK-NEXT:    "memref.dma_wait"(%tag, %i, %n) : (memref<1xi32>, index, index) -> ()
// CHECK-NEXT:    func.return
// CHECK-NEXT:  }
func.func @dma(%src: memref<64xf32>, %dst: memref<64xf32, 1 : i64>, %tag: memref<1xi32>, %i: index, %n: index) {
  "memref.dma_start"(%src, %i, %dst, %i, %n, %tag, %i) {operandSegmentSizes = array<i32: 1, 1, 1, 1, 1, 1, 1>} : (memref<64xf32>, index, memref<64xf32, 1 : i64>, index, index, memref<1xi32>, index) -> ()
  "memref.dma_wait"(%tag, %i, %n) : (memref<1xi32>, index, index) -> ()
  func.return
}
