// REQUIRES: mlir-opt
// RUN: dl-opt %s | %mlir-opt --mlir-print-local-scope | filecheck %s
// RUN: dl-opt %s --print-op-generic | %mlir-opt --mlir-print-local-scope | filecheck %s

/// Interop: MLIR 22 (mlir-opt-22) accepts what dl-opt prints for `math`, in custom and generic
/// form, and reads it as the same ops (checked on mlir-opt's own output). The cases are
/// those of math.mlir.

/// Check every unary float op, on a scalar.
// CHECK-LABEL: func.func @unary_float(%arg0: f32) {
// CHECK-NEXT:    %0 = math.absf %arg0 : f32
// CHECK-NEXT:    %1 = math.acos %arg0 : f32
// CHECK-NEXT:    %2 = math.acosh %arg0 : f32
// CHECK-NEXT:    %3 = math.asin %arg0 : f32
// CHECK-NEXT:    %4 = math.asinh %arg0 : f32
// CHECK-NEXT:    %5 = math.atan %arg0 : f32
// CHECK-NEXT:    %6 = math.atanh %arg0 : f32
// CHECK-NEXT:    %7 = math.cbrt %arg0 : f32
// CHECK-NEXT:    %8 = math.ceil %arg0 : f32
// CHECK-NEXT:    %9 = math.cos %arg0 : f32
// CHECK-NEXT:    %10 = math.cosh %arg0 : f32
// CHECK-NEXT:    %11 = math.erf %arg0 : f32
// CHECK-NEXT:    %12 = math.exp2 %arg0 : f32
// CHECK-NEXT:    %13 = math.expm1 %arg0 : f32
// CHECK-NEXT:    %14 = math.exp %arg0 : f32
// CHECK-NEXT:    %15 = math.floor %arg0 : f32
// CHECK-NEXT:    %16 = math.log10 %arg0 : f32
// CHECK-NEXT:    %17 = math.log1p %arg0 : f32
// CHECK-NEXT:    %18 = math.log2 %arg0 : f32
// CHECK-NEXT:    %19 = math.log %arg0 : f32
// CHECK-NEXT:    %20 = math.roundeven %arg0 : f32
// CHECK-NEXT:    %21 = math.round %arg0 : f32
// CHECK-NEXT:    %22 = math.rsqrt %arg0 : f32
// CHECK-NEXT:    %23 = math.sin %arg0 : f32
// CHECK-NEXT:    %24 = math.sinh %arg0 : f32
// CHECK-NEXT:    %25 = math.sqrt %arg0 : f32
// CHECK-NEXT:    %26 = math.tan %arg0 : f32
// CHECK-NEXT:    %27 = math.tanh %arg0 : f32
// CHECK-NEXT:    %28 = math.trunc %arg0 : f32
// CHECK-NEXT:    return
// CHECK-NEXT:  }
func.func @unary_float(%x: f32) {
  %absf = math.absf %x : f32
  %acos = math.acos %x : f32
  %acosh = math.acosh %x : f32
  %asin = math.asin %x : f32
  %asinh = math.asinh %x : f32
  %atan = math.atan %x : f32
  %atanh = math.atanh %x : f32
  %cbrt = math.cbrt %x : f32
  %ceil = math.ceil %x : f32
  %cos = math.cos %x : f32
  %cosh = math.cosh %x : f32
  %erf = math.erf %x : f32
  %exp2 = math.exp2 %x : f32
  %expm1 = math.expm1 %x : f32
  %exp = math.exp %x : f32
  %floor = math.floor %x : f32
  %log10 = math.log10 %x : f32
  %log1p = math.log1p %x : f32
  %log2 = math.log2 %x : f32
  %log = math.log %x : f32
  %roundeven = math.roundeven %x : f32
  %round = math.round %x : f32
  %rsqrt = math.rsqrt %x : f32
  %sin = math.sin %x : f32
  %sinh = math.sinh %x : f32
  %sqrt = math.sqrt %x : f32
  %tan = math.tan %x : f32
  %tanh = math.tanh %x : f32
  %trunc = math.trunc %x : f32
  func.return
}

/// Check fastmath flags and vector/f64 operands on unary float ops.
// CHECK-LABEL: func.func @unary_fastmath(%arg0: f64, %arg1: vector<8xf32>) {
// CHECK-NEXT:    %0 = math.exp %arg1 fastmath<fast> : vector<8xf32>
// CHECK-NEXT:    %1 = math.sqrt %arg0 fastmath<afn> : f64
// CHECK-NEXT:    %2 = math.tanh %arg1 fastmath<nnan,ninf> : vector<8xf32>
// CHECK-NEXT:    %3 = math.erf %arg0 : f64
// CHECK-NEXT:    return
// CHECK-NEXT:  }
func.func @unary_fastmath(%x: f64, %v: vector<8xf32>) {
  %exp = math.exp %v fastmath<fast> : vector<8xf32>
  %sqrt = math.sqrt %x fastmath<afn> : f64
  %tanh = math.tanh %v fastmath<nnan,ninf> : vector<8xf32>
  %erf = math.erf %x fastmath<none> : f64
  func.return
}

/// Check binary and ternary float ops.
// CHECK-LABEL: func.func @binary_float(%arg0: f32, %arg1: f32, %arg2: f32, %arg3: i32, %arg4: vector<4xf32>) {
// CHECK-NEXT:    %0 = math.atan2 %arg0, %arg1 : f32
// CHECK-NEXT:    %1 = math.copysign %arg0, %arg1 : f32
// CHECK-NEXT:    %2 = math.powf %arg0, %arg1 fastmath<fast> : f32
// CHECK-NEXT:    %3 = math.fpowi %arg0, %arg3 : f32, i32
// CHECK-NEXT:    %4 = math.fma %arg0, %arg1, %arg2 : f32
// CHECK-NEXT:    %5 = math.fma %arg4, %arg4, %arg4 fastmath<contract> : vector<4xf32>
// CHECK-NEXT:    return
// CHECK-NEXT:  }
func.func @binary_float(%x: f32, %y: f32, %z: f32, %n: i32, %v: vector<4xf32>) {
  %atan2 = math.atan2 %x, %y : f32
  %copysign = math.copysign %x, %y : f32
  %powf = math.powf %x, %y fastmath<fast> : f32
  %fpowi = math.fpowi %x, %n : f32, i32
  %fma = math.fma %x, %y, %z : f32
  %vfma = math.fma %v, %v, %v fastmath<contract> : vector<4xf32>
  func.return
}

/// Check integer ops.
// CHECK-LABEL: func.func @integer(%arg0: i32, %arg1: i32, %arg2: vector<4xi64>) {
// CHECK-NEXT:    %0 = math.absi %arg0 : i32
// CHECK-NEXT:    %1 = math.ctlz %arg0 : i32
// CHECK-NEXT:    %2 = math.cttz %arg0 : i32
// CHECK-NEXT:    %3 = math.ctpop %arg2 : vector<4xi64>
// CHECK-NEXT:    %4 = math.ipowi %arg0, %arg1 : i32
// CHECK-NEXT:    return
// CHECK-NEXT:  }
func.func @integer(%a: i32, %b: i32, %v: vector<4xi64>) {
  %absi = math.absi %a : i32
  %ctlz = math.ctlz %a : i32
  %cttz = math.cttz %a : i32
  %ctpop = math.ctpop %v : vector<4xi64>
  %ipowi = math.ipowi %a, %b : i32
  func.return
}
