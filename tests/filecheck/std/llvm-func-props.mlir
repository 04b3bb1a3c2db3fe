// RUN: dl-opt %s --split-input-file | filecheck %s

/// llvm.func attributes that are properties of the op (frame_pointer, no_inline, no_unwind,
/// optimize_none, passthrough, target_cpu, target_features, tune_cpu). xDSL 0.74's custom
/// parser stores them as discardable attributes while its generic parser stores them as
/// properties, so the custom -> generic -> custom round trip changes the IR (and the order in
/// which they print): this file checks parse + print only, not DL_ROUNDTRIP.

/// Check every property-backed function attribute in the custom form.
// CHECK-LABEL: llvm.func @props() attributes {frame_pointer = #llvm.framePointerKind<"non-leaf">, no_inline, no_unwind, optimize_none, passthrough = ["nounwind", ["no-trapping-math", "true"]], target_cpu = "x86-64", target_features = #llvm.target_features<["+avx2", "+fma"]>, tune_cpu = "generic"} {
// CHECK-NEXT:    llvm.return
// CHECK-NEXT:  }
llvm.func @props() attributes {frame_pointer = #llvm.framePointerKind<"non-leaf">, no_inline, no_unwind, optimize_none, passthrough = ["nounwind", ["no-trapping-math", "true"]], target_cpu = "x86-64", target_features = #llvm.target_features<["+avx2", "+fma"]>, tune_cpu = "generic"} {
  llvm.return
}

// -----

/// Check property-backed attributes mixed with a discardable one.
// CHECK-LABEL: llvm.func linkonce_odr @mixed(%a: i32) -> i32 attributes {dl.kernel, target_cpu = "x86-64"} {
// CHECK-NEXT:    llvm.return %a : i32
// CHECK-NEXT:  }
llvm.func linkonce_odr @mixed(%a: i32) -> i32 attributes {dl.kernel, target_cpu = "x86-64"} {
  llvm.return %a : i32
}
