"""llvm-dialect `ModuleOp` -> llvmlite `ir.Module`, reusing xDSL's `convert_module`.

    llvm.func @f(%p: !llvm.ptr {llvm.noalias}) { %v = llvm.load %p : !llvm.ptr -> vector<8xf32> ...
    ->  define void @f(ptr noalias %".1") { %".3" = load <8 x float>, ptr %".1", align 4 ...

xDSL converts 68 of the 72 llvm ops, with argument attributes, fastmath flags and explicit
`alignment`. What it gets wrong for us, fixed here after its conversion:

* A vector `llvm.load`/`llvm.store` without `alignment` gets no `align`, so LLVM assumes the
  ABI alignment of the vector (32 bytes for `<8 x float>`) and emits `vmovaps`, which faults on
  numpy arrays (16-byte aligned only, or offset views). We give such accesses the alignment of
  their element type instead (`align 4` for f32), which is always legal for a contiguous array
  of elements (`_ELEMENT_ALIGNED` below).
* Function-level attributes are dropped. We carry `passthrough = ["nounwind", ...]` string
  attributes onto the llvmlite function (`_copy_passthrough`).
"""
# llvmlite ships no type information: its members are Unknown to pyright (as Lark in dlir/parser).
# pyright: reportUnknownMemberType=false, reportUnknownVariableType=false, reportUnknownArgumentType=false, reportAttributeAccessIssue=false

from __future__ import annotations

import llvmlite.ir as ir
from xdsl.backend.llvm.convert import convert_module
from xdsl.dialects import llvm
from xdsl.dialects.builtin import ArrayAttr, ModuleOp, StringAttr


class TranslationError(Exception):
    """The module cannot be translated to LLVM IR (message says what and what is accepted)."""


def translate_module(module: ModuleOp, *, triple: str | None = None) -> ir.Module:
    """Translate `module`, whose top level holds only `llvm.func` and `llvm.mlir.global`."""
    for op in module.ops:
        if not isinstance(op, (llvm.FuncOp, llvm.GlobalOp)):
            raise TranslationError(
                f"cannot translate '{op.name}' to LLVM IR: the module's top level may hold only "
                "'llvm.func' and 'llvm.mlir.global' (lower the module to the llvm dialect first)"
            )
    try:
        result = convert_module(module, fallback_target_triple=triple)
    except (NotImplementedError, KeyError, ValueError, TypeError, AssertionError) as err:
        raise TranslationError(
            f"xDSL's llvm converter failed: {type(err).__name__}: {err}"
        ) from err
    _fix_vector_alignment(result)
    for op in module.ops:
        if isinstance(op, llvm.FuncOp):
            _copy_passthrough(op, result)
    return result


def _element_alignment(ty: ir.Type) -> int | None:
    """The byte alignment of one element of a vector type, or None for a non-vector type."""
    if not isinstance(ty, ir.VectorType):
        return None
    element = ty.element
    if isinstance(element, ir.IntType):
        return max(1, element.width // 8)
    sizes: dict[type, int] = {ir.HalfType: 2, ir.FloatType: 4, ir.DoubleType: 8}
    return sizes.get(type(element))


def _fix_vector_alignment(module: ir.Module) -> None:
    # load <8 x float>, ptr %p            ->  load <8 x float>, ptr %p, align 4
    # store <8 x float> %v, ptr %p        ->  store <8 x float> %v, ptr %p, align 4
    for function in module.functions:
        for block in function.blocks:
            for instr in block.instructions:
                if isinstance(instr, ir.LoadInstr) and instr.align is None:
                    align = _element_alignment(instr.type)
                elif isinstance(instr, ir.StoreInstr) and instr.align is None:
                    align = _element_alignment(instr.operands[0].type)
                else:
                    continue
                if align is not None:
                    instr.align = align


def _copy_passthrough(op: llvm.FuncOp, module: ir.Module) -> None:
    # llvm.func @f() attributes {passthrough = ["nounwind"]}  ->  define void @f() nounwind
    attr = op.attributes.get("passthrough")
    if attr is None:
        return
    if not isinstance(attr, ArrayAttr):
        raise TranslationError(
            f"@{op.sym_name.data}: 'passthrough' must be an array of strings, got {attr}"
        )
    function = module.get_global(op.sym_name.data)
    assert isinstance(function, ir.Function)
    for item in attr.data:
        if not isinstance(item, StringAttr):
            raise TranslationError(
                f"@{op.sym_name.data}: 'passthrough' entries must be strings like \"nounwind\", got {item}"
            )
        function.attributes.add(item.data)
