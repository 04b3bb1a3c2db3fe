// RUN: dl-opt %s -p loop-to-llvm | filecheck %s
// RUN: dl-opt %s -p loop-to-llvm --emit=llvm | filecheck %s --check-prefix=IR

/// A host function: equal constants share one aligned global (flattened value), the
/// workspace view is a byte GEP, the call an llvm.call on bare pointers.
// CHECK:       llvm.mlir.global internal constant @__constant_0(dense<{{\[}}1.000000e+00, 2.000000e+00, 3.000000e+00, 4.000000e+00]> : tensor<4xf32>) {addr_space = 0 : i32, alignment = 64 : i64} : !llvm.array<4 x f32>
// CHECK-NOT:   llvm.mlir.global
// CHECK-LABEL: llvm.func @host
// CHECK-SAME:    (%[[X:.*]]: !llvm.ptr, %[[Y:.*]]: !llvm.ptr {llvm.noalias})
// CHECK-SAME:    dlir.num_outputs = 1 : i64
// CHECK:         %[[A:.*]] = llvm.alloca
// CHECK-NEXT:    %[[I:.*]] = llvm.ptrtoint %[[A]] : !llvm.ptr to i64
// CHECK-NEXT:    %[[WS:.*]] = llvm.inttoptr %[[I]] : i64 to !llvm.ptr
// CHECK-NEXT:    %[[W:.*]] = llvm.mlir.addressof @__constant_0 : !llvm.ptr
// CHECK-NEXT:    %[[V:.*]] = llvm.mlir.addressof @__constant_0 : !llvm.ptr
// CHECK-NEXT:    %[[OFF:.*]] = llvm.mlir.constant(64) : i64
// CHECK-NEXT:    %[[T:.*]] = llvm.getelementptr inbounds %[[WS]][%[[OFF]]] : (!llvm.ptr, i64) -> !llvm.ptr, i8
// CHECK-NEXT:    llvm.call @k(%[[X]], %[[W]], %[[T]]) : (!llvm.ptr, !llvm.ptr, !llvm.ptr) -> ()
// CHECK-NEXT:    llvm.call @k(%[[T]], %[[V]], %[[Y]]) : (!llvm.ptr, !llvm.ptr, !llvm.ptr) -> ()
// CHECK-NEXT:    llvm.call @sink(%[[W]]) : (!llvm.ptr) -> ()
// CHECK-NEXT:    llvm.return

/// In LLVM IR the global holds the raw bytes, aligned to 64 (kept: it escapes to @sink).
// IR: @__constant_0 = internal {{(unnamed_addr )?}}constant [16 x i8] c"\00\00\80?\00\00\00@\00\00@@\00\00\80@", align 64
llvm.func @sink(!llvm.ptr)
loop.func @k(%a: memref<2x2xf32>, %b: memref<2x2xf32>, %c: memref<2x2xf32>) attributes {num_outputs = 1 : i64} {
  loop.return
}
loop.func @host(%x: memref<2x2xf32>, %y: memref<2x2xf32>) attributes {num_outputs = 1 : i64} {
  %ws = loop.alloc "global" align 64 : memref<128xi8>
  %w = loop.constant dense<[[1.0, 2.0], [3.0, 4.0]]> : tensor<2x2xf32> -> memref<2x2xf32>
  %v = loop.constant dense<[[1.0, 2.0], [3.0, 4.0]]> : tensor<2x2xf32> -> memref<2x2xf32>
  %off = arith.constant 64 : index
  %t = memref.view %ws[%off][] : memref<128xi8> to memref<2x2xf32>
  loop.call @k(%x, %w, %t) : (memref<2x2xf32>, memref<2x2xf32>, memref<2x2xf32>) -> ()
  loop.call @k(%t, %v, %y) : (memref<2x2xf32>, memref<2x2xf32>, memref<2x2xf32>) -> ()
  loop.call @sink(%w) : (memref<2x2xf32>) -> ()
  loop.free %ws : memref<128xi8>
  loop.return
}
