"""Cases the random schedule tests found, minimised, kept as they were found: each runs
through compile-cpu's kernel passes natively and is compared with the interpreter."""

from __future__ import annotations

import pytest

from dlir.dialects.te.kernel import KernelOp
from dlir.parser import parse_module
from dlir.testing.schedules import ScheduleCase, check_case
from dlir.testing.te_kernels import RandomKernel


def check_text(text: str) -> None:
    module = parse_module(text)
    kernels = [RandomKernel(op, "regression") for op in module.ops if isinstance(op, KernelOp)]
    outcome = check_case(ScheduleCase(module, kernels))
    assert outcome.compared == len(kernels), outcome.refused


COPY = """
te.kernel @k(%A: tensor<{shape}xf32>) -> tensor<{shape}xf32> {{
  %B = te.compute "B" ({axes}) {{
    %0 = te.read %A[{indices}] : tensor<{shape}xf32> -> f32
    te.yield %0 : f32
  }} : tensor<{shape}xf32>
  te.return %B : tensor<{shape}xf32>
}}
te.schedule @k {{
  te.split "B" "{axis}" by {factor} -> "{axis}o", "{axis}i"
  te.vectorize "B" "{axis}i"
}}
"""


def copy_kernel(extents: tuple[int, ...], factor: int) -> str:
    names = ["i", "j"][: len(extents)]
    return COPY.format(
        shape="x".join(str(e) for e in extents),
        axes=", ".join(f"%{n}: {e}" for n, e in zip(names, extents, strict=True)),
        indices=", ".join(f"%{n}" for n in names),
        axis=names[-1],
        factor=factor,
    )


@pytest.mark.parametrize("extents, factor", [((1,), 2), ((5,), 8), ((3, 5), 8)])
def test_vector_wider_than_its_dimension(extents: tuple[int, ...], factor: int):
    check_text(copy_kernel(extents, factor))


@pytest.mark.parametrize("extents, factor", [((3, 5), 4), ((8,), 8), ((7,), 2)])
def test_vector_within_its_dimension(extents: tuple[int, ...], factor: int):
    check_text(copy_kernel(extents, factor))


RFACTOR_OF_A_TAIL = """
te.kernel @k(%A: tensor<8x4xi32>) -> tensor<4xi32> {
  %R = te.compute "R" (%i: 4) reduce (%k: 3) combiner add init 0 : i32 {
    %0 = te.read %A[%k, %i] : tensor<8x4xi32> -> i32
    te.yield %0 : i32
  } : tensor<4xi32>
  te.return %R : tensor<4xi32>
}
te.schedule @k {
  te.split "R" "k" by FACTOR -> "ko", "ki"
  te.rfactor "R" "ko" -> "R_rf"
  te.cache_write "R_rf" "local" -> "R_rf_local"
}
"""
# A has 8 rows where R reads 3: a loop that forgets the tail of k reads rows 3.. of A
# (real memory, known values) instead of faulting or reading garbage.


def test_cache_write_of_rfactor_keeps_the_split_tail():
    check_text(RFACTOR_OF_A_TAIL.replace("FACTOR", "5"))


def test_cache_write_of_rfactor_of_a_dividing_split():
    check_text(RFACTOR_OF_A_TAIL.replace("FACTOR", "3"))
