"""Hand-written op syntaxes for dlir's Lark parser (see `dlir/parser/INTERFACE.md`).

One module per dialect; each exports `FORMS`, collected here. (`builtin.module`,
`builtin.unrealized_conversion_cast` and `func.func` are the core's: `core_forms.py`.)
"""

from __future__ import annotations

from dlir.parser.custom import (
    arith,
    cf,
    graph,
    hw,
    llvm_ops,
    llvm_symbols,
    loop,
    memref,
    scf,
    te,
    vector,
)
from dlir.parser.plugin import CustomForm

FORMS: tuple[CustomForm, ...] = (
    *arith.FORMS,
    *scf.FORMS,
    *memref.FORMS,
    *vector.FORMS,
    *cf.FORMS,
    *llvm_ops.FORMS,
    *llvm_symbols.FORMS,
    *graph.FORMS,
    *te.FORMS,
    *loop.FORMS,
    *hw.FORMS,
)
