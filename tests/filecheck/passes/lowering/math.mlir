// RUN: dl-opt %s -p loop-to-llvm --split-input-file | filecheck %s
// RUN: dl-opt %s -p loop-to-llvm --split-input-file | filecheck %s --check-prefix=INLINE

// INLINE-NOT: llvm.call {{.*}}@
// INLINE-NOT: math.

/// exp: clamp, n = round(x log2 e) by the 1.5 * 2^23 - 1 magic number (its low bits are
/// n - 1, the exponent of the scale 2^(n-1)), two-constant Cody-Waite reduction, a Horner
/// polynomial of fmas, then a = clamp(n - 1, -126, 126) added to the polynomial's exponent
/// bits (smax/smin on the shifted bits) times 2^(n-1-a) (1 unless the result is subnormal
/// or overflows), NaN passed through by a select: straight-line code, no call.
// CHECK-LABEL: llvm.func @exp(%{{.*}}: f32) -> f32
// CHECK:         llvm.intr.maxnum
// CHECK:         llvm.intr.minnum
// CHECK:         %[[MAGIC:.*]] = llvm.mlir.constant(0x4B3FFFFF : f32) : f32
// CHECK:         %[[T:.*]] = llvm.intr.fma(%{{.*}}, %{{.*}}, %[[MAGIC]])
// CHECK:         llvm.mlir.constant(-0.693359375 : f32) : f32
// CHECK:         llvm.mlir.constant(2.000000e+00 : f32) : f32
// CHECK:         llvm.mlir.constant(2.000000e+00 : f32) : f32
// CHECK-NEXT:    %[[Y2:.*]] = llvm.intr.fma
// CHECK-NEXT:    %[[BITS:.*]] = llvm.bitcast %[[T]] : f32 to i32
// CHECK:         %[[K:.*]] = llvm.shl %[[BITS]], %{{.*}} : i32
// CHECK:         %[[LOW:.*]] = llvm.call_intrinsic "llvm.smax.i32"(%[[K]], %{{.*}})
// CHECK:         %[[A:.*]] = llvm.call_intrinsic "llvm.smin.i32"(%[[LOW]], %{{.*}})
// CHECK:         llvm.sub %[[K]], %[[A]] : i32
// CHECK:         %[[Y2BITS:.*]] = llvm.bitcast %[[Y2]] : f32 to i32
// CHECK-NEXT:    llvm.add %[[Y2BITS]], %[[A]] : i32
// CHECK:         llvm.fmul
// CHECK:         %[[NAN:.*]] = llvm.fcmp "uno" %[[X:.*]], %[[X]] : f32
// CHECK-NEXT:    %[[R:.*]] = llvm.select %[[NAN]], %[[X]], %{{.*}} : i1, f32
// CHECK-NEXT:    llvm.return %[[R]] : f32
func.func @exp(%x: f32) -> f32 {
  %y = math.exp %x : f32
  func.return %y : f32
}

// -----

/// On vectors the constants are splats, and the selects are llvm.vp.select with every lane
/// on: xDSL's llvm.select and llvm.fcmp take no vectors.
// CHECK-LABEL: llvm.func @vector(%{{.*}}: vector<8xf32>) -> vector<8xf32>
// CHECK:         llvm.mlir.constant(dense<0x4B3FFFFF> : vector<8xf32>) : vector<8xf32>
// CHECK:         llvm.icmp "slt" %{{.*}}, %{{.*}} : vector<8xi32>
// CHECK:         %[[LANES:.*]] = llvm.mlir.constant(8 : i32) : i32
// CHECK-NEXT:    llvm.call_intrinsic "llvm.vp.select.v8f32"(%{{.*}}, %{{.*}}, %{{.*}}, %[[LANES]]) : (vector<8xi1>, vector<8xf32>, vector<8xf32>, i32) -> vector<8xf32>
// CHECK:         llvm.intr.copysign
// CHECK:         llvm.return %{{.*}} : vector<8xf32>
func.func @vector(%x: vector<8xf32>) -> vector<8xf32> {
  %t = math.tanh %x : vector<8xf32>
  %l = math.log %t : vector<8xf32>
  %e = math.erf %l : vector<8xf32>
  func.return %e : vector<8xf32>
}

// -----

/// f64: the same structure on f64 and i64 (magic number 1.5 * 2^52, exponent bits at 52).
// CHECK-LABEL: llvm.func @exp64(%{{.*}}: f64) -> f64
// CHECK:         llvm.mlir.constant(0x4338000000000000 : f64) : f64
// CHECK:         llvm.bitcast %{{.*}} : f64 to i64
// CHECK:         llvm.mlir.constant(52) : i64
// CHECK:         llvm.shl
// CHECK:         %[[R:.*]] = llvm.select %{{.*}} : i1, f64
// CHECK-NEXT:    llvm.return %[[R]] : f64
func.func @exp64(%x: f64) -> f64 {
  %y = math.exp %x : f64
  func.return %y : f64
}

// -----

/// powf on f32 works in f64: |x| and y are extended, log and exp inline, the result
/// truncated, then selects for C99's special cases.
// CHECK-LABEL: llvm.func @pow(%{{.*}}: f32, %{{.*}}: f32) -> f32
// CHECK:         llvm.fpext %{{.*}} : f32 to f64
// CHECK:         llvm.fpext %{{.*}} : f32 to f64
// CHECK:         llvm.fptrunc %{{.*}} : f64 to f32
// CHECK:         llvm.call_intrinsic "llvm.trunc.f32"
// CHECK:         llvm.select %{{.*}} : i1, f32
// CHECK:         llvm.return %{{.*}} : f32
func.func @pow(%x: f32, %y: f32) -> f32 {
  %p = math.powf %x, %y : f32
  func.return %p : f32
}
