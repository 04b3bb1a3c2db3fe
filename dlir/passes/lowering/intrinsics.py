"""`hw.call` and `loop.subview` to the llvm dialect (parts of loop-to-llvm).

    hw.call @gemm(%a, %b, %c) : (memref<256x6xf32, ...>, memref<256x16xf32, ...>,
                                 memref<6x16xf32, strided<[1024, 1], offset: ?>>) -> ()
    -> %ldc = llvm.mlir.constant(1024 : i64) : i64
       llvm.call @gemm_avx2(%a, %b, %c, %ldc) : (!llvm.ptr, !llvm.ptr, !llvm.ptr, i64) -> ()

    %t = loop.subview %C[%i * 6, %j * 16] : memref<1024x1024xf32> to memref<6x16xf32, strided<[1024, 1], offset: ?>>
    -> %o = (%i * 6) * 1024 + %j * 16 ; %t = llvm.getelementptr inbounds %C[%o] : (!llvm.ptr, i64) -> !llvm.ptr, f32

A call passes one pointer per buffer (its first element: a subview's GEP, an argument, an
allocation), then the static stride of each dimension where the behavior's stride is
dynamic, as the `hw` dialect's implementation ABI says. The intrinsic's target must be
this host's: a simulated target ("vta") has no native implementation, and the host must
have the intrinsic's features (e.g. avx2, fma). The `hw.intrinsic` ops go away once
every call is lowered; their implementations stay and are translated with the module.
"""

from __future__ import annotations

from xdsl.dialects import func, llvm
from xdsl.dialects.builtin import IntegerAttr, MemRefType, ModuleOp, i1, i8, i64
from xdsl.ir import Attribute, Operation, SSAValue
from xdsl.rewriter import InsertPoint, Rewriter
from xdsl.traits import SymbolTable
from xdsl.utils.exceptions import DiagnosticException
from xdsl.utils.hints import isa

from dlir.backends.llvm.jit import host_has_features
from dlir.dialects.hw import SIMULATED_TARGETS, CallOp, IntrinsicOp, dynamic_strides
from dlir.dialects.loop import SubviewOp
from dlir.passes.lowering.memory import linear_offset


def lower_intrinsic_calls(module: ModuleOp) -> None:
    """Replace every `hw.call` by a call of its implementation; drop the `hw.intrinsic`s."""
    for call in [op for op in module.walk() if isinstance(op, CallOp)]:
        intrinsic = SymbolTable.lookup_symbol(call, call.callee)
        assert isinstance(intrinsic, IntrinsicOp)  # hw.call's verifier checked it
        ops = _lower_call(call, intrinsic, module)
        Rewriter.replace_op(call, ops, [])
    for op in [op for op in module.ops if isinstance(op, IntrinsicOp)]:
        Rewriter.erase_op(op)


def _lower_call(call: CallOp, intrinsic: IntrinsicOp, module: ModuleOp) -> list[Operation]:
    # hw.call @k(%a, %c) -> %s = llvm.mlir.constant(ldc) ; llvm.call @impl(%a, %c, %s)
    name = intrinsic.sym_name.data
    target = intrinsic.target.data
    if target in SIMULATED_TARGETS:
        raise DiagnosticException(
            f"intrinsic @{name} targets {target}; run hw-inline or the {target} backend "
            f"(loop-to-llvm lowers only intrinsics with a native implementation)"
        )
    missing = [f for f in intrinsic.feature_names if not host_has_features(f)]
    if missing:
        raise DiagnosticException(
            f"intrinsic @{name} (target {target}) needs CPU features "
            f"{', '.join(intrinsic.feature_names)}; this host lacks {', '.join(missing)}"
        )
    assert intrinsic.implementation is not None  # the verifier demands one for this target
    impl_name = intrinsic.implementation.root_reference.data
    impl = SymbolTable.lookup_symbol(module, impl_name)
    ops: list[Operation] = []
    strides: list[SSAValue] = []
    for index, (buffer, behavior) in enumerate(
        zip(call.buffers, intrinsic.function_type.inputs.data, strict=True)
    ):
        assert isa(behavior, MemRefType[Attribute]) and isa(buffer.type, MemRefType[Attribute])
        dims = dynamic_strides(behavior)
        if dims and isinstance(impl, func.FuncOp):
            raise DiagnosticException(
                f"intrinsic @{name}: buffer {index} has dynamic strides, which a func.func "
                f"implementation cannot receive; implement it as an llvm.func (pointers, "
                f"then one i64 per dynamic stride)"
            )
        given = buffer.type.get_strides()
        for dim in dims:
            stride = None if given is None else given[dim]
            if stride is None:
                raise DiagnosticException(
                    f"hw.call @{name}: buffer {index} ({buffer.type}) has no static stride in "
                    f"dimension {dim}; loop-to-llvm passes static strides only (call the "
                    f"intrinsic on a loop.subview of a statically shaped buffer)"
                )
            constant = llvm.ConstantOp(IntegerAttr(stride, i64), i64)
            ops.append(constant)
            strides.append(constant.result)
    ops.append(llvm.CallOp(impl_name, *call.buffers, *strides))
    return ops


def lower_subviews(module: ModuleOp) -> None:
    """Replace every `loop.subview` by a GEP to its first element.

    Run after the accesses are lowered (they read the subviews' memref types) and before
    the allocations and functions are (a subview reads its source's type): all GEPs are
    built first, from the source types, then the results replaced.
    """
    views = [op for op in module.walk() if isinstance(op, SubviewOp)]
    geps: list[llvm.GEPOp] = []
    for view in views:
        source = view.source.type
        assert isa(source, MemRefType[Attribute])
        ops: list[Operation] = []
        offset = linear_offset(source, view.map.data.results, view.indices, ops)
        element = source.get_element_type()
        gep = llvm.GEPOp(
            view.source,
            [llvm.GEP_USE_SSA_VAL],
            i8 if element == i1 else element,  # an i1 is a byte in memory
            ssa_indices=[offset],
            inbounds=True,
        )
        Rewriter.insert_op([*ops, gep], InsertPoint.before(view))
        geps.append(gep)
    for view, gep in zip(views, geps, strict=True):
        view.result.replace_all_uses_with(gep.result)
        Rewriter.erase_op(view)
