"""The custom forms of dlir's own hand-written ops build what their xDSL `parse` builds.

graph.func, loop.func and hw.intrinsic share the `func.func` grammar (`func_like.py`);
loop.for and the loop accesses have their own forms (`custom/loop.py`); te.kernel and
te.compute have theirs in `custom/te.py`.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from xdsl.dialects.builtin import ModuleOp

from dlir.ir.context import make_context
from dlir.ir.diagnostics import DiagnosticError
from dlir.parser import parse_module_xdsl, print_module
from dlir.parser.lark_parser import parse_module_lark

CASES = {
    "graph-func": """
graph.func @mlp(%x: tensor<4x8xf32> {dl.in}, %w: tensor<8x2xf32>) -> (tensor<4x2xf32> {dl.out}) attributes {dl.entry} {
  %y = graph.matmul %x, %w : (tensor<4x8xf32>, tensor<8x2xf32>) -> tensor<4x2xf32>
  graph.return %y : tensor<4x2xf32>
}
graph.func private @decl(tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
graph.func nested @two(%a: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
  graph.return %a, %a : tensor<4xf32>, tensor<4xf32>
}
""",
    "te-kernel-compute": """
te.kernel @matmul(%A: tensor<64x32xf32>, %B: tensor<32x16xf32>) -> tensor<64x16xf32> {
  %C = te.compute "C" (%i: 64, %j: 16) reduce (%k: 32) combiner add init 0.0 : f32 {
    %a = te.read %A[%i, %k] : tensor<64x32xf32> -> f32
    %b = te.read %B[%k, %j] : tensor<32x16xf32> -> f32
    %p = arith.mulf %a, %b : f32
    te.yield %p : f32
  } : tensor<64x16xf32>
  te.return %C : tensor<64x16xf32>
}
""",
    "loop-for-kinds": """
loop.func @kinds(%out: memref<64xindex>) attributes {num_outputs = 1 : i64} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  loop.for %i = %c0 to %c8 step %c1 serial {
    loop.store %i, %out[%i] : memref<64xindex>
  }
  loop.for %i = %c0 to %c8 step %c1 parallel {
    loop.for %j = %c0 to %c8 step %c1 vectorized<8> {
      loop.store %j, %out[%i * 8 + %j] : memref<64xindex>
    }
  }
  loop.for %i = %c0 to %c8 step %c1 unrolled {
    loop.store %i, %out[%i] : memref<64xindex>
  }
  loop.for %i = %c0 to %c8 step %c1 unrolled<4> {
  } {schedule = "io"}
  loop.return
}
""",
    "loop-accesses": """
loop.func @acc(%a: memref<64x64xf32>, %v: memref<1000xf32>, %i: index, %j: index, %o: memref<64x64xf32>) attributes {num_outputs = 1 : i64} {
  %x = loop.load %a[%i mod 4 * -1, -%j * 3 + %i] : memref<64x64xf32>
  %y = loop.load %a[(%i + 1) floordiv 2, %j ceildiv 4 - 3] : memref<64x64xf32>
  %z = loop.load %a[63 - %i, %j * 2 - %i * 3] : memref<64x64xf32>
  loop.store %x, %o[%i, %j + 1] : memref<64x64xf32>
  %w = loop.vload %v[%i * 8] : memref<1000xf32>, vector<8xf32>
  %u = loop.vload %v[8 * %i] : memref<1000xf32>, vector<8xf32>
  loop.vstore %w, %v[%j * 8 + 4] : memref<1000xf32>, vector<8xf32>
  loop.return
}
""",
    "hw-intrinsic": """
hw.intrinsic @fill(%acc: memref<16x16xi32, "acc">) attributes {num_outputs = 1 : i64, target = "vta"} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c16 = arith.constant 16 : index
  %zero = arith.constant 0 : i32
  loop.for %i = %c0 to %c16 step %c1 {
    loop.for %j = %c0 to %c16 step %c1 {
      loop.store %zero, %acc[%i, %j] : memref<16x16xi32, "acc">
    }
  }
  hw.return
}
""",
}


def _both(text: str) -> tuple[ModuleOp, ModuleOp]:
    ctx = make_context()
    return parse_module_lark(text, "t.mlir", ctx), parse_module_xdsl(text, "t.mlir", ctx)


@pytest.mark.parametrize("text", list(CASES.values()), ids=list(CASES))
def test_same_ir_as_xdsl(text: str) -> None:
    got, expected = _both(text)
    assert print_module(got) == print_module(expected)
    assert got.is_structurally_equivalent(expected)
    again = parse_module_lark(print_module(got, generic=True), "generic.mlir", make_context())
    assert again.is_structurally_equivalent(got)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param(
            "loop.func private @f(%a: memref<4xf32>) attributes {num_outputs = 1 : i64} {\n  loop.return\n}",
            "expected a symbol name, found 'private'",
            id="loop-func-visibility",
        ),
        pytest.param(
            "loop.func @f(%a: memref<4xf32>) {\n  loop.return\n}",
            "loop.func needs 'num_outputs' in its attributes",
            id="loop-func-num-outputs",
        ),
        pytest.param(
            'hw.intrinsic @f(%a: memref<4xf32>) -> i32 attributes {num_outputs = 1 : i64, target = "vta"} {\n  hw.return\n}',
            "hw.intrinsic takes no result types and no argument attributes",
            id="hw-results",
        ),
        pytest.param(
            "loop.func @f(%a: memref<4xf32>, %i: index) attributes {num_outputs = 1 : i64} {\n"
            "  %x = loop.load %a[%i * %i] : memref<4xf32>\n  loop.return\n}",
            "expected a constant on one side of '*' in an index expression",
            id="access-nonlinear",
        ),
        pytest.param(
            "loop.func @f(%a: memref<4xf32>, %i: index) attributes {num_outputs = 1 : i64} {\n"
            "  %x = loop.load %a[%i mod 0] : memref<4xf32>\n  loop.return\n}",
            "expected a positive constant after 'mod'",
            id="access-divisor",
        ),
        pytest.param(
            "loop.func @f(%a: memref<4xf32>, %i: index) attributes {num_outputs = 1 : i64} {\n"
            "  %x = loop.load %a[%i] : tensor<4xf32>\n  loop.return\n}",
            "expected a memref type, found tensor<4xf32>",
            id="access-memref",
        ),
    ],
)
def test_errors(text: str, message: str) -> None:
    with pytest.raises(DiagnosticError, match=message.replace("(", r"\(").replace("*", r"\*")):
        parse_module_lark(text, "t.mlir", make_context())


_TERMS = st.sampled_from(
    ["%i", "%j", "%i * 4", "3 * %j", "2", "(%i + %j)", "-%i", "%j mod 8", "%i floordiv 2"]
)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from([" + ", " - "]), _TERMS), min_size=1, max_size=4))
def test_index_expressions_agree_with_xdsl(terms: list[tuple[str, str]]) -> None:
    """Any sum of affine terms is read into the same canonical map as loop's xDSL parser."""
    expr = terms[0][1] + "".join(op + term for op, term in terms[1:])
    text = (
        "loop.func @f(%a: memref<64xf32>, %i: index, %j: index) attributes {num_outputs = 1 : i64} {\n"
        f"  %x = loop.load %a[{expr}] : memref<64xf32>\n  loop.return\n}}"
    )
    got, expected = _both(text)
    assert got.is_structurally_equivalent(expected)
    assert print_module(got) == print_module(expected)
