"""Post-dominators of a dataflow block: which op every use of a value must go through.

An op `d` post-dominates an op `p` when every path of uses from `p` to the end of the
function passes through `d`. In a diamond

    %a = graph.exp %x        ipdom(%a) = %d   (both paths from %a meet there)
    %b = graph.relu %a       ipdom(%b) = %d
    %c = graph.tanh %a       ipdom(%c) = %d
    %d = graph.add %b, %c    ipdom(%d) = graph.return
    graph.return %d          ipdom(return) = EXIT (None)

`graph-fuse` asks it, as TVM's FuseOps does, whether a producer can join the group of
its immediate post-dominator: only if every op on the paths between them is in that
group, so the producer's value is consumed inside one kernel and never computed twice.
"""

from __future__ import annotations

from collections.abc import Iterator

from xdsl.ir import Block, Operation

EXIT: None = None
"""The virtual end of the function, which post-dominates every op."""


class PostDominators:
    """The immediate post-dominator of every op of `block` (its uses as edges).

    Uses inside nested regions count as uses by the op of `block` holding them. The
    block's ops are in program order, so each op's users come after it: one backward
    sweep, meeting the users' chains in the post-dominator tree, is enough (Cooper,
    Harvey and Kennedy's algorithm on a DAG).
    """

    def __init__(self, block: Block) -> None:
        self.block = block
        self._ipdom: dict[Operation, Operation | None] = {}
        self._depth: dict[Operation, int] = {}
        for op in reversed(list(block.ops)):
            dom: Operation | None = EXIT
            for index, user in enumerate(self.users(op)):
                dom = user if index == 0 else self._meet(dom, user)
            self._ipdom[op] = dom
            self._depth[op] = 1 if dom is None else self._depth[dom] + 1

    def users(self, op: Operation) -> Iterator[Operation]:
        """The ops of the block that use `op`'s results, each once, in no fixed order."""
        seen: set[Operation] = set()
        for result in op.results:
            for use in result.uses:
                user = self.block.find_ancestor_op_in_block(use.operation)
                if user is not None and user not in seen:
                    seen.add(user)
                    yield user

    def immediate(self, op: Operation) -> Operation | None:
        """The closest op that post-dominates `op` (not `op` itself), or EXIT."""
        return self._ipdom[op]

    def dominates(self, dom: Operation, op: Operation) -> bool:
        """Whether `dom` post-dominates `op` (an op post-dominates itself)."""
        current: Operation | None = op
        while current is not None and current is not dom:
            current = self._ipdom[current]
        return current is dom

    def path_ops(self, op: Operation) -> Iterator[Operation]:
        """The ops on the use paths from `op` to its immediate post-dominator (excluded),
        nearest first; all of them when the post-dominator is EXIT."""
        stop = self._ipdom[op]
        seen: set[Operation] = set()
        frontier = list(self.users(op))
        while frontier:
            current = frontier.pop(0)
            if current is stop or current in seen:
                continue
            seen.add(current)
            yield current
            frontier.extend(self.users(current))

    def _meet(self, a: Operation | None, b: Operation | None) -> Operation | None:
        """The nearest common post-dominator of `a` and `b` (walking up the deeper one)."""
        while a is not b:
            if a is None or b is None:
                return EXIT
            if self._depth[a] >= self._depth[b]:
                a = self._ipdom[a]
            else:
                b = self._ipdom[b]
        return a
