// RUN: dl-opt %s --verify-diagnostics --split-input-file

// expected-error @+1 {{expected no results (outputs are buffers), found 1}}
"hw.intrinsic"() <{sym_name = "k", function_type = (memref<4xf32>) -> f32}> ({
^bb0(%a: memref<4xf32>):
  "hw.return"() : () -> ()
}) {num_outputs = 1 : i64, target = "vta"} : () -> ()

// -----

// expected-error @+1 {{behavior argument types differ from the function type: (memref<4xf32>) vs (memref<8xf32>)}}
"hw.intrinsic"() <{sym_name = "k", function_type = (memref<8xf32>) -> ()}> ({
^bb0(%a: memref<4xf32>):
  "hw.return"() : () -> ()
}) {num_outputs = 1 : i64, target = "vta"} : () -> ()

// -----

// expected-error @+1 {{the behavior has no buffer arguments}}
hw.intrinsic @k() attributes {num_outputs = 1 : i64, target = "vta"} {
  hw.return
}

// -----

// expected-error @+1 {{behavior argument 1 must be a statically shaped memref, found memref<?xf32>}}
hw.intrinsic @k(%a: memref<4xf32>, %b: memref<?xf32>) attributes {num_outputs = 1 : i64, target = "vta"} {
  hw.return
}

// -----

// expected-error @+1 {{behavior argument 0 must be a statically shaped memref, found f32}}
hw.intrinsic @k(%a: f32, %b: memref<4xf32>) attributes {num_outputs = 1 : i64, target = "vta"} {
  hw.return
}

// -----

// expected-error @+1 {{num_outputs = 0 is out of range: expected 1 to 2}}
hw.intrinsic @k(%a: memref<4xf32>, %b: memref<4xf32>) attributes {num_outputs = 0 : i64, target = "vta"} {
  hw.return
}

// -----

// expected-error @+1 {{target must not be empty}}
hw.intrinsic @k(%a: memref<4xf32>) attributes {num_outputs = 1 : i64, target = ""} {
  hw.return
}

// -----

// expected-error @+1 {{target 'x86-avx2-fma' is not simulated (vta), so the intrinsic needs an implementation}}
hw.intrinsic @k(%a: memref<4xf32>) attributes {num_outputs = 1 : i64, target = "x86-avx2-fma"} {
  hw.return
}

// -----

// expected-error @+1 {{target features must be non-empty strings}}
hw.intrinsic @k(%a: memref<4xf32>) attributes {features = ["avx2", ""], num_outputs = 1 : i64, target = "vta"} {
  hw.return
}

// -----

// expected-error @+1 {{implementation @nope not found in the symbol table}}
hw.intrinsic @k(%a: memref<4xf32>) attributes {implementation = @nope, num_outputs = 1 : i64, target = "x86-avx2-fma"} {
  hw.return
}

// -----

// expected-error @+1 {{implementation @impl must be a func.func or llvm.func, found loop.func}}
hw.intrinsic @k(%a: memref<4xf32>) attributes {implementation = @impl, num_outputs = 1 : i64, target = "x86-avx2-fma"} {
  hw.return
}
loop.func @impl(%a: memref<4xf32>) attributes {num_outputs = 1 : i64} {
  loop.return
}

// -----

// expected-error @+1 {{implementation @impl takes 2 arguments, expected 1 (one per behavior buffer)}}
hw.intrinsic @k(%a: memref<4xf32>) attributes {implementation = @impl, num_outputs = 1 : i64, target = "x86-avx2-fma"} {
  hw.return
}
func.func @impl(%a: memref<4xf32>, %b: memref<4xf32>) {
  func.return
}

// -----

// expected-error @+1 {{implementation argument 0 must be !llvm.ptr (a bare pointer to buffer 0), found i64}}
hw.intrinsic @k(%a: memref<4xf32>) attributes {implementation = @impl, num_outputs = 1 : i64, target = "x86-avx2-fma"} {
  hw.return
}
llvm.func @impl(%a: i64) {
  llvm.return
}

// -----

// expected-error @+1 {{implementation argument 0 must be a memref, found f32}}
hw.intrinsic @k(%a: memref<4xf32>) attributes {implementation = @impl, num_outputs = 1 : i64, target = "x86-avx2-fma"} {
  hw.return
}
func.func @impl(%a: f32) {
  func.return
}

// -----

// expected-error @+1 {{implementation argument 0 shape differs: expected 4, found 8}}
hw.intrinsic @k(%a: memref<4xf32>) attributes {implementation = @impl, num_outputs = 1 : i64, target = "x86-avx2-fma"} {
  hw.return
}
func.func @impl(%a: memref<8xf32>) {
  func.return
}

// -----

// expected-error @+1 {{hw.intrinsic takes no result types and no argument attributes}}
hw.intrinsic @k(%a: memref<4xf32>) -> f32 attributes {num_outputs = 1 : i64, target = "vta"} {
  hw.return
}

// -----

func.func @f(%a: memref<4xf32>) {
  // expected-error @+1 {{intrinsic @nope not found in the symbol table}}
  hw.call @nope(%a) : (memref<4xf32>) -> ()
  func.return
}

// -----

func.func @f(%a: memref<4xf32>) {
  // expected-error @+1 {{@f is a func.func, not an hw.intrinsic}}
  hw.call @f(%a) : (memref<4xf32>) -> ()
  func.return
}

// -----

hw.intrinsic @k(%a: memref<4xf32>, %b: memref<4xf32>) attributes {num_outputs = 1 : i64, target = "vta"} {
  hw.return
}
func.func @f(%a: memref<4xf32>) {
  // expected-error @+1 {{buffer count differs from intrinsic @k: expected 2, found 1}}
  hw.call @k(%a) : (memref<4xf32>) -> ()
  func.return
}

// -----

hw.intrinsic @k(%a: memref<4x4xf32>) attributes {num_outputs = 1 : i64, target = "vta"} {
  hw.return
}
func.func @f(%a: memref<4x8xf32>) {
  // expected-error @+1 {{buffer 0 shape differs: expected 4x4, found 4x8}}
  hw.call @k(%a) : (memref<4x8xf32>) -> ()
  func.return
}

// -----

hw.intrinsic @k(%a: memref<4xf32>) attributes {num_outputs = 1 : i64, target = "vta"} {
  hw.return
}
func.func @f(%a: memref<4xf16>) {
  // expected-error @+1 {{buffer 0 element type differs: expected f32, found f16}}
  hw.call @k(%a) : (memref<4xf16>) -> ()
  func.return
}

// -----

hw.intrinsic @k(%a: memref<16xi32, "acc">) attributes {num_outputs = 1 : i64, target = "vta"} {
  hw.return
}
func.func @f(%a: memref<16xi32>) {
  // expected-error @+1 {{buffer 0 memory space differs: expected "acc", found none}}
  hw.call @k(%a) : (memref<16xi32>) -> ()
  func.return
}

// -----

hw.intrinsic @k(%a: memref<4x4xf32, strided<[8, 1], offset: ?>>) attributes {num_outputs = 1 : i64, target = "vta"} {
  hw.return
}
func.func @f(%a: memref<4x4xf32>) {
  // expected-error @+1 {{buffer 0 strides differ: expected [8, 1], found [4, 1] (a static stride must be equal; ? accepts any)}}
  hw.call @k(%a) : (memref<4x4xf32>) -> ()
  func.return
}

// -----

// expected-error @+1 {{implementation @impl takes 1 arguments, expected 2 (one !llvm.ptr per behavior buffer, then one i64 per dynamic stride: 1)}}
hw.intrinsic @k(%a: memref<4x4xf32, strided<[?, 1], offset: ?>>) attributes {implementation = @impl, num_outputs = 1 : i64, target = "x86-avx2-fma"} {
  hw.return
}
llvm.func @impl(%a: !llvm.ptr) {
  llvm.return
}

// -----

// expected-error @+1 {{implementation argument 1 must be i64 (a dynamic stride), found i32}}
hw.intrinsic @k(%a: memref<4x4xf32, strided<[?, 1], offset: ?>>) attributes {implementation = @impl, num_outputs = 1 : i64, target = "x86-avx2-fma"} {
  hw.return
}
llvm.func @impl(%a: !llvm.ptr, %lda: i32) {
  llvm.return
}
