// RUN: dl-opt %s --verify-diagnostics --split-input-file

// expected-error @+1 {{expected no results (outputs are buffer arguments), found 1}}
"loop.func"() <{sym_name = "f", function_type = (memref<4xf32>) -> f32}> ({
^bb0(%a: memref<4xf32>):
  "loop.return"() : () -> ()
}) {num_outputs = 1 : i64} : () -> ()

// -----

// expected-error @+1 {{entry block argument types differ from the function type: (memref<4xf32>) vs (memref<8xf32>)}}
"loop.func"() <{sym_name = "f", function_type = (memref<8xf32>) -> ()}> ({
^bb0(%a: memref<4xf32>):
  "loop.return"() : () -> ()
}) {num_outputs = 1 : i64} : () -> ()

// -----

// expected-error @+1 {{num_outputs = 3 is out of range: the function has 2 arguments}}
loop.func @f(%a: memref<4xf32>, %b: memref<4xf32>) attributes {num_outputs = 3 : i64} {
  loop.return
}

// -----

// expected-error @+1 {{output 0 (argument 1) must be a memref, found f32}}
loop.func @f(%a: memref<4xf32>, %b: f32) attributes {num_outputs = 1 : i64} {
  loop.return
}

// -----

// expected-error @+1 {{argument 0 must be a memref, index, integer or float, found tensor<4xf32>}}
loop.func @f(%a: tensor<4xf32>, %b: memref<4xf32>) attributes {num_outputs = 1 : i64} {
  loop.return
}

// -----

// expected-error @+1 {{loop.func needs 'num_outputs' in its attributes}}
loop.func @f(%a: memref<4xf32>) {
  loop.return
}

// -----

loop.func @f(%a: memref<4xf32>) attributes {num_outputs = 1 : i64} {
  %c0 = arith.constant 0 : index
  %c4 = arith.constant 4 : index
  // expected-error @+1 {{expected one index block argument (the induction variable), found (index, index)}}
  "loop.for"(%c0, %c4, %c4) <{kind = #loop<kind serial>}> ({
  ^bb0(%i: index, %j: index):
    "loop.yield"() : () -> ()
  }) : (index, index, index) -> ()
  loop.return
}

// -----

loop.func @f(%a: memref<4xf32>) attributes {num_outputs = 1 : i64} {
  %c0 = arith.constant 0 : index
  %c4 = arith.constant 4 : index
  // expected-error @+1 {{step must be positive, found 0}}
  loop.for %i = %c0 to %c4 step %c0 {
  }
  loop.return
}

// -----

loop.func @f(%a: memref<4xf32>) attributes {num_outputs = 1 : i64} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  // expected-error @+1 {{a vectorized loop needs a vector width}}
  "loop.for"(%c0, %c4, %c1) <{kind = #loop<kind vectorized>}> ({
  ^bb0(%i: index):
    "loop.yield"() : () -> ()
  }) : (index, index, index) -> ()
  loop.return
}

// -----

loop.func @f(%a: memref<4xf32>) attributes {num_outputs = 1 : i64} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  // expected-error @+1 {{vector width must be positive, found 0}}
  loop.for %i = %c0 to %c4 step %c1 vectorized<0> {
  }
  loop.return
}

// -----

loop.func @f(%a: memref<4xf32>) attributes {num_outputs = 1 : i64} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  // expected-error @+1 {{only vectorized loops take a vector width, found one on a parallel loop}}
  "loop.for"(%c0, %c4, %c1) <{kind = #loop<kind parallel>, vector_width = 8 : i64}> ({
  ^bb0(%i: index):
    "loop.yield"() : () -> ()
  }) : (index, index, index) -> ()
  loop.return
}

// -----

loop.func @f(%a: memref<4xf32>) attributes {num_outputs = 1 : i64} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  // expected-error @+1 {{unroll factor must be positive, found -2}}
  loop.for %i = %c0 to %c4 step %c1 unrolled<-2> {
  }
  loop.return
}

// -----

loop.func @f(%a: memref<4xf32>, %n: index) attributes {num_outputs = 0 : i64} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  // expected-error @+1 {{a fully unrolled loop needs constant bounds and step (arith.constant)}}
  loop.for %i = %c0 to %n step %c1 unrolled {
  }
  loop.return
}

// -----

loop.func @f(%a: memref<4xf32>) attributes {num_outputs = 1 : i64} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  // expected-error @+1 {{only unrolled loops take an unroll factor, found one on a serial loop}}
  "loop.for"(%c0, %c4, %c1) <{kind = #loop<kind serial>, unroll_factor = 2 : i64}> ({
  ^bb0(%i: index):
    "loop.yield"() : () -> ()
  }) : (index, index, index) -> ()
  loop.return
}

// -----

loop.func @f(%a: memref<4xf32>, %n: index) attributes {num_outputs = 0 : i64} {
  // expected-error @+1 {{expected at least 2 operands, found 1}}
  %m = loop.min %n
  loop.return
}

// -----

loop.func @f(%a: memref<4xf32>, %n: index) attributes {num_outputs = 0 : i64} {
  // expected-error @+1 {{expected at least 2 operands, found 1}}
  %m = loop.max %n
  loop.return
}

// -----

loop.func @f(%a: memref<4xf32>) attributes {num_outputs = 1 : i64} {
  // expected-error @+1 {{unknown memory scope 'lcoal': expected one of global, local, packed, shared, input, weight, acc}}
  %t = loop.alloc "lcoal" : memref<4xf32>
  loop.return
}

// -----

loop.func @f(%a: memref<4xf32>) attributes {num_outputs = 1 : i64} {
  // expected-error @+1 {{expected a static shape, found memref<?x4xf32>}}
  %t = loop.alloc "local" : memref<?x4xf32>
  loop.return
}

// -----

loop.func @f(%a: memref<4xf32>) attributes {num_outputs = 1 : i64} {
  // expected-error @+1 {{memory space differs from the scope: expected "local", found "acc"}}
  %t = loop.alloc "local" : memref<4xf32, "acc">
  loop.return
}

// -----

loop.func @f(%a: memref<4xf32>) attributes {num_outputs = 1 : i64} {
  // expected-error @+1 {{alignment must be a power of two, found 48}}
  %t = loop.alloc "local" align 48 : memref<4xf32>
  loop.return
}

// -----

loop.func @f(%a: memref<4x4xf32>, %i: index) attributes {num_outputs = 0 : i64} {
  // expected-error @+1 {{index count differs from memref rank: expected 2, found 1}}
  %v = loop.load %a[%i] : memref<4x4xf32>
  loop.return
}

// -----

loop.func @f(%a: memref<4xf32>, %i: index) attributes {num_outputs = 0 : i64} {
  // expected-error @+1 {{index map must not have symbols, found 1}}
  %v = "loop.load"(%a, %i) <{map = affine_map<()[s0] -> (s0)>}> : (memref<4xf32>, index) -> f32
  loop.return
}

// -----

loop.func @f(%a: memref<4xf32>, %i: index) attributes {num_outputs = 0 : i64} {
  // expected-error @+1 {{index map dim count differs from index operand count: 2 vs 1}}
  %v = "loop.load"(%a, %i) <{map = affine_map<(d0, d1) -> (d0 + d1)>}> : (memref<4xf32>, index) -> f32
  loop.return
}

// -----

loop.func @f(%a: memref<4xf32>, %i: index) attributes {num_outputs = 0 : i64} {
  // expected-error @+1 {{expected a positive divisor in index expression (d0 mod 0), found 0}}
  %v = "loop.load"(%a, %i) <{map = affine_map<(d0) -> (d0 mod 0)>}> : (memref<4xf32>, index) -> f32
  loop.return
}

// -----

loop.func @f(%a: memref<4x4xf32>, %i: index, %j: index) attributes {num_outputs = 0 : i64} {
  // expected-error @+1 {{index map is not in canonical form: expected (d0, d1) -> (d0, d1) over 2 operands, found (d0, d1) -> (d1, d0) over 2 operands}}
  %v = "loop.load"(%a, %i, %j) <{map = affine_map<(d0, d1) -> (d1, d0)>}> : (memref<4x4xf32>, index, index) -> f32
  loop.return
}

// -----

loop.func @f(%a: memref<4xf32>, %i: index) attributes {num_outputs = 0 : i64} {
  // expected-error @+1 {{result type differs from the memref element type: f16 vs f32}}
  %v = "loop.load"(%a, %i) <{map = affine_map<(d0) -> (d0)>}> : (memref<4xf32>, index) -> f16
  loop.return
}

// -----

loop.func @f(%a: memref<4xf32>, %i: index, %x: f16) attributes {num_outputs = 0 : i64} {
  // expected-error @+1 {{stored value type differs from the memref element type: f16 vs f32}}
  "loop.store"(%x, %a, %i) <{map = affine_map<(d0) -> (d0)>}> : (f16, memref<4xf32>, index) -> ()
  loop.return
}

// -----

loop.func @f(%a: memref<4x8xf32>, %i: index) attributes {num_outputs = 0 : i64} {
  // expected-error @+1 {{expected a 1-D vector, found vector<2x4xf32>}}
  %v = loop.vload %a[%i, 0] : memref<4x8xf32>, vector<2x4xf32>
  loop.return
}

// -----

loop.func @f(%a: memref<4x8xf32>, %b: memref<8xf16>, %i: index) attributes {num_outputs = 0 : i64} {
  %v = loop.vload %b[0] : memref<8xf16>, vector<8xf16>
  // expected-error @+1 {{element types differ: f16 (vector) vs f32 (memref)}}
  loop.vstore %v, %a[%i, 0] : memref<4x8xf32>, vector<8xf16>
  loop.return
}

// -----

loop.func @f(%a: memref<f32>) attributes {num_outputs = 1 : i64} {
  // expected-error @+1 {{expected a memref of rank at least 1 for a vector access}}
  %v = loop.vload %a[] : memref<f32>, vector<8xf32>
  loop.return
}

// -----

loop.func @f(%a: memref<4x8xf32>, %i: index) attributes {num_outputs = 0 : i64} {
  // expected-error @+1 {{vector of 16 elements does not fit the innermost dimension of size 8}}
  %v = loop.vload %a[%i, 0] : memref<4x8xf32>, vector<16xf32>
  loop.return
}

// -----

loop.func @f(%a: memref<4xf32>, %i: index, %j: index) attributes {num_outputs = 0 : i64} {
  // expected-error @+1 {{expected a constant on one side of '*' in an index expression}}
  %v = loop.load %a[%i * %j] : memref<4xf32>
  loop.return
}

// -----

loop.func @f(%a: memref<4xf32>, %i: index) attributes {num_outputs = 0 : i64} {
  // expected-error @+1 {{expected a positive constant after 'mod'}}
  %v = loop.load %a[%i mod 0] : memref<4xf32>
  loop.return
}

// -----

loop.func @f(%a: memref<4xf32>) attributes {num_outputs = 1 : i64} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  // expected-error @+1 {{'loop.for' terminates with operation loop.return instead of loop.yield}}
  loop.for %i = %c0 to %c1 step %c1 {
    loop.return
  }
  loop.return
}
