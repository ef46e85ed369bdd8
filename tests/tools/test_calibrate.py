"""``tools/calibrate.py``: bad arguments are refused with a message, and a tiny run of each
kind of recipe prints one JSON line per checkpoint with what the notebooks assert on."""
import json

import pytest

import gan_helpers as gh


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


def test_stabiliser_options_reach_the_model_and_the_ema_is_scored(calibrate, capsys):
    argv = ["dcgan", "--seeds", "0", "--steps", "2", "--width", "0.125", "--batch", "8",
            "--spectral-norm", "--loss", "hinge", "--r1", "1.0", "--d-lr", "4e-4",
            "--ema", "0.99"]
    assert calibrate.main(argv) == 0
    header, checkpoint = lines(capsys)
    assert (header["spectral_norm"], header["loss"], header["r1"], header["d_lr"],
            header["ema"]) == (True, "hinge", 1.0, 4e-4, 0.99)
    assert checkpoint["fid_ema"] > header["real_vs_real"] and 1 <= checkpoint["score_ema"] <= 10
    recipe = dict(calibrate.RECIPES["dcgan"], width=0.125, spectral_norm=True, loss="hinge",
                  r1=1.0, d_lr=4e-4, ema=0.99)
    gan = calibrate.build(recipe, seed=0)
    assert gan.discriminator_loss is gh.hinge_discriminator_loss and gan.r1_gamma == 1.0
    assert float(gan.d_optimizer.learning_rate) == pytest.approx(4e-4)
    assert float(gan.g_optimizer.learning_rate) == pytest.approx(2e-4)
    assert gan.g_optimizer.use_ema and not gan.d_optimizer.use_ema
    assert any("spectral" in type(layer).__name__.lower() for layer in gan.discriminator.layers)


@pytest.mark.parametrize("argv, message", [
    (["dense", "--spectral-norm"], "dcgan recipe only"),
    (["dcgan", "--ema", "1.5"], "strictly between 0 and 1"),
    (["cgan", "--ema", "0.99"], "dense and dcgan"),
    (["dcgan", "--real-target", "0.3"], "(0.5, 1]"),
    (["dcgan", "--loss", "hinge", "--real-target", "0.9"], "standard loss only"),
    (["dcgan", "--r1", "-1"], ">= 0"),
])
def test_bad_stabiliser_options_are_refused(calibrate, capsys, argv, message):
    with pytest.raises(SystemExit) as exit_info:
        calibrate.main(argv)
    assert exit_info.value.code == 2 and message in capsys.readouterr().err
