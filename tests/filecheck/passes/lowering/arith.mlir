// RUN: dl-opt %s -p loop-to-llvm --split-input-file | filecheck %s
// RUN: dl-opt %s -p loop-to-llvm --split-input-file | filecheck %s --check-prefix=LOWERED

// LOWERED-NOT: arith.
// LOWERED-NOT: math.
// LOWERED-NOT: vector.

/// Constants (index -> i64, zero too), integer and float arithmetic, casts, compares and
/// select map one to one; divsi divides by 1 instead of 0 or -1 (which trap on x86) and
/// selects numpy's answer for them. (Unused pure ops would be erased by xDSL's rewrite walker.)
// CHECK-LABEL: llvm.func @scalars
// CHECK-SAME:    (%[[X:.*]]: f32, %[[Y:.*]]: f32, %[[N:.*]]: i64, %[[M:.*]]: i32) -> f32
// CHECK-NEXT:    %[[C0:.*]] = llvm.mlir.constant(0) : i64
// CHECK-NEXT:    %[[Z:.*]] = llvm.mlir.constant(0 : i32) : i32
// CHECK-NEXT:    %[[A:.*]] = llvm.add %[[N]], %[[C0]] : i64
// CHECK-NEXT:    %[[B:.*]] = llvm.mul %[[A]], %[[N]] : i64
// CHECK-NEXT:    %[[I:.*]] = llvm.sext %[[M]] : i32 to i64
// CHECK-NEXT:    %[[J:.*]] = llvm.trunc %[[B]] : i64 to i32
// CHECK-NEXT:    %[[LT:.*]] = llvm.icmp "slt" %[[I]], %[[B]] : i64
// CHECK-NEXT:    %[[F:.*]] = llvm.sitofp %[[J]] : i32 to f32
// CHECK-NEXT:    %[[D:.*]] = llvm.fpext %[[F]] : f32 to f64
// CHECK-NEXT:    %[[E:.*]] = llvm.fptrunc %[[D]] : f64 to f32
// CHECK-NEXT:    %[[G:.*]] = llvm.fsub %[[X]], %[[E]] : f32
// CHECK-NEXT:    %[[H:.*]] = llvm.fdiv %[[G]], %[[Y]] : f32
// CHECK-NEXT:    %[[OLT:.*]] = llvm.fcmp "olt" %[[H]], %[[Y]] : f32
// CHECK-NEXT:    %[[S:.*]] = llvm.select %[[OLT]], %[[H]], %[[Y]] : i1, f32
// CHECK-NEXT:    %[[K:.*]] = llvm.intr.fma(%[[S]], %[[X]], %[[Y]]) : (f32, f32, f32) -> f32
// CHECK-NEXT:    %[[Q:.*]] = llvm.intr.sqrt(%[[K]]) : (f32) -> f32
// CHECK-NEXT:    %[[R:.*]] = llvm.intr.fabs(%[[Q]]) : (f32) -> f32
// CHECK-NEXT:    %[[W:.*]] = llvm.select %[[LT]], %[[J]], %[[Z]] : i1, i32
// CHECK-NEXT:    %[[C0:.*]] = llvm.mlir.constant(0 : i32) : i32
// CHECK-NEXT:    %[[C1:.*]] = llvm.mlir.constant(1 : i32) : i32
// CHECK-NEXT:    %[[CM1:.*]] = llvm.mlir.constant(-1 : i32) : i32
// CHECK-NEXT:    %[[BY0:.*]] = llvm.icmp "eq" %[[M]], %[[C0]] : i32
// CHECK-NEXT:    %[[BYM1:.*]] = llvm.icmp "eq" %[[M]], %[[CM1]] : i32
// CHECK-NEXT:    %[[TRAPS:.*]] = llvm.or %[[BY0]], %[[BYM1]] : i1
// CHECK-NEXT:    %[[D:.*]] = llvm.select %[[TRAPS]], %[[C1]], %[[M]] : i1, i32
// CHECK-NEXT:    %[[Q:.*]] = llvm.sdiv %[[W]], %[[D]] : i32
// CHECK-NEXT:    %[[NEG:.*]] = llvm.sub %[[C0]], %[[W]] : i32
// CHECK-NEXT:    %[[Q1:.*]] = llvm.select %[[BYM1]], %[[NEG]], %[[Q]] : i1, i32
// CHECK-NEXT:    %[[SI:.*]] = llvm.select %[[BY0]], %[[C0]], %[[Q1]] : i1, i32
// CHECK-NEXT:    %[[WF:.*]] = llvm.sitofp %[[SI]] : i32 to f32
// CHECK-NEXT:    %[[OUT:.*]] = llvm.fadd %[[R]], %[[WF]] : f32
// CHECK-NEXT:    llvm.return %[[OUT]] : f32
func.func @scalars(%x: f32, %y: f32, %n: index, %m: i32) -> f32 {
  %c0 = arith.constant 0 : index
  %z = arith.constant 0 : i32
  %a = arith.addi %n, %c0 : index
  %b = arith.muli %a, %n : index
  %i = arith.index_cast %m : i32 to index
  %j = arith.index_cast %b : index to i32
  %lt = arith.cmpi slt, %i, %b : index
  %f = arith.sitofp %j : i32 to f32
  %d = arith.extf %f : f32 to f64
  %e = arith.truncf %d : f64 to f32
  %g = arith.subf %x, %e : f32
  %h = arith.divf %g, %y : f32
  %olt = arith.cmpf olt, %h, %y : f32
  %s = arith.select %olt, %h, %y : f32
  %k = math.fma %s, %x, %y : f32
  %q = math.sqrt %k : f32
  %r = math.absf %q : f32
  %w = arith.select %lt, %j, %z : i32
  %si = arith.divsi %w, %m : i32
  %wf = arith.sitofp %si : i32 to f32
  %out = arith.addf %r, %wf : f32
  func.return %out : f32
}

// -----

/// A scalar broadcast is an insertelement into undef and a zero-mask shufflevector;
/// vector.fma and dense splat constants stay vectors.
// CHECK-LABEL: llvm.func @vectors
// CHECK-SAME:    (%[[X:.*]]: f32, %[[V:.*]]: vector<8xf32>) -> vector<8xf32>
// CHECK-NEXT:    %[[TWO:.*]] = llvm.mlir.constant(dense<2.000000e+00> : vector<8xf32>) : vector<8xf32>
// CHECK-NEXT:    %[[U:.*]] = llvm.mlir.undef : vector<8xf32>
// CHECK-NEXT:    %[[I0:.*]] = llvm.mlir.constant(0 : i32) : i32
// CHECK-NEXT:    %[[E:.*]] = llvm.insertelement %[[X]], %[[U]][%[[I0]] : i32] : vector<8xf32>
// CHECK-NEXT:    %[[B:.*]] = llvm.shufflevector %[[E]], %[[U]] [0, 0, 0, 0, 0, 0, 0, 0] : vector<8xf32>
// CHECK-NEXT:    %[[F:.*]] = llvm.intr.fma(%[[B]], %[[V]], %[[TWO]]) : (vector<8xf32>, vector<8xf32>, vector<8xf32>) -> vector<8xf32>
// CHECK-NEXT:    %[[M:.*]] = llvm.fmul %[[F]], %[[TWO]] : vector<8xf32>
// CHECK-NEXT:    llvm.return %[[M]] : vector<8xf32>
func.func @vectors(%x: f32, %v: vector<8xf32>) -> vector<8xf32> {
  %two = arith.constant dense<2.0> : vector<8xf32>
  %b = vector.broadcast %x : f32 to vector<8xf32>
  %f = vector.fma %b, %v, %two : vector<8xf32>
  %m = arith.mulf %f, %two : vector<8xf32>
  func.return %m : vector<8xf32>
}

// -----

/// Integer min/max become icmp + select with the matching (signed/unsigned) predicate;
/// maxnumf/minnumf are the maxnum/minnum intrinsics, negf is fneg.
// CHECK-LABEL: llvm.func @minmax
// CHECK-SAME:    (%[[A:.*]]: i64, %[[B:.*]]: i64, %[[X:.*]]: f32, %[[Y:.*]]: f32) -> f32
// CHECK-NEXT:    %[[LT:.*]] = llvm.icmp "slt" %[[A]], %[[B]] : i64
// CHECK-NEXT:    %[[M:.*]] = llvm.select %[[LT]], %[[A]], %[[B]] : i1, i64
// CHECK-NEXT:    %[[GT:.*]] = llvm.icmp "ugt" %[[M]], %[[B]] : i64
// CHECK-NEXT:    %[[N:.*]] = llvm.select %[[GT]], %[[M]], %[[B]] : i1, i64
// CHECK-NEXT:    %[[I:.*]] = llvm.trunc %[[N]] : i64 to i32
// CHECK-NEXT:    %[[F:.*]] = llvm.sitofp %[[I]] : i32 to f32
// CHECK-NEXT:    %[[P:.*]] = llvm.intr.maxnum(%[[X]], %[[F]]) : (f32, f32) -> f32
// CHECK-NEXT:    %[[Q:.*]] = llvm.intr.minnum(%[[P]], %[[Y]]) : (f32, f32) -> f32
// CHECK-NEXT:    %[[R:.*]] = llvm.fneg %[[Q]] : f32
// CHECK-NEXT:    llvm.return %[[R]] : f32
func.func @minmax(%a: index, %b: index, %x: f32, %y: f32) -> f32 {
  %m = arith.minsi %a, %b : index
  %n = arith.maxui %m, %b : index
  %i = arith.index_cast %n : index to i32
  %f = arith.sitofp %i : i32 to f32
  %p = arith.maxnumf %x, %f : f32
  %q = arith.minnumf %p, %y : f32
  %r = arith.negf %q : f32
  func.return %r : f32
}

// -----

/// maximumf/minimumf propagate NaN: LLVM's maximum/minimum intrinsics, called by name
/// (xDSL 0.74 has no op for them); the rounding ops without an xDSL op alike.
// CHECK-LABEL: llvm.func @intrinsics
// CHECK-SAME:    (%[[X:.*]]: vector<8xf32>, %[[Y:.*]]: vector<8xf32>)
// CHECK-NEXT:    %[[M:.*]] = llvm.call_intrinsic "llvm.maximum.v8f32"(%[[X]], %[[Y]]) : (vector<8xf32>, vector<8xf32>) -> vector<8xf32>
// CHECK-NEXT:    %[[N:.*]] = llvm.call_intrinsic "llvm.minimum.v8f32"(%[[M]], %[[Y]]) : (vector<8xf32>, vector<8xf32>) -> vector<8xf32>
// CHECK-NEXT:    %[[R:.*]] = llvm.call_intrinsic "llvm.roundeven.v8f32"(%[[N]]) : (vector<8xf32>) -> vector<8xf32>
// CHECK-NEXT:    %[[T:.*]] = llvm.call_intrinsic "llvm.trunc.v8f32"(%[[R]]) : (vector<8xf32>) -> vector<8xf32>
// CHECK-NEXT:    %[[F:.*]] = llvm.intr.floor(%[[T]]) : (vector<8xf32>) -> vector<8xf32>
// CHECK-NEXT:    llvm.return %[[F]] : vector<8xf32>
func.func @intrinsics(%x: vector<8xf32>, %y: vector<8xf32>) -> vector<8xf32> {
  %m = arith.maximumf %x, %y : vector<8xf32>
  %n = arith.minimumf %m, %y : vector<8xf32>
  %r = math.roundeven %n : vector<8xf32>
  %t = math.trunc %r : vector<8xf32>
  %f = math.floor %t : vector<8xf32>
  func.return %f : vector<8xf32>
}

// -----

/// Every cmpf predicate: "ord"/"uno" and the rest as llvm.fcmp, "true"/"false" as constants
/// (xDSL's translation of llvm.fcmp rejects those two). Vector compares are tested from
/// Python: xDSL 0.74's arith.cmpf types its result i1 even on vectors.
// CHECK-LABEL: llvm.func @compare
// CHECK-SAME:    (%[[X:.*]]: f64, %[[Y:.*]]: f64) -> i1
// CHECK-NEXT:    %[[O:.*]] = llvm.fcmp "ord" %[[X]], %[[Y]] : f64
// CHECK-NEXT:    %[[T:.*]] = llvm.mlir.constant(true) : i1
// CHECK-NEXT:    %[[B:.*]] = llvm.and %[[O]], %[[T]] : i1
// CHECK-NEXT:    llvm.return %[[B]] : i1
func.func @compare(%x: f64, %y: f64) -> i1 {
  %o = arith.cmpf ord, %x, %y : f64
  %t = arith.cmpf true, %x, %y : f64
  %b = arith.andi %o, %t : i1
  func.return %b : i1
}

// -----

/// fptosi: LLVM's saturating conversion, then INT_MIN where |x| >= 2^31 or x is NaN
/// (numpy's x86 answer); uitofp from i32 is a zext to i64 and a signed conversion.
// CHECK-LABEL: llvm.func @conversions
// CHECK-SAME:    (%[[X:.*]]: f32, %[[U:.*]]: i32) -> f32
// CHECK-NEXT:    %[[S:.*]] = llvm.call_intrinsic "llvm.fptosi.sat.i32.f32"(%[[X]]) : (f32) -> i32
// CHECK:         %[[OUT:.*]] = llvm.icmp "sge" %{{.*}}, %{{.*}} : i32
// CHECK:         %[[I:.*]] = llvm.select %[[OUT]], %{{.*}}, %[[S]] : i1, i32
// CHECK:         %[[W:.*]] = llvm.zext %[[U]] : i32 to i64
// CHECK-NEXT:    %[[F:.*]] = llvm.sitofp %[[W]] : i64 to f32
func.func @conversions(%x: f32, %u: i32) -> f32 {
  %i = arith.fptosi %x : f32 to i32
  %f = arith.uitofp %u : i32 to f32
  %g = arith.sitofp %i : i32 to f32
  %s = arith.addf %f, %g : f32
  func.return %s : f32
}

// -----

/// Shifts by the width or more give 0 (numpy), not poison: the amount is masked and the
/// result selected; shrsi shifts by at most width - 1.
// CHECK-LABEL: llvm.func @shifts
// CHECK-SAME:    (%[[A:.*]]: i32, %[[N:.*]]: i32) -> i32
// CHECK-NEXT:    %[[LAST:.*]] = llvm.mlir.constant(31 : i32) : i32
// CHECK-NEXT:    %[[FAR:.*]] = llvm.icmp "ugt" %[[N]], %[[LAST]] : i32
// CHECK-NEXT:    %[[MASKED:.*]] = llvm.and %[[N]], %[[LAST]] : i32
// CHECK-NEXT:    %[[ZERO:.*]] = llvm.mlir.constant(0 : i32) : i32
// CHECK-NEXT:    %[[SHL:.*]] = llvm.shl %[[A]], %[[MASKED]] : i32
// CHECK-NEXT:    %[[L:.*]] = llvm.select %[[FAR]], %[[ZERO]], %[[SHL]] : i1, i32
// CHECK:         %[[AMOUNT:.*]] = llvm.select %{{.*}}, %{{.*}}, %{{.*}} : i1, i32
// CHECK-NEXT:    %[[R:.*]] = llvm.ashr %[[L]], %[[AMOUNT]] : i32
// CHECK-NEXT:    llvm.return %[[R]] : i32
func.func @shifts(%a: i32, %n: i32) -> i32 {
  %l = arith.shli %a, %n : i32
  %r = arith.shrsi %l, %n : i32
  func.return %r : i32
}
