"""te-to-loop on an rfactor of a split that does not divide its axis: the rfactor stage,
its cache_write copy and that copy computed at a loop of the stage keep the tail bound
(`ko * F + ki < K`), and the points of an rfactor stage past the reduction hold the
combiner's identity; run natively against the interpreter.

A has more rows than the reduction reads: a loop that forgets the tail sums real rows
past the reduction (known values) and the results differ.
"""

from __future__ import annotations

import numpy as np
import pytest
from xdsl.dialects.builtin import ModuleOp

from dlir.dialects.loop import AllocOp
from dlir.parser import parse_module
from dlir.passes.lowering.te_to_loop import differential

pytestmark = [
    pytest.mark.filterwarnings("ignore::dlir.dialects.te.model.ScheduleWarning"),
    pytest.mark.filterwarnings("ignore::dlir.passes.manager.PassWarning"),
]

INITS = {
    ("add", "i32"): "0",
    ("mul", "i32"): "1",
    ("max", "i32"): "-2147483648",
    ("add", "f32"): "0.0",
    ("mul", "f32"): "1.0",
    ("max", "f32"): "0xFF800000",
}
ROWS, COLS, EXTRA = 3, 13, 9


def reduction(k: int, combiner: str, element: str, schedule: str) -> str:
    """R[i] = combiner over k of A[k, i], A having EXTRA rows past k."""
    a = f"tensor<{k + EXTRA}x{ROWS}x{element}>"
    return f"""
te.kernel @r(%A: {a}) -> tensor<{ROWS}x{element}> {{
  %R = te.compute "R" (%i: {ROWS}) reduce (%k: {k}) combiner {combiner} init {INITS[combiner, element]} : {element} {{
    %0 = te.read %A[%k, %i] : {a} -> {element}
    te.yield %0 : {element}
  }} : tensor<{ROWS}x{element}>
  te.return %R : tensor<{ROWS}x{element}>
}}
te.schedule @r {{
{schedule}
}}
"""


def inputs(k: int, element: str) -> list[np.ndarray]:
    """Small values (products of 13 stay exact in i32 and f32), and large ones past k."""
    rng = np.random.default_rng(k)
    dtype = np.int32 if element == "i32" else np.float32
    a = rng.integers(-2, 3, size=(k + EXTRA, ROWS)).astype(dtype)
    a[k:] = 1000
    return [a]


def check(text: str, k: int, element: str) -> ModuleOp:
    return differential.check_native(parse_module(text), inputs(k, element), "te-to-loop")


SCHEDULES = {
    "rfactor-outer-cached": """
  te.split "R" "k" by F -> "ko", "ki"
  te.rfactor "R" "ko" -> "R_rf"
  te.cache_write "R_rf" "local" -> "R_rf_local"
""",
    "rfactor-inner-cached": """
  te.split "R" "k" by F -> "ko", "ki"
  te.rfactor "R" "ki" -> "R_rf"
  te.cache_write "R_rf" "local" -> "R_rf_local"
""",
    "rfactor-outer-cached-at": """
  te.split "R" "k" by F -> "ko", "ki"
  te.rfactor "R" "ko" -> "R_rf"
  te.cache_write "R_rf" "local" -> "R_rf_local"
  te.compute_at "R_rf_local" at "R_rf" "ko"
""",
    "rfactor-outer-cached-split": """
  te.split "R" "k" by F -> "ko", "ki"
  te.rfactor "R" "ko" -> "R_rf"
  te.cache_write "R_rf" "local" -> "R_rf_local"
  te.split "R_rf_local" "ki" by 2 -> "kio", "kii"
""",
    # the fused loop f covers K..ceil(K / F) * F - 1 too: R_rf's points there hold the
    # identity (R reduces over all of them)
    "rfactor-fused": """
  te.split "R" "k" by F -> "ko", "ki"
  te.fuse "R" ("ko", "ki") -> "f"
  te.rfactor "R" "f" -> "R_rf"
""",
    "rfactor-fused-cached-at": """
  te.split "R" "k" by F -> "ko", "ki"
  te.fuse "R" ("ko", "ki") -> "f"
  te.rfactor "R" "f" -> "R_rf"
  te.cache_write "R_rf" "local" -> "R_rf_local"
  te.compute_at "R_rf_local" at "R_rf" "i"
""",
}


@pytest.mark.parametrize("schedule", sorted(SCHEDULES))
@pytest.mark.parametrize("combiner", ["add", "mul", "max"])
@pytest.mark.parametrize("element", ["i32", "f32"])
@pytest.mark.parametrize("k, factor", [(7, 5), (13, 4), (1, 2)])
def test_rfactor_tail_native_matches_interpreter(
    schedule: str, combiner: str, element: str, k: int, factor: int
):
    text = reduction(k, combiner, element, SCHEDULES[schedule].replace("F", str(factor)))
    check(text, k, element)


def test_cache_of_rfactor_is_a_local_buffer_with_the_tail_bound():
    text = reduction(7, "add", "i32", SCHEDULES["rfactor-outer-cached"].replace("F", "5"))
    lowered = check(text, 7, "i32")
    scopes = [op.scope.data for op in lowered.walk() if isinstance(op, AllocOp)]
    assert "local" in scopes
    # the loop over ki is capped: min(5, 7 - ko * 5)
    assert "loop.min" in str(lowered)


def test_rfactor_of_an_rfactor_stage_keeps_its_tail():
    # R_rf inherits ko * 4 + kio * 3 + kii < 11; R_rf2 (and its cache) must keep it
    schedule = """
  te.split "R" "k" by 4 -> "ko", "ki"
  te.split "R" "ki" by 3 -> "kio", "kii"
  te.rfactor "R" "ko" -> "R_rf"
  te.rfactor "R_rf" "kio" -> "R_rf2"
  te.cache_write "R_rf2" "local" -> "R_rf2_local"
"""
    check(reduction(11, "add", "i32", schedule), 11, "i32")
