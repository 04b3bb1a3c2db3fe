// RUN: DL_ROUNDTRIP

/// The builtin attributes dl-opt's parser reads, carried by an unrealized cast.

/// Check numbers, booleans and strings with escapes.
// CHECK-LABEL: func.func @scalars
// CHECK-SAME:    attributes {i = 42 : i64, j = -1 : i8, b = true, f = 1.500000e+00 : f64, g = -2.000000e-03 : f64, h = 0x7fc00000 : f32, s = "a\0A\22b\22", z = "\00"}
func.func @scalars() attributes {i = 42, j = -1 : i8, b = true, f = 1.5, g = -2.0e-3 : f64, h = 0x7FC00000 : f32, s = "a\n\"b\"", z = "\00"} {
  func.return
}

// -----

/// Check arrays, dense arrays, dictionaries, symbol references and unit.
// CHECK-LABEL: func.func @containers
// CHECK-SAME:    a = [1 : i64, [2 : i64], "x"], d = array<i64: 1, 2>, e = array<f32: 1.500000e+00>, m = {k}, r = @a::@b::@c, u}
func.func @containers() attributes {a = [1, [2], "x"], d = array<i64: 1, 2>, e = array<f32: 1.5>, m = {k}, r = @a::@b::@c, u} {
  func.return
}

// -----

/// Check dense elements: splat, nested lists, hex and complex.
// CHECK-LABEL: func.func @dense
// CHECK-SAME:    s = dense<1.000000e+00> : tensor<2x2xf32>
// CHECK-SAME:    n = dense<{{\[}}[1, 2], [3, 4]]> : tensor<2x2xi32>
// CHECK-SAME:    h = dense<[1.000000e+00, 2.000000e+00]> : tensor<2xf32>
// CHECK-SAME:    c = dense<(1.000000e+00,2.000000e+00)> : tensor<1xcomplex<f32>>
func.func @dense() attributes {s = dense<1.0> : tensor<2x2xf32>, n = dense<[[1, 2], [3, 4]]> : tensor<2x2xi32>, h = dense<"0x0000803F00000040"> : tensor<2xf32>, c = dense<[(1.0, 2.0)]> : tensor<1xcomplex<f32>>} {
  func.return
}

// -----

/// Check affine maps and sets, strided layouts, type attributes and dialect attributes.
// CHECK-LABEL: func.func @structured
// CHECK-SAME:    m = affine_map<(d0)[s0] -> ((d0 + s0))>, s = affine_set<(d0) : ((d0 + -1) >= 0)>, st = strided<[4, 1], offset: 2>, t = tensor<2xf32>
// CHECK-SAME:    k = #vector.kind<add>, l = #llvm.linkage<"internal">
func.func @structured() attributes {m = affine_map<(d0)[s0] -> (d0 + s0)>, s = affine_set<(d0) : (d0 - 1 >= 0)>, st = strided<[4, 1], offset: 2>, t = tensor<2xf32>, k = #vector.kind<add>, l = #llvm.linkage<internal>} {
  func.return
}
