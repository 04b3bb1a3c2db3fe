"""The `hw` dialect: hardware intrinsics, declared once and called on buffers.

An intrinsic (TVM's tensor intrinsic) pairs a *behavior*, loop IR over its operand
buffers saying what it computes, with an *implementation* for a target: a `func.func` or
`llvm.func` in the same module. Tensorization matches a loop nest against the behavior
and replaces it with an `hw.call`; loop-to-llvm turns the call into a call of the
implementation (`dlir/passes/lowering/intrinsics.py`).

    hw.intrinsic @gemm_6x16(%a: memref<4x6xf32, strided<[6, 1], offset: ?>>,
                            %b: memref<4x16xf32, strided<[16, 1], offset: ?>>,
                            %c: memref<6x16xf32, strided<[?, 1], offset: ?>>)
        attributes {features = ["avx2", "fma"], implementation = @gemm_6x16_avx2,
                    num_outputs = 1 : i64, target = "x86-avx2-fma"} {
      ...loop IR over %a, %b, %c...
      hw.return
    }
    llvm.func internal @gemm_6x16_avx2(%a: !llvm.ptr, %b: !llvm.ptr, %c: !llvm.ptr, %ldc: i64) {...}
    hw.call @gemm_6x16(%x, %y, %z) : (memref<4x6xf32>, memref<4x16xf32>,
                                      memref<6x16xf32, strided<[1024, 1], offset: ?>>) -> ()

Buffer matching: an `hw.call` operand matches a behavior buffer when shape, element type
and memory space are equal and, dimension by dimension, the behavior's stride is dynamic
(`?`: any stride) or equal to the operand's static stride. Offsets never count: a buffer is
passed as a pointer to its first element.

Implementation ABI (`llvm.func`): one `!llvm.ptr` per buffer, pointing at the buffer's
first element, then one `i64` per dynamic stride of the behavior's buffers, buffer by
buffer, outer dimension first (above: `%ldc`, the row stride of `%c`). A `func.func`
implementation takes the behavior's memref types instead, and no stride arguments.
"""

from __future__ import annotations

from collections.abc import Sequence

from xdsl.dialects import func, llvm
from xdsl.dialects.builtin import (
    ArrayAttr,
    FlatSymbolRefAttrConstr,
    IntegerAttr,
    MemRefType,
    NoneAttr,
    StringAttr,
    SymbolRefAttr,
    i64,
)
from xdsl.ir import Attribute, Block, BlockArgument, Dialect, Operation, Region, SSAValue
from xdsl.irdl import (
    IRDLOperation,
    attr_def,
    irdl_op_definition,
    lazy_traits_def,
    opt_attr_def,
    prop_def,
    region_def,
    traits_def,
    var_operand_def,
)
from xdsl.traits import (
    HasParent,
    IsolatedFromAbove,
    IsTerminator,
    MemoryReadEffect,
    MemoryWriteEffect,
    Pure,
    SymbolOpInterface,
    SymbolTable,
    SymbolUserOpInterface,
)
from xdsl.utils.exceptions import VerifyException
from xdsl.utils.hints import isa

from dlir.dialects.func_like import BufferFuncOp, buffer_func_properties

SIMULATED_TARGETS = ("vta",)
"""Targets run by a simulator from the behavior alone: their intrinsics need no
implementation."""


def _lookup(op: Operation, name: SymbolRefAttr) -> Operation | None:
    try:
        return SymbolTable.lookup_symbol(op, name)
    except ValueError:  # no enclosing symbol table
        raise VerifyException(
            f"cannot resolve @{name.root_reference.data}: not inside a symbol table"
        ) from None


def _describe_memref(type: MemRefType) -> tuple[str, str, str]:
    """Shape, element type and memory space of `type`, as they appear in messages."""
    shape = "x".join("?" if d < 0 else str(d) for d in type.get_shape()) or "scalar"
    space = "none" if isinstance(type.memory_space, NoneAttr) else str(type.memory_space)
    return shape, str(type.get_element_type()), space


def dynamic_strides(type: MemRefType) -> tuple[int, ...]:
    """The dimensions of `type` whose stride is dynamic (`?`), outer first: each is one
    `i64` argument of an `llvm.func` implementation."""
    strides = type.get_strides()
    if strides is None:
        return ()
    return tuple(dim for dim, stride in enumerate(strides) if stride is None)


def _describe_strides(strides: Sequence[int | None] | None) -> str:
    if strides is None:
        return "no strided layout"
    return "[" + ", ".join("?" if s is None else str(s) for s in strides) + "]"


def _check_strides(index: int, found: MemRefType, expected: MemRefType) -> None:
    """Each static stride of `expected` equals `found`'s (a dynamic one accepts any)."""
    want, have = expected.get_strides(), found.get_strides()
    if want is None or have is None or len(want) != len(have):
        raise VerifyException(
            f"buffer {index} layout differs: expected strides {_describe_strides(want)}, "
            f"found {_describe_strides(have)}"
        )
    for w, h in zip(want, have, strict=True):
        if w is not None and w != h:
            raise VerifyException(
                f"buffer {index} strides differ: expected {_describe_strides(want)}, found "
                f"{_describe_strides(have)} (a static stride must be equal; ? accepts any)"
            )


def _check_buffer(index: int, found: Attribute, expected: MemRefType, what: str) -> None:
    """Check that `found` matches `expected` in shape, element type and memory space."""
    if not isa(found, MemRefType):
        raise VerifyException(f"{what} {index} must be a memref, found {found}")
    (shape, element, space), (eshape, eelement, espace) = (
        _describe_memref(found),
        _describe_memref(expected),
    )
    if shape != eshape:
        raise VerifyException(f"{what} {index} shape differs: expected {eshape}, found {shape}")
    if element != eelement:
        raise VerifyException(
            f"{what} {index} element type differs: expected {eelement}, found {element}"
        )
    if space != espace:
        raise VerifyException(
            f"{what} {index} memory space differs: expected {espace}, found {space}"
        )


class _ImplementationUser(SymbolUserOpInterface):
    """An intrinsic's implementation exists and takes one argument per buffer."""

    def verify(self, op: Operation) -> None:
        assert isinstance(op, IntrinsicOp)
        if op.implementation is None:
            return
        name = op.implementation
        impl = _lookup(op, name)
        if impl is None:
            raise VerifyException(f"implementation {name} not found in the symbol table")
        buffers = op.function_type.inputs.data
        if isinstance(impl, func.FuncOp):
            args: Sequence[Attribute] = impl.function_type.inputs.data
        elif isinstance(impl, llvm.FuncOp):
            args = impl.function_type.inputs.data
        else:
            raise VerifyException(
                f"implementation {name} must be a func.func or llvm.func, found {impl.name}"
            )
        if isinstance(impl, llvm.FuncOp):
            _check_llvm_abi(name, args, buffers)
            return
        if len(args) != len(buffers):
            raise VerifyException(
                f"implementation {name} takes {len(args)} arguments, expected {len(buffers)} "
                f"(one per behavior buffer)"
            )
        for index, (arg, buffer) in enumerate(zip(args, buffers, strict=True)):
            if isa(buffer, MemRefType):  # otherwise the intrinsic's own verifier reports it
                _check_buffer(index, arg, buffer, "implementation argument")


def _check_llvm_abi(name: SymbolRefAttr, args: Sequence[Attribute], buffers: Sequence[Attribute]):
    """One `!llvm.ptr` per buffer, then one `i64` per dynamic stride (see the module)."""
    strides = sum(len(dynamic_strides(b)) for b in buffers if isa(b, MemRefType))
    expected = len(buffers) + strides
    if len(args) != expected:
        raise VerifyException(
            f"implementation {name} takes {len(args)} arguments, expected {expected} "
            f"(one !llvm.ptr per behavior buffer, then one i64 per dynamic stride: {strides})"
        )
    for index, arg in enumerate(args[: len(buffers)]):
        if not isinstance(arg, llvm.LLVMPointerType):
            raise VerifyException(
                f"implementation argument {index} must be !llvm.ptr "
                f"(a bare pointer to buffer {index}), found {arg}"
            )
    for index, arg in enumerate(args[len(buffers) :], start=len(buffers)):
        if arg != i64:
            raise VerifyException(
                f"implementation argument {index} must be i64 (a dynamic stride), found {arg}"
            )


@irdl_op_definition
class ReturnOp(IRDLOperation):
    """Terminator of an `hw.intrinsic` behavior.

    hw.return
    """

    name = "hw.return"

    traits = lazy_traits_def(lambda: (IsTerminator(), HasParent(IntrinsicOp), Pure()))
    assembly_format = "attr-dict"


@irdl_op_definition
class IntrinsicOp(BufferFuncOp):
    """Declare a hardware intrinsic: its behavior as loop IR, its target and implementation.

        hw.intrinsic @fill_acc(%acc: memref<16x16xi32, "acc">)
            attributes {num_outputs = 1 : i64, target = "vta"} { ... hw.return }

    It prints exactly like `func.func` (no result types; the syntax is `BufferFuncOp`'s,
    in `func_like.py`). The block arguments are the operand buffers, statically shaped
    memrefs whose layout (strides) and memory space (scope) are part of the contract;
    the last `num_outputs` are written. Attributes:
    `target` (e.g. "x86-avx2-fma", "vta"), `features` (required target features),
    `implementation` (a `func.func` taking one memref per buffer, or an `llvm.func` with
    the ABI of the module docstring: pointers, then dynamic strides), optional for
    simulated targets.
    """

    name = "hw.intrinsic"

    body = region_def("single_block")
    target = attr_def(StringAttr)
    features = opt_attr_def(ArrayAttr[StringAttr])
    implementation = opt_attr_def(FlatSymbolRefAttrConstr)

    traits = traits_def(IsolatedFromAbove(), SymbolOpInterface(), _ImplementationUser())

    def __init__(
        self,
        name: str,
        buffers: Sequence[Attribute],
        num_outputs: int,
        target: str,
        *,
        features: Sequence[str] = (),
        implementation: str | None = None,
        body: Region | None = None,
    ):
        if body is None:
            body = Region(Block([ReturnOp()], arg_types=buffers))
        attributes: dict[str, Attribute] = {
            "target": StringAttr(target),
            "num_outputs": IntegerAttr(num_outputs, 64),
        }
        if features:
            attributes["features"] = ArrayAttr(StringAttr(f) for f in features)
        if implementation is not None:
            attributes["implementation"] = SymbolRefAttr(implementation)
        super().__init__(
            properties=buffer_func_properties(name, buffers),
            attributes=attributes,
            regions=[body],
        )

    @property
    def buffers(self) -> tuple[BlockArgument, ...]:
        """The behavior's operand buffers."""
        return self.body.block.args

    @property
    def feature_names(self) -> tuple[str, ...]:
        return () if self.features is None else tuple(f.data for f in self.features.data)

    def verify_(self) -> None:
        self.verify_signature("outputs are buffers", "behavior")
        types = self.function_type.inputs.data
        if not types:
            raise VerifyException("the behavior has no buffer arguments")
        for index, type in enumerate(types):
            if not isa(type, MemRefType) or not type.has_static_shape():
                raise VerifyException(
                    f"behavior argument {index} must be a statically shaped memref, found {type}"
                )
        count = self.num_outputs.value.data
        if not 1 <= count <= len(types):
            raise VerifyException(
                f"num_outputs = {count} is out of range: expected 1 to {len(types)}"
            )
        target = self.target.data
        if not target:
            raise VerifyException("target must not be empty")
        if self.implementation is None and target not in SIMULATED_TARGETS:
            raise VerifyException(
                f"target '{target}' is not simulated ({', '.join(SIMULATED_TARGETS)}), "
                f"so the intrinsic needs an implementation"
            )
        if any(not f for f in self.feature_names):
            raise VerifyException("target features must be non-empty strings")


class _IntrinsicUser(SymbolUserOpInterface):
    """An `hw.call`'s buffers match the intrinsic's behavior arguments."""

    def verify(self, op: Operation) -> None:
        assert isinstance(op, CallOp)
        intrinsic = _lookup(op, op.callee)
        if intrinsic is None:
            raise VerifyException(f"intrinsic {op.callee} not found in the symbol table")
        if not isinstance(intrinsic, IntrinsicOp):
            raise VerifyException(f"{op.callee} is a {intrinsic.name}, not an hw.intrinsic")
        expected = intrinsic.function_type.inputs.data
        if len(op.buffers) != len(expected):
            raise VerifyException(
                f"buffer count differs from intrinsic {op.callee}: "
                f"expected {len(expected)}, found {len(op.buffers)}"
            )
        for index, (buffer, type) in enumerate(zip(op.buffers, expected, strict=True)):
            if isa(type, MemRefType):  # otherwise the intrinsic's own verifier reports it
                _check_buffer(index, buffer.type, type, "buffer")
                assert isa(buffer.type, MemRefType)
                _check_strides(index, buffer.type, type)


@irdl_op_definition
class CallOp(IRDLOperation):
    """Run an intrinsic on buffers (or sub-buffers) matching its behavior's arguments.

        hw.call @gemm_6x16(%a, %b, %c) : (memref<6x4xf32>, memref<4x16xf32>, memref<6x16xf32>) -> ()

    Shapes, element types and memory spaces must equal the behavior's; each static stride
    of the behavior must equal the buffer's, a dynamic one (`?`) accepts any. Offsets may
    differ (a sub-buffer of a larger memref is fine).
    """

    name = "hw.call"

    callee = prop_def(FlatSymbolRefAttrConstr)
    buffers = var_operand_def(MemRefType)

    traits = traits_def(_IntrinsicUser(), MemoryReadEffect(), MemoryWriteEffect())
    assembly_format = "$callee `(` $buffers `)` attr-dict `:` `(` type($buffers) `)` `->` `(` `)`"

    def __init__(self, callee: str, buffers: Sequence[SSAValue | Operation]):
        super().__init__(operands=[buffers], properties={"callee": SymbolRefAttr(callee)})


HW = Dialect("hw", [IntrinsicOp, ReturnOp, CallOp])
