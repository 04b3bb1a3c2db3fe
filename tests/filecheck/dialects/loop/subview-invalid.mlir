// RUN: dl-opt %s --verify-diagnostics --split-input-file

loop.func @f(%C: memref<64x64xf32>) attributes {num_outputs = 1 : i64} {
  // expected-error @+1 {{element type differs: f64 (result) vs f32 (source)}}
  %t = loop.subview %C[0, 0] : memref<64x64xf32> to memref<6x16xf64, strided<[64, 1]>>
  loop.return
}

// -----

loop.func @f(%C: memref<64x64xf32>) attributes {num_outputs = 1 : i64} {
  // expected-error @+1 {{result shape [6, 16] with strides [16, 1] is not a window of the source (shape [64, 64], strides [64, 1]): expected the source's strides for the dims kept, sizes at most the source's, and size 1 for the dims dropped}}
  %t = loop.subview %C[0, 0] : memref<64x64xf32> to memref<6x16xf32>
  loop.return
}

// -----

loop.func @f(%C: memref<64x64xf32>) attributes {num_outputs = 1 : i64} {
  // expected-error @+1 {{result shape [128] with strides [1] is not a window of the source}}
  %t = loop.subview %C[0, 0] : memref<64x64xf32> to memref<128xf32, strided<[1], offset: ?>>
  loop.return
}

// -----

loop.func @f(%C: memref<64x64xf32>) attributes {num_outputs = 1 : i64} {
  // expected-error @+1 {{result offset 5 is wrong: expected ? or 66}}
  %t = loop.subview %C[1, 2] : memref<64x64xf32> to memref<6x16xf32, strided<[64, 1], offset: 5>>
  loop.return
}

// -----

loop.func @f(%i: index, %C: memref<64x64xf32>) attributes {num_outputs = 1 : i64} {
  // expected-error @+1 {{result offset 0 is wrong: expected ?}}
  %t = loop.subview %C[%i, 2] : memref<64x64xf32> to memref<6x16xf32, strided<[64, 1]>>
  loop.return
}

// -----

loop.func @f(%C: memref<64x64xf32>) attributes {num_outputs = 1 : i64} {
  // expected-error @+1 {{window [60, 66) of dim 0 is outside the source's [0, 64)}}
  %t = loop.subview %C[60, 0] : memref<64x64xf32> to memref<6x16xf32, strided<[64, 1], offset: ?>>
  loop.return
}

// -----

loop.func @f(%C: memref<64x64xf32>) attributes {num_outputs = 1 : i64} {
  // expected-error @+1 {{index count differs from memref rank: expected 2, found 1}}
  %t = loop.subview %C[0] : memref<64x64xf32> to memref<6x16xf32, strided<[64, 1], offset: ?>>
  loop.return
}

// -----

loop.func @f(%C: memref<64x64xf32, "local">) attributes {num_outputs = 1 : i64} {
  // expected-error @+1 {{memory space differs: "global" (result) vs "local" (source)}}
  %t = loop.subview %C[0, 0] : memref<64x64xf32, "local"> to memref<6x16xf32, strided<[64, 1], offset: ?>, "global">
  loop.return
}
