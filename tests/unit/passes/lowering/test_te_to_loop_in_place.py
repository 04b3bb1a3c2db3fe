"""te-to-loop stores a producer in its consumer's output when the consumer reads it only
at its own point and the producer's other readers are done first (softmax's exp in Y's
row, summed, then scaled in place): the loop IR, and native code against the interpreter
on odd shapes; the cases that must keep the producer's own buffer."""

from __future__ import annotations

import pytest
from xdsl.dialects.builtin import ModuleOp

from dlir.parser import parse_module
from dlir.passes.lowering.te_to_loop.differential import check_native

# E = exp(X - 1), S[i] = sum_j E[i, j], Y = E * (1 / S): exp read by the sum and by Y
SOFTMAX = """
te.kernel @k(%X: tensor<{m}x{n}xf32>) -> tensor<{m}x{n}xf32> {{
  %E = te.compute "E" (%i: {m}, %j: {n}) {{
    %x = te.read %X[%i, %j] : tensor<{m}x{n}xf32> -> f32
    %one = arith.constant 1.0 : f32
    %d = arith.subf %x, %one : f32
    %e = math.exp %d : f32
    te.yield %e : f32
  }} : tensor<{m}x{n}xf32>
  %S = te.compute "S" (%i: {m}) reduce (%r: {n}) combiner add init 0.0 : f32 {{
    %e = te.read %E[%i, %r] : tensor<{m}x{n}xf32> -> f32
    te.yield %e : f32
  }} : tensor<{m}xf32>
  %Y = te.compute "Y" (%i: {m}, %j: {n}) {{{y_pre}
    %e = te.read %E[%i, {y_j}] : tensor<{m}x{n}xf32> -> f32
    %s = te.read %S[%i] : tensor<{m}xf32> -> f32
    %y = arith.divf %e, %s : f32
    te.yield %y : f32
  }} : tensor<{m}x{n}xf32>
  te.return %Y : tensor<{m}x{n}xf32>
}}
te.schedule @k {{
  te.compute_at "S" at "Y" "i"
  te.compute_at "E" at "Y" "i"
{extra}}}
"""


def kernel(m: int, n: int, extra: str = "", mirrored: bool = False) -> ModuleOp:
    return parse_module(text(m, n, extra, mirrored))


def text(m: int, n: int, extra: str = "", mirrored: bool = False) -> str:
    """The kernel; `mirrored`: Y reads E[i, n - 1 - j]."""
    pre = f"\n    %last = arith.constant {n - 1} : index\n    %jr = arith.subi %last, %j : index"
    y_pre, y_j = (pre, "%jr") if mirrored else ("", "%j")
    return SOFTMAX.format(m=m, n=n, y_pre=y_pre, y_j=y_j, extra=extra)


def allocs(module: ModuleOp) -> list[str]:
    return [str(op.results[0].type) for op in module.walk() if op.name == "loop.alloc"]


def loads_of_output(module: ModuleOp) -> int:
    func = next(op for op in module.walk() if op.name == "loop.func")
    output = func.regions[0].blocks[0].args[-1]
    return sum(op.name == "loop.load" and op.operands[0] is output for op in module.walk())


@pytest.mark.parametrize(("m", "n"), [(1, 1), (7, 13), (33, 5), (4, 1024)])
def test_exp_lives_in_the_output_row(m: int, n: int) -> None:
    lowered = check_native(kernel(m, n))
    # only the row sum has a buffer; E is written into Y's row, read by S and Y there
    assert allocs(lowered) == ["memref<1xf32>"]
    assert loads_of_output(lowered) == 2


def test_vectorized_row_passes_in_place() -> None:
    extra = (
        '  te.split "Y" "j" by 8 -> "jo", "ji"\n  te.vectorize "Y" "ji"\n'
        '  te.split "E" "j" by 8 -> "jo", "ji"\n  te.vectorize "E" "ji"\n'
    )
    lowered = check_native(kernel(5, 40, extra=extra), pipeline="te-to-loop,loop-vectorize")
    assert allocs(lowered) == ["memref<1xf32>"]


def test_a_shifted_read_keeps_the_buffer() -> None:
    # Y[i, j] reads E[i, n - 1 - j]: writing Y's row would overwrite what it reads later
    lowered = check_native(kernel(3, 9, mirrored=True))
    assert "memref<1x9xf32>" in allocs(lowered)
    assert loads_of_output(lowered) == 0


def test_a_producer_read_by_the_consumer_alone_keeps_its_tile() -> None:
    source = """
te.kernel @k(%A: tensor<13x8xf32>) -> tensor<13x8xf32> {
  %B = te.compute "B" (%i: 13, %j: 8) {
    %a = te.read %A[%i, %j] : tensor<13x8xf32> -> f32
    %b = arith.mulf %a, %a : f32
    te.yield %b : f32
  } : tensor<13x8xf32>
  %C = te.compute "C" (%i: 13, %j: 8) {
    %b = te.read %B[%i, %j] : tensor<13x8xf32> -> f32
    %c = arith.addf %b, %b : f32
    te.yield %c : f32
  } : tensor<13x8xf32>
  te.return %C : tensor<13x8xf32>
}
te.schedule @k {
  te.split "C" "i" by 4 -> "io", "ii"
  te.compute_at "B" at "C" "io"
}
"""
    lowered = check_native(parse_module(source))
    assert allocs(lowered) == ["memref<4x8xf32>"]


def test_a_reader_inside_the_consumer_keeps_the_buffer() -> None:
    # S computed at Y's inner loop j: it would read E after Y overwrote it
    source = text(3, 6).replace('te.compute_at "S" at "Y" "i"', 'te.compute_at "S" at "Y" "j"')
    lowered = check_native(parse_module(source))
    assert "memref<1x6xf32>" in allocs(lowered)
