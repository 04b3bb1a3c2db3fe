"""The code base stays ruff-clean and pyright-strict-clean (configured in pyproject.toml)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parent.parent
BIN = Path(sys.executable).parent


def run(tool: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(BIN / tool), *args], cwd=ROOT, capture_output=True, text=True, check=False
    )


def test_ruff_clean() -> None:
    result = run("ruff", "check", ".")
    assert result.returncode == 0, result.stdout + result.stderr


def test_pyright_strict_clean() -> None:
    # Point pyright at this environment's Python, whatever python3 is first on PATH.
    result = run("pyright", "--pythonpath", sys.executable)
    assert result.returncode == 0, result.stdout[-20000:] + result.stderr
