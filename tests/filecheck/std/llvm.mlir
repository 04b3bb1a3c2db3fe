// RUN: DL_ROUNDTRIP

/// Round trip of every `llvm` op xDSL 0.74 registers, in the form xDSL prints. Hand-written
/// syntax: func, call, mlir.constant, mlir.global, getelementptr, alloca, load, store,
/// extractvalue, insertvalue, icmp, fcmp, inline_asm, and the integer binary ops
/// (add/sub/mul/shl with overflow flags, udiv/sdiv/lshr/ashr with `exact`, urem/srem/and/xor)
/// and sext/trunc. vector.reduce.fadd/fmul have no custom syntax (generic form). All other
/// ops use `assembly_format`.

/// Check functions: declarations, linkage, calling convention, visibility, unnamed_addr,
/// variadic signatures, argument/result attributes and function attributes.
// CHECK-LABEL: llvm.func @decl(i64)
// CHECK-LABEL: llvm.func @variadic_decl(i32, ...) -> i32
// CHECK-LABEL: llvm.func @only_varargs(...)
// CHECK-LABEL: llvm.func internal @internal() {
// CHECK-NEXT:    llvm.return
// CHECK-NEXT:  }
// CHECK-LABEL: llvm.func private fastcc hidden @private_fast(%a: i32 {llvm.noundef}) -> (i32 {llvm.signext}) {
// CHECK-NEXT:    llvm.return %a : i32
// CHECK-NEXT:  }
// CHECK-LABEL: llvm.func linkonce_odr protected local_unnamed_addr @odr() {
// CHECK-NEXT:    llvm.return
// CHECK-NEXT:  }
// CHECK-LABEL: llvm.func weak unnamed_addr @weak(%p: !llvm.ptr, ...) {
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
llvm.func private fastcc hidden @private_fast(%a: i32 {llvm.noundef}) -> (i32 {llvm.signext}) {
  llvm.return %a : i32
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

// -----

/// Check calls: direct, indirect, variadic, with a calling convention, tail-call kind and
/// fastmath flags, and call_intrinsic.
// CHECK-LABEL: llvm.func @callee(f32) -> f32
// CHECK-LABEL: llvm.func @sink(i32)
// CHECK-LABEL: llvm.func @printf(!llvm.ptr, ...) -> i32
// CHECK-LABEL: llvm.func @calls(%x: f32, %i: i32, %fp: !llvm.ptr, %fmt: !llvm.ptr, %a: i64, %b: i64) {
// CHECK-NEXT:    %r = llvm.call @callee(%x) : (f32) -> f32
// CHECK-NEXT:    llvm.call @sink(%i) : (i32) -> ()
// CHECK-NEXT:    %ind = llvm.call %fp(%x) : !llvm.ptr, (f32) -> f32
// CHECK-NEXT:    %n = llvm.call @printf(%fmt, %i) vararg(!llvm.func<i32 (!llvm.ptr, ...)>) : (!llvm.ptr, i32) -> i32
// CHECK-NEXT:    llvm.call fastcc @sink(%i) : (i32) -> ()
// CHECK-NEXT:    llvm.call tail @sink(%i) : (i32) -> ()
// CHECK-NEXT:    %fast = llvm.call @callee(%x) {fastmathFlags = #llvm.fastmath<fast>} : (f32) -> f32
// CHECK-NEXT:    %smax = llvm.call_intrinsic "llvm.smax.i64"(%a, %b) : (i64, i64) -> i64
// CHECK-NEXT:    llvm.call_intrinsic "llvm.donothing"() : () -> ()
// CHECK-NEXT:    %fm = llvm.call_intrinsic "llvm.maxnum.f32"(%x, %x) {fastmathFlags = #llvm.fastmath<nnan>} : (f32, f32) -> f32
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

// -----

/// Check integer arithmetic with overflow, exact and disjoint flags.
// CHECK-LABEL: llvm.func @integer(%a: i32, %b: i32, %v: vector<4xi32>) {
// CHECK-NEXT:    %add = llvm.add %a, %b : i32
// CHECK-NEXT:    %add_nsw = llvm.add %a, %b overflow<nsw> : i32
// CHECK-NEXT:    %add_both = llvm.add %a, %b overflow<nsw,nuw> : i32
// CHECK-NEXT:    %vadd = llvm.add %v, %v : vector<4xi32>
// CHECK-NEXT:    %sub = llvm.sub %a, %b overflow<nuw> : i32
// CHECK-NEXT:    %mul = llvm.mul %a, %b : i32
// CHECK-NEXT:    %udiv = llvm.udiv %a, %b : i32
// CHECK-NEXT:    %sdiv = llvm.sdiv exact %a, %b : i32
// CHECK-NEXT:    %urem = llvm.urem %a, %b : i32
// CHECK-NEXT:    %srem = llvm.srem %a, %b : i32
// CHECK-NEXT:    %and = llvm.and %a, %b : i32
// CHECK-NEXT:    %or = llvm.or %a, %b : i32
// CHECK-NEXT:    %or_disjoint = llvm.or disjoint %a, %b : i32
// CHECK-NEXT:    %xor = llvm.xor %a, %b : i32
// CHECK-NEXT:    %shl = llvm.shl %a, %b overflow<nsw> : i32
// CHECK-NEXT:    %lshr = llvm.lshr exact %a, %b : i32
// CHECK-NEXT:    %ashr = llvm.ashr %a, %b : i32
// CHECK-NEXT:    %attr = llvm.add %a, %b {dl.tag} : i32
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

// -----

/// Check integer conversions and comparisons.
// CHECK-LABEL: llvm.func @int_conv_cmp(%a: i32, %b: i32, %v: vector<4xi32>) {
// CHECK-NEXT:    %trunc = llvm.trunc %a : i32 to i16
// CHECK-NEXT:    %trunc_nuw = llvm.trunc %a overflow<nuw> : i32 to i8
// CHECK-NEXT:    %sext = llvm.sext %a : i32 to i64
// CHECK-NEXT:    %zext = llvm.zext %a : i32 to i64
// CHECK-NEXT:    %zext_nneg = llvm.zext nneg %a : i32 to i64
// CHECK-NEXT:    %eq = llvm.icmp "eq" %a, %b : i32
// CHECK-NEXT:    %ne = llvm.icmp "ne" %a, %b : i32
// CHECK-NEXT:    %slt = llvm.icmp "slt" %a, %b : i32
// CHECK-NEXT:    %sle = llvm.icmp "sle" %a, %b : i32
// CHECK-NEXT:    %sgt = llvm.icmp "sgt" %a, %b : i32
// CHECK-NEXT:    %sge = llvm.icmp "sge" %a, %b : i32
// CHECK-NEXT:    %ult = llvm.icmp "ult" %a, %b : i32
// CHECK-NEXT:    %ule = llvm.icmp "ule" %a, %b : i32
// CHECK-NEXT:    %ugt = llvm.icmp "ugt" %a, %b : i32
// CHECK-NEXT:    %uge = llvm.icmp "uge" %a, %b : i32
// CHECK-NEXT:    %veq = llvm.icmp "eq" %v, %v : vector<4xi32>
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

// -----

/// Check float arithmetic, conversions and comparisons.
// CHECK-LABEL: llvm.func @float(%x: f32, %y: f32, %d: f64, %i: i32) {
// CHECK-NEXT:    %fadd = llvm.fadd %x, %y : f32
// CHECK-NEXT:    %fsub = llvm.fsub %x, %y : f32
// CHECK-NEXT:    %fmul = llvm.fmul %x, %y {fastmathFlags = #llvm.fastmath<fast>} : f32
// CHECK-NEXT:    %fdiv = llvm.fdiv %x, %y : f32
// CHECK-NEXT:    %frem = llvm.frem %x, %y : f32
// CHECK-NEXT:    %fneg = llvm.fneg %x : f32
// CHECK-NEXT:    %fpext = llvm.fpext %x : f32 to f64
// CHECK-NEXT:    %fptrunc = llvm.fptrunc %d : f64 to f32
// CHECK-NEXT:    %sitofp = llvm.sitofp %i : i32 to f32
// CHECK-NEXT:    %bitcast = llvm.bitcast %x : f32 to i32
// CHECK-NEXT:    %oeq = llvm.fcmp "oeq" %x, %y : f32
// CHECK-NEXT:    %ult = llvm.fcmp "ult" %x, %y : f32
// CHECK-NEXT:    %uno = llvm.fcmp "uno" %x, %y : f32
// CHECK-NEXT:    %one = llvm.fcmp "one" %x, %y {fastmathFlags = #llvm.fastmath<nnan>} : f32
// CHECK-NEXT:    %c = llvm.fcmp "olt" %x, %y : f32
// CHECK-NEXT:    %sel = llvm.select %c, %x, %y : i1, f32
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
  %one = llvm.fcmp "one" %x, %y {fastmathFlags = #llvm.fastmath<nnan>} : f32
  %c = llvm.fcmp "olt" %x, %y : f32
  %sel = llvm.select %c, %x, %y : i1, f32
  llvm.return
}

// -----

/// Check the intrinsics with custom syntax.
// CHECK-LABEL: llvm.func @intrinsics(%x: f32, %y: f32, %v: vector<8xf32>, %m: vector<8xi1>, %p: !llvm.ptr) {
// CHECK-NEXT:    %fabs = llvm.intr.fabs(%x) : (f32) -> f32
// CHECK-NEXT:    %ceil = llvm.intr.ceil(%x) : (f32) -> f32
// CHECK-NEXT:    %floor = llvm.intr.floor(%x) : (f32) -> f32
// CHECK-NEXT:    %sqrt = llvm.intr.sqrt(%v) : (vector<8xf32>) -> vector<8xf32>
// CHECK-NEXT:    %exp = llvm.intr.exp(%x) : (f32) -> f32
// CHECK-NEXT:    %exp2 = llvm.intr.exp2(%x) : (f32) -> f32
// CHECK-NEXT:    %log = llvm.intr.log(%x) : (f32) -> f32
// CHECK-NEXT:    %log2 = llvm.intr.log2(%x) : (f32) -> f32
// CHECK-NEXT:    %sin = llvm.intr.sin(%x) : (f32) -> f32
// CHECK-NEXT:    %cos = llvm.intr.cos(%x) : (f32) -> f32
// CHECK-NEXT:    %pow = llvm.intr.pow(%x, %y) : (f32, f32) -> f32
// CHECK-NEXT:    %copysign = llvm.intr.copysign(%x, %y) : (f32, f32) -> f32
// CHECK-NEXT:    %maxnum = llvm.intr.maxnum(%x, %y) : (f32, f32) -> f32
// CHECK-NEXT:    %minnum = llvm.intr.minnum(%v, %v) : (vector<8xf32>, vector<8xf32>) -> vector<8xf32>
// CHECK-NEXT:    %fma = llvm.intr.fma(%v, %v, %v) : (vector<8xf32>, vector<8xf32>, vector<8xf32>) -> vector<8xf32>
// CHECK-NEXT:    %fma_fast = llvm.intr.fma(%x, %y, %x) {fastmathFlags = #llvm.fastmath<contract>} : (f32, f32, f32) -> f32
// CHECK-NEXT:    llvm.intr.masked.store %v, %p, %m {alignment = 4 : i32} : vector<8xf32>, vector<8xi1> into !llvm.ptr
// CHECK-NEXT:    %rfadd = "llvm.intr.vector.reduce.fadd"(%x, %v) <{fastmathFlags = #llvm.fastmath<reassoc>}> : (f32, vector<8xf32>) -> f32
// CHECK-NEXT:    %rfmul = "llvm.intr.vector.reduce.fmul"(%x, %v) <{fastmathFlags = #llvm.fastmath<none>}> : (f32, vector<8xf32>) -> f32
// CHECK-NEXT:    %sp = llvm.intr.stacksave : !llvm.ptr
// CHECK-NEXT:    llvm.intr.stackrestore %sp : !llvm.ptr
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

// -----

/// Check memory: alloca, load/store with alignment, atomics, volatile and nontemporal, and
/// pointer casts.
// CHECK-LABEL: llvm.func @memory(%n: i64, %p: !llvm.ptr, %x: f32) {
// CHECK-NEXT:    %a = llvm.alloca %n x f32 : (i64) -> !llvm.ptr
// CHECK-NEXT:    %b = llvm.alloca %n x !llvm.array<4 x i32> {alignment = 16 : i64} : (i64) -> !llvm.ptr
// CHECK-NEXT:    %l = llvm.load %p : !llvm.ptr -> f32
// CHECK-NEXT:    %la = llvm.load %p {alignment = 4 : i64} : !llvm.ptr -> vector<8xf32>
// CHECK-NEXT:    %lat = llvm.load %p atomic acquire {alignment = 4 : i64} : !llvm.ptr -> i32
// CHECK-NEXT:    llvm.store %x, %p : f32, !llvm.ptr
// CHECK-NEXT:    llvm.store %la, %p {alignment = 4 : i64} : vector<8xf32>, !llvm.ptr
// CHECK-NEXT:    llvm.store volatile %x, %p {nontemporal} : f32, !llvm.ptr
// CHECK-NEXT:    %i = llvm.ptrtoint %p : !llvm.ptr to i64
// CHECK-NEXT:    %q = llvm.inttoptr %i : i64 to !llvm.ptr
// CHECK-NEXT:    %z = llvm.mlir.zero : !llvm.ptr
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

// -----

/// Check getelementptr with constant, dynamic and mixed indices, and inbounds.
// CHECK-LABEL: llvm.func @gep(%p: !llvm.ptr, %i: i64, %j: i32) {
// CHECK-NEXT:    %g0 = llvm.getelementptr %p[1] : (!llvm.ptr) -> !llvm.ptr, f32
// CHECK-NEXT:    %g1 = llvm.getelementptr %p[%i] : (!llvm.ptr, i64) -> !llvm.ptr, f32
// CHECK-NEXT:    %g2 = llvm.getelementptr inbounds %p[0, 1] : (!llvm.ptr) -> !llvm.ptr, !llvm.struct<(i32, f64)>
// CHECK-NEXT:    %g3 = llvm.getelementptr %p[%i, %j] : (!llvm.ptr, i64, i32) -> !llvm.ptr, !llvm.array<8 x f32>
// CHECK-NEXT:    %g4 = llvm.getelementptr %p[1, %i, 2] : (!llvm.ptr, i64) -> !llvm.ptr, !llvm.array<4 x !llvm.struct<(i32, i32, i32)>>
// CHECK-NEXT:    llvm.return
// CHECK-NEXT:  }
llvm.func @gep(%p: !llvm.ptr, %i: i64, %j: i32) {
  %g0 = llvm.getelementptr %p[1] : (!llvm.ptr) -> !llvm.ptr, f32
  %g1 = llvm.getelementptr %p[%i] : (!llvm.ptr, i64) -> !llvm.ptr, f32
  %g2 = llvm.getelementptr inbounds %p[0, 1] : (!llvm.ptr) -> !llvm.ptr, !llvm.struct<(i32, f64)>
  %g3 = llvm.getelementptr %p[%i, %j] : (!llvm.ptr, i64, i32) -> !llvm.ptr, !llvm.array<8 x f32>
  %g4 = llvm.getelementptr %p[1, %i, 2] : (!llvm.ptr, i64) -> !llvm.ptr, !llvm.array<4 x !llvm.struct<(i32, i32, i32)>>
  llvm.return
}

// -----

/// Check constants, undef and aggregates (insertvalue/extractvalue, insertelement,
/// shufflevector).
// CHECK-LABEL: llvm.func @values(%x: f32, %v: vector<4xf32>) {
// CHECK-NEXT:    %c64 = llvm.mlir.constant(42) : i64
// CHECK-NEXT:    %c32 = llvm.mlir.constant(7 : i32) : i32
// CHECK-NEXT:    %cb = llvm.mlir.constant(true) : i1
// CHECK-NEXT:    %cf = llvm.mlir.constant(1.500000e+00 : f32) : f32
// CHECK-NEXT:    %cv = llvm.mlir.constant(dense<1.000000e+00> : vector<4xf32>) : vector<4xf32>
// CHECK-NEXT:    %u = llvm.mlir.undef : !llvm.struct<(f32, !llvm.array<2 x i32>)>
// CHECK-NEXT:    %s = llvm.insertvalue %x, %u[0] : !llvm.struct<(f32, !llvm.array<2 x i32>)>
// CHECK-NEXT:    %t = llvm.insertvalue %c32, %s[1, 1] : !llvm.struct<(f32, !llvm.array<2 x i32>)>
// CHECK-NEXT:    %e = llvm.extractvalue %t[1, 1] : !llvm.struct<(f32, !llvm.array<2 x i32>)>
// CHECK-NEXT:    %f = llvm.extractvalue %t[0] : !llvm.struct<(f32, !llvm.array<2 x i32>)>
// CHECK-NEXT:    %ie = llvm.insertelement %x, %v[%c32 : i32] : vector<4xf32>
// CHECK-NEXT:    %sv = llvm.shufflevector %v, %v [0, 4, 1, 5] : vector<4xf32>
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

// -----

/// Check globals: linkage, constant, thread_local, unnamed_addr, alignment, section, an
/// initializer region, and addressof.
// CHECK-LABEL: llvm.mlir.global internal constant @str("hello\0A\00") {addr_space = 0 : i32} : !llvm.array<7 x i8>
// CHECK-LABEL: llvm.mlir.global external @ext() {addr_space = 0 : i32} : i32
// CHECK-LABEL: llvm.mlir.global private @val(42 : i32) {addr_space = 0 : i32, alignment = 4 : i64} : i32
// CHECK-LABEL: llvm.mlir.global external thread_local @tls() {addr_space = 0 : i32} : i64
// CHECK-LABEL: llvm.mlir.global internal unnamed_addr @unnamed(0 : i64) {addr_space = 0 : i32, section = ".data.dl"} : i64
// CHECK-LABEL: llvm.mlir.global weak @init() {addr_space = 0 : i32} : f32 {
// CHECK-NEXT:    %c = llvm.mlir.constant(2.000000e+00 : f32) : f32
// CHECK-NEXT:    llvm.return %c : f32
// CHECK-NEXT:  }
// CHECK-LABEL: llvm.func @use_globals() -> !llvm.ptr {
// CHECK-NEXT:    %p = llvm.mlir.addressof @str : !llvm.ptr
// CHECK-NEXT:    llvm.return %p : !llvm.ptr
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

// -----

/// Check control flow: br, cond_br with arguments, unreachable, and inline_asm.
// CHECK-LABEL: llvm.func @control(%c: i1, %x: i32) -> i32 {
// CHECK-NEXT:    llvm.cond_br %c, ^bb1(%x : i32), ^bb2
// CHECK-NEXT:  ^bb1(%y: i32):
// CHECK-NEXT:    llvm.br ^bb3(%y : i32)
// CHECK-NEXT:  ^bb2:
// CHECK-NEXT:    %r = llvm.inline_asm has_side_effects "mov $0, $1", "=r,r" %x : (i32) -> i32
// CHECK-NEXT:    llvm.inline_asm asm_dialect = intel "nop", "" : () -> ()
// CHECK-NEXT:    llvm.br ^bb3(%r : i32)
// CHECK-NEXT:  ^bb3(%z: i32):
// CHECK-NEXT:    llvm.return %z : i32
// CHECK-NEXT:  ^bb4:
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
