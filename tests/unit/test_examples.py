"""Every program in examples/ parses, verifies and round-trips."""

from __future__ import annotations

from pathlib import Path

import pytest

from dlir.ir.verify import verify
from dlir.parser import parse_module
from dlir.parser.roundtrip import roundtrip_error

EXAMPLES = sorted((Path(__file__).parent.parent.parent / "examples").glob("*.mlir"))


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.name for p in EXAMPLES])
def test_example_verifies_and_round_trips(path: Path) -> None:
    module = parse_module(path.read_text(), str(path))
    verify(module)
    assert roundtrip_error(module, parse_module) is None


def test_there_are_examples() -> None:
    assert {"mlp.mlir", "cnn.mlir", "loops.mlir", "unified.mlir"} <= {p.name for p in EXAMPLES}
