"""`write_output` (dl-opt -o, dl-import -o): atomic, and the file gets the usual mode."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from dlir.tools import dl_import, dl_opt
from dlir.tools.output import write_output

GOOD = """func.func @f(%a: i32) -> i32 {
  func.return %a : i32
}
"""


@pytest.fixture
def umask_022() -> Iterator[None]:
    old = os.umask(0o022)
    yield
    os.umask(old)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_new_file_gets_0666_minus_umask(tmp_path: Path, umask_022: None) -> None:
    out = tmp_path / "a.mlir"
    write_output(str(out), "x\n")
    assert out.read_text() == "x\n"
    assert _mode(out) == 0o644
    os.umask(0o027)
    write_output(str(tmp_path / "b.mlir"), "y\n")
    assert _mode(tmp_path / "b.mlir") == 0o640


def test_existing_file_keeps_its_mode(tmp_path: Path, umask_022: None) -> None:
    out = tmp_path / "a.mlir"
    out.write_text("old\n")
    out.chmod(0o600)
    write_output(str(out), "new\n")
    assert out.read_text() == "new\n" and _mode(out) == 0o600


def test_failed_write_leaves_no_temp_file(tmp_path: Path) -> None:
    out = tmp_path / "a.mlir"
    out.write_text("old\n")
    with pytest.raises(UnicodeEncodeError):
        write_output(str(out), "\udcff")  # a lone surrogate cannot be written as UTF-8
    assert out.read_text() == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.mlir"]


def test_dl_opt_output_is_readable_by_others(tmp_path: Path, umask_022: None) -> None:
    src = tmp_path / "in.mlir"
    src.write_text(GOOD)
    out = tmp_path / "out.mlir"
    assert dl_opt.main([str(src), "-o", str(out)]) == 0
    assert "func.return" in out.read_text()
    assert _mode(out) == 0o644


def test_tools_share_the_helper() -> None:
    for tool in (dl_opt, dl_import):
        assert tool.__file__ is not None
        source = Path(tool.__file__).read_text()
        assert "mkstemp" not in source and "write_output" in source
