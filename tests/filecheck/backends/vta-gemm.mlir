// RUN: dl-opt %s -p te-to-loop,loop-tensorize | filecheck %s
// RUN: dl-opt %s -p te-to-loop,loop-tensorize --emit vta | filecheck %s --check-prefix=VTA

/// A VTA GEMM (32x32x32 int8, tiles stored tile by tile): A and W cached on chip, C in the
/// accumulator, the gemm block tensorized with @vta_gemm, the output columns on two
/// virtual threads.
// CHECK-LABEL: loop.func @gemm
// CHECK:         loop.for %[[IO:.*]] = %c0 to %c2 step %c1 {
// CHECK-NEXT:      loop.for %[[JO:.*]] = %c0 to %c2 step %c1 {
// CHECK-NEXT:        %[[C:.*]] = loop.alloc "vta.acc" align 64 : memref<16x1x1x16xi32, "vta.acc">
// CHECK:             %[[W:.*]] = loop.alloc "vta.wgt" align 64 : memref<1x2x16x16xi8, "vta.wgt">
// CHECK-NEXT:        %[[A:.*]] = loop.alloc "vta.inp" align 64 : memref<16x2x1x16xi8, "vta.inp">
// CHECK:             loop.store %{{.*}}, %[[A]][
// CHECK:             loop.for %[[KOI:.*]] = %c0 to %c2 step %c1 {
// CHECK-NEXT:          loop.for %[[I:.*]] = %c0 to %c16 step %c1 {
// CHECK-NEXT:            loop.for %[[J:.*]] = %c0 to %c1 step %c1 {
// CHECK-NEXT:              %[[INP:.*]] = loop.subview %[[A]][%[[I]], %[[KOI]], 0, 0] : memref<16x2x1x16xi8, "vta.inp"> to memref<1x16xi8, strided<[16, 1], offset: ?>, "vta.inp">
// CHECK-NEXT:              %[[WGT:.*]] = loop.subview %[[W]][%[[J]], %[[KOI]], 0, 0] : memref<1x2x16x16xi8, "vta.wgt"> to memref<16x16xi8, strided<[16, 1], offset: ?>, "vta.wgt">
// CHECK-NEXT:              %[[ACC:.*]] = loop.subview %[[C]][%[[I]], %[[J]], 0, 0] : memref<16x1x1x16xi32, "vta.acc"> to memref<1x16xi32, strided<[16, 1], offset: ?>, "vta.acc">
// CHECK-NEXT:              hw.call @vta_gemm(%[[INP]], %[[WGT]], %[[ACC]])
// CHECK:             arith.shrsi
// CHECK:             arith.trunci
// CHECK:             loop.free %[[C]]
// CHECK-NEXT:      } {vthread = 2 : i64}

/// Two threads: each its own acc and wgt tiles; the A tile does not depend on the thread,
/// so it is loaded once and both gemms read it; the loads issue in the order the gemms
/// need them (thread 1's weights after the shared A tile); the store clips to int8, so
/// the epilogue's `min #127` is dropped; the next block's buffers take the next free
/// ranges (double buffering), so its loads need not wait for these gemms.
// VTA:      0  gemm    reset acc[0] (16: acc+1)
// VTA-NEXT: 1  gemm    reset acc[16] (16: acc+1)
// VTA-NEXT: 2  load    vta.wgt[0] <- W[0]  1x2 tiles, stride 512
// VTA-NEXT: 3  load    vta.inp[0] <- A[0]  1x32 tiles, stride 512 {{ *}}; push_next
// VTA-NEXT: 4  load    vta.wgt[2] <- W[512]  1x2 tiles, stride 512 {{ *}}; push_next
// VTA-NEXT: 5  gemm    acc[0] inp[0] wgt[0] (2: inp+1 wgt+1) (16: acc+1 inp+2) {{ *}}; pop_prev
// VTA-NEXT: 6  gemm    acc[16] inp[0] wgt[2] (2: inp+1 wgt+1) (16: acc+1 inp+2) {{ *}}; pop_prev
// VTA-NEXT: 7  alu     shr acc[0], #8 (16: dst+1)
// VTA-NEXT: 8  alu     max acc[0], #0 (16: dst+1) {{ *}}; push_next
// VTA-NEXT: 9  store   O[0] <- vta.acc[0]  16x1 tiles, stride 32 {{ *}}; pop_prev
// VTA:      13  gemm    reset acc[32] (16: acc+1)
// VTA-NEXT: 14  gemm    reset acc[48] (16: acc+1)
// VTA-NEXT: 15  load    vta.wgt[4] <- W[0]  1x2 tiles, stride 512
// VTA-NEXT: 16  load    vta.inp[32] <- A[512]  1x32 tiles, stride 512 {{ *}}; push_next
// VTA:      26  finish {{ *}}; pop_next

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
  te.kernel @gemm(%A: tensor<32x2x1x16xi8>, %W: tensor<2x2x16x16xi8>) -> tensor<32x2x1x16xi8> {
    %C = te.compute "C" (%i: 32, %j: 2, %ib: 1, %jb: 16) reduce (%ko: 2, %ki: 16) combiner add init 0 : i32 {
      %0 = te.read %A[%i, %ko, %ib, %ki] : tensor<32x2x1x16xi8> -> i8
      %1 = arith.index_cast %0 : i8 to index
      %2 = arith.index_cast %1 : index to i32
      %3 = te.read %W[%j, %ko, %jb, %ki] : tensor<2x2x16x16xi8> -> i8
      %4 = arith.index_cast %3 : i8 to index
      %5 = arith.index_cast %4 : index to i32
      %6 = arith.muli %2, %5 : i32
      te.yield %6 : i32
    } : tensor<32x2x1x16xi32>
    %O = te.compute "O" (%oi: 32, %oj: 2, %ob: 1, %oc: 16) {
      %0 = te.read %C[%oi, %oj, %ob, %oc] : tensor<32x2x1x16xi32> -> i32
      %1 = arith.constant 8 : i32
      %2 = arith.constant 0 : i32
      %3 = arith.constant 127 : i32
      %4 = arith.shrsi %0, %1 : i32
      %5 = arith.maxsi %4, %2 : i32
      %6 = arith.minsi %5, %3 : i32
      %7 = arith.trunci %6 : i32 to i8
      te.yield %7 : i8
    } : tensor<32x2x1x16xi8>
    te.return %O : tensor<32x2x1x16xi8>
  }
  te.schedule @gemm {
    te.cache_read "A" "vta.inp" for ["C"] -> "A_inp"
    te.cache_read "W" "vta.wgt" for ["C"] -> "W_wgt"
    te.set_scope "C" "vta.acc"
    te.split "O" "oi" by 16 -> "io", "ii"
    te.split "O" "oj" by 1 -> "jo", "ji"
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
