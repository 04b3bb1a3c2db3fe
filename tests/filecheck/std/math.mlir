// RUN: DL_ROUNDTRIP

/// Round trip of every `math` op xDSL 0.74 registers. All use `assembly_format`.

/// Check every unary float op, on a scalar.
// CHECK-LABEL: func.func @unary_float(%x: f32) {
// CHECK-NEXT:    %absf = math.absf %x : f32
// CHECK-NEXT:    %acos = math.acos %x : f32
// CHECK-NEXT:    %acosh = math.acosh %x : f32
// CHECK-NEXT:    %asin = math.asin %x : f32
// CHECK-NEXT:    %asinh = math.asinh %x : f32
// CHECK-NEXT:    %atan = math.atan %x : f32
// CHECK-NEXT:    %atanh = math.atanh %x : f32
// CHECK-NEXT:    %cbrt = math.cbrt %x : f32
// CHECK-NEXT:    %ceil = math.ceil %x : f32
// CHECK-NEXT:    %cos = math.cos %x : f32
// CHECK-NEXT:    %cosh = math.cosh %x : f32
// CHECK-NEXT:    %erf = math.erf %x : f32
// CHECK-NEXT:    %exp2 = math.exp2 %x : f32
// CHECK-NEXT:    %expm1 = math.expm1 %x : f32
// CHECK-NEXT:    %exp = math.exp %x : f32
// CHECK-NEXT:    %floor = math.floor %x : f32
// CHECK-NEXT:    %log10 = math.log10 %x : f32
// CHECK-NEXT:    %log1p = math.log1p %x : f32
// CHECK-NEXT:    %log2 = math.log2 %x : f32
// CHECK-NEXT:    %log = math.log %x : f32
// CHECK-NEXT:    %roundeven = math.roundeven %x : f32
// CHECK-NEXT:    %round = math.round %x : f32
// CHECK-NEXT:    %rsqrt = math.rsqrt %x : f32
// CHECK-NEXT:    %sin = math.sin %x : f32
// CHECK-NEXT:    %sinh = math.sinh %x : f32
// CHECK-NEXT:    %sqrt = math.sqrt %x : f32
// CHECK-NEXT:    %tan = math.tan %x : f32
// CHECK-NEXT:    %tanh = math.tanh %x : f32
// CHECK-NEXT:    %trunc = math.trunc %x : f32
// CHECK-NEXT:    func.return
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

// -----

/// Check fastmath flags and vector/f64 operands on unary float ops.
// CHECK-LABEL: func.func @unary_fastmath(%x: f64, %v: vector<8xf32>) {
// CHECK-NEXT:    %exp = math.exp %v fastmath<fast> : vector<8xf32>
// CHECK-NEXT:    %sqrt = math.sqrt %x fastmath<afn> : f64
// CHECK-NEXT:    %tanh = math.tanh %v fastmath<nnan,ninf> : vector<8xf32>
// CHECK-NEXT:    %erf = math.erf %x : f64
// CHECK-NEXT:    func.return
// CHECK-NEXT:  }
func.func @unary_fastmath(%x: f64, %v: vector<8xf32>) {
  %exp = math.exp %v fastmath<fast> : vector<8xf32>
  %sqrt = math.sqrt %x fastmath<afn> : f64
  %tanh = math.tanh %v fastmath<nnan,ninf> : vector<8xf32>
  %erf = math.erf %x fastmath<none> : f64
  func.return
}

// -----

/// Check binary and ternary float ops.
// CHECK-LABEL: func.func @binary_float(%x: f32, %y: f32, %z: f32, %n: i32, %v: vector<4xf32>) {
// CHECK-NEXT:    %atan2 = math.atan2 %x, %y : f32
// CHECK-NEXT:    %copysign = math.copysign %x, %y : f32
// CHECK-NEXT:    %powf = math.powf %x, %y fastmath<fast> : f32
// CHECK-NEXT:    %fpowi = math.fpowi %x, %n : f32, i32
// CHECK-NEXT:    %fma = math.fma %x, %y, %z : f32
// CHECK-NEXT:    %vfma = math.fma %v, %v, %v fastmath<contract> : vector<4xf32>
// CHECK-NEXT:    func.return
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

// -----

/// Check integer ops.
// CHECK-LABEL: func.func @integer(%a: i32, %b: i32, %v: vector<4xi64>) {
// CHECK-NEXT:    %absi = math.absi %a : i32
// CHECK-NEXT:    %ctlz = math.ctlz %a : i32
// CHECK-NEXT:    %cttz = math.cttz %a : i32
// CHECK-NEXT:    %ctpop = math.ctpop %v : vector<4xi64>
// CHECK-NEXT:    %ipowi = math.ipowi %a, %b : i32
// CHECK-NEXT:    func.return
// CHECK-NEXT:  }
func.func @integer(%a: i32, %b: i32, %v: vector<4xi64>) {
  %absi = math.absi %a : i32
  %ctlz = math.ctlz %a : i32
  %cttz = math.cttz %a : i32
  %ctpop = math.ctpop %v : vector<4xi64>
  %ipowi = math.ipowi %a, %b : i32
  func.return
}
