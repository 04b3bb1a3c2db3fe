// An int8 GEMM on the simulated VTA accelerator: O = requantize(A . W^T) over tensors
// stored tile by tile (A: 64x64 as [64][4][1][16], W: 64x64 as [4][4][16][16]).
// The schedule caches A and W on chip ("vta.inp", "vta.wgt") per k step, keeps C in the
// accumulator ("vta.acc"), tensorizes the gemm block with @vta_gemm, and runs the output
// column tiles on two virtual threads (their loads overlap each other's gemms).
//
//   dl-opt examples/vta_gemm.mlir -p te-to-loop,loop-tensorize                 # the loop IR
//   dl-opt examples/vta_gemm.mlir -p te-to-loop,loop-tensorize --emit vta      # the program
//   dl-opt examples/vta_gemm.mlir -p te-to-loop,loop-tensorize --target vta --run --check
builtin.module {
  hw.intrinsic @vta_gemm(%inp: memref<1x16xi8, strided<[16, 1], offset: ?>, "vta.inp">, %wgt: memref<16x16xi8, strided<[16, 1], offset: ?>, "vta.wgt">, %acc: memref<1x16xi32, strided<[16, 1], offset: ?>, "vta.acc">) attributes {target = "vta", num_outputs = 1 : i64} {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %c16 = arith.constant 16 : index
    loop.for %b = %c0 to %c1 step %c1 {
      loop.for %o = %c0 to %c16 step %c1 {
        loop.for %i = %c0 to %c16 step %c1 {
          %0 = loop.load %inp[%b, %i] : memref<1x16xi8, strided<[16, 1], offset: ?>, "vta.inp">
          %1 = loop.load %wgt[%o, %i] : memref<16x16xi8, strided<[16, 1], offset: ?>, "vta.wgt">
          %2 = arith.index_cast %0 : i8 to index
          %3 = arith.index_cast %2 : index to i32
          %4 = arith.index_cast %1 : i8 to index
          %5 = arith.index_cast %4 : index to i32
          %6 = arith.muli %3, %5 : i32
          %7 = loop.load %acc[%b, %o] : memref<1x16xi32, strided<[16, 1], offset: ?>, "vta.acc">
          %8 = arith.addi %7, %6 : i32
          loop.store %8, %acc[%b, %o] : memref<1x16xi32, strided<[16, 1], offset: ?>, "vta.acc">
        }
      }
    }
    hw.return
  }
  te.kernel @gemm(%A: tensor<64x4x1x16xi8>, %W: tensor<4x4x16x16xi8>) -> tensor<64x4x1x16xi8> {
    %C = te.compute "C" (%i: 64, %j: 4, %ib: 1, %jb: 16) reduce (%ko: 4, %ki: 16) combiner add init 0 : i32 {
      %0 = te.read %A[%i, %ko, %ib, %ki] : tensor<64x4x1x16xi8> -> i8
      %1 = arith.index_cast %0 : i8 to index
      %2 = arith.index_cast %1 : index to i32
      %3 = te.read %W[%j, %ko, %jb, %ki] : tensor<4x4x16x16xi8> -> i8
      %4 = arith.index_cast %3 : i8 to index
      %5 = arith.index_cast %4 : index to i32
      %6 = arith.muli %2, %5 : i32
      te.yield %6 : i32
    } : tensor<64x4x1x16xi32>
    %O = te.compute "O" (%oi: 64, %oj: 4, %ob: 1, %oc: 16) {
      %0 = te.read %C[%oi, %oj, %ob, %oc] : tensor<64x4x1x16xi32> -> i32
      %1 = arith.constant 8 : i32
      %2 = arith.constant 0 : i32
      %3 = arith.constant 127 : i32
      %4 = arith.shrsi %0, %1 : i32
      %5 = arith.maxsi %4, %2 : i32
      %6 = arith.minsi %5, %3 : i32
      %7 = arith.trunci %6 : i32 to i8
      te.yield %7 : i8
    } : tensor<64x4x1x16xi8>
    te.return %O : tensor<64x4x1x16xi8>
  }
  te.schedule @gemm {
    te.cache_read "A" "vta.inp" for ["C"] -> "A_inp"
    te.cache_read "W" "vta.wgt" for ["C"] -> "W_wgt"
    te.set_scope "C" "vta.acc"
    te.split "O" "oi" by 16 -> "io", "ii"
    te.split "O" "oj" by 2 -> "jo", "ji"
    te.reorder "O" ["io", "jo", "ii", "ji"]
    te.virtual_thread "O" "jo" 2
    te.compute_at "C" at "O" "jo"
    te.split "C" "ko" by 2 -> "koo", "koi"
    te.reorder "C" ["koo", "koi", "i", "j", "ib", "jb", "ki"]
    te.compute_at "A_inp" at "C" "koo"
    te.compute_at "W_wgt" at "C" "koo"
    te.tensorize "C" "ib" with @vta_gemm
  }
}
