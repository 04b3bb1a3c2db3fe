// A 3x3 conv2d on the simulated VTA accelerator, NCHW with channels in blocks of 16
// (TVM's VTA layout): D [1][32/16][16][16][1][16] (a 14x14 image padded by 1),
// K [64/16][32/16][3][3][16][16] -> O [1][64/16][14][14][1][16], requantized to int8.
// Output tiles of 2 channel blocks x 7 rows, input channels 2 blocks at a time (D and K
// cached on chip per step), C in the accumulator, the gemm block tensorized with
// @vta_gemm (its own loops: channels, rows, columns), channel tiles on two virtual threads.
//
//   dl-opt examples/vta_conv2d.mlir -p te-to-loop,loop-tensorize --target vta --run --check
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
  te.kernel @conv2d(%D: tensor<1x2x16x16x1x16xi8>, %K: tensor<4x2x3x3x16x16xi8>) -> tensor<1x4x14x14x1x16xi8> {
    %C = te.compute "C" (%n: 1, %co: 4, %y: 14, %x: 14, %nb: 1, %cb: 16) reduce (%ci: 2, %dy: 3, %dx: 3, %ki: 16) combiner add init 0 : i32 {
      %0 = arith.addi %y, %dy : index
      %1 = arith.addi %x, %dx : index
      %2 = te.read %D[%n, %ci, %0, %1, %nb, %ki] : tensor<1x2x16x16x1x16xi8> -> i8
      %3 = arith.index_cast %2 : i8 to index
      %4 = arith.index_cast %3 : index to i32
      %5 = te.read %K[%co, %ci, %dy, %dx, %cb, %ki] : tensor<4x2x3x3x16x16xi8> -> i8
      %6 = arith.index_cast %5 : i8 to index
      %7 = arith.index_cast %6 : index to i32
      %8 = arith.muli %4, %7 : i32
      te.yield %8 : i32
    } : tensor<1x4x14x14x1x16xi32>
    %O = te.compute "O" (%on: 1, %oc: 4, %oy: 14, %ox: 14, %onb: 1, %ocb: 16) {
      %0 = te.read %C[%on, %oc, %oy, %ox, %onb, %ocb] : tensor<1x4x14x14x1x16xi32> -> i32
      %1 = arith.constant 8 : i32
      %2 = arith.constant 0 : i32
      %3 = arith.constant 127 : i32
      %4 = arith.shrsi %0, %1 : i32
      %5 = arith.maxsi %4, %2 : i32
      %6 = arith.minsi %5, %3 : i32
      %7 = arith.trunci %6 : i32 to i8
      te.yield %7 : i8
    } : tensor<1x4x14x14x1x16xi8>
    te.return %O : tensor<1x4x14x14x1x16xi8>
  }
  te.schedule @conv2d {
    te.cache_read "D" "vta.inp" for ["C"] -> "D_inp"
    te.cache_read "K" "vta.wgt" for ["C"] -> "K_wgt"
    te.set_scope "C" "vta.acc"
    te.split "O" "oc" by 2 -> "coo", "coi"
    te.split "O" "oy" by 7 -> "yo", "yi"
    te.reorder "O" ["on", "coo", "yo", "coi", "yi"]
    te.virtual_thread "O" "coo" 2
    te.compute_at "C" at "O" "yo"
    te.split "C" "ci" by 2 -> "cio", "cii"
    te.reorder "C" ["cio", "cii", "dy", "dx", "n", "co", "y", "x", "nb", "cb", "ki"]
    te.compute_at "D_inp" at "C" "cio"
    te.compute_at "K_wgt" at "C" "cio"
    te.tensorize "C" "nb" with @vta_gemm
  }
}
