"""Run the FileCheck suite (tests/filecheck) under lit, so `pytest` runs everything."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

SUITE = Path(__file__).parent / "filecheck"


def test_filecheck_suite() -> None:
    jobs = str(os.cpu_count() or 2)
    result = subprocess.run(
        [str(Path(sys.executable).parent / "lit"), "-v", "-j", jobs, str(SUITE)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-20000:] + result.stderr[-5000:]
