"""`graph-to-te`: graph ops -> te.kernels (tensor expressions) called with graph.call_dps.

    %y = graph.relu %x : tensor<4x8xf32>
      -> %y = graph.call_dps @relu_4x8xf32(%x) : (tensor<4x8xf32>) -> tensor<4x8xf32>

`registry.py` maps each graph op class to its te definition; the definitions live by
concept: `elementwise.py`, `shape.py` (data movement), `linalg.py` (matmul, conv, pools),
`norm.py` (softmax, norms, reductions), `lrn.py` (local response normalisation).
`common.py` holds what they share (stages over a shape, broadcast reads, scalar arithmetic
with numpy's semantics); `pass_.py` is the pass.
Importing this package fills the registry.
"""

from __future__ import annotations

from dlir.passes.lowering.graph_to_te import elementwise, layout, linalg, lrn, norm, shape
from dlir.passes.lowering.graph_to_te.registry import TE_DEFINITIONS, te_definition

__all__ = [
    "TE_DEFINITIONS",
    "elementwise",
    "layout",
    "linalg",
    "lrn",
    "norm",
    "shape",
    "te_definition",
]
