"""Large constants bypass LLVM IR text: declared external, bound to buffers the program owns."""

from __future__ import annotations

import gc
import re
from typing import Any

import numpy as np
import numpy.typing as npt
import pytest

import dlir
from dlir.backends.llvm.jit import emit
from dlir.backends.llvm.translate import (
    EXTERNAL_MIN_BYTES,
    ExternalConstant,
    c_string,
    translate_module,
)
from dlir.parser import parse_module, print_module
from dlir.passes import run_pipeline

Array = npt.NDArray[Any]
PIPELINE = "graph-to-te,te-to-loop,graph-to-loop,loop-to-llvm"


def weighted_module(weights: Array, name: str = "w") -> str:
    """@f(x) = x * W + 1, with W a `dense_resource` blob (and 1 a small inline splat)."""
    shape = "x".join(str(d) for d in weights.shape)
    t = f"tensor<{shape}xf32>"
    hex_data = "0x04000000" + weights.tobytes().hex().upper()
    return f"""
graph.func @f(%x: {t}) -> {t} {{
  %w = graph.constant dense_resource<{name}> : {t}
  %one = graph.constant dense<1.0> : {t}
  %y = graph.mul %x, %w : ({t}, {t}) -> {t}
  %z = graph.add %y, %one : ({t}, {t}) -> {t}
  graph.return %z : {t}
}}
{{-#
  dialect_resources: {{
    builtin: {{
      {name}: "{hex_data}"
    }}
  }}
#-}}
"""


def test_a_large_constant_is_declared_and_bound_to_an_aligned_read_only_buffer():
    rng = np.random.default_rng(0)
    weights = rng.standard_normal((33, 65), dtype=np.float32)  # 8580 bytes
    text = weighted_module(weights)
    program = dlir.compile(text, PIPELINE)
    assert len(text) > 2 * weights.nbytes  # the weights are in the input ...
    # W, and the splat 1.0 (expanded to 8580 bytes too): both bound, neither spelled out
    declared = re.findall(r"^@(\S+) = external .*constant \[8580 x i8\]", program.llvm_ir, re.M)
    assert sorted(declared) == sorted(program.compiled.constants)
    assert len(declared) == 2 and 'c"' not in program.llvm_ir
    buffers = list(program.compiled.constants.values())
    assert all(b.ctypes.data % 64 == 0 and not b.flags.writeable for b in buffers)
    assert weights.tobytes() in [b.tobytes() for b in buffers]
    x = rng.standard_normal((33, 65), dtype=np.float32)
    np.testing.assert_array_equal(program.f(x), x * weights + 1)


def test_the_weights_live_as_long_as_an_entry_of_the_program():
    rng = np.random.default_rng(1)
    weights = rng.standard_normal((64, 64), dtype=np.float32)
    entry = dlir.compile(weighted_module(weights), PIPELINE)["f"]
    x = rng.standard_normal((64, 64), dtype=np.float32)
    before = entry(x)
    gc.collect()  # the program object is gone; only the entry holds the compiled module
    garbage = [np.full((64, 64), np.nan, np.float32) for _ in range(64)]  # reuse freed memory
    np.testing.assert_array_equal(entry(x), before)
    np.testing.assert_array_equal(before, x * weights + 1)
    del garbage


def test_two_programs_with_the_same_global_names_keep_their_own_weights():
    rng = np.random.default_rng(2)
    w1, w2 = (rng.standard_normal((40, 40), dtype=np.float32) for _ in range(2))
    p1 = dlir.compile(weighted_module(w1, "w1"), PIPELINE)
    p2 = dlir.compile(weighted_module(w2, "w2"), PIPELINE)
    names = [set(p.compiled.constants) for p in (p1, p2)]
    assert names[0].isdisjoint(names[1])  # both were @__constant_0 in the llvm dialect
    x = rng.standard_normal((40, 40), dtype=np.float32)
    np.testing.assert_array_equal(p1.f(x), x * w1 + 1)
    np.testing.assert_array_equal(p2.f(x), x * w2 + 1)


def test_a_small_constant_stays_in_the_ir():
    weights = np.arange(16, dtype=np.float32).reshape(4, 4)  # 64 bytes < EXTERNAL_MIN_BYTES
    assert weights.nbytes < EXTERNAL_MIN_BYTES
    text = weighted_module(weights).replace(
        "dense_resource<w>", "dense<" + str(weights.tolist()) + ">"
    )
    text = text[: text.index("{-#")]
    program = dlir.compile(text, PIPELINE)
    assert not program.compiled.constants
    x = np.ones((4, 4), np.float32)
    np.testing.assert_array_equal(program.f(x), x * weights + 1)


@pytest.mark.parametrize("kind", ["llvm", "asm", "obj"])
def test_emit_keeps_every_definition(kind: str):
    weights = np.arange(48 * 48, dtype=np.float32).reshape(48, 48)
    module = parse_module(weighted_module(weights))
    run_pipeline(PIPELINE, module)
    out = emit(module, kind)
    if kind == "llvm":
        assert isinstance(out, str) and " external " not in out
        assert f'constant [{weights.nbytes} x i8] c"' in out  # defined, with its bytes
    elif kind == "asm":
        assert isinstance(out, str) and re.search(r"\.(byte|long|ascii|zero)", out)
    else:
        assert isinstance(out, bytes) and len(out) > weights.nbytes


def test_translation_leaves_the_module_as_it_was():
    weights = np.arange(40 * 40, dtype=np.float32).reshape(40, 40)
    # graph.sqrt lowers to llvm.intr.sqrt, which translation mangles in place and undoes
    t = "tensor<40x40xf32>"
    module = parse_module(
        weighted_module(weights).replace(
            f"graph.add %y, %one : ({t}, {t}) -> {t}", f"graph.sqrt %y : {t}"
        )
    )
    run_pipeline(PIPELINE, module)
    before = print_module(module)
    assert "llvm.intr.sqrt" in before
    externals: dict[str, ExternalConstant] = {}
    translate_module(module, externals=externals)
    assert len(externals) == 1
    assert print_module(module) == before


def test_c_string_escapes_every_byte():
    assert c_string(b"") == 'c""'
    assert c_string(b'?\x80"\\') == 'c"\\3F\\80\\22\\5C"'
    every = bytes(range(256))
    literal = c_string(every)
    assert [int(h, 16) for h in re.findall(r"\\([0-9A-F]{2})", literal)] == list(every)
