// One module, three levels at once: the unified IRModule.
//
// The graph entry @layer calls two kernels in destination-passing style. @dense_relu is
// still a tensor expression (with its schedule beside it); @halve has already been
// lowered to an explicit loop nest over buffers. The call sites read the same either way.
//
//   dl-opt examples/unified.mlir --verify-roundtrip

graph.func @layer(%x: tensor<64x256xf32>, %w: tensor<256x128xf32>) -> tensor<64x128xf32> {
  %h = graph.call_dps @dense_relu(%x, %w) : (tensor<64x256xf32>, tensor<256x128xf32>) -> tensor<64x128xf32>
  %y = graph.call_dps @halve(%h) : (tensor<64x128xf32>) -> tensor<64x128xf32>
  graph.return %y : tensor<64x128xf32>
}

// What is computed: relu(X . W), one reduction stage and one elementwise stage.
te.kernel @dense_relu(%X: tensor<64x256xf32>, %W: tensor<256x128xf32>) -> tensor<64x128xf32> {
  %D = te.compute "D" (%i: 64, %j: 128) reduce (%k: 256) combiner add init 0.0 : f32 {
    %a = te.read %X[%i, %k] : tensor<64x256xf32> -> f32
    %b = te.read %W[%k, %j] : tensor<256x128xf32> -> f32
    %p = arith.mulf %a, %b : f32
    te.yield %p : f32
  } : tensor<64x128xf32>
  %R = te.compute "R" (%i: 64, %j: 128) {
    %d = te.read %D[%i, %j] : tensor<64x128xf32> -> f32
    %zero = arith.constant 0.0 : f32
    %r = arith.maximumf %d, %zero : f32
    te.yield %r : f32
  } : tensor<64x128xf32>
  te.return %R : tensor<64x128xf32>
}

// When and where: tile the output, run row tiles in parallel, compute each matmul tile
// inside the relu's tile loop, and vectorize the inner columns.
te.schedule @dense_relu {
  te.tile "R" ("i", "j") by (16, 32) -> ("io", "jo", "ii", "ji")
  te.parallel "R" "io"
  te.vectorize "R" "ji"
  te.compute_at "D" at "R" "jo"
  te.split "D" "k" by 4 -> "ko", "ki"
  te.reorder "D" ["ko", "i", "ki", "j"]
  te.unroll "D" "ki"
  te.vectorize "D" "j"
}

// How, explicitly: y = x * 0.5 with 8-wide vectors; the output buffer comes last.
loop.func @halve(%x: memref<64x128xf32>, %y: memref<64x128xf32>) attributes {num_outputs = 1 : i64} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c16 = arith.constant 16 : index
  %c64 = arith.constant 64 : index
  %half = arith.constant dense<5.000000e-01> : vector<8xf32>
  loop.for %i = %c0 to %c64 step %c1 parallel {
    loop.for %j = %c0 to %c16 step %c1 {
      %v = loop.vload %x[%i, %j * 8] : memref<64x128xf32>, vector<8xf32>
      %h = arith.mulf %v, %half : vector<8xf32>
      loop.vstore %h, %y[%i, %j * 8] : memref<64x128xf32>, vector<8xf32>
    }
  }
  loop.return
}
