// RUN: dl-opt %s -p loop-to-llvm --split-input-file | filecheck %s

/// A 2-D access linearises row-major on i64 (i * 8 + j), then a GEP on the element type
/// and a load/store aligned to the element size.
// CHECK-LABEL: llvm.func @access
// CHECK-SAME:    (%[[A:.*]]: !llvm.ptr, %[[I:.*]]: i64, %[[J:.*]]: i64, %[[Y:.*]]: !llvm.ptr {llvm.noalias})
// CHECK-NEXT:    %[[ONE:.*]] = llvm.mlir.constant(1) : i64
// CHECK-NEXT:    %[[J1:.*]] = llvm.add %[[J]], %[[ONE]] : i64
// CHECK-NEXT:    %[[EIGHT:.*]] = llvm.mlir.constant(8) : i64
// CHECK-NEXT:    %[[ROW:.*]] = llvm.mul %[[I]], %[[EIGHT]] : i64
// CHECK-NEXT:    %[[OFF:.*]] = llvm.add %[[ROW]], %[[J1]] : i64
// CHECK-NEXT:    %[[P:.*]] = llvm.getelementptr inbounds %[[A]][%[[OFF]]] : (!llvm.ptr, i64) -> !llvm.ptr, f64
// CHECK-NEXT:    %[[V:.*]] = llvm.load %[[P]] {alignment = 8 : i64} : !llvm.ptr -> f64
// CHECK-NEXT:    %[[Q:.*]] = llvm.getelementptr inbounds %[[Y]][%[[I]]] : (!llvm.ptr, i64) -> !llvm.ptr, f64
// CHECK-NEXT:    llvm.store %[[V]], %[[Q]] {alignment = 8 : i64} : f64, !llvm.ptr
loop.func @access(%a: memref<4x8xf64>, %i: index, %j: index, %y: memref<4xf64>) attributes {num_outputs = 1 : i64} {
  %v = loop.load %a[%i, %j + 1] : memref<4x8xf64>
  loop.store %v, %y[%i] : memref<4xf64>
  loop.return
}

// -----

/// Vector loads and stores keep the element alignment (a vload at any element offset is
/// not vector-aligned).
// CHECK-LABEL: llvm.func @vector
// CHECK:         %[[P:.*]] = llvm.getelementptr inbounds %{{.*}}[%{{.*}}] : (!llvm.ptr, i64) -> !llvm.ptr, f32
// CHECK-NEXT:    %[[V:.*]] = llvm.load %[[P]] {alignment = 4 : i64} : !llvm.ptr -> vector<8xf32>
// CHECK:         llvm.store %[[V]], %{{.*}} {alignment = 4 : i64} : vector<8xf32>, !llvm.ptr
loop.func @vector(%a: memref<64xf32>, %i: index, %y: memref<64xf32>) attributes {num_outputs = 1 : i64} {
  %v = loop.vload %a[%i * 8] : memref<64xf32>, vector<8xf32>
  loop.vstore %v, %y[%i * 8 + 3] : memref<64xf32>, vector<8xf32>
  loop.return
}

// -----

/// floordiv and mod round towards -inf: sdiv/srem plus a correction for negative remainders.
// CHECK-LABEL: llvm.func @floordiv
// CHECK-SAME:    (%{{.*}}: !llvm.ptr, %[[I:.*]]: i64,
// CHECK-NEXT:    %[[C:.*]] = llvm.mlir.constant(4) : i64
// CHECK-NEXT:    %[[R:.*]] = llvm.srem %[[I]], %[[C]] : i64
// CHECK-NEXT:    %[[Z:.*]] = llvm.mlir.constant(0) : i64
// CHECK-NEXT:    %[[NEG:.*]] = llvm.icmp "slt" %[[R]], %[[Z]] : i64
// CHECK-NEXT:    %[[Q:.*]] = llvm.sdiv %[[I]], %[[C]] : i64
// CHECK-NEXT:    %[[ONE:.*]] = llvm.mlir.constant(1) : i64
// CHECK-NEXT:    %[[QM1:.*]] = llvm.sub %[[Q]], %[[ONE]] : i64
// CHECK-NEXT:    llvm.select %[[NEG]], %[[QM1]], %[[Q]] : i1, i64
// CHECK:         %[[R2:.*]] = llvm.srem %[[I]], %{{.*}} : i64
// CHECK:         %[[NEG2:.*]] = llvm.icmp "slt" %[[R2]], %{{.*}} : i64
// CHECK-NEXT:    %[[FIX:.*]] = llvm.add %[[R2]], %{{.*}} : i64
// CHECK-NEXT:    llvm.select %[[NEG2]], %[[FIX]], %[[R2]] : i1, i64
loop.func @floordiv(%a: memref<16xf32>, %i: index, %y: memref<16xf32>) attributes {num_outputs = 1 : i64} {
  %v = loop.load %a[%i floordiv 4] : memref<16xf32>
  loop.store %v, %y[%i mod 4] : memref<16xf32>
  loop.return
}

// -----

/// Allocations larger than 16 KiB (any scope) call aligned_alloc with the size rounded up
/// to the alignment (64 by default) and free; both are declared once at module level.
/// (Smaller ones are stack allocations: see passes/loop/stack-alloc.mlir.)
// CHECK-LABEL: llvm.func @alloc
// CHECK:         %[[AL:.*]] = llvm.mlir.constant(32) : i64
// CHECK-NEXT:    %[[SZ:.*]] = llvm.mlir.constant(24000) : i64
// CHECK-NEXT:    %[[M:.*]] = llvm.call @aligned_alloc(%[[AL]], %[[SZ]]) : (i64, i64) -> !llvm.ptr
// CHECK:         llvm.getelementptr inbounds %[[M]][%{{.*}}] : (!llvm.ptr, i64) -> !llvm.ptr, f32
// CHECK:         %[[AL2:.*]] = llvm.mlir.constant(64) : i64
// CHECK-NEXT:    %[[SZ2:.*]] = llvm.mlir.constant(16448) : i64
// CHECK-NEXT:    %[[N:.*]] = llvm.call @aligned_alloc(%[[AL2]], %[[SZ2]]) : (i64, i64) -> !llvm.ptr
// CHECK:         llvm.call @free(%[[N]]) : (!llvm.ptr) -> ()
// CHECK-NEXT:    llvm.call @free(%[[M]]) : (!llvm.ptr) -> ()
// CHECK-NEXT:    llvm.return
// CHECK-DAG:   llvm.func @aligned_alloc(i64, i64) -> !llvm.ptr
// CHECK-DAG:   llvm.func @free(!llvm.ptr)
// CHECK-NOT:   llvm.func @aligned_alloc
loop.func @alloc(%y: memref<4xf32>) attributes {num_outputs = 1 : i64} {
  %c0 = arith.constant 0 : index
  %m = loop.alloc "local" align 32 : memref<3x2000xf32, "local">
  %v = loop.load %m[%c0, %c0] : memref<3x2000xf32, "local">
  %n = loop.alloc "global" : memref<16385xi8>
  loop.store %v, %y[%c0] : memref<4xf32>
  loop.free %n : memref<16385xi8>
  loop.free %m : memref<3x2000xf32, "local">
  loop.return
}
