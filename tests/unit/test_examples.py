"""Every program in examples/ parses, verifies and round-trips, and the dl-opt commands its
header documents succeed (the MLP and the CNN compile to native code and match the
interpreter)."""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest

from dlir.ir.verify import verify
from dlir.parser import parse_module
from dlir.parser.roundtrip import roundtrip_error
from dlir.tools.dl_opt import main

EXAMPLES = sorted((Path(__file__).parent.parent.parent / "examples").glob("*.mlir"))


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.name for p in EXAMPLES])
def test_example_verifies_and_round_trips(path: Path) -> None:
    module = parse_module(path.read_text(), str(path))
    verify(module)
    assert roundtrip_error(module, parse_module) is None


def test_there_are_examples() -> None:
    assert {"mlp.mlir", "cnn.mlir", "loops.mlir", "unified.mlir"} <= {p.name for p in EXAMPLES}


def _documented_commands(path: Path) -> list[list[str]]:
    # the `//   dl-opt ...` lines of an example's header, without their trailing comment
    commands: list[list[str]] = []
    for line in path.read_text().splitlines():
        if not line.startswith("//"):
            break
        text = line.removeprefix("//").split("#")[0].strip()
        if text.startswith("dl-opt "):
            commands.append(shlex.split(text)[1:])
    return commands


COMMANDS = [(p, argv) for p in EXAMPLES for argv in _documented_commands(p)]


@pytest.mark.parametrize(("path", "argv"), COMMANDS, ids=[" ".join(argv) for _, argv in COMMANDS])
def test_documented_command_succeeds(
    path: Path, argv: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(path.parent.parent)
    assert main(argv) == 0, capsys.readouterr().err


def test_mlp_and_cnn_are_checked_natively() -> None:
    documented = {" ".join(argv) for _, argv in COMMANDS}
    assert "examples/mlp.mlir -p compile-cpu --run --check" in documented
    assert "examples/cnn.mlir -p compile-cpu --run --check --run-range 0.1,1" in documented
