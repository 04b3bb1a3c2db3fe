"""Normalized loop nests: the form in which `loop-tensorize` compares a nest with an
intrinsic's behavior.

    loop.for %ii = %c0 to %c6 step %c1 {                 for ii in 0..6
      loop.for %ki = %c0 to %c4 step %c1 {                 for ji in 0..16
        loop.for %ji = %c0 to %c16 step %c1 {     ->          for ki in 0..4   (reduction)
          %c = loop.load %C[%io * 6 + %ii, ...]                 C[s0*6 + ii, s1*16 + ji] =
          %p = math.fma %a, %b, %c                                addf(C[...], mulf(A[...], B[...]))
          loop.store %p, %C[%io * 6 + %ii, ...]

What normalization does, on both sides alike:

- a loop runs `for v in 0..extent` (constant bounds and step folded into the indices:
  `lb + step * v`); loops of one iteration are pruned (their index is `lb`); kinds
  (unrolled, vectorized, parallel) do not matter;
- index expressions are simplified, over the nest's loops (dims, numbered in pre-order)
  and the values defined outside the nest (symbols: `s0` is `outer[0]`);
- the body is a tree per store: a value is rebuilt from its definition wherever it is
  (a load hoisted out of the nest by loop-invariant code motion is sunk back);
  `math.fma(a, b, c)` is `addf(mulf(a, b), c)`; chains of an associative and
  commutative op are flattened and their operands sorted by shape (the unifier still
  tries every order of operands of equal shape);
- in a band of loops around one reduction store (`X[f] = X[f] + e`, loops absent from
  `f` are the reduction loops) the reduction loops move innermost, keeping their order:
  where a reduction loop sits does not change what is summed into an element, or in
  which order.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from xdsl.dialects import arith, math
from xdsl.ir import Attribute, Block, BlockArgument, Operation, SSAValue
from xdsl.ir.affine import AffineExpr
from xdsl.traits import is_side_effect_free

from dlir.dialects.hw import ReturnOp as HwReturnOp
from dlir.dialects.loop import (
    ForOp,
    LoadOp,
    StoreOp,
    VLoadOp,
    VStoreOp,
    YieldOp,
    constant_index,
)
from dlir.passes.lowering.te_to_loop.plan import simplify

ASSOCIATIVE = frozenset(
    {
        "arith.addf",
        "arith.mulf",
        "arith.addi",
        "arith.muli",
        "arith.maximumf",
        "arith.minimumf",
        "arith.maxnumf",
        "arith.minnumf",
        "arith.maxsi",
        "arith.minsi",
        "arith.maxui",
        "arith.minui",
        "arith.andi",
        "arith.ori",
        "arith.xori",
    }
)
"""Ops whose chains are flattened and whose operands may be reordered."""

_IGNORED_PROPERTIES = frozenset({"fastmath", "overflowFlags"})


class NotNormal(Exception):
    """The nest has something normalization cannot express (say what, and where)."""


@dataclass(frozen=True)
class Load:
    buffer: SSAValue
    index: tuple[AffineExpr, ...]


@dataclass(frozen=True)
class Compute:
    name: str
    properties: str
    type: Attribute
    operands: tuple[Expr, ...]


@dataclass(frozen=True)
class Const:
    text: str


@dataclass(frozen=True)
class Outer:
    """A scalar defined outside the nest that is neither a load nor a pure op on them."""

    value: SSAValue


Expr = Load | Compute | Const | Outer


@dataclass(frozen=True)
class Store:
    buffer: SSAValue
    index: tuple[AffineExpr, ...]
    value: Expr


@dataclass(frozen=True)
class Loop:
    dim: int
    extent: int
    body: tuple[Stmt, ...]
    reduction: bool = False


Stmt = Loop | Store


@dataclass
class Nest:
    """A normalized nest: its statements, and what its dims and symbols stand for."""

    body: tuple[Stmt, ...]
    names: list[str] = field(default_factory=list[str])
    """Loop dim N's name (the induction variable's name hint, or `%N`)."""
    extents: list[int] = field(default_factory=list[int])
    outer: list[SSAValue] = field(default_factory=list[SSAValue])
    """Symbol N's value: an index defined outside the nest."""
    sunk: list[Operation] = field(default_factory=list[Operation])
    """Ops outside the nest whose values its body uses (hoisted loads, ...)."""

    def loops(self) -> list[Loop]:
        """Every loop, in pre-order."""
        found: list[Loop] = []

        def walk(stmts: tuple[Stmt, ...]) -> None:
            for s in stmts:
                if isinstance(s, Loop):
                    found.append(s)
                    walk(s.body)

        walk(self.body)
        return found


def normalize(root: Operation, names: dict[SSAValue, str] | None = None) -> Nest:
    """The normalized nest of `root`: a `loop.for`, or an `hw.intrinsic` (its body)."""
    return _Normalizer(root, names or {}).run()


class _Normalizer:
    def __init__(self, root: Operation, names: dict[SSAValue, str]) -> None:
        self.root = root
        self.names = names
        self.nest = Nest(())
        self.ivs: dict[SSAValue, AffineExpr] = {}
        self.exprs: dict[SSAValue, Expr] = {}

    def run(self) -> Nest:
        if isinstance(self.root, ForOp):
            body = self.loop(self.root)
        else:
            body = self.block(self.root.regions[0].block)
        self.nest.body = tuple(_canonical(s) for s in body)
        return self.nest

    def loop(self, op: ForOp) -> tuple[Stmt, ...]:
        lb, step, trips = constant_index(op.lb), constant_index(op.step), op.trip_count()
        name = self.name(op.induction_var)
        if lb is None or step is None or trips is None:
            raise NotNormal(
                f"loop {name} does not have constant bounds and step (a partial tile?): "
                f"tensorize needs a nest of full tiles"
            )
        if trips == 1:
            self.ivs[op.induction_var] = AffineExpr.constant(lb)
            return self.block(op.body.block)
        if trips == 0:
            raise NotNormal(f"loop {name} runs no iteration")
        dim = len(self.nest.extents)
        self.nest.names.append(name)
        self.nest.extents.append(trips)
        self.ivs[op.induction_var] = AffineExpr.constant(lb) + AffineExpr.dimension(dim) * step
        return (Loop(dim, trips, self.block(op.body.block)),)

    def name(self, value: SSAValue) -> str:
        if value in self.names:
            return self.names[value]
        hint = value.name_hint
        return f"%{hint}" if hint else f"%{len(self.nest.extents)}"

    def block(self, block: Block) -> tuple[Stmt, ...]:
        stmts: list[Stmt] = []
        for op in block.ops:
            if isinstance(op, ForOp):
                stmts.extend(self.loop(op))
            elif isinstance(op, StoreOp):
                index = self.index(op.map.data.results, op.indices)
                stmts.append(Store(op.memref, index, self.expr(op.value)))
            elif isinstance(op, VLoadOp | VStoreOp):
                raise NotNormal(
                    f"{op.name} in the nest: loop-tensorize matches scalar loop IR "
                    f"(tensorize before loop-vectorize)"
                )
            elif isinstance(op, YieldOp | HwReturnOp):
                continue
            elif not (_pure(op) or isinstance(op, LoadOp)):
                raise NotNormal(f"{op.name} in the nest: only loops, loads, stores and pure ops")
        return tuple(stmts)

    def index(
        self, results: tuple[AffineExpr, ...], operands: tuple[SSAValue, ...] | list[SSAValue]
    ) -> tuple[AffineExpr, ...]:
        values = [self.index_value(v) for v in operands]
        return tuple(simplify(e.replace_dims_and_symbols(values, [])) for e in results)

    def index_value(self, value: SSAValue) -> AffineExpr:
        if value in self.ivs:
            return self.ivs[value]
        constant = constant_index(value)
        if constant is not None:
            return AffineExpr.constant(constant)
        if self.inside(value):
            raise NotNormal(
                f"index {value.name_hint or value} is computed inside the nest: only loop "
                f"indices and values from outside may index a buffer"
            )
        if value not in self.nest.outer:
            self.nest.outer.append(value)
        return AffineExpr.symbol(self.nest.outer.index(value))

    def inside(self, value: SSAValue) -> bool:
        owner = value.owner
        op = owner.parent_op() if isinstance(owner, Block) else owner
        while op is not None:
            if op is self.root:
                return True
            op = op.parent_op()
        return False

    def expr(self, value: SSAValue) -> Expr:
        if value not in self.exprs:
            self.exprs[value] = self.build(value)
        return self.exprs[value]

    def build(self, value: SSAValue) -> Expr:
        owner = value.owner
        if isinstance(owner, Block) or isinstance(value, BlockArgument):
            if value in self.ivs:
                raise NotNormal(f"loop index {self.name(value)} is used as a value in the body")
            return Outer(value)
        assert isinstance(owner, Operation)
        if isinstance(owner, arith.ConstantOp):
            return Const(f"{owner.value}")
        outside = not self.inside(value)
        if isinstance(owner, LoadOp):
            index = self.index(owner.map.data.results, owner.indices)
            self.sink(owner, outside)
            return Load(owner.memref, index)
        if isinstance(owner, math.FmaOp):
            a, b, c = (self.expr(v) for v in owner.operands)
            self.sink(owner, outside)
            product = _flat("arith.mulf", "", value.type, (a, b))
            return _flat("arith.addf", "", value.type, (product, c))
        if len(owner.results) != 1 or not _pure(owner):
            if outside:
                return Outer(value)
            raise NotNormal(f"{owner.name} in the nest: only loops, loads, stores and pure ops")
        operands = tuple(self.expr(v) for v in owner.operands)
        self.sink(owner, outside)
        return _flat(owner.name, _properties(owner), value.type, operands)

    def sink(self, op: Operation, outside: bool) -> None:
        if outside and op not in self.nest.sunk:
            self.nest.sunk.append(op)


def _pure(op: Operation) -> bool:
    """Whether `op` computes a value and nothing else (xDSL does not mark every arith op
    pure: `arith.extsi` has no trait)."""
    if op.regions:
        return False
    return is_side_effect_free(op) or op.dialect_name() in ("arith", "math")


def _properties(op: Operation) -> str:
    items = sorted((k, str(v)) for k, v in op.properties.items() if k not in _IGNORED_PROPERTIES)
    return ", ".join(f"{k} = {v}" for k, v in items)


def _flat(name: str, properties: str, type: Attribute, operands: tuple[Expr, ...]) -> Compute:
    """`name(operands)`, with nested chains of an associative op flattened and operands
    sorted by shape: addf(addf(a, b), c) -> addf(a, b, c)."""
    if name not in ASSOCIATIVE:
        return Compute(name, properties, type, operands)
    flat: list[Expr] = []
    for operand in operands:
        if isinstance(operand, Compute) and operand.name == name:
            flat.extend(operand.operands)
        else:
            flat.append(operand)
    return Compute(name, properties, type, tuple(sorted(flat, key=shape)))


def shape(expr: Expr) -> str:
    """What an expression is, without which buffer, index or value: the sort key of
    operands, the same on both sides."""
    match expr:
        case Load():
            return "load"
        case Const(text=text):
            return f"const {text}"
        case Outer():
            return "outer"
        case Compute(name=name, operands=operands):
            return f"{name}({', '.join(shape(o) for o in operands)})"


def is_reduction(store: Store) -> bool:
    """Whether `store` is `X[f] = op(X[f], ...)` for an associative op."""
    value = store.value
    return (
        isinstance(value, Compute)
        and value.name in ASSOCIATIVE
        and Load(store.buffer, store.index) in value.operands
    )


def _canonical(stmt: Stmt) -> Stmt:
    """`stmt` with the reduction loops of each band moved innermost (see the module)."""
    if isinstance(stmt, Store):
        return stmt
    band: list[Loop] = [stmt]
    while len(band[-1].body) == 1 and isinstance(band[-1].body[0], Loop):
        inner = band[-1].body[0]
        assert isinstance(inner, Loop)
        band.append(inner)
    body = band[-1].body
    if len(body) == 1 and isinstance(body[0], Store) and is_reduction(body[0]):
        used = set[int]().union(*(e.used_dims() for e in body[0].index))
        spatial = [loop for loop in band if loop.dim in used]
        reduction = [loop for loop in band if loop.dim not in used]
        result: Stmt = body[0]
        for loop in reversed(spatial + reduction):
            result = Loop(loop.dim, loop.extent, (result,), loop.dim not in used)
        return result
    result_body = tuple(_canonical(s) for s in body)
    for loop in reversed(band):
        result_body = (Loop(loop.dim, loop.extent, result_body),)
    return result_body[0]
