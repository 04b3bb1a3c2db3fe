// RUN: DL_ROUNDTRIP

/// A 6x16 f32 GEMM micro-kernel for AVX2+FMA: its behavior in loop IR, a func.func
/// implementation with vector FMAs, and a tiled matmul calling it on loop.subview windows
/// (whose static row stride 64 matches the behavior's dynamic one).
// CHECK-LABEL: hw.intrinsic @gemm_6x16
// CHECK-SAME:    (%{{.*}}: memref<6x4xf32, strided<[?, 1], offset: ?>>, %{{.*}}: memref<4x16xf32, strided<[?, 1], offset: ?>>, %{{.*}}: memref<6x16xf32, strided<[?, 1], offset: ?>>)
// CHECK-SAME:    attributes {features = ["avx2", "fma"], implementation = @gemm_6x16_avx2, num_outputs = 1 : i64, target = "x86-avx2-fma"} {
// CHECK:           loop.store
// CHECK:         hw.return
// CHECK-NEXT:  }
// CHECK-LABEL: func.func @gemm_6x16_avx2
// CHECK-COUNT-2: vector.fma
// CHECK-LABEL: loop.func @matmul
// CHECK:         %[[A:.*]] = loop.subview %A[%i, %k] : memref<96x64xf32> to memref<6x4xf32, strided<[64, 1], offset: ?>>
// CHECK-NEXT:    %[[B:.*]] = loop.subview %B[%k, %j] : memref<64x64xf32> to memref<4x16xf32, strided<[64, 1], offset: ?>>
// CHECK-NEXT:    %[[C:.*]] = loop.subview %C[%i, %j] : memref<96x64xf32> to memref<6x16xf32, strided<[64, 1], offset: ?>>
// CHECK-NEXT:    hw.call @gemm_6x16(%[[A]], %[[B]], %[[C]]) : (memref<6x4xf32, strided<[64, 1], offset: ?>>, memref<4x16xf32, strided<[64, 1], offset: ?>>, memref<6x16xf32, strided<[64, 1], offset: ?>>) -> ()
hw.intrinsic @gemm_6x16(%a: memref<6x4xf32, strided<[?, 1], offset: ?>>, %b: memref<4x16xf32, strided<[?, 1], offset: ?>>, %c: memref<6x16xf32, strided<[?, 1], offset: ?>>) attributes {features = ["avx2", "fma"], implementation = @gemm_6x16_avx2, num_outputs = 1 : i64, target = "x86-avx2-fma"} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c6 = arith.constant 6 : index
  %c16 = arith.constant 16 : index
  loop.for %i = %c0 to %c6 step %c1 {
    loop.for %k = %c0 to %c4 step %c1 {
      loop.for %j = %c0 to %c16 step %c1 {
        %x = loop.load %a[%i, %k] : memref<6x4xf32, strided<[?, 1], offset: ?>>
        %y = loop.load %b[%k, %j] : memref<4x16xf32, strided<[?, 1], offset: ?>>
        %z = loop.load %c[%i, %j] : memref<6x16xf32, strided<[?, 1], offset: ?>>
        %p = arith.mulf %x, %y : f32
        %s = arith.addf %z, %p : f32
        loop.store %s, %c[%i, %j] : memref<6x16xf32, strided<[?, 1], offset: ?>>
      }
    }
  }
  hw.return
}
func.func @gemm_6x16_avx2(%a: memref<6x4xf32, strided<[?, 1], offset: ?>>, %b: memref<4x16xf32, strided<[?, 1], offset: ?>>, %c: memref<6x16xf32, strided<[?, 1], offset: ?>>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c6 = arith.constant 6 : index
  %c8 = arith.constant 8 : index
  scf.for %i = %c0 to %c6 step %c1 {
    %lo0 = vector.load %c[%i, %c0] : memref<6x16xf32, strided<[?, 1], offset: ?>>, vector<8xf32>
    %hi0 = vector.load %c[%i, %c8] : memref<6x16xf32, strided<[?, 1], offset: ?>>, vector<8xf32>
    %lo, %hi = scf.for %k = %c0 to %c4 step %c1 iter_args(%lo1 = %lo0, %hi1 = %hi0) -> (vector<8xf32>, vector<8xf32>) {
      %s = memref.load %a[%i, %k] : memref<6x4xf32, strided<[?, 1], offset: ?>>
      %sv = vector.broadcast %s : f32 to vector<8xf32>
      %blo = vector.load %b[%k, %c0] : memref<4x16xf32, strided<[?, 1], offset: ?>>, vector<8xf32>
      %bhi = vector.load %b[%k, %c8] : memref<4x16xf32, strided<[?, 1], offset: ?>>, vector<8xf32>
      %lo2 = vector.fma %sv, %blo, %lo1 : vector<8xf32>
      %hi2 = vector.fma %sv, %bhi, %hi1 : vector<8xf32>
      scf.yield %lo2, %hi2 : vector<8xf32>, vector<8xf32>
    }
    vector.store %lo, %c[%i, %c0] : memref<6x16xf32, strided<[?, 1], offset: ?>>, vector<8xf32>
    vector.store %hi, %c[%i, %c8] : memref<6x16xf32, strided<[?, 1], offset: ?>>, vector<8xf32>
  }
  func.return
}
loop.func @matmul(%A: memref<96x64xf32>, %B: memref<64x64xf32>, %C: memref<96x64xf32>) attributes {num_outputs = 1 : i64} {
  %c0 = arith.constant 0 : index
  %c4 = arith.constant 4 : index
  %c6 = arith.constant 6 : index
  %c16 = arith.constant 16 : index
  %c64 = arith.constant 64 : index
  %c96 = arith.constant 96 : index
  loop.for %i = %c0 to %c96 step %c6 parallel {
    loop.for %j = %c0 to %c64 step %c16 {
      loop.for %k = %c0 to %c64 step %c4 {
        %a = loop.subview %A[%i, %k] : memref<96x64xf32> to memref<6x4xf32, strided<[64, 1], offset: ?>>
        %b = loop.subview %B[%k, %j] : memref<64x64xf32> to memref<4x16xf32, strided<[64, 1], offset: ?>>
        %c = loop.subview %C[%i, %j] : memref<96x64xf32> to memref<6x16xf32, strided<[64, 1], offset: ?>>
        hw.call @gemm_6x16(%a, %b, %c) : (memref<6x4xf32, strided<[64, 1], offset: ?>>, memref<4x16xf32, strided<[64, 1], offset: ?>>, memref<6x16xf32, strided<[64, 1], offset: ?>>) -> ()
      }
    }
  }
  loop.return
}

// -----

/// An llvm.func implementation takes one bare pointer per buffer; the call's buffer may
/// have another layout than the behavior's.
// CHECK-LABEL: hw.intrinsic @vadd8
// CHECK-SAME:    attributes {implementation = @vadd8_avx, num_outputs = 1 : i64, target = "x86-avx2-fma"}
// CHECK:       llvm.func @vadd8_avx(%{{.*}}: !llvm.ptr, %{{.*}}: !llvm.ptr, %{{.*}}: !llvm.ptr)
// CHECK:       hw.call @vadd8(%{{.*}}, %{{.*}}, %{{.*}}) : (memref<8xf32>, memref<8xf32>, memref<8xf32, strided<[1], offset: 8>>) -> ()
hw.intrinsic @vadd8(%a: memref<8xf32>, %b: memref<8xf32>, %c: memref<8xf32>) attributes {implementation = @vadd8_avx, num_outputs = 1 : i64, target = "x86-avx2-fma"} {
  %v = loop.vload %a[0] : memref<8xf32>, vector<8xf32>
  %w = loop.vload %b[0] : memref<8xf32>, vector<8xf32>
  %s = arith.addf %v, %w : vector<8xf32>
  loop.vstore %s, %c[0] : memref<8xf32>, vector<8xf32>
  hw.return
}
llvm.func @vadd8_avx(%a: !llvm.ptr, %b: !llvm.ptr, %c: !llvm.ptr) {
  %x = llvm.load %a {alignment = 4 : i64} : !llvm.ptr -> vector<8xf32>
  %y = llvm.load %b {alignment = 4 : i64} : !llvm.ptr -> vector<8xf32>
  %s = llvm.fadd %x, %y : vector<8xf32>
  llvm.store %s, %c {alignment = 4 : i64} : vector<8xf32>, !llvm.ptr
  llvm.return
}
func.func @use(%a: memref<8xf32>, %b: memref<8xf32>, %c: memref<8xf32, strided<[1], offset: 8>>) {
  hw.call @vadd8(%a, %b, %c) : (memref<8xf32>, memref<8xf32>, memref<8xf32, strided<[1], offset: 8>>) -> ()
  func.return
}

// -----

/// A simulated VTA intrinsic needs no implementation; buffers live in accelerator scopes.
// CHECK-LABEL: hw.intrinsic @vta_gemm
// CHECK-SAME:    (%{{.*}}: memref<1x16xi8, "input">, %{{.*}}: memref<16x16xi8, "weight">, %{{.*}}: memref<1x16xi32, "acc">)
// CHECK-SAME:    attributes {num_outputs = 1 : i64, target = "vta"}
// CHECK:       %[[INP:.*]] = loop.alloc "input" : memref<1x16xi8, "input">
// CHECK-NEXT:  %[[WGT:.*]] = loop.alloc "weight" : memref<16x16xi8, "weight">
// CHECK-NEXT:  %[[ACC:.*]] = loop.alloc "acc" : memref<1x16xi32, "acc">
// CHECK-NEXT:  hw.call @vta_gemm(%[[INP]], %[[WGT]], %[[ACC]]) : (memref<1x16xi8, "input">, memref<16x16xi8, "weight">, memref<1x16xi32, "acc">) -> ()
hw.intrinsic @vta_gemm(%inp: memref<1x16xi8, "input">, %wgt: memref<16x16xi8, "weight">, %acc: memref<1x16xi32, "acc">) attributes {num_outputs = 1 : i64, target = "vta"} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c16 = arith.constant 16 : index
  loop.for %j = %c0 to %c16 step %c1 {
    loop.for %k = %c0 to %c16 step %c1 {
      %x = loop.load %inp[0, %k] : memref<1x16xi8, "input">
      %w = loop.load %wgt[%j, %k] : memref<16x16xi8, "weight">
      %a = loop.load %acc[0, %j] : memref<1x16xi32, "acc">
      %xe = arith.extsi %x : i8 to i32
      %we = arith.extsi %w : i8 to i32
      %p = arith.muli %xe, %we : i32
      %s = arith.addi %a, %p : i32
      loop.store %s, %acc[0, %j] : memref<1x16xi32, "acc">
    }
  }
  hw.return
}
loop.func @dense() attributes {num_outputs = 0 : i64} {
  %inp = loop.alloc "input" : memref<1x16xi8, "input">
  %wgt = loop.alloc "weight" : memref<16x16xi8, "weight">
  %acc = loop.alloc "acc" : memref<1x16xi32, "acc">
  hw.call @vta_gemm(%inp, %wgt, %acc) : (memref<1x16xi8, "input">, memref<16x16xi8, "weight">, memref<1x16xi32, "acc">) -> ()
  loop.free %acc : memref<1x16xi32, "acc">
  loop.free %wgt : memref<16x16xi8, "weight">
  loop.free %inp : memref<1x16xi8, "input">
  loop.return
}
