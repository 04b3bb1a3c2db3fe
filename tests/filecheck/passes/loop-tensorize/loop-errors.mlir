// RUN: not dl-opt %s -p 'loop-tensorize{intrinsic=@gemm_4x4x4}' --split-input-file 2>&1 | filecheck %s

/// i and j swapped in the accesses (all extents 4): the body matches with the loops in the
/// other order.
// CHECK:      loop-errors.mlir:[[# @LINE + 25]]:3: error: {{.*}} loop nest does not match @gemm_4x4x4:
// CHECK:        difference: the loops pair with @gemm_4x4x4's by their accesses as (%j <-> %i, %i <-> %j), in another order: reorder them as (%j, %i)
// CHECK-NEXT:   fix: reorder the loops as (%j, %i, %k)
hw.intrinsic @gemm_4x4x4(%a: memref<4x4xf32, strided<[?, 1], offset: ?>>, %b: memref<4x4xf32, strided<[?, 1], offset: ?>>, %c: memref<4x4xf32, strided<[?, 1], offset: ?>>) attributes {num_outputs = 1 : i64, target = "vta"} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  loop.for %i = %c0 to %c4 step %c1 {
    loop.for %j = %c0 to %c4 step %c1 {
      loop.for %k = %c0 to %c4 step %c1 {
        %x = loop.load %a[%i, %k] : memref<4x4xf32, strided<[?, 1], offset: ?>>
        %y = loop.load %b[%k, %j] : memref<4x4xf32, strided<[?, 1], offset: ?>>
        %z = loop.load %c[%i, %j] : memref<4x4xf32, strided<[?, 1], offset: ?>>
        %p = arith.mulf %x, %y : f32
        %s = arith.addf %z, %p : f32
        loop.store %s, %c[%i, %j] : memref<4x4xf32, strided<[?, 1], offset: ?>>
      }
    }
  }
  hw.return
}
loop.func @f(%A: memref<8x8xf32>, %B: memref<8x8xf32>, %C: memref<8x8xf32>, %D: memref<8x8xf32>) attributes {num_outputs = 2 : i64} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  loop.for %i = %c0 to %c4 step %c1 {
    loop.for %j = %c0 to %c4 step %c1 {
      loop.for %k = %c0 to %c4 step %c1 {
        %x = loop.load %A[%j, %k] : memref<8x8xf32>
        %y = loop.load %B[%k, %i] : memref<8x8xf32>
        %z = loop.load %C[%j, %i] : memref<8x8xf32>
        %p = arith.mulf %x, %y : f32
        %s = arith.addf %z, %p : f32
        loop.store %s, %C[%j, %i] : memref<8x8xf32>
      }
    }
  } {tensorize = @gemm_4x4x4}
  loop.return
}

// -----

/// The intrinsic's buffers have the identity layout of a 4x4 buffer (strides [4, 1]): no
/// window of an 8x8 buffer has those strides.
// CHECK:      loop-errors.mlir:[[# @LINE + 24]]:3: error: {{.*}} loop nest does not match @gemm_4x4x4:
// CHECK:        difference: store to %C[%i, %j] and the intrinsic's %c[%i, %j]: no window of memref<8x8xf32> has the intrinsic's shape and strides (4, 4), [4, 1]
hw.intrinsic @gemm_4x4x4(%a: memref<4x4xf32>, %b: memref<4x4xf32>, %c: memref<4x4xf32>) attributes {num_outputs = 1 : i64, target = "vta"} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  loop.for %i = %c0 to %c4 step %c1 {
    loop.for %j = %c0 to %c4 step %c1 {
      loop.for %k = %c0 to %c4 step %c1 {
        %x = loop.load %a[%i, %k] : memref<4x4xf32>
        %y = loop.load %b[%k, %j] : memref<4x4xf32>
        %z = loop.load %c[%i, %j] : memref<4x4xf32>
        %p = arith.mulf %x, %y : f32
        %s = arith.addf %z, %p : f32
        loop.store %s, %c[%i, %j] : memref<4x4xf32>
      }
    }
  }
  hw.return
}
loop.func @f(%A: memref<8x8xf32>, %B: memref<8x8xf32>, %C: memref<8x8xf32>, %D: memref<8x8xf32>) attributes {num_outputs = 2 : i64} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  loop.for %i = %c0 to %c4 step %c1 {
    loop.for %j = %c0 to %c4 step %c1 {
      loop.for %k = %c0 to %c4 step %c1 {
        %x = loop.load %A[%i, %k] : memref<8x8xf32>
        %y = loop.load %B[%k, %j] : memref<8x8xf32>
        %z = loop.load %C[%i, %j] : memref<8x8xf32>
        %p = arith.mulf %x, %y : f32
        %s = arith.addf %z, %p : f32
        loop.store %s, %C[%i, %j] : memref<8x8xf32>
      }
    }
  } {tensorize = @gemm_4x4x4}
  loop.return
}

// -----

/// max where the intrinsic adds.
// CHECK:      loop-errors.mlir:[[# @LINE + 24]]:3: error: {{.*}} loop nest does not match @gemm_4x4x4:
// CHECK:        difference: the nest computes arith.maximumf : f32 where the intrinsic computes arith.addf : f32
hw.intrinsic @gemm_4x4x4(%a: memref<4x4xf32, strided<[?, 1], offset: ?>>, %b: memref<4x4xf32, strided<[?, 1], offset: ?>>, %c: memref<4x4xf32, strided<[?, 1], offset: ?>>) attributes {num_outputs = 1 : i64, target = "vta"} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  loop.for %i = %c0 to %c4 step %c1 {
    loop.for %j = %c0 to %c4 step %c1 {
      loop.for %k = %c0 to %c4 step %c1 {
        %x = loop.load %a[%i, %k] : memref<4x4xf32, strided<[?, 1], offset: ?>>
        %y = loop.load %b[%k, %j] : memref<4x4xf32, strided<[?, 1], offset: ?>>
        %z = loop.load %c[%i, %j] : memref<4x4xf32, strided<[?, 1], offset: ?>>
        %p = arith.mulf %x, %y : f32
        %s = arith.addf %z, %p : f32
        loop.store %s, %c[%i, %j] : memref<4x4xf32, strided<[?, 1], offset: ?>>
      }
    }
  }
  hw.return
}
loop.func @f(%A: memref<8x8xf32>, %B: memref<8x8xf32>, %C: memref<8x8xf32>, %D: memref<8x8xf32>) attributes {num_outputs = 2 : i64} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  loop.for %i = %c0 to %c4 step %c1 {
    loop.for %j = %c0 to %c4 step %c1 {
      loop.for %k = %c0 to %c4 step %c1 {
        %x = loop.load %A[%i, %k] : memref<8x8xf32>
        %y = loop.load %B[%k, %j] : memref<8x8xf32>
        %z = loop.load %C[%i, %j] : memref<8x8xf32>
        %p = arith.mulf %x, %y : f32
        %s = arith.maximumf %z, %p : f32
        loop.store %s, %C[%i, %j] : memref<8x8xf32>
      }
    }
  } {tensorize = @gemm_4x4x4}
  loop.return
}

// -----

/// The accumulator is read from D and written to C: the intrinsic's %c is one buffer.
// CHECK:      loop-errors.mlir:[[# @LINE + 24]]:3: error: {{.*}} loop nest does not match @gemm_4x4x4:
// CHECK:        difference: @gemm_4x4x4 accumulates into the element of %c it stores; the nest's store to %C does not read that element of %C
hw.intrinsic @gemm_4x4x4(%a: memref<4x4xf32, strided<[?, 1], offset: ?>>, %b: memref<4x4xf32, strided<[?, 1], offset: ?>>, %c: memref<4x4xf32, strided<[?, 1], offset: ?>>) attributes {num_outputs = 1 : i64, target = "vta"} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  loop.for %i = %c0 to %c4 step %c1 {
    loop.for %j = %c0 to %c4 step %c1 {
      loop.for %k = %c0 to %c4 step %c1 {
        %x = loop.load %a[%i, %k] : memref<4x4xf32, strided<[?, 1], offset: ?>>
        %y = loop.load %b[%k, %j] : memref<4x4xf32, strided<[?, 1], offset: ?>>
        %z = loop.load %c[%i, %j] : memref<4x4xf32, strided<[?, 1], offset: ?>>
        %p = arith.mulf %x, %y : f32
        %s = arith.addf %z, %p : f32
        loop.store %s, %c[%i, %j] : memref<4x4xf32, strided<[?, 1], offset: ?>>
      }
    }
  }
  hw.return
}
loop.func @f(%A: memref<8x8xf32>, %B: memref<8x8xf32>, %C: memref<8x8xf32>, %D: memref<8x8xf32>) attributes {num_outputs = 2 : i64} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  loop.for %i = %c0 to %c4 step %c1 {
    loop.for %j = %c0 to %c4 step %c1 {
      loop.for %k = %c0 to %c4 step %c1 {
        %x = loop.load %A[%i, %k] : memref<8x8xf32>
        %y = loop.load %B[%k, %j] : memref<8x8xf32>
        %z = loop.load %D[%i, %j] : memref<8x8xf32>
        %p = arith.mulf %x, %y : f32
        %s = arith.addf %z, %p : f32
        loop.store %s, %C[%i, %j] : memref<8x8xf32>
      }
    }
  } {tensorize = @gemm_4x4x4}
  loop.return
}

// -----

/// With `intrinsic=`, no nest matching is an error explaining the first one.
// CHECK:      loop-errors.mlir:[[# @LINE + 24]]:3: error: {{.*}} loop nest does not match @gemm_4x4x4:
// CHECK:        difference: the nest computes arith.maximumf : f32 where the intrinsic computes arith.addf : f32
hw.intrinsic @gemm_4x4x4(%a: memref<4x4xf32, strided<[?, 1], offset: ?>>, %b: memref<4x4xf32, strided<[?, 1], offset: ?>>, %c: memref<4x4xf32, strided<[?, 1], offset: ?>>) attributes {num_outputs = 1 : i64, target = "vta"} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  loop.for %i = %c0 to %c4 step %c1 {
    loop.for %j = %c0 to %c4 step %c1 {
      loop.for %k = %c0 to %c4 step %c1 {
        %x = loop.load %a[%i, %k] : memref<4x4xf32, strided<[?, 1], offset: ?>>
        %y = loop.load %b[%k, %j] : memref<4x4xf32, strided<[?, 1], offset: ?>>
        %z = loop.load %c[%i, %j] : memref<4x4xf32, strided<[?, 1], offset: ?>>
        %p = arith.mulf %x, %y : f32
        %s = arith.addf %z, %p : f32
        loop.store %s, %c[%i, %j] : memref<4x4xf32, strided<[?, 1], offset: ?>>
      }
    }
  }
  hw.return
}
loop.func @f(%A: memref<8x8xf32>, %B: memref<8x8xf32>, %C: memref<8x8xf32>, %D: memref<8x8xf32>) attributes {num_outputs = 2 : i64} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  loop.for %i = %c0 to %c4 step %c1 {
    loop.for %j = %c0 to %c4 step %c1 {
      loop.for %k = %c0 to %c4 step %c1 {
        %x = loop.load %A[%i, %k] : memref<8x8xf32>
        %y = loop.load %B[%k, %j] : memref<8x8xf32>
        %z = loop.load %C[%i, %j] : memref<8x8xf32>
        %p = arith.mulf %x, %y : f32
        %s = arith.maximumf %z, %p : f32
        loop.store %s, %C[%i, %j] : memref<8x8xf32>
      }
    }
  }
  loop.return
}
