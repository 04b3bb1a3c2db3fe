// RUN: dl-opt %s -p 'loop-tensorize{intrinsic=@vta_gemm}' | filecheck %s

/// An accelerator GEMM over on-chip scopes (input, weight, acc) with i8 -> i32 widening:
/// found by search in hand-written loops whose multiply and add have their operands in
/// the other order; the weight buffer is the window itself, the rows of the input and
/// accumulator are windows at the batch loop's row.
// CHECK-LABEL: loop.func @dense
// CHECK:         loop.for %b = %c0 to %c4 step %c1 {
// CHECK-NEXT:      %[[INP:.*]] = loop.subview %inp[%b, 0] : memref<4x16xi8, "input"> to memref<1x16xi8, strided<[16, 1], offset: ?>, "input">
// CHECK-NEXT:      %[[ACC:.*]] = loop.subview %acc[%b, 0] : memref<4x16xi32, "acc"> to memref<1x16xi32, strided<[16, 1], offset: ?>, "acc">
// CHECK-NEXT:      hw.call @vta_gemm(%[[INP]], %wgt, %[[ACC]])
// CHECK-NEXT:    }
hw.intrinsic @vta_gemm(%inp: memref<1x16xi8, "input">, %wgt: memref<16x16xi8, "weight">, %acc: memref<1x16xi32, "acc">) attributes {num_outputs = 1 : i64, target = "vta"} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c16 = arith.constant 16 : index
  loop.for %j = %c0 to %c16 step %c1 {
    loop.for %k = %c0 to %c16 step %c1 {
      %x = loop.load %inp[0, %k] : memref<1x16xi8, "input">
      %w = loop.load %wgt[%j, %k] : memref<16x16xi8, "weight">
      %a = loop.load %acc[0, %j] : memref<1x16xi32, "acc">
      %xe = arith.extsi %x : i8 to i32
      %we = arith.extsi %w : i8 to i32
      %p = arith.muli %xe, %we : i32
      %s = arith.addi %a, %p : i32
      loop.store %s, %acc[0, %j] : memref<1x16xi32, "acc">
    }
  }
  hw.return
}
loop.func @dense(%o: memref<4x16xi32>) attributes {num_outputs = 1 : i64} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c16 = arith.constant 16 : index
  %inp = loop.alloc "input" : memref<4x16xi8, "input">
  %wgt = loop.alloc "weight" : memref<16x16xi8, "weight">
  %acc = loop.alloc "acc" : memref<4x16xi32, "acc">
  loop.for %b = %c0 to %c4 step %c1 {
    loop.for %k = %c0 to %c16 step %c1 {
      loop.for %j = %c0 to %c16 step %c1 {
        %x = loop.load %inp[%b, %k] : memref<4x16xi8, "input">
        %w = loop.load %wgt[%j, %k] : memref<16x16xi8, "weight">
        %a = loop.load %acc[%b, %j] : memref<4x16xi32, "acc">
        %xe = arith.extsi %x : i8 to i32
        %we = arith.extsi %w : i8 to i32
        %p = arith.muli %we, %xe : i32
        %s = arith.addi %p, %a : i32
        loop.store %s, %acc[%b, %j] : memref<4x16xi32, "acc">
      }
    }
  }
  loop.free %acc : memref<4x16xi32, "acc">
  loop.free %wgt : memref<16x16xi8, "weight">
  loop.free %inp : memref<4x16xi8, "input">
  loop.return
}
