// RUN: dl-opt %s --verify-diagnostics --split-input-file

/// Legality of issue 5's schedule primitives (cache_read, cache_write, store_at, rfactor,
/// compute_at): each error names the primitive's problem and what would be legal. The
/// older primitives' messages are in invalid.mlir.

/// A kernel result is computed whole: compute_at of one lists only root.
te.kernel @k(%A: tensor<8x8xf32>, %B: tensor<8x8xf32>) -> (tensor<8x8xf32>, tensor<8x8xf32>) {
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
  te.return %C, %P : tensor<8x8xf32>, tensor<8x8xf32>
}
te.schedule @k {
  // expected-error @+1 {{cannot compute 'P' at C.i: it is a kernel result, which is computed whole; legal levels are root (cache_write it to compute a tile at a loop)}}
  te.compute_at "P" at "C" "i"
}

// -----

/// store_at needs the stage computed inside the same consumer first.
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
  // expected-error @+1 {{cannot store 'P' at C.i: it is computed at root; compute_at 'P' at a loop of 'C' first (storage goes at or outside the compute level)}}
  te.store_at "P" at "C" "i"
}

// -----

/// rfactor needs the spatial axes as defined.
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
  te.split "C" "i" by 4 -> "io", "ii"
  // expected-error @+1 {{cannot rfactor 'k' of stage 'C': its spatial axes were changed (they are io, ii, j, defined as i, j); rfactor before splitting or fusing spatial axes}}
  te.rfactor "C" "k" -> "C_rf"
}

// -----

/// The stage cache_write adds keeps the reduction: vectorizing it needs rfactor.
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
  te.cache_write "C" "local" -> "CL"
  // expected-error @+1 {{cannot vectorize reduction axis 'k' of stage 'CL': its lanes would update the same accumulator; vectorize a spatial axis (i, j) or rfactor 'k' first}}
  te.vectorize "CL" "k"
}

// -----

/// The copy stage cache_write leaves has no reduction axis any more.
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
  te.cache_write "C" "local" -> "CL"
  // expected-error @+1 {{stage 'C' has no axis 'k'; axes are i, j}}
  te.split "C" "k" by 2 -> "ko", "ki"
}

// -----

/// A memory scope must be one a cache can live in.
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
  // expected-error @+1 {{unknown memory scope 'register'; legal scopes are global, local, packed, shared}}
  te.cache_read "A" "register" for ["P"] -> "AR"
}

// -----

/// rfactor's new stage reads what the stage read: compute_at of it at a stage that does not read it lists the legal levels.
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
  te.split "C" "k" by 4 -> "ko", "ki"
  te.rfactor "C" "ki" -> "Crf"
  // expected-error @+1 {{cannot compute 'P' at 'C': 'C' does not read 'P'; legal levels are root, Crf.i, Crf.j, Crf.ko, Crf.ki}}
  te.compute_at "P" at "C" "ki"
}

// -----

/// Parallel on the factored reduction of the final stage races.
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
  te.split "C" "k" by 4 -> "ko", "ki"
  te.rfactor "C" "ki" -> "Crf"
  // expected-error @+1 {{cannot parallelize reduction axis 'ki' of stage 'C': its iterations would race on the accumulator; parallelize a spatial axis (i, j) or rfactor 'ki' first}}
  te.parallel "C" "ki"
}

// -----

/// A packed buffer a stage computes is laid out by its loops: a split of it must divide
/// (a cache_read copy is padded instead: tests/unit/te_to_loop).
te.kernel @k(%A: tensor<7x13xf32>) -> tensor<7x13xf32> {
  %C = te.compute "C" (%i: 7, %j: 13) {
    %a = te.read %A[%i, %j] : tensor<7x13xf32> -> f32
    te.yield %a : f32
  } : tensor<7x13xf32>
  te.return %C : tensor<7x13xf32>
}
te.schedule @k {
  te.cache_write "C" "packed" -> "CP"
  te.split "CP" "i" by 7 -> "io", "ii"
  // expected-error @+1 {{cannot split axis 'j' of stage 'CP' by 4: it does not divide 13, and a packed buffer a stage computes is laid out by its loops, so their factors must divide the axes (only a cache_read copy is padded); legal factors are 1, 13}}
  te.split "CP" "j" by 4 -> "jo", "ji"
}

// -----

/// The stage rfactor adds keeps the tail of a split that does not divide: it cannot be packed.
te.kernel @k(%A: tensor<8x7xf32>) -> tensor<8xf32> {
  %R = te.compute "R" (%i: 8) reduce (%k: 7) combiner add init 0.0 : f32 {
    %0 = te.read %A[%i, %k] : tensor<8x7xf32> -> f32
    te.yield %0 : f32
  } : tensor<8xf32>
  te.return %R : tensor<8xf32>
}
te.schedule @k {
  te.split "R" "k" by 4 -> "ko", "ki"
  te.rfactor "R" "ki" -> "R_rf"
  // expected-error @+1 {{cannot cache_write 'R_rf' into a packed buffer: its loops run past its axes (a split before rfactor does not divide), and a packed buffer is laid out by its loops; use scope local or global}}
  te.cache_write "R_rf" "packed" -> "R_rf_packed"
}
