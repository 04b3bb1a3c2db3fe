// RUN: dl-opt %s -p 'graph.func(graph-cse),cse' --time-passes 2>&1 >/dev/null | filecheck %s --check-prefix=TIME
// RUN: dl-opt %s -p 'graph-cse' --pass-statistics --disable-verify 2>&1 >/dev/null | filecheck %s --check-prefix=STATS

/// Check that the timing report is a tree: function passes under their anchor.
// TIME:      ... Pass execution timing report ...
// TIME:      Total Execution Time: {{[0-9.]+}} seconds
// TIME:      {{[0-9.]+}} ({{ *[0-9.]+}}%)  graph.func
// TIME-NEXT: {{[0-9.]+}} ({{ *[0-9.]+}}%)    graph-cse
// TIME-NEXT: {{[0-9.]+}} ({{ *[0-9.]+}}%)  cse
// TIME-NEXT: {{[0-9.]+}} (100.0%)  Total
// STATS:     ... Pass statistics report ...
graph.func @g(%x: tensor<4xf32>) -> tensor<4xf32> {
  %a = graph.relu %x : tensor<4xf32>
  graph.return %a : tensor<4xf32>
}
