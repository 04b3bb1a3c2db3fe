// Loop-level kernels in the `loop` dialect: what te lowering produces and what the
// loop passes (hoisting, unrolling, vectorization, tensorization) work on.
//
//   dl-opt examples/loops.mlir --verify-roundtrip
//   dl-opt examples/loops.mlir --run --run-entry matmul         # compiled and run natively

// c = a + b over 1000 floats: a vectorized main part of 124 x 8 lanes, then a serial
// tail for the last 8 elements.
loop.func @vadd(%a: memref<1000xf32>, %b: memref<1000xf32>, %c: memref<1000xf32>) attributes {num_outputs = 1 : i64} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c124 = arith.constant 124 : index
  %c992 = arith.constant 992 : index
  %c1000 = arith.constant 1000 : index
  loop.for %i = %c0 to %c124 step %c1 {
    %x = loop.vload %a[%i * 8] : memref<1000xf32>, vector<8xf32>
    %y = loop.vload %b[%i * 8] : memref<1000xf32>, vector<8xf32>
    %s = arith.addf %x, %y : vector<8xf32>
    loop.vstore %s, %c[%i * 8] : memref<1000xf32>, vector<8xf32>
  }
  loop.for %i = %c992 to %c1000 step %c1 {
    %x = loop.load %a[%i] : memref<1000xf32>
    %y = loop.load %b[%i] : memref<1000xf32>
    %s = arith.addf %x, %y : f32
    loop.store %s, %c[%i] : memref<1000xf32>
  }
  loop.return
}

// C = A * B for 100x128 by 128x128: 32-row tiles in parallel (the last one partial,
// bounded by loop.min), a packed copy of the B panel, a local accumulator tile, the
// reduction unrolled by 4 and the columns vectorized by 8.
loop.func @matmul(%A: memref<100x128xf32>, %B: memref<128x128xf32>, %C: memref<100x128xf32>) attributes {num_outputs = 1 : i64} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c32 = arith.constant 32 : index
  %c100 = arith.constant 100 : index
  %c128 = arith.constant 128 : index
  %zero = arith.constant 0.0 : f32
  %packed = loop.alloc "packed" align 64 : memref<4x128x32xf32, "packed">
  loop.for %jo = %c0 to %c4 step %c1 parallel {
    loop.for %k = %c0 to %c128 step %c1 {
      loop.for %ji = %c0 to %c32 step %c1 vectorized<8> {
        %v = loop.load %B[%k, %jo * 32 + %ji] : memref<128x128xf32>
        loop.store %v, %packed[%jo, %k, %ji] : memref<4x128x32xf32, "packed">
      }
    }
  }
  loop.for %io = %c0 to %c100 step %c32 parallel {
    %next = arith.addi %io, %c32 : index
    %end = loop.min %next, %c100
    %rows = arith.subi %end, %io : index
    %acc = loop.alloc "local" align 64 : memref<32x32xf32, "local">
    loop.for %jo = %c0 to %c4 step %c1 {
      loop.for %ii = %c0 to %rows step %c1 {
        loop.for %ji = %c0 to %c32 step %c1 vectorized<8> {
          loop.store %zero, %acc[%ii, %ji] : memref<32x32xf32, "local">
        }
        loop.for %k = %c0 to %c128 step %c1 unrolled<4> {
          %a = loop.load %A[%io + %ii, %k] : memref<100x128xf32>
          loop.for %ji = %c0 to %c32 step %c1 vectorized<8> {
            %b = loop.load %packed[%jo, %k, %ji] : memref<4x128x32xf32, "packed">
            %s = loop.load %acc[%ii, %ji] : memref<32x32xf32, "local">
            %p = arith.mulf %a, %b : f32
            %t = arith.addf %s, %p : f32
            loop.store %t, %acc[%ii, %ji] : memref<32x32xf32, "local">
          }
        }
        loop.for %ji = %c0 to %c32 step %c1 vectorized<8> {
          %r = loop.load %acc[%ii, %ji] : memref<32x32xf32, "local">
          loop.store %r, %C[%io + %ii, %jo * 32 + %ji] : memref<100x128xf32>
        }
      }
    }
    loop.free %acc : memref<32x32xf32, "local">
  }
  loop.free %packed : memref<4x128x32xf32, "packed">
  loop.return
}
