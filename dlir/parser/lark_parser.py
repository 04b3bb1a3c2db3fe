"""dlir's MLIR parser: one LALR grammar (Lark, contextual lexer) that builds xDSL IR.

    module = parse_module_lark(text, "input.mlir", ctx)

The grammar is `mlir.lark` plus one rule per op custom syntax (generated from declarative
assembly formats by `formats.py`, hand-written in `core_forms.py` and `custom/`). The
generated grammar text and Lark's LALR tables are cached on disk, keyed by a hash of
their inputs, so start-up stays fast.
"""

# pyright: reportUnknownMemberType=false, reportUnknownVariableType=false, reportUnknownArgumentType=false, reportMissingTypeStubs=false
from __future__ import annotations

import gc
import hashlib
import json
import os
import re
import tempfile
from collections.abc import Callable
from functools import cache
from importlib import import_module
from pathlib import Path

from lark import Lark, Token
from lark.exceptions import (
    GrammarError,
    UnexpectedCharacters,
    UnexpectedEOF,
    UnexpectedInput,
    UnexpectedToken,
    VisitError,
)
from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp
from xdsl.utils.exceptions import VerifyException

from dlir.ir.diagnostics import DiagnosticError, SourceLoc
from dlir.parser.builder import Builder, Children
from dlir.parser.builtin_attrs import builtin_attrs_grammar
from dlir.parser.lexer import MLIRLexer
from dlir.parser.plugin import CustomForm, op_terminal
from dlir.parser.state import ParseState

_HERE = Path(__file__).parent


def _balanced_angle(depth: int) -> str:
    """A regex for `<...>` with up to `depth` nested `<>`, strings and `->` / `>=` inside."""
    inner = r'[^<>"\-]|->?|>=|"(?:[^"\\]|\\.)*"'
    pattern = f"<(?:{inner})*>"
    for _ in range(depth):
        pattern = f"<(?:{inner}|{pattern})*>"
    return pattern


class GrammarBuildError(Exception):
    """dlir's grammar could not be built: a custom form is broken (the message names it)."""


def _custom_forms() -> list[CustomForm]:
    """The hand-written forms: the core's, then the custom-forms package (which wins).

    A broken form is an error, not a warning: every form is dlir's own (there are no
    third-party plug-ins), and running on without it would only move the failure to the
    first input that uses the op, with a misleading "no custom syntax" message.
    """
    from dlir.parser.core_forms import FORMS as CORE

    try:
        custom = import_module("dlir.parser.custom")
    except Exception as err:
        raise GrammarBuildError(
            f"cannot import dlir's custom forms (dlir.parser.custom): {type(err).__name__}: {err}"
        ) from err
    package_forms: tuple[CustomForm, ...] | None = getattr(custom, "FORMS", None)
    if package_forms is None:
        raise GrammarBuildError("dlir.parser.custom does not export FORMS (see INTERFACE.md)")
    forms = {f.op_name: f for f in CORE}
    for form in package_forms:
        forms[form.op_name] = form
    for form in forms.values():
        _check_form(form)
    return list(forms.values())


_RULE_DEF = re.compile(r"^[?!]?(\w+)\s*(?:\.\s*-?\d+\s*)?:", re.MULTILINE)


def _check_form(form: CustomForm) -> None:
    """The INTERFACE.md rules a form can break without Lark noticing, named by op."""

    def fail(why: str) -> GrammarBuildError:
        return GrammarBuildError(f"custom form of '{form.op_name}' (rule {form.rule}): {why}")

    defined = set(_RULE_DEF.findall(form.grammar))
    if form.rule not in defined:
        raise fail(f"its grammar does not define its top rule '{form.rule}'")
    for name in sorted(defined):
        if name.isupper():
            raise fail(f"it defines the terminal '{name}' (use the core's terminals)")
        if not name.startswith(form.rule):
            raise fail(f"rule '{name}' does not start with '{form.rule}'")
    if not re.search(rf"\b{op_terminal(form.op_name)}\b", form.grammar):
        raise fail(f"its grammar never uses the op name terminal {op_terminal(form.op_name)}")
    for name in form.callbacks:
        if name not in defined and not re.search(rf"->\s*{name}\b", form.grammar):
            raise fail(f"callback for '{name}', which is not a rule or alias of the form")


def _form_of(message: str, forms: list[CustomForm]) -> CustomForm | None:
    """The form whose rules a Lark grammar error names (longest rule prefix wins)."""
    named = [f for f in forms if re.search(rf"\b{re.escape(f.rule)}\w*", message)]
    return max(named, key=lambda f: len(f.rule), default=None)


def _source_stamp() -> str:
    """What the generated grammar depends on: dialect sources, forms, xDSL's version."""
    from importlib.metadata import version

    parts = [version("xdsl"), version("lark")]
    roots = [_HERE, _HERE.parent / "dialects"]
    digest = hashlib.sha256("\n".join(parts).encode())
    for root in roots:
        for path in sorted(root.rglob("*")):
            if path.suffix in (".py", ".lark"):
                digest.update(str(path).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _prune(cache: Path, keep: int = 6) -> None:
    """Drop all but the `keep` newest grammars and tables (each source change adds one)."""
    for pattern in ("grammar-*.json", "lark-*.cache"):
        files = sorted(cache.glob(pattern), key=lambda p: p.stat().st_mtime, reverse=True)
        for old in files[keep:]:
            old.unlink(missing_ok=True)


def cache_dir() -> Path:
    """Where the assembled grammar and its LALR tables are cached (`$DLIR_CACHE_DIR`)."""
    base = os.environ.get("DLIR_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "dlir"
    )
    path = Path(base)
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError:  # an unwritable home: fall back to the temporary directory
        path = Path(tempfile.gettempdir()) / f"dlir-cache-{os.getuid()}"
        path.mkdir(parents=True, exist_ok=True)
    return path


class _Grammar:
    """The assembled grammar text plus what the callbacks need to know about its rules."""

    def __init__(self, text: str, format_rules: dict[str, str], group_rules: list[str]) -> None:
        self.text = text
        self.format_rules = format_rules  # generated rule name -> op name
        self.group_rules = group_rules  # optional-group sub-rules of the generated rules


def _assemble(forms: list[CustomForm]) -> _Grammar:
    from dlir.parser.formats import generate_format_rules

    custom_names = {f.op_name for f in forms}
    generated = generate_format_rules(exclude=custom_names)
    alternatives: list[str] = []
    rules: list[str] = []
    terminals: list[str] = []
    for op_name, rule, grammar in generated.rules:
        alternatives.append(rule)
        rules.append(grammar)
        terminals.append(f'{op_terminal(op_name)}: "{op_name}"')
    for form in forms:
        alternatives.append(form.rule)
        rules.append(form.grammar)
        terminals.append(f'{op_terminal(form.op_name)}: "{form.op_name}"')
    core = (_HERE / "mlir.lark").read_text()
    text = (
        core.replace("@ANGLE_BODY@", _balanced_angle(6))
        .replace("@BUILTIN_ATTR_RULES@", builtin_attrs_grammar())
        .replace("@CUSTOM_OPS@", "\n    | ".join(alternatives))
        .replace("@CUSTOM_RULES@", "\n".join(rules + terminals))
    )
    groups = re.findall(r"^(fmt_\w+__[ge]\d+):", text, re.MULTILINE)
    return _Grammar(text, {rule: op for op, rule, _ in generated.rules}, groups)


class LarkMLIRParser:
    """A loaded grammar plus its builder; `parse` reads one buffer."""

    def __init__(self) -> None:
        forms = _custom_forms()
        try:
            self._load(forms)
        except GrammarError as err:
            form = _form_of(str(err), forms)
            if form is None:
                raise GrammarBuildError(f"dlir's grammar is broken: {err}") from err
            raise GrammarBuildError(
                f"custom form of '{form.op_name}' (rule {form.rule}): {err}"
            ) from err

    def _load(self, forms: list[CustomForm]) -> None:
        spelled = "\0".join(f"{f.op_name}\0{f.rule}\0{f.grammar}" for f in forms)
        stamp = _source_stamp() + hashlib.sha256(spelled.encode()).hexdigest()[:8]
        cache = cache_dir()
        meta_path = cache / f"grammar-{stamp}.json"
        if meta_path.exists():
            meta = json.loads(meta_path.read_text())
            grammar = _Grammar(meta["text"], meta["format_rules"], meta["group_rules"])
        else:
            grammar = _assemble(forms)
            tmp = meta_path.with_suffix(f".tmp{os.getpid()}")
            tmp.write_text(
                json.dumps(
                    {
                        "text": grammar.text,
                        "format_rules": grammar.format_rules,
                        "group_rules": grammar.group_rules,
                    }
                )
            )
            tmp.replace(meta_path)
            _prune(cache)
        self.builder = Builder()
        self._install_callbacks(grammar, forms)
        # Lark writes its table cache in place: build into a private file and rename it,
        # so that parallel first runs (lit -j) never read a half-written cache.
        final = cache / f"lark-{hashlib.sha256(grammar.text.encode()).hexdigest()[:16]}.cache"
        target = final if final.exists() else final.with_suffix(f".tmp{os.getpid()}")
        self.lark = Lark(
            grammar.text,
            parser="lalr",
            lexer=MLIRLexer,
            transformer=self.builder,
            maybe_placeholders=True,
            propagate_positions=False,
            cache=str(target),
        )
        if target != final and target.exists():
            target.replace(final)
        self._terminal_spelling = _spellings(self.lark)
        self._type_starts = {
            name
            for name, spelled in self._terminal_spelling.items()
            if spelled.strip("'") in _TYPE_WORDS
        } | {"INT_TYPE", "EXCL_ID", "LPAR"}

    def _install_callbacks(self, grammar: _Grammar, forms: list[CustomForm]) -> None:
        from dlir.parser.formats import format_callback, group_callbacks

        builder = self.builder
        callbacks: dict[str, Callable[[Children], object]] = {}
        for rule, op_name in grammar.format_rules.items():
            callbacks[rule] = format_callback(builder, op_name)
        callbacks |= group_callbacks(grammar.group_rules)
        for form in forms:
            for rule, fn in form.callbacks.items():
                callbacks[rule] = _bind(builder, fn)
        builder.add_callbacks(callbacks)

    def parse(self, text: str, filename: str, ctx: Context) -> ModuleOp:
        state = ParseState(ctx, filename, text)
        outer = self.builder.p  # a callback may itself parse text (re-entrancy)
        self.builder.p = state
        enabled = gc.isenabled()
        gc.disable()
        try:
            self.lark.parse(text)
            state.finish()
        except UnexpectedInput as err:
            raise self._syntax_error(err, state) from None
        except VisitError as err:
            inner = err.orig_exc
            if isinstance(inner, DiagnosticError):
                raise inner from None
            raise
        except (VerifyException, ValueError) as err:
            # an attribute or op constructor rejected what was parsed: report it at the
            # last token read, which ends the construct being built
            raise DiagnosticError.at(str(err), self._last_loc(state)) from None
        finally:
            self.builder.p = outer
            if enabled:
                gc.enable()
        ops = state.top_ops
        if not ops:
            raise DiagnosticError.at(
                "expected an operation, found the end of the input", SourceLoc(filename, 1, 1)
            )
        module = ops[0] if len(ops) == 1 and isinstance(ops[0], ModuleOp) else ModuleOp(ops)
        state.resources.finish(module)
        return module

    def _last_loc(self, state: ParseState) -> SourceLoc | None:
        tok = self._lexer_state_token()
        if tok is None or tok.line is None:
            return None
        return SourceLoc(state.filename, tok.line, tok.column or 1)

    def _lexer_state_token(self) -> Token | None:
        lexer = self.lark.parser.lexer
        return lexer.last_token if isinstance(lexer, MLIRLexer) else None

    def _unknown_op(self, name: str, state: ParseState) -> str:
        if state.ctx.get_optional_op(name) is None:
            return f"unknown operation '{name}'"
        return f"'{name}' has no custom syntax in dlir's parser yet; write it in generic form"

    def _syntax_error(self, err: UnexpectedInput, state: ParseState) -> DiagnosticError:
        text = state.text
        line, col = err.line, err.column
        at_end = isinstance(err, UnexpectedEOF) or line in (-1, None)
        if isinstance(err, UnexpectedToken) and err.token.type == "$END":
            at_end = True
        if at_end:
            lines = text.rstrip("\n").split("\n")
            line, col = len(lines), len(lines[-1]) + 1
        where = SourceLoc(state.filename, line, col)
        if isinstance(err, UnexpectedCharacters):
            char = text[err.pos_in_stream] if err.pos_in_stream < len(text) else ""
            return DiagnosticError.at(f"unexpected character '{char}'", where)
        expected: set[str] = set()
        found = "end of input"
        if isinstance(err, UnexpectedToken):
            expected = set(err.accepts or err.expected)
            if not at_end:
                found = f"'{err.token}'"
                name = str(err.token)
                if "_OP_START" in expected and re.fullmatch(r"[A-Za-z_][\w$.]*", name):
                    return DiagnosticError.at(self._unknown_op(name, state), where)
        if "INT_TYPE" in expected:  # a type may start here: say so, not its 30 spellings
            expected = {t for t in expected if t not in self._type_starts} | {"A_TYPE"}
        words = {
            _TERMINAL_WORDS.get(t) or self._terminal_spelling.get(t, t.lower())
            for t in expected
            if not t.startswith(("__", "OP_", "_OP_START"))
        }
        if "_OP_START" in expected or any(t.startswith("OP_") for t in expected):
            words.add("an operation")
        spelled = sorted(words)
        if not spelled:
            message = f"unexpected {found}"
        elif len(spelled) <= 6:
            message = f"expected {_or_list(spelled)} but found {found}"
        else:
            message = f"expected {_or_list(spelled[:6])}, ... but found {found}"
        return DiagnosticError.at(message, where)


_TYPE_WORDS = {
    *("index", "none", "tensor", "memref", "vector", "complex", "tuple"),
    *("f16", "bf16", "f32", "f64", "f80", "f128", "tf32", "f8E5M2", "f8E4M3", "f8E4M3FN"),
    *("f8E5M2FNUZ", "f8E4M3FNUZ", "f8E4M3B11FNUZ", "f8E3M4", "f8E8M0FNU", "f6E2M3FN"),
    *(
        "f6E3M2FN",
        "f4E2M1FN",
        "!llvm.ptr",
        "!llvm.void",
        "!llvm.struct",
        "!llvm.array",
        "!llvm.func",
    ),
}

_TERMINAL_WORDS = {
    "A_TYPE": "a type",
    "$END": "end of input",
    "VALUE_ID": "SSA value",
    "BLOCK_ID": "block name",
    "SYMBOL": "symbol",
    "STRING": "string",
    "BARE_ID": "identifier",
    "INT": "integer",
    "NEG_INT": "integer",
    "FLOAT": "float",
    "INT_TYPE": "integer type",
    "SHAPE": "dimensions",
    "VECTOR_SHAPE": "dimensions",
    "UNRANKED": "'*x'",
    "EXCL_ID": "type",
    "HASH_ID": "attribute",
    "ANGLE_BODY": "'<'",
    "DENSE_NUMBERS": "numbers",
}


def _spellings(lark: Lark) -> dict[str, str]:
    """How to show each terminal in an error: its literal spelling, or a word."""
    spelled: dict[str, str] = {}
    for term in lark.terminals:
        if term.name in _TERMINAL_WORDS:
            spelled[term.name] = _TERMINAL_WORDS[term.name]
        elif term.pattern.type == "str":
            spelled[term.name] = f"'{term.pattern.value}'"
        else:
            spelled[term.name] = term.name.lower()
    return spelled


def _or_list(items: list[str]) -> str:
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + " or " + items[-1]


def _bind(builder: Builder, fn: Callable[..., object]) -> Callable[[Children], object]:
    def call(children: Children) -> object:
        return fn(builder.p, *children)

    return call


@cache
def get_parser() -> LarkMLIRParser:
    """The process-wide parser (grammar loaded once, from the on-disk cache if fresh)."""
    return LarkMLIRParser()


def parse_module_lark(text: str, filename: str = "<stdin>", ctx: Context | None = None) -> ModuleOp:
    """Parse a whole buffer with dlir's Lark parser."""
    from dlir.ir.context import make_context

    return get_parser().parse(text, filename, ctx or make_context())


def grammar_conflicts() -> list[tuple[str, str]]:
    """The shift/reduce conflicts of the assembled grammar: (lookahead terminal, rule
    that could be reduced instead), sorted. Lark resolves each by shifting; every one is
    documented in mlir.lark (core rules) or formats.py (generated rules) and checked by
    tests/unit/parser/test_grammar.py. (Reduce/reduce conflicts make Lark refuse the
    grammar, so none can exist.)"""
    from lark.common import ParserConf
    from lark.parsers.lalr_analysis import LALR_Analyzer

    grammar = _assemble(_custom_forms())
    lark = Lark(grammar.text, parser="lalr", lexer=MLIRLexer, maybe_placeholders=True)
    analysis = LALR_Analyzer(ParserConf(lark.rules, {}, lark.options.start))
    analysis.compute_lr0_states()
    analysis.compute_reads_relations()
    analysis.compute_includes_lookback()
    analysis.compute_lookaheads()
    found: set[tuple[str, str]] = set()
    for itemset in analysis.lr0_itemsets:
        for lookahead, rules in itemset.lookaheads.items():
            if lookahead in itemset.transitions:
                found |= {(lookahead.name, str(rule)) for rule in rules}
    return sorted(found)
