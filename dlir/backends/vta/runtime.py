"""Run a kernel on the simulated accelerator: lower its loop IR, simulate, return outputs.

    outputs, stats = run(module, "gemm", a, w)                 # loop IR (after te-to-loop)
    outputs, stats = run_te(module, "gemm", a, w)              # te kernel + schedule
    print(stats.summary())

`run` lowers `loop.func @name` with `lower_to_vta` and runs the program on the timed
simulator (or the functional one with `timed=False`, and no stats); the outputs are the
function's output buffers, in order, shaped like them. `run_te` first applies
`te-to-loop` (and `loop-tensorize` when the module holds `te.tensorize` primitives).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
from xdsl.dialects.builtin import ModuleOp

from dlir.backends.vta.config import DEFAULT_CONFIG, VTAConfig
from dlir.backends.vta.isa import Program
from dlir.backends.vta.lower import lower_to_vta
from dlir.backends.vta.timed import Stats, simulate
from dlir.dialects.loop import FuncOp


def run(
    module: ModuleOp,
    name: str,
    *arrays: npt.ArrayLike,
    timed: bool = True,
    config: VTAConfig = DEFAULT_CONFIG,
) -> tuple[list[npt.NDArray[np.generic]], Stats | None]:
    """The outputs of `loop.func @name` run on VTA, and the timed simulator's stats."""
    program = lower_to_vta(module, name, config)
    return execute(program, _outputs(module, name), arrays, timed=timed)


def execute(
    program: Program, outputs: int, arrays: Sequence[npt.ArrayLike], *, timed: bool = True
) -> tuple[list[npt.NDArray[np.generic]], Stats | None]:
    """Run `program` with `arrays` as its first DRAM buffers; its last `outputs` buffers."""
    inputs = len(program.buffers) - outputs
    if len(arrays) != inputs:
        names = ", ".join(b.name for b in program.buffers[:inputs])
        raise ValueError(f"expected {inputs} input arrays ({names}), found {len(arrays)}")
    feeds: dict[str, npt.ArrayLike] = {}
    for buffer, array in zip(program.buffers, arrays, strict=False):
        value = np.asarray(array)
        if value.shape != buffer.shape:
            raise ValueError(
                f"input {buffer.name} must have shape {buffer.shape}, found {value.shape}"
            )
        feeds[buffer.name] = value.astype(buffer.np_dtype)
    results, stats = simulate(program, feeds, timed=timed)
    shaped: list[npt.NDArray[np.generic]] = [
        np.asarray(results[b.name]).reshape(b.shape) for b in program.buffers[inputs:]
    ]
    return shaped, stats


def run_te(
    module: ModuleOp,
    name: str,
    *arrays: npt.ArrayLike,
    timed: bool = True,
    config: VTAConfig = DEFAULT_CONFIG,
) -> tuple[list[npt.NDArray[np.generic]], Stats | None]:
    """Lower the te kernel `@name` (with its schedule) to loops, then `run` it."""
    lowered = lower_te(module)
    return run(lowered, name, *arrays, timed=timed, config=config)


def lower_te(module: ModuleOp) -> ModuleOp:
    """A copy of `module` after te-to-loop, and loop-tensorize when a loop is tagged."""
    from dlir.passes.manager import run_pipeline

    work = module.clone()
    run_pipeline("te-to-loop", work)
    if any("tensorize" in op.attributes for op in work.walk()):
        run_pipeline("loop-tensorize", work)
    return work


def _outputs(module: ModuleOp, name: str) -> int:
    for op in module.ops:
        if isinstance(op, FuncOp) and op.sym_name.data == name:
            return op.num_outputs.value.data
    return 1
