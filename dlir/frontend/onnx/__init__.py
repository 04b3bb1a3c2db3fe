"""ONNX import: `from_onnx(model)` turns an ONNX model into `graph` IR with static shapes.

    from dlir.frontend.onnx import from_onnx
    module = from_onnx("resnet50.onnx", input_shapes={"data": (1, 3, 224, 224)})
    program = dlir.compile(module)

or, from the command line, `dl-import model.onnx -o model.mlir`. Each supported
operator has a converter (`registry.py`), one module per family: `elementwise`, `nn`,
`shape`, `reduce`. Unsupported operators are listed in one error before anything is built.

`backend.DlirBackend` is the `onnx.backend.base.Backend` API on top (the official node
tests run with it: `suite.py`, `tests/onnx_backend/`, `benchmarks/onnx_backend.py`).
`light.py` loads the onnx wheel's nine light_* CNNs, their inputs and expected outputs, and
gives them random weights (`tests/unit/frontend/onnx/test_models.py`, `benchmarks/models.py`).
"""

from __future__ import annotations

from dlir.frontend.onnx import elementwise, nn, reduce, shape
from dlir.frontend.onnx.importer import from_onnx
from dlir.frontend.onnx.registry import CONVERTERS, OnnxImportError

SUPPORTED_OPS: tuple[str, ...] = tuple(sorted(CONVERTERS))
"""The ONNX operators (default domain) that `from_onnx` converts."""

__all__ = ["SUPPORTED_OPS", "OnnxImportError", "from_onnx"]

del elementwise, nn, reduce, shape  # imported to register their converters
