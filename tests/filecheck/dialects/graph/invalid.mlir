// RUN: dl-opt %s --verify-diagnostics --split-input-file

graph.func @result_type(%a: tensor<4x8xf32>, %b: tensor<8x16xf32>) -> tensor<4x15xf32> {
  // expected-error @+1 {{result type expected tensor<4x16xf32>, found tensor<4x15xf32>}}
  %0 = graph.matmul %a, %b : (tensor<4x8xf32>, tensor<8x16xf32>) -> tensor<4x15xf32>
  graph.return %0 : tensor<4x15xf32>
}

// -----

// expected-error @+1 {{expected a static shape, found tensor<?x8xf32>}}
graph.func @dynamic(%a: tensor<?x8xf32>) {
  graph.return
}

// -----

func.func @dynamic_operand(%a: tensor<?x8xf32>) {
  // expected-error @+1 {{expected a static shape, found tensor<?x8xf32>}}
  %0 = "graph.relu"(%a) : (tensor<?x8xf32>) -> tensor<?x8xf32>
  func.return
}

// -----

func.func @element_type(%a: tensor<4xf80>) {
  // expected-error @+1 {{unsupported element type f80 in tensor<4xf80>}}
  %0 = "graph.relu"(%a) : (tensor<4xf80>) -> tensor<4xf80>
  func.return
}

// -----

graph.func @float_only(%a: tensor<4xi32>) {
  // expected-error @+1 {{expected a floating-point element type, found i32}}
  %0 = graph.exp %a : tensor<4xi32>
  graph.return
}

// -----

graph.func @unary_type(%a: tensor<4xf32>) {
  // expected-error @+1 {{attribute tensor<4xf32> expected from variable 'T', but got tensor<5xf32>}}
  %0 = "graph.sigmoid"(%a) : (tensor<4xf32>) -> tensor<5xf32>
  graph.return
}

// -----

graph.func @broadcast(%a: tensor<3x4xf32>, %b: tensor<5xf32>) {
  // expected-error @+1 {{operands not broadcastable: tensor<3x4xf32> vs tensor<5xf32>}}
  %0 = graph.add %a, %b : (tensor<3x4xf32>, tensor<5xf32>) -> tensor<3x4xf32>
  graph.return
}

// -----

graph.func @element_types_differ(%a: tensor<4xf32>, %b: tensor<4xf16>) {
  // expected-error @+1 {{element types differ: f32 vs f16}}
  %0 = graph.mul %a, %b : (tensor<4xf32>, tensor<4xf16>) -> tensor<4xf32>
  graph.return
}

// -----

graph.func @gelu(%a: tensor<4xf32>) {
  // expected-error @+1 {{approximate expected "none" or "tanh", found "erf"}}
  %0 = graph.gelu %a approximate "erf" : tensor<4xf32>
  graph.return
}

// -----

graph.func @clip(%a: tensor<4xf32>) {
  // expected-error @+1 {{min must not exceed max: 6.0 > 0.0}}
  %0 = graph.clip %a min 6.0 max 0.0 : tensor<4xf32>
  graph.return
}

// -----

graph.func @cast(%a: tensor<4xf32>) {
  // expected-error @+1 {{result type expected tensor<4xi8>, found tensor<5xi8>}}
  %0 = graph.cast %a : tensor<4xf32> to tensor<5xi8>
  graph.return
}

// -----

graph.func @matmul_rank(%a: tensor<4x8x2xf32>, %b: tensor<8x16xf32>) {
  // expected-error @+1 {{expected lhs of rank 2, found tensor<4x8x2xf32>}}
  %0 = graph.matmul %a, %b : (tensor<4x8x2xf32>, tensor<8x16xf32>) -> tensor<4x16xf32>
  graph.return
}

// -----

graph.func @matmul_contracting(%a: tensor<4x8xf32>, %b: tensor<7x16xf32>) {
  // expected-error @+1 {{contracting dims differ: 8 vs 7}}
  %0 = graph.matmul %a, %b : (tensor<4x8xf32>, tensor<7x16xf32>) -> tensor<4x16xf32>
  graph.return
}

// -----

graph.func @batch_matmul_rank(%a: tensor<8xf32>, %b: tensor<8x16xf32>) {
  // expected-error @+1 {{expected operands of rank 2 or more, found tensor<8xf32> and tensor<8x16xf32>}}
  %0 = graph.batch_matmul %a, %b : (tensor<8xf32>, tensor<8x16xf32>) -> tensor<16xf32>
  graph.return
}

// -----

graph.func @batch_matmul_batch(%a: tensor<2x4x8xf32>, %b: tensor<3x8x16xf32>) {
  // expected-error @+1 {{batch dims not broadcastable: tensor<2x4x8xf32> vs tensor<3x8x16xf32>}}
  %0 = graph.batch_matmul %a, %b : (tensor<2x4x8xf32>, tensor<3x8x16xf32>) -> tensor<2x4x16xf32>
  graph.return
}

// -----

graph.func @conv_strides(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) {
  // expected-error @+1 {{strides expected 2 values, found 3}}
  %0 = graph.conv2d %x, %w strides [1, 1, 1] : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
  graph.return
}

// -----

graph.func @conv_positive(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) {
  // expected-error @+1 {{strides, dilations and kernel must be positive, found [0, 1], [1, 1] and [1, 1]}}
  %0 = graph.conv2d %x, %w strides [0, 1] : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
  graph.return
}

// -----

graph.func @conv_pads(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) {
  // expected-error @+1 {{pads must be non-negative, found [0, -1, 0, 0]}}
  %0 = graph.conv2d %x, %w pads [0, -1, 0, 0] : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x5xf32>
  graph.return
}

// -----

graph.func @conv_groups(%x: tensor<1x4x8x8xf32>, %w: tensor<4x2x3x3xf32>) {
  // expected-error @+1 {{groups 3 must divide input channels 4 and output channels 4}}
  %0 = graph.conv2d %x, %w groups 3 : (tensor<1x4x8x8xf32>, tensor<4x2x3x3xf32>) -> tensor<1x4x6x6xf32>
  graph.return
}

// -----

graph.func @conv_channels(%x: tensor<1x3x8x8xf32>, %w: tensor<4x2x3x3xf32>) {
  // expected-error @+1 {{input channels differ: 3 vs weight 2 x groups 1}}
  %0 = graph.conv2d %x, %w : (tensor<1x3x8x8xf32>, tensor<4x2x3x3xf32>) -> tensor<1x4x6x6xf32>
  graph.return
}

// -----

graph.func @conv_bias(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %b: tensor<3xf32>) {
  // expected-error @+1 {{bias expected shape [4], found tensor<3xf32>}}
  %0 = graph.conv2d %x, %w, %b : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<3xf32>) -> tensor<1x4x6x6xf32>
  graph.return
}

// -----

graph.func @conv_window(%x: tensor<1x3x2x2xf32>, %w: tensor<4x3x3x3xf32>) {
  // expected-error @+1 {{window of 3 does not fit in padded size 2}}
  %0 = graph.conv2d %x, %w : (tensor<1x3x2x2xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x1x1xf32>
  graph.return
}

// -----

graph.func @conv_rank(%x: tensor<3x8x8xf32>, %w: tensor<4x3x3x3xf32>) {
  // expected-error @+1 {{expected input of rank 4, found tensor<3x8x8xf32>}}
  %0 = graph.conv2d %x, %w : (tensor<3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
  graph.return
}

// -----

graph.func @pool_pads(%x: tensor<1x3x8x8xf32>) {
  // expected-error @+1 {{pads [2, 2, 2, 2] must be smaller than the kernel [2, 2]}}
  %0 = graph.max_pool2d %x kernel [2, 2] pads [2, 2, 2, 2] : tensor<1x3x8x8xf32> -> tensor<1x3x11x11xf32>
  graph.return
}

// -----

graph.func @pool_kernel(%x: tensor<1x3x8x8xf32>) {
  // expected-error @+1 {{kernel expected 2 values, found 1}}
  %0 = graph.avg_pool2d %x kernel [2] : tensor<1x3x8x8xf32> -> tensor<1x3x7x7xf32>
  graph.return
}

// -----

graph.func @pool_ceil(%x: tensor<1x3x7x7xf32>) {
  // expected-error @+1 {{result type expected tensor<1x3x4x4xf32>, found tensor<1x3x3x3xf32>}}
  %0 = graph.max_pool2d %x kernel [2, 2] strides [2, 2] ceil_mode : tensor<1x3x7x7xf32> -> tensor<1x3x3x3xf32>
  graph.return
}

// -----

graph.func @global_pool(%x: tensor<1x3x7x7xf32>) {
  // expected-error @+1 {{result type expected tensor<1x3x1x1xf32>, found tensor<1x3xf32>}}
  %0 = graph.global_avg_pool2d %x : tensor<1x3x7x7xf32> -> tensor<1x3xf32>
  graph.return
}

// -----

graph.func @softmax_axis(%x: tensor<4x8xf32>) {
  // expected-error @+1 {{axis 2 is out of range for rank 2}}
  %0 = graph.softmax %x axis 2 : tensor<4x8xf32>
  graph.return
}

// -----

graph.func @layer_norm_scale(%x: tensor<4x8xf32>, %g: tensor<4x8xf32>, %b: tensor<8xf32>) {
  // expected-error @+1 {{scale type expected tensor<8xf32>, found tensor<4x8xf32>}}
  %0 = graph.layer_norm %x, %g, %b : (tensor<4x8xf32>, tensor<4x8xf32>, tensor<8xf32>) -> tensor<4x8xf32>
  graph.return
}

// -----

graph.func @layer_norm_epsilon(%x: tensor<4x8xf32>, %g: tensor<8xf32>) {
  // expected-error @+1 {{epsilon must be positive, found 0.0}}
  %0 = graph.layer_norm %x, %g, %g epsilon 0.0 : (tensor<4x8xf32>, tensor<8xf32>, tensor<8xf32>) -> tensor<4x8xf32>
  graph.return
}

// -----

graph.func @batch_norm_stats(%x: tensor<1x3x4x4xf32>, %c: tensor<3xf32>, %m: tensor<4xf32>) {
  // expected-error @+1 {{mean type expected tensor<3xf32>, found tensor<4xf32>}}
  %0 = graph.batch_norm %x, %c, %c, %m, %c : (tensor<1x3x4x4xf32>, tensor<3xf32>, tensor<3xf32>, tensor<4xf32>, tensor<3xf32>) -> tensor<1x3x4x4xf32>
  graph.return
}

// -----

graph.func @batch_norm_rank(%x: tensor<3xf32>, %c: tensor<3xf32>) {
  // expected-error @+1 {{expected input of rank 2 or more, found tensor<3xf32>}}
  %0 = graph.batch_norm %x, %c, %c, %c, %c : (tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  graph.return
}

// -----

graph.func @reduce_twice(%x: tensor<4x8xf32>) {
  // expected-error @+1 {{axes [1, -1] name a dim twice}}
  %0 = graph.reduce_sum %x axes [1, -1] : tensor<4x8xf32> -> tensor<4xf32>
  graph.return
}

// -----

graph.func @reduce_keepdims(%x: tensor<4x8xf32>) {
  // expected-error @+1 {{result type expected tensor<4x1xf32>, found tensor<4xf32>}}
  %0 = graph.reduce_max %x axes [1] keepdims : tensor<4x8xf32> -> tensor<4xf32>
  graph.return
}

// -----

graph.func @reshape(%x: tensor<4x8xf32>) {
  // expected-error @+1 {{element count differs: 32 in tensor<4x8xf32> vs 30 in shape [5, 6]}}
  %0 = graph.reshape %x : tensor<4x8xf32> -> tensor<5x6xf32>
  graph.return
}

// -----

graph.func @transpose(%x: tensor<4x8xf32>) {
  // expected-error @+1 {{perm [0, 0] is not a permutation of the 2 dims of tensor<4x8xf32>}}
  %0 = graph.transpose %x perm [0, 0] : tensor<4x8xf32> -> tensor<4x4xf32>
  graph.return
}

// -----

graph.func @concat(%a: tensor<4x8xf32>, %b: tensor<5x2xf32>) {
  // expected-error @+1 {{shapes differ off axis 1: tensor<4x8xf32> vs tensor<5x2xf32>}}
  %0 = graph.concat %a, %b axis 1 : (tensor<4x8xf32>, tensor<5x2xf32>) -> tensor<4x10xf32>
  graph.return
}

// -----

graph.func @concat_empty() {
  // expected-error @+1 {{expected at least one input}}
  %0 = graph.concat axis 0 : () -> tensor<4xf32>
  graph.return
}

// -----

graph.func @flatten(%x: tensor<4x8xf32>) {
  // expected-error @+1 {{axis 3 is out of range for flattening rank 2}}
  %0 = graph.flatten %x axis 3 : tensor<4x8xf32> -> tensor<32x1xf32>
  graph.return
}

// -----

graph.func @pad_count(%x: tensor<4x8xf32>) {
  // expected-error @+1 {{low expected 2 values, found 1}}
  %0 = graph.pad %x low [1] high [1, 1] : tensor<4x8xf32> -> tensor<6x10xf32>
  graph.return
}

// -----

graph.func @pad_negative(%x: tensor<4x8xf32>) {
  // expected-error @+1 {{high pads must be non-negative, found [0, -1]}}
  %0 = graph.pad %x low [0, 0] high [0, -1] : tensor<4x8xf32> -> tensor<4x7xf32>
  graph.return
}

// -----

graph.func @pad_mode(%x: tensor<4x8xf32>) {
  // expected-error @+1 {{mode expected "constant", "reflect" or "edge", found "wrap"}}
  %0 = graph.pad %x low [1, 1] high [1, 1] mode "wrap" : tensor<4x8xf32> -> tensor<6x10xf32>
  graph.return
}

// -----

graph.func @pad_reflect(%x: tensor<2x8xf32>) {
  // expected-error @+1 {{reflect padding 2 on axis 0 needs a dim larger than the padding, found 2}}
  %0 = graph.pad %x low [2, 0] high [0, 0] mode "reflect" : tensor<2x8xf32> -> tensor<4x8xf32>
  graph.return
}

// -----

graph.func @pad_edge(%x: tensor<0x8xf32>) {
  // expected-error @+1 {{edge padding of the empty axis 0}}
  %0 = graph.pad %x low [1, 0] high [0, 0] mode "edge" : tensor<0x8xf32> -> tensor<1x8xf32>
  graph.return
}

// -----

graph.func @pad_value(%x: tensor<4x8xf32>) {
  // expected-error @+1 {{value is only meaningful in mode "constant", not "edge"}}
  %0 = graph.pad %x low [1, 1] high [1, 1] mode "edge" value 1.0 : tensor<4x8xf32> -> tensor<6x10xf32>
  graph.return
}

// -----

graph.func @slice_count(%x: tensor<4x8xf32>) {
  // expected-error @+1 {{ends expected 2 values, found 1}}
  %0 = graph.slice %x starts [0, 0] ends [4] steps [1, 1] : tensor<4x8xf32> -> tensor<4x8xf32>
  graph.return
}

// -----

graph.func @slice_step(%x: tensor<4x8xf32>) {
  // expected-error @+1 {{steps must be non-zero, found [1, 0]}}
  %0 = graph.slice %x starts [0, 0] ends [4, 8] steps [1, 0] : tensor<4x8xf32> -> tensor<4x8xf32>
  graph.return
}

// -----

graph.func @slice_result(%x: tensor<4x8xf32>) {
  // expected-error @+1 {{result type expected tensor<2x3xf32>, found tensor<2x4xf32>}}
  %0 = graph.slice %x starts [0, -1] ends [4, 0] steps [2, -3] : tensor<4x8xf32> -> tensor<2x4xf32>
  graph.return
}

// -----

graph.func @broadcast_to(%x: tensor<3x2xf32>) {
  // expected-error @+1 {{tensor<3x2xf32> does not broadcast to shape [3, 4]}}
  %0 = graph.broadcast_to %x : tensor<3x2xf32> -> tensor<3x4xf32>
  graph.return
}

// -----

graph.func @return_types(%x: tensor<4xf32>) -> tensor<5xf32> {
  // expected-error @+1 {{returned types expected (tensor<5xf32>) from the signature of @return_types, found (tensor<4xf32>)}}
  graph.return %x : tensor<4xf32>
}

// -----

// expected-error @+1 {{expected a tensor type, found memref<4xf32>}}
graph.func @func_types(%x: memref<4xf32>) {
  graph.return
}

// -----

graph.func @call_missing(%x: tensor<4xf32>) {
  // expected-error @+1 {{callee @nowhere not found}}
  %0 = graph.call_dps @nowhere(%x) : (tensor<4xf32>) -> tensor<4xf32>
  graph.return
}

// -----

"memref.global"() <{sym_name = "thing", sym_visibility = "private", type = memref<4xf32>, initial_value}> : () -> ()
graph.func @call_uncallable(%x: tensor<4xf32>) {
  // expected-error @+1 {{@thing is a 'memref.global', which cannot be called}}
  %0 = graph.call_dps @thing(%x) : (tensor<4xf32>) -> tensor<4xf32>
  graph.return
}

// -----

graph.func @kernel(%x: tensor<4xf32>) -> tensor<4xf32> {
  graph.return %x : tensor<4xf32>
}
graph.func @call_type(%x: tensor<5xf32>) {
  // expected-error @+1 {{callee @kernel input #0 has type tensor<4xf32>}}
  %0 = graph.call_dps @kernel(%x) : (tensor<5xf32>) -> tensor<4xf32>
  graph.return
}

// -----

func.func @lowered(%a: memref<4xf32>, %out: memref<4xf32>) attributes {num_outputs = 1 : i64} {
  func.return
}
graph.func @call_count(%x: tensor<4xf32>) {
  // expected-error @+1 {{callee @lowered has 1 output}}
  %0, %1 = graph.call_dps @lowered(%x) : (tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>)
  graph.return
}

// -----

llvm.func @native(!llvm.ptr, !llvm.ptr)
graph.func @call_arity(%x: tensor<4xf32>) {
  // expected-error @+1 {{callee @native takes 2 arguments}}
  %0 = graph.call_dps @native(%x, %x) : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  graph.return
}

// -----

// expected-error @+1 {{entry block argument types expected (tensor<4xf32>), found (tensor<5xf32>)}}
"graph.func"() <{sym_name = "entry_block", function_type = (tensor<4xf32>) -> ()}> ({
^bb0(%a: tensor<5xf32>):
  "graph.return"() : () -> ()
}) : () -> ()

// -----

// expected-error @+1 {{expected a single block, found 2}}
"graph.func"() <{sym_name = "two_blocks", function_type = () -> ()}> ({
  "graph.return"() : () -> ()
^bb1:
  "graph.return"() : () -> ()
}) : () -> ()

// -----

func.func @compare_result(%a: tensor<4xf32>, %b: tensor<4xf32>) {
  // expected-error @+1 {{result type expected tensor<4xi1>, found tensor<4xf32>}}
  %0 = graph.less %a, %b : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  func.return
}

// -----

func.func @compare_element_types(%a: tensor<4xf32>, %b: tensor<4xi32>) {
  // expected-error @+1 {{element types differ: f32 vs i32}}
  %0 = graph.equal %a, %b : (tensor<4xf32>, tensor<4xi32>) -> tensor<4xi1>
  func.return
}

// -----

func.func @compare_broadcast(%a: tensor<4x3xf32>, %b: tensor<4xf32>) {
  // expected-error @+1 {{operands not broadcastable: tensor<4x3xf32> vs tensor<4xf32>}}
  %0 = graph.greater %a, %b : (tensor<4x3xf32>, tensor<4xf32>) -> tensor<4x3xi1>
  func.return
}

// -----

func.func @where_condition(%c: tensor<4xf32>, %a: tensor<4xf32>) {
  // expected-error @+1 {{condition expected element type i1, found f32}}
  %0 = graph.where %c, %a, %a : (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  func.return
}

// -----

func.func @where_values(%c: tensor<4xi1>, %a: tensor<4xf32>, %b: tensor<4xf16>) {
  // expected-error @+1 {{element types differ: f32 vs f16}}
  %0 = graph.where %c, %a, %b : (tensor<4xi1>, tensor<4xf32>, tensor<4xf16>) -> tensor<4xf32>
  func.return
}

// -----

func.func @where_broadcast(%c: tensor<3x1xi1>, %a: tensor<4xf32>, %b: tensor<2x1x5xf32>) {
  // expected-error @+1 {{operands not broadcastable: tensor<3x1xi1>, tensor<4xf32> and tensor<2x1x5xf32>}}
  %0 = graph.where %c, %a, %b : (tensor<3x1xi1>, tensor<4xf32>, tensor<2x1x5xf32>) -> tensor<2x3x5xf32>
  func.return
}

// -----

func.func @where_result(%c: tensor<3x1xi1>, %a: tensor<4xf32>) {
  // expected-error @+1 {{result type expected tensor<3x4xf32>, found tensor<4xf32>}}
  %0 = graph.where %c, %a, %a : (tensor<3x1xi1>, tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  func.return
}

// -----

func.func @gather_index_type(%w: tensor<10x8xf32>, %i: tensor<3xf32>) {
  // expected-error @+1 {{indices expected element type i32 or i64, found f32}}
  %0 = graph.gather %w, %i axis 0 : (tensor<10x8xf32>, tensor<3xf32>) -> tensor<3x8xf32>
  func.return
}

// -----

func.func @gather_axis(%w: tensor<10x8xf32>, %i: tensor<3xi64>) {
  // expected-error @+1 {{axis 2 is out of range for rank 2}}
  %0 = graph.gather %w, %i axis 2 : (tensor<10x8xf32>, tensor<3xi64>) -> tensor<10x8x3xf32>
  func.return
}

// -----

func.func @gather_rank0(%w: tensor<f32>, %i: tensor<3xi64>) {
  // expected-error @+1 {{expected data of rank 1 or more, found tensor<f32>}}
  %0 = graph.gather %w, %i axis 0 : (tensor<f32>, tensor<3xi64>) -> tensor<3xf32>
  func.return
}

// -----

func.func @gather_empty_axis(%w: tensor<0x8xf32>, %i: tensor<3xi64>) {
  // expected-error @+1 {{gathers from the empty axis 0 of tensor<0x8xf32>}}
  %0 = graph.gather %w, %i axis 0 : (tensor<0x8xf32>, tensor<3xi64>) -> tensor<3x8xf32>
  func.return
}

// -----

func.func @gather_result(%w: tensor<10x8xf32>, %i: tensor<2x3xi32>) {
  // expected-error @+1 {{result type expected tensor<10x2x3xf32>, found tensor<2x3x8xf32>}}
  %0 = graph.gather %w, %i axis 1 : (tensor<10x8xf32>, tensor<2x3xi32>) -> tensor<2x3x8xf32>
  func.return
}

// -----

func.func @lrn_size(%x: tensor<1x4x3x3xf32>) {
  // expected-error @+1 {{size must be positive, found 0}}
  %0 = graph.lrn %x size 0 alpha 1.0e-04 beta 0.75 bias 1.0 : tensor<1x4x3x3xf32>
  func.return
}

// -----

func.func @lrn_rank(%x: tensor<4xf32>) {
  // expected-error @+1 {{expected input of rank 2 or more (N x C x ...), found tensor<4xf32>}}
  %0 = graph.lrn %x size 3 alpha 1.0e-04 beta 0.75 bias 1.0 : tensor<4xf32>
  func.return
}

// -----

func.func @lrn_integer(%x: tensor<1x4x3x3xi32>) {
  // expected-error @+1 {{expected a floating-point element type, found i32}}
  %0 = graph.lrn %x size 3 alpha 1.0e-04 beta 0.75 bias 1.0 : tensor<1x4x3x3xi32>
  func.return
}

// -----

func.func @layout_block_does_not_divide(%x: tensor<1x12x4x4xf32>) {
  // expected-error @+1 {{block 16 of layout NCHW16c does not divide C = 12}}
  %0 = graph.layout_transform %x src "NCHW" dst "NCHW16c" : tensor<1x12x4x4xf32> -> tensor<1x1x4x4x16xf32>
  func.return
}

// -----

func.func @layout_bad_name(%x: tensor<1x16x4x4xf32>) {
  // expected-error @+1 {{invalid layout "NCHWc16" at "c16": expected upper-case primal axes, each optionally blocked once by "<size><lower-case>" (e.g. "NCHW", "NCHW16c")}}
  %0 = graph.layout_transform %x src "NCHW" dst "NCHWc16" : tensor<1x16x4x4xf32> -> tensor<1x1x4x4x16xf32>
  func.return
}

// -----

func.func @layout_other_axes(%x: tensor<1x16x4x4xf32>) {
  // expected-error @+1 {{layouts "NCHW" and "NCDW" have different primal axes}}
  %0 = graph.layout_transform %x src "NCHW" dst "NCDW" : tensor<1x16x4x4xf32> -> tensor<1x16x4x4xf32>
  func.return
}

// -----

func.func @layout_block_size(%x: tensor<1x2x4x4x8xf32>) {
  // expected-error @+1 {{dim 16c of layout NCHW16c has size 8}}
  %0 = graph.layout_transform %x src "NCHW16c" dst "NCHW" : tensor<1x2x4x4x8xf32> -> tensor<1x32x4x4xf32>
  func.return
}

// -----

func.func @conv_nchwc_channels(%x: tensor<1x2x5x5x16xf32>, %w: tensor<1x4x3x3x8x8xf32>) {
  // expected-error @+1 {{input channels differ: input 2x16 vs weight 4x8}}
  %0 = graph.conv2d_nchwc %x, %w : (tensor<1x2x5x5x16xf32>, tensor<1x4x3x3x8x8xf32>) -> tensor<1x1x3x3x8xf32>
  func.return
}

// -----

func.func @conv_nchwc_result(%x: tensor<1x2x5x5x16xf32>, %w: tensor<1x2x3x3x16x8xf32>) {
  // expected-error @+1 {{result type expected tensor<1x1x3x3x8xf32>, found tensor<1x1x5x5x8xf32>}}
  %0 = graph.conv2d_nchwc %x, %w : (tensor<1x2x5x5x16xf32>, tensor<1x2x3x3x16x8xf32>) -> tensor<1x1x5x5x8xf32>
  func.return
}
