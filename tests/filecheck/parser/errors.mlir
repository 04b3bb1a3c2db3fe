// RUN: dl-opt %s --verify-diagnostics --split-input-file

/// Parse errors point at the offending token, with MLIR-like messages.

func.func @undefined() {
  // expected-error @+1 {{use of undefined value %nope}}
  "func.return"(%nope) : (i32) -> ()
}

// -----

func.func @redefined() {
  %a = arith.constant 1 : i32
  // expected-error @+1 {{redefinition of SSA value '%a'}}
  %a = arith.constant 2 : i32
  func.return
}

// -----

func.func @isolated() {
  %outer = arith.constant 1 : i32
  func.func @inner() {
    // expected-error @+1 {{use of undefined value %outer}}
    "func.return"(%outer) : (i32) -> ()
  }
  func.return
}

// -----

func.func @mismatch(%a: i32) {
  // expected-error @+1 {{use of value '%a' expects different type than prior uses: 'f32' vs 'i32'}}
  "func.return"(%a) : (f32) -> ()
}

// -----

// expected-error @+1 {{expected ':' but found '{'}}
"func.return"() {a} {b}

// -----

// expected-error @+1 {{unknown operation 'nodialect.op'}}
"nodialect.op"() : () -> ()

// -----

func.func @dangling() {
  // expected-error @+1 {{reference to an undefined block '^missing'}}
  "cf.br"() [^missing] : () -> ()
}

// -----

// expected-error @+1 {{undefined type alias '!missing'}}
func.func @alias(%a: !missing) {
  func.return
}

// -----

// expected-error @+1 {{expected a type but found 'bogus'}}
func.func @bad_body(%a: tensor<4xbogus>) {
  func.return
}
