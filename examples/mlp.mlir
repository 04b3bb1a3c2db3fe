// A three-layer perceptron on MNIST-sized inputs: (matmul + bias + relu) x 2, matmul + bias,
// softmax. Batch 64, 784 -> 256 -> 128 -> 10.
//
//   dl-opt examples/mlp.mlir --verify-roundtrip
//   dl-opt examples/mlp.mlir -p compile-cpu --run --check     # native code vs the interpreter
graph.func @mlp(%x: tensor<64x784xf32>,
                %w1: tensor<784x256xf32>, %b1: tensor<256xf32>,
                %w2: tensor<256x128xf32>, %b2: tensor<128xf32>,
                %w3: tensor<128x10xf32>, %b3: tensor<10xf32>) -> tensor<64x10xf32> {
  %0 = graph.matmul %x, %w1 : (tensor<64x784xf32>, tensor<784x256xf32>) -> tensor<64x256xf32>
  %1 = graph.add %0, %b1 : (tensor<64x256xf32>, tensor<256xf32>) -> tensor<64x256xf32>
  %2 = graph.relu %1 : tensor<64x256xf32>
  %3 = graph.matmul %2, %w2 : (tensor<64x256xf32>, tensor<256x128xf32>) -> tensor<64x128xf32>
  %4 = graph.add %3, %b2 : (tensor<64x128xf32>, tensor<128xf32>) -> tensor<64x128xf32>
  %5 = graph.relu %4 : tensor<64x128xf32>
  %6 = graph.matmul %5, %w3 : (tensor<64x128xf32>, tensor<128x10xf32>) -> tensor<64x10xf32>
  %7 = graph.add %6, %b3 : (tensor<64x10xf32>, tensor<10xf32>) -> tensor<64x10xf32>
  %8 = graph.softmax %7 : tensor<64x10xf32>
  graph.return %8 : tensor<64x10xf32>
}
