// REQUIRES: mlir-opt
// RUN: dl-opt %s | %mlir-opt | dl-opt | filecheck %s

/// Interop read-back: dl-opt reads what MLIR 22 prints for func/arith/scf/memref/vector/llvm
/// IR in custom form (op names without their dialect inside an op of that dialect:
/// `return`, `call`; short LLVM member types: `!llvm.struct<(ptr, array<2 x i64>)>`),
/// and builds the same ops (printed back here by dlir in full spelling). MLIR's generic
/// form is not read back: MLIR 22's ops carry properties that xDSL 0.74's do not define
/// (`arith.trunci` has `overflowFlags`), which xDSL's parser and dlir's both reject.
/// Left out, because xDSL 0.74 has no custom syntax or no op for them (so dlir, which
/// reads what xDSL reads, has none either): `memref.cast`, `memref.copy`, and the
/// `llvm.mlir.poison` constant (MLIR's replacement for `llvm.mlir.undef`).

// CHECK-LABEL: func.func private @ext(i32, f32) -> i64
// CHECK-LABEL: func.func @arith(%arg0: i32, %arg1: i32, %arg2: f32, %arg3: index) -> (i32, f32, i1, index) {
// CHECK-NEXT:  %c7_i32 = arith.constant 7 : i32
// CHECK-NEXT:  %0 = arith.addi %arg0, %c7_i32 : i32
// CHECK-NEXT:  %1 = arith.muli %0, %arg1 overflow<nsw> : i32
// CHECK-NEXT:  %2 = arith.mulf %arg2, %arg2 fastmath<fast> : f32
// CHECK-NEXT:  %3 = arith.cmpi slt, %1, %arg0 : i32
// CHECK-NEXT:  %4 = arith.select %3, %1, %arg0 : i32
// CHECK-NEXT:  %5 = arith.extsi %4 : i32 to i64
// CHECK-NEXT:  %6 = arith.trunci %5 : i64 to i32
// CHECK-NEXT:  %7 = arith.index_cast %6 : i32 to index
// CHECK-NEXT:  %8 = arith.divsi %6, %c7_i32 : i32
// CHECK-NEXT:  %c1 = arith.constant 1 : index
// CHECK-NEXT:  %9 = arith.addi %7, %c1 : index
// CHECK-NEXT:  %10 = func.call @ext(%8, %2) : (i32, f32) -> i64
// CHECK-NEXT:  func.return %8, %2, %3, %9 : i32, f32, i1, index
// CHECK-NEXT:  }
// CHECK-LABEL: func.func @scf(%arg0: index, %arg1: memref<?xf32>, %arg2: i1) -> f32 {
// CHECK-NEXT:  %c0 = arith.constant 0 : index
// CHECK-NEXT:  %c1 = arith.constant 1 : index
// CHECK-NEXT:  %cst = arith.constant 0.000000e+00 : f32
// CHECK-NEXT:  %0 = scf.for %arg3 = %c0 to %arg0 step %c1 iter_args(%arg4 = %cst) -> (f32) {
// CHECK-NEXT:  %1 = memref.load %arg1[%arg3] : memref<?xf32>
// CHECK-NEXT:  %2 = arith.addf %arg4, %1 : f32
// CHECK-NEXT:  scf.yield %2 : f32
// CHECK-NEXT:  }
// CHECK-NEXT:  %3 = scf.if %arg2 -> (f32) {
// CHECK-NEXT:  scf.yield %0 : f32
// CHECK-NEXT:  } else {
// CHECK-NEXT:  scf.yield %cst : f32
// CHECK-NEXT:  }
// CHECK-NEXT:  %4 = scf.while (%arg3_1 = %c0) : (index) -> index {
// CHECK-NEXT:  %5 = arith.cmpi slt, %arg3_1, %arg0 : index
// CHECK-NEXT:  scf.condition(%5) %arg3_1 : index
// CHECK-NEXT:  } do {
// CHECK-NEXT:  ^bb0(%arg3_2: index):
// CHECK-NEXT:  %6 = arith.addi %arg3_2, %c1 : index
// CHECK-NEXT:  scf.yield %6 : index
// CHECK-NEXT:  }
// CHECK-NEXT:  func.return %3 : f32
// CHECK-NEXT:  }
// CHECK-LABEL: func.func @memref(%arg0: memref<4x8xf32>, %arg1: index) -> f32 {
// CHECK-NEXT:  %c0 = arith.constant 0 : index
// CHECK-NEXT:  %alloc = memref.alloc() : memref<4x8xf32>
// CHECK-NEXT:  %alloca = memref.alloca(%arg1) : memref<?xf32>
// CHECK-NEXT:  %0 = memref.load %arg0[%arg1, %arg1] : memref<4x8xf32>
// CHECK-NEXT:  memref.store %0, %alloc[%arg1, %arg1] : memref<4x8xf32>
// CHECK-NEXT:  %subview = memref.subview %arg0[0, 0] [2, 4] [1, 1] : memref<4x8xf32> to memref<2x4xf32, strided<[8, 1]>>
// CHECK-NEXT:  %dim = memref.dim %alloca, %c0 : memref<?xf32>
// CHECK-NEXT:  memref.dealloc %alloc : memref<4x8xf32>
// CHECK-NEXT:  func.return %0 : f32
// CHECK-NEXT:  }
// CHECK-LABEL: func.func @vector(%arg0: memref<16xf32>, %arg1: index, %arg2: vector<4xf32>) -> f32 {
// CHECK-NEXT:  %cst = arith.constant 0.000000e+00 : f32
// CHECK-NEXT:  %0 = vector.load %arg0[%arg1] : memref<16xf32>, vector<4xf32>
// CHECK-NEXT:  %1 = arith.addf %0, %arg2 : vector<4xf32>
// CHECK-NEXT:  vector.store %1, %arg0[%arg1] : memref<16xf32>, vector<4xf32>
// CHECK-NEXT:  %2 = vector.broadcast %cst : f32 to vector<4xf32>
// CHECK-NEXT:  %3 = vector.fma %1, %2, %arg2 : vector<4xf32>
// CHECK-NEXT:  %4 = vector.reduction <add>, %3 : vector<4xf32> into f32
// CHECK-NEXT:  %5 = vector.extract %3[0] : f32 from vector<4xf32>
// CHECK-NEXT:  func.return %4 : f32
// CHECK-NEXT:  }
// CHECK-LABEL: llvm.func @llvm(%arg0: !llvm.ptr, %arg1: i32) -> i32 {
// CHECK-NEXT:  %0 = llvm.mlir.constant(1 : i32) : i32
// CHECK-NEXT:  %1 = llvm.add %arg1, %0 : i32
// CHECK-NEXT:  %2 = llvm.getelementptr %arg0[%1] : (!llvm.ptr, i32) -> !llvm.ptr, f32
// CHECK-NEXT:  %3 = llvm.load %2 : !llvm.ptr -> i32
// CHECK-NEXT:  llvm.store %3, %arg0 : i32, !llvm.ptr
// CHECK-NEXT:  %4 = llvm.mlir.undef : !llvm.struct<(!llvm.ptr, !llvm.array<2 x i64>)>
// CHECK-NEXT:  %5 = llvm.insertvalue %arg0, %4[0] : !llvm.struct<(!llvm.ptr, !llvm.array<2 x i64>)>
// CHECK-NEXT:  %6 = llvm.extractvalue %5[0] : !llvm.struct<(!llvm.ptr, !llvm.array<2 x i64>)>
// CHECK-NEXT:  %7 = llvm.mlir.undef : !llvm.struct<(!llvm.ptr, i32, !llvm.array<4 x !llvm.struct<(i8, !llvm.ptr<1>)>>)>
// CHECK-NEXT:  %8 = llvm.mlir.undef : !llvm.array<2 x !llvm.ptr>
// CHECK-NEXT:  %9 = llvm.call @callee(%6, %3) : (!llvm.ptr, i32) -> i32
// CHECK-NEXT:  llvm.return %9 : i32
// CHECK-NEXT:  }
// CHECK-LABEL: llvm.func @callee(!llvm.ptr, i32) -> i32
// CHECK-LABEL: llvm.func @zero() -> !llvm.ptr {
// CHECK-NEXT:  %[[Z:.*]] = llvm.mlir.zero : !llvm.ptr
// CHECK-NEXT:  llvm.return %[[Z]] : !llvm.ptr
// CHECK-NEXT:  }
// CHECK-LABEL: llvm.func @fptr(%arg0_1: !llvm.ptr) -> !llvm.ptr {
// CHECK-NEXT:  llvm.return %arg0_1 : !llvm.ptr
// CHECK-NEXT:  }

func.func private @ext(i32, f32) -> i64
func.func @arith(%a: i32, %b: i32, %x: f32, %i: index) -> (i32, f32, i1, index) {
  %c = arith.constant 7 : i32
  %s = arith.addi %a, %c : i32
  %m = arith.muli %s, %b overflow<nsw> : i32
  %f = arith.mulf %x, %x fastmath<fast> : f32
  %cmp = arith.cmpi slt, %m, %a : i32
  %sel = arith.select %cmp, %m, %a : i32
  %e = arith.extsi %sel : i32 to i64
  %t = arith.trunci %e : i64 to i32
  %ix = arith.index_cast %t : i32 to index
  %d = arith.divsi %t, %c : i32
  %ci = arith.constant 1 : index
  %ia = arith.addi %ix, %ci : index
  %r = func.call @ext(%d, %f) : (i32, f32) -> i64
  func.return %d, %f, %cmp, %ia : i32, f32, i1, index
}
func.func @scf(%n: index, %buf: memref<?xf32>, %c: i1) -> f32 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %z = arith.constant 0.0 : f32
  %sum = scf.for %i = %c0 to %n step %c1 iter_args(%acc = %z) -> (f32) {
    %v = memref.load %buf[%i] : memref<?xf32>
    %a = arith.addf %acc, %v : f32
    scf.yield %a : f32
  }
  %r = scf.if %c -> (f32) {
    scf.yield %sum : f32
  } else {
    scf.yield %z : f32
  }
  %w = scf.while (%arg = %c0) : (index) -> index {
    %lt = arith.cmpi slt, %arg, %n : index
    scf.condition(%lt) %arg : index
  } do {
  ^bb0(%arg2: index):
    %nx = arith.addi %arg2, %c1 : index
    scf.yield %nx : index
  }
  return %r : f32
}
func.func @memref(%m: memref<4x8xf32>, %i: index) -> f32 {
  %c0 = arith.constant 0 : index
  %a = memref.alloc() : memref<4x8xf32>
  %d = memref.alloca(%i) : memref<?xf32>
  %v = memref.load %m[%i, %i] : memref<4x8xf32>
  memref.store %v, %a[%i, %i] : memref<4x8xf32>
  %sub = memref.subview %m[0, 0] [2, 4] [1, 1] : memref<4x8xf32> to memref<2x4xf32, strided<[8, 1]>>
  %dim = memref.dim %d, %c0 : memref<?xf32>
  memref.dealloc %a : memref<4x8xf32>
  return %v : f32
}
func.func @vector(%m: memref<16xf32>, %i: index, %v: vector<4xf32>) -> f32 {
  %z = arith.constant 0.0 : f32
  %l = vector.load %m[%i] : memref<16xf32>, vector<4xf32>
  %s = arith.addf %l, %v : vector<4xf32>
  vector.store %s, %m[%i] : memref<16xf32>, vector<4xf32>
  %b = vector.broadcast %z : f32 to vector<4xf32>
  %fma = vector.fma %s, %b, %v : vector<4xf32>
  %r = vector.reduction <add>, %fma : vector<4xf32> into f32
  %e = vector.extract %fma[0] : f32 from vector<4xf32>
  return %r : f32
}
llvm.func @llvm(%p: !llvm.ptr, %n: i32) -> i32 {
  %c = llvm.mlir.constant(1 : i32) : i32
  %s = llvm.add %n, %c : i32
  %q = llvm.getelementptr %p[%s] : (!llvm.ptr, i32) -> !llvm.ptr, f32
  %v = llvm.load %q : !llvm.ptr -> i32
  llvm.store %v, %p : i32, !llvm.ptr
  %u = llvm.mlir.undef : !llvm.struct<(ptr, array<2 x i64>)>
  %u2 = llvm.insertvalue %p, %u[0] : !llvm.struct<(ptr, array<2 x i64>)>
  %g = llvm.extractvalue %u2[0] : !llvm.struct<(ptr, array<2 x i64>)>
  %nest = llvm.mlir.undef : !llvm.struct<(ptr, i32, array<4 x struct<(i8, ptr<1>)>>)>
  %arr = llvm.mlir.undef : !llvm.array<2 x ptr>
  %r = llvm.call @callee(%g, %v) : (!llvm.ptr, i32) -> i32
  llvm.return %r : i32
}
llvm.func @callee(!llvm.ptr, i32) -> i32
llvm.func @zero() -> !llvm.ptr {
  %z = llvm.mlir.zero : !llvm.ptr
  llvm.return %z : !llvm.ptr
}
llvm.func @fptr(%f: !llvm.ptr) -> !llvm.ptr {
  llvm.return %f : !llvm.ptr
}
