// RUN: DL_ROUNDTRIP

/// Round trip of every `vector` op xDSL 0.74 registers. transfer_read/transfer_write have
/// hand-written syntax; vector.print has none (generic form); all others use `assembly_format`.

/// Check load, store, masked load/store, and create_mask.
// CHECK-LABEL: func.func @memory(%m: memref<64xf32>, %m2: memref<8x8xf32>, %i: index, %n: index, %pass: vector<8xf32>) {
// CHECK-NEXT:    %v = vector.load %m[%i] : memref<64xf32>, vector<8xf32>
// CHECK-NEXT:    %w = vector.load %m2[%i, %i] : memref<8x8xf32>, vector<8xf32>
// CHECK-NEXT:    vector.store %v, %m[%i] : memref<64xf32>, vector<8xf32>
// CHECK-NEXT:    vector.store %w, %m2[%i, %n] : memref<8x8xf32>, vector<8xf32>
// CHECK-NEXT:    %mask = vector.create_mask %n : vector<8xi1>
// CHECK-NEXT:    %mask2 = vector.create_mask %n, %i : vector<2x4xi1>
// CHECK-NEXT:    %ml = vector.maskedload %m[%i], %mask, %pass : memref<64xf32>, vector<8xi1>, vector<8xf32> into vector<8xf32>
// CHECK-NEXT:    vector.maskedstore %m[%i], %mask, %ml : memref<64xf32>, vector<8xi1>, vector<8xf32>
// CHECK-NEXT:    func.return
// CHECK-NEXT:  }
func.func @memory(%m: memref<64xf32>, %m2: memref<8x8xf32>, %i: index, %n: index, %pass: vector<8xf32>) {
  %v = vector.load %m[%i] : memref<64xf32>, vector<8xf32>
  %w = vector.load %m2[%i, %i] : memref<8x8xf32>, vector<8xf32>
  vector.store %v, %m[%i] : memref<64xf32>, vector<8xf32>
  vector.store %w, %m2[%i, %n] : memref<8x8xf32>, vector<8xf32>
  %mask = vector.create_mask %n : vector<8xi1>
  %mask2 = vector.create_mask %n, %i : vector<2x4xi1>
  %ml = vector.maskedload %m[%i], %mask, %pass : memref<64xf32>, vector<8xi1>, vector<8xf32> into vector<8xf32>
  vector.maskedstore %m[%i], %mask, %ml : memref<64xf32>, vector<8xi1>, vector<8xf32>
  func.return
}

// -----

/// Check broadcast, fma, bitcast and shuffle.
// CHECK-LABEL: func.func @compute(%x: f32, %a: vector<8xf32>, %b: vector<8xf32>, %c: vector<8xf32>, %i: vector<4xi32>) {
// CHECK-NEXT:    %splat = vector.broadcast %x : f32 to vector<8xf32>
// CHECK-NEXT:    %splat2d = vector.broadcast %a : vector<8xf32> to vector<4x8xf32>
// CHECK-NEXT:    %fma = vector.fma %a, %b, %c : vector<8xf32>
// CHECK-NEXT:    %cast = vector.bitcast %a : vector<8xf32> to vector<8xi32>
// CHECK-NEXT:    %wide = vector.bitcast %i : vector<4xi32> to vector<2xi64>
// CHECK-NEXT:    %sh = vector.shuffle %a, %b [0, 8, 1, 9] : vector<8xf32>, vector<8xf32>
// CHECK-NEXT:    func.return
// CHECK-NEXT:  }
func.func @compute(%x: f32, %a: vector<8xf32>, %b: vector<8xf32>, %c: vector<8xf32>, %i: vector<4xi32>) {
  %splat = vector.broadcast %x : f32 to vector<8xf32>
  %splat2d = vector.broadcast %a : vector<8xf32> to vector<4x8xf32>
  %fma = vector.fma %a, %b, %c : vector<8xf32>
  %cast = vector.bitcast %a : vector<8xf32> to vector<8xi32>
  %wide = vector.bitcast %i : vector<4xi32> to vector<2xi64>
  %sh = vector.shuffle %a, %b [0, 8, 1, 9] : vector<8xf32>, vector<8xf32>
  func.return
}

// -----

/// Check extract and insert with static and dynamic positions.
// CHECK-LABEL: func.func @extract_insert(%v: vector<4x8xf32>, %s: f32, %row: vector<8xf32>, %i: index) {
// CHECK-NEXT:    %e0 = vector.extract %v[0, 3] : f32 from vector<4x8xf32>
// CHECK-NEXT:    %e1 = vector.extract %v[2] : vector<8xf32> from vector<4x8xf32>
// CHECK-NEXT:    %e2 = vector.extract %v[%i, 1] : f32 from vector<4x8xf32>
// CHECK-NEXT:    %i0 = vector.insert %s, %v [1, 2] : f32 into vector<4x8xf32>
// CHECK-NEXT:    %i1 = vector.insert %row, %v [3] : vector<8xf32> into vector<4x8xf32>
// CHECK-NEXT:    %i2 = vector.insert %s, %v [%i, %i] : f32 into vector<4x8xf32>
// CHECK-NEXT:    func.return
// CHECK-NEXT:  }
func.func @extract_insert(%v: vector<4x8xf32>, %s: f32, %row: vector<8xf32>, %i: index) {
  %e0 = vector.extract %v[0, 3] : f32 from vector<4x8xf32>
  %e1 = vector.extract %v[2] : vector<8xf32> from vector<4x8xf32>
  %e2 = vector.extract %v[%i, 1] : f32 from vector<4x8xf32>
  %i0 = vector.insert %s, %v [1, 2] : f32 into vector<4x8xf32>
  %i1 = vector.insert %row, %v [3] : vector<8xf32> into vector<4x8xf32>
  %i2 = vector.insert %s, %v [%i, %i] : f32 into vector<4x8xf32>
  func.return
}

// -----

/// Check reductions: every combining kind, with an accumulator and fastmath flags.
// CHECK-LABEL: func.func @reduction(%f: vector<8xf32>, %n: vector<8xi32>, %acc: f32) {
// CHECK-NEXT:    %add = vector.reduction <add>, %f : vector<8xf32> into f32
// CHECK-NEXT:    %mul = vector.reduction <mul>, %f, %acc : vector<8xf32> into f32
// CHECK-NEXT:    %fast = vector.reduction <add>, %f, %acc fastmath<reassoc> : vector<8xf32> into f32
// CHECK-NEXT:    %minui = vector.reduction <minui>, %n : vector<8xi32> into i32
// CHECK-NEXT:    %minsi = vector.reduction <minsi>, %n : vector<8xi32> into i32
// CHECK-NEXT:    %minnumf = vector.reduction <minnumf>, %f : vector<8xf32> into f32
// CHECK-NEXT:    %maxui = vector.reduction <maxui>, %n : vector<8xi32> into i32
// CHECK-NEXT:    %maxsi = vector.reduction <maxsi>, %n : vector<8xi32> into i32
// CHECK-NEXT:    %maxnumf = vector.reduction <maxnumf>, %f : vector<8xf32> into f32
// CHECK-NEXT:    %and = vector.reduction <and>, %n : vector<8xi32> into i32
// CHECK-NEXT:    %or = vector.reduction <or>, %n : vector<8xi32> into i32
// CHECK-NEXT:    %xor = vector.reduction <xor>, %n : vector<8xi32> into i32
// CHECK-NEXT:    %maximumf = vector.reduction <maximumf>, %f : vector<8xf32> into f32
// CHECK-NEXT:    %minimumf = vector.reduction <minimumf>, %f : vector<8xf32> into f32
// CHECK-NEXT:    func.return
// CHECK-NEXT:  }
func.func @reduction(%f: vector<8xf32>, %n: vector<8xi32>, %acc: f32) {
  %add = vector.reduction <add>, %f : vector<8xf32> into f32
  %mul = vector.reduction <mul>, %f, %acc : vector<8xf32> into f32
  %fast = vector.reduction <add>, %f, %acc fastmath<reassoc> : vector<8xf32> into f32
  %minui = vector.reduction <minui>, %n : vector<8xi32> into i32
  %minsi = vector.reduction <minsi>, %n : vector<8xi32> into i32
  %minnumf = vector.reduction <minnumf>, %f : vector<8xf32> into f32
  %maxui = vector.reduction <maxui>, %n : vector<8xi32> into i32
  %maxsi = vector.reduction <maxsi>, %n : vector<8xi32> into i32
  %maxnumf = vector.reduction <maxnumf>, %f : vector<8xf32> into f32
  %and = vector.reduction <and>, %n : vector<8xi32> into i32
  %or = vector.reduction <or>, %n : vector<8xi32> into i32
  %xor = vector.reduction <xor>, %n : vector<8xi32> into i32
  %maximumf = vector.reduction <maximumf>, %f : vector<8xf32> into f32
  %minimumf = vector.reduction <minimumf>, %f : vector<8xf32> into f32
  func.return
}

// -----

/// Check transfer_read and transfer_write (hand-written syntax): default (minor identity)
/// permutation map, an explicit map, in_bounds, a mask, and tensors.
// CHECK-LABEL: func.func @transfer(%m: memref<16x16xf32>, %t: tensor<16x16xf32>, %i: index, %pad: f32, %mask: vector<8xi1>) -> tensor<16x16xf32> {
// CHECK-NEXT:    %a = vector.transfer_read %m[%i, %i], %pad : memref<16x16xf32>, vector<8xf32>
// CHECK-NEXT:    %b = vector.transfer_read %m[%i, %i], %pad {in_bounds = [true]} : memref<16x16xf32>, vector<8xf32>
// CHECK-NEXT:    %c = vector.transfer_read %m[%i, %i], %pad {permutation_map = affine_map<(d0, d1) -> (d0)>} : memref<16x16xf32>, vector<8xf32>
// CHECK-NEXT:    %d = vector.transfer_read %m[%i, %i], %pad, %mask : memref<16x16xf32>, vector<8xf32>
// CHECK-NEXT:    %e = vector.transfer_read %t[%i, %i], %pad : tensor<16x16xf32>, vector<4x8xf32>
// CHECK-NEXT:    vector.transfer_write %a, %m[%i, %i] : vector<8xf32>, memref<16x16xf32>
// CHECK-NEXT:    vector.transfer_write %b, %m[%i, %i] {in_bounds = [true]} : vector<8xf32>, memref<16x16xf32>
// CHECK-NEXT:    vector.transfer_write %c, %m[%i, %i], %mask {permutation_map = affine_map<(d0, d1) -> (d0)>} : vector<8xf32>, memref<16x16xf32>
// CHECK-NEXT:    %r = vector.transfer_write %e, %t[%i, %i] : vector<4x8xf32>, tensor<16x16xf32>
// CHECK-NEXT:    func.return %r : tensor<16x16xf32>
// CHECK-NEXT:  }
func.func @transfer(%m: memref<16x16xf32>, %t: tensor<16x16xf32>, %i: index, %pad: f32, %mask: vector<8xi1>) -> tensor<16x16xf32> {
  %a = vector.transfer_read %m[%i, %i], %pad : memref<16x16xf32>, vector<8xf32>
  %b = vector.transfer_read %m[%i, %i], %pad {in_bounds = [true]} : memref<16x16xf32>, vector<8xf32>
  %c = vector.transfer_read %m[%i, %i], %pad {permutation_map = affine_map<(d0, d1) -> (d0)>} : memref<16x16xf32>, vector<8xf32>
  %d = vector.transfer_read %m[%i, %i], %pad, %mask : memref<16x16xf32>, vector<8xf32>
  %e = vector.transfer_read %t[%i, %i], %pad : tensor<16x16xf32>, vector<4x8xf32>
  vector.transfer_write %a, %m[%i, %i] : vector<8xf32>, memref<16x16xf32>
  vector.transfer_write %b, %m[%i, %i] {in_bounds = [true]} : vector<8xf32>, memref<16x16xf32>
  vector.transfer_write %c, %m[%i, %i], %mask {permutation_map = affine_map<(d0, d1) -> (d0)>} : vector<8xf32>, memref<16x16xf32>
  %r = vector.transfer_write %e, %t[%i, %i] : vector<4x8xf32>, tensor<16x16xf32>
  func.return %r : tensor<16x16xf32>
}

// -----

/// Check vector.print (generic form).
// CHECK-LABEL: func.func @print(%v: vector<4xf32>, %x: i32) {
// CHECK-NEXT:    "vector.print"(%v) : (vector<4xf32>) -> ()
// CHECK-NEXT:    "vector.print"(%x) : (i32) -> ()
// CHECK-NEXT:    func.return
// CHECK-NEXT:  }
func.func @print(%v: vector<4xf32>, %x: i32) {
  "vector.print"(%v) : (vector<4xf32>) -> ()
  "vector.print"(%x) : (i32) -> ()
  func.return
}
