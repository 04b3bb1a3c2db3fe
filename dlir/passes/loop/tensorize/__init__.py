"""`loop-tensorize`: match loop nests against hardware intrinsics' behaviors and replace
them with `hw.call`s, or explain why they do not match.

normalize.py   both sides in one form (unit loops pruned, indices simplified, fma split,
               associative chains flattened, reduction loops innermost)
structure.py   loop counts, extents and order compared first, with split/reorder fixes
unify.py       the loop bijection, buffer windows and op trees
outcome.py     Match / Mismatch (differences, fixes) and how indices print
explain.py     side-by-side nests, differences, fixes; how a match unified
pass_.py       the pass: tagged loops (`tensorize = @intr`) or a search (`intrinsic=`)
"""

from __future__ import annotations

from dlir.passes.loop.tensorize.pass_ import TENSORIZE_ATTR, LoopTensorizePass

__all__ = ["TENSORIZE_ATTR", "LoopTensorizePass"]
