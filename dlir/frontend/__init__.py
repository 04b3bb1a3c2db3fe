"""Frontends: models written for other frameworks, imported as `graph` IR.

from dlir.frontend.onnx import from_onnx
module = from_onnx("model.onnx")        # an IRModule with one graph.func @main
"""
