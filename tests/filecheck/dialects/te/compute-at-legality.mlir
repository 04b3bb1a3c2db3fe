// RUN: dl-opt %s --verify-diagnostics --split-input-file

/// compute_at of a stage that several stages read (issue 5): the stage is computed at the
/// level once for every reader, so each other reader must already run inside that level,
/// at a loop of the same consumer (or nested in a stage computed there), and be read by
/// that consumer alone. The schedule model decides it primitive by primitive, before
/// te-to-loop runs: each error names the primitive, and lists the legal levels (the
/// levels enclosing all reads, as Halide does). Every kernel: B = A, D = B + B, C = B * D.

/// compute_at of a stage another stage also reads, computed at root: only root is legal, and moving the reader first makes the level legal.
te.kernel @k(%A: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %B = te.compute "B" (%i: 4, %j: 8) {
    %a = te.read %A[%i, %j] : tensor<4x8xf32> -> f32
    te.yield %a : f32
  } : tensor<4x8xf32>
  %D = te.compute "D" (%i: 4, %j: 8) {
    %b = te.read %B[%i, %j] : tensor<4x8xf32> -> f32
    %d = arith.addf %b, %b : f32
    te.yield %d : f32
  } : tensor<4x8xf32>
  %C = te.compute "C" (%i: 4, %j: 8) {
    %b = te.read %B[%i, %j] : tensor<4x8xf32> -> f32
    %d = te.read %D[%i, %j] : tensor<4x8xf32> -> f32
    %c = arith.mulf %b, %d : f32
    te.yield %c : f32
  } : tensor<4x8xf32>
  te.return %C : tensor<4x8xf32>
}
te.schedule @k {
  // expected-error @+1 {{cannot compute 'B' at C.i: it is also read by 'D', which is computed at root, not inside C.i; legal levels for 'B' are root (compute_at 'D' at C.i or a loop of 'C' inside it first)}}
  te.compute_at "B" at "C" "i"
}

// -----

/// The other reader computed at an outer loop of the consumer: the levels at or outside it are legal.
te.kernel @k(%A: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %B = te.compute "B" (%i: 4, %j: 8) {
    %a = te.read %A[%i, %j] : tensor<4x8xf32> -> f32
    te.yield %a : f32
  } : tensor<4x8xf32>
  %D = te.compute "D" (%i: 4, %j: 8) {
    %b = te.read %B[%i, %j] : tensor<4x8xf32> -> f32
    %d = arith.addf %b, %b : f32
    te.yield %d : f32
  } : tensor<4x8xf32>
  %C = te.compute "C" (%i: 4, %j: 8) {
    %b = te.read %B[%i, %j] : tensor<4x8xf32> -> f32
    %d = te.read %D[%i, %j] : tensor<4x8xf32> -> f32
    %c = arith.mulf %b, %d : f32
    te.yield %c : f32
  } : tensor<4x8xf32>
  te.return %C : tensor<4x8xf32>
}
te.schedule @k {
  te.compute_at "D" at "C" "i"
  // expected-error @+1 {{cannot compute 'B' at C.j: it is also read by 'D', which is computed at C.i, not inside C.j; legal levels for 'B' are root, C.i (compute_at 'D' at C.j or a loop of 'C' inside it first)}}
  te.compute_at "B" at "C" "j"
}

// -----

/// An inlined reader reads the stage inside its own readers' loops, where the region is not inferred.
te.kernel @k(%A: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %B = te.compute "B" (%i: 4, %j: 8) {
    %a = te.read %A[%i, %j] : tensor<4x8xf32> -> f32
    te.yield %a : f32
  } : tensor<4x8xf32>
  %D = te.compute "D" (%i: 4, %j: 8) {
    %b = te.read %B[%i, %j] : tensor<4x8xf32> -> f32
    %d = arith.addf %b, %b : f32
    te.yield %d : f32
  } : tensor<4x8xf32>
  %C = te.compute "C" (%i: 4, %j: 8) {
    %b = te.read %B[%i, %j] : tensor<4x8xf32> -> f32
    %d = te.read %D[%i, %j] : tensor<4x8xf32> -> f32
    %c = arith.mulf %b, %d : f32
    te.yield %c : f32
  } : tensor<4x8xf32>
  te.return %C : tensor<4x8xf32>
}
te.schedule @k {
  te.compute_inline "D"
  // expected-error @+1 {{cannot compute 'B' at C.i: it is also read by 'D', which is inlined, not computed at a loop of 'C'; legal levels for 'B' are root (compute_at 'D' at C.i or a loop of 'C' inside it first)}}
  te.compute_at "B" at "C" "i"
}

// -----

/// The other reader computed at another consumer's loop: only the levels enclosing every read are listed.
te.kernel @k(%A: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %B = te.compute "B" (%i: 4, %j: 8) {
    %a = te.read %A[%i, %j] : tensor<4x8xf32> -> f32
    te.yield %a : f32
  } : tensor<4x8xf32>
  %D = te.compute "D" (%i: 4, %j: 8) {
    %b = te.read %B[%i, %j] : tensor<4x8xf32> -> f32
    %d = arith.addf %b, %b : f32
    te.yield %d : f32
  } : tensor<4x8xf32>
  %C = te.compute "C" (%i: 4, %j: 8) {
    %b = te.read %B[%i, %j] : tensor<4x8xf32> -> f32
    %d = te.read %D[%i, %j] : tensor<4x8xf32> -> f32
    %c = arith.mulf %b, %d : f32
    te.yield %c : f32
  } : tensor<4x8xf32>
  te.return %C : tensor<4x8xf32>
}
te.schedule @k {
  te.compute_at "D" at "C" "j"
  // expected-error @+1 {{cannot compute 'B' at D.i: it is also read by 'C', which is computed at root, not inside D.i; legal levels for 'B' are root, C.i, C.j}}
  te.compute_at "B" at "D" "i"
}

// -----

/// compute_root of a reader that a stage computed at a loop counts on.
te.kernel @k(%A: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %B = te.compute "B" (%i: 4, %j: 8) {
    %a = te.read %A[%i, %j] : tensor<4x8xf32> -> f32
    te.yield %a : f32
  } : tensor<4x8xf32>
  %D = te.compute "D" (%i: 4, %j: 8) {
    %b = te.read %B[%i, %j] : tensor<4x8xf32> -> f32
    %d = arith.addf %b, %b : f32
    te.yield %d : f32
  } : tensor<4x8xf32>
  %C = te.compute "C" (%i: 4, %j: 8) {
    %b = te.read %B[%i, %j] : tensor<4x8xf32> -> f32
    %d = te.read %D[%i, %j] : tensor<4x8xf32> -> f32
    %c = arith.mulf %b, %d : f32
    te.yield %c : f32
  } : tensor<4x8xf32>
  te.return %C : tensor<4x8xf32>
}
te.schedule @k {
  te.compute_at "D" at "C" "j"
  te.compute_at "B" at "C" "i"
  // expected-error @+1 {{cannot compute_root 'D': it would leave 'B' computed at C.i while it is also read by 'D', which is computed at root, not inside C.i; legal levels for 'B' would be root: move 'B' first}}
  te.compute_root "D"
}

// -----

/// compute_inline of that reader.
te.kernel @k(%A: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %B = te.compute "B" (%i: 4, %j: 8) {
    %a = te.read %A[%i, %j] : tensor<4x8xf32> -> f32
    te.yield %a : f32
  } : tensor<4x8xf32>
  %D = te.compute "D" (%i: 4, %j: 8) {
    %b = te.read %B[%i, %j] : tensor<4x8xf32> -> f32
    %d = arith.addf %b, %b : f32
    te.yield %d : f32
  } : tensor<4x8xf32>
  %C = te.compute "C" (%i: 4, %j: 8) {
    %b = te.read %B[%i, %j] : tensor<4x8xf32> -> f32
    %d = te.read %D[%i, %j] : tensor<4x8xf32> -> f32
    %c = arith.mulf %b, %d : f32
    te.yield %c : f32
  } : tensor<4x8xf32>
  te.return %C : tensor<4x8xf32>
}
te.schedule @k {
  te.compute_at "D" at "C" "j"
  te.compute_at "B" at "C" "i"
  // expected-error @+1 {{cannot compute_inline 'D': it would leave 'B' computed at C.i while it is also read by 'D', which is inlined, not computed at a loop of 'C'; legal levels for 'B' would be root: move 'B' first}}
  te.compute_inline "D"
}

// -----

/// A reorder that moves the reader's loop outside the stage's.
te.kernel @k(%A: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %B = te.compute "B" (%i: 4, %j: 8) {
    %a = te.read %A[%i, %j] : tensor<4x8xf32> -> f32
    te.yield %a : f32
  } : tensor<4x8xf32>
  %D = te.compute "D" (%i: 4, %j: 8) {
    %b = te.read %B[%i, %j] : tensor<4x8xf32> -> f32
    %d = arith.addf %b, %b : f32
    te.yield %d : f32
  } : tensor<4x8xf32>
  %C = te.compute "C" (%i: 4, %j: 8) {
    %b = te.read %B[%i, %j] : tensor<4x8xf32> -> f32
    %d = te.read %D[%i, %j] : tensor<4x8xf32> -> f32
    %c = arith.mulf %b, %d : f32
    te.yield %c : f32
  } : tensor<4x8xf32>
  te.return %C : tensor<4x8xf32>
}
te.schedule @k {
  te.compute_at "D" at "C" "j"
  te.compute_at "B" at "C" "i"
  // expected-error @+1 {{cannot reorder 'C': it would leave 'B' computed at C.i while it is also read by 'D', which is computed at C.j, not inside C.i; legal levels for 'B' would be root, C.j: move 'B' first}}
  te.reorder "C" ["j", "i"]
}

// -----

/// cache_write moves the consumer's reads into a new stage at root.
te.kernel @k(%A: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %B = te.compute "B" (%i: 4, %j: 8) {
    %a = te.read %A[%i, %j] : tensor<4x8xf32> -> f32
    te.yield %a : f32
  } : tensor<4x8xf32>
  %D = te.compute "D" (%i: 4, %j: 8) {
    %b = te.read %B[%i, %j] : tensor<4x8xf32> -> f32
    %d = arith.addf %b, %b : f32
    te.yield %d : f32
  } : tensor<4x8xf32>
  %C = te.compute "C" (%i: 4, %j: 8) {
    %b = te.read %B[%i, %j] : tensor<4x8xf32> -> f32
    %d = te.read %D[%i, %j] : tensor<4x8xf32> -> f32
    %c = arith.mulf %b, %d : f32
    te.yield %c : f32
  } : tensor<4x8xf32>
  te.return %C : tensor<4x8xf32>
}
te.schedule @k {
  te.compute_at "D" at "C" "j"
  te.compute_at "B" at "C" "i"
  // expected-error @+1 {{cannot cache_write 'C': it would leave 'B' computed at C.i while it is also read by 'CL', which is computed at root, not inside C.i; legal levels for 'B' would be root: move 'B' first}}
  te.cache_write "C" "local" -> "CL"
}

// -----

/// cache_read of the stage adds a reader at root.
te.kernel @k(%A: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %B = te.compute "B" (%i: 4, %j: 8) {
    %a = te.read %A[%i, %j] : tensor<4x8xf32> -> f32
    te.yield %a : f32
  } : tensor<4x8xf32>
  %D = te.compute "D" (%i: 4, %j: 8) {
    %b = te.read %B[%i, %j] : tensor<4x8xf32> -> f32
    %d = arith.addf %b, %b : f32
    te.yield %d : f32
  } : tensor<4x8xf32>
  %C = te.compute "C" (%i: 4, %j: 8) {
    %b = te.read %B[%i, %j] : tensor<4x8xf32> -> f32
    %d = te.read %D[%i, %j] : tensor<4x8xf32> -> f32
    %c = arith.mulf %b, %d : f32
    te.yield %c : f32
  } : tensor<4x8xf32>
  te.return %C : tensor<4x8xf32>
}
te.schedule @k {
  te.compute_at "D" at "C" "j"
  te.compute_at "B" at "C" "i"
  // expected-error @+1 {{cannot cache_read 'B': it would leave 'B' computed at C.i while it is also read by 'BL', which is computed at root, not inside C.i; legal levels for 'B' would be root: move 'B' first}}
  te.cache_read "B" "local" for ["D"] -> "BL"
}

// -----

/// A reader nested in a stage computed inside the level counts as computed there: moving that stage out breaks it.
te.kernel @k(%A: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %B = te.compute "B" (%i: 4, %j: 8) {
    %a = te.read %A[%i, %j] : tensor<4x8xf32> -> f32
    te.yield %a : f32
  } : tensor<4x8xf32>
  %D = te.compute "D" (%i: 4, %j: 8) {
    %b = te.read %B[%i, %j] : tensor<4x8xf32> -> f32
    %d = arith.addf %b, %b : f32
    te.yield %d : f32
  } : tensor<4x8xf32>
  %C = te.compute "C" (%i: 4, %j: 8) {
    %b = te.read %B[%i, %j] : tensor<4x8xf32> -> f32
    %d = te.read %D[%i, %j] : tensor<4x8xf32> -> f32
    %c = arith.mulf %b, %d : f32
    te.yield %c : f32
  } : tensor<4x8xf32>
  te.return %C : tensor<4x8xf32>
}
te.schedule @k {
  te.compute_at "D" at "C" "j"
  te.cache_read "B" "local" for ["D"] -> "BL"
  te.compute_at "BL" at "D" "j"
  te.compute_at "B" at "C" "j"
  // expected-error @+1 {{cannot compute_root 'D': it would leave 'B' computed at C.j while it is also read by 'BL', which is computed in 'D', which is computed at root, not inside C.j; legal levels for 'B' would be root: move 'B' first}}
  te.compute_root "D"
}

// -----

/// Legal: the reader first, then the stage at an outer loop or the same loop.
te.kernel @k(%A: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %B = te.compute "B" (%i: 4, %j: 8) {
    %a = te.read %A[%i, %j] : tensor<4x8xf32> -> f32
    te.yield %a : f32
  } : tensor<4x8xf32>
  %D = te.compute "D" (%i: 4, %j: 8) {
    %b = te.read %B[%i, %j] : tensor<4x8xf32> -> f32
    %d = arith.addf %b, %b : f32
    te.yield %d : f32
  } : tensor<4x8xf32>
  %C = te.compute "C" (%i: 4, %j: 8) {
    %b = te.read %B[%i, %j] : tensor<4x8xf32> -> f32
    %d = te.read %D[%i, %j] : tensor<4x8xf32> -> f32
    %c = arith.mulf %b, %d : f32
    te.yield %c : f32
  } : tensor<4x8xf32>
  te.return %C : tensor<4x8xf32>
}
te.schedule @k {
  te.compute_at "D" at "C" "j"
  te.compute_at "B" at "C" "i"
  te.compute_at "B" at "C" "j"
}

// -----

/// Legal: a reader nested in a stage computed inside the level (BL at D.j, D at C.j).
te.kernel @k(%A: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %B = te.compute "B" (%i: 4, %j: 8) {
    %a = te.read %A[%i, %j] : tensor<4x8xf32> -> f32
    te.yield %a : f32
  } : tensor<4x8xf32>
  %D = te.compute "D" (%i: 4, %j: 8) {
    %b = te.read %B[%i, %j] : tensor<4x8xf32> -> f32
    %d = arith.addf %b, %b : f32
    te.yield %d : f32
  } : tensor<4x8xf32>
  %C = te.compute "C" (%i: 4, %j: 8) {
    %b = te.read %B[%i, %j] : tensor<4x8xf32> -> f32
    %d = te.read %D[%i, %j] : tensor<4x8xf32> -> f32
    %c = arith.mulf %b, %d : f32
    te.yield %c : f32
  } : tensor<4x8xf32>
  te.return %C : tensor<4x8xf32>
}
te.schedule @k {
  te.compute_at "D" at "C" "j"
  te.cache_read "B" "local" for ["D"] -> "BL"
  te.compute_at "BL" at "D" "j"
  te.compute_at "B" at "C" "i"
  te.store_at "B" at "C" "i"
}

// -----

/// A reader that another stage also reads: its region at the level is the union of
/// what both read, which the stage's region does not follow (E = D * D, C = B * D + E).
te.kernel @k(%A: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %B = te.compute "B" (%i: 4, %j: 8) {
    %a = te.read %A[%i, %j] : tensor<4x8xf32> -> f32
    te.yield %a : f32
  } : tensor<4x8xf32>
  %D = te.compute "D" (%i: 4, %j: 8) {
    %b = te.read %B[%i, %j] : tensor<4x8xf32> -> f32
    %d = arith.addf %b, %b : f32
    te.yield %d : f32
  } : tensor<4x8xf32>
  %E = te.compute "E" (%i: 4, %j: 8) {
    %d = te.read %D[%i, %j] : tensor<4x8xf32> -> f32
    %e = arith.mulf %d, %d : f32
    te.yield %e : f32
  } : tensor<4x8xf32>
  %C = te.compute "C" (%i: 4, %j: 8) {
    %b = te.read %B[%i, %j] : tensor<4x8xf32> -> f32
    %d = te.read %D[%i, %j] : tensor<4x8xf32> -> f32
    %e = te.read %E[%i, %j] : tensor<4x8xf32> -> f32
    %m = arith.mulf %b, %d : f32
    %c = arith.addf %m, %e : f32
    te.yield %c : f32
  } : tensor<4x8xf32>
  te.return %C : tensor<4x8xf32>
}
te.schedule @k {
  te.compute_at "E" at "C" "j"
  te.compute_at "D" at "C" "j"
  // expected-error @+1 {{cannot compute 'B' at C.i: it is also read by 'D', and 'D' is also read by 'E' (a stage computed inside C.i may share it only with stages computed there, each read by the stage it is computed at alone); legal levels for 'B' are root}}
  te.compute_at "B" at "C" "i"
}
