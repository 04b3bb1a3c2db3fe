// RUN: DL_ROUNDTRIP

/// A tiled 250x256x256 matmul: parallel outer tiles, a tail tile bounded by loop.min,
/// an unrolled reduction, a vectorized inner loop, a local accumulator tile and
/// compound affine indices.
// CHECK-LABEL: loop.func @matmul
// CHECK-SAME:    (%[[A:.*]]: memref<250x256xf32>, %[[B:.*]]: memref<256x256xf32>, %[[C:.*]]: memref<250x256xf32>) attributes {num_outputs = 1 : i64} {
// CHECK:         %[[ACC:.*]] = loop.alloc "local" align 64 : memref<64x64xf32, "local">
// CHECK-NEXT:    loop.for %[[IO:.*]] = %{{.*}} to %{{.*}} step %{{.*}} parallel {
// CHECK-NEXT:      %[[NEXT:.*]] = arith.addi %[[IO]], %{{.*}} : index
// CHECK-NEXT:      %[[END:.*]] = loop.min %[[NEXT]], %{{.*}}
// CHECK-NEXT:      %[[TILE:.*]] = arith.subi %[[END]], %[[IO]] : index
// CHECK-NEXT:      loop.for %[[JO:.*]] = %{{.*}} to %{{.*}} step %{{.*}} parallel {
// CHECK-NEXT:        loop.for %[[II:.*]] = %{{.*}} to %[[TILE]] step %{{.*}} {
// CHECK-NEXT:          loop.for %[[K:.*]] = %{{.*}} to %{{.*}} step %{{.*}} unrolled<4> {
// CHECK-NEXT:            loop.for %[[JI:.*]] = %{{.*}} to %{{.*}} step %{{.*}} vectorized<8> {
// CHECK-NEXT:              %{{.*}} = loop.load %[[A]][%[[IO]] + %[[II]], %[[K]]] : memref<250x256xf32>
// CHECK-NEXT:              %{{.*}} = loop.load %[[B]][%[[K]], %[[JO]] * 64 + %[[JI]]] : memref<256x256xf32>
// CHECK-NEXT:              %{{.*}} = loop.load %[[ACC]][%[[II]], %[[JI]]] : memref<64x64xf32, "local">
// CHECK:                   loop.store %{{.*}}, %[[ACC]][%[[II]], %[[JI]]] : memref<64x64xf32, "local">
// CHECK-NEXT:            }
// CHECK-NEXT:          }
// CHECK:             loop.store %{{.*}}, %[[C]][%[[IO]] + %[[II]], %[[JO]] * 64 + %{{.*}}] : memref<250x256xf32>
// CHECK:         loop.free %[[ACC]] : memref<64x64xf32, "local">
// CHECK-NEXT:    loop.return
loop.func @matmul(%A: memref<250x256xf32>, %B: memref<256x256xf32>, %C: memref<250x256xf32>) attributes {num_outputs = 1 : i64} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c64 = arith.constant 64 : index
  %c250 = arith.constant 250 : index
  %c256 = arith.constant 256 : index
  %zero = arith.constant 0.0 : f32
  %acc = loop.alloc "local" align 64 : memref<64x64xf32, "local">
  loop.for %io = %c0 to %c250 step %c64 parallel {
    %next = arith.addi %io, %c64 : index
    %end = loop.min %next, %c250
    %tile = arith.subi %end, %io : index
    loop.for %jo = %c0 to %c4 step %c1 parallel {
      loop.for %ii = %c0 to %tile step %c1 {
        loop.for %k = %c0 to %c256 step %c1 unrolled<4> {
          loop.for %ji = %c0 to %c64 step %c1 vectorized<8> {
            %a = loop.load %A[%io + %ii, %k] : memref<250x256xf32>
            %b = loop.load %B[%k, %jo * 64 + %ji] : memref<256x256xf32>
            %c = loop.load %acc[%ii, %ji] : memref<64x64xf32, "local">
            %p = arith.mulf %a, %b : f32
            %s = arith.addf %c, %p : f32
            loop.store %s, %acc[%ii, %ji] : memref<64x64xf32, "local">
          }
        }
        loop.for %j = %c0 to %c64 step %c1 vectorized<8> {
          %v = loop.load %acc[%ii, %j] : memref<64x64xf32, "local">
          loop.store %v, %C[%io + %ii, %jo * 64 + %j] : memref<250x256xf32>
          loop.store %zero, %acc[%ii, %j] : memref<64x64xf32, "local">
        }
      }
    }
  }
  loop.free %acc : memref<64x64xf32, "local">
  loop.return
}

// -----

/// Serial is the default kind: written or not, it is not printed; a full unroll has no factor.
// CHECK-LABEL: loop.func @kinds
// CHECK:         loop.for %{{.*}} = %{{.*}} to %{{.*}} step %{{.*}} {
// CHECK:         loop.for %{{.*}} = %{{.*}} to %{{.*}} step %{{.*}} {
// CHECK:         loop.for %{{.*}} = %{{.*}} to %{{.*}} step %{{.*}} unrolled {
// CHECK:         loop.for %{{.*}} = %{{.*}} to %{{.*}} step %{{.*}} parallel {
// CHECK-NEXT:    } {schedule = "io"}
loop.func @kinds(%out: memref<4xindex>) attributes {num_outputs = 1 : i64} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  loop.for %i = %c0 to %c4 step %c1 serial {
    loop.store %i, %out[%i] : memref<4xindex>
  }
  loop.for %i = %c0 to %c4 step %c1 {
    loop.store %i, %out[%i] : memref<4xindex>
  }
  loop.for %i = %c0 to %c4 step %c1 unrolled {
    loop.store %i, %out[%i] : memref<4xindex>
  }
  loop.for %i = %c0 to %c4 step %c1 parallel {
  } {schedule = "io"}
  loop.return
}

// -----

/// Vector accesses in a loop stepping by the vector width; loop.max and a 3-way loop.min.
// CHECK-LABEL: loop.func @vadd
// CHECK-SAME:    (%[[A:.*]]: memref<1000xf32>, %[[B:.*]]: memref<1000xf32>, %[[N:.*]]: index, %[[C:.*]]: memref<1000xf32>)
// CHECK:         %[[LO:.*]] = loop.max %[[N]], %{{.*}}
// CHECK-NEXT:    %[[HI:.*]] = loop.min %[[LO]], %{{.*}}, %{{.*}}
// CHECK-NEXT:    loop.for %[[I:.*]] = %{{.*}} to %[[HI]] step %{{.*}} {
// CHECK-NEXT:      %[[X:.*]] = loop.vload %[[A]][%[[I]] * 8] : memref<1000xf32>, vector<8xf32>
// CHECK-NEXT:      %[[Y:.*]] = loop.vload %[[B]][%[[I]] * 8] : memref<1000xf32>, vector<8xf32>
// CHECK-NEXT:      %[[S:.*]] = arith.addf %[[X]], %[[Y]] : vector<8xf32>
// CHECK-NEXT:      loop.vstore %[[S]], %[[C]][%[[I]] * 8] : memref<1000xf32>, vector<8xf32>
// CHECK-NEXT:    }
loop.func @vadd(%a: memref<1000xf32>, %b: memref<1000xf32>, %n: index, %c: memref<1000xf32>) attributes {num_outputs = 1 : i64} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c125 = arith.constant 125 : index
  %lo = loop.max %n, %c0
  %hi = loop.min %lo, %c125, %c125
  loop.for %i = %c0 to %hi step %c1 {
    %x = loop.vload %a[%i * 8] : memref<1000xf32>, vector<8xf32>
    %y = loop.vload %b[8 * %i] : memref<1000xf32>, vector<8xf32>
    %s = arith.addf %x, %y : vector<8xf32>
    loop.vstore %s, %c[%i * 8] : memref<1000xf32>, vector<8xf32>
  }
  loop.return
}

// -----

/// Index expressions print in one canonical form: subtraction, division, modulo,
/// parenthesised sums, constants folded, dims numbered by first use.
// CHECK-LABEL: loop.func @indices
// CHECK-SAME:    (%[[A:.*]]: memref<64x64xf32>, %[[R:.*]]: memref<f32>, %[[I:.*]]: index, %[[J:.*]]: index)
// CHECK-NEXT:    %{{.*}} = loop.load %[[A]][%[[I]] - 1, %[[J]] - %[[I]] * 2] : memref<64x64xf32>
// CHECK-NEXT:    %{{.*}} = loop.load %[[A]][%[[I]] floordiv 4, (%[[I]] + %[[J]]) mod 8] : memref<64x64xf32>
// CHECK-NEXT:    %{{.*}} = loop.load %[[A]][%[[J]] ceildiv 2 * 3, %[[I]] + (%[[J]] + 5)] : memref<64x64xf32>
// CHECK-NEXT:    %{{.*}} = loop.load %[[A]][%[[J]] + 7, 63 - %[[I]]] : memref<64x64xf32>
// CHECK-NEXT:    %{{.*}} = loop.load %[[A]][8 - %[[I]] mod 4, -%[[J]]] : memref<64x64xf32>
// CHECK-NEXT:    %{{.*}} = loop.load %[[A]][-(%[[I]] mod 4), %[[J]] * -3 + %[[I]]] : memref<64x64xf32>
// CHECK-NEXT:    %[[V:.*]] = loop.load %[[R]][] : memref<f32>
// CHECK-NEXT:    loop.store %[[V]], %[[A]][0, %[[I]] * 2 + %[[J]] * 2] : memref<64x64xf32>
loop.func @indices(%a: memref<64x64xf32>, %r: memref<f32>, %i: index, %j: index) attributes {num_outputs = 0 : i64} {
  %0 = loop.load %a[%i - 1, %j - 2 * %i] : memref<64x64xf32>
  %1 = loop.load %a[%i floordiv 4, (%i + %j) mod 8] : memref<64x64xf32>
  %2 = loop.load %a[%j ceildiv 2 * 3, %i + (%j + 5)] : memref<64x64xf32>
  %3 = loop.load %a[%j + 3 + 4, 63 - %i] : memref<64x64xf32>
  %5 = loop.load %a[-(%i mod 4) + 8, 0 - %j] : memref<64x64xf32>
  %6 = loop.load %a[%i mod 4 * -1, -%j * 3 + %i] : memref<64x64xf32>
  %4 = loop.load %r[] : memref<f32>
  loop.store %4, %a[2 - 2, (%i + %j) * 2] : memref<64x64xf32>
  loop.return
}

// -----

/// Allocation in every memory scope, with and without a memory space on the type.
// CHECK-LABEL: loop.func @scopes
// CHECK-NEXT:    %{{.*}} = loop.alloc "global" : memref<16xf32>
// CHECK-NEXT:    %{{.*}} = loop.alloc "packed" align 32 : memref<4x64x8xf32, "packed">
// CHECK-NEXT:    %{{.*}} = loop.alloc "shared" : memref<8xi32, "shared">
// CHECK-NEXT:    %{{.*}} = loop.alloc "input" : memref<16x16xi8, "input">
// CHECK-NEXT:    %{{.*}} = loop.alloc "weight" : memref<16x16xi8, "weight">
// CHECK-NEXT:    %[[ACC:.*]] = loop.alloc "acc" : memref<16x16xi32, "acc">
// CHECK-NEXT:    loop.free %[[ACC]] : memref<16x16xi32, "acc">
loop.func @scopes() attributes {num_outputs = 0 : i64} {
  %g = loop.alloc "global" : memref<16xf32>
  %p = loop.alloc "packed" align 32 : memref<4x64x8xf32, "packed">
  %s = loop.alloc "shared" : memref<8xi32, "shared">
  %i = loop.alloc "input" : memref<16x16xi8, "input">
  %w = loop.alloc "weight" : memref<16x16xi8, "weight">
  %acc = loop.alloc "acc" : memref<16x16xi32, "acc">
  loop.free %acc : memref<16x16xi32, "acc">
  loop.return
}
