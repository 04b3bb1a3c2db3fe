// RUN: dl-opt --list-passes | filecheck %s --check-prefix=LIST
// RUN: dl-opt --load-pass-plugin %S/Inputs/test_passes.py --list-passes | filecheck %s --check-prefix=PLUGIN
// RUN: dl-opt %s --load-pass-plugin %S/Inputs/test_passes.py -p test-count-ops --pass-statistics 2>&1 >/dev/null | filecheck %s --check-prefix=STATS

/// Check that passes are listed with their anchor, and named pipelines with their text.
// LIST:       Passes:
// LIST:         graph-cse  (on graph.func)
// LIST-NOT:     test-count-ops
// LIST:       Pipelines:
// LIST:         graph-cleanup  = 'graph-canonicalize,graph-cse,graph-dce'
/// Check that a plugin file's passes join the registry only when it is loaded.
// PLUGIN:       test-count-ops  (on builtin.module)  Count the ops in the module (for --pass-statistics).
// PLUGIN:       test-fail-on-bad  (on func.func)
/// Check that counters reported by a pass are shown.
// STATS:      ... Pass statistics report ...
// STATS:      test-count-ops
// STATS-NEXT:   (3) ops seen
func.func @f(%a: i32) -> i32 {
  func.return %a : i32
}
