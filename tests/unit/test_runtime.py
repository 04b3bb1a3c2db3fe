"""`dlir.compile` and `dlir.runtime.load`: native entry points on numpy arrays.

Entries and their lookup, outputs allocated by the runtime, input checks, constants
(inline and a 1 MB blob as LLVM constant data), no memory growth over 10^4 calls, and
modules lowered beforehand.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from numpy.typing import NDArray
from xdsl.dialects import arith, llvm
from xdsl.dialects.builtin import DenseResourceAttr, ModuleOp, TensorType, i32
from xdsl.ir import Attribute, SSAValue
from xdsl.utils.hints import isa

import dlir
from dlir.backends.llvm.callable import ArgumentError
from dlir.backends.llvm.jit import JitError
from dlir.dialects import graph
from dlir.dialects.te.builder import KernelBuilder, StageBody
from dlir.ir import IRModule
from dlir.ir.diagnostics import DiagnosticError
from dlir.parser import parse_module, print_module
from dlir.passes import PIPELINES, run_pipeline
from dlir.runtime import Program, load

LOWER = "graph-to-loop,loop-to-llvm"
EXAMPLES = Path(__file__).parents[2] / "examples"

KERNELS = """
loop.func @axpb(%a: memref<3x5xf32>, %b: memref<3x5xf32>, %c: memref<3x5xf32>) attributes {num_outputs = 1 : i64} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c3 = arith.constant 3 : index
  %c5 = arith.constant 5 : index
  %two = arith.constant 2.0 : f32
  loop.for %i = %c0 to %c3 step %c1 {
    loop.for %j = %c0 to %c5 step %c1 {
      %x = loop.load %a[%i, %j] : memref<3x5xf32>
      %y = loop.load %b[%i, %j] : memref<3x5xf32>
      %s = arith.mulf %x, %two : f32
      %r = arith.addf %s, %y : f32
      loop.store %r, %c[%i, %j] : memref<3x5xf32>
    }
  }
  loop.return
}
loop.func @rowsum(%a: memref<3x5xf32>, %c: memref<3xf32>) attributes {num_outputs = 1 : i64} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c3 = arith.constant 3 : index
  %c5 = arith.constant 5 : index
  %zero = arith.constant 0.0 : f32
  loop.for %i = %c0 to %c3 step %c1 {
    loop.store %zero, %c[%i] : memref<3xf32>
    loop.for %j = %c0 to %c5 step %c1 {
      %x = loop.load %a[%i, %j] : memref<3x5xf32>
      %acc = loop.load %c[%i] : memref<3xf32>
      %r = arith.addf %acc, %x : f32
      loop.store %r, %c[%i] : memref<3xf32>
    }
  }
  loop.return
}
"""

GRAPH = (
    KERNELS
    + """
graph.func @net(%x: tensor<3x5xf32>, %y: tensor<3x5xf32>) -> (tensor<3xf32>, tensor<3x5xf32>) {
  %b = graph.constant dense<[[0.5, 1.0, 1.5, 2.0, 2.5], [0.0, 0.0, 0.0, 0.0, 1.0], [-1.0, -2.0, -3.0, -4.0, -5.0]]> : tensor<3x5xf32>
  %h = graph.call_dps @axpb(%x, %y) : (tensor<3x5xf32>, tensor<3x5xf32>) -> tensor<3x5xf32>
  %g = graph.call_dps @axpb(%h, %b) : (tensor<3x5xf32>, tensor<3x5xf32>) -> tensor<3x5xf32>
  %s = graph.call_dps @rowsum(%g) : (tensor<3x5xf32>) -> tensor<3xf32>
  graph.return %s, %g : tensor<3xf32>, tensor<3x5xf32>
}
graph.func @same(%x: tensor<3x5xf32>) -> tensor<3x5xf32> {
  graph.return %x : tensor<3x5xf32>
}
"""
)
BIAS = np.array(
    [[0.5, 1.0, 1.5, 2.0, 2.5], [0, 0, 0, 0, 1], [-1, -2, -3, -4, -5]], dtype=np.float32
)

Array = NDArray[Any]


def net(x: Array, y: Array) -> tuple[Array, Array]:
    g = 2 * (2 * x + y) + BIAS
    return g.sum(axis=1), g


@pytest.fixture(scope="module")
def program() -> Program:
    return dlir.compile(GRAPH, LOWER)


def inputs(seed: int = 0) -> tuple[Array, Array]:
    rng = np.random.default_rng(seed)
    return rng.standard_normal((3, 5), dtype=np.float32), rng.standard_normal(
        (3, 5), dtype=np.float32
    )


def test_entries_are_the_functions_of_the_input(program: Program):
    assert program.entries == ("axpb", "rowsum", "net", "same")
    assert program["net"] is program.net
    with pytest.raises(
        KeyError, match=r"no entry @nope in the program \(entries: @axpb, @rowsum, @net, @same\)"
    ):
        program["nope"]
    with pytest.raises(AttributeError, match="no entry @nope"):
        _ = program.nope


def test_outputs_are_allocated_and_returned(program: Program):
    x, y = inputs()
    s, g = program.net(x, y)
    want_s, want_g = net(x, y)
    np.testing.assert_allclose(g, want_g, rtol=1e-6)
    np.testing.assert_allclose(s, want_s, rtol=1e-5)
    # fresh arrays every call, never the inputs
    s2, g2 = program.net(x, y)
    assert g2 is not g and not np.shares_memory(g2, g) and not np.shares_memory(g2, x)
    np.testing.assert_array_equal(s, s2)


def test_kernels_and_a_returned_input_are_entries_too(program: Program):
    x, y = inputs(1)
    np.testing.assert_allclose(program.axpb(x, y), 2 * x + y, rtol=1e-6)
    np.testing.assert_allclose(program.rowsum(x), x.sum(axis=1), rtol=1e-5)
    same = program.same(x)
    assert isinstance(same, np.ndarray) and not np.shares_memory(same, x)
    np.testing.assert_array_equal(same, x)


def test_inputs_are_checked_with_clear_messages(program: Program):
    x, y = inputs()
    with pytest.raises(
        ArgumentError, match=re.escape("@net takes 2 inputs (float32[3x5], float32[3x5]), got 1")
    ):
        program.net(x)
    with pytest.raises(ArgumentError, match="@net argument 1: expected dtype float32, got float64"):
        program.net(x, y.astype(np.float64))
    with pytest.raises(
        ArgumentError, match=re.escape("@net argument 0: expected shape float32[3x5], got (5, 3)")
    ):
        program.net(x.T.copy(), y)
    with pytest.raises(ArgumentError, match="@net argument 0: expected a numpy array float32"):
        program.net(x.tolist(), y)


def test_non_contiguous_and_read_only_inputs_are_accepted(program: Program):
    x, y = inputs(2)
    wide = np.zeros((3, 10), dtype=np.float32)
    wide[:, ::2] = x
    view = wide[:, ::2]
    assert not view.flags.c_contiguous
    y.flags.writeable = False
    s, g = program.net(view, y)
    want_s, want_g = net(x, y)
    np.testing.assert_allclose(g, want_g, rtol=1e-6)
    np.testing.assert_allclose(s, want_s, rtol=1e-5)


def test_a_te_kernel_given_directly_is_an_entry():
    text = """
te.kernel @scaled_sum(%a: tensor<7x13xf32>, %b: tensor<7x13xf32>) -> tensor<7x13xf32> {
  %c = te.compute "C" (%i: 7, %j: 13) {
    %x = te.read %a[%i, %j] : tensor<7x13xf32> -> f32
    %y = te.read %b[%i, %j] : tensor<7x13xf32> -> f32
    %two = arith.constant 2.0 : f32
    %s = arith.mulf %x, %two : f32
    %r = arith.addf %s, %y : f32
    te.yield %r : f32
  } : tensor<7x13xf32>
  te.return %c : tensor<7x13xf32>
}
"""
    program = dlir.compile(text)
    entry = program.scaled_sum
    assert (
        repr(entry) == "<dlir entry @scaled_sum (float32[7x13], float32[7x13]) -> (float32[7x13])>"
    )
    rng = np.random.default_rng(9)
    a, b = (rng.standard_normal((7, 13), dtype=np.float32) for _ in range(2))
    np.testing.assert_allclose(entry(a, b), 2 * a + b, rtol=1e-6)


def test_compile_leaves_its_input_module_alone():
    module = parse_module(GRAPH)
    before = print_module(module)
    program = dlir.compile(module, LOWER)
    assert print_module(module) == before
    x, y = inputs(3)
    np.testing.assert_allclose(program.net(x, y)[1], net(x, y)[1], rtol=1e-6)
    wrapped = dlir.compile(IRModule(module), LOWER)
    assert print_module(module) == before
    np.testing.assert_allclose(wrapped.net(x, y)[1], net(x, y)[1], rtol=1e-6)


def test_ir_and_assembly_are_there_to_inspect(program: Program):
    assert "define void @net(" in program.llvm_ir
    assert "net:" in program.asm


def add_kernel(n: int) -> str:
    """loop.func @add: c = a + b over n x n floats."""
    m = f"memref<{n}x{n}xf32>"
    return f"""
loop.func @add(%a: {m}, %b: {m}, %c: {m}) attributes {{num_outputs = 1 : i64}} {{
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %cn = arith.constant {n} : index
  loop.for %i = %c0 to %cn step %c1 {{
    loop.for %j = %c0 to %cn step %c1 {{
      %x = loop.load %a[%i, %j] : {m}
      %y = loop.load %b[%i, %j] : {m}
      %r = arith.addf %x, %y : f32
      loop.store %r, %c[%i, %j] : {m}
    }}
  }}
  loop.return
}}
"""


def blob_module(weights: Array) -> str:
    """@add_w(x) = x + W, with W a `dense_resource` blob in the module's resource section."""
    hex_data = "0x04000000" + weights.tobytes().hex().upper()
    n = weights.shape[0]
    t = f"tensor<{n}x{n}xf32>"
    return (
        add_kernel(n)
        + f"""
graph.func @add_w(%x: {t}) -> {t} {{
  %w = graph.constant dense_resource<big_weight> : {t}
  %y = graph.call_dps @add(%x, %w) : ({t}, {t}) -> {t}
  graph.return %y : {t}
}}
{{-#
  dialect_resources: {{
    builtin: {{
      big_weight: "{hex_data}"
    }}
  }}
#-}}
"""
    )


def test_a_one_megabyte_weight_is_constant_data_not_stores():
    rng = np.random.default_rng(4)
    weights = rng.standard_normal((512, 512), dtype=np.float32)
    module = parse_module(blob_module(weights))
    run_pipeline(LOWER, module)
    (weight,) = [op for op in module.ops if isinstance(op, llvm.GlobalOp)]
    assert isinstance(weight.value, DenseResourceAttr) and weight.constant is not None
    host = next(
        op for op in module.ops if isinstance(op, llvm.FuncOp) and op.sym_name.data == "add_w"
    )
    # The host function only takes the global's address: no element-by-element init.
    assert not any(isinstance(op, llvm.StoreOp) for op in host.walk())
    assert any(isinstance(op, llvm.AddressOfOp) for op in host.walk())
    program = load(module, ["add_w"])
    # The JIT binds the bytes from memory (`add_symbol`); the IR only declares them.
    pattern = r"^@__constant_0\.dlir\.\d+ = external (local_unnamed_addr )?constant \[1048576 x i8\], align 64$"
    assert re.search(pattern, program.llvm_ir, re.MULTILINE)
    (bound,) = program.compiled.constants.values()
    assert bound.ctypes.data % 64 == 0 and bound.tobytes() == weights.tobytes()
    x = rng.standard_normal((512, 512), dtype=np.float32)
    np.testing.assert_array_equal(program.add_w(x), x + weights)


def test_a_zero_constant_is_a_zeroinitializer():
    text = (
        KERNELS
        + """
graph.func @plus_zero(%x: tensor<3x5xf32>) -> tensor<3x5xf32> {
  %z = graph.constant dense<0.0> : tensor<3x5xf32>
  %y = graph.call_dps @axpb(%x, %z) : (tensor<3x5xf32>, tensor<3x5xf32>) -> tensor<3x5xf32>
  graph.return %y : tensor<3x5xf32>
}
"""
    )
    program = dlir.compile(text, LOWER)
    x, _ = inputs(5)
    np.testing.assert_allclose(program.plus_zero(x), 2 * x, rtol=1e-6)


def resident_bytes() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * 4096


def test_ten_thousand_calls_do_not_grow_memory():
    # 16 KB of workspace and 16 KB of output per call: a leak of either would be 160 MB.
    t = "tensor<64x64xf32>"
    program = dlir.compile(
        add_kernel(64)
        + f"""
graph.func @twice(%x: {t}) -> {t} {{
  %h = graph.call_dps @add(%x, %x) : ({t}, {t}) -> {t}
  %y = graph.call_dps @add(%h, %h) : ({t}, {t}) -> {t}
  graph.return %y : {t}
}}
""",
        LOWER,
    )
    x = np.ones((64, 64), dtype=np.float32)
    for _ in range(500):  # warm up allocator pools and caches
        program.twice(x)
    before = resident_bytes()
    for _ in range(10_000):
        program.twice(x)
    assert resident_bytes() - before < 4 * 2**20
    np.testing.assert_array_equal(program.twice(x), 4 * x)


def test_load_runs_a_module_lowered_beforehand():
    module = parse_module(GRAPH)
    run_pipeline(LOWER, module)
    x, y = inputs(7)
    loaded = load(module, entries=["net"])
    assert loaded.entries == ("net",)
    np.testing.assert_allclose(loaded.net(x, y)[0], net(x, y)[0], rtol=1e-5)
    assert load(module).entries == ("axpb", "rowsum", "net", "same")
    with pytest.raises(JitError, match=r"no llvm.func @nope with a body to load \(defined: @axpb"):
        load(module, entries=["nope"])


def test_compile_cpu_is_the_default_pipeline():
    assert PIPELINES["compile-cpu"][0] == (
        "graph-fold-empty,graph-fold-batch-norm,graph-alter-layout,graph-fuse,graph-to-te,"
        "te-auto-schedule,te-to-loop,loop-tensorize,loop-unroll,loop-vectorize,graph-to-loop,"
        "loop-to-llvm"
    )


@pytest.mark.parametrize(("example", "entry"), [("mlp.mlir", "mlp"), ("cnn.mlir", "cnn")])
def test_examples_compile_like_the_interpreter(example: str, entry: str):
    text = (EXAMPLES / example).read_text()
    func = IRModule.parse(text)[entry]
    assert isinstance(func, graph.FuncOp)
    rng = np.random.default_rng(8)
    args: list[Array] = []
    for arg in func.body.block.args:
        assert isa(arg.type, TensorType[Attribute])
        shape = arg.type.get_shape()
        # batch-norm variances (%v1, %v2 of the cnn) must be positive
        values = (
            rng.uniform(0.5, 2.0, shape)
            if arg.name_hint in ("v1", "v2")
            else rng.standard_normal(shape)
        )
        args.append(values.astype(np.float32))
    program = dlir.compile(text)
    assert program.entries == (entry,)
    want = dlir.interpret(IRModule.parse(text), entry, *args)
    got = program[entry](*args)
    assert isinstance(got, np.ndarray) and isinstance(want, np.ndarray)
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)


def test_compile_verifies_its_input():
    kb = KernelBuilder("k", [("A", TensorType(i32, [4]))])

    def remainder(body: StageBody, i: SSAValue) -> SSAValue:
        # arith.remui is not Pure in xDSL: te.compute's verifier rejects it
        return body.insert(arith.RemUIOp(body.read(kb["A"], i), body.read(kb["A"], i))).result

    module = ModuleOp([kb.finish(kb.compute("B", [("i", 4)], remainder))])
    with pytest.raises(DiagnosticError, match="side effect"):
        dlir.compile(module)
