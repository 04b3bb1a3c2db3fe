"""What kind of computation a te stage is, read from the index expressions of its reads.

    Y[i, j] = X[i, j] + B[j]                          ELEMENTWISE   (broadcasts included)
    Y[i, j] = X[i, j - 1] + X[i, j] + X[i, j + 1]     STENCIL       (reads at offsets)
    S[i]    = sum over r of X[i, r]                   REDUCTION     (innermost: r is X's last index)
    C[i, j] = sum over k of A[i, k] * B[k, j]         CONTRACTION   (matmul, batch_matmul, dense)
    Y[n, o, y, x] = sum over c, ry, rx of
                    P[n, c, y + ry, x + rx] * W[o, c, ry, rx]   CONVOLUTION

An index is read as an affine expression of the axes, `arith.divsi`/`arith.remsi` of a
non-negative index by a constant included (a grouped convolution reads input channel
`(o divsi 64) * 48 + c`: `(d1 floordiv 64) * 48 + d4`).

The rules (`rules.py`) choose a schedule per kind; `StageInfo` carries the facts they need.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum

from xdsl.dialects import arith
from xdsl.dialects.builtin import AnyFloatConstr, IndexType, IntegerAttr, IntegerType, Signedness
from xdsl.ir import Attribute, SSAValue
from xdsl.ir.affine import AffineConstantExpr, AffineDimExpr, AffineExpr
from xdsl.utils.hints import isa

from dlir.dialects.te.compute import ComputeOp
from dlir.dialects.te.model import tensor_name
from dlir.passes.lowering.te_to_loop.divmod import affine_binary
from dlir.passes.lowering.te_to_loop.plan import expr_range, linear_in

VECTOR_BYTES = 32
"""The host's vector registers (AVX2): 8 lanes of f32."""


_INDEX_OPS = (arith.AddiOp, arith.SubiOp, arith.MuliOp, arith.DivSIOp, arith.RemSIOp)


class Kind(Enum):
    ELEMENTWISE = "elementwise"
    STENCIL = "stencil"
    REDUCTION = "reduction"
    CONTRACTION = "contraction"
    CONVOLUTION = "convolution"


@dataclass(frozen=True)
class Read:
    """One te.read: the tensor it reads and its indices as affine expressions of the axes
    (dim N = the stage's N-th axis, spatial first), None where an index is not affine."""

    source: SSAValue
    indices: tuple[AffineExpr | None, ...]

    def uses(self, dim: int) -> bool:
        return any(index is None or dim in index.used_dims() for index in self.indices)

    def contiguous_along(self, dim: int) -> bool:
        """Whether consecutive values of `dim` read consecutive elements (or the same one)."""
        if not self.uses(dim):
            return True
        *outer, last = self.indices
        if any(index is None or dim in index.used_dims() for index in outer):
            return False
        if last is None:
            return False
        linear = linear_in(last, dim)
        return linear is not None and linear[0] == 1


@dataclass(frozen=True, eq=False)
class StageInfo:
    """A stage, its kind and the facts the rules use."""

    stage: ComputeOp
    kind: Kind
    reads: tuple[Read, ...]
    n_spatial: int
    extents: tuple[int, ...]
    """Spatial extents, then reduction extents (the order of the axes' dims)."""
    names: tuple[str, ...]
    lanes: int | None
    """Vector lanes for the element type, or None when it is not vectorized."""
    tensor_names: dict[SSAValue, str]
    """What schedules call each tensor the stage reads (a kernel argument or a stage)."""

    @property
    def name(self) -> str:
        return self.stage.stage.data

    @property
    def is_reduction(self) -> bool:
        return len(self.extents) > self.n_spatial

    def contiguous_along(self, dim: int) -> bool:
        return all(read.contiguous_along(dim) for read in self.reads)


def classify(stage: ComputeOp) -> StageInfo:
    """The kind of `stage` and what its reads look like (see the module docstring)."""
    args: list[SSAValue] = list(stage.body.block.args)
    n_spatial = len(stage.spatial_axes.data)
    extents = (*stage.spatial_extents(), *stage.reduce_extent_values())
    reads = tuple(
        Read(read.tensor, tuple(index_expr(index, args, extents) for index in read.indices))
        for read in stage.reads()
    )
    names = tuple(stage.axis_names())
    kind = _kind(reads, n_spatial, len(extents))
    lanes = _lanes(stage.element_type())
    return StageInfo(stage, kind, reads, n_spatial, extents, names, lanes, _tensor_names(stage))


def index_expr(
    value: SSAValue, axes: Sequence[SSAValue], extents: Sequence[int]
) -> AffineExpr | None:
    """`value` as an affine expression of `axes` (dim N = axes[N], in `[0, extents[N])`),
    or None when it is not one.

        (%o divsi 64) * 48 + %rc   ->   (d1 floordiv 64) * 48 + d4

    `divsi`/`remsi` round toward zero and `floordiv`/`mod` toward -inf, so a division is
    read only when its dividend is provably non-negative.
    """
    if value in axes:
        return AffineExpr.dimension(list(axes).index(value))
    op = value.owner
    if not isinstance(value.type, IndexType):
        return None
    if isinstance(op, arith.ConstantOp) and isinstance(op.value, IntegerAttr):
        return AffineExpr.constant(op.value.value.data)
    if not isinstance(op, _INDEX_OPS):
        return None
    lhs, rhs = index_expr(op.lhs, axes, extents), index_expr(op.rhs, axes, extents)
    if lhs is None or rhs is None:
        return None
    if isinstance(op, arith.DivSIOp | arith.RemSIOp):
        ranges = {n: (0, extent - 1) for n, extent in enumerate(extents)}
        reach = expr_range(lhs, ranges)
        if not isinstance(rhs, AffineConstantExpr) or rhs.value <= 0:
            return None
        if reach is None or reach[0] < 0:
            return None
        return lhs // rhs.value if isinstance(op, arith.DivSIOp) else lhs % rhs.value
    return affine_binary(op, lhs, rhs)


def _tensor_names(stage: ComputeOp) -> dict[SSAValue, str]:
    kernel = stage.parent_op()
    names: dict[SSAValue, str] = {}
    if kernel is None or not kernel.regions:
        return names
    block = kernel.regions[0].blocks.first
    if block is None:
        return names
    for index, arg in enumerate(block.args):
        names[arg] = tensor_name(arg, index)
    for op in block.ops:
        if isinstance(op, ComputeOp):
            names[op.result] = op.stage.data
    return names


def _kind(reads: tuple[Read, ...], n_spatial: int, n_axes: int) -> Kind:
    if n_spatial == n_axes:
        return Kind.STENCIL if _has_offsets(reads) else Kind.ELEMENTWISE
    spatial, reduce = set(range(n_spatial)), set(range(n_spatial, n_axes))
    for read in reads:
        for index in read.indices:
            if index is None:
                continue
            used = index.used_dims()
            if used & spatial and used & reduce:
                return Kind.CONVOLUTION
    if contraction_axes(reads, n_spatial, n_axes) is not None:
        return Kind.CONTRACTION
    return Kind.REDUCTION


def contraction_axes(
    reads: tuple[Read, ...], n_spatial: int, n_axes: int
) -> tuple[int, int] | None:
    """`(i, j)` of a matmul-like stage: C[.., i, j] = sum over k of A[.., i, k] * B[.., k, j].

    Two reads of plain axes; j is the innermost spatial axis and B's contiguous last index,
    not read by A; i is a spatial axis A reads and B does not; every reduction axis is read
    by both.
    """
    if len(reads) != 2 or n_spatial < 2:
        return None
    if any(not isinstance(index, AffineDimExpr) for read in reads for index in read.indices):
        return None
    j = n_spatial - 1
    a, b = (reads[1], reads[0]) if reads[0].uses(j) else (reads[0], reads[1])
    if a.uses(j) or not b.uses(j) or not b.contiguous_along(j):
        return None
    if any(not (a.uses(k) and b.uses(k)) for k in range(n_spatial, n_axes)):
        return None
    i = next((d for d in range(j - 1, -1, -1) if a.uses(d) and not b.uses(d)), None)
    return None if i is None else (i, j)


def _has_offsets(reads: tuple[Read, ...]) -> bool:
    """Whether some tensor is read at two different points (x[i - 1], x[i + 1]...)."""
    seen: dict[SSAValue, tuple[AffineExpr | None, ...]] = {}
    for read in reads:
        if any(_has_constant_term(index) for index in read.indices):
            return True
        if seen.setdefault(read.source, read.indices) != read.indices:
            return True
    return False


def _has_constant_term(index: AffineExpr | None) -> bool:
    """Whether `index` depends on some axis and adds a nonzero constant to it (i + 1)."""
    if index is None or not index.used_dims():
        return False
    zeros = [AffineExpr.constant(0)] * (max(index.used_dims()) + 1)
    at_origin = index.replace_dims_and_symbols(zeros, [])
    return isinstance(at_origin, AffineConstantExpr) and at_origin.value != 0


def _lanes(element: Attribute) -> int | None:
    if AnyFloatConstr.verifies(element) and str(element) in ("f32", "f64"):
        return VECTOR_BYTES * 8 // (32 if str(element) == "f32" else 64)
    if isa(element, IntegerType[int, Signedness]) and element.bitwidth in (8, 16, 32, 64):
        return VECTOR_BYTES * 8 // element.bitwidth
    return None
