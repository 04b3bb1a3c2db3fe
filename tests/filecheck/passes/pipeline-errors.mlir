// RUN: not dl-opt %s -p 'graph-cse,graph-dec' 2>&1 | filecheck %s --check-prefix=UNKNOWN
// RUN: not dl-opt %s -p 'graph-cse{bogus=1}' 2>&1 | filecheck %s --check-prefix=OPTION
// RUN: not dl-opt %s -p 'graph.func(cse)' 2>&1 | filecheck %s --check-prefix=NEST
// RUN: not dl-opt %s -p 'foo.func(graph-cse)' 2>&1 | filecheck %s --check-prefix=NEVER
// RUN: dl-opt %s -p 'graph-dce' 2>&1 | filecheck %s --check-prefix=NOMATCH
// RUN: not dl-opt %s -p 'graph-fold-constants{size-limit=-1}' 2>&1 | filecheck %s --check-prefix=VALUE

/// Check that pipeline mistakes are reported before anything runs, with a caret.
// UNKNOWN:      error: unknown pass 'graph-dec'; did you mean 'graph-dce'?
// UNKNOWN-NEXT:   graph-cse,graph-dec
// UNKNOWN-NEXT: {{^}}            ^
// OPTION:       error: 'graph-cse' has no option 'bogus' (its options: none)
// OPTION-NEXT:    graph-cse{bogus=1}
// OPTION-NEXT:  {{^}}            ^
// NEST:         error: 'cse' runs on builtin.module, it cannot be nested under 'graph.func'
// NEVER:        error: 'foo.func' is not a registered op: this nest can never match
// VALUE:        error: 'graph-fold-constants': size_limit must be a non-negative element count, found -1
// VALUE-NEXT:     graph-fold-constants{size-limit=-1}

/// Check that a pass which matched nothing warns and still prints the module.
// NOMATCH:      warning: pass 'graph-dce' matched no graph.func
// NOMATCH:      func.func @f
func.func @f(%a: i32) -> i32 {
  func.return %a : i32
}
