"""te stages: `te.compute` defines a tensor element by element, from `te.read`s to a `te.yield`.

A stage lives in a `te.kernel` (`kernel.py`, which imports this module). Its axes are
named, and the index values of its body carry those names. Each op class below shows its
IR.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from xdsl.dialects.builtin import (
    AnyFloatConstr,
    ArrayAttr,
    DenseArrayBase,
    IndexType,
    IntegerType,
    StringAttr,
    TensorType,
    i64,
)
from xdsl.ir import Attribute, Block, BlockArgument, Operation, Region, SSAValue, TypedAttribute
from xdsl.irdl import (
    IRDLOperation,
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
from xdsl.traits import HasParent, IsTerminator, OpTrait, Pure, is_side_effect_free
from xdsl.utils.exceptions import VerifyException
from xdsl.utils.hints import isa

if TYPE_CHECKING:
    from dlir.dialects.te.kernel import KernelOp

COMBINERS = ("add", "mul", "max", "min")
"""The reduction combiners a te.compute may use; each is associative and commutative."""

# Axis names double as the names of the index block arguments, so they must be valid SSA
# names that xDSL keeps verbatim (it strips a trailing `_<digits>` from name hints).
_AXIS_NAME = re.compile(r"[A-Za-z_$.-][\w$.-]*")
_NAME_SUFFIX = re.compile(r"_\d+$")


def is_valid_axis_name(name: str) -> bool:
    """Whether `name` can name an axis (and the index value that stands for it)."""
    return _AXIS_NAME.fullmatch(name) is not None and _NAME_SUFFIX.search(name) is None


def is_scalar_type(t: Attribute) -> bool:
    """Whether `t` can be a tensor element computed by a stage: integer, index or float."""
    return isinstance(t, IntegerType | IndexType) or AnyFloatConstr.verifies(t)


def _kernel_op() -> type[KernelOp]:
    # `te.kernel` is defined in kernel.py, which imports this module for its stages.
    from dlir.dialects.te.kernel import KernelOp

    return KernelOp


def _stage_traits() -> tuple[OpTrait, ...]:
    return (HasParent(_kernel_op()), Pure())


@irdl_op_definition
class ComputeOp(IRDLOperation):
    """One stage: a tensor defined element by element, optionally reducing over axes.

        %C = te.compute "C" (%i: 64, %j: 16) reduce (%k: 32) combiner add init 0.000000e+00 : f32 {
          %a = te.read %A[%i, %k] : tensor<64x32xf32> -> f32
          %b = te.read %B[%k, %j] : tensor<32x16xf32> -> f32
          %p = arith.mulf %a, %b : f32
          te.yield %p : f32
        } : tensor<64x16xf32>

    Hand-written syntax (the entry block's arguments are the axis indices, named after
    their axes: spatial axes first, then reduction axes):

        te-compute  ::= `te.compute` string-literal axis-list
                        (`reduce` axis-list `combiner` bare-id `init` typed-attribute)?
                        (`attributes` attribute-dict)? region `:` tensor-type
        axis-list   ::= `(` (axis (`,` axis)*)? `)`
        axis        ::= percent-id `:` integer-literal

    The spatial extents must equal the result shape; the region has no `^bb0(...)` label.
    """

    name = "te.compute"

    stage = prop_def(StringAttr)
    spatial_axes = prop_def(ArrayAttr[StringAttr])
    reduce_axes = prop_def(ArrayAttr[StringAttr])
    reduce_extents = prop_def(DenseArrayBase.constr(i64))
    combiner = opt_prop_def(StringAttr)
    init = opt_prop_def(Attribute)

    result = result_def(TensorType)
    body = region_def("single_block")

    traits = lazy_traits_def(_stage_traits)

    def __init__(
        self,
        stage: str,
        spatial: Sequence[tuple[str, int]],
        element_type: Attribute,
        body: Region | None = None,
        *,
        reduce: Sequence[tuple[str, int]] = (),
        combiner: str | None = None,
        init: Attribute | None = None,
    ) -> None:
        axes = [*spatial, *reduce]
        if body is None:
            body = Region(Block(arg_types=[IndexType()] * len(axes)))
        for arg, (axis, _) in zip(body.block.args, axes, strict=False):
            if is_valid_axis_name(axis):
                arg.name_hint = axis
        properties: dict[str, Attribute | None] = {
            "stage": StringAttr(stage),
            "spatial_axes": ArrayAttr(StringAttr(a) for a, _ in spatial),
            "reduce_axes": ArrayAttr(StringAttr(a) for a, _ in reduce),
            "reduce_extents": DenseArrayBase.from_list(i64, [e for _, e in reduce]),
            "combiner": StringAttr(combiner) if combiner is not None else None,
            "init": init,
        }
        shape = [e for _, e in spatial]
        result_type = TensorType(element_type, shape)
        super().__init__(properties=properties, regions=[body], result_types=[result_type])

    def axis_names(self) -> list[str]:
        """Spatial axis names, then reduction axis names."""
        return [a.data for a in (*self.spatial_axes.data, *self.reduce_axes.data)]

    def spatial_extents(self) -> tuple[int, ...]:
        return tuple(self.result.type.get_shape())

    def reduce_extent_values(self) -> tuple[int, ...]:
        return self.reduce_extents.get_values()

    def element_type(self) -> Attribute:
        return self.result.type.get_element_type()

    def yield_op(self) -> YieldOp | None:
        last = self.body.block.last_op
        return last if isinstance(last, YieldOp) else None

    def reads(self) -> list[ReadOp]:
        """The te.read ops of the body, in order."""
        return [op for op in self.body.walk() if isinstance(op, ReadOp)]

    def verify_(self) -> None:
        if not is_scalar_type(self.element_type()):
            raise VerifyException(
                f"result element type {self.element_type()} is not a scalar "
                "(integer, index or float)"
            )
        self._verify_axes()
        self._verify_block_args()
        self._verify_reduction()
        self._verify_body()

    def _verify_axes(self) -> None:
        shape = self.spatial_extents()
        spatial = [a.data for a in self.spatial_axes.data]
        if len(spatial) != len(shape):
            raise VerifyException(
                f"{len(spatial)} spatial axes for a rank-{len(shape)} result "
                f"{self.result.type}; expected one axis per dimension"
            )
        extents = self.reduce_extent_values()
        if len(extents) != len(self.reduce_axes.data):
            raise VerifyException(
                f"{len(self.reduce_axes.data)} reduction axes but {len(extents)} extents"
            )
        seen: set[str] = set()
        named_extents = zip(self.axis_names(), (*shape, *extents), strict=True)
        for axis, extent in named_extents:
            if not is_valid_axis_name(axis):
                raise VerifyException(
                    f"axis name '{axis}' is not a valid index name: use letters, digits, "
                    "'_', '$', '.', '-', not starting with a digit nor ending in _<digits>"
                )
            if axis in seen:
                raise VerifyException(f"duplicate axis name '{axis}'")
            seen.add(axis)
            if extent <= 0:
                raise VerifyException(f"axis '{axis}' has extent {extent}; extents must be > 0")

    def _verify_block_args(self) -> None:
        names = self.axis_names()
        args = self.body.block.args
        if len(args) != len(names):
            raise VerifyException(
                f"expected {len(names)} index block arguments ({', '.join(names)}), "
                f"found {len(args)}"
            )
        for arg, axis in zip(args, names, strict=True):
            if not isinstance(arg.type, IndexType):
                raise VerifyException(
                    f"block argument for axis '{axis}' has type {arg.type}, expected index"
                )
            if arg.name_hint != axis:
                raise VerifyException(
                    f"block argument for axis '{axis}' is named %{arg.name_hint}; index "
                    "values carry their axis names"
                )

    def _verify_reduction(self) -> None:
        element = self.element_type()
        has_reduce = bool(self.reduce_axes.data)
        if has_reduce and (self.combiner is None or self.init is None):
            axes = ", ".join(a.data for a in self.reduce_axes.data)
            raise VerifyException(f"reduction axes ({axes}) need a combiner and an init value")
        if not has_reduce and (self.combiner is not None or self.init is not None):
            raise VerifyException("a combiner and init value are allowed only with reduction axes")
        if self.combiner is not None and self.combiner.data not in COMBINERS:
            raise VerifyException(
                f"unknown combiner '{self.combiner.data}'; expected one of {', '.join(COMBINERS)}"
            )
        if self.init is not None:
            init_type = self.init.get_type() if isinstance(self.init, TypedAttribute) else None
            if init_type != element:
                found = init_type if init_type is not None else f"attribute {self.init}"
                raise VerifyException(
                    f"init value has type {found}, expected the element type {element}"
                )

    def _verify_body(self) -> None:
        yield_op = self.yield_op()
        if yield_op is None:
            raise VerifyException("the body must end with te.yield")
        if yield_op.value.type != self.element_type():
            raise VerifyException(
                f"yielded type {yield_op.value.type} does not match the result element "
                f"type {self.element_type()}"
            )
        for op in self.body.walk():
            if not is_side_effect_free(op):
                raise VerifyException(
                    f"{op.name} has side effects; a stage body must be side-effect free"
                )
            for index, operand in enumerate(op.operands):
                if isinstance(op, ReadOp) and index == 0:
                    continue
                if not _defined_inside(operand, self):
                    raise VerifyException(
                        f"{op.name} uses a value defined outside the stage; read kernel "
                        "tensors with te.read"
                    )

    @classmethod
    def parse(cls, parser: Parser) -> ComputeOp:
        start = parser.pos
        stage = parser.parse_str_literal("stage name")
        spatial = _parse_axis_list(parser)
        reduce: list[tuple[Parser.Argument, int]] = []
        combiner: str | None = None
        init: Attribute | None = None
        if parser.parse_optional_keyword("reduce") is not None:
            reduce = _parse_axis_list(parser)
            parser.parse_keyword("combiner")
            combiner = parser.parse_identifier("combiner name")
            parser.parse_keyword("init")
            init = parser.parse_attribute()
        attrs = parser.parse_optional_attr_dict_with_keyword()
        region = parser.parse_region([arg for arg, _ in (*spatial, *reduce)])
        parser.parse_punctuation(":")
        pos = parser.pos
        result_type = parser.parse_type()
        if not isa(result_type, TensorType[Attribute]):
            parser.raise_error(f"expected a tensor type, found {result_type}", pos, parser.pos)
        shape = tuple(result_type.get_shape())
        extents = tuple(e for _, e in spatial)
        if shape != extents:
            # reported at the stage name, i.e. on the line of the op
            parser.raise_error(
                f"spatial extents {list(extents)} do not match the result shape {list(shape)}",
                start,
                start + 1,
            )
        op = ComputeOp(
            stage,
            [(arg.name.text[1:], e) for arg, e in spatial],
            result_type.get_element_type(),
            region,
            reduce=[(arg.name.text[1:], e) for arg, e in reduce],
            combiner=combiner,
            init=init,
        )
        if attrs is not None:
            op.attributes |= attrs.data
        return op

    def print(self, printer: Printer) -> None:
        # Each stage is its own naming scope: sibling stages may both call an axis `i`.
        printer.enter_scope()
        args = self.body.block.args
        n_spatial = len(self.spatial_axes.data)
        printer.print_string(" ")
        printer.print_string_literal(self.stage.data)
        printer.print_string(" ")
        _print_axis_list(printer, args[:n_spatial], self.spatial_extents())
        if self.reduce_axes.data:
            printer.print_string(" reduce ")
            _print_axis_list(printer, args[n_spatial:], self.reduce_extent_values())
            printer.print_string(" combiner ")
            printer.print_string(self.combiner.data if self.combiner is not None else "?")
            printer.print_string(" init ")
            printer.print_attribute(self.init if self.init is not None else StringAttr("?"))
        printer.print_op_attributes(self.attributes, print_keyword=True)
        printer.print_string(" ")
        printer.print_region(self.body, print_entry_block_args=False)
        printer.exit_scope()
        printer.print_string(" : ")
        printer.print_attribute(self.result.type)


def _defined_inside(value: SSAValue, op: Operation) -> bool:
    owner = value.owner
    parent = owner.parent_op()
    while parent is not None:
        if parent is op:
            return True
        parent = parent.parent_op()
    return False


def _parse_axis_list(parser: Parser) -> list[tuple[Parser.Argument, int]]:
    def parse_axis() -> tuple[Parser.Argument, int]:
        arg = parser.parse_argument(expect_type=False)
        parser.parse_punctuation(":")
        extent = parser.parse_integer(allow_boolean=False, context_msg="axis extent")
        return arg.resolve(IndexType()), extent

    return parser.parse_comma_separated_list(parser.Delimiter.PAREN, parse_axis)


def _print_axis_list(
    printer: Printer, args: Sequence[BlockArgument], extents: Sequence[int]
) -> None:
    def print_axis(pair: tuple[BlockArgument, int]) -> None:
        printer.print_ssa_value(pair[0])
        printer.print_string(f": {pair[1]}")

    printer.print_string("(")
    printer.print_list(list(zip(args, extents, strict=False)), print_axis)
    printer.print_string(")")


@irdl_op_definition
class ReadOp(IRDLOperation):
    """Read one element of a kernel argument or of an earlier stage's result.

        %a = te.read %A[%i, %k] : tensor<64x32xf32> -> f32
    """

    name = "te.read"

    tensor = operand_def(TensorType)
    indices = var_operand_def(IndexType)
    result = result_def()

    traits = traits_def(Pure())
    assembly_format = "$tensor `[` $indices `]` attr-dict `:` type($tensor) `->` type($result)"

    def __init__(self, tensor: SSAValue, indices: Sequence[SSAValue]) -> None:
        assert isa(tensor.type, TensorType[Attribute])
        element = tensor.type.get_element_type()
        super().__init__(operands=[tensor, indices], result_types=[element])

    def verify_(self) -> None:
        tensor_type = self.tensor.type
        assert isa(tensor_type, TensorType[Attribute])
        rank = len(tensor_type.get_shape())
        if len(self.indices) != rank:
            raise VerifyException(
                f"expected {rank} indices for {tensor_type}, found {len(self.indices)}"
            )
        element = tensor_type.get_element_type()
        if self.result.type != element:
            raise VerifyException(
                f"result type {self.result.type} does not match the element type {element}"
            )
        self._verify_source()

    def _verify_source(self) -> None:
        stage = self.parent_op()
        while stage is not None and not isinstance(stage, ComputeOp):
            stage = stage.parent_op()
        if stage is None:
            raise VerifyException("te.read must be inside a te.compute")
        kernel = stage.parent_op()
        if not isinstance(kernel, _kernel_op()):
            return  # HasParent on te.compute reports this
        owner = self.tensor.owner
        if isinstance(owner, Block):
            if owner is kernel.body.block:
                return
        elif isinstance(owner, ComputeOp) and owner.parent_op() is kernel:
            if owner is stage:
                raise VerifyException(f"stage '{stage.stage.data}' reads its own result")
            if owner.is_before_in_block(stage):
                return
            raise VerifyException(
                f"stage '{stage.stage.data}' reads stage '{owner.stage.data}', which comes "
                "after it; a stage may read only kernel arguments and earlier stages"
            )
        raise VerifyException(
            "reads a value that is neither a kernel argument nor an earlier stage's result"
        )


@irdl_op_definition
class YieldOp(IRDLOperation):
    """The value of a stage at the current coordinates (before combining, for reductions).

        te.yield %p : f32
    """

    name = "te.yield"

    value = operand_def()

    traits = traits_def(HasParent(ComputeOp), IsTerminator(), Pure())
    assembly_format = "$value attr-dict `:` type($value)"

    def __init__(self, value: SSAValue) -> None:
        super().__init__(operands=[value])
