"""Unification of a normalized nest with an intrinsic's normalized behavior.

A match is a bijection of loops (equal extents, the same nesting up to the reduction
loops' order) and, for each behavior buffer, a window of a real buffer:

    behavior %c[%i, %j]    nest %C[%io * 6 + %ii, %jo * 16 + %ji]    loops i -> ii, j -> ji
    ->  %c is the window of %C at [%io * 6, %jo * 16] (offset = access - behavior access,
        which may use only values from outside the nest)

and the same ops in the same trees (operands of associative ops in any order). A
mismatch says what differs and, when one exists, the split or reorder that fixes it.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence

from xdsl.dialects.builtin import MemRefType
from xdsl.ir import SSAValue
from xdsl.ir.affine import AffineExpr
from xdsl.utils.hints import isa

from dlir.passes.loop.tensorize.normalize import (
    ASSOCIATIVE,
    Compute,
    Const,
    Expr,
    Load,
    Loop,
    Nest,
    Outer,
    Stmt,
    Store,
    shape,
)
from dlir.passes.loop.tensorize.outcome import (
    Binding,
    Match,
    Mismatch,
    MoveOut,
    Reorder,
    Split,
    Suggestion,
    show_index,
)
from dlir.passes.loop.tensorize.outcome import value_name as _name
from dlir.passes.loop.tensorize.structure import compare_structure
from dlir.passes.lowering.te_to_loop.plan import simplify

__all__ = [
    "Binding",
    "Match",
    "Mismatch",
    "MoveOut",
    "Reorder",
    "Split",
    "Suggestion",
    "show_index",
    "unify",
]

_MAX_ORDERS = 5040
"""At most this many loop bijections are tried when looking for a reorder."""


def unify(
    nest: Nest, behavior: Nest, params: Sequence[SSAValue], intrinsic: str
) -> Match | Mismatch:
    """Match `nest` against `behavior` (whose buffers are `params`)."""
    loops_n, loops_b = nest.loops(), behavior.loops()
    problem = compare_structure(nest, behavior, nest.body, behavior.body, intrinsic)
    if problem is not None:
        return problem
    positional = {b.dim: n.dim for b, n in zip(loops_b, loops_n, strict=True)}
    first: Mismatch | None = None
    for sigma in _reduction_orders(loops_n, loops_b, positional):
        found = _Body(nest, behavior, params, sigma).run()
        if isinstance(found, Match):
            return found
        first = first or found
    assert first is not None
    # the body would match with the loops in another order: say which
    tried = 0
    for order in itertools.permutations(loops_n):
        tried += 1
        if tried > _MAX_ORDERS:
            break
        if any(n.extent != b.extent for n, b in zip(order, loops_b, strict=True)):
            continue
        sigma = {b.dim: n.dim for b, n in zip(loops_b, order, strict=True)}
        if sigma == positional:
            continue
        if isinstance(_Body(nest, behavior, params, sigma).run(), Match):
            spatial = [n for n, b in zip(order, loops_b, strict=True) if not b.reduction]
            current = [n for n in loops_n if not n.reduction]
            if [n.dim for n in spatial] == [n.dim for n in current]:
                continue  # only the reduction loops differ: tried above
            names = tuple(nest.names[n.dim] for n in order)
            pairs = ", ".join(
                f"{nest.names[n.dim]} <-> {behavior.names[b.dim]}"
                for n, b in zip(order, loops_b, strict=True)
            )
            return Mismatch(
                [f"the body matches {intrinsic}'s only with the loops paired as ({pairs})"],
                [Reorder(names)],
            )
    return first


def _reduction_orders(
    loops_n: list[Loop], loops_b: list[Loop], positional: dict[int, int]
) -> Iterator[dict[int, int]]:
    """The positional bijection, then those permuting the reduction loops among themselves
    (the order of a reduction does not matter, up to rounding)."""
    yield positional
    reduction_b = [b for b in loops_b if b.reduction]
    reduction_n = [positional[b.dim] for b in reduction_b]
    extents = {n.dim: n.extent for n in loops_n}
    for order in itertools.islice(itertools.permutations(reduction_n), 1, 720):
        if all(extents[n] == b.extent for n, b in zip(order, reduction_b, strict=True)):
            yield positional | {b.dim: n for b, n in zip(reduction_b, order, strict=True)}


_State = dict[int, Binding]


class _Body:
    """Unify the statements of two structurally equal nests under a loop bijection."""

    def __init__(
        self, nest: Nest, behavior: Nest, params: Sequence[SSAValue], sigma: dict[int, int]
    ) -> None:
        self.nest = nest
        self.behavior = behavior
        self.params = list(params)
        self.sigma = sigma
        self.failure: tuple[int, str] = (-1, "the bodies differ")
        moved = [AffineExpr.dimension(0)] * (max(sigma, default=-1) + 1)
        for b, n in sigma.items():
            moved[b] = AffineExpr.dimension(n)
        self.moved = moved

    def run(self) -> Match | Mismatch:
        for state in self.stmts(self.nest.body, self.behavior.body, {}):
            return Match(dict(self.sigma), state)
        return Mismatch([self.failure[1]])

    def fail(self, message: str, st: _State) -> None:
        """Record why unification failed here; the failure with the most buffers bound
        (the furthest along), and the first among those, is the one reported."""
        if len(st) > self.failure[0]:
            self.failure = (len(st), message)

    def stmts(self, ns: tuple[Stmt, ...], bs: tuple[Stmt, ...], st: _State) -> Iterator[_State]:
        if not ns:
            yield st
            return
        for after in self.stmt(ns[0], bs[0], st):
            yield from self.stmts(ns[1:], bs[1:], after)

    def stmt(self, n: Stmt, b: Stmt, st: _State) -> Iterator[_State]:
        if isinstance(n, Loop) and isinstance(b, Loop):
            yield from self.stmts(n.body, b.body, st)
        elif isinstance(n, Store) and isinstance(b, Store):
            for bound in self.access(n.buffer, n.index, b.buffer, b.index, st, "store to"):
                yield from self.expr(n.value, b.value, bound)

    def expr(self, n: Expr, b: Expr, st: _State) -> Iterator[_State]:
        if isinstance(n, Load) and isinstance(b, Load):
            yield from self.access(n.buffer, n.index, b.buffer, b.index, st, "load of")
            return
        if isinstance(n, Const) and isinstance(b, Const) and n.text == b.text:
            yield st
            return
        if isinstance(n, Compute) and isinstance(b, Compute):
            if n.name != b.name or n.properties != b.properties or n.type != b.type:
                self.fail(
                    f"the nest computes {n.name}{_props(n)} : {n.type} where the intrinsic "
                    f"computes {b.name}{_props(b)} : {b.type}",
                    st,
                )
                return
            if len(n.operands) != len(b.operands):
                self.fail(
                    f"{n.name} has {len(n.operands)} operands in the nest and "
                    f"{len(b.operands)} in the intrinsic (after flattening)",
                    st,
                )
                return
            orders = (
                itertools.permutations(n.operands) if n.name in ASSOCIATIVE else iter([n.operands])
            )
            for order in orders:
                if any(shape(x) != shape(y) for x, y in zip(order, b.operands, strict=True)):
                    continue
                yield from self.operands(order, b.operands, st)
            return
        self.fail(f"the nest has {self.show_expr(n)} where the intrinsic has {_describe(b)}", st)

    def operands(self, ns: Sequence[Expr], bs: Sequence[Expr], st: _State) -> Iterator[_State]:
        if not ns:
            yield st
            return
        for after in self.expr(ns[0], bs[0], st):
            yield from self.operands(ns[1:], bs[1:], after)

    def access(
        self,
        buffer: SSAValue,
        index: tuple[AffineExpr, ...],
        param: SSAValue,
        pattern: tuple[AffineExpr, ...],
        st: _State,
        verb: str,
    ) -> Iterator[_State]:
        p = self.params.index(param)
        wanted = tuple(simplify(e.replace_dims_and_symbols(self.moved, [])) for e in pattern)
        source, target = buffer.type, param.type
        assert isa(source, MemRefType) and isa(target, MemRefType)
        described = (
            f"{verb} {_name(buffer)}{self.show(index)} and the intrinsic's "
            f"{_name(param)}{self.show(wanted)}"
        )
        if p in st:
            binding = st[p]
            if binding.buffer is not buffer:
                self.fail(
                    f"{described}: the intrinsic's {_name(param)} is {_name(binding.buffer)} "
                    f"elsewhere in the nest",
                    st,
                )
                return
            offsets = _offsets(index, wanted, binding.kept)
            if offsets != binding.offsets:
                self.fail(f"{described}: another window of {_name(buffer)} than elsewhere", st)
                return
            yield st
            return
        if source.get_element_type() != target.get_element_type():
            self.fail(
                f"{described}: element type {source.get_element_type()} vs "
                f"{target.get_element_type()}",
                st,
            )
            return
        if source.memory_space != target.memory_space:
            self.fail(
                f"{described}: memory space {source.memory_space} vs {target.memory_space}",
                st,
            )
            return
        found = False
        for kept in _windows(source, target):
            offsets = _offsets(index, wanted, kept)
            if offsets is None:
                continue
            found = True
            yield st | {p: Binding(p, buffer, kept, offsets)}
        if not found:
            self.fail(f"{described}: {_why(source, target, index, wanted, self)}", st)

    def show(self, index: Sequence[AffineExpr]) -> str:
        return "[" + ", ".join(self.show_one(e) for e in index) + "]"

    def show_one(self, expr: AffineExpr) -> str:
        return show_index(expr, self.nest.names, [_name(v) for v in self.nest.outer])

    def show_expr(self, expr: Expr) -> str:
        if isinstance(expr, Load):
            return f"a load of {_name(expr.buffer)}{self.show(expr.index)}"
        return _describe(expr)


def _props(op: Compute) -> str:
    return f" {{{op.properties}}}" if op.properties else ""


def _describe(expr: Expr) -> str:
    match expr:
        case Load(buffer=buffer):
            return f"a load of {_name(buffer)}"
        case Const(text=text):
            return f"the constant {text}"
        case Outer(value=value):
            return f"the value {_name(value)} from outside the nest"
        case Compute(name=name):
            return f"{name}"


def _windows(source: MemRefType, target: MemRefType) -> Iterator[tuple[int, ...]]:
    """Each choice of source dims a window shaped like `target` may keep, in order:
    sizes fit and `target`'s static strides are the source's."""
    src_shape, dst_shape = source.get_shape(), target.get_shape()
    src_strides = source.get_strides() or [None] * len(src_shape)
    dst_strides = list(target.get_strides() or [None] * len(dst_shape))

    def search(d: int, e: int) -> Iterator[tuple[int, ...]]:
        if e == len(dst_shape):
            yield ()
            return
        for k in range(d, len(src_shape) - (len(dst_shape) - e) + 1):
            size = src_shape[k]
            if size >= 0 and dst_shape[e] > size:
                continue
            declared = dst_strides[e]
            if declared is not None and src_strides[k] != declared:
                continue
            for rest in search(k + 1, e + 1):
                yield (k, *rest)

    yield from search(0, 0)


def _offsets(
    index: tuple[AffineExpr, ...], wanted: tuple[AffineExpr, ...], kept: tuple[int, ...]
) -> tuple[AffineExpr, ...] | None:
    """The window's offset per source dim, when `index` is `wanted` (on the kept dims)
    plus an offset free of the nest's loops; else None."""
    offsets: list[AffineExpr] = []
    for d, e in enumerate(index):
        if d in kept:
            e = simplify(e - wanted[kept.index(d)])
        if e.used_dims():
            return None
        offsets.append(e)
    return tuple(offsets)


def _why(
    source: MemRefType,
    target: MemRefType,
    index: tuple[AffineExpr, ...],
    wanted: tuple[AffineExpr, ...],
    body: _Body,
) -> str:
    """Why no window of `source` fits: the first index that depends on the nest's loops
    otherwise than the intrinsic's, or the strides."""
    windows = list(_windows(source, target))
    if not windows:
        strides = target.get_strides()
        return (
            f"no window of {source} has the intrinsic's shape and strides "
            f"{target.get_shape()}, {list(strides) if strides else '?'}"
        )
    kept = windows[0]
    for d, e in enumerate(index):
        expected = wanted[kept.index(d)] if d in kept else AffineExpr.constant(0)
        difference = simplify(e - expected) if d in kept else e
        if difference.used_dims():
            return (
                f"index {d} differs by {body.show_one(difference)}, which uses loops of the "
                f"nest (the window's offset may use only values from outside it)"
            )
    return "the indices differ"
