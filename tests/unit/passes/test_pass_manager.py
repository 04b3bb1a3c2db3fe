"""The pass registry, pipeline parser, pass manager, instruments and reproducers."""

from __future__ import annotations

import string
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

import pytest
from hypothesis import given
from hypothesis import strategies as st
from xdsl.context import Context
from xdsl.dialects import arith, func
from xdsl.dialects.builtin import IntegerAttr, ModuleOp, i64
from xdsl.ir import Operation
from xdsl.passes import ModulePass

from dlir.ir.context import make_context
from dlir.ir.diagnostics import Diagnostic
from dlir.parser import parse_module, print_module
from dlir.passes import (
    PassFailure,
    PassManager,
    pass_info,
    register_pass,
    register_pipeline,
    statistic,
)
from dlir.passes.instrument import PassInstrumentation
from dlir.passes.manager import Step, reproducer_pipeline, write_reproducer
from dlir.passes.pipeline import NestText, OptionText, PassText, PipelineError, parse_pipeline
from dlir.passes.registry import PASSES, PIPELINES
from dlir.tools.dl_opt import main

SRC = """func.func @f(%a: i32) -> i32 {
  %b = arith.addi %a, %a : i32
  %c = arith.addi %a, %a : i32
  func.return %b : i32
}
"""


@register_pass
@dataclass(frozen=True)
class PmTestOptionsPass(ModulePass):
    """Does nothing; has one option of each kind."""

    name = "pm-test-options"

    tile: int = field(default=32, metadata={"help": "tile size"})
    scale: float = 1.0
    fast: bool = False
    label: str = "x"
    sizes: tuple[int, ...] = (4, 8)

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        statistic("applied")


@register_pass
@dataclass(frozen=True)
class PmTestBreakPass(ModulePass):
    """Changes the IR, then raises: the module must come back untouched."""

    name = "pm-test-break"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        for inner in list(op.walk()):
            if isinstance(inner, arith.AddiOp):
                inner.attributes["touched"] = IntegerAttr(1, i64)
        raise RuntimeError("boom")


@register_pass
@dataclass(frozen=True)
class PmTestInvalidPass(ModulePass):
    """Erases each function's terminator: invalid IR."""

    name = "pm-test-invalid"
    anchor: ClassVar[str] = "func.func"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        for target in [o for o in op.walk() if o.name == self.anchor]:
            self.apply_to_op(ctx, target)

    def apply_to_op(self, ctx: Context, op: Operation) -> None:
        for inner in list(op.walk()):
            if isinstance(inner, func.ReturnOp):
                inner.detach()
                inner.erase()


def module() -> ModuleOp:
    return parse_module(SRC)


def test_pass_info_reads_options_anchor_and_help() -> None:
    info = pass_info("pm-test-options")
    assert info.description == "Does nothing; has one option of each kind."
    assert info.anchor == "builtin.module"
    tile = info.option("tile")
    assert tile is not None and tile.type_name == "int" and tile.default == 32 and tile.help == "tile size"
    sizes = info.option("sizes")
    assert sizes is not None and sizes.type_name == "int-list" and sizes.default == (4, 8)
    assert pass_info("graph-cse").anchor == "graph.func"
    assert "graph-dce" in PASSES and "graph-cleanup" in PIPELINES


def test_registering_a_name_twice_is_an_error() -> None:
    with pytest.raises(ValueError, match="already registered as a pass"):
        register_pipeline("cse", "dce")


def test_parse_flat_and_nested() -> None:
    tree = parse_pipeline("a,b{x=1 list=1,2 flag}")
    assert tree.anchor == "builtin.module" and [str(i) for i in tree.items] == ["a", "b{x=1 list=1,2 flag}"]
    nested = parse_pipeline("builtin.module(graph.func(graph-cse, graph-dce),cse)")
    assert str(nested) == "builtin.module(graph.func(graph-cse,graph-dce),cse)"
    inner = nested.items[0]
    assert isinstance(inner, NestText) and inner.anchor == "graph.func"


names = st.text(string.ascii_lowercase + "-_", min_size=1, max_size=6).filter(lambda n: n[0].isalpha())
values = st.lists(st.integers(0, 99).map(str), min_size=1, max_size=3).map(",".join)


@st.composite
def pass_texts(draw: st.DrawFn) -> PassText:
    keys = draw(st.lists(names, max_size=3))
    return PassText(draw(names), [OptionText(k, draw(values), 0) for k in keys])


@st.composite
def nests(draw: st.DrawFn) -> NestText:
    items: list[PassText | NestText] = list(draw(st.lists(pass_texts(), min_size=1, max_size=3)))
    return NestText(f"{draw(names)}.func", items)


@given(st.lists(st.one_of(pass_texts(), nests()), min_size=1, max_size=4))
def test_printed_pipelines_parse_back_to_the_same_text(items: list[PassText | NestText]) -> None:
    text = str(NestText("builtin.module", list(items)))
    assert str(parse_pipeline(text)) == text
    assert str(parse_pipeline(text.removeprefix("builtin.module(").removesuffix(")"))) == text


@given(st.text("ab-.,(){}= \"1", max_size=20))
def test_any_text_parses_or_fails_with_a_caret_inside_it(spec: str) -> None:
    try:
        tree = parse_pipeline(spec)
    except PipelineError as err:
        assert 0 <= err.pos <= len(spec)
        assert str(err).endswith(f"\n  {spec}\n  {' ' * err.pos}^")
    else:
        assert str(parse_pipeline(str(tree))) == str(tree)


@pytest.mark.parametrize(
    ("spec", "message", "caret"),
    [
        ("cse,dcee", "unknown pass 'dcee'; did you mean 'dce'?", 4),
        ("pm-test-options{tyle=3}", "has no option 'tyle' (its options: tile: int, scale: float", 16),
        ("pm-test-options{tile=abc}", "option 'tile' of 'pm-test-options' expects an int, got 'abc'", 16),
        ("pm-test-options{fast=maybe}", "expects a bool (true or false), got 'maybe'", 16),
        ("graph.func(cse)", "'cse' runs on builtin.module, it cannot be nested under 'graph.func'", 11),
        ("nope.func(cse)", "'nope.func' is not a registered op: this nest can never match", 0),
        ("cse,(", "expected a pass or op name, found '('", 4),
        ("graph.func(graph-cse", "expected ')' to close 'graph.func(' opened here", 0),
    ],
)
def test_pipeline_errors_have_a_caret(spec: str, message: str, caret: int) -> None:
    with pytest.raises(PipelineError) as info:
        PassManager.parse(spec, make_context())
    assert message in info.value.reason
    text = str(info.value)
    assert f"\n  {spec}\n  {' ' * caret}^" in text and info.value.pos == caret


def test_options_reach_the_pass_instance() -> None:
    pm = PassManager.parse("pm-test-options{tile=64 scale=0.5 fast label=hi sizes=1,2,3}", make_context())
    inst = pm.steps[0].instance
    assert inst == PmTestOptionsPass(64, 0.5, True, "hi", (1, 2, 3))


def test_named_pipeline_and_function_anchor() -> None:
    pm = PassManager.parse("graph-cleanup,cse", make_context())
    assert [s.name for s in pm.steps] == ["graph-canonicalize", "graph-cse", "graph-dce", "cse"]
    assert pm.pipeline() == (
        "builtin.module(graph.func(graph-canonicalize),graph.func(graph-cse),graph.func(graph-dce),cse)"
    )


def test_pass_matching_nothing_warns() -> None:
    messages: list[Diagnostic] = []
    PassManager.parse("graph-dce", make_context(), warn=messages.append).run(module())
    assert [m.render() for m in messages] == ["warning: pass 'graph-dce' matched no graph.func"]


def test_instrument_hooks_and_statistics() -> None:
    seen: list[str] = []

    class Record(PassInstrumentation):
        def run_before_pass(self, step: Step, op: Operation) -> None:
            seen.append(f"before {step.name} {op.name}")

        def run_after_pass(self, step: Step, op: Operation) -> None:
            seen.append(f"after {step.name}")

        def run_after_pass_failed(self, step: Step, op: Operation, error: Exception) -> None:
            seen.append(f"failed {step.name} {error}")

    from dlir.passes.instrument import PassStatistics

    stats = PassStatistics()
    PassManager.parse("pm-test-options,cse", make_context(), instruments=[Record(), stats]).run(module())
    assert seen == ["before pm-test-options builtin.module", "after pm-test-options", "before cse builtin.module", "after cse"]
    assert stats.counts == {"pm-test-options": {"applied": 1}}
    with pytest.raises(PassFailure):
        PassManager.parse("pm-test-break", make_context(), instruments=[Record()]).run(module())
    assert seen[-1] == "failed pm-test-break boom"


def test_failure_names_pass_and_restores_module() -> None:
    m = module()
    before = print_module(m)
    with pytest.raises(PassFailure, match=r"pass 'pm-test-break' failed on builtin\.module: RuntimeError: boom"):
        PassManager.parse("cse,pm-test-break", make_context()).run(m)
    assert print_module(m) == before


def test_invalid_ir_names_the_function() -> None:
    m = module()
    with pytest.raises(PassFailure, match=r"pass 'pm-test-invalid' left invalid IR in func.func @f"):
        PassManager.parse("pm-test-invalid", make_context()).run(m)
    assert print_module(m) == print_module(module())


def test_reproducer_round_trip(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    m = module()
    with pytest.raises(PassFailure) as info:
        PassManager.parse("cse,pm-test-break", make_context(), keep_ir_before=True).run(m)
    path = tmp_path / "repro.mlir"
    write_reproducer(path, info.value)
    text = path.read_text()
    assert reproducer_pipeline(text) == "builtin.module(pm-test-break)"
    assert "%c = arith.addi" not in text  # the IR as cse left it, before the failing pass
    assert main([str(path)]) == 1
    assert "pass 'pm-test-break' failed on builtin.module" in capsys.readouterr().err


def test_dl_opt_writes_reproducer(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src, repro = tmp_path / "in.mlir", tmp_path / "r.mlir"
    src.write_text(SRC)
    assert main([str(src), "-p", "cse,pm-test-break", "--reproducer", str(repro)]) == 1
    assert f"reproducer written to {repro}" in capsys.readouterr().err
    assert repro.read_text().startswith("// dl-opt -p 'builtin.module(pm-test-break)'\n")


def test_load_pass_plugin(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    plugin = tmp_path / "myplugin.py"
    plugin.write_text(
        "from dataclasses import dataclass\n"
        "from xdsl.passes import ModulePass\n"
        "from dlir.passes import register_pass\n\n"
        "@register_pass\n@dataclass(frozen=True)\n"
        "class PluginPass(ModulePass):\n"
        '    """A pass from a plugin file."""\n\n'
        '    name = "pm-test-plugin"\n'
        "    level: int = 2\n\n"
        "    def apply(self, ctx, op):\n        pass\n"
    )
    assert "pm-test-plugin" not in PASSES
    assert main(["--load-pass-plugin", str(plugin), "--list-passes"]) == 0
    out = capsys.readouterr().out
    assert "pm-test-plugin  (on builtin.module)  A pass from a plugin file." in out
    assert "level=<int>  default 2" in out
    assert main(["--load-pass-plugin", str(tmp_path / "missing.py"), "--list-passes"]) == 1


def test_entry_point_plugins(monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib.metadata

    from dlir.passes import registry

    eps = [
        importlib.metadata.EntryPoint("by-dict", "tests.unit.passes.test_pass_manager:PLUGIN_DICT", "dlir.passes"),
    ]

    def entry_points(group: str) -> list[importlib.metadata.EntryPoint]:
        return eps if group == "dlir.passes" else []

    monkeypatch.setattr(importlib.metadata, "entry_points", entry_points)
    assert registry.load_entry_point_plugins(reload=True) == ["by-dict"]
    assert PASSES["pm-test-entry"] == "tests.unit.passes.test_pass_manager:PmTestOptionsPass"
    assert registry.load_entry_point_plugins() == ["by-dict"]  # once only


PLUGIN_DICT = {"pm-test-entry": "tests.unit.passes.test_pass_manager:PmTestOptionsPass"}
