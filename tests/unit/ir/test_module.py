"""IRModule: symbol lookup, variants, edits, clone, structural equality and hashing."""

from __future__ import annotations

import subprocess
import sys

import pytest
from xdsl.dialects import func
from xdsl.dialects.builtin import FunctionType, TensorType, f32

from dlir.ir import IRModule, Variant

TEXT = """
func.func @double(%x: tensor<4xf32>) -> tensor<4xf32> {
  func.return %x : tensor<4xf32>
}
func.func @twice(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = func.call @double(%x) : (tensor<4xf32>) -> tensor<4xf32>
  %1 = func.call @double(%0) : (tensor<4xf32>) -> tensor<4xf32>
  func.return %1 : tensor<4xf32>
}
"""


def empty_func(name: str) -> func.FuncOp:
    t = TensorType(f32, [4])
    body = func.FuncOp(name, FunctionType.from_lists([t], [t]))
    body.body.block.add_op(func.ReturnOp(body.args[0]))
    return body


def test_lookup_and_iteration() -> None:
    m = IRModule.parse(TEXT)
    assert list(m) == ["double", "twice"]
    assert len(m) == 2 and "double" in m and "nope" not in m
    assert m["twice"].name == "func.func"
    assert m.variant("double") is Variant.FUNC
    assert [n for n, _ in m.functions(Variant.GRAPH)] == []


def test_missing_symbol_suggests_a_close_one() -> None:
    m = IRModule.parse(TEXT)
    with pytest.raises(KeyError, match="did you mean @double"):
        m["doubel"]


def test_add_replace_remove() -> None:
    m = IRModule.parse(TEXT)
    m.add(empty_func("third"))
    assert list(m) == ["double", "twice", "third"]
    with pytest.raises(ValueError, match="already defined"):
        m.add(empty_func("third"))
    m.replace("double", empty_func("double"))
    assert list(m) == ["double", "twice", "third"]
    removed = m.remove("third")
    assert removed.parent is None and list(m) == ["double", "twice"]


def test_clone_is_equal_and_independent() -> None:
    m = IRModule.parse(TEXT)
    c = m.clone()
    assert c == m and hash(c) == hash(m)
    c.remove("twice")
    assert c != m and c.structural_hash() != m.structural_hash()


def test_equality_ignores_ssa_names() -> None:
    renamed = TEXT.replace("%x", "%input").replace("%0", "%mid")
    assert IRModule.parse(TEXT) == IRModule.parse(renamed)
    assert IRModule.parse(TEXT).structural_hash() == IRModule.parse(renamed).structural_hash()


def test_hash_sees_attribute_changes() -> None:
    other = TEXT.replace("tensor<4xf32>", "tensor<5xf32>")
    assert IRModule.parse(TEXT).structural_hash() != IRModule.parse(other).structural_hash()


def test_hash_is_stable_across_processes() -> None:
    code = (
        "import sys; from dlir.ir import IRModule; "
        "print(IRModule.parse(sys.stdin.read()).structural_hash())"
    )
    runs = {
        subprocess.run(
            [sys.executable, "-c", code], input=TEXT, capture_output=True, text=True, check=True
        ).stdout
        for _ in range(2)
    }
    assert runs == {IRModule.parse(TEXT).structural_hash() + "\n"}
