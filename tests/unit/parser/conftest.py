"""Shared checks for the parser tests: dlir's Lark parser against xDSL's (the reference)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from xdsl.dialects.builtin import ModuleOp

from dlir.ir.context import make_context
from dlir.parser import parse_module_xdsl, print_module
from dlir.parser.lark_parser import parse_module_lark

Compare = Callable[..., ModuleOp]


def parse_both(text: str, structural: bool = True) -> ModuleOp:
    """Parse `text` with both parsers; they must build structurally equal IR.

    xDSL's `is_structurally_equivalent` is one forward walk, so it cannot match uses that
    precede their definition: with `structural=False` the two parses are compared by
    their generic and custom printing only (which name every value and block).
    """
    reference = parse_module_xdsl(text, "ref.mlir", make_context(allow_unregistered=True))
    ours = parse_module_lark(text, "ours.mlir", make_context(allow_unregistered=True))
    assert print_module(ours) == print_module(reference)
    assert print_module(ours, generic=True) == print_module(reference, generic=True)
    if structural:
        assert ours.is_structurally_equivalent(reference)
    return ours


@pytest.fixture
def both() -> Compare:
    return parse_both
