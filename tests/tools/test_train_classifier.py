"""``tools/train_classifier.py``: where it writes (never over the shipped weights, never over
an earlier file without --force) and its augmentation; the training itself is not run here."""
import os
from pathlib import Path

import numpy as np
import pytest

from gan_helpers.metrics import classifier as clf_mod


def test_default_out_is_a_fresh_folder_outside_the_package(tmp_path, monkeypatch, train_classifier):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("GAN_WORKBOOK_RUNS", raising=False)
    out = train_classifier.output_path(stamp="20250101-120000")
    assert out == str(tmp_path / "runs" / "mnist_classifier-20250101-120000"
                      / "mnist_classifier.weights.h5")
    shipped = Path(clf_mod.DEFAULT_WEIGHTS).parent
    assert shipped not in Path(out).parents
    assert not (tmp_path / "runs").exists()  # deciding writes nothing
    # a run in the same second gets a folder of its own
    (tmp_path / "runs" / "mnist_classifier-20250101-120000").mkdir(parents=True)
    again = train_classifier.output_path(stamp="20250101-120000")
    assert Path(again).parent.name == "mnist_classifier-20250101-120000-2"
    # $GAN_WORKBOOK_RUNS moves it, as it moves gh.new_run_dir's folders
    monkeypatch.setenv("GAN_WORKBOOK_RUNS", str(tmp_path / "elsewhere"))
    assert train_classifier.output_path(stamp="x").startswith(str(tmp_path / "elsewhere") + os.sep)


def test_refuses_to_overwrite_without_force(tmp_path, train_classifier):
    out = tmp_path / "m.weights.h5"
    assert train_classifier.output_path(str(out)) == str(out)
    out.write_bytes(b"keep me")
    with pytest.raises(FileExistsError, match="--force"):
        train_classifier.output_path(str(out))
    assert train_classifier.output_path(str(out), force=True) == str(out)
    # the JSON record next to it counts too: it would be overwritten as well
    other = tmp_path / "n.weights.h5"
    (tmp_path / "n.json").write_text("{}")
    with pytest.raises(FileExistsError, match="n.json"):
        train_classifier.output_path(str(other))
    with pytest.raises(ValueError, match=".weights.h5"):
        train_classifier.output_path(str(tmp_path / "m.h5"))


def test_cli_refuses_before_training(tmp_path, capsys, train_classifier):
    out = tmp_path / "m.weights.h5"
    out.write_bytes(b"keep me")
    shipped = Path(clf_mod.DEFAULT_WEIGHTS)
    assert train_classifier.main(["--out", str(out), "--epochs", "1"]) == 2
    assert "--force" in capsys.readouterr().err
    assert out.read_bytes() == b"keep me"
    # the shipped weights exist, so naming them without --force is refused the same way
    assert train_classifier.main(["--out", str(shipped), "--epochs", "1"]) == 2
    assert "--force" in capsys.readouterr().err


def test_random_shifts_move_pixels_by_at_most_two(train_classifier):
    rng = np.random.default_rng(12)
    x = -np.ones((50, 28, 28, 1), np.float32)
    x[:, 14, 14, 0] = 1.0
    y = train_classifier.random_shifts(x, rng)
    rows, cols = np.nonzero(y[..., 0] == 1.0)[1:]
    assert y.shape == x.shape and np.sum(y == 1.0) == 50
    assert np.all(np.abs(rows - 14) <= 2) and np.all(np.abs(cols - 14) <= 2)
    assert len(set(zip(rows, cols))) > 5
