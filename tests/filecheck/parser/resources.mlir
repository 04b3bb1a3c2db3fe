// RUN: DL_ROUNDTRIP

/// A `dense_resource` blob from the `dialect_resources` section is stored through the
/// builtin dialect's OpAsmDialectInterface (by content: re-parsing keeps the handle)
/// and printed back.
// CHECK:       func.func @weights() attributes {w = dense_resource<parser_blob> : tensor<2xi32>}
// CHECK:       {-#
// CHECK-NEXT:    dialect_resources: {
// CHECK-NEXT:      builtin: {
// CHECK-NEXT:        parser_blob: "0x040000000100000002000000"
func.func @weights() attributes {w = dense_resource<parser_blob> : tensor<2xi32>} {
  func.return
}

{-#
  dialect_resources: {
    builtin: {
      parser_blob: "0x040000000100000002000000"
    }
  }
#-}
