// RUN: dl-opt %s -p loop-to-llvm --split-input-file | filecheck %s

/// A loop becomes a header with the induction variable as block argument, a body that
/// branches back with the step added, and an exit block; the kind stays on the back edge.
// CHECK-LABEL: llvm.func @one
// CHECK:         %[[LB:.*]] = llvm.mlir.constant(0) : i64
// CHECK-NEXT:    %[[UB:.*]] = llvm.mlir.constant(16) : i64
// CHECK-NEXT:    %[[ST:.*]] = llvm.mlir.constant(2) : i64
// CHECK:         llvm.br ^[[HEAD:.*]](%[[LB]] : i64)
// CHECK-NEXT:  ^[[HEAD]](%[[I:.*]]: i64):
// CHECK-NEXT:    %[[GO:.*]] = llvm.icmp "slt" %[[I]], %[[UB]] : i64
// CHECK-NEXT:    llvm.cond_br %[[GO]], ^[[BODY:.*]], ^[[EXIT:.*]]
// CHECK-NEXT:  ^[[BODY]]:
// CHECK:         llvm.store
// CHECK-NEXT:    %[[NEXT:.*]] = llvm.add %[[I]], %[[ST]] : i64
// CHECK-NEXT:    llvm.br ^[[HEAD]](%[[NEXT]] : i64) {dlir.loop_kind = "unrolled", dlir.unroll_factor = 2 : i64}
// CHECK-NEXT:  ^[[EXIT]]:
// CHECK-NEXT:    llvm.return
loop.func @one(%y: memref<16xf32>) attributes {num_outputs = 1 : i64} {
  %c0 = arith.constant 0 : index
  %c16 = arith.constant 16 : index
  %c2 = arith.constant 2 : index
  %one = arith.constant 1.0 : f32
  loop.for %i = %c0 to %c16 step %c2 unrolled<2> {
    loop.store %one, %y[%i] : memref<16xf32>
  }
  loop.return
}

// -----

/// Nested loops: the inner loop's blocks sit inside the outer body; each back edge keeps
/// its own kind, vector width and unroll factor; a bound may be a computed value.
// CHECK-LABEL: llvm.func @nest
// CHECK:         llvm.br ^[[OH:.*]](%{{.*}} : i64)
// CHECK-NEXT:  ^[[OH]](%[[I:.*]]: i64):
// CHECK:         llvm.cond_br %{{.*}}, ^[[OB:.*]], ^[[OX:.*]]
// CHECK-NEXT:  ^[[OB]]:
// CHECK-NEXT:    %[[N:.*]] = llvm.add %[[I]], %{{.*}} : i64
// CHECK-NEXT:    llvm.br ^[[IH:.*]](%{{.*}} : i64)
// CHECK-NEXT:  ^[[IH]](%[[J:.*]]: i64):
// CHECK-NEXT:    llvm.icmp "slt" %[[J]], %[[N]] : i64
// CHECK:         llvm.br ^[[IH]](%{{.*}} : i64) {dlir.loop_kind = "vectorized", dlir.vector_width = 8 : i64}
// CHECK-NEXT:  ^{{.*}}:
// CHECK-NEXT:    llvm.add %[[I]]
// CHECK-NEXT:    llvm.br ^[[OH]](%{{.*}} : i64) {dlir.loop_kind = "unrolled", dlir.unroll_factor = 4 : i64}
// CHECK-NEXT:  ^[[OX]]:
// CHECK-NEXT:    llvm.return
loop.func @nest(%y: memref<8x8xf32>) attributes {num_outputs = 1 : i64} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %one = arith.constant 1.0 : f32
  loop.for %i = %c0 to %c8 step %c1 unrolled<4> {
    %n = arith.addi %i, %c1 : index
    loop.for %j = %c0 to %n step %c1 vectorized<8> {
      loop.store %one, %y[%i, %j] : memref<8x8xf32>
    }
  }
  loop.return
}

// -----

/// loop.min / loop.max fold their operands pairwise with icmp + select.
// CHECK-LABEL: llvm.func @minmax
// CHECK-SAME:    (%[[A:.*]]: i64, %[[B:.*]]: i64, %[[C:[^:]*]]: i64
// CHECK-NEXT:    %[[LT:.*]] = llvm.icmp "slt" %[[A]], %[[B]] : i64
// CHECK-NEXT:    %[[M:.*]] = llvm.select %[[LT]], %[[A]], %[[B]] : i1, i64
// CHECK-NEXT:    %[[LT2:.*]] = llvm.icmp "slt" %[[M]], %[[C]] : i64
// CHECK-NEXT:    %[[MIN:.*]] = llvm.select %[[LT2]], %[[M]], %[[C]] : i1, i64
// CHECK-NEXT:    %[[GT:.*]] = llvm.icmp "sgt" %[[A]], %[[B]] : i64
// CHECK-NEXT:    %[[MAX:.*]] = llvm.select %[[GT]], %[[A]], %[[B]] : i1, i64
// CHECK:         llvm.getelementptr inbounds %{{.*}}[%[[MIN]]]
// CHECK:         llvm.getelementptr inbounds %{{.*}}[%[[MAX]]]
loop.func @minmax(%a: index, %b: index, %c: index, %y: memref<16xf32>) attributes {num_outputs = 1 : i64} {
  %min = loop.min %a, %b, %c
  %max = loop.max %a, %b
  %one = arith.constant 1.0 : f32
  loop.store %one, %y[%min] : memref<16xf32>
  loop.store %one, %y[%max] : memref<16xf32>
  loop.return
}
