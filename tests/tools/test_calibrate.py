"""``tools/calibrate.py``: bad arguments are refused with a message, and a tiny run of each
kind of recipe prints one JSON line per checkpoint with what the notebooks assert on."""
import json

import pytest


@pytest.mark.parametrize("argv, message", [
    (["dcgan", "--steps", "20,10"], "increasing"),
    (["dcgan", "--steps", "0"], "increasing"),
    (["dcgan", "--seeds", "a,b"], "whole numbers"),
    (["dense", "--width", "0.5"], "--width applies"),
    (["dcgan", "--body", "dense"], "--body applies"),
    (["cgan", "--labels-per-class", "0"], "positive"),
    (["dcgan", "--decay-steps", "0"], "positive number of steps"),
    (["cgan", "--labels-per-class", "100000"], "rarest digit"),
    (["wgan"], "invalid choice"),
])
def test_bad_arguments_are_refused_with_a_reason(calibrate, capsys, argv, message):
    with pytest.raises(SystemExit) as exit_info:
        calibrate.main(argv)
    assert exit_info.value.code == 2
    assert message in capsys.readouterr().err


def lines(capsys):
    return [json.loads(line) for line in capsys.readouterr().out.splitlines()]


def test_a_tiny_dcgan_run_prints_the_header_and_one_line_per_checkpoint(calibrate, capsys):
    assert calibrate.main(["dcgan", "--seeds", "3", "--steps", "1,2", "--width", "0.125",
                           "--batch", "8"]) == 0
    header, *checkpoints = lines(capsys)
    assert header["recipe"] == "dcgan" and header["width"] == 0.125 and header["batch"] == 8
    assert 0 < header["real_vs_real"] < 20 and header["n_eval"] == 1000
    assert [(c["seed"], c["steps"]) for c in checkpoints] == [(3, 1), (3, 2)]
    for c in checkpoints:
        assert sum(c["counts"]) == 1000 and c["fid"] > header["real_vs_real"]
        assert 1 <= c["score"] <= 10 and c["min_digit_share"] == min(c["counts"]) / 1000
    assert checkpoints[1]["train_s"] >= checkpoints[0]["train_s"]


def test_a_tiny_cgan_run_reports_per_class_accuracy(calibrate, capsys):
    assert calibrate.main(["cgan", "--seeds", "0", "--steps", "1", "--width", "0.125",
                           "--labels-per-class", "10"]) == 0
    header, checkpoint = lines(capsys)
    assert header["labels_per_class"] == 10
    acc = checkpoint["class_acc"]
    assert len(acc) == 10 and all(0 <= a <= 1 for a in acc)
    assert checkpoint["class_acc_min"] == min(acc)
    assert abs(checkpoint["class_acc_mean"] - sum(acc) / 10) < 0.01
