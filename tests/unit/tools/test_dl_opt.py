"""dl-opt as a library call: exit codes, diagnostics, split files, outputs."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from dlir.tools.dl_opt import main

GOOD = """func.func @f(%a: i32) -> i32 {
  %b = arith.addi %a, %a : i32
  func.return %b : i32
}
"""
BAD_TYPE = """func.func @f(%a: i32) -> i32 {
  func.return %a : i64
}
"""


def run(tmp_path: Path, text: str, *args: str) -> int:
    src = tmp_path / "in.mlir"
    src.write_text(text)
    return main([str(src), *args])


def test_prints_verified_module(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(tmp_path, GOOD) == 0
    assert "arith.addi %a, %a : i32" in capsys.readouterr().out


def test_parse_error_has_location_and_caret(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(tmp_path, "func.func @f( {\n") == 1
    err = capsys.readouterr().err
    assert f"{tmp_path / 'in.mlir'}:1:" in err and "^" in err and "Traceback" not in err


def test_verify_error_exits_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(tmp_path, BAD_TYPE) == 1
    assert "error:" in capsys.readouterr().err


def test_verify_diagnostics_matches_expected_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = GOOD + "// -----\nfunc.func @g(%a: i32) -> i32 {\n  // expected-error @+1 {{operand is used with type i64}}\n  %b = arith.addi %a, %a : i64\n  func.return %b : i32\n}\n"
    assert run(tmp_path, text, "--split-input-file", "--verify-diagnostics") == 0
    out = capsys.readouterr().out
    assert "func.func @f" in out and "func.func @g" not in out


def test_verify_diagnostics_reports_unmet_and_unexpected(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = "// expected-error @+1 {{never produced}}\n" + GOOD
    assert run(tmp_path, text, "--verify-diagnostics") == 1
    assert 'expected error "never produced" was not produced' in capsys.readouterr().err
    assert run(tmp_path, "func.func @f( {\n", "--verify-diagnostics") == 1
    assert "unexpected error" in capsys.readouterr().err


def test_split_keeps_file_line_numbers(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = GOOD + "// -----\n" + BAD_TYPE
    assert run(tmp_path, text, "--split-input-file") == 1
    err = capsys.readouterr().err
    assert "func.return %a : i64" in err
    assert ":7:" in err  # line 7 of the whole file, not line 2 of the chunk


def test_output_file_untouched_on_failure(tmp_path: Path) -> None:
    out = tmp_path / "out.mlir"
    out.write_text("previous contents\n")
    assert run(tmp_path, BAD_TYPE, "-o", str(out)) == 1
    assert out.read_text() == "previous contents\n"
    assert run(tmp_path, GOOD, "-o", str(out)) == 0
    assert "arith.addi" in out.read_text()


def test_unknown_pass_is_a_clean_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(tmp_path, GOOD, "-p", "no-such-pass") == 1
    err = capsys.readouterr().err
    assert "no-such-pass" in err and "Traceback" not in err


def test_pipeline_runs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = "func.func @f(%a: i32) -> i32 {\n  %b = arith.addi %a, %a : i32\n  func.return %a : i32\n}\n"
    assert run(tmp_path, text, "-p", "dce") == 0
    assert "arith.addi" not in capsys.readouterr().out


def test_missing_input_file(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["/nonexistent/x.mlir"]) == 1
    assert "cannot read" in capsys.readouterr().err


def test_version_imports_nothing_heavy() -> None:
    # xdsl-opt needs ~0.85 s to start; dl-opt --version must not import xDSL, Lark or llvmlite.
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "dlir.tools.dl_opt", "--version"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.startswith("dl-opt ")
    imported = {line.rsplit("|", 1)[-1].strip().split(".")[0] for line in result.stderr.splitlines()}
    assert not imported & {"xdsl", "lark", "llvmlite", "numpy"}


def test_list_passes(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--list-passes"]) == 0
    assert "canonicalize" in capsys.readouterr().out


def test_pipeline_error_exits_1_with_caret(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(tmp_path, GOOD, "-p", "cse{depth=abc}") == 1
    err = capsys.readouterr().err
    assert "error: 'cse' has no option 'depth' (its options: none)\n  cse{depth=abc}\n      ^" in err


def test_reproducer_header_is_replayed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = "// dl-opt -p 'builtin.module(cse)'\n" + GOOD.replace("func.return %b", "%c = arith.addi %a, %a : i32\n  func.return %c")
    assert run(tmp_path, text) == 0
    assert capsys.readouterr().out.count("arith.addi") == 1


def test_print_ir_tree_dir_writes_one_file_per_pass(tmp_path: Path) -> None:
    tree = tmp_path / "tree"
    assert run(tmp_path, GOOD, "-p", "cse,canonicalize", f"--print-ir-tree-dir={tree}") == 0
    assert sorted(p.name for p in tree.iterdir()) == ["001_cse_builtin_module.mlir", "002_canonicalize_builtin_module.mlir"]
