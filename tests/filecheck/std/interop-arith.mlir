// REQUIRES: mlir-opt
// RUN: dl-opt %s | %mlir-opt --mlir-print-local-scope | filecheck %s
// RUN: dl-opt %s --print-op-generic | %mlir-opt --mlir-print-local-scope | filecheck %s

/// Interop: MLIR 22 (mlir-opt-22) accepts what dl-opt prints for `arith`, in custom and generic
/// form, and reads it as the same ops (checked on mlir-opt's own output). The cases are
/// those of arith.mlir, except:
///   * `arith.cmpi` on vectors: xDSL 0.74 gives it an `i1` result instead of `vector<4xi1>`.
///     The custom form hides it (MLIR infers the type) but the generic form prints
///     `(vector<4xi32>, vector<4xi32>) -> i1`, which MLIR 22 rejects: "result type has i1
///     element type and same shape as operands".

/// Check constants: integers, index, floats (incl. special values), vectors and tensors.
// CHECK-LABEL: func.func @constants() {
// CHECK-NEXT:    %true = arith.constant true
// CHECK-NEXT:    %false = arith.constant false
// CHECK-NEXT:    %c-3_i8 = arith.constant -3 : i8
// CHECK-NEXT:    %c42_i32 = arith.constant 42 : i32
// CHECK-NEXT:    %c9223372036854775807_i64 = arith.constant 9223372036854775807 : i64
// CHECK-NEXT:    %c0 = arith.constant 0 : index
// CHECK-NEXT:    %cst = arith.constant 1.500000e+00 : f16
// CHECK-NEXT:    %cst_0 = arith.constant 2.000000e+00 : bf16
// CHECK-NEXT:    %cst_1 = arith.constant 3.140000e+00 : f32
// CHECK-NEXT:    %cst_2 = arith.constant -1.000000e-10 : f64
// CHECK-NEXT:    %cst_3 = arith.constant 0x7F800000 : f32
// CHECK-NEXT:    %cst_4 = arith.constant 0x7FC00000 : f32
// CHECK-NEXT:    %cst_5 = arith.constant dense<1.000000e+00> : vector<4xf32>
// CHECK-NEXT:    %cst_6 = arith.constant dense<[1, 2, 3, 4]> : vector<4xi32>
// CHECK-NEXT:    %cst_7 = arith.constant dense<{{\[\[}}0.000000e+00, 1.000000e+00], [2.000000e+00, 3.000000e+00]]> : tensor<2x2xf32>
// CHECK-NEXT:    %c7_i16 = arith.constant {tag = "x"} 7 : i16
// CHECK-NEXT:    return
// CHECK-NEXT:  }
func.func @constants() {
  %i1 = arith.constant true
  %f1 = arith.constant false
  %i8 = arith.constant -3 : i8
  %i32 = arith.constant 42 : i32
  %i64 = arith.constant 9223372036854775807 : i64
  %idx = arith.constant 0 : index
  %f16 = arith.constant 1.500000e+00 : f16
  %bf16 = arith.constant 2.000000e+00 : bf16
  %f32 = arith.constant 3.140000e+00 : f32
  %f64 = arith.constant -1.000000e-10 : f64
  %inf = arith.constant 0x7F800000 : f32
  %nan = arith.constant 0x7FC00000 : f32
  %splat = arith.constant dense<1.000000e+00> : vector<4xf32>
  %vec = arith.constant dense<[1, 2, 3, 4]> : vector<4xi32>
  %tensor = arith.constant dense<[[0.000000e+00, 1.000000e+00], [2.000000e+00, 3.000000e+00]]> : tensor<2x2xf32>
  %attr = arith.constant {tag = "x"} 7 : i16
  func.return
}

/// Check integer binary ops, with and without overflow flags.
// CHECK-LABEL: func.func @integer_binary(%arg0: i32, %arg1: i32, %arg2: index, %arg3: index) {
// CHECK-NEXT:    %0 = arith.addi %arg0, %arg1 : i32
// CHECK-NEXT:    %1 = arith.addi %arg0, %arg1 overflow<nsw> : i32
// CHECK-NEXT:    %2 = arith.addi %arg0, %arg1 overflow<nsw, nuw> : i32
// CHECK-NEXT:    %3 = arith.addi %arg2, %arg3 : index
// CHECK-NEXT:    %4 = arith.subi %arg0, %arg1 : i32
// CHECK-NEXT:    %5 = arith.subi %arg0, %arg1 overflow<nuw> : i32
// CHECK-NEXT:    %6 = arith.muli %arg0, %arg1 : i32
// CHECK-NEXT:    %7 = arith.muli %arg0, %arg1 overflow<nsw> : i32
// CHECK-NEXT:    %8 = arith.divui %arg0, %arg1 : i32
// CHECK-NEXT:    %9 = arith.divsi %arg0, %arg1 : i32
// CHECK-NEXT:    %10 = arith.floordivsi %arg0, %arg1 : i32
// CHECK-NEXT:    %11 = arith.ceildivsi %arg0, %arg1 : i32
// CHECK-NEXT:    %12 = arith.ceildivui %arg2, %arg3 : index
// CHECK-NEXT:    %13 = arith.remui %arg0, %arg1 : i32
// CHECK-NEXT:    %14 = arith.remsi %arg0, %arg1 : i32
// CHECK-NEXT:    %15 = arith.minsi %arg0, %arg1 : i32
// CHECK-NEXT:    %16 = arith.maxsi %arg0, %arg1 : i32
// CHECK-NEXT:    %17 = arith.minui %arg0, %arg1 : i32
// CHECK-NEXT:    %18 = arith.maxui %arg2, %arg3 : index
// CHECK-NEXT:    %19 = arith.andi %arg0, %arg1 : i32
// CHECK-NEXT:    %20 = arith.ori %arg0, %arg1 : i32
// CHECK-NEXT:    %21 = arith.xori %arg0, %arg1 : i32
// CHECK-NEXT:    %22 = arith.shli %arg0, %arg1 : i32
// CHECK-NEXT:    %23 = arith.shli %arg0, %arg1 overflow<nsw> : i32
// CHECK-NEXT:    %24 = arith.shrui %arg0, %arg1 : i32
// CHECK-NEXT:    %25 = arith.shrsi %arg0, %arg1 : i32
// CHECK-NEXT:    return
// CHECK-NEXT:  }
func.func @integer_binary(%a: i32, %b: i32, %i: index, %j: index) {
  %addi = arith.addi %a, %b : i32
  %addi_nsw = arith.addi %a, %b overflow<nsw> : i32
  %addi_both = arith.addi %a, %b overflow<nsw, nuw> : i32
  %addi_index = arith.addi %i, %j : index
  %subi = arith.subi %a, %b : i32
  %subi_nuw = arith.subi %a, %b overflow<nuw> : i32
  %muli = arith.muli %a, %b : i32
  %muli_nsw = arith.muli %a, %b overflow<nsw> : i32
  %divui = arith.divui %a, %b : i32
  %divsi = arith.divsi %a, %b : i32
  %floordivsi = arith.floordivsi %a, %b : i32
  %ceildivsi = arith.ceildivsi %a, %b : i32
  %ceildivui = arith.ceildivui %i, %j : index
  %remui = arith.remui %a, %b : i32
  %remsi = arith.remsi %a, %b : i32
  %minsi = arith.minsi %a, %b : i32
  %maxsi = arith.maxsi %a, %b : i32
  %minui = arith.minui %a, %b : i32
  %maxui = arith.maxui %i, %j : index
  %andi = arith.andi %a, %b : i32
  %ori = arith.ori %a, %b : i32
  %xori = arith.xori %a, %b : i32
  %shli = arith.shli %a, %b : i32
  %shli_nsw = arith.shli %a, %b overflow<nsw> : i32
  %shrui = arith.shrui %a, %b : i32
  %shrsi = arith.shrsi %a, %b : i32
  func.return
}

/// Check the extended ops, which have two results.
// CHECK-LABEL: func.func @extended(%arg0: i32, %arg1: i32) {
// CHECK-NEXT:    %sum, %overflow = arith.addui_extended %arg0, %arg1 : i32, i1
// CHECK-NEXT:    %low, %high = arith.mului_extended %arg0, %arg1 : i32
// CHECK-NEXT:    %low_0, %high_1 = arith.mulsi_extended %arg0, %arg1 : i32
// CHECK-NEXT:    return
// CHECK-NEXT:  }
func.func @extended(%a: i32, %b: i32) {
  %sum, %overflow = arith.addui_extended %a, %b : i32, i1
  %low, %high = arith.mului_extended %a, %b : i32
  %slow, %shigh = arith.mulsi_extended %a, %b : i32
  func.return
}

/// Check float binary ops, with and without fastmath flags.
// CHECK-LABEL: func.func @float_binary(%arg0: f32, %arg1: f32, %arg2: vector<4xf32>, %arg3: vector<4xf32>) {
// CHECK-NEXT:    %0 = arith.addf %arg0, %arg1 : f32
// CHECK-NEXT:    %1 = arith.addf %arg0, %arg1 fastmath<fast> : f32
// CHECK-NEXT:    %2 = arith.subf %arg0, %arg1 fastmath<nnan,ninf> : f32
// CHECK-NEXT:    %3 = arith.mulf %arg2, %arg3 : vector<4xf32>
// CHECK-NEXT:    %4 = arith.mulf %arg0, %arg1 fastmath<contract> : f32
// CHECK-NEXT:    %5 = arith.divf %arg0, %arg1 fastmath<arcp,afn> : f32
// CHECK-NEXT:    %6 = arith.negf %arg0 : f32
// CHECK-NEXT:    %7 = arith.negf %arg0 fastmath<nsz> : f32
// CHECK-NEXT:    %8 = arith.minimumf %arg0, %arg1 : f32
// CHECK-NEXT:    %9 = arith.minnumf %arg0, %arg1 : f32
// CHECK-NEXT:    %10 = arith.maximumf %arg2, %arg3 : vector<4xf32>
// CHECK-NEXT:    %11 = arith.maxnumf %arg0, %arg1 fastmath<reassoc> : f32
// CHECK-NEXT:    return
// CHECK-NEXT:  }
func.func @float_binary(%x: f32, %y: f32, %v: vector<4xf32>, %w: vector<4xf32>) {
  %addf = arith.addf %x, %y : f32
  %addf_fast = arith.addf %x, %y fastmath<fast> : f32
  %subf = arith.subf %x, %y fastmath<nnan,ninf> : f32
  %mulf = arith.mulf %v, %w : vector<4xf32>
  %mulf_contract = arith.mulf %x, %y fastmath<contract> : f32
  %divf = arith.divf %x, %y fastmath<arcp,afn> : f32
  %negf = arith.negf %x : f32
  %negf_fast = arith.negf %x fastmath<nsz> : f32
  %minimumf = arith.minimumf %x, %y : f32
  %minnumf = arith.minnumf %x, %y : f32
  %maximumf = arith.maximumf %v, %w : vector<4xf32>
  %maxnumf = arith.maxnumf %x, %y fastmath<reassoc> : f32
  func.return
}

/// Check comparisons (hand-written syntax): every predicate of cmpi and cmpf. (The vector
/// cmpi of arith.mlir is left out: see the header.)
// CHECK-LABEL: func.func @compare(%arg0: i32, %arg1: i32, %arg2: f64, %arg3: f64, %arg4: vector<4xi32>) {
// CHECK-NEXT:    %0 = arith.cmpi eq, %arg0, %arg1 : i32
// CHECK-NEXT:    %1 = arith.cmpi ne, %arg0, %arg1 : i32
// CHECK-NEXT:    %2 = arith.cmpi slt, %arg0, %arg1 : i32
// CHECK-NEXT:    %3 = arith.cmpi sle, %arg0, %arg1 : i32
// CHECK-NEXT:    %4 = arith.cmpi sgt, %arg0, %arg1 : i32
// CHECK-NEXT:    %5 = arith.cmpi sge, %arg0, %arg1 : i32
// CHECK-NEXT:    %6 = arith.cmpi ult, %arg0, %arg1 : i32
// CHECK-NEXT:    %7 = arith.cmpi ule, %arg0, %arg1 : i32
// CHECK-NEXT:    %8 = arith.cmpi ugt, %arg0, %arg1 : i32
// CHECK-NEXT:    %9 = arith.cmpi uge, %arg0, %arg1 : i32
// CHECK-NEXT:    %10 = arith.cmpf false, %arg2, %arg3 : f64
// CHECK-NEXT:    %11 = arith.cmpf oeq, %arg2, %arg3 : f64
// CHECK-NEXT:    %12 = arith.cmpf ogt, %arg2, %arg3 : f64
// CHECK-NEXT:    %13 = arith.cmpf oge, %arg2, %arg3 : f64
// CHECK-NEXT:    %14 = arith.cmpf olt, %arg2, %arg3 : f64
// CHECK-NEXT:    %15 = arith.cmpf ole, %arg2, %arg3 : f64
// CHECK-NEXT:    %16 = arith.cmpf one, %arg2, %arg3 : f64
// CHECK-NEXT:    %17 = arith.cmpf ord, %arg2, %arg3 : f64
// CHECK-NEXT:    %18 = arith.cmpf ueq, %arg2, %arg3 : f64
// CHECK-NEXT:    %19 = arith.cmpf ugt, %arg2, %arg3 : f64
// CHECK-NEXT:    %20 = arith.cmpf uge, %arg2, %arg3 : f64
// CHECK-NEXT:    %21 = arith.cmpf ult, %arg2, %arg3 : f64
// CHECK-NEXT:    %22 = arith.cmpf ule, %arg2, %arg3 : f64
// CHECK-NEXT:    %23 = arith.cmpf une, %arg2, %arg3 : f64
// CHECK-NEXT:    %24 = arith.cmpf uno, %arg2, %arg3 : f64
// CHECK-NEXT:    %25 = arith.cmpf true, %arg2, %arg3 : f64
// CHECK-NEXT:    %26 = arith.cmpf olt, %arg2, %arg3 fastmath<fast> : f64
// CHECK-NEXT:    return
// CHECK-NEXT:  }
func.func @compare(%a: i32, %b: i32, %x: f64, %y: f64, %v: vector<4xi32>) {
  %eq = arith.cmpi eq, %a, %b : i32
  %ne = arith.cmpi ne, %a, %b : i32
  %slt = arith.cmpi slt, %a, %b : i32
  %sle = arith.cmpi sle, %a, %b : i32
  %sgt = arith.cmpi sgt, %a, %b : i32
  %sge = arith.cmpi sge, %a, %b : i32
  %ult = arith.cmpi ult, %a, %b : i32
  %ule = arith.cmpi ule, %a, %b : i32
  %ugt = arith.cmpi ugt, %a, %b : i32
  %uge = arith.cmpi uge, %a, %b : i32
  %false = arith.cmpf false, %x, %y : f64
  %oeq = arith.cmpf oeq, %x, %y : f64
  %ogt = arith.cmpf ogt, %x, %y : f64
  %oge = arith.cmpf oge, %x, %y : f64
  %olt = arith.cmpf olt, %x, %y : f64
  %ole = arith.cmpf ole, %x, %y : f64
  %one = arith.cmpf one, %x, %y : f64
  %ord = arith.cmpf ord, %x, %y : f64
  %ueq = arith.cmpf ueq, %x, %y : f64
  %ugtf = arith.cmpf ugt, %x, %y : f64
  %ugef = arith.cmpf uge, %x, %y : f64
  %ultf = arith.cmpf ult, %x, %y : f64
  %ulef = arith.cmpf ule, %x, %y : f64
  %une = arith.cmpf une, %x, %y : f64
  %uno = arith.cmpf uno, %x, %y : f64
  %true = arith.cmpf true, %x, %y : f64
  %fast = arith.cmpf olt, %x, %y fastmath<fast> : f64
  func.return
}

/// Check select with an i1 condition on scalars and vectors (xDSL 0.74 has no vector-of-i1
/// condition form).
// CHECK-LABEL: func.func @select(%arg0: i1, %arg1: i32, %arg2: i32, %arg3: vector<4xf32>, %arg4: vector<4xf32>) {
// CHECK-NEXT:    %0 = arith.select %arg0, %arg1, %arg2 : i32
// CHECK-NEXT:    %1 = arith.select %arg0, %arg3, %arg4 : vector<4xf32>
// CHECK-NEXT:    return
// CHECK-NEXT:  }
func.func @select(%c: i1, %a: i32, %b: i32, %v: vector<4xf32>, %w: vector<4xf32>) {
  %s = arith.select %c, %a, %b : i32
  %vs = arith.select %c, %v, %w : vector<4xf32>
  func.return
}

/// Check casts.
// CHECK-LABEL: func.func @casts(%arg0: i32, %arg1: f32, %arg2: index, %arg3: f16) {
// CHECK-NEXT:    %0 = arith.bitcast %arg0 : i32 to f32
// CHECK-NEXT:    %1 = arith.index_cast %arg0 : i32 to index
// CHECK-NEXT:    %2 = arith.index_cast %arg2 : index to i64
// CHECK-NEXT:    %3 = arith.fptosi %arg1 : f32 to i32
// CHECK-NEXT:    %4 = arith.fptoui %arg1 : f32 to i64
// CHECK-NEXT:    %5 = arith.sitofp %arg0 : i32 to f64
// CHECK-NEXT:    %6 = arith.uitofp %arg0 : i32 to f32
// CHECK-NEXT:    %7 = arith.extf %arg3 : f16 to f32
// CHECK-NEXT:    %8 = arith.truncf %arg1 : f32 to f16
// CHECK-NEXT:    %9 = arith.trunci %arg0 : i32 to i8
// CHECK-NEXT:    %10 = arith.extsi %arg0 : i32 to i64
// CHECK-NEXT:    %11 = arith.extui %arg0 : i32 to i64
// CHECK-NEXT:    return
// CHECK-NEXT:  }
func.func @casts(%i: i32, %x: f32, %idx: index, %h: f16) {
  %bitcast = arith.bitcast %i : i32 to f32
  %index_cast = arith.index_cast %i : i32 to index
  %index_back = arith.index_cast %idx : index to i64
  %fptosi = arith.fptosi %x : f32 to i32
  %fptoui = arith.fptoui %x : f32 to i64
  %sitofp = arith.sitofp %i : i32 to f64
  %uitofp = arith.uitofp %i : i32 to f32
  %extf = arith.extf %h : f16 to f32
  %truncf = arith.truncf %x : f32 to f16
  %trunci = arith.trunci %i : i32 to i8
  %extsi = arith.extsi %i : i32 to i64
  %extui = arith.extui %i : i32 to i64
  func.return
}
