// RUN: dl-opt %s -p loop-to-llvm --split-input-file | filecheck %s
// RUN: dl-opt %s -p loop-to-llvm --split-input-file | filecheck %s --check-prefix=INLINE

// INLINE-NOT: llvm.call
// INLINE-NOT: math.

/// exp: clamp, n = round(x log2 e) by the 1.5 * 2^23 magic number, two-constant Cody-Waite
/// reduction, a Horner polynomial of fmas, 2^n as two factors built in the exponent bits,
/// NaN passed through by a select: straight-line code, no call.
// CHECK-LABEL: llvm.func @exp(%{{.*}}: f32) -> f32
// CHECK:         llvm.intr.maxnum
// CHECK:         llvm.intr.minnum
// CHECK:         llvm.mlir.constant(0x4B400000 : f32) : f32
// CHECK:         llvm.intr.fma
// CHECK:         llvm.mlir.constant(-0.693359375 : f32) : f32
// CHECK:         llvm.bitcast %{{.*}} : f32 to i32
// CHECK:         llvm.ashr
// CHECK:         llvm.shl
// CHECK:         llvm.bitcast %{{.*}} : i32 to f32
// CHECK:         llvm.icmp "sgt"
// CHECK:         %[[R:.*]] = llvm.select %{{.*}} : i1, f32
// CHECK-NEXT:    llvm.return %[[R]] : f32
func.func @exp(%x: f32) -> f32 {
  %y = math.exp %x : f32
  func.return %y : f32
}

// -----

/// On vectors the constants are splats, and the selects are bit blends
/// b ^ ((a ^ b) & sext(cond)): xDSL's llvm.select and llvm.fcmp take no vectors.
// CHECK-LABEL: llvm.func @vector(%{{.*}}: vector<8xf32>) -> vector<8xf32>
// CHECK:         llvm.mlir.constant(dense<0x4B400000> : vector<8xf32>) : vector<8xf32>
// CHECK:         llvm.icmp "slt" %{{.*}}, %{{.*}} : vector<8xi32>
// CHECK:         llvm.sext %{{.*}} : vector<8xi1> to vector<8xi32>
// CHECK:         llvm.xor
// CHECK:         llvm.and
// CHECK:         llvm.intr.copysign
// CHECK:         llvm.return %{{.*}} : vector<8xf32>
func.func @vector(%x: vector<8xf32>) -> vector<8xf32> {
  %t = math.tanh %x : vector<8xf32>
  %l = math.log %t : vector<8xf32>
  %e = math.erf %l : vector<8xf32>
  func.return %e : vector<8xf32>
}
