// RUN: DL_ROUNDTRIP

/// Round trip of `builtin.module` and `builtin.unrealized_conversion_cast` (both hand-written
/// syntax), plus the builtin types and attributes the dlir pipeline prints.
/// (`builtin.unregistered` only stands for ops of unknown dialects; it has no syntax of its own.)

/// Check an explicit named module with attributes, and a nested module.
// CHECK-LABEL: builtin.module @outer attributes {dl.target = "x86_64", dl.unit} {
// CHECK-NEXT:    builtin.module @inner {
// CHECK-NEXT:    }
// CHECK-NEXT:    builtin.module {
// CHECK-NEXT:      func.func private @f() -> ()
// CHECK-NEXT:    }
// CHECK-NEXT:  }
builtin.module @outer attributes {dl.target = "x86_64", dl.unit} {
  builtin.module @inner {
  }
  builtin.module {
    func.func private @f()
  }
}

// -----

/// Check unrealized casts with zero, one and several operands and results.
// CHECK-LABEL: func.func @casts(%a: i32, %b: f32) {
// CHECK-NEXT:    %none = builtin.unrealized_conversion_cast to i64
// CHECK-NEXT:    %one = builtin.unrealized_conversion_cast %a : i32 to index
// CHECK-NEXT:    %two = builtin.unrealized_conversion_cast %a, %b : i32, f32 to i64
// CHECK-NEXT:    %p, %q = builtin.unrealized_conversion_cast %a : i32 to i16, i16
// CHECK-NEXT:    %attr = builtin.unrealized_conversion_cast %b : f32 to f64 {dl.note = "x"}
// CHECK-NEXT:    func.return
// CHECK-NEXT:  }
func.func @casts(%a: i32, %b: f32) {
  %none = builtin.unrealized_conversion_cast to i64
  %one = builtin.unrealized_conversion_cast %a : i32 to index
  %two = builtin.unrealized_conversion_cast %a, %b : i32, f32 to i64
  %p, %q = builtin.unrealized_conversion_cast %a : i32 to i16, i16
  %attr = builtin.unrealized_conversion_cast %b : f32 to f64 {dl.note = "x"}
  func.return
}

// -----

/// Check integer, float, index, complex, tuple and none types.
// CHECK-LABEL: func.func private @scalars(i1, i7, si8, ui16, i128, index, f16, bf16, f32, f64, f80, f128, tf32, complex<f32>, tuple<i32, f32>, none) -> ()
func.func private @scalars(i1, i7, si8, ui16, i128, index, f16, bf16, f32, f64, f80, f128, tf32, complex<f32>, tuple<i32, f32>, none)

// -----

/// Check shaped types: ranked and unranked tensors and memrefs, layouts, memory spaces,
/// encodings, fixed and scalable vectors.
// CHECK-LABEL: func.func private @shaped(tensor<f32>, tensor<1x?x3xi8>, tensor<*xf64>, tensor<4xf32, "enc">, memref<f32>, memref<4x?xf32>, memref<*xf32>, memref<4x4xf32, strided<[8, 1], offset: ?>>, memref<4x4xf32, affine_map<(d0, d1) -> (d1, d0)>>, memref<16xi8, 1 : i64>, memref<16xi8, strided<[1]>, "shared">, vector<4xf32>, vector<2x8xi1>, vector<[4]xf32>, vector<2x[4]xf32>, vector<f32>) -> ()
func.func private @shaped(tensor<f32>, tensor<1x?x3xi8>, tensor<*xf64>, tensor<4xf32, "enc">, memref<f32>, memref<4x?xf32>, memref<*xf32>, memref<4x4xf32, strided<[8, 1], offset: ?>>, memref<4x4xf32, affine_map<(d0, d1) -> (d1, d0)>>, memref<16xi8, 1 : i64>, memref<16xi8, strided<[1]>, "shared">, vector<4xf32>, vector<2x8xi1>, vector<[4]xf32>, vector<2x[4]xf32>, vector<f32>)

// -----

/// Check function types as values of attributes, and the attribute zoo.
// CHECK-LABEL: func.func private @attributes() -> () attributes {array_i64 = array<i64: 1, 2, 3>, array_empty = array<i32>, array_f32 = array<f32: 1.500000e+00, 2.000000e+00>, bool_true = true, dense_f32 = dense<[1.000000e+00, 2.000000e+00]> : tensor<2xf32>, dense_splat = dense<0> : vector<4xi32>, dense_bool = dense<[true, false]> : tensor<2xi1>, dense_2d = dense<{{\[\[}}1, 2], [3, 4]]> : tensor<2x2xi16>, dense_hex = dense<[1.000000e+00, 2.000000e+00]> : tensor<2xf32>, dict = {a = 1 : i64, b = "s"}, float_attr = 1.000000e-03 : f64, func_type = (i32, f32) -> tuple<>, int_attr = -7 : i32, list = [1 : i64, "two", [3 : i64]], map = affine_map<(d0, d1)[s0] -> ((d0 + s0), (d1 * 2), (d0 floordiv 4), (d1 mod 3), (d0 ceildiv 2))>, set = affine_set<(d0)[s0] : ((d0 + (s0 * -1)) >= 0, d0 == 0)>, string = "with \22escapes\22 \0A and \\", symbol = @sym, nested_symbol = @sym::@inner, type_attr = i32, unit}
func.func private @attributes() attributes {
  array_i64 = array<i64: 1, 2, 3>,
  array_empty = array<i32>,
  array_f32 = array<f32: 1.5, 2.0>,
  bool_true = true,
  dense_f32 = dense<[1.000000e+00, 2.000000e+00]> : tensor<2xf32>,
  dense_splat = dense<0> : vector<4xi32>,
  dense_bool = dense<[true, false]> : tensor<2xi1>,
  dense_2d = dense<[[1, 2], [3, 4]]> : tensor<2x2xi16>,
  dense_hex = dense<"0x0000803F00000040"> : tensor<2xf32>,
  dict = {a = 1 : i64, b = "s"},
  float_attr = 1.000000e-03 : f64,
  func_type = (i32, f32) -> tuple<>,
  int_attr = -7 : i32,
  list = [1 : i64, "two", [3 : i64]],
  map = affine_map<(d0, d1)[s0] -> (d0 + s0, d1 * 2, d0 floordiv 4, d1 mod 3, d0 ceildiv 2)>,
  set = affine_set<(d0)[s0] : (d0 - s0 >= 0, d0 == 0)>,
  string = "with \"escapes\" \n and \\",
  symbol = @sym,
  nested_symbol = @sym::@inner,
  type_attr = i32,
  unit
}
