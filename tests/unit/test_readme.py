"""The README's examples run: every ```mlir block verifies and round-trips, every
```python block executes, and the two commands are the ones .ci/run uses."""

from __future__ import annotations

import os
import re
import sys
import types
from pathlib import Path

import pytest

from dlir.ir.verify import verify
from dlir.parser import parse_module
from dlir.parser.roundtrip import roundtrip_error

ROOT = Path(__file__).parent.parent.parent
README = (ROOT / "README.md").read_text()


def blocks(lang: str) -> list[str]:
    return re.findall(rf"```{lang}\n(.*?)```", README, flags=re.DOTALL)


@pytest.mark.parametrize("text", blocks("mlir"))
def test_mlir_blocks_verify_and_round_trip(text: str) -> None:
    module = parse_module(text, "README.md")
    verify(module)
    assert roundtrip_error(module, parse_module) is None


@pytest.mark.parametrize("code", blocks("python"))
def test_python_blocks_run(code: str, monkeypatch: pytest.MonkeyPatch) -> None:
    # Run each block as the module of a user's own file would run.
    monkeypatch.chdir(ROOT)
    module = types.ModuleType(f"readme_block_{abs(hash(code))}")
    monkeypatch.setitem(sys.modules, module.__name__, module)
    exec(compile(code, "README.md", "exec", dont_inherit=True), module.__dict__)


def test_ci_runs_the_readme_test_command() -> None:
    test_command = blocks("sh")[1].strip()
    assert "pytest" in test_command
    assert test_command in (ROOT / ".ci" / "run").read_text()
    assert os.access(ROOT / ".ci" / "run", os.X_OK)
