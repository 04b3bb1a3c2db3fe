// A small convolutional classifier on CIFAR-sized images (batch 8, NCHW):
// two conv + batch_norm + relu blocks with a max-pool between them, global average
// pooling, flatten, and a dense layer to 10 classes.
//
//   dl-opt examples/cnn.mlir --verify-roundtrip
//   dl-opt examples/cnn.mlir -p compile-cpu --run --check --run-range 0.1,1   # native vs interpreter (positive variances)
graph.func @cnn(%x: tensor<8x3x32x32xf32>,
                %w1: tensor<16x3x3x3xf32>, %b1: tensor<16xf32>,
                %g1: tensor<16xf32>, %beta1: tensor<16xf32>, %m1: tensor<16xf32>, %v1: tensor<16xf32>,
                %w2: tensor<32x16x3x3xf32>,
                %g2: tensor<32xf32>, %beta2: tensor<32xf32>, %m2: tensor<32xf32>, %v2: tensor<32xf32>,
                %wd: tensor<32x10xf32>, %bd: tensor<10xf32>) -> tensor<8x10xf32> {
  %0 = graph.conv2d %x, %w1, %b1 pads [1, 1, 1, 1] : (tensor<8x3x32x32xf32>, tensor<16x3x3x3xf32>, tensor<16xf32>) -> tensor<8x16x32x32xf32>
  %1 = graph.batch_norm %0, %g1, %beta1, %m1, %v1 : (tensor<8x16x32x32xf32>, tensor<16xf32>, tensor<16xf32>, tensor<16xf32>, tensor<16xf32>) -> tensor<8x16x32x32xf32>
  %2 = graph.relu %1 : tensor<8x16x32x32xf32>
  %3 = graph.max_pool2d %2 kernel [2, 2] strides [2, 2] : tensor<8x16x32x32xf32> -> tensor<8x16x16x16xf32>
  %4 = graph.conv2d %3, %w2 pads [1, 1, 1, 1] : (tensor<8x16x16x16xf32>, tensor<32x16x3x3xf32>) -> tensor<8x32x16x16xf32>
  %5 = graph.batch_norm %4, %g2, %beta2, %m2, %v2 : (tensor<8x32x16x16xf32>, tensor<32xf32>, tensor<32xf32>, tensor<32xf32>, tensor<32xf32>) -> tensor<8x32x16x16xf32>
  %6 = graph.relu %5 : tensor<8x32x16x16xf32>
  %7 = graph.global_avg_pool2d %6 : tensor<8x32x16x16xf32> -> tensor<8x32x1x1xf32>
  %8 = graph.flatten %7 : tensor<8x32x1x1xf32> -> tensor<8x32xf32>
  %9 = graph.matmul %8, %wd : (tensor<8x32xf32>, tensor<32x10xf32>) -> tensor<8x10xf32>
  %10 = graph.add %9, %bd : (tensor<8x10xf32>, tensor<10xf32>) -> tensor<8x10xf32>
  graph.return %10 : tensor<8x10xf32>
}
