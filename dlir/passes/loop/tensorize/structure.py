"""The shapes of two normalized nests compared before their bodies: the number of
statements, the loops of each band, paired by their role in the store (which stored
dim they index, with which coefficient; reduction loops by how loads use them), their
extents and order. A difference comes with its fix: split a loop whose extent is a
multiple of the intrinsic's, reorder loops paired out of order, move a loop that has
no counterpart outside the loop tensorized.

    nest      for ji in 0..16 / for ii in 0..6 / for ki in 0..8 (reduction)
    behavior  for i in 0..6 / for j in 0..16 / for k in 0..4 (reduction)
    ->  split %ki by 4; reorder the loops as (%ii, %ji, %ki)
"""

from __future__ import annotations

from collections.abc import Sequence

from xdsl.ir.affine import AffineExpr

from dlir.passes.loop.tensorize.normalize import (
    Compute,
    Const,
    Expr,
    Load,
    Loop,
    Nest,
    Stmt,
    Store,
    is_reduction,
)
from dlir.passes.loop.tensorize.outcome import (
    Mismatch,
    MoveOut,
    Reorder,
    Split,
    Suggestion,
)
from dlir.passes.loop.tensorize.outcome import value_name as _name
from dlir.passes.lowering.te_to_loop.plan import linear_in


def compare_structure(
    nest: Nest,
    behavior: Nest,
    ns: tuple[Stmt, ...],
    bs: tuple[Stmt, ...],
    intrinsic: str,
) -> Mismatch | None:
    band_n, rest_n = _band(ns)
    band_b, rest_b = _band(bs)
    init = _initializes(nest, behavior, rest_n, rest_b, intrinsic)
    if init is not None:
        return init
    accumulation = _accumulation(rest_n, rest_b, intrinsic)
    if accumulation is not None:
        return accumulation
    if band_n or band_b:
        roles = _roles(band_n, rest_n), _roles(band_b, rest_b)
        problem = (
            _compare_roles(nest, behavior, band_n, band_b, roles, intrinsic)
            if None not in roles
            else _compare_bands(nest, behavior, band_n, band_b, intrinsic)
        )
        if problem is not None:
            return problem
    if len(rest_n) != len(rest_b):
        where = f"in loop {nest.names[band_n[-1].dim]}" if band_n else "at the top of the nest"
        return Mismatch(
            [
                f"{len(rest_n)} statements {where} where {intrinsic} has {len(rest_b)} "
                f"({_kinds(rest_n)} vs {_kinds(rest_b)})"
            ]
        )
    for n, b in zip(rest_n, rest_b, strict=True):
        if isinstance(n, Loop) != isinstance(b, Loop):
            return Mismatch([f"a {_kinds((n,))} where {intrinsic} has a {_kinds((b,))}"])
        if isinstance(n, Loop) and isinstance(b, Loop):
            problem = compare_structure(nest, behavior, (n,), (b,), intrinsic)
            if problem is not None:
                return problem
    return None


def _initializes(
    nest: Nest,
    behavior: Nest,
    rest_n: tuple[Stmt, ...],
    rest_b: tuple[Stmt, ...],
    intrinsic: str,
) -> Mismatch | None:
    """The nest sets its accumulator (a store of a constant) and then reduces into it,
    where the intrinsic only accumulates: its reduction loop belongs outside."""
    if len(rest_n) != 2 or len(rest_b) >= 2:
        return None
    init, loop = rest_n
    if not (isinstance(init, Store) and isinstance(init.value, Const) and isinstance(loop, Loop)):
        return None
    reductions_b = [b for b in behavior.loops() if b.reduction]
    name = nest.names[loop.dim]
    root = nest.names[0]
    message = (
        f"the nest initializes {_name(init.buffer)} to {init.value.text} before reducing into "
        f"it (loop {name}: {loop.extent}), {intrinsic} only accumulates: the reduction must "
        f"start outside {root} (the loop tensorized)"
    )
    if len(reductions_b) == 1 and loop.extent == reductions_b[0].extent:
        return Mismatch([f"{message}: move {name} outside {root}"], [MoveOut(name)])
    if len(reductions_b) == 1 and loop.extent % reductions_b[0].extent == 0:
        factor = reductions_b[0].extent
        outer = f"{name}o" if loop.extent > factor else name
        return Mismatch(
            [f"{message}: split {name} by {factor} and move the outer loop outside {root}"],
            [Split(name, factor), MoveOut(outer)],
        )
    return Mismatch([message])


def _accumulation(
    rest_n: tuple[Stmt, ...], rest_b: tuple[Stmt, ...], intrinsic: str
) -> Mismatch | None:
    """One side accumulates into the element it stores (`X[f] = X[f] + ...`), the other
    does not."""
    if len(rest_n) != 1 or len(rest_b) != 1:
        return None
    n, b = rest_n[0], rest_b[0]
    if not (isinstance(n, Store) and isinstance(b, Store)) or is_reduction(n) == is_reduction(b):
        return None
    if is_reduction(b):
        return Mismatch(
            [
                f"{intrinsic} accumulates into the element of {_name(b.buffer)} it stores; the "
                f"nest's store to {_name(n.buffer)} does not read that element of {_name(n.buffer)}"
            ]
        )
    return Mismatch(
        [
            f"the nest accumulates into the element of {_name(n.buffer)} it stores; "
            f"{intrinsic}'s store to {_name(b.buffer)} does not"
        ]
    )


def _kinds(stmts: Sequence[Stmt]) -> str:
    return ", ".join("loop" if isinstance(s, Loop) else "store" for s in stmts) or "nothing"


def _band(stmts: tuple[Stmt, ...]) -> tuple[list[Loop], tuple[Stmt, ...]]:
    """The loops nested one in the other from `stmts` (a single loop) down, and what the
    innermost holds."""
    band: list[Loop] = []
    while len(stmts) == 1 and isinstance(stmts[0], Loop):
        band.append(stmts[0])
        stmts = stmts[0].body
    return band, stmts


_Role = tuple[bool, tuple[tuple[int, int], ...]]


def _roles(band: list[Loop], body: tuple[Stmt, ...]) -> dict[int, _Role] | None:
    """Each loop's role in a band around one store: whether it is a reduction loop, and
    which dims of the stored element it indexes with which coefficient (`C[io * 6 + i,
    j]`: i is (False, ((0, 1),)), io is (False, ((0, 6),)))."""
    if len(body) != 1 or not isinstance(body[0], Store):
        return None
    store = body[0]

    def coefficient(e: AffineExpr, dim: int) -> int:
        linear = linear_in(e, dim)
        return 0 if linear is None else linear[0]

    loads: list[AffineExpr] = []

    def collect(e: Expr) -> None:
        if isinstance(e, Load):
            loads.extend(e.index)
        elif isinstance(e, Compute):
            for o in e.operands:
                collect(o)

    collect(store.value)

    def role(loop: Loop) -> _Role:
        if loop.reduction:
            # a reduction loop indexes no stored dim: tell them apart by how loads use it
            steps = sorted(coefficient(e, loop.dim) for e in loads if loop.dim in e.used_dims())
            return True, tuple((-1, c) for c in steps)
        # dims counted among those the band indexes: a window may drop the others
        found = [
            (indexed.index(d), coefficient(e, loop.dim))
            for d, e in enumerate(store.index)
            if loop.dim in e.used_dims()
        ]
        return False, tuple(found)

    in_band = {loop.dim for loop in band}
    indexed = [d for d, e in enumerate(store.index) if e.used_dims() & in_band]

    return {loop.dim: role(loop) for loop in band}


def _compare_roles(
    nest: Nest,
    behavior: Nest,
    band_n: list[Loop],
    band_b: list[Loop],
    roles: tuple[dict[int, _Role] | None, dict[int, _Role] | None],
    intrinsic: str,
) -> Mismatch | None:
    """Pair the loops of two bands around one store by role, then compare the extents of
    the pairs (a split fixes a multiple) and their order (a reorder fixes it); nest
    loops left over belong outside the loop tensorized."""
    roles_n, roles_b = roles
    assert roles_n is not None and roles_b is not None
    root = nest.names[band_n[0].dim] if band_n else "?"
    pairs: dict[int, Loop] = {}
    free = list(band_n)
    differences: list[str] = []
    suggestions: list[Suggestion] = []
    for b in band_b:
        same = [n for n in free if roles_n[n.dim] == roles_b[b.dim]]
        if not same:
            differences.append(
                f"{intrinsic}'s loop {behavior.names[b.dim]} (extent {b.extent}) has no "
                f"counterpart in the nest: tensorize at a loop further out, so that the nest "
                f"holds it"
            )
            continue
        ranked = sorted(same, key=lambda n: (n.extent != b.extent, n.extent % b.extent != 0))
        pairs[b.dim] = ranked[0]
        free.remove(ranked[0])
    for b in band_b:
        n = pairs.get(b.dim)
        if n is None or n.extent == b.extent:
            continue
        name, other = nest.names[n.dim], behavior.names[b.dim]
        text = f"loop {name} has extent {n.extent}, {intrinsic}'s loop {other} has {b.extent}"
        if n.extent % b.extent == 0:
            where = (
                "tensorize at the inner loop"
                if name == root
                else f"keep the outer loop outside {root} (the loop tensorized)"
            )
            differences.append(f"{text}: split {name} by {b.extent} and {where}")
            suggestions.append(Split(name, b.extent))
        elif b.extent % n.extent == 0:
            differences.append(f"{text}: make the tile of {name} {b.extent} iterations")
        else:
            differences.append(f"{text}, and no split makes them equal")
    for n in free:
        differences.append(
            f"loop {nest.names[n.dim]} (extent {n.extent}) has no counterpart in {intrinsic}: "
            f"move it outside {root} (the loop tensorized)"
        )
        suggestions.append(MoveOut(nest.names[n.dim]))
    paired = [pairs[b.dim] for b in band_b if b.dim in pairs]
    in_nest = [n for n in band_n if n in paired]
    spatial = [n.dim for n in paired if not n.reduction]
    if spatial != [n.dim for n in in_nest if not n.reduction]:
        pairs_text = ", ".join(
            f"{nest.names[pairs[b.dim].dim]} <-> {behavior.names[b.dim]}"
            for b in band_b
            if b.dim in pairs and not b.reduction
        )
        wanted = [nest.names[d] for d in spatial]
        differences.append(
            f"the loops pair with {intrinsic}'s by their accesses as ({pairs_text}), in "
            f"another order: reorder them as ({', '.join(wanted)})"
        )
        suggestions.append(Reorder(tuple(nest.names[n.dim] for n in paired)))
    return Mismatch(differences, suggestions) if differences else None


def _compare_bands(
    nest: Nest, behavior: Nest, band_n: list[Loop], band_b: list[Loop], intrinsic: str
) -> Mismatch | None:
    """Differences of loop count, extents or order between two bands, with the fix."""
    names_n = [nest.names[n.dim] for n in band_n]
    names_b = [behavior.names[b.dim] for b in band_b]
    extents_n = [n.extent for n in band_n]
    extents_b = [b.extent for b in band_b]
    root = nest.names[0] if nest.names else "?"
    if extents_n == extents_b:
        return None
    if len(band_n) == len(band_b):
        if sorted(extents_n) == sorted(extents_b):
            order: list[str] = []
            free = list(range(len(band_n)))
            for extent in extents_b:
                k = next(k for k in free if extents_n[k] == extent)
                free.remove(k)
                order.append(names_n[k])
            return Mismatch(
                [
                    f"loops ({_list(names_n, extents_n)}) are in another order than "
                    f"{intrinsic}'s ({_list(names_b, extents_b)})"
                ],
                [Reorder(tuple(order))],
            )
        differences: list[str] = []
        suggestions: list[Suggestion] = []
        for name, e_n, other, e_b in zip(names_n, extents_n, names_b, extents_b, strict=True):
            if e_n == e_b:
                continue
            text = f"loop {name} has extent {e_n}, {intrinsic}'s loop {other} has {e_b}"
            if e_n % e_b == 0:
                where = (
                    "tensorize at the inner loop"
                    if name == root
                    else f"keep the outer loop outside {root} (the loop tensorized)"
                )
                differences.append(f"{text}: split {name} by {e_b} and {where}")
                suggestions.append(Split(name, e_b))
            elif e_b % e_n == 0:
                differences.append(f"{text}: make the tile of {name} {e_b} iterations")
            else:
                differences.append(f"{text}, and no split makes them equal")
        return Mismatch(differences, suggestions)
    if len(band_n) > len(band_b):
        extra = _unmatched(extents_n, extents_b)
        if extra is not None:
            moved = [names_n[k] for k in extra]
            return Mismatch(
                [
                    f"loop {name} (extent {extents_n[k]}) has no counterpart in {intrinsic} "
                    f"({_list(names_b, extents_b)}): move it outside {root} (the loop tensorized)"
                    for name, k in zip(moved, extra, strict=True)
                ],
                [MoveOut(name) for name in moved],
            )
    else:
        missing = _unmatched(extents_b, extents_n)
        if missing is not None:
            return Mismatch(
                [
                    f"{intrinsic}'s loop {names_b[k]} (extent {extents_b[k]}) has no "
                    f"counterpart in the nest ({_list(names_n, extents_n)}): tensorize at a "
                    f"loop further out, so that the nest holds it"
                    for k in missing
                ]
            )
    return Mismatch(
        [
            f"the nest's loops ({_list(names_n, extents_n)}) do not correspond to "
            f"{intrinsic}'s ({_list(names_b, extents_b)})"
        ]
    )


def _list(names: Sequence[str], extents: Sequence[int]) -> str:
    return ", ".join(f"{n}: {e}" for n, e in zip(names, extents, strict=True))


def _unmatched(longer: list[int], shorter: list[int]) -> list[int] | None:
    """The positions of `longer` left when `shorter` is matched into it in order, by
    extent (greedily), or None when it cannot be."""
    used: list[int] = []
    k = 0
    for extent in shorter:
        while k < len(longer) and longer[k] != extent:
            k += 1
        if k == len(longer):
            return None
        used.append(k)
        k += 1
    return [k for k in range(len(longer)) if k not in used]
