"""The `loop` dialect: explicit loop nests over buffers (builtin `memref`).

A kernel is a `loop.func` in destination-passing style. Its body is a nest of
`loop.for` loops, each with a kind (serial, parallel, vectorized, unrolled), over
`memref` buffers allocated with a memory scope and addressed by affine index
expressions. Scalar and vector compute uses `arith`, `math` and `vector` ops. Host
functions call kernels with `loop.call` and read weights from `loop.constant` buffers.

    loop.func @vadd(%a: memref<1024xf32>, %b: memref<1024xf32>, %c: memref<1024xf32>)
        attributes {num_outputs = 1 : i64} {
      %c0 = arith.constant 0 : index
      %c1 = arith.constant 1 : index
      %c1024 = arith.constant 1024 : index
      loop.for %i = %c0 to %c1024 step %c1 vectorized<8> {
        %x = loop.load %a[%i] : memref<1024xf32>
        %y = loop.load %b[%i] : memref<1024xf32>
        %s = arith.addf %x, %y : f32
        loop.store %s, %c[%i] : memref<1024xf32>
      }
      loop.return
    }
"""

from xdsl.ir import Dialect

from dlir.dialects.loop.access import IndexExpr, IndexLike, build_access, canonical_access
from dlir.dialects.loop.call import CallOp, ConstantOp
from dlir.dialects.loop.control import (
    ForOp,
    LoopKind,
    LoopKindAttr,
    MaxOp,
    MinOp,
    YieldOp,
    constant_index,
)
from dlir.dialects.loop.func import FuncOp, ReturnOp
from dlir.dialects.loop.memory import (
    MEMORY_SCOPES,
    AllocOp,
    FreeOp,
    LoadOp,
    StoreOp,
    VLoadOp,
    VStoreOp,
)
from dlir.dialects.loop.view import SubviewOp

__all__ = [
    "MEMORY_SCOPES",
    "AllocOp",
    "CallOp",
    "ConstantOp",
    "ForOp",
    "FreeOp",
    "FuncOp",
    "IndexExpr",
    "IndexLike",
    "LoadOp",
    "Loop",
    "LoopKind",
    "LoopKindAttr",
    "MaxOp",
    "MinOp",
    "ReturnOp",
    "StoreOp",
    "SubviewOp",
    "VLoadOp",
    "VStoreOp",
    "YieldOp",
    "build_access",
    "canonical_access",
    "constant_index",
]

Loop = Dialect(
    "loop",
    [
        FuncOp,
        ReturnOp,
        ForOp,
        YieldOp,
        MinOp,
        MaxOp,
        AllocOp,
        FreeOp,
        LoadOp,
        StoreOp,
        VLoadOp,
        VStoreOp,
        SubviewOp,
        CallOp,
        ConstantOp,
    ],
    [LoopKindAttr],
)
