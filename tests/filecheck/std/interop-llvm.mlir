// REQUIRES: mlir-opt
// RUN: dl-opt %s | %mlir-opt --mlir-print-local-scope | filecheck %s
// RUN: dl-opt %s --print-op-generic | %mlir-opt --mlir-print-local-scope | filecheck %s

/// Interop: MLIR 22 (mlir-opt-22) accepts what dl-opt prints for `llvm`, in custom and generic
/// form, and reads it as the same ops (checked on mlir-opt's own output). The cases are
/// those of llvm.mlir and llvm-func-props.mlir, except:
///   * an llvm.func with both a calling convention and a visibility / unnamed_addr: xDSL 0.74
///     prints `llvm.func private fastcc hidden @f`, MLIR 22 wants
///     `linkage visibility unnamed_addr cconv` (`llvm.func private hidden fastcc @f`) and
///     rejects xDSL's order ("expected valid '@'-identifier for symbol name"); xDSL in turn
///     rejects MLIR's order. Here each appears alone.
///   * `llvm.fcmp` with `{fastmathFlags = ...}`: xDSL 0.74's custom parser stores the flags as
///     a discardable attribute and leaves the `fastmathFlags` property at `none`, so the
///     generic form carries both and MLIR 22 keeps the property: the flags are lost.
///   * `llvm.getelementptr inbounds`: xDSL 0.74 keeps `inbounds` as a unit property next to
///     `noWrapFlags = 0`; MLIR 22 encodes inbounds in `noWrapFlags`, so the generic form loses
///     it (the custom form is fine).

/// Check functions: declarations, linkage, calling convention, visibility, unnamed_addr,
/// variadic signatures, argument/result attributes and function attributes.
// CHECK-LABEL: llvm.func @decl(i64)
// CHECK-LABEL: llvm.func @variadic_decl(i32, ...) -> i32
// CHECK-LABEL: llvm.func @only_varargs(...)
// CHECK-LABEL: llvm.func internal @internal() {
// CHECK-NEXT:    llvm.return
// CHECK-NEXT:  }
// CHECK-LABEL: llvm.func private fastcc @private_fast(%arg0: i32 {llvm.noundef}) -> (i32 {llvm.signext}) {
// CHECK-NEXT:    llvm.return %arg0 : i32
// CHECK-NEXT:  }
// CHECK-LABEL: llvm.func private hidden @private_hidden() {
// CHECK-NEXT:    llvm.return
// CHECK-NEXT:  }
// CHECK-LABEL: llvm.func linkonce_odr protected local_unnamed_addr @odr() {
// CHECK-NEXT:    llvm.return
// CHECK-NEXT:  }
// CHECK-LABEL: llvm.func weak unnamed_addr @weak(%arg0: !llvm.ptr, ...) {
// CHECK-NEXT:    llvm.return
// CHECK-NEXT:  }
// CHECK-LABEL: llvm.func @tagged() attributes {dl.kernel} {
// CHECK-NEXT:    llvm.return
// CHECK-NEXT:  }
llvm.func @decl(i64)
llvm.func @variadic_decl(i32, ...) -> i32
llvm.func @only_varargs(...)
llvm.func internal @internal() {
  llvm.return
}
/// (llvm.mlir's `private fastcc hidden` is split in two: see the header.)
llvm.func private fastcc @private_fast(%a: i32 {llvm.noundef}) -> (i32 {llvm.signext}) {
  llvm.return %a : i32
}
llvm.func private hidden @private_hidden() {
  llvm.return
}
llvm.func linkonce_odr protected local_unnamed_addr @odr() {
  llvm.return
}
llvm.func weak unnamed_addr @weak(%p: !llvm.ptr, ...) {
  llvm.return
}
/// (Function attributes that are llvm.func properties — target_cpu, frame_pointer, ... — do not
/// round-trip in xDSL 0.74: see llvm-func-props.mlir.)
llvm.func @tagged() attributes {dl.kernel} {
  llvm.return
}

/// Check calls: direct, indirect, variadic, with a calling convention, tail-call kind and
/// fastmath flags, and call_intrinsic.
// CHECK-LABEL: llvm.func @callee(f32) -> f32
// CHECK-LABEL: llvm.func @sink(i32)
// CHECK-LABEL: llvm.func @printf(!llvm.ptr, ...) -> i32
// CHECK-LABEL: llvm.func @calls(%arg0: f32, %arg1: i32, %arg2: !llvm.ptr, %arg3: !llvm.ptr, %arg4: i64, %arg5: i64) {
// CHECK-NEXT:    %0 = llvm.call @callee(%arg0) : (f32) -> f32
// CHECK-NEXT:    llvm.call @sink(%arg1) : (i32) -> ()
// CHECK-NEXT:    %1 = llvm.call %arg2(%arg0) : !llvm.ptr, (f32) -> f32
// CHECK-NEXT:    %2 = llvm.call @printf(%arg3, %arg1) vararg(!llvm.func<i32 (ptr, ...)>) : (!llvm.ptr, i32) -> i32
// CHECK-NEXT:    llvm.call fastcc @sink(%arg1) : (i32) -> ()
// CHECK-NEXT:    llvm.call tail @sink(%arg1) : (i32) -> ()
// CHECK-NEXT:    %3 = llvm.call @callee(%arg0) {fastmathFlags = #llvm.fastmath<fast>} : (f32) -> f32
// CHECK-NEXT:    %4 = llvm.call_intrinsic "llvm.smax.i64"(%arg4, %arg5) : (i64, i64) -> i64
// CHECK-NEXT:    llvm.call_intrinsic "llvm.donothing"() : () -> ()
// CHECK-NEXT:    %5 = llvm.call_intrinsic "llvm.maxnum.f32"(%arg0, %arg0) {fastmathFlags = #llvm.fastmath<nnan>} : (f32, f32) -> f32
// CHECK-NEXT:    llvm.return
// CHECK-NEXT:  }
llvm.func @callee(f32) -> f32
llvm.func @sink(i32)
llvm.func @printf(!llvm.ptr, ...) -> i32
llvm.func @calls(%x: f32, %i: i32, %fp: !llvm.ptr, %fmt: !llvm.ptr, %a: i64, %b: i64) {
  %r = llvm.call @callee(%x) : (f32) -> f32
  llvm.call @sink(%i) : (i32) -> ()
  %ind = llvm.call %fp(%x) : !llvm.ptr, (f32) -> f32
  %n = llvm.call @printf(%fmt, %i) vararg(!llvm.func<i32 (!llvm.ptr, ...)>) : (!llvm.ptr, i32) -> i32
  llvm.call fastcc @sink(%i) : (i32) -> ()
  llvm.call tail @sink(%i) : (i32) -> ()
  %fast = llvm.call @callee(%x) {fastmathFlags = #llvm.fastmath<fast>} : (f32) -> f32
  %smax = llvm.call_intrinsic "llvm.smax.i64"(%a, %b) : (i64, i64) -> i64
  llvm.call_intrinsic "llvm.donothing"() : () -> ()
  %fm = llvm.call_intrinsic "llvm.maxnum.f32"(%x, %x) {fastmathFlags = #llvm.fastmath<nnan>} : (f32, f32) -> f32
  llvm.return
}

/// Check integer arithmetic with overflow, exact and disjoint flags.
// CHECK-LABEL: llvm.func @integer(%arg0: i32, %arg1: i32, %arg2: vector<4xi32>) {
// CHECK-NEXT:    %0 = llvm.add %arg0, %arg1 : i32
// CHECK-NEXT:    %1 = llvm.add %arg0, %arg1 overflow<nsw> : i32
// CHECK-NEXT:    %2 = llvm.add %arg0, %arg1 overflow<nsw, nuw> : i32
// CHECK-NEXT:    %3 = llvm.add %arg2, %arg2 : vector<4xi32>
// CHECK-NEXT:    %4 = llvm.sub %arg0, %arg1 overflow<nuw> : i32
// CHECK-NEXT:    %5 = llvm.mul %arg0, %arg1 : i32
// CHECK-NEXT:    %6 = llvm.udiv %arg0, %arg1 : i32
// CHECK-NEXT:    %7 = llvm.sdiv exact %arg0, %arg1 : i32
// CHECK-NEXT:    %8 = llvm.urem %arg0, %arg1 : i32
// CHECK-NEXT:    %9 = llvm.srem %arg0, %arg1 : i32
// CHECK-NEXT:    %10 = llvm.and %arg0, %arg1 : i32
// CHECK-NEXT:    %11 = llvm.or %arg0, %arg1 : i32
// CHECK-NEXT:    %12 = llvm.or disjoint %arg0, %arg1 : i32
// CHECK-NEXT:    %13 = llvm.xor %arg0, %arg1 : i32
// CHECK-NEXT:    %14 = llvm.shl %arg0, %arg1 overflow<nsw> : i32
// CHECK-NEXT:    %15 = llvm.lshr exact %arg0, %arg1 : i32
// CHECK-NEXT:    %16 = llvm.ashr %arg0, %arg1 : i32
// CHECK-NEXT:    %17 = llvm.add %arg0, %arg1 {dl.tag} : i32
// CHECK-NEXT:    llvm.return
// CHECK-NEXT:  }
llvm.func @integer(%a: i32, %b: i32, %v: vector<4xi32>) {
  %add = llvm.add %a, %b : i32
  %add_nsw = llvm.add %a, %b overflow<nsw> : i32
  %add_both = llvm.add %a, %b overflow<nsw, nuw> : i32
  %vadd = llvm.add %v, %v : vector<4xi32>
  %sub = llvm.sub %a, %b overflow<nuw> : i32
  %mul = llvm.mul %a, %b : i32
  %udiv = llvm.udiv %a, %b : i32
  %sdiv = llvm.sdiv exact %a, %b : i32
  %urem = llvm.urem %a, %b : i32
  %srem = llvm.srem %a, %b : i32
  %and = llvm.and %a, %b : i32
  %or = llvm.or %a, %b : i32
  %or_disjoint = llvm.or disjoint %a, %b : i32
  %xor = llvm.xor %a, %b : i32
  %shl = llvm.shl %a, %b overflow<nsw> : i32
  %lshr = llvm.lshr exact %a, %b : i32
  %ashr = llvm.ashr %a, %b : i32
  %attr = llvm.add %a, %b {dl.tag} : i32
  llvm.return
}

/// Check integer conversions and comparisons.
// CHECK-LABEL: llvm.func @int_conv_cmp(%arg0: i32, %arg1: i32, %arg2: vector<4xi32>) {
// CHECK-NEXT:    %0 = llvm.trunc %arg0 : i32 to i16
// CHECK-NEXT:    %1 = llvm.trunc %arg0 overflow<nuw> : i32 to i8
// CHECK-NEXT:    %2 = llvm.sext %arg0 : i32 to i64
// CHECK-NEXT:    %3 = llvm.zext %arg0 : i32 to i64
// CHECK-NEXT:    %4 = llvm.zext nneg %arg0 : i32 to i64
// CHECK-NEXT:    %5 = llvm.icmp "eq" %arg0, %arg1 : i32
// CHECK-NEXT:    %6 = llvm.icmp "ne" %arg0, %arg1 : i32
// CHECK-NEXT:    %7 = llvm.icmp "slt" %arg0, %arg1 : i32
// CHECK-NEXT:    %8 = llvm.icmp "sle" %arg0, %arg1 : i32
// CHECK-NEXT:    %9 = llvm.icmp "sgt" %arg0, %arg1 : i32
// CHECK-NEXT:    %10 = llvm.icmp "sge" %arg0, %arg1 : i32
// CHECK-NEXT:    %11 = llvm.icmp "ult" %arg0, %arg1 : i32
// CHECK-NEXT:    %12 = llvm.icmp "ule" %arg0, %arg1 : i32
// CHECK-NEXT:    %13 = llvm.icmp "ugt" %arg0, %arg1 : i32
// CHECK-NEXT:    %14 = llvm.icmp "uge" %arg0, %arg1 : i32
// CHECK-NEXT:    %15 = llvm.icmp "eq" %arg2, %arg2 : vector<4xi32>
// CHECK-NEXT:    llvm.return
// CHECK-NEXT:  }
llvm.func @int_conv_cmp(%a: i32, %b: i32, %v: vector<4xi32>) {
  %trunc = llvm.trunc %a : i32 to i16
  %trunc_nuw = llvm.trunc %a overflow<nuw> : i32 to i8
  %sext = llvm.sext %a : i32 to i64
  %zext = llvm.zext %a : i32 to i64
  %zext_nneg = llvm.zext nneg %a : i32 to i64
  %eq = llvm.icmp "eq" %a, %b : i32
  %ne = llvm.icmp "ne" %a, %b : i32
  %slt = llvm.icmp "slt" %a, %b : i32
  %sle = llvm.icmp "sle" %a, %b : i32
  %sgt = llvm.icmp "sgt" %a, %b : i32
  %sge = llvm.icmp "sge" %a, %b : i32
  %ult = llvm.icmp "ult" %a, %b : i32
  %ule = llvm.icmp "ule" %a, %b : i32
  %ugt = llvm.icmp "ugt" %a, %b : i32
  %uge = llvm.icmp "uge" %a, %b : i32
  %veq = llvm.icmp "eq" %v, %v : vector<4xi32>
  llvm.return
}

/// Check float arithmetic, conversions and comparisons. (No fastmath on fcmp: see the header.)
// CHECK-LABEL: llvm.func @float(%arg0: f32, %arg1: f32, %arg2: f64, %arg3: i32) {
// CHECK-NEXT:    %0 = llvm.fadd %arg0, %arg1 : f32
// CHECK-NEXT:    %1 = llvm.fsub %arg0, %arg1 : f32
// CHECK-NEXT:    %2 = llvm.fmul %arg0, %arg1 {fastmathFlags = #llvm.fastmath<fast>} : f32
// CHECK-NEXT:    %3 = llvm.fdiv %arg0, %arg1 : f32
// CHECK-NEXT:    %4 = llvm.frem %arg0, %arg1 : f32
// CHECK-NEXT:    %5 = llvm.fneg %arg0 : f32
// CHECK-NEXT:    %6 = llvm.fpext %arg0 : f32 to f64
// CHECK-NEXT:    %7 = llvm.fptrunc %arg2 : f64 to f32
// CHECK-NEXT:    %8 = llvm.sitofp %arg3 : i32 to f32
// CHECK-NEXT:    %9 = llvm.bitcast %arg0 : f32 to i32
// CHECK-NEXT:    %10 = llvm.fcmp "oeq" %arg0, %arg1 : f32
// CHECK-NEXT:    %11 = llvm.fcmp "ult" %arg0, %arg1 : f32
// CHECK-NEXT:    %12 = llvm.fcmp "uno" %arg0, %arg1 : f32
// CHECK-NEXT:    %13 = llvm.fcmp "one" %arg0, %arg1 : f32
// CHECK-NEXT:    %14 = llvm.fcmp "olt" %arg0, %arg1 : f32
// CHECK-NEXT:    %15 = llvm.select %14, %arg0, %arg1 : i1, f32
// CHECK-NEXT:    llvm.return
// CHECK-NEXT:  }
llvm.func @float(%x: f32, %y: f32, %d: f64, %i: i32) {
  %fadd = llvm.fadd %x, %y : f32
  %fsub = llvm.fsub %x, %y : f32
  %fmul = llvm.fmul %x, %y {fastmathFlags = #llvm.fastmath<fast>} : f32
  %fdiv = llvm.fdiv %x, %y : f32
  %frem = llvm.frem %x, %y : f32
  %fneg = llvm.fneg %x : f32
  %fpext = llvm.fpext %x : f32 to f64
  %fptrunc = llvm.fptrunc %d : f64 to f32
  %sitofp = llvm.sitofp %i : i32 to f32
  %bitcast = llvm.bitcast %x : f32 to i32
  %oeq = llvm.fcmp "oeq" %x, %y : f32
  %ult = llvm.fcmp "ult" %x, %y : f32
  %uno = llvm.fcmp "uno" %x, %y : f32
  %one = llvm.fcmp "one" %x, %y : f32
  %c = llvm.fcmp "olt" %x, %y : f32
  %sel = llvm.select %c, %x, %y : i1, f32
  llvm.return
}

/// Check the intrinsics with custom syntax.
// CHECK-LABEL: llvm.func @intrinsics(%arg0: f32, %arg1: f32, %arg2: vector<8xf32>, %arg3: vector<8xi1>, %arg4: !llvm.ptr) {
// CHECK-NEXT:    %0 = llvm.intr.fabs(%arg0) : (f32) -> f32
// CHECK-NEXT:    %1 = llvm.intr.ceil(%arg0) : (f32) -> f32
// CHECK-NEXT:    %2 = llvm.intr.floor(%arg0) : (f32) -> f32
// CHECK-NEXT:    %3 = llvm.intr.sqrt(%arg2) : (vector<8xf32>) -> vector<8xf32>
// CHECK-NEXT:    %4 = llvm.intr.exp(%arg0) : (f32) -> f32
// CHECK-NEXT:    %5 = llvm.intr.exp2(%arg0) : (f32) -> f32
// CHECK-NEXT:    %6 = llvm.intr.log(%arg0) : (f32) -> f32
// CHECK-NEXT:    %7 = llvm.intr.log2(%arg0) : (f32) -> f32
// CHECK-NEXT:    %8 = llvm.intr.sin(%arg0) : (f32) -> f32
// CHECK-NEXT:    %9 = llvm.intr.cos(%arg0) : (f32) -> f32
// CHECK-NEXT:    %10 = llvm.intr.pow(%arg0, %arg1) : (f32, f32) -> f32
// CHECK-NEXT:    %11 = llvm.intr.copysign(%arg0, %arg1) : (f32, f32) -> f32
// CHECK-NEXT:    %12 = llvm.intr.maxnum(%arg0, %arg1) : (f32, f32) -> f32
// CHECK-NEXT:    %13 = llvm.intr.minnum(%arg2, %arg2) : (vector<8xf32>, vector<8xf32>) -> vector<8xf32>
// CHECK-NEXT:    %14 = llvm.intr.fma(%arg2, %arg2, %arg2) : (vector<8xf32>, vector<8xf32>, vector<8xf32>) -> vector<8xf32>
// CHECK-NEXT:    %15 = llvm.intr.fma(%arg0, %arg1, %arg0) {fastmathFlags = #llvm.fastmath<contract>} : (f32, f32, f32) -> f32
// CHECK-NEXT:    llvm.intr.masked.store %arg2, %arg4, %arg3 {alignment = 4 : i32} : vector<8xf32>, vector<8xi1> into !llvm.ptr
// CHECK-NEXT:    %16 = "llvm.intr.vector.reduce.fadd"(%arg0, %arg2) <{fastmathFlags = #llvm.fastmath<reassoc>}> : (f32, vector<8xf32>) -> f32
// CHECK-NEXT:    %17 = "llvm.intr.vector.reduce.fmul"(%arg0, %arg2) <{fastmathFlags = #llvm.fastmath<none>}> : (f32, vector<8xf32>) -> f32
// CHECK-NEXT:    %18 = llvm.intr.stacksave : !llvm.ptr
// CHECK-NEXT:    llvm.intr.stackrestore %18 : !llvm.ptr
// CHECK-NEXT:    llvm.return
// CHECK-NEXT:  }
llvm.func @intrinsics(%x: f32, %y: f32, %v: vector<8xf32>, %m: vector<8xi1>, %p: !llvm.ptr) {
  %fabs = llvm.intr.fabs(%x) : (f32) -> f32
  %ceil = llvm.intr.ceil(%x) : (f32) -> f32
  %floor = llvm.intr.floor(%x) : (f32) -> f32
  %sqrt = llvm.intr.sqrt(%v) : (vector<8xf32>) -> vector<8xf32>
  %exp = llvm.intr.exp(%x) : (f32) -> f32
  %exp2 = llvm.intr.exp2(%x) : (f32) -> f32
  %log = llvm.intr.log(%x) : (f32) -> f32
  %log2 = llvm.intr.log2(%x) : (f32) -> f32
  %sin = llvm.intr.sin(%x) : (f32) -> f32
  %cos = llvm.intr.cos(%x) : (f32) -> f32
  %pow = llvm.intr.pow(%x, %y) : (f32, f32) -> f32
  %copysign = llvm.intr.copysign(%x, %y) : (f32, f32) -> f32
  %maxnum = llvm.intr.maxnum(%x, %y) : (f32, f32) -> f32
  %minnum = llvm.intr.minnum(%v, %v) : (vector<8xf32>, vector<8xf32>) -> vector<8xf32>
  %fma = llvm.intr.fma(%v, %v, %v) : (vector<8xf32>, vector<8xf32>, vector<8xf32>) -> vector<8xf32>
  %fma_fast = llvm.intr.fma(%x, %y, %x) {fastmathFlags = #llvm.fastmath<contract>} : (f32, f32, f32) -> f32
  llvm.intr.masked.store %v, %p, %m {alignment = 4 : i32} : vector<8xf32>, vector<8xi1> into !llvm.ptr
  %rfadd = "llvm.intr.vector.reduce.fadd"(%x, %v) <{fastmathFlags = #llvm.fastmath<reassoc>}> : (f32, vector<8xf32>) -> f32
  %rfmul = "llvm.intr.vector.reduce.fmul"(%x, %v) <{fastmathFlags = #llvm.fastmath<none>}> : (f32, vector<8xf32>) -> f32
  %sp = llvm.intr.stacksave : !llvm.ptr
  llvm.intr.stackrestore %sp : !llvm.ptr
  llvm.return
}

/// Check memory: alloca, load/store with alignment, atomics, volatile and nontemporal, and
/// pointer casts.
// CHECK-LABEL: llvm.func @memory(%arg0: i64, %arg1: !llvm.ptr, %arg2: f32) {
// CHECK-NEXT:    %0 = llvm.alloca %arg0 x f32 : (i64) -> !llvm.ptr
// CHECK-NEXT:    %1 = llvm.alloca %arg0 x !llvm.array<4 x i32> {alignment = 16 : i64} : (i64) -> !llvm.ptr
// CHECK-NEXT:    %2 = llvm.load %arg1 : !llvm.ptr -> f32
// CHECK-NEXT:    %3 = llvm.load %arg1 {alignment = 4 : i64} : !llvm.ptr -> vector<8xf32>
// CHECK-NEXT:    %4 = llvm.load %arg1 atomic acquire {alignment = 4 : i64} : !llvm.ptr -> i32
// CHECK-NEXT:    llvm.store %arg2, %arg1 : f32, !llvm.ptr
// CHECK-NEXT:    llvm.store %3, %arg1 {alignment = 4 : i64} : vector<8xf32>, !llvm.ptr
// CHECK-NEXT:    llvm.store volatile %arg2, %arg1 {nontemporal} : f32, !llvm.ptr
// CHECK-NEXT:    %5 = llvm.ptrtoint %arg1 : !llvm.ptr to i64
// CHECK-NEXT:    %6 = llvm.inttoptr %5 : i64 to !llvm.ptr
// CHECK-NEXT:    %7 = llvm.mlir.zero : !llvm.ptr
// CHECK-NEXT:    llvm.return
// CHECK-NEXT:  }
llvm.func @memory(%n: i64, %p: !llvm.ptr, %x: f32) {
  %a = llvm.alloca %n x f32 : (i64) -> !llvm.ptr
  %b = llvm.alloca %n x !llvm.array<4 x i32> {alignment = 16 : i64} : (i64) -> !llvm.ptr
  %l = llvm.load %p : !llvm.ptr -> f32
  %la = llvm.load %p {alignment = 4 : i64} : !llvm.ptr -> vector<8xf32>
  %lat = llvm.load %p atomic acquire {alignment = 4 : i64} : !llvm.ptr -> i32
  llvm.store %x, %p : f32, !llvm.ptr
  llvm.store %la, %p {alignment = 4 : i64} : vector<8xf32>, !llvm.ptr
  llvm.store volatile %x, %p {nontemporal} : f32, !llvm.ptr
  %i = llvm.ptrtoint %p : !llvm.ptr to i64
  %q = llvm.inttoptr %i : i64 to !llvm.ptr
  %z = llvm.mlir.zero : !llvm.ptr
  llvm.return
}

/// Check getelementptr with constant, dynamic and mixed indices. (No inbounds: see the header.)
// CHECK-LABEL: llvm.func @gep(%arg0: !llvm.ptr, %arg1: i64, %arg2: i32) {
// CHECK-NEXT:    %0 = llvm.getelementptr %arg0[1] : (!llvm.ptr) -> !llvm.ptr, f32
// CHECK-NEXT:    %1 = llvm.getelementptr %arg0[%arg1] : (!llvm.ptr, i64) -> !llvm.ptr, f32
// CHECK-NEXT:    %2 = llvm.getelementptr %arg0[0, 1] : (!llvm.ptr) -> !llvm.ptr, !llvm.struct<(i32, f64)>
// CHECK-NEXT:    %3 = llvm.getelementptr %arg0[%arg1, %arg2] : (!llvm.ptr, i64, i32) -> !llvm.ptr, !llvm.array<8 x f32>
// CHECK-NEXT:    %4 = llvm.getelementptr %arg0[1, %arg1, 2] : (!llvm.ptr, i64) -> !llvm.ptr, !llvm.array<4 x struct<(i32, i32, i32)>>
// CHECK-NEXT:    llvm.return
// CHECK-NEXT:  }
llvm.func @gep(%p: !llvm.ptr, %i: i64, %j: i32) {
  %g0 = llvm.getelementptr %p[1] : (!llvm.ptr) -> !llvm.ptr, f32
  %g1 = llvm.getelementptr %p[%i] : (!llvm.ptr, i64) -> !llvm.ptr, f32
  %g2 = llvm.getelementptr %p[0, 1] : (!llvm.ptr) -> !llvm.ptr, !llvm.struct<(i32, f64)>
  %g3 = llvm.getelementptr %p[%i, %j] : (!llvm.ptr, i64, i32) -> !llvm.ptr, !llvm.array<8 x f32>
  %g4 = llvm.getelementptr %p[1, %i, 2] : (!llvm.ptr, i64) -> !llvm.ptr, !llvm.array<4 x !llvm.struct<(i32, i32, i32)>>
  llvm.return
}

/// Check constants, undef and aggregates (insertvalue/extractvalue, insertelement,
/// shufflevector).
// CHECK-LABEL: llvm.func @values(%arg0: f32, %arg1: vector<4xf32>) {
// CHECK-NEXT:    %0 = llvm.mlir.constant(42 : i64) : i64
// CHECK-NEXT:    %1 = llvm.mlir.constant(7 : i32) : i32
// CHECK-NEXT:    %2 = llvm.mlir.constant(true) : i1
// CHECK-NEXT:    %3 = llvm.mlir.constant(1.500000e+00 : f32) : f32
// CHECK-NEXT:    %4 = llvm.mlir.constant(dense<1.000000e+00> : vector<4xf32>) : vector<4xf32>
// CHECK-NEXT:    %5 = llvm.mlir.undef : !llvm.struct<(f32, array<2 x i32>)>
// CHECK-NEXT:    %6 = llvm.insertvalue %arg0, %5[0] : !llvm.struct<(f32, array<2 x i32>)>
// CHECK-NEXT:    %7 = llvm.insertvalue %1, %6[1, 1] : !llvm.struct<(f32, array<2 x i32>)>
// CHECK-NEXT:    %8 = llvm.extractvalue %7[1, 1] : !llvm.struct<(f32, array<2 x i32>)>
// CHECK-NEXT:    %9 = llvm.extractvalue %7[0] : !llvm.struct<(f32, array<2 x i32>)>
// CHECK-NEXT:    %10 = llvm.insertelement %arg0, %arg1[%1 : i32] : vector<4xf32>
// CHECK-NEXT:    %11 = llvm.shufflevector %arg1, %arg1 [0, 4, 1, 5] : vector<4xf32>
// CHECK-NEXT:    llvm.return
// CHECK-NEXT:  }
llvm.func @values(%x: f32, %v: vector<4xf32>) {
  %c64 = llvm.mlir.constant(42) : i64
  %c32 = llvm.mlir.constant(7 : i32) : i32
  %cb = llvm.mlir.constant(true) : i1
  %cf = llvm.mlir.constant(1.500000e+00 : f32) : f32
  %cv = llvm.mlir.constant(dense<1.000000e+00> : vector<4xf32>) : vector<4xf32>
  %u = llvm.mlir.undef : !llvm.struct<(f32, !llvm.array<2 x i32>)>
  %s = llvm.insertvalue %x, %u[0] : !llvm.struct<(f32, !llvm.array<2 x i32>)>
  %t = llvm.insertvalue %c32, %s[1, 1] : !llvm.struct<(f32, !llvm.array<2 x i32>)>
  %e = llvm.extractvalue %t[1, 1] : !llvm.struct<(f32, !llvm.array<2 x i32>)>
  %f = llvm.extractvalue %t[0] : !llvm.struct<(f32, !llvm.array<2 x i32>)>
  %ie = llvm.insertelement %x, %v[%c32 : i32] : vector<4xf32>
  %sv = llvm.shufflevector %v, %v [0, 4, 1, 5] : vector<4xf32>
  llvm.return
}

/// Check globals: linkage, constant, thread_local, unnamed_addr, alignment, section, an
/// initializer region, and addressof.
// CHECK-LABEL: llvm.mlir.global internal constant @str("hello\0A\00") {addr_space = 0 : i32}
// CHECK-LABEL: llvm.mlir.global external @ext() {addr_space = 0 : i32} : i32
// CHECK-LABEL: llvm.mlir.global private @val(42 : i32) {addr_space = 0 : i32, alignment = 4 : i64} : i32
// CHECK-LABEL: llvm.mlir.global external thread_local @tls() {addr_space = 0 : i32} : i64
// CHECK-LABEL: llvm.mlir.global internal unnamed_addr @unnamed(0 : i64) {addr_space = 0 : i32, section = ".data.dl"} : i64
// CHECK-LABEL: llvm.mlir.global weak @init() {addr_space = 0 : i32} : f32 {
// CHECK-NEXT:    %0 = llvm.mlir.constant(2.000000e+00 : f32) : f32
// CHECK-NEXT:    llvm.return %0 : f32
// CHECK-NEXT:  }
// CHECK-LABEL: llvm.func @use_globals() -> !llvm.ptr {
// CHECK-NEXT:    %0 = llvm.mlir.addressof @str : !llvm.ptr
// CHECK-NEXT:    llvm.return %0 : !llvm.ptr
// CHECK-NEXT:  }
llvm.mlir.global internal constant @str("hello\0A\00") {addr_space = 0 : i32} : !llvm.array<7 x i8>
llvm.mlir.global external @ext() {addr_space = 0 : i32} : i32
llvm.mlir.global private @val(42 : i32) {addr_space = 0 : i32, alignment = 4 : i64} : i32
llvm.mlir.global external thread_local @tls() {addr_space = 0 : i32} : i64
llvm.mlir.global internal unnamed_addr @unnamed(0 : i64) {addr_space = 0 : i32, section = ".data.dl"} : i64
llvm.mlir.global weak @init() {addr_space = 0 : i32} : f32 {
  %c = llvm.mlir.constant(2.000000e+00 : f32) : f32
  llvm.return %c : f32
}
llvm.func @use_globals() -> !llvm.ptr {
  %p = llvm.mlir.addressof @str : !llvm.ptr
  llvm.return %p : !llvm.ptr
}

/// Check control flow: br, cond_br with arguments, unreachable, and inline_asm.
// CHECK-LABEL: llvm.func @control(%arg0: i1, %arg1: i32) -> i32 {
// CHECK-NEXT:    llvm.cond_br %arg0, ^bb1(%arg1 : i32), ^bb2
// CHECK-NEXT:  ^bb1(%0: i32):  // pred: ^bb0
// CHECK-NEXT:    llvm.br ^bb3(%0 : i32)
// CHECK-NEXT:  ^bb2:  // pred: ^bb0
// CHECK-NEXT:    %1 = llvm.inline_asm has_side_effects "mov $0, $1", "=r,r" %arg1 : (i32) -> i32
// CHECK-NEXT:    llvm.inline_asm asm_dialect = intel "nop", ""  : () -> ()
// CHECK-NEXT:    llvm.br ^bb3(%1 : i32)
// CHECK-NEXT:  ^bb3(%2: i32):  // 2 preds: ^bb1, ^bb2
// CHECK-NEXT:    llvm.return %2 : i32
// CHECK-NEXT:  ^bb4:  // no predecessors
// CHECK-NEXT:    llvm.unreachable
// CHECK-NEXT:  }
llvm.func @control(%c: i1, %x: i32) -> i32 {
  llvm.cond_br %c, ^bb1(%x : i32), ^bb2
^bb1(%y: i32):
  llvm.br ^bb3(%y : i32)
^bb2:
  %r = llvm.inline_asm has_side_effects "mov $0, $1", "=r,r" %x : (i32) -> i32
  llvm.inline_asm asm_dialect = intel "nop", "" : () -> ()
  llvm.br ^bb3(%r : i32)
^bb3(%z: i32):
  llvm.return %z : i32
^bb4:
  llvm.unreachable
}

/// Check the property-backed function attributes of llvm-func-props.mlir.
// CHECK-LABEL: llvm.func @props() attributes {frame_pointer = #llvm.framePointerKind<"non-leaf">, no_inline, no_unwind, optimize_none, passthrough = ["nounwind", ["no-trapping-math", "true"]], target_cpu = "x86-64", target_features = #llvm.target_features<["+avx2", "+fma"]>, tune_cpu = "generic"} {
// CHECK-NEXT:    llvm.return
// CHECK-NEXT:  }
// CHECK-LABEL: llvm.func linkonce_odr @mixed(%arg0: i32) -> i32 attributes {dl.kernel, target_cpu = "x86-64"} {
// CHECK-NEXT:    llvm.return %arg0 : i32
// CHECK-NEXT:  }
llvm.func @props() attributes {frame_pointer = #llvm.framePointerKind<"non-leaf">, no_inline, no_unwind, optimize_none, passthrough = ["nounwind", ["no-trapping-math", "true"]], target_cpu = "x86-64", target_features = #llvm.target_features<["+avx2", "+fma"]>, tune_cpu = "generic"} {
  llvm.return
}

/// Check property-backed attributes mixed with a discardable one.
llvm.func linkonce_odr @mixed(%a: i32) -> i32 attributes {dl.kernel, target_cpu = "x86-64"} {
  llvm.return %a : i32
}
