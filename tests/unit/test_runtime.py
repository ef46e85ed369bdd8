"""Device report, run profiles and the command-line report. set_seed's promise, that two
training runs on CPU repeat exactly, is tested with the trainer in test_training.py."""
import subprocess
import sys

import pytest

import gan_helpers as gh
from gan_helpers import runtime

SIZES = dict(smoke=dict(epochs=1, n=64), quick=dict(epochs=5, n=5000),
             full=dict(epochs=50, n=60000))


def test_profile_picks_the_sizes_in_force(monkeypatch, capsys):
    for name in ("smoke", "quick", "full"):
        monkeypatch.setenv(runtime.PROFILE_ENV, name)
        cfg = gh.profile(**SIZES)
        assert cfg.profile == name
        assert cfg.epochs == SIZES[name]["epochs"] and cfg["n"] == SIZES[name]["n"]
        assert f"Profile '{name}'" in capsys.readouterr().out
    with pytest.raises(AttributeError, match="has no setting 'batch'"):
        _ = cfg.batch  # reading the unknown setting is what raises


def test_default_profile_depends_on_the_gpu(monkeypatch):
    monkeypatch.delenv(runtime.PROFILE_ENV, raising=False)
    monkeypatch.delenv("GAN_WORKBOOK_GRADING", raising=False)
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    monkeypatch.setattr(runtime, "has_gpu", lambda: True)
    assert gh.profile_name() == "full"
    monkeypatch.setattr(runtime, "has_gpu", lambda: False)
    assert gh.profile_name() == "quick"


@pytest.mark.parametrize("var, value", [("NBGRADER_EXECUTION", "autograde"),
                                        ("GAN_WORKBOOK_GRADING", "1")])
def test_grading_defaults_to_smoke_sizes_unless_a_profile_is_set(monkeypatch, capsys, var,
                                                                  value):
    """Grading (nbgrader's switch, or the workbook's for Otter and the tests) runs the smoke
    sizes: no verdict depends on training, so a submission grades in seconds."""
    monkeypatch.delenv("GAN_WORKBOOK_GRADING", raising=False)
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    monkeypatch.delenv(runtime.PROFILE_ENV, raising=False)
    monkeypatch.setattr(runtime, "has_gpu", lambda: True)
    monkeypatch.setenv(var, value)
    assert gh.profile(**SIZES).profile == "smoke"
    assert "Profile 'smoke' (default while grading)" in capsys.readouterr().out
    monkeypatch.setenv(runtime.PROFILE_ENV, "quick")          # an explicit choice still wins
    assert gh.profile_name() == "quick"


def test_unknown_profile_is_a_one_line_error(monkeypatch):
    monkeypatch.setenv(runtime.PROFILE_ENV, "bogus")
    with pytest.raises(ValueError) as err:
        gh.profile(**SIZES)
    msg = str(err.value)
    assert "\n" not in msg and "'bogus'" in msg and "smoke, quick, full" in msg


def test_profiles_must_set_the_same_sizes():
    with pytest.raises(ValueError, match="every profile must set the same sizes"):
        gh.profile(smoke=dict(epochs=1), quick=dict(epochs=2, n=3), full=dict(epochs=3))


def test_command_line_report_and_error():
    env_bad = {**__import__("os").environ, runtime.PROFILE_ENV: "bogus"}
    bad = subprocess.run([sys.executable, "-m", "gan_helpers"], env=env_bad,
                         capture_output=True, text=True)
    assert bad.returncode == 2
    assert bad.stderr.strip().splitlines()[-1].startswith("error: GAN_WORKBOOK_PROFILE='bogus'")


def test_device_report_on_this_machine(capsys):
    report = gh.device_report()
    assert report["device"] in {"CPU", "GPU", "TPU"}
    assert report["colab"] is False and report["keras"].startswith("3.")
    assert "Device:" in capsys.readouterr().out


def test_speed_settings_follow_the_device(monkeypatch, capsys):
    monkeypatch.setattr(runtime, "has_gpu", lambda: True)
    gpu = gh.speed_settings()
    assert (gpu.policy, gpu.jit_compile) == ("mixed_float16", True)
    assert "policy mixed_float16, XLA on" in capsys.readouterr().out
    monkeypatch.setattr(runtime, "has_gpu", lambda: False)
    monkeypatch.setattr(runtime, "_cpu_flags", lambda: {"avx2", "avx512_bf16"})
    bf16 = gh.speed_settings(verbose=False)
    assert (bf16.policy, bf16.jit_compile) == ("mixed_bfloat16", False)
    monkeypatch.setattr(runtime, "_cpu_flags", lambda: {"avx2"})
    plain = gh.speed_settings(verbose=False)
    assert (plain.policy, plain.jit_compile) == ("float32", False)


def test_small_model_threads_apply_before_tensorflow_runs_and_are_refused_politely_after():
    # A fresh interpreter: this test process has long since started TensorFlow.
    code = """
import gan_helpers as gh, tensorflow as tf
assert gh.small_model_threads() is True
tf.constant(1.0) + 1.0                       # TensorFlow is running now
assert gh.small_model_threads() is True      # the same settings again: nothing to change
assert tf.config.threading.get_intra_op_parallelism_threads() == 1
assert tf.config.threading.get_inter_op_parallelism_threads() == 2
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.count("1 thread per op, 2 ops at a time") == 2


def test_small_model_threads_after_tensorflow_started_keeps_its_settings(capsys):
    import tensorflow as tf
    tf.constant(1.0) + 1.0
    before = tf.config.threading.get_intra_op_parallelism_threads()
    if before == 1:
        pytest.skip("this process already runs with one intra-op thread")
    assert gh.small_model_threads() is False
    assert "already running" in capsys.readouterr().out
    assert tf.config.threading.get_intra_op_parallelism_threads() == before
