// RUN: dl-opt %s --verify-diagnostics --split-input-file

loop.func @f(%a: memref<4xf32>) attributes {num_outputs = 1 : i64} {
  // expected-error @+1 {{callee @missing not found}}
  loop.call @missing(%a) : (memref<4xf32>) -> ()
  loop.return
}

// -----

loop.func @k(%a: memref<4xf32>, %c: memref<4xf32>) attributes {num_outputs = 1 : i64} {
  loop.return
}
loop.func @f(%a: memref<4xf32>) attributes {num_outputs = 1 : i64} {
  // expected-error @+1 {{callee @k takes 2 arguments, the call passes 1}}
  loop.call @k(%a) : (memref<4xf32>) -> ()
  loop.return
}

// -----

loop.func @k(%a: memref<4xf32>, %c: memref<4xf32>) attributes {num_outputs = 1 : i64} {
  loop.return
}
loop.func @f(%a: memref<8xf32>, %c: memref<4xf32>) attributes {num_outputs = 1 : i64} {
  // expected-error @+1 {{argument #0 of @k has type memref<4xf32>, the call passes memref<8xf32>}}
  loop.call @k(%a, %c) : (memref<8xf32>, memref<4xf32>) -> ()
  loop.return
}

// -----

te.kernel @k(%a: tensor<4xf32>) -> tensor<4xf32> {
  te.return %a : tensor<4xf32>
}
loop.func @f(%a: memref<4xf32>, %c: memref<4xf32>) attributes {num_outputs = 1 : i64} {
  // expected-error @+1 {{callee @k is a 'te.kernel': run te-to-loop first (loop.call takes a loop.func, hw.intrinsic, func.func or llvm.func)}}
  loop.call @k(%a, %c) : (memref<4xf32>, memref<4xf32>) -> ()
  loop.return
}

// -----

graph.func @g(%a: tensor<4xf32>) -> tensor<4xf32> {
  graph.return %a : tensor<4xf32>
}
loop.func @f(%a: memref<4xf32>, %c: memref<4xf32>) attributes {num_outputs = 1 : i64} {
  // expected-error @+1 {{callee @g is a 'graph.func': run graph-to-loop first}}
  loop.call @g(%a, %c) : (memref<4xf32>, memref<4xf32>) -> ()
  loop.return
}

// -----

func.func private @r(memref<4xf32>) -> f32
loop.func @f(%a: memref<4xf32>) attributes {num_outputs = 1 : i64} {
  // expected-error @+1 {{callee @r returns (f32): loop.call takes functions without results (outputs are buffer arguments)}}
  loop.call @r(%a) : (memref<4xf32>) -> ()
  loop.return
}

// -----

loop.func @f(%c: memref<4xf32>) attributes {num_outputs = 1 : i64} {
  // expected-error @+1 {{value type tensor<3xf32> and buffer type memref<4xf32> differ in shape or element type}}
  %w = loop.constant dense<1.0> : tensor<3xf32> -> memref<4xf32>
  loop.return
}

// -----

loop.func @f(%c: memref<4xf32>) attributes {num_outputs = 1 : i64} {
  // expected-error @+1 {{expected a plain row-major memref (no layout, no memory space), found memref<4xf32, "local">}}
  %w = loop.constant dense<1.0> : tensor<4xf32> -> memref<4xf32, "local">
  loop.return
}
