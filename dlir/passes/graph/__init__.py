"""Graph-level passes: cleanups and analyses over `graph.func` bodies.

    dl-opt model.mlir -p 'graph-canonicalize,graph-cse,graph-dce'

Each pass is an xDSL `ModulePass` that works per `graph.func` (its `anchor`); the
registry in `dlir.passes` merges `GRAPH_PASSES` so `dl-opt -p` finds them by name.
"""

from __future__ import annotations

GRAPH_PASSES: dict[str, str] = {
    "graph-dce": "dlir.passes.graph.dce:GraphDCEPass",
    "graph-cse": "dlir.passes.graph.cse:GraphCSEPass",
    "graph-canonicalize": "dlir.passes.graph.canonicalize:GraphCanonicalizePass",
    "graph-fold-constants": "dlir.passes.graph.fold_constants:GraphFoldConstantsPass",
    "graph-infer-shapes": "dlir.passes.graph.infer_shapes:GraphInferShapesPass",
    "graph-fuse": "dlir.passes.graph.fuse:GraphFusePass",
    "graph-fold-batch-norm": "dlir.passes.graph.fold_batch_norm:GraphFoldBatchNormPass",
    "graph-fold-empty": "dlir.passes.graph.fold_empty:GraphFoldEmptyPass",
    "graph-alter-layout": "dlir.passes.graph.alter_layout:GraphAlterLayoutPass",
}
