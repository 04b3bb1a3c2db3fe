"""dl-opt --run: inputs from .npy/.npz files, results saved with --run-out."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from dlir.tools.dl_opt import main

SCALE = """graph.func @scale(%x: tensor<4xf32>, %y: tensor<4xf32>) -> tensor<4xf32> {
  %s = graph.mul %x, %y : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  graph.return %s : tensor<4xf32>
}
"""


def test_inputs_from_npy_and_npz_results_to_npz(tmp_path: Path) -> None:
    src = tmp_path / "scale.mlir"
    src.write_text(SCALE)
    x = np.arange(4, dtype=np.float32)
    np.save(tmp_path / "x.npy", x)
    np.savez(tmp_path / "y.npz", y=np.full(4, 3, dtype=np.float32))
    out = tmp_path / "out.npz"
    argv = [str(src), "--run", "--run-input", str(tmp_path / "x.npy")]
    assert main([*argv, "--run-input", str(tmp_path / "y.npz"), "--run-out", str(out)]) == 0
    np.testing.assert_array_equal(np.load(out)["result0"], x * 3)


def test_wrong_inputs_are_a_clean_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = tmp_path / "scale.mlir"
    src.write_text(SCALE)
    np.save(tmp_path / "x.npy", np.zeros(5, dtype=np.float64))
    assert main([str(src), "--run", "--run-input", str(tmp_path / "x.npy")]) == 1
    err = capsys.readouterr().err
    assert "cannot run @scale" in err and "Traceback" not in err


def test_random_inputs_depend_on_the_seed(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    src = tmp_path / "scale.mlir"
    src.write_text(SCALE)
    outputs: list[str] = []
    for seed in ("1", "1", "2"):
        assert main([str(src), "--run", "--seed", seed]) == 0
        outputs.append(capsys.readouterr().out.split("\n", 1)[1])
    assert outputs[0] == outputs[1] != outputs[2]
