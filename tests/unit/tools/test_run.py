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


EXP = """graph.func @e(%x: tensor<64xf32>) -> tensor<64xf32> {
  %y = graph.exp %x : tensor<64xf32>
  graph.return %y : tensor<64xf32>
}
"""


def test_native_run_takes_file_inputs_and_saves_results(tmp_path: Path) -> None:
    src = tmp_path / "scale.mlir"
    src.write_text(SCALE)
    x = np.arange(4, dtype=np.float32)
    np.savez(tmp_path / "in.npz", x=x, y=np.full(4, 2, dtype=np.float32))
    out = tmp_path / "out.npz"
    argv = [str(src), "-p", "compile-cpu", "--run", "--check", "--run-input", str(tmp_path / "in.npz")]
    assert main([*argv, "--run-out", str(out)]) == 0
    np.testing.assert_array_equal(np.load(out)["result0"], x * 2)


def test_check_beyond_tolerance_is_an_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The polynomial exp is within an ulp or two of numpy's, but not bit-identical everywhere.
    src = tmp_path / "exp.mlir"
    src.write_text(EXP)
    assert main([str(src), "-p", "compile-cpu", "--run", "--check", "--check-tolerance", "0"]) == 1
    captured = capsys.readouterr()
    assert "check against the interpreter (tolerance 0):" in captured.out
    assert "native results differ from the interpreter: max relative error" in captured.err


def test_compare_reports_absolute_relative_and_nan_mismatches() -> None:
    from dlir.tools.run import compare

    got = np.array([1.0, 2.0, np.nan], dtype=np.float32)
    want = np.array([1.0, 2.5, 3.0], dtype=np.float32)
    lines, worst = compare([got, got[:2]], [want, want[:2]])
    assert lines[0] == "  result #0: max abs error 0.5, max rel error inf, 1 NaN mismatches"
    assert lines[1] == "  result #1: max abs error 0.5, max rel error 0.2"
    assert worst == float("inf")


def test_run_range_draws_uniform_floats(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "scale.mlir"
    src.write_text(SCALE)
    out = tmp_path / "out.npz"
    assert main([str(src), "--run", "--run-range", "2,3", "--run-out", str(out)]) == 0
    assert "floats in [2, 3)" in capsys.readouterr().out
    product = np.load(out)["result0"]
    assert ((product >= 4) & (product < 9)).all()
    with pytest.raises(SystemExit):  # a usage error, as argparse reports them
        main([str(src), "--run", "--run-range", "3,2"])
    assert "expected LOW,HIGH with LOW < HIGH" in capsys.readouterr().err
