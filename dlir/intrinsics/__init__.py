"""The intrinsic library: hardware intrinsics that ship with dlir, declared by name.

    from dlir.intrinsics import declare, library
    [entry.name for entry in library()]   # ['conv2d_nchwc_microkernel', 'gemm_microkernel', ...]
    op = declare(module, "gemm_microkernel", kc=256)
    # module now holds hw.intrinsic @gemm_6x16_k256_packed_packed and its llvm.func

An entry is a factory of `Intrinsic`s (an `hw.intrinsic` with its behavior, plus the
implementation), parametrized where the hardware contract varies with the problem (tile
sizes, the k extent of a panel, panel layouts). `declare` adds the result to a module
unless a symbol of that name is already there, so declaring twice is harmless. The
intrinsics themselves are plain IR: print the module and the text parses back.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from xdsl.dialects.builtin import ModuleOp
from xdsl.ir import Operation
from xdsl.traits import SymbolTable

from dlir.dialects.hw import IntrinsicOp
from dlir.intrinsics.conv import conv2d_nchwc_microkernel
from dlir.intrinsics.cpu import (
    FEATURES,
    TARGET,
    Intrinsic,
    IntrinsicError,
    gemm_microkernel,
)
from dlir.ir.module import IRModule

__all__ = [
    "LIBRARY",
    "Intrinsic",
    "IntrinsicError",
    "LibraryEntry",
    "build",
    "conv2d_nchwc_microkernel",
    "declare",
    "gemm_microkernel",
    "library",
]


@dataclass(frozen=True)
class LibraryEntry:
    """One kind of intrinsic the library can build."""

    name: str
    target: str
    features: tuple[str, ...]
    summary: str
    factory: Callable[..., Intrinsic]


def _vta(name: str) -> Callable[..., Intrinsic]:
    """A factory of the VTA intrinsic `vta.<name>(config)` (no implementation: simulated)."""

    def factory(**params: Any) -> Intrinsic:
        from dlir.intrinsics import vta  # the VTA backend imports this package

        function: Callable[..., IntrinsicOp] = getattr(vta, name)
        return Intrinsic(function(**params), None)

    return factory


LIBRARY: dict[str, LibraryEntry] = {
    entry.name: entry
    for entry in (
        LibraryEntry(
            "gemm_microkernel",
            TARGET,
            FEATURES,
            "f32 C[mr x nr] += A[mr x kc] . B[kc x nr] in vector registers (default 6 x 16); "
            "parameters mr, nr, kc, a_layout/b_layout ('packed' | 'strided'), unroll",
            gemm_microkernel,
        ),
        LibraryEntry(
            "conv2d_nchwc_microkernel",
            TARGET,
            FEATURES,
            "f32 O[mr x nr] += conv2d window of I and W in vector registers (default 6 x 16, "
            "3x3); parameters mr, nr, channels, kh, kw, stride, layout ('nchwc' | 'nchw'), "
            "block, ob",
            conv2d_nchwc_microkernel,
        ),
        *(
            LibraryEntry(
                f"vta_{name}",
                "vta",
                (),
                f"{summary} on VTA tiles (dlir/intrinsics/vta.py); parameter config",
                _vta(name),
            )
            for name, summary in (
                ("fill_zero", "acc = 0"),
                ("gemm", "acc += inp . wgt^T, i8 x i8 -> i32"),
                ("gemm_add", "acc += bias + inp . wgt^T"),
                ("store", "dst = clip(acc) as i8"),
            )
        ),
    )
}


def library() -> list[LibraryEntry]:
    """What ships, in name order."""
    return [LIBRARY[name] for name in sorted(LIBRARY)]


def build(name: str, **params: int | str) -> Intrinsic:
    """The intrinsic (and implementation) that library entry `name` builds for `params`."""
    entry = LIBRARY.get(name)
    if entry is None:
        raise IntrinsicError(
            f"no intrinsic '{name}' in the library: expected one of {', '.join(sorted(LIBRARY))}"
        )
    try:
        return entry.factory(**params)
    except TypeError as err:  # an unknown or missing parameter
        raise IntrinsicError(f"intrinsic '{name}': {err}") from None


def declare(module: ModuleOp | IRModule, name: str, **params: int | str) -> IntrinsicOp:
    """Add library intrinsic `name` built for `params` (and its implementation) to
    `module`, unless already there; return the module's `hw.intrinsic`."""
    op = module.op if isinstance(module, IRModule) else module
    intrinsic = build(name, **params)
    existing = SymbolTable.lookup_symbol(op, intrinsic.name)
    if existing is not None:
        if not isinstance(existing, IntrinsicOp):
            raise IntrinsicError(
                f"cannot declare intrinsic @{intrinsic.name}: the module's @{intrinsic.name} "
                f"is a {existing.name}"
            )
        return existing
    new: list[Operation] = intrinsic.ops()
    op.body.block.add_ops(new)
    return intrinsic.op
