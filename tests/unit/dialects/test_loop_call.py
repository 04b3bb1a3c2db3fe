"""loop.call and loop.constant from Python: builders, the inferred buffer type, and
verification against every callee variant."""

from __future__ import annotations

import numpy as np
import pytest
from xdsl.dialects.builtin import MemRefType, f32, i32
from xdsl.utils.exceptions import VerifyException

from dlir.dialects import loop
from dlir.dialects.graph import constant
from dlir.parser import parse_module


def test_constant_takes_the_shape_and_element_type_of_its_value():
    op = loop.ConstantOp(constant(np.arange(6, dtype=np.int32).reshape(2, 3)).value)
    assert op.memref.type == MemRefType(i32, [2, 3])
    op.verify()


def test_call_builder_and_verification_against_a_loop_func():
    module = parse_module(
        """
loop.func @k(%a: memref<4xf32>, %c: memref<4xf32>) attributes {num_outputs = 1 : i64} {
  loop.return
}
loop.func @host(%x: memref<4xf32>, %y: memref<4xf32>) attributes {num_outputs = 1 : i64} {
  loop.return
}
"""
    )
    host = module.body.block.last_op
    assert isinstance(host, loop.FuncOp)
    terminator = host.body.block.last_op
    assert terminator is not None
    call = loop.CallOp("k", host.args)
    host.body.block.insert_op_before(call, terminator)
    module.verify()
    assert [a.type for a in call.args] == [MemRefType(f32, [4])] * 2
    call.detach()
    wrong = loop.CallOp("k", [host.args[0]])
    host.body.block.insert_op_before(wrong, terminator)
    with pytest.raises(VerifyException, match="callee @k takes 2 arguments, the call passes 1"):
        wrong.verify()


def test_call_to_an_llvm_func_checks_the_argument_count_only():
    module = parse_module(
        """
llvm.func @native(!llvm.ptr, !llvm.ptr)
loop.func @host(%x: memref<4xf32>, %y: memref<8xi32>) attributes {num_outputs = 1 : i64} {
  loop.call @native(%x, %y) : (memref<4xf32>, memref<8xi32>) -> ()
  loop.return
}
"""
    )
    module.verify()
