"""Loops and index arithmetic: `loop.for`, `loop.yield`, `loop.min`, `loop.max`."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from xdsl.builder import Builder
from xdsl.dialects.arith import ConstantOp
from xdsl.dialects.builtin import I64, IndexType, IntegerAttr
from xdsl.dialects.utils import EnumAttribute
from xdsl.ir import (
    Block,
    Operation,
    Region,
    SpacedOpaqueSyntaxAttribute,
    SSAValue,
)
from xdsl.irdl import (
    IRDLOperation,
    irdl_attr_definition,
    irdl_op_definition,
    lazy_traits_def,
    operand_def,
    opt_prop_def,
    prop_def,
    region_def,
    result_def,
    traits_def,
    var_operand_def,
)
from xdsl.parser import Parser
from xdsl.printer import Printer
from xdsl.rewriter import InsertPoint
from xdsl.traits import (
    HasParent,
    IsTerminator,
    Pure,
    RecursiveMemoryEffect,
    SingleBlockImplicitTerminator,
    ensure_terminator,
)
from xdsl.utils.exceptions import VerifyException
from xdsl.utils.str_enum import StrEnum


class LoopKind(StrEnum):
    """How the iterations of a `loop.for` are executed."""

    SERIAL = "serial"
    PARALLEL = "parallel"
    VECTORIZED = "vectorized"
    UNROLLED = "unrolled"


@irdl_attr_definition
class LoopKindAttr(EnumAttribute[LoopKind], SpacedOpaqueSyntaxAttribute):
    """The kind of a `loop.for`, in generic form `#loop<kind parallel>`."""

    name = "loop.kind"


def constant_index(value: SSAValue) -> int | None:
    """The value of `value` if an `arith.constant` defines it, else None."""
    owner = value.owner
    if isinstance(owner, ConstantOp) and isinstance(owner.value, IntegerAttr):
        return owner.value.value.data
    return None


@irdl_op_definition
class YieldOp(IRDLOperation):
    """Terminator of a `loop.for` body; omitted in the custom form of `loop.for`.

        loop.yield
    """

    name = "loop.yield"

    traits = lazy_traits_def(lambda: (IsTerminator(), HasParent(ForOp), Pure()))
    assembly_format = "attr-dict"


@irdl_op_definition
class ForOp(IRDLOperation):
    """A loop over `[lb, ub)` by `step` whose kind says how iterations run.

        loop.for %i = %c0 to %c1024 step %c64 parallel {
          loop.for %j = %c0 to %c64 step %c1 vectorized<8> { ... }
        }

    Custom syntax (the printer omits `serial`, the default, and the `loop.yield`):

        loop-for ::= `loop.for` ssa-id `=` ssa-use `to` ssa-use `step` ssa-use
                     loop-kind? region attr-dict?
        loop-kind ::= `serial` | `parallel` | `vectorized` `<` integer `>`
                    | `unrolled` (`<` integer `>`)?

    Bounds and step are `index` values; the body has one block whose only argument is the
    induction variable. `serial` runs in order; `parallel` iterations are independent and
    may run on different threads; `vectorized<W>` iterations are independent and run W at a
    time in SIMD lanes; `unrolled<F>` is to be unrolled by F, and `unrolled` fully (which
    needs constant bounds).
    """

    name = "loop.for"

    lb = operand_def(IndexType)
    ub = operand_def(IndexType)
    step = operand_def(IndexType)
    kind = prop_def(LoopKindAttr)
    vector_width = opt_prop_def(IntegerAttr[I64])
    unroll_factor = opt_prop_def(IntegerAttr[I64])
    body = region_def("single_block")

    traits = traits_def(SingleBlockImplicitTerminator(YieldOp), RecursiveMemoryEffect())

    KEYWORDS: ClassVar[tuple[str, ...]] = tuple(k.value for k in LoopKind)

    def __init__(
        self,
        lb: SSAValue | Operation,
        ub: SSAValue | Operation,
        step: SSAValue | Operation,
        body: Region | Block | None = None,
        kind: LoopKind = LoopKind.SERIAL,
        *,
        vector_width: int | None = None,
        unroll_factor: int | None = None,
    ):
        if body is None:
            body = Block([YieldOp()], arg_types=[IndexType()])
        if isinstance(body, Block):
            body = Region(body)
        super().__init__(
            operands=[lb, ub, step],
            properties={
                "kind": LoopKindAttr(kind),
                "vector_width": None if vector_width is None else IntegerAttr(vector_width, 64),
                "unroll_factor": (
                    None if unroll_factor is None else IntegerAttr(unroll_factor, 64)
                ),
            },
            regions=[body],
        )

    @classmethod
    def with_body(
        cls,
        lb: SSAValue | Operation,
        ub: SSAValue | Operation,
        step: SSAValue | Operation,
        body: Callable[[Builder, SSAValue], None],
        kind: LoopKind = LoopKind.SERIAL,
        *,
        vector_width: int | None = None,
        unroll_factor: int | None = None,
    ) -> ForOp:
        """A loop whose body `body(builder, i)` fills, in front of the `loop.yield`.

            ForOp.with_body(c0, c64, c1, lambda b, i: b.insert(StoreOp(x, buf, [i])))
        """
        op = cls(lb, ub, step, None, kind, vector_width=vector_width, unroll_factor=unroll_factor)
        terminator = op.body.block.last_op
        assert terminator is not None
        body(Builder(InsertPoint.before(terminator)), op.induction_var)
        return op

    @property
    def induction_var(self) -> SSAValue:
        """The body's block argument: the current iteration's index."""
        return self.body.block.args[0]

    @property
    def loop_kind(self) -> LoopKind:
        return self.kind.data

    def trip_count(self) -> int | None:
        """The number of iterations when bounds and step are constants, else None."""
        lb, ub, step = (constant_index(v) for v in (self.lb, self.ub, self.step))
        if lb is None or ub is None or step is None or step <= 0:
            return None
        return max(0, -(-(ub - lb) // step))

    def verify_(self) -> None:
        args = self.body.block.args
        if len(args) != 1 or not isinstance(args[0].type, IndexType):
            found = ", ".join(str(a.type) for a in args)
            raise VerifyException(
                f"expected one index block argument (the induction variable), found ({found})"
            )
        step = constant_index(self.step)
        if step is not None and step <= 0:
            raise VerifyException(f"step must be positive, found {step}")
        kind = self.kind.data
        width, factor = self.vector_width, self.unroll_factor
        if kind == LoopKind.VECTORIZED:
            if width is None:
                raise VerifyException("a vectorized loop needs a vector width")
            if width.value.data <= 0:
                raise VerifyException(f"vector width must be positive, found {width.value.data}")
        elif width is not None:
            raise VerifyException(
                f"only vectorized loops take a vector width, found one on a {kind} loop"
            )
        if kind == LoopKind.UNROLLED:
            if factor is not None and factor.value.data <= 0:
                raise VerifyException(f"unroll factor must be positive, found {factor.value.data}")
            if factor is None and self.trip_count() is None:
                raise VerifyException(
                    "a fully unrolled loop needs constant bounds and step (arith.constant)"
                )
        elif factor is not None:
            raise VerifyException(
                f"only unrolled loops take an unroll factor, found one on a {kind} loop"
            )

    def print(self, printer: Printer) -> None:
        printer.print_string(" ")
        printer.print_ssa_value(self.induction_var)
        printer.print_string(" = ")
        printer.print_ssa_value(self.lb)
        printer.print_string(" to ")
        printer.print_ssa_value(self.ub)
        printer.print_string(" step ")
        printer.print_ssa_value(self.step)
        kind = self.kind.data
        extras = self.vector_width is not None or self.unroll_factor is not None
        if kind != LoopKind.SERIAL or extras:
            printer.print_string(f" {kind.value}")
        if self.vector_width is not None:
            printer.print_string(f"<{self.vector_width.value.data}>")
        if self.unroll_factor is not None:
            printer.print_string(f"<{self.unroll_factor.value.data}>")
        printer.print_string(" ")
        printer.print_region(
            self.body,
            print_entry_block_args=False,
            print_empty_block=False,
            print_block_terminators=False,
        )
        printer.print_op_attributes(self.attributes)

    @classmethod
    def parse(cls, parser: Parser) -> ForOp:
        indvar = parser.parse_argument(expect_type=False)
        parser.parse_punctuation("=")
        lb = parser.parse_operand(IndexType())
        parser.parse_keyword("to")
        ub = parser.parse_operand(IndexType())
        parser.parse_keyword("step")
        step = parser.parse_operand(IndexType())
        keyword = parser.parse_optional_keyword_in(cls.KEYWORDS)
        kind = LoopKind.SERIAL if keyword is None else LoopKind(keyword)
        width: int | None = None
        factor: int | None = None
        if kind == LoopKind.VECTORIZED:
            parser.parse_punctuation("<", " before the vector width")
            width = parser.parse_integer(allow_boolean=False)
            parser.parse_punctuation(">", " after the vector width")
        if kind == LoopKind.UNROLLED and parser.parse_optional_punctuation("<") is not None:
            factor = parser.parse_integer(allow_boolean=False)
            parser.parse_punctuation(">", " after the unroll factor")
        region_pos = parser.pos
        body = parser.parse_region((indvar.resolve(IndexType()),))
        region_end = parser.pos
        attrs = parser.parse_optional_attr_dict()
        op = cls(lb, ub, step, body, kind, vector_width=width, unroll_factor=factor)
        op.attributes |= attrs
        for trait in op.get_traits_of_type(SingleBlockImplicitTerminator):
            try:
                ensure_terminator(op, trait)
            except VerifyException as err:
                parser.raise_error(str(err), region_pos, region_end)
        return op


class MinMaxOp(IRDLOperation):
    """Base of `loop.min` and `loop.max`: one index value out of two or more."""

    args = var_operand_def(IndexType)
    result = result_def(IndexType)

    traits = traits_def(Pure())
    assembly_format = "$args attr-dict"

    def __init__(self, *args: SSAValue | Operation):
        super().__init__(operands=[list(args)], result_types=[IndexType()])

    def verify_(self) -> None:
        if len(self.args) < 2:
            raise VerifyException(f"expected at least 2 operands, found {len(self.args)}")


@irdl_op_definition
class MinOp(MinMaxOp):
    """The smallest of two or more index values, e.g. the end of a partial tile.

        %end = loop.min %next, %n
    """

    name = "loop.min"


@irdl_op_definition
class MaxOp(MinMaxOp):
    """The largest of two or more index values.

        %start = loop.max %lo, %c0
    """

    name = "loop.max"
