"""Custom forms of `llvm.func`, `llvm.call`, `llvm.mlir.global` and `llvm.inline_asm`.

    llvm.func [linkage] [cconv] [hidden|protected] [local_unnamed_addr|unnamed_addr] @f(%a: i32 {attrs}, ...) -> (i32 {attrs}) [attributes {...}] [{ body }]
    llvm.func @decl(i32, ...) -> i64
    %r = llvm.call [cconv] [tail|musttail|notail] @f(%a) [vararg(!llvm.func<i32 (i32, ...)>)] {attrs} : (i32) -> i32
    %r = llvm.call %fptr(%a) : !llvm.ptr, (i32) -> i32
    llvm.mlir.global [linkage] [thread_local] [unnamed_addr|local_unnamed_addr] [constant] @g(value) {attrs} : type [{ initializer }]
    %r = llvm.inline_asm [has_side_effects] [is_align_stack] [asm_dialect = att|intel] [tail_call_kind = <tail>] "asm", "constraints" %a, %b {attrs} : (i32, i32) -> i32

The keyword order is xDSL's (MLIR 22 puts the calling convention of llvm.func after
visibility and unnamed_addr). As in xDSL, llvm.func's `attributes {...}` all stay
discardable attributes, even names that are properties (`target_cpu`, ...), and a global's
`addr_space`, `alignment`, `section` and `dso_local` entries become properties.
"""

# pyright: reportUnknownMemberType=false, reportUnknownVariableType=false, reportUnknownArgumentType=false, reportMissingTypeStubs=false
from __future__ import annotations

from typing import Any

from lark import Token
from xdsl.dialects import llvm
from xdsl.dialects.builtin import (
    ArrayAttr,
    DenseArrayBase,
    DictionaryAttr,
    FunctionType,
    IntegerAttr,
    IntegerType,
    StringAttr,
    SymbolRefAttr,
    i32,
)
from xdsl.dialects.llvm import (
    CallingConventionAttr,
    FastMathAttr,
    LinkageAttr,
    LLVMArrayType,
    LLVMFunctionType,
    TailCallKind,
    TailCallKindAttr,
)
from xdsl.ir import Attribute, Operation, Region, SSAValue, TypedAttribute

from dlir.parser.core_forms import func_result, func_results
from dlir.parser.custom._util import flag, present, token
from dlir.parser.plugin import Argument, CustomForm
from dlir.parser.state import ParseState

_LINKAGES = ' | '.join(f'"{k}"' for k in (
    "private", "internal", "available_externally", "linkonce", "weak", "common", "appending",
    "extern_weak", "linkonce_odr", "weak_odr", "external",
))  # fmt: skip
# xDSL's LLVM_CALLING_CONVS, less "cc 10" / "cc 11" (two words: xDSL cannot parse them).
_CCONVS = ' | '.join(f'"{c}"' for c in (
    "ccc", "fastcc", "coldcc", "webkit_jscc", "anyregcc", "preserve_mostcc", "preserve_allcc",
    "cxx_fast_tlscc", "tailcc", "swiftcc", "swifttailcc", "cfguard_checkcc",
))  # fmt: skip

FUNC_GRAMMAR = f"""
llvm_func: llvm_func_header [region]
llvm_func_header: OP_LLVM_FUNC [llvm_func_linkage] [llvm_func_cconv] [llvm_func_visibility] [llvm_func_unnamed_addr] SYMBOL "(" [llvm_func_arg ("," llvm_func_arg)*] ")" ["->" llvm_func_results] [attr_dict_kw]
!llvm_func_linkage: {_LINKAGES}
!llvm_func_cconv: {_CCONVS}
!llvm_func_visibility: "hidden" | "protected"
!llvm_func_unnamed_addr: "local_unnamed_addr" | "unnamed_addr"
llvm_func_arg: arg | type [attr_dict] [location] | llvm_func_vararg
llvm_func_vararg: "..."
llvm_func_results: non_fn_type | "(" [llvm_func_result ("," llvm_func_result)*] ")"
llvm_func_result: type [attr_dict]
"""

CALL_GRAMMAR = f"""
llvm_call: OP_LLVM_CALL [llvm_call_cconv] [llvm_call_tail] llvm_call_callee "(" [value_list] ")" ["vararg" "(" type ")"] [attr_dict] ":" [non_fn_type ","] fn_type
!llvm_call_cconv: {_CCONVS}
!llvm_call_tail: "tail" | "musttail" | "notail"
llvm_call_callee: SYMBOL | VALUE_ID
"""

GLOBAL_GRAMMAR = f"""
llvm_mlir_global: OP_LLVM_MLIR_GLOBAL [llvm_mlir_global_linkage] [llvm_mlir_global_thread_local] [llvm_mlir_global_unnamed_addr] [llvm_mlir_global_constant] SYMBOL "(" [attribute] ")" [attr_dict] [":" type [region]]
!llvm_mlir_global_linkage: {_LINKAGES}
llvm_mlir_global_thread_local: "thread_local"
!llvm_mlir_global_unnamed_addr: "local_unnamed_addr" | "unnamed_addr"
llvm_mlir_global_constant: "constant"
"""

INLINE_ASM_GRAMMAR = """
llvm_inline_asm: OP_LLVM_INLINE_ASM [llvm_inline_asm_side_effects] [llvm_inline_asm_align_stack] ["asm_dialect" "=" BARE_ID] ["tail_call_kind" "=" ANGLE_BODY] STRING "," STRING [value_list] [attr_dict] ":" fn_type
llvm_inline_asm_side_effects: "has_side_effects"
llvm_inline_asm_align_stack: "is_align_stack"
"""

_FUNC_RESERVED = (
    "sym_name",
    "function_type",
    "arg_attrs",
    "res_attrs",
    "linkage",
    "CConv",
    "visibility_",
    "unnamed_addr",
)
_VISIBILITY = {"hidden": 1, "protected": 2}
_UNNAMED_ADDR = {"local_unnamed_addr": 1, "unnamed_addr": 2}

# ------------------------------------------------------------------ llvm.func


class _Vararg:
    """The `...` of a variadic signature."""


_VARARG = _Vararg()


def _vararg(p: ParseState) -> _Vararg:
    return _VARARG


def _func_arg(
    p: ParseState, first: Any, attrs: Any = None, loc: Any = None
) -> Argument | Attribute | _Vararg:
    return first


_Header = tuple[Token, dict[str, Any]]


def _func_header(
    p: ParseState,
    name: Token,
    linkage: Token | None,
    cconv: Token | None,
    visibility: Token | None,
    unnamed_addr: Token | None,
    sym: Token,
    *rest: Any,
) -> _Header:
    *raw_args, raw_results, attrs = rest
    items: list[Argument | Attribute | _Vararg] = present(raw_args)
    variadic = bool(items) and items[-1] is _VARARG
    if variadic:
        items.pop()
    if any(item is _VARARG for item in items):
        raise p.error("'...' must be the last argument", sym)
    named = [a for a in items if isinstance(a, Argument)]
    if named and len(named) != len(items):
        raise p.error("Expected all arguments to be named or all arguments to be unnamed.", sym)
    inputs = [a.type if isinstance(a, Argument) else a for a in items if not isinstance(a, _Vararg)]
    if named:
        p.set_entry_args(named)
    results: list[tuple[Attribute, dict[str, Attribute]]] = raw_results or []
    if len(results) > 1:
        raise p.error("llvm.func only supports a single return type (or void)", sym)
    output = results[0][0] if results else llvm.LLVMVoidType()
    # The same property order as xDSL's parser (arg_attrs, res_attrs, unnamed_addr), so
    # that the generic form prints identically.
    props: dict[str, Attribute | None] = {}
    if any(a.attrs for a in named):
        props["arg_attrs"] = ArrayAttr(DictionaryAttr(a.attrs or {}) for a in named)
    if any(r[1] for r in results):
        props["res_attrs"] = ArrayAttr(DictionaryAttr(r[1]) for r in results)
    props["unnamed_addr"] = IntegerAttr(_UNNAMED_ADDR.get(str(unnamed_addr), 0), 64)
    for key in _FUNC_RESERVED:
        if attrs is not None and key in attrs:
            raise p.error(
                f"attribute '{key}' is defined by the function syntax; remove it from 'attributes'",
                sym,
            )
    return name, {
        "sym_name": p.symbol_name(sym),
        "function_type": LLVMFunctionType(inputs, output, variadic),
        "linkage": LinkageAttr(str(linkage) if linkage is not None else "external"),
        "cconv": CallingConventionAttr(str(cconv) if cconv is not None else "ccc"),
        "visibility": _VISIBILITY.get(str(visibility), 0),
        "other_props": props,
        "extra_attrs": attrs or None,
    }


def _func(p: ParseState, header: _Header, body: Region | None) -> Operation:
    name, fields = header
    if body is None:
        p.pending_args = None  # a declaration: the named arguments open no region
    op = llvm.FuncOp(body=body, **fields)
    return p.located(op, name)


# ------------------------------------------------------------------ llvm.call


def _callee(p: ParseState, tok: Token) -> Token:
    return tok


def _call(
    p: ParseState,
    name: Token,
    cconv: Token | None,
    tail: Token | None,
    callee: Token,
    args: list[Token] | None,
    var_callee_type: Attribute | None,
    attrs: dict[str, Attribute] | None,
    callee_type: Attribute | None,
    fn: FunctionType,
) -> Operation:
    extra = dict(attrs or {})
    operands: list[SSAValue] = []
    indirect = callee.type == "VALUE_ID"
    if indirect:
        if callee_type is None:
            raise p.error(
                "an indirect call needs the callee's type: ': !llvm.ptr, (...) -> ...'", callee
            )
        operands.append(p.use(callee, callee_type))
    elif callee_type is not None:
        raise p.error("a direct call takes only a function type after ':'", callee)
    operands += p.uses(args or [], fn.inputs.data, name)
    fastmath = extra.pop("fastmathFlags", FastMathAttr("none"))
    if not isinstance(fastmath, FastMathAttr):
        raise p.error(f"expected #llvm.fastmath<...> for 'fastmathFlags', got {fastmath}", name)
    props: dict[str, Attribute] = {
        "fastmathFlags": fastmath,
        "CConv": CallingConventionAttr(str(cconv) if cconv is not None else "ccc"),
        "TailCallKind": TailCallKindAttr(
            TailCallKind(str(tail)) if tail is not None else TailCallKind.NONE
        ),
        "op_bundle_sizes": DenseArrayBase.from_list(i32, ()),
        "operandSegmentSizes": DenseArrayBase.from_list(i32, [len(operands), 0]),
    }
    if not indirect:
        props["callee"] = SymbolRefAttr(p.symbol_name(callee))
    if var_callee_type is not None:
        props["var_callee_type"] = var_callee_type
    op = llvm.CallOp.create(
        operands=operands, properties=props, result_types=fn.outputs.data, attributes=extra
    )
    return p.located(op, name)


# ------------------------------------------------------------------ llvm.mlir.global


def _global(
    p: ParseState, name: Token, linkage: Token | None, thread_local: bool | None, *rest: Any
) -> Operation:
    unnamed_addr, constant, sym, value, attrs, global_type, body = rest
    extra: dict[str, Attribute] = dict(attrs or {})
    if global_type is None:
        if isinstance(value, StringAttr):
            global_type = LLVMArrayType(len(value.data), IntegerType(8))
        elif isinstance(value, TypedAttribute):
            global_type = value.get_type()
        else:
            raise p.error("expected `:` followed by global type", sym)
    addr_space = extra.pop("addr_space", IntegerAttr(0, 32))
    alignment = extra.pop("alignment", None)
    section = extra.pop("section", None)
    if not isinstance(addr_space, IntegerAttr) or not isinstance(alignment, IntegerAttr | None):
        raise p.error("expected integer 'addr_space' and 'alignment'", sym)
    if not isinstance(section, StringAttr | None):
        raise p.error(f"expected a string 'section', got {section}", sym)
    op = llvm.GlobalOp(
        global_type=global_type,
        sym_name=p.symbol_name(sym),
        linkage=str(linkage) if linkage is not None else "external",
        addr_space=addr_space.value.data,
        constant=bool(constant),
        dso_local=extra.pop("dso_local", None) is not None,
        thread_local_=bool(thread_local),
        value=value,
        alignment=alignment.value.data if alignment is not None else None,
        unnamed_addr=_UNNAMED_ADDR[str(unnamed_addr)] if unnamed_addr is not None else None,
        section=section,
        body=body,
    )
    op.attributes |= extra
    return p.located(op, name)


# ------------------------------------------------------------------ llvm.inline_asm


def _inline_asm(
    p: ParseState,
    name: Token,
    side_effects: bool | None,
    align_stack: bool | None,
    dialect: Token | None,
    tail_kind: Token | None,
    asm: Token,
    constraints: Token,
    operands: list[Token] | None,
    attrs: dict[str, Attribute] | None,
    fn: FunctionType,
) -> Operation:
    asm_dialect = None
    if dialect is not None:
        dialects = {keyword: key for key, keyword in llvm.ASM_DIALECT_NAME_BY_KEY.items()}
        if str(dialect) not in dialects:
            raise p.error("Expected one of 'att', 'intel' after 'asm_dialect ='", dialect)
        asm_dialect = dialects[str(dialect)]
    kind = TailCallKindAttr(TailCallKind.NONE)
    if tail_kind is not None:
        text = str(tail_kind)[1:-1].strip()
        try:
            kind = TailCallKindAttr(TailCallKind(text))
        except ValueError:
            raise p.error(f"unknown tail call kind '{text}'", tail_kind) from None
    op = llvm.InlineAsmOp(
        p.string(asm),
        p.string(constraints),
        p.uses(operands or [], fn.inputs.data, name),
        fn.outputs.data,
        asm_dialect=asm_dialect,
        has_side_effects=bool(side_effects),
        is_align_stack=bool(align_stack),
        tail_call_kind=kind,
    )
    op.attributes |= attrs or {}
    return p.located(op, name)


FORMS: tuple[CustomForm, ...] = (
    CustomForm(
        "llvm.func",
        "llvm_func",
        FUNC_GRAMMAR,
        {
            "llvm_func": _func,
            "llvm_func_header": _func_header,
            "llvm_func_linkage": token,
            "llvm_func_cconv": token,
            "llvm_func_visibility": token,
            "llvm_func_unnamed_addr": token,
            "llvm_func_arg": _func_arg,
            "llvm_func_vararg": _vararg,
            "llvm_func_results": func_results,
            "llvm_func_result": func_result,
        },
    ),
    CustomForm(
        "llvm.call",
        "llvm_call",
        CALL_GRAMMAR,
        {
            "llvm_call": _call,
            "llvm_call_cconv": token,
            "llvm_call_tail": token,
            "llvm_call_callee": _callee,
        },
    ),
    CustomForm(
        "llvm.mlir.global",
        "llvm_mlir_global",
        GLOBAL_GRAMMAR,
        {
            "llvm_mlir_global": _global,
            "llvm_mlir_global_linkage": token,
            "llvm_mlir_global_thread_local": flag,
            "llvm_mlir_global_unnamed_addr": token,
            "llvm_mlir_global_constant": flag,
        },
    ),
    CustomForm(
        "llvm.inline_asm",
        "llvm_inline_asm",
        INLINE_ASM_GRAMMAR,
        {
            "llvm_inline_asm": _inline_asm,
            "llvm_inline_asm_side_effects": flag,
            "llvm_inline_asm_align_stack": flag,
        },
    ),
)
