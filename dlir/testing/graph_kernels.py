"""The te kernels graph-to-te makes of a graph program, for tests of te-level passes.

module = graph_kernels('graph.func @f(%a: ...) { %c = graph.matmul %a, %b ... }')
kernel = only_kernel(module)      # te.kernel @matmul_...(%X0, %X1) -> ...
"""

from __future__ import annotations

from xdsl.dialects.builtin import ModuleOp

from dlir.dialects.te.kernel import KernelOp
from dlir.parser import parse_module
from dlir.passes import run_pipeline


def graph_kernels(text: str) -> ModuleOp:
    """The te kernels graph-to-te makes of a graph function (the graph function dropped)."""
    module = parse_module(text)
    run_pipeline("graph-to-te", module)
    for op in list(module.ops):
        if not isinstance(op, KernelOp):
            op.detach()
            op.erase()
    return module


def only_kernel(module: ModuleOp) -> KernelOp:
    """The module's one te.kernel."""
    (kernel,) = [op for op in module.ops if isinstance(op, KernelOp)]
    return kernel
