"""Small `loop.alloc`s become entry-block `llvm.alloca`s (one per thread inside parallel
loops), large ones stay on the heap; both compute what they did."""

from __future__ import annotations

import numpy as np
from xdsl.dialects import llvm

from dlir.backends.llvm.callable import jit_function
from dlir.parser import parse_module
from dlir.passes import run_pipeline
from dlir.passes.lowering.memory import STACK_LIMIT

# Each row: copy it into a scratch tile, then write the tile's prefix sums.
ROWS = """
loop.func @prefix(%x: memref<64x{n}xf32>, %y: memref<64x{n}xf32>) attributes {{num_outputs = 1 : i64}} {{
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  %cn = arith.constant {n} : index
  loop.for %i = %c0 to %c64 step %c1 parallel {{
    %t = loop.alloc "local" : memref<{n}xf32>
    loop.for %j = %c0 to %cn step %c1 {{
      %v = loop.load %x[%i, %j] : memref<64x{n}xf32>
      loop.store %v, %t[%j] : memref<{n}xf32>
    }}
    loop.for %j = %c1 to %cn step %c1 {{
      %p = loop.load %t[%j - 1] : memref<{n}xf32>
      %v = loop.load %t[%j] : memref<{n}xf32>
      %s = arith.addf %p, %v : f32
      loop.store %s, %t[%j] : memref<{n}xf32>
    }}
    loop.for %j = %c0 to %cn step %c1 {{
      %v = loop.load %t[%j] : memref<{n}xf32>
      loop.store %v, %y[%i, %j] : memref<64x{n}xf32>
    }}
    loop.free %t : memref<{n}xf32>
  }}
  loop.return
}}
"""


def lower_and_run(n: int) -> tuple[dict[str, list[str]], bool]:
    module = parse_module(ROWS.format(n=n))
    run_pipeline("loop-to-llvm", module)
    allocas = {
        op.sym_name.data: [
            inner.name for inner in op.body.walk() if isinstance(inner, llvm.AllocaOp)
        ]
        for op in module.ops
        if isinstance(op, llvm.FuncOp)
    }
    x = np.random.default_rng(0).standard_normal((64, n)).astype(np.float32)
    y = np.zeros_like(x)
    jit_function(module, "prefix")(x, y)
    return allocas, bool(np.allclose(y, np.cumsum(x, axis=1), rtol=1e-4, atol=1e-4))


def test_small_tile_is_an_alloca_in_the_outlined_task():
    allocas, correct = lower_and_run(33)
    assert correct
    # the tile lives in the function that runs the parallel loop's iterations (per thread)
    assert allocas["prefix__parallel0"] == ["llvm.alloca"]
    assert allocas["prefix"] == ["llvm.alloca"]  # only the context of the parallel call


def test_large_buffer_stays_on_the_heap():
    n = STACK_LIMIT // 4 + 16
    allocas, correct = lower_and_run(n)
    assert correct
    assert allocas["prefix__parallel0"] == []


def test_alloca_is_hoisted_to_the_entry_block():
    module = parse_module(ROWS.format(n=16))
    run_pipeline("loop-to-llvm", module)
    task = next(
        op
        for op in module.ops
        if isinstance(op, llvm.FuncOp) and op.sym_name.data == "prefix__parallel0"
    )
    entry = task.body.blocks.first
    assert entry is not None
    assert any(isinstance(op, llvm.AllocaOp) for op in entry.ops)
    assert "@free" not in str(task)
