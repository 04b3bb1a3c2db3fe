// RUN: dl-opt %s -p te-to-loop | filecheck %s

/// A stage computed and stored at its consumer's row loop, read by the consumer only at
/// its own point and by a row statistic computed at that same loop, lives in the
/// consumer's output (softmax's exp in Y's row): no buffer of its own; the consumer reads
/// it back from the output and overwrites it in place.
// CHECK-LABEL: loop.func @k(%X: memref<4x8xf32>, %Y: memref<4x8xf32>)
// CHECK:         loop.for %[[I:.*]] = %c0 to %c4 step %c1 parallel {
// CHECK-NEXT:      %S = loop.alloc "global" align 64 : memref<1xf32>
// CHECK-NOT:       loop.alloc
// CHECK:             %e = math.exp %x : f32
// CHECK-NEXT:        loop.store %e, %Y[%{{.*}} + %[[I]], %j] : memref<4x8xf32>
// CHECK:             %e_1 = loop.load %Y[%{{.*}} + %[[I]], %r] : memref<4x8xf32>
// CHECK:           loop.for %[[J:.*]] = %c0 to %c8 step %c1 {
// CHECK-NEXT:        %e_2 = loop.load %Y[%[[I]], %[[J]]] : memref<4x8xf32>
// CHECK-NEXT:        %y = arith.divf %e_2, %s : f32
// CHECK-NEXT:        loop.store %y, %Y[%[[I]], %[[J]]] : memref<4x8xf32>
// CHECK:           loop.free %S : memref<1xf32>
te.kernel @k(%X: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %E = te.compute "E" (%i: 4, %j: 8) {
    %x = te.read %X[%i, %j] : tensor<4x8xf32> -> f32
    %e = math.exp %x : f32
    te.yield %e : f32
  } : tensor<4x8xf32>
  %S = te.compute "S" (%i: 4) reduce (%r: 8) combiner add init 0.0 : f32 {
    %e = te.read %E[%i, %r] : tensor<4x8xf32> -> f32
    te.yield %e : f32
  } : tensor<4xf32>
  %Y = te.compute "Y" (%i: 4, %j: 8) {
    %e = te.read %E[%i, %j] : tensor<4x8xf32> -> f32
    %s = te.read %S[%i] : tensor<4xf32> -> f32
    %y = arith.divf %e, %s : f32
    te.yield %y : f32
  } : tensor<4x8xf32>
  te.return %Y : tensor<4x8xf32>
}
te.schedule @k {
  te.compute_at "S" at "Y" "i"
  te.compute_at "E" at "Y" "i"
}
