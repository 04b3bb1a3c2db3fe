"""Which graph ops `graph-fuse` puts in one kernel, and why the others stay apart.

    %0 = graph.matmul %x, %w ; %1 = graph.add %0, %b ; %2 = graph.relu %1 ; %3 = graph.matmul %2, %w2
    ->  groups [matmul, add, relu] [matmul]
        refusal: relu stays out of the second matmul's group [out-fusable-reader]

The rules are TVM's FuseOps. Ops are visited from last to first, so an op's users are
placed before it. A producer `p` joins the group `G` of its immediate post-dominator
`d` (`postdom.py`) when

* every op on the use paths from `p` to `d` is in `G`: then `p`'s value is consumed
  inside one kernel and computed once (a diamond whose branches all fuse collapses into
  one kernel; one whose branch goes elsewhere keeps `p` apart), and
* the categories allow it (`dlir.dialects.graph.fusion`):
  - `p` elementwise, broadcast or injective joins as prologue or chain, unless an
    out-fusable op (matmul, conv2d, ...) reads it directly: inlined, it would be
    recomputed at every reuse of that operand;
  - `p` reduction or out-fusable becomes `G`'s anchor when `G` has none and holds only
    elementwise and broadcast ops (its epilogue);
  - opaque ops (`graph.call_dps` too) never fuse; ops without a category (constants)
    are kernel inputs and are not planned.

Every producer that does not join its readers' group gets a `Refusal` naming the
reader, the rule and the op that made the rule fail; `fusion_report.py` prints them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

from xdsl.ir import Block, Operation

from dlir.dialects import graph
from dlir.dialects.graph.fusion import FusionCategory, fusion_category
from dlir.ir.verify import source_loc
from dlir.passes.graph.postdom import PostDominators

CHAIN = (FusionCategory.ELEMENTWISE, FusionCategory.BROADCAST, FusionCategory.INJECTIVE)
EPILOGUE = (FusionCategory.ELEMENTWISE, FusionCategory.BROADCAST)
ANCHORS = (FusionCategory.REDUCTION, FusionCategory.OUT_FUSABLE)


@dataclass(frozen=True)
class OpInfo:
    """What the report says about an op, taken before outlining erases it:
    `graph.sqrt`, elementwise, `fuse.mlir:96:8` (or `op #5` without a location)."""

    name: str
    category: FusionCategory | None
    loc: str

    @staticmethod
    def of(op: Operation, index: int) -> OpInfo:
        where = source_loc(op)
        return OpInfo(op.name, fusion_category(op), str(where) if where else f"op #{index}")


@dataclass(eq=False)
class Group:
    """Ops fused into one kernel, in program order; `anchor` is its reduction or
    out-fusable op, if any. `name` is set when `graph-fuse` outlines it."""

    ops: list[Operation] = field(default_factory=list[Operation])
    anchor: Operation | None = None
    name: str | None = None

    def categories(self) -> set[FusionCategory]:
        return {c for op in self.ops if (c := fusion_category(op)) is not None}


class Rule(Enum):
    """Why a producer stays out of its readers' group (the report's `[tag]`)."""

    OPAQUE = "opaque"  # the producer never fuses
    OPAQUE_READER = "opaque-reader"  # a reader never fuses
    RETURNED = "returned"  # the value leaves the function as well
    DIAMOND = "diamond"  # a path to the post-dominator leaves its group
    SHARED = "shared"  # readers in several groups that meet only at the end or an opaque op
    OUT_FUSABLE_READER = "out-fusable-reader"  # inlined, it would be recomputed per reuse
    # an anchor into a group that is not a pure epilogue: `reduction-after-injective`
    AFTER = "after"


@dataclass(frozen=True)
class Refusal:
    """`producer` did not join the group of `reader`, by `rule`; `culprit` is the op that
    made the rule fail (the other branch of a diamond, the group's anchor, ...)."""

    producer: OpInfo
    reader: OpInfo
    reader_group: Group | None
    rule: Rule
    culprit: OpInfo | None = None
    culprit_group: Group | None = None

    @property
    def tag(self) -> str:
        if self.rule is not Rule.AFTER:
            return self.rule.value
        assert self.producer.category is not None and self.culprit is not None
        after = self.culprit.category
        return f"{self.producer.category}-after-{after}".replace("_", "-")


@dataclass
class FusionPlan:
    """Every op with a category in exactly one group (program order), and the refusals."""

    groups: list[Group]
    refusals: list[Refusal]
    info: dict[Operation, OpInfo]

    def fused(self) -> list[Group]:
        """The groups of more than one op: the kernels `graph-fuse` outlines."""
        return [g for g in self.groups if len(g.ops) > 1]


def plan_fusion(func: graph.FuncOp) -> FusionPlan:
    """Group `func`'s ops by the rules above and record why the others stay apart."""
    return _Planner(func.body.block).plan()


def fusion_groups(func: graph.FuncOp) -> list[list[Operation]]:
    """The groups of `func`'s ops with more than one op, each in program order.

    %0 = matmul ; %1 = add %0, %b ; %2 = relu %1 ; %3 = matmul %2, %w2
    ->  [[matmul, add, relu]]   (relu feeds the next matmul's operand directly)
    """
    return [g.ops for g in plan_fusion(func).fused()]


class _Planner:
    def __init__(self, block: Block) -> None:
        self.block = block
        self.postdom = PostDominators(block)
        self.position = {op: i for i, op in enumerate(block.ops)}
        self.info = {op: OpInfo.of(op, i) for op, i in self.position.items()}
        self.group_of: dict[Operation, Group] = {}
        self.refusals: list[Refusal] = []

    def plan(self) -> FusionPlan:
        groups: list[Group] = []
        for op in reversed(list(self.block.ops)):
            category = fusion_category(op)
            if category is None:
                continue
            target = self._target(op, category)
            if target is not None:
                target.ops.insert(0, op)
                if category in ANCHORS:
                    target.anchor = op
                self.group_of[op] = target
                continue
            group = Group([op], op if category in ANCHORS else None)
            groups.append(group)
            if category != FusionCategory.OPAQUE:  # nothing may join an opaque op
                self.group_of[op] = group
        groups.reverse()
        self.refusals.reverse()
        return FusionPlan(groups, self.refusals, self.info)

    def _refuse(
        self, op: Operation, reader: Operation, rule: Rule, culprit: Operation | None = None
    ) -> None:
        self.refusals.append(
            Refusal(
                self.info[op],
                self.info[reader],
                self.group_of.get(reader),
                rule,
                self.info[culprit] if culprit is not None else None,
                self.group_of.get(culprit) if culprit is not None else None,
            )
        )

    def _target(self, op: Operation, category: FusionCategory) -> Group | None:
        """The group `op` joins, or None (after recording why, if it has readers)."""
        users = sorted(self.postdom.users(op), key=self.position.__getitem__)
        if not users or all(isinstance(u, graph.ReturnOp) for u in users):
            return None  # nothing to fuse into: it ends the function
        readers = [u for u in users if not isinstance(u, graph.ReturnOp)]
        if category == FusionCategory.OPAQUE:
            self._refuse(op, readers[0], Rule.OPAQUE)
            return None
        dom = self.postdom.immediate(op)
        if dom is None or dom not in self.group_of:  # None: EXIT
            # The readers meet only at the function's end (or at an opaque op).
            opaque = [u for u in readers if u not in self.group_of]
            if len(readers) < len(users):
                self._refuse(op, readers[0], Rule.RETURNED)
            elif opaque:
                self._refuse(op, opaque[0], Rule.OPAQUE_READER)
            else:
                first = self.group_of[readers[0]]
                other = next((u for u in readers if self.group_of[u] is not first), readers[-1])
                self._refuse(op, readers[0], Rule.SHARED, other)
            return None
        target = self.group_of[dom]
        outside = [o for o in self.postdom.path_ops(op) if self.group_of.get(o) is not target]
        if outside:
            first = min(outside, key=self.position.__getitem__)
            if first not in self.group_of:
                self._refuse(op, first, Rule.OPAQUE_READER)
            else:
                self._refuse(op, dom, Rule.DIAMOND, first)
            return None
        if category in CHAIN:
            direct = [u for u in users if fusion_category(u) == FusionCategory.OUT_FUSABLE]
            if direct:
                self._refuse(op, direct[0], Rule.OUT_FUSABLE_READER)
                return None
            return target
        # a reduction or out-fusable op: the anchor of a group of epilogue ops only
        culprit = target.anchor or next(
            (o for o in target.ops if fusion_category(o) not in EPILOGUE), None
        )
        if culprit is not None:
            self._refuse(op, readers[0], Rule.AFTER, culprit)
            return None
        return target
