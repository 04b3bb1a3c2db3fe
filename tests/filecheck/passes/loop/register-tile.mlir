// RUN: dl-opt %s -p loop-unroll,loop-vectorize | filecheck %s

/// The k loop of a 3x16 register tile: unrolling the rows (and jamming their column loops)
/// and vectorizing the columns leaves one k loop whose body is, per row, a broadcast and
/// one fma on a 16-wide vector (two AVX2 registers), with the tile's accumulators at
/// constant indices (registers once the stack tile is promoted).
// CHECK-LABEL: loop.func @tile
// CHECK:         loop.for %[[K:.*]] = %{{.*}} to %{{.*}} step %{{.*}} {
// CHECK-NEXT:      %[[A0:.*]] = loop.load %{{.*}}[0, %[[K]]] : memref<3x64xf32>
// CHECK-NEXT:      %[[A1:.*]] = loop.load %{{.*}}[1, %[[K]]] : memref<3x64xf32>
// CHECK-NEXT:      %[[A2:.*]] = loop.load %{{.*}}[2, %[[K]]] : memref<3x64xf32>
// CHECK-NEXT:      %[[B0:.*]] = loop.vload %[[BP:.*]][%[[K]], 0] : memref<64x16xf32>, vector<16xf32>
// CHECK-NEXT:      %[[C0:.*]] = loop.vload %[[ACC:.*]][0, 0] : memref<3x16xf32>, vector<16xf32>
// CHECK-NEXT:      %[[S0:.*]] = vector.broadcast %[[A0]] : f32 to vector<16xf32>
// CHECK-NEXT:      %[[F0:.*]] = vector.fma %[[S0]], %[[B0]], %[[C0]] : vector<16xf32>
// CHECK-NEXT:      loop.vstore %[[F0]], %[[ACC]][0, 0] : memref<3x16xf32>, vector<16xf32>
// CHECK:           vector.broadcast %[[A1]]
// CHECK-NEXT:      vector.fma
// CHECK-NEXT:      loop.vstore %{{.*}}, %[[ACC]][1, 0] : memref<3x16xf32>, vector<16xf32>
// CHECK:           vector.broadcast %[[A2]]
// CHECK-NEXT:      vector.fma
// CHECK-NEXT:      loop.vstore %{{.*}}, %[[ACC]][2, 0] : memref<3x16xf32>, vector<16xf32>
// CHECK-NEXT:    }
// CHECK-NOT:     vectorized
// CHECK-NOT:     unrolled
loop.func @tile(%a: memref<3x64xf32>, %bp: memref<64x16xf32>, %acc: memref<3x16xf32>) attributes {num_outputs = 1 : i64} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c3 = arith.constant 3 : index
  %c16 = arith.constant 16 : index
  %c64 = arith.constant 64 : index
  loop.for %k = %c0 to %c64 step %c1 {
    loop.for %i = %c0 to %c3 step %c1 unrolled {
      %x = loop.load %a[%i, %k] : memref<3x64xf32>
      loop.for %j = %c0 to %c16 step %c1 vectorized<8> {
        %b = loop.load %bp[%k, %j] : memref<64x16xf32>
        %p = arith.mulf %x, %b : f32
        %o = loop.load %acc[%i, %j] : memref<3x16xf32>
        %s = arith.addf %o, %p : f32
        loop.store %s, %acc[%i, %j] : memref<3x16xf32>
      }
    }
  }
  loop.return
}
