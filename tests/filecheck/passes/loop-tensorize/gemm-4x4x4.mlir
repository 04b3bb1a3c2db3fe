// RUN: dl-opt %s -p 'loop-tensorize{explain=true}' --split-input-file 2>&1 | filecheck %s
// RUN: dl-opt %s -p loop-tensorize,hw-inline --split-input-file | filecheck %s --check-prefix=INLINE

/// A hand-written tiled matmul whose (ii, ki, ji) nest is tagged: the nest becomes windows
/// at the tile origins and one hw.call; the load of A hoisted out of ji is sunk back, the
/// fma is mulf + addf, and ki sits between ii and ji (a reduction loop moves innermost).
// CHECK:       gemm-4x4x4.mlir:[[# @LINE + 50]]:{{[0-9]+}}: loop nest matches @gemm_4x4x4:
// CHECK-NEXT:    loop %ii (4) <-> %i (4)
// CHECK-NEXT:    loop %ji (4) <-> %j (4)
// CHECK-NEXT:    loop %ki (4) <-> %k (4)
// CHECK-NEXT:    buffer %a <-> %A[%io * 4, %ko * 4] (window memref<4x4xf32, strided<[?, 1], offset: ?>>)
// CHECK-NEXT:    buffer %b <-> %B[%ko * 4, %jo * 4] (window memref<4x4xf32, strided<[?, 1], offset: ?>>)
// CHECK-NEXT:    buffer %c <-> %C[%io * 4, %jo * 4] (window memref<4x4xf32, strided<[?, 1], offset: ?>>)
// CHECK-LABEL: loop.func @mm
// CHECK:         loop.for %ko = %{{.*}} to %{{.*}} step %{{.*}} {
// CHECK-NEXT:      %[[A:.*]] = loop.subview %A[%io * 4, %ko * 4] : memref<8x16xf32> to memref<4x4xf32, strided<[16, 1], offset: ?>>
// CHECK-NEXT:      %[[B:.*]] = loop.subview %B[%ko * 4, %jo * 4] : memref<16x12xf32> to memref<4x4xf32, strided<[12, 1], offset: ?>>
// CHECK-NEXT:      %[[C:.*]] = loop.subview %C[%io * 4, %jo * 4] : memref<8x12xf32> to memref<4x4xf32, strided<[12, 1], offset: ?>>
// CHECK-NEXT:      hw.call @gemm_4x4x4(%[[A]], %[[B]], %[[C]]) : (memref<4x4xf32, strided<[16, 1], offset: ?>>, memref<4x4xf32, strided<[12, 1], offset: ?>>, memref<4x4xf32, strided<[12, 1], offset: ?>>) -> ()
// CHECK-NEXT:    }

/// hw-inline puts the behavior back, its accesses on the buffers at the windows' offsets.
// INLINE-LABEL: loop.func @mm
// INLINE-NOT:     hw.
// INLINE-NOT:     loop.subview
// INLINE:         %{{.*}} = loop.load %A[%io * 4 + %i, %ko * 4 + %k] : memref<8x16xf32>
// INLINE-NEXT:    %{{.*}} = loop.load %B[%ko * 4 + %k, %jo * 4 + %j] : memref<16x12xf32>
// INLINE-NEXT:    %{{.*}} = loop.load %C[%io * 4 + %i, %jo * 4 + %j] : memref<8x12xf32>
// INLINE:         loop.store %{{.*}}, %C[%io * 4 + %i, %jo * 4 + %j] : memref<8x12xf32>
hw.intrinsic @gemm_4x4x4(%a: memref<4x4xf32, strided<[?, 1], offset: ?>>, %b: memref<4x4xf32, strided<[?, 1], offset: ?>>, %c: memref<4x4xf32, strided<[?, 1], offset: ?>>) attributes {num_outputs = 1 : i64, target = "vta"} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  loop.for %i = %c0 to %c4 step %c1 {
    loop.for %j = %c0 to %c4 step %c1 {
      loop.for %k = %c0 to %c4 step %c1 {
        %x = loop.load %a[%i, %k] : memref<4x4xf32, strided<[?, 1], offset: ?>>
        %y = loop.load %b[%k, %j] : memref<4x4xf32, strided<[?, 1], offset: ?>>
        %z = loop.load %c[%i, %j] : memref<4x4xf32, strided<[?, 1], offset: ?>>
        %p = arith.mulf %x, %y : f32
        %s = arith.addf %z, %p : f32
        loop.store %s, %c[%i, %j] : memref<4x4xf32, strided<[?, 1], offset: ?>>
      }
    }
  }
  hw.return
}
loop.func @mm(%A: memref<8x16xf32>, %B: memref<16x12xf32>, %C: memref<8x12xf32>) attributes {num_outputs = 1 : i64} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c3 = arith.constant 3 : index
  %c4 = arith.constant 4 : index
  loop.for %io = %c0 to %c2 step %c1 {
    loop.for %jo = %c0 to %c3 step %c1 {
      loop.for %ko = %c0 to %c4 step %c1 {
        loop.for %ii = %c0 to %c4 step %c1 {
          loop.for %ki = %c0 to %c4 step %c1 {
            %a = loop.load %A[%io * 4 + %ii, %ko * 4 + %ki] : memref<8x16xf32>
            loop.for %ji = %c0 to %c4 step %c1 {
              %b = loop.load %B[%ko * 4 + %ki, %jo * 4 + %ji] : memref<16x12xf32>
              %c = loop.load %C[%io * 4 + %ii, %jo * 4 + %ji] : memref<8x12xf32>
              %d = math.fma %a, %b, %c : f32
              loop.store %d, %C[%io * 4 + %ii, %jo * 4 + %ji] : memref<8x12xf32>
            }
          }
        } {tensorize = @gemm_4x4x4}
      }
    }
  }
  loop.return
}

// -----

/// Without a tag, `intrinsic=@gemm_4x4x4` finds the outermost nest that matches (the
/// unit loop %u around it is pruned; the copy nest after it does not match): windows at
/// constant offsets have a static offset, here the whole buffers.
// RUN: dl-opt %s -p 'loop-tensorize{intrinsic=@gemm_4x4x4}' --split-input-file | filecheck %s --check-prefix=SEARCH
// SEARCH-LABEL: loop.func @local
// SEARCH:         %[[ACC:.*]] = loop.alloc "local" : memref<4x4xf32>
// SEARCH-NEXT:    %[[A:.*]] = loop.subview %A[0, 0] : memref<4x4xf32> to memref<4x4xf32, strided<[4, 1]>>
// SEARCH-NEXT:    %[[B:.*]] = loop.subview %B[0, 0] : memref<4x4xf32> to memref<4x4xf32, strided<[4, 1]>>
// SEARCH-NEXT:    %[[C:.*]] = loop.subview %[[ACC]][0, 0] : memref<4x4xf32> to memref<4x4xf32, strided<[4, 1]>>
// SEARCH-NEXT:    hw.call @gemm_4x4x4(%[[A]], %[[B]], %[[C]])
// SEARCH-NEXT:    loop.for %i = %c0 to %c4 step %c1 {
// SEARCH-NEXT:      loop.for %j = %c0 to %c4 step %c1 {
// SEARCH-NEXT:        %{{.*}} = loop.load %[[ACC]][%i, %j]
// SEARCH:         loop.free %[[ACC]]
hw.intrinsic @gemm_4x4x4(%a: memref<4x4xf32, strided<[?, 1], offset: ?>>, %b: memref<4x4xf32, strided<[?, 1], offset: ?>>, %c: memref<4x4xf32, strided<[?, 1], offset: ?>>) attributes {num_outputs = 1 : i64, target = "vta"} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  loop.for %i = %c0 to %c4 step %c1 {
    loop.for %j = %c0 to %c4 step %c1 {
      loop.for %k = %c0 to %c4 step %c1 {
        %x = loop.load %a[%i, %k] : memref<4x4xf32, strided<[?, 1], offset: ?>>
        %y = loop.load %b[%k, %j] : memref<4x4xf32, strided<[?, 1], offset: ?>>
        %z = loop.load %c[%i, %j] : memref<4x4xf32, strided<[?, 1], offset: ?>>
        %p = arith.mulf %x, %y : f32
        %s = arith.addf %z, %p : f32
        loop.store %s, %c[%i, %j] : memref<4x4xf32, strided<[?, 1], offset: ?>>
      }
    }
  }
  hw.return
}
loop.func @local(%A: memref<4x4xf32>, %B: memref<4x4xf32>, %D: memref<4x4xf32>) attributes {num_outputs = 1 : i64} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %acc = loop.alloc "local" : memref<4x4xf32>
  loop.for %u = %c0 to %c1 step %c1 {
    loop.for %i = %c0 to %c4 step %c1 {
      loop.for %j = %c0 to %c4 step %c1 {
        loop.for %k = %c0 to %c4 step %c1 {
          %x = loop.load %A[%i, %k] : memref<4x4xf32>
          %y = loop.load %B[%k, %j] : memref<4x4xf32>
          %z = loop.load %acc[%i, %j] : memref<4x4xf32>
          %p = arith.mulf %y, %x : f32
          %s = arith.addf %p, %z : f32
          loop.store %s, %acc[%i, %j] : memref<4x4xf32>
        }
      }
    }
  }
  loop.for %i = %c0 to %c4 step %c1 {
    loop.for %j = %c0 to %c4 step %c1 {
      %v = loop.load %acc[%i, %j] : memref<4x4xf32>
      loop.store %v, %D[%i, %j] : memref<4x4xf32>
    }
  }
  loop.free %acc : memref<4x4xf32>
  loop.return
}
