// REQUIRES: avx2-fma
// RUN: dl-opt %s --emit=asm | filecheck %s

/// Check that code is generated for the host CPU: AVX2 adds in the vectorised loop, FMA for
/// llvm.intr.fma, and unaligned moves (vmovups, not vmovaps) for `<8 x float>` at `align 4`.
// CHECK-LABEL: vadd:
// CHECK:         vaddps
// CHECK-LABEL: vfma:
// CHECK-NOT:     vmovaps
// CHECK:         vfmadd{{[0-9]+}}ps
// CHECK-NOT:     vmovaps
// CHECK:         retq
builtin.module {
  llvm.func @vadd(%a: !llvm.ptr {llvm.noalias}, %b: !llvm.ptr {llvm.noalias}, %c: !llvm.ptr {llvm.noalias}, %n: i64) {
    %zero = llvm.mlir.constant(0 : i64) : i64
    %one = llvm.mlir.constant(1 : i64) : i64
    llvm.br ^head(%zero : i64)
  ^head(%i: i64):
    %cont = llvm.icmp "slt" %i, %n : i64
    llvm.cond_br %cont, ^body, ^exit
  ^body:
    %pa = llvm.getelementptr inbounds %a[%i] : (!llvm.ptr, i64) -> !llvm.ptr, f32
    %pb = llvm.getelementptr inbounds %b[%i] : (!llvm.ptr, i64) -> !llvm.ptr, f32
    %pc = llvm.getelementptr inbounds %c[%i] : (!llvm.ptr, i64) -> !llvm.ptr, f32
    %x = llvm.load %pa {alignment = 4 : i64} : !llvm.ptr -> f32
    %y = llvm.load %pb {alignment = 4 : i64} : !llvm.ptr -> f32
    %s = llvm.fadd %x, %y : f32
    llvm.store %s, %pc {alignment = 4 : i64} : f32, !llvm.ptr
    %next = llvm.add %i, %one : i64
    llvm.br ^head(%next : i64)
  ^exit:
    llvm.return
  }
  llvm.func @vfma(%a: !llvm.ptr {llvm.noalias}, %b: !llvm.ptr {llvm.noalias}, %c: !llvm.ptr {llvm.noalias}) {
    %x = llvm.load %a {alignment = 4 : i64} : !llvm.ptr -> vector<8xf32>
    %y = llvm.load %b {alignment = 4 : i64} : !llvm.ptr -> vector<8xf32>
    %z = llvm.load %c {alignment = 4 : i64} : !llvm.ptr -> vector<8xf32>
    %r = llvm.intr.fma(%x, %y, %z) : (vector<8xf32>, vector<8xf32>, vector<8xf32>) -> vector<8xf32>
    llvm.store %r, %c {alignment = 4 : i64} : vector<8xf32>, !llvm.ptr
    llvm.return
  }
}
