"""The `graph` dialect: whole-tensor operators over static shapes, before any scheduling.

    graph.func @mlp(%x: tensor<64x784xf32>, %w: tensor<784x256xf32>, %b: tensor<256xf32>) -> tensor<64x256xf32> {
      %0 = graph.matmul %x, %w : (tensor<64x784xf32>, tensor<784x256xf32>) -> tensor<64x256xf32>
      %1 = graph.add %0, %b : (tensor<64x256xf32>, tensor<256xf32>) -> tensor<64x256xf32>
      %2 = graph.relu %1 : tensor<64x256xf32>
      graph.return %2 : tensor<64x256xf32>
    }

Every operator verifies its operands, infers its result type (`OpClass.infer_type`,
also used by the builders when no result type is given) and declares its fusion
category (`fusion_category(op)`). Its op class is the one place for its semantics: the
tensor-expression definition (a later issue) goes on the class, next to `infer_type`.

The submodules group the ops by concept: `func` (func, return, constant, call_dps),
`elementwise` (with the comparisons and where), `nn` (matmul, conv2d, pooling), `norm`
(softmax, layer_norm, batch_norm, lrn), `shape` (with gather), `reduce`, `layout`
(layout_transform, and conv2d_nchwc over blocked tensors); `fusion` holds
the categories, `common` the shared type helpers (and `TwoTensorOp`, the base of the
binary and matmul ops) and `constants` the numpy helpers for `graph.constant`.
"""

from __future__ import annotations

from xdsl.ir import Dialect

from dlir.dialects.graph.common import tensor
from dlir.dialects.graph.constants import constant, constant_value
from dlir.dialects.graph.elementwise import (
    AddOp,
    CastOp,
    ClipOp,
    DivOp,
    EqualOp,
    ErfOp,
    ExpOp,
    GeluOp,
    GreaterOp,
    LessOp,
    LogOp,
    MaximumOp,
    MinimumOp,
    MulOp,
    PowOp,
    ReluOp,
    SigmoidOp,
    SqrtOp,
    SubOp,
    TanhOp,
    WhereOp,
)
from dlir.dialects.graph.func import CallDpsOp, ConstantOp, FuncOp, ReturnOp
from dlir.dialects.graph.fusion import FusionCategory, FusionTrait, fusion_category
from dlir.dialects.graph.layout import Conv2dNchwcOp, LayoutTransformOp
from dlir.dialects.graph.nn import (
    AvgPool2dOp,
    BatchMatmulOp,
    Conv2dOp,
    GlobalAvgPool2dOp,
    MatmulOp,
    MaxPool2dOp,
)
from dlir.dialects.graph.norm import BatchNormOp, LayerNormOp, LrnOp, SoftmaxOp
from dlir.dialects.graph.reduce import ReduceMaxOp, ReduceMeanOp, ReduceSumOp
from dlir.dialects.graph.shape import (
    BroadcastToOp,
    ConcatOp,
    FlattenOp,
    GatherOp,
    PadOp,
    ReshapeOp,
    SliceOp,
    TransposeOp,
)

__all__ = [
    "AddOp",
    "AvgPool2dOp",
    "BatchMatmulOp",
    "BatchNormOp",
    "BroadcastToOp",
    "CallDpsOp",
    "CastOp",
    "ClipOp",
    "ConcatOp",
    "ConstantOp",
    "Conv2dNchwcOp",
    "Conv2dOp",
    "DivOp",
    "EqualOp",
    "ErfOp",
    "ExpOp",
    "FlattenOp",
    "FuncOp",
    "FusionCategory",
    "FusionTrait",
    "GatherOp",
    "GeluOp",
    "GlobalAvgPool2dOp",
    "Graph",
    "GreaterOp",
    "LayerNormOp",
    "LayoutTransformOp",
    "LessOp",
    "LogOp",
    "LrnOp",
    "MatmulOp",
    "MaxPool2dOp",
    "MaximumOp",
    "MinimumOp",
    "MulOp",
    "PadOp",
    "PowOp",
    "ReduceMaxOp",
    "ReduceMeanOp",
    "ReduceSumOp",
    "ReluOp",
    "ReshapeOp",
    "ReturnOp",
    "SigmoidOp",
    "SliceOp",
    "SoftmaxOp",
    "SqrtOp",
    "SubOp",
    "TanhOp",
    "TransposeOp",
    "WhereOp",
    "constant",
    "constant_value",
    "fusion_category",
    "tensor",
]

Graph = Dialect(
    "graph",
    [
        # func.py
        FuncOp,
        ReturnOp,
        ConstantOp,
        CallDpsOp,
        # elementwise.py
        AddOp,
        SubOp,
        MulOp,
        DivOp,
        PowOp,
        MaximumOp,
        MinimumOp,
        EqualOp,
        LessOp,
        GreaterOp,
        WhereOp,
        ReluOp,
        SigmoidOp,
        TanhOp,
        ExpOp,
        LogOp,
        SqrtOp,
        ErfOp,
        GeluOp,
        ClipOp,
        CastOp,
        # nn.py
        MatmulOp,
        BatchMatmulOp,
        Conv2dOp,
        MaxPool2dOp,
        AvgPool2dOp,
        GlobalAvgPool2dOp,
        # norm.py
        SoftmaxOp,
        LayerNormOp,
        BatchNormOp,
        LrnOp,
        # reduce.py
        ReduceSumOp,
        ReduceMeanOp,
        ReduceMaxOp,
        # shape.py
        ReshapeOp,
        TransposeOp,
        ConcatOp,
        FlattenOp,
        PadOp,
        SliceOp,
        GatherOp,
        BroadcastToOp,
        # layout.py
        LayoutTransformOp,
        Conv2dNchwcOp,
    ],
    [],
)
