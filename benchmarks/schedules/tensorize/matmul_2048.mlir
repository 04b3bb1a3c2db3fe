// matmul 2048x2048x2048 f32 through the AVX2+FMA GEMM micro-kernel: te.tensorize onto
// `gemm_microkernel` (dlir/intrinsics/cpu.py: 6 x 16 tile, kc = 2048, packed A and B).
//
//   python benchmarks/run.py --workloads matmul_2048 --systems dlir,dlir-sched,numpy --threads 1 \
//       --schedules-dir benchmarks/schedules/tensorize
//   dl-opt benchmarks/schedules/tensorize/matmul_2048.mlir -p te-to-loop,loop-tensorize
//
// (A folder of its own: the test-sizes rewrite of tests/unit/test_benchmarks.py would turn
// the kernel's i64 into i6; tests/unit/intrinsics/test_tensorize_schedules.py runs these.)
//
// The stages and packing are matmul_2048.mlir's (Ap = A as [i / 6, k, i % 6], Bp = B as
// [j / 16, k, j % 16]); the schedule is GotoBLAS's loop order around the kernel:
// - k in panels of 2048 (ko outermost; 1 of them): each call sums its panel into C's tile
//   in registers, loading and storing the tile once. All of k per call measured faster
//   than L1-sized panels of 256 or 512 (0.87x numpy against 0.76-0.77x at 2048, 1 thread,
//   on the shared machine: C's tile traffic and the init pass grow with n / kc);
// - rows in blocks of 192 (ib): the block's 32 panels of Ap stay in L2 while the
//   column panels jo stream past them;
// - `te.tensorize "C" "ki"`: the nest ki, ii, ji (C[i, j] += Ap[io, k, ii] * Bp[jo, k, ji]
//   over 6 x 16 x 2048) becomes `hw.call @gemm_6x16_k2048_packed_packed` on subviews; the
//   peeled last row tile (2048 = 341 x 6 + 2) stays plain loops. C's init stays a loop nest.
// The intrinsic below is `print_module` of `declare(module, "gemm_microkernel", kc=2048)`:
// its behavior (loop IR) and its llvm.func implementation (12 vector accumulators).
// test sizes: 2048=96 2047=95 342=16 128=6
hw.intrinsic @gemm_6x16_k2048_packed_packed(%a: memref<2048x6xf32, strided<[6, 1], offset: ?>>, %b: memref<2048x16xf32, strided<[16, 1], offset: ?>>, %c: memref<6x16xf32, strided<[?, 1], offset: ?>>) attributes {target = "x86-avx2-fma", num_outputs = 1 : i64, features = ["avx2", "fma"], implementation = @gemm_6x16_k2048_packed_packed_avx2} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %mr = arith.constant 6 : index
  %nr = arith.constant 16 : index
  %kc = arith.constant 2048 : index
  loop.for %i = %c0 to %mr step %c1 {
    loop.for %j = %c0 to %nr step %c1 {
      loop.for %k = %c0 to %kc step %c1 {
        %x = loop.load %a[%k, %i] : memref<2048x6xf32, strided<[6, 1], offset: ?>>
        %y = loop.load %b[%k, %j] : memref<2048x16xf32, strided<[16, 1], offset: ?>>
        %z = loop.load %c[%i, %j] : memref<6x16xf32, strided<[?, 1], offset: ?>>
        %p = arith.mulf %x, %y : f32
        %s = arith.addf %z, %p : f32
        loop.store %s, %c[%i, %j] : memref<6x16xf32, strided<[?, 1], offset: ?>>
      }
    }
  }
  hw.return
}
llvm.func internal @gemm_6x16_k2048_packed_packed_avx2(%a: !llvm.ptr, %b: !llvm.ptr, %c: !llvm.ptr {llvm.noalias}, %ldc: i64) {
  %cst = llvm.mlir.constant(0) : i64
  %c_off = llvm.mul %ldc, %cst : i64
  %c0 = llvm.getelementptr inbounds %c[%c_off] : (!llvm.ptr, i64) -> !llvm.ptr, f32
  %cst_1 = llvm.mlir.constant(1) : i64
  %c_off_1 = llvm.mul %ldc, %cst_1 : i64
  %c1 = llvm.getelementptr inbounds %c[%c_off_1] : (!llvm.ptr, i64) -> !llvm.ptr, f32
  %cst_2 = llvm.mlir.constant(2) : i64
  %c_off_2 = llvm.mul %ldc, %cst_2 : i64
  %c2 = llvm.getelementptr inbounds %c[%c_off_2] : (!llvm.ptr, i64) -> !llvm.ptr, f32
  %cst_3 = llvm.mlir.constant(3) : i64
  %c_off_3 = llvm.mul %ldc, %cst_3 : i64
  %c3 = llvm.getelementptr inbounds %c[%c_off_3] : (!llvm.ptr, i64) -> !llvm.ptr, f32
  %cst_4 = llvm.mlir.constant(4) : i64
  %c_off_4 = llvm.mul %ldc, %cst_4 : i64
  %c4 = llvm.getelementptr inbounds %c[%c_off_4] : (!llvm.ptr, i64) -> !llvm.ptr, f32
  %cst_5 = llvm.mlir.constant(5) : i64
  %c_off_5 = llvm.mul %ldc, %cst_5 : i64
  %c5 = llvm.getelementptr inbounds %c[%c_off_5] : (!llvm.ptr, i64) -> !llvm.ptr, f32
  %pf = llvm.mlir.constant(0 : i32) : i32
  %pf_1 = llvm.mlir.constant(3 : i32) : i32
  %pf_2 = llvm.mlir.constant(1 : i32) : i32
  llvm.call_intrinsic "llvm.prefetch.p0"(%c0, %pf, %pf_1, %pf_2) : (!llvm.ptr, i32, i32, i32) -> ()
  %c0_1 = llvm.getelementptr inbounds %c0[15] : (!llvm.ptr) -> !llvm.ptr, f32
  %pf_3 = llvm.mlir.constant(0 : i32) : i32
  %pf_4 = llvm.mlir.constant(3 : i32) : i32
  %pf_5 = llvm.mlir.constant(1 : i32) : i32
  llvm.call_intrinsic "llvm.prefetch.p0"(%c0_1, %pf_3, %pf_4, %pf_5) : (!llvm.ptr, i32, i32, i32) -> ()
  %pf_6 = llvm.mlir.constant(0 : i32) : i32
  %pf_7 = llvm.mlir.constant(3 : i32) : i32
  %pf_8 = llvm.mlir.constant(1 : i32) : i32
  llvm.call_intrinsic "llvm.prefetch.p0"(%c1, %pf_6, %pf_7, %pf_8) : (!llvm.ptr, i32, i32, i32) -> ()
  %c1_1 = llvm.getelementptr inbounds %c1[15] : (!llvm.ptr) -> !llvm.ptr, f32
  %pf_9 = llvm.mlir.constant(0 : i32) : i32
  %pf_10 = llvm.mlir.constant(3 : i32) : i32
  %pf_11 = llvm.mlir.constant(1 : i32) : i32
  llvm.call_intrinsic "llvm.prefetch.p0"(%c1_1, %pf_9, %pf_10, %pf_11) : (!llvm.ptr, i32, i32, i32) -> ()
  %pf_12 = llvm.mlir.constant(0 : i32) : i32
  %pf_13 = llvm.mlir.constant(3 : i32) : i32
  %pf_14 = llvm.mlir.constant(1 : i32) : i32
  llvm.call_intrinsic "llvm.prefetch.p0"(%c2, %pf_12, %pf_13, %pf_14) : (!llvm.ptr, i32, i32, i32) -> ()
  %c2_1 = llvm.getelementptr inbounds %c2[15] : (!llvm.ptr) -> !llvm.ptr, f32
  %pf_15 = llvm.mlir.constant(0 : i32) : i32
  %pf_16 = llvm.mlir.constant(3 : i32) : i32
  %pf_17 = llvm.mlir.constant(1 : i32) : i32
  llvm.call_intrinsic "llvm.prefetch.p0"(%c2_1, %pf_15, %pf_16, %pf_17) : (!llvm.ptr, i32, i32, i32) -> ()
  %pf_18 = llvm.mlir.constant(0 : i32) : i32
  %pf_19 = llvm.mlir.constant(3 : i32) : i32
  %pf_20 = llvm.mlir.constant(1 : i32) : i32
  llvm.call_intrinsic "llvm.prefetch.p0"(%c3, %pf_18, %pf_19, %pf_20) : (!llvm.ptr, i32, i32, i32) -> ()
  %c3_1 = llvm.getelementptr inbounds %c3[15] : (!llvm.ptr) -> !llvm.ptr, f32
  %pf_21 = llvm.mlir.constant(0 : i32) : i32
  %pf_22 = llvm.mlir.constant(3 : i32) : i32
  %pf_23 = llvm.mlir.constant(1 : i32) : i32
  llvm.call_intrinsic "llvm.prefetch.p0"(%c3_1, %pf_21, %pf_22, %pf_23) : (!llvm.ptr, i32, i32, i32) -> ()
  %pf_24 = llvm.mlir.constant(0 : i32) : i32
  %pf_25 = llvm.mlir.constant(3 : i32) : i32
  %pf_26 = llvm.mlir.constant(1 : i32) : i32
  llvm.call_intrinsic "llvm.prefetch.p0"(%c4, %pf_24, %pf_25, %pf_26) : (!llvm.ptr, i32, i32, i32) -> ()
  %c4_1 = llvm.getelementptr inbounds %c4[15] : (!llvm.ptr) -> !llvm.ptr, f32
  %pf_27 = llvm.mlir.constant(0 : i32) : i32
  %pf_28 = llvm.mlir.constant(3 : i32) : i32
  %pf_29 = llvm.mlir.constant(1 : i32) : i32
  llvm.call_intrinsic "llvm.prefetch.p0"(%c4_1, %pf_27, %pf_28, %pf_29) : (!llvm.ptr, i32, i32, i32) -> ()
  %pf_30 = llvm.mlir.constant(0 : i32) : i32
  %pf_31 = llvm.mlir.constant(3 : i32) : i32
  %pf_32 = llvm.mlir.constant(1 : i32) : i32
  llvm.call_intrinsic "llvm.prefetch.p0"(%c5, %pf_30, %pf_31, %pf_32) : (!llvm.ptr, i32, i32, i32) -> ()
  %c5_1 = llvm.getelementptr inbounds %c5[15] : (!llvm.ptr) -> !llvm.ptr, f32
  %pf_33 = llvm.mlir.constant(0 : i32) : i32
  %pf_34 = llvm.mlir.constant(3 : i32) : i32
  %pf_35 = llvm.mlir.constant(1 : i32) : i32
  llvm.call_intrinsic "llvm.prefetch.p0"(%c5_1, %pf_33, %pf_34, %pf_35) : (!llvm.ptr, i32, i32, i32) -> ()
  %zero = llvm.mlir.constant(dense<0.000000e+00> : vector<8xf32>) : vector<8xf32>
  %cst_6 = llvm.mlir.constant(0) : i64
  llvm.br ^bb1(%cst_6, %zero, %zero, %zero, %zero, %zero, %zero, %zero, %zero, %zero, %zero, %zero, %zero : i64, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>)
^bb1(%k: i64, %acc00: vector<8xf32>, %acc01: vector<8xf32>, %acc10: vector<8xf32>, %acc11: vector<8xf32>, %acc20: vector<8xf32>, %acc21: vector<8xf32>, %acc30: vector<8xf32>, %acc31: vector<8xf32>, %acc40: vector<8xf32>, %acc41: vector<8xf32>, %acc50: vector<8xf32>, %acc51: vector<8xf32>):
  %cst_7 = llvm.mlir.constant(16) : i64
  %b_off = llvm.mul %k, %cst_7 : i64
  %b_k = llvm.getelementptr inbounds %b[%b_off] : (!llvm.ptr, i64) -> !llvm.ptr, f32
  %b0 = llvm.load %b_k {alignment = 4 : i64} : !llvm.ptr -> vector<8xf32>
  %b_k1 = llvm.getelementptr inbounds %b_k[8] : (!llvm.ptr) -> !llvm.ptr, f32
  %b1 = llvm.load %b_k1 {alignment = 4 : i64} : !llvm.ptr -> vector<8xf32>
  %cst_8 = llvm.mlir.constant(6) : i64
  %a_off = llvm.mul %k, %cst_8 : i64
  %a_k = llvm.getelementptr inbounds %a[%a_off] : (!llvm.ptr, i64) -> !llvm.ptr, f32
  %a0 = llvm.load %a_k {alignment = 4 : i64} : !llvm.ptr -> f32
  %undef = llvm.mlir.undef : vector<8xf32>
  %lane0 = llvm.mlir.constant(0 : i32) : i32
  %a0_splat = llvm.insertelement %a0, %undef[%lane0 : i32] : vector<8xf32>
  %a0_splat_1 = llvm.shufflevector %a0_splat, %undef [0, 0, 0, 0, 0, 0, 0, 0] : vector<8xf32>
  %acc00_1 = llvm.intr.fma(%a0_splat_1, %b0, %acc00) : (vector<8xf32>, vector<8xf32>, vector<8xf32>) -> vector<8xf32>
  %acc01_1 = llvm.intr.fma(%a0_splat_1, %b1, %acc01) : (vector<8xf32>, vector<8xf32>, vector<8xf32>) -> vector<8xf32>
  %a_k1 = llvm.getelementptr inbounds %a_k[1] : (!llvm.ptr) -> !llvm.ptr, f32
  %a1 = llvm.load %a_k1 {alignment = 4 : i64} : !llvm.ptr -> f32
  %undef_1 = llvm.mlir.undef : vector<8xf32>
  %lane0_1 = llvm.mlir.constant(0 : i32) : i32
  %a1_splat = llvm.insertelement %a1, %undef_1[%lane0_1 : i32] : vector<8xf32>
  %a1_splat_1 = llvm.shufflevector %a1_splat, %undef_1 [0, 0, 0, 0, 0, 0, 0, 0] : vector<8xf32>
  %acc10_1 = llvm.intr.fma(%a1_splat_1, %b0, %acc10) : (vector<8xf32>, vector<8xf32>, vector<8xf32>) -> vector<8xf32>
  %acc11_1 = llvm.intr.fma(%a1_splat_1, %b1, %acc11) : (vector<8xf32>, vector<8xf32>, vector<8xf32>) -> vector<8xf32>
  %a_k2 = llvm.getelementptr inbounds %a_k[2] : (!llvm.ptr) -> !llvm.ptr, f32
  %a2 = llvm.load %a_k2 {alignment = 4 : i64} : !llvm.ptr -> f32
  %undef_2 = llvm.mlir.undef : vector<8xf32>
  %lane0_2 = llvm.mlir.constant(0 : i32) : i32
  %a2_splat = llvm.insertelement %a2, %undef_2[%lane0_2 : i32] : vector<8xf32>
  %a2_splat_1 = llvm.shufflevector %a2_splat, %undef_2 [0, 0, 0, 0, 0, 0, 0, 0] : vector<8xf32>
  %acc20_1 = llvm.intr.fma(%a2_splat_1, %b0, %acc20) : (vector<8xf32>, vector<8xf32>, vector<8xf32>) -> vector<8xf32>
  %acc21_1 = llvm.intr.fma(%a2_splat_1, %b1, %acc21) : (vector<8xf32>, vector<8xf32>, vector<8xf32>) -> vector<8xf32>
  %a_k3 = llvm.getelementptr inbounds %a_k[3] : (!llvm.ptr) -> !llvm.ptr, f32
  %a3 = llvm.load %a_k3 {alignment = 4 : i64} : !llvm.ptr -> f32
  %undef_3 = llvm.mlir.undef : vector<8xf32>
  %lane0_3 = llvm.mlir.constant(0 : i32) : i32
  %a3_splat = llvm.insertelement %a3, %undef_3[%lane0_3 : i32] : vector<8xf32>
  %a3_splat_1 = llvm.shufflevector %a3_splat, %undef_3 [0, 0, 0, 0, 0, 0, 0, 0] : vector<8xf32>
  %acc30_1 = llvm.intr.fma(%a3_splat_1, %b0, %acc30) : (vector<8xf32>, vector<8xf32>, vector<8xf32>) -> vector<8xf32>
  %acc31_1 = llvm.intr.fma(%a3_splat_1, %b1, %acc31) : (vector<8xf32>, vector<8xf32>, vector<8xf32>) -> vector<8xf32>
  %a_k4 = llvm.getelementptr inbounds %a_k[4] : (!llvm.ptr) -> !llvm.ptr, f32
  %a4 = llvm.load %a_k4 {alignment = 4 : i64} : !llvm.ptr -> f32
  %undef_4 = llvm.mlir.undef : vector<8xf32>
  %lane0_4 = llvm.mlir.constant(0 : i32) : i32
  %a4_splat = llvm.insertelement %a4, %undef_4[%lane0_4 : i32] : vector<8xf32>
  %a4_splat_1 = llvm.shufflevector %a4_splat, %undef_4 [0, 0, 0, 0, 0, 0, 0, 0] : vector<8xf32>
  %acc40_1 = llvm.intr.fma(%a4_splat_1, %b0, %acc40) : (vector<8xf32>, vector<8xf32>, vector<8xf32>) -> vector<8xf32>
  %acc41_1 = llvm.intr.fma(%a4_splat_1, %b1, %acc41) : (vector<8xf32>, vector<8xf32>, vector<8xf32>) -> vector<8xf32>
  %a_k5 = llvm.getelementptr inbounds %a_k[5] : (!llvm.ptr) -> !llvm.ptr, f32
  %a5 = llvm.load %a_k5 {alignment = 4 : i64} : !llvm.ptr -> f32
  %undef_5 = llvm.mlir.undef : vector<8xf32>
  %lane0_5 = llvm.mlir.constant(0 : i32) : i32
  %a5_splat = llvm.insertelement %a5, %undef_5[%lane0_5 : i32] : vector<8xf32>
  %a5_splat_1 = llvm.shufflevector %a5_splat, %undef_5 [0, 0, 0, 0, 0, 0, 0, 0] : vector<8xf32>
  %acc50_1 = llvm.intr.fma(%a5_splat_1, %b0, %acc50) : (vector<8xf32>, vector<8xf32>, vector<8xf32>) -> vector<8xf32>
  %acc51_1 = llvm.intr.fma(%a5_splat_1, %b1, %acc51) : (vector<8xf32>, vector<8xf32>, vector<8xf32>) -> vector<8xf32>
  %cst_9 = llvm.mlir.constant(1) : i64
  %k_1 = llvm.add %k, %cst_9 : i64
  %cst_10 = llvm.mlir.constant(16) : i64
  %b_off_1 = llvm.mul %k_1, %cst_10 : i64
  %b_k_1 = llvm.getelementptr inbounds %b[%b_off_1] : (!llvm.ptr, i64) -> !llvm.ptr, f32
  %b0_1 = llvm.load %b_k_1 {alignment = 4 : i64} : !llvm.ptr -> vector<8xf32>
  %b_k1_1 = llvm.getelementptr inbounds %b_k_1[8] : (!llvm.ptr) -> !llvm.ptr, f32
  %b1_1 = llvm.load %b_k1_1 {alignment = 4 : i64} : !llvm.ptr -> vector<8xf32>
  %cst_11 = llvm.mlir.constant(6) : i64
  %a_off_1 = llvm.mul %k_1, %cst_11 : i64
  %a_k_1 = llvm.getelementptr inbounds %a[%a_off_1] : (!llvm.ptr, i64) -> !llvm.ptr, f32
  %a0_1 = llvm.load %a_k_1 {alignment = 4 : i64} : !llvm.ptr -> f32
  %undef_6 = llvm.mlir.undef : vector<8xf32>
  %lane0_6 = llvm.mlir.constant(0 : i32) : i32
  %a0_splat_2 = llvm.insertelement %a0_1, %undef_6[%lane0_6 : i32] : vector<8xf32>
  %a0_splat_3 = llvm.shufflevector %a0_splat_2, %undef_6 [0, 0, 0, 0, 0, 0, 0, 0] : vector<8xf32>
  %acc00_2 = llvm.intr.fma(%a0_splat_3, %b0_1, %acc00_1) : (vector<8xf32>, vector<8xf32>, vector<8xf32>) -> vector<8xf32>
  %acc01_2 = llvm.intr.fma(%a0_splat_3, %b1_1, %acc01_1) : (vector<8xf32>, vector<8xf32>, vector<8xf32>) -> vector<8xf32>
  %a_k1_1 = llvm.getelementptr inbounds %a_k_1[1] : (!llvm.ptr) -> !llvm.ptr, f32
  %a1_1 = llvm.load %a_k1_1 {alignment = 4 : i64} : !llvm.ptr -> f32
  %undef_7 = llvm.mlir.undef : vector<8xf32>
  %lane0_7 = llvm.mlir.constant(0 : i32) : i32
  %a1_splat_2 = llvm.insertelement %a1_1, %undef_7[%lane0_7 : i32] : vector<8xf32>
  %a1_splat_3 = llvm.shufflevector %a1_splat_2, %undef_7 [0, 0, 0, 0, 0, 0, 0, 0] : vector<8xf32>
  %acc10_2 = llvm.intr.fma(%a1_splat_3, %b0_1, %acc10_1) : (vector<8xf32>, vector<8xf32>, vector<8xf32>) -> vector<8xf32>
  %acc11_2 = llvm.intr.fma(%a1_splat_3, %b1_1, %acc11_1) : (vector<8xf32>, vector<8xf32>, vector<8xf32>) -> vector<8xf32>
  %a_k2_1 = llvm.getelementptr inbounds %a_k_1[2] : (!llvm.ptr) -> !llvm.ptr, f32
  %a2_1 = llvm.load %a_k2_1 {alignment = 4 : i64} : !llvm.ptr -> f32
  %undef_8 = llvm.mlir.undef : vector<8xf32>
  %lane0_8 = llvm.mlir.constant(0 : i32) : i32
  %a2_splat_2 = llvm.insertelement %a2_1, %undef_8[%lane0_8 : i32] : vector<8xf32>
  %a2_splat_3 = llvm.shufflevector %a2_splat_2, %undef_8 [0, 0, 0, 0, 0, 0, 0, 0] : vector<8xf32>
  %acc20_2 = llvm.intr.fma(%a2_splat_3, %b0_1, %acc20_1) : (vector<8xf32>, vector<8xf32>, vector<8xf32>) -> vector<8xf32>
  %acc21_2 = llvm.intr.fma(%a2_splat_3, %b1_1, %acc21_1) : (vector<8xf32>, vector<8xf32>, vector<8xf32>) -> vector<8xf32>
  %a_k3_1 = llvm.getelementptr inbounds %a_k_1[3] : (!llvm.ptr) -> !llvm.ptr, f32
  %a3_1 = llvm.load %a_k3_1 {alignment = 4 : i64} : !llvm.ptr -> f32
  %undef_9 = llvm.mlir.undef : vector<8xf32>
  %lane0_9 = llvm.mlir.constant(0 : i32) : i32
  %a3_splat_2 = llvm.insertelement %a3_1, %undef_9[%lane0_9 : i32] : vector<8xf32>
  %a3_splat_3 = llvm.shufflevector %a3_splat_2, %undef_9 [0, 0, 0, 0, 0, 0, 0, 0] : vector<8xf32>
  %acc30_2 = llvm.intr.fma(%a3_splat_3, %b0_1, %acc30_1) : (vector<8xf32>, vector<8xf32>, vector<8xf32>) -> vector<8xf32>
  %acc31_2 = llvm.intr.fma(%a3_splat_3, %b1_1, %acc31_1) : (vector<8xf32>, vector<8xf32>, vector<8xf32>) -> vector<8xf32>
  %a_k4_1 = llvm.getelementptr inbounds %a_k_1[4] : (!llvm.ptr) -> !llvm.ptr, f32
  %a4_1 = llvm.load %a_k4_1 {alignment = 4 : i64} : !llvm.ptr -> f32
  %undef_10 = llvm.mlir.undef : vector<8xf32>
  %lane0_10 = llvm.mlir.constant(0 : i32) : i32
  %a4_splat_2 = llvm.insertelement %a4_1, %undef_10[%lane0_10 : i32] : vector<8xf32>
  %a4_splat_3 = llvm.shufflevector %a4_splat_2, %undef_10 [0, 0, 0, 0, 0, 0, 0, 0] : vector<8xf32>
  %acc40_2 = llvm.intr.fma(%a4_splat_3, %b0_1, %acc40_1) : (vector<8xf32>, vector<8xf32>, vector<8xf32>) -> vector<8xf32>
  %acc41_2 = llvm.intr.fma(%a4_splat_3, %b1_1, %acc41_1) : (vector<8xf32>, vector<8xf32>, vector<8xf32>) -> vector<8xf32>
  %a_k5_1 = llvm.getelementptr inbounds %a_k_1[5] : (!llvm.ptr) -> !llvm.ptr, f32
  %a5_1 = llvm.load %a_k5_1 {alignment = 4 : i64} : !llvm.ptr -> f32
  %undef_11 = llvm.mlir.undef : vector<8xf32>
  %lane0_11 = llvm.mlir.constant(0 : i32) : i32
  %a5_splat_2 = llvm.insertelement %a5_1, %undef_11[%lane0_11 : i32] : vector<8xf32>
  %a5_splat_3 = llvm.shufflevector %a5_splat_2, %undef_11 [0, 0, 0, 0, 0, 0, 0, 0] : vector<8xf32>
  %acc50_2 = llvm.intr.fma(%a5_splat_3, %b0_1, %acc50_1) : (vector<8xf32>, vector<8xf32>, vector<8xf32>) -> vector<8xf32>
  %acc51_2 = llvm.intr.fma(%a5_splat_3, %b1_1, %acc51_1) : (vector<8xf32>, vector<8xf32>, vector<8xf32>) -> vector<8xf32>
  %cst_12 = llvm.mlir.constant(2) : i64
  %k_2 = llvm.add %k, %cst_12 : i64
  %cst_13 = llvm.mlir.constant(16) : i64
  %b_off_2 = llvm.mul %k_2, %cst_13 : i64
  %b_k_2 = llvm.getelementptr inbounds %b[%b_off_2] : (!llvm.ptr, i64) -> !llvm.ptr, f32
  %b0_2 = llvm.load %b_k_2 {alignment = 4 : i64} : !llvm.ptr -> vector<8xf32>
  %b_k1_2 = llvm.getelementptr inbounds %b_k_2[8] : (!llvm.ptr) -> !llvm.ptr, f32
  %b1_2 = llvm.load %b_k1_2 {alignment = 4 : i64} : !llvm.ptr -> vector<8xf32>
  %cst_14 = llvm.mlir.constant(6) : i64
  %a_off_2 = llvm.mul %k_2, %cst_14 : i64
  %a_k_2 = llvm.getelementptr inbounds %a[%a_off_2] : (!llvm.ptr, i64) -> !llvm.ptr, f32
  %a0_2 = llvm.load %a_k_2 {alignment = 4 : i64} : !llvm.ptr -> f32
  %undef_12 = llvm.mlir.undef : vector<8xf32>
  %lane0_12 = llvm.mlir.constant(0 : i32) : i32
  %a0_splat_4 = llvm.insertelement %a0_2, %undef_12[%lane0_12 : i32] : vector<8xf32>
  %a0_splat_5 = llvm.shufflevector %a0_splat_4, %undef_12 [0, 0, 0, 0, 0, 0, 0, 0] : vector<8xf32>
  %acc00_3 = llvm.intr.fma(%a0_splat_5, %b0_2, %acc00_2) : (vector<8xf32>, vector<8xf32>, vector<8xf32>) -> vector<8xf32>
  %acc01_3 = llvm.intr.fma(%a0_splat_5, %b1_2, %acc01_2) : (vector<8xf32>, vector<8xf32>, vector<8xf32>) -> vector<8xf32>
  %a_k1_2 = llvm.getelementptr inbounds %a_k_2[1] : (!llvm.ptr) -> !llvm.ptr, f32
  %a1_2 = llvm.load %a_k1_2 {alignment = 4 : i64} : !llvm.ptr -> f32
  %undef_13 = llvm.mlir.undef : vector<8xf32>
  %lane0_13 = llvm.mlir.constant(0 : i32) : i32
  %a1_splat_4 = llvm.insertelement %a1_2, %undef_13[%lane0_13 : i32] : vector<8xf32>
  %a1_splat_5 = llvm.shufflevector %a1_splat_4, %undef_13 [0, 0, 0, 0, 0, 0, 0, 0] : vector<8xf32>
  %acc10_3 = llvm.intr.fma(%a1_splat_5, %b0_2, %acc10_2) : (vector<8xf32>, vector<8xf32>, vector<8xf32>) -> vector<8xf32>
  %acc11_3 = llvm.intr.fma(%a1_splat_5, %b1_2, %acc11_2) : (vector<8xf32>, vector<8xf32>, vector<8xf32>) -> vector<8xf32>
  %a_k2_2 = llvm.getelementptr inbounds %a_k_2[2] : (!llvm.ptr) -> !llvm.ptr, f32
  %a2_2 = llvm.load %a_k2_2 {alignment = 4 : i64} : !llvm.ptr -> f32
  %undef_14 = llvm.mlir.undef : vector<8xf32>
  %lane0_14 = llvm.mlir.constant(0 : i32) : i32
  %a2_splat_4 = llvm.insertelement %a2_2, %undef_14[%lane0_14 : i32] : vector<8xf32>
  %a2_splat_5 = llvm.shufflevector %a2_splat_4, %undef_14 [0, 0, 0, 0, 0, 0, 0, 0] : vector<8xf32>
  %acc20_3 = llvm.intr.fma(%a2_splat_5, %b0_2, %acc20_2) : (vector<8xf32>, vector<8xf32>, vector<8xf32>) -> vector<8xf32>
  %acc21_3 = llvm.intr.fma(%a2_splat_5, %b1_2, %acc21_2) : (vector<8xf32>, vector<8xf32>, vector<8xf32>) -> vector<8xf32>
  %a_k3_2 = llvm.getelementptr inbounds %a_k_2[3] : (!llvm.ptr) -> !llvm.ptr, f32
  %a3_2 = llvm.load %a_k3_2 {alignment = 4 : i64} : !llvm.ptr -> f32
  %undef_15 = llvm.mlir.undef : vector<8xf32>
  %lane0_15 = llvm.mlir.constant(0 : i32) : i32
  %a3_splat_4 = llvm.insertelement %a3_2, %undef_15[%lane0_15 : i32] : vector<8xf32>
  %a3_splat_5 = llvm.shufflevector %a3_splat_4, %undef_15 [0, 0, 0, 0, 0, 0, 0, 0] : vector<8xf32>
  %acc30_3 = llvm.intr.fma(%a3_splat_5, %b0_2, %acc30_2) : (vector<8xf32>, vector<8xf32>, vector<8xf32>) -> vector<8xf32>
  %acc31_3 = llvm.intr.fma(%a3_splat_5, %b1_2, %acc31_2) : (vector<8xf32>, vector<8xf32>, vector<8xf32>) -> vector<8xf32>
  %a_k4_2 = llvm.getelementptr inbounds %a_k_2[4] : (!llvm.ptr) -> !llvm.ptr, f32
  %a4_2 = llvm.load %a_k4_2 {alignment = 4 : i64} : !llvm.ptr -> f32
  %undef_16 = llvm.mlir.undef : vector<8xf32>
  %lane0_16 = llvm.mlir.constant(0 : i32) : i32
  %a4_splat_4 = llvm.insertelement %a4_2, %undef_16[%lane0_16 : i32] : vector<8xf32>
  %a4_splat_5 = llvm.shufflevector %a4_splat_4, %undef_16 [0, 0, 0, 0, 0, 0, 0, 0] : vector<8xf32>
  %acc40_3 = llvm.intr.fma(%a4_splat_5, %b0_2, %acc40_2) : (vector<8xf32>, vector<8xf32>, vector<8xf32>) -> vector<8xf32>
  %acc41_3 = llvm.intr.fma(%a4_splat_5, %b1_2, %acc41_2) : (vector<8xf32>, vector<8xf32>, vector<8xf32>) -> vector<8xf32>
  %a_k5_2 = llvm.getelementptr inbounds %a_k_2[5] : (!llvm.ptr) -> !llvm.ptr, f32
  %a5_2 = llvm.load %a_k5_2 {alignment = 4 : i64} : !llvm.ptr -> f32
  %undef_17 = llvm.mlir.undef : vector<8xf32>
  %lane0_17 = llvm.mlir.constant(0 : i32) : i32
  %a5_splat_4 = llvm.insertelement %a5_2, %undef_17[%lane0_17 : i32] : vector<8xf32>
  %a5_splat_5 = llvm.shufflevector %a5_splat_4, %undef_17 [0, 0, 0, 0, 0, 0, 0, 0] : vector<8xf32>
  %acc50_3 = llvm.intr.fma(%a5_splat_5, %b0_2, %acc50_2) : (vector<8xf32>, vector<8xf32>, vector<8xf32>) -> vector<8xf32>
  %acc51_3 = llvm.intr.fma(%a5_splat_5, %b1_2, %acc51_2) : (vector<8xf32>, vector<8xf32>, vector<8xf32>) -> vector<8xf32>
  %cst_15 = llvm.mlir.constant(3) : i64
  %k_3 = llvm.add %k, %cst_15 : i64
  %cst_16 = llvm.mlir.constant(16) : i64
  %b_off_3 = llvm.mul %k_3, %cst_16 : i64
  %b_k_3 = llvm.getelementptr inbounds %b[%b_off_3] : (!llvm.ptr, i64) -> !llvm.ptr, f32
  %b0_3 = llvm.load %b_k_3 {alignment = 4 : i64} : !llvm.ptr -> vector<8xf32>
  %b_k1_3 = llvm.getelementptr inbounds %b_k_3[8] : (!llvm.ptr) -> !llvm.ptr, f32
  %b1_3 = llvm.load %b_k1_3 {alignment = 4 : i64} : !llvm.ptr -> vector<8xf32>
  %cst_17 = llvm.mlir.constant(6) : i64
  %a_off_3 = llvm.mul %k_3, %cst_17 : i64
  %a_k_3 = llvm.getelementptr inbounds %a[%a_off_3] : (!llvm.ptr, i64) -> !llvm.ptr, f32
  %a0_3 = llvm.load %a_k_3 {alignment = 4 : i64} : !llvm.ptr -> f32
  %undef_18 = llvm.mlir.undef : vector<8xf32>
  %lane0_18 = llvm.mlir.constant(0 : i32) : i32
  %a0_splat_6 = llvm.insertelement %a0_3, %undef_18[%lane0_18 : i32] : vector<8xf32>
  %a0_splat_7 = llvm.shufflevector %a0_splat_6, %undef_18 [0, 0, 0, 0, 0, 0, 0, 0] : vector<8xf32>
  %acc00_4 = llvm.intr.fma(%a0_splat_7, %b0_3, %acc00_3) : (vector<8xf32>, vector<8xf32>, vector<8xf32>) -> vector<8xf32>
  %acc01_4 = llvm.intr.fma(%a0_splat_7, %b1_3, %acc01_3) : (vector<8xf32>, vector<8xf32>, vector<8xf32>) -> vector<8xf32>
  %a_k1_3 = llvm.getelementptr inbounds %a_k_3[1] : (!llvm.ptr) -> !llvm.ptr, f32
  %a1_3 = llvm.load %a_k1_3 {alignment = 4 : i64} : !llvm.ptr -> f32
  %undef_19 = llvm.mlir.undef : vector<8xf32>
  %lane0_19 = llvm.mlir.constant(0 : i32) : i32
  %a1_splat_6 = llvm.insertelement %a1_3, %undef_19[%lane0_19 : i32] : vector<8xf32>
  %a1_splat_7 = llvm.shufflevector %a1_splat_6, %undef_19 [0, 0, 0, 0, 0, 0, 0, 0] : vector<8xf32>
  %acc10_4 = llvm.intr.fma(%a1_splat_7, %b0_3, %acc10_3) : (vector<8xf32>, vector<8xf32>, vector<8xf32>) -> vector<8xf32>
  %acc11_4 = llvm.intr.fma(%a1_splat_7, %b1_3, %acc11_3) : (vector<8xf32>, vector<8xf32>, vector<8xf32>) -> vector<8xf32>
  %a_k2_3 = llvm.getelementptr inbounds %a_k_3[2] : (!llvm.ptr) -> !llvm.ptr, f32
  %a2_3 = llvm.load %a_k2_3 {alignment = 4 : i64} : !llvm.ptr -> f32
  %undef_20 = llvm.mlir.undef : vector<8xf32>
  %lane0_20 = llvm.mlir.constant(0 : i32) : i32
  %a2_splat_6 = llvm.insertelement %a2_3, %undef_20[%lane0_20 : i32] : vector<8xf32>
  %a2_splat_7 = llvm.shufflevector %a2_splat_6, %undef_20 [0, 0, 0, 0, 0, 0, 0, 0] : vector<8xf32>
  %acc20_4 = llvm.intr.fma(%a2_splat_7, %b0_3, %acc20_3) : (vector<8xf32>, vector<8xf32>, vector<8xf32>) -> vector<8xf32>
  %acc21_4 = llvm.intr.fma(%a2_splat_7, %b1_3, %acc21_3) : (vector<8xf32>, vector<8xf32>, vector<8xf32>) -> vector<8xf32>
  %a_k3_3 = llvm.getelementptr inbounds %a_k_3[3] : (!llvm.ptr) -> !llvm.ptr, f32
  %a3_3 = llvm.load %a_k3_3 {alignment = 4 : i64} : !llvm.ptr -> f32
  %undef_21 = llvm.mlir.undef : vector<8xf32>
  %lane0_21 = llvm.mlir.constant(0 : i32) : i32
  %a3_splat_6 = llvm.insertelement %a3_3, %undef_21[%lane0_21 : i32] : vector<8xf32>
  %a3_splat_7 = llvm.shufflevector %a3_splat_6, %undef_21 [0, 0, 0, 0, 0, 0, 0, 0] : vector<8xf32>
  %acc30_4 = llvm.intr.fma(%a3_splat_7, %b0_3, %acc30_3) : (vector<8xf32>, vector<8xf32>, vector<8xf32>) -> vector<8xf32>
  %acc31_4 = llvm.intr.fma(%a3_splat_7, %b1_3, %acc31_3) : (vector<8xf32>, vector<8xf32>, vector<8xf32>) -> vector<8xf32>
  %a_k4_3 = llvm.getelementptr inbounds %a_k_3[4] : (!llvm.ptr) -> !llvm.ptr, f32
  %a4_3 = llvm.load %a_k4_3 {alignment = 4 : i64} : !llvm.ptr -> f32
  %undef_22 = llvm.mlir.undef : vector<8xf32>
  %lane0_22 = llvm.mlir.constant(0 : i32) : i32
  %a4_splat_6 = llvm.insertelement %a4_3, %undef_22[%lane0_22 : i32] : vector<8xf32>
  %a4_splat_7 = llvm.shufflevector %a4_splat_6, %undef_22 [0, 0, 0, 0, 0, 0, 0, 0] : vector<8xf32>
  %acc40_4 = llvm.intr.fma(%a4_splat_7, %b0_3, %acc40_3) : (vector<8xf32>, vector<8xf32>, vector<8xf32>) -> vector<8xf32>
  %acc41_4 = llvm.intr.fma(%a4_splat_7, %b1_3, %acc41_3) : (vector<8xf32>, vector<8xf32>, vector<8xf32>) -> vector<8xf32>
  %a_k5_3 = llvm.getelementptr inbounds %a_k_3[5] : (!llvm.ptr) -> !llvm.ptr, f32
  %a5_3 = llvm.load %a_k5_3 {alignment = 4 : i64} : !llvm.ptr -> f32
  %undef_23 = llvm.mlir.undef : vector<8xf32>
  %lane0_23 = llvm.mlir.constant(0 : i32) : i32
  %a5_splat_6 = llvm.insertelement %a5_3, %undef_23[%lane0_23 : i32] : vector<8xf32>
  %a5_splat_7 = llvm.shufflevector %a5_splat_6, %undef_23 [0, 0, 0, 0, 0, 0, 0, 0] : vector<8xf32>
  %acc50_4 = llvm.intr.fma(%a5_splat_7, %b0_3, %acc50_3) : (vector<8xf32>, vector<8xf32>, vector<8xf32>) -> vector<8xf32>
  %acc51_4 = llvm.intr.fma(%a5_splat_7, %b1_3, %acc51_3) : (vector<8xf32>, vector<8xf32>, vector<8xf32>) -> vector<8xf32>
  %cst_18 = llvm.mlir.constant(4) : i64
  %k_next = llvm.add %k, %cst_18 : i64
  %cst_19 = llvm.mlir.constant(2048) : i64
  %more = llvm.icmp "slt" %k_next, %cst_19 : i64
  llvm.cond_br %more, ^bb1(%k_next, %acc00_4, %acc01_4, %acc10_4, %acc11_4, %acc20_4, %acc21_4, %acc30_4, %acc31_4, %acc40_4, %acc41_4, %acc50_4, %acc51_4 : i64, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>), ^bb2(%acc00_4, %acc01_4, %acc10_4, %acc11_4, %acc20_4, %acc21_4, %acc30_4, %acc31_4, %acc40_4, %acc41_4, %acc50_4, %acc51_4 : vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>)
^bb2(%acc00_5: vector<8xf32>, %acc01_5: vector<8xf32>, %acc10_5: vector<8xf32>, %acc11_5: vector<8xf32>, %acc20_5: vector<8xf32>, %acc21_5: vector<8xf32>, %acc30_5: vector<8xf32>, %acc31_5: vector<8xf32>, %acc40_5: vector<8xf32>, %acc41_5: vector<8xf32>, %acc50_5: vector<8xf32>, %acc51_5: vector<8xf32>):
  %c00 = llvm.load %c0 {alignment = 4 : i64} : !llvm.ptr -> vector<8xf32>
  %sum00 = llvm.fadd %c00, %acc00_5 : vector<8xf32>
  llvm.store %sum00, %c0 {alignment = 4 : i64} : vector<8xf32>, !llvm.ptr
  %c0_2 = llvm.getelementptr inbounds %c0[8] : (!llvm.ptr) -> !llvm.ptr, f32
  %c01 = llvm.load %c0_2 {alignment = 4 : i64} : !llvm.ptr -> vector<8xf32>
  %sum01 = llvm.fadd %c01, %acc01_5 : vector<8xf32>
  llvm.store %sum01, %c0_2 {alignment = 4 : i64} : vector<8xf32>, !llvm.ptr
  %c10 = llvm.load %c1 {alignment = 4 : i64} : !llvm.ptr -> vector<8xf32>
  %sum10 = llvm.fadd %c10, %acc10_5 : vector<8xf32>
  llvm.store %sum10, %c1 {alignment = 4 : i64} : vector<8xf32>, !llvm.ptr
  %c1_2 = llvm.getelementptr inbounds %c1[8] : (!llvm.ptr) -> !llvm.ptr, f32
  %c11 = llvm.load %c1_2 {alignment = 4 : i64} : !llvm.ptr -> vector<8xf32>
  %sum11 = llvm.fadd %c11, %acc11_5 : vector<8xf32>
  llvm.store %sum11, %c1_2 {alignment = 4 : i64} : vector<8xf32>, !llvm.ptr
  %c20 = llvm.load %c2 {alignment = 4 : i64} : !llvm.ptr -> vector<8xf32>
  %sum20 = llvm.fadd %c20, %acc20_5 : vector<8xf32>
  llvm.store %sum20, %c2 {alignment = 4 : i64} : vector<8xf32>, !llvm.ptr
  %c2_2 = llvm.getelementptr inbounds %c2[8] : (!llvm.ptr) -> !llvm.ptr, f32
  %c21 = llvm.load %c2_2 {alignment = 4 : i64} : !llvm.ptr -> vector<8xf32>
  %sum21 = llvm.fadd %c21, %acc21_5 : vector<8xf32>
  llvm.store %sum21, %c2_2 {alignment = 4 : i64} : vector<8xf32>, !llvm.ptr
  %c30 = llvm.load %c3 {alignment = 4 : i64} : !llvm.ptr -> vector<8xf32>
  %sum30 = llvm.fadd %c30, %acc30_5 : vector<8xf32>
  llvm.store %sum30, %c3 {alignment = 4 : i64} : vector<8xf32>, !llvm.ptr
  %c3_2 = llvm.getelementptr inbounds %c3[8] : (!llvm.ptr) -> !llvm.ptr, f32
  %c31 = llvm.load %c3_2 {alignment = 4 : i64} : !llvm.ptr -> vector<8xf32>
  %sum31 = llvm.fadd %c31, %acc31_5 : vector<8xf32>
  llvm.store %sum31, %c3_2 {alignment = 4 : i64} : vector<8xf32>, !llvm.ptr
  %c40 = llvm.load %c4 {alignment = 4 : i64} : !llvm.ptr -> vector<8xf32>
  %sum40 = llvm.fadd %c40, %acc40_5 : vector<8xf32>
  llvm.store %sum40, %c4 {alignment = 4 : i64} : vector<8xf32>, !llvm.ptr
  %c4_2 = llvm.getelementptr inbounds %c4[8] : (!llvm.ptr) -> !llvm.ptr, f32
  %c41 = llvm.load %c4_2 {alignment = 4 : i64} : !llvm.ptr -> vector<8xf32>
  %sum41 = llvm.fadd %c41, %acc41_5 : vector<8xf32>
  llvm.store %sum41, %c4_2 {alignment = 4 : i64} : vector<8xf32>, !llvm.ptr
  %c50 = llvm.load %c5 {alignment = 4 : i64} : !llvm.ptr -> vector<8xf32>
  %sum50 = llvm.fadd %c50, %acc50_5 : vector<8xf32>
  llvm.store %sum50, %c5 {alignment = 4 : i64} : vector<8xf32>, !llvm.ptr
  %c5_2 = llvm.getelementptr inbounds %c5[8] : (!llvm.ptr) -> !llvm.ptr, f32
  %c51 = llvm.load %c5_2 {alignment = 4 : i64} : !llvm.ptr -> vector<8xf32>
  %sum51 = llvm.fadd %c51, %acc51_5 : vector<8xf32>
  llvm.store %sum51, %c5_2 {alignment = 4 : i64} : vector<8xf32>, !llvm.ptr
  llvm.return
}
te.kernel @matmul(%A: tensor<2048x2048xf32>, %B: tensor<2048x2048xf32>) -> tensor<2048x2048xf32> {
  %Ap = te.compute "Ap" (%io: 342, %k: 2048, %ii: 6) {
    %c6 = arith.constant 6 : index
    %last = arith.constant 2047 : index
    %i0 = arith.muli %io, %c6 : index
    %i1 = arith.addi %i0, %ii : index
    %i = arith.minsi %i1, %last : index
    %a = te.read %A[%i, %k] : tensor<2048x2048xf32> -> f32
    te.yield %a : f32
  } : tensor<342x2048x6xf32>
  %Bp = te.compute "Bp" (%jo: 128, %k: 2048, %ji: 16) {
    %c16 = arith.constant 16 : index
    %j0 = arith.muli %jo, %c16 : index
    %j = arith.addi %j0, %ji : index
    %b = te.read %B[%k, %j] : tensor<2048x2048xf32> -> f32
    te.yield %b : f32
  } : tensor<128x2048x16xf32>
  %C = te.compute "C" (%i: 2048, %j: 2048) reduce (%k: 2048) combiner add init 0.0 : f32 {
    %c6 = arith.constant 6 : index
    %c16 = arith.constant 16 : index
    %io = arith.divsi %i, %c6 : index
    %ii = arith.remsi %i, %c6 : index
    %jo = arith.divsi %j, %c16 : index
    %ji = arith.remsi %j, %c16 : index
    %a = te.read %Ap[%io, %k, %ii] : tensor<342x2048x6xf32> -> f32
    %b = te.read %Bp[%jo, %k, %ji] : tensor<128x2048x16xf32> -> f32
    %p = arith.mulf %a, %b : f32
    te.yield %p : f32
  } : tensor<2048x2048xf32>
  te.return %C : tensor<2048x2048xf32>
}
te.schedule @matmul {
  te.split "C" "j" by 16 -> "jo", "ji"
  te.split "C" "k" by 2048 -> "ko", "ki"
  te.split "C" "i" by 192 -> "ib", "ir"
  te.split "C" "ir" by 6 -> "io", "ii"
  te.reorder "C" ["ko", "ib", "jo", "io", "ki", "ii", "ji"]
  te.tensorize "C" "ki" with @gemm_6x16_k2048_packed_packed
  te.parallel "C" "jo"
  te.vectorize "Bp" "ji"
}
