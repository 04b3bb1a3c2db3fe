"""Round-trip checks: printing then parsing must give back the same IR.

    custom:  print(parse(print(m))) == print(m)
    generic: print(parse(print_generic(m))) == print(m)
    and both re-parsed modules are structurally equal to `m`.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable

from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp

from dlir.ir.diagnostics import DiagnosticError
from dlir.parser import print_module

ParseFn = Callable[[str, str, Context | None], ModuleOp]


def roundtrip_error(module: ModuleOp, parse: ParseFn, ctx: Context | None = None) -> str | None:
    """Why `module` does not round-trip through `parse`, or None when it does."""
    custom = print_module(module)
    for form, text in (("custom", custom), ("generic", print_module(module, generic=True))):
        try:
            again = parse(text, f"<{form} round trip>", ctx)
        except DiagnosticError as err:
            return f"the {form} form does not parse back:\n{err.diagnostic.render(text)}"
        reprinted = print_module(again)
        if reprinted != custom:
            diff = difflib.unified_diff(
                custom.splitlines(), reprinted.splitlines(), "printed", "reparsed", lineterm=""
            )
            return f"the {form} form prints differently after re-parsing:\n" + "\n".join(diff)
        if not module.is_structurally_equivalent(again):
            return f"the {form} form re-parses to structurally different IR"
    return None
