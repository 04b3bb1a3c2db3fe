"""from_onnx as a whole: errors, static shapes, weights as resource blobs, native runs, dl-import."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper

import dlir
from dlir.frontend.onnx import SUPPORTED_OPS, OnnxImportError, from_onnx
from dlir.parser import parse_module, print_module
from dlir.tools import dl_import
from tests.unit.frontend.onnx.conftest import Check, make_model, rand


def test_subset_is_supported() -> None:
    """The 48 operators of issue 6's first subset, plus LRN."""
    subset = [
        "Conv",
        "Gemm",
        "MatMul",
        "Add",
        "Mul",
        "Sub",
        "Div",
        "Pow",
        "Sum",
        "Relu",
        "Sigmoid",
        "Tanh",
        "Gelu",
        "Erf",
        "Sqrt",
        "Exp",
        "Log",
        "Clip",
        "Softmax",
        "BatchNormalization",
        "LayerNormalization",
        "MaxPool",
        "AveragePool",
        "GlobalAveragePool",
        "ReduceMean",
        "ReduceSum",
        "ReduceMax",
        "Reshape",
        "Flatten",
        "Transpose",
        "Concat",
        "Gather",
        "Pad",
        "Slice",
        "Squeeze",
        "Unsqueeze",
        "Expand",
        "Shape",
        "Split",
        "Identity",
        "Constant",
        "ConstantOfShape",
        "Dropout",
        "Cast",
        "Where",
        "Equal",
        "Less",
        "Greater",
        "LRN",
    ]
    assert len(subset) == 49
    assert sorted(subset) == sorted(SUPPORTED_OPS)


def test_imported_function_text() -> None:
    x = rand(1, 3, 8, 8)
    nodes = [
        helper.make_node("Conv", ["x", "w", "b"], ["c"], pads=[1, 1, 1, 1]),
        helper.make_node("Relu", ["c"], ["y"]),
    ]
    model = make_model(nodes, {"x": x}, initializers={"w": rand(4, 3, 3, 3), "b": rand(4)})
    text = print_module(from_onnx(model, name="net").op)
    assert "graph.func @net(%x: tensor<1x3x8x8xf32>) -> tensor<1x4x8x8xf32>" in text
    assert "graph.conv2d %x, %w, %b pads [1, 1, 1, 1]" in text
    assert "%y = graph.relu" in text


def test_unsupported_ops_listed_once_with_counts() -> None:
    x = rand(2, 3)
    nodes = [
        helper.make_node("Abs", ["x"], ["a"]),
        helper.make_node("Abs", ["a"], ["b"]),
        helper.make_node("Relu", ["b"], ["c"]),
        helper.make_node("Neg", ["c"], ["d"]),
        helper.make_node("FusedThing", ["d"], ["y"], domain="com.example"),
    ]
    model = make_model(nodes, {"x": x})
    model.opset_import.append(helper.make_opsetid("com.example", 1))
    with pytest.raises(OnnxImportError) as info:
        from_onnx(model)
    message = str(info.value)
    assert (
        "unsupported ONNX operators (3 kinds, 4 nodes): Abs (x2), Neg (x1), com.example::FusedThing (x1)"
        in message
    )
    assert "supported: Add," in message


def _symbolic_model() -> onnx.ModelProto:
    graph = helper.make_graph(
        [helper.make_node("Relu", ["x"], ["y"])],
        "sym",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch", 3, None])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["batch", 3, None])],
    )
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])


def test_symbolic_dims_name_every_unknown_dim() -> None:
    with pytest.raises(OnnxImportError) as info:
        from_onnx(_symbolic_model())
    message = str(info.value)
    assert "'x' dim 0 is 'batch' in [batch, 3, ?]" in message
    assert "'x' dim 2 is '?'" in message
    assert "input_shapes=" in message


def test_input_shapes_override_symbolic_dims() -> None:
    module = from_onnx(_symbolic_model(), input_shapes={"x": (2, 3, 5)})
    x = rand(2, 3, 5)
    np.testing.assert_array_equal(dlir.interpret(module, "main", x), np.maximum(x, 0))


@pytest.mark.parametrize(
    ("shapes", "message"),
    [
        ({"z": (1,)}, "'z', which is not a graph input"),
        ({"x": (2, 3)}, "rank 2, the model rank 3"),
        ({"x": (2, 4, 5)}, "dim 1 size 4, the model 3"),
    ],
)
def test_bad_input_shapes(shapes: dict[str, tuple[int, ...]], message: str) -> None:
    with pytest.raises(OnnxImportError, match=message):
        from_onnx(_symbolic_model(), input_shapes=shapes)


def test_runtime_attribute_input_is_an_error_and_input_values_bind_it(check: Check) -> None:
    x, shape = rand(2, 6), np.array([3, 4], dtype=np.int64)
    model = make_model(helper.make_node("Reshape", ["x", "s"], ["y"]), {"x": x, "s": shape})
    with pytest.raises(
        OnnxImportError,
        match=r"Reshape node #0 \(output 'y'\): input 1 's' \(shape\) must be a constant",
    ):
        from_onnx(model)
    module = from_onnx(model, input_values={"s": shape})
    np.testing.assert_array_equal(dlir.interpret(module, "main", x), x.reshape(3, 4))


def test_unsupported_element_type() -> None:
    graph = helper.make_graph(
        [helper.make_node("Identity", ["x"], ["y"])],
        "c64",
        [helper.make_tensor_value_info("x", TensorProto.COMPLEX64, (2, 2))],
        [helper.make_tensor_value_info("y", TensorProto.COMPLEX64, (2, 2))],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    with pytest.raises(
        OnnxImportError, match="input 'x' has element type complex64 \\(supported: float"
    ):
        from_onnx(model)


def test_unread_optional_output_is_fine_but_a_read_one_is_an_error() -> None:
    x = rand(1, 1, 4)  # Indices are built for 2-D poolings only
    pool = helper.make_node("MaxPool", ["x"], ["y", "idx"], kernel_shape=[2])
    from_onnx(make_model(pool, {"x": x}, ["y"]))
    with pytest.raises(OnnxImportError, match="output 1 'idx' is not supported"):
        from_onnx(make_model(pool, {"x": x}, ["y", "idx"]))


def test_unreadable_files(tmp_path: Path) -> None:
    with pytest.raises(OnnxImportError, match="cannot read"):
        from_onnx(tmp_path / "missing.onnx")
    bad = tmp_path / "bad.onnx"
    bad.write_bytes(b"\xff\xff not a protobuf")
    with pytest.raises(OnnxImportError, match="is not an ONNX model"):
        from_onnx(bad)


def test_large_initializers_become_resource_blobs() -> None:
    """A 64x48 weight is a dense_resource blob (hex in the resource section), never a
    huge inline literal; small ones stay inline."""
    x = rand(4, 64)
    inits = {"w": rand(64, 48, seed=1), "b": rand(48, seed=2)}
    nodes = [helper.make_node("Gemm", ["x", "w", "b"], ["y"])]
    module = from_onnx(make_model(nodes, {"x": x}, initializers=inits))
    text = print_module(module.op)
    assert "%w = graph.constant dense_resource<w" in text
    assert "%b = graph.constant dense<" in text
    weight_bytes = 64 * 48 * 4
    # the blob's hex (2 characters a byte), the bias, and little else
    assert len(text) < 2 * weight_bytes + 2_000, len(text)
    reparsed = parse_module(text)
    got = dlir.interpret(reparsed, "main", x)
    np.testing.assert_allclose(got, x @ inits["w"] + inits["b"], rtol=1e-4, atol=1e-4)


def _cnn() -> tuple[onnx.ModelProto, dict[str, np.ndarray]]:
    """conv-bn-relu-maxpool, then conv (1-D weights folded), global pool, flatten, gemm, softmax."""
    x = rand(2, 3, 13, 13)
    inits = {
        "w1": rand(8, 3, 3, 3, seed=1) * 0.3,
        "s": rand(8, seed=2),
        "b": rand(8, seed=3),
        "m": rand(8, seed=4),
        "v": np.abs(rand(8, seed=5)) + 0.5,
        "w2": rand(5, 8, 3, 3, seed=6) * 0.3,
        "fc": rand(7, 5, seed=7),
        "fb": rand(7, seed=8),
    }
    nodes = [
        helper.make_node("Conv", ["x", "w1"], ["c1"], pads=[1, 1, 1, 1]),
        helper.make_node("BatchNormalization", ["c1", "s", "b", "m", "v"], ["n1"]),
        helper.make_node("Relu", ["n1"], ["r1"]),
        helper.make_node(
            "MaxPool", ["r1"], ["p1"], kernel_shape=[3, 3], strides=[2, 2], ceil_mode=1
        ),
        helper.make_node("Conv", ["p1", "w2"], ["c2"], auto_pad="SAME_UPPER", strides=[2, 2]),
        helper.make_node("GlobalAveragePool", ["c2"], ["g"]),
        helper.make_node("Flatten", ["g"], ["f"]),
        helper.make_node("Gemm", ["f", "fc", "fb"], ["logits"], transB=1),
        helper.make_node("Softmax", ["logits"], ["y"]),
    ]
    return make_model(nodes, {"x": x}, initializers=inits, opset=15), {"x": x}


def _attention_block() -> tuple[onnx.ModelProto, dict[str, np.ndarray]]:
    """Embedding gather, layer norm, q @ k^T with a where-mask, softmax, gelu, split, concat."""
    ids = np.array([[1, 4, 0, -1, 6]], dtype=np.int64)
    inits = {
        "emb": rand(7, 8, seed=1),
        "g": rand(8, seed=2),
        "wq": rand(8, 8, seed=3) * 0.3,
        "wk": rand(8, 8, seed=4) * 0.3,
        "lim": np.array(2.0, dtype=np.float32),
        "neg": np.array(-1e4, dtype=np.float32),
        "split": np.array([3, 5], dtype=np.int64),
    }
    nodes = [
        helper.make_node("Gather", ["emb", "ids"], ["e"]),
        helper.make_node("LayerNormalization", ["e", "g"], ["h"], axis=-1),
        helper.make_node("MatMul", ["h", "wq"], ["q"]),
        helper.make_node("MatMul", ["h", "wk"], ["k"]),
        helper.make_node("Transpose", ["k"], ["kt"], perm=[0, 2, 1]),
        helper.make_node("MatMul", ["q", "kt"], ["s"]),
        helper.make_node("Less", ["s", "lim"], ["keep"]),
        helper.make_node("Where", ["keep", "s", "neg"], ["masked"]),
        helper.make_node("Softmax", ["masked"], ["a"], axis=-1),
        helper.make_node("MatMul", ["a", "h"], ["o"]),
        helper.make_node("Gelu", ["o"], ["act"]),
        helper.make_node("Split", ["act", "split"], ["p", "r"], axis=2),
        helper.make_node("Concat", ["r", "p"], ["y"], axis=2),
    ]
    return make_model(nodes, {"ids": ids}, initializers=inits, opset=20), {"ids": ids}


@pytest.mark.parametrize("build", [_cnn, _attention_block], ids=["cnn", "attention"])
def test_native_code_matches_onnx(
    check: Check, build: Callable[[], tuple[onnx.ModelProto, dict[str, np.ndarray]]]
) -> None:
    """A representative subset runs natively (compile-cpu) as onnx's reference runs it."""
    model, feeds = build()
    check(model, feeds, rtol=1e-4, atol=1e-5)
    check(model, feeds, rtol=1e-4, atol=1e-5, compile=True)


def test_dl_import_then_dl_opt_runs_and_checks(tmp_path: Path) -> None:
    """The README's two commands: import, then compile, run and check against the interpreter."""
    x = rand(3, 5)
    nodes = [
        helper.make_node("Gemm", ["x", "w", "b"], ["g"]),
        helper.make_node("Relu", ["g"], ["y"]),
    ]
    model = make_model(nodes, {"x": x}, initializers={"w": rand(5, 4), "b": rand(4)})
    (tmp_path / "m.onnx").write_bytes(model.SerializeToString())
    out = tmp_path / "m.mlir"
    command = [
        sys.executable,
        "-m",
        "dlir.tools.dl_import",
        str(tmp_path / "m.onnx"),
        "-o",
        str(out),
    ]
    command += [
        "&&",
        sys.executable,
        "-m",
        "dlir.tools.dl_opt",
        str(out),
        "-p",
        "compile-cpu",
        "--run",
        "--check",
    ]
    result = subprocess.run(
        " ".join(command), shell=True, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert "graph.func @main(%x: tensor<3x5xf32>) -> tensor<3x4xf32>" in out.read_text()
    assert "max rel error" in result.stdout


def test_dl_import_errors_exit_1_without_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "sym.onnx").write_bytes(_symbolic_model().SerializeToString())
    out = tmp_path / "sym.mlir"
    assert dl_import.main([str(tmp_path / "sym.onnx"), "-o", str(out)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("dl-import: error: dlir needs static shapes")
    assert "Traceback" not in err
    assert not out.exists()  # nothing half-written
    assert dl_import.main([str(tmp_path / "nope.onnx")]) == 1
    assert "dl-import: error: cannot read" in capsys.readouterr().err


def test_dl_import_input_shape(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "sym.onnx").write_bytes(_symbolic_model().SerializeToString())
    assert dl_import.main([str(tmp_path / "sym.onnx"), "--input-shape", "x=4,3,2"]) == 0
    assert "graph.func @main(%x: tensor<4x3x2xf32>)" in capsys.readouterr().out
    with pytest.raises(SystemExit) as info:
        dl_import.main([str(tmp_path / "sym.onnx"), "--input-shape", "x:4"])
    assert info.value.code == 2
    assert "expected NAME=D0,D1,..." in capsys.readouterr().err
