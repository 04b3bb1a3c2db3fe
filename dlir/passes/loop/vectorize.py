"""`loop-vectorize`: `loop.for ... vectorized<N>` loops -> loops over vector ops.

    loop.for %j = %c0 to %c100 step %c1 vectorized<8> {
      %x = loop.load %A[%i, %j] : memref<4x100xf32>
      %y = arith.mulf %x, %s : f32
      loop.store %y, %B[%i, %j] : memref<4x100xf32>
    }
    ->
    loop.for %j = %c0 to %c96 step %c8 {
      %x = loop.vload %A[%i, %j] : memref<4x100xf32>, vector<8xf32>
      %s8 = vector.broadcast %s : f32 to vector<8xf32>
      %y = arith.mulf %x, %s8 : vector<8xf32>
      loop.vstore %y, %B[%i, %j] : memref<4x100xf32>, vector<8xf32>
    }
    loop.for %j = %c96 to %c100 step %c1 { (the original body: the scalar tail) }

What the body may hold (straight-line code, no nested loop):

- loads and stores whose innermost index is `%j` with coefficient 1 (and whose other
  indices do not use `%j`): `loop.vload` / `loop.vstore`;
- loads invariant in `%j` of buffers the loop does not write: scalar loads, broadcast where
  a vector needs them;
- `arith` / `math` ops on int or float scalars: the same op on vectors (it must verify on
  vectors);
- compares and selects, which xDSL 0.74's `arith` types as scalar only (`arith.cmpf` gives
  an `i1`, `arith.select` takes an `i1`): a vector compare is emitted directly as the llvm
  op `loop-to-llvm` would give it (f32/f64: the `llvm.dlir.fcmp` call that the backend
  turns into LLVM's vector `fcmp`; ints: `llvm.icmp` on vectors), a `vector<Nxi1>`; a
  select on such a condition is `llvm.vp.select` with every lane on (a plain `select` in
  LLVM IR), one on a condition invariant in the loop stays `arith.select` (scalar i1,
  vector operands). i1 buffers hold bytes: a `vector<Nxi1>` vload/vstore moves N bytes.
  Compares and selects of f16/bf16 stay scalar (computed in f32 by `loop-to-llvm`).

      %c = arith.cmpf ogt, %x, %y : f32  ;  %r = arith.select %c, %x, %z : f32
      ->
      %c = llvm.call_intrinsic "llvm.dlir.fcmp.ogt.v8f32"(%xv, %yv) : (...) -> vector<8xi1>
      %r = llvm.call_intrinsic "llvm.vp.select.v8f32"(%c, %x, %z, %c8)
- reductions into a location invariant in `%j`, `acc[i] = acc[i] <op> x` with `<op>` one of
  addf, mulf, maximumf, minimumf, addi, muli: `acc` becomes a vector of N partial results
  (a `"local"` buffer, on the stack, kept in a register by LLVM) that starts at the
  identity and is folded into `acc[i]` lane by lane after the vector loop. This
  reassociates float additions and products: a schedule that marks a reduction loop
  vectorized allows it, as `-ffast-math` reductions do.

The vector width is N, capped at `max-bits` / the widest element's bits (8 f32 lanes for
AVX2's 256 bits); when the trip count is not a constant multiple of the width, a scalar
tail loop runs the remaining iterations. A constant trip count of at most `unroll-max`
vectors becomes straight-line code on one wide vector (`vector<16xf32>` for a 16-wide row
of a register tile), which LLVM splits into registers op by op, keeping each row's ops
together. With `fma` (the default), a vector `mulf` whose only use is an `addf` is
contracted into `vector.fma` (one rounding instead of two, as `-ffp-contract=fast`).

A loop that cannot be vectorized keeps its kind (a serial loop for `loop-to-llvm`) and
counts a `not-vectorized: <reason>` statistic (`dl-opt --pass-statistics`). A vector wider
than the static innermost dimension of an access it would load or store (a split by 8 of an
axis of 5) could never run a whole iteration: the loop becomes the plain serial loop it
would be as a tail, and counts why.

    loop.for %j = %c0 to %ub step %c1 vectorized<8> { loop.load %A[%i, %j] : memref<3x5xf32> }
    ->
    loop.for %j = %c0 to %ub step %c1 { loop.load %A[%i, %j] : memref<3x5xf32> }
"""

from __future__ import annotations

import math as pymath
from dataclasses import dataclass, field
from typing import ClassVar

from xdsl.context import Context
from xdsl.dialects import arith, llvm, vector
from xdsl.dialects.builtin import (
    AnyFloat,
    Float32Type,
    Float64Type,
    FloatAttr,
    IntegerAttr,
    IntegerType,
    MemRefType,
    VectorType,
    i64,
)
from xdsl.ir import Attribute, Operation, SSAValue
from xdsl.ir.affine import AffineExpr
from xdsl.rewriter import InsertPoint, Rewriter
from xdsl.utils.exceptions import VerifyException
from xdsl.utils.hints import isa

from dlir.dialects.loop import (
    AllocOp,
    ForOp,
    FreeOp,
    LoadOp,
    LoopKind,
    LoopKindAttr,
    MaxOp,
    MinOp,
    StoreOp,
    VLoadOp,
    VStoreOp,
    constant_index,
)
from dlir.dialects.loop.memory import AccessOp
from dlir.passes.api import FunctionPass
from dlir.passes.loop.unroll import unroll
from dlir.passes.loop.utils import (
    body_ops,
    defined_inside,
    index_constant,
    linear_form,
    loops_inner_first,
    main_end,
    uses_dim,
)
from dlir.passes.lowering.arith_to_llvm import vector_fcmp
from dlir.passes.lowering.float_builder import select_ops
from dlir.passes.lowering.types import is_unsigned
from dlir.passes.manager import statistic

# The combining ops of a reduction and their identities.
COMBINERS: dict[type[Operation], float] = {
    arith.AddfOp: 0.0,
    arith.MulfOp: 1.0,
    arith.MaximumfOp: -pymath.inf,
    arith.MinimumfOp: pymath.inf,
    arith.AddiOp: 0,
    arith.MuliOp: 1,
}


class NotVectorizable(Exception):
    """Why a loop stays scalar (the text of its `not-vectorized: ...` statistic)."""


class NeverFits(NotVectorizable):
    """The vector is wider than a dimension it runs along: not one whole vector fits in it."""


@dataclass
class Reduction:
    """`store(combine(load(acc[M]), x), acc[M])` with M invariant in the loop."""

    load: LoadOp
    combine: Operation
    store: StoreOp


@dataclass
class Plan:
    """What each op of a vectorizable loop body becomes."""

    lanes: int
    # the smallest static innermost extent of the contiguous accesses: no vector is wider
    fit: int | None = None
    contiguous: set[AccessOp] = field(default_factory=set[AccessOp])
    reductions: list[Reduction] = field(default_factory=list[Reduction])
    varying: set[SSAValue] = field(default_factory=set[SSAValue])
    # addf -> the mulf it absorbs as `vector.fma` (the mulf itself is then not emitted)
    contractions: dict[Operation, arith.MulfOp] = field(
        default_factory=dict[Operation, arith.MulfOp]
    )


@dataclass(frozen=True)
class LoopVectorizePass(FunctionPass):
    """Turn `vectorized<N>` loops into loops over vector loads, arithmetic and stores."""

    name = "loop-vectorize"
    requires: ClassVar[tuple[str, ...]] = ("loop",)
    produces: ClassVar[tuple[str, ...]] = ("loop", "vector")

    max_bits: int = field(default=256, metadata={"help": "widest vector register, in bits"})
    fma: bool = field(
        default=True, metadata={"help": "contract a vector multiply feeding an add into fma"}
    )
    unroll_max: int = field(
        default=4,
        metadata={"help": "fully unroll vector loops of at most this many constant iterations"},
    )

    def run_on_function(self, ctx: Context, func: Operation) -> None:
        for loop in loops_inner_first(func):
            if loop.loop_kind != LoopKind.VECTORIZED:
                continue
            try:
                vectorize(loop, self.max_bits, self.fma, self.unroll_max)
                statistic("vectorized")
            except NotVectorizable as reason:
                statistic(f"not-vectorized: {reason}")
                if isinstance(reason, NeverFits):
                    # loop.for ... vectorized<8> -> loop.for ...  (what its scalar tail would be)
                    loop.properties["kind"] = LoopKindAttr(LoopKind.SERIAL)
                    del loop.properties["vector_width"]


def vectorize(loop: ForOp, max_bits: int = 256, fma: bool = True, unroll_max: int = 4) -> None:
    """Rewrite one `vectorized<N>` loop in place (raises NotVectorizable, leaving it as it was)."""
    plan = analyze(loop, max_bits)
    total = loop.trip_count()
    if (
        total
        and total % plan.lanes == 0
        and total // plan.lanes <= unroll_max
        and (plan.fit is None or total <= plan.fit)
    ):
        # A few vectors' worth (a 16-wide row of a register tile): one wide vector, which
        # LLVM splits into registers op by op, so each row's ops stay together.
        plan.lanes = total
    if fma:
        plan.contractions = _contractions(loop, plan)
    vector_loop = _Builder(loop, plan).build()
    trips = vector_loop.trip_count()
    if trips is not None and trips <= unroll_max:
        # A short vector loop (two vectors of a 16-wide register tile) is straight-line code.
        vector_loop.properties["kind"] = LoopKindAttr(LoopKind.UNROLLED)
        step = vector_loop.step.owner
        unroll(vector_loop)
        if isinstance(step, arith.ConstantOp) and not step.result.uses:
            Rewriter.erase_op(step)


def _contractions(loop: ForOp, plan: Plan) -> dict[Operation, arith.MulfOp]:
    # %p = arith.mulf %a, %b ; %s = arith.addf %x, %p   (%p used once)  ->  vector.fma %a, %b, %x
    found: dict[Operation, arith.MulfOp] = {}
    for op in body_ops(loop):
        if not isinstance(op, arith.AddfOp) or op.result not in plan.varying:
            continue
        if not isinstance(op.result.type, Float32Type | Float64Type):
            continue  # LLVM computes an f16/bf16 fma in f64 and calls __truncdfhf2 (a crash)
        for operand in op.operands:
            mul = operand.owner
            if (
                isinstance(mul, arith.MulfOp)
                and operand in plan.varying
                and operand.has_one_use()
                and mul not in found.values()
            ):
                found[op] = mul
                break
    return found


def _element_bits(type: Attribute) -> int:
    if isinstance(type, IntegerType):
        return max(8, type.bitwidth)
    if isinstance(type, AnyFloat):
        return type.bitwidth
    return 64


def _is_scalar_number(type: Attribute) -> bool:
    return isinstance(type, IntegerType | AnyFloat)


def analyze(loop: ForOp, max_bits: int) -> Plan:
    """Check that `loop` can be vectorized and plan how (raises NotVectorizable)."""
    assert loop.vector_width is not None
    if constant_index(loop.step) != 1:
        raise NotVectorizable("step is not the constant 1")
    ops = body_ops(loop)
    iv = loop.induction_var
    for op in ops:
        if op.regions:
            raise NotVectorizable(f"the body holds a region op ({op.name})")
        if isinstance(op, VLoadOp | VStoreOp):
            raise NotVectorizable("the body already holds vector accesses")
    for use in iv.uses:
        user = use.operation
        if not isinstance(user, LoadOp | StoreOp) or (isinstance(user, StoreOp) and use.index == 0):
            raise NotVectorizable(f"the induction variable is used as a value (by {user.name})")

    accesses = [op for op in ops if isinstance(op, LoadOp | StoreOp)]
    written = {op.memref for op in accesses if isinstance(op, StoreOp)}
    reductions = _reductions(loop, accesses, written)
    reduction_ops = {op for r in reductions for op in (r.load, r.store)}

    varying: set[SSAValue] = {iv, *(r.load.result for r in reductions)}
    bits = 8
    for op in ops:
        if any(operand in varying for operand in op.operands):
            varying.update(op.results)
    plan = Plan(lanes=1, reductions=reductions, varying=varying)
    for op in ops:
        if isinstance(op, LoadOp | StoreOp):
            memref = op.memref.type
            assert isa(memref, MemRefType)
            bits = max(bits, _element_bits(memref.get_element_type()))
            if op in reduction_ops:
                continue
            _plan_access(op, iv, varying, written, plan)
            continue
        if not any(operand in varying for operand in op.operands):
            # invariant scalar code stays as it is (LLVM hoists it)
            if op.dialect_name() not in ("arith", "math") and not isinstance(op, MinOp | MaxOp):
                raise NotVectorizable(f"{op.name} cannot be kept in a vector loop")
            continue
        if op.dialect_name() not in ("arith", "math"):
            raise NotVectorizable(f"{op.name} has no vector form")
        for value in (*op.operands, *op.results):
            if not _is_scalar_number(value.type):
                raise NotVectorizable(f"{op.name} works on {value.type}, not int or float scalars")
            bits = max(bits, _element_bits(value.type))
    width = loop.vector_width.value.data
    plan.lanes = max(1, min(width, max_bits // bits))
    if plan.lanes == 1:
        raise NotVectorizable("the vector width is 1 lane")
    for access in plan.contiguous:
        memref = access.memref.type
        assert isa(memref, MemRefType)
        inner = memref.get_shape()[-1]
        if inner >= 0 and (plan.fit is None or inner < plan.fit):
            plan.fit = inner
    if plan.fit is not None and plan.lanes > plan.fit:
        raise NeverFits(
            f"a vector of {plan.lanes} lanes is wider than the innermost dimension "
            f"({plan.fit}) of an access"
        )
    return plan


def _plan_access(
    op: LoadOp | StoreOp, iv: SSAValue, varying: set[SSAValue], written: set[SSAValue], plan: Plan
) -> None:
    for operand in op.indices:
        if operand is not iv and operand in varying:
            raise NotVectorizable("an index depends on the induction variable through arithmetic")
    if iv not in op.indices:
        if isinstance(op, StoreOp):
            raise NotVectorizable("a store to an address invariant in the loop")
        if op.memref in written:
            raise NotVectorizable("a load, invariant in the loop, of a buffer the loop writes")
        return
    position = list(op.indices).index(iv)
    *outer, inner = op.map.data.results
    if any(uses_dim(e, position) for e in outer):
        raise NotVectorizable("the induction variable indexes a dimension other than the innermost")
    form = linear_form(inner)
    if form is None or form[0].get(position) != 1:
        raise NotVectorizable("an access is not contiguous in the induction variable")
    if op.memref in written:
        for other in plan.contiguous:
            if other.memref is op.memref and not _independent(op, other):
                raise NotVectorizable("two accesses to a written buffer may overlap across lanes")
    plan.contiguous.add(op)


def _independent(a: AccessOp, b: AccessOp) -> bool:
    """Whether the lanes of `a` and `b` never touch one element in different iterations:
    the same element in every dimension (`C[i, j]` and `C[i, j]`), or an outer dimension
    that differs by a nonzero constant (`acc[0, j]` and `acc[1, j]`)."""
    differences = [
        _difference(x, y, a, b) for x, y in zip(a.map.data.results, b.map.data.results, strict=True)
    ]
    if all(d == 0 for d in differences):
        return True
    return any(d is not None and d != 0 for d in differences[:-1])


def _difference(x: AffineExpr, y: AffineExpr, a: AccessOp, b: AccessOp) -> int | None:
    """`x` (over `a`'s indices) minus `y` (over `b`'s) if that is a constant, else None."""
    fx, fy = linear_form(x), linear_form(y)
    if fx is None or fy is None:
        return None
    terms: dict[SSAValue, int] = {}
    for dim, c in fx[0].items():
        terms[a.indices[dim]] = terms.get(a.indices[dim], 0) + c
    for dim, c in fy[0].items():
        terms[b.indices[dim]] = terms.get(b.indices[dim], 0) - c
    if any(c != 0 for c in terms.values()):
        return None
    return fx[1] - fy[1]


def _reductions(
    loop: ForOp, accesses: list[LoadOp | StoreOp], written: set[SSAValue]
) -> list[Reduction]:
    iv = loop.induction_var
    found: list[Reduction] = []
    for store in accesses:
        if not isinstance(store, StoreOp) or iv in store.indices:
            continue
        combine = store.value.owner
        if not isinstance(combine, Operation) or type(combine) not in COMBINERS:
            continue
        if not store.value.has_one_use() or not _is_scalar_number(store.value.type):
            continue
        for operand in combine.operands:
            load = operand.owner
            if (
                isinstance(load, LoadOp)
                and load.memref is store.memref
                and load.map == store.map
                and list(load.indices) == list(store.indices)
                and load.result.has_one_use()
                and combine.operands[0] is not combine.operands[1]
                and all(not defined_inside(v, loop) for v in store.indices)
                and _only_accesses(accesses, store.memref, load, store)
            ):
                found.append(Reduction(load, combine, store))
                break
    return found


def _only_accesses(
    accesses: list[LoadOp | StoreOp], memref: SSAValue, load: LoadOp, store: StoreOp
) -> bool:
    """Whether `load` and `store` are the only accesses to `memref`."""
    return all(a is load or a is store for a in accesses if a.memref is memref)


class _Builder:
    """Builds the vector loop (and the reduction prologue/epilogue and the scalar tail)."""

    def __init__(self, loop: ForOp, plan: Plan) -> None:
        self.loop, self.plan = loop, plan
        self.scalar: dict[SSAValue, SSAValue] = {}
        self.vector: dict[SSAValue, SSAValue] = {}
        self.partials: dict[Operation, SSAValue] = {}
        self.before: list[Operation] = []
        self.body: list[Operation] = []
        self.after: list[Operation] = []

    def vtype(self, type: Attribute) -> VectorType:
        return VectorType(type, [self.plan.lanes])

    def vec(self, value: SSAValue) -> SSAValue:
        """The vector of `value`: its vectorized form, or a broadcast of the scalar."""
        if value not in self.vector:
            scalar = self.scalar.get(value, value)
            splat = vector.BroadcastOp(scalar, self.vtype(scalar.type))
            self.body.append(splat)
            self.vector[value] = splat.vector
        return self.vector[value]

    def build(self) -> ForOp:
        loop, lanes = self.loop, self.plan.lanes
        trips = loop.trip_count()
        if trips is not None and trips % lanes == 0:
            end = loop.ub
        else:
            end = main_end(loop.lb, loop.ub, 1, lanes, self.before)
        vector_loop = ForOp(loop.lb, end, index_constant(lanes, self.before))
        vector_loop.induction_var.name_hint = loop.induction_var.name_hint
        self.scalar[loop.induction_var] = vector_loop.induction_var
        for reduction in self.plan.reductions:
            self.partials[reduction.load] = self.partials[reduction.store] = self.partial(reduction)
        try:
            for op in body_ops(loop):
                self.emit(op)
        except NotVectorizable:
            for op in reversed([*self.before, *self.body]):
                op.erase(safe_erase=False)
            vector_loop.erase(safe_erase=False)
            raise
        yield_op = vector_loop.body.block.last_op
        assert yield_op is not None
        Rewriter.insert_op(self.body, InsertPoint.before(yield_op))
        for reduction in self.plan.reductions:
            self.fold(reduction, self.partials[reduction.load])
        Rewriter.insert_op([*self.before, vector_loop, *self.after], InsertPoint.before(loop))
        if end is loop.ub:
            Rewriter.erase_op(loop)
            return vector_loop
        # The scalar tail: the original loop from `end`, as a serial loop.
        loop.operands = [end, loop.ub, loop.step]
        loop.properties["kind"] = LoopKindAttr(LoopKind.SERIAL)
        del loop.properties["vector_width"]
        return vector_loop

    def partial(self, reduction: Reduction) -> SSAValue:
        # before the loop: %p = loop.alloc "local" : memref<Nxf32> ; vstore splat(identity), %p[0]
        element: Attribute = reduction.store.value.type
        buffer = AllocOp(MemRefType(element, [self.plan.lanes]), "local")
        identity = COMBINERS[type(reduction.combine)]
        if isinstance(element, AnyFloat):
            constant = arith.ConstantOp(FloatAttr(identity, element))
        else:
            assert isa(element, IntegerType)
            constant = arith.ConstantOp(IntegerAttr(int(identity), element))
        splat = vector.BroadcastOp(constant.result, self.vtype(element))
        init = VStoreOp(splat.vector, buffer.memref, [0])
        self.before.extend([buffer, constant, splat, init])
        return buffer.memref

    def fold(self, reduction: Reduction, partial: SSAValue) -> None:
        # after the loop: acc[M] = ((acc[M] <op> p[0]) <op> p[1]) ... ; loop.free %p
        load = reduction.load.clone()
        self.after.append(load)
        total: SSAValue = load.result
        other = next(v for v in reduction.combine.operands if v is not reduction.load.result)
        for lane in range(self.plan.lanes):
            element = LoadOp(partial, [lane])
            step = reduction.combine.clone(
                value_mapper={reduction.load.result: total, other: element.result}
            )
            self.after.extend([element, step])
            total = step.results[0]
        store = reduction.store.clone(value_mapper={reduction.store.value: total})
        self.after.extend([store, FreeOp(partial)])

    def emit(self, op: Operation) -> None:
        plan = self.plan
        if isinstance(op, LoadOp) and op in self.partials:
            # %a = loop.load %acc[M] -> %a = loop.vload %p[0] : vector<Nx..>
            load = VLoadOp(self.partials[op], [0], self.vtype(op.result.type))
            self.body.append(load)
            self.vector[op.result] = load.result
        elif isinstance(op, StoreOp) and op in self.partials:
            # loop.store %s, %acc[M] -> loop.vstore %s, %p[0]
            self.body.append(VStoreOp(self.vec(op.value), self.partials[op], [0]))
        elif isinstance(op, LoadOp | StoreOp) and op in plan.contiguous:
            self.emit_access(op)
        elif not any(v in plan.varying for v in op.operands):
            clone = op.clone(value_mapper=dict(self.scalar))
            for old, new in zip(op.results, clone.results, strict=True):
                self.scalar[old] = new
            self.body.append(clone)
        else:
            self.emit_vector_op(op)

    def emit_vector_op(self, op: Operation) -> None:
        # %z = arith.addf %x, %y : f32 -> %z = arith.addf %xv, %yv : vector<Nxf32>
        if isinstance(op, arith.CmpfOp | arith.CmpiOp | arith.SelectOp):
            self.emit_compare_or_select(op)
            return
        if op in self.plan.contractions.values():
            return  # emitted as part of the fma of its only user
        if op in self.plan.contractions:
            mul = self.plan.contractions[op]
            other = next(v for v in op.operands if v is not mul.result)
            fma = vector.FMAOp(self.vec(mul.lhs), self.vec(mul.rhs), self.vec(other))
            self.body.append(fma)
            self.vector[op.results[0]] = fma.res
            return
        new = type(op).create(
            operands=[self.vec(v) for v in op.operands],
            result_types=[self.vtype(r.type) for r in op.results],
            properties=dict(op.properties),
            attributes=dict(op.attributes),
        )
        try:
            new.verify()
        except VerifyException as err:
            new.erase(safe_erase=False)
            raise NotVectorizable(f"{op.name} does not verify on vectors") from err
        self.body.append(new)
        for old, result in zip(op.results, new.results, strict=True):
            self.vector[old] = result

    def emit_compare_or_select(self, op: arith.CmpfOp | arith.CmpiOp | arith.SelectOp) -> None:
        ops: list[Operation] = []
        if isinstance(op, arith.CmpfOp):
            # %c = arith.cmpf olt, %x, %y : f32
            #   -> %c = llvm.call_intrinsic "llvm.dlir.fcmp.olt.v8f32"(%xv, %yv) : vector<8xi1>
            if not isinstance(op.lhs.type, Float32Type | Float64Type):
                raise NotVectorizable(f"arith.cmpf on {op.lhs.type} has no vector form")
            predicate = arith.CMPF_COMPARISON_OPERATIONS[op.predicate.value.data]
            ops.append(vector_fcmp(predicate, self.vec(op.lhs), self.vec(op.rhs)))
            value = ops[-1].results[0]
        elif isinstance(op, arith.CmpiOp):
            # %c = arith.cmpi slt, %a, %b : i32 -> %c = llvm.icmp "slt" %av, %bv : vector<Nxi32>
            lhs_type = op.lhs.type
            if is_unsigned(lhs_type):
                # ui8..ui64: llvm.icmp takes signless vectors only
                raise NotVectorizable(f"arith.cmpi on {op.lhs.type} has no vector form")
            predicate = IntegerAttr(op.predicate.value.data, i64)
            ops.append(llvm.ICmpOp(self.vec(op.lhs), self.vec(op.rhs), predicate))
            value = ops[-1].results[0]
        elif op.cond not in self.plan.varying:
            # %r = arith.select %c, %a, %b : f32 (%c invariant) -> the same on vector<Nxf32>
            scalar = self.scalar.get(op.cond, op.cond)
            ops.append(arith.SelectOp(scalar, self.vec(op.lhs), self.vec(op.rhs)))
            value = ops[-1].results[0]
        else:
            # %r = arith.select %c, %a, %b : f32 -> llvm.vp.select(%cv, %av, %bv, N)
            if not isinstance(op.result.type, Float32Type | Float64Type | IntegerType):
                raise NotVectorizable(f"arith.select of {op.result.type} has no vector form")
            ops = select_ops(self.vec(op.cond), self.vec(op.lhs), self.vec(op.rhs))
            value = ops[-1].results[0]
        self.body.extend(ops)
        self.vector[op.results[0]] = value

    def emit_access(self, op: LoadOp | StoreOp) -> None:
        # loop.load %A[.., %j + c] -> loop.vload %A[.., %j + c] : vector<Nx..>  (stores alike)
        indices = [self.scalar.get(v, v) for v in op.indices]
        properties: dict[str, Attribute] = {"map": op.map}
        if isinstance(op, LoadOp):
            new = VLoadOp.create(
                operands=[op.memref, *indices],
                properties=properties,
                result_types=[self.vtype(op.result.type)],
            )
            self.vector[op.result] = new.results[0]
        else:
            value = self.vec(op.value)
            new = VStoreOp.create(operands=[value, op.memref, *indices], properties=properties)
        self.body.append(new)
