// RUN: DL_ROUNDTRIP

/// Round trip of every `arith` op xDSL 0.74 registers, in the custom form xDSL prints.
/// `cmpi`/`cmpf` have hand-written syntax; all other ops use `assembly_format`.

/// Check constants: integers, index, floats (incl. special values), vectors and tensors.
// CHECK-LABEL: func.func @constants() {
// CHECK-NEXT:    %i1 = arith.constant true
// CHECK-NEXT:    %f1 = arith.constant false
// CHECK-NEXT:    %i8 = arith.constant -3 : i8
// CHECK-NEXT:    %i32 = arith.constant 42 : i32
// CHECK-NEXT:    %i64 = arith.constant 9223372036854775807 : i64
// CHECK-NEXT:    %idx = arith.constant 0 : index
// CHECK-NEXT:    %f16 = arith.constant 1.500000e+00 : f16
// CHECK-NEXT:    %bf16 = arith.constant 2.000000e+00 : bf16
// CHECK-NEXT:    %f32 = arith.constant 3.140000e+00 : f32
// CHECK-NEXT:    %f64 = arith.constant -1.000000e-10 : f64
// CHECK-NEXT:    %inf = arith.constant 0x7f800000 : f32
// CHECK-NEXT:    %nan = arith.constant 0x7fc00000 : f32
// CHECK-NEXT:    %splat = arith.constant dense<1.000000e+00> : vector<4xf32>
// CHECK-NEXT:    %vec = arith.constant dense<[1, 2, 3, 4]> : vector<4xi32>
// CHECK-NEXT:    %tensor = arith.constant dense<{{\[\[}}0.000000e+00, 1.000000e+00], [2.000000e+00, 3.000000e+00]]> : tensor<2x2xf32>
// CHECK-NEXT:    %attr = arith.constant {tag = "x"} 7 : i16
// CHECK-NEXT:    func.return
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

// -----

/// Check integer binary ops, with and without overflow flags.
// CHECK-LABEL: func.func @integer_binary(%a: i32, %b: i32, %i: index, %j: index) {
// CHECK-NEXT:    %addi = arith.addi %a, %b : i32
// CHECK-NEXT:    %addi_nsw = arith.addi %a, %b overflow<nsw> : i32
// CHECK-NEXT:    %addi_both = arith.addi %a, %b overflow<nsw,nuw> : i32
// CHECK-NEXT:    %addi_index = arith.addi %i, %j : index
// CHECK-NEXT:    %subi = arith.subi %a, %b : i32
// CHECK-NEXT:    %subi_nuw = arith.subi %a, %b overflow<nuw> : i32
// CHECK-NEXT:    %muli = arith.muli %a, %b : i32
// CHECK-NEXT:    %muli_nsw = arith.muli %a, %b overflow<nsw> : i32
// CHECK-NEXT:    %divui = arith.divui %a, %b : i32
// CHECK-NEXT:    %divsi = arith.divsi %a, %b : i32
// CHECK-NEXT:    %floordivsi = arith.floordivsi %a, %b : i32
// CHECK-NEXT:    %ceildivsi = arith.ceildivsi %a, %b : i32
// CHECK-NEXT:    %ceildivui = arith.ceildivui %i, %j : index
// CHECK-NEXT:    %remui = arith.remui %a, %b : i32
// CHECK-NEXT:    %remsi = arith.remsi %a, %b : i32
// CHECK-NEXT:    %minsi = arith.minsi %a, %b : i32
// CHECK-NEXT:    %maxsi = arith.maxsi %a, %b : i32
// CHECK-NEXT:    %minui = arith.minui %a, %b : i32
// CHECK-NEXT:    %maxui = arith.maxui %i, %j : index
// CHECK-NEXT:    %andi = arith.andi %a, %b : i32
// CHECK-NEXT:    %ori = arith.ori %a, %b : i32
// CHECK-NEXT:    %xori = arith.xori %a, %b : i32
// CHECK-NEXT:    %shli = arith.shli %a, %b : i32
// CHECK-NEXT:    %shli_nsw = arith.shli %a, %b overflow<nsw> : i32
// CHECK-NEXT:    %shrui = arith.shrui %a, %b : i32
// CHECK-NEXT:    %shrsi = arith.shrsi %a, %b : i32
// CHECK-NEXT:    func.return
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

// -----

/// Check the extended ops, which have two results.
// CHECK-LABEL: func.func @extended(%a: i32, %b: i32) {
// CHECK-NEXT:    %sum, %overflow = arith.addui_extended %a, %b : i32, i1
// CHECK-NEXT:    %low, %high = arith.mului_extended %a, %b : i32
// CHECK-NEXT:    %slow, %shigh = arith.mulsi_extended %a, %b : i32
// CHECK-NEXT:    func.return
// CHECK-NEXT:  }
func.func @extended(%a: i32, %b: i32) {
  %sum, %overflow = arith.addui_extended %a, %b : i32, i1
  %low, %high = arith.mului_extended %a, %b : i32
  %slow, %shigh = arith.mulsi_extended %a, %b : i32
  func.return
}

// -----

/// Check float binary ops, with and without fastmath flags.
// CHECK-LABEL: func.func @float_binary(%x: f32, %y: f32, %v: vector<4xf32>, %w: vector<4xf32>) {
// CHECK-NEXT:    %addf = arith.addf %x, %y : f32
// CHECK-NEXT:    %addf_fast = arith.addf %x, %y fastmath<fast> : f32
// CHECK-NEXT:    %subf = arith.subf %x, %y fastmath<nnan,ninf> : f32
// CHECK-NEXT:    %mulf = arith.mulf %v, %w : vector<4xf32>
// CHECK-NEXT:    %mulf_contract = arith.mulf %x, %y fastmath<contract> : f32
// CHECK-NEXT:    %divf = arith.divf %x, %y fastmath<arcp,afn> : f32
// CHECK-NEXT:    %negf = arith.negf %x : f32
// CHECK-NEXT:    %negf_fast = arith.negf %x fastmath<nsz> : f32
// CHECK-NEXT:    %minimumf = arith.minimumf %x, %y : f32
// CHECK-NEXT:    %minnumf = arith.minnumf %x, %y : f32
// CHECK-NEXT:    %maximumf = arith.maximumf %v, %w : vector<4xf32>
// CHECK-NEXT:    %maxnumf = arith.maxnumf %x, %y fastmath<reassoc> : f32
// CHECK-NEXT:    func.return
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

// -----

/// Check comparisons (hand-written syntax): every predicate of cmpi and cmpf.
// CHECK-LABEL: func.func @compare(%a: i32, %b: i32, %x: f64, %y: f64, %v: vector<4xi32>) {
// CHECK-NEXT:    %eq = arith.cmpi eq, %a, %b : i32
// CHECK-NEXT:    %ne = arith.cmpi ne, %a, %b : i32
// CHECK-NEXT:    %slt = arith.cmpi slt, %a, %b : i32
// CHECK-NEXT:    %sle = arith.cmpi sle, %a, %b : i32
// CHECK-NEXT:    %sgt = arith.cmpi sgt, %a, %b : i32
// CHECK-NEXT:    %sge = arith.cmpi sge, %a, %b : i32
// CHECK-NEXT:    %ult = arith.cmpi ult, %a, %b : i32
// CHECK-NEXT:    %ule = arith.cmpi ule, %a, %b : i32
// CHECK-NEXT:    %ugt = arith.cmpi ugt, %a, %b : i32
// CHECK-NEXT:    %uge = arith.cmpi uge, %a, %b : i32
// CHECK-NEXT:    %veq = arith.cmpi eq, %v, %v : vector<4xi32>
// CHECK-NEXT:    %false = arith.cmpf false, %x, %y : f64
// CHECK-NEXT:    %oeq = arith.cmpf oeq, %x, %y : f64
// CHECK-NEXT:    %ogt = arith.cmpf ogt, %x, %y : f64
// CHECK-NEXT:    %oge = arith.cmpf oge, %x, %y : f64
// CHECK-NEXT:    %olt = arith.cmpf olt, %x, %y : f64
// CHECK-NEXT:    %ole = arith.cmpf ole, %x, %y : f64
// CHECK-NEXT:    %one = arith.cmpf one, %x, %y : f64
// CHECK-NEXT:    %ord = arith.cmpf ord, %x, %y : f64
// CHECK-NEXT:    %ueq = arith.cmpf ueq, %x, %y : f64
// CHECK-NEXT:    %ugtf = arith.cmpf ugt, %x, %y : f64
// CHECK-NEXT:    %ugef = arith.cmpf uge, %x, %y : f64
// CHECK-NEXT:    %ultf = arith.cmpf ult, %x, %y : f64
// CHECK-NEXT:    %ulef = arith.cmpf ule, %x, %y : f64
// CHECK-NEXT:    %une = arith.cmpf une, %x, %y : f64
// CHECK-NEXT:    %uno = arith.cmpf uno, %x, %y : f64
// CHECK-NEXT:    %true = arith.cmpf true, %x, %y : f64
// CHECK-NEXT:    %fast = arith.cmpf olt, %x, %y fastmath<fast> : f64
// CHECK-NEXT:    func.return
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
  %veq = arith.cmpi eq, %v, %v : vector<4xi32>
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

// -----

/// Check select with an i1 condition on scalars and vectors (xDSL 0.74 has no vector-of-i1
/// condition form).
// CHECK-LABEL: func.func @select(%c: i1, %a: i32, %b: i32, %v: vector<4xf32>, %w: vector<4xf32>) {
// CHECK-NEXT:    %s = arith.select %c, %a, %b : i32
// CHECK-NEXT:    %vs = arith.select %c, %v, %w : vector<4xf32>
// CHECK-NEXT:    func.return
// CHECK-NEXT:  }
func.func @select(%c: i1, %a: i32, %b: i32, %v: vector<4xf32>, %w: vector<4xf32>) {
  %s = arith.select %c, %a, %b : i32
  %vs = arith.select %c, %v, %w : vector<4xf32>
  func.return
}

// -----

/// Check casts.
// CHECK-LABEL: func.func @casts(%i: i32, %x: f32, %idx: index, %h: f16) {
// CHECK-NEXT:    %bitcast = arith.bitcast %i : i32 to f32
// CHECK-NEXT:    %index_cast = arith.index_cast %i : i32 to index
// CHECK-NEXT:    %index_back = arith.index_cast %idx : index to i64
// CHECK-NEXT:    %fptosi = arith.fptosi %x : f32 to i32
// CHECK-NEXT:    %fptoui = arith.fptoui %x : f32 to i64
// CHECK-NEXT:    %sitofp = arith.sitofp %i : i32 to f64
// CHECK-NEXT:    %uitofp = arith.uitofp %i : i32 to f32
// CHECK-NEXT:    %extf = arith.extf %h : f16 to f32
// CHECK-NEXT:    %truncf = arith.truncf %x : f32 to f16
// CHECK-NEXT:    %trunci = arith.trunci %i : i32 to i8
// CHECK-NEXT:    %extsi = arith.extsi %i : i32 to i64
// CHECK-NEXT:    %extui = arith.extui %i : i32 to i64
// CHECK-NEXT:    func.return
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
