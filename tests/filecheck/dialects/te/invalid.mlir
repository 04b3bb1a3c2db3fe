// RUN: dl-opt %s --verify-diagnostics --split-input-file

/// One case per verifier message of the te dialect: kernels and stages first, then
/// schedules (each schedule error is reported at the primitive that causes it).

// expected-error @+1 {{entry block argument types (tensor<4xf32>) do not match the signature inputs (tensor<8xf32>)}}
"te.kernel"() <{sym_name = "k", function_type = (tensor<8xf32>) -> ()}> ({
^bb0(%A: tensor<4xf32>):
  "te.return"() : () -> ()
}) : () -> ()

// -----

// expected-error @+1 {{argument #0 has type f32; kernel arguments must be statically shaped tensors}}
te.kernel @k(%A: f32) -> tensor<4xf32> {
  %B = te.compute "B" (%i: 4) {
    te.yield %A : f32
  } : tensor<4xf32>
  te.return %B : tensor<4xf32>
}

// -----

// expected-error @+1 {{result #0 has type tensor<?xf32>; kernel results must be statically shaped tensors}}
te.kernel @k(%A: tensor<4xf32>) -> tensor<?xf32> {
  te.return %A : tensor<4xf32>
}

// -----

// expected-error @+1 {{duplicate stage name 'B' (ops #0 and #1)}}
te.kernel @k(%A: tensor<4xf32>) -> tensor<4xf32> {
  %B = te.compute "B" (%i: 4) {
    %a = te.read %A[%i] : tensor<4xf32> -> f32
    te.yield %a : f32
  } : tensor<4xf32>
  %C = te.compute "B" (%i: 4) {
    %b = te.read %B[%i] : tensor<4xf32> -> f32
    te.yield %b : f32
  } : tensor<4xf32>
  te.return %C : tensor<4xf32>
}

// -----

// expected-error @+1 {{a kernel body holds only te.compute stages and te.return, found arith.constant (index arithmetic belongs inside a te.compute body)}}
te.kernel @k(%A: tensor<4xf32>) -> tensor<4xf32> {
  %c1 = arith.constant 1 : index
  te.return %A : tensor<4xf32>
}

// -----

// expected-error @+1 {{axis 'A' of stage 'B' has the name of kernel argument %A; rename one of them}}
te.kernel @k(%A: tensor<4xf32>) -> tensor<4xf32> {
  %B = "te.compute"() <{stage = "B", spatial_axes = ["A"], reduce_axes = [], reduce_extents = array<i64>}> ({
  ^bb0(%a: index):
    %zero = arith.constant 0.000000e+00 : f32
    "te.yield"(%zero) : (f32) -> ()
  }) : () -> tensor<4xf32>
  te.return %B : tensor<4xf32>
}

// -----

te.kernel @k(%A: tensor<4xf32>) -> tensor<4xvector<4xf32>> {
  // expected-error @+1 {{result element type vector<4xf32> is not a scalar (integer, index or float)}}
  %B = te.compute "B" (%i: 4) {
    %v = arith.constant dense<0.000000e+00> : vector<4xf32>
    te.yield %v : vector<4xf32>
  } : tensor<4xvector<4xf32>>
  te.return %B : tensor<4xvector<4xf32>>
}

// -----

te.kernel @k(%A: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{2 spatial axes for a rank-1 result tensor<4xf32>; expected one axis per dimension}}
  %B = "te.compute"() <{stage = "B", spatial_axes = ["i", "j"], reduce_axes = [], reduce_extents = array<i64>}> ({
  ^bb0(%i: index, %j: index):
    %zero = arith.constant 0.000000e+00 : f32
    "te.yield"(%zero) : (f32) -> ()
  }) : () -> tensor<4xf32>
  te.return %B : tensor<4xf32>
}

// -----

te.kernel @k(%A: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{1 reduction axes but 2 extents}}
  %B = "te.compute"() <{stage = "B", spatial_axes = ["i"], reduce_axes = ["k"], reduce_extents = array<i64: 4, 4>, combiner = "add", init = 0.000000e+00 : f32}> ({
  ^bb0(%i: index, %k: index):
    %zero = arith.constant 0.000000e+00 : f32
    "te.yield"(%zero) : (f32) -> ()
  }) : () -> tensor<4xf32>
  te.return %B : tensor<4xf32>
}

// -----

te.kernel @k(%A: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{axis name 'i_1' is not a valid index name}}
  %B = te.compute "B" (%i_1: 4) {
    %zero = arith.constant 0.000000e+00 : f32
    te.yield %zero : f32
  } : tensor<4xf32>
  te.return %B : tensor<4xf32>
}

// -----

te.kernel @k(%A: tensor<4x4xf32>) -> tensor<4x4xf32> {
  // expected-error @+1 {{duplicate axis name 'i'}}
  %B = "te.compute"() <{stage = "B", spatial_axes = ["i", "i"], reduce_axes = [], reduce_extents = array<i64>}> ({
  ^bb0(%i: index, %j: index):
    %zero = arith.constant 0.000000e+00 : f32
    "te.yield"(%zero) : (f32) -> ()
  }) : () -> tensor<4x4xf32>
  te.return %B : tensor<4x4xf32>
}

// -----

te.kernel @k(%A: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{axis 'k' has extent 0; extents must be > 0}}
  %B = te.compute "B" (%i: 4) reduce (%k: 0) combiner add init 0.000000e+00 : f32 {
    %a = te.read %A[%k] : tensor<4xf32> -> f32
    te.yield %a : f32
  } : tensor<4xf32>
  te.return %B : tensor<4xf32>
}

// -----

te.kernel @k(%A: tensor<4x4xf32>) -> tensor<4x4xf32> {
  // expected-error @+1 {{expected 2 index block arguments (i, j), found 1}}
  %B = "te.compute"() <{stage = "B", spatial_axes = ["i", "j"], reduce_axes = [], reduce_extents = array<i64>}> ({
  ^bb0(%i: index):
    %zero = arith.constant 0.000000e+00 : f32
    "te.yield"(%zero) : (f32) -> ()
  }) : () -> tensor<4x4xf32>
  te.return %B : tensor<4x4xf32>
}

// -----

te.kernel @k(%A: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{block argument for axis 'i' has type i32, expected index}}
  %B = "te.compute"() <{stage = "B", spatial_axes = ["i"], reduce_axes = [], reduce_extents = array<i64>}> ({
  ^bb0(%i: i32):
    %zero = arith.constant 0.000000e+00 : f32
    "te.yield"(%zero) : (f32) -> ()
  }) : () -> tensor<4xf32>
  te.return %B : tensor<4xf32>
}

// -----

te.kernel @k(%A: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{block argument for axis 'i' is named %x; index values carry their axis names}}
  %B = "te.compute"() <{stage = "B", spatial_axes = ["i"], reduce_axes = [], reduce_extents = array<i64>}> ({
  ^bb0(%x: index):
    %zero = arith.constant 0.000000e+00 : f32
    "te.yield"(%zero) : (f32) -> ()
  }) : () -> tensor<4xf32>
  te.return %B : tensor<4xf32>
}

// -----

te.kernel @k(%A: tensor<4x4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{reduction axes (k) need a combiner and an init value}}
  %B = "te.compute"() <{stage = "B", spatial_axes = ["i"], reduce_axes = ["k"], reduce_extents = array<i64: 4>}> ({
  ^bb0(%i: index, %k: index):
    %a = te.read %A[%i, %k] : tensor<4x4xf32> -> f32
    "te.yield"(%a) : (f32) -> ()
  }) : () -> tensor<4xf32>
  te.return %B : tensor<4xf32>
}

// -----

te.kernel @k(%A: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{a combiner and init value are allowed only with reduction axes}}
  %B = "te.compute"() <{stage = "B", spatial_axes = ["i"], reduce_axes = [], reduce_extents = array<i64>, combiner = "add", init = 0.000000e+00 : f32}> ({
  ^bb0(%i: index):
    %a = te.read %A[%i] : tensor<4xf32> -> f32
    "te.yield"(%a) : (f32) -> ()
  }) : () -> tensor<4xf32>
  te.return %B : tensor<4xf32>
}

// -----

te.kernel @k(%A: tensor<4x4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{unknown combiner 'sum'; expected one of add, mul, max, min}}
  %B = te.compute "B" (%i: 4) reduce (%k: 4) combiner sum init 0.000000e+00 : f32 {
    %a = te.read %A[%i, %k] : tensor<4x4xf32> -> f32
    te.yield %a : f32
  } : tensor<4xf32>
  te.return %B : tensor<4xf32>
}

// -----

te.kernel @k(%A: tensor<4x4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{init value has type f64, expected the element type f32}}
  %B = te.compute "B" (%i: 4) reduce (%k: 4) combiner add init 0.000000e+00 : f64 {
    %a = te.read %A[%i, %k] : tensor<4x4xf32> -> f32
    te.yield %a : f32
  } : tensor<4xf32>
  te.return %B : tensor<4xf32>
}

// -----

te.kernel @k(%A: tensor<4xf32>) -> tensor<4xf64> {
  // expected-error @+1 {{yielded type f32 does not match the result element type f64}}
  %B = te.compute "B" (%i: 4) {
    %a = te.read %A[%i] : tensor<4xf32> -> f32
    te.yield %a : f32
  } : tensor<4xf64>
  te.return %B : tensor<4xf64>
}

// -----

te.kernel @k(%A: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{memref.alloca has side effects; a stage body must be side-effect free}}
  %B = te.compute "B" (%i: 4) {
    %m = memref.alloca() : memref<f32>
    %a = te.read %A[%i] : tensor<4xf32> -> f32
    te.yield %a : f32
  } : tensor<4xf32>
  te.return %B : tensor<4xf32>
}

// -----

te.kernel @k(%A: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{arith.addf uses a value defined outside the stage; read kernel tensors with te.read}}
  %B = te.compute "B" (%i: 4) {
    %s = arith.addf %A, %A : tensor<4xf32>
    %a = te.read %s[%i] : tensor<4xf32> -> f32
    te.yield %a : f32
  } : tensor<4xf32>
  te.return %B : tensor<4xf32>
}

// -----

te.kernel @k(%A: tensor<4x4xf32>) -> tensor<4xf32> {
  %B = te.compute "B" (%i: 4) {
    // expected-error @+1 {{expected 2 indices for tensor<4x4xf32>, found 1}}
    %a = te.read %A[%i] : tensor<4x4xf32> -> f32
    te.yield %a : f32
  } : tensor<4xf32>
  te.return %B : tensor<4xf32>
}

// -----

te.kernel @k(%A: tensor<4xf32>) -> tensor<4xf32> {
  %B = te.compute "B" (%i: 4) {
    // expected-error @+1 {{result type f64 does not match the element type f32}}
    %a = te.read %A[%i] : tensor<4xf32> -> f64
    %t = arith.truncf %a : f64 to f32
    te.yield %t : f32
  } : tensor<4xf32>
  te.return %B : tensor<4xf32>
}

// -----

te.kernel @k(%A: tensor<4xf32>) -> tensor<4xf32> {
  %B = te.compute "B" (%i: 4) {
    // expected-error @+1 {{stage 'B' reads stage 'C', which comes after it; a stage may read only kernel arguments and earlier stages}}
    %c = te.read %C[%i] : tensor<4xf32> -> f32
    te.yield %c : f32
  } : tensor<4xf32>
  %C = te.compute "C" (%i: 4) {
    %a = te.read %A[%i] : tensor<4xf32> -> f32
    te.yield %a : f32
  } : tensor<4xf32>
  te.return %B : tensor<4xf32>
}

// -----

te.kernel @k(%A: tensor<4xf32>) -> tensor<4xf32> {
  %B = te.compute "B" (%i: 4) {
    %t = arith.constant dense<1.000000e+00> : tensor<4xf32>
    // expected-error @+1 {{reads a value that is neither a kernel argument nor an earlier stage's result}}
    %a = te.read %t[%i] : tensor<4xf32> -> f32
    te.yield %a : f32
  } : tensor<4xf32>
  te.return %B : tensor<4xf32>
}

// -----

te.kernel @k(%A: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{the body must end with te.yield}}
  %B = te.compute "B" (%i: 4) {
    %zero = arith.constant 0.000000e+00 : f32
  } : tensor<4xf32>
  te.return %B : tensor<4xf32>
}

// -----

te.kernel @k(%A: tensor<4xf32>) -> tensor<4xf32> {
  %B = te.compute "B" (%i: 4) {
    // expected-error @+1 {{stage 'B' reads its own result}}
    %b = te.read %B[%i] : tensor<4xf32> -> f32
    te.yield %b : f32
  } : tensor<4xf32>
  te.return %B : tensor<4xf32>
}

// -----

func.func @f(%A: tensor<4xf32>, %i: index) -> f32 {
  // expected-error @+1 {{te.read must be inside a te.compute}}
  %a = te.read %A[%i] : tensor<4xf32> -> f32
  func.return %a : f32
}

// -----

te.kernel @k(%A: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{returns (tensor<4xf32>, tensor<4xf32>), but the kernel signature says (tensor<4xf32>)}}
  te.return %A, %A : tensor<4xf32>, tensor<4xf32>
}

// -----

te.kernel @k(%A: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{spatial extents [8] do not match the result shape [4]}}
  %B = te.compute "B" (%i: 8) {
    %a = te.read %A[%i] : tensor<4xf32> -> f32
    te.yield %a : f32
  } : tensor<4xf32>
  te.return %B : tensor<4xf32>
}

// -----

/// Schedules: each chunk schedules the same kernel (P feeds the matmul C).
te.kernel @k(%A: tensor<8x8xf32>, %B: tensor<8x8xf32>) -> tensor<8x8xf32> {
  %P = te.compute "P" (%i: 8, %j: 8) {
    %a = te.read %A[%i, %j] : tensor<8x8xf32> -> f32
    te.yield %a : f32
  } : tensor<8x8xf32>
  %C = te.compute "C" (%i: 8, %j: 8) reduce (%k: 8) combiner add init 0.000000e+00 : f32 {
    %p = te.read %P[%i, %k] : tensor<8x8xf32> -> f32
    %b = te.read %B[%k, %j] : tensor<8x8xf32> -> f32
    %m = arith.mulf %p, %b : f32
    te.yield %m : f32
  } : tensor<8x8xf32>
  te.return %C : tensor<8x8xf32>
}
te.schedule @k {
  // expected-error @+1 {{no stage named 'Q'; stages are P, C}}
  te.split "Q" "i" by 2 -> "io", "ii"
}

// -----

te.kernel @k(%A: tensor<8x8xf32>, %B: tensor<8x8xf32>) -> tensor<8x8xf32> {
  %P = te.compute "P" (%i: 8, %j: 8) {
    %a = te.read %A[%i, %j] : tensor<8x8xf32> -> f32
    te.yield %a : f32
  } : tensor<8x8xf32>
  %C = te.compute "C" (%i: 8, %j: 8) reduce (%k: 8) combiner add init 0.000000e+00 : f32 {
    %p = te.read %P[%i, %k] : tensor<8x8xf32> -> f32
    %b = te.read %B[%k, %j] : tensor<8x8xf32> -> f32
    %m = arith.mulf %p, %b : f32
    te.yield %m : f32
  } : tensor<8x8xf32>
  te.return %C : tensor<8x8xf32>
}
te.schedule @k {
  // expected-error @+1 {{'A' is a kernel argument, not a stage; stages are P, C}}
  te.compute_root "A"
}

// -----

te.kernel @k(%A: tensor<8x8xf32>, %B: tensor<8x8xf32>) -> tensor<8x8xf32> {
  %P = te.compute "P" (%i: 8, %j: 8) {
    %a = te.read %A[%i, %j] : tensor<8x8xf32> -> f32
    te.yield %a : f32
  } : tensor<8x8xf32>
  %C = te.compute "C" (%i: 8, %j: 8) reduce (%k: 8) combiner add init 0.000000e+00 : f32 {
    %p = te.read %P[%i, %k] : tensor<8x8xf32> -> f32
    %b = te.read %B[%k, %j] : tensor<8x8xf32> -> f32
    %m = arith.mulf %p, %b : f32
    te.yield %m : f32
  } : tensor<8x8xf32>
  te.return %C : tensor<8x8xf32>
}
te.schedule @k {
  // expected-error @+1 {{stage 'C' has no axis 'q'; axes are i, j, k}}
  te.split "C" "q" by 2 -> "qo", "qi"
}

// -----

te.kernel @k(%A: tensor<8x8xf32>, %B: tensor<8x8xf32>) -> tensor<8x8xf32> {
  %P = te.compute "P" (%i: 8, %j: 8) {
    %a = te.read %A[%i, %j] : tensor<8x8xf32> -> f32
    te.yield %a : f32
  } : tensor<8x8xf32>
  %C = te.compute "C" (%i: 8, %j: 8) reduce (%k: 8) combiner add init 0.000000e+00 : f32 {
    %p = te.read %P[%i, %k] : tensor<8x8xf32> -> f32
    %b = te.read %B[%k, %j] : tensor<8x8xf32> -> f32
    %m = arith.mulf %p, %b : f32
    te.yield %m : f32
  } : tensor<8x8xf32>
  te.return %C : tensor<8x8xf32>
}
te.schedule @k {
  // expected-error @+1 {{split factor must be positive, found 0}}
  te.split "C" "i" by 0 -> "io", "ii"
}

// -----

te.kernel @k(%A: tensor<8x8xf32>, %B: tensor<8x8xf32>) -> tensor<8x8xf32> {
  %P = te.compute "P" (%i: 8, %j: 8) {
    %a = te.read %A[%i, %j] : tensor<8x8xf32> -> f32
    te.yield %a : f32
  } : tensor<8x8xf32>
  %C = te.compute "C" (%i: 8, %j: 8) reduce (%k: 8) combiner add init 0.000000e+00 : f32 {
    %p = te.read %P[%i, %k] : tensor<8x8xf32> -> f32
    %b = te.read %B[%k, %j] : tensor<8x8xf32> -> f32
    %m = arith.mulf %p, %b : f32
    te.yield %m : f32
  } : tensor<8x8xf32>
  te.return %C : tensor<8x8xf32>
}
te.schedule @k {
  // expected-error @+1 {{new axis name 'io' is given twice}}
  te.split "C" "i" by 2 -> "io", "io"
}

// -----

te.kernel @k(%A: tensor<8x8xf32>, %B: tensor<8x8xf32>) -> tensor<8x8xf32> {
  %P = te.compute "P" (%i: 8, %j: 8) {
    %a = te.read %A[%i, %j] : tensor<8x8xf32> -> f32
    te.yield %a : f32
  } : tensor<8x8xf32>
  %C = te.compute "C" (%i: 8, %j: 8) reduce (%k: 8) combiner add init 0.000000e+00 : f32 {
    %p = te.read %P[%i, %k] : tensor<8x8xf32> -> f32
    %b = te.read %B[%k, %j] : tensor<8x8xf32> -> f32
    %m = arith.mulf %p, %b : f32
    te.yield %m : f32
  } : tensor<8x8xf32>
  te.return %C : tensor<8x8xf32>
}
te.schedule @k {
  // expected-error @+1 {{new axis name 'j' is already an axis of stage 'C' (axes are i, j, k)}}
  te.split "C" "i" by 2 -> "j", "ii"
}

// -----

te.kernel @k(%A: tensor<8x8xf32>, %B: tensor<8x8xf32>) -> tensor<8x8xf32> {
  %P = te.compute "P" (%i: 8, %j: 8) {
    %a = te.read %A[%i, %j] : tensor<8x8xf32> -> f32
    te.yield %a : f32
  } : tensor<8x8xf32>
  %C = te.compute "C" (%i: 8, %j: 8) reduce (%k: 8) combiner add init 0.000000e+00 : f32 {
    %p = te.read %P[%i, %k] : tensor<8x8xf32> -> f32
    %b = te.read %B[%k, %j] : tensor<8x8xf32> -> f32
    %m = arith.mulf %p, %b : f32
    te.yield %m : f32
  } : tensor<8x8xf32>
  te.return %C : tensor<8x8xf32>
}
te.schedule @k {
  // expected-error @+1 {{a new axis name must not be empty}}
  te.split "C" "i" by 2 -> "", "ii"
}

// -----

te.kernel @k(%A: tensor<8x8xf32>, %B: tensor<8x8xf32>) -> tensor<8x8xf32> {
  %P = te.compute "P" (%i: 8, %j: 8) {
    %a = te.read %A[%i, %j] : tensor<8x8xf32> -> f32
    te.yield %a : f32
  } : tensor<8x8xf32>
  %C = te.compute "C" (%i: 8, %j: 8) reduce (%k: 8) combiner add init 0.000000e+00 : f32 {
    %p = te.read %P[%i, %k] : tensor<8x8xf32> -> f32
    %b = te.read %B[%k, %j] : tensor<8x8xf32> -> f32
    %m = arith.mulf %p, %b : f32
    te.yield %m : f32
  } : tensor<8x8xf32>
  te.return %C : tensor<8x8xf32>
}
te.schedule @k {
  // expected-error @+1 {{tile needs two different axes, found 'i' twice}}
  te.tile "C" ("i", "i") by (2, 2) -> ("io", "jo", "ii", "ji")
}

// -----

te.kernel @k(%A: tensor<8x8xf32>, %B: tensor<8x8xf32>) -> tensor<8x8xf32> {
  %P = te.compute "P" (%i: 8, %j: 8) {
    %a = te.read %A[%i, %j] : tensor<8x8xf32> -> f32
    te.yield %a : f32
  } : tensor<8x8xf32>
  %C = te.compute "C" (%i: 8, %j: 8) reduce (%k: 8) combiner add init 0.000000e+00 : f32 {
    %p = te.read %P[%i, %k] : tensor<8x8xf32> -> f32
    %b = te.read %B[%k, %j] : tensor<8x8xf32> -> f32
    %m = arith.mulf %p, %b : f32
    te.yield %m : f32
  } : tensor<8x8xf32>
  te.return %C : tensor<8x8xf32>
}
te.schedule @k {
  // expected-error @+1 {{axis 'k' appears twice in the new order}}
  te.reorder "C" ["k", "i", "k"]
}

// -----

te.kernel @k(%A: tensor<8x8xf32>, %B: tensor<8x8xf32>) -> tensor<8x8xf32> {
  %P = te.compute "P" (%i: 8, %j: 8) {
    %a = te.read %A[%i, %j] : tensor<8x8xf32> -> f32
    te.yield %a : f32
  } : tensor<8x8xf32>
  %C = te.compute "C" (%i: 8, %j: 8) reduce (%k: 8) combiner add init 0.000000e+00 : f32 {
    %p = te.read %P[%i, %k] : tensor<8x8xf32> -> f32
    %b = te.read %B[%k, %j] : tensor<8x8xf32> -> f32
    %m = arith.mulf %p, %b : f32
    te.yield %m : f32
  } : tensor<8x8xf32>
  te.return %C : tensor<8x8xf32>
}
te.schedule @k {
  // expected-error @+1 {{cannot fuse 'i' and 'k' of stage 'C': 'k' is not the axis directly inside 'i' (axes are i, j, k); reorder them first}}
  te.fuse "C" ("i", "k") -> "ik"
}

// -----

te.kernel @k(%A: tensor<8x8xf32>, %B: tensor<8x8xf32>) -> tensor<8x8xf32> {
  %P = te.compute "P" (%i: 8, %j: 8) {
    %a = te.read %A[%i, %j] : tensor<8x8xf32> -> f32
    te.yield %a : f32
  } : tensor<8x8xf32>
  %C = te.compute "C" (%i: 8, %j: 8) reduce (%k: 8) combiner add init 0.000000e+00 : f32 {
    %p = te.read %P[%i, %k] : tensor<8x8xf32> -> f32
    %b = te.read %B[%k, %j] : tensor<8x8xf32> -> f32
    %m = arith.mulf %p, %b : f32
    te.yield %m : f32
  } : tensor<8x8xf32>
  te.return %C : tensor<8x8xf32>
}
te.schedule @k {
  // expected-error @+1 {{cannot fuse spatial axis 'j' with reduction axis 'k'}}
  te.fuse "C" ("j", "k") -> "jk"
}

// -----

te.kernel @k(%A: tensor<8x8xf32>, %B: tensor<8x8xf32>) -> tensor<8x8xf32> {
  %P = te.compute "P" (%i: 8, %j: 8) {
    %a = te.read %A[%i, %j] : tensor<8x8xf32> -> f32
    te.yield %a : f32
  } : tensor<8x8xf32>
  %C = te.compute "C" (%i: 8, %j: 8) reduce (%k: 8) combiner add init 0.000000e+00 : f32 {
    %p = te.read %P[%i, %k] : tensor<8x8xf32> -> f32
    %b = te.read %B[%k, %j] : tensor<8x8xf32> -> f32
    %m = arith.mulf %p, %b : f32
    te.yield %m : f32
  } : tensor<8x8xf32>
  te.return %C : tensor<8x8xf32>
}
te.schedule @k {
  // expected-error @+1 {{cannot parallelize reduction axis 'k' of stage 'C': its iterations would race on the accumulator; parallelize a spatial axis (i, j) or rfactor 'k' first}}
  te.parallel "C" "k"
}

// -----

te.kernel @k(%A: tensor<8x8xf32>, %B: tensor<8x8xf32>) -> tensor<8x8xf32> {
  %P = te.compute "P" (%i: 8, %j: 8) {
    %a = te.read %A[%i, %j] : tensor<8x8xf32> -> f32
    te.yield %a : f32
  } : tensor<8x8xf32>
  %C = te.compute "C" (%i: 8, %j: 8) reduce (%k: 8) combiner add init 0.000000e+00 : f32 {
    %p = te.read %P[%i, %k] : tensor<8x8xf32> -> f32
    %b = te.read %B[%k, %j] : tensor<8x8xf32> -> f32
    %m = arith.mulf %p, %b : f32
    te.yield %m : f32
  } : tensor<8x8xf32>
  te.return %C : tensor<8x8xf32>
}
te.schedule @k {
  // expected-error @+1 {{cannot vectorize reduction axis 'k' of stage 'C': its lanes would update the same accumulator; vectorize a spatial axis (i, j) or rfactor 'k' first}}
  te.vectorize "C" "k"
}

// -----

te.kernel @k(%A: tensor<8x8xf32>, %B: tensor<8x8xf32>) -> tensor<8x8xf32> {
  %P = te.compute "P" (%i: 8, %j: 8) {
    %a = te.read %A[%i, %j] : tensor<8x8xf32> -> f32
    te.yield %a : f32
  } : tensor<8x8xf32>
  %C = te.compute "C" (%i: 8, %j: 8) reduce (%k: 8) combiner add init 0.000000e+00 : f32 {
    %p = te.read %P[%i, %k] : tensor<8x8xf32> -> f32
    %b = te.read %B[%k, %j] : tensor<8x8xf32> -> f32
    %m = arith.mulf %p, %b : f32
    te.yield %m : f32
  } : tensor<8x8xf32>
  te.return %C : tensor<8x8xf32>
}
te.schedule @k {
  te.vectorize "C" "j"
  // expected-error @+1 {{axis 'j' of stage 'C' is already vectorized}}
  te.unroll "C" "j"
}

// -----

te.kernel @k(%A: tensor<8x8xf32>, %B: tensor<8x8xf32>) -> tensor<8x8xf32> {
  %P = te.compute "P" (%i: 8, %j: 8) {
    %a = te.read %A[%i, %j] : tensor<8x8xf32> -> f32
    te.yield %a : f32
  } : tensor<8x8xf32>
  %C = te.compute "C" (%i: 8, %j: 8) reduce (%k: 8) combiner add init 0.000000e+00 : f32 {
    %p = te.read %P[%i, %k] : tensor<8x8xf32> -> f32
    %b = te.read %B[%k, %j] : tensor<8x8xf32> -> f32
    %m = arith.mulf %p, %b : f32
    te.yield %m : f32
  } : tensor<8x8xf32>
  te.return %C : tensor<8x8xf32>
}
te.schedule @k {
  // expected-error @+1 {{unroll factor must be positive, found 0}}
  te.unroll "C" "k" by 0
}

// -----

te.kernel @k(%A: tensor<8x8xf32>, %B: tensor<8x8xf32>) -> tensor<8x8xf32> {
  %P = te.compute "P" (%i: 8, %j: 8) {
    %a = te.read %A[%i, %j] : tensor<8x8xf32> -> f32
    te.yield %a : f32
  } : tensor<8x8xf32>
  %C = te.compute "C" (%i: 8, %j: 8) reduce (%k: 8) combiner add init 0.000000e+00 : f32 {
    %p = te.read %P[%i, %k] : tensor<8x8xf32> -> f32
    %b = te.read %B[%k, %j] : tensor<8x8xf32> -> f32
    %m = arith.mulf %p, %b : f32
    te.yield %m : f32
  } : tensor<8x8xf32>
  te.return %C : tensor<8x8xf32>
}
te.schedule @k {
  te.parallel "C" "i"
  // expected-error @+1 {{cannot split axis 'i' of stage 'C': it is already parallelized; split before annotating}}
  te.split "C" "i" by 2 -> "io", "ii"
}

// -----

te.kernel @k(%A: tensor<8x8xf32>, %B: tensor<8x8xf32>) -> tensor<8x8xf32> {
  %P = te.compute "P" (%i: 8, %j: 8) {
    %a = te.read %A[%i, %j] : tensor<8x8xf32> -> f32
    te.yield %a : f32
  } : tensor<8x8xf32>
  %C = te.compute "C" (%i: 8, %j: 8) reduce (%k: 8) combiner add init 0.000000e+00 : f32 {
    %p = te.read %P[%i, %k] : tensor<8x8xf32> -> f32
    %b = te.read %B[%k, %j] : tensor<8x8xf32> -> f32
    %m = arith.mulf %p, %b : f32
    te.yield %m : f32
  } : tensor<8x8xf32>
  te.return %C : tensor<8x8xf32>
}
te.schedule @k {
  te.compute_at "P" at "C" "j"
  // expected-error @+1 {{cannot fuse axis 'j' of stage 'C': stage 'P' is computed at it}}
  te.fuse "C" ("i", "j") -> "ij"
}

// -----

te.kernel @k(%A: tensor<8x8xf32>, %B: tensor<8x8xf32>) -> tensor<8x8xf32> {
  %P = te.compute "P" (%i: 8, %j: 8) {
    %a = te.read %A[%i, %j] : tensor<8x8xf32> -> f32
    te.yield %a : f32
  } : tensor<8x8xf32>
  %C = te.compute "C" (%i: 8, %j: 8) reduce (%k: 8) combiner add init 0.000000e+00 : f32 {
    %p = te.read %P[%i, %k] : tensor<8x8xf32> -> f32
    %b = te.read %B[%k, %j] : tensor<8x8xf32> -> f32
    %m = arith.mulf %p, %b : f32
    te.yield %m : f32
  } : tensor<8x8xf32>
  te.return %C : tensor<8x8xf32>
}
te.schedule @k {
  // expected-error @+1 {{cannot compute 'C' at 'P': 'C' has no consumers (a kernel result)}}
  te.compute_at "C" at "P" "i"
}

// -----

te.kernel @k(%A: tensor<8x8xf32>, %B: tensor<8x8xf32>) -> tensor<8x8xf32> {
  %P = te.compute "P" (%i: 8, %j: 8) {
    %a = te.read %A[%i, %j] : tensor<8x8xf32> -> f32
    te.yield %a : f32
  } : tensor<8x8xf32>
  %C = te.compute "C" (%i: 8, %j: 8) reduce (%k: 8) combiner add init 0.000000e+00 : f32 {
    %p = te.read %P[%i, %k] : tensor<8x8xf32> -> f32
    %b = te.read %B[%k, %j] : tensor<8x8xf32> -> f32
    %m = arith.mulf %p, %b : f32
    te.yield %m : f32
  } : tensor<8x8xf32>
  te.return %C : tensor<8x8xf32>
}
te.schedule @k {
  te.cache_read "A" "local" for ["P"] -> "A_local"
  // expected-error @+1 {{cannot compute 'A_local' at 'C': 'C' does not read 'A_local'; legal levels are root, P.i, P.j}}
  te.compute_at "A_local" at "C" "i"
}

// -----

te.kernel @k(%A: tensor<8x8xf32>, %B: tensor<8x8xf32>) -> tensor<8x8xf32> {
  %P = te.compute "P" (%i: 8, %j: 8) {
    %a = te.read %A[%i, %j] : tensor<8x8xf32> -> f32
    te.yield %a : f32
  } : tensor<8x8xf32>
  %C = te.compute "C" (%i: 8, %j: 8) reduce (%k: 8) combiner add init 0.000000e+00 : f32 {
    %p = te.read %P[%i, %k] : tensor<8x8xf32> -> f32
    %b = te.read %B[%k, %j] : tensor<8x8xf32> -> f32
    %m = arith.mulf %p, %b : f32
    te.yield %m : f32
  } : tensor<8x8xf32>
  te.return %C : tensor<8x8xf32>
}
te.schedule @k {
  // expected-error @+1 {{stage 'C' has no axis 'q'; legal levels for 'P' are root, C.i, C.j, C.k}}
  te.compute_at "P" at "C" "q"
}

// -----

te.kernel @k(%A: tensor<8x8xf32>, %B: tensor<8x8xf32>) -> tensor<8x8xf32> {
  %P = te.compute "P" (%i: 8, %j: 8) {
    %a = te.read %A[%i, %j] : tensor<8x8xf32> -> f32
    te.yield %a : f32
  } : tensor<8x8xf32>
  %C = te.compute "C" (%i: 8, %j: 8) reduce (%k: 8) combiner add init 0.000000e+00 : f32 {
    %p = te.read %P[%i, %k] : tensor<8x8xf32> -> f32
    %b = te.read %B[%k, %j] : tensor<8x8xf32> -> f32
    %m = arith.mulf %p, %b : f32
    te.yield %m : f32
  } : tensor<8x8xf32>
  te.return %C : tensor<8x8xf32>
}
te.schedule @k {
  te.compute_at "P" at "C" "i"
  // expected-error @+1 {{'P' would be stored at C.j, inside where it is computed (C.i); store at or outside the compute level}}
  te.store_at "P" at "C" "j"
}

// -----

te.kernel @k(%A: tensor<8x8xf32>, %B: tensor<8x8xf32>) -> tensor<8x8xf32> {
  %P = te.compute "P" (%i: 8, %j: 8) {
    %a = te.read %A[%i, %j] : tensor<8x8xf32> -> f32
    te.yield %a : f32
  } : tensor<8x8xf32>
  %C = te.compute "C" (%i: 8, %j: 8) reduce (%k: 8) combiner add init 0.000000e+00 : f32 {
    %p = te.read %P[%i, %k] : tensor<8x8xf32> -> f32
    %b = te.read %B[%k, %j] : tensor<8x8xf32> -> f32
    %m = arith.mulf %p, %b : f32
    te.yield %m : f32
  } : tensor<8x8xf32>
  te.return %C : tensor<8x8xf32>
}
te.schedule @k {
  // expected-error @+1 {{cannot inline 'C': it reduces over k; only stages without reduction axes can be inlined}}
  te.compute_inline "C"
}

// -----

te.kernel @k(%A: tensor<8x8xf32>, %B: tensor<8x8xf32>) -> tensor<8x8xf32> {
  %P = te.compute "P" (%i: 8, %j: 8) {
    %a = te.read %A[%i, %j] : tensor<8x8xf32> -> f32
    te.yield %a : f32
  } : tensor<8x8xf32>
  %C = te.compute "C" (%i: 8, %j: 8) reduce (%k: 8) combiner add init 0.000000e+00 : f32 {
    %p = te.read %P[%i, %k] : tensor<8x8xf32> -> f32
    %b = te.read %B[%k, %j] : tensor<8x8xf32> -> f32
    %m = arith.mulf %p, %b : f32
    te.yield %m : f32
  } : tensor<8x8xf32>
  te.return %C : tensor<8x8xf32>
}
te.schedule @k {
  te.cache_read "P" "local" for ["C"] -> "P_local"
  te.compute_at "P" at "P_local" "ax0"
  // expected-error @+1 {{cannot inline 'P_local': stage 'P' is computed at it (ax0)}}
  te.compute_inline "P_local"
}

// -----

te.kernel @k(%A: tensor<8x8xf32>, %B: tensor<8x8xf32>) -> tensor<8x8xf32> {
  %P = te.compute "P" (%i: 8, %j: 8) {
    %a = te.read %A[%i, %j] : tensor<8x8xf32> -> f32
    te.yield %a : f32
  } : tensor<8x8xf32>
  %C = te.compute "C" (%i: 8, %j: 8) reduce (%k: 8) combiner add init 0.000000e+00 : f32 {
    %p = te.read %P[%i, %k] : tensor<8x8xf32> -> f32
    %b = te.read %B[%k, %j] : tensor<8x8xf32> -> f32
    %m = arith.mulf %p, %b : f32
    te.yield %m : f32
  } : tensor<8x8xf32>
  te.return %C : tensor<8x8xf32>
}
te.schedule @k {
  te.compute_inline "P"
  // expected-error @+1 {{stage 'P' is inlined; it has no loops to schedule}}
  te.split "P" "i" by 2 -> "io", "ii"
}

// -----

te.kernel @k(%A: tensor<8x8xf32>, %B: tensor<8x8xf32>) -> tensor<8x8xf32> {
  %P = te.compute "P" (%i: 8, %j: 8) {
    %a = te.read %A[%i, %j] : tensor<8x8xf32> -> f32
    te.yield %a : f32
  } : tensor<8x8xf32>
  %C = te.compute "C" (%i: 8, %j: 8) reduce (%k: 8) combiner add init 0.000000e+00 : f32 {
    %p = te.read %P[%i, %k] : tensor<8x8xf32> -> f32
    %b = te.read %B[%k, %j] : tensor<8x8xf32> -> f32
    %m = arith.mulf %p, %b : f32
    te.yield %m : f32
  } : tensor<8x8xf32>
  te.return %C : tensor<8x8xf32>
}
te.schedule @k {
  // expected-error @+1 {{no tensor or stage named 'X'; kernel arguments are A, B; stages are P, C}}
  te.cache_read "X" "local" for ["C"] -> "X_local"
}

// -----

te.kernel @k(%A: tensor<8x8xf32>, %B: tensor<8x8xf32>) -> tensor<8x8xf32> {
  %P = te.compute "P" (%i: 8, %j: 8) {
    %a = te.read %A[%i, %j] : tensor<8x8xf32> -> f32
    te.yield %a : f32
  } : tensor<8x8xf32>
  %C = te.compute "C" (%i: 8, %j: 8) reduce (%k: 8) combiner add init 0.000000e+00 : f32 {
    %p = te.read %P[%i, %k] : tensor<8x8xf32> -> f32
    %b = te.read %B[%k, %j] : tensor<8x8xf32> -> f32
    %m = arith.mulf %p, %b : f32
    te.yield %m : f32
  } : tensor<8x8xf32>
  te.return %C : tensor<8x8xf32>
}
te.schedule @k {
  // expected-error @+1 {{stage 'C' does not read 'A'; readers of 'A' are P}}
  te.cache_read "A" "local" for ["C"] -> "A_local"
}

// -----

te.kernel @k(%A: tensor<8x8xf32>, %B: tensor<8x8xf32>) -> tensor<8x8xf32> {
  %P = te.compute "P" (%i: 8, %j: 8) {
    %a = te.read %A[%i, %j] : tensor<8x8xf32> -> f32
    te.yield %a : f32
  } : tensor<8x8xf32>
  %C = te.compute "C" (%i: 8, %j: 8) reduce (%k: 8) combiner add init 0.000000e+00 : f32 {
    %p = te.read %P[%i, %k] : tensor<8x8xf32> -> f32
    %b = te.read %B[%k, %j] : tensor<8x8xf32> -> f32
    %m = arith.mulf %p, %b : f32
    te.yield %m : f32
  } : tensor<8x8xf32>
  te.return %C : tensor<8x8xf32>
}
te.schedule @k {
  // expected-error @+1 {{cache_read needs at least one reader}}
  te.cache_read "A" "local" for [] -> "A_local"
}

// -----

te.kernel @k(%A: tensor<8x8xf32>, %B: tensor<8x8xf32>) -> tensor<8x8xf32> {
  %P = te.compute "P" (%i: 8, %j: 8) {
    %a = te.read %A[%i, %j] : tensor<8x8xf32> -> f32
    te.yield %a : f32
  } : tensor<8x8xf32>
  %C = te.compute "C" (%i: 8, %j: 8) reduce (%k: 8) combiner add init 0.000000e+00 : f32 {
    %p = te.read %P[%i, %k] : tensor<8x8xf32> -> f32
    %b = te.read %B[%k, %j] : tensor<8x8xf32> -> f32
    %m = arith.mulf %p, %b : f32
    te.yield %m : f32
  } : tensor<8x8xf32>
  te.return %C : tensor<8x8xf32>
}
te.schedule @k {
  // expected-error @+1 {{unknown memory scope ''; legal scopes are global, local, packed, shared}}
  te.cache_read "A" "" for ["P"] -> "A_local"
}

// -----

te.kernel @k(%A: tensor<8x8xf32>, %B: tensor<8x8xf32>) -> tensor<8x8xf32> {
  %P = te.compute "P" (%i: 8, %j: 8) {
    %a = te.read %A[%i, %j] : tensor<8x8xf32> -> f32
    te.yield %a : f32
  } : tensor<8x8xf32>
  %C = te.compute "C" (%i: 8, %j: 8) reduce (%k: 8) combiner add init 0.000000e+00 : f32 {
    %p = te.read %P[%i, %k] : tensor<8x8xf32> -> f32
    %b = te.read %B[%k, %j] : tensor<8x8xf32> -> f32
    %m = arith.mulf %p, %b : f32
    te.yield %m : f32
  } : tensor<8x8xf32>
  te.return %C : tensor<8x8xf32>
}
te.schedule @k {
  // expected-error @+1 {{name 'B' is already used by a kernel argument}}
  te.cache_read "A" "local" for ["P"] -> "B"
}

// -----

te.kernel @k(%A: tensor<8x8xf32>, %B: tensor<8x8xf32>) -> tensor<8x8xf32> {
  %P = te.compute "P" (%i: 8, %j: 8) {
    %a = te.read %A[%i, %j] : tensor<8x8xf32> -> f32
    te.yield %a : f32
  } : tensor<8x8xf32>
  %C = te.compute "C" (%i: 8, %j: 8) reduce (%k: 8) combiner add init 0.000000e+00 : f32 {
    %p = te.read %P[%i, %k] : tensor<8x8xf32> -> f32
    %b = te.read %B[%k, %j] : tensor<8x8xf32> -> f32
    %m = arith.mulf %p, %b : f32
    te.yield %m : f32
  } : tensor<8x8xf32>
  te.return %C : tensor<8x8xf32>
}
te.schedule @k {
  // expected-error @+1 {{name 'P' is already used by a stage}}
  te.cache_write "C" "local" -> "P"
}

// -----

te.kernel @k(%A: tensor<8x8xf32>, %B: tensor<8x8xf32>) -> tensor<8x8xf32> {
  %P = te.compute "P" (%i: 8, %j: 8) {
    %a = te.read %A[%i, %j] : tensor<8x8xf32> -> f32
    te.yield %a : f32
  } : tensor<8x8xf32>
  %C = te.compute "C" (%i: 8, %j: 8) reduce (%k: 8) combiner add init 0.000000e+00 : f32 {
    %p = te.read %P[%i, %k] : tensor<8x8xf32> -> f32
    %b = te.read %B[%k, %j] : tensor<8x8xf32> -> f32
    %m = arith.mulf %p, %b : f32
    te.yield %m : f32
  } : tensor<8x8xf32>
  te.return %C : tensor<8x8xf32>
}
te.schedule @k {
  // expected-error @+1 {{a new stage name must not be empty}}
  te.cache_write "C" "local" -> ""
}

// -----

te.kernel @k(%A: tensor<8x8xf32>, %B: tensor<8x8xf32>) -> tensor<8x8xf32> {
  %P = te.compute "P" (%i: 8, %j: 8) {
    %a = te.read %A[%i, %j] : tensor<8x8xf32> -> f32
    te.yield %a : f32
  } : tensor<8x8xf32>
  %C = te.compute "C" (%i: 8, %j: 8) reduce (%k: 8) combiner add init 0.000000e+00 : f32 {
    %p = te.read %P[%i, %k] : tensor<8x8xf32> -> f32
    %b = te.read %B[%k, %j] : tensor<8x8xf32> -> f32
    %m = arith.mulf %p, %b : f32
    te.yield %m : f32
  } : tensor<8x8xf32>
  te.return %C : tensor<8x8xf32>
}
te.schedule @k {
  te.unroll "C" "k"
  // expected-error @+1 {{cache_write of 'C' must come before its loops are changed; te.unroll already changed them}}
  te.cache_write "C" "local" -> "C_local"
}

// -----

te.kernel @k(%A: tensor<8x8xf32>, %B: tensor<8x8xf32>) -> tensor<8x8xf32> {
  %P = te.compute "P" (%i: 8, %j: 8) {
    %a = te.read %A[%i, %j] : tensor<8x8xf32> -> f32
    te.yield %a : f32
  } : tensor<8x8xf32>
  %C = te.compute "C" (%i: 8, %j: 8) reduce (%k: 8) combiner add init 0.000000e+00 : f32 {
    %p = te.read %P[%i, %k] : tensor<8x8xf32> -> f32
    %b = te.read %B[%k, %j] : tensor<8x8xf32> -> f32
    %m = arith.mulf %p, %b : f32
    te.yield %m : f32
  } : tensor<8x8xf32>
  te.return %C : tensor<8x8xf32>
}
te.schedule @k {
  // expected-error @+1 {{cannot rfactor 'j' of stage 'C': it is a spatial axis; reduction axes are k}}
  te.rfactor "C" "j" -> "C_rf"
}

// -----

te.kernel @k(%A: tensor<8x8xf32>, %B: tensor<8x8xf32>) -> tensor<8x8xf32> {
  %P = te.compute "P" (%i: 8, %j: 8) {
    %a = te.read %A[%i, %j] : tensor<8x8xf32> -> f32
    te.yield %a : f32
  } : tensor<8x8xf32>
  %C = te.compute "C" (%i: 8, %j: 8) reduce (%k: 8) combiner add init 0.000000e+00 : f32 {
    %p = te.read %P[%i, %k] : tensor<8x8xf32> -> f32
    %b = te.read %B[%k, %j] : tensor<8x8xf32> -> f32
    %m = arith.mulf %p, %b : f32
    te.yield %m : f32
  } : tensor<8x8xf32>
  te.return %C : tensor<8x8xf32>
}
te.schedule @k {
  // expected-error @+1 {{no symbol @gemm in the module; tensorize needs an intrinsic declared under that name}}
  te.tensorize "C" "i" with @gemm
}

// -----

// expected-error @+1 {{no te.kernel named @missing; kernels are @k}}
te.schedule @missing {
}
te.kernel @k(%A: tensor<4xf32>) -> tensor<4xf32> {
  te.return %A : tensor<4xf32>
}

// -----

func.func private @f()
// expected-error @+1 {{@f is a func.func, not a te.kernel}}
te.schedule @f {
}

// -----

te.kernel @k(%A: tensor<4xf32>) -> tensor<4xf32> {
  te.return %A : tensor<4xf32>
}
te.schedule @k {
}
// expected-error @+1 {{kernel @k already has a schedule}}
te.schedule @k {
}

// -----

te.kernel @k(%A: tensor<4xf32>) -> tensor<4xf32> {
  te.return %A : tensor<4xf32>
}
// expected-error @+1 {{found arith.constant in a schedule; a schedule holds only te primitives}}
te.schedule @k {
  %c = arith.constant 4 : index
}
