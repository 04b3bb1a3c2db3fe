"""dlir as an `onnx.backend.base.Backend`: import with `from_onnx`, run natively.

    from dlir.frontend.onnx.backend import DlirBackend
    rep = DlirBackend.prepare(model, "CPU")          # or mode="interpret"
    (y,) = rep.run([x, shape])

so the official suite runs on dlir: `onnx.backend.test.BackendTest(DlirBackend, __name__)`
(`tests/onnx_backend/`, `benchmarks/onnx_backend.py`).

bf16 arrays (ml_dtypes.bfloat16, as onnx gives them) are fed as float32, which holds bf16
exactly, and outputs declared BFLOAT16 are returned as bfloat16 arrays.

dlir compiles for static shapes and values known at import time (a Reshape's shape, a
Slice's starts), but ONNX models may feed those as graph inputs. So a `DlirBackendRep`
imports at `run` time: the graph inputs a converter needs as constants (found from the
importer's `NotConstantError`, traced back through the graph to the inputs they derive
from) are bound with `input_values`, and one compiled program is cached per distinct
value of those inputs. Every other input stays a run-time argument.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, Literal, cast

import ml_dtypes
import numpy as np
from numpy.typing import NDArray
from onnx import GraphProto, ModelProto, NodeProto, TensorProto, helper
from onnx.backend.base import Backend, BackendRep

import dlir
from dlir.frontend.onnx.importer import from_onnx
from dlir.frontend.onnx.registry import CONVERTERS, NotConstantError, OnnxImportError
from dlir.ir.module import IRModule

Array = NDArray[Any]
Mode = Literal["native", "interpret"]
MODES: tuple[Mode, ...] = ("native", "interpret")
"""`native`: `dlir.compile(module, "compile-cpu")`; `interpret`: the numpy reference."""

_DEFAULT_DOMAINS = ("", "ai.onnx")
_Key = tuple[tuple[str, str, tuple[int, ...], bytes], ...]


class DlirBackendRep(BackendRep):
    """A prepared model; `run(inputs)` imports and compiles on first use (see the module)."""

    def __init__(self, model: ModelProto, mode: Mode) -> None:
        self.model = model
        self.mode = mode
        initialized = {t.name for t in model.graph.initializer}
        self.input_names = [i.name for i in model.graph.input if i.name not in initialized]
        self.bound: set[str] = set()
        """The inputs imported as constants, grown as the importer asks for them."""
        self._programs: dict[_Key, Callable[..., Any]] = {}

    def run(self, inputs: Any, **kwargs: Any) -> tuple[Array, ...]:
        """Outputs of the model, in graph order, on `inputs` (a list in input order, a
        dict by name, or one array)."""
        del kwargs
        feeds = self._feeds(inputs)
        key = self._key(feeds)
        program = self._programs.get(key)
        if program is None:
            program = self._build(feeds)
            key = self._key(feeds)  # `_build` may have bound more inputs
            self._programs[key] = program
        args = [_held(feeds[n]) for n in self.input_names if n not in self.bound]
        result = program(*args)
        results = cast(tuple[Any, ...], result) if isinstance(result, tuple) else (result,)
        return tuple(
            np.asarray(r).astype(ml_dtypes.bfloat16)
            if elem == TensorProto.BFLOAT16
            else np.asarray(r)
            for r, elem in zip(results, self._output_types(len(results)), strict=True)
        )

    def _output_types(self, count: int) -> list[int]:
        """The ONNX element types of the graph's outputs (UNDEFINED when not declared)."""
        declared = [o.type.tensor_type.elem_type for o in self.model.graph.output]
        return (declared + [TensorProto.UNDEFINED] * count)[:count]

    def import_module(self, feeds: Mapping[str, Array]) -> IRModule:
        """The model imported with the inputs it needs as constants bound to `feeds`."""
        while True:
            values = {n: feeds[n] for n in sorted(self.bound)}
            try:
                return from_onnx(self.model, input_values=values)
            except NotConstantError as err:
                sources = graph_inputs_reaching(self.model.graph, err.tensor)
                sources &= set(self.input_names)
                if not sources or sources <= self.bound:
                    raise
                self.bound |= sources

    def _build(self, feeds: Mapping[str, Array]) -> Callable[..., Any]:
        module = self.import_module(feeds)
        if self.mode == "interpret":
            return lambda *args: dlir.interpret(module, "main", *args)
        return dlir.compile(module, "compile-cpu")["main"]

    def _feeds(self, inputs: Any) -> dict[str, Array]:
        if isinstance(inputs, Mapping):
            named = cast(Mapping[str, Any], inputs)
            feeds = {str(k): np.asarray(v) for k, v in named.items()}
        else:
            listed: Sequence[Any] = (
                [inputs] if isinstance(inputs, np.ndarray) else list(cast(Sequence[Any], inputs))
            )
            if len(listed) != len(self.input_names):
                raise OnnxImportError(
                    f"the model takes {len(self.input_names)} inputs "
                    f"({', '.join(self.input_names)}), {len(listed)} were given"
                )
            feeds = {n: np.asarray(v) for n, v in zip(self.input_names, listed, strict=True)}
        missing = [n for n in self.input_names if n not in feeds]
        if missing:
            raise OnnxImportError(f"inputs not given: {', '.join(missing)}")
        return feeds

    def _key(self, feeds: Mapping[str, Array]) -> _Key:
        return tuple(
            (n, feeds[n].dtype.str, feeds[n].shape, feeds[n].tobytes()) for n in sorted(self.bound)
        )


def _held(array: Array) -> Array:
    """An input as dlir holds it: a bf16 array (ml_dtypes) as float32, exactly."""
    return array.astype(np.float32) if array.dtype == ml_dtypes.bfloat16 else array


def graph_inputs_reaching(g: GraphProto, tensor: str) -> set[str]:
    """The names of the graph inputs that `tensor` is computed from (itself if one)."""
    producer: dict[str, NodeProto] = {out: node for node in g.node for out in node.output}
    seen: set[str] = set()
    stack = [tensor]
    while stack:
        name = stack.pop()
        if name in seen:
            continue
        seen.add(name)
        node = producer.get(name)
        if node is not None:
            stack.extend(i for i in node.input if i)
    return seen & {i.name for i in g.input}


class DlirBackend(Backend):
    """The ONNX backend API on dlir (CPU only); `mode` in `prepare` picks native or the
    interpreter."""

    @classmethod
    def is_compatible(cls, model: ModelProto, device: str = "CPU", **kwargs: Any) -> bool:
        """Whether every node is an operator `from_onnx` converts."""
        del kwargs
        return cls.supports_device(device) and all(
            node.domain in _DEFAULT_DOMAINS and node.op_type in CONVERTERS
            for node in model.graph.node
        )

    @classmethod
    def prepare(cls, model: ModelProto, device: str = "CPU", **kwargs: Any) -> DlirBackendRep:
        mode = kwargs.get("mode", "native")
        if mode not in MODES:
            raise ValueError(f"mode '{mode}' is not one of {', '.join(MODES)}")
        if not cls.supports_device(device):
            raise ValueError(f"dlir runs on CPU only, not '{device}'")
        return DlirBackendRep(model, mode)

    @classmethod
    def run_node(
        cls,
        node: NodeProto,
        inputs: Any,
        device: str = "CPU",
        outputs_info: Sequence[tuple[np.dtype[Any], tuple[int, ...]]] | None = None,
        **kwargs: Any,
    ) -> tuple[Array, ...]:
        """Run one node on `inputs` (arrays in the node's input order) by wrapping it in a
        model of opset `opset_version` (default: the newest)."""
        del outputs_info
        arrays = [np.asarray(a) for a in cast(Sequence[Any], inputs)]
        names = [n for n in node.input if n]
        graph = helper.make_graph(
            [node],
            "run_node",
            [
                helper.make_tensor_value_info(n, helper.np_dtype_to_tensor_dtype(a.dtype), a.shape)
                for n, a in zip(names, arrays, strict=True)
            ],
            [helper.make_tensor_value_info(o, TensorProto.UNDEFINED, None) for o in node.output],
        )
        opset = kwargs.pop("opset_version", None)
        opsets = [helper.make_opsetid("", opset)] if opset is not None else None
        model = helper.make_model(graph, opset_imports=opsets)
        return cls.prepare(model, device, **kwargs).run(arrays)

    @classmethod
    def supports_device(cls, device: str) -> bool:
        return device.upper() == "CPU"
