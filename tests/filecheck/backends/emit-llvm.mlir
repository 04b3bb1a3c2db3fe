// RUN: dl-opt %s --emit=llvm | filecheck %s

/// Check that a scalar cf-style loop becomes optimised LLVM IR for the host: the data layout is
/// set, argument attributes survive, and O3 vectorises the loop (no ptrtoint addressing).
// CHECK:       target datalayout = "e-
// CHECK-LABEL: define void @vadd(ptr noalias {{.*}}%[[A:[.0-9]+]], ptr noalias {{.*}}, ptr noalias {{.*}}, i64 %{{.*}})
// CHECK:       vector.body:
// CHECK:         fadd <{{[0-9]+}} x float>
// CHECK-NOT:     ptrtoint
// CHECK-LABEL: define void @vfma_no_align(
/// A vector access without `alignment` gets the element alignment, never the vector's 32.
// CHECK:         load <8 x float>, ptr %{{.*}}, align 4
// CHECK:         tail call <8 x float> @llvm.fma.v8f32(
// CHECK:         store <8 x float> %{{.*}}, ptr %{{.*}}, align 4
// CHECK-LABEL: define void @marked()
// CHECK-SAME:    #[[ATTRS:[0-9]+]]
/// `passthrough` function attributes are carried over (xDSL's converter drops them).
// CHECK:       attributes #[[ATTRS]] = { {{.*}}noinline{{.*}} }
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
  llvm.func @vfma_no_align(%a: !llvm.ptr {llvm.noalias}, %b: !llvm.ptr {llvm.noalias}, %c: !llvm.ptr {llvm.noalias}) {
    %x = llvm.load %a : !llvm.ptr -> vector<8xf32>
    %y = llvm.load %b : !llvm.ptr -> vector<8xf32>
    %z = llvm.load %c : !llvm.ptr -> vector<8xf32>
    %r = llvm.intr.fma(%x, %y, %z) : (vector<8xf32>, vector<8xf32>, vector<8xf32>) -> vector<8xf32>
    llvm.store %r, %c : vector<8xf32>, !llvm.ptr
    llvm.return
  }
  llvm.func @marked() attributes {passthrough = ["noinline"]} {
    llvm.return
  }
}
