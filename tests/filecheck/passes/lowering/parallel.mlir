// RUN: dl-opt %s -p loop-to-llvm --split-input-file | filecheck %s

/// A parallel loop becomes a call to the runtime: the values its body uses from outside go
/// into a context allocated in the entry block (pointer-sized slots; the f32 at byte 8 is
/// slot 2 of f32), the body moves to @scale__parallel0 over [begin, end) with the constants
/// cloned, and @scale__parallel0_task unpacks the context. Only the output stays noalias.
/// The body first clamps begin and end to [0, 1003] (min, then max): no-ops that bound the
/// induction variable for LLVM.
// CHECK-LABEL: llvm.func @scale
// CHECK-SAME:    (%[[X:.*]]: !llvm.ptr, %[[S:.*]]: f32, %[[Y:.*]]: !llvm.ptr {llvm.noalias})
// CHECK-NEXT:    %[[SLOTS:.*]] = llvm.mlir.constant(3) : i64
// CHECK-NEXT:    %[[CTX:.*]] = llvm.alloca %[[SLOTS]] x !llvm.ptr {alignment = 64 : i64}
// CHECK:         %[[LB:.*]] = llvm.mlir.constant(0) : i64
// CHECK-NEXT:    %[[STEP:.*]] = llvm.mlir.constant(1) : i64
// CHECK-NEXT:    %[[UB:.*]] = llvm.mlir.constant(1003) : i64
// CHECK-NEXT:    %[[P0:.*]] = llvm.getelementptr inbounds %[[CTX]][0] : (!llvm.ptr) -> !llvm.ptr, !llvm.ptr
// CHECK-NEXT:    llvm.store %[[X]], %[[P0]] {alignment = 8 : i64} : !llvm.ptr, !llvm.ptr
// CHECK-NEXT:    %[[P1:.*]] = llvm.getelementptr inbounds %[[CTX]][2] : (!llvm.ptr) -> !llvm.ptr, f32
// CHECK-NEXT:    llvm.store %[[S]], %[[P1]] {alignment = 4 : i64} : f32, !llvm.ptr
// CHECK-NEXT:    %[[P2:.*]] = llvm.getelementptr inbounds %[[CTX]][2] : (!llvm.ptr) -> !llvm.ptr, !llvm.ptr
// CHECK-NEXT:    llvm.store %[[Y]], %[[P2]] {alignment = 8 : i64} : !llvm.ptr, !llvm.ptr
// CHECK-NEXT:    %[[FN:.*]] = llvm.mlir.addressof @scale__parallel0_task : !llvm.ptr
// CHECK-NEXT:    %[[WORK:.*]] = llvm.mlir.constant(3) : i64
// CHECK-NEXT:    llvm.call @dlir_parallel_for(%[[FN]], %[[CTX]], %[[LB]], %[[UB]], %[[STEP]], %[[WORK]]) : (!llvm.ptr, !llvm.ptr, i64, i64, i64, i64) -> ()
// CHECK-NEXT:    llvm.return

// CHECK-LABEL: llvm.func @scale__parallel0
// CHECK-SAME:    (%[[BEGIN:.*]]: i64, %[[END:.*]]: i64, %[[BX:.*]]: !llvm.ptr, %[[BS:.*]]: f32, %[[BY:.*]]: !llvm.ptr {llvm.noalias})
// CHECK-NEXT:    %[[ONE:.*]] = llvm.mlir.constant(1) : i64
// CHECK-NEXT:    %[[HI:.*]] = llvm.mlir.constant(1003) : i64
// CHECK-NEXT:    %[[BLT:.*]] = llvm.icmp "slt" %[[BEGIN]], %[[HI]] : i64
// CHECK-NEXT:    %[[BMIN:.*]] = llvm.select %[[BLT]], %[[BEGIN]], %[[HI]] : i1, i64
// CHECK-NEXT:    %[[LO:.*]] = llvm.mlir.constant(0) : i64
// CHECK-NEXT:    %[[BGT:.*]] = llvm.icmp "sgt" %[[BMIN]], %[[LO]] : i64
// CHECK-NEXT:    %[[B:.*]] = llvm.select %[[BGT]], %[[BMIN]], %[[LO]] : i1, i64
// CHECK-NEXT:    %[[HI2:.*]] = llvm.mlir.constant(1003) : i64
// CHECK-NEXT:    %[[ELT:.*]] = llvm.icmp "slt" %[[END]], %[[HI2]] : i64
// CHECK-NEXT:    %[[EMIN:.*]] = llvm.select %[[ELT]], %[[END]], %[[HI2]] : i1, i64
// CHECK-NEXT:    %[[LO2:.*]] = llvm.mlir.constant(0) : i64
// CHECK-NEXT:    %[[EGT:.*]] = llvm.icmp "sgt" %[[EMIN]], %[[LO2]] : i64
// CHECK-NEXT:    %[[E:.*]] = llvm.select %[[EGT]], %[[EMIN]], %[[LO2]] : i1, i64
// CHECK-NEXT:    llvm.br ^[[HEAD:.*]](%[[B]] : i64)
// CHECK-NEXT:  ^[[HEAD]](%[[I:.*]]: i64):
// CHECK-NEXT:    llvm.icmp "slt" %[[I]], %[[E]] : i64
// CHECK:         llvm.getelementptr inbounds %[[BX]][%[[I]]] : (!llvm.ptr, i64) -> !llvm.ptr, f32
// CHECK:         llvm.fmul %{{.*}}, %[[BS]] : f32
// CHECK:         llvm.getelementptr inbounds %[[BY]][%[[I]]] : (!llvm.ptr, i64) -> !llvm.ptr, f32
// CHECK-NEXT:    llvm.store %{{.*}} {alignment = 4 : i64} : f32, !llvm.ptr
// CHECK-NEXT:    llvm.add %[[I]], %[[ONE]] : i64
// CHECK-NEXT:    llvm.br ^[[HEAD]](%{{.*}} : i64) {dlir.loop_kind = "serial"}

// CHECK-LABEL: llvm.func @scale__parallel0_task
// CHECK-SAME:    (%[[C:.*]]: !llvm.ptr, %[[B:.*]]: i64, %[[E:.*]]: i64) attributes {passthrough = ["nounwind"]}
// CHECK-NEXT:    %[[Q0:.*]] = llvm.getelementptr inbounds %[[C]][0] : (!llvm.ptr) -> !llvm.ptr, !llvm.ptr
// CHECK-NEXT:    %[[A0:.*]] = llvm.load %[[Q0]] {alignment = 8 : i64} : !llvm.ptr -> !llvm.ptr
// CHECK-NEXT:    %[[Q1:.*]] = llvm.getelementptr inbounds %[[C]][2] : (!llvm.ptr) -> !llvm.ptr, f32
// CHECK-NEXT:    %[[A1:.*]] = llvm.load %[[Q1]] {alignment = 4 : i64} : !llvm.ptr -> f32
// CHECK-NEXT:    %[[Q2:.*]] = llvm.getelementptr inbounds %[[C]][2] : (!llvm.ptr) -> !llvm.ptr, !llvm.ptr
// CHECK-NEXT:    %[[A2:.*]] = llvm.load %[[Q2]] {alignment = 8 : i64} : !llvm.ptr -> !llvm.ptr
// CHECK-NEXT:    llvm.call @scale__parallel0(%[[B]], %[[E]], %[[A0]], %[[A1]], %[[A2]])
// CHECK-NEXT:    llvm.return
// CHECK:       llvm.func @dlir_parallel_for(!llvm.ptr, !llvm.ptr, i64, i64, i64, i64)
loop.func @scale(%x: memref<1003xf32>, %s: f32, %y: memref<1003xf32>) attributes {num_outputs = 1 : i64} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c1003 = arith.constant 1003 : index
  loop.for %i = %c0 to %c1003 step %c1 parallel {
    %v = loop.load %x[%i] : memref<1003xf32>
    %m = arith.mulf %v, %s : f32
    loop.store %m, %y[%i] : memref<1003xf32>
  }
  loop.return
}

// -----

/// Inside a serial loop: the context is allocated once, in the entry block, and filled
/// before each launch. Only the outer parallel loop is outlined: the inner one runs serially
/// in the body (it keeps its kind on the back edge), and so does its local buffer, one per
/// task. The work of one iteration is alloc + (1 + 8 x (load, store, store)) + free = 27.
// CHECK-LABEL: llvm.func @nest
// CHECK-NEXT:    llvm.mlir.constant(2) : i64
// CHECK-NEXT:    %[[CTX:.*]] = llvm.alloca
// CHECK:       ^{{.*}}(%[[R:.*]]: i64):
// CHECK:         llvm.store
// CHECK:         llvm.store
// CHECK:         %[[WORK:.*]] = llvm.mlir.constant(27) : i64
// CHECK-NEXT:    llvm.call @dlir_parallel_for(%{{.*}}, %[[CTX]], %{{.*}}, %{{.*}}, %{{.*}}, %[[WORK]])
// CHECK-NEXT:    llvm.add %[[R]]
// CHECK-NOT:     llvm.call @dlir_parallel_for
// CHECK-LABEL: llvm.func @nest__parallel0
// CHECK:         llvm.alloca
// CHECK:         llvm.br ^{{.*}}(%{{.*}} : i64) {dlir.loop_kind = "parallel"}
// CHECK:         llvm.br ^{{.*}}(%{{.*}} : i64) {dlir.loop_kind = "serial"}
// CHECK-NOT:     llvm.call @dlir_parallel_for
// CHECK-LABEL: llvm.func @nest__parallel0_task
loop.func @nest(%x: memref<8x8xf32>, %n: index, %y: memref<8x8xf32>) attributes {num_outputs = 1 : i64} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  loop.for %r = %c0 to %n step %c1 {
    loop.for %i = %c0 to %c8 step %c1 parallel {
      %buf = loop.alloc "local" align 64 : memref<8xf32, "local">
      loop.for %j = %c0 to %c8 step %c1 parallel {
        %v = loop.load %x[%i, %j] : memref<8x8xf32>
        loop.store %v, %buf[%j] : memref<8xf32, "local">
        loop.store %v, %y[%i, %j] : memref<8x8xf32>
      }
      loop.free %buf : memref<8xf32, "local">
    }
  }
  loop.return
}

// -----

/// A fresh allocation used by the body is noalias in the task too; an input is not. The
/// vectorized inner loop counts 64 / 8 iterations: work = 1 + 8 x 3 = 25.
// CHECK-LABEL: llvm.func @tmp
// CHECK:         llvm.mlir.constant(25) : i64
// CHECK-LABEL: llvm.func @tmp__parallel0
// CHECK-SAME:    (%{{.*}}: i64, %{{.*}}: i64, %{{.*}}: !llvm.ptr, %{{.*}}: !llvm.ptr {llvm.noalias})
loop.func @tmp(%x: memref<4x64xf32>) attributes {num_outputs = 0 : i64} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c64 = arith.constant 64 : index
  %t = loop.alloc "global" align 64 : memref<4x64xf32, "global">
  loop.for %i = %c0 to %c4 step %c1 parallel {
    loop.for %j = %c0 to %c64 step %c1 vectorized<8> {
      %v = loop.load %x[%i, %j] : memref<4x64xf32>
      %w = arith.addf %v, %v : f32
      loop.store %w, %t[%i, %j] : memref<4x64xf32, "global">
    }
  }
  loop.free %t : memref<4x64xf32, "global">
  loop.return
}

// -----

/// A body that uses nothing from outside gets a null context.
// CHECK-LABEL: llvm.func @nothing
// CHECK:         %[[NULL:.*]] = llvm.mlir.zero : !llvm.ptr
// CHECK-NEXT:    %[[FN:.*]] = llvm.mlir.addressof @nothing__parallel0_task : !llvm.ptr
// CHECK:         llvm.call @dlir_parallel_for(%[[FN]], %[[NULL]],
func.func @nothing() {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  loop.for %i = %c0 to %c4 step %c1 parallel {
  }
  func.return
}

// -----

/// A captured induction variable of an enclosing loop with constant bounds is clamped to
/// the values it takes (%n of 0 to 4 step 3 is 0 or 3), after [begin, end) is clamped to
/// [0, 8], and the body indexes with the clamped value: in the serial nest LLVM knows %n's
/// range, in the outlined body it learns it from the clamp.
// CHECK-LABEL: llvm.func @rows__parallel0
// CHECK-SAME:    (%{{.*}}: i64, %{{.*}}: i64, %[[X:.*]]: !llvm.ptr, %[[N:.*]]: i64, %{{.*}}: !llvm.ptr {llvm.noalias})
// CHECK:         %[[LAST:.*]] = llvm.mlir.constant(3) : i64
// CHECK-NEXT:    %[[LT:.*]] = llvm.icmp "slt" %[[N]], %[[LAST]] : i64
// CHECK-NEXT:    %[[MIN:.*]] = llvm.select %[[LT]], %[[N]], %[[LAST]] : i1, i64
// CHECK-NEXT:    %[[FIRST:.*]] = llvm.mlir.constant(0) : i64
// CHECK-NEXT:    %[[GT:.*]] = llvm.icmp "sgt" %[[MIN]], %[[FIRST]] : i64
// CHECK-NEXT:    %[[CLAMPED:.*]] = llvm.select %[[GT]], %[[MIN]], %[[FIRST]] : i1, i64
// CHECK-NEXT:    llvm.br
// CHECK:         llvm.mul %[[CLAMPED]], %{{.*}} : i64
// CHECK-NOT:     %[[N]]
// CHECK:         llvm.return
loop.func @rows(%x: memref<4x8xf32>, %y: memref<4x8xf32>) attributes {num_outputs = 1 : i64} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c3 = arith.constant 3 : index
  %c4 = arith.constant 4 : index
  %c8 = arith.constant 8 : index
  loop.for %n = %c0 to %c4 step %c3 {
    loop.for %i = %c0 to %c8 step %c1 parallel {
      %v = loop.load %x[%n, %i] : memref<4x8xf32>
      loop.store %v, %y[%n, %i] : memref<4x8xf32>
    }
  }
  loop.return
}
