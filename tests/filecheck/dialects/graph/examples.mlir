// The README's examples verify and survive the print/parse round trip.
// RUN: dl-opt %S/../../../../examples/mlp.mlir --verify-roundtrip | filecheck %s --check-prefix=MLP
// RUN: dl-opt %S/../../../../examples/cnn.mlir --verify-roundtrip | filecheck %s --check-prefix=CNN

// MLP-LABEL: graph.func @mlp
// MLP-COUNT-3: graph.matmul
// MLP:         %[[LOGITS:.*]] = graph.add %{{.*}}, %{{.*}} : (tensor<64x10xf32>, tensor<10xf32>) -> tensor<64x10xf32>
// MLP-NEXT:    %[[P:.*]] = graph.softmax %[[LOGITS]] : tensor<64x10xf32>
// MLP-NEXT:    graph.return %[[P]] : tensor<64x10xf32>

// CNN-LABEL: graph.func @cnn
// CNN:         graph.conv2d {{.*}} -> tensor<8x16x32x32xf32>
// CNN-NEXT:    graph.batch_norm
// CNN-NEXT:    graph.relu
// CNN-NEXT:    graph.max_pool2d {{.*}} -> tensor<8x16x16x16xf32>
// CNN:         graph.global_avg_pool2d {{.*}} -> tensor<8x32x1x1xf32>
// CNN-NEXT:    graph.flatten {{.*}} -> tensor<8x32xf32>
// CNN-NEXT:    graph.matmul
// CNN-NEXT:    graph.add {{.*}} -> tensor<8x10xf32>
